#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: session_info
short_description: List the user sessions of a 1C:Enterprise cluster
version_added: 0.1.0
description:
  - Returns the sessions of a cluster with every field C(rac session list) prints, snake_cased and typed, plus the
    infobase name, optionally filtered.
  - All filters must hold for a session to be returned; a list filter matches any of its values.
  - Makes two or three rac calls whatever the number of sessions (cluster list when O(cluster) is not a uuid,
    infobase summary list, session list). Never changes anything.
extends_documentation_fragment:
  - onec.cluster.connection
  - onec.cluster.session_filters
attributes:
  check_mode:
    support: full
    description: The module only reads.
seealso:
  - module: onec.cluster.infobase_info
author:
  - onec.cluster developers (@onec-cluster)
"""

EXAMPLES = r"""
- name: All sessions of the only cluster on a server
  onec.cluster.session_info:
    ras_host: 1c-app-01.example.com
    cluster_user: admin
    cluster_password: "{{ vault_cluster_password }}"
  delegate_to: localhost
  register: result

- name: Thin-client sessions of the accounting base idle for more than an hour
  onec.cluster.session_info:
    ras_host: 1c-app-01.example.com
    infobase: accounting
    app_id: [1CV8C]
    idle_for: 1h
  delegate_to: localhost
  register: idle

- name: Who is idle
  ansible.builtin.debug:
    msg: "{{ idle.sessions | map(attribute='user_name') | list }}"
"""

RETURN = r"""
cluster:
  description: Uuid of the cluster that was read.
  returned: success
  type: str
  sample: 1619820a-d36f-4d8a-a716-1516b1dea077
sessions:
  description:
    - The matching sessions in rac's order, with every field rac prints (its C(-) and spaces turned into C(_);
      the field set grows with the platform version) and C(infobase_name).
    - Numbers are integers, C(hibernate) a boolean, dates server local time C(YYYY-MM-DDTHH:MM:SS) (empty when unset),
      C(client_ip) a list.
  returned: success
  type: list
  elements: dict
  sample:
    - session: 8397b7bb-e836-4c95-9a4f-cf22bef822ff
      session_id: 2
      infobase: 717bdda7-2f60-4577-b262-f1fc8c0e472c
      infobase_name: yaxunit
      connection: 00000000-0000-0000-0000-000000000000
      process: 00000000-0000-0000-0000-000000000000
      user_name: iadmin
      host: alko-home
      app_id: 1CV8C
      locale: ru
      started_at: "2026-02-23T03:32:56"
      last_active_at: "2026-02-24T11:59:39"
      hibernate: false
      passive_session_hibernate_time: 1200
      hibernate_session_terminate_time: 86400
      blocked_by_dbms: 0
      blocked_by_ls: 0
      bytes_all: 231133
      bytes_last_5min: 422
      calls_all: 430
      calls_last_5min: 1
      dbms_bytes_all: 791914
      dbms_bytes_last_5min: 0
      db_proc_info: ""
      db_proc_took: 0
      db_proc_took_at: ""
      duration_all: 7797
      duration_all_dbms: 190
      duration_current: 0
      duration_current_dbms: 0
      duration_last_5min: 3
      duration_last_5min_dbms: 0
      memory_current: 0
      memory_last_5min: 22642
      memory_total: 55958267
      read_current: 0
      read_last_5min: 0
      read_total: 12522323
      write_current: 0
      write_last_5min: 0
      write_total: 11602045
      duration_current_service: 0
      duration_last_5min_service: 0
      duration_all_service: 56
      current_service_name: ""
      cpu_time_current: 0
      cpu_time_last_5min: 1
      cpu_time_total: 3217
      data_separation: ""
      client_ip: [127.0.0.1]
count:
  description: Number of sessions returned.
  returned: success
  type: int
  sample: 1
total:
  description: Number of sessions rac listed before filtering.
  returned: success
  type: int
  sample: 12
rac_calls:
  description: Number of rac commands run.
  returned: success
  type: int
  sample: 2
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.onec.cluster.plugins.module_utils.rac_module import (
    argument_spec,
    client_from_params,
    run_module,
)
from ansible_collections.onec.cluster.plugins.module_utils.rac_sessions import FILTER_OPTIONS, filter_from_params, list_sessions


def gather(module):
    params = module.params
    # built first so that bad input fails before any rac call
    session_filter = filter_from_params(params)
    client = client_from_params(params)
    client.use_cluster(params["cluster"])
    listed, wanted = list_sessions(client, params["infobase"])
    session_filter.only_infobases(wanted)
    selected = session_filter.select(listed)
    return dict(changed=False, cluster=client.cluster_uuid, sessions=selected, count=len(selected),
                total=len(listed), rac_calls=client.calls)


def main():
    module = AnsibleModule(argument_spec=argument_spec(**FILTER_OPTIONS), supports_check_mode=True)
    run_module(module, gather)


if __name__ == "__main__":
    main()
