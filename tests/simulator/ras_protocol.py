# -*- coding: utf-8 -*-
"""The simulated ras speaking the real RAS protocol, for the collection's native backend.

Same port, same state and semantics as the simulated rac path (ras_sim.Simulator): every call runs the same
command handler (authentication, Russian error texts, locks, sessions leaving, faults), only its answer is encoded
as ras encodes it instead of printed as rac prints it. Byte layouts are the project's codec
(plugins/module_utils/native/codec.py and the records.py it names fields from); the golden tests in
tests/unit/simulator/test_ras_protocol.py check this server's answers against the real captured ones, which keeps
codec and simulator honest together.

What real ras does that no capture shows is marked UNVERIFIED where this server has to choose: the answer to an
unknown service version, the infobase-info answer, the infobase session list (0x43).
"""

import os
import sys

# The project's codec and the records it names its fields from, imported from the collection tree (the one
# tests/conftest.py and scripts/bootstrap.sh link; made here too, for a simulator started on its own).
_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_COLLECTIONS = os.path.join(_ROOT, ".build", "collections")
if not os.path.isdir(os.path.join(_COLLECTIONS, "ansible_collections", "onec", "cluster")):
    os.makedirs(os.path.join(_COLLECTIONS, "ansible_collections", "onec"), exist_ok=True)
    try:
        os.symlink(_ROOT, os.path.join(_COLLECTIONS, "ansible_collections", "onec", "cluster"))
    except FileExistsError:  # another process made it first
        pass
if _COLLECTIONS not in sys.path:
    sys.path.insert(0, _COLLECTIONS)

from ansible_collections.onec.cluster.plugins.module_utils.native import codec  # noqa: E402
from ansible_collections.onec.cluster.plugins.module_utils.records import NULL_UUID  # noqa: E402

INIT_BLOCK = codec.INIT_BLOCK

# Service versions a simulated platform answers, newest first: 8.3.21 knows 11.0 only, 8.5.1 both.
VERSIONS = {"8.3.21": ("11.0",), "8.5.1": ("16.0", "11.0")}

EXCEPTION_PREFIX = codec.SERVICE + "#"

# The server texts ras_sim fails with -> the exception class ras sends with them (captures, fact sheet).
_CLASSES = [
    ("Кластер с указанным идентификатором не найден", "ClusterNotFound"),
    ("Информационная база с указанным идентификатором не найдена", "InfoBaseNotFound"),
    ("Сеанс с указанным идентификатором не найден", "SessionNotFound"),
    ("Недостаточно прав пользователя на информационную базу", "Rights"),
    ("Соединение", "ClientNotFound"),  # 8.5.1 answers a disconnect of an unknown connection so (v16 capture)
]


def exception_class(text):
    if text.lstrip().startswith("server_addr="):
        return "swp.UnknownThrowable"  # ras cut off from the working process (v16 capture)
    for start, name in _CLASSES:
        if text.startswith(start):
            return EXCEPTION_PREFIX + name
    return EXCEPTION_PREFIX + "Failure"  # cluster administrator not authenticated, data changed, anything else


# -- encoding records as ras sends them ----------------------------------------------------------------------------
def _rac_key(key):
    return key.replace("_", "-")


def _truth(value):
    return value in (True, 1, "1", "yes", "on")


def _code(names, value):
    for code, name in names.items():
        if name == value:
            return code
    return int(value or 0)


_ENCODERS = {
    "uuid": lambda v: codec.uuid_bytes(v or NULL_UUID),
    "string": lambda v: codec.string("" if v is None else str(v)),
    "int32": lambda v: codec.int32(int(v or 0)),
    "int64": lambda v: codec.int64(int(v or 0)),
    "uint16": lambda v: int(v or 0).to_bytes(2, "big"),
    "date": lambda v: codec.date(v or ""),
    "bool": lambda v: codec.boolean(_truth(v)),
    "bool_int": lambda v: bytes([1 if _truth(v) else 0]),
    "licenses": lambda v: encode_list(v or [], codec.LICENSE_WIRE),  # rmngr-pid goes as a string
    "license_type": lambda v: codec.int32(_code(codec.LICENSE_TYPES, v)),
    "ip_list": lambda v: codec.string(", ".join(v) if isinstance(v, list) else str(v or "")),
    "separation": lambda v: codec.string(v or "''"),  # ras sends '' for an empty one (v11, v16 captures)
    "balancing": lambda v: codec.int32(_code(codec.BALANCING, v)),
    "distribution": lambda v: codec.int32(_code(codec.DISTRIBUTION, v)),
}

# Values the simulator's state does not hold: what the captures show.
_DEFAULTS = {"unprinted_16": 1, "locale": "ru_RU", "date-offset": 0, "db-pwd": codec.PASSWORD_UNCHANGED}


def encode_record(record, wire, licenses_of=None):
    """A record's bytes; a session's licences (they travel inside its record) are licenses_of(record)."""
    parts = []
    for key, kind in wire:
        rac_key = _rac_key(key)
        if kind == "licenses" and licenses_of is not None:
            value = licenses_of(record)
        else:
            value = record.get(rac_key, _DEFAULTS.get(rac_key, _DEFAULTS.get(key)))
        parts.append(_ENCODERS[kind](value))
    return b"".join(parts)


def encode_list(records, wire, licenses_of=None):
    return codec.varint(len(records)) + b"".join(encode_record(r, wire, licenses_of) for r in records)


def encode_infobase(record, version):
    body = encode_record(record, codec.INFOBASE_WIRE)
    if version == "16.0":
        body += encode_record(record, codec.INFOBASE_TAIL_16)  # UNVERIFIED layout, see native/codec.py
    return body


def wire_of(kind, version):
    if kind == "cluster":
        return codec.CLUSTER_WIRE_16 if version == "16.0" else codec.CLUSTER_WIRE
    return {"summary": codec.SUMMARY_WIRE, "session": codec.SESSION_WIRE,
            "connection": codec.CONNECTION_WIRE}[kind]


# -- one connection -------------------------------------------------------------------------------------------------
def message(kind, body, method=None):
    head = codec.varint(codec.ENDPOINT_ID) + b"\x00\x00" + bytes([kind])
    if method is not None:
        head += bytes([method])
    return codec.packet(codec.ENDPOINT_MESSAGE, head + body)


ACK = message(codec.KIND_ACK, b"")


def exception(text):
    text = text.rstrip("\n")
    return message(codec.KIND_EXCEPTION,
                   codec.string(exception_class(text)) + codec.string(text) + b"\x00\x80")


def open_refusal(version, offered):
    """The endpoint failure (0x0f) refusing ``version``. UNVERIFIED: no capture of it exists; the layout four public
    sources agree on (see codec.read_open_failure): service, the echoed version, endpoint id, class, message, trace
    count, a cause whose message lists the supported versions (its framing here: the exception answer's)."""
    names = ",".join(offered)
    return (codec.string(codec.SERVICE) + codec.string(version) + codec.varint(codec.ENDPOINT_ID)
            + codec.string("v8.service.UnsupportedService")
            + codec.string("Версия %s сервиса %s не поддерживается" % (version, codec.SERVICE)) + b"\x00"
            + b"\x01" + codec.string("v8.service.UnsupportedService")
            + codec.string("[service=%s, version=%s, supported=%s]" % (codec.SERVICE, version, names)) + b"\x00\x80")


class Connection:
    """The state ras keeps per connection: the service version, who authenticated."""

    def __init__(self, sim):
        self.sim = sim
        self.version = None
        self.cluster_auth = {}  # cluster -> {"cluster-user": ..., "cluster-pwd": ...}
        self.infobase_auth = {}

    def options(self, cluster, infobase_credentials=False, **more):
        options = {"cluster": cluster}
        options.update(self.cluster_auth.get(cluster, {}))
        if infobase_credentials:
            options.update(self.infobase_auth.get(cluster, {}))
        options.update((k.replace("_", "-"), v) for k, v in more.items() if v is not None)
        return options

    def open(self, payload):
        reader = codec.Reader(payload)
        service, version = reader.string(), reader.string()
        offered = VERSIONS[self.sim.version]
        if service != codec.SERVICE or version not in offered:
            return codec.packet(codec.ENDPOINT_FAILURE, open_refusal(version, offered))
        self.version = version
        return codec.packet(codec.ENDPOINT_OPEN_ACK, codec.string(service) + codec.string(version) + b"\x01\x80")

    def call(self, payload, failure):
        """-> ("answer", packet) for an authentication, else ("command", (mode, words, options, present))."""
        request = codec.read_message(payload)
        body = request.body
        method = request.method
        if method == codec.CLUSTER_AUTH:
            cluster, user, password = body.uuid(), body.string(), body.string()
            credentials = {"cluster-user": user, "cluster-pwd": password}
            try:
                with self.sim.lock:
                    self.sim.check_cluster_admin(self.sim.cluster({"cluster": cluster}), credentials)
            except failure as exc:
                return "answer", exception(exc.stderr)
            self.cluster_auth[cluster] = credentials
            return "answer", ACK
        if method == codec.INFOBASE_AUTH:
            cluster, user, password = body.uuid(), body.string(), body.string()
            self.infobase_auth[cluster] = {"infobase-user": user, "infobase-pwd": password}
            return "answer", ACK  # checked by the calls that need it, as ras does (#Rights on the next call)
        command = self.command(method, body)
        if command is None:
            return "answer", exception("rac simulator: method 0x%02x is not simulated" % method)
        return "command", command

    def command(self, method, body):
        """The simulator command of a protocol call: (mode, words, options, present(kind, records) -> packet), present
        None for a command answered by a bare acknowledgement."""
        version = self.version

        def records(answer_method):
            return lambda kind, found: message(
                codec.KIND_MESSAGE, encode_list(found, wire_of(kind, version), self.sim.licenses_of), answer_method)

        if method == codec.CLUSTER_LIST:
            return "cluster", ["list"], {}, records(0x0C)
        cluster = body.uuid()
        if method == codec.INFOBASE_SUMMARY_LIST:
            return "infobase", ["summary", "list"], self.options(cluster), records(0x2B)
        if method == codec.INFOBASE_INFO:
            options = self.options(cluster, True, infobase=body.uuid())
            return "infobase", ["info"], options, lambda kind, found: message(
                codec.KIND_MESSAGE, encode_infobase(found[0], version), 0x31)
        if method == codec.INFOBASE_UPDATE:
            record = codec.WireInfobase.decode(body, version).values
            options = self.options(
                cluster, True, infobase=record["infobase"], descr=record["descr"],
                sessions_deny="on" if record["sessions_deny"] else "off",
                scheduled_jobs_deny="on" if record["scheduled_jobs_deny"] else "off",
                denied_from=record["denied_from"], denied_to=record["denied_to"],
                denied_message=record["denied_message"], denied_parameter=record["denied_parameter"],
                permission_code=record["permission_code"])
            return "infobase", ["update"], options, None
        if method == codec.SESSION_LIST:
            return "session", ["list"], self.options(cluster), records(0x42)
        if method == codec.SESSION_LIST_INFOBASE:  # UNVERIFIED: not in any capture (fact sheet)
            return "session", ["list"], self.options(cluster, infobase=body.uuid()), records(0x44)
        if method == codec.SESSION_TERMINATE:
            options = self.options(cluster, session=body.uuid(), error_message=body.string())
            return "session", ["terminate"], options, None
        if method == codec.SESSION_INTERRUPT:
            options = self.options(cluster, session=body.uuid(), error_message=body.string())
            return "session", ["interrupt-current-server-call"], options, None
        if method == codec.CONNECTION_LIST:
            return "connection", ["list"], self.options(cluster), records(0x33)
        if method == codec.CONNECTION_LIST_INFOBASE:
            return "connection", ["list"], self.options(cluster, True, infobase=body.uuid()), records(0x35)
        if method == codec.CONNECTION_DISCONNECT:
            options = self.options(cluster, True, process=body.uuid(), connection=body.uuid())
            return "connection", ["disconnect"], options, None
        return None


def read_packet(rfile):
    """(type, payload) of the next packet, None when the client has gone."""
    head = rfile.read(1)
    if not head:
        return None
    length = shift = 0
    while True:
        byte = rfile.read(1)
        if not byte:
            return None
        length |= (byte[0] & 0x7F) << shift
        if not byte[0] & 0x80:
            break
        shift += 7
    payload = rfile.read(length)
    if len(payload) < length:
        return None
    return head[0], payload


def serve(handler, sim, first, failure):
    """Answer one RAS connection (``first`` is its first byte, already read) until the client closes it.

    ``failure`` is the exception class the simulator's commands fail with (ras_sim.RacFailure)."""
    rest = handler.rfile.read(len(INIT_BLOCK) - 1)
    if not (first + rest).startswith(INIT_BLOCK[:4]):
        return
    out = handler.wfile
    out.write(codec.packet(codec.CONNECT_ACK, codec.CONNECT_ACK_PAYLOAD))
    out.flush()
    conn = Connection(sim)
    while True:
        packet = read_packet(handler.rfile)
        if packet is None:
            return
        kind, payload = packet
        if kind == codec.ENDPOINT_CLOSE:
            return
        if kind == codec.ENDPOINT_OPEN:
            out.write(conn.open(payload))
            out.flush()
            continue
        if kind != codec.ENDPOINT_MESSAGE:
            return
        if not answer_call(conn, sim, payload, out, failure):
            return


def answer_call(conn, sim, payload, out, failure):
    """One call through the simulator's faults and latency, as a rac call goes; False to drop the connection."""
    kind, value = conn.call(payload, failure)
    if kind == "answer":
        out.write(value)  # authentication: one round trip, no command
        out.flush()
        return True
    mode, words, options, present = value
    name = " ".join([mode] + words)
    die_after = sim.admit(name, payload)
    if die_after is None:
        return False  # reset without an answer
    try:
        answer = sim.execute(mode, words, options, present)
        if present is None:
            answer = ACK  # a command rac prints nothing for: ras acknowledges it
    except failure as exc:
        answer = exception(exc.stderr)
    garbage = sim.take_fault("garbage", name)
    truncate = sim.take_fault("truncate", name)
    if garbage:
        out.write(garbage["stdout"].encode("utf-8"))
    elif truncate:
        out.write(answer[:truncate["bytes"]])  # ras closing in the middle of an answer
    else:
        out.write(answer)
    out.flush()
    if die_after:
        sim.go_away()
    return not (garbage or truncate)
