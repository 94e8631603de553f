# -*- coding: utf-8 -*-
"""Session selection: durations and filters."""

import datetime

import pytest

from conftest import sample_text
from ansible_collections.onec.cluster.plugins.module_utils.errors import ModuleInputError
from ansible_collections.onec.cluster.plugins.module_utils.rac.parser import parse_records
from ansible_collections.onec.cluster.plugins.module_utils.sessions import SessionFilter, parse_duration
from ansible_collections.onec.cluster.plugins.module_utils.server_clock import ServerClock

# 05:00 on the server of these samples (its zone given, so idle times count on its clock)
NOW = ServerClock("UTC", instant=datetime.datetime(2026, 2, 26, 5, 0, 0, tzinfo=datetime.timezone.utc))
SESSIONS = parse_records(sample_text("session_list_8.5.1_racrust.txt")) + parse_records(
    sample_text("session_info_lazarenko_2025_b.txt"))


@pytest.mark.parametrize("text, seconds", [("90", 90), (90, 90), ("90s", 90), ("15m", 900), ("2h", 7200),
                                           ("1d", 86400), ("1h30m", 5400), ("1D2H", 93600)])
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "15 minutes", "-5m", "1.5h"])
def test_parse_duration_rejects(text):
    with pytest.raises(ModuleInputError):
        parse_duration(text)


def select(**criteria):
    return [s["session"] for s in SessionFilter(**criteria).select(SESSIONS, NOW)]


def test_no_filter_selects_all_and_is_empty():
    assert SessionFilter().is_empty()
    assert len(select()) == 3


def test_filters():
    assert select(users=["9002013361_167"]) == ["f028ea3e-5402-4f15-8194-34cb70bca0c4"]
    assert select(app_ids=["designer"]) == ["bc9e8fae-32f1-4e90-94cc-4312e65cc07d"]
    assert select(client_ips=["193.56.75.213"]) == ["f028ea3e-5402-4f15-8194-34cb70bca0c4"]
    assert select(hosts=["ALKO-HOME"]) == ["bc9e8fae-32f1-4e90-94cc-4312e65cc07d",
                                           "efa12b4d-7f83-408d-8a60-6ba38eda3ad6"]
    assert select(infobases=["899bbbb8-7ffb-4e91-9b3b-8638793108ec"]) == ["f028ea3e-5402-4f15-8194-34cb70bca0c4"]
    assert select(hibernated=True) == []
    assert select(session_ids=[590]) == ["f028ea3e-5402-4f15-8194-34cb70bca0c4"]
    assert select(sessions=["EFA12B4D-7F83-408D-8A60-6BA38EDA3AD6"]) == ["efa12b4d-7f83-408d-8a60-6ba38eda3ad6"]


def test_filters_combine_with_and():
    assert select(users=["iadmin"], app_ids=["1CV8C"]) == ["efa12b4d-7f83-408d-8a60-6ba38eda3ad6"]
    assert select(users=["iadmin"], client_ips=["193.56.75.213"]) == []


def test_idle_for():
    # last active: 2026-02-26T04:12:54, 2026-02-26T04:12:54 (efa1...), 2025-03-03T16:24:26
    idle = {s["session"]: s["last_active_at"] for s in SESSIONS}
    assert len(idle) == 3
    assert select(idle_for="40m") == [s for s in idle if idle[s] < "2026-02-26T04:20:00"]
    assert select(idle_for="2d") == ["f028ea3e-5402-4f15-8194-34cb70bca0c4"]


def test_unknown_last_activity_is_never_idle():
    session = dict(SESSIONS[0], last_active_at="")
    assert SessionFilter(idle_for="1s").select([session], NOW) == []


def test_exclusions_are_case_insensitive_and_win_over_selection():
    apps = set(s["app_id"] for s in SESSIONS)
    assert "1CV8C" in apps
    kept = SessionFilter(exclude_app_ids=["1cv8c"]).select(SESSIONS, NOW)
    assert kept and all(s["app_id"] != "1CV8C" for s in kept)
    assert SessionFilter(app_ids=["1CV8C"], exclude_app_ids=["1cv8c"]).select(SESSIONS, NOW) == []
    user = SESSIONS[0]["user_name"]
    assert all(s["user_name"] != user for s in SessionFilter(exclude_users=[user]).select(SESSIONS, NOW))


def test_ras_own_session_is_protected_only_when_ending_or_waiting():
    # 8.5.4 lists ras's own session (contract 3.3: app-id RAS, empty user-name); no capture of it is at hand
    ras = dict(SESSIONS[0], app_id="RAS", user_name="")
    sessions = SESSIONS + [ras]
    assert ras in SessionFilter().select(sessions, NOW)
    assert ras not in SessionFilter(protect=True).select(sessions, NOW)
    assert ras not in SessionFilter(app_ids=["ras"], protect=True).select(sessions, NOW)


def test_progress_line_counts_per_infobase_and_client_type():
    from ansible_collections.onec.cluster.plugins.module_utils.sessions import left_by_infobase, progress_line
    sessions = [{"infobase_name": "Бухгалтерия", "app_id": "1CV8C"}, {"infobase_name": "Бухгалтерия",
                "app_id": "COMConnection"}, {"infobase_name": "ЗУП", "app_id": "WebClient"},
                {"infobase_name": "Бухгалтерия", "app_id": "1CV8C"}]
    counts = left_by_infobase(sessions)
    assert counts == {"Бухгалтерия": {"1CV8C": 2, "COMConnection": 1}, "ЗУП": {"WebClient": 1}}
    assert progress_line(counts, 4) == ("4 sessions left: Бухгалтерия 3 (1CV8C 2, COMConnection 1); "
                                        "ЗУП 1 (WebClient 1)")
    assert progress_line({}, 0, 1) == "0 sessions left and 1 connection without a session"
    assert progress_line({}, 0) == "no session left"
