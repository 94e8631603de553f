# -*- coding: utf-8 -*-
"""Workflows that never lie: the roles with settings only from module_defaults, failing loudly, logic in modules.

Every test here runs a role through tests/integration/roles_by_module_defaults.yml with an inventory that holds no
onec_* variable: connection settings reach the modules only through play-level module_defaults.
"""

import json
import os
import re
import signal

import pytest

from conftest import RAC
from integration.conftest import INTEGRATION

pytestmark = pytest.mark.integration

PLAYBOOK = os.path.join(INTEGRATION, "roles_by_module_defaults.yml")
CLOSED_PORT = 1  # nothing listens there


def write_inventory(fleet, path, down=()):
    """sim_* variables only; servers in `down` point at a closed port."""
    lines = ["all:", "  vars:", "    ansible_connection: local", "    sim_rac: %s" % json.dumps(RAC),
             "  children:", "    onec_servers:", "      hosts:"]
    for index, server in enumerate(fleet.servers):
        lines += ["        %s:" % server["name"], "          sim_host: 127.0.0.1",
                  "          sim_port: %d" % (CLOSED_PORT if index in down else server["port"]),
                  "          sim_cluster_user: %s" % json.dumps(server["cluster_user"]),
                  "          sim_cluster_password: %s" % json.dumps(server["cluster_password"]),
                  "          sim_infobase_user: %s" % json.dumps(server["infobase_user"]),
                  "          sim_infobase_password: %s" % json.dumps(server["infobase_password"])]
    text = "\n".join(lines) + "\n"
    assert "onec_" not in text.replace("onec_servers", "")  # the group name is not a setting
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture
def run_role(playbook, tmp_path, request):
    def run(fleet, role, *args, down=(), **extra_vars):
        fleet.inventory = write_inventory(fleet, tmp_path / "inventory.yml", down)
        if "backend" in request.fixturenames:  # a test on both backends: sim_backend, like every other sim_* setting
            extra_vars.setdefault("sim_backend", request.getfixturevalue("backend"))
        return playbook(fleet, PLAYBOOK, *args, role_under_test=role, **extra_vars)
    return run


def user_sessions(state, excluded_apps=("BackgroundJob", "RAS")):
    return [s for s in state["sessions"].values() if s["app-id"] not in excluded_apps]


def locks(state):
    keys = ("sessions-deny", "denied-from", "denied-to", "denied-message", "denied-parameter", "permission-code",
            "scheduled-jobs-deny")
    return dict((ib["name"], [ib[k] for k in keys]) for ib in state["infobases"])


ROLE_VARS = {
    "maintenance_window": dict(maintenance_window_infobases="all", maintenance_window_grace=0,
                               maintenance_window_exclude_app_ids=["BackgroundJob"]),
    "emergency_disconnect": dict(emergency_disconnect_infobases="all", emergency_disconnect_exclude_app_ids=["BackgroundJob"]),
    "session_report": {},
}


@pytest.mark.usefixtures("backend")
@pytest.mark.parametrize("role", sorted(ROLE_VARS))
def test_roles_take_their_settings_from_module_defaults_only(make_fleet, run_role, tmp_path, role):
    fleet = make_fleet(servers=2, infobases=2, sessions=10)
    before = [fleet.state(i) for i in range(2)]
    run = run_role(fleet, role, session_report_dir=str(tmp_path / "report"), **ROLE_VARS[role])
    assert run.rc == 0, run.output
    for index in range(2):
        after = fleet.state(index)
        if role == "session_report":
            assert after["sessions"] == before[index]["sessions"]
        else:
            assert user_sessions(after) == [] and user_sessions(before[index]) != []
        if role == "maintenance_window":
            assert locks(after) == locks(before[index])
    if role == "session_report":
        data = json.loads((tmp_path / "report" / "sessions.json").read_text(encoding="utf-8"))
        assert data["errors"] == {}
        assert len(data["sessions"]) == sum(len(state["sessions"]) for state in before)


# (role, extra vars) for the failure tests: emergency_disconnect with and without locking first.
FAILING = [
    ("maintenance_window", ROLE_VARS["maintenance_window"]),
    ("emergency_disconnect", dict(emergency_disconnect_infobases="all", emergency_disconnect_lock_first=False)),
    ("emergency_disconnect", dict(emergency_disconnect_infobases="all", emergency_disconnect_lock_first=True)),
    ("session_report", {}),
]


@pytest.mark.parametrize("role, extra", FAILING)
def test_an_unreachable_server_fails_the_run_naming_it(make_fleet, run_role, tmp_path, role, extra):
    fleet = make_fleet(servers=1, infobases=2, sessions=5)
    run = run_role(fleet, role, down=(0,), session_report_dir=str(tmp_path / "report"), **extra)
    assert run.rc != 0, run.output
    assert "failed=1" in run.output  # the recap shows the host failed
    text = " ".join(run.output.split())
    assert "srv1c-01" in text and "cannot connect to the 1C administration server" in text
    if role == "emergency_disconnect":  # (no fleet summary: Ansible runs no later play once every host failed)
        assert "Emergency disconnect failed on srv1c-01: " in text
    if role == "session_report":  # the report says so; no row of zeros
        data = json.loads((tmp_path / "report" / "sessions.json").read_text(encoding="utf-8"))
        assert data["sessions"] == [] and "cannot connect" in data["errors"]["srv1c-01"]


@pytest.mark.parametrize("role, extra", FAILING)
def test_one_of_three_down_fails_the_run_and_the_others_are_done(make_fleet, run_role, tmp_path, role, extra):
    fleet = make_fleet(servers=3, infobases=2, sessions=8)
    before = [fleet.state(i) for i in range(3)]
    os.kill(fleet.servers[1]["pid"], signal.SIGTERM)
    run = run_role(fleet, role, session_report_dir=str(tmp_path / "report"), **extra)
    assert run.rc != 0, run.output
    text = " ".join(run.output.split())
    assert "srv1c-02" in text and "cannot connect to the 1C administration server" in text
    for index in (0, 2):
        after = fleet.state(index)
        if role == "session_report":
            continue
        assert user_sessions(after) == []
        if role == "maintenance_window":
            assert locks(after) == locks(before[index])
        if extra.get("emergency_disconnect_lock_first"):
            assert all(ib["sessions-deny"] == "on" for ib in after["infobases"])
    if role == "emergency_disconnect":
        assert "srv1c-02:" in text and "FAILED - " in text and "1 server(s) failed" in text
    if role == "session_report":
        data = json.loads((tmp_path / "report" / "sessions.json").read_text(encoding="utf-8"))
        assert set(data["errors"]) == {"srv1c-02"}
        assert set(row["server"] for row in data["sessions"]) == {"srv1c-01", "srv1c-03"}


def test_exclusions_typed_in_lower_case_work(make_fleet, run_role):
    # nobody leaves by himself here (stubborn_share=1): what is left is exactly what the exclusion kept
    fleet = make_fleet(servers=1, infobases=2, sessions=20, stubborn_share=1.0)
    thin = [u for u, s in fleet.state()["sessions"].items() if s["app-id"] == "1CV8C"]
    assert thin and len(thin) < 20
    run = run_role(fleet, "maintenance_window", maintenance_window_infobases="all", maintenance_window_grace=0,
                   maintenance_window_exclude_app_ids=["1cv8c"])
    assert run.rc == 0, run.output
    assert sorted(fleet.state()["sessions"]) == sorted(thin)


@pytest.mark.usefixtures("backend")
def test_window_leaves_no_hanging_connection_and_spares_the_servers_own(make_fleet, run_role):
    fleet = make_fleet(servers=1, infobases=2, sessions=10, version="8.5.1")
    before = fleet.state()
    first = before["infobases"][0]
    by_app = dict((c["application"], c) for c in before["connections"])
    assert by_app["COMConnection"]["infobase"] == first["infobase"] and by_app["COMConnection"]["session-number"] == 0
    assert by_app["RAS"]["infobase"] == first["infobase"]  # ras's own, on the infobase, without a session
    run = run_role(fleet, "maintenance_window", maintenance_window_infobases=[first["name"]],
                   maintenance_window_grace=0, maintenance_window_exclude_app_ids=["BackgroundJob"],
                   maintenance_window_tasks_file=os.path.join(INTEGRATION, "files", "maintenance_connections.yml"))
    assert run.rc == 0, run.output
    seen = json.load(open(os.path.join(run.results_dir, "srv1c-01.connections.json"), encoding="utf-8"))
    assert seen["hanging"] == 0 and "COMConnection" not in seen["applications"]
    after = fleet.state()
    assert after["disconnected"] == [by_app["COMConnection"]["connection"]]
    assert [c["application"] for c in after["connections"]] == ["AgentStandardCall", "RAS"]
    assert "1 connection(s) without a session were disconnected" in " ".join(run.output.split())


def test_the_drain_prints_progress_and_no_failed_line(make_fleet, run_role):
    fleet = make_fleet(servers=1, infobases=2, sessions=12, stubborn_share=0.5)
    # the wait ends at the lock's start plus leave_time: the claim check's settle (3 s) comes out of the grace period
    run = run_role(fleet, "maintenance_window", maintenance_window_infobases="all", maintenance_window_grace=0.1,
                   maintenance_window_leave_time=3, maintenance_window_poll_interval=1)
    assert run.rc == 0, run.output
    assert "FAILED" not in run.output and "RETRYING" not in run.output
    # one line per poll for the fleet (fleet: N of M server(s) with sessions left; srv1c-01: ...): this server's part
    progress = [line.split("; ", 1)[1] for line in run.output.splitlines()
                if line.startswith("fleet: ") and "; srv1c-01: " in line and "left" in line]
    assert len(progress) >= 2, run.output
    assert any(re.search(r" of [0-9]+s left; [0-9]+ sessions left: ", line) for line in progress), progress
    assert progress[-1] == "srv1c-01: no session left"  # the final check, after the stubborn ones were ended
    # the wait ran its full time: its last poll still saw stubborn sessions, which the role then ended (no more than
    # it saw: one may still have left by itself in between), and the cluster is empty
    last_poll = re.search(r"^srv1c-01: (?:[0-9]+s of [0-9]+s left; )?([0-9]+) sessions left: ", progress[-2])
    assert last_poll and int(last_poll.group(1)) > 0, progress
    assert 0 < fleet.stats()["calls"].get("session terminate", 0) <= int(last_poll.group(1))
    assert fleet.state()["sessions"] == {}
