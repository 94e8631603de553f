# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parse rac's ``key : value`` output into typed Python records.

What real rac prints (docs/rac_contract.md, tests/samples/):
- one record per object, lines ``key<padding> : value``; a blank line after
  every record (also after the last one and after single-object ``info``);
- an empty value is ``key : `` with a trailing space (editors often strip it);
- some string fields are double-quoted when non-empty (cluster name, infobase
  descr, denied-message, permission-code...), others never are, even with
  spaces or Cyrillic (user-name, infobase name);
- ``data-separation : ''`` means empty;
- 8.3.21 prints the misspelt key ``duration current-dbms``; it becomes
  ``duration_current_dbms`` like the correct spelling;
- Windows-captured output has CRLF line ends.

Typing is per field where the field is known, so a user called ``123`` stays
a string; unknown fields are typed by their look. Dates stay ISO strings.

Quoting is per field too: only the fields rac quotes lose their outer quotes,
so a user literally named ``"Boss"`` keeps them. Inside a quoted value rac
doubles every ``"`` and prints a line break as it is, which is how 1C's own
parser of rac output reads it (Standard Subsystems, ``ClusterAdministrationRAS``
/ ``ReadUpToSeparator``; docs/rac_contract.md section 2.6): the value runs from
its opening quote to the next quote that is not doubled, across line ends, and
``""`` inside it is one ``"``. Unlike that parser we keep leading and trailing
spaces inside the quotes: the value comes back exactly as it was set. A value
that starts and ends with a quote but holds a lone quote inside (not rac's
quoting) loses its outer pair only. Fields rac never quotes never span lines.

Two readers, fastest first, both taking the kinds of field from one table
(FieldKind); the first hands over to the second when the text is not what it
can read, and both return the same records:
- the grid reader: rac's list layout is a grid (every record has the same keys,
  padded the same way, in the same order); one regular expression built from
  the first record reads every value of every record at once. It reads each
  column as the first record's value says (numbers, yes/no, text, quoted or
  bare strings), and if a later record differs, again with loose columns that
  convert each value on its own;
- the line reader: anything else (quoted values over several lines, irregular
  padding, records with different fields).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import gc
import operator
import re
from collections import namedtuple
from operator import methodcaller

from ansible_collections.onec.cluster.plugins.module_utils.errors import RacParseError
from ansible_collections.onec.cluster.plugins.module_utils.records import (
    BOOL_FIELDS,
    LICENSE_FIELDS,
    LIST_FIELDS,
    QUOTED_FIELDS,
    TEXT_FIELDS,
    snake_key,
)


_BOOL_WORDS = {"yes": True, "no": False, "on": True, "off": False}

_INT_RE = re.compile(r"-?[0-9]+\Z")
_FLOAT_RE = re.compile(r"-?[0-9]+\.[0-9]+\Z")


def closing_quote(value):
    """Index of the quote that closes a value starting with ``"`` (the next one not doubled), -1 if none."""
    index = 1
    while True:
        index = value.find('"', index)
        if index < 0 or value[index + 1:index + 2] != '"':
            return index
        index += 2


def opens_quote(value):
    """A value that starts with ``"`` and does not close on its line: it goes on over the next lines."""
    return value[:1] == '"' and '"' not in value[1:].replace('""', "")


def unquote(value):
    # A quoted value without its outer quotes, each doubled quote inside made one: "a ""b""" -> a "b".
    # '' is empty; a value that is not quoted comes back as it is. A value that starts and ends with a quote
    # but holds a lone quote inside is not rac's quoting: only its outer pair goes (what readers did before
    # the rule was known).
    if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
        inner = value[1:-1]
        if '"' in inner and '"' not in inner.replace('""', ""):
            return inner.replace('""', '"')
        return inner
    if value == "''":
        return ""
    return value


# The converters of the field kinds below. A quoted field's value is its unquoted text (unquote itself); a raw
# field keeps what rac printed, quotes included (_as_raw is the identity on purpose: every kind names a converter).
_as_string = unquote


def _as_raw(value):
    return value


def _as_list(value):
    value = unquote(value)
    return [part.strip() for part in value.split(",") if part.strip()]


def _as_bool(value):
    if value in _BOOL_WORDS:
        return _BOOL_WORDS[value]
    return unquote(value)


def _by_look(value):
    if not value:
        return value
    first = value[0]
    if first == '"' or first == "'":
        return unquote(value)
    if _INT_RE.match(value):
        return int(value)
    if _FLOAT_RE.match(value):
        return float(value)
    if value in _BOOL_WORDS:
        return _BOOL_WORDS[value]
    return value


# What a value may look like in rac's grid, with the converter of a value that matched (a builtin where it can
# be: the grid reader calls it for every value). A record with a value that does not fit does not match, and the
# whole text is read again with loose columns, then by the line reader.
_GRID_LINE = "(.*)"
_GRID_INT = r"(-?[0-9]+)"
_GRID_FLOAT = r"(-?[0-9]+\.[0-9]+)"
_GRID_BOOL = r"(yes|no|on|off|)"  # or empty
# a field typed by its look whose values are text: nothing that would look like a number, yes/no or a quote
_GRID_TEXT = "(?!-?[0-9]+(?:\\.[0-9]+)?\n|(?:yes|no|on|off)\n|[\"'])(.*)"
# A field rac quotes: rac quotes it only when it is not empty (contract 2.6), so one column holds both quoted and
# bare values. The group is the value without its quotes: after a quote that closes on the same line, the text
# inside (with its doubled quotes); or nothing after ''; or a bare value without a quote. A quote that goes on
# over the next lines does not match.
_GRID_QUOTED_OR_BARE = '(?:"(?=(?:[^"\n]|"")*"\n)|\'\'(?=\n)|(?=[^"\n]*\n))((?:[^"\n]|"")*)"?'
_UNDOUBLE = methodcaller("replace", '""', '"')
_BOOL_WORD = dict(_BOOL_WORDS, **{"": ""}).__getitem__

# A field rac quotes, its value in any form on one line: anything but a quote that goes on over the next lines.
_GRID_ONE_LINE_QUOTED = '(?!"(?:[^"\n]|"")*\n)(.*)'

# The kinds of field, read by every reader:
# - value: converts one value (the line reader; the grid reader's loose columns);
# - grid: (pattern, converter) of a column in the grid reader, every value of the same form; None for a field
#   typed by its look, whose first value says what the column holds (_LOOK_GRIDS);
# - loose: pattern of a column in the grid reader whose values differ in form (empty, then a number), each
#   converted by `value`.
FieldKind = namedtuple("FieldKind", "value grid loose")
QUOTED = FieldKind(_as_string, (_GRID_QUOTED_OR_BARE, _UNDOUBLE), _GRID_ONE_LINE_QUOTED)
RAW = FieldKind(_as_raw, (_GRID_LINE, str), _GRID_LINE)
LIST = FieldKind(_as_list, (_GRID_LINE, _as_list), _GRID_LINE)
BOOL = FieldKind(_as_bool, (_GRID_BOOL, _BOOL_WORD), _GRID_LINE)
BY_LOOK = FieldKind(_by_look, None, _GRID_LINE)


def _text(value):
    return value[:1] not in ('"', "'")  # empty too


# A field typed by its look: (test of the first record's value, the column's grid). The pattern then holds every
# other record to what the first one looked like (empty is text). A quoted first value: no grid (loose columns).
_LOOK_GRIDS = (
    (_INT_RE.match, (_GRID_INT, int)),
    (_FLOAT_RE.match, (_GRID_FLOAT, float)),
    (_BOOL_WORDS.__contains__, (_GRID_BOOL, _BOOL_WORD)),
    (_text, (_GRID_TEXT, str)),
)


def _grid_column(kind, first_value):
    """(pattern, converter) of a column whose values all have the first one's form; None if unsure."""
    if kind.grid is not None:
        return kind.grid
    for looks_like, grid in _LOOK_GRIDS:
        if looks_like(first_value):
            return grid
    return None


def _loose_column(kind, _first_value):
    """(pattern, converter) of a column whose values may differ in form: each is converted on its own."""
    return kind.loose, kind.value


_FIELDS = {}


def _field(key):
    """(snake key, FieldKind) for a rac key, cached: the parser's hot path. The kinds are records.py's."""
    found = _FIELDS.get(key)
    if found is None:
        field = snake_key(key)
        if field in QUOTED_FIELDS:
            kind = QUOTED
        elif field in TEXT_FIELDS:
            kind = RAW
        elif field in LIST_FIELDS:
            kind = LIST
        elif field in BOOL_FIELDS:
            kind = BOOL
        else:
            kind = BY_LOOK
        found = _FIELDS[key] = (field, kind)
    return found


def _split_line(line, number):
    key, sep, rest = line.partition(":")
    if not sep or not key.strip():
        raise RacParseError("line %d is not 'key : value': %r" % (number, line[:200]))
    # rac writes ' : ' then the value; an empty value may have lost its space.
    if rest[:1] == " ":
        rest = rest[1:]
    return key.rstrip(), rest


def _quoted_value_ends(value):
    """Whether a quoted value read over several lines is complete: its closing quote ends the text read so far
    (or, for text that is not rac's quoting, the last line ends with a quote)."""
    close = closing_quote(value)
    return close == len(value) - 1 or (close > 0 and value[-1] == '"')


def _parse_grid(text, column_of=_grid_column):
    """rac's list layout read at once; None for anything else.

    Real rac output is a grid: every record of a list has the same keys, padded the same way, in the same
    order, and a blank line after it. One expression, built from the first record, matches a whole record: each
    line's key and padding literally, then a value of the kind its column holds. findall() returns the values of
    every record without a Python step per line. ``column_of(kind, first value)`` gives each column's pattern and
    converter (_grid_column, _loose_column). The matches cover the text exactly when every line end of the
    text is inside one (each match is anchored at a line start and holds `fields + 1` line ends), so nothing is
    skipped.
    """
    end = text.find("\n\n")
    if end <= 0 or text[-2:] != "\n\n":
        return None
    parts, keys, convs = [], [], []
    for line in text[:end].split("\n"):
        head, sep, value = line.partition(" : ")
        if not sep or not head.strip() or ":" in head:
            return None
        skey, kind = _field(head.rstrip())
        column = column_of(kind, value)
        if column is None:
            return None
        parts.append(re.escape(head + sep) + column[0] + "\n")
        keys.append(skey)
        convs.append(column[1])
    if len(set(keys)) != len(keys):
        return None
    pattern = re.compile("(?m)^" + "".join(parts) + "\n")
    rows = pattern.findall(text)
    if not rows or len(rows) * (len(keys) + 1) != text.count("\n"):
        return None
    if len(keys) == 1:  # findall returns the value itself, not a tuple, for one group
        rows = [(row,) for row in rows]
    return [dict(zip(keys, map(_CALL, convs, row))) for row in rows]


# operator.call (Python 3.11+) applies each column's converter to its value without a Python frame per value.
_CALL = getattr(operator, "call", None) or (lambda function, value: function(value))


def parse_records(text, uniform=False):
    """Parse rac output into a list of dicts with snake_case keys.

    ``uniform=True`` also checks that every record has the same fields, which
    is how real rac output always looks and how a cut-off answer is caught.
    Raises RacParseError on anything that is not rac's layout.
    """
    if text is None:
        return []
    if not isinstance(text, str):
        raise RacParseError("rac output is not text")
    first_end = text.find("\n")
    if first_end > 0 and text[first_end - 1] == "\r":
        # Windows rac: CRLF line ends (a line break inside a quoted value then reads as LF too)
        text = text.replace("\r\n", "\n")
    # Reading 10,000 sessions makes half a million objects, none of them in a reference cycle: the cyclic garbage
    # collector would walk them again and again for nothing, so it pauses while they are made.
    collecting = gc.isenabled()
    gc.disable()
    try:
        records = _parse_grid(text)
        if records is None:  # a column whose values differ in form
            records = _parse_grid(text, _loose_column)
        if records is None:
            records = _parse_lines(text)
    finally:
        if collecting:
            gc.enable()
    if uniform and records:
        expected = len(records[0])
        for index, record in enumerate(records[1:], 2):
            if len(record) != expected:
                raise RacParseError("record %d has %d fields where the first has %d: output cut off?"
                                    % (index, len(record), expected))
    return records


def _parse_lines(text):
    """The general parser: line by line, quoted values that go on over several lines."""
    lines = text.split("\n")
    records = []
    current = {}
    open_key = None  # rac key whose quoted value continues on the next line
    open_value = None
    for number, line in enumerate(lines, 1):
        if open_key is not None:
            open_value += "\n" + line
            if _quoted_value_ends(open_value):
                skey, kind = _field(open_key)
                current[skey] = kind.value(open_value)
                open_key = None
            continue
        if not line.strip():
            if current:
                records.append(current)
                current = {}
            continue
        key, value = _split_line(line, number)
        skey, kind = _field(key)
        if kind is QUOTED and opens_quote(value):  # only fields rac quotes can go on to the next line
            open_key, open_value = key, value
            continue
        current[skey] = kind.value(value)
    if open_key is not None:
        raise RacParseError("output ends inside the quoted value of '%s'" % open_key)
    if current:
        records.append(current)
    return records


def parse_single(text):
    """Parse the output of an ``info`` command: exactly one record."""
    records = parse_records(text)
    if len(records) != 1:
        raise RacParseError("expected one record, got %d" % len(records))
    return records[0]


def parse_licenses(text):
    """``session list --licenses`` (or ``session info --licenses``) -> {session uuid: [licence record]}.

    rac prints no session records then, only licence records, one per licence, flat: each starts with the session
    it is granted to (session, user-name, host, app-id), then the licence (contract 3.3). A session holding two
    licences shows twice; the licences are grouped under their session here, each keeping records.LICENSE_FIELDS.
    """
    granted = {}
    for record in parse_records(text):
        if "session" not in record:
            raise RacParseError("a licence record without its session: %r" % sorted(record)[:5])
        licence = dict((field, record[field]) for field in LICENSE_FIELDS if field in record)
        granted.setdefault(record["session"], []).append(licence)
    return granted
