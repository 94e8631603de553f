# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The RAS wire format: bytes <-> values. No socket here (see transport.py).

Ground truth: the real rac<->ras captures in tests/captures/ras/ (rac 8.3.21 /
service 11.0, rac 8.5.1 / service 16.0, rac.exe / 16.0) and the fact sheet
docs of the public decoders they were checked against. In short:

- a connection starts with the client's init block; the server answers a
  connect-ack packet (type 0x02);
- every later packet is a type byte, the payload length as a 7-bit
  little-endian varint, the payload;
- an endpoint message (0x0e) is: endpoint id, two format bytes, a kind byte
  (01 message, 00 bare ack, ff exception), then the method id and the body;
- strings are UTF-8 behind a size prefix (bit 7 = null, bit 6 = more size
  bytes, low 6 bits, then 7 bits per further byte); list counts are 7-bit
  varints; uuids 16 raw bytes; integers big-endian; booleans one byte; dates
  an int64 count of 100-microsecond units since 0001-01-01, the server's local
  wall-clock time, 0 for "no date".

Answers decode into the records of records.py: its fields, in its order, with
the value types rac's text gets from the rac parser (so a module cannot tell
the backends apart). The golden tests compare the two on real captures.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import re
import struct
import uuid as uuidlib

from ansible_collections.onec.cluster.plugins.module_utils.records import (
    CLUSTER_FIELDS,
    CLUSTER_FIELDS_16,
    CONNECTION_FIELDS,
    INFOBASE_FIELDS,
    INFOBASE_SUMMARY_FIELDS,
    LICENSE_FIELDS,
    SESSION_FIELDS,
)

SERVICE = "v8.service.Admin.Cluster"
# Service versions this codec implements, newest first.
SERVICE_VERSIONS = ("16.0", "11.0")

# Packet types.
CONNECT_ACK = 0x02
ENDPOINT_OPEN = 0x0B
ENDPOINT_OPEN_ACK = 0x0C
ENDPOINT_CLOSE = 0x0D
ENDPOINT_MESSAGE = 0x0E
ENDPOINT_FAILURE = 0x0F
KEEP_ALIVE = 0x10
PACKET_TYPES = frozenset([CONNECT_ACK, ENDPOINT_OPEN, ENDPOINT_OPEN_ACK, ENDPOINT_CLOSE, ENDPOINT_MESSAGE,
                          ENDPOINT_FAILURE, KEEP_ALIVE])

# Endpoint message kinds.
KIND_ACK = 0x00
KIND_MESSAGE = 0x01
KIND_EXCEPTION = 0xFF

ENDPOINT_ID = 1

# Method ids (request -> answer).
CLUSTER_AUTH = 0x09
INFOBASE_AUTH = 0x0A
CLUSTER_LIST = 0x0B  # -> 0x0c
INFOBASE_UPDATE = 0x28  # -> ack
INFOBASE_SUMMARY_LIST = 0x2A  # -> 0x2b
INFOBASE_INFO = 0x30  # -> 0x31
CONNECTION_LIST = 0x32  # -> 0x33
CONNECTION_LIST_INFOBASE = 0x34  # -> 0x35
CONNECTION_DISCONNECT = 0x40  # -> ack
SESSION_LIST = 0x41  # -> 0x42
SESSION_LIST_INFOBASE = 0x43  # -> 0x44
SESSION_TERMINATE = 0x47  # -> ack
SESSION_INTERRUPT = 0x75  # -> ack (v16 capture of the request and of the not-found answer; success UNVERIFIED)

# rac's init block: magic "\x1cSWP", protocol and codec versions, one parameter connect.timeout (int32 ms).
# Byte for byte what rac 8.3.21, 8.5.1 and rac.exe send (every capture).
INIT_BLOCK = bytes.fromhex("1c53575001000100011601") + b"\x0fconnect.timeout\x04" + struct.pack(">I", 2000)
CONNECT_ACK_PAYLOAD = b"\x80"

# db-pwd as ras shows it, and as rac sends it back to mean "unchanged".
PASSWORD_UNCHANGED = u"\ufffd"

_DATE_ORIGIN = datetime.datetime(1, 1, 1)
_UNITS_PER_SECOND = 10000


class CodecError(ValueError):
    """Bytes that do not decode: cut short, a bad size, an unknown packet."""


# -- writing ------------------------------------------------------------------
def varint(value):
    """7-bit little-endian varint (packet lengths, list counts)."""
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def string_size(size):
    """The size prefix of a string: low 6 bits first (bit 6 = more), then 7 bits a byte (bit 7 = more)."""
    first = size & 0x3F
    size >>= 6
    if not size:
        return bytes([first])
    return bytes([first | 0x40]) + varint(size)


def string(text):
    if text is None:
        return b"\x80"
    data = text.encode("utf-8")
    return string_size(len(data)) + data


def uuid_bytes(text):
    return uuidlib.UUID(text).bytes


def int32(value):
    return struct.pack(">i", value)


def int64(value):
    return struct.pack(">q", value)


def boolean(value):
    return b"\x01" if value else b"\x00"


def date(text):
    """'YYYY-MM-DDTHH:MM:SS' (server local time) or '' -> the wire value."""
    if not text:
        return int64(0)
    moment = datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S")
    delta = moment - _DATE_ORIGIN
    return int64((delta.days * 86400 + delta.seconds) * _UNITS_PER_SECOND)


def packet(kind, payload):
    return bytes([kind]) + varint(len(payload)) + payload


def endpoint_open(version):
    return packet(ENDPOINT_OPEN, string(SERVICE) + string(version) + b"\x80")


def endpoint_close():
    return packet(ENDPOINT_CLOSE, varint(ENDPOINT_ID))


def request(method, body=b""):
    """An endpoint message calling ``method``."""
    return packet(ENDPOINT_MESSAGE, varint(ENDPOINT_ID) + b"\x00\x00" + bytes([KIND_MESSAGE, method]) + body)


# -- requests -----------------------------------------------------------------
def cluster_auth(cluster, user, password):
    return request(CLUSTER_AUTH, uuid_bytes(cluster) + string(user or "") + string(password or ""))


def infobase_auth(cluster, user, password):
    return request(INFOBASE_AUTH, uuid_bytes(cluster) + string(user or "") + string(password or ""))


def cluster_list():
    return request(CLUSTER_LIST)


def infobase_summary_list(cluster):
    return request(INFOBASE_SUMMARY_LIST, uuid_bytes(cluster))


def infobase_info(cluster, infobase):
    return request(INFOBASE_INFO, uuid_bytes(cluster) + uuid_bytes(infobase))


def infobase_update(cluster, wire_infobase):
    """The whole infobase record back, db-pwd as U+FFFD ("unchanged"), every other field as read."""
    return request(INFOBASE_UPDATE, uuid_bytes(cluster) + wire_infobase.encode())


def session_list(cluster, infobase=None):
    if infobase:
        return request(SESSION_LIST_INFOBASE, uuid_bytes(cluster) + uuid_bytes(infobase))
    return request(SESSION_LIST, uuid_bytes(cluster))


def session_terminate(cluster, session, message=None):
    return request(SESSION_TERMINATE, uuid_bytes(cluster) + uuid_bytes(session) + string(message or ""))


def session_interrupt(cluster, session, message=None):
    # cluster, session, message: byte for byte the v16 capture (tests/captures/ras/*session_interrupt*)
    return request(SESSION_INTERRUPT, uuid_bytes(cluster) + uuid_bytes(session) + string(message or ""))


def connection_list(cluster, infobase=None):
    if infobase:
        return request(CONNECTION_LIST_INFOBASE, uuid_bytes(cluster) + uuid_bytes(infobase))
    return request(CONNECTION_LIST, uuid_bytes(cluster))


def connection_disconnect(cluster, process, connection):
    return request(CONNECTION_DISCONNECT, uuid_bytes(cluster) + uuid_bytes(process) + uuid_bytes(connection))


# -- reading ------------------------------------------------------------------


class Reader:
    """Reads values off one payload (bytes, or a memoryview on the receive buffer: a 250 MB answer is not copied);
    any overrun is a CodecError."""

    def __init__(self, data, pos=0):
        self.data = data if isinstance(data, (bytes, memoryview)) else memoryview(data)
        self.pos = pos

    def remaining(self):
        return len(self.data) - self.pos

    def rest(self):
        out = bytes(self.data[self.pos:])
        self.pos = len(self.data)
        return out

    def take(self, size):
        end = self.pos + size
        if end > len(self.data):
            raise CodecError("the answer is cut short: %d more bytes needed at offset %d of %d"
                             % (end - len(self.data), self.pos, len(self.data)))
        out = self.data[self.pos:end]
        self.pos = end
        return out

    def byte(self):
        return self.take(1)[0]

    def varint(self):
        value, self.pos = _read_varint(self.data, self.pos)
        return value

    def string(self):
        """A string ('' for a null one)."""
        text, self.pos = _read_string(self.data, self.pos)
        return text

    def uuid(self):
        return _uuid_text(self.take(16))


def read_packet(buffer):
    """(type, payload, bytes used) of the first whole packet in ``buffer``, or None if it is not all there yet."""
    found = packet_bounds(buffer)
    if found is None:
        return None
    kind, start, end = found
    return kind, bytes(buffer[start:end]), end


def packet_bounds(buffer):
    """(type, where its payload starts, where it ends) of the first whole packet in ``buffer``, or None if it is not
    all there yet: the caller reads the payload in place (transport.py hands it on as a memoryview)."""
    if not buffer:
        return None
    kind = buffer[0]
    if kind not in PACKET_TYPES:
        raise CodecError("unknown packet type 0x%02x" % kind)
    length = shift = 0
    pos = 1
    while True:
        if pos >= len(buffer):
            return None
        byte = buffer[pos]
        pos += 1
        length |= (byte & 0x7F) << shift
        if not byte & 0x80:
            break
        shift += 7
        if shift > 28:
            raise CodecError("a packet length longer than 4 bytes")
    if len(buffer) < pos + length:
        return None
    return kind, pos, pos + length


class Message:
    """One decoded endpoint message: kind, method (for messages) and a Reader on the body."""

    def __init__(self, kind, method, body):
        self.kind = kind
        self.method = method
        self.body = body


def read_message(payload):
    reader = Reader(payload)
    reader.varint()  # endpoint id
    reader.take(2)  # format
    kind = reader.byte()
    if kind == KIND_MESSAGE:
        return Message(kind, reader.byte(), reader)
    if kind in (KIND_ACK, KIND_EXCEPTION):
        return Message(kind, None, reader)
    raise CodecError("unknown endpoint message kind 0x%02x" % kind)


def read_exception(reader):
    """-> (class name, message text) of an exception answer."""
    return reader.string(), reader.string()


def read_open_ack(payload):
    """-> (service, version) the server opened."""
    reader = Reader(payload)
    return reader.string(), reader.string()


_SUPPORTED_RE = re.compile(r"supported=\s*((?:\d+\.\d+\s*,?\s*)+)")


class OpenFailure:
    """A refusal to open the admin service (0x0f): who refused, what ras said, the versions it said it supports."""

    def __init__(self, name, message, supported):
        self.name = name  # the exception class, "" when the head could not be read
        self.message = message
        self.supported = supported  # versions named after "supported=", [] when none

    @property
    def unsupported_version(self):
        return "UnsupportedService" in self.name


def read_open_failure(payload):
    """The refusal of an endpoint open (0x0f) -> OpenFailure.

    UNVERIFIED: no capture of this answer exists. Four public sources (khorevaa/ras-client's EndpointFailure parser,
    v8platform/protos, the names of 1C's Java library, Rac-Rust's handshake) agree on its layout: service id, the
    echoed version, endpoint id, class ``v8.service.UnsupportedService``, message, trace count, then a cause whose
    message holds ``... supported=3.0,...,10.0,11.0]``. The head is read in that layout; the versions are looked
    for after ``supported=`` anywhere in it (the cause's framing is not known), never taken from the echoed
    version.
    """
    name = message = ""
    reader = Reader(payload)
    try:
        reader.string()  # service
        reader.string()  # the version asked for, echoed
        reader.varint()  # endpoint id
        name, message = reader.string() or "", reader.string() or ""
    except CodecError:
        pass
    text = bytes(payload).decode("utf-8", "replace")
    found = _SUPPORTED_RE.search(text)
    supported = re.findall(r"\d+\.\d+", found.group(1)) if found else []
    return OpenFailure(name, message, supported)


# -- records ------------------------------------------------------------------
# A record type is its wire order: (record field of records.py, wire type). Types read like Reader methods;
# "bool_yes" etc. say how rac prints a boolean, which decides its Python type in the rac parser (yes/no and on/off
# become bool, 1/0 stay int).

# Cluster [RC serialize/cluster.go; checked on v11 and v16 cluster list].
CLUSTER_WIRE = [
    ("cluster", "uuid"), ("expiration_timeout", "int32"), ("host", "string"), ("lifetime_limit", "int32"),
    ("port", "uint16"), ("max_memory_size", "int32"), ("max_memory_time_limit", "int32"), ("name", "string"),
    ("security_level", "int32"), ("session_fault_tolerance_level", "int32"),
    ("load_balancing_mode", "balancing"), ("errors_count_threshold", "int32"),
    ("kill_problem_processes", "bool_int"), ("kill_by_memory_with_dump", "bool_int"),
]
# Service 16.0 appends 14 bytes (v16 capture: 00 00 00 01, then ten zero bytes) where rac 8.5.1 printed four more
# fields, all 0 or empty. UNVERIFIED: which bytes are which. Read as an int32 that rac does not print (the 1), then
# the four printed fields (bool, int32, int32, string: 10 bytes), which fits the capture but is not proven by it.
CLUSTER_WIRE_16 = CLUSTER_WIRE + [
    ("unprinted_16", "int32"), ("allow_access_right_audit_events_recording", "bool_int"),
    ("ping_period", "int32"), ("ping_timeout", "int32"), ("restart_schedule", "string"),
]
SUMMARY_WIRE = [("infobase", "uuid"), ("descr", "string"), ("name", "string")]

CONNECTION_WIRE = [
    ("connection", "uuid"), ("application", "string"), ("blocked_by_ls", "int32"), ("connected_at", "date"),
    ("conn_id", "int32"), ("host", "string"), ("infobase", "uuid"), ("process", "uuid"),
    ("session_number", "int32"),
]

# Session [PROTOS sessions.proto, RC serialize/session.go; decodes the v11 and v16 captures with no byte left over].
SESSION_WIRE = [
    ("session", "uuid"), ("app_id", "string"), ("blocked_by_dbms", "int32"), ("blocked_by_ls", "int32"),
    ("bytes_all", "int64"), ("bytes_last_5min", "int64"), ("calls_all", "int32"), ("calls_last_5min", "int64"),
    ("connection", "uuid"), ("dbms_bytes_all", "int64"), ("dbms_bytes_last_5min", "int64"),
    ("db_proc_info", "string"), ("db_proc_took", "int32"), ("db_proc_took_at", "date"),
    ("duration_all", "int32"), ("duration_all_dbms", "int32"), ("duration_current", "int32"),
    ("duration_current_dbms", "int32"), ("duration_last_5min", "int64"), ("duration_last_5min_dbms", "int64"),
    ("host", "string"), ("infobase", "uuid"), ("last_active_at", "date"), ("hibernate", "bool"),
    ("passive_session_hibernate_time", "int32"), ("hibernate_session_terminate_time", "int32"),
    ("licenses", "licenses"), ("locale", "string"), ("process", "uuid"), ("session_id", "int32"),
    ("started_at", "date"), ("user_name", "string"),
    ("memory_current", "int64"), ("memory_last_5min", "int64"), ("memory_total", "int64"),
    ("read_current", "int64"), ("read_last_5min", "int64"), ("read_total", "int64"),
    ("write_current", "int64"), ("write_last_5min", "int64"), ("write_total", "int64"),
    ("duration_current_service", "int32"), ("duration_last_5min_service", "int64"),
    ("duration_all_service", "int32"), ("current_service_name", "string"),
    ("cpu_time_current", "int64"), ("cpu_time_last_5min", "int64"), ("cpu_time_total", "int64"),
    ("data_separation", "separation"), ("client_ip", "ip_list"),
]

# A licence inside a session record [RC serialize/license.go]; decoded into the record's ``licenses`` when asked
# for (rac prints them only with --licenses), else read past. Checked on the v16 session-list capture, whose
# licences rac printed (tests/captures/ras/*session_list_licenses*).
LICENSE_WIRE = [
    ("full_name", "string"), ("full_presentation", "string"), ("issued_by_server", "bool"),
    ("license_type", "license_type"), ("max_users_all", "int32"), ("max_users_cur", "int32"), ("net", "bool"),
    ("rmngr_address", "string"), ("rmngr_pid", "string"), ("rmngr_port", "int32"), ("series", "string"),
    ("short_presentation", "string"),
]

# Infobase [RC serialize/infobase.go; checked on the whole win16 update request]. Kept as read for the update.
INFOBASE_WIRE = [
    ("infobase", "uuid"), ("date_offset", "int32"), ("dbms", "string"), ("db_name", "string"),
    ("db_pwd", "string"), ("db_server", "string"), ("db_user", "string"), ("denied_from", "date"),
    ("denied_message", "string"), ("denied_parameter", "string"), ("denied_to", "date"), ("descr", "string"),
    ("locale", "string"), ("name", "string"), ("permission_code", "string"), ("scheduled_jobs_deny", "bool"),
    ("security_level", "int32"), ("sessions_deny", "bool"), ("license_distribution", "distribution"),
    ("external_session_manager_connection_string", "string"), ("external_session_manager_required", "bool"),
    ("security_profile_name", "string"), ("safe_mode_security_profile_name", "string"),
    ("reserve_working_processes", "bool"),
]
# UNVERIFIED: 16.0 sends 13 more bytes after reserve-working-processes (the win16 update request); rac 8.5.1 /
# newer 8.3.2x print four more fields after descr. Read as bool + 3 x int32 in that order because 1 + 3 x 4 = 13
# and that is the printed order; no capture shows them non-zero. The bytes are sent back as read in any case.
INFOBASE_TAIL_16 = [
    ("disable_local_speech_to_text", "bool"),
    ("configuration_unload_delay_by_working_process_without_active_users", "int32"),
    ("minimum_scheduled_jobs_start_period_without_active_users", "int32"),
    ("maximum_scheduled_jobs_start_shift_without_active_users", "int32"),
]
INFOBASE_TAIL_16_SIZE = 13

# How rac prints values of these types: load-balancing-mode 0 = performance (v11 capture); 1 = memory UNVERIFIED.
# license-distribution: 1 = allow is UNVERIFIED (the win16 infobase, a default one, has 1; rac's default is allow).
BALANCING = {0: "performance", 1: "memory"}
# license-type: 0 = soft (v16 capture, a file licence); 1 = HASP is UNVERIFIED (no capture of a HASP key on the wire).
LICENSE_TYPES = {0: "soft", 1: "HASP"}
DISTRIBUTION = {0: "deny", 1: "allow"}


# -- decoding records fast ---------------------------------------------------------------------------------------
# A record type is compiled once into steps: each run of fixed-size fields is one struct.unpack_from, each
# variable-size field (strings, the licence list) one function. A session list of 10,000 records decodes in a few
# hundred milliseconds this way, several times faster than field by field.
def _uuid_text(raw):
    h = raw.hex()
    return "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])


def _date_text(units):
    if units <= 0:
        return ""
    try:
        return (_DATE_ORIGIN + datetime.timedelta(seconds=units // _UNITS_PER_SECOND)).isoformat()
    except OverflowError:
        raise CodecError("a date out of range (%d)" % units)


def _enum(names):
    return lambda value: names.get(value, value)


# fixed-size kinds: (struct code, conversion or None)
_FIXED = {
    "uuid": ("16s", _uuid_text),
    "int32": ("i", None),
    "int64": ("q", None),
    "uint16": ("H", None),
    "date": ("q", _date_text),
    "bool": ("?", None),
    "bool_int": ("B", None),  # rac prints 1/0 (cluster fields), the rac parser keeps them int
    "balancing": ("i", _enum(BALANCING)),
    "distribution": ("i", _enum(DISTRIBUTION)),
    "license_type": ("i", _enum(LICENSE_TYPES)),
}


def _read_varint(data, pos):
    """-> (value, next position) of a 7-bit little-endian varint."""
    value = shift = 0
    while True:
        if pos >= len(data):
            raise CodecError("the answer is cut short inside a size at offset %d" % pos)
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7
        if shift > 63:
            raise CodecError("a size longer than 9 bytes at offset %d" % pos)


def _read_string(data, pos):
    """-> (text, next position): the size prefix of ``string_size``, then UTF-8; null reads as ''."""
    if pos >= len(data):
        raise CodecError("the answer is cut short before a string at offset %d" % pos)
    first = data[pos]
    pos += 1
    if first & 0x80:
        return "", pos
    size = first & 0x3F
    if first & 0x40:
        more, pos = _read_varint(data, pos)
        size |= more << 6
    end = pos + size
    if end > len(data):
        raise CodecError("the answer is cut short: a string of %d bytes at offset %d of %d" % (size, pos, len(data)))
    try:
        return str(data[pos:end], "utf-8"), end
    except UnicodeDecodeError:
        raise CodecError("a string that is not UTF-8 at offset %d" % pos)


def _read_licenses(data, pos):
    # the licences inside a session record, as rac prints them with --licenses (records.LICENSE_FIELDS)
    count, pos = _read_varint(data, pos)
    licences = []
    for _index in range(count):
        values, pos = decode_fields(_compiled(LICENSE_WIRE), data, pos)
        pid = values["rmngr_pid"]
        values["rmngr_pid"] = int(pid) if pid.isdigit() else pid  # a string on the wire, a number in rac's text
        licences.append(_printed(values, LICENSE_FIELDS))
    return licences, pos


def _read_ip_list(data, pos):
    # rac prints the text as is; the rac parser splits it on commas.
    text, pos = _read_string(data, pos)
    return [part.strip() for part in text.split(",") if part.strip()], pos


def _read_separation(data, pos):
    # ras sends the two characters '' when empty (v11, v16); rac prints them and the rac parser reads them as "".
    text, pos = _read_string(data, pos)
    return ("" if text == "''" else text), pos


_VARIABLE = {"string": _read_string, "licenses": _read_licenses, "ip_list": _read_ip_list,
             "separation": _read_separation}

_COMPILED = {}


def _compiled(wire):
    """The steps of a record type: ("fixed", Struct, [(key, conversion)]) or ("variable", key, read)."""
    found = _COMPILED.get(id(wire))
    if found is None:
        found, codes, fields = [], "", []
        for key, kind in wire + [(None, None)]:
            if kind in _FIXED:
                codes += _FIXED[kind][0]
                fields.append((key, _FIXED[kind][1]))
                continue
            if fields:
                found.append(("fixed", struct.Struct(">" + codes), fields))
                codes, fields = "", []
            if kind is not None:
                found.append(("variable", key, _VARIABLE[kind]))
        _COMPILED[id(wire)] = found
    return found


def decode_fields(steps, data, pos):
    """-> (values by key, next position) of one record."""
    values = {}
    for step in steps:
        if step[0] == "fixed":
            layout = step[1]
            if pos + layout.size > len(data):
                raise CodecError("the answer is cut short: %d more bytes needed at offset %d of %d"
                                 % (pos + layout.size - len(data), pos, len(data)))
            for (key, convert), value in zip(step[2], layout.unpack_from(data, pos)):
                values[key] = convert(value) if convert else value
            pos += layout.size
        else:
            values[step[1]], pos = step[2](data, pos)
    return values, pos


def read_fields(reader, wire):
    values, reader.pos = decode_fields(_compiled(wire), reader.data, reader.pos)
    return values


def _read_list(reader, wire, printed):
    steps = _compiled(wire)
    data = reader.data
    count = reader.varint()
    pos = reader.pos
    records = []
    for _index in range(count):
        values, pos = decode_fields(steps, data, pos)
        records.append(dict((key, values[key]) for key in printed))
    reader.pos = pos
    return records


def _printed(values, printed):
    return dict((key, values[key]) for key in printed)


def _expect_end(reader, what):
    if reader.remaining():
        raise CodecError("%d unexpected bytes after the %s" % (reader.remaining(), what))


def decode_clusters(reader, version):
    wire, printed = (CLUSTER_WIRE_16, CLUSTER_FIELDS_16) if _major(version) >= 16 else (CLUSTER_WIRE, CLUSTER_FIELDS)
    records = _read_list(reader, wire, printed)
    _expect_end(reader, "cluster list")
    return records


def decode_infobase_summaries(reader, version=None):
    records = _read_list(reader, SUMMARY_WIRE, INFOBASE_SUMMARY_FIELDS)
    _expect_end(reader, "infobase list")
    return records


def decode_sessions(reader, version=None, licenses=False):
    """Session records; with ``licenses`` each keeps its ``licenses`` (rac prints them with --licenses only)."""
    records = _read_list(reader, SESSION_WIRE, SESSION_FIELDS + ("licenses",) if licenses else SESSION_FIELDS)
    _expect_end(reader, "session list")
    return records


def decode_connections(reader, version=None):
    records = _read_list(reader, CONNECTION_WIRE, CONNECTION_FIELDS)
    _expect_end(reader, "connection list")
    return records


def _major(version):
    return int(str(version).split(".", 1)[0])


class WireInfobase:
    """An infobase record as ras sent it: every field by name plus any bytes this codec cannot name.

    The update sends it back whole (1C's own API does the same read-modify-write), so fields of a newer service
    version survive an update made by this collection.
    """

    def __init__(self, values, tail=b"", version="16.0"):
        self.values = values
        self.tail = tail
        self.version = version

    @classmethod
    def decode(cls, reader, version):
        values = read_fields(reader, INFOBASE_WIRE)
        return cls(values, reader.rest(), version)

    def record(self):
        """The infobase record (records.INFOBASE_FIELDS; db-pwd is never shown)."""
        out = _printed(self.values, INFOBASE_FIELDS)
        if _major(self.version) >= 16:
            if len(self.tail) == INFOBASE_TAIL_16_SIZE:
                out.update(read_fields(Reader(self.tail), INFOBASE_TAIL_16))
        return out

    def changed(self, **fields):
        """A copy with some fields changed (lock fields: bools and 'YYYY-MM-DDTHH:MM:SS' or '' dates)."""
        values = dict(self.values)
        for key, value in fields.items():
            if key not in values:
                raise KeyError("no infobase field %s" % key)
            values[key] = value
        return WireInfobase(values, self.tail, self.version)

    def encode(self):
        parts = []
        for key, kind in INFOBASE_WIRE:
            value = self.values[key]
            if key == "db_pwd":
                parts.append(string(PASSWORD_UNCHANGED))
            elif kind == "uuid":
                parts.append(uuid_bytes(value))
            elif kind == "string":
                parts.append(string(value))
            elif kind == "int32":
                parts.append(int32(value))
            elif kind == "date":
                parts.append(date(value))
            elif kind == "bool":
                parts.append(boolean(value))
            elif kind == "distribution":
                parts.append(int32(_code(DISTRIBUTION, value)))
        return b"".join(parts) + self.tail


def read_infobase_of(reader, version, infobase):
    """The infobase record of an info answer (0x31), refused unless it is the record of ``infobase``.

    An update writes back the record it read, so a record of another infobase must never get this far. The
    record is taken where its uuid is: at offset 0 (the layout of the captured update request, 0x28), or at
    offset 1 with that byte skipped: a public decode of a successful 16.0 ``infobase info`` answer (Rac-Rust's
    early docs, the server of our captures) shows the body one byte before the uuid, and its 13-byte 16.0 tail
    as a bool 0 then int32 999, 888, 777, the layout INFOBASE_TAIL_16 assumes (which option each int is remains
    UNVERIFIED). Any other layout is refused.
    """
    wanted = infobase.lower()
    start = reader.pos
    found = []
    for skip in (0, 1):
        raw = reader.data[start + skip:start + skip + 16]
        if len(raw) == 16:
            found.append(_uuid_text(raw))
            if found[-1] == wanted:
                reader.pos = start + skip
                return WireInfobase.decode(reader, version)
    raise CodecError("asked for infobase %s, the answer holds the record of %s; nothing was written"
                     % (wanted, found[0] if found else "no infobase"))


def _code(names, value):
    for code, name in names.items():
        if name == value:
            return code
    return value
