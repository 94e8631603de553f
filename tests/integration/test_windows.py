# -*- coding: utf-8 -*-
"""Maintenance windows that lose nothing: two windows at once, a Ctrl-C in the middle, a container without a
persistent home."""

import json
import os
import re
import signal
import subprocess
import threading
import time

import pytest

from conftest import ROOT
from integration.conftest import ansible_env, tool

pytestmark = pytest.mark.integration

WINDOW = "playbooks/maintenance_window.yml"
ADMIN_LOCK = {"sessions-deny": "on", "denied-from": "2030-01-01T00:00:00", "denied-to": "2030-01-02T00:00:00",
              "denied-message": "Плановая блокировка администратора", "denied-parameter": "ADMIN",
              "permission-code": "ADMIN-CODE", "scheduled-jobs-deny": "off"}


def lock_of(state, name):
    infobase = [ib for ib in state["infobases"] if ib["name"] == name][0]
    return dict((key, infobase[key]) for key in ADMIN_LOCK)


class Window:
    """ansible-playbook with the window, as from a controller of its own (its own $ONEC_CLUSTER_HOME), in its own
    process group (as a terminal runs it); its output read from a pipe until every writer has closed it (the
    workers of ansible-playbook included)."""

    def __init__(self, fleet, workdir, backend, **extra_vars):
        os.makedirs(str(workdir), exist_ok=True)
        extra_vars.setdefault("onec_backend", backend)
        vars_file = os.path.join(str(workdir), "vars.json")
        with open(vars_file, "w", encoding="utf-8") as handle:
            json.dump(extra_vars, handle)
        env = ansible_env(HOME=str(workdir), ONEC_CLUSTER_HOME=os.path.join(str(workdir), "onec"),
                          PYTHONUNBUFFERED="1")
        self.process = subprocess.Popen(
            [tool("ansible-playbook"), "-i", fleet.inventory, WINDOW, "-e", "@" + vars_file],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=ROOT, start_new_session=True)
        self.chunks = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for chunk in iter(lambda: self.process.stdout.read1(4096), b""):
            self.chunks.append(chunk)

    def output(self):
        return b"".join(self.chunks).decode("utf-8", "replace")

    def finish(self, timeout=300):
        self.process.wait(timeout=timeout)
        self.reader.join(timeout)  # until EOF: a worker may still be writing after the main process ended
        return self.process.returncode, self.output()


@pytest.mark.parametrize("apart", [0, 3])
def test_of_two_windows_at_once_exactly_one_proceeds_and_the_lock_comes_back(make_fleet, tmp_path, backend, apart):
    fleet = make_fleet(servers=1, infobases=3, sessions=12)
    names = fleet.servers[0]["infobases"][:2]
    fleet.control(0, {"control": "set_infobase", "name": names[0], "fields": ADMIN_LOCK})
    before = dict((name, lock_of(fleet.state(), name)) for name in fleet.servers[0]["infobases"])
    options = dict(maintenance_window_infobases=names, maintenance_window_grace=0.1, maintenance_window_leave_time=2,
                   maintenance_window_poll_interval=1, maintenance_window_exclude_app_ids=["BackgroundJob"])
    first = Window(fleet, tmp_path / "controller1", backend, **options)
    time.sleep(apart)
    second = Window(fleet, tmp_path / "controller2", backend, **options)
    results = [first.finish(), second.finish()]
    passed = [output for rc, output in results if rc == 0]
    failed = [" ".join(output.split()) for rc, output in results if rc != 0]
    assert len(passed) == 1 and len(failed) == 1, results
    reason = failed[0]
    assert ("another maintenance window holds these infobases" in reason
            or "A maintenance window is already open here" in reason), reason
    assert "onec.cluster.maintenance_window:" in reason  # the other window's claim, named
    after = fleet.state()
    for name, lock in before.items():  # the administrator's lock is back, byte for byte, and nothing else moved
        assert lock_of(after, name) == lock, name
    assert lock_of(after, names[0]) == ADMIN_LOCK
    for controller in ("controller1", "controller2"):  # neither leaves a state file behind
        assert not os.path.exists(str(tmp_path / controller / "onec" / "maintenance_window" / "srv1c-01.json"))
    assert "ADMIN-CODE" not in passed[0] + reason


def test_ctrl_c_during_the_wait_says_how_to_recover(make_fleet, tmp_path, backend):
    fleet = make_fleet(servers=1, infobases=2, sessions=8, stubborn_share=1.0)
    names = fleet.servers[0]["infobases"][:1]
    fleet.control(0, {"control": "set_infobase", "name": names[0], "fields": ADMIN_LOCK})
    window = Window(fleet, tmp_path / "controller", backend, maintenance_window_infobases=names,
                    maintenance_window_grace=5, maintenance_window_poll_interval=2)
    process = window.process
    try:
        deadline = time.time() + 120
        # the first poll of the wait (it ends at the lock's start plus leave_time: a little under 6 minutes from here)
        while not re.search(r" of [56]m[0-9]{2}s left; ", window.output()):
            assert time.time() < deadline and process.poll() is None, "the window did not start waiting"
            time.sleep(0.3)
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C: the terminal signals the foreground process group
        rc, output = window.finish(timeout=120)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    text = " ".join(output.split())
    state_file = str(tmp_path / "controller" / "onec" / "maintenance_window" / "srv1c-01.json")
    assert rc != 0 and "User interrupted execution" in text, output
    hint = text[text.index("interrupted during the wait: "):]
    assert ("the lock of %s on srv1c-01 stays set and still starts at" % names[0]) in hint, output
    assert ("the earlier locks are recorded in %s" % state_file) in hint
    assert ("playbooks/unlock.yml -l srv1c-01 -e unlock_from_state_file=true" in hint)
    # said before the wait too, and true: the lock is set, the state file is there with the administrator's lock
    assert text.count("if this run is interrupted, the lock of") >= 2
    assert os.path.exists(state_file) and lock_of(fleet.state(), names[0])["sessions-deny"] == "on"
    with open(state_file, encoding="utf-8") as handle:
        assert handle.read().count("ADMIN-CODE") == 1


@pytest.mark.parametrize("in_container, home_set", [(True, False), (True, True), (False, False)])
def test_a_window_in_a_container_without_a_persistent_home_warns(make_fleet, tmp_path, in_container, home_set):
    fleet = make_fleet(servers=1, infobases=2, sessions=6)
    marker = tmp_path / "dockerenv"  # stands for /.dockerenv (this test may itself run in a container)
    if in_container:
        marker.write_text("")
    home = tmp_path / "home"
    env = ansible_env(HOME=str(home))
    env.pop("ONEC_CLUSTER_HOME", None)
    if home_set:
        env["ONEC_CLUSTER_HOME"] = str(tmp_path / "persistent")
    for name in ("AWX_HOST", "JOB_ID", "INVENTORY_ID"):
        env.pop(name, None)
    extra = dict(maintenance_window_infobases="all", maintenance_window_grace=0, maintenance_window_claim_settle=0,
                 lock_state_container_markers=[str(marker)])
    proc = subprocess.run([tool("ansible-playbook"), "-i", fleet.inventory, WINDOW, "-e", json.dumps(extra)],
                          capture_output=True, env=env, cwd=ROOT, check=False, timeout=300)
    output = (proc.stdout + proc.stderr).decode("utf-8", "replace")
    assert proc.returncode == 0, output
    text = " ".join(output.split())
    warned = "WARNING: this controller runs inside a container (%s) and ONEC_CLUSTER_HOME is not set" % marker
    assert (warned in text) == (in_container and not home_set), output
    if warned in text:  # said before anything changed: before the lock task
        assert text.index(warned) < text.index("Lock the infobases with the message")
        assert "%s/.ansible/onec_cluster/maintenance_window/srv1c-01.json" % home in text
