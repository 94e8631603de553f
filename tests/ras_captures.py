# -*- coding: utf-8 -*-
"""Reading the real rac<->ras captures in tests/captures/ras/ (copied from ../shared/ras/captures, headers kept).

Per capture NAME: NAME_client_to_server.decode.txt and NAME_server_to_client.decode.txt (frames: opcode, length,
payload hex), NAME_response.hex (the whole server->client stream), NAME_rac.out / NAME_rac.err (what rac printed).
"""

import os
import re

CAPTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "captures", "ras")


def path(name):
    return os.path.join(CAPTURES, name)


def _lines(name):
    with open(path(name), encoding="utf-8") as handle:
        return [line for line in handle.read().splitlines() if not line.startswith("# ")]


def frames(name, direction="client_to_server"):
    """[(opcode, payload bytes)] of one side of a capture, in order."""
    out = []
    opcode = None
    for line in _lines("%s_%s.decode.txt" % (name, direction)):
        match = re.match(r"frame=\d+ opcode=0x([0-9a-f]+) len=(\d+)", line)
        if match:
            opcode = int(match.group(1), 16)
            length = int(match.group(2))
            continue
        match = re.match(r"\s+payload_hex=([0-9a-f]*)", line)
        if match:
            payload = bytes.fromhex(match.group(1))
            assert len(payload) == length, (name, length, len(payload))
            out.append((opcode, payload))
    return out


def wire(name, direction="client_to_server"):
    """The frames of one side as the bytes that went over the wire (type, 7-bit length, payload)."""
    out = b""
    for opcode, payload in frames(name, direction):
        length, size = b"", len(payload)
        while True:
            byte = size & 0x7F
            size >>= 7
            length += bytes([byte | (0x80 if size else 0)])
            if not size:
                break
        out += bytes([opcode]) + length + payload
    return out


def response_hex(name):
    return bytes.fromhex("".join(_lines("%s_response.hex" % name)))


def rac_text(name, stream="out"):
    """What rac printed, without the capture's header lines."""
    with open(path("%s_rac.%s" % (name, stream)), "rb") as handle:
        data = handle.read().decode("utf-8")
    lines = data.splitlines(True)
    while lines and lines[0].startswith(("# source:", "# note:")):
        lines.pop(0)
    return "".join(lines)


def hex_payload(name):
    """The payload of a '*.hex.txt' capture (hex bytes, '#' header lines)."""
    return bytes.fromhex("".join(line for line in _lines(name)).replace(" ", ""))


def proxy_packets(name="win16_terminate_success_proxy_log.txt"):
    """[(connection, direction, bytes)] of the Windows logging-proxy capture, one entry per logged read."""
    out = []
    current = None
    with open(path(name), encoding="utf-8") as handle:
        for line in handle:
            match = re.match(r"--- Packet #\d+ \[Conn #(\d+)\] (CLIENT|SERVER)", line)
            if match:
                current = [int(match.group(1)), match.group(2).lower(), b""]
                out.append(current)
                continue
            match = re.match(r"[0-9a-f]{6}  \| ((?:[0-9a-f]{2}\s+)+)\|", line)
            if match and current is not None:
                current[2] += bytes.fromhex(match.group(1).replace(" ", ""))
    return [(c, d, bytes(b)) for c, d, b in out]


def proxy_stream(connection, direction, name="win16_terminate_success_proxy_log.txt"):
    """The bytes one side sent on one connection of the proxy capture."""
    return b"".join(data for conn, side, data in proxy_packets(name) if conn == connection and side == direction)
