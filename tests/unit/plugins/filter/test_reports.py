# -*- coding: utf-8 -*-
"""The roles' report filters: the fleet summary, the window's report and failure message, the session report."""

from ansible_collections.onec.cluster.plugins.filter.reports import (
    FilterModule,
    emergency_event,
    fleet_failures,
    fleet_summary,
    session_csv,
    session_report,
    window_failure,
    window_report,
    window_sessions,
    window_states,
)
from ansible_collections.onec.cluster.plugins.module_utils.sessions import KNOWN_APP_IDS

DONE = {"ended": 3, "already_gone": 1, "failed": 0, "disconnected": 2, "error": ""}
BROKEN = {"ended": 0, "already_gone": 0, "failed": 0, "disconnected": 0,
          "error": "List the infobases to lock: cannot connect"}


def test_every_filter_is_registered():
    assert sorted(FilterModule().filters()) == [
        "emergency_event", "fleet_failures", "fleet_host_args", "fleet_summary", "session_csv", "session_html",
        "session_report", "session_report_files", "window_event", "window_failed_step", "window_failure",
        "window_failures", "window_hint_of", "window_host_args", "window_host_report", "window_maintained",
        "window_ok_hosts", "window_report", "window_report_of", "window_says", "window_sessions", "window_state_files",
        "window_states", "window_step"]


def test_fleet_summary_has_a_line_per_server_and_the_total():
    lines = fleet_summary(["srv1c-01", "srv1c-02", "srv1c-03"], [DONE, BROKEN, None])
    assert lines == [
        "srv1c-01: 3 session(s) ended, 1 already gone, 0 could not be ended, "
        "2 connection(s) without a session dropped.",
        "srv1c-02: 0 session(s) ended, 0 already gone, 0 could not be ended, 0 connection(s) without a session "
        "dropped. FAILED - List the infobases to lock: cannot connect",
        "srv1c-03: 0 session(s) ended, 0 already gone, 0 could not be ended, 0 connection(s) without a session "
        "dropped. FAILED - did not run",
        "Fleet: 3 server(s), 3 session(s) ended, 1 already gone, 0 could not be ended; 2 server(s) failed.",
    ]


def test_fleet_summary_in_check_mode_says_would_and_counts_text_numbers():
    lines = fleet_summary(["srv1c-01"], [dict(DONE, ended="7")], check_mode=True)
    assert lines[0].startswith("srv1c-01: 7 session(s) would be ended, ")
    assert lines[-1] == ("Fleet: 1 server(s), 7 session(s) would be ended, 1 already gone, 0 could not be ended; "
                         "every server done. Check mode: nothing was changed.")


def test_fleet_summary_names_the_ras_endpoint_and_cluster_when_known():
    where = "ras 127.0.0.1:2545, cluster 'Второй' (c2)"
    lines = fleet_summary(["srv1c-01_2545_Второй"], [dict(DONE, where=where)])
    assert lines[0] == ("srv1c-01_2545_Второй: 3 session(s) ended, 1 already gone, 0 could not be ended, "
                        "2 connection(s) without a session dropped (%s)." % where)


def test_fleet_failures_names_failed_and_missing_servers_only():
    assert fleet_failures(["a", "b", "c"], [DONE, BROKEN, None]) == [
        "b (List the infobases to lock: cannot connect)", "c (did not run)"]
    assert fleet_failures(["a"], [DONE]) == []


# An onec.cluster.fleet result as the emergency role registers it: srv1c-01 done, srv1c-02 failed at ending with one
# session left inside a DBMS call, srv1c-03 not in it (did not run).
STUCK = {"session": "u-1", "session_id": 7, "user_name": "Бухгалтер", "infobase_name": "accounting", "app_id": "1CV8C",
         "call": {"in_server_call": True, "server_call_ms": 720000, "in_dbms_call": True, "dbms_call_ms": 718000,
                  "blocked_by": []}}
FLEET = {"results": {
    "srv1c-01": {"failed": False, "changed": True, "msg": "", "steps": [
        {"module": "lock_first", "changed_infobases": ["accounting"], "starts_at": "2026-11-29T23:00:00",
         "starts_at_utc": "2026-11-29T20:00:00Z"},
        {"module": "session", "terminated_count": 3, "already_gone_count": 1, "failed_count": 0, "where": "ras a:1545"},
        {"module": "connection", "disconnected_count": 2}]},
    "srv1c-02": {"failed": True, "changed": True, "msg": "End the sessions: 1 of 4 sessions could not be ended",
                 "steps": [{"module": "session", "terminated_count": 3, "already_gone_count": 0, "failed_count": 1,
                            "where": "ras b:1545", "still_in_a_call": [STUCK], "failed": True}]}}}


def test_fleet_summary_reads_each_servers_part_of_the_fleet_result():
    hosts = ["srv1c-01", "srv1c-02", "srv1c-03"]
    lines = fleet_summary(hosts, [FLEET, FLEET, None])
    assert lines[0] == ("srv1c-01: 3 session(s) ended, 1 already gone, 0 could not be ended, 2 connection(s) without "
                        "a session dropped (ras a:1545).")
    assert lines[1] == ("srv1c-02: 3 session(s) ended, 0 already gone, 1 could not be ended, 0 connection(s) without "
                        "a session dropped (ras b:1545). FAILED - End the sessions: 1 of 4 sessions could not be "
                        "ended. Still there, inside a call: Бухгалтер #7 (accounting, 1CV8C): in a server call for "
                        "720000 ms, in a DBMS call for 718000 ms.")
    assert lines[2].startswith("srv1c-03: 0 session(s) ended") and lines[2].endswith("FAILED - did not run")
    assert lines[3] == "Fleet: 3 server(s), 6 session(s) ended, 1 already gone, 1 could not be ended; 2 server(s) failed."
    assert fleet_failures(hosts, [FLEET, FLEET, None]) == [
        "srv1c-02 (End the sessions: 1 of 4 sessions could not be ended)", "srv1c-03 (did not run)"]


def test_emergency_event_before_the_step_names_hosts_and_infobases_only():
    event = emergency_event(["srv1c-01", "srv1c-02"], "forcing", infobases="all", lock_first=True)
    assert event == {"workflow": "emergency_disconnect", "event": "forcing", "check_mode": False, "lock_first": True,
                     "servers": [{"host": "srv1c-01", "where": "", "infobases": ["all"]},
                                 {"host": "srv1c-02", "where": "", "infobases": ["all"]}]}


def test_emergency_event_after_the_step_is_done_or_failed_with_each_servers_counts():
    done = emergency_event(["srv1c-01"], "after", infobases=["accounting"], fleet=FLEET)
    assert done["event"] == "done"
    assert done["servers"] == [{
        "host": "srv1c-01", "where": "ras a:1545", "infobases": ["accounting"], "ended": 3, "already_gone": 1,
        "failed": 0, "disconnected": 2, "locked": ["accounting"], "lock_starts_at": "2026-11-29T23:00:00",
        "lock_starts_at_utc": "2026-11-29T20:00:00Z", "still_in_a_call": [], "error": ""}]
    failed = emergency_event(["srv1c-01", "srv1c-02"], "after", fleet=FLEET, check_mode=True)
    assert failed["event"] == "failed" and failed["check_mode"] is True
    assert failed["servers"][1]["error"].startswith("End the sessions: ")
    assert failed["servers"][1]["still_in_a_call"] == [STUCK]


def test_window_report_counts_who_left_and_who_was_ended():
    text = window_report(["accounting", "hr"], at_start=5, ended=2, start_text="locked from 10:05",
                         disconnected={"matched": 1, "disconnected_count": 1}, waited=62)
    assert text == ("5 session(s) in accounting, hr when the window opened (locked from 10:05); waited 62s for users "
                    "to leave: 3 left by themselves and 2 were ended; 1 connection(s) without a session were "
                    "disconnected. Every lock is back as it was.")


def test_window_report_without_a_wait_and_more_ended_than_counted():
    text = window_report(["accounting"], at_start=1, ended=2, start_text="now", disconnected={"disconnected_count": 0})
    assert "(now): 0 left by themselves and 2 were ended;" in text and "waited" not in text


def test_window_report_in_check_mode_says_what_it_would_do():
    text = window_report(["accounting"], at_start=4, ended=4, start_text="from 10:05", check_mode=True,
                         disconnected={"matched": 2, "changed": False})
    assert text.startswith("Check mode, nothing was changed: 4 session(s) in accounting now. The window would "
                           "lock them (from 10:05)")
    assert "end those still there (4 if nobody left by then), disconnect 2 connection(s)" in text


JOB = {"infobase_name": "Бухгалтерия", "session_id": 7, "app_id": "BackgroundJob", "user_name": ""}
CALL = {"infobase_name": "ЗУП", "session_id": 3, "app_id": "1CV8C", "user_name": "Иванов И.И."}


def test_window_sessions_names_them_and_counts_the_rest():
    assert window_sessions([JOB, CALL]) == "Бухгалтерия #7 BackgroundJob, ЗУП #3 1CV8C (Иванов И.И.)"
    assert window_sessions([JOB] * 3, limit=2) == (
        "Бухгалтерия #7 BackgroundJob, Бухгалтерия #7 BackgroundJob, ... 1 more")
    assert window_sessions([]) == "none"


def test_window_report_names_the_jobs_wait_and_the_interrupted_calls():
    text = window_report(["Бухгалтерия"], at_start=6, ended=2, start_text="now", disconnected={"disconnected_count": 0},
                         jobs={"left": 1, "waited": 20, "sessions": [JOB]},
                         interrupted={"interrupted_count": 1, "interrupted": [CALL]})
    assert ("(now); waited 20s for background jobs to finish, 1 still running were ended with the users: "
            "Бухгалтерия #7 BackgroundJob; 1 server call(s) interrupted before forcing: ЗУП #3 1CV8C (Иванов И.И.): "
            "4 left by themselves and 2 were ended;") in text
    quiet = window_report(["Бухгалтерия"], at_start=1, ended=0, start_text="now", disconnected={},
                          jobs={"left": 0, "waited": 4, "sessions": []}, interrupted=SKIPPED)
    assert "waited 4s for background jobs to finish, none left: 1 left by themselves" in quiet
    assert "interrupted" not in quiet


SKIPPED = {"skipped": True, "changed": False}
FINAL = {"changed": False, "infobases": [
    {"name": "accounting", "sessions_deny": True, "scheduled_jobs_deny": True},
    {"name": "hr", "sessions_deny": False, "scheduled_jobs_deny": False}]}


def test_window_failure_kept_locked_names_the_states_and_the_state_file():
    text = window_failure({"failed": True, "msg": "boom"}, task="Run the maintenance tasks", keep_locked=True,
                          rescue_lock={"changed": True}, rescue_restore=SKIPPED, final=FINAL,
                          state_path="/tmp/state.json")
    assert text == (
        "Maintenance window failed at 'Run the maintenance tasks': boom. Infobases left locked "
        "(maintenance_window_keep_locked_on_failure): accounting (sessions locked, scheduled jobs locked); hr (open). "
        "The earlier locks are kept in /tmp/state.json: once the infobases are safe, put them back with "
        "playbooks/unlock.yml -e unlock_from_state_file=true.")


def test_window_failure_says_when_putting_the_locks_back_failed_too():
    text = window_failure({"failed": True}, task="?", keep_locked=False, rescue_lock=SKIPPED,
                          rescue_restore={"failed": True, "msg": "ras is gone"},
                          final={"failed": True, "msg": "cannot connect"}, state_path="/tmp/state.json")
    assert text == ("Maintenance window failed at '?': see above. Infobases left with their earlier locks - but that "
                    "change failed too: ras is gone: could not be read (cannot connect).")


COLUMNS = [
    {"field": "server", "title": "Server"},
    {"field": "user_name", "title": "User"},
    {"field": "started_at", "title": "Started"},
    {"field": "hibernate", "title": "Sleeping"},
    {"field": "client_ip", "title": "Client IP"},
    {"field": "cpu_time_total", "title": "CPU time", "unit": "ms"},
    {"field": "memory_total", "title": "Memory", "unit": "bytes"},
]


def session(number, infobase, user, app="1CV8C", cpu=0, memory=0, hibernate=False):
    return {"session": "s%d" % number, "session_id": number, "infobase_name": infobase, "user_name": user,
            "app_id": app, "cpu_time_total": cpu, "memory_total": memory, "hibernate": hibernate}


def test_session_report_groups_rows_per_server_and_infobase():
    reads = [
        {"changed": False, "where": "ras srv1:1545, cluster 'Главный' (c1)",
         "sessions": [session(1, "zup", "Иванов", cpu=1000, memory=10),
                      session(2, "Accounting", "Петров", app="BackgroundJob", hibernate=True),
                      session(3, "zup", "Иванов", cpu=500, memory=5),
                      session(4, "accounting", "", app="Designer")]},
        {"failed": True, "msg": "cannot connect to ras"},
        None,
        {"changed": False, "sessions": []},
    ]
    report = session_report(["srv1", "srv2", "srv3", "srv4"], reads, COLUMNS)
    assert [row["session"] for row in report["rows"]] == ["s1", "s2", "s3", "s4"]
    assert all(row["server"] == "srv1" for row in report["rows"])
    assert report["errors"] == {"srv2": "cannot connect to ras",
                                "srv3": "the server was not read (the play did not reach it)"}
    assert report["read_hosts"] == ["srv1", "srv4"]
    # read without licences nor call marks: none counted
    nothing = {"stuck": 0, "blocked": 0, "blocking": 0, "licences": 0, "by_license_type": {}, "by_license_series": {}}
    assert report["per_server"] == [
        dict(nothing, server="srv1", sessions=4, users=2, sleeping=1, cpu_time=1500, memory=15,
             where="ras srv1:1545, cluster 'Главный' (c1)"),
        dict(nothing, server="srv4", sessions=0, users=0, sleeping=0, cpu_time=0, memory=0, where="")]
    # sorted without case, as Jinja's groupby sorted them; names that differ in case stay apart
    assert [(group["infobase"], group["sessions"], group["users"]) for group in report["per_infobase"]] == [
        ("Accounting", 1, 1), ("accounting", 1, 0), ("zup", 2, 1)]
    assert report["infobases"] in (["Accounting", "accounting", "zup"], ["accounting", "Accounting", "zup"])
    assert report["app_ids"] == ["1CV8C", "BackgroundJob", "Designer"]
    assert report["columns"][0] == ["server", ""] and report["columns"][-1] == ["memory_total", "bytes"]


def test_session_report_names_client_types_from_the_modules_table():
    types = session_report([], [], [])["app_types"]
    assert types["1CV8C"] == KNOWN_APP_IDS["1CV8C"] == "thin client"
    # every client type the modules know is in the report; one that is its own name (Designer) gets no label
    assert set(types) | set(app for app, label in KNOWN_APP_IDS.items() if label == app) == set(KNOWN_APP_IDS)
    assert "Designer" in KNOWN_APP_IDS and "Designer" not in types


def test_session_csv_quotes_dates_units_lists_and_formulas():
    rows = [dict(server="srv1", user_name='=HYPERLINK("x")', started_at="2026-11-29T10:05:00", hibernate=True,
                 client_ip=["10.0.0.1", "10.0.0.2"], cpu_time_total=1500, memory_total=None),
            dict(server="srv1", user_name="-Петров", hibernate=False, client_ip=[], cpu_time_total=0)]
    lines = session_csv(rows, COLUMNS)
    assert lines == [
        '"Server";"User";"Started";"Sleeping";"Client IP";"CPU time, ms";"Memory, bytes"',
        '"srv1";"\'=HYPERLINK(""x"")";"2026-11-29 10:05:00";"yes";"10.0.0.1, 10.0.0.2";"1500";""',
        '"srv1";"\'-Петров";"";"no";"";"0";""',
    ]


def test_session_csv_leaves_numbers_alone_even_when_they_look_like_formulas():
    rows = [{"server": "srv1", "user_name": "", "cpu_time_total": -5, "memory_total": "-1"}]
    assert session_csv(rows, COLUMNS)[1] == '"srv1";"";"";"";"";"-5";"-1"'


def test_window_states_for_the_failed_notification():
    assert window_states(FINAL) == [
        {"name": "accounting", "sessions_deny": True, "scheduled_jobs_deny": True, "denied_from": None,
         "denied_to": None},
        {"name": "hr", "sessions_deny": False, "scheduled_jobs_deny": False, "denied_from": None, "denied_to": None}]
    assert window_states(SKIPPED) == [] and window_states({}) == []
    assert window_states({"failed": True, "msg": "x"}) == []


def test_fleet_host_args_gives_each_server_that_was_done_its_own_values_from_its_last_step():
    from ansible_collections.onec.cluster.plugins.filter.reports import fleet_host_args

    fleet = {"results": {
        "a": {"failed": False, "steps": [{"module": "window_record", "names": ["x"]},
                                         {"module": "infobase_lock", "starts_at_utc": "2030-01-01T00:00:00Z"}]},
        "b": {"failed": True, "steps": [{"module": "window_record", "failed": True}]},
        "c": {"failed": False, "steps": [{"module": "infobase_lock", "starts_at_utc": "2030-01-01T00:00:02Z"}]},
    }}
    assert fleet_host_args(fleet, {"wait_until": "starts_at_utc"}) == {
        "a": {"wait_until": "2030-01-01T00:00:00Z"}, "c": {"wait_until": "2030-01-01T00:00:02Z"}}
    assert fleet_host_args({"results": {}}, {"infobase": "names"}) == {}


# The window's fleet stages as the role registers them: srv1 went through, srv2 failed its claim check at the lock,
# srv3's locks could not be read; on srv1 a background job is still running after the jobs wait.
STAGES = {
    "record": {"results": {
        "srv1": {"failed": False, "steps": [
            {"module": "window_record", "names": ["accounting", "hr"], "state_file": "/h/srv1.json"},
            {"module": "session_info", "count": 5, "where": "ras srv1:1545, cluster c1",
             "counts": {"by_infobase": {"accounting": 5}, "by_app_id": {"1CV8C": 5}}}]},
        "srv2": {"failed": False, "steps": [
            {"module": "window_record", "names": ["hr"], "state_file": "/h/srv2.json"},
            {"module": "session_info", "count": 0, "where": "ras srv2:1545, cluster c1", "counts": {}}]},
        "srv3": {"failed": True, "msg": "Record the current lock of each infobase: Could not read",
                 "steps": [{"module": "window_record", "failed": True, "label": "Record the current lock of each "
                            "infobase", "msg": "Could not read the infobases' locks, nothing was changed: down"}]}}},
    "lock": {"results": {
        "srv1": {"failed": False, "steps": [{"module": "window_lock", "msg": "the lock starts 10:05 server time",
                                             "starts_at_utc": "2030-01-01T07:05:00Z",
                                             "lock": {"accounting": {"denied_from": "2030-01-01T10:05:00"}}}]},
        "srv2": {"failed": True, "steps": [{"module": "window_lock", "failed": True, "error": "LockClaimedError",
                                            "label": "Check that this window still holds the infobases",
                                            "still_ours": [], "msg": "claimed by another window"}]}}},
    "users": {"skipped": True},
    "jobs": {"results": {"srv1": {"failed": False, "steps": [
        {"module": "session_wait", "left": 1, "waited": 2,
         "sessions": [{"infobase_name": "accounting", "session_id": 9, "app_id": "BackgroundJob"}]}]}}},
}


def test_window_failed_step_names_the_stage_task_and_keeps_the_steps_own_result():
    from ansible_collections.onec.cluster.plugins.filter.reports import window_failed_step, window_ok_hosts

    claimed = window_failed_step(STAGES, "srv2")
    assert claimed["task"] == "Check that this window still holds the infobases" and claimed["stage"] == "lock"
    assert claimed["error"] == "LockClaimedError" and claimed["msg"] == "claimed by another window"
    assert window_failed_step(STAGES, "srv3")["msg"].startswith("Could not read the infobases' locks")
    assert window_failed_step(STAGES, "srv1") == {}
    jobs = window_failed_step(STAGES, "srv1", jobs_fail=True, jobs_wait=2)
    assert jobs["task"] == "Stop before forcing while background jobs still run"
    assert jobs["msg"].startswith("1 background job(s) still running on srv1 after 2s: accounting #9 BackgroundJob.")
    assert window_ok_hosts(STAGES, ["srv1", "srv2", "srv3", "srv4"]) == ["srv1"]
    assert window_ok_hosts(STAGES, ["srv1", "srv2"], jobs_fail=True, jobs_wait=2) == []


def test_window_host_args_and_hint_give_each_server_its_own_infobases_start_and_recovery():
    from ansible_collections.onec.cluster.plugins.filter.reports import window_host_args, window_state_files

    hint = {"inventories": ["inv/a.yml", "inv/b.yml"], "given": False}
    args = window_host_args(STAGES, ["infobase", "wait_until", "denied_from", "state_file", "interrupt_hint"], hint)
    assert sorted(args) == ["srv1", "srv2"]  # srv3's record failed: it is in no later stage
    assert args["srv1"]["infobase"] == ["accounting", "hr"] and args["srv1"]["state_file"] == "/h/srv1.json"
    assert args["srv1"]["wait_until"] == "2030-01-01T07:05:00Z"
    assert args["srv1"]["denied_from"] == "2030-01-01T10:05:00"
    assert args["srv1"]["interrupt_hint"] == (
        "if this run is interrupted, the lock of accounting, hr on srv1 stays set and still starts at "
        "2030-01-01T10:05:00 (server time); the earlier locks are recorded in /h/srv1.json. Recover with: "
        "ansible-playbook -i inv/a.yml -i inv/b.yml playbooks/unlock.yml -l srv1 -e unlock_from_state_file=true")
    given = window_host_args(STAGES, ["interrupt_hint"], dict(hint, given=True))
    assert given["srv1"]["interrupt_hint"].endswith(" -e unlock_state_file=/h/srv1.json")
    assert window_state_files(["a", "b"], ["/a.json", "/b.json"]) == {
        "a": {"state_file": "/a.json"}, "b": {"state_file": "/b.json"}}


def test_window_event_has_every_server_once_with_its_own_counts():
    from ansible_collections.onec.cluster.plugins.filter.reports import window_event

    settings = {"grace": 0.5, "scheduled_jobs_deny": True, "interrupt_calls": False, "keep_locked": True}
    before = window_event(STAGES, "before_lock", ["srv1", "srv2"], settings)
    assert before["workflow"] == "maintenance_window" and before["event"] == "before_lock"
    assert [s["host"] for s in before["servers"]] == ["srv1", "srv2"]
    assert before["servers"][0]["sessions"] == 5 and before["servers"][0]["lock_starts_in"] == 30
    assert before["servers"][0]["where"] == "ras srv1:1545, cluster c1"
    forcing = window_event(STAGES, "forcing", ["srv1"], settings)["servers"][0]
    assert forcing["lock_starts_at"] == "2030-01-01T10:05:00" and forcing["background_jobs_left"] == 1
    failures = {"srv2": {"failed_task": "Check", "error": "claimed", "claimed": True, "infobases_left": []}}
    failed = window_event(STAGES, "failed", ["srv2"], settings, failures=failures)["servers"][0]
    assert failed["failed_task"] == "Check" and failed["keep_locked"] is False  # another window holds them
