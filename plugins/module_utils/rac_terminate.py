# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ending many sessions or connections in one module call: concurrent rac calls, each outcome kept."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from concurrent.futures import ThreadPoolExecutor

from ansible_collections.onec.cluster.plugins.module_utils.rac_errors import RacError

SESSION_FIELDS = ("session", "session_id", "user_name", "infobase", "infobase_name", "app_id", "host")
CONNECTION_FIELDS = ("connection", "conn_id", "process", "infobase", "infobase_name", "application", "host",
                     "session_number")


def summary(record, fields=SESSION_FIELDS):
    """What a result shows of an ended session (or, with CONNECTION_FIELDS, a dropped connection)."""
    return dict((field, record.get(field)) for field in fields)


def end_each(records, end_one, gone_error, concurrency=8, fields=SESSION_FIELDS, check_mode=False):
    """Call end_one(record) for each record; -> (ended, already_gone, failed), each in the input order.

    A record that is gone when its turn comes (end_one raises ``gone_error``) is
    ``already_gone``, not a failure. One failure never stops the others. In
    check mode nothing is called and every record is reported as it would be: ended.
    """
    if check_mode:
        return [summary(record, fields) for record in records], [], []

    def end(record):
        try:
            end_one(record)
            return "ended", None
        except gone_error:
            return "already_gone", None
        except RacError as exc:
            return "failed", exc.describe()

    outcomes = []
    if records:
        with ThreadPoolExecutor(max_workers=max(1, min(concurrency, len(records)))) as pool:
            outcomes = list(pool.map(end, records))
    ended, already_gone, failed = [], [], []
    for record, (outcome, error) in zip(records, outcomes):
        entry = summary(record, fields)
        if outcome == "ended":
            ended.append(entry)
        elif outcome == "already_gone":
            already_gone.append(entry)
        else:
            entry["error"] = error
            failed.append(entry)
    return ended, already_gone, failed
