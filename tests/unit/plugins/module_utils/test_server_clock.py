# -*- coding: utf-8 -*-
"""The 1C server's clock: zones, the server's now, the guard and its evidence, lock starts in UTC."""

import datetime

import pytest

from conftest import sample_text
from ansible_collections.onec.cluster.plugins.module_utils.errors import ModuleInputError
from ansible_collections.onec.cluster.plugins.module_utils.rac.parser import parse_records
from ansible_collections.onec.cluster.plugins.module_utils.server_clock import (
    ServerClock,
    ServerClockError,
    parse_instant,
    parse_zone,
)

UTC = datetime.timezone.utc
# 02:16 UTC, when a capture on a UTC+3 host showed last-active-at 05:15
INSTANT = datetime.datetime(2026, 2, 26, 2, 16, 0, tzinfo=UTC)


def session(last_active_at, started_at="2026-02-26T01:00:00", number=7):
    return {"session_id": number, "user_name": "Иванов И.И.", "infobase_name": "Бухгалтерия",
            "last_active_at": last_active_at, "started_at": started_at}


@pytest.mark.parametrize("name, offset", [("UTC", 0), ("+07:00", 7 * 60), ("-03:30", -(3 * 60 + 30)), ("+0530", 330),
                                          ("+3", 180), ("Europe/Moscow", 180), ("Asia/Novosibirsk", 420)])
def test_zones(name, offset):
    moment = datetime.datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    assert moment.astimezone(parse_zone(name)).utcoffset() == datetime.timedelta(minutes=offset)


@pytest.mark.parametrize("name", ["Europe/Atlantis", "+25:00", "+03:75", "Moscow time", "../etc/passwd"])
def test_unknown_zone_says_to_use_a_fixed_offset(name):
    with pytest.raises(ModuleInputError, match="fixed offset"):
        parse_zone(name)


def test_server_now_is_the_instant_in_the_servers_zone():
    assert ServerClock("Europe/Moscow", instant=INSTANT).now() == datetime.datetime(2026, 2, 26, 5, 16, 0)
    assert ServerClock("-03:30", instant=INSTANT).now() == datetime.datetime(2026, 2, 25, 22, 46, 0)


def test_the_capture_passes_with_the_servers_zone():
    # real sessions of a UTC+3 server; last active at 04:12:54 server time, listed some time later
    sessions = parse_records(sample_text("session_list_8.5.1_racrust.txt"))
    clock = ServerClock("+03:00", instant=datetime.datetime(2026, 2, 26, 2, 0, 0, tzinfo=UTC))
    assert clock.checked_now(sessions, dict(host="srv", port=1545)) == datetime.datetime(2026, 2, 26, 5, 0, 0)


def test_guard_names_the_evidence_when_the_server_is_ahead(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    warnings = []
    clock = ServerClock(None, warn=warnings.append, instant=INSTANT)
    with pytest.raises(ServerClockError) as caught:
        clock.checked_now([session("2026-02-26T02:10:00", number=3), session("2026-02-26T05:15:00")],
                          dict(host="srv1c-01", port=1545, cluster="Локальный кластер"))
    text = caught.value.describe()
    for part in ("srv1c-01:1545", "session 7 (Иванов И.И., Бухгалтерия)", "last-active-at 2026-02-26T05:15:00",
                 "2h59m ahead of the controller's clock (2026-02-26T02:16:00, UTC+00:00)", "likely UTC+03:00",
                 "Nothing was changed", "server_timezone", "onec_server_timezone"):
        assert part in text
    assert warnings == []


def test_guard_tolerates_two_minutes_and_warns_once_without_a_zone(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    warnings = []
    clock = ServerClock(None, warn=warnings.append, instant=INSTANT)
    assert clock.checked_now([session("2026-02-26T02:17:59")], dict(host="srv", port=1545)) == datetime.datetime(2026, 2, 26, 2, 16)
    clock.checked_now([], dict(host="srv", port=1545))
    assert len(warnings) == 1
    assert "controller's clock (UTC+00:00)" in warnings[0] and "onec_server_timezone" in warnings[0]


def test_guard_catches_a_wrong_zone_too():
    # said Moscow, but the server keeps Novosibirsk time (4 hours ahead of Moscow)
    clock = ServerClock("Europe/Moscow", instant=INSTANT)
    with pytest.raises(ServerClockError, match="ahead of the server's time in server_timezone Europe/Moscow"):
        clock.checked_now([session("2026-02-26T09:16:00")], dict(host="srv", port=1545))


def test_a_lock_start_in_utc_and_in_words():
    clock = ServerClock("Asia/Novosibirsk", instant=INSTANT)  # 09:16 on the server
    assert clock.starts("2026-02-26T09:26:00") == {"starts_at_utc": "2026-02-26T02:26:00Z", "starts_in": 600}
    assert clock.starts("2026-02-26T09:00:00")["starts_in"] == 0
    assert clock.starts("") == {}
    assert clock.start_text("2026-02-26T09:26:00") == "09:26 server time, in 10 min"
    assert clock.start_text("2026-02-27T09:26:00") == "2026-02-27 09:26 server time, in 24h10m"


def test_instants():
    assert parse_instant("2026-02-26T02:26:00Z") == datetime.datetime(2026, 2, 26, 2, 26, tzinfo=UTC)
    assert parse_instant("2026-02-26T05:26:00+03:00") == datetime.datetime(2026, 2, 26, 2, 26, tzinfo=UTC)
    for text in ("2026-02-26T02:26:00", "soon", ""):
        with pytest.raises(ModuleInputError):
            parse_instant(text)
