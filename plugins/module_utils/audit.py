# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit log: one JSON line per ending of sessions or change of a lock, appended on the host that runs rac.

Never holds a secret: lock states are written without the permission code (only whether one is set), and every
line is masked with the module's no_log values (safe.py), as a server may repeat a password in an error text.
Control characters from the server are written as JSON escapes (\\u202e), so reading the file never moves a cursor.
Lines are appended under an exclusive lock, so concurrent tasks (one per server) do not interleave.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import fcntl
import getpass
import json
import os
import re

from ansible_collections.onec.cluster.plugins.module_utils.safe import registered_secrets, safe_value

# What json.dumps(ensure_ascii=False) leaves raw but a terminal acts on: DEL, C1, bidi and invisible format characters.
_RAW_CONTROLS = re.compile("[\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")

# The collection's files on the controller (audit log, maintenance-window state files) live under one folder:
# $ONEC_CLUSTER_HOME, else ~/.ansible/onec_cluster. The test suite and the demo point it inside the checkout.
HOME_VARIABLE = "ONEC_CLUSTER_HOME"
DEFAULT_HOME = "~/.ansible/onec_cluster"


def default_audit_log():
    return os.path.join(os.environ.get(HOME_VARIABLE) or DEFAULT_HOME, "audit.jsonl")


def operator():
    """Who ran it: the sudo caller if any, else the account."""
    for name in ("SUDO_USER", "LOGNAME", "USER"):
        if os.environ.get(name):
            return os.environ[name]
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def audit_line(record, secrets):
    """One JSON line of the log: secrets masked, every control character as a JSON escape (the data reads back)."""
    line = json.dumps(safe_value(record, secrets, escape=False), ensure_ascii=False, sort_keys=True)
    return _RAW_CONTROLS.sub(lambda match: "\\u%04x" % ord(match.group(0)), line) + "\n"


def append(path, action, ras, cluster, **details):
    """Append one record to the audit log at path (None: the default file; '': no log).

    Every secret registered for this run (safe.register_secrets: the module's no_log values) is masked.
    """
    if path is None:
        path = default_audit_log()
    if not path:
        return None
    path = os.path.expanduser(path)
    folder = os.path.dirname(path)
    if folder:
        os.makedirs(folder, 0o700, exist_ok=True)  # tasks of several hosts may get here at the same moment
    record = {
        "time": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "operator": operator(),
        "ras": ras,
        "cluster": cluster,
        "action": action,
    }
    record.update(details)
    line = audit_line(record, registered_secrets())
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, line.encode("utf-8"))
    finally:
        os.close(fd)
    return path
