# -*- coding: utf-8 -*-
"""The Ansible glue: --diff as text; the backend option (native needs no rac anywhere, rac is looked for only when it
is the backend)."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

from conftest import RAC

from ansible_collections.onec.cluster.plugins.module_utils import errors as E
from ansible_collections.onec.cluster.plugins.module_utils.rac.backend import RacBackend
from ansible_collections.onec.cluster.plugins.module_utils.glue import (
    client_from_params,
    connection_argument_spec,
    text_diff,
)
from ansible_collections.onec.cluster.plugins.module_utils.native.backend import NativeBackend


def test_text_diff_keeps_cyrillic_as_text_and_names_where():
    diff = text_diff({"Бухгалтерия": {"denied_message": ""}}, {"Бухгалтерия": {"denied_message": "Обновление"}},
                     "infobase locks (ras srv:1545)")
    assert "Обновление" in diff["after"] and "\\u" not in diff["before"] + diff["after"]
    assert diff["before"].endswith("\n") and json.loads(diff["after"]) == {"Бухгалтерия": {"denied_message": "Обновление"}}
    assert diff["before_header"] == diff["after_header"] == "infobase locks (ras srv:1545)"


def params(**overrides):
    out = dict((name, spec.get("default")) for name, spec in connection_argument_spec().items())
    out.update(overrides)
    return out


def test_backend_option_defaults_to_rac():
    spec = connection_argument_spec()["backend"]
    assert spec["default"] == "rac" and spec["choices"] == ["rac", "native"]


def test_native_needs_no_rac(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    client = client_from_params(params(backend="native", rac_path=None))
    assert isinstance(client.backend, NativeBackend) and client.calls == 0


def test_rac_is_looked_for_only_with_the_rac_backend(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr("ansible_collections.onec.cluster.plugins.module_utils.rac.runner.RAC_GLOBS", ())
    with pytest.raises(E.RacNotFoundError):
        client_from_params(params())
    rac = tmp_path / "rac"
    rac.write_text("#!/bin/sh\n")
    rac.chmod(0o755)
    assert isinstance(client_from_params(params()).backend, RacBackend)


@pytest.mark.parametrize("backend, loaded, never", [("native", "native", "rac"), ("rac", "rac", "native")])
def test_a_run_imports_only_the_wing_of_its_backend(backend, loaded, never):
    """A fresh interpreter, as a module run: the glue and the chosen backend load one wing, never the other."""
    script = textwrap.dedent("""
        import sys
        from ansible_collections.onec.cluster.plugins.module_utils import glue
        params = dict((name, spec.get("default")) for name, spec in glue.CONNECTION_OPTIONS.items())
        params.update(backend=%r, rac_path=%r)
        glue.client_from_params(params)
        prefix = "ansible_collections.onec.cluster.plugins.module_utils."
        print(" ".join(sorted(set(n[len(prefix):].split(".")[0] for n in sys.modules if n.startswith(prefix)))))
    """ % (backend, RAC))
    loaded_names = subprocess.run([sys.executable, "-c", script], env=dict(os.environ, PYTHONPATH=os.pathsep.join(
        sys.path)), capture_output=True, text=True, check=True).stdout.split()
    assert loaded in loaded_names and never not in loaded_names


@pytest.mark.parametrize("port", [0, 65536, 109029, -1])
def test_a_port_outside_tcp_range_fails_before_any_call(port):
    """109029 would reach socket as 109029 % 65536 = 43493, another port, without a word."""
    with pytest.raises(E.ModuleInputError, match="ras_port %d is not a TCP port: use 1-65535" % port):
        client_from_params(params(backend="native", ras_port=port))
