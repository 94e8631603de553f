# -*- coding: utf-8 -*-
"""Faults survived, nothing lost, no secret leaked: each fault switched on in the simulator, run through Ansible."""

import json
import re
import os
import signal
import subprocess
import time

import pytest

from integration.conftest import ansible_env, tool

pytestmark = pytest.mark.integration

WINDOW = "playbooks/maintenance_window.yml"


def audit_lines(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


@pytest.mark.usefixtures("backend")
def test_ras_unreachable_from_the_start(make_fleet, playbook):
    fleet = make_fleet(servers=1, infobases=1, sessions=1)
    fleet.stop()
    time.sleep(0.3)
    run = playbook(fleet, "faults", scenario="read")
    assert run.rc == 0, run.output
    result = run.result("srv1c-01")
    assert result["failed"] and result["error"] == "RasUnreachableError"
    assert "after 2 retries" in result["msg"] and "127.0.0.1:%d" % fleet.servers[0]["port"] in result["msg"]


@pytest.mark.usefixtures("backend")
def test_ras_going_away_in_the_middle_of_a_bulk_termination(make_fleet, playbook, tmp_path):
    fleet = make_fleet(servers=1, infobases=2, sessions=60)
    audit = str(tmp_path / "audit.jsonl")
    # 3 calls to list, then 20 terminations answered, then ras is gone
    fleet.control(0, {"control": "set", "faults": {"die_after_calls": 23}})
    run = playbook(fleet, "faults", scenario="end_all", fault_audit_log=audit)
    assert run.rc == 0, run.output
    result = run.result("srv1c-01")
    assert result["failed"] and result["changed"]
    assert result["terminated_count"] == 20 and result["failed_count"] == 40
    assert all("cannot connect" in f["error"] and "after 2 retries" in f["error"] for f in result["failures"])
    lines = audit_lines(audit)  # what was ended before ras went away is on record: one line each, then a summary
    ended = [s["session"] for entry in lines if entry["action"] == "end_sessions" for s in entry["ended"]]
    assert sorted(ended) == sorted(s["session"] for s in result["terminated"])
    summary = lines[-1]
    assert summary["action"] == "end_sessions_summary" and summary["ended_count"] == 20
    assert len(summary["failed"]) == 40 and summary["stopped_by"] is None


@pytest.mark.parametrize("times, succeeds", [(1, True), (10, False)])
@pytest.mark.usefixtures("backend")
def test_a_call_that_hangs_past_the_timeout(make_fleet, playbook, times, succeeds):
    fleet = make_fleet(servers=1, infobases=1, sessions=3)
    fleet.control(0, {"control": "set", "faults": {"hang": {"command": "session list", "seconds": 4,
                                                            "times": times}}})
    run = playbook(fleet, "faults", scenario="read", fault_timeout=1)
    assert run.rc == 0, run.output
    result = run.result("srv1c-01")
    if succeeds:  # the retry got through
        assert not result.get("failed") and result["count"] == 3
    else:
        assert result["failed"] and result["error"] == "RacTimeoutError" and "after 2 retries" in result["msg"]
    assert fleet.stats()["calls"]["(hang) session list"] == (1 if succeeds else 3)  # no retry beyond 2


@pytest.mark.usefixtures("backend")
def test_a_connection_reset_on_one_call_in_five(make_fleet, playbook, tmp_path):
    fleet = make_fleet(servers=1, infobases=2, sessions=30)
    fleet.control(0, {"control": "set", "faults": {"reset_every": 5}})
    run = playbook(fleet, "faults", scenario="end_all", fault_audit_log=str(tmp_path / "audit.jsonl"))
    assert run.rc == 0, run.output
    result = run.result("srv1c-01")
    assert not result.get("failed") and result["terminated_count"] == 30
    assert fleet.state()["sessions"] == {}
    assert fleet.stats()["calls"]["(connection reset)"] >= 6


def test_permanent_failures_are_not_retried(make_fleet, playbook):
    fleet = make_fleet(servers=1, infobases=1, sessions=2)
    run = playbook(fleet, "bad_input", bad_input_wrong_password="wrong")
    assert run.rc == 0, run.output
    calls = fleet.stats()["calls"]
    # session_info with a wrong password, infobase_info without infobase credentials: one call each, no retry
    assert calls["infobase info"] == 1
    assert calls["session list"] == 0 if "session list" in calls else True


def test_update_that_lost_a_race_is_read_again_and_repeated_once(make_fleet, playbook, tmp_path):
    fleet = make_fleet(servers=1, infobases=2, sessions=2)
    name = fleet.servers[0]["infobases"][0]
    fleet.control(0, {"control": "set", "faults": {"conflict": {name: 1}}})
    audit = str(tmp_path / "audit.jsonl")
    run = playbook(fleet, "faults", scenario="lock", fault_infobase=name, fault_audit_log=audit)
    assert run.rc == 0, run.output
    result = run.result("srv1c-01")
    assert not result.get("failed") and result["changed"]
    # previous is what the other administrator left, read again after the conflict
    assert result["previous"][name]["denied_parameter"] == "set meanwhile by another administrator"
    infobase = [ib for ib in fleet.state()["infobases"] if ib["name"] == name][0]
    assert infobase["sessions-deny"] == "on" and infobase["denied-message"] == "Обновление"
    assert infobase["descr"] == "changed by another administrator"  # not a lock field: left as the other one set it
    calls = fleet.stats()["calls"]
    assert calls["infobase info"] == 2 and calls["infobase update"] == 2
    [entry] = audit_lines(audit)
    assert entry["action"] == "lock_present" and entry["before"]["denied_parameter"].startswith("set meanwhile")


def test_a_conflict_twice_fails_cleanly(make_fleet, playbook, tmp_path):
    fleet = make_fleet(servers=1, infobases=1, sessions=1)
    name = fleet.servers[0]["infobases"][0]
    fleet.control(0, {"control": "set", "faults": {"conflict": {name: 2}}})
    run = playbook(fleet, "faults", scenario="lock", fault_infobase=name, fault_audit_log=str(tmp_path / "a"))
    result = run.result("srv1c-01")
    assert result["failed"] and result["error"] == "DataChangedError"
    assert fleet.stats()["calls"]["infobase update"] == 2


@pytest.mark.parametrize("times, succeeds", [(1, True), (10, False)])
def test_native_ras_closing_in_the_middle_of_an_answer(make_fleet, playbook, times, succeeds):
    """The RAS connection cut after 3,000 bytes of the session list: retried on a fresh connection, else a typed
    error naming the server."""
    fleet = make_fleet(servers=1, infobases=2, sessions=10)
    fleet.control(0, {"control": "set", "faults": {"truncate": {"command": "session list", "bytes": 3000,
                                                                "times": times}}})
    run = playbook(fleet, "faults", scenario="read", onec_backend="native")
    assert run.rc == 0, run.output
    result = run.result("srv1c-01")
    if succeeds:
        assert not result.get("failed") and result["count"] == 10
    else:
        assert result["failed"] and result["error"] == "RasUnreachableError"
        assert "closed the connection in the middle of an answer" in result["msg"] and "after 2 retries" in result["msg"]
        assert "127.0.0.1:%d" % fleet.servers[0]["port"] in result["msg"]


def test_native_ras_never_answering_is_a_timeout_not_a_hang(make_fleet, playbook):
    fleet = make_fleet(servers=1, infobases=1, sessions=3)
    fleet.control(0, {"control": "set", "faults": {"hang": {"command": "session list", "seconds": 30, "times": 10}}})
    started = time.monotonic()
    run = playbook(fleet, "faults", scenario="read", onec_backend="native", fault_timeout=1, fault_retries=0)
    assert run.rc == 0, run.output
    result = run.result("srv1c-01")
    assert result["failed"] and result["error"] == "RacTimeoutError"
    assert re.search(r"127\.0\.0\.1:%d: no complete answer arrived; the call took 1\.\d s, its timeout is 1 s"
                     % fleet.servers[0]["port"], result["msg"]), result["msg"]
    assert time.monotonic() - started < 25  # the hang lasts 30 s


def test_native_garbage_is_a_protocol_error(make_fleet, playbook):
    fleet = make_fleet(servers=1, infobases=1, sessions=3)
    fleet.control(0, {"control": "set", "faults": {"garbage": {"command": "session list",
                                                               "stdout": "<html>502 Bad Gateway</html>\n"}}})
    run = playbook(fleet, "faults", scenario="read", onec_backend="native")
    result = run.result("srv1c-01")
    assert result["failed"] and result["error"] == "RasProtocolError" and "unknown packet type 0x3c" in result["msg"]


@pytest.mark.parametrize("fault", [{"garbage": {"command": "session list", "stdout": "<html>502 Bad Gateway</html>\n"}},
                                   {"truncate": {"command": "session list", "bytes": 3000}}])
def test_garbage_or_cut_off_answers(make_fleet, playbook, fault):
    fleet = make_fleet(servers=1, infobases=2, sessions=10)
    fleet.control(0, {"control": "set", "faults": fault})
    run = playbook(fleet, "faults", scenario="read")
    result = run.result("srv1c-01")
    assert result["failed"] and result["error"] == "RacParseError"
    assert "could not read rac's output" in result["msg"]


@pytest.mark.parametrize("message, error", [("bye\x00now", "NUL character"),
                                            ("я" * 500000, "error_message is 1000000 bytes long")])
@pytest.mark.usefixtures("backend")
def test_hostile_messages_fail_before_anything_is_ended(make_fleet, playbook, tmp_path, message, error):
    fleet = make_fleet(servers=1, infobases=1, sessions=5)
    run = playbook(fleet, "faults", scenario="end_all", fault_message=message, fault_audit_log=str(tmp_path / "a"))
    result = run.result("srv1c-01")
    assert result["failed"] and error in result["msg"]
    assert len(fleet.state()["sessions"]) == 5 and "session terminate" not in fleet.stats()["calls"]


def test_no_secret_in_vvv_output_results_diffs_or_audit_log(make_fleet, playbook, tmp_path):
    fleet = make_fleet(servers=2, infobases=3, sessions=10)
    code = "Perm1ssion-%d" % os.getpid()
    run = playbook(fleet, WINDOW, "-vvv", "--diff", maintenance_window_infobases="all", maintenance_window_grace=0,
                   maintenance_window_permission_code=code,
                   maintenance_window_state_file=str(tmp_path / "{{ inventory_hostname }}.json"))
    assert run.rc == 0, run.output
    audit = os.path.join(run.onec_home, "audit.jsonl")
    secrets = [code, "cluster-secret", "infobase-secret"]
    for secret in secrets:
        assert secret not in run.output, secret
    audit_text = open(audit, encoding="utf-8").read()
    assert all(secret not in audit_text for secret in secrets)
    actions = [entry["action"] for entry in audit_lines(audit)]
    assert actions.count("lock_present") == 6 and actions.count("lock_restored") == 6
    assert actions.count("end_sessions_summary") == 2  # one bulk ending per server (and a line per session ended)
    assert all(entry["operator"] for entry in audit_lines(audit))


def test_a_second_window_refuses_and_a_killed_window_is_recovered(make_fleet, playbook, tmp_path):
    fleet = make_fleet(servers=1, infobases=3, sessions=10)
    names = fleet.servers[0]["infobases"][:2]
    admin = {"sessions-deny": "off", "denied-from": "2026-02-23T00:00:00", "denied-message": "Message",
             "permission-code": "CODE", "denied-parameter": "PARAMETER"}
    fleet.control(0, {"control": "set_infobase", "name": names[0], "fields": admin})
    before = dict((ib["name"], ib) for ib in fleet.state()["infobases"])
    state_file = str(tmp_path / "window.json")
    command = [tool("ansible-playbook"), "-i", fleet.inventory, WINDOW, "-e", json.dumps({
        "maintenance_window_infobases": names, "maintenance_window_grace": 10, "maintenance_window_poll_interval": 5,
        "maintenance_window_state_file": state_file})]
    window = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env=ansible_env(ONEC_CLUSTER_HOME=str(tmp_path / "onec")), start_new_session=True)
    try:
        deadline = time.time() + 60
        while not all(ib["sessions-deny"] == "on" for ib in fleet.state()["infobases"] if ib["name"] in names):
            assert time.time() < deadline and window.poll() is None, "the window did not lock"
            time.sleep(0.3)
        os.killpg(window.pid, signal.SIGKILL)  # the controller dies in the middle of the window
    finally:
        window.wait()
    assert os.path.exists(state_file) and oct(os.stat(state_file).st_mode & 0o777) == "0o600"
    second = playbook(fleet, WINDOW, maintenance_window_infobases=names, maintenance_window_grace=0,
                      maintenance_window_state_file=state_file)
    assert second.rc != 0 and "A maintenance window is already open here" in second.output
    assert "nothing was changed" in " ".join(second.output.split())
    recover = playbook(fleet, "playbooks/unlock.yml", unlock_from_state_file=True, unlock_state_file=state_file)
    assert recover.rc == 0, recover.output
    after = dict((ib["name"], ib) for ib in fleet.state()["infobases"])
    for name in names:
        for field in ("sessions-deny", "denied-from", "denied-to", "denied-message", "denied-parameter",
                      "permission-code", "scheduled-jobs-deny"):
            assert after[name][field] == before[name][field], (name, field)
    assert not os.path.exists(state_file)
