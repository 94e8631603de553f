# -*- coding: utf-8 -*-
"""Each shared argument spec (glue.py) and its doc fragment say the same: option names, types, defaults, choices,
list elements, and no_log for every secret."""

import importlib
import os

import pytest
import yaml

from ansible_collections.onec.cluster.plugins.module_utils.glue import DOC_FRAGMENTS

SECRETS = ("password", "permission_code")


def documented(fragment):
    module = importlib.import_module("ansible_collections.onec.cluster.plugins.doc_fragments." + fragment)
    return yaml.safe_load(module.ModuleDocFragment.DOCUMENTATION)["options"]


@pytest.mark.parametrize("fragment, spec", DOC_FRAGMENTS, ids=[name for name, _spec in DOC_FRAGMENTS])
def test_argument_spec_matches_its_doc_fragment(fragment, spec):
    docs = documented(fragment)
    assert sorted(docs) == sorted(spec)
    for name, option in spec.items():
        doc = docs[name]
        assert doc.get("type", "str") == option.get("type", "str"), name
        assert doc.get("default") == option.get("default"), name
        assert doc.get("choices") == option.get("choices"), name
        assert doc.get("elements") == option.get("elements"), name
        assert option.get("no_log", False) == any(word in name for word in SECRETS), name


def test_every_doc_fragment_with_options_has_its_argument_spec():
    folder = os.path.join(os.path.dirname(importlib.import_module(
        "ansible_collections.onec.cluster.plugins.doc_fragments.connection").__file__))
    with_options = sorted(name[:-3] for name in os.listdir(folder)
                          if name.endswith(".py") and name != "__init__.py" and (yaml.safe_load(
                              importlib.import_module("ansible_collections.onec.cluster.plugins.doc_fragments."
                                                      + name[:-3]).ModuleDocFragment.DOCUMENTATION) or {}).get("options"))
    assert with_options == sorted(name for name, _spec in DOC_FRAGMENTS)


def test_every_environment_fallback_is_documented():
    """validate-modules takes no env: key in module docs, so each ONEC_* fallback is named in its description."""
    docs = documented("connection")
    spec = dict(DOC_FRAGMENTS)["connection"]
    with_env = dict((name, option["fallback"][1][0]) for name, option in spec.items() if "fallback" in option)
    assert sorted(with_env) == sorted(["ras_host", "ras_port", "cluster_user", "cluster_password", "infobase_user",
                                       "infobase_password"])
    for name, variable in with_env.items():
        assert "E(%s)" % variable in " ".join(docs[name]["description"]), name
