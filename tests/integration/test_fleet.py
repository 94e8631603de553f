# -*- coding: utf-8 -*-
"""The fleet form (onec.cluster.fleet, one task for every server of the play) through the roles' playbooks: each
server's truth stays its own (one down, one hung: those two fail, the third is done), --limit narrows it, each host's
connection settings are its own."""

import json
import os
import re
import signal

import pytest

pytestmark = pytest.mark.integration

EMERGENCY = "playbooks/emergency_disconnect.yml"
REPORT = "playbooks/session_report.yml"
KEEP = ["BackgroundJob"]


def recap(output, host):
    """host -> (ok, changed, failed) from the play recap."""
    line = re.search(r"^%s\s*:\s*ok=(\d+)\s+changed=(\d+).*?failed=(\d+)" % re.escape(host), output, re.M)
    return tuple(int(n) for n in line.groups())


def user_sessions(state):
    return [s for s in state["sessions"].values() if s["app-id"] not in KEEP]


def audit_lines(run):
    with open(os.path.join(run.onec_home, "audit.jsonl"), encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


@pytest.mark.usefixtures("backend")
def test_one_down_and_one_hung_fail_their_own_hosts_and_the_third_is_done(make_fleet, playbook):
    fleet = make_fleet(servers=3, infobases=2, sessions=12)
    to_end = len(user_sessions(fleet.state(0)))
    os.kill(fleet.servers[1]["pid"], signal.SIGTERM)
    fleet.control(2, {"control": "set", "faults": {"hang": {"command": "session list", "seconds": 30, "times": 10}}})
    run = playbook(fleet, EMERGENCY, emergency_disconnect_infobases="all", emergency_disconnect_exclude_app_ids=KEEP,
                   onec_timeout=2, onec_retries=0)
    assert run.rc != 0
    # (srv1c-01's recap also counts the fleet summary's failure: the summary runs once, on the play's first host)
    assert recap(run.output, "srv1c-02")[2] == 1 and recap(run.output, "srv1c-03")[2] == 1
    assert user_sessions(fleet.state(0)) == []
    assert len(user_sessions(fleet.state(2))) > 0  # the hung server: nothing ended, and it did not hold the others
    text = " ".join(run.output.split())
    assert "srv1c-01: %d session(s) ended, 0 already gone, 0 could not be ended" % to_end in text
    assert "srv1c-03: 0 session(s) ended" in text and "FAILED - End the sessions: " in text
    assert "Emergency disconnect failed on srv1c-02 (" in text and "srv1c-03 (" in text
    assert "Fleet: 3 server(s)" in text and "2 server(s) failed" in text
    # the audit log has the done server's lines, each ended session once, and none for the two that failed
    ended = [line for line in audit_lines(run) if line["action"] == "end_sessions"]
    port = str(fleet.servers[0]["port"])
    assert all(line["ras"].endswith(":" + port) for line in ended)
    assert sum(len(line["ended"]) for line in ended) == to_end > 0


@pytest.mark.usefixtures("backend")
def test_limit_narrows_the_fleet_step_to_the_hosts_it_names(make_fleet, playbook, tmp_path):
    fleet = make_fleet(servers=3, infobases=2, sessions=10)
    before = [fleet.state(i) for i in range(3)]
    run = playbook(fleet, EMERGENCY, "-l", "srv1c-02", emergency_disconnect_infobases="all",
                   emergency_disconnect_exclude_app_ids=KEEP)
    assert run.rc == 0, run.output
    assert user_sessions(fleet.state(1)) == [] and user_sessions(before[1]) != []
    for index in (0, 2):
        assert fleet.state(index)["sessions"] == before[index]["sessions"]
        assert "session terminate" not in fleet.stats(index)["calls"]
    assert "Fleet: 1 server(s)" in " ".join(run.output.split())
    report = playbook(fleet, REPORT, "-l", "srv1c-01,srv1c-03", session_report_dir=str(tmp_path / "report"))
    assert report.rc == 0, report.output
    data = json.loads((tmp_path / "report" / "sessions.json").read_text(encoding="utf-8"))
    assert data["errors"] == {}
    assert set(row["server"] for row in data["sessions"]) == {"srv1c-01", "srv1c-03"}
    assert len(data["sessions"]) == len(before[0]["sessions"]) + len(before[2]["sessions"])


@pytest.mark.usefixtures("backend")
def test_the_report_reads_every_server_in_one_task_and_fails_the_one_down(make_fleet, playbook, tmp_path):
    fleet = make_fleet(servers=3, infobases=2, sessions=8)
    os.kill(fleet.servers[2]["pid"], signal.SIGTERM)
    run = playbook(fleet, REPORT, session_report_dir=str(tmp_path / "report"))
    assert run.rc != 0
    assert recap(run.output, "srv1c-03")[2] == 1
    assert recap(run.output, "srv1c-01")[2] == 0 and recap(run.output, "srv1c-02")[2] == 0
    assert run.output.count("TASK [onec.cluster.session_report : Read the sessions of every server at once]") == 1
    data = json.loads((tmp_path / "report" / "sessions.json").read_text(encoding="utf-8"))
    assert list(data["errors"]) == ["srv1c-03"] and "cannot connect" in data["errors"]["srv1c-03"]
    assert set(row["server"] for row in data["sessions"]) == {"srv1c-01", "srv1c-02"}
