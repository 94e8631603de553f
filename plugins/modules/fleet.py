#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: fleet
short_description: Do one step on every server of the play at once, in one task
version_added: 0.3.0
description:
  - Runs the same steps (ending sessions, dropping hanging connections, reading sessions, reading and setting locks,
    waiting for sessions to leave) on every host of the play's current batch at once, in one process on the
    controller (a pool across servers) and each step's own O(onec.cluster.session#module:concurrency) within each
    server. Returns one result per server.
  - Run it once for the play (C(run_once=true)) under the default (linear) strategy; under C(strategy=free) it fails
    before doing anything, as Ansible would run it on every host and give each host the others' results. Without
    C(run_once) each host's task does that host's part only. It is as fast as one process doing the same calls, where one module
    task per server costs about a quarter of a second of controller CPU each (docs/performance.md).
  - Each server's connection settings are what the play's C(module_defaults) for C(group/onec.cluster.rac) give for
    that host, templated with that host's variables, exactly as a module task on that host would get them. The hosts
    are the play's current batch, so C(--limit) and hosts that failed earlier apply.
  - Each step is the module of that name run in-process with the same options, validation, check mode and diff; a
    server stops at its first failing step. A server that fails never stops the others, and a hung server holds only
    its own part, until its O(onec.cluster.session#module:timeout).
  - The task itself does not fail when servers do; it lists them in RV(failed_hosts). Turn them into per-host failures
    with one controller-only task per host (the collection's roles do), so the recap shows each and the run exits
    non-zero.
  - Passwords of every server are masked in every result and message, as the modules mask them.
options:
  steps:
    description: What each server does, in order.
    type: list
    elements: dict
    required: true
    suboptions:
      module:
        description:
          - The module whose work this step is.
          - V(lock_first) is three modules' work as one step, the emergency disconnect's lock first. It reads the
            current locks of the infobases (M(onec.cluster.infobase_info), details and permission codes), records them
            in the server's state file on the controller (the C(onec.cluster.lock_state) role's file, mode 0600,
            records already there kept, nothing written in check mode), then locks them
            (M(onec.cluster.infobase_lock)). A server whose read, record or lock fails stops there, so the steps after
            it (ending its sessions) are not run. The permission codes read never appear in the result.
          - V(window_record) is a maintenance window's record before anything changes. It reads every lock of the
            infobases (permission codes included), refuses the server, changing nothing, inside another window (its
            state file exists, or a lock carries another window's claim, a C(denied_parameter) starting with the
            C(claim_prefix) arg), checks in check mode that a lock starting at C(lock_start) (for example C(+360s))
            can be counted on the server's clock (M(onec.cluster.infobase_lock)'s own check), then writes the state
            file (C(by) V(maintenance_window) unless given). Returns C(names) (the infobases), C(cluster),
            C(state_file) and C(recorded); never the permission codes.
          - V(window_lock) is a maintenance window's lock. It runs M(onec.cluster.infobase_lock) with the step's
            options (the window's claim in C(denied_parameter), C(claim_prefix)), waits C(claim_settle) seconds (in
            the server's own thread, so once for the whole fleet), then sets the same lock again from the start it
            got, which changes nothing while the claim is still this window's and fails with C(LockClaimedError)
            (nothing changed, C(still_ours) naming the infobases that still carry this claim) when another window
            wrote its claim meanwhile. In check mode nothing is locked and nothing is checked. A successful check adds
            C(claim_checked).
          - V(window_restore) puts back exactly the locks the server's state file recorded (permission codes
            included) and removes the file. In check mode, where nothing was recorded, it does nothing.
          - V(session_wait) waits for every server at once; each poll polls every server still waiting in parallel
            and prints one progress line for the fleet; a server stops waiting when nothing is left on it, or its
            own deadline (its O(onec.cluster.session_wait#module:wait_until) plus
            O(onec.cluster.session_wait#module:wait_for)) has passed, and fails then with
            O(onec.cluster.session_wait#module:fail_on_timeout). It must be the task's only step. The hosts'
            O(onec.cluster.session_wait#module:interrupt_hint) are printed if the run is interrupted during the wait.
          - V(infobase_info) and V(infobase_lock) are those modules.
        type: str
        required: true
        choices: [lock_first, window_record, window_lock, window_restore, session, connection, session_info,
                  session_wait, infobase_info, infobase_lock]
      args:
        description:
          - That module's options, the same for every server (the connection options come from C(module_defaults);
            given here they win for every server).
          - For V(lock_first), M(onec.cluster.infobase_lock)'s options (C(infobase), C(denied_message),
            C(permission_code), ...) plus C(state_file) (empty for the default, C(maintenance_window/<host>.json) under
            E(ONEC_CLUSTER_HOME), else C(~/.ansible/onec_cluster); for several servers it must hold C({host}), which
            becomes each server's inventory name) and C(by) (written in the file; default C(emergency_disconnect)).
          - For V(window_record), C(infobase) (omitted, all), C(claim_prefix), C(lock_start), C(state_file) and
            C(by); for V(window_lock), M(onec.cluster.infobase_lock)'s options plus C(claim_settle) (seconds, 0 for
            no check); for V(window_restore), C(state_file).
        type: dict
        default: {}
      per_host_args:
        description:
          - Host (inventory name) -> options of this step for that host only, merged over O(steps[].args). For what
            differs per server, such as its infobases or its lock's start; the C(onec.cluster.fleet_host_args) filter
            makes them from the previous fleet task's result.
        type: dict
        default: {}
      name:
        description: What a failure message calls this step (the message is this name, a colon, the error); by default the module's name.
        type: str
      show_calls_left:
        description:
          - For a V(session) step that could not end some sessions, read that server's sessions once more and return
            those still there inside a server or DBMS call (or waiting for a lock) in the step's C(still_in_a_call)
            (each with its C(call) marks, as M(onec.cluster.session_info) returns them). Servers where every session
            was ended are not read again.
        type: bool
        default: false
      enabled:
        description: V(false) skips the step.
        type: bool
        default: true
  hosts:
    description: The servers (inventory hosts); by default the play's current batch (C(ansible_play_batch)).
    type: list
    elements: str
  servers_at_once:
    description: Servers worked on at the same time.
    type: int
    default: 64
attributes:
  check_mode:
    description: Can run in check mode, changing nothing and returning what would change.
    support: full
    details:
      - Each step runs in check mode as its module does.
  diff_mode:
    description: Returns what changed (or would change, in check mode) when run with C(--diff).
    support: full
    details:
      - The diff of every step of every server, each headed with its ras and cluster.
  platform:
    description: Systems the module runs on.
    support: full
    platforms: posix
    details:
      - Runs on the controller only (an action plugin); reaches each cluster over TCP through ras.
notes:
  - Not in the action group C(onec.cluster.rac) on purpose; it reads that group's C(module_defaults) once per host.
  - An action plugin that runs the modules' code in-process; there is no module to run on a remote host.
  - Uses ansible-core's own lookup of a task's C(module_defaults) (private in ansible-core 2.19, which the collection
    pins).
  - The task's own options (O(steps) and their options, such as infobases, filters and the message) are templated
    once, with the variables of the host the task runs for, and apply to every server; only the connection settings
    are per host, and the options a step's O(steps[].per_host_args) gives a host.
seealso:
  - module: onec.cluster.session
  - module: onec.cluster.connection
  - module: onec.cluster.session_info
  - module: onec.cluster.session_wait
  - module: onec.cluster.infobase_lock
author:
  - onec.cluster developers (@onec-cluster)
"""

EXAMPLES = r"""
- name: End every session of accounting on every server at once, then drop the connections left without a session
  onec.cluster.fleet:
    steps:
      - module: session
        args: {infobase: [accounting], all: true, error_message: Maintenance}
      - module: connection
        args: {infobase: [accounting], hanging: true}
  run_once: true
  delegate_to: localhost
  register: fleet_result

- name: Wait on every server at once until its own lock has started, plus a minute
  onec.cluster.fleet:
    steps:
      - module: session_wait
        args: {wait_for: 60s, poll_interval: 10, exclude_app_ids: [BackgroundJob]}
        per_host_args: "{{ locked | onec.cluster.fleet_host_args({'wait_until': 'starts_at_utc'}) }}"
  run_once: true
  delegate_to: localhost
  register: waited

- name: Fail each server that could not be done
  ansible.builtin.fail:
    msg: "{{ fleet_result.results[inventory_hostname].msg }}"
  when: fleet_result.results[inventory_hostname].failed
"""

RETURN = r"""
results:
  description: Per server (inventory host) what it did.
  returned: always
  type: dict
  contains:
    failed:
      description: Whether a step failed on this server.
      type: bool
    changed:
      description: Whether a step changed something on this server.
      type: bool
    msg:
      description: The failing step's name (or module) and message; empty when none failed.
      type: str
    steps:
      description:
        - Each step run, the result its module would have returned, plus C(module) and C(name); the steps after a
          failing one are not run.
        - A V(lock_first) step returns M(onec.cluster.infobase_lock)'s result plus C(state_file) (this server's) and
          C(recorded) (the infobases whose locks the file holds).
        - A V(session_wait) step returns M(onec.cluster.session_wait)'s result of the server's last poll, with
          C(polls) and C(waited) (seconds since the fleet's wait started).
        - A V(session) step with O(steps[].show_calls_left) may add C(still_in_a_call).
      type: list
      elements: dict
  sample: {"srv1c-01": {"failed": false, "changed": true, "msg": "", "steps": [{"module": "session",
           "terminated_count": 3}]}}
failed_hosts:
  description: The servers that failed -> their message.
  returned: always
  type: dict
  sample: {"srv1c-02": "session: cannot connect to ras srv1c-02:1545"}
msg:
  description: How many servers were done, and which failed with what.
  returned: always
  type: str
"""
