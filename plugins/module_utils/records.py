# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The records both backends return, once: per kind its fields in rac's order, the projections results show,
and the value forms (null uuid, rac's time format, uuids, durations, the mask).

A record is a dict keyed by the snake form of rac's key (``session-id`` -> ``session_id``, see snake_key). The rac
backend's parser makes them of rac's text; the native codec decodes the same fields from the wire; the golden tests
(tests/unit/plugins/module_utils/native/) hold the two equal on the real captures.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.onec.cluster.plugins.module_utils.errors import ModuleInputError

# -- value forms ------------------------------------------------------------------------------------------------
# The zero uuid: what rac prints (and ras sends) for "none" (a thin client's connection, no infobase).
NULL_UUID = "00000000-0000-0000-0000-000000000000"
# How rac prints a time, and how it takes one: the server's local time, no zone.
RAC_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S"
# What ansible-core shows for a no_log value; the collection masks secrets and permission codes the same way.
MASK = "********"

UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")
_DURATION_RE = re.compile(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?\Z")


def snake_key(key):
    """rac key -> record key: 'duration current-dbms' -> 'duration_current_dbms'."""
    return key.replace(" ", "_").replace("-", "_")


def is_uuid(value):
    return bool(UUID_RE.match(value or ""))


def require_uuid(value, what):
    """A uuid the user gave, in lower case (as rac prints them); anything else fails before any call."""
    if not is_uuid(value):
        raise ModuleInputError("%s %r is not a uuid (expected 8-4-4-4-12 hex digits)" % (what, value))
    return value.lower()


# The longest text sent to ras (a message to users, a lock's texts), in UTF-8 bytes. UNVERIFIED: ras's own limit is
# not known; rac carries a text in one command-line argument (at most 128 KB on Linux), so this bound keeps both
# backends taking the same texts, with room for the option's name.
MAX_TEXT_BYTES = 65536


def check_text(option, value):
    """A text for ras, checked the same for both backends before any call: no NUL (rac cannot receive one on its
    command line, so the native backend does not send one either), at most MAX_TEXT_BYTES."""
    if value is None:
        return
    if "\x00" in value:
        raise ModuleInputError("%s contains a NUL character; remove it (neither rac nor ras takes one)" % option)
    size = len(value.encode("utf-8"))
    if size > MAX_TEXT_BYTES:
        raise ModuleInputError("%s is %d bytes long; a text sent to ras can be at most %d bytes (UTF-8)"
                               % (option, size, MAX_TEXT_BYTES))


def parse_duration(value):
    """'90', '90s', '15m', '2h', '1d', '1h30m' -> seconds."""
    text = str(value).strip().lower()
    if text.isdigit():
        return int(text)
    match = _DURATION_RE.match(text)
    if not text or not match:
        raise ModuleInputError("%r is not a duration: use seconds or forms like 90s, 15m, 2h, 1d, 1h30m" % (value,))
    days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return ((days * 24 + hours) * 60 + minutes) * 60 + seconds


# -- value kinds: how a field's value is typed; rac/parser.py types rac's text by them, native/codec.py decodes the
# same types from the wire (tests/unit/plugins/module_utils/native/test_native_codec.py holds the two together).
# Text that rac wraps in double quotes when non-empty (contract 2.6): one outer pair is removed. ``name`` is quoted
# for a cluster and bare for an infobase. UNVERIFIED for current_service_name and the fields after it (no capture
# of a non-empty value): treated as quoted, which only matters if a value both starts and ends with a quote.
QUOTED_FIELDS = frozenset("""
name descr denied_message denied_parameter permission_code application series full_name rmngr_address
short_presentation full_presentation service_principal_name restart_schedule current_service_name
db_proc_info data_separation security_profile_name safe_mode_security_profile_name
external_session_manager_connection_string
""".split())

# Text rac never quotes, even with spaces or Cyrillic (times included: rac's time format): kept exactly as printed.
TEXT_FIELDS = frozenset("""
user_name host app_id locale db_server db_name db_user dbms license_type os_user auth agent_host port_range
using dedicate_managers load_balancing_mode license_distribution use started_at last_active_at connected_at
db_proc_took_at denied_from denied_to
""".split())

# yes/no and on/off fields -> bool. Unknown ones are recognised by their value too.
BOOL_FIELDS = frozenset("""
hibernate sessions_deny scheduled_jobs_deny external_session_manager_required reserve_working_processes
disable_local_speech_to_text issued_by_server net is_enable turned_on running reserve
""".split())

# Comma-separated lists, e.g. "193.56.75.213, 193.56.75.213" -> a list of texts.
LIST_FIELDS = frozenset(["client_ip"])

# Every other field is typed by its look: an int, a float, or a text.


# -- record kinds: their fields in the order rac prints them --------------------------------------------------------
CLUSTER_FIELDS = (
    "cluster", "host", "port", "name", "expiration_timeout", "lifetime_limit", "max_memory_size",
    "max_memory_time_limit", "security_level", "session_fault_tolerance_level", "load_balancing_mode",
    "errors_count_threshold", "kill_problem_processes", "kill_by_memory_with_dump",
)
# rac 8.5.1 (service 16.0) prints four more.
CLUSTER_FIELDS_16 = CLUSTER_FIELDS + (
    "allow_access_right_audit_events_recording", "ping_period", "ping_timeout", "restart_schedule")

INFOBASE_SUMMARY_FIELDS = ("infobase", "name", "descr")

INFOBASE_FIELDS = (
    "infobase", "name", "dbms", "db_server", "db_name", "db_user", "security_level", "license_distribution",
    "scheduled_jobs_deny", "sessions_deny", "denied_from", "denied_message", "denied_parameter", "denied_to",
    "permission_code", "external_session_manager_connection_string", "external_session_manager_required",
    "security_profile_name", "safe_mode_security_profile_name", "reserve_working_processes", "descr",
)

# Every field rac prints for a session (8.3.21 and 8.5.1 captures, docs/rac_contract.md).
SESSION_FIELDS = (
    "session", "session_id", "infobase", "connection", "process", "user_name", "host", "app_id", "locale",
    "started_at", "last_active_at", "hibernate", "passive_session_hibernate_time",
    "hibernate_session_terminate_time", "blocked_by_dbms", "blocked_by_ls", "bytes_all", "bytes_last_5min",
    "calls_all", "calls_last_5min", "dbms_bytes_all", "dbms_bytes_last_5min", "db_proc_info", "db_proc_took",
    "db_proc_took_at", "duration_all", "duration_all_dbms", "duration_current", "duration_current_dbms",
    "duration_last_5min", "duration_last_5min_dbms", "memory_current", "memory_last_5min", "memory_total",
    "read_current", "read_last_5min", "read_total", "write_current", "write_last_5min", "write_total",
    "duration_current_service", "duration_last_5min_service", "duration_all_service", "current_service_name",
    "cpu_time_current", "cpu_time_last_5min", "cpu_time_total", "data_separation", "client_ip",
)

# A licence record of `session list --licenses` / `session info --licenses` (contract 3.3; tests/samples
# session_list_licenses_8.5.1_racrust.txt): rac prints only these, one record per licence, each starting with
# the session it is granted to (LICENSE_OWNER_FIELDS) and then the licence itself (LICENSE_FIELDS). Full, series,
# rmngr-address and the presentations are quoted (QUOTED_FIELDS), license-type is HASP or soft (TEXT_FIELDS),
# issued-by-server and net are yes/no (BOOL_FIELDS), the rest are numbers.
LICENSE_OWNER_FIELDS = ("session", "user_name", "host", "app_id")
LICENSE_FIELDS = ("full_name", "series", "issued_by_server", "license_type", "net", "max_users_all",
                  "max_users_cur", "rmngr_address", "rmngr_port", "rmngr_pid", "short_presentation",
                  "full_presentation")

CONNECTION_FIELDS = ("connection", "conn_id", "host", "process", "infobase", "application", "connected_at",
                     "session_number", "blocked_by_ls")

# The lock part of an infobase record, in rac's order.
LOCK_FIELDS = ("sessions_deny", "denied_from", "denied_to", "denied_message", "denied_parameter",
               "permission_code", "scheduled_jobs_deny")

# -- projections: what a result or the audit log shows of an item ---------------------------------------------------
# An ended session (session module, audit log); infobase_name is the client's annotation, not a server field.
SESSION_SUMMARY = ("session", "session_id", "user_name", "infobase", "infobase_name", "app_id", "host")
# A dropped (or left) connection (connection and session_wait modules, audit log).
CONNECTION_SUMMARY = ("connection", "conn_id", "process", "infobase", "infobase_name", "application", "host",
                      "session_number")


def project(record, fields):
    """The given fields of a record, in that order (None where it has none)."""
    return dict((field, record.get(field)) for field in fields)
