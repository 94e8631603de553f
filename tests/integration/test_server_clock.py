# -*- coding: utf-8 -*-
"""Servers in another time zone than the controller: idle_for, relative lock times and the window's wait count on the
server's clock (server_timezone), and without it a guard stops before anything changes when the server is ahead."""

import datetime
import os
import re

import pytest

from integration.test_roles import WINDOW, infobase, lock_of, stubborn

pytestmark = pytest.mark.integration

TIME_FORMAT = "%Y-%m-%dT%H:%M:%S"


def idle_since(state, moment):
    """Uuids of the sessions last active at or before moment (server local), ras's own excepted."""
    return set(u for u, s in state["sessions"].items()
               if s["app-id"] != "RAS" and datetime.datetime.strptime(s["last-active-at"], TIME_FORMAT) <= moment)


@pytest.mark.usefixtures("backend")
def test_idle_for_counts_on_the_servers_clock(make_fleet, playbook):
    # servers in Moscow, controller in Vladivostok (7 hours ahead of them): on the controller's clock every session
    # would look 7 hours idle
    fleet = make_fleet(servers=1, infobases=2, sessions=30, timezone="Europe/Moscow")
    before = fleet.state()
    idle = idle_since(before, fleet.now() - datetime.timedelta(hours=1))
    assert 0 < len(idle) < len(before["sessions"])  # the seed has both
    run = playbook(fleet, "server_clock", controller_tz="Asia/Vladivostok", onec_server_timezone="Europe/Moscow",
                   clock_end=True, clock_idle_for="1h")
    assert run.rc == 0, run.output
    ended = set(t["session"] for t in fleet.state().get("terminated", []))
    assert ended == idle
    assert "server_timezone is not set" not in run.output


@pytest.mark.usefixtures("backend")
def test_a_server_behind_the_controller_is_warned_about(make_fleet, playbook):
    fleet = make_fleet(servers=1, infobases=2, sessions=10, timezone="Europe/Moscow")
    run = playbook(fleet, "server_clock", controller_tz="Asia/Vladivostok", clock_look=True, clock_idle_for="1h")
    assert run.rc == 0, run.output
    text = " ".join(run.output.split())
    assert "server_timezone is not set" in text and "controller's clock (UTC+10:00)" in text, run.output
    assert "onec_server_timezone" in text


@pytest.mark.usefixtures("backend")
def test_guard_stops_idle_for_and_relative_locks_when_the_server_is_ahead(make_fleet, playbook):
    # servers in Novosibirsk (UTC+7), controller in UTC, server_timezone not set
    fleet = make_fleet(servers=1, infobases=2, sessions=20, timezone="Asia/Novosibirsk")
    before = fleet.state()
    name = fleet.servers[0]["infobases"][0]
    scenarios = [dict(clock_end=True, clock_idle_for="1h"),
                 dict(clock_lock=True, clock_denied_from="+10m", clock_infobase=name)]
    for what in scenarios:
        run = playbook(fleet, "server_clock", controller_tz="UTC", **what)
        assert run.rc != 0, run.output
        text = " ".join(run.output.split())
        assert re.search(r"session \d+ \(.*\) has (last-active-at|started-at) \S+, [67]h\d\dm ahead of the "
                         r"controller's clock \(\S+, UTC\+00:00\)", text), run.output
        assert "127.0.0.1:%d" % fleet.servers[0]["port"] in text
        assert "likely UTC+07:00" in text and "onec_server_timezone" in text and "Nothing was changed" in text
        after = fleet.state()
        assert after["sessions"].keys() == before["sessions"].keys() and not after.get("terminated")
        assert lock_of(after, name) == lock_of(before, name)


@pytest.mark.usefixtures("backend")
def test_a_relative_lock_start_lands_on_the_servers_clock(make_fleet, playbook):
    fleet = make_fleet(servers=1, infobases=2, sessions=5, timezone="Asia/Novosibirsk")
    name = fleet.servers[0]["infobases"][0]
    server_now = fleet.now()
    run = playbook(fleet, "server_clock", controller_tz="UTC", onec_server_timezone="Asia/Novosibirsk",
                   clock_lock=True, clock_denied_from="+10m", clock_infobase=name)
    assert run.rc == 0, run.output
    start = datetime.datetime.strptime(infobase(fleet.state(), name)["denied-from"], TIME_FORMAT)
    assert abs((start - server_now).total_seconds() - 600) < 60
    locked = run.result("srv1c-01")["locked"]
    assert locked["starts_at"] == start.strftime(TIME_FORMAT)
    assert locked["starts_at_utc"] == (start - datetime.timedelta(hours=7)).strftime(TIME_FORMAT) + "Z"
    assert 540 < locked["starts_in"] <= 600
    assert re.search(r"the lock starts %s server time, in (9|10) min" % start.strftime("%H:%M"), locked["msg"])


@pytest.mark.usefixtures("backend")
def test_window_on_a_server_ahead_warns_and_waits_with_server_timezone(make_fleet, playbook):
    # servers in Moscow, controller in UTC: the lock starts grace seconds ahead on the server's clock, so users
    # are warned and leave by themselves; only the stubborn ones are ended
    fleet = make_fleet(servers=1, infobases=3, sessions=20, stubborn_share=0.3, timezone="Europe/Moscow")
    names = fleet.servers[0]["infobases"][:2]
    before = fleet.state()
    run = playbook(fleet, WINDOW, controller_tz="UTC", onec_server_timezone="Europe/Moscow",
                   maintenance_window_infobases=names, maintenance_window_grace=0.1,
                   maintenance_window_leave_time=5, maintenance_window_poll_interval=1,
                   maintenance_window_exclude_app_ids=["BackgroundJob"])
    assert run.rc == 0, run.output
    uuids = set(infobase(before, n)["infobase"] for n in names)
    ended = set(t["session"] for t in fleet.state().get("terminated", []))
    assert ended == stubborn(before["sessions"], uuids, {"BackgroundJob", "RAS"})
    assert re.search(r"the lock starts \d\d:\d\d server time, in [56] s", run.output), run.output
    assert re.search(r"\d+s of \d+s left; \d+ sessions? left", run.output), run.output


def test_window_on_more_servers_than_forks_waits_once(make_fleet, playbook):
    # 6 servers, 2 forks: the wait ends at the lock's start plus leave_time on every server, not once per batch
    grace, leave = 6, 4
    fleet = make_fleet(servers=6, infobases=2, sessions=6, stubborn_share=1.0)
    names = fleet.servers[0]["infobases"][:1]
    run = playbook(fleet, WINDOW, "-f", "2", maintenance_window_infobases=names,
                   maintenance_window_grace=grace / 60.0, maintenance_window_leave_time=leave,
                   maintenance_window_poll_interval=1)
    assert run.rc == 0, run.output
    waited = [int(w) for w in re.findall(r"waited (\d+)s for users to leave", run.output)]
    assert len(waited) == 6, run.output
    # per batch of 2 the old wait was grace + leave_time each: 6 x 10 s in all; now every server waits in the same
    # polls (one fleet wait for the 6, whatever the forks), each only until its own lock's start plus leave_time
    assert max(waited) <= grace + leave + 2, waited
    assert re.search(r"fleet: [1-6] of 6 server\(s\) with sessions left", run.output), run.output


def test_window_on_a_server_ahead_without_server_timezone_fails_before_it_opens(make_fleet, playbook):
    fleet = make_fleet(servers=1, infobases=2, sessions=10, timezone="Asia/Novosibirsk")
    names = fleet.servers[0]["infobases"][:1]
    before = fleet.state()
    run = playbook(fleet, WINDOW, controller_tz="UTC", maintenance_window_infobases=names,
                   maintenance_window_grace=0.1, maintenance_window_leave_time=1)
    assert run.rc != 0
    assert "onec_server_timezone" in run.output and "Nothing was changed" in " ".join(run.output.split())
    after = fleet.state()
    assert after["sessions"].keys() == before["sessions"].keys() and lock_of(after, names[0]) == lock_of(before, names[0])
    # nothing to recover: no window state file was written
    assert not os.path.exists(os.path.join(run.onec_home, "maintenance_window", "srv1c-01.json"))
