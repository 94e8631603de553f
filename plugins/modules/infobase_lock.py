#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: infobase_lock
short_description: Lock or unlock 1C:Enterprise infobases for new sessions, and put a lock back as it was
version_added: 0.1.0
description:
  - Sets the session start lock of infobases (C(rac infobase update --sessions-deny ...)) with its period, message,
    permission code and parameter, and optionally the scheduled jobs lock.
  - Reads each infobase (C(rac infobase info)) first and changes only what differs, so a second run changes nothing.
  - A lock refuses new sessions; it does not end running ones. Clients with the standard subsystems warn their users
    before O(denied_from) and leave by themselves when it comes; end the rest with M(onec.cluster.session).
  - Returns the lock before (RV(previous)) and after (RV(lock)), keyed by infobase name, so a workflow can later put
    back exactly what an administrator had set, with O(state=restored).
  - When rac answers that the infobase was changed by someone else meanwhile, reads it again and repeats the change
    once, from the fresh state; it never writes lock fields read before the other change.
extends_documentation_fragment:
  - onec.cluster.connection
  - onec.cluster.audit
  - onec.cluster.attributes
  - onec.cluster.attributes.action_group
  - onec.cluster.attributes.state_module
options:
  infobase:
    description:
      - The infobases, by name or uuid. Required unless O(state=restored), where the keys of O(restore) name them.
    type: list
    elements: str
  state:
    description:
      - V(present) turns the lock on, exactly as described by the options below (omitted ones are cleared, except
        O(scheduled_jobs_deny)).
      - V(absent) turns it off and clears its period, message, permission code and parameter.
      - V(restored) sets every lock field to what O(restore) says (a RV(previous) this module returned).
    type: str
    choices: [present, absent, restored]
    default: present
  denied_from:
    description:
      - Start of the lock, server local time C(YYYY-MM-DDTHH:MM:SS), or V(now), or relative to now such as V(+15m).
      - V(now) and relative times count on the server's clock, in O(server_timezone); without it, on the
        controller's clock, after checking the server's sessions' times against it (see O(server_timezone)).
      - Empty or not set means from now on.
      - A relative time is counted again at each run, so such a task always changes the start.
    type: str
  denied_to:
    description:
      - End of the lock, in the same forms as O(denied_from). Empty or not set means no end.
    type: str
  denied_message:
    description:
      - Message shown to users whose session is refused (rac's C(--denied-message)); clients with the standard
        subsystems also show it in their warning before the lock starts. Passed to rac literally.
      - "(Ansible reserves the option name C(message).)"
    type: str
  permission_code:
    description:
      - Code that lets a session start despite the lock (C(/UC) on the 1C command line), for the administrators doing
        the maintenance.
    type: str
  denied_parameter:
    description:
      - Lock parameter (C(--denied-parameter)), free text.
    type: str
  scheduled_jobs_deny:
    description:
      - Lock (V(true)) or unlock (V(false)) scheduled jobs. Not set means leave them as they are.
    type: bool
  restore:
    description:
      - With O(state=restored), the lock to put back, keyed by infobase name or uuid, as RV(previous) returned it.
      - To restore a permission code, the RV(previous) must have been read with O(show_permission_code=true).
    type: dict
  claim_prefix:
    description:
      - Makes the lock exclusive among holders that mark their lock parameter (O(denied_parameter)) with this prefix,
        as the maintenance_window role does with a claim of its own per run.
      - Every infobase is read first; when one holds a parameter that starts with this prefix and is not
        O(denied_parameter), nothing is changed and the task fails with error C(LockClaimedError), returning
        RV(claimed_by_others) and RV(still_ours).
      - Run the same task again later to check that the claim is still this holder's (it changes nothing then).
      - ras has no compare-and-set; reading and writing in one call shrinks the race between two holders to
        milliseconds, so check again after a short pause before acting on the lock.
    type: str
    version_added: 0.2.0
  show_permission_code:
    description:
      - Return permission codes in RV(previous) and RV(lock) (needed to restore one later).
      - Use C(no_log) on such a task, or the code appears in the task output.
    type: bool
    default: false
attributes:
  check_mode:
    details:
      - Reports what would change and changes nothing.
  diff_mode:
    details:
      - Shows the lock fields before and after, as text (Cyrillic readable, not escaped); the permission code is masked.
seealso:
  - module: onec.cluster.session
  - module: onec.cluster.infobase_info
author:
  - onec.cluster developers (@onec-cluster)
"""

EXAMPLES = r"""
- name: Lock accounting in 10 minutes, with a message, for two hours; admins get in with the code
  onec.cluster.infobase_lock:
    ras_host: 1c-app-01.example.com
    infobase: accounting
    denied_from: +10m
    denied_to: +2h10m
    denied_message: "Обновление конфигурации с 22:00, работа будет недоступна около двух часов"
    permission_code: "{{ vault_permission_code }}"
    scheduled_jobs_deny: true
    infobase_user: Администратор
    infobase_password: "{{ vault_infobase_password }}"
  delegate_to: localhost
  register: locked

- name: Unlock
  onec.cluster.infobase_lock:
    ras_host: 1c-app-01.example.com
    infobase: accounting
    state: absent
    scheduled_jobs_deny: false
  delegate_to: localhost

- name: Remember the lock as it is, code included, then put it back later
  onec.cluster.infobase_lock:
    ras_host: 1c-app-01.example.com
    infobase: [accounting, hr]
    state: absent
    show_permission_code: true
  delegate_to: localhost
  no_log: true
  register: before

- name: Put back exactly what was there
  onec.cluster.infobase_lock:
    ras_host: 1c-app-01.example.com
    state: restored
    restore: "{{ before.previous }}"
  delegate_to: localhost
  no_log: true
"""

RETURN = r"""
cluster:
  description: Uuid of the cluster.
  returned: success
  type: str
  sample: 1619820a-d36f-4d8a-a716-1516b1dea077
previous:
  description:
    - The lock of each infobase before the task, keyed by infobase name.
    - C(permission_code) only with O(show_permission_code=true); C(permission_code_set) always.
  returned: success
  type: dict
  sample:
    accounting:
      sessions_deny: false
      denied_from: ""
      denied_to: ""
      denied_message: ""
      denied_parameter: ""
      permission_code_set: false
      scheduled_jobs_deny: false
lock:
  description: The lock of each infobase after the task (what it would be, in check mode), keyed by infobase name.
  returned: success
  type: dict
  sample:
    accounting:
      sessions_deny: true
      denied_from: "2026-11-23T22:00:00"
      denied_to: "2026-11-24T00:00:00"
      denied_message: Обновление конфигурации
      denied_parameter: ""
      permission_code_set: true
      scheduled_jobs_deny: true
changed_infobases:
  description: Names of the infobases whose lock changed (or would change).
  returned: success
  type: list
  elements: str
  sample: [accounting]
starts_at:
  description: With O(state=present), when the lock starts, in the server's local time as rac shows it (empty for
    a lock from now on).
  returned: with O(state=present)
  type: str
  sample: "2026-11-23T21:17:00"
starts_at_utc:
  description:
    - With O(state=present) and a lock start, the same instant in UTC, counted with O(server_timezone) (without it,
      with the controller's zone). M(onec.cluster.session_wait) takes it as O(onec.cluster.session_wait#module:wait_until).
  returned: with O(state=present) and a lock start
  type: str
  sample: "2026-11-23T18:17:00Z"
starts_in:
  description: Seconds from now to the lock's start; V(0) once it has started.
  returned: with O(state=present) and a lock start
  type: int
  sample: 600
msg:
  description: With O(state=present), the infobases and when their lock starts as the server sees it.
  returned: with O(state=present)
  type: str
  sample: "accounting locked: the lock starts 21:17 server time, in 10 min"
claimed_by_others:
  description: With O(claim_prefix), the infobases another holder claims (the task failed and changed nothing).
  returned: on failure with error LockClaimedError
  type: list
  elements: str
  sample: [accounting]
still_ours:
  description: With O(claim_prefix), the infobases whose lock parameter is still O(denied_parameter).
  returned: on failure with error LockClaimedError
  type: list
  elements: str
  sample: []
rac_calls:
  description: Number of rac commands run.
  returned: success
  type: int
  sample: 4
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.onec.cluster.plugins.module_utils.audit import append
from ansible_collections.onec.cluster.plugins.module_utils.errors import DataChangedError, LockClaimedError, ModuleInputError
from ansible_collections.onec.cluster.plugins.module_utils.locks import (
    claims,
    describe_claims,
    desired_absent,
    desired_present,
    desired_restored,
    diff_view,
    differences,
    lock_state,
    shown,
    uses_relative,
)
from ansible_collections.onec.cluster.plugins.module_utils.records import check_text
from ansible_collections.onec.cluster.plugins.module_utils.glue import (
    AUDIT_OPTIONS,
    argument_spec,
    client_from_params,
    fail_from_error,
    run_module,
    server_clock,
    text_diff,
)


def desired_locks(params, clock):
    """What each lock must become, from the input alone, so that bad input fails before any rac call.

    One lock for every infobase of O(infobase), or, for state=restored, one per infobase of O(restore). Relative
    times count from the server's now (``clock``).
    """
    state = params["state"]
    if state == "restored":
        if not params["restore"]:
            raise ModuleInputError("state=restored needs restore: the previous lock state, keyed by infobase")
        return dict((ref, desired_restored(saved)) for ref, saved in params["restore"].items())
    if not params["infobase"]:
        raise ModuleInputError("infobase is required with state=%s" % state)
    return desired_present(params, clock.now()) if state == "present" else desired_absent(params)


def check_texts(desired):
    """Every text of the wanted locks (one lock, or locks by infobase) is one ras takes: fails before any call."""
    for key, value in desired.items():
        if isinstance(value, dict):
            check_texts(value)
        elif isinstance(value, str):
            check_text(key, value)


def targets(client, params, desired):
    """[(summary record, desired lock)] for the infobases of this task."""
    if params["state"] == "restored":
        chosen = client.resolve_infobases(list(desired))
        by_ref = dict((ib["name"], ib) for ib in chosen)
        by_ref.update((ib["infobase"], ib) for ib in chosen)
        return [(by_ref.get(ref) or by_ref[ref.lower()], lock) for ref, lock in desired.items()]
    return [(ib, desired) for ib in client.resolve_infobases(params["infobase"])]


def check_clock(client, clock, params):
    """A relative time needs the server's clock: without server_timezone, its sessions' times are the evidence
    that the controller's clock may stand in for it (one `session list`); checked before anything changes."""
    if uses_relative(params):
        clock.checked_now(client.sessions() if clock.zone is None else [], client.place())


def start_of(params, clock, after):
    """The lock's start as the server sees it: starts_at (server local), starts_at_utc, starts_in, and the words."""
    if params["state"] != "present" or not after:
        return {}
    start = next(iter(after.values()))["denied_from"]
    out = dict(starts_at=start, **clock.starts(start))
    out["msg"] = "%s locked: the lock starts %s" % (", ".join(sorted(after)), clock.start_text(start))
    return out


def refuse_foreign_claims(module, client, work):
    """Read every lock; fail, changing nothing, when another holder claims one. -> {name: current lock}."""
    currents = dict((ib["name"], lock_state(client.infobase_info(ib["infobase"], ib["name"]))) for ib, dummy in work)
    others, ours = claims(currents, module.params["denied_parameter"] or "", module.params["claim_prefix"])
    if others:
        fail_from_error(module, LockClaimedError(describe_claims(others), **client.place()),
                        claimed_by_others=sorted(others), still_ours=ours, rac_calls=client.calls)
    return currents


def converge(module):
    params = module.params
    clock = server_clock(module)
    desired = desired_locks(params, clock)
    check_texts(desired)
    client = client_from_params(params)
    client.use_cluster(params["cluster"])
    check_clock(client, clock, params)
    work = targets(client, params, desired)
    show_code = params["show_permission_code"]
    read_first = refuse_foreign_claims(module, client, work) if params["claim_prefix"] else {}
    previous, after, changed_names = {}, {}, []
    diff_before, diff_after = {}, {}
    for infobase, lock in work:
        name = infobase["name"]
        current = read_first.get(name) or lock_state(client.infobase_info(infobase["infobase"], name))
        change = differences(current, lock)
        if change and not module.check_mode:
            try:
                client.infobase_update(infobase["infobase"], name, **change)
            except DataChangedError:
                # Someone changed it meanwhile: start again from what is there now, once.
                current = lock_state(client.infobase_info(infobase["infobase"], name))
                change = differences(current, lock)
                if change:
                    client.infobase_update(infobase["infobase"], name, **change)
        target = dict(current, **change)
        if change:
            changed_names.append(name)
            if not module.check_mode:
                append(params["audit_log"], "lock_" + params["state"], client.address, client.cluster_label,
                       infobase=name, before=shown(current), after=shown(target))
        previous[name] = shown(current, show_code)
        after[name] = shown(target, show_code)
        diff_before[name] = diff_view(current)
        diff_after[name] = diff_view(target, current)
    result = dict(changed=bool(changed_names), cluster=client.cluster_uuid, previous=previous, lock=after,
                  changed_infobases=changed_names, rac_calls=client.calls)
    result.update(start_of(params, clock, after))
    if module._diff:
        result["diff"] = text_diff(diff_before, diff_after, "infobase locks (%s)" % client.where())
    return result


# The options, at module level: the fleet action (plugins/action/fleet.py) validates each server's part with them.
ARGUMENT_SPEC = argument_spec(
    infobase=dict(type="list", elements="str"),
    state=dict(type="str", choices=["present", "absent", "restored"], default="present"),
    denied_from=dict(type="str"),
    denied_to=dict(type="str"),
    denied_message=dict(type="str"),
    permission_code=dict(type="str", no_log=True),
    denied_parameter=dict(type="str"),
    scheduled_jobs_deny=dict(type="bool"),
    restore=dict(type="dict"),
    show_permission_code=dict(type="bool", default=False),
    claim_prefix=dict(type="str"),
    **AUDIT_OPTIONS
)


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    # Codes inside restore are secrets too: mask them in any output, like a no_log option.
    for saved in (module.params["restore"] or {}).values():
        if isinstance(saved, dict) and saved.get("permission_code"):
            module.no_log_values.add(saved["permission_code"])
    run_module(module, converge)


if __name__ == "__main__":
    main()
