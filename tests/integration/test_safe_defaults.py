# -*- coding: utf-8 -*-
"""Safe defaults of the collection's playbooks: where a host's ras is, what the emergency disconnect ends, and a fleet
summary that covers exactly the hosts a run touched."""

import json
import os
import re
import sys

import pytest

from conftest import RAC

pytestmark = pytest.mark.integration

EMERGENCY = "playbooks/emergency_disconnect.yml"


def audit_records(run):
    with open(os.path.join(run.onec_home, "audit.jsonl"), encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def user_sessions(state):
    return [s for s in state["sessions"].values() if s["app-id"] not in ("BackgroundJob", "RAS")]


def test_without_onec_ras_host_a_host_is_its_ansible_host_else_its_name(make_fleet, playbook, backend, tmp_path):
    fleet = make_fleet(servers=2, infobases=2, sessions=8)
    first, second = fleet.servers
    # 127.0.0.1 by its inventory name; srv1c-02 (a name that does not resolve) through ansible_host; no onec_ras_host
    lines = ["all:", "  vars:", "    ansible_connection: local",
             "    ansible_python_interpreter: %s" % json.dumps(sys.executable), "    onec_rac_path: %s" % json.dumps(RAC),
             "  children:", "    onec_servers:", "      hosts:",
             "        127.0.0.1:", "          onec_ras_port: %d" % first["port"],
             "        srv1c-02:", "          ansible_host: 127.0.0.1", "          onec_ras_port: %d" % second["port"]]
    for server in (first, second):
        assert server["host"] == "127.0.0.1"
    for key in ("cluster_user", "cluster_password", "infobase_user", "infobase_password"):
        lines.insert(4, "    onec_%s: %s" % (key, json.dumps(first[key], ensure_ascii=False)))
    fleet.inventory = str(tmp_path / "inventory.yml")
    with open(fleet.inventory, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    run = playbook(fleet, EMERGENCY, emergency_disconnect_infobases="all",
                   emergency_disconnect_exclude_app_ids=["BackgroundJob"])
    assert run.rc == 0, run.output
    assert user_sessions(fleet.state(0)) == [] and user_sessions(fleet.state(1)) == []
    # each host reached its own ras by the address of the inventory host, never localhost
    endpoints = set(record["ras"] for record in audit_records(run))
    assert endpoints == {"127.0.0.1:%d" % first["port"], "127.0.0.1:%d" % second["port"]}, endpoints


def summary_lines(run):
    """The fleet summary's lines (the debug of a list), joined back when the callback wrapped them."""
    text = " ".join(run.output.split())
    return re.findall(r'"((?:srv1c-\d\d|Fleet): [^"]*)"', text)


@pytest.mark.usefixtures("backend")
def test_emergency_without_a_scope_fails_before_anything_is_done(make_fleet, playbook):
    fleet = make_fleet(servers=2, infobases=2, sessions=8)
    before = [fleet.state(i) for i in range(2)]
    run = playbook(fleet, EMERGENCY)
    assert run.rc != 0, run.output
    text = " ".join(run.output.split())
    assert "an emergency disconnect has no default scope" in text
    assert "-e emergency_disconnect_infobases=all" in text
    for index in range(2):
        assert fleet.state(index) == before[index]
        calls = fleet.stats(index)["calls"]
        assert "session terminate" not in calls and "infobase update" not in calls


def test_the_summary_covers_exactly_the_hosts_the_run_touched(make_fleet, playbook):
    fleet = make_fleet(servers=3, infobases=2, sessions=8)
    for args, extra, touched in ((["-l", "srv1c-02"], {}, [1]),
                                 (["-l", "srv1c-02,localhost"], {}, [1]),
                                 ([], {"target": "srv1c-03"}, [2])):
        before = [fleet.state(i) for i in range(3)]
        run = playbook(fleet, EMERGENCY, *args, emergency_disconnect_infobases="all",
                       emergency_disconnect_exclude_app_ids=["BackgroundJob"], **extra)
        assert run.rc == 0, run.output
        names = [fleet.servers[i]["name"] for i in touched]
        lines = summary_lines(run)
        assert [line.split(":")[0] for line in lines] == names + ["Fleet"], (args, extra, run.output)
        assert lines[-1].startswith("Fleet: 1 server(s), ") and lines[-1].endswith("every server done.")
        assert "did not run" not in run.output
        ended = sum(1 for s in user_sessions(before[touched[0]]))
        assert lines[0].startswith("%s: %d session(s) ended" % (names[0], ended)), lines
        for index in range(3):
            after = fleet.state(index)
            if index in touched:
                assert user_sessions(after) == []
            else:
                assert after["sessions"] == before[index]["sessions"]


def test_emergency_in_check_mode_says_would_end_and_changes_nothing(make_fleet, playbook):
    fleet = make_fleet(servers=2, infobases=2, sessions=8)
    before = [fleet.state(i) for i in range(2)]
    run = playbook(fleet, EMERGENCY, "--check", "-l", "srv1c-01", emergency_disconnect_infobases="all",
                   emergency_disconnect_lock_first=True, emergency_disconnect_exclude_app_ids=["BackgroundJob"])
    assert run.rc == 0, run.output
    lines = summary_lines(run)
    would = len(user_sessions(before[0]))
    assert lines[0].startswith("srv1c-01: %d session(s) would be ended, " % would), lines
    assert lines[1].startswith("Fleet: 1 server(s), %d session(s) would be ended, " % would)
    assert lines[1].endswith("Check mode: nothing was changed.") and len(lines) == 2
    assert " session(s) ended" not in " ".join(run.output.split())
    for index in range(2):
        assert fleet.state(index) == before[index]
    assert not os.path.exists(os.path.join(run.onec_home, "maintenance_window", "srv1c-01.json"))


ADMIN_LOCK = {"sessions-deny": "on", "denied-from": "2030-01-01T00:00:00", "denied-to": "2030-01-02T00:00:00",
              "denied-message": "Плановая блокировка администратора", "denied-parameter": "ADMIN",
              "permission-code": "ADMIN-CODE", "scheduled-jobs-deny": "off"}


def locks(state):
    return dict((ib["name"], dict((key, ib[key]) for key in ADMIN_LOCK)) for ib in state["infobases"])


@pytest.mark.usefixtures("backend")
def test_lock_first_records_the_locks_it_replaces_and_unlock_puts_them_back(make_fleet, playbook):
    fleet = make_fleet(servers=2, infobases=3, sessions=10)
    name = fleet.servers[0]["infobases"][0]
    fleet.control(0, {"control": "set_infobase", "name": name, "fields": ADMIN_LOCK})
    before = [locks(fleet.state(i)) for i in range(2)]
    for attempt in range(2):  # a second emergency lock must not record the first one's lock as the earlier one
        run = playbook(fleet, EMERGENCY, emergency_disconnect_infobases="all", emergency_disconnect_lock_first=True,
                       emergency_disconnect_permission_code="EMERGENCY-CODE")
        assert run.rc == 0, run.output
        assert "ADMIN-CODE" not in run.output and "EMERGENCY-CODE" not in run.output
    for index, server in enumerate(fleet.servers):
        state_file = os.path.join(run.onec_home, "maintenance_window", server["name"] + ".json")
        assert oct(os.stat(state_file).st_mode & 0o777) == "0o600"
        assert all(lock["sessions-deny"] == "on" and lock["permission-code"] == "EMERGENCY-CODE"
                   for lock in locks(fleet.state(index)).values())
    recover = playbook(fleet, "playbooks/unlock.yml", unlock_from_state_file=True)
    assert recover.rc == 0, recover.output
    assert "ADMIN-CODE" not in recover.output
    for index, server in enumerate(fleet.servers):
        assert locks(fleet.state(index)) == before[index]  # byte for byte, the permission code included
        assert not os.path.exists(os.path.join(run.onec_home, "maintenance_window", server["name"] + ".json"))
    assert locks(fleet.state(0))[name] == ADMIN_LOCK
