#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: lock_state_record
short_description: Record the locks about to be replaced in a server's lock state file
version_added: 0.3.0
description:
  - Writes the state file that C(playbooks/unlock.yml -e unlock_from_state_file=true) reads to put replaced locks
    back exactly (the C(onec.cluster.lock_state) role's C(record) tasks use it; the emergency disconnect's fleet step
    C(lock_first) records with the same code).
  - The file is JSON, mode 0600 in a 0700 folder (it holds permission codes), written atomically. When it exists
    already, the locks it holds are kept (they are the ones from before the collection changed anything); only
    infobases it does not name are added.
  - Run it where the state file lives, the controller (C(delegate_to=localhost)), with C(no_log=true) on the task
    (its options hold permission codes).
options:
  path:
    description: The state file (C(~) expanded).
    type: path
    required: true
  host:
    description: The server (inventory host) the locks are on.
    type: str
    required: true
  cluster:
    description: The cluster's uuid.
    type: str
    required: true
  by:
    description: What replaces the locks (C(maintenance_window), C(emergency_disconnect)).
    type: str
    required: true
  locks:
    description: Infobase name -> its lock as M(onec.cluster.infobase_info) returns it with O(onec.cluster.infobase_info#module:details)
      and O(onec.cluster.infobase_info#module:show_permission_code).
    type: dict
    required: true
attributes:
  check_mode:
    description: Can run in check mode, changing nothing and returning what would change.
    support: full
    details:
      - Writes nothing; says whether the file would change.
  diff_mode:
    description: Returns what changed (or would change, in check mode) when run with C(--diff).
    support: none
    details:
      - Nothing to compare; the file holds permission codes.
  platform:
    description: Systems the module runs on.
    support: full
    platforms: posix
    details:
      - Runs where the task runs; the state file belongs on the controller (C(delegate_to=localhost)).
notes:
  - Not in the action group C(onec.cluster.rac), as it talks to no server.
seealso:
  - module: onec.cluster.infobase_info
  - module: onec.cluster.infobase_lock
author:
  - onec.cluster developers (@onec-cluster)
"""

EXAMPLES = r"""
- name: Record the locks about to be replaced
  onec.cluster.lock_state_record:
    path: "~/.ansible/onec_cluster/maintenance_window/{{ inventory_hostname }}.json"
    host: "{{ inventory_hostname }}"
    cluster: "{{ current.cluster }}"
    by: maintenance_window
    locks: "{{ dict(current.infobases | map(attribute='name') | zip(current.infobases)) }}"
  delegate_to: localhost
  no_log: true  # the locks hold permission codes
"""

RETURN = r"""
path:
  description: The state file.
  returned: always
  type: str
recorded:
  description: The infobases the file names (those kept and those added).
  returned: always
  type: list
  elements: str
kept:
  description: The infobases whose earlier record was kept.
  returned: always
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.onec.cluster.plugins.module_utils.lock_state import read_state, record


def main():
    module = AnsibleModule(
        argument_spec=dict(path=dict(type="path", required=True), host=dict(type="str", required=True),
                           cluster=dict(type="str", required=True), by=dict(type="str", required=True),
                           locks=dict(type="dict", required=True)),
        supports_check_mode=True,
    )
    params = module.params
    for lock in params["locks"].values():  # the codes are secrets in any output, like a no_log option
        if isinstance(lock, dict) and lock.get("permission_code"):
            module.no_log_values.add(lock["permission_code"])
    earlier = read_state(params["path"])
    try:
        state = record(params["path"], params["host"], params["cluster"], params["by"], params["locks"],
                       module.check_mode)
    except (OSError, ValueError) as exc:
        module.fail_json(msg="cannot write the state file %s on the controller (%s): nothing was changed on %s"
                             % (params["path"], exc, params["host"]))
    kept = sorted(set((earlier or {}).get("locks") or {}) & set(params["locks"]))
    module.exit_json(changed=state != earlier, path=params["path"], recorded=sorted(state["locks"]), kept=kept)


if __name__ == "__main__":
    main()
