# -*- coding: utf-8 -*-
"""Property tests: whatever ras answers, the parser returns records or raises the collection's parse error."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.onec.cluster.plugins.module_utils.rac_errors import RacParseError
from ansible_collections.onec.cluster.plugins.module_utils.rac_parser import parse_records

KEYS = st.sampled_from(["session", "session-id", "user-name", "app-id", "hibernate", "client-ip", "descr",
                        "denied-message", "duration current-dbms", "data-separation", "x"])
WORDS = ["yes", "no", "on", "off", "''", '"quoted"', '"open', '"', ""]
VALUES = st.one_of(st.text(max_size=30), st.integers().map(str), st.sampled_from(WORDS))
NAMES = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=20)
LINES = st.one_of(st.tuples(KEYS, VALUES).map(lambda kv: "%s : %s" % kv), st.just(""), st.text(max_size=40))


def check(text, uniform):
    try:
        records = parse_records(text, uniform=uniform)
    except RacParseError:
        return
    assert isinstance(records, list)
    for record in records:
        assert isinstance(record, dict) and record
        assert all(isinstance(key, str) and " " not in key and "-" not in key for key in record)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(), st.booleans())
def test_any_text(text, uniform):
    check(text, uniform)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(LINES, max_size=30), st.sampled_from(["\n", "\r\n"]), st.booleans(), st.booleans())
def test_rac_like_text(lines, newline, trailing_blank, uniform):
    text = newline.join(lines) + (newline * 2 if trailing_blank else "")
    check(text, uniform)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10 ** 12), NAMES), min_size=1, max_size=5))
def test_well_formed_records_round_trip(rows):
    # user-name is never typed nor quoted by rac; a number stays a number
    text = "".join("session-id : %d\nuser-name  : %s\n\n" % (number, name.strip()) for number, name in rows)
    records = parse_records(text, uniform=True)
    assert [(r["session_id"], r["user_name"]) for r in records] == [(n, name.strip()) for n, name in rows]
