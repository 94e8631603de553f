# -*- coding: utf-8 -*-
"""connection_info, connection and session_wait through ansible-playbook, checked against the simulator's state."""

import json

import pytest

from ras_sim import NULL_UUID

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("backend")]  # each test on rac and native


def test_hanging_connections_listed_dropped_once_and_the_servers_own_kept(make_fleet, playbook):
    fleet = make_fleet(servers=1, infobases=2, sessions=8, version="8.5.1")
    before = fleet.state()
    com = [c for c in before["connections"] if c["application"] == "COMConnection"]
    run = playbook(fleet, "connection_modules")
    assert run.rc == 0, run.output
    result = run.result("srv1c-01")
    listed = result["listed"]
    assert listed["hanging_count"] == 1 and listed["hanging"][0]["connection"] == com[0]["connection"]
    with_connection = [s for s in before["sessions"].values() if s["connection"] != NULL_UUID]
    assert listed["count"] == len(before["connections"]) + len(with_connection)
    # check mode names what it would drop and drops nothing; the diff shows it
    would = result["would"]
    assert would["changed"] and [c["connection"] for c in would["disconnected"]] == [com[0]["connection"]]
    assert "no session" in json.loads(result["would"]["diff"]["before"])["connections"][0]
    assert result["dropped"]["changed"] and result["dropped"]["disconnected_count"] == 1
    assert not result["again"]["changed"] and result["again"]["matched"] == 0
    assert result["refused"]["failed"] and "never disconnected" in result["refused"]["msg"]
    # the wait timed out on the infobase's sessions and said what is left, per client type
    waited = result["timed_out"]
    assert waited["failed"] and waited["msg"].startswith("Still there after 4s: ")
    assert waited["polls"] >= 2 and waited["left"] == len(waited["sessions"]) > 0
    assert all(s["app_id"] != "BackgroundJob" for s in waited["sessions"])
    after = fleet.state()
    assert after["disconnected"] == [com[0]["connection"]]
    assert [c["application"] for c in after["connections"]] == ["AgentStandardCall", "RAS"]
    assert after["sessions"] == before["sessions"]
