# -*- coding: utf-8 -*-
"""The AWX credential type of extensions/awx/: its injectors rendered as AWX renders them (Jinja over the
injector templates with the credential's inputs), then a job run with only that environment for credentials."""

import json
import os
import subprocess

import pytest
import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

from conftest import ROOT
from integration.conftest import INTEGRATION, ansible_env, tool
from integration.test_inventory_plugin import SECRETS, expected_hosts, write_source

pytestmark = pytest.mark.integration

CREDENTIAL_TYPE = os.path.join(ROOT, "extensions", "awx", "credential_types", "onec_cluster.yml")
INPUTS = {"cluster_user": "Администратор", "cluster_password": "cluster-secret",
          "infobase_user": "Администратор", "infobase_password": "infobase-secret"}


def credential_type():
    with open(CREDENTIAL_TYPE, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def injected_env(inputs):
    """What AWX puts in a job's environment for a credential with these inputs."""
    jinja = ImmutableSandboxedEnvironment()
    return dict((name, jinja.from_string(template).render(**inputs))
                for name, template in credential_type()["injectors"]["env"].items())


def test_the_credential_type_declares_secrets_and_injects_the_fallback_variables():
    kind = credential_type()
    fields = dict((field["id"], field) for field in kind["inputs"]["fields"])
    assert sorted(fields) == sorted(INPUTS)
    assert [name for name, field in fields.items() if field.get("secret")] == ["cluster_password", "infobase_password"]
    assert injected_env(INPUTS) == {"ONEC_CLUSTER_USER": "Администратор", "ONEC_CLUSTER_PASSWORD": "cluster-secret",
                                    "ONEC_INFOBASE_USER": "Администратор", "ONEC_INFOBASE_PASSWORD": "infobase-secret"}
    # a blank optional field is injected empty (taken as not set by the collection)
    assert injected_env(dict(INPUTS, infobase_user="", infobase_password=""))["ONEC_INFOBASE_USER"] == ""


def test_a_job_runs_with_only_the_injected_credentials(make_fleet, tmp_path):
    fleet = make_fleet(servers=2, clusters=[3, 1], infobases=3, sessions=4)
    source = write_source(tmp_path, fleet, "native")  # no credential in it
    results = tmp_path / "results"
    results.mkdir()
    env = ansible_env(HOME=str(tmp_path), ONEC_CLUSTER_HOME=str(tmp_path / "onec"), **injected_env(INPUTS))
    # what the test run itself exports (CI's ONEC_REQUIRE_BROWSER, say) is no setting of the collection's: left out
    env = dict((key, value) for key, value in env.items()
               if not key.startswith("ONEC_") or key in injected_env(INPUTS) or key == "ONEC_CLUSTER_HOME")
    assert not any(key.startswith("ONEC_") and key not in injected_env(INPUTS) and key != "ONEC_CLUSTER_HOME"
                   for key in env)
    proc = subprocess.run([tool("ansible-playbook"), "-i", source, os.path.join(INTEGRATION, "files", "awx_job.yml"),
                           "-e", "results_dir=%s" % results], capture_output=True, env=env, cwd=ROOT, check=False,
                          timeout=600)
    output = proc.stdout.decode("utf-8") + proc.stderr.decode("utf-8")
    assert proc.returncode == 0, output
    with_zup = sorted(n for n, (_p, _c, bases) in expected_hosts(fleet).items() if "ЗУП" in bases)
    assert sorted(f[:-5] for f in os.listdir(results)) == with_zup
    for name in with_zup:  # the full record was read: the infobase user from the environment was accepted
        assert json.loads((results / (name + ".json")).read_text(encoding="utf-8")) == {"ЗУП": False}
    assert all(secret not in output for secret in SECRETS)
