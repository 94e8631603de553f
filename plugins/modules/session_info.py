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
  - Marks what an incident needs to see, from the fields rac prints (C(duration_current), C(duration_current_dbms),
    C(db_proc_took_at), C(blocked_by_dbms), C(blocked_by_ls), C(current_service_name)); each session's C(call)
    says whether it is inside a server call or a DBMS call and for how long, which session blocks it and which it
    blocks; RV(calls) sums them up. Blockers are found among all the listed sessions, also those the filters leave
    out.
  - All filters must hold for a session to be returned; a list filter matches any of its values.
  - Makes two or three rac calls whatever the number of sessions (cluster list when O(cluster) is not a uuid,
    infobase summary list, session list). Never changes anything.
  - With thousands of sessions, most of the module's time goes into returning them (Ansible checks every returned
    value for secrets and serialises it); O(fields) returns only the columns a report uses, and O(count_only)
    returns only the counts.
  - A filter value that no listed session has (a user name missing its dot, O(app_id=ThinClient), a mistyped host
    or client IP) gives a warning naming the value and the closest values that exist, so that matching nothing is
    never silent.
options:
  fields:
    description:
      - The fields to return for each session, as the module returns them (snake_case, for example C(user_name),
        C(app_id), C(last_active_at)); rac's own spelling (C(user-name)) is accepted too.
      - C(session), C(session_id) and C(infobase) are always returned, because they identify a session
        (C(session) is what M(onec.cluster.session) ends; C(session_id) is the number the cluster console shows,
        unique within its infobase). An empty list returns only them.
      - Known fields, C(infobase_name) and every field rac prints on 8.3 and 8.5 up to 8.5.1
        (C(session), C(session_id), C(infobase), C(connection), C(process), C(user_name), C(host), C(app_id),
        C(locale), C(started_at), C(last_active_at), C(hibernate), C(passive_session_hibernate_time),
        C(hibernate_session_terminate_time), C(blocked_by_dbms), C(blocked_by_ls), C(bytes_all),
        C(bytes_last_5min), C(calls_all), C(calls_last_5min), C(dbms_bytes_all), C(dbms_bytes_last_5min),
        C(db_proc_info), C(db_proc_took), C(db_proc_took_at), C(duration_all), C(duration_all_dbms),
        C(duration_current), C(duration_current_dbms), C(duration_last_5min), C(duration_last_5min_dbms),
        C(memory_current), C(memory_last_5min), C(memory_total), C(read_current), C(read_last_5min), C(read_total),
        C(write_current), C(write_last_5min), C(write_total), C(duration_current_service),
        C(duration_last_5min_service), C(duration_all_service), C(current_service_name), C(cpu_time_current),
        C(cpu_time_last_5min), C(cpu_time_total), C(data_separation), C(client_ip)), C(call) (the module's
        marks) and C(licenses) (with O(licenses=true) only); another name fails before any rac call. A known field
        this platform version does not print is left out, with a warning.
      - Filters work on every field whatever this option says.
      - Default is every field.
    type: list
    elements: str
  count_only:
    description:
      - Return only the numbers of matching sessions (RV(count), RV(counts)), not the sessions themselves
        (RV(sessions) is then an empty list). For drains and checks that only need to know how many are left.
    type: bool
    default: false
  licenses:
    description:
      - Also return the licences granted to each session (C(licenses) in each of RV(sessions), every field
        C(rac session list --licenses) prints) and count them per licence type and series (RV(counts)).
      - With the rac backend this is one more rac run (C(session list --licenses)), joined to the sessions by uuid;
        the native backend reads the licences from the same session list, at no extra call.
    type: bool
    default: false
extends_documentation_fragment:
  - onec.cluster.connection
  - onec.cluster.session_filters
  - onec.cluster.attributes
  - onec.cluster.attributes.action_group
  - onec.cluster.attributes.info_module
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

- name: Only the columns a dashboard shows, on a cluster with thousands of sessions
  onec.cluster.session_info:
    ras_host: 1c-app-01.example.com
    fields: [user_name, app_id, host, last_active_at, infobase_name]
  delegate_to: localhost
  register: dashboard

- name: How many users are still in the accounting base
  onec.cluster.session_info:
    ras_host: 1c-app-01.example.com
    infobase: accounting
    count_only: true
  delegate_to: localhost
  register: left

- name: Report the numbers
  ansible.builtin.debug:
    msg: "{{ left.count }} sessions left: {{ left.counts.by_app_id }}"

- name: Licences in use, per type and series
  onec.cluster.session_info:
    ras_host: 1c-app-01.example.com
    licenses: true
    count_only: true
  delegate_to: localhost
  register: licences

- name: Sessions stuck in a long call, and who blocks whom
  onec.cluster.session_info:
    ras_host: 1c-app-01.example.com
    fields: [user_name, app_id, call]
  delegate_to: localhost
  register: calls

- name: Show them
  ansible.builtin.debug:
    msg: "{{ calls.calls }}: {{ calls.sessions | selectattr('call.in_server_call') | list }}"
"""

RETURN = r"""
cluster:
  description: Uuid of the cluster that was read.
  returned: success
  type: str
  sample: 1619820a-d36f-4d8a-a716-1516b1dea077
where:
  description: The ras endpoint and the cluster, in words, for reports of a machine with several ras or clusters.
  returned: success
  type: str
  sample: "ras srv1c:2545, cluster 'Главный кластер' (1619820a-d36f-4d8a-a716-1516b1dea077)"
sessions:
  description:
    - The matching sessions in rac's order, with every field rac prints (its C(-) and spaces turned into C(_);
      the field set grows with the platform version) and C(infobase_name).
    - Numbers are integers, C(hibernate) a boolean, dates server local time C(YYYY-MM-DDTHH:MM:SS) (empty when unset),
      C(client_ip) a list.
    - With O(fields), only those fields and C(session), C(session_id), C(infobase). Empty with O(count_only).
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
      call:
        in_server_call: true
        server_call_ms: 754000
        in_dbms_call: true
        dbms_call_ms: 751000
        dbms_since: "2026-02-24T11:47:05"
        service: ""
        blocked_by: []
        blocking: [{session_id: 7, session: 5d2f7f6a-3b0e-4d7e-9a43-2f7d0c1b9e11}]
      licenses:
        - full_name: ""
          series: ORGL8
          issued_by_server: false
          license_type: HASP
          net: true
          max_users_all: 50
          max_users_cur: 50
          rmngr_address: ""
          rmngr_port: 0
          rmngr_pid: 3633350
          short_presentation: "Клиент, ORGL8 Сет 50"
          full_presentation: "Клиент, 3633350, ORGL8 Сетевой 50"
  contains:
    call:
      description:
        - The module's marks of the session's current call, from the fields rac prints.
        - C(in_server_call), C(server_call_ms) - a server call is running (C(duration_current) above 0) and for how
          long; C(in_dbms_call), C(dbms_call_ms) - the same for its DBMS call (C(duration_current_dbms));
          C(dbms_since) - C(db_proc_took_at) during a DBMS call (the 1C server's clock), else null; C(service) -
          C(current_service_name).
        - C(blocked_by) - the locks the session waits for, each C(by) (C(dbms) or C(ls), the lock manager), the
          C(session_id) rac printed in C(blocked_by_dbms) / C(blocked_by_ls) and the blocking C(session) uuid when a
          listed session of the same infobase has that number (else null).
        - C(blocking) - the sessions waiting for this one (C(session_id), C(session)).
        - The units (milliseconds) and the meaning of the C(blocked_by_*) numbers (the blocker's session number) are
          how 1C documents them; no captured sample proves them.
      type: dict
      returned: unless O(fields) leaves it out
    licenses:
      description:
        - With O(licenses=true), the licences granted to the session, each with every field rac prints for it
          (C(full_name), C(series), C(issued_by_server), C(license_type) C(HASP) or C(soft), C(net),
          C(max_users_all), C(max_users_cur), C(rmngr_address), C(rmngr_port), C(rmngr_pid),
          C(short_presentation), C(full_presentation)); an empty list for none.
      type: list
      elements: dict
      returned: with O(licenses=true)
calls:
  description: How many matching sessions are in a server call, in a DBMS call, blocked, blocking others, and the
    longest server call (null when none).
  returned: success
  type: dict
  sample:
    in_server_call: 2
    in_dbms_call: 1
    blocked: 1
    blocking: 1
    longest_server_call:
      session: 8397b7bb-e836-4c95-9a4f-cf22bef822ff
      session_id: 2
      user_name: iadmin
      infobase_name: yaxunit
      server_call_ms: 754000
count:
  description: Number of matching sessions (the length of RV(sessions) unless O(count_only)).
  returned: success
  type: int
  sample: 1
counts:
  description: The matching sessions counted per infobase and per client type.
  returned: success
  type: dict
  contains:
    by_infobase:
      description: Infobase name -> number of sessions (an empty name for sessions of no infobase, such as ras's own).
      type: dict
      sample: {"accounting": 40, "hr": 2}
    by_app_id:
      description: Client type (C(app_id)) -> number of sessions.
      type: dict
      sample: {"1CV8C": 35, "BackgroundJob": 5, "WebClient": 2}
    by_license_type:
      description: With O(licenses=true), licence type (C(HASP), C(soft)) -> number of licences the matching
        sessions hold (a session holding two counts twice).
      type: dict
      returned: with O(licenses=true)
      sample: {"soft": 35, "HASP": 2}
    by_license_series:
      description: With O(licenses=true), licence series -> number of licences the matching sessions hold.
      type: dict
      returned: with O(licenses=true)
      sample: {"500000125530": 35, "ORGL8": 2}
  sample:
    by_infobase: {"accounting": 40, "hr": 2}
    by_app_id: {"1CV8C": 35, "BackgroundJob": 5, "WebClient": 2}
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

from operator import itemgetter

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.onec.cluster.plugins.module_utils.glue import (
    SESSION_FILTER_OPTIONS,
    argument_spec,
    client_from_params,
    run_module,
    server_clock,
)
from ansible_collections.onec.cluster.plugins.module_utils.records import SESSION_FIELDS as RECORD_SESSION_FIELDS, snake_key
from ansible_collections.onec.cluster.plugins.module_utils.sessions import (
    call_states,
    calls_summary,
    filter_from_params,
    license_counts,
    list_sessions,
    session_counts,
    unmatched_selectors,
)


# Every field of a session record (records.py; older platforms print fewer), and what the module adds: the infobase
# name, the call marks, the licences (with licenses: true).
SESSION_FIELDS = RECORD_SESSION_FIELDS + ("infobase_name", "call", "licenses")
# What identifies a session: always returned.
IDENTITY_FIELDS = ("session", "session_id", "infobase")


def wanted_fields(module):
    """The fields to return, in the order asked (identity first), or None for all; unknown names fail here."""
    asked = module.params["fields"]
    if asked is None:
        return None
    names = [snake_key(name.strip()) for name in asked]
    unknown = [asked[index] for index, name in enumerate(names) if name not in SESSION_FIELDS]
    if unknown:
        module.fail_json(msg="fields: unknown session field(s) %s; known fields: %s"
                         % (", ".join(unknown), ", ".join(SESSION_FIELDS)))
    if "licenses" in names and not module.params["licenses"]:
        module.fail_json(msg="fields: licenses are listed only with licenses: true (one more rac run)")
    keep = list(IDENTITY_FIELDS)
    for name in names:
        if name not in keep:
            keep.append(name)
    return keep


def project(sessions, keep):
    """Only the fields in keep, in that order; fields the platform does not print are left out."""
    if not sessions:
        return sessions, []
    present = [name for name in keep if name in sessions[0]]
    getter = itemgetter(*present)
    if len(present) == 1:
        return [{present[0]: getter(s)} for s in sessions], []
    return [dict(zip(present, getter(s))) for s in sessions], [name for name in keep if name not in present]


def gather(module):
    params = module.params
    # built first so that bad input fails before any rac call
    session_filter = filter_from_params(params)
    keep = wanted_fields(module)
    clock = server_clock(module)
    client = client_from_params(params)
    client.use_cluster(params["cluster"])
    listed, wanted = list_sessions(client, params["infobase"], params["licenses"])
    states = call_states(listed)  # all of them: the session that blocks may be one the filters leave out
    session_filter.only_infobases(wanted)
    selected = session_filter.select(listed, clock, client.place())
    for warning in unmatched_selectors(params, listed, wanted):
        module.warn(warning)
    total = len(listed)
    del listed  # the unfiltered list is not returned: let it go before the result is built
    for session in selected:
        session["call"] = states[session["session"]]
    counts = session_counts(selected)
    if params["licenses"]:
        licences = license_counts(selected)
        counts.update(by_license_type=licences["by_type"], by_license_series=licences["by_series"])
    result = dict(changed=False, cluster=client.cluster_uuid, where=client.where(), count=len(selected), counts=counts,
                  calls=calls_summary(selected, states), total=total, rac_calls=client.calls)
    if params["count_only"]:
        result["sessions"] = []
    elif keep is None:
        result["sessions"] = selected
    else:
        result["sessions"], missing = project(selected, keep)
        if missing:
            module.warn("fields: rac did not print %s for these sessions (an older platform?)" % ", ".join(missing))
    return result


# The options, at module level: the fleet action (plugins/action/fleet.py) validates each server's part with them.
ARGUMENT_SPEC = argument_spec(fields=dict(type="list", elements="str"), count_only=dict(type="bool", default=False),
                              licenses=dict(type="bool", default=False), **SESSION_FILTER_OPTIONS)


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    run_module(module, gather)


if __name__ == "__main__":
    main()
