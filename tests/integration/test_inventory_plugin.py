# -*- coding: utf-8 -*-
"""The onec.cluster.ras inventory plugin on a fleet with one ras holding three clusters and a second ras port on the
same machine (127.0.0.1), on both backends; then the playbooks over that inventory, credentials from the
environment only."""

import json
import os
import socket
import subprocess

import pytest

from conftest import ROOT
from integration.conftest import INTEGRATION, ansible_env, tool

pytestmark = pytest.mark.integration

SECRETS = ("cluster-secret", "infobase-secret")
CREDENTIALS = {"ONEC_CLUSTER_USER": "Администратор", "ONEC_CLUSTER_PASSWORD": "cluster-secret",
               "ONEC_INFOBASE_USER": "Администратор", "ONEC_INFOBASE_PASSWORD": "infobase-secret"}


@pytest.fixture
def multi_fleet(make_fleet):
    return make_fleet(servers=2, clusters=[3, 1], infobases=3, sessions=8)


def write_source(tmp_path, fleet, backend, extra_endpoints=(), **options):
    """An onec.cluster.ras source for the fleet, with a cache of its own in tmp_path; its path."""
    source = {"plugin": "onec.cluster.ras", "backend": backend, "rac_path": fleet.data["rac"],
              "endpoints": [{"host": s["host"], "port": s["port"]} for s in fleet.servers] + list(extra_endpoints),
              "cache": True, "cache_plugin": "ansible.builtin.jsonfile",
              "cache_connection": str(tmp_path / "inventory-cache")}
    source.update(options)
    path = tmp_path / "fleet.ras.yml"
    path.write_text(json.dumps(source, ensure_ascii=False), encoding="utf-8")  # JSON is YAML
    return str(path)


def inventory(source, *args, **env):
    proc = subprocess.run([tool("ansible-inventory"), "-i", source] + list(args), capture_output=True, cwd=ROOT,
                          env=ansible_env(**dict(CREDENTIALS, **env)), check=False, timeout=300)
    return proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")


def expected_hosts(fleet):
    """host name -> (port, cluster uuid, infobase names), from what the simulator was seeded with."""
    return dict(("127_0_0_1_%d_%s" % (s["port"], c["name"].replace(" ", "_")), (s["port"], c["cluster"], c["infobases"]))
                for s in fleet.servers for c in s["clusters"])


def unsafe(value):
    """ansible-inventory --list shows text from a server as {"__ansible_unsafe": text}."""
    if isinstance(value, dict) and "__ansible_unsafe" in value:
        return value["__ansible_unsafe"]
    if isinstance(value, list):
        return [unsafe(v) for v in value]
    return value


def test_discovers_every_cluster_of_every_endpoint(multi_fleet, backend, tmp_path):
    source = write_source(tmp_path, multi_fleet, backend, strict=True,
                          compose={"onec_server_timezone": "'+03:00'"},
                          groups={"with_erp": "'ERP' in onec_infobases"},
                          keyed_groups=[{"key": "onec_cluster_name", "prefix": "name"}])
    rc, out, err = inventory(source, "--list")
    assert rc == 0, err
    listed = json.loads(out)
    hosts = expected_hosts(multi_fleet)
    assert len(hosts) == 4 and sorted(listed["onec_servers"]["hosts"]) == sorted(hosts)
    for name, (port, cluster, infobases) in hosts.items():
        variables = dict((k, unsafe(v)) for k, v in listed["_meta"]["hostvars"][name].items())
        assert variables["onec_ras_host"] == "127.0.0.1" and variables["onec_ras_port"] == port
        assert variables["onec_cluster"] == cluster and variables["onec_backend"] == backend
        assert variables["onec_infobases"] == infobases
    # the clusters that hold ЗУП: the first two of the three-cluster ras and the other ras's one
    with_zup = sorted(n for n, (_p, _c, bases) in hosts.items() if "ЗУП" in bases)
    assert len(with_zup) == 3 and sorted(listed["onec_infobase_ЗУП"]["hosts"]) == with_zup
    first, second = multi_fleet.servers
    assert len(listed["onec_ras_127_0_0_1_%d" % first["port"]]["hosts"]) == 3
    assert len(listed["onec_ras_127_0_0_1_%d" % second["port"]]["hosts"]) == 1
    assert len(listed["onec_server_127_0_0_1"]["hosts"]) == 4
    assert len(listed["onec_cluster_Локальный_кластер"]["hosts"]) == 2
    # Constructable: compose, groups, keyed_groups
    assert all(unsafe(v["onec_server_timezone"]) == "+03:00" for v in listed["_meta"]["hostvars"].values())
    assert sorted(listed["with_erp"]["hosts"]) == sorted(n for n, (_p, _c, b) in hosts.items() if "ERP" in b)
    assert sorted(listed["name_Local_cluster"]["hosts"]) == [n for n in hosts if n.endswith("_Local_cluster")]
    # no password in the output nor in the cache
    cache = "".join(open(os.path.join(root, f), encoding="utf-8").read()
                    for root, _dirs, files in os.walk(tmp_path / "inventory-cache") for f in files)
    assert cache and all(secret not in out + err + cache for secret in SECRETS)


def test_graph_and_the_cache_answers_when_ras_is_gone(multi_fleet, tmp_path):
    source = write_source(tmp_path, multi_fleet, "native")
    rc, out, err = inventory(source, "--graph", "onec_infobase_ЗУП")
    assert rc == 0, err
    zup = [line.strip("|- ") for line in out.splitlines()[1:]]
    assert sorted(zup) == sorted(n for n, (_p, _c, bases) in expected_hosts(multi_fleet).items() if "ЗУП" in bases)
    multi_fleet.stop()
    rc, cached, err = inventory(source, "--graph", "onec_infobase_ЗУП")
    assert rc == 0 and cached == out, err


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("fail", [False, True])
def test_an_unreachable_endpoint_is_named_and_skipped_or_fails(make_fleet, tmp_path, fail):
    fleet = make_fleet(servers=1, infobases=2, sessions=2)
    port = closed_port()
    source = write_source(tmp_path, fleet, "native", [{"host": "127.0.0.1", "port": port}], retries=0,
                          fail_on_unreachable=fail, cache=False)
    rc, out, err = inventory(source, "--list")
    assert "127.0.0.1:%d" % port in " ".join(err.split())
    if fail:
        assert "Unable to parse" in err or rc != 0
        assert "onec_servers" not in out
    else:
        assert rc == 0 and len(json.loads(out)["onec_servers"]["hosts"]) == 1


def test_window_and_emergency_disconnect_over_the_discovered_inventory(
        multi_fleet, backend, playbook, tmp_path, monkeypatch):
    """Connection settings from the inventory only (no onec_* variable given), credentials from the environment."""
    for key, value in CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    multi_fleet.inventory = write_source(tmp_path, multi_fleet, backend)
    run = playbook(multi_fleet, "playbooks/maintenance_window.yml", "--limit", "onec_infobase_ЗУП",
                   maintenance_window_infobases=["ЗУП"], maintenance_window_grace=0,
                   maintenance_window_leave_time=2, maintenance_window_poll_interval=1,
                   maintenance_window_tasks_file=os.path.join(INTEGRATION, "files", "maintenance_ok.yml"))
    assert run.rc == 0, run.output
    with_zup = [n for n, (_p, _c, bases) in expected_hosts(multi_fleet).items() if "ЗУП" in bases]
    for name in with_zup:
        assert json.load(open(os.path.join(run.results_dir, name + ".maintenance.json"))) == {
            "code_given": False, "infobases": ["ЗУП"]}
    assert "ok=" in run.output and "failed=1" not in run.output
    run = playbook(multi_fleet, "playbooks/emergency_disconnect.yml", emergency_disconnect_infobases="all",
                   emergency_disconnect_exclude_app_ids=["BackgroundJob"])
    assert run.rc == 0, run.output
    for index, server in enumerate(multi_fleet.servers):
        for state in multi_fleet.control(index, {"control": "state"})["clusters"]:
            assert set(s["app-id"] for s in state["sessions"].values()) <= {"BackgroundJob"}, server["name"]
    text = " ".join(run.output.split())
    assert "Fleet: 4 server(s)" in text
    for name, (port, cluster, _bases) in expected_hosts(multi_fleet).items():  # each line names ras and cluster
        assert "connection(s) without a session dropped (ras 127.0.0.1:%d, cluster %s)." % (port, cluster) in text, name
    assert all(secret not in run.output for secret in SECRETS)


def test_ansible_doc_renders_the_plugin():
    proc = subprocess.run([tool("ansible-doc"), "-t", "inventory", "onec.cluster.ras"], capture_output=True,
                          env=ansible_env(), cwd=ROOT, check=False, timeout=120)
    text = proc.stdout.decode("utf-8")
    assert proc.returncode == 0, proc.stderr.decode("utf-8")
    for option in ("endpoints", "fail_on_unreachable", "keyed_groups", "cache_plugin", "ONEC_CLUSTER_PASSWORD"):
        assert option in text
