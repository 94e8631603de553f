# -*- coding: utf-8 -*-
"""Lock states: time forms, desired states, what differs, masking."""

import datetime

import pytest

from ansible_collections.onec.cluster.plugins.module_utils.errors import ModuleInputError
from ansible_collections.onec.cluster.plugins.module_utils.locks import (
    ANSIBLE_MASK,
    claims,
    desired_absent,
    desired_present,
    desired_restored,
    diff_view,
    differences,
    lock_time,
    shown,
)

NOW = datetime.datetime(2026, 11, 23, 21, 50, 7)
LOCKED = {"sessions_deny": True, "denied_from": "2026-11-23T22:00:00", "denied_to": "", "denied_message": "m",
          "denied_parameter": "", "permission_code": "CODE", "scheduled_jobs_deny": False}


@pytest.mark.parametrize("text, expected", [
    ("", ""), ("now", "2026-11-23T21:50:07"), ("+15m", "2026-11-23T22:05:07"), ("+ 1h30m", "2026-11-23T23:20:07"),
    ("2026-12-01T03:00:00", "2026-12-01T03:00:00"), ("2026-12-01 03:00", "2026-12-01T03:00:00"),
    ("2026-12-01T03:00", "2026-12-01T03:00:00"),
])
def test_lock_time_forms(text, expected):
    assert lock_time(text, NOW) == expected


@pytest.mark.parametrize("text", ["tomorrow", "2026-13-01T00:00:00", "+soon", "01.12.2026 03:00"])
def test_lock_time_rejects(text):
    with pytest.raises(ModuleInputError):
        lock_time(text, NOW)


def test_present_is_exactly_what_is_described():
    desired = desired_present({"denied_from": "+10m", "denied_message": "Обновление", "permission_code": "x"}, NOW)
    assert desired == {"sessions_deny": True, "denied_from": "2026-11-23T22:00:07", "denied_to": "",
                       "denied_message": "Обновление", "denied_parameter": "", "permission_code": "x"}
    assert "scheduled_jobs_deny" not in desired  # omitted: left as it is
    assert desired_present({"scheduled_jobs_deny": False}, NOW)["scheduled_jobs_deny"] is False


def test_present_rejects_an_end_before_the_start():
    with pytest.raises(ModuleInputError):
        desired_present({"denied_from": "+2h", "denied_to": "+1h"}, NOW)


def test_absent_clears_and_leaves_scheduled_jobs_alone():
    desired = desired_absent({})
    assert desired == {"sessions_deny": False, "denied_from": "", "denied_to": "", "denied_message": "",
                       "denied_parameter": "", "permission_code": ""}


def test_differences_only_what_differs():
    assert differences(LOCKED, dict(LOCKED, denied_message="m")) == {}
    assert differences(LOCKED, desired_absent({})) == {"sessions_deny": False, "denied_from": "",
                                                       "denied_message": "", "permission_code": ""}


def test_restored_needs_the_code_when_there_was_one():
    saved = shown(LOCKED, show_code=True)
    assert desired_restored(saved) == LOCKED
    with pytest.raises(ModuleInputError) as info:
        desired_restored(shown(LOCKED))
    assert "show_permission_code" in str(info.value)
    with pytest.raises(ModuleInputError):
        desired_restored(dict(saved, permission_code=ANSIBLE_MASK))
    with pytest.raises(ModuleInputError):
        desired_restored({"sessions_deny": True})
    assert desired_restored(shown(dict(LOCKED, permission_code="")))["permission_code"] == ""


def test_shown_and_diff_never_leak_the_code_unasked():
    assert "permission_code" not in shown(LOCKED) and shown(LOCKED)["permission_code_set"] is True
    assert "CODE" not in str(diff_view(LOCKED))
    assert diff_view(dict(LOCKED, permission_code="NEW"), LOCKED)["permission_code"] == "******** (changed)"
    assert diff_view(dict(LOCKED, permission_code=""))["permission_code"] == ""


PREFIX = "onec.cluster.maintenance_window"


def test_claims_tell_another_holders_from_ours_and_ignore_other_parameters():
    ours, other = PREFIX + ":aaa:2026-11-29T20:00:00Z", PREFIX + ":bbb:2026-11-29T20:00:01Z"
    currents = {"a": dict(LOCKED, denied_parameter=ours), "b": dict(LOCKED, denied_parameter=other),
                "c": dict(LOCKED, denied_parameter="ADMIN"), "d": dict(LOCKED, denied_parameter=PREFIX)}
    others, still_ours = claims(currents, ours, PREFIX)
    assert sorted(others) == ["b", "d"] and still_ours == ["a"]  # an old window's bare marker is another holder's
    assert claims({"c": currents["c"]}, ours, PREFIX) == ({}, [])  # an administrator's lock is no claim
