#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: cluster_info
short_description: List the 1C:Enterprise server clusters an administration server knows
version_added: 0.1.0
description:
  - Runs C(rac cluster list) against one administration server (C(ras)) and returns every cluster with all the fields
    rac prints, snake_cased and typed.
  - Never changes anything.
extends_documentation_fragment:
  - onec.cluster.connection
  - onec.cluster.attributes
  - onec.cluster.attributes.action_group
  - onec.cluster.attributes.info_module
options: {}
seealso:
  - module: onec.cluster.infobase_info
  - module: onec.cluster.session_info
author:
  - onec.cluster developers (@onec-cluster)
"""

EXAMPLES = r"""
- name: List the clusters of a 1C server
  onec.cluster.cluster_info:
    ras_host: 1c-app-01.example.com
  delegate_to: localhost
  register: result

- name: Show their names
  ansible.builtin.debug:
    msg: "{{ result.clusters | map(attribute='name') | list }}"
"""

RETURN = r"""
clusters:
  description: The clusters, in rac's order; every field rac prints, with C(-) and spaces turned into C(_).
  returned: success
  type: list
  elements: dict
  sample:
    - cluster: 1619820a-d36f-4d8a-a716-1516b1dea077
      host: alko-home
      port: 1541
      name: Локальный кластер
      expiration_timeout: 60
      lifetime_limit: 0
      max_memory_size: 0
      max_memory_time_limit: 0
      security_level: 0
      session_fault_tolerance_level: 0
      load_balancing_mode: performance
      errors_count_threshold: 0
      kill_problem_processes: 1
      kill_by_memory_with_dump: 0
count:
  description: Number of clusters.
  returned: success
  type: int
  sample: 1
rac_calls:
  description: Number of rac commands run.
  returned: success
  type: int
  sample: 1
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.onec.cluster.plugins.module_utils.glue import (
    argument_spec,
    client_from_params,
    run_module,
)


def gather(module):
    client = client_from_params(module.params)
    clusters = client.clusters()
    return dict(changed=False, clusters=clusters, count=len(clusters), rac_calls=client.calls)


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    run_module(module, gather)


if __name__ == "__main__":
    main()
