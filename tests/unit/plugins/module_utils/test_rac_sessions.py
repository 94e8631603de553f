# -*- coding: utf-8 -*-
"""Session selection: durations and filters."""

import datetime

import pytest

from conftest import sample_text
from ansible_collections.onec.cluster.plugins.module_utils.rac_errors import ModuleInputError
from ansible_collections.onec.cluster.plugins.module_utils.rac_parser import parse_records
from ansible_collections.onec.cluster.plugins.module_utils.rac_sessions import SessionFilter, parse_duration

NOW = datetime.datetime(2026, 2, 26, 5, 0, 0)
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
