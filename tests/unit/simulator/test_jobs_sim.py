# -*- coding: utf-8 -*-
"""Simulated background jobs that finish by themselves: ordinary sessions in rac's layout (tests/samples) while they
run, inside a server call, gone once their run time is over; jobs without one run until ended."""

import random
import time

from conftest import sample_text, simctl


def cluster_args(fleet):
    server = fleet.servers[0]
    return ["--cluster=%s" % server["cluster"], "--cluster-user=%s" % server["cluster_user"],
            "--cluster-pwd=%s" % server["cluster_password"]]


def test_a_job_runs_inside_a_call_then_finishes_by_itself(make_fleet):
    fleet = make_fleet(servers=1, infobases=1, sessions=4, job_seconds=0)  # seeded jobs finish at once
    infobase = fleet.state()["infobases"][0]
    timed, endless = [simctl.make_session(random.Random(n), infobase, n, fleet.now(),
                                          app_id="BackgroundJob", user="") for n in (901, 902)]
    timed["job_runs_for"] = 8  # long enough for a slow machine to read it while it runs
    fleet.control(0, {"control": "add_sessions", "sessions": [timed, endless]})
    time.sleep(1.1)
    out = fleet.rac(0, "session", "info", "--session=%s" % timed["session"], *cluster_args(fleet))
    assert out.returncode == 0
    printed = out.stdout.decode("utf-8")
    # rac's own layout, never the simulator's fields: the same keys, in the order of the real 8.3.21 sample
    sample = sample_text("session_info_8.3.21_racrust.txt")
    keys = [line.split(":")[0] for line in printed.strip().split("\n")]
    assert keys == [line.split(":")[0] for line in sample.strip().split("\n")]
    assert "job_" not in printed
    call = [line for line in printed.split("\n") if line.startswith("duration-current ")][0]
    assert int(call.split(":")[1]) >= 1000  # inside a server call for a second or more
    deadline = time.monotonic() + 30
    while timed["session"] in fleet.state()["sessions"]:
        assert time.monotonic() < deadline, "the job did not finish by itself"
        time.sleep(0.5)
    state = fleet.state()
    assert timed["session"] not in state["sessions"] and timed["session"] in state["finished_jobs"]
    assert endless["session"] in state["sessions"] and state["sessions"][endless["session"]]["duration-current"] == 0
    assert not state.get("terminated")
