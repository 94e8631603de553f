# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ending many sessions or connections in one module call: concurrent rac calls, each outcome kept.

Nothing ended is ever lost: each ended item is written to the audit log as soon as its call returned (not at the
end), so Ctrl-C, SIGTERM, a thread that cannot be started or a module that dies later leave the log complete.
On SIGINT/SIGTERM/SIGHUP no new call starts, the calls in flight finish and are logged, and the module fails
saying how many were ended.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import signal
import threading

from ansible_collections.onec.cluster.plugins.module_utils.rac_audit import append
from ansible_collections.onec.cluster.plugins.module_utils.rac_errors import RacError

SESSION_FIELDS = ("session", "session_id", "user_name", "infobase", "infobase_name", "app_id", "host")
CONNECTION_FIELDS = ("connection", "conn_id", "process", "infobase", "infobase_name", "application", "host",
                     "session_number")

STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


def summary(record, fields=SESSION_FIELDS):
    """What a result shows of an ended session (or, with CONNECTION_FIELDS, a dropped connection)."""
    return dict((field, record.get(field)) for field in fields)


class AuditTrail:
    """The audit lines of one bulk ending: one line per ended item, written at once, and a summary line at the end.

    An item's line has the shape the log always had (``action``, and the key, e.g. ``ended``, holding a list) with
    one item in it, so a reader summing those lists counts every ended item; the summary line's action ends in
    ``_summary``.
    """

    def __init__(self, path, action, key, ras, cluster, **details):
        self.path, self.action, self.key = path, action, key
        self.ras, self.cluster, self.details = ras, cluster, details

    def ended(self, entry):
        details = dict(self.details)
        details[self.key] = [entry]
        append(self.path, self.action, self.ras, self.cluster, **details)

    def summary(self, outcome):
        append(self.path, self.action + "_summary", self.ras, self.cluster, ended_count=len(outcome.ended),
               already_gone=len(outcome.already_gone), failed=outcome.failed, not_started=len(outcome.not_started),
               stopped_by=outcome.stopped_by, **self.details)


class BulkOutcome:
    """What end_each did: ended, already_gone, failed (each with its error) and not_started, in the input order;
    stopped_by says why it stopped early (a signal, the audit log), else None."""

    def __init__(self):
        self.ended, self.already_gone, self.failed, self.not_started = [], [], [], []
        self.stopped_by = None

    def __iter__(self):  # ended, already_gone, failed = end_each(...)
        return iter((self.ended, self.already_gone, self.failed))

    def stop_message(self, noun, verb, where):
        """The failure message of a bulk ending that stopped early, or None."""
        if not self.stopped_by:
            return None
        return ("stopped by %s (%s): %d %s %s (each in the audit log), %d already gone, %d failed, %d not started"
                % (self.stopped_by, where, len(self.ended), noun, verb, len(self.already_gone), len(self.failed),
                   len(self.not_started)))


class _Stop:
    """Why the run stops early (first reason wins); set from signal handlers and worker threads."""

    def __init__(self):
        self.reason = None

    def set(self, reason):
        self.reason = self.reason or reason


def _catch_stop_signals(stop):
    """Stop signals set stop instead of killing the module -> the previous handlers (to restore). Only the main
    thread may install handlers: elsewhere nothing is caught (and nothing is changed)."""
    previous = {}
    if threading.current_thread() is not threading.main_thread():
        return previous
    for number in STOP_SIGNALS:
        try:
            previous[number] = signal.signal(number, lambda signum, frame: stop.set(signal.Signals(signum).name))
        except (OSError, ValueError):
            pass
    return previous


def _restore_signals(previous):
    for number, handler in previous.items():
        signal.signal(number, handler)


def end_each(records, end_one, gone_error, concurrency=8, fields=SESSION_FIELDS, check_mode=False, audit=None):
    """Call end_one(record) for each record, ``concurrency`` at a time -> a BulkOutcome.

    A record that is gone when its turn comes (end_one raises ``gone_error``) is ``already_gone``, not a failure.
    One failure never stops the others. Each ended record goes to ``audit.ended`` as soon as its call returned, and
    ``audit.summary`` closes the run. A stop signal or an audit line that cannot be written stops new calls (the
    ones in flight finish); records never tried are ``not_started``. In check mode nothing is called and every
    record is reported as it would be: ended.
    """
    outcome = BulkOutcome()
    if check_mode:
        outcome.ended = [summary(record, fields) for record in records]
        return outcome
    results = [None] * len(records)
    pending = iter(range(len(records)))
    take = threading.Lock()
    stop = _Stop()

    def end(record):
        try:
            end_one(record)
            return "ended", None
        except gone_error:
            return "already_gone", None
        except RacError as exc:
            return "failed", exc.describe()
        except Exception as exc:  # pylint: disable=broad-except  # unknown whether it ended: reported, never lost
            return "failed", "%s: %s" % (type(exc).__name__, exc)

    def work():
        while stop.reason is None:
            with take:
                index = next(pending, None)
            if index is None:
                return
            results[index] = end(records[index])
            if results[index][0] == "ended" and audit is not None:
                try:
                    audit.ended(summary(records[index], fields))
                except (OSError, ValueError) as exc:
                    stop.set("the audit log (cannot write it: %s)" % exc)

    previous = _catch_stop_signals(stop)
    try:
        _run_workers(work, max(1, min(concurrency, len(records))))
    finally:
        _restore_signals(previous)
    outcome.stopped_by = stop.reason
    _sort_results(outcome, records, results, fields)
    if audit is not None and (outcome.ended or outcome.failed or outcome.stopped_by):
        try:
            audit.summary(outcome)
        except (OSError, ValueError) as exc:  # every ended item is already logged: say so, do not crash
            outcome.stopped_by = outcome.stopped_by or "the audit log (cannot write its summary: %s)" % exc
    return outcome


def _run_workers(work, count):
    """Run work in count threads, as many as can be started; none at all: in this thread. Joins with a timeout so
    that the main thread keeps running signal handlers."""
    threads = []
    while len(threads) < count and count > 1:
        thread = threading.Thread(target=work)
        thread.daemon = True
        try:
            thread.start()
        except RuntimeError:  # can't start new thread: the ones started carry on with the rest
            break
        threads.append(thread)
    if not threads:
        work()
    for thread in threads:
        while thread.is_alive():
            thread.join(0.1)


def _sort_results(outcome, records, results, fields):
    for record, result in zip(records, results):
        entry = summary(record, fields)
        if result is None:
            outcome.not_started.append(entry)
        elif result[0] == "ended":
            outcome.ended.append(entry)
        elif result[0] == "already_gone":
            outcome.already_gone.append(entry)
        else:
            entry["error"] = result[1]
            outcome.failed.append(entry)
