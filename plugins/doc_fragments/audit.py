# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # The audit log of the modules that change something.
    DOCUMENTATION = r"""
options:
  audit_log:
    description:
      - "File to which every change this task makes is appended as one JSON line (time, operator, ras, cluster, action,
        and the infobases or the sessions ended with their user and client type), on the host that runs the module,
        that is the controller when the task is delegated to localhost."
      - Each session ended (or connection dropped) gets its own line as soon as its rac call returned, then one
        C(*_summary) line closes the task (counts, failures with their errors, C(stopped_by)), so an interrupted task
        (Ctrl-C, SIGTERM) loses nothing it ended.
      - Permission codes and passwords are never written to it, not even where a server repeats them in an error
        text; control characters from the server are written as JSON escapes.
      - An empty string turns the log off.
      - When not set, C(audit.jsonl) in the folder named by the environment variable E(ONEC_CLUSTER_HOME) of the
        host that runs the module, else C(~/.ansible/onec_cluster/audit.jsonl).
    type: path
"""
