# -*- coding: utf-8 -*-
"""Run real ansible-playbook against the simulator."""

import json
import os
import subprocess
import sys

import pytest

from conftest import COLLECTIONS, ROOT

INTEGRATION = os.path.dirname(os.path.abspath(__file__))


def ansible_env(**extra):
    env = dict(os.environ)
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": COLLECTIONS,
        "ANSIBLE_CONFIG": os.path.join(ROOT, "ansible.cfg"),
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_FORCE_COLOR": "0",
        "ANSIBLE_LOCAL_TEMP": os.path.join(ROOT, ".build", "ansible-tmp"),
        "PYTHONIOENCODING": "utf-8",
    })
    env.update(extra)
    return env


def tool(name):
    return os.path.join(os.path.dirname(sys.executable), name)


class PlaybookRun:
    def __init__(self, proc, results_dir, home=None, onec_home=None):
        self.home = home
        self.onec_home = onec_home  # $ONEC_CLUSTER_HOME: audit log and window state files
        self.rc = proc.returncode
        self.output = proc.stdout.decode("utf-8", "replace") + proc.stderr.decode("utf-8", "replace")
        self.results_dir = results_dir

    def result(self, host):
        with open(os.path.join(self.results_dir, host + ".json"), encoding="utf-8") as handle:
            return json.load(handle)


@pytest.fixture(params=["rac", "native"])
def backend(request):
    """A test using this runs twice, its playbooks with onec_backend=rac, then native (see ``playbook``)."""
    return request.param


@pytest.fixture
def playbook(tmp_path, request):
    """playbook(fleet, path_or_target, *ansible_args, controller_tz=None, **extra_vars) -> PlaybookRun.

    In a test that uses the ``backend`` fixture, the playbook runs with ``onec_backend`` set to it. ``controller_tz``
    is the controller's zone (the TZ of ansible-playbook and of the modules it runs).
    """

    def run(fleet, what, *args, controller_tz=None, **extra_vars):
        if "backend" in request.fixturenames:
            extra_vars.setdefault("onec_backend", request.getfixturevalue("backend"))
        results_dir = tmp_path / "results"
        results_dir.mkdir(exist_ok=True)
        path = what if what.endswith(".yml") else os.path.join(INTEGRATION, "run_target.yml")
        extra_vars.setdefault("results_dir", str(results_dir))
        if not what.endswith(".yml"):
            extra_vars["target"] = what
        # extra vars in a file, as an operator would pass long texts (the command line has a size limit)
        vars_file = tmp_path / ("extra-vars-%d.json" % len(os.listdir(tmp_path)))
        vars_file.write_text(json.dumps(extra_vars))
        command = [tool("ansible-playbook"), "-i", fleet.inventory, path, "-e", "@%s" % vars_file] + list(args)
        # a home of its own: state files and the audit log ($ONEC_CLUSTER_HOME) stay with this test
        home = tmp_path / "home"
        home.mkdir(exist_ok=True)
        onec_home = home / "onec_cluster"
        env = ansible_env(HOME=str(home), ONEC_CLUSTER_HOME=str(onec_home), **({"TZ": controller_tz} if controller_tz else {}))
        proc = subprocess.run(command, capture_output=True, env=env, cwd=ROOT, check=False, timeout=900)
        return PlaybookRun(proc, str(results_dir), str(home), str(onec_home))

    return run
