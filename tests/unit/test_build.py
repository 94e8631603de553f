# -*- coding: utf-8 -*-
"""The built collection holds the collection and nothing that tests and tools leave behind."""

import os
import subprocess
import sys
import tarfile

from conftest import ROOT

# Leftovers of a test run, planted (git-ignored places) so that the check does not depend on what ran before.
LEFTOVERS = [".hypothesis/canary", ".pytest_cache/canary", "tests/unit/__pycache__/canary.cpython-311.pyc",
             "tests/unit/.hypothesis/canary", "benchmarks/results/canary.json", ".sim/canary.log",
             ".build/canary", ".ansible/canary", "tests/output/canary", "extensions/.ansible/canary"]


def test_built_tarball_holds_only_the_collection(tmp_path):
    planted = []
    try:
        for relative in LEFTOVERS:
            path = os.path.join(ROOT, relative + "-%d" % os.getpid())
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as handle:
                handle.write("left behind by a test run\n")
            planted.append(path)
        galaxy = os.path.join(os.path.dirname(sys.executable), "ansible-galaxy")
        proc = subprocess.run([galaxy, "collection", "build", "--output-path", str(tmp_path), ROOT],
                              capture_output=True, check=False, env=dict(os.environ, ANSIBLE_NOCOLOR="1"))
        assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()
    finally:
        for path in planted:
            os.unlink(path)
    [name] = os.listdir(str(tmp_path))
    with tarfile.open(os.path.join(str(tmp_path), name)) as tar:
        members = tar.getnames()
    bad = [m for m in members
           if any(part.startswith(".") or part in ("__pycache__", "output", "results") for part in m.split("/"))
           or m.endswith((".pyc", ".tar.gz"))]
    assert bad == []
    for expected in ("LICENSE", "README.md", "MANIFEST.json", "FILES.json", "meta/runtime.yml",
                     "plugins/modules/session_info.py", "plugins/module_utils/rac/parser.py", "changelogs/config.yaml"):
        assert expected in members
    with open(os.path.join(ROOT, "LICENSE")) as handle:
        assert "GNU GENERAL PUBLIC LICENSE" in handle.read(200)
    # nothing outside the collection's own folders
    assert {m.split("/")[0] for m in members} <= {
        "LICENSE", "README.md", "MANIFEST.json", "FILES.json", "ansible.cfg", "execution-environment.yml",
        "pytest.ini", "requirements-dev.txt", "benchmarks", "changelogs", "docs", "extensions", "meta", "playbooks",
        "plugins", "roles", "scripts", "tests", "CHANGELOG.rst"}
