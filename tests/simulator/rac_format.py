# -*- coding: utf-8 -*-
"""How real rac lays out its records, per platform version (the simulator's printer).

Ground truth: tests/samples/*_racrust.txt (rac 8.3.21.1895 and 8.5.1.1150,
Linux) and docs/rac_contract.md. Field orders below are copied from those
captures. Rules:
- key left-justified, padded to the longest key of the record type, then
  " : ", then the value; an empty value leaves the trailing space;
- a blank line after every record (also the last);
- some string fields are double-quoted when non-empty, whatever they hold;
  inside the quotes every " is doubled and a line break is printed as it is
  (how 1C's own parser of rac output reads it, contract section 2.6); the
  other fields are printed as they are, quotes included;
  data-separation prints '' when empty;
- 8.3.21.1895 prints the misspelt key "duration current-dbms" (it does not
  change the padding: the longest session key is 32 characters).
Where the captures are silent (marked INFERRED) we keep the nearest captured
layout.
"""

SESSION_FIELDS_8_3_21 = [
    "session", "session-id", "infobase", "connection", "process", "user-name", "host", "app-id", "locale",
    "started-at", "last-active-at", "hibernate", "passive-session-hibernate-time",
    "hibernate-session-terminate-time", "blocked-by-dbms", "blocked-by-ls", "bytes-all", "bytes-last-5min",
    "calls-all", "calls-last-5min", "dbms-bytes-all", "dbms-bytes-last-5min", "db-proc-info", "db-proc-took",
    "db-proc-took-at", "duration-all", "duration-all-dbms", "duration-current", "duration current-dbms",
    "duration-last-5min", "duration-last-5min-dbms", "memory-current", "memory-last-5min", "memory-total",
    "read-current", "read-last-5min", "read-total", "write-current", "write-last-5min", "write-total",
    "duration-current-service", "duration-last-5min-service", "duration-all-service", "current-service-name",
    "cpu-time-current", "cpu-time-last-5min", "cpu-time-total", "data-separation", "client-ip",
]
# 8.5.1.1150: the same order with the key spelt correctly.
SESSION_FIELDS_8_5_1 = [("duration-current-dbms" if f == "duration current-dbms" else f)
                        for f in SESSION_FIELDS_8_3_21]

LICENSE_FIELDS = [
    "session", "user-name", "host", "app-id", "full-name", "series", "issued-by-server", "license-type", "net",
    "max-users-all", "max-users-cur", "rmngr-address", "rmngr-port", "rmngr-pid", "short-presentation",
    "full-presentation",
]

INFOBASE_FIELDS_8_3_21 = [
    "infobase", "name", "dbms", "db-server", "db-name", "db-user", "security-level", "license-distribution",
    "scheduled-jobs-deny", "sessions-deny", "denied-from", "denied-message", "denied-parameter", "denied-to",
    "permission-code", "external-session-manager-connection-string", "external-session-manager-required",
    "security-profile-name", "safe-mode-security-profile-name", "reserve-working-processes", "descr",
]
# INFERRED for 8.5.1: the newer 8.3.2x record (4 fields after descr, padding 66)
# captured by a public tool; 8.5.1's own `infobase info` was not captured.
INFOBASE_FIELDS_8_5_1 = INFOBASE_FIELDS_8_3_21 + [
    "disable-local-speech-to-text", "configuration-unload-delay-by-working-process-without-active-users",
    "minimum-scheduled-jobs-start-period-without-active-users",
    "maximum-scheduled-jobs-start-shift-without-active-users",
]

SUMMARY_FIELDS = ["infobase", "name", "descr"]

CLUSTER_FIELDS_8_3_21 = [
    "cluster", "host", "port", "name", "expiration-timeout", "lifetime-limit", "max-memory-size",
    "max-memory-time-limit", "security-level", "session-fault-tolerance-level", "load-balancing-mode",
    "errors-count-threshold", "kill-problem-processes", "kill-by-memory-with-dump",
]
CLUSTER_FIELDS_8_5_1 = CLUSTER_FIELDS_8_3_21 + [
    "allow-access-right-audit-events-recording", "ping-period", "ping-timeout", "restart-schedule",
]

ADMIN_FIELDS = ["name", "auth", "os-user", "descr"]

# The same in 8.3.21 and 8.5.1 (tests/samples/connection_list_*_racrust.txt).
CONNECTION_FIELDS = ["connection", "conn-id", "host", "process", "infobase", "application", "connected-at",
                     "session-number", "blocked-by-ls"]

FIELDS = {
    "8.3.21": {"session": SESSION_FIELDS_8_3_21, "infobase": INFOBASE_FIELDS_8_3_21, "cluster": CLUSTER_FIELDS_8_3_21},
    "8.5.1": {"session": SESSION_FIELDS_8_5_1, "infobase": INFOBASE_FIELDS_8_5_1, "cluster": CLUSTER_FIELDS_8_5_1},
}
COMMON_FIELDS = {"license": LICENSE_FIELDS, "summary": SUMMARY_FIELDS, "admin": ADMIN_FIELDS,
                 "connection": CONNECTION_FIELDS}

FULL_VERSIONS = {"8.3.21": "8.3.21.1895", "8.5.1": "8.5.1.1150"}

# Quoted when non-empty, per record type (contract section 2.6).
QUOTED = {
    "cluster": {"name"},
    "infobase": {"descr", "denied-message", "denied-parameter", "permission-code"},
    "summary": {"descr"},
    "license": {"full-name", "series", "rmngr-address", "short-presentation", "full-presentation"},
    "admin": {"descr"},
    "session": set(),
    "connection": {"application"},
}


def fields(kind, version):
    if kind in COMMON_FIELDS:
        return COMMON_FIELDS[kind]
    return FIELDS[version][kind]


def render_value(kind, key, value):
    value = "" if value is None else str(value)
    if key == "data-separation" and value == "":
        return "''"
    if value and key in QUOTED[kind]:
        # a quote inside is doubled, a line break stays a line break (contract section 2.6)
        return '"%s"' % value.replace('"', '""')
    return value


def render(kind, records, version="8.3.21"):
    """Records (dicts keyed by rac field names) -> rac's stdout text."""
    if not records:
        return ""  # an empty list prints nothing at all
    names = fields(kind, version)
    width = max(len(name) for name in names)
    out = []
    for record in records:
        for name in names:
            # The misspelt 8.3.21 key holds the same value as the correct one.
            value = record.get(name, record.get(name.replace(" ", "-"), ""))
            out.append("%s : %s\n" % (name.ljust(width), render_value(kind, name, value)))
        out.append("\n")
    return "".join(out)
