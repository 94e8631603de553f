#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: session
short_description: End 1C:Enterprise user sessions, or interrupt their current server call, with a message
version_added: 0.1.0
description:
  - With O(state=absent), ends every session of the cluster that matches the selection (C(rac session terminate)),
    showing O(error_message) to its user.
  - One task ends any number of sessions. It lists the sessions once, then runs the terminations concurrently
    (O(concurrency) at a time) inside the module.
  - A session that is already gone when its turn comes is reported in RV(already_gone), not as a failure. A real
    failure on one session does not stop the others; the task fails at the end, listing every failure in
    RV(failures).
  - The administration server's own session (app-id C(RAS)) is never ended.
  - With O(state=interrupted), interrupts the current server call of every matching session that is inside one
    (C(rac session interrupt-current-server-call)), showing O(error_message) to its user; the sessions stay. A
    matching session that is not in a server call (its C(duration_current) is 0) is left alone and listed in
    RV(not_in_call), because what rac does with such a session is not documented. The same guards apply as for ending
    (a selector or O(all), O(max_sessions), the exclusions), and each interrupted call is written to the audit log
    (action C(interrupt_calls)).
  - Forced termination loses the user's unsaved work. To let users leave by themselves first, lock the infobase
    with a start time a few minutes ahead (M(onec.cluster.infobase_lock)), wait, then end what is left.
  - A selector value that no listed session has (a user name missing its dot, O(app_id=ThinClient), a mistyped
    host or client IP, a session that is not there) gives a warning naming the value and the closest values that
    exist, so that "matched 0" is never mistaken for "done"; so does an exclusion that misses a session with a close
    value (the one it probably meant, which it then does not protect).
extends_documentation_fragment:
  - onec.cluster.connection
  - onec.cluster.session_filters
  - onec.cluster.audit
  - onec.cluster.attributes
  - onec.cluster.attributes.action_group
  - onec.cluster.attributes.state_module
options:
  state:
    description:
      - V(absent) ends the matching sessions.
      - V(interrupted) interrupts the current server call of the matching sessions that are in one; the sessions
        stay connected.
    type: str
    choices: [absent, interrupted]
    default: absent
  session:
    description:
      - Sessions to end, by uuid.
    type: list
    elements: str
  session_id:
    description:
      - Sessions to end, by session number (the C(session-id) rac prints; numbers are per infobase, so O(infobase)
        is required).
    type: list
    elements: int
  all:
    description:
      - Must be V(true) to end every session of the cluster when no selector (O(session), O(session_id) or a filter)
        is given. Emptying a whole cluster has to be said explicitly.
      - With a selector it changes nothing.
    type: bool
    default: false
  error_message:
    description:
      - Text shown to each user whose session is ended, or whose call is interrupted (rac's C(--error-message)).
        Passed to rac literally.
      - "(Ansible reserves the option name C(message).)"
    type: str
  max_sessions:
    description:
      - Safety limit. When more sessions match, the task fails before ending any, saying how many matched.
    type: int
  concurrency:
    description:
      - How many terminations run at once.
      - By default 8 with O(backend=rac) (a rac process per call) and 32 with O(backend=native), chosen from
        measurements (C(docs/performance.md) and C(benchmarks/RESULTS.md) in the repository). At most 64; a larger
        value is lowered to 64 with a warning.
    type: int
attributes:
  check_mode:
    details:
      - Ends (or interrupts) nothing and returns exactly the sessions that would be ended (or interrupted).
  diff_mode:
    details:
      - Shows the matching sessions before and the ones left after, as text (Cyrillic readable, not escaped); with
        O(state=interrupted), the sessions in a server call before and the ones still in it after.
seealso:
  - module: onec.cluster.session_info
  - module: onec.cluster.infobase_lock
author:
  - onec.cluster developers (@onec-cluster)
"""

EXAMPLES = r"""
- name: End the sessions of one user in one infobase, with a message
  onec.cluster.session:
    ras_host: 1c-app-01.example.com
    infobase: accounting
    user: [Иванов И.И.]
    error_message: "Сеанс завершён администратором: обновление конфигурации"
  delegate_to: localhost

- name: End thin and web clients idle for more than two hours
  onec.cluster.session:
    ras_host: 1c-app-01.example.com
    app_id: [1CV8C, WebClient]
    idle_for: 2h
    max_sessions: 300
  delegate_to: localhost

- name: Interrupt the long server calls of one user, who stays connected
  onec.cluster.session:
    ras_host: 1c-app-01.example.com
    infobase: accounting
    user: [Иванов И.И.]
    state: interrupted
    error_message: "Вызов прерван администратором: он блокировал других пользователей"
  delegate_to: localhost

- name: Empty the whole cluster except background jobs and the admin's designer
  onec.cluster.session:
    ras_host: 1c-app-01.example.com
    all: true
    exclude_app_ids: [BackgroundJob]
    exclude_users: [Администратор]
    error_message: Emergency maintenance, please reconnect in 30 minutes
  delegate_to: localhost
"""

RETURN = r"""
cluster:
  description: Uuid of the cluster.
  returned: success
  type: str
  sample: 1619820a-d36f-4d8a-a716-1516b1dea077
where:
  description: The ras endpoint and the cluster, in words, for summaries of a machine with several ras or clusters.
  returned: success
  type: str
  sample: "ras srv1c:2545, cluster 'Главный кластер' (1619820a-d36f-4d8a-a716-1516b1dea077)"
terminated:
  description: Sessions ended by this task (in check mode, the ones that would be).
  returned: with O(state=absent)
  type: list
  elements: dict
  sample:
    - session: 8397b7bb-e836-4c95-9a4f-cf22bef822ff
      session_id: 2
      user_name: iadmin
      infobase: 717bdda7-2f60-4577-b262-f1fc8c0e472c
      infobase_name: yaxunit
      app_id: 1CV8C
      host: alko-home
already_gone:
  description: Matching sessions that had ended by themselves when their turn came (to be ended or interrupted).
  returned: always
  type: list
  elements: dict
failures:
  description:
    - Sessions that could not be ended, each with its C(error). (Not called C(failed), which Ansible reserves for
      the task's own status.)
  returned: always
  type: list
  elements: dict
matched:
  description: Number of sessions that matched the selection (after exclusions).
  returned: always
  type: int
  sample: 3
terminated_count:
  description: Number of sessions ended.
  returned: with O(state=absent)
  type: int
  sample: 3
interrupted:
  description: Sessions whose current server call this task interrupted (in check mode, the ones it would); they
    are still there.
  returned: with O(state=interrupted)
  type: list
  elements: dict
interrupted_count:
  description: Number of server calls interrupted.
  returned: with O(state=interrupted)
  type: int
  sample: 1
not_in_call:
  description: Matching sessions left alone because they were not in a server call when listed.
  returned: with O(state=interrupted)
  type: list
  elements: dict
already_gone_count:
  description: Number of sessions already gone.
  returned: always
  type: int
  sample: 0
failed_count:
  description: Number of sessions that could not be ended.
  returned: always
  type: int
  sample: 0
not_started:
  description:
    - The sessions never tried because the task was stopped in the middle (SIGINT, SIGTERM or SIGHUP, or an audit log
      that cannot be written); the ones in flight were finished and logged, and the task failed saying how many
      were ended.
  returned: when stopped
  type: list
  elements: dict
rac_calls:
  description: Number of rac commands run.
  returned: success
  type: int
  sample: 5
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.onec.cluster.plugins.module_utils.errors import ModuleInputError
from ansible_collections.onec.cluster.plugins.module_utils.glue import (
    AUDIT_OPTIONS,
    SESSION_FILTER_OPTIONS,
    argument_spec,
    client_from_params,
    run_module,
    server_clock,
)
from ansible_collections.onec.cluster.plugins.module_utils.records import SESSION_SUMMARY, check_text, project, require_uuid
from ansible_collections.onec.cluster.plugins.module_utils.sessions import (
    call_state,
    filter_from_params,
    list_sessions,
    unmatched_selectors,
)
from ansible_collections.onec.cluster.plugins.module_utils.bulk import INTERRUPTS, SESSIONS, check_concurrency, end_selected

EMPTY_RESULT = dict(already_gone=[], failures=[], matched=0, already_gone_count=0, failed_count=0)
EMPTY_BY_STATE = {"absent": dict(terminated=[], terminated_count=0),
                  "interrupted": dict(interrupted=[], interrupted_count=0, not_in_call=[])}


def build_filter(params):
    sessions = [require_uuid(s, "session") for s in params["session"] or []]
    session_filter = filter_from_params(params, sessions=sessions, session_ids=params["session_id"], protect=True)
    if session_filter.is_empty() and not params["infobase"] and not params["all"]:
        raise ModuleInputError("no session selected: give session, session_id or a filter (infobase, user, app_id, "
                               "host, client_ip, idle_for, hibernated), or all: true to %s every session "
                               "of the cluster" % ("interrupt the calls of" if params["state"] == "interrupted"
                                                   else "end"))
    return session_filter


def end_sessions(module):
    params = module.params
    session_filter = build_filter(params)  # bad input fails before any rac call
    check_text("error_message", params["error_message"])  # before any call, as each terminate checks it again
    check_concurrency(module)
    clock = server_clock(module)
    client = client_from_params(params)
    client.use_cluster(params["cluster"])
    listed, wanted = list_sessions(client, params["infobase"])
    session_filter.only_infobases(wanted)
    selected = session_filter.select(listed, clock, client.place())  # idle_for: checked before anything ends
    for warning in unmatched_selectors(params, listed, wanted):
        module.warn(warning)
    result = dict(EMPTY_RESULT, cluster=client.cluster_uuid, where=client.where(), matched=len(selected),
                  **EMPTY_BY_STATE[params["state"]])
    if params["max_sessions"] is not None and len(selected) > params["max_sessions"]:
        module.fail_json(msg="%d sessions match, more than max_sessions=%d: none was %s (%s)"
                             % (len(selected), params["max_sessions"],
                                "interrupted" if params["state"] == "interrupted" else "ended", client.where()),
                         rac_calls=client.calls, **result)
    if params["state"] == "interrupted":
        return interrupt_calls(module, client, selected, result)
    return end_selected(module, client, SESSIONS, selected,
                        lambda s: client.terminate(s["session"], params["error_message"]), result,
                        message=params["error_message"] or "")


def interrupt_calls(module, client, selected, result):
    """Interrupt the server call of the selected sessions that are in one; the others are listed, untouched.

    UNVERIFIED what rac does with a session that is not in a server call (no capture, nothing in the contract):
    such a session is never sent the command, so that nothing happens to a session that has nothing to interrupt.
    """
    in_call = [s for s in selected if call_state(s)["in_server_call"]]
    result["not_in_call"] = [project(s, SESSION_SUMMARY) for s in selected if not call_state(s)["in_server_call"]]
    message = module.params["error_message"]
    return end_selected(module, client, INTERRUPTS, in_call, lambda s: client.interrupt(s["session"], message),
                        result, message=message or "")


# The options, at module level: the fleet action (plugins/action/fleet.py) validates each server's part with them.
ARGUMENT_SPEC = argument_spec(
    state=dict(type="str", choices=["absent", "interrupted"], default="absent"),
    session=dict(type="list", elements="str"),
    session_id=dict(type="list", elements="int"),
    all=dict(type="bool", default=False),
    error_message=dict(type="str"),
    max_sessions=dict(type="int"),
    concurrency=dict(type="int"),
    **dict(AUDIT_OPTIONS, **SESSION_FILTER_OPTIONS)
)
REQUIRED_BY = {"session_id": "infobase"}


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, required_by=REQUIRED_BY, supports_check_mode=True)
    run_module(module, end_sessions)


if __name__ == "__main__":
    main()
