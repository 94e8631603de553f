#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: connection_info
short_description: List the connections of a 1C:Enterprise cluster, and those left without a session
version_added: 0.2.0
description:
  - Runs C(rac connection list) and returns the connections of the cluster, or of some infobases, each marked with
    whether it belongs to a live session (C(has_session)) and whether it is the server's own (C(protected)); see
    RV(connections).
  - A connection can stay on an infobase after its session has ended (an external COM connection, a client cut off
    in the middle of a call) and block exclusive work such as a configuration update. Such connections are
    RV(hanging); M(onec.cluster.connection) disconnects them.
  - Three rac calls whatever the number of connections (C(infobase summary list), C(connection list),
    C(session list)). Never changes anything.
extends_documentation_fragment:
  - onec.cluster.connection
  - onec.cluster.attributes
  - onec.cluster.attributes.action_group
  - onec.cluster.attributes.info_module
options:
  infobase:
    description:
      - Only connections of these infobases, by name or uuid. All connections of the cluster when not set.
    type: list
    elements: str
  hanging_only:
    description:
      - Return only the connections left without a live session (the server's own excepted).
    type: bool
    default: false
seealso:
  - module: onec.cluster.connection
  - module: onec.cluster.session_info
author:
  - onec.cluster developers (@onec-cluster)
"""

EXAMPLES = r"""
- name: Connections of the accounting base
  onec.cluster.connection_info:
    ras_host: 1c-app-01.example.com
    infobase: [accounting]
  delegate_to: localhost
  register: accounting_connections

- name: Show the hanging ones
  ansible.builtin.debug:
    msg: "{{ accounting_connections.hanging | map(attribute='application') | list }}"
"""

RETURN = r"""
cluster:
  description: Uuid of the cluster.
  returned: success
  type: str
  sample: 1619820a-d36f-4d8a-a716-1516b1dea077
connections:
  description:
    - The connections, with every field rac prints (dashes become underscores) and three more.
    - C(infobase_name) is the name of the connection's infobase (empty for the server's service connections).
    - C(has_session) says whether it belongs to a session that is still listed (same session number, same connection
      uuid, or same client computer and client type in the infobase).
    - C(protected) says whether it is the server's own (ras, the agent, the job scheduler, the debugger, the web server
      extension), never disconnected.
  returned: success
  type: list
  elements: dict
  sample:
    - connection: 2aa589c5-77ba-4d90-b706-8e9d88063049
      conn_id: 17
      host: alko-home
      process: 0399133a-6d5d-4fb0-9029-d240c8e07763
      infobase: 717bdda7-2f60-4577-b262-f1fc8c0e472c
      infobase_name: yaxunit
      application: COMConnection
      connected_at: "2026-02-26T04:05:32"
      session_number: 0
      blocked_by_ls: 0
      has_session: false
      protected: false
hanging:
  description: The connections left without a live session, the server's own excepted (a part of RV(connections)).
  returned: success
  type: list
  elements: dict
count:
  description: Number of connections returned.
  returned: success
  type: int
  sample: 4
hanging_count:
  description: Number of connections left without a live session.
  returned: success
  type: int
  sample: 1
rac_calls:
  description: Number of rac commands run.
  returned: success
  type: int
  sample: 3
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.onec.cluster.plugins.module_utils.connections import hanging, list_connections
from ansible_collections.onec.cluster.plugins.module_utils.glue import argument_spec, client_from_params, run_module


def gather(module):
    params = module.params
    client = client_from_params(params)
    client.use_cluster(params["cluster"])
    connections = list_connections(client, params["infobase"])
    left = hanging(connections)
    shown = left if params["hanging_only"] else connections
    return dict(changed=False, cluster=client.cluster_uuid, connections=shown, count=len(shown), hanging=left,
                hanging_count=len(left), rac_calls=client.calls)


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(
            infobase=dict(type="list", elements="str"),
            hanging_only=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    run_module(module, gather)


if __name__ == "__main__":
    main()
