#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: connection
short_description: Disconnect 1C:Enterprise connections left without a session, or named ones
version_added: 0.2.0
description:
  - With O(state=absent), disconnects connections of the cluster (C(rac connection disconnect)), the ones left
    without a live session (O(hanging=true)) or the ones named in O(connection).
  - After sessions are ended, connections can stay on the infobase (external COM connections without a session,
    clients cut off in the middle of a call) and block exclusive work such as a configuration update.
  - The server's own connections (ras, the agent, the job scheduler) are never disconnected.
  - One task disconnects any number of connections, O(concurrency) at a time. A connection that is already gone
    when its turn comes is reported in RV(already_gone), not as a failure.
  - rac needs the credentials of an infobase administrator (O(infobase_user), O(infobase_password)) to disconnect
    from an infobase that has users.
extends_documentation_fragment:
  - onec.cluster.connection
  - onec.cluster.audit
  - onec.cluster.attributes
  - onec.cluster.attributes.action_group
  - onec.cluster.attributes.state_module
options:
  state:
    description:
      - V(absent) disconnects the selected connections.
    type: str
    choices: [absent]
    default: absent
  infobase:
    description:
      - Only connections of these infobases, by name or uuid. All infobases of the cluster when not set.
    type: list
    elements: str
  hanging:
    description:
      - Select the connections left without a live session (their session number is 0 or names no listed session).
    type: bool
    default: false
  connection:
    description:
      - Select these connections, by uuid.
    type: list
    elements: str
  concurrency:
    description:
      - How many disconnections run at once.
      - By default 8 with O(backend=rac) and 32 with O(backend=native), as O(onec.cluster.session#module:concurrency).
        At most 64; a larger value is lowered to 64 with a warning.
    type: int
attributes:
  check_mode:
    details:
      - Disconnects nothing and returns exactly the connections that would be disconnected.
  diff_mode:
    details:
      - Shows the selected connections before and the ones left after, as text (Cyrillic readable, not escaped).
seealso:
  - module: onec.cluster.connection_info
  - module: onec.cluster.session
author:
  - onec.cluster developers (@onec-cluster)
"""

EXAMPLES = r"""
- name: Drop the connections left behind on the accounting base after its sessions were ended
  onec.cluster.connection:
    ras_host: 1c-app-01.example.com
    infobase: [accounting]
    hanging: true
    infobase_user: "{{ vault_infobase_user }}"
    infobase_password: "{{ vault_infobase_password }}"
  delegate_to: localhost
"""

RETURN = r"""
cluster:
  description: Uuid of the cluster.
  returned: success
  type: str
  sample: 1619820a-d36f-4d8a-a716-1516b1dea077
disconnected:
  description: Connections disconnected by this task (in check mode, the ones that would be).
  returned: always
  type: list
  elements: dict
  sample:
    - connection: 2aa589c5-77ba-4d90-b706-8e9d88063049
      conn_id: 17
      process: 0399133a-6d5d-4fb0-9029-d240c8e07763
      infobase: 717bdda7-2f60-4577-b262-f1fc8c0e472c
      infobase_name: yaxunit
      application: COMConnection
      host: alko-home
      session_number: 0
already_gone:
  description: Selected connections that had closed by themselves when their turn came.
  returned: always
  type: list
  elements: dict
failures:
  description: Connections that could not be disconnected, each with its C(error).
  returned: always
  type: list
  elements: dict
matched:
  description: Number of connections selected.
  returned: always
  type: int
  sample: 1
disconnected_count:
  description: Number of connections disconnected.
  returned: always
  type: int
  sample: 1
not_started:
  description:
    - The connections never tried because the task was stopped in the middle (SIGINT, SIGTERM or SIGHUP, or an audit log
      that cannot be written); the ones in flight were finished and logged, and the task failed saying how many
      were disconnected.
  returned: when stopped
  type: list
  elements: dict
rac_calls:
  description: Number of rac commands run.
  returned: success
  type: int
  sample: 4
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.onec.cluster.plugins.module_utils.connections import hanging, list_connections
from ansible_collections.onec.cluster.plugins.module_utils.errors import ModuleInputError
from ansible_collections.onec.cluster.plugins.module_utils.glue import AUDIT_OPTIONS, argument_spec, client_from_params, run_module
from ansible_collections.onec.cluster.plugins.module_utils.bulk import CONNECTIONS, check_concurrency, end_selected
from ansible_collections.onec.cluster.plugins.module_utils.records import require_uuid

EMPTY_RESULT = dict(disconnected=[], already_gone=[], failures=[], matched=0, disconnected_count=0)


def select(connections, params):
    """The connections to drop: hanging ones and/or named ones; the server's own never."""
    named = set(require_uuid(c, "connection") for c in params["connection"] or [])
    chosen = hanging(connections) if params["hanging"] else []
    chosen += [c for c in connections if c["connection"] in named and c not in chosen]
    protected = [c for c in chosen if c["protected"]]
    if protected:
        raise ModuleInputError("connection %s is the server's own (%s): it is never disconnected"
                               % (protected[0]["connection"], protected[0].get("application")))
    return chosen


def disconnect(module):
    params = module.params
    if not params["hanging"] and not params["connection"]:
        raise ModuleInputError("no connection selected: set hanging: true, or name connections by uuid")
    check_concurrency(module)
    client = client_from_params(params)
    client.use_cluster(params["cluster"])
    selected = select(list_connections(client, params["infobase"]), params)
    result = dict(EMPTY_RESULT, cluster=client.cluster_uuid, matched=len(selected))
    return end_selected(module, client, CONNECTIONS, selected,
                        lambda c: client.disconnect(c["process"], c["connection"], c["infobase_name"]), result)


# The options, at module level: the fleet action (plugins/action/fleet.py) validates each server's part with them.
ARGUMENT_SPEC = argument_spec(
    state=dict(type="str", choices=["absent"], default="absent"),
    infobase=dict(type="list", elements="str"),
    hanging=dict(type="bool", default=False),
    connection=dict(type="list", elements="str"),
    concurrency=dict(type="int"),
    **AUDIT_OPTIONS
)


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    run_module(module, disconnect)


if __name__ == "__main__":
    main()
