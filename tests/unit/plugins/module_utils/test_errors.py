# -*- coding: utf-8 -*-
"""rac's real error texts map to distinct, actionable errors."""

import pytest

from conftest import sample_names, sample_text
from ansible_collections.onec.cluster.plugins.module_utils import errors as E


CAPTURED = [
    ("error_session_terminate_unknown_8.5.1_racrust.stderr.txt", E.SessionNotFoundError),
    ("error_session_interrupt_unknown_8.5.1_racrust.stderr.txt", E.SessionNotFoundError),
    ("error_infobase_rights_8.5.1_racrust.txt", E.InfobaseAuthError),
    ("error_network_infobase_info_8.5.1_racrust.stderr.txt", E.RasBackendError),
    ("error_parsing_option_cluster_update_8.5.1_racrust.stderr.txt", E.RacArgumentError),
    ("error_parsing_option_connection_list_8.5.1_racrust.stderr.txt", E.RacArgumentError),
    ("error_connection_disconnect_unknown_8.5.1_racrust.stderr.txt", E.ConnectionNotFoundError),
]


@pytest.mark.parametrize("name, expected", CAPTURED)
def test_captured_stderr_is_classified(name, expected):
    assert E.classify(sample_text(name)) is expected


def test_every_error_sample_is_classified_above():
    assert set(case[0] for case in CAPTURED) == set(sample_names("error_", prefix=True))


def _payload_messages():
    """(command, message) pairs of the decoded ras answers (8.3.21)."""
    blocks = sample_text("errors_server_payloads_8.3.21_racrust_decoded.txt").split("## ")[1:]
    pairs = []
    for block in blocks:
        command, rest = block.split("\n", 1)
        if "message:\n" in rest:
            pairs.append((command, rest.split("message:\n", 1)[1].strip()))
    return pairs


def test_decoded_server_payloads_are_classified():
    expected = {
        "cluster info": E.ClusterNotFoundError,
        "connection info": E.ConnectionNotFoundError,
        "infobase info": E.InfobaseNotFoundError,
        "session info": E.SessionNotFoundError,
        "session list": E.ClusterAuthError,
    }
    pairs = _payload_messages()
    assert len(pairs) == 5
    for command, message in pairs:
        key = " ".join(command.split()[1:3])
        assert E.classify(message) is expected[key], command


@pytest.mark.parametrize("name", sample_names("meta_"))
def test_captured_failures_exit_255(name):
    meta = dict(line.split("=", 1) for line in sample_text(name).splitlines() if "=" in line)
    assert meta["rac_exit"] == "255"


@pytest.mark.parametrize("text, expected", [
    ("Ошибка соединения с сервером\nConnection refused\n", E.RasUnreachableError),
    ("Ошибка соединения с сервером\nПопытка установить соединение была безуспешной, т.к. от другого компьютера "
     "за требуемое время не получен нужный отклик\n", E.RasUnreachableError),
    ("Администратор кластера не аутентифицирован\n", E.ClusterAuthError),
    ("Сеанс отсутствует или удален\n", E.SessionNotFoundError),
    ("Ошибка разбора параметра: --agent-user=Былинкин\n", E.RacArgumentError),
    ("server_addr=tcp://ragent:1540 descr=32(0x00000020): Broken pipe line=1470 "
     "file=src/rtrsrvc/src/DataExchangeTcpClientImpl.cpp\n", E.RasBackendError),
    ("something nobody has seen\n", E.RacError),
])
def test_texts_from_the_contract(text, expected):
    assert E.classify(text) is expected


def test_transient_and_permanent():
    assert E.RasUnreachableError.transient and E.RacTimeoutError.transient and E.RasBackendError.transient
    assert not E.ClusterAuthError.transient and not E.InfobaseNotFoundError.transient


def test_describe_names_place_detail_and_fix():
    error = E.error_from_run(255, "Ошибка операции администрирования\nАдминистратор кластера не аутентифицирован\n")
    error.locate("srv1", 1545, "'Main' (1619820a-d36f-4d8a-a716-1516b1dea077)")
    text = error.describe()
    assert "srv1:1545" in text and "'Main'" in text
    assert "Администратор кластера не аутентифицирован" in text
    assert "cluster_user and cluster_password" in text


@pytest.mark.parametrize("host, port, cluster", [
    ("srv1c-01", 1645, None),
    ("127.0.0.1", 40123, "'Локальный кластер' (1619820a-d36f-4d8a-a716-1516b1dea077)"),
    ("::1", 1545, "x"),
])
def test_unreachable_hint_names_the_port_that_was_tried(host, port, cluster):
    error = E.error_from_run(255, "Ошибка соединения с сервером\nConnection refused\n")
    error.locate(host, port, cluster)
    assert error.where == "ras %s:%s" % (host, port) + (", cluster %s" % cluster if cluster else "")
    text = error.describe()
    assert "running on %s and listening on port %s (ras cluster --port=%s)" % (host, port, port) in text
    if port != 1545:
        assert "1545" not in text


def test_unreachable_hint_without_an_address():
    text = E.RasUnreachableError("Connection refused").describe()
    assert "ras_port" in text and "1545" not in text
