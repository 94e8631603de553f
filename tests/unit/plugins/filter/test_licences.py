# -*- coding: utf-8 -*-
"""The licence-freeing playbook's filters: the sessions ended joined to the licences read just before, the summary
lines, the per-session lines, the idle_for guard's reading."""

from ansible_collections.onec.cluster.plugins.filter.licences import (
    FilterModule,
    licences_freed,
    licences_idle_seconds,
    licences_sessions,
    licences_summary,
)

HASP = {"license_type": "HASP", "series": "ORGL8"}
SOFT = {"license_type": "soft", "series": "500000125530"}
WHERE = "ras srv1c-01:1545, cluster 'Главный кластер' (1619820a-d36f-4d8a-a716-1516b1dea077)"


def ended(uuid, number, user="Иванов И.И.", app_id="1CV8C"):
    return {"session": uuid, "session_id": number, "user_name": user, "infobase": "ib-uuid",
            "infobase_name": "accounting", "app_id": app_id, "host": "WS-001"}


def part(terminated, listed, failed=False, msg=""):
    """A server's part of a fleet result: the session_info step, then the session step."""
    return {"failed": failed, "changed": bool(terminated), "msg": msg, "steps": [
        {"module": "session_info", "where": WHERE, "sessions": listed},
        {"module": "session", "where": WHERE, "terminated": terminated, "terminated_count": len(terminated),
         "already_gone_count": 1, "failed_count": 0}]}


def test_every_filter_is_registered():
    assert sorted(FilterModule().filters()) == [
        "licences_freed", "licences_idle_seconds", "licences_sessions", "licences_summary"]


def test_the_licences_counted_are_those_of_the_sessions_ended_only():
    listed = [{"session": "a", "licenses": [HASP, SOFT]}, {"session": "b", "licenses": [SOFT]},
              {"session": "c", "licenses": [SOFT]}]  # c was listed but not ended (gone by itself, or failed)
    summary = licences_freed(part([ended("a", 1), ended("b", 2)], listed))
    assert summary["ended"] == 2 and summary["already_gone"] == 1 and summary["not_counted"] == 0
    assert summary["by_license_type"] == {"HASP": 1, "soft": 2}
    assert summary["by_license_series"] == {"ORGL8": 1, "500000125530": 2}
    assert summary["where"] == WHERE and summary["error"] == ""
    assert [s["licenses"] for s in summary["sessions"]] == [[HASP, SOFT], [SOFT]]


def test_a_session_ended_but_not_listed_before_is_not_counted_rather_than_guessed():
    summary = licences_freed(part([ended("a", 1), ended("late", 9)], [{"session": "a", "licenses": [SOFT]}]))
    assert summary["ended"] == 2 and summary["not_counted"] == 1
    assert summary["by_license_type"] == {"soft": 1}
    assert [s["licences_known"] for s in summary["sessions"]] == [True, False]


def test_without_the_counting_step_the_steps_are_found_by_module():
    only_session = {"failed": False, "steps": [{"module": "session", "where": WHERE, "terminated": [ended("a", 1)]}]}
    summary = licences_freed(only_session)
    assert summary["ended"] == 1 and summary["not_counted"] == 1 and summary["by_license_type"] == {}


def test_a_failed_part_carries_its_message_and_an_explicit_error_wins():
    failing = {"failed": True, "msg": "session: 3 sessions match, more than max_sessions=2",
               "steps": [{"module": "session_info", "sessions": [], "where": WHERE},
                         {"module": "session", "failed": True, "msg": "3 sessions match"}]}
    assert licences_freed(failing)["error"] == "session: 3 sessions match, more than max_sessions=2"
    assert licences_freed(failing)["ended"] == 0 and licences_freed(failing)["where"] == WHERE
    assert licences_freed(None, error="Take this server's part: boom")["error"] == "Take this server's part: boom"


def test_the_summary_has_a_line_per_server_and_the_fleet_total():
    done = licences_freed(part([ended("a", 1), ended("b", 2)],
                               [{"session": "a", "licenses": [HASP, SOFT]}, {"session": "b", "licenses": [SOFT]}]))
    broken = licences_freed({"failed": True, "msg": "session: cannot connect to ras srv1c-02:1545", "steps": []})
    lines = licences_summary(["srv1c-01", "srv1c-02", "srv1c-03"], [done, broken, None])
    assert lines == [
        "srv1c-01: 2 session(s) ended, 3 licence(s) freed (by type: HASP 1, soft 2; by series: 500000125530 2, "
        "ORGL8 1), 1 already gone (%s)." % WHERE,
        "srv1c-02: 0 session(s) ended, 0 licence(s) freed (by type: none; by series: none). "
        "FAILED - session: cannot connect to ras srv1c-02:1545",
        "srv1c-03: 0 session(s) ended, 0 licence(s) freed (by type: none; by series: none). FAILED - did not run",
        "Fleet: 3 server(s), 2 session(s) ended, 3 licence(s) freed (by type: HASP 1, soft 2; by series: "
        "500000125530 2, ORGL8 1); 2 server(s) failed.",
    ]


def test_the_summary_in_check_mode_says_would_and_names_what_was_not_counted():
    summary = licences_freed(part([ended("a", 1), ended("late", 9)], [{"session": "a", "licenses": [SOFT]}]))
    lines = licences_summary(["srv1c-01"], [summary], check_mode=True)
    assert lines[0].startswith("srv1c-01: 2 session(s) would be ended, 1 licence(s) would be freed (by type: soft 1;")
    assert lines[0].endswith("; 1 ended session(s) whose licences were not read.")
    assert lines[1].endswith(", 1 ended session(s) whose licences were not read; every server done. "
                             "Check mode: nothing was changed.")


def test_each_session_is_named_with_the_licences_it_held():
    summary = licences_freed(part(
        [ended("a", 1), ended("b", 2, user="", app_id="COMConnection"), ended("late", 9, user="Петров П.П.")],
        [{"session": "a", "licenses": [HASP, SOFT]}, {"session": "b", "licenses": []}]))
    assert licences_sessions(summary) == [
        "Иванов И.И. #1 1CV8C in accounting: HASP ORGL8, soft 500000125530",
        "- #2 COMConnection in accounting: no licence",
        "Петров П.П. #9 1CV8C in accounting: licences not read",
    ]


def test_idle_for_reads_as_the_session_filter_reads_it():
    assert licences_idle_seconds("2h") == 7200 and licences_idle_seconds("1h30m") == 5400
    assert licences_idle_seconds(900) == 900 and licences_idle_seconds("900") == 900
    assert licences_idle_seconds("") == 0 and licences_idle_seconds(None) == 0 and licences_idle_seconds("0") == 0
    assert licences_idle_seconds("soon") == -1 and licences_idle_seconds("-5m") == -1
