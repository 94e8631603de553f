# -*- coding: utf-8 -*-
"""A filter that names something that is not there warns, in session_info and session (ansible-playbook output)."""

import os
import uuid

import pytest

from integration.conftest import INTEGRATION

pytestmark = pytest.mark.integration


def test_filters_that_match_nothing_warn_with_the_closest_values(make_fleet, playbook):
    fleet = make_fleet(servers=1, infobases=3, sessions=15)
    sessions = list(fleet.state()["sessions"].values())
    user = next(s["user-name"] for s in sessions if s["user-name"].endswith("."))
    host = next(s["host"] for s in sessions if s["host"].startswith("WS-"))
    other = str(uuid.uuid4())  # an infobase of another cluster, as far as this one knows
    run = playbook(fleet, os.path.join(INTEGRATION, "files", "filter_warnings.yml"), warn_user=user[:-1],
                   warn_host=host.replace("WS-", "WS"), warn_other_infobase=other,
                   warn_case_infobase=fleet.servers[0]["infobases"][0].swapcase())
    assert run.rc == 0, run.output
    text = " ".join(run.output.split())  # the callback wraps long warnings
    assert "[WARNING]: user '%s' matches none of the %d sessions listed, so it selects nothing; closest: '%s'" % (
        user[:-1], len(sessions), user) in text
    assert "[WARNING]: app_id 'ThinClient' matches none of the %d sessions listed, so it selects nothing; closest: " \
           "'1CV8C (thin client)'" % len(sessions) in text
    assert "[WARNING]: host '%s' matches none" % host.replace("WS-", "WS") in text and "'%s'" % host in text
    result = run.result("srv1c-01")
    assert result["by_user"]["count"] == 0 and result["by_app"]["count"] == 0 and result["by_host"]["matched"] == 0
    assert any("closest: '%s'" % user in w for w in result["by_user"]["warnings"])
    # an infobase the cluster does not have is not a warning but a failure, naming the infobases it has
    failed = result["by_other_infobase"]
    assert failed["failed"] and failed["error"] == "InfobaseNotFoundError"
    assert other in failed["msg"] and fleet.servers[0]["infobases"][0] in failed["msg"]
    assert len(fleet.state()["sessions"]) == len(sessions)
    # a name in the wrong case still fails (never a silent pick; nothing ended, above), naming the one meant
    name = fleet.servers[0]["infobases"][0]
    failed = result["by_case_infobase"]
    assert failed["failed"] and failed["error"] == "InfobaseNotFoundError"
    assert "no infobase '%s' in this cluster (closest: '%s' for '%s'" % (name.swapcase(), name, name.swapcase()) \
        in failed["msg"]
