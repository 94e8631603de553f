# -*- coding: utf-8 -*-
"""Safe defaults of the collection's playbooks: where a host's ras is, what the emergency disconnect ends, and a fleet
summary that covers exactly the hosts a run touched."""

import json
import os
import sys

import pytest

from conftest import RAC

pytestmark = pytest.mark.integration

EMERGENCY = "playbooks/emergency_disconnect.yml"


def audit_records(run):
    with open(os.path.join(run.onec_home, "audit.jsonl"), encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def user_sessions(state):
    return [s for s in state["sessions"].values() if s["app-id"] not in ("BackgroundJob", "RAS")]


def test_without_onec_ras_host_a_host_is_its_ansible_host_else_its_name(make_fleet, playbook, backend, tmp_path):
    fleet = make_fleet(servers=2, infobases=2, sessions=8)
    first, second = fleet.servers
    # 127.0.0.1 by its inventory name; srv1c-02 (a name that does not resolve) through ansible_host; no onec_ras_host
    lines = ["all:", "  vars:", "    ansible_connection: local",
             "    ansible_python_interpreter: %s" % json.dumps(sys.executable), "    onec_rac_path: %s" % json.dumps(RAC),
             "  children:", "    onec_servers:", "      hosts:",
             "        127.0.0.1:", "          onec_ras_port: %d" % first["port"],
             "        srv1c-02:", "          ansible_host: 127.0.0.1", "          onec_ras_port: %d" % second["port"]]
    for server in (first, second):
        assert server["host"] == "127.0.0.1"
    for key in ("cluster_user", "cluster_password", "infobase_user", "infobase_password"):
        lines.insert(4, "    onec_%s: %s" % (key, json.dumps(first[key], ensure_ascii=False)))
    fleet.inventory = str(tmp_path / "inventory.yml")
    with open(fleet.inventory, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    run = playbook(fleet, EMERGENCY, emergency_disconnect_infobases="all",
                   emergency_disconnect_exclude_app_ids=["BackgroundJob"])
    assert run.rc == 0, run.output
    assert user_sessions(fleet.state(0)) == [] and user_sessions(fleet.state(1)) == []
    # each host reached its own ras by the address of the inventory host, never localhost
    endpoints = set(record["ras"] for record in audit_records(run))
    assert endpoints == {"127.0.0.1:%d" % first["port"], "127.0.0.1:%d" % second["port"]}, endpoints
