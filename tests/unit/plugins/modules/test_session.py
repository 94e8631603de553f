# -*- coding: utf-8 -*-
"""The session module run in-process (patch_module_args) against the simulator."""

import json

import pytest

from ansible.module_utils.testing import patch_module_args
from ansible_collections.onec.cluster.plugins.modules import session as session_module
from conftest import RAC


def run_module(module, args, capsys):
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            module.main()
    return json.loads(capsys.readouterr().out)


def connection(server):
    return dict(ras_host=server["host"], ras_port=server["port"], rac_path=RAC, cluster_user=server["cluster_user"],
                cluster_password=server["cluster_password"])


def test_check_mode_ends_nothing_and_lists_what_would_end(fleet, capsys):
    server = fleet.servers[0]
    before = fleet.state()["sessions"]
    result = run_module(session_module, dict(connection(server), all=True, _ansible_check_mode=True), capsys)
    assert result["changed"] is True
    assert sorted(s["session"] for s in result["terminated"]) == sorted(before)
    assert fleet.state()["sessions"] == before
    assert "session terminate" not in fleet.stats()["calls"]


def test_exclusions_and_concurrency_one(fleet, capsys):
    server = fleet.servers[0]
    before = fleet.state()["sessions"]
    keep_user = next(iter(before.values()))["user-name"]
    kept = {sid for sid, s in before.items() if s["user-name"] == keep_user or s["app-id"] == "BackgroundJob"}
    assert kept and len(kept) < len(before)  # the fleet has sessions to keep and sessions to end
    result = run_module(session_module, dict(connection(server), all=True, exclude_users=[keep_user],
                                             exclude_app_ids=["backgroundjob"], concurrency=1), capsys)
    assert set(fleet.state()["sessions"]) == kept  # exactly the excluded sessions are left, every other one ended
    assert sorted(s["session"] for s in result["terminated"]) == sorted(set(before) - kept)
    assert result["terminated_count"] == len(before) - len(kept)
    assert server["cluster_password"] not in json.dumps(result)


def test_no_selector_is_refused_before_any_rac_call(fleet, capsys):
    result = run_module(session_module, connection(fleet.servers[0]), capsys)
    assert result["failed"] is True and "all: true" in result["msg"]
    assert fleet.stats()["calls"] == {}
