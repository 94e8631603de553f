#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: session_wait
short_description: Wait until users' sessions have left, printing what is left at each poll
version_added: 0.2.0
description:
  - Polls the sessions that match the filters every O(poll_interval) seconds until none is left or O(wait_for) has
    passed, and prints one line per poll and server with the time left and the sessions left per infobase and client
    type.
  - "For example, C(srv1c-01: 4m10s of 5m00s left; 3 sessions left: Бухгалтерия 2 (1CV8C 1, COMConnection 1);
    ЗУП 1 (WebClient 1))."
  - Meant for the grace period of a maintenance window, after the infobases were locked with a start a few minutes
    ahead (M(onec.cluster.infobase_lock) with O(onec.cluster.infobase_lock#module:denied_from=+5m)). Clients with the
    standard subsystems warn their users and leave by themselves; this task waits for them and shows progress.
  - Time running out is not a failure unless O(fail_on_timeout=true); then the task fails naming what is left, which
    makes a check that nobody is left (O(wait_for=0) or a few seconds).
  - ras's own session (app-id C(RAS)) is never counted.
  - The waiting and the printing are done by the action plugin on the controller, which runs this module once per
    poll; a module alone cannot print while it runs, and C(until)/C(retries) prints "FAILED - RETRYING" at every poll,
    which operators read as a failure.
extends_documentation_fragment:
  - onec.cluster.connection
  - onec.cluster.session_filters
  - onec.cluster.attributes
  - onec.cluster.attributes.action_group
  - onec.cluster.attributes.info_module
options:
  wait_for:
    description:
      - How long to wait at most, in seconds or forms like C(90s), C(15m), C(1h30m). V(0) polls once.
      - With O(wait_until), counted from that instant, not from the start of the task.
    type: str
    default: "0"
  wait_until:
    description:
      - An instant with its zone (C(YYYY-MM-DDTHH:MM:SSZ) or with an offset such as C(+03:00)) after which
        O(wait_for) counts, typically RV(onec.cluster.infobase_lock#module:starts_at_utc), the lock's start.
      - The wait then ends at that instant plus O(wait_for) on every server, however many servers the play has and
        whatever its C(forks); counted from the start of the task, a wait on more servers than forks lasts once per
        batch of forks. A deadline already past polls once.
    type: str
  poll_interval:
    description:
      - Seconds between two polls.
    type: int
    default: 10
  connections:
    description:
      - Also wait for the connections of the selected infobases that are left without a live session (see
        M(onec.cluster.connection_info)), the server's own excepted.
    type: bool
    default: false
  fail_on_timeout:
    description:
      - Fail when sessions (or, with O(connections), hanging connections) are still there once O(wait_for) has
        passed.
    type: bool
    default: false
  interrupt_hint:
    description:
      - Text printed on the controller's terminal when the run is interrupted (Ctrl-C) during the wait, for example
        what the interruption leaves behind and the command that recovers it. The maintenance_window role passes
        its state file and the C(playbooks/unlock.yml) command.
      - Ansible itself prints only "User interrupted execution".
    type: str
    version_added: 0.2.0
attributes:
  action:
    support: full
    description: The action plugin polls and prints on the controller; the module makes one poll.
  check_mode:
    details:
      - Reads only. In check mode it polls once and does not wait.
seealso:
  - module: onec.cluster.session_info
  - module: onec.cluster.infobase_lock
  - module: onec.cluster.session
author:
  - onec.cluster developers (@onec-cluster)
"""

EXAMPLES = r"""
- name: Lock accounting in 5 minutes; users are warned
  onec.cluster.infobase_lock:
    infobase: [accounting]
    denied_from: +5m
    denied_message: Обновление конфигурации
  delegate_to: localhost

- name: Wait up to 5 minutes for users to leave, a line per poll
  onec.cluster.session_wait:
    infobase: [accounting]
    exclude_app_ids: [BackgroundJob]
    wait_for: 5m
    poll_interval: 30
  delegate_to: localhost

- name: Lock in 5 minutes, then wait until 1 minute after the lock's start, on every server at once
  onec.cluster.infobase_lock:
    infobase: [accounting]
    denied_from: +5m
  delegate_to: localhost
  register: locked

- name: Wait until the lock has started plus 1 minute, whatever the forks
  onec.cluster.session_wait:
    infobase: [accounting]
    wait_until: "{{ locked.starts_at_utc }}"
    wait_for: 1m
  delegate_to: localhost

- name: Fail unless nobody is left, hanging connections included
  onec.cluster.session_wait:
    infobase: [accounting]
    exclude_app_ids: [BackgroundJob]
    connections: true
    wait_for: 30s
    poll_interval: 2
    fail_on_timeout: true
  delegate_to: localhost
"""

RETURN = r"""
cluster:
  description: Uuid of the cluster.
  returned: success
  type: str
  sample: 1619820a-d36f-4d8a-a716-1516b1dea077
left:
  description: Number of matching sessions still there at the last poll, plus hanging connections with O(connections).
  returned: success
  type: int
  sample: 3
sessions:
  description: The matching sessions still there at the last poll (session, number, user, infobase, app-id, host).
  returned: success
  type: list
  elements: dict
hanging_connections:
  description: With O(connections), the connections left without a live session at the last poll.
  returned: success
  type: list
  elements: dict
by_infobase:
  description: Sessions still there per infobase name and client type.
  returned: success
  type: dict
  sample: {"Бухгалтерия": {"1CV8C": 1, "COMConnection": 1}}
progress:
  description:
    - The line printed for the last poll. The sessions left that are inside a server or DBMS call, or wait for a
      lock, are named after it (the longest call first, five at most), because they cannot leave before their
      call ends.
  returned: success
  type: str
  sample: "2 sessions left: Бухгалтерия 2 (1CV8C 1, COMConnection 1); inside a call: Иванов И.И. #12 1CV8C
    (server call 5m 3s, DBMS 4m 58s)"
polls:
  description: Number of polls made.
  returned: success
  type: int
  sample: 4
deadline:
  description: With O(wait_until), the instant the wait ended or was to end, in UTC.
  returned: with O(wait_until)
  type: str
  sample: "2026-11-23T18:18:00Z"
waited:
  description: Seconds waited.
  returned: success
  type: int
  sample: 95
rac_calls:
  description: Number of rac commands run by the last poll.
  returned: success
  type: int
  sample: 3
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.onec.cluster.plugins.module_utils.connections import connections_of, hanging
from ansible_collections.onec.cluster.plugins.module_utils.errors import ModuleInputError
from ansible_collections.onec.cluster.plugins.module_utils.glue import SESSION_FILTER_OPTIONS, argument_spec, client_from_params, run_module, server_clock
from ansible_collections.onec.cluster.plugins.module_utils.sessions import (
    call_states,
    filter_from_params,
    inside_calls_line,
    left_by_infobase,
    progress_line,
    resolve_names,
    sessions_of,
)
from ansible_collections.onec.cluster.plugins.module_utils.records import CONNECTION_SUMMARY, SESSION_SUMMARY, parse_duration, project
from ansible_collections.onec.cluster.plugins.module_utils.server_clock import parse_instant


def poll(module):
    """One poll: what is left of the selection (the action plugin repeats it and prints the progress)."""
    params = module.params
    session_filter = filter_from_params(params, protect=True)
    parse_duration(params["wait_for"])  # bad input fails before any rac call
    if params["wait_until"]:
        parse_instant(params["wait_until"])
    if params["poll_interval"] < 1:
        raise ModuleInputError("poll_interval must be 1 second or more")
    clock = server_clock(module)
    client = client_from_params(params)
    client.use_cluster(params["cluster"])
    names, wanted = resolve_names(client, params["infobase"])
    listed = sessions_of(client, names, wanted)
    session_filter.only_infobases(wanted)
    left = session_filter.select(listed, clock, client.place())
    connections = []
    if params["connections"]:
        connections = [project(c, CONNECTION_SUMMARY) for c in hanging(connections_of(client, names, wanted, listed))]
    by_infobase = left_by_infobase(left)
    return dict(changed=False, cluster=client.cluster_uuid, left=len(left) + len(connections),
                sessions=[project(s, SESSION_SUMMARY) for s in left], hanging_connections=connections, by_infobase=by_infobase,
                progress=progress_line(by_infobase, len(left), len(connections)) + inside_calls_line(
                    left, call_states(listed)), rac_calls=client.calls)


# Module level: the fleet form (plugins/action/fleet.py) validates each server's poll with it too.
ARGUMENT_SPEC = argument_spec(
    wait_for=dict(type="str", default="0"),
    wait_until=dict(type="str"),
    poll_interval=dict(type="int", default=10),
    connections=dict(type="bool", default=False),
    fail_on_timeout=dict(type="bool", default=False),
    interrupt_hint=dict(type="str"),  # the action plugin's: printed on Ctrl-C during the wait
    **SESSION_FILTER_OPTIONS
)


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    run_module(module, poll)


if __name__ == "__main__":
    main()
