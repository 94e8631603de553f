# -*- coding: utf-8 -*-
"""The call and blocking marks and the licence counts of sessions.py, on real samples and sample-like records."""

from conftest import sample_text
from ansible_collections.onec.cluster.plugins.module_utils.rac.parser import parse_licenses, parse_records
from ansible_collections.onec.cluster.plugins.module_utils.sessions import (
    call_state,
    call_states,
    calls_summary,
    in_a_call,
    inside_calls_line,
    license_counts,
)

IDLE = parse_records(sample_text("session_list_8.5.1_racrust.txt"))  # two idle sessions of one infobase


def incident():
    """The 8.5.1 sessions made into a chain: #1 holds a lock in a long call, #2 waits for it, #3 waits for #2."""
    holder, waiting = [dict(s) for s in IDLE]
    last = dict(waiting, session="5d2f7f6a-3b0e-4d7e-9a43-2f7d0c1b9e11", session_id=3)
    holder.update(duration_current=754000, duration_current_dbms=751000, db_proc_took=751000,
                  db_proc_took_at="2026-02-24T11:47:05", db_proc_info="Выполнение запроса")
    waiting.update(duration_current=300000, blocked_by_ls=1)
    last.update(duration_current=2500, blocked_by_dbms=2)
    return [holder, waiting, last]


def test_idle_sessions_of_the_sample_are_in_no_call():
    for session in IDLE:
        state = call_state(session)
        assert state == {"in_server_call": False, "server_call_ms": 0, "in_dbms_call": False, "dbms_call_ms": 0,
                         "dbms_since": None, "service": "", "blocked_by": [], "blocking": []}
        assert not in_a_call(state)


def test_a_dbms_call_without_a_server_call_as_in_a_real_2025_sample():
    (session,) = parse_records(sample_text("session_info_lazarenko_2025_a.txt"))
    state = call_state(session)
    assert (state["in_server_call"], state["in_dbms_call"], state["dbms_call_ms"]) == (False, True, 130)
    assert state["dbms_since"] is None  # db-proc-took-at is empty in the sample: not made up
    assert in_a_call(state)


def test_the_blocking_chain_is_resolved_both_ways():
    holder, waiting, last = incident()
    states = call_states([holder, waiting, last])
    assert states[holder["session"]]["dbms_since"] == "2026-02-24T11:47:05"
    assert states[holder["session"]]["blocked_by"] == []
    assert states[holder["session"]]["blocking"] == [{"session_id": 2, "session": waiting["session"]}]
    assert states[waiting["session"]]["blocked_by"] == [{"by": "ls", "session_id": 1, "session": holder["session"]}]
    assert states[waiting["session"]]["blocking"] == [{"session_id": 3, "session": last["session"]}]
    assert states[last["session"]]["blocked_by"] == [{"by": "dbms", "session_id": 2, "session": waiting["session"]}]
    assert states[last["session"]]["blocking"] == []


def test_a_blocker_of_another_infobase_or_not_listed_is_not_guessed():
    holder, waiting, _last = incident()
    holder["infobase"] = "899bbbb8-7ffb-4e91-9b3b-8638793108ec"  # session numbers are per infobase
    states = call_states([holder, waiting])
    assert states[waiting["session"]]["blocked_by"] == [{"by": "ls", "session_id": 1, "session": None}]
    assert states[holder["session"]]["blocking"] == []


def test_summary_counts_and_names_the_longest_call():
    sessions = incident()
    summary = calls_summary(sessions, call_states(sessions))
    assert summary == {"in_server_call": 3, "in_dbms_call": 1, "blocked": 2, "blocking": 2,
                       "longest_server_call": {"session": sessions[0]["session"], "session_id": 1,
                                               "user_name": "iadmin", "infobase_name": None,
                                               "server_call_ms": 754000}}
    assert calls_summary(IDLE, call_states(IDLE))["longest_server_call"] is None


def test_the_drain_line_names_the_sessions_inside_a_call_longest_first():
    sessions = incident() + [dict(IDLE[0], session="0f0e0d0c-0000-4000-8000-000000000001", session_id=9)]
    line = inside_calls_line(sessions, call_states(sessions))
    assert line == ("; inside a call: iadmin #1 Designer (server call 12m 34s, DBMS 12m 31s), "
                    "iadmin #2 1CV8C (server call 5m 0s, blocked by #1), iadmin #3 1CV8C (server call 2s, "
                    "blocked by #2)")
    assert inside_calls_line(IDLE, call_states(IDLE)) == ""


def test_licence_counts_per_type_and_series_from_the_samples():
    granted = parse_licenses(sample_text("session_list_licenses_8.5.1_racrust.txt"))
    granted.update(parse_licenses(sample_text("session_info_licenses_8.3.21_racrust.txt")))
    sessions = [{"session": uuid, "licenses": licences} for uuid, licences in granted.items()]
    sessions.append({"session": "0f0e0d0c-0000-4000-8000-000000000002", "licenses": []})
    assert license_counts(sessions) == {"by_type": {"soft": 2, "HASP": 1},
                                        "by_series": {"500000125530": 2, "ORGL8": 1}}
