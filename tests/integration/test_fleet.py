# -*- coding: utf-8 -*-
"""The fleet form (onec.cluster.fleet, one task for every server of the play) through the roles' playbooks: each
server's truth stays its own (one down, one hung: those two fail, the third is done), --limit narrows it, each host's
connection settings are its own; the emergency disconnect's lock_first in the same task (state file, unlock), its
notifications, and the sessions it could not end because they are inside a call."""

import json
import os
import re
import signal
import sys
import threading
import time

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "simulator"))
import simctl  # noqa: E402

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


def state_file(run, host):
    return os.path.join(run.onec_home, "maintenance_window", host + ".json")


def summary_text(run):
    return " ".join(run.output.split())


# An administrator's lock, replaced by the emergency lock and put back by playbooks/unlock.yml.
ADMIN_LOCK = {"sessions-deny": "on", "denied-from": "2030-01-01T00:00:00", "denied-to": "2030-01-02T00:00:00",
              "denied-message": "Плановая блокировка", "denied-parameter": "ADMIN", "permission-code": "ADMIN-CODE",
              "scheduled-jobs-deny": "off"}


def locks(state):
    return dict((ib["name"], dict((key, ib[key]) for key in ADMIN_LOCK)) for ib in state["infobases"])


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


@pytest.mark.usefixtures("backend")
def test_lock_first_in_the_fleet_form_one_down_one_hung_and_unlock_puts_the_locks_back(make_fleet, playbook):
    fleet = make_fleet(servers=3, infobases=2, sessions=10)
    locked_by_admin = fleet.servers[0]["infobases"][0]
    fleet.control(0, {"control": "set_infobase", "name": locked_by_admin, "fields": ADMIN_LOCK})
    before = [locks(fleet.state(i)) for i in range(3)]
    os.kill(fleet.servers[1]["pid"], signal.SIGTERM)
    fleet.control(2, {"control": "set", "faults": {"hang": {"command": "session list", "seconds": 30, "times": 10}}})
    run = playbook(fleet, EMERGENCY, emergency_disconnect_infobases="all", emergency_disconnect_lock_first=True,
                   emergency_disconnect_permission_code="EMERGENCY-CODE", emergency_disconnect_exclude_app_ids=KEEP,
                   onec_timeout=2, onec_retries=0)
    assert run.rc != 0
    assert recap(run.output, "srv1c-02")[2] == 1 and recap(run.output, "srv1c-03")[2] == 1
    assert "ADMIN-CODE" not in run.output and "EMERGENCY-CODE" not in run.output
    # the done server: locked, emptied; its state file holds exactly the locks it replaced, the admin's code included
    done = fleet.state(0)
    assert user_sessions(done) == []
    assert all(lock["sessions-deny"] == "on" and lock["permission-code"] == "EMERGENCY-CODE"
               for lock in locks(done).values())
    assert oct(os.stat(state_file(run, "srv1c-01")).st_mode & 0o777) == "0o600"
    with open(state_file(run, "srv1c-01"), encoding="utf-8") as handle:
        recorded = json.load(handle)
    assert (recorded["host"], recorded["by"]) == ("srv1c-01", "emergency_disconnect")
    assert sorted(recorded["locks"]) == sorted(before[0])
    assert recorded["locks"][locked_by_admin]["permission_code"] == "ADMIN-CODE"
    # the server down: nothing read, nothing recorded; the hung one: locked (and recorded), no session ended
    assert not os.path.exists(state_file(run, "srv1c-02"))
    assert os.path.exists(state_file(run, "srv1c-03")) and len(user_sessions(fleet.state(2))) > 0
    text = summary_text(run)
    assert "srv1c-02: 0 session(s) ended" in text and "FAILED - List the infobases to lock: cannot connect" in text
    assert "srv1c-03: 0 session(s) ended" in text and "FAILED - End the sessions: " in text
    assert "Emergency disconnect failed on srv1c-02: List the infobases to lock: " in text
    assert "Fleet: 3 server(s)" in text and "2 server(s) failed" in text

    recover = playbook(fleet, "playbooks/unlock.yml", unlock_from_state_file=True, onec_timeout=5)
    assert recover.rc == 0, recover.output
    assert "ADMIN-CODE" not in recover.output
    for index in (0, 2):
        assert locks(fleet.state(index)) == before[index]  # byte for byte, the permission code included
    assert not os.path.exists(state_file(run, "srv1c-01")) and not os.path.exists(state_file(run, "srv1c-03"))


@pytest.mark.usefixtures("backend")
def test_lock_first_under_limit_and_in_check_mode(make_fleet, playbook):
    fleet = make_fleet(servers=3, infobases=2, sessions=8)
    before = [fleet.state(i) for i in range(3)]
    args = dict(emergency_disconnect_infobases="all", emergency_disconnect_lock_first=True,
                emergency_disconnect_exclude_app_ids=KEEP)
    check = playbook(fleet, EMERGENCY, "--check", "-l", "srv1c-02", **args)
    assert check.rc == 0, check.output
    assert "srv1c-02: %d session(s) would be ended" % len(user_sessions(before[1])) in summary_text(check)
    for index in range(3):
        assert fleet.state(index) == before[index]
        assert "infobase update" not in fleet.stats(index)["calls"]
        assert not os.path.exists(state_file(check, fleet.servers[index]["name"]))
    run = playbook(fleet, EMERGENCY, "-l", "srv1c-02", **args)
    assert run.rc == 0, run.output
    assert user_sessions(fleet.state(1)) == [] and all(ib["sessions-deny"] == "on" for ib in fleet.state(1)["infobases"])
    assert os.path.exists(state_file(run, "srv1c-02"))
    for index in (0, 2):
        assert fleet.state(index) == before[index]
        assert not os.path.exists(state_file(run, fleet.servers[index]["name"]))


NOTIFY_TASKS = """---
- name: Record the event
  ansible.builtin.lineinfile:
    path: %s
    line: "{{ onec_cluster_event | to_json }}"
    create: true
    mode: "0600"
  delegate_to: localhost

- name: A webhook that is down
  ansible.builtin.fail:
    msg: "the webhook answered 503"
  when: fail_at | default('') == onec_cluster_event.event
"""


def notify_file(tmp_path):
    events = tmp_path / "events.jsonl"
    tasks = tmp_path / "notify.yml"
    tasks.write_text(NOTIFY_TASKS % json.dumps(str(events)), encoding="utf-8")
    return str(tasks), events


@pytest.mark.usefixtures("backend")
def test_notifications_once_for_the_fleet_in_order_with_each_servers_counts(make_fleet, playbook, tmp_path):
    fleet = make_fleet(servers=3, infobases=2, sessions=8)
    # (ras's own session, on the platforms that list it, is never ended)
    to_end = [len([s for s in user_sessions(fleet.state(i)) if s["app-id"] != "RAS"]) for i in range(3)]
    os.kill(fleet.servers[1]["pid"], signal.SIGTERM)
    tasks, events = notify_file(tmp_path)
    run = playbook(fleet, EMERGENCY, emergency_disconnect_infobases="all", emergency_disconnect_lock_first=True,
                   emergency_disconnect_exclude_app_ids=KEEP, emergency_disconnect_notify_tasks_file=tasks)
    assert run.rc != 0
    seen = [json.loads(line) for line in events.read_text(encoding="utf-8").splitlines()]
    assert [event["event"] for event in seen] == ["before_lock", "forcing", "failed"]
    hosts = ["srv1c-01", "srv1c-02", "srv1c-03"]
    for event in seen:
        assert event["workflow"] == "emergency_disconnect" and event["check_mode"] is False
        assert [server["host"] for server in event["servers"]] == hosts
        assert all(server["infobases"] == ["all"] for server in event["servers"])
    after = dict((server["host"], server) for server in seen[-1]["servers"])
    for index in (0, 2):
        server = after[hosts[index]]
        # (once locked, some users leave by themselves: the count is what the audit log says was ended)
        port = ":%d" % fleet.servers[index]["port"]
        assert server["ended"] == sum(len(line["ended"]) for line in audit_lines(run)
                                      if line["action"] == "end_sessions" and line["ras"].endswith(port)) > 0
        assert server["ended"] + server["already_gone"] <= to_end[index]
        assert [s for s in user_sessions(fleet.state(index)) if s["app-id"] != "RAS"] == []
        assert (server["failed"], server["error"]) == (0, "")
        assert sorted(server["locked"]) == sorted(fleet.servers[index]["infobases"])
        assert server["where"].startswith("ras 127.0.0.1:%d" % fleet.servers[index]["port"])
    assert after["srv1c-02"]["ended"] == 0 and "cannot connect" in after["srv1c-02"]["error"]


@pytest.mark.usefixtures("backend")
def test_a_failing_notification_fails_the_run_before_any_session_is_ended(make_fleet, playbook, tmp_path):
    fleet = make_fleet(servers=2, infobases=2, sessions=6)
    before = [fleet.state(i) for i in range(2)]
    tasks, events = notify_file(tmp_path)
    run = playbook(fleet, EMERGENCY, emergency_disconnect_infobases="all", emergency_disconnect_notify_tasks_file=tasks,
                   fail_at="forcing")
    assert run.rc != 0
    assert "the webhook answered 503" in run.output
    assert [json.loads(line)["event"] for line in events.read_text(encoding="utf-8").splitlines()] == ["forcing"]
    for index in range(2):
        assert fleet.state(index)["sessions"] == before[index]["sessions"]
        assert "session terminate" not in fleet.stats(index)["calls"]


BACKEND_ERROR = (" server_addr=tcp://srv1c-01:1560 descr=recv returns zero, disconnected line=1644 "
                 "file=src/rtrsrvc/src/DataExchangeTcpClientImpl.cpp\n")


@pytest.mark.usefixtures("backend")
def test_the_summary_names_the_sessions_left_inside_a_call(make_fleet, playbook):
    fleet = make_fleet(servers=2, infobases=2, sessions=10)
    holder, waiting, last = simctl.stage_incident(list(fleet.state(0)["sessions"].values()), fleet.now())
    fleet.control(0, {"control": "add_sessions", "sessions": [holder, waiting, last]})
    idle = [s for s in user_sessions(fleet.state(0)) if s["duration-current"] == 0][0]
    # the holder's terminate fails (as when it sits in a long DBMS call), and so does an idle session's
    fleet.control(0, {"control": "set", "faults": {"fail_session": {holder["session"]: BACKEND_ERROR,
                                                                    idle["session"]: BACKEND_ERROR}}})
    run = playbook(fleet, EMERGENCY, emergency_disconnect_infobases="all", emergency_disconnect_exclude_app_ids=KEEP)
    assert run.rc != 0
    assert recap(run.output, "srv1c-01")[2] == 1
    assert "Emergency disconnect failed on srv1c-01: End the sessions: 2 of " in summary_text(run)
    text = summary_text(run)
    assert "srv1c-01: " in text and "2 could not be ended" in text
    assert "Still there, inside a call: %s #%s (" % (holder["user-name"], holder["session-id"]) in text
    assert "in a DBMS call for 718000 ms" in text
    # the idle one could not be ended either, but it is not inside a call: not named as such
    first = re.search(r'"(srv1c-01: \d+ session[^"]*)"', text).group(1)
    assert first.split("Still there, inside a call: ")[1].count("; ") == 0  # the holder only
    assert "Still there" not in re.search(r'"(srv1c-02: \d+ session[^"]*)"', text).group(1)


WINDOW_STAGES = os.path.join("tests", "integration", "files", "fleet_window_steps.yml")


def window_lock(state):
    return dict((ib["name"], (ib["sessions-deny"], ib["denied-message"], ib["denied-parameter"]))
                for ib in state["infobases"])


@pytest.mark.usefixtures("backend")
def test_window_stages_in_the_fleet_form_one_down_one_hung_each_servers_own_locks_and_wait(make_fleet, playbook):
    fleet = make_fleet(servers=3, infobases=2, sessions=6)
    fleet.control(0, {"control": "set_infobase", "name": fleet.servers[0]["infobases"][0], "fields": ADMIN_LOCK})
    before = locks(fleet.state(0))
    os.kill(fleet.servers[1]["pid"], signal.SIGTERM)
    fleet.control(2, {"control": "set", "faults": {"hang": {"command": "connection list", "seconds": 30, "times": 10}}})
    run = playbook(fleet, WINDOW_STAGES, onec_timeout=2, onec_retries=0)
    assert run.rc != 0
    assert recap(run.output, "srv1c-01")[2] == 0, run.output
    assert recap(run.output, "srv1c-02")[2] == 1 and recap(run.output, "srv1c-03")[2] == 1
    assert "ADMIN-CODE" not in run.output
    # the done server: recorded (its state file, not the codes, in the result), locked with its own start, waited
    # for until then, its administrator's lock put back exactly from the state file, which is gone
    done = run.result("srv1c-01")
    record = done["recorded"]["steps"][0]
    assert sorted(record["names"]) == sorted(fleet.servers[0]["infobases"])
    assert record["state_file"] == state_file(run, "srv1c-01")
    assert "ADMIN-CODE" not in json.dumps(done)
    lock = done["locked"]["steps"][0]
    assert done["locked"]["changed"] and lock["starts_at_utc"]
    wait = done["waited"]["steps"][0]
    assert wait["name"] == "Wait for users to leave" and wait["polls"] >= 1 and wait["waited"] >= 1
    assert not done["restored"]["failed"] and done["restored"]["changed"]
    assert locks(fleet.state(0)) == before and not os.path.exists(state_file(run, "srv1c-01"))
    # the down server failed at the record, the hung one (connections hang) at the wait, its own timeout after the
    # first poll: it stays locked (the rescue's default) and the done server went on waiting and was restored
    assert not os.path.exists(os.path.join(run.results_dir, "srv1c-02.json"))
    assert all(value == ("on", "Window", "onec.cluster.maintenance_window:test")
               for value in window_lock(fleet.state(2)).values())
    assert os.path.exists(state_file(run, "srv1c-03"))  # what playbooks/unlock.yml puts back
    assert not os.path.exists(state_file(run, "srv1c-02"))
    text = summary_text(run)
    assert "cannot connect" in text and "Wait for users to leave: " in text
    # one progress line per poll for the fleet, naming both servers waited for
    progress = [line for line in run.output.splitlines() if line.startswith("fleet: ")]
    assert len(progress) == wait["polls"] and "srv1c-03: failed" in progress[0]
    assert re.search(r"srv1c-01: [0-9]s of [0-9]s left; [0-9]+ sessions? left", progress[0]), progress
    assert all("srv1c-03" not in line for line in progress[1:])


@pytest.mark.usefixtures("backend")
def test_window_stages_in_the_fleet_form_under_limit_and_in_check_mode(make_fleet, playbook):
    fleet = make_fleet(servers=3, infobases=2, sessions=4)
    before = [fleet.state(i) for i in range(3)]
    check = playbook(fleet, WINDOW_STAGES, "--check")
    assert check.rc == 0, check.output
    for index in range(3):
        assert fleet.state(index)["infobases"] == before[index]["infobases"]
        assert "infobase update" not in fleet.stats(index)["calls"]
    assert check.result("srv1c-02")["locked"]["changed"]  # what would change, said
    assert not any(os.path.exists(state_file(check, server["name"])) for server in fleet.servers)
    os.remove(os.path.join(check.results_dir, "srv1c-02.json"))  # (the runs of one test share results_dir)
    run = playbook(fleet, WINDOW_STAGES, "-l", "srv1c-01,srv1c-03")
    assert run.rc == 0, run.output
    assert "infobase update" not in fleet.stats(1)["calls"] and fleet.state(1)["infobases"] == before[1]["infobases"]
    for index in (0, 2):
        assert "infobase update" in fleet.stats(index)["calls"]
        assert fleet.state(index)["infobases"] == before[index]["infobases"]  # locked, then put back as it was
    assert not os.path.exists(os.path.join(run.results_dir, "srv1c-02.json"))


def test_a_window_record_refuses_a_server_inside_another_window_and_changes_nothing_there(make_fleet, playbook):
    fleet = make_fleet(servers=2, infobases=2, sessions=4)
    other = dict(ADMIN_LOCK, **{"denied-parameter": "onec.cluster.maintenance_window:0123:2030-01-01T00:00:00Z"})
    fleet.control(1, {"control": "set_infobase", "name": fleet.servers[1]["infobases"][0], "fields": other})
    before = fleet.state(1)["infobases"]
    run = playbook(fleet, WINDOW_STAGES)
    assert run.rc != 0 and recap(run.output, "srv1c-01")[2] == 0 and recap(run.output, "srv1c-02")[2] == 1
    text = summary_text(run)
    assert ("Record the current lock of each infobase" not in text
            and "Refuse to start inside another maintenance window: A maintenance window is already open here "
                "(another window's claim in the lock of %s" % fleet.servers[1]["infobases"][0] in text), run.output
    assert fleet.state(1)["infobases"] == before and "infobase update" not in fleet.stats(1)["calls"]
    assert not os.path.exists(state_file(run, "srv1c-02"))


OTHER_CLAIM = "onec.cluster.maintenance_window:0123:2030-01-01T00:00:00Z"


@pytest.mark.usefixtures("backend")
def test_window_lock_checks_its_claim_after_the_settle_and_fails_only_the_server_another_window_took(
        make_fleet, playbook):
    fleet = make_fleet(servers=2, infobases=2, sessions=4)
    taken = fleet.servers[1]["infobases"][0]
    done = []
    worker = threading.Thread(target=lambda: done.append(playbook(fleet, WINDOW_STAGES, claim_settle=6, lock_in=20)))
    worker.start()
    deadline = time.time() + 120
    # once this window's claim is on the second server, another window writes its own over one of its infobases
    while not all(value[2] == "onec.cluster.maintenance_window:test" for value in window_lock(fleet.state(1)).values()):
        assert time.time() < deadline and worker.is_alive(), "the window never locked"
        time.sleep(0.2)
    fleet.control(1, {"control": "set_infobase", "name": taken, "fields": {"denied-parameter": OTHER_CLAIM}})
    worker.join(300)
    run = done[0]
    assert run.rc != 0 and recap(run.output, "srv1c-01")[2] == 0 and recap(run.output, "srv1c-02")[2] == 1
    assert "Check that this window still holds the infobases: " in summary_text(run), run.output
    assert run.result("srv1c-01")["locked"]["steps"][0]["claim_checked"]
    # the check changed nothing: the other window's claim stays, the other infobase still carries this one's
    after = window_lock(fleet.state(1))
    assert after[taken][2] == OTHER_CLAIM
    assert [value[2] for name, value in after.items() if name != taken] == ["onec.cluster.maintenance_window:test"]
    assert window_lock(fleet.state(0)) == dict((name, ("off", "", "")) for name in window_lock(fleet.state(0)))
