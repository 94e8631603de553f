# -*- coding: utf-8 -*-
"""session_info's fields and count_only through ansible-playbook, checked against the simulator's own state."""

from collections import Counter

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("backend")]  # each test on rac and native


def test_fields_and_count_only(make_fleet, playbook):
    fleet = make_fleet(servers=1, infobases=3, sessions=30)
    run = playbook(fleet, "session_info_fields")
    assert run.rc == 0, run.output
    result = run.result(fleet.servers[0]["name"])
    state = fleet.state()
    dashboard = result["dashboard"]["sessions"]
    assert [s["session"] for s in dashboard] == list(state["sessions"])
    for session in dashboard:
        raw = state["sessions"][session["session"]]
        assert (session["session_id"], session["infobase"], session["user_name"], session["app_id"],
                session["last_active_at"]) == (raw["session-id"], raw["infobase"], raw["user-name"], raw["app-id"],
                                               raw["last-active-at"])
    infobase = dashboard[0]["infobase"]
    name = [ib["name"] for ib in state["infobases"] if ib["infobase"] == infobase][0]
    mine = [s for s in state["sessions"].values() if s["infobase"] == infobase]
    counts = result["counted"]["counts"]
    assert counts["by_infobase"] == {name: len(mine)}
    assert counts["by_app_id"] == dict(Counter(s["app-id"] for s in mine))
