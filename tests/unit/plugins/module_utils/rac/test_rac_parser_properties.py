# -*- coding: utf-8 -*-
"""Property tests: whatever ras answers, the parser returns records or raises the collection's parse error."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.onec.cluster.plugins.module_utils.errors import RacParseError
from ansible_collections.onec.cluster.plugins.module_utils.rac.parser import parse_records

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


# --- round trip through the simulator's printer (rac's quoting: contract section 2.6) -------------------------
import rac_format  # noqa: E402  (tests/simulator, on sys.path through tests/conftest.py)
from ansible_collections.onec.cluster.plugins.module_utils.rac import parser as rac_parser  # noqa: E402

# Characters that matter to the quoting: quotes (single, doubled, at either end), line ends, colons, spaces,
# text that looks like a key, Cyrillic.
TRICKY = st.lists(st.sampled_from(list('"\n\r: \'aZ0-Жё$;') + ['""', " : ", "descr : x", "\n\n", '"\n']),
                  max_size=15).map("".join)
# Fields rac never quotes are printed as they are and cannot span lines; infobase names hold no quotes in 1C.
BARE = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters='\n\r\x85\u2028\u2029'),
               max_size=20)
NAME = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters='"\'\x85'),
               min_size=1, max_size=20).filter(lambda n: n.strip() == n)


def readers_agree(text, one_line=True):
    """The readers return the same records; the grid reader, in both its ways, reads rac's grid whenever every
    value is on one line (what it exists for: giving up there would only be slow, and no test would see it)."""
    records = parse_records(text, uniform=True)
    assert rac_parser._parse_lines(text) == records  # pylint: disable=protected-access
    for column_of in (rac_parser._grid_column, rac_parser._loose_column):  # pylint: disable=protected-access
        fast = rac_parser._parse_grid(text, column_of)  # pylint: disable=protected-access
        if one_line:
            assert fast == records, column_of.__name__
        else:
            assert fast is None or fast == records
    return records


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(NAME, TRICKY, TRICKY, TRICKY, TRICKY, BARE), min_size=1, max_size=4),
       st.sampled_from(["8.3.21", "8.5.1"]))
def test_infobase_fields_round_trip(rows, version):
    infobases = [{"infobase": "%08d-0000-4000-8000-000000000000" % index, "name": name, "descr": descr,
                  "denied-message": message, "denied-parameter": parameter, "permission-code": code,
                  "db-user": db_user, "sessions-deny": "on", "security-level": 0}
                 for index, (name, descr, message, parameter, code, db_user) in enumerate(rows)]
    text = rac_format.render("infobase", infobases, version)
    one_line = not any("\n" in value for row in rows for value in row)
    records = readers_agree(text, one_line)
    for sent, got in zip(infobases, records):
        assert (got["name"], got["descr"], got["denied_message"], got["denied_parameter"], got["permission_code"],
                got["db_user"]) == (sent["name"], sent["descr"], sent["denied-message"], sent["denied-parameter"],
                                    sent["permission-code"], sent["db-user"])
        assert got["sessions_deny"] is True and got["security_level"] == 0
    summary = readers_agree(rac_format.render("summary", infobases), one_line)
    assert [r["descr"] for r in summary] == [ib["descr"] for ib in infobases]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(BARE, BARE, st.integers(0, 10 ** 12)), min_size=1, max_size=5))
def test_session_fields_rac_never_quotes_round_trip(rows):
    # user-name, host: quotes, colons and spaces come back exactly as the user has them
    sessions = [{"session": "%08d-0000-4000-8000-000000000000" % index, "session-id": index, "user-name": user,
                 "host": host, "bytes-all": number, "hibernate": "no", "client-ip": "127.0.0.1"}
                for index, (user, host, number) in enumerate(rows)]
    records = readers_agree(rac_format.render("session", sessions))
    assert [(r["user_name"], r["host"], r["bytes_all"]) for r in records] == [r[:3] for r in rows]
    assert all(r["hibernate"] is False and r["client_ip"] == ["127.0.0.1"] for r in records)
