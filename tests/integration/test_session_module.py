# -*- coding: utf-8 -*-
"""onec.cluster.session through ansible-playbook, checked against the simulator's state and call counts."""

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("backend")]  # each test on rac and native

HOSTILE = 'Работа завершена: "обновление"; $(touch /tmp/onec-pwned) `id` && exit\nвторая строка \\ 😀'
BACKEND_ERROR = (" server_addr=tcp://srv1c-01:1560 descr=recv returns zero, disconnected line=1644 "
                 "file=src/rtrsrvc/src/DataExchangeTcpClientImpl.cpp\n")


def test_end_by_user_check_mode_idempotence_and_numbers(make_fleet, playbook):
    fleet = make_fleet(servers=1, infobases=3, sessions=30)
    before = fleet.state()["sessions"]
    run = playbook(fleet, "session_module", scenario="basic", session_message=HOSTILE)
    assert run.rc == 0, run.output
    result = run.result("srv1c-01")
    ended = [s["session"] for s in result["ended"]["terminated"]] + [
        s["session"] for s in result["by_number"]["terminated"]]
    state = fleet.state()
    assert set(state["sessions"]) == set(before) - set(ended)
    # the hostile message reached rac, and the server, byte for byte
    messages = dict((t["session"], t["message"]) for t in state["terminated"])
    assert all(messages[s["session"]] == HOSTILE for s in result["ended"]["terminated"])


def test_a_thousand_sessions_in_one_task(make_fleet, playbook):
    fleet = make_fleet(servers=1, infobases=5, sessions=1000, version="8.5.1")
    run = playbook(fleet, "session_module", scenario="everything", session_message="Emergency",
                   session_exclude_app_ids=["BackgroundJob"])
    assert run.rc == 0, run.output
    ended = run.result("srv1c-01")["ended"]
    left = fleet.state()["sessions"].values()
    # ras's own session is never ended, nor excluded app types; everything else is
    assert sorted(set(s["app-id"] for s in left)) == ["BackgroundJob", "RAS"]
    assert ended["terminated_count"] == 1001 - len(left)
    calls = fleet.stats()["calls"]
    assert calls["session list"] == 1 and calls["session terminate"] == ended["terminated_count"]


def test_sessions_vanishing_mid_run_are_already_gone(make_fleet, playbook):
    fleet = make_fleet(servers=1, infobases=2, sessions=20)
    fleet.control(0, {"control": "set", "faults": {"vanish_after_list": 3}})
    run = playbook(fleet, "session_module", scenario="everything", session_message="bye")
    assert run.rc == 0, run.output
    ended = run.result("srv1c-01")["ended"]
    assert ended["already_gone_count"] == 3 and ended["terminated_count"] == 17 and ended["failed_count"] == 0
    assert ended["changed"] is True and fleet.state()["sessions"] == {}


def test_one_failure_among_many_fails_the_task_after_the_others(make_fleet, playbook):
    fleet = make_fleet(servers=1, infobases=2, sessions=20)
    stuck = list(fleet.state()["sessions"])[7]
    fleet.control(0, {"control": "set", "faults": {"fail_session": {stuck: BACKEND_ERROR}}})
    run = playbook(fleet, "session_module", scenario="everything", session_message="bye", session_may_fail=True)
    assert run.rc == 0, run.output
    ended = run.result("srv1c-01")["ended"]
    assert ended["failed"] is True
    assert ended["failed_count"] == 1 and ended["terminated_count"] == 19
    assert [f["session"] for f in ended["failures"]] == [stuck]
    assert "recv returns zero" in ended["failures"][0]["error"]
    assert "1 of 20 sessions could not be ended" in ended["msg"]
    assert list(fleet.state()["sessions"]) == [stuck]


def test_guards_end_nothing(make_fleet, playbook):
    fleet = make_fleet(servers=1, infobases=2, sessions=5)
    before = fleet.state()["sessions"]
    run = playbook(fleet, "session_module", scenario="guards")
    assert run.rc == 0, run.output
    assert run.result("srv1c-01")["too_many"]["matched"] == 5
    assert fleet.state()["sessions"] == before
    assert "session terminate" not in fleet.stats()["calls"]


def test_concurrency_above_64_is_capped_with_a_warning(make_fleet, playbook):
    """concurrency: 1000 opened 959 connections to one ras; it is now used as 64, and the task says so."""
    fleet = make_fleet(servers=1, infobases=2, sessions=150)
    run = playbook(fleet, "session_module", scenario="everything", session_message="bye", session_concurrency=1000)
    assert run.rc == 0, run.output
    ended = run.result("srv1c-01")["ended"]
    assert any("concurrency 1000 is capped at 64" in w for w in ended["warnings"]), ended.get("warnings")
    assert ended["terminated_count"] == 150 and not fleet.state()["sessions"]
