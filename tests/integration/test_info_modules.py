# -*- coding: utf-8 -*-
"""The info modules through ansible-playbook, checked against the simulator's own state."""

import json
import os
import subprocess

import pytest

from integration.conftest import ansible_env, tool

pytestmark = pytest.mark.integration


@pytest.mark.usefixtures("backend")
def test_info_modules_on_two_servers(make_fleet, playbook):
    fleet = make_fleet(servers=2, infobases=4, sessions=25)
    run = playbook(fleet, "info_modules")
    assert run.rc == 0, run.output
    for index, server in enumerate(fleet.servers):
        result = run.result(server["name"])
        state = fleet.state(index)
        assert [c["cluster"] for c in result["clusters"]["clusters"]] == [server["cluster"]]
        assert [ib["name"] for ib in result["infobases"]["infobases"]] == [ib["name"] for ib in state["infobases"]]
        assert [s["session"] for s in result["sessions"]["sessions"]] == list(state["sessions"])
        first = result["sessions"]["sessions"][0]
        raw = state["sessions"][first["session"]]
        assert first["user_name"] == raw["user-name"]
        assert first["cpu_time_total"] == raw["cpu-time-total"]
        assert first["hibernate"] == (raw["hibernate"] == "yes")
        assert first["client_ip"] == ([raw["client-ip"]] if raw["client-ip"] else [])
        expected = [s for s in state["sessions"].values()
                    if s["infobase"] == first["infobase"] and s["user-name"] == first["user_name"]
                    and s["app-id"] == first["app_id"]]
        assert [s["session"] for s in result["filtered"]["sessions"]] == [s["session"] for s in expected]
        assert result["details"]["rac_calls"] == 4  # cluster list, summary list, 2 x infobase info


def test_bad_input_fails_clearly_and_leaks_no_password(make_fleet, playbook):
    fleet = make_fleet(servers=1, infobases=2, sessions=3)
    wrong = "Wr0ng-Pa55-%s" % os.getpid()
    run = playbook(fleet, "bad_input", "-vvv", bad_input_wrong_password=wrong)
    assert run.rc == 0, run.output
    assert "failed=0" in run.output
    for secret in (wrong, fleet.servers[0]["cluster_password"]):
        assert secret not in run.output
    assert fleet.stats()["calls"].get("infobase update", 0) == 0


@pytest.mark.parametrize("module", ["cluster_info", "infobase_info", "session_info", "connection_info", "session_wait",
                                    "session", "infobase_lock", "connection"])
def test_ansible_doc_renders(module):
    proc = subprocess.run([tool("ansible-doc"), "--json", "onec.cluster." + module], capture_output=True,
                          env=ansible_env(), check=False)
    assert proc.returncode == 0, proc.stderr.decode()
    doc = json.loads(proc.stdout)["onec.cluster." + module]
    assert doc["examples"] and doc["return"] and "ras_host" in doc["doc"]["options"]
    # the attributes come from the doc fragment onec.cluster.attributes, the module's own details merged in
    attributes = doc["doc"]["attributes"]
    assert attributes["action_group"]["membership"] == ["onec.cluster.rac"]
    assert attributes["platform"]["platforms"] == "posix"
    changes = module in ("session", "infobase_lock", "connection")
    assert attributes["check_mode"]["support"] == "full" and attributes["check_mode"]["description"]
    assert attributes["diff_mode"]["support"] == ("full" if changes else "N/A")
    assert attributes["check_mode"]["details"]
