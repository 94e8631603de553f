# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ending many sessions or connections in one module call: concurrent calls, each outcome kept, and the tail the
session and connection modules share (end_selected: end each -> audit -> result -> diff -> partial-failure message).

Nothing ended is ever lost: each ended item is written to the audit log as soon as its call returned (not at the
end), so Ctrl-C, SIGTERM, a thread that cannot be started or a module that dies later leave the log complete.
On SIGINT/SIGTERM/SIGHUP no new call starts, the calls in flight finish and are logged, and the module fails
saying how many were ended.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import signal
import threading
from collections import namedtuple

from ansible_collections.onec.cluster.plugins.module_utils.audit import append
from ansible_collections.onec.cluster.plugins.module_utils.errors import (
    ConnectionNotFoundError,
    ModuleInputError,
    RacError,
    SessionNotFoundError,
)
from ansible_collections.onec.cluster.plugins.module_utils.glue import text_diff
from ansible_collections.onec.cluster.plugins.module_utils.records import CONNECTION_SUMMARY, SESSION_SUMMARY, project

# Calls at once on one server when the task does not say (measured, docs/performance.md): rac is a process per call,
# so 8 already fills a 2-core controller; the native client shares a few RAS connections, 1,000 terminations take
# 3.7 s at 8 and 1.8 s at 32 (the client alone 0.63 s at 128). Never more than MAX_CONCURRENCY (issue 19): each call
# is work for the server's ras and rmngr, often the thing in trouble during an incident.
DEFAULT_CONCURRENCY = {"rac": 8, "native": 32}
MAX_CONCURRENCY = 64

STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


def summary(record, fields=SESSION_SUMMARY):
    """What a result shows of an ended session (or, with records.CONNECTION_SUMMARY, a dropped connection)."""
    return project(record, fields)


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


def check_concurrency(module):
    """Option concurrency, before any call, by choose_concurrency's rule: below 1 fails; above MAX_CONCURRENCY is
    capped, with its warning (said once: the capped value is kept in the options); not set stays not set (the
    backend's default is taken when the calls start)."""
    if module.params["concurrency"] is not None:
        module.params["concurrency"] = choose_concurrency(module.params, module.warn)


def end_each(records, end_one, gone_error, concurrency=8, fields=SESSION_SUMMARY, check_mode=False, audit=None):
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
        _run_workers(work, max(1, min(concurrency, MAX_CONCURRENCY, len(records))))
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


# What differs between ending sessions and dropping connections; the rest of the tail is end_selected's.
#   noun, verb: "sessions", "ended" (messages, the diff's header); action, audit_key: the audit lines';
#   key: the field that names an item; gone_error: the item ended meanwhile; fields: what results show of one;
#   describe: items as lines of the diff; shape(outcome): the module's own result keys; counts_gone: the
#   partial-failure message counts the items already gone.
BulkKind = namedtuple("BulkKind", "noun verb action audit_key key gone_error fields describe shape counts_gone")


def _describe_sessions(sessions):
    return ["%s %s #%s %s (%s)" % (s["infobase_name"], s["user_name"] or "-", s["session_id"], s["app_id"],
                                   s["session"]) for s in sessions]


def _describe_connections(connections):
    return ["%s %s #%s %s (%s)" % (c["infobase_name"], c.get("application"), c.get("conn_id"),
                                   "session %s" % c["session_number"] if c["has_session"] else "no session",
                                   c["connection"]) for c in connections]


SESSIONS = BulkKind(
    noun="sessions", verb="ended", action="end_sessions", audit_key="ended", key="session",
    gone_error=SessionNotFoundError, fields=SESSION_SUMMARY, describe=_describe_sessions, counts_gone=True,
    shape=lambda outcome: dict(terminated=outcome.ended, terminated_count=len(outcome.ended),
                               already_gone_count=len(outcome.already_gone), failed_count=len(outcome.failed)),
)


def _describe_calls(sessions):
    return ["%s %s #%s %s (%s): in a server call for %s ms" % (
        s["infobase_name"], s["user_name"] or "-", s["session_id"], s["app_id"], s["session"],
        s.get("duration_current", 0)) for s in sessions]


# Interrupting the current server call of sessions: the sessions stay, only their calls end (session module,
# state=interrupted). A session gone meanwhile is already_gone, as when ending one.
INTERRUPTS = BulkKind(
    noun="server calls", verb="interrupted", action="interrupt_calls", audit_key="interrupted", key="session",
    gone_error=SessionNotFoundError, fields=SESSION_SUMMARY, describe=_describe_calls, counts_gone=True,
    shape=lambda outcome: dict(interrupted=outcome.ended, interrupted_count=len(outcome.ended),
                               already_gone_count=len(outcome.already_gone), failed_count=len(outcome.failed)),
)

CONNECTIONS = BulkKind(
    noun="connections", verb="disconnected", action="disconnect", audit_key="disconnected", key="connection",
    gone_error=ConnectionNotFoundError, fields=CONNECTION_SUMMARY, describe=_describe_connections,
    counts_gone=False, shape=lambda outcome: dict(disconnected=outcome.ended, disconnected_count=len(outcome.ended)),
)


def choose_concurrency(params, warn):
    """The calls at once: the option if given (at most MAX_CONCURRENCY, with a warning), else the backend's default.
    (Modules run check_concurrency first, so a bad value fails before any call and warns once.)"""
    asked = params.get("concurrency")
    if asked is None:
        return DEFAULT_CONCURRENCY.get(params.get("backend") or "rac", 8)
    if asked < 1:
        raise ModuleInputError("concurrency must be 1 or more")
    if asked > MAX_CONCURRENCY:
        warn("concurrency %d is capped at %d, the most calls this collection makes at once to one ras"
             % (asked, MAX_CONCURRENCY))
        return MAX_CONCURRENCY
    return asked


def end_selected(module, client, kind, selected, end_one, result, **audit_details):
    """End each selected item with end_one(item) -> result, updated: the tail of the session and connection modules.

    Module options concurrency (choose_concurrency) and audit_log apply; in check mode nothing is called. ``kind`` is SESSIONS or
    CONNECTIONS; ``audit_details`` go on every audit line (e.g. the message shown). Fails the module, result
    included, when it stopped early (a signal, the audit log) or an item could not be ended.
    """
    params = module.params
    audit = AuditTrail(params["audit_log"], kind.action, kind.audit_key, client.address, client.cluster_label,
                       **audit_details)
    outcome = end_each(selected, end_one, kind.gone_error, choose_concurrency(params, module.warn), kind.fields,
                       check_mode=module.check_mode, audit=audit)
    result.update(changed=bool(outcome.ended), already_gone=outcome.already_gone, failures=outcome.failed,
                  rac_calls=client.calls, **kind.shape(outcome))
    if module._diff:  # pylint: disable=protected-access  # AnsibleModule's --diff flag has no public name
        ended = set(item[kind.key] for item in outcome.ended)
        result["diff"] = text_diff({kind.noun: kind.describe(selected)},
                                   {kind.noun: kind.describe([i for i in selected if i[kind.key] not in ended])},
                                   "%s (%s)" % (kind.noun, client.where()))
    if outcome.stopped_by:
        module.fail_json(msg=outcome.stop_message(kind.noun, kind.verb, client.where()),
                         not_started=outcome.not_started, **result)
    if outcome.failed:
        gone = ", %d already gone" % len(outcome.already_gone) if kind.counts_gone else ""
        module.fail_json(msg="%d of %d %s could not be %s (%s); %d %s%s. First error: %s"
                             % (len(outcome.failed), len(selected), kind.noun, kind.verb, client.where(),
                                len(outcome.ended), kind.verb, gone, outcome.failed[0]["error"]), **result)
    return result
