# -*- coding: utf-8 -*-
"""The bulk mechanism: every ended item is in the audit log the moment its call returned, whatever happens next
(a stop signal, a thread that cannot be started, the process dying)."""

import json
import os
import signal
import threading
import time

import pytest

from ansible_collections.onec.cluster.plugins.module_utils import errors as E
from ansible_collections.onec.cluster.plugins.module_utils.bulk import AuditTrail, end_each


def sessions(count):
    return [dict(session="s%03d" % n, session_id=n, user_name="u%d" % n, infobase="ib", infobase_name="Бух",
                 app_id="1CV8C", host="pc") for n in range(count)]


def read_log(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def logged_sessions(path):
    return [s["session"] for line in read_log(path) if line["action"] == "end_sessions" for s in line["ended"]]


def trail(path):
    return AuditTrail(path, "end_sessions", "ended", "srv:1545", "main", message="bye")


class Died(BaseException):
    """The module process dying (a BaseException: nothing in end_each may catch it)."""


def test_each_ended_session_is_logged_before_the_next_call(tmp_path):
    path = str(tmp_path / "audit.jsonl")
    seen = []

    def end_one(record):
        seen.append(logged_sessions(path))  # what the log holds when this call starts
        if record["session"] == "s004":
            raise Died()

    records = sessions(8)
    with pytest.raises(Died):
        end_each(records, end_one, E.SessionNotFoundError, concurrency=1, audit=trail(path))
    assert seen == [["s%03d" % n for n in range(k)] for k in range(5)]
    assert logged_sessions(path) == ["s000", "s001", "s002", "s003"]  # the process died: nothing ended is missing


def test_a_run_logs_each_item_then_a_summary(tmp_path):
    path = str(tmp_path / "audit.jsonl")

    def end_one(record):
        if record["session_id"] == 1:
            raise E.SessionNotFoundError("Сеанс с указанным идентификатором не найден")
        if record["session_id"] == 2:
            raise E.RacError("refused")

    outcome = end_each(sessions(5), end_one, E.SessionNotFoundError, concurrency=3, audit=trail(path))
    lines = read_log(path)
    assert sorted(logged_sessions(path)) == ["s000", "s003", "s004"] == [s["session"] for s in outcome.ended]
    assert all(line["message"] == "bye" and line["ras"] == "srv:1545" for line in lines)
    summary = lines[-1]
    assert summary["action"] == "end_sessions_summary" and summary["ended_count"] == 3
    assert summary["already_gone"] == 1 and [f["session"] for f in summary["failed"]] == ["s002"]
    assert summary["stopped_by"] is None and summary["not_started"] == 0 and outcome.stopped_by is None


def test_check_mode_logs_nothing(tmp_path):
    path = str(tmp_path / "audit.jsonl")
    outcome = end_each(sessions(3), lambda r: pytest.fail("called in check mode"), E.SessionNotFoundError,
                       check_mode=True, audit=trail(path))
    assert len(outcome.ended) == 3 and not os.path.exists(path)


@pytest.mark.parametrize("concurrency", [1, 4])
@pytest.mark.parametrize("signal_number", [signal.SIGINT, signal.SIGTERM])
def test_a_stop_signal_ends_nothing_new_and_loses_nothing(tmp_path, concurrency, signal_number):
    path = str(tmp_path / "audit.jsonl")
    calls = []
    lock = threading.Lock()

    def end_one(record):
        with lock:
            calls.append(record["session"])
            if len(calls) == 6:
                os.kill(os.getpid(), signal_number)
        time.sleep(0.05)  # a call takes time: the main thread sees the signal while others are in flight

    before = signal.getsignal(signal_number)
    outcome = end_each(sessions(40), end_one, E.SessionNotFoundError, concurrency=concurrency, audit=trail(path))
    assert signal.getsignal(signal_number) == before  # the module's own handling is back
    assert outcome.stopped_by == signal.Signals(signal_number).name
    assert 6 <= len(outcome.ended) < 40 and len(outcome.ended) + len(outcome.not_started) == 40
    assert sorted(logged_sessions(path)) == sorted(calls) == [s["session"] for s in outcome.ended]
    summary = read_log(path)[-1]
    assert summary["stopped_by"] == outcome.stopped_by and summary["not_started"] == len(outcome.not_started)
    message = outcome.stop_message("sessions", "ended", "ras srv:1545")
    expected = "stopped by %s (ras srv:1545): %d sessions ended" % (outcome.stopped_by, len(outcome.ended))
    assert message.startswith(expected)


@pytest.mark.parametrize("threads_possible", [0, 2])
def test_threads_that_cannot_be_started_lose_nothing(tmp_path, monkeypatch, threads_possible):
    path = str(tmp_path / "audit.jsonl")
    started = []
    real_start = threading.Thread.start

    def start(thread):
        if len(started) >= threads_possible:
            raise RuntimeError("can't start new thread")
        started.append(thread)
        real_start(thread)

    monkeypatch.setattr(threading.Thread, "start", start)
    outcome = end_each(sessions(10), lambda r: None, E.SessionNotFoundError, concurrency=8, audit=trail(path))
    assert len(outcome.ended) == 10 and sorted(logged_sessions(path)) == ["s%03d" % n for n in range(10)]


def test_an_unexpected_error_is_a_failure_of_that_item_not_a_lost_run(tmp_path):
    path = str(tmp_path / "audit.jsonl")

    def end_one(record):
        if record["session_id"] == 0:
            raise RuntimeError("can't start new thread")

    outcome = end_each(sessions(3), end_one, E.SessionNotFoundError, concurrency=2, audit=trail(path))
    assert [f["error"] for f in outcome.failed] == ["RuntimeError: can't start new thread"]
    assert sorted(logged_sessions(path)) == ["s001", "s002"]


def test_an_audit_log_that_cannot_be_written_stops_the_run(tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    outcome = end_each(sessions(5), lambda r: None, E.SessionNotFoundError, concurrency=1,
                       audit=trail(str(blocked / "audit.jsonl")))
    assert len(outcome.ended) == 1 and len(outcome.not_started) == 4
    assert outcome.stopped_by.startswith("the audit log (cannot write it")


class FakeModule:
    """What end_selected uses of an AnsibleModule; fail_json raises like the real one exits."""

    def __init__(self, audit_log, check_mode=False, diff=True):
        self.params = dict(audit_log=audit_log, concurrency=2)
        self.check_mode = check_mode
        self._diff = diff
        self.warnings = []

    def warn(self, warning):
        self.warnings.append(warning)

    def fail_json(self, **result):
        raise Failed(result)


class Failed(Exception):
    pass


class FakeClient:
    address, cluster_label, calls = "srv:1545", "'main' (uuid)", 7

    def where(self):
        return "ras srv:1545, cluster 'main' (uuid)"


def test_end_selected_shares_the_tail_result_diff_and_partial_failure_message(tmp_path):
    from ansible_collections.onec.cluster.plugins.module_utils.bulk import SESSIONS, end_selected
    path = str(tmp_path / "audit.jsonl")
    records = sessions(3)

    def end_one(record):
        if record["session"] == "s001":
            raise E.SessionNotFoundError("gone")
        if record["session"] == "s002":
            raise E.RasBackendError("recv returns zero", from_rac=True)

    with pytest.raises(Failed) as failed:
        end_selected(FakeModule(path), FakeClient(), SESSIONS, records, end_one, dict(matched=3), message="bye")
    result = failed.value.args[0]
    assert result["msg"].startswith("1 of 3 sessions could not be ended (ras srv:1545, cluster 'main' (uuid)); "
                                    "1 ended, 1 already gone. First error: ")
    assert result["changed"] is True and result["terminated_count"] == 1 and result["already_gone_count"] == 1
    assert result["failed_count"] == 1 and result["rac_calls"] == 7 and result["matched"] == 3
    assert [s["session"] for s in result["terminated"]] == ["s000"]
    assert result["diff"]["before_header"] == "sessions (ras srv:1545, cluster 'main' (uuid))"
    assert "s000" in result["diff"]["before"] and "s000" not in result["diff"]["after"]
    assert logged_sessions(path) == ["s000"] and read_log(path)[0]["message"] == "bye"


def test_end_selected_for_connections_in_check_mode_changes_nothing_and_names_no_gone_count(tmp_path):
    from ansible_collections.onec.cluster.plugins.module_utils.bulk import CONNECTIONS, end_selected
    connections = [dict(connection="c1", conn_id=1, process="p", infobase="ib", infobase_name="Бух",
                        application="1CV8C", host="pc", session_number=0, has_session=False)]
    result = end_selected(FakeModule(str(tmp_path / "audit.jsonl"), check_mode=True), FakeClient(), CONNECTIONS,
                          connections, lambda c: pytest.fail("called in check mode"), dict(matched=1))
    assert result["disconnected_count"] == 1 and result["changed"] is True
    assert result["disconnected"][0]["connection"] == "c1" and "has_session" not in result["disconnected"][0]
    assert "Бух 1CV8C #1 no session (c1)" in result["diff"]["before"]
    assert not os.path.exists(str(tmp_path / "audit.jsonl"))
