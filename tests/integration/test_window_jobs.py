# -*- coding: utf-8 -*-
"""The maintenance window, jobs first (issue 21): it waits for running background jobs before forcing, interrupts
the calls in progress when asked, and tells the operator's notification file each moment (the webhook example,
tested against a local HTTP listener). Both backends; checked against the simulator's state and the audit log."""

import http.server
import json
import os
import random
import re
import threading
import time
from datetime import datetime

import pytest

from conftest import ROOT
from integration.test_windows import Window

import simctl

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("backend")]  # each test on rac and native

WINDOW = "playbooks/maintenance_window.yml"
WEBHOOK_EXAMPLE = os.path.join(ROOT, "docs", "examples", "notify_webhook.yml")
FAST = dict(maintenance_window_claim_settle=0, maintenance_window_poll_interval=1)


def add_jobs(fleet, infobase_name, runs_for):
    """Background jobs in that infobase, one per run time (seconds from now; None: runs until ended) -> their records
    as given to the simulator (session numbers from 901 up)."""
    state = fleet.state()
    infobase = [ib for ib in state["infobases"] if ib["name"] == infobase_name][0]
    jobs = []
    for number, seconds in enumerate(runs_for, start=901):
        job = simctl.make_session(random.Random(number), infobase, number, fleet.now(), app_id="BackgroundJob",
                                  user="")
        if seconds is not None:
            job["job_runs_for"] = seconds
        jobs.append(job)
    fleet.control(0, {"control": "add_sessions", "sessions": jobs})
    return jobs


def audit_lines(onec_home):
    path = os.path.join(onec_home, "audit.jsonl")
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def ended_in_audit(onec_home):
    return [s["session"] for line in audit_lines(onec_home) if line["action"] == "end_sessions"
            for s in line["ended"]]


def jobs_fleet(make_fleet):
    """One server whose seeded background jobs finish at once (job_seconds=0): the tests add the jobs they need."""
    return make_fleet(servers=1, infobases=2, sessions=8, job_seconds=0)


def test_the_window_waits_for_background_jobs_then_ends_the_users(make_fleet, tmp_path, backend):
    fleet = jobs_fleet(make_fleet)
    name = fleet.servers[0]["infobases"][0]
    jobs = add_jobs(fleet, name, [20, 26])
    window = Window(fleet, tmp_path / "controller", backend, maintenance_window_infobases=[name],
                    maintenance_window_grace=0.1, maintenance_window_leave_time=1,
                    maintenance_window_background_jobs_wait=60, **FAST)
    # scheduled jobs are denied at once, while the sessions lock starts only after the grace period
    deadline = time.time() + 60
    while True:
        infobase = [ib for ib in fleet.state()["infobases"] if ib["name"] == name][0]
        if infobase["denied-parameter"].startswith("onec.cluster.maintenance_window:"):
            break
        assert time.time() < deadline and window.process.poll() is None, window.output()
        time.sleep(0.2)
    assert infobase["scheduled-jobs-deny"] == "on" and infobase["sessions-deny"] == "on"
    assert datetime.strptime(infobase["denied-from"], "%Y-%m-%dT%H:%M:%S") > fleet.now(), infobase
    rc, output = window.finish()
    assert rc == 0, output
    state = fleet.state()
    ids = sorted(job["session"] for job in jobs)
    # the jobs finished by themselves: never ended, neither on the server nor in the audit log
    assert sorted(set(ids) & set(state["finished_jobs"])) == ids
    terminated = [t["session"] for t in state["terminated"]]
    assert terminated and not set(ids) & set(terminated)
    audit = ended_in_audit(str(tmp_path / "controller" / "onec"))
    assert sorted(audit) == sorted(terminated) and not set(ids) & set(audit)
    # a line per poll while they ran, naming them (they are inside a server call)
    polls = [line for line in output.splitlines() if "BackgroundJob" in line and " left; " in line]
    assert polls and any(re.search(r"inside a call: - #90[12] BackgroundJob \(server call", p) for p in polls), output
    text = " ".join(output.split())
    assert re.search(r"waited [0-9]+s for background jobs to finish, none left", text), output
    assert not state.get("interrupted")


@pytest.mark.parametrize("on_timeout", ["fail", "end"])
def test_a_job_still_running_at_the_end_of_the_wait(make_fleet, playbook, on_timeout):
    fleet = jobs_fleet(make_fleet)
    name = fleet.servers[0]["infobases"][0]
    job = add_jobs(fleet, name, [None])[0]
    run = playbook(fleet, WINDOW, maintenance_window_infobases=[name], maintenance_window_grace=0,
                   maintenance_window_background_jobs_wait=2, maintenance_window_background_jobs_on_timeout=on_timeout,
                   **FAST)
    state = fleet.state()
    infobase = [ib for ib in state["infobases"] if ib["name"] == name][0]
    terminated = [t["session"] for t in state.get("terminated", [])]
    text = " ".join(run.output.split())
    if on_timeout == "fail":
        assert run.rc != 0
        assert "1 background job(s) still running on srv1c-01 after 2s: %s #901 BackgroundJob." % name in text, text
        assert "Infobases left locked (maintenance_window_keep_locked_on_failure)" in text
        assert infobase["sessions-deny"] == "on" and infobase["scheduled-jobs-deny"] == "on"
        assert job["session"] in state["sessions"] and not terminated  # nothing forced, the job runs on
    else:
        assert run.rc == 0, run.output
        assert job["session"] in terminated and job["session"] in ended_in_audit(run.onec_home)
        assert "1 still running were ended with the users: %s #901 BackgroundJob" % name in text
        assert infobase["sessions-deny"] == "off"


@pytest.mark.parametrize("interrupt", [True, False])
def test_interrupt_calls_before_forcing(make_fleet, playbook, interrupt):
    fleet = make_fleet(servers=1, infobases=2, sessions=16, version="8.5.1", job_seconds=0)
    chain = simctl.stage_incident(list(fleet.state()["sessions"].values()), fleet.now())
    for session in chain:  # clients that do not close by themselves when the lock starts: the window ends them
        session["leaves_on_lock"] = False
    holder = chain[0]
    holder["ends_after_call"] = True  # inside a long DBMS call: it cannot end before its call does
    fleet.control(0, {"control": "add_sessions", "sessions": chain})
    name = [ib["name"] for ib in fleet.state()["infobases"] if ib["infobase"] == holder["infobase"]][0]
    run = playbook(fleet, WINDOW, maintenance_window_infobases=[name], maintenance_window_grace=0,
                   maintenance_window_interrupt_calls=interrupt, maintenance_window_interrupt_settle=1,
                   maintenance_window_message="Регламент", **FAST)
    state = fleet.state()
    ids = sorted(s["session"] for s in chain)
    terminated = [t["session"] for t in state["terminated"]]
    assert set(ids) <= set(terminated)  # every one was told to end, either way
    text = " ".join(run.output.split())
    holder_words = "%s #%s %s" % (holder["user-name"], holder["session-id"], holder["app-id"])
    if interrupt:
        assert run.rc == 0, run.output
        # the three in a server call, and only they, were interrupted with the message, then ended
        assert sorted(i["session"] for i in state["interrupted"]) == ids
        assert set(i["message"] for i in state["interrupted"]) == {"Регламент"}
        actions = [line["action"] for line in audit_lines(run.onec_home)]
        assert actions.index("interrupt_calls") < actions.index("end_sessions")
        assert "3 server call(s) interrupted before forcing: " in text
        assert "%s #%s %s (%s)" % (name, holder["session-id"], holder["app-id"], holder["user-name"]) in text
        assert not set(ids) & set(state["sessions"])
    else:
        # nothing interrupted: the holder is still there, inside its call, and the failure names it so; the
        # infobase stays locked
        assert run.rc != 0
        assert not state.get("interrupted")
        assert "interrupt_calls" not in [line["action"] for line in audit_lines(run.onec_home)]
        assert holder["session"] in state["sessions"]
        failure = text[text.index("Maintenance window failed at 'Check that no user session or connection is left'"):]
        assert "inside a call: %s (server call 12m 0s, DBMS 11m 58s)" % holder_words in failure, failure
        assert "Infobases left locked" in failure
        infobase = [ib for ib in state["infobases"] if ib["name"] == name][0]
        assert infobase["sessions-deny"] == "on"


class Webhook:
    """A local HTTP listener (127.0.0.1, an ephemeral port) that keeps every JSON body POSTed to it."""

    def __init__(self):
        bodies = self.bodies = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 -- http.server's name
                length = int(self.headers.get("Content-Length", 0))
                bodies.append(json.loads(self.rfile.read(length).decode("utf-8")))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/hook" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook():
    hook = Webhook()
    yield hook
    hook.close()


def test_the_webhook_example_gets_every_moment_of_a_window(make_fleet, playbook, webhook):
    fleet = make_fleet(servers=1, infobases=2, sessions=10)
    names = fleet.servers[0]["infobases"]
    run = playbook(fleet, WINDOW, maintenance_window_infobases="all", maintenance_window_grace=0,
                   maintenance_window_exclude_app_ids=["BackgroundJob"],
                   maintenance_window_notify_tasks_file=WEBHOOK_EXAMPLE, notify_webhook_url=webhook.url, **FAST)
    assert run.rc == 0, run.output
    events = [body["event"] for body in webhook.bodies]
    assert [e["event"] for e in events] == ["before_lock", "forcing", "done"], webhook.bodies
    assert all(e["workflow"] == "maintenance_window" and e["check_mode"] is False for e in events)
    servers = [e["servers"] for e in events]
    assert all(len(s) == 1 and s[0]["host"] == "srv1c-01" and sorted(s[0]["infobases"]) == sorted(names)
               and "cluster" in s[0]["where"] for s in servers)
    before, forcing, done = [s[0] for s in servers]
    terminated = fleet.state()["terminated"]
    assert before["sessions"] == done["sessions_at_start"] == forcing["sessions_at_start"] > 0
    assert sum(before["by_infobase"].values()) == sum(before["by_app_id"].values()) == before["sessions"]
    assert "BackgroundJob" not in before["by_app_id"]  # excluded
    assert before["grace_minutes"] == 0 and before["lock_starts_in"] == 0 and before["scheduled_jobs_deny"] is True
    assert forcing["sessions_left"] == sum(forcing["by_infobase"].values()) == sum(forcing["by_app_id"].values())
    # (a client may still leave by itself between the count and the ending)
    assert 0 < done["ended"] == len(terminated) <= forcing["sessions_left"]
    assert done["left_by_themselves"] == done["sessions_at_start"] - done["ended"]
    # the lock's start: server local time and UTC, the same in both moments, a moment ago on the server's clock
    assert forcing["lock_starts_at"] == done["lock_starts_at"]
    assert forcing["lock_starts_at_utc"] == done["lock_starts_at_utc"]
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", forcing["lock_starts_at_utc"])
    started = datetime.strptime(forcing["lock_starts_at"], "%Y-%m-%dT%H:%M:%S")
    assert abs((fleet.now() - started).total_seconds()) < 120
    assert done["report"].endswith("Every lock is back as it was.")
    assert webhook.bodies[0]["text"].startswith("1C maintenance_window: before_lock; srv1c-01 (")


FAILING_NOTIFICATION = """---
- name: Record the event
  ansible.builtin.lineinfile:
    path: "{{ events_file }}"
    line: "{{ onec_cluster_event | to_json }}"
    create: true
  delegate_to: localhost

- name: Refuse this event
  ansible.builtin.fail:
    msg: "the chat refused the {{ onec_cluster_event.event }} event"
  when: onec_cluster_event.event in refuse_events
"""


@pytest.mark.parametrize("refuse", [["before_lock"], ["forcing", "failed"]])
def test_a_failing_notification_fails_the_window_loudly(make_fleet, playbook, tmp_path, refuse):
    fleet = make_fleet(servers=1, infobases=2, sessions=6)
    name = fleet.servers[0]["infobases"][0]
    before = fleet.state()["infobases"]
    tasks = tmp_path / "notify.yml"
    tasks.write_text(FAILING_NOTIFICATION, encoding="utf-8")
    events_file = tmp_path / "events.jsonl"
    run = playbook(fleet, WINDOW, maintenance_window_infobases=[name], maintenance_window_grace=0,
                   maintenance_window_exclude_app_ids=["BackgroundJob"],
                   maintenance_window_notify_tasks_file=str(tasks),
                   events_file=str(events_file), refuse_events=refuse, **FAST)
    assert run.rc != 0
    events = [json.loads(line) for line in events_file.read_text(encoding="utf-8").splitlines()]
    text = " ".join(run.output.split())
    infobase = [ib for ib in fleet.state()["infobases"] if ib["name"] == name][0]
    if refuse == ["before_lock"]:
        # before the lock: nothing changed, no state file, no other event
        assert [e["event"] for e in events] == ["before_lock"]
        assert ("stopped on srv1c-01 before the lock, nothing was changed: the before_lock notification (%s) failed at "
                "'Refuse this event': the chat refused the before_lock event" % tasks) in text
        assert fleet.state()["infobases"] == before and not fleet.state().get("terminated")
        assert not os.path.exists(os.path.join(run.onec_home, "maintenance_window", "srv1c-01.json"))
    else:
        # at forcing: the window fails through its rescue, infobases locked, nobody ended; the failed event is sent
        # and fails too, which the window's own failure names without hiding what went wrong first
        assert [e["event"] for e in events] == ["before_lock", "forcing", "failed"]
        failed = events[-1]["servers"][0]
        assert failed["failed_task"] == "Refuse this event" and failed["keep_locked"] is True
        assert "the chat refused the forcing event" in failed["error"]
        left = failed["infobases_left"]
        assert [(ib["name"], ib["sessions_deny"], ib["scheduled_jobs_deny"]) for ib in left] == [(name, True, True)]
        message = text[text.index("Maintenance window failed at 'Refuse this event': the chat refused the forcing"):]
        assert "The failed notification (%s) failed too, at 'Refuse this event': the chat refused the failed event" % (
            tasks) in message
        assert infobase["sessions-deny"] == "on" and not fleet.state().get("terminated")
