# -*- coding: utf-8 -*-
"""Nothing lost: Ctrl-C or SIGTERM in the middle of a bulk ending leaves every session the server ended in the audit
log, and no new termination starts after the signal."""

import json
import os
import signal
import subprocess
import time

import pytest

from integration.conftest import INTEGRATION, ansible_env, tool

pytestmark = pytest.mark.integration

SESSIONS = 240


def audit_lines(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def start_playbook(fleet, tmp_path, **extra_vars):
    """ansible-playbook in a process group of its own, as on an operator's terminal (Ctrl-C goes to the group)."""
    vars_file = tmp_path / "extra-vars.json"
    vars_file.write_text(json.dumps(extra_vars))
    command = [tool("ansible-playbook"), "-i", fleet.inventory, os.path.join(INTEGRATION, "run_target.yml"),
               "-e", "@%s" % vars_file]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                            env=ansible_env(HOME=str(tmp_path), ONEC_CLUSTER_HOME=str(tmp_path / "onec")))


def wait_for(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def summaries(path):
    return [line for line in audit_lines(path) if line["action"].endswith("_summary")]


def group_gone(pgid):
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


def interrupt(fleet, tmp_path, backend, signal_number, scenario, ended_on_server):
    """Run the scenario, send the signal to ansible-playbook's process group once 10 items are ended; -> the audit
    log's lines once the module wrote its summary."""
    audit = str(tmp_path / "audit.jsonl")
    run = start_playbook(fleet, tmp_path, target="faults", scenario=scenario, fault_audit_log=audit,
                         results_dir=str(tmp_path), onec_backend=backend)
    try:
        wait_for(lambda: len(ended_on_server()) >= 10, 120, "nothing was ended")
        os.killpg(run.pid, signal_number)
        run.wait(timeout=120)
    finally:
        if not group_gone(run.pid):
            os.killpg(run.pid, signal.SIGKILL)
    # The module runs in the session of ansible's worker, which passed the signal on to it: it finishes the calls in
    # flight and writes them down, maybe after ansible-playbook is gone. Its summary line is the last it writes.
    wait_for(lambda: summaries(audit), 120, "the module wrote no summary line")
    return audit_lines(audit)


@pytest.mark.parametrize("signal_number", [signal.SIGINT, signal.SIGTERM])
def test_a_bulk_end_interrupted_loses_nothing_it_ended(make_fleet, tmp_path, backend, signal_number):
    fleet = make_fleet(servers=1, infobases=2, sessions=SESSIONS, latency_ms=150)
    lines = interrupt(fleet, tmp_path, backend, signal_number, "end_all",
                      lambda: fleet.state().get("terminated", []))
    terminated = [t["session"] for t in fleet.state().get("terminated", [])]
    logged = [s["session"] for line in lines if line["action"] == "end_sessions" for s in line["ended"]]
    assert len(logged) == len(set(logged)) and set(logged) == set(terminated), (len(logged), len(terminated))
    [summary] = [line for line in lines if line["action"] == "end_sessions_summary"]
    assert 10 <= len(terminated) < SESSIONS * 0.9, summary  # it stopped starting new terminations
    assert summary["stopped_by"] == signal.Signals(signal_number).name
    assert summary["ended_count"] == len(terminated) and summary["not_started"] > 0


def test_a_bulk_disconnect_interrupted_loses_nothing_it_dropped(make_fleet, tmp_path, backend):
    fleet = make_fleet(servers=1, infobases=2, sessions=2, latency_ms=150)
    model = [c for c in fleet.state()["connections"] if c["application"] == "COMConnection"][0]
    hanging = [dict(model, connection="%08d-0000-4000-8000-%012d" % (n, n), **{"conn-id": 100 + n})
               for n in range(SESSIONS)]
    fleet.control(0, {"control": "add_connections", "connections": hanging})
    lines = interrupt(fleet, tmp_path, backend, signal.SIGINT, "disconnect_hanging",
                      lambda: fleet.state().get("disconnected", []))
    dropped = fleet.state()["disconnected"]
    logged = [c["connection"] for line in lines if line["action"] == "disconnect" for c in line["disconnected"]]
    assert len(logged) == len(set(logged)) and set(logged) == set(dropped), (len(logged), len(dropped))
    [summary] = [line for line in lines if line["action"] == "disconnect_summary"]
    assert 10 <= len(dropped) < SESSIONS * 0.9 and summary["stopped_by"] == "SIGINT", summary
