# -*- coding: utf-8 -*-
"""The roles through their playbooks on three simulated servers, checked against the simulator's state."""

import json
import os
import signal

import pytest

import ras_sim
from integration.conftest import INTEGRATION

pytestmark = pytest.mark.integration

WINDOW = "playbooks/maintenance_window.yml"
ADMIN_LOCK = {"sessions-deny": "on", "denied-from": "2030-01-01T00:00:00", "denied-to": "2030-01-02T00:00:00",
              "denied-message": "Плановая блокировка администратора", "denied-parameter": "ADMIN",
              "permission-code": "ADMIN-CODE", "scheduled-jobs-deny": "off"}
LOCK_KEYS = list(ADMIN_LOCK)


def infobase(state, name):
    return [ib for ib in state["infobases"] if ib["name"] == name][0]


def lock_of(state, name):
    return dict((key, infobase(state, name)[key]) for key in LOCK_KEYS)


def stubborn(sessions, uuids, excluded_apps):
    """Sessions of these infobases that will not leave by themselves (from the seed, not hard-coded)."""
    return set(s["session"] for s in sessions.values()
               if s["infobase"] in uuids and s["app-id"] not in excluded_apps
               and (not s["leaves_on_lock"] or s["app-id"] in ras_sim.NEVER_LEAVE_APPS))


@pytest.mark.usefixtures("backend")
def test_window_drains_forces_the_rest_and_restores_locks(make_fleet, playbook):
    fleet = make_fleet(servers=3, infobases=4, sessions=30, stubborn_share=0.3)
    names = fleet.servers[0]["infobases"][:2]
    fleet.control(1, {"control": "set_infobase", "name": names[0], "fields": ADMIN_LOCK})
    before = [fleet.state(i) for i in range(3)]
    run = playbook(fleet, WINDOW, maintenance_window_infobases=names, maintenance_window_grace=0.1,
                   maintenance_window_leave_time=5, maintenance_window_poll_interval=1, maintenance_window_exclude_app_ids=["BackgroundJob"],
                   maintenance_window_permission_code="window-code",
                   maintenance_window_tasks_file=os.path.join(INTEGRATION, "files", "maintenance_ok.yml"))
    assert run.rc == 0, run.output
    assert "window-code" not in run.output and "ADMIN-CODE" not in run.output
    for index, server in enumerate(fleet.servers):
        old, new = before[index], fleet.state(index)
        uuids = set(infobase(old, n)["infobase"] for n in names)
        forced = stubborn(old["sessions"], uuids, {"BackgroundJob", "RAS"})
        ended = set(t["session"] for t in new.get("terminated", []))
        assert ended == forced  # the others left by themselves when the lock started
        left = [s for s in new["sessions"].values() if s["infobase"] in uuids]
        assert all(s["app-id"] == "BackgroundJob" for s in left)
        untouched = dict((u, s) for u, s in old["sessions"].items() if s["infobase"] not in uuids)
        assert dict((u, s) for u, s in new["sessions"].items() if s["infobase"] not in uuids) == untouched
        for name in names:  # every lock as it was, the administrator's included
            assert lock_of(new, name) == lock_of(old, name)
        assert all(t["message"].startswith("Плановые регламентные работы") for t in new.get("terminated", []))
        maintenance = json.load(open(os.path.join(run.results_dir, server["name"] + ".maintenance.json")))
        assert maintenance == {"code_given": True, "infobases": names}
    assert lock_of(fleet.state(1), names[0]) == ADMIN_LOCK


@pytest.mark.parametrize("keep_locked", [True, False])
def test_failing_maintenance_leaves_a_known_state(make_fleet, playbook, keep_locked):
    fleet = make_fleet(servers=1, infobases=3, sessions=10)
    names = fleet.servers[0]["infobases"][:2]
    before = fleet.state()
    run = playbook(fleet, WINDOW, maintenance_window_infobases=names, maintenance_window_grace=0,
                   maintenance_window_keep_locked_on_failure=keep_locked,
                   maintenance_window_tasks_file=os.path.join(INTEGRATION, "files", "maintenance_fails.yml"))
    assert run.rc != 0
    assert "Configuration update failed (simulated)" in run.output
    after = fleet.state()
    for name in names:
        if keep_locked:
            assert infobase(after, name)["sessions-deny"] == "on"
            assert infobase(after, name)["scheduled-jobs-deny"] == "on"
        else:
            assert lock_of(after, name) == lock_of(before, name)
    expected = "(sessions locked, scheduled jobs locked)" if keep_locked else "(open)"
    assert "%s %s" % (names[0], expected) in run.output.replace("\n", " ").replace("  ", " ")
    # the state file stays while the infobases are kept locked (for playbooks/unlock.yml), not once restored
    state_file = os.path.join(run.onec_home, "maintenance_window", "srv1c-01.json")
    assert os.path.exists(state_file) == keep_locked


def test_window_in_check_mode_changes_nothing(make_fleet, playbook):
    fleet = make_fleet(servers=2, infobases=3, sessions=15)
    before = [fleet.state(i) for i in range(2)]
    run = playbook(fleet, WINDOW, "--check", "--diff", maintenance_window_infobases="all",
                   maintenance_window_grace=0.05, maintenance_window_poll_interval=1)
    assert run.rc == 0, run.output
    text = " ".join(run.output.split())
    assert "Check mode, nothing was changed" in text and "would lock them" in text
    assert "['" not in text  # sentences, not a raw list
    for index in range(2):
        assert fleet.state(index) == before[index]
        calls = fleet.stats(index)["calls"]
        assert "infobase update" not in calls and "session terminate" not in calls


def test_emergency_disconnect_with_one_server_down(make_fleet, playbook):
    fleet = make_fleet(servers=3, infobases=3, sessions=25)
    os.kill(fleet.servers[1]["pid"], signal.SIGTERM)
    run = playbook(fleet, "playbooks/emergency_disconnect.yml", emergency_disconnect_lock_first=True,
                   emergency_disconnect_infobases="all", emergency_disconnect_exclude_app_ids=["BackgroundJob"])
    assert run.rc != 0
    for index in (0, 2):
        state = fleet.state(index)
        assert set(s["app-id"] for s in state["sessions"].values()) <= {"BackgroundJob"}
        assert all(ib["sessions-deny"] == "on" for ib in state["infobases"])
    text = " ".join(run.output.split())
    assert ("srv1c-02: 0 session(s) ended, 0 already gone, 0 could not be ended, 0 connection(s) without a session "
            "dropped. FAILED - List the infobases to lock: cannot connect") in text
    assert "Fleet: 3 server(s)" in text and "1 server(s) failed" in text
    assert "Emergency disconnect failed on srv1c-02 (" in text


def test_emergency_disconnect_twice_changes_nothing_the_second_time(make_fleet, playbook):
    fleet = make_fleet(servers=2, infobases=2, sessions=10)
    first = playbook(fleet, "playbooks/emergency_disconnect.yml", emergency_disconnect_infobases="all")
    assert first.rc == 0, first.output
    second = playbook(fleet, "playbooks/emergency_disconnect.yml", emergency_disconnect_infobases="all")
    assert second.rc == 0 and "changed=0" in second.output and "changed=1" not in second.output
