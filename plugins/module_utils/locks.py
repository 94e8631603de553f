# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The session lock of an infobase: desired state, what differs, what to show.

The lock is the six fields rac calls sessions-deny, denied-from, denied-to,
denied-message, denied-parameter and permission-code, plus
scheduled-jobs-deny. ``infobase update`` with an empty value clears a field.
A lock set here only refuses new sessions; it never ends running ones.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import re

from ansible_collections.onec.cluster.plugins.module_utils.errors import ModuleInputError
from ansible_collections.onec.cluster.plugins.module_utils.records import LOCK_FIELDS, MASK, RAC_TIME_FORMAT, parse_duration


# What Ansible puts in a result in place of a value equal to a no_log option.
ANSIBLE_MASK = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
_RELATIVE_RE = re.compile(r"\+\s*(\S+)\Z")


def lock_state(info):
    """The lock part of an `infobase info` record (permission code included)."""
    return dict((field, info.get(field, "")) for field in LOCK_FIELDS)


def is_relative(value):
    """Whether a lock time counts from now ('now', '+15m'): then it needs the server's clock."""
    text = str(value or "").strip()
    return text.lower() == "now" or bool(_RELATIVE_RE.match(text))


def lock_time(value, now=None):
    """'' -> '' (open); 'now'; '+15m' (from now); 'YYYY-MM-DDTHH:MM[:SS]' or with a space -> rac's form.

    Times are the server's local time, as rac shows them; relative forms are counted from ``now``, the server's
    local time (ServerClock.now()), which they need.
    """
    if value is None:
        return None
    text = str(value).strip()
    if text == "":
        return ""
    if is_relative(text):
        if now is None:
            raise ModuleInputError("%r is relative to now, which is not accepted here: give the time itself, "
                                   "YYYY-MM-DDTHH:MM:SS (server local time)" % (value,))
        match = _RELATIVE_RE.match(text)
        seconds = parse_duration(match.group(1)) if match else 0
        return (now + datetime.timedelta(seconds=seconds)).strftime(RAC_TIME_FORMAT)
    for form in (RAC_TIME_FORMAT, "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"):
        try:
            return datetime.datetime.strptime(text, form).strftime(RAC_TIME_FORMAT)
        except ValueError:
            continue
    raise ModuleInputError("%r is not a time: use YYYY-MM-DDTHH:MM:SS (server local time), now, or +15m" % (value,))


def uses_relative(params):
    """Whether denied_from or denied_to counts from now (the server's clock must then be known or checked)."""
    return params.get("state", "present") == "present" and any(
        is_relative(params.get(field)) for field in ("denied_from", "denied_to"))


def desired_present(params, now=None):
    """state=present: the lock on, exactly as described; omitted fields are cleared.

    ``now``: the server's local time, for relative forms."""
    desired = {
        "sessions_deny": True,
        "denied_from": lock_time(params.get("denied_from"), now) or "",
        "denied_to": lock_time(params.get("denied_to"), now) or "",
        "denied_message": params.get("denied_message") or "",
        "denied_parameter": params.get("denied_parameter") or "",
        "permission_code": params.get("permission_code") or "",
    }
    start, end = desired["denied_from"], desired["denied_to"]
    if start and end and end <= start:
        raise ModuleInputError("denied_to %s is not after denied_from %s" % (end, start))
    if params.get("scheduled_jobs_deny") is not None:
        desired["scheduled_jobs_deny"] = params["scheduled_jobs_deny"]
    return desired


def desired_absent(params):
    """state=absent: the lock off and its message, period, code and parameter cleared."""
    desired = dict((field, "") for field in LOCK_FIELDS if field not in ("sessions_deny", "scheduled_jobs_deny"))
    desired["sessions_deny"] = False
    if params.get("scheduled_jobs_deny") is not None:
        desired["scheduled_jobs_deny"] = params["scheduled_jobs_deny"]
    return desired


def desired_restored(saved):
    """state=restored: every lock field exactly as saved (a ``previous`` this module returned)."""
    missing = [field for field in LOCK_FIELDS if field not in saved and field != "permission_code"]
    if missing:
        raise ModuleInputError("the saved lock state lacks %s; pass what infobase_lock returned as previous"
                               % ", ".join(missing))
    if "permission_code" not in saved:
        if saved.get("permission_code_set"):
            raise ModuleInputError("the saved lock state had a permission code but not its value: save it with "
                                   "show_permission_code: true to restore it exactly")
        saved = dict(saved, permission_code="")
    if saved["permission_code"] in (MASK, ANSIBLE_MASK):
        raise ModuleInputError("the saved permission code is masked (%s): Ansible hides a returned value equal to a "
                               "no_log option; save the lock before changing its code to restore it exactly"
                               % saved["permission_code"])
    desired = dict((field, saved[field]) for field in LOCK_FIELDS)
    for field in ("denied_from", "denied_to"):
        desired[field] = lock_time(desired[field]) or ""
    return desired


def differences(current, desired):
    """The fields whose value must change, as update options."""
    return dict((field, value) for field, value in desired.items() if current.get(field) != value)


def claims(currents, own, prefix):
    """({name: parameter} of the infobases another holder claims, [names whose claim is still ``own``]).

    A claim is a lock parameter (denied_parameter) that starts with ``prefix``; ``own`` is this holder's.
    ras has no compare-and-set: reading every lock and checking it right before writing, in one module call,
    shrinks the race between two holders to milliseconds; the holder checks again later that its claim stayed.
    """
    others = dict((name, state) for name, state in currents.items()
                  if state.get("denied_parameter", "").startswith(prefix) and state["denied_parameter"] != own)
    ours = sorted(name for name, state in currents.items() if state.get("denied_parameter") == own)
    return others, ours


def describe_claims(others):
    """'buh (claim '...', sessions locked from ...)' for an error message."""
    return "; ".join("%s (claim '%s', locked from %s)"
                     % (name, state["denied_parameter"], state.get("denied_from") or "now")
                     for name, state in sorted(others.items()))


def shown(state, show_code=False):
    """A lock state fit for results and diffs: the permission code only when asked for."""
    out = lock_state(state)
    code = out.pop("permission_code")
    out["permission_code_set"] = bool(code)
    if show_code:
        out["permission_code"] = code
    return out


def diff_view(state, other=None):
    """For --diff: the code masked, but a change of code still visible."""
    out = lock_state(state)
    if out["permission_code"]:
        changed = other is not None and other.get("permission_code") != state.get("permission_code")
        out["permission_code"] = MASK + (" (changed)" if changed else "")
    return out
