# -*- coding: utf-8 -*-
"""The simulated ``rac`` client: rac's command line in, rac's output out.

It parses the command line the way real rac does (docs/rac_contract.md
sections 1.2 and 8), fails on a bad one before touching the network
("Error parsing option: <token>", exit 255), then sends the parsed command
to the simulated ras at ``host[:port]`` (default localhost:1545) over TCP and
prints its answer. Nothing listening gives rac's connection error.

Only the modes and commands the collection uses are simulated; any other real
rac command is accepted by the parser and answered with a clear
"not simulated" error so a test can never pass on a command that does nothing.
"""

import marshal
import os
import sys

# The builtin _socket, marshal and no site: this process starts once per rac call, like real rac, and the
# benchmarks measure many of them; `import socket, json` alone would double its start-up time.
import _socket

VERSION = os.environ.get("RAC_SIM_VERSION", "8.3.21.1895")

UUID = "uuid"
TEXT = "text"
ON_OFF = "on|off"
YES_NO = "yes|no"
DATE = "date"
INT = "int"
FLAG = "flag"

CLUSTER_AUTH = {"cluster": UUID, "cluster-user": TEXT, "cluster-pwd": TEXT}
INFOBASE_AUTH = {"infobase-user": TEXT, "infobase-pwd": TEXT}

# Mode-level options (allowed before or after the command).
MODE_OPTIONS = {
    "agent": {"agent-user": TEXT, "agent-pwd": TEXT},
    "cluster": {},
    "infobase": CLUSTER_AUTH,
    "session": CLUSTER_AUTH,
    "connection": CLUSTER_AUTH,
    "process": CLUSTER_AUTH,
    "server": CLUSTER_AUTH,
    "manager": CLUSTER_AUTH,
    "service": CLUSTER_AUTH,
    "lock": CLUSTER_AUTH,
    "rule": CLUSTER_AUTH,
    "profile": CLUSTER_AUTH,
    "counter": CLUSTER_AUTH,
    "limit": CLUSTER_AUTH,
}

UPDATE_OPTIONS = dict(INFOBASE_AUTH)
UPDATE_OPTIONS.update({
    "infobase": UUID, "dbms": TEXT, "db-server": TEXT, "db-name": TEXT, "db-user": TEXT, "db-pwd": TEXT,
    "descr": TEXT, "denied-from": DATE, "denied-message": TEXT, "denied-parameter": TEXT, "denied-to": DATE,
    "permission-code": TEXT, "sessions-deny": ON_OFF, "scheduled-jobs-deny": ON_OFF,
    "license-distribution": "deny|allow", "external-session-manager-connection-string": TEXT,
    "external-session-manager-required": YES_NO, "reserve-working-processes": YES_NO,
    "security-profile-name": TEXT, "safe-mode-security-profile-name": TEXT,
})

# (mode, command words) -> (options, required options). From `rac help <mode>` 8.3.21.
COMMANDS = {
    ("agent", "version"): ({}, ()),
    ("cluster", "list"): ({}, ()),
    ("cluster", "info"): ({"cluster": UUID}, ("cluster",)),
    ("cluster", "admin", "list"): (CLUSTER_AUTH, ("cluster",)),
    # parsed so its real option errors show; the server answers "not simulated"
    ("cluster", "update"): ({"cluster": UUID, "agent-user": TEXT, "agent-pwd": TEXT, "name": TEXT,
                             "expiration-timeout": INT, "lifetime-limit": INT, "max-memory-size": INT,
                             "max-memory-time-limit": INT, "security-level": INT,
                             "session-fault-tolerance-level": INT, "load-balancing-mode": "performance|memory",
                             "errors-count-threshold": INT, "kill-problem-processes": YES_NO,
                             "kill-by-memory-with-dump": YES_NO}, ("cluster",)),
    ("infobase", "summary", "list"): ({}, ()),
    ("infobase", "summary", "info"): ({"infobase": UUID}, ("infobase",)),
    ("infobase", "info"): (dict(INFOBASE_AUTH, infobase=UUID), ("infobase",)),
    ("infobase", "update"): (UPDATE_OPTIONS, ("infobase",)),
    ("session", "list"): ({"infobase": UUID, "licenses": FLAG}, ()),
    ("session", "info"): ({"session": UUID, "licenses": FLAG}, ("session",)),
    ("session", "terminate"): ({"session": UUID, "error-message": TEXT}, ("session",)),
    ("session", "interrupt-current-server-call"): ({"session": UUID, "error-message": TEXT}, ("session",)),
    ("connection", "list"): (dict(INFOBASE_AUTH, process=UUID, infobase=UUID), ()),
    ("connection", "disconnect"): (dict(INFOBASE_AUTH, process=UUID, connection=UUID), ("process", "connection")),
}
# Required mode-level options per mode.
MODE_REQUIRED = {mode: ("cluster",) for mode, opts in MODE_OPTIONS.items() if "cluster" in opts}

HEX = set("0123456789abcdefABCDEF")


class ParseError(Exception):
    pass


def is_uuid(value):
    parts = value.split("-")
    return [len(p) for p in parts] == [8, 4, 4, 4, 12] and all(c in HEX for p in parts for c in p)


def is_date(value):
    # rac prints and takes local time YYYY-MM-DDTHH:MM:SS; other input forms are UNVERIFIED, so refused.
    if len(value) != 19 or value[10] != "T":
        return False
    digits = value[0:4] + value[5:7] + value[8:10] + value[11:13] + value[14:16] + value[17:19]
    return digits.isdigit() and value[4] == value[7] == "-" and value[13] == value[16] == ":"


def check_value(kind, value):
    if kind == UUID:
        return is_uuid(value)
    if kind == DATE:
        return value == "" or is_date(value)
    if kind == INT:
        return value.lstrip("-").isdigit()
    if "|" in kind:
        return value in kind.split("|")
    return True


FLAGS = {"licenses", "create-database", "drop-database", "clear-database"}


def parse(argv):
    """rac argv (without the program) -> (mode, command words, options, address)."""
    positionals, options = [], []
    i = 0
    while i < len(argv):
        token = argv[i]
        if token.startswith("--"):
            name, eq, value = token[2:].partition("=")
            if not eq and name not in FLAGS and i + 1 < len(argv) and not argv[i + 1].startswith("--"):
                value = argv[i + 1]  # the "--name value" form
                i += 1
            elif not eq:
                value = None
            options.append((token, name, value))
        else:
            positionals.append(token)
        i += 1
    mode, words, address = None, [], None
    for token in positionals:
        path = (mode,) + tuple(words) + (token,)
        if mode is None and token in MODE_OPTIONS:
            mode = token
        elif mode is not None and any(key[:len(path)] == path for key in COMMANDS):
            words.append(token)
        elif address is None:
            address = token
        else:
            raise ParseError(token)
    if mode is None:
        raise ParseError(positionals[0] if positionals else "mode")
    key = (mode,) + tuple(words)
    if key not in COMMANDS:
        raise ParseError(words[-1] if words else mode)
    allowed = dict(MODE_OPTIONS[mode])
    allowed.update(COMMANDS[key][0])
    parsed = {}
    for token, name, value in options:
        kind = allowed.get(name)
        if kind is None:
            raise ParseError(token)
        if kind == FLAG:
            if value is not None:
                raise ParseError(token)
            parsed[name] = True
            continue
        if value is None:
            raise ParseError(name)
        if value == "" and (kind == UUID or name in ("cluster-user", "infobase-user")):
            raise ParseError(name)  # rac refuses an empty --cluster-user= (contract 1.2)
        if not check_value(kind, value):
            raise ParseError(token)  # UNVERIFIED text for malformed values; rac rejects them client-side
        parsed[name] = value
    for name in MODE_REQUIRED.get(mode, ()) + COMMANDS[key][1]:
        if name not in parsed:
            raise ParseError(name)
    return mode, words, parsed, address or "localhost:1545"


def parse_error_text(token):
    # rac's own texts follow the client locale; server texts do not.
    lang = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG") or ""
    if lang.lower().startswith("ru"):
        return "Ошибка разбора параметра: %s\n" % token
    return "Error parsing option: %s\n" % token


def split_address(address):
    host, sep, port = address.rpartition(":")
    if not sep:
        return address, 1545
    if not port.isdigit():
        raise ParseError(address)
    return host, int(port)


def ask(host, port, request):
    """One request per connection: b"M" + marshal, then our half closed; the answer is marshal until EOF."""
    error = None
    try:  # bytes: a str host would load the idna codec (and re, enum...): most of this process's start-up
        lookup = host.encode("ascii")
    except UnicodeEncodeError:
        lookup = host
    for family, kind, proto, _name, address in _socket.getaddrinfo(lookup, port, 0, _socket.SOCK_STREAM):
        conn = _socket.socket(family, kind, proto)
        try:
            conn.connect(address)
            break
        except OSError as exc:
            conn.close()
            error = exc
    else:
        raise error or OSError("no address for %s" % host)
    try:
        conn.sendall(b"M" + marshal.dumps(request))
        conn.shutdown(_socket.SHUT_WR)
        chunks = []
        while True:
            data = conn.recv(65536)
            if not data:
                break
            chunks.append(data)
    finally:
        conn.close()
    try:
        return marshal.loads(b"".join(chunks))
    except (EOFError, ValueError, TypeError):
        raise ConnectionResetError(104, "Connection reset by peer")


def write(stream, text):
    if text:
        stream.buffer.write(text.encode("utf-8"))
        stream.flush()


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if any(a in ("--version", "-v") for a in argv):
        write(sys.stdout, VERSION + "\n")
        return 0
    try:
        mode, words, options, address = parse(argv)
        host, port = split_address(address)
    except ParseError as exc:
        write(sys.stderr, parse_error_text(exc.args[0]))
        return 255
    try:
        answer = ask(host, port, {"mode": mode, "command": words, "options": options})
    except OSError as exc:
        # 8.5.4 on Linux: "Ошибка соединения с сервером" then the OS error text (contract section 4).
        write(sys.stderr, "Ошибка соединения с сервером\n%s\n" % (exc.strerror or exc))
        return 255
    write(sys.stdout, answer.get("stdout", ""))
    write(sys.stderr, answer.get("stderr", ""))
    return answer.get("rc", 255)


if __name__ == "__main__":
    sys.exit(main())
