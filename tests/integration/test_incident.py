# -*- coding: utf-8 -*-
"""Licences, stuck and blocking sessions and interrupting a call (issue 21), through ansible-playbook on the
simulator: both backends, checked against the simulator's state and audit log."""

import json
import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "simulator"))
import simctl  # noqa: E402

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("backend")]  # each test on rac and native

MESSAGE = 'Вызов прерван администратором: "блокировка"; $(id)'


def staged(fleet):
    """Stage the incident -> (holder, waiting, last) session dicts as the simulator holds them."""
    state = fleet.state()
    chain = simctl.stage_incident(list(state["sessions"].values()), fleet.now())
    fleet.control(0, {"control": "add_sessions", "sessions": chain})
    return chain


def test_licences_marks_and_interrupt(make_fleet, playbook):
    fleet = make_fleet(servers=1, infobases=3, sessions=30, version="8.5.1")
    holder, waiting, last = staged(fleet)
    idle = [s for s in fleet.state()["sessions"].values()
            if s["duration-current"] == 0 and s["app-id"] not in ("RAS", "BackgroundJob")][0]
    run = playbook(fleet, "incident", holder=holder["session"], holder_user=holder["user-name"], idle=idle["session"],
                   interrupt_message=MESSAGE)
    assert run.rc == 0, run.output
    result = run.result("srv1c-01")

    # licences: every session's, as the simulator grants them, counted per type and series
    sessions = dict((s["session"], s) for s in result["licensed"]["sessions"])
    assert [lic["license_type"] for lic in sessions[holder["session"]]["licenses"]] == ["HASP", "soft"]
    hasp = sessions[holder["session"]]["licenses"][0]
    assert (hasp["series"], hasp["net"], hasp["max_users_all"], hasp["rmngr_pid"], hasp["full_presentation"]) == (
        "ORGL8", True, 50, 3633350, "Клиент, 3633350, ORGL8 Сетевой 50")
    assert sessions[idle["session"]]["licenses"][0]["issued_by_server"] is True
    ras_own = [s for s in sessions.values() if s["app_id"] == "RAS"]
    assert ras_own and ras_own[0]["licenses"] == []
    held = [lic for s in sessions.values() for lic in s["licenses"]]
    counts = result["licensed"]["counts"]
    assert counts["by_license_type"] == {"soft": len(held) - 1, "HASP": 1}
    assert counts["by_license_series"]["ORGL8"] == 1 and sum(counts["by_license_series"].values()) == len(held)

    # the drain's progress names the holder: it cannot leave before its call ends
    assert ("; inside a call: %s #%s %s (server call 12m 0s, DBMS 11m 58s)" % (
        holder["user-name"], holder["session-id"], holder["app-id"])) in result["drain"]["progress"]

    # marks: the holder in a server and a DBMS call since db-proc-took-at, the chain resolved both ways
    marks = dict((s["session"], s["call"]) for s in result["marks"]["sessions"])
    assert marks[holder["session"]]["in_server_call"] and marks[holder["session"]]["dbms_call_ms"] == 718000
    assert marks[holder["session"]]["dbms_since"] == holder["db-proc-took-at"]
    assert marks[waiting["session"]]["blocked_by"] == [
        {"by": "ls", "session_id": holder["session-id"], "session": holder["session"]}]
    assert marks[last["session"]]["blocked_by"] == [
        {"by": "dbms", "session_id": waiting["session-id"], "session": waiting["session"]}]
    assert marks[holder["session"]]["blocking"] == [{"session_id": waiting["session-id"],
                                                    "session": waiting["session"]}]
    assert not marks[idle["session"]]["in_server_call"] and marks[idle["session"]]["blocked_by"] == []
    summary = result["marks"]["calls"]
    assert (summary["in_server_call"], summary["in_dbms_call"], summary["blocked"], summary["blocking"]) == (3, 1, 2, 2)
    assert summary["longest_server_call"]["session"] == holder["session"]

    # interrupt: check mode changed nothing and showed the call going; the real one ended it, the session stays
    assert "in a server call for 720000 ms" in result["planned"]["diff"]["before"]
    assert holder["session"] not in result["planned"]["diff"]["after"]
    state = fleet.state()
    assert holder["session"] in state["sessions"] and idle["session"] in state["sessions"]
    assert state["interrupted"] == [{"session": holder["session"], "message": MESSAGE}]  # once: not in check mode
    assert state["sessions"][holder["session"]]["duration-current"] == 0
    assert state["sessions"][waiting["session"]]["blocked-by-ls"] == 0  # the lock went with the call
    after = dict((s["session"], s["call"]) for s in result["after"]["sessions"])
    assert not after[holder["session"]]["in_server_call"] and after[waiting["session"]]["blocked_by"] == []

    # the audit log: one line for the interrupted call, one summary
    with open(os.path.join(run.onec_home, "audit.jsonl"), encoding="utf-8") as handle:
        lines = [json.loads(line) for line in handle]
    calls = [line for line in lines if line["action"] == "interrupt_calls"]
    assert [c["interrupted"][0]["session"] for c in calls] == [holder["session"]]
    assert calls[0]["message"] == MESSAGE
    assert [line["ended_count"] for line in lines if line["action"] == "interrupt_calls_summary"] == [1]


def test_a_session_gone_before_its_interrupt_is_already_gone(make_fleet, playbook):
    fleet = make_fleet(servers=1, infobases=2, sessions=10)
    holder, _waiting, _last = staged(fleet)
    # the session list shows the holder, then it ends: the interrupt gets rac's "not found" (both wire formats)
    fleet.control(0, {"control": "set", "faults": {"vanish_after_list": 10 ** 6}})
    run = playbook(fleet, "incident_gone", holder=holder["session"])
    assert run.rc == 0, run.output
    gone = run.result("srv1c-01")["gone"]
    assert gone["already_gone_count"] == 1 and gone["interrupted_count"] == 0 and gone["failed_count"] == 0
    assert [s["session"] for s in gone["already_gone"]] == [holder["session"]]
    assert gone["changed"] is False
