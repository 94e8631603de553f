#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: infobase_info
short_description: List the infobases of a 1C:Enterprise cluster, with their lock state
version_added: 0.1.0
description:
  - Runs C(rac infobase summary list) and returns the infobases of the cluster (uuid, name, description).
  - With O(details=true) also runs C(rac infobase info) for each returned infobase and adds its session lock state
    (C(sessions_deny), C(denied_from), C(denied_to), C(denied_message), C(denied_parameter), C(scheduled_jobs_deny))
    and whether a permission code is set.
  - Never changes anything.
extends_documentation_fragment:
  - onec.cluster.connection
  - onec.cluster.attributes
  - onec.cluster.attributes.action_group
  - onec.cluster.attributes.info_module
options:
  infobase:
    description:
      - Only these infobases, by name or uuid. Unknown ones fail the task, naming them and the infobases that exist.
      - All infobases of the cluster when not set.
    type: list
    elements: str
  details:
    description:
      - Also read each infobase's full record (C(rac infobase info)), which holds the lock state.
      - Needs O(infobase_user) and O(infobase_password) for infobases that have users.
    type: bool
    default: false
  show_permission_code:
    description:
      - With O(details=true), also return the permission code itself, not only whether one is set.
    type: bool
    default: false
seealso:
  - module: onec.cluster.session_info
author:
  - onec.cluster developers (@onec-cluster)
"""

EXAMPLES = r"""
- name: List the infobases of the only cluster on a server
  onec.cluster.infobase_info:
    ras_host: 1c-app-01.example.com
    cluster_user: admin
    cluster_password: "{{ vault_cluster_password }}"
  delegate_to: localhost
  register: result

- name: Read the lock state of two infobases
  onec.cluster.infobase_info:
    ras_host: 1c-app-01.example.com
    cluster: Main cluster
    infobase: [accounting, hr]
    details: true
    infobase_user: Administrator
    infobase_password: "{{ vault_infobase_password }}"
  delegate_to: localhost
  register: locks
"""

RETURN = r"""
cluster:
  description: Uuid of the cluster that was read.
  returned: success
  type: str
  sample: 1619820a-d36f-4d8a-a716-1516b1dea077
infobases:
  description: The infobases, in rac's order (or in the order of O(infobase) when given).
  returned: success
  type: list
  elements: dict
  contains:
    infobase:
      description: Uuid.
      type: str
      sample: 717bdda7-2f60-4577-b262-f1fc8c0e472c
    name:
      description: Name.
      type: str
      sample: yaxunit
    descr:
      description: Description (empty when none).
      type: str
      sample: Description
    sessions_deny:
      description: Whether the session start lock is on. With O(details=true).
      type: bool
      returned: when details is true
    denied_from:
      description: Start of the lock, server local time C(YYYY-MM-DDTHH:MM:SS), empty when open.
      type: str
      returned: when details is true
    denied_to:
      description: End of the lock, empty when open.
      type: str
      returned: when details is true
    denied_message:
      description: Message shown to users whose session is refused.
      type: str
      returned: when details is true
    denied_parameter:
      description: Lock parameter.
      type: str
      returned: when details is true
    scheduled_jobs_deny:
      description: Whether scheduled jobs are locked.
      type: bool
      returned: when details is true
    permission_code_set:
      description: Whether a permission code is set.
      type: bool
      returned: when details is true
    permission_code:
      description: The permission code.
      type: str
      returned: when details and show_permission_code are true
count:
  description: Number of infobases returned.
  returned: success
  type: int
  sample: 1
rac_calls:
  description: Number of rac commands run.
  returned: success
  type: int
  sample: 2
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.onec.cluster.plugins.module_utils.glue import (
    argument_spec,
    client_from_params,
    run_module,
)


def with_details(record, info, show_code):
    merged = dict(record)
    merged.update(info)
    code = merged.pop("permission_code", "")
    merged["permission_code_set"] = bool(code)
    if show_code:
        merged["permission_code"] = code
    return merged


def gather(module):
    params = module.params
    client = client_from_params(params)
    client.use_cluster(params["cluster"])
    summaries = client.infobases()
    if params["infobase"]:
        summaries = client.resolve_infobases(params["infobase"], summaries)
    infobases = summaries
    if params["details"]:
        infobases = [with_details(ib, client.infobase_info(ib["infobase"], ib["name"]), params["show_permission_code"])
                     for ib in summaries]
    return dict(changed=False, cluster=client.cluster_uuid, infobases=infobases, count=len(infobases),
                rac_calls=client.calls)


# The options, at module level: the fleet action (plugins/action/fleet.py) validates each server's part with them.
ARGUMENT_SPEC = argument_spec(
    infobase=dict(type="list", elements="str"),
    details=dict(type="bool", default=False),
    show_permission_code=dict(type="bool", default=False),
)


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    run_module(module, gather)


if __name__ == "__main__":
    main()
