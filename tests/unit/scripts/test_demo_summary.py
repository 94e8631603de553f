# -*- coding: utf-8 -*-
"""scripts/demo_summary.py: the demo's closing lines say what happened, including what went wrong."""

import importlib.util
import os

from conftest import ROOT

_SPEC = importlib.util.spec_from_file_location("demo_summary", os.path.join(ROOT, "scripts", "demo_summary.py"))
demo_summary = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(demo_summary)

INFOBASES = ["Бухгалтерия", "ЗУП"]


def lock(action, infobase):
    return {"action": action, "infobase": infobase}


def test_a_window_that_went_well():
    before = {"a": "1CV8C", "b": "1CV8C", "c": "COMConnection", "d": "BackgroundJob"}
    records = [lock("lock_present", "Бухгалтерия"), lock("lock_present", "ЗУП"),
               {"action": "end_sessions", "ended": [{"session": "c", "app_id": "COMConnection"}]},
               {"action": "disconnect", "disconnected": [{"connection": "x"}]},
               lock("lock_restored", "Бухгалтерия"), lock("lock_restored", "ЗУП")]
    line = demo_summary.server_line("srv1c-01", before, {"d": "BackgroundJob"}, records, INFOBASES, False,
                                    {"backgroundjob"})
    assert line == ("srv1c-01: locked Бухгалтерия and ЗУП, then put their locks back as they were; 4 sessions there: "
                    "2 left by themselves, 1 ended (COMConnection 1), 1 still there (BackgroundJob 1, excluded); "
                    "1 connection without a session dropped")


def test_a_lock_left_in_place_and_sessions_left_are_said():
    line = demo_summary.server_line("srv1c-02", {"a": "1CV8C"}, {"a": "1CV8C"},
                                    [lock("lock_present", "Бухгалтерия"), lock("lock_present", "ЗУП"),
                                     lock("lock_restored", "ЗУП")], INFOBASES, False, set())
    assert "LEFT LOCKED: Бухгалтерия" in line and "1 still there (1CV8C 1)" in line and "excluded" not in line


def test_check_mode_changes_nothing():
    line = demo_summary.server_line("srv1c-01", {"a": "1CV8C"}, {"a": "1CV8C"}, [], INFOBASES, True, set())
    assert line == "srv1c-01: check mode, nothing changed; 1 session in Бухгалтерия and ЗУП, all still there"
