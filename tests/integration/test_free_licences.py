# -*- coding: utf-8 -*-
"""playbooks/free_licenses.yml (issue 21): it ends exactly the hibernated (or idle) sessions of the named infobases,
never background jobs by default nor the excluded, says which licences that frees, changes nothing in check mode,
and refuses a run without a scope or a selection; a server over max_sessions fails its own host only. Checked
against the simulator's state, its licences (ras_sim.Simulator.licenses_of: what rac and ras report for a session)
and the audit log."""

import json
import os
import re
import signal
import sys
import uuid
from datetime import timedelta

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "simulator"))
import ras_sim  # noqa: E402
import simctl  # noqa: E402

pytestmark = pytest.mark.integration

FREE = "playbooks/free_licenses.yml"
MESSAGE = 'Сеанс простаивал: лицензия освобождена; "$(id)"'
EXCLUDED_USER = "Администратор"


def recap(output, host):
    """host -> (ok, changed, failed) from the play recap."""
    line = re.search(r"^%s\s*:\s*ok=(\d+)\s+changed=(\d+).*?failed=(\d+)" % re.escape(host), output, re.M)
    return tuple(int(n) for n in line.groups())


def text(run):
    return " ".join(run.output.split())


def audit_lines(run):
    with open(os.path.join(run.onec_home, "audit.jsonl"), encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def infobase_uuid(state, name):
    return [b["infobase"] for b in state["infobases"] if b["name"] == name][0]


def licence_words(sessions):
    """'N licence(s) freed (by type: ...; by series: ...)' for these simulator sessions, as the summary writes it."""
    by_type, by_series = {}, {}
    for session in sessions:
        for licence in ras_sim.Simulator.licenses_of(session):
            by_type[licence["license-type"]] = by_type.get(licence["license-type"], 0) + 1
            by_series[licence["series"]] = by_series.get(licence["series"], 0) + 1

    def words(counts):
        return ", ".join("%s %d" % item for item in sorted(counts.items())) or "none"
    return "%d licence(s) %%s (by type: %s; by series: %s)" % (sum(by_type.values()), words(by_type), words(by_series))


def background_job(session, infobase):
    """A background job of its own (a new uuid and number) in ``infobase``, made from ``session``: seeds of a few
    sessions may have none."""
    return dict(session, **{"session": str(uuid.uuid4()), "session-id": 900 + session["session-id"],
                            "infobase": infobase, "app-id": "BackgroundJob", "user-name": "", "client-ip": ""})


def stage_hibernated(fleet, index, infobase):
    """In ``infobase`` of server ``index``: a hibernated session holding a HASP key and a file licence, a hibernated
    background job and a hibernated session of the excluded user; in another infobase, a hibernated session."""
    state = fleet.state(index)
    wanted = infobase_uuid(state, infobase)
    users = [s for s in state["sessions"].values()
             if s["app-id"] in ("1CV8C", "WebClient", "1CV8") and s["user-name"] and not s["hibernate"] == "yes"]
    inside = [s for s in users if s["infobase"] == wanted]
    outside = [s for s in users if s["infobase"] != wanted]
    job = background_job(inside[2], wanted)
    sleeping = {"hibernate": "yes", "connection": simctl.NULL, "process": simctl.NULL}
    staged = [dict(inside[0], licenses=[simctl.HASP_LICENSE, simctl.SOFT_LICENSE], **sleeping),
              dict(inside[1], **{"user-name": EXCLUDED_USER}, **sleeping), dict(job, **sleeping),
              dict(outside[0], **sleeping)]
    fleet.control(index, {"control": "add_sessions", "sessions": staged})
    return staged


def hibernated_in(state, infobase):
    wanted = infobase_uuid(state, infobase)
    return [s for s in state["sessions"].values() if s["infobase"] == wanted and s["hibernate"] == "yes"
            and s["app-id"] != "BackgroundJob" and s["user-name"] != EXCLUDED_USER]


@pytest.mark.usefixtures("backend")
def test_check_mode_then_a_run_end_exactly_the_hibernated_sessions_and_name_their_licences(make_fleet, playbook):
    fleet = make_fleet(servers=2, infobases=3, sessions=40)
    infobase = fleet.servers[0]["infobases"][0]
    for index in (0, 1):
        stage_hibernated(fleet, index, infobase)
    before = [fleet.state(index) for index in (0, 1)]
    to_end = [hibernated_in(state, infobase) for state in before]
    assert all(len(sessions) >= 1 for sessions in to_end)
    options = dict(free_licenses_infobases=[infobase], free_licenses_hibernated=True,
                   free_licenses_exclude_users=[EXCLUDED_USER], free_licenses_message=MESSAGE)

    preview = playbook(fleet, FREE, "--check", **options)
    assert preview.rc == 0, preview.output
    for index in (0, 1):
        assert fleet.state(index)["sessions"] == before[index]["sessions"]
        assert "session terminate" not in fleet.stats(index)["calls"]
    holder = to_end[0][0]  # the HASP key and the file licence: each named before anything is ended
    assert ("%s #%s %s in %s: HASP ORGL8, soft 500000125530" % (
        holder["user-name"], holder["session-id"], holder["app-id"], infobase)) in preview.output
    shown = text(preview)
    for index, sessions in enumerate(to_end):
        assert ("srv1c-%02d: %d session(s) would be ended, %s" % (
            index + 1, len(sessions), licence_words(sessions) % "would be freed")) in shown
    assert "Check mode: nothing was changed." in shown

    run = playbook(fleet, FREE, **options)
    assert run.rc == 0, run.output
    for index in (0, 1):
        after = fleet.state(index)["sessions"]
        ended = set(before[index]["sessions"]) - set(after)
        assert ended == set(s["session"] for s in to_end[index])  # not the awake, the job, the excluded, elsewhere
        assert all(after[uuid] == session for uuid, session in before[index]["sessions"].items() if uuid in after)
    assert fleet.state(0)["terminated"][0]["message"] == MESSAGE
    shown = text(run)
    for index, sessions in enumerate(to_end):
        assert ("srv1c-%02d: %d session(s) ended, %s" % (
            index + 1, len(sessions), licence_words(sessions) % "freed")) in shown
    assert ("Fleet: 2 server(s), %d session(s) ended, %s; every server done." % (
        len(to_end[0]) + len(to_end[1]), licence_words(to_end[0] + to_end[1]) % "freed")) in shown
    logged = [entry["session"] for line in audit_lines(run) if line["action"] == "end_sessions"
              for entry in line["ended"]]
    assert sorted(logged) == sorted(s["session"] for sessions in to_end for s in sessions)


@pytest.mark.usefixtures("backend")
def test_idle_sessions_end_and_a_server_over_max_sessions_or_down_fails_its_own_host_only(make_fleet, playbook):
    fleet = make_fleet(servers=3, infobases=2, sessions=16)
    infobase = fleet.servers[0]["infobases"][0]
    idle = {}
    for index, how_many in ((0, 3), (1, 1)):
        state = fleet.state(index)
        now = fleet.now(index)
        wanted = infobase_uuid(state, infobase)
        users = [s for s in state["sessions"].values() if s["infobase"] == wanted and s["app-id"] != "BackgroundJob"]
        # every user of the infobase just active, except how_many idle for 5 hours (server clock), and a job as idle
        long_ago = simctl.fmt(now - timedelta(hours=5))
        staged = [dict(s, **{"last-active-at": simctl.fmt(now)}) for s in users[how_many:]]
        idle[index] = [dict(s, **{"last-active-at": long_ago}) for s in users[:how_many]]
        staged += idle[index] + [dict(background_job(users[-1], wanted), **{"last-active-at": long_ago})]
        fleet.control(index, {"control": "add_sessions", "sessions": staged})
    before = [fleet.state(index) for index in (0, 1)]
    os.kill(fleet.servers[2]["pid"], signal.SIGTERM)  # srv1c-03 is down

    run = playbook(fleet, FREE, free_licenses_infobases=[infobase], free_licenses_idle_for="2h",
                   free_licenses_max_sessions=2, onec_timeout=5, onec_retries=0)
    assert run.rc != 0
    assert recap(run.output, "srv1c-01")[2] == 1 and recap(run.output, "srv1c-03")[2] == 1
    # srv1c-02's one failure is the fleet summary's (run once, on the first host still in the play): it was done
    fatal = [line for line in run.output.splitlines() if line.startswith("fatal: [srv1c-02]")]
    assert len(fatal) == 1 and "Freeing licences failed on srv1c-01 (" in fatal[0]
    assert fleet.state(0)["sessions"] == before[0]["sessions"]  # over the limit: nothing ended there
    ended = set(before[1]["sessions"]) - set(fleet.state(1)["sessions"])
    assert ended == set(s["session"] for s in idle[1])  # the idle user, not the idle job nor the active ones
    shown = text(run)
    assert "3 sessions match, more than max_sessions=2: none was ended" in shown
    assert "srv1c-02: 1 session(s) ended, %s" % (licence_words(idle[1]) % "freed") in shown
    assert "srv1c-03: 0 session(s) ended" in shown and "FAILED - session_info: cannot connect" in shown
    assert "Fleet: 3 server(s), 1 session(s) ended" in shown and "2 server(s) failed." in shown
    assert "Freeing licences failed on srv1c-01 (" in shown and "; srv1c-03 (" in shown


def test_a_run_without_a_scope_or_a_selection_is_refused_before_anything(fleet, playbook):
    before = fleet.state()["sessions"]
    refused = [
        (dict(free_licenses_hibernated=True), "freeing licences has no default scope"),
        (dict(free_licenses_infobases="all"), "is not given or 0"),
        (dict(free_licenses_infobases="all", free_licenses_idle_for="0"), "is not given or 0"),
        (dict(free_licenses_infobases="all", free_licenses_idle_for="soon"), "is not a duration"),
    ]
    for options, reason in refused:
        run = playbook(fleet, FREE, **options)
        assert run.rc != 0 and reason in text(run), run.output
        assert "Nothing was done on srv1c-01" in text(run)
    assert fleet.state()["sessions"] == before
    assert "session list" not in fleet.stats()["calls"]  # refused before any call to the server
