# -*- coding: utf-8 -*-
"""session_info's fields and count_only, run in-process (patch_module_args) against the simulator."""

import json
from collections import Counter

import pytest

from ansible.module_utils.testing import patch_module_args
from ansible_collections.onec.cluster.plugins.modules import session_info
from conftest import RAC


def run_module(args, capsys):
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            session_info.main()
    return json.loads(capsys.readouterr().out)


def connection(server, **options):
    return dict(ras_host=server["host"], ras_port=server["port"], rac_path=RAC, cluster_user=server["cluster_user"],
                cluster_password=server["cluster_password"], **options)


def test_fields_return_only_those_columns_and_what_identifies_a_session(fleet, capsys):
    server = fleet.servers[0]
    full = run_module(connection(server), capsys)
    some = run_module(connection(server, fields=["user_name", "app-id", "infobase_name", "user_name"]), capsys)
    assert some["count"] == full["count"] == len(some["sessions"]) > 0
    # identity first, then the fields in the order asked (rac's spelling accepted, repeats once)
    keys = ["session", "session_id", "infobase", "user_name", "app_id", "infobase_name"]
    assert all(list(s) == keys for s in some["sessions"])
    assert some["sessions"] == [dict((k, s[k]) for k in keys) for s in full["sessions"]]
    assert "warnings" not in some


def test_empty_fields_return_the_identity_only(fleet, capsys):
    result = run_module(connection(fleet.servers[0], fields=[]), capsys)
    assert result["sessions"] and all(set(s) == {"session", "session_id", "infobase"} for s in result["sessions"])


def test_filters_work_on_fields_that_are_not_returned(fleet, capsys):
    server = fleet.servers[0]
    full = run_module(connection(server), capsys)
    user = full["sessions"][0]["user_name"]
    result = run_module(connection(server, user=[user], idle_for="0", fields=["host"]), capsys)
    expected = [s["session"] for s in full["sessions"] if s["user_name"] == user]
    assert [s["session"] for s in result["sessions"]] == expected
    assert all("user_name" not in s for s in result["sessions"])


def test_unknown_field_fails_before_any_rac_call(fleet, capsys):
    result = run_module(connection(fleet.servers[0], fields=["user_name", "password", "cpu"]), capsys)
    assert result["failed"] is True
    assert "unknown session field(s) password, cpu" in result["msg"] and "cpu_time_total" in result["msg"]
    assert fleet.stats()["calls"] == {}


def test_count_only_returns_counts_without_sessions(fleet, capsys):
    server = fleet.servers[0]
    full = run_module(connection(server), capsys)
    counted = run_module(connection(server, count_only=True), capsys)
    assert counted["sessions"] == []
    assert counted["count"] == full["count"] == counted["total"]
    assert counted["counts"] == full["counts"]
    assert counted["counts"]["by_infobase"] == dict(Counter(s["infobase_name"] for s in full["sessions"]))
    assert counted["counts"]["by_app_id"] == dict(Counter(s["app_id"] for s in full["sessions"]))
    assert sum(counted["counts"]["by_app_id"].values()) == counted["count"]
    # with a filter: the counts are of the matching sessions, total is still everything rac listed
    base = full["sessions"][0]["infobase_name"]
    one = run_module(connection(server, count_only=True, infobase=[base]), capsys)
    assert one["counts"]["by_infobase"] == {base: one["count"]}
    assert one["count"] == sum(1 for s in full["sessions"] if s["infobase_name"] == base)


def test_a_field_the_platform_does_not_print_is_left_out():
    sessions = [{"session": "a", "session_id": 1, "infobase": "b", "user_name": "x"}]
    projected, missing = session_info.project(sessions, ["session", "session_id", "infobase", "client_ip", "user_name"])
    assert projected == [{"session": "a", "session_id": 1, "infobase": "b", "user_name": "x"}]
    assert missing == ["client_ip"]
    assert session_info.project([], ["session"]) == ([], [])
    assert session_info.project([{"session": "a"}], ["session"]) == ([{"session": "a"}], [])
