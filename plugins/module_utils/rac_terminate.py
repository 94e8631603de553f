# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ending many sessions in one module call: concurrent ``rac session terminate``."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from concurrent.futures import ThreadPoolExecutor

from ansible_collections.onec.cluster.plugins.module_utils.rac_errors import RacError, SessionNotFoundError

# ras's own session (listed by 8.5.x): ending it would cut the administration channel itself.
PROTECTED_APP_IDS = frozenset(["ras"])

SUMMARY_FIELDS = ("session", "session_id", "user_name", "infobase", "infobase_name", "app_id", "host")


def summary(session):
    """What a result shows of an ended session."""
    return dict((field, session.get(field)) for field in SUMMARY_FIELDS)


def without_excluded(sessions, exclude_users=None, exclude_app_ids=None):
    users = set(exclude_users or [])
    apps = set(a.lower() for a in (exclude_app_ids or [])) | PROTECTED_APP_IDS
    return [s for s in sessions
            if s.get("user_name") not in users and str(s.get("app_id", "")).lower() not in apps]


def terminate_all(client, sessions, message=None, concurrency=8):
    """Terminate each session; -> (terminated, already_gone, failed), each in the input order.

    A session that is gone when its turn comes (rac: session not found) is
    ``already_gone``, not a failure. One failure never stops the others.
    """

    def end(session):
        try:
            client.terminate(session["session"], message)
            return "terminated", None
        except SessionNotFoundError:
            return "already_gone", None
        except RacError as exc:
            return "failed", exc.describe()

    workers = max(1, min(concurrency, len(sessions)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        outcomes = list(pool.map(end, sessions))
    terminated, already_gone, failed = [], [], []
    for session, (outcome, error) in zip(sessions, outcomes):
        entry = summary(session)
        if outcome == "terminated":
            terminated.append(entry)
        elif outcome == "already_gone":
            already_gone.append(entry)
        else:
            entry["error"] = error
            failed.append(entry)
    return terminated, already_gone, failed
