# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The state file of the locks the collection replaces: its path, its format, and recording into it.

One file per server (inventory host) on the controller, JSON, mode 0600 (it holds permission codes)::

    {"host": <inventory name>, "cluster": <uuid>, "by": "maintenance_window" | "emergency_disconnect",
     "locks": {<infobase name>: <its lock as onec.cluster.infobase_info returns it with details and
                show_permission_code>}}

roles/lock_state/tasks/restore.yml (playbooks/unlock.yml) reads it back and puts the locks back exactly; the role's
vars/main.yml names the same default path. Recording keeps the locks already in a file (they are the ones from
before the collection changed anything: a second emergency lock must not record the first one's) and adds only
the infobases it does not name. Nothing is written in check mode.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import tempfile

# Where the files are by default: $ONEC_CLUSTER_HOME, else this (the folder keeps its first name,
# maintenance_window, so that files recorded by earlier versions are found).
DEFAULT_HOME = "~/.ansible/onec_cluster"
FOLDER = "maintenance_window"
# In a file name given for several servers at once, this is replaced by each server's inventory name.
HOST_PLACEHOLDER = "{host}"


def state_path(host, state_file="", environ=None):
    """The state file of ``host``: ``state_file`` (``{host}`` replaced by the host), else the default, ~ expanded."""
    environ = os.environ if environ is None else environ
    if state_file:
        path = state_file.replace(HOST_PLACEHOLDER, host)
    else:
        path = os.path.join(environ.get("ONEC_CLUSTER_HOME") or DEFAULT_HOME, FOLDER, "%s.json" % host)
    return os.path.expanduser(path)


def read_state(path):
    """The recorded state, or None when there is no file."""
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        return None


def merged_locks(locks, earlier):
    """The locks to write: ``locks``, except that an infobase ``earlier`` names keeps its earlier record."""
    merged = dict(locks)
    merged.update((earlier or {}).get("locks") or {})
    return merged


def record(path, host, cluster, by, locks, check_mode=False):
    """Record ``locks`` (infobase name -> lock) about to be replaced -> the state that is (or would be) written.

    Written before anything changes, atomically (a file beside it, then renamed) with mode 0600 in a 0700 folder:
    a controller that dies mid-write leaves the earlier file or the new one, never half of one.
    """
    state = {"host": host, "cluster": cluster, "by": by, "locks": merged_locks(locks, read_state(path))}
    if check_mode:
        return state
    folder = os.path.dirname(path) or "."
    os.makedirs(folder, mode=0o700, exist_ok=True)  # the fleet records every server's file at once
    handle, temporary = tempfile.mkstemp(prefix=".%s." % os.path.basename(path), dir=folder)  # mode 0600
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(state, out, indent=4, sort_keys=True, ensure_ascii=False)
            out.write("\n")
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
    return state
