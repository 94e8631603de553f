# -*- coding: utf-8 -*-
"""Shared test helpers: the real rac samples, a simulated fleet, the collection on sys.path."""

import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLES = os.path.join(ROOT, "tests", "samples")
SIMULATOR = os.path.join(ROOT, "tests", "simulator")
RAC = os.path.join(SIMULATOR, "rac")
COLLECTIONS = os.path.join(ROOT, ".build", "collections")
# Even when pytest runs without scripts/bootstrap.sh: ansible and the collection's own files (audit log, window
# state) stay inside the checkout, never in the operator's ~/.ansible.
os.environ.setdefault("ANSIBLE_HOME", os.path.join(ROOT, ".build", "ansible-home"))
os.environ.setdefault("ANSIBLE_REMOTE_TMP", os.path.join(os.environ["ANSIBLE_HOME"], "tmp"))
os.environ.setdefault("ONEC_CLUSTER_HOME", os.path.join(ROOT, ".build", "onec_cluster"))

# `import ansible_collections.onec.cluster...` needs the collection tree that scripts/bootstrap.sh links.
if not os.path.isdir(os.path.join(COLLECTIONS, "ansible_collections", "onec", "cluster")):
    os.makedirs(os.path.join(COLLECTIONS, "ansible_collections", "onec"), exist_ok=True)
    try:
        os.symlink(ROOT, os.path.join(COLLECTIONS, "ansible_collections", "onec", "cluster"))
    except FileExistsError:  # another test worker made it first
        pass
for path in (COLLECTIONS, SIMULATOR):
    if path not in sys.path:
        sys.path.insert(0, path)

import simctl  # noqa: E402


def sample_text(name):
    """A real rac capture without its '# source:' / '# note:' header lines, bytes as captured."""
    with open(os.path.join(SAMPLES, name), "rb") as handle:
        data = handle.read().decode("utf-8")
    lines = data.splitlines(True)
    while lines and lines[0].startswith(("# source:", "# note:")):
        lines.pop(0)
    return "".join(lines)


def sample_names(pattern="", prefix=False):
    return sorted(n for n in os.listdir(SAMPLES) if (n.startswith(pattern) if prefix else pattern in n))


class Fleet:
    """A running set of simulated 1C servers (see tests/simulator/simctl.py).

    ``make_fleet(timezone="Europe/Moscow")`` runs the servers in another zone than this machine (one zone per server
    with a list); ``now(index)`` reads a server's clock as it does.
    """

    def __init__(self, workdir, **options):
        self.workdir = str(workdir)
        self.data = simctl.start_fleet(self.workdir, **options)
        self.servers = self.data["servers"]
        self.inventory = os.path.join(self.workdir, "inventory.yml")

    def control(self, index, request):
        return simctl.control(self.servers[index]["port"], request)

    def state(self, index=0):
        return self.control(index, {"control": "state"})["clusters"][0]

    def now(self, index=0):
        return simctl.server_now(self.servers[index].get("timezone"))

    def stats(self, index=0):
        return self.control(index, {"control": "stats"})

    def rac(self, index, *args, env=None):
        server = self.servers[index]
        return subprocess.run([RAC] + list(args) + ["%s:%d" % (server["host"], server["port"])],
                              capture_output=True, env=env, check=False)

    def stop(self):
        simctl.stop_fleet(self.workdir)


@pytest.fixture
def make_fleet(tmp_path):
    fleets = []

    def start(**options):
        fleet = Fleet(tmp_path / ("fleet%d" % len(fleets)), **options)
        fleets.append(fleet)
        return fleet

    yield start
    for fleet in fleets:
        fleet.stop()


@pytest.fixture
def fleet(make_fleet):
    return make_fleet(servers=1, infobases=3, sessions=12)


def dump(value):
    return json.dumps(value, ensure_ascii=False, indent=1)
