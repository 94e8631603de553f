# -*- coding: utf-8 -*-
"""The state file of replaced locks (module_utils/lock_state.py): its path, format, the rule that records already
there win, mode 0600, and nothing written in check mode."""

import json
import os
import stat

from ansible_collections.onec.cluster.plugins.module_utils.lock_state import read_state, record, state_path

ADMIN = {"name": "accounting", "sessions_deny": True, "permission_code": "ADMIN-CODE", "denied_parameter": "ADMIN"}
OPEN = {"name": "hr", "sessions_deny": False, "permission_code": "", "denied_parameter": ""}


def test_the_default_path_is_per_host_under_the_home_else_under_ansible(tmp_path):
    assert state_path("srv1c-01", environ={"ONEC_CLUSTER_HOME": str(tmp_path)}) == str(
        tmp_path / "maintenance_window" / "srv1c-01.json")
    assert state_path("srv1c-01", environ={}) == os.path.expanduser(
        "~/.ansible/onec_cluster/maintenance_window/srv1c-01.json")
    assert state_path("srv1c-02", "/var/lib/onec/{host}.json") == "/var/lib/onec/srv1c-02.json"
    assert state_path("srv1c-02", "~/one.json") == os.path.expanduser("~/one.json")


def test_record_writes_the_format_restore_reads_with_mode_0600(tmp_path):
    path = str(tmp_path / "home" / "maintenance_window" / "srv1c-01.json")
    written = record(path, "srv1c-01", "c-uuid", "emergency_disconnect", {"accounting": ADMIN, "hr": OPEN})
    with open(path, encoding="utf-8") as handle:
        assert json.load(handle) == written == {"host": "srv1c-01", "cluster": "c-uuid", "by": "emergency_disconnect",
                                                "locks": {"accounting": ADMIN, "hr": OPEN}}
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode) == 0o700
    assert os.listdir(os.path.dirname(path)) == ["srv1c-01.json"]  # no temporary file left


def test_records_already_there_win_and_only_new_infobases_are_added(tmp_path):
    path = str(tmp_path / "srv1c-01.json")
    record(path, "srv1c-01", "c-uuid", "maintenance_window", {"accounting": ADMIN})
    ours = dict(ADMIN, permission_code="EMERGENCY-CODE", denied_parameter="")
    record(path, "srv1c-01", "c-uuid", "emergency_disconnect", {"accounting": ours, "hr": OPEN})
    assert read_state(path)["locks"] == {"accounting": ADMIN, "hr": OPEN}
    assert read_state(path)["by"] == "emergency_disconnect"


def test_check_mode_writes_nothing(tmp_path):
    path = str(tmp_path / "folder" / "srv1c-01.json")
    assert record(path, "srv1c-01", "c-uuid", "emergency_disconnect", {"hr": OPEN}, check_mode=True)["locks"] == {
        "hr": OPEN}
    assert not os.path.exists(os.path.dirname(path))
    assert read_state(path) is None
