# -*- coding: utf-8 -*-
"""Golden tests of the RAS codec on real rac<->ras bytes (tests/captures/ras/).

Requests: what we encode is compared byte for byte with what rac sent. Answers: what we decode from ras's bytes is
compared with what rac printed for the same bytes, read by the project's rac parser (the independent check). No test
here compares our encoder with our own decoder only.
"""

import pytest

import ras_captures as cap
from ansible_collections.onec.cluster.plugins.module_utils.native import codec
from ansible_collections.onec.cluster.plugins.module_utils.rac.parser import parse_licenses, parse_records

CLUSTER = "1619820a-d36f-4d8a-a716-1516b1dea077"
INFOBASE = "717bdda7-2f60-4577-b262-f1fc8c0e472c"
WIN_CLUSTER = "c3e50859-3d41-4383-b0d7-4ee20272b69d"
V16 = "v16_20260226_053425_"


def frame(name, index, direction="client_to_server"):
    """One frame as the bytes on the wire."""
    opcode, payload = cap.frames(name, direction)[index]
    return bytes([opcode]) + codec.varint(len(payload)) + payload


# -- requests, byte for byte -------------------------------------------------------------------------------------
def test_init_block_is_what_rac_exe_sent():
    stream = cap.proxy_stream(2, "client")
    assert stream.startswith(codec.INIT_BLOCK)
    assert len(codec.INIT_BLOCK) == 32


@pytest.mark.parametrize("name,version", [("v11_session_list_ro", "11.0"), (V16 + "session_terminate", "16.0"),
                                          ("v16_cluster_list_retry", "16.0")])
def test_endpoint_open(name, version):
    assert codec.endpoint_open(version) == frame(name, 0)


def test_endpoint_close():
    assert codec.endpoint_close() == frame("v11_session_list_ro", 3)


@pytest.mark.parametrize("name,index,user,password", [
    ("v11_session_list_ro", 1, "cadmin", "cpass"),
    ("v11_error_session_list_bad_auth", 1, "cadmin", "badpwd"),
    (V16 + "connection_disconnect", 1, "cadmin", "cpass"),
])
def test_cluster_auth(name, index, user, password):
    assert codec.cluster_auth(CLUSTER, user, password) == frame(name, index)


def test_cluster_auth_without_credentials_as_rac_exe_sends_it():
    assert cap.proxy_stream(3, "client").find(codec.cluster_auth(WIN_CLUSTER, None, None)) > 0


@pytest.mark.parametrize("name,user,password", [(V16 + "connection_disconnect", "iadmin", "opass"),
                                                (V16 + "infobase_info", None, None)])
def test_infobase_auth(name, user, password):
    assert codec.infobase_auth(CLUSTER, user, password) == frame(name, 2)


@pytest.mark.parametrize("name", ["v11_cluster_list_ro", V16 + "cluster_list_after_update"])
def test_cluster_list(name):
    assert codec.cluster_list() == frame(name, 1)


@pytest.mark.parametrize("name", ["v11_infobase_summary_list_ro", "v16_debug_infobase_summary_list"])
def test_infobase_summary_list(name):
    assert codec.infobase_summary_list(CLUSTER) == frame(name, 2)


def test_infobase_info():
    assert codec.infobase_info(CLUSTER, INFOBASE) == frame(V16 + "infobase_info", 3)


def test_session_list_of_the_cluster():
    assert codec.session_list(CLUSTER) == frame("v11_session_list_ro", 2)
    assert codec.session_list(CLUSTER) == frame("v16_20260226_051602_session_list", 2)


def test_session_terminate_with_message():
    session = "00000000-0000-0000-0000-000000000000"
    assert codec.session_terminate(CLUSTER, session, "codex terminate test") == frame(V16 + "session_terminate", 2)


def test_session_interrupt_with_message():
    session = "00000000-0000-0000-0000-000000000000"
    assert codec.session_interrupt(CLUSTER, session, "codex interrupt test") == frame(V16 + "session_interrupt", 2)


def test_session_list_with_licenses_is_the_plain_session_list_request():
    # rac's --licenses changes nothing on the wire: the licences travel inside every session record
    assert codec.session_list(CLUSTER) == frame(V16 + "session_list_licenses", 2)


def test_session_terminate_whole_exchange_as_rac_exe():
    """init, open 16.0, auth without credentials, terminate without a message: every byte rac.exe sent.

    The proxy logged rac.exe's close as `0d 01` and then nothing: the Linux captures show the whole close packet,
    `0d 01 01` (type, length 1, endpoint 1), which is what we send (test_endpoint_close)."""
    session = "205dbfef-a8b1-4836-b669-3df7e1406a24"
    ours = (codec.INIT_BLOCK + codec.endpoint_open("16.0") + codec.cluster_auth(WIN_CLUSTER, None, None)
            + codec.session_terminate(WIN_CLUSTER, session, None))
    assert ours + b"\x0d\x01" == cap.proxy_stream(3, "client")


def test_connection_list_of_the_cluster():
    assert codec.connection_list(CLUSTER) == frame("v11_connection_list_ro", 2)


@pytest.mark.parametrize("name", [V16 + "connection_list_infobase", V16 + "connection_list_infobase_pwd"])
def test_connection_list_of_an_infobase(name):
    assert codec.connection_list(CLUSTER, INFOBASE) == frame(name, 2)


def test_connection_disconnect():
    process = "0399133a-6d5d-4fb0-9029-d240c8e07763"
    connection = "00000000-0000-0000-0000-000000000000"
    assert codec.connection_disconnect(CLUSTER, process, connection) == frame(V16 + "connection_disconnect", 3)


# -- infobase update: the whole record back --------------------------------------------------------------------
UPDATE = cap.hex_payload("win16_infobase_update_request_payload.hex.txt")


def test_infobase_update_record_built_from_its_values_is_what_rac_exe_sent():
    """The record rac.exe wrote, rebuilt from values named here (not decoded from it), and the 13 bytes of 16.0
    that nobody can name kept as they were."""
    values = {
        "infobase": "5b1ba260-a823-40b7-8688-aa17d275477b", "date_offset": 0, "dbms": "PostgreSQL",
        "db_name": "test", "db_pwd": "anything: db-pwd is always sent as U+FFFD", "db_server": "localhost",
        "db_user": "postgres", "denied_from": "", "denied_message": "", "denied_parameter": "", "denied_to": "",
        "descr": "", "locale": "ru_RU", "name": "test", "permission_code": "", "scheduled_jobs_deny": True,
        "security_level": 0, "sessions_deny": False, "license_distribution": "allow",
        "external_session_manager_connection_string": "", "external_session_manager_required": False,
        "security_profile_name": "", "safe_mode_security_profile_name": "", "reserve_working_processes": False,
    }
    record = codec.WireInfobase(values, tail=b"\x00" * 13)
    assert codec.infobase_update(WIN_CLUSTER, record) == codec.packet(codec.ENDPOINT_MESSAGE, UPDATE)


def test_infobase_update_keeps_unknown_trailing_bytes_and_changes_only_the_lock():
    body = codec.Reader(UPDATE, 5 + 16)  # as ras would send the record in an info answer (same layout)
    record = codec.WireInfobase.decode(body, "16.0")
    assert record.values["db_pwd"] == codec.PASSWORD_UNCHANGED
    record.tail = bytes(range(13))  # fields of a newer service: must go back untouched
    locked = record.changed(sessions_deny=True, denied_from="2026-02-26T02:55:35", denied_message="Обновление",
                            permission_code="CODE")
    sent = codec.infobase_update(WIN_CLUSTER, locked)
    assert sent.endswith(bytes(range(13)))
    expected = (UPDATE[:UPDATE.index(b"\x08postgres") + 9]
                + STARTED_AT + b"\x14" + "Обновление".encode() + b"\x00" + codec.int64(0))
    assert codec.read_packet(sent)[1].startswith(expected)


# started-at of the first session in v11_session_list_ro: rac printed 2026-02-26T02:55:35 for these bytes.
STARTED_AT = bytes.fromhex("0002453ca47bc370")


def test_dates():
    assert codec.date("1970-01-01T00:00:00") == codec.int64(621355968000000)  # the fact sheet's origin
    assert codec.date("2026-02-26T02:55:35") == STARTED_AT
    assert codec.date("") == codec.int64(0)


# -- answers: decoded values == what rac printed -----------------------------------------------------------------
def answer(name, index=-1):
    """The decoded message of one server frame."""
    opcode, payload = cap.frames(name, "server_to_client")[index]
    assert opcode == codec.ENDPOINT_MESSAGE
    return codec.read_message(payload)


@pytest.mark.parametrize("name,version", [
    ("v11_cluster_list_ro", "11.0"), (V16 + "cluster_list_after_update", "16.0"), ("v16_cluster_list_retry", "16.0")])
def test_cluster_list_answer(name, version):
    message = answer(name)
    assert message.method == 0x0C
    assert codec.decode_clusters(message.body, version) == parse_records(cap.rac_text(name), uniform=True)


@pytest.mark.parametrize("name", ["v11_infobase_summary_list_ro", "v16_debug_infobase_summary_list"])
def test_infobase_summary_list_answer(name):
    message = answer(name)
    assert message.method == 0x2B
    assert codec.decode_infobase_summaries(message.body) == parse_records(cap.rac_text(name), uniform=True)


@pytest.mark.parametrize("name", ["v11_session_list_ro", "v16_20260226_051602_session_list"])
def test_session_list_answer(name):
    message = answer(name)
    assert message.method == 0x42
    decoded = codec.decode_sessions(message.body)
    printed = parse_records(cap.rac_text(name), uniform=True)
    assert decoded == printed
    assert [list(r) for r in decoded] == [list(r) for r in printed]  # and in rac's order
    assert len(decoded) == 2


def test_session_list_answer_with_licenses_is_what_rac_printed_with_licenses():
    message = answer(V16 + "session_list_licenses")
    assert message.method == 0x42
    decoded = codec.decode_sessions(message.body, "16.0", licenses=True)
    printed = parse_licenses(cap.rac_text(V16 + "session_list_licenses"))
    assert dict((s["session"], s["licenses"]) for s in decoded if s["licenses"]) == printed
    assert [list(lic) for s in decoded for lic in s["licenses"]] == [
        list(lic) for licences in printed.values() for lic in licences]  # rac's order
    assert sum(len(s["licenses"]) for s in decoded) == 2
    # without licenses: the record rac prints without --licenses
    assert "licenses" not in codec.decode_sessions(answer(V16 + "session_list_licenses").body, "16.0")[0]


def test_session_list_answer_from_the_whole_response_stream():
    stream = cap.response_hex("v11_session_list_ro")
    kinds = []
    while stream:
        kind, payload, used = codec.read_packet(stream)
        kinds.append(kind)
        stream = stream[used:]
    assert kinds == [0x02, 0x0C, 0x0E, 0x0E]
    assert payload[4] == 0x42
    assert codec.decode_sessions(codec.read_message(payload).body) == parse_records(
        cap.rac_text("v11_session_list_ro"))


@pytest.mark.parametrize("name", ["v11_connection_list_ro", "v16_20260226_051602_connection_list",
                                  V16 + "connection_list_infobase", V16 + "connection_list_infobase_pwd"])
def test_connection_list_answer(name):
    message = answer(name)
    assert message.method in (0x33, 0x35)
    assert codec.decode_connections(message.body) == parse_records(cap.rac_text(name), uniform=True)


def test_open_ack_and_plain_ack():
    opcode, payload = cap.frames("v11_session_list_ro", "server_to_client")[1]
    assert opcode == codec.ENDPOINT_OPEN_ACK
    assert codec.read_open_ack(payload) == (codec.SERVICE, "11.0")
    assert answer("v11_session_list_ro", 2).kind == codec.KIND_ACK
    assert cap.frames("v11_session_list_ro", "server_to_client")[0] == (codec.CONNECT_ACK, codec.CONNECT_ACK_PAYLOAD)


# -- errors: the exception class and the text rac printed ---------------------------------------------------------
@pytest.mark.parametrize("name,cls", [
    (V16 + "session_terminate", "v8.service.Admin.Cluster#SessionNotFound"),
    (V16 + "session_interrupt", "v8.service.Admin.Cluster#SessionNotFound"),
    (V16 + "connection_disconnect", "v8.service.Admin.Cluster#ClientNotFound"),
    (V16 + "infobase_info", "swp.UnknownThrowable"),
])
def test_exception_answer_is_what_rac_printed(name, cls):
    message = answer(name)
    assert message.kind == codec.KIND_EXCEPTION
    assert codec.read_exception(message.body) == (cls, cap.rac_text(name, "err").rstrip("\n"))


@pytest.mark.parametrize("name,cls,text", [
    ("v11_error_session_list_bad_auth", "#Failure",
     "Ошибка операции администрирования\nАдминистратор кластера не аутентифицирован"),
    ("v11_error_cluster_info_bad_cluster", "#ClusterNotFound", "Кластер с указанным идентификатором не найден"),
    ("v11_error_infobase_info_bad_uuid", "#InfoBaseNotFound",
     "Информационная база с указанным идентификатором не найдена"),
    ("v11_error_session_info_bad_uuid", "#SessionNotFound", "Сеанс с указанным идентификатором не найден"),
    ("v11_error_connection_info_bad_uuid", "#ConnectionNotFound", "Соединение с указанным идентификатором не найдено"),
])
def test_exception_answers_of_service_11(name, cls, text):
    """rac 8.3.21's stderr was not captured: the texts are the decoded payloads (tests/samples/errors_server_...)."""
    message = answer(name)
    assert message.kind == codec.KIND_EXCEPTION
    assert codec.read_exception(message.body) == ("v8.service.Admin.Cluster" + cls, text)


# -- values ------------------------------------------------------------------------------------------------------
def test_string_sizes():
    assert codec.string("") == b"\x00"
    assert codec.string(None) == b"\x80"
    text = "x" * 81
    assert codec.string(text)[:2] == b"\x51\x01"  # the fact sheet's example
    for size in (0, 63, 64, 4095, 4096, 100000):
        reader = codec.Reader(codec.string("y" * size))
        assert reader.string() == "y" * size and not reader.remaining()


def test_frame_length_of_the_long_session_answer():
    stream = cap.response_hex("v11_session_list_ro")
    assert bytes.fromhex("0e9807") in stream  # 920 = 0x18 + 7 << 7
    assert codec.packet(0x0E, b"\x00" * 920)[:3] == bytes.fromhex("0e9807")


def test_read_packet_waits_for_the_whole_packet_and_refuses_unknown_types():
    data = codec.request(codec.CLUSTER_LIST)
    assert codec.read_packet(data[:-1]) is None
    assert codec.read_packet(data[:1]) is None
    assert codec.read_packet(data)[0] == 0x0E
    with pytest.raises(codec.CodecError, match="unknown packet type 0x42"):
        codec.read_packet(b"\x42\x01\x00")


def test_truncated_record_is_a_codec_error():
    message = answer("v11_session_list_ro")
    body = codec.Reader(message.body.data[:200], message.body.pos)
    with pytest.raises(codec.CodecError, match="cut short"):
        codec.decode_sessions(body)


def test_wire_types_agree_with_the_value_kinds_of_records():
    """In every record, a field records.py calls boolean is a wire bool (a 1/0 field stays an int), a list is the ip
    list, a text (quoted or not) is a wire string, a date or an enum rac prints as a word."""
    from ansible_collections.onec.cluster.plugins.module_utils import records as R
    wires = (codec.CLUSTER_WIRE_16 + codec.SUMMARY_WIRE + codec.CONNECTION_WIRE + codec.SESSION_WIRE
             + codec.INFOBASE_WIRE + codec.INFOBASE_TAIL_16 + codec.LICENSE_WIRE)
    printed = set(R.CLUSTER_FIELDS_16 + R.INFOBASE_SUMMARY_FIELDS + R.CONNECTION_FIELDS + R.SESSION_FIELDS
                  + R.INFOBASE_FIELDS + tuple(field for field, _kind in codec.INFOBASE_TAIL_16))
    for field, kind in wires:
        if field not in printed:
            continue  # read past or kept for the update (licences, db_pwd), never in a record
        if field in R.BOOL_FIELDS:
            assert kind == "bool", field
        elif field in R.LIST_FIELDS:
            assert kind == "ip_list", field
        elif field in R.QUOTED_FIELDS or field in R.TEXT_FIELDS:
            assert kind in ("string", "date", "balancing", "distribution", "separation"), (field, kind)
        else:  # typed by its look: never a wire bool (rac prints those as words, which records.py must name)
            assert kind != "bool", (field, kind)
