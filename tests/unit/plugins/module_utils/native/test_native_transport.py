# -*- coding: utf-8 -*-
"""The native backend over a socket: whole captured exchanges replayed, and every fault a typed error, no hang.

A replaying server answers each packet our client sends with the next packet ras sent in the capture; the test
then checks both directions: our bytes are rac's bytes, and our records are what rac printed.
"""

import os
import resource
import socket
import threading
import time

import pytest

import ras_captures as cap
from ansible_collections.onec.cluster.plugins.module_utils.native import codec
from ansible_collections.onec.cluster.plugins.module_utils import errors as E
from ansible_collections.onec.cluster.plugins.module_utils.rac.parser import parse_records
from ansible_collections.onec.cluster.plugins.module_utils.native.backend import NativeBackend
from ansible_collections.onec.cluster.plugins.module_utils.native.transport import RasConnection

CLUSTER = "1619820a-d36f-4d8a-a716-1516b1dea077"
INFOBASE = "717bdda7-2f60-4577-b262-f1fc8c0e472c"
V16 = "v16_20260226_053425_"


def read_client_packet(conn, buffer):
    """The next whole packet our client sent (the init block counts as one), or None at EOF."""
    while True:
        if buffer.startswith(codec.INIT_BLOCK):
            del buffer[:len(codec.INIT_BLOCK)]
            return codec.INIT_BLOCK
        found = codec.read_packet(buffer) if buffer and buffer[0] != 0x1C else None
        if found:
            del buffer[:found[2]]
            return bytes([found[0]]) + codec.varint(len(found[1])) + found[1]
        data = conn.recv(65536)
        if not data:
            return None
        buffer.extend(data)


class FakeRas:
    """A server on a loopback port; ``script(conn, index)`` plays one accepted connection."""

    def __init__(self, script):
        self.script = script
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.received = []  # per connection: every packet the client sent
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        index = 0
        while True:
            try:
                conn = self.sock.accept()[0]
            except OSError:
                return
            packets = []
            self.received.append(packets)
            threading.Thread(target=self._play, args=(conn, index, packets), daemon=True).start()
            index += 1

    def _play(self, conn, index, packets):
        try:
            self.script(conn, index, packets)
        except OSError:
            pass
        finally:
            conn.close()

    def close(self):
        self.sock.close()


def replay(name):
    """A script answering each client packet with the next server packet of capture ``name``."""
    server = cap.frames(name, "server_to_client")

    def script(conn, index, packets):
        buffer = bytearray()
        answers = list(server)
        while True:
            packet = read_client_packet(conn, buffer)
            if packet is None:
                return
            packets.append(packet)
            if answers and packet[0] != codec.ENDPOINT_CLOSE:
                opcode, payload = answers.pop(0)
                conn.sendall(codec.packet(opcode, payload))
    return script


@pytest.fixture
def fake():
    servers = []

    def start(script):
        server = FakeRas(script)
        servers.append(server)
        return server
    yield start
    for server in servers:
        server.close()


def backend(server, version="16.0", timeout=5, retries=0, **kwargs):
    return NativeBackend(port=server.port, timeout=timeout, retries=retries, backoff=0.01,
                         connection_factory=lambda: RasConnection("127.0.0.1", server.port, timeout, (version,)),
                         **kwargs)


def client_bytes(server):
    return b"".join(server.received[0])


# -- whole exchanges ----------------------------------------------------------------------------------------------
def test_session_list_v11_whole_exchange(fake):
    server = fake(replay("v11_session_list_ro"))
    native = backend(server, "11.0", cluster_user="cadmin", cluster_password="cpass")
    assert native.sessions(CLUSTER) == parse_records(cap.rac_text("v11_session_list_ro"))
    native.close()
    time.sleep(0.1)
    assert client_bytes(server) == codec.INIT_BLOCK + cap.wire("v11_session_list_ro")


def test_a_connection_whose_descriptor_is_above_1023_works(fake):
    """select() refuses descriptors above 1023 (FD_SETSIZE): the fleet form holds that many connections at once."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1200:
        pytest.skip("this machine allows only %d open files" % hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1200), hard))
    held = []
    try:
        while not held or held[-1] < 1100:  # take the low descriptors, so that the connection's is above 1023
            held.append(os.dup(0))
        server = fake(replay("v11_session_list_ro"))
        native = backend(server, "11.0", cluster_user="cadmin", cluster_password="cpass")
        assert native.sessions(CLUSTER) == parse_records(cap.rac_text("v11_session_list_ro"))
        assert min(conn.sock.fileno() for conn in native._all) > 1023  # pylint: disable=protected-access
        native.close()
    finally:
        for descriptor in held:
            os.close(descriptor)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


@pytest.mark.parametrize("name,version", [("v11_cluster_list_ro", "11.0"), (V16 + "cluster_list_after_update", "16.0")])
def test_cluster_list_whole_exchange(fake, name, version):
    server = fake(replay(name))
    native = backend(server, version)
    assert native.clusters() == parse_records(cap.rac_text(name))
    native.close()
    time.sleep(0.1)
    assert client_bytes(server) == codec.INIT_BLOCK + cap.wire(name)


def test_infobase_summary_list_v11(fake):
    name = "v11_infobase_summary_list_ro"
    server = fake(replay(name))
    native = backend(server, "11.0", cluster_user="cadmin", cluster_password="cpass")
    assert native.infobases(CLUSTER) == parse_records(cap.rac_text(name))
    native.close()
    time.sleep(0.1)
    assert client_bytes(server) == codec.INIT_BLOCK + cap.wire(name)


# -- server exceptions: the rac backend's typed errors and messages ---------------------------------------------
def test_bad_cluster_password_is_the_cluster_auth_error(fake):
    server = fake(replay("v11_error_session_list_bad_auth"))
    native = backend(server, "11.0", cluster_user="cadmin", cluster_password="badpwd")
    with pytest.raises(E.ClusterAuthError) as info:
        native.sessions(CLUSTER)
    text = info.value.describe()
    assert "Set cluster_user and cluster_password" in text
    assert "ras said: Ошибка операции администрирования / Администратор кластера не аутентифицирован" in text


def test_terminate_of_a_gone_session(fake):
    server = fake(replay(V16 + "session_terminate"))
    native = backend(server, cluster_user="cadmin", cluster_password="cpass")
    with pytest.raises(E.SessionNotFoundError, match="Сеанс с указанным идентификатором не найден"):
        native.terminate(CLUSTER, "00000000-0000-0000-0000-000000000000", "codex terminate test")
    native.close()
    time.sleep(0.1)
    assert client_bytes(server) == codec.INIT_BLOCK + cap.wire(V16 + "session_terminate")


def test_infobase_info_when_ras_lost_the_working_process(fake):
    server = fake(replay(V16 + "infobase_info"))
    native = backend(server, cluster_user="cadmin", cluster_password="cpass")
    with pytest.raises(E.RasBackendError, match="recv returns zero"):
        native.infobase_info(CLUSTER, INFOBASE)
    assert b"".join(server.received[0][:5]) == codec.INIT_BLOCK + cap.wire(V16 + "infobase_info")[:-3]


def test_disconnect_of_an_unknown_connection(fake):
    server = fake(replay(V16 + "connection_disconnect"))
    native = backend(server, cluster_user="cadmin", cluster_password="cpass", infobase_user="iadmin",
                     infobase_password="opass")
    with pytest.raises(E.ConnectionNotFoundError, match="Соединение 00000000-0000-0000-0000-000000000000 не найдено"):
        native.disconnect(CLUSTER, "0399133a-6d5d-4fb0-9029-d240c8e07763", "00000000-0000-0000-0000-000000000000")
    native.close()
    time.sleep(0.1)
    assert client_bytes(server) == codec.INIT_BLOCK + cap.wire(V16 + "connection_disconnect")


@pytest.mark.parametrize("name,cls", [("v8.service.Admin.Cluster#Rights", E.InfobaseAuthError),
                                      ("v8.service.Admin.Cluster#InfoBaseNotFound", E.InfobaseNotFoundError),
                                      ("v8.service.Admin.Cluster#ClusterNotFound", E.ClusterNotFoundError),
                                      ("v8.service.Admin.Cluster#Unheard", E.RacError)])
def test_exception_classes(name, cls):
    assert E.error_from_exception(name, "текст").__class__ is cls  # exactly that class, not a subclass


# -- faults -------------------------------------------------------------------------------------------------------
def handshake(conn, buffer, packets, version="16.0"):
    packets.append(read_client_packet(conn, buffer))
    conn.sendall(codec.packet(codec.CONNECT_ACK, b"\x80"))
    packets.append(read_client_packet(conn, buffer))
    conn.sendall(codec.packet(codec.ENDPOINT_OPEN_ACK, codec.string(codec.SERVICE) + codec.string(version) + b"\x01\x80"))


def cluster_list_then(action):
    def script(conn, index, packets):
        buffer = bytearray()
        handshake(conn, buffer, packets)
        packets.append(read_client_packet(conn, buffer))
        action(conn, index)
    return script


CLUSTERS_ANSWER = codec.packet(*cap.frames(V16 + "cluster_list_after_update", "server_to_client")[-1])


def test_refused():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    with pytest.raises(E.RasUnreachableError, match="127.0.0.1:%d" % port):
        NativeBackend("127.0.0.1", port, timeout=2, retries=0).clusters()


def test_never_answering_is_a_timeout_not_a_hang(fake):
    server = fake(cluster_list_then(lambda conn, index: time.sleep(5)))
    started = time.monotonic()
    with pytest.raises(E.RacTimeoutError, match=r"127.0.0.1:%d: no complete answer arrived; the call took 0\.\d s, its timeout is 0.5 s" % server.port):
        backend(server, timeout=0.5).clusters()
    assert time.monotonic() - started < 2


def test_silent_at_connect_is_a_timeout(fake):
    server = fake(lambda conn, index, packets: time.sleep(5))
    with pytest.raises(E.RacTimeoutError):
        backend(server, timeout=0.3).clusters()


def test_closing_mid_answer(fake):
    server = fake(cluster_list_then(lambda conn, index: conn.sendall(CLUSTERS_ANSWER[:40])))
    with pytest.raises(E.RasUnreachableError, match="closed the connection in the middle of an answer") as info:
        backend(server).clusters()
    assert info.value.transient


def test_cut_off_call_is_retried_on_a_fresh_connection(fake):
    def action(conn, index):
        conn.sendall(CLUSTERS_ANSWER[:40] if index == 0 else CLUSTERS_ANSWER)
    server = fake(cluster_list_then(action))
    native = backend(server, retries=2)
    assert native.clusters()[0]["cluster"] == CLUSTER
    assert native.connections_opened == 1 and len(server.received) == 2  # one pooled connection, reopened


def test_unknown_packet_type(fake):
    server = fake(cluster_list_then(lambda conn, index: conn.sendall(b"\x42\x01\x00")))
    with pytest.raises(E.RasProtocolError, match="unknown packet type 0x42") as info:
        backend(server).clusters()
    assert not info.value.transient
    assert "Check that ras_host and ras_port point at ras itself" in info.value.describe()


def test_wrong_length(fake):
    """A packet announcing fewer bytes than its record needs: the record is cut short."""
    opcode, payload = cap.frames(V16 + "cluster_list_after_update", "server_to_client")[-1]
    short = bytes([opcode]) + codec.varint(60) + payload[:60]
    server = fake(cluster_list_then(lambda conn, index: conn.sendall(short + payload[60:])))
    with pytest.raises(E.RasProtocolError, match="cut short"):
        backend(server).clusters()


def test_not_ras_at_all(fake):
    def script(conn, index, packets):
        conn.recv(100)
        conn.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")
    server = fake(script)
    with pytest.raises(E.RasProtocolError):
        backend(server).clusters()


def refusal_in_the_agreed_layout(version, supported):
    """A 0x0f refusal as four public sources lay it out (codec.read_open_failure): the echoed version first."""
    return codec.packet(codec.ENDPOINT_FAILURE, (
        codec.string(codec.SERVICE) + codec.string(version) + codec.varint(1)
        + codec.string("v8.service.UnsupportedService") + codec.string("Версия сервиса не поддерживается")
        + b"\x00" + b"\x01" + codec.string("v8.service.UnsupportedService")
        + codec.string("[service=v8.service.Admin.Cluster, version=%s, supported=%s]" % (version, supported))
        + b"\x00\x80"))


def older_ras(supported, speaks):
    """A ras that opens only the versions in ``speaks`` and refuses others in the agreed layout."""
    def script(conn, index, packets):
        buffer = bytearray()
        packets.append(read_client_packet(conn, buffer))
        conn.sendall(codec.packet(codec.CONNECT_ACK, b"\x80"))
        packets.append(read_client_packet(conn, buffer))
        asked = [v for v in ("16.0", "11.0", "10.0") if codec.string(v) in packets[-1]][0]
        if asked not in speaks:
            conn.sendall(refusal_in_the_agreed_layout(asked, supported))
            return
        conn.sendall(codec.packet(codec.ENDPOINT_OPEN_ACK, codec.string(codec.SERVICE) + codec.string(asked)
                                  + b"\x01\x80"))
        conn.recv(10)
    return script


def test_an_older_ras_refusing_16_is_opened_on_11(fake):
    """Before, the echoed "16.0" was taken for the list of supported versions: "no service version in common"."""
    server = fake(older_ras("3.0,4.0,5.0,6.0,7.0,8.0,9.0,10.0,11.0", ("11.0",)))
    conn = RasConnection("127.0.0.1", server.port, 2).open()
    assert conn.version == "11.0" and len(server.received) == 2  # a fresh connection for the second try
    conn.close()


def test_a_refusal_without_a_list_still_tries_the_next_version(fake):
    server = fake(older_ras("", ("11.0",)))
    assert RasConnection("127.0.0.1", server.port, 2).open().version == "11.0"


def test_no_service_version_in_common_says_what_was_tried_and_what_ras_said(fake):
    server = fake(older_ras("3.0,4.0,5.0,6.0,7.0,8.0,9.0,10.0", ()))
    started = time.monotonic()
    with pytest.raises(E.RasProtocolError) as info:
        RasConnection("127.0.0.1", server.port, 2).open()
    text = info.value.describe()
    assert ("ras opened none of the service versions this collection speaks; tried 16.0 (ras said: "
            "v8.service.UnsupportedService: Версия сервиса не поддерживается); 11.0 (ras said: ") in text
    assert "ras named as supported: 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0" in text
    assert time.monotonic() - started < 2 + 1  # both tries within the one call's timeout


def test_falls_back_to_a_version_the_server_names(fake):
    def script(conn, index, packets):
        buffer = bytearray()
        packets.append(read_client_packet(conn, buffer))
        conn.sendall(codec.packet(codec.CONNECT_ACK, b"\x80"))
        packets.append(read_client_packet(conn, buffer))
        if b"16.0" in packets[-1]:
            conn.sendall(codec.packet(codec.ENDPOINT_FAILURE, codec.string("11.0")))
            return
        conn.sendall(codec.packet(codec.ENDPOINT_OPEN_ACK, codec.string(codec.SERVICE) + codec.string("11.0") + b"\x01\x80"))
        conn.recv(10)
    server = fake(script)
    conn = RasConnection("127.0.0.1", server.port, 2).open()
    assert conn.version == "11.0"
    conn.close()


# -- hostile servers (issue 19) -----------------------------------------------------------------------------------
def ras_message(kind, body=b"", method=None):
    head = codec.varint(codec.ENDPOINT_ID) + b"\x00\x00" + bytes([kind]) + (bytes([method]) if method else b"")
    return codec.packet(codec.ENDPOINT_MESSAGE, head + body)


ACK = ras_message(codec.KIND_ACK)
SESSION = "5d5a1c5e-3f6c-4b43-9c1c-0a1b2c3d4e5f"
OTHER_INFOBASE = "0a0b0c0d-0000-4000-8000-000000000001"


def refusal(text):
    return ras_message(codec.KIND_EXCEPTION, codec.string("v8.service.Admin.Cluster#SessionNotFound")
                       + codec.string(text) + b"\x00\x80")


def test_slow_stages_fail_within_the_call_timeout(fake):
    """Every stage answered 0.4 s late with timeout 0.5: before, each packet had its own 0.5 s (the call took
    stages x 0.4 s); now the whole call, connect to answer, is bounded by the timeout."""
    def script(conn, index, packets):
        buffer = bytearray()
        while True:
            packet = read_client_packet(conn, buffer)
            if packet is None:
                return
            time.sleep(0.4)
            if packet == codec.INIT_BLOCK:
                conn.sendall(codec.packet(codec.CONNECT_ACK, b"\x80"))
            elif packet[0] == codec.ENDPOINT_OPEN:
                conn.sendall(codec.packet(codec.ENDPOINT_OPEN_ACK,
                                          codec.string(codec.SERVICE) + codec.string("16.0") + b"\x01\x80"))
            else:
                conn.sendall(ACK)
    server = fake(script)
    started = time.monotonic()
    with pytest.raises(E.RacTimeoutError, match=r"the call took 0\.[5-9] s, its timeout is 0.5 s \(after 1 retries\)"):
        backend(server, timeout=0.5, retries=1, cluster_user="cadmin", cluster_password="x").terminate(CLUSTER, SESSION)
    # two attempts of at most 0.5 s each and one 0.01 s pause; generous for a loaded machine, far below 4 x 0.4 x 2
    assert time.monotonic() - started < 2 * 0.5 + 0.8


def stray_ack_after_auth(conn, index, packets):
    """Connection 0 sends one acknowledgement too many after authentication; every terminate is refused."""
    buffer = bytearray()
    handshake(conn, buffer, packets)
    while True:
        packet = read_client_packet(conn, buffer)
        if packet is None or packet[0] == codec.ENDPOINT_CLOSE:
            return
        packets.append(packet)
        method = codec.read_message(packet[2:] if packet[1] < 0x80 else packet[3:]).method
        if method == codec.CLUSTER_AUTH:
            conn.sendall(ACK + ACK if index == 0 else ACK)
        else:
            conn.sendall(refusal("Сеанс с указанным идентификатором не найден"))


def test_a_stray_acknowledgement_is_never_taken_for_the_answer(fake):
    server = fake(stray_ack_after_auth)
    with pytest.raises(E.RasStrayPacketError, match="sent a packet \\(0x0e\\) nobody asked for") as info:
        backend(server, cluster_user="cadmin", cluster_password="x").terminate(CLUSTER, SESSION)
    assert info.value.transient
    time.sleep(0.1)
    sent = [codec.read_message(p[2:]).method for p in server.received[0][2:]]
    assert sent == [codec.CLUSTER_AUTH]  # the terminate never went out on the connection with the stray packet


def test_after_a_stray_packet_the_call_is_retried_on_a_fresh_connection(fake):
    server = fake(stray_ack_after_auth)
    with pytest.raises(E.SessionNotFoundError):  # the server's real answer, not the stray "done"
        backend(server, retries=1, cluster_user="cadmin", cluster_password="x").terminate(CLUSTER, SESSION)
    assert len(server.received) == 2


def infobase_answer(uuid, skip=b""):
    values = dict((key, "" if kind in ("string",) else 0) for key, kind in codec.INFOBASE_WIRE)
    values.update(infobase=uuid, name="ЗУП", denied_from="", denied_to="", license_distribution="allow",
                  sessions_deny=False, scheduled_jobs_deny=False, external_session_manager_required=False,
                  reserve_working_processes=False)
    record = codec.WireInfobase(values, tail=b"\x00" + codec.int32(999) + codec.int32(888) + codec.int32(777))
    return ras_message(codec.KIND_MESSAGE, skip + record.encode(), 0x31)


def infobase_server(answer):
    def script(conn, index, packets):
        buffer = bytearray()
        handshake(conn, buffer, packets)
        while True:
            packet = read_client_packet(conn, buffer)
            if packet is None or packet[0] == codec.ENDPOINT_CLOSE:
                return
            packets.append(packet)
            method = codec.read_message(packet[2:] if packet[1] < 0x80 else packet[3:]).method
            conn.sendall(answer if method == codec.INFOBASE_INFO else ACK)
    return script


def test_the_record_of_another_infobase_is_never_written(fake):
    server = fake(infobase_server(infobase_answer(OTHER_INFOBASE)))
    native = backend(server, cluster_user="cadmin", cluster_password="x")
    with pytest.raises(E.RasProtocolError, match="asked for infobase %s, the answer holds the record of %s"
                       % (INFOBASE, OTHER_INFOBASE)):
        native.infobase_update(CLUSTER, INFOBASE, sessions_deny=True)
    time.sleep(0.1)
    methods = [codec.read_message(p[2:] if p[1] < 0x80 else p[3:]).method for p in server.received[0][2:]]
    assert codec.INFOBASE_UPDATE not in methods and codec.INFOBASE_INFO in methods


@pytest.mark.parametrize("skip", [b"", b"\x00"], ids=["uuid-at-0", "uuid-at-1"])
def test_the_asked_record_is_read_at_offset_0_or_1(fake, skip):
    server = fake(infobase_server(infobase_answer(INFOBASE, skip)))
    record = backend(server, cluster_user="cadmin", cluster_password="x").infobase_info(CLUSTER, INFOBASE)
    assert record["infobase"] == INFOBASE and record["name"] == "ЗУП"


def test_a_thousand_workers_open_at_most_64_connections(fake):
    """concurrency: 1000 opened 959 connections to one ras; the pool holds at most 64 (bulk caps its workers too)."""
    from ansible_collections.onec.cluster.plugins.module_utils.bulk import MAX_CONCURRENCY, end_each
    from ansible_collections.onec.cluster.plugins.module_utils.native.backend import MAX_CONNECTIONS

    def slow_acks(conn, index, packets):
        buffer = bytearray()
        handshake(conn, buffer, packets)
        while True:
            packet = read_client_packet(conn, buffer)
            if packet is None or packet[0] == codec.ENDPOINT_CLOSE:
                return
            time.sleep(0.05)
            conn.sendall(ACK)
    server = fake(slow_acks)
    native = backend(server, cluster_user="cadmin", cluster_password="x")
    sessions = [{"session": "00000000-0000-4000-8000-%012d" % n} for n in range(300)]
    outcome = end_each(sessions, lambda s: native.terminate(CLUSTER, s["session"]), E.SessionNotFoundError,
                       concurrency=1000)
    native.close()
    assert len(outcome.ended) == 300
    assert MAX_CONCURRENCY == MAX_CONNECTIONS == 64
    assert native.connections_opened <= 64 and len(server.received) <= 64


def test_an_answer_is_decoded_in_place_not_copied(fake):
    """A 250 MB packet cost three copies (buffer, slice, bytes()); now the payload is a view on the buffer it
    arrived in, and the records decoded from it are the same."""
    server = fake(cluster_list_then(lambda conn, index: conn.sendall(CLUSTERS_ANSWER + CLUSTERS_ANSWER[:5])))
    conn = RasConnection("127.0.0.1", server.port, 2, ("16.0",))
    conn.open()
    conn._send(codec.cluster_list())
    kind, payload = conn._read_packet()
    assert kind == codec.ENDPOINT_MESSAGE and isinstance(payload, memoryview)
    assert bytes(conn.buffer) == CLUSTERS_ANSWER[:5]  # what followed the packet stays for the next read
    message = codec.read_message(payload)
    assert codec.decode_clusters(message.body, "16.0") == codec.decode_clusters(
        codec.read_message(bytes(payload)).body, "16.0")
