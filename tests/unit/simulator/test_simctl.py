# -*- coding: utf-8 -*-
"""simctl signals only the simulated ras processes it started, whatever pid fleet.json holds by now."""

import json
import os
import subprocess
import time

import simctl


def alive(pid):
    return os.path.exists("/proc/%d" % pid) and simctl.is_our_ras(pid)


def wait_gone(pid, timeout=10):
    deadline = time.time() + timeout
    while alive(pid) and time.time() < deadline:
        time.sleep(0.05)
    return not alive(pid)


def write_fleet(workdir, pids):
    os.makedirs(str(workdir), exist_ok=True)
    with open(os.path.join(str(workdir), "fleet.json"), "w") as handle:
        json.dump({"servers": [{"pid": pid} for pid in pids]}, handle)


def test_a_saved_pid_that_is_no_longer_our_ras_is_not_signalled(tmp_path, capsys):
    # stands for whatever process got the number after the simulator ended
    stranger = subprocess.Popen(["sleep", "60"])
    try:
        assert not simctl.is_our_ras(stranger.pid)
        write_fleet(tmp_path, [stranger.pid, 999999999, None, "x"])
        simctl.stop_fleet(str(tmp_path))
        # and `simctl.py start`, which stops what fleet.json names first
        simctl.main(["start", "--dir", str(tmp_path), "--servers", "1", "--sessions", "2", "--infobases", "1"])
        new_pid = simctl.load_fleet(str(tmp_path))["servers"][0]["pid"]
        assert simctl.is_our_ras(new_pid)
        time.sleep(0.2)
        assert stranger.poll() is None, "simctl signalled a process that is not its ras"
        simctl.stop_fleet(str(tmp_path))
        assert wait_gone(new_pid)
    finally:
        stranger.kill()
        stranger.wait()
    assert "srv1c-01" in capsys.readouterr().out


def test_our_ras_is_stopped_and_a_restart_replaces_it(tmp_path):
    first = simctl.start_fleet(str(tmp_path), servers=1, infobases=1, sessions=2)["servers"][0]["pid"]
    assert simctl.is_our_ras(first)
    simctl.main(["start", "--dir", str(tmp_path), "--servers", "1", "--sessions", "2", "--infobases", "1"])
    second = simctl.load_fleet(str(tmp_path))["servers"][0]["pid"]
    try:
        assert wait_gone(first)
        assert simctl.is_our_ras(second)
    finally:
        simctl.stop_fleet(str(tmp_path))
    assert wait_gone(second)
