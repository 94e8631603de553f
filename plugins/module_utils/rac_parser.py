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

Three readers, fastest first; each hands over to the next when the text is
not what it can read, and all three return the same records:
- the grid reader: rac's list layout is a grid (every record has the same keys,
  padded the same way, in the same order); one regular expression built from
  the first record reads every value of every record at once, typed per column;
- the column reader: the same grid read one column at a time (values with
  quotes inside);
- the line reader: anything else (quoted values over several lines, irregular
  padding, records with different fields).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import gc
import operator
import re
from operator import itemgetter, methodcaller

from ansible_collections.onec.cluster.plugins.module_utils.rac_errors import RacParseError

NULL_UUID = "00000000-0000-0000-0000-000000000000"

_BOOL_WORDS = {"yes": True, "no": False, "on": True, "off": False}

# Strings that rac wraps in double quotes when non-empty (contract 2.6). `name`
# is quoted for a cluster and bare for an infobase: one outer pair is removed.
# The last line's fields are UNVERIFIED (no capture of a non-empty value); they
# are treated as quoted, which only matters if a value both starts and ends
# with a quote.
QUOTED_KEYS = frozenset("""
name descr denied-message denied-parameter permission-code application
series full-name rmngr-address short-presentation full-presentation
service-principal-name restart-schedule
current-service-name db-proc-info data-separation security-profile-name
safe-mode-security-profile-name external-session-manager-connection-string
""".split())

# Strings rac never quotes, even with spaces or Cyrillic: kept exactly as printed.
RAW_KEYS = frozenset("""
user-name host app-id locale db-server db-name db-user dbms
license-type os-user auth agent-host port-range using dedicate-managers
load-balancing-mode license-distribution use started-at last-active-at
connected-at db-proc-took-at denied-from denied-to
""".split())

# Never typed, whatever they look like (names, hosts, free text, enums).
STRING_KEYS = QUOTED_KEYS | RAW_KEYS

# yes/no and on/off fields. Unknown ones are recognised by their value too.
BOOL_KEYS = frozenset("""
hibernate sessions-deny scheduled-jobs-deny external-session-manager-required
reserve-working-processes disable-local-speech-to-text issued-by-server net
is-enable turned-on running reserve
""".split())

# Comma-separated lists, e.g. "193.56.75.213, 193.56.75.213".
LIST_KEYS = frozenset(["client-ip"])

_INT_RE = re.compile(r"-?[0-9]+\Z")
_FLOAT_RE = re.compile(r"-?[0-9]+\.[0-9]+\Z")


def snake_key(key):
    """rac key -> Python key: 'duration current-dbms' -> 'duration_current_dbms'."""
    return key.replace(" ", "_").replace("-", "_")


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


def _as_string(value):
    return unquote(value)


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


_CONVERTERS = {}


def _converter(key):
    """(snake key, value converter) for a rac key, cached: the parser's hot path."""
    found = _CONVERTERS.get(key)
    if found is None:
        if key in QUOTED_KEYS:
            conv = _as_string
        elif key in RAW_KEYS:
            conv = _as_raw
        elif key in LIST_KEYS:
            conv = _as_list
        elif key in BOOL_KEYS:
            conv = _as_bool
        else:
            conv = _by_look
        found = _CONVERTERS[key] = (snake_key(key), conv)
    return found


def _split_line(line, number):
    key, sep, rest = line.partition(":")
    if not sep or not key.strip():
        raise RacParseError("line %d is not 'key : value': %r" % (number, line[:200]))
    # rac writes ' : ' then the value; an empty value may have lost its space.
    if rest[:1] == " ":
        rest = rest[1:]
    return key.rstrip(), rest


def _opens_quote(key, value):
    """A quoted field's value that goes on to the next line (only fields rac quotes can)."""
    return key in QUOTED_KEYS and opens_quote(value)


def _quoted_value_ends(value):
    """Whether a quoted value read over several lines is complete: its closing quote ends the text read so far
    (or, for text that is not rac's quoting, the last line ends with a quote)."""
    close = closing_quote(value)
    return close == len(value) - 1 or (close > 0 and value[-1] == '"')


_STARTS_QUOTED = methodcaller("startswith", ('"', "'"))


def _column(conv, values):
    """Convert one field of every record at once (the fast path); None if a value needs the general parser.

    map() over builtins keeps the per-value work in C: this is the parser's hot path.
    """
    if conv is _as_raw:
        return values
    quoted = any(map(_STARTS_QUOTED, values))
    if quoted and conv is _as_string and any(map(opens_quote, values)):
        return None  # a quoted value going on to the next line
    if conv is _by_look:
        if all(map(str.isdigit, values)) and all(map(str.isascii, values)):
            return list(map(int, values))
        return list(map(_by_look, values))
    if conv is _as_bool:
        return list(map(_BOOL_WORDS.get, values, map(unquote, values)))
    if conv is _as_string and not quoted:
        return values
    return list(map(conv, values))


def _parse_plain(text):
    """rac's own layout, parsed by columns. Returns None for anything else (the general parser takes over).

    Real rac output is a grid: every record of a list has the same keys, padded the same way, in the same
    order, and a blank line after it. So field i of every record is every (n+1)-th line from line i, and a
    whole column can be checked and converted at once, which is several times faster than line by line.
    """
    lines = text.split("\n")
    if lines[-2:] != ["", ""]:
        return None
    del lines[-1]  # every record now ends with its blank line
    try:
        width = lines.index("")
    except ValueError:
        return None
    stride = width + 1
    if width == 0 or len(lines) % stride or any(lines[width::stride]):
        return None
    keys, columns = [], []
    spent = [None] * (len(lines) // stride)
    for index in range(width):
        first = lines[index]
        head, sep, _rest = first.partition(" : ")
        if not sep or not head.strip() or ":" in head:
            return None
        prefix = head + sep
        column = lines[index::stride]
        cut = len(prefix)
        if set(map(itemgetter(slice(0, cut)), column)) != {prefix}:
            return None
        skey, conv = _converter(head.rstrip())
        converted = _column(conv, list(map(itemgetter(slice(cut, None)), column)))
        if converted is None:
            return None
        # The converted values are new objects: let this column's lines go now, which keeps the peak memory
        # of a 10,000-session list near one copy of the text instead of two.
        lines[index::stride] = spent
        keys.append(skey)
        columns.append(converted)
    return [dict(zip(keys, row)) for row in zip(*columns)]


# operator.call (Python 3.11+) applies each column's converter to its value without a Python frame per value.
_CALL = getattr(operator, "call", None) or (lambda function, value: function(value))

# What a value of each kind of column may look like in the grid reader. A record with a value that does not fit
# does not match, and the whole text goes to the column reader.
_GRID_INT = r"(-?[0-9]+)"
_GRID_FLOAT = r"(-?[0-9]+\.[0-9]+)"
_GRID_BOOL = r"(yes|no|on|off)"
_GRID_RAW = r"(.*)"
# a field rac quotes whose first value is not quoted (empty, or bare although rac quotes the field): values with
# no quote in them are taken as they are, '' is empty
_GRID_BARE = "(?:''|([^\"\n]*))"
# a field rac quotes whose first value is quoted: quoted values (doubled quotes inside) or empty ones
_GRID_QUOTED = '(?:"((?:[^"\n]|"")*)"|)'
_UNDOUBLE = methodcaller("replace", '""', '"')
# a field typed by its look whose values are text: nothing that would look like a number, yes/no or a quote
_GRID_TEXT = "(?!-?[0-9]+(?:\\.[0-9]+)?\n|(?:yes|no|on|off)\n|[\"'])(.*)"


def _grid_column(key, value):
    """(regular expression of the column's value, converter) from the first record's value; None if unsure."""
    conv = _converter(key)[1]
    if conv is _as_raw:
        return _GRID_RAW, str
    if conv is _as_string:
        return (_GRID_QUOTED, _UNDOUBLE) if value[:1] == '"' else (_GRID_BARE, str)
    if conv is _as_list:
        return _GRID_RAW, _as_list
    if conv is _as_bool:
        return _GRID_BOOL, _BOOL_WORDS.__getitem__
    # typed by its look: the first record says what the column holds, the expression holds every record to it
    if _INT_RE.match(value):
        return _GRID_INT, int
    if _FLOAT_RE.match(value):
        return _GRID_FLOAT, float
    if value in _BOOL_WORDS:
        return _GRID_BOOL, _BOOL_WORDS.__getitem__
    if not value or value[0] in "\"'":
        return None
    return _GRID_TEXT, str


def _parse_grid(text):
    """rac's list layout read at once; None for anything else (the column reader takes over).

    One expression, built from the first record, matches a whole record: each line's key and padding
    literally, then a value of the kind its column holds. findall() returns the values of every record without
    a Python step per line. The matches cover the text exactly when every line end of the text is inside
    one (each match is anchored at a line start and holds `fields + 1` line ends), so nothing is skipped.
    """
    end = text.find("\n\n")
    if end <= 0 or text[-2:] != "\n\n":
        return None
    parts, keys, convs = [], [], []
    for line in text[:end].split("\n"):
        head, sep, value = line.partition(" : ")
        if not sep or not head.strip() or ":" in head:
            return None
        column = _grid_column(head.rstrip(), value)
        if column is None:
            return None
        parts.append(re.escape(head + sep) + column[0] + "\n")
        keys.append(snake_key(head.rstrip()))
        convs.append(column[1])
    if len(set(keys)) != len(keys):
        return None
    pattern = re.compile("(?m)^" + "".join(parts) + "\n")
    rows = pattern.findall(text)
    if not rows or len(rows) * (len(keys) + 1) != text.count("\n"):
        return None
    if len(keys) == 1:  # findall returns the value itself, not a tuple, for one group
        rows = [(row,) for row in rows]
    try:
        return [dict(zip(keys, map(_CALL, convs, row))) for row in rows]
    except (KeyError, ValueError):
        return None


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
        if records is None:
            records = _parse_plain(text)
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
                skey, conv = _converter(open_key)
                current[skey] = conv(open_value)
                open_key = None
            continue
        if not line.strip():
            if current:
                records.append(current)
                current = {}
            continue
        key, value = _split_line(line, number)
        if _opens_quote(key, value):
            open_key, open_value = key, value
            continue
        skey, conv = _converter(key)
        current[skey] = conv(value)
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
