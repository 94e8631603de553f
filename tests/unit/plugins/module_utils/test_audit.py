# -*- coding: utf-8 -*-
"""The audit log: where it goes, who wrote it, and a line that reads back as written."""

import json

from ansible_collections.onec.cluster.plugins.module_utils import audit


def test_the_default_file_is_under_onec_cluster_home(monkeypatch, tmp_path):
    monkeypatch.setenv(audit.HOME_VARIABLE, str(tmp_path))
    assert audit.default_audit_log() == str(tmp_path / "audit.jsonl")
    monkeypatch.delenv(audit.HOME_VARIABLE)
    assert audit.default_audit_log() == "~/.ansible/onec_cluster/audit.jsonl"


def test_the_operator_is_the_sudo_caller_first(monkeypatch):
    monkeypatch.setenv("SUDO_USER", "ivanov")
    monkeypatch.setenv("USER", "root")
    assert audit.operator() == "ivanov"


def test_append_writes_one_line_that_reads_back_and_an_empty_path_writes_nothing(tmp_path):
    path = str(tmp_path / "logs" / "audit.jsonl")
    assert audit.append(path, "lock_present", "srv:1545", "main", infobases=["Бухгалтерия\u202e"]) == path
    assert audit.append("", "lock_present", "srv:1545", "main") is None
    with open(path, encoding="utf-8") as handle:
        lines = handle.readlines()
    assert len(lines) == 1 and "\\u202e" in lines[0] and "Бухгалтерия" in lines[0]
    record = json.loads(lines[0])
    assert record["action"] == "lock_present" and record["ras"] == "srv:1545" and record["cluster"] == "main"
    assert record["infobases"] == ["Бухгалтерия\u202e"] and record["operator"]
