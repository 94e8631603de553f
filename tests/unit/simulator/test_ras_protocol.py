# -*- coding: utf-8 -*-
"""The simulated ras answers the real RAS protocol like real ras: the captured rac requests, sent to a simulator
holding the captured server's data, get the captured answers back (byte for byte where the simulator holds every
field ras sent; else decoded to the same values rac printed)."""

import socket
import threading

import pytest

import ras_captures as cap
import ras_sim
from ansible_collections.onec.cluster.plugins.module_utils.native import codec
from ansible_collections.onec.cluster.plugins.module_utils.rac.parser import parse_records

CLUSTER = "1619820a-d36f-4d8a-a716-1516b1dea077"
INFOBASE = "717bdda7-2f60-4577-b262-f1fc8c0e472c"
V16 = "v16_20260226_053425_"


def rac_records(name):
    """What rac printed, keyed by rac's own names (what the simulator stores)."""
    return [dict((k.replace("_", "-"), v) for k, v in r.items()) for r in parse_records(cap.rac_text(name))]


def captured_state(version):
    clusters = rac_records("v11_cluster_list_ro" if version == "8.3.21" else V16 + "cluster_list_after_update")
    cluster = clusters[0]
    cluster.update(admins={"cadmin": "cpass"}, sessions={}, connections=rac_records("v11_connection_list_ro"))
    summary = rac_records("v11_infobase_summary_list_ro")[0]
    cluster["infobases"] = [dict(summary, users={})]
    sessions = rac_records("v11_session_list_ro")
    for session in sessions:
        session["client-ip"] = ", ".join(session["client-ip"])
    cluster["sessions"] = dict((s["session"], s) for s in sessions)
    return {"version": version, "clusters": [cluster]}


@pytest.fixture
def simulator():
    """-> start(name): a simulated ras of the platform capture ``name`` was made on, holding its server's data."""
    servers = []

    def start(name):
        server = ras_sim.Server(("127.0.0.1", 0), ras_sim.Handler)
        server.sim = ras_sim.Simulator(captured_state("8.3.21" if name.startswith("v11") else "8.5.1"))
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        servers.append(server)
        return server
    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def exchange(server, name):
    """Send what rac sent in capture ``name`` (init block, then its packets one by one, each after the previous
    answer); -> the server's packets [(type, payload)]."""
    sock = socket.create_connection(server.server_address, timeout=5)
    buffer = bytearray()
    answers = []

    def receive():
        while True:
            found = codec.read_packet(buffer)
            if found:
                del buffer[:found[2]]
                answers.append(found[:2])
                return
            data = sock.recv(65536)
            assert data, "the simulator closed the connection"
            buffer.extend(data)

    sock.sendall(codec.INIT_BLOCK)
    receive()
    for opcode, payload in cap.frames(name):
        sock.sendall(codec.packet(opcode, payload))
        if opcode != codec.ENDPOINT_CLOSE:
            receive()
    sock.close()
    return answers


@pytest.mark.parametrize("name", ["v11_cluster_list_ro", V16 + "cluster_list_after_update", "v16_cluster_list_retry",
                                  "v11_infobase_summary_list_ro", "v16_debug_infobase_summary_list",
                                  "v11_error_session_list_bad_auth", V16 + "session_terminate",
                                  V16 + "connection_disconnect"])
def test_answers_byte_for_byte(simulator, name):
    assert exchange(simulator(name), name) == cap.frames(name, "server_to_client")


@pytest.mark.parametrize("name", ["v11_session_list_ro", "v16_20260226_051602_session_list"])
def test_session_list_decodes_like_the_captured_answer(simulator, name):
    """Not byte for byte: ras sent a licence inside each session, which `session list` does not print and the
    simulator does not hold."""
    ours = exchange(simulator(name), name)
    theirs = cap.frames(name, "server_to_client")
    assert [frame[0] for frame in ours] == [frame[0] for frame in theirs]
    assert ours[:3] == theirs[:3]  # connect, open, authentication
    decoded = codec.decode_sessions(codec.read_message(ours[-1][1]).body)
    assert decoded == parse_records(cap.rac_text("v11_session_list_ro"))


def test_connection_list_byte_for_byte(simulator):
    server = simulator("v11_connection_list_ro")
    server.sim.clusters[0]["sessions"] = {}  # connections of sessions would be listed too
    assert exchange(server, "v11_connection_list_ro") == cap.frames("v11_connection_list_ro", "server_to_client")


def test_an_8_3_21_simulator_refuses_service_16(simulator):
    sock = socket.create_connection(simulator("v11_cluster_list_ro").server_address, timeout=5)
    sock.sendall(codec.INIT_BLOCK + codec.endpoint_open("16.0"))
    data = b""
    while codec.read_packet(data[3:]) is None:
        data += sock.recv(100)
    sock.close()
    kind, payload, used = codec.read_packet(data[3:])
    failure = codec.read_open_failure(payload)
    assert kind == codec.ENDPOINT_FAILURE and failure.unsupported_version and failure.supported == ["11.0"]
