# -*- coding: utf-8 -*-
"""The record fields and value forms both backends share, checked against real rac output."""

import pytest

from conftest import sample_text
from ansible_collections.onec.cluster.plugins.module_utils import records as R
from ansible_collections.onec.cluster.plugins.module_utils.errors import ModuleInputError
from ansible_collections.onec.cluster.plugins.module_utils.rac.parser import parse_records


def test_session_fields_are_what_rac_8_3_21_prints_in_its_order():
    session = parse_records(sample_text("session_list_8.3.21_racrust.txt"))[0]
    assert tuple(session) == R.SESSION_FIELDS


def test_projections_are_fields_of_their_records_plus_the_infobase_name():
    assert set(R.SESSION_SUMMARY) - set(R.SESSION_FIELDS) == {"infobase_name"}
    assert set(R.CONNECTION_SUMMARY) - set(R.CONNECTION_FIELDS) == {"infobase_name"}
    assert set(R.LOCK_FIELDS) <= set(R.INFOBASE_FIELDS)
    assert R.project({"session": "s", "extra": 1}, ("session", "user_name")) == {"session": "s", "user_name": None}


def test_value_forms():
    assert R.snake_key("duration current-dbms") == "duration_current_dbms"
    assert R.is_uuid(R.NULL_UUID) and not R.is_uuid("8397b7bb; rm -rf /") and not R.is_uuid(None)
    assert R.require_uuid("8397B7BB-E836-4C95-9A4F-CF22BEF822FF", "session") == "8397b7bb-e836-4c95-9a4f-cf22bef822ff"
    with pytest.raises(ModuleInputError, match="session 'x' is not a uuid"):
        R.require_uuid("x", "session")
    assert R.parse_duration("1h30m") == 5400 and R.parse_duration(90) == 90
    with pytest.raises(ModuleInputError):
        R.parse_duration("soon")
