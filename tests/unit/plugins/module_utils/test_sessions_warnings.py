# -*- coding: utf-8 -*-
"""Filters that match nothing warn, naming the value and the closest values that exist (sessions.py)."""

import pytest

from ansible_collections.onec.cluster.plugins.module_utils.sessions import SessionFilter, unmatched_selectors

ACCOUNTING, PAYROLL = "5ab8b0a2-3a2c-4a3a-9e3d-0c4f3f9a0001", "5ab8b0a2-3a2c-4a3a-9e3d-0c4f3f9a0002"


def session(number, user, app, host, ip, infobase=ACCOUNTING):
    return {"session": "00000000-0000-4000-8000-%012d" % number, "session_id": number, "infobase": infobase,
            "user_name": user, "app_id": app, "host": host, "client_ip": [ip] if ip else []}


SESSIONS = [
    session(1, "Иванов А.С.", "1CV8C", "WS-017", "192.0.2.17"),
    session(2, "Петрова Е.В.", "WebClient", "", "192.0.2.40"),
    session(3, "Администратор", "Designer", "ADMIN-PC", "192.0.2.5"),
    session(4, "", "BackgroundJob", "srv1c-01", ""),
    session(1, "Сидоров П.П.", "1CV8C", "WS-230", "192.0.2.230", infobase=PAYROLL),
]


def warn(**params):
    return unmatched_selectors(params, SESSIONS)


def only(warnings):
    assert len(warnings) == 1, warnings
    return warnings[0]


@pytest.mark.parametrize("option, value, closest", [
    ("user", "Иванов А.С", "'Иванов А.С.'"),                          # the dot missing
    ("user", "иванов а.с.", "'Иванов А.С.'"),                         # user names are exact: case matters
    ("app_id", "ThinClient", "'1CV8C (thin client)'"),                # what people call it -> what rac prints
    ("app_id", "1CV8CC", "'1CV8C (thin client)'"),
    ("host", "WS-17", "'WS-017'"),
    ("client_ip", "192.0.2.71", "'192.0.2.17'"),
])
def test_a_selector_value_no_session_has_warns_with_the_closest(option, value, closest):
    text = only(warn(**{option: [value]}))
    assert text.startswith("%s %r matches none of the 5 sessions listed, so it selects nothing" % (option, value))
    assert "closest: " + closest in text
    # the warning is right: the filter itself selects nothing with that value
    criteria = {"user": "users", "app_id": "app_ids", "host": "hosts", "client_ip": "client_ips"}[option]
    assert SessionFilter(**{criteria: [value]}).select(SESSIONS) == []


def test_values_that_match_do_not_warn_and_compare_like_the_filter():
    assert warn(user=["Иванов А.С."], app_id=["1cv8c", "WEBCLIENT"], host=["ws-017"], client_ip=["192.0.2.40"],
                exclude_users=["Администратор"], exclude_app_ids=["backgroundjob"]) == []


def test_one_bad_value_among_good_ones_is_named():
    text = only(warn(user=["Иванов А.С.", "Петрова Е.В", "Администратор"]))
    assert "'Петрова Е.В'" in text and "closest: 'Петрова Е.В.'" in text


def test_nothing_similar_is_said():
    assert only(warn(host=["zzz-nothing-like-it"])).endswith("nothing similar there")


def test_a_known_client_type_with_no_session_now_is_no_mistake():
    assert warn(app_id=["COMConnection"], exclude_app_ids=["WSConnection"]) == []


def test_exclusions_warn_only_when_they_miss_a_close_value():
    # a misspelt exclusion: the administrator's session would not be protected
    text = only(warn(exclude_users=["Администратр"]))
    assert text.startswith("exclude_users 'Администратр' matches none of the 5 sessions listed, so it protects no "
                           "session") and "closest: 'Администратор'" in text
    assert "closest: 'BackgroundJob (background job)'" in only(warn(exclude_app_ids=["BackgroundJobs"]))
    # an exclusion of someone who is simply not there is harmless
    assert warn(exclude_users=["Смирнов К.Б."]) == []


def test_sessions_by_uuid_and_number():
    gone = "00000000-0000-4000-8000-000000000099"
    assert only(warn(session=[gone])) == ("session %s is none of the 5 sessions listed (it has ended, or is of "
                                          "another cluster or infobase)" % gone)
    assert warn(session=[SESSIONS[0]["session"].upper()]) == []
    assert only(unmatched_selectors({"session_id": [7]}, SESSIONS, [ACCOUNTING])) == (
        "session_id 7 matches none of the 4 sessions listed; numbers there: 1, 2, 3, 4")


def test_only_the_infobases_asked_for_count():
    # Сидоров has a session, but in the payroll base, not in the one asked for
    text = only(unmatched_selectors({"user": ["Сидоров П.П."]}, SESSIONS, [ACCOUNTING]))
    assert "matches none of the 4 sessions listed" in text


def test_no_session_at_all_is_nothing_to_warn_about():
    assert unmatched_selectors({"user": ["Иванов А.С"], "app_id": ["ThinClient"]}, []) == []
    assert unmatched_selectors({"user": ["Иванов А.С"]}, SESSIONS, [PAYROLL + "0"]) == []


# -- issue 19: many values, undecodable names ----------------------------------------------------------------------
def test_suggestions_are_made_for_at_most_ten_values_and_the_rest_summarised():
    names = ["Нет-такого %03d" % n for n in range(100)]
    warnings = warn(user=names)
    assert len(warnings) == 11  # ten with their closest values, one naming the other ninety
    assert warnings[0].startswith("90 more values of user match none of the 5 sessions listed, so they select "
                                  "nothing: Нет-такого 010, Нет-такого 011, ")
    assert "... (90 in all)" in warnings[0]


def test_many_unknown_sessions_make_one_warning():
    gone = ["11111111-0000-4000-8000-%012d" % n for n in range(10000)]
    text = only(warn(session=gone))
    assert text.startswith("10000 sessions are none of the 5 sessions listed")
    assert text.endswith("... (10000 in all)")


def test_undecoded_user_names_are_kept_under_exclusions_and_warned_about():
    """rac's output with one broken byte: the name holds U+FFFD. It may be the excluded user's own name, so with
    exclusions in force that session is never selected."""
    sessions = SESSIONS + [session(9, "Иван\ufffdв А.С.", "1CV8C", "WS-017", "192.0.2.17")]
    chosen = SessionFilter(exclude_users=["Иванов А.С."]).select(sessions)
    assert [s["session_id"] for s in chosen] == [2, 3, 4, 1]  # neither Иванов nor the undecoded name
    assert len(SessionFilter().select(sessions)) == 6  # without exclusions nothing changes
    text = only(unmatched_selectors({"exclude_users": ["Иванов А.С."]}, sessions))
    assert "1 user name of rac's output could not be decoded exactly" in text
    assert "their sessions are kept, never ended, since exclude_users is in force" in text
