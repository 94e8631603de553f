# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What playbooks/free_licenses.yml tells people: per server, the sessions ended and the licences they held (read by
session_info with licenses: true just before), then the fleet's total. Pure formatting: the playbook passes its
server's part of the onec.cluster.fleet result in, the summary comes out. Each filter is documented in its own
<name>.yml next to this file (ansible-doc -t filter onec.cluster.<name>)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.onec.cluster.plugins.module_utils.errors import ModuleInputError
from ansible_collections.onec.cluster.plugins.module_utils.records import parse_duration
from ansible_collections.onec.cluster.plugins.module_utils.sessions import license_counts

# A server whose play never reached the summary counts as failed, with this reason.
NOT_RUN = {"ended": 0, "already_gone": 0, "failed": 0, "by_license_type": {}, "by_license_series": {},
           "not_counted": 0, "error": "did not run"}


def licences_idle_seconds(value):
    """An idle_for as seconds, the way the session filter reads it: 0 when not given, -1 when not a duration. The
    playbook's guard refuses 0 (idle for 0 seconds is every session) and -1 before anything runs."""
    if value is None or str(value).strip() == "":
        return 0
    try:
        return parse_duration(value)
    except ModuleInputError:
        return -1


def _step(part, module):
    """The result of the part's first step of that module (the fleet drops disabled steps: never by position)."""
    for step in (part or {}).get("steps") or []:
        if step.get("module") == module:
            return step
    return {}


def licences_freed(part, error=""):
    """One server's summary from its part of the fleet result (``results[host]``): the sessions the session step
    ended (in check mode: would end), each with the licences session_info listed for it just before, and those
    licences counted per type and series.

    A session ended but not listed by the count step (it came, or went idle, between the two steps; or counting was
    off) is counted in ``not_counted``: what it held is unknown, never guessed. ``error``: the failure to report."""
    part = part or {}
    ended = _step(part, "session")
    counted = _step(part, "session_info")
    listed = dict((s.get("session"), s) for s in counted.get("sessions") or [])
    sessions, held, not_counted = [], [], 0
    for session in ended.get("terminated") or []:
        info = listed.get(session.get("session"))
        if info is None:
            not_counted += 1
        licences = (info or {}).get("licenses") or []
        held.append({"licenses": licences})
        sessions.append(dict(session, licenses=licences, licences_known=info is not None))
    counts = license_counts(held)
    return {
        "where": ended.get("where") or counted.get("where") or "",
        "ended": len(sessions),
        "already_gone": ended.get("already_gone_count", 0),
        "failed": ended.get("failed_count", 0),
        "sessions": sessions,
        "by_license_type": counts["by_type"],
        "by_license_series": counts["by_series"],
        "not_counted": not_counted,
        "error": error or (part.get("msg") if part.get("failed") else "") or "",
    }


def _counts_words(counts):
    """{'soft': 3, 'HASP': 1} -> 'HASP 1, soft 3' (sorted by name; an empty name, a licence rac printed without a
    type or series, shows as '?'); 'none' for no licence."""
    if not counts:
        return "none"
    return ", ".join("%s %d" % (name or "?", number) for name, number in sorted(counts.items()))


def _add(total, counts):
    for name, number in (counts or {}).items():
        total[name] = total.get(name, 0) + int(number)


def licences_summary(hosts, summaries, check_mode=False):
    """One line per server, then the fleet's total; ``summaries`` are the servers' licences_freed in the order of
    ``hosts`` (None or missing: did not run)."""
    summaries = [summary or NOT_RUN for summary in summaries]
    ended = "session(s) would be ended" if check_mode else "session(s) ended"
    freed = "licence(s) would be freed" if check_mode else "licence(s) freed"
    lines = []
    by_type, by_series = {}, {}
    for host, summary in zip(hosts, summaries):
        licences = sum(int(n) for n in (summary.get("by_license_type") or {}).values())
        lines.append("%s: %s %s, %d %s (by type: %s; by series: %s)%s%s%s%s" % (
            host, summary.get("ended", 0), ended, licences, freed,
            _counts_words(summary.get("by_license_type")), _counts_words(summary.get("by_license_series")),
            (", %s already gone" % summary["already_gone"]) if summary.get("already_gone") else "",
            (", %s could not be ended" % summary["failed"]) if summary.get("failed") else "",
            (" (%s)" % summary["where"]) if summary.get("where") else "",
            _tail(summary)))
        _add(by_type, summary.get("by_license_type"))
        _add(by_series, summary.get("by_license_series"))
    failed = len([summary for summary in summaries if summary.get("error")])
    not_counted = sum(int(summary.get("not_counted") or 0) for summary in summaries)
    lines.append("Fleet: %d server(s), %d %s, %d %s (by type: %s; by series: %s)%s; %s%s" % (
        len(hosts), sum(int(summary.get("ended") or 0) for summary in summaries), ended,
        sum(by_type.values()), freed, _counts_words(by_type), _counts_words(by_series),
        (", %d ended session(s) whose licences were not read" % not_counted) if not_counted else "",
        ("%d server(s) failed." % failed) if failed else "every server done.",
        " Check mode: nothing was changed." if check_mode else ""))
    return lines


def _tail(summary):
    """The end of a server's line: the sessions whose licences were not read, then the error if it failed."""
    words = ""
    if summary.get("not_counted"):
        words += "; %s ended session(s) whose licences were not read" % summary["not_counted"]
    if summary.get("error"):
        return words + ". FAILED - %s" % summary["error"]
    return words + "."


def licences_sessions(summary):
    """'Иванов И.И. #12 1CV8C in accounting: soft 500000125530' per session of a licences_freed summary: what check
    mode shows before a run (and a run shows after)."""
    lines = []
    for session in (summary or {}).get("sessions") or []:
        if session.get("licences_known"):
            licences = ", ".join("%s %s" % (lic.get("license_type") or "?", lic.get("series") or "?")
                                 for lic in session.get("licenses") or []) or "no licence"
        else:
            licences = "licences not read"
        lines.append("%s #%s %s in %s: %s" % (session.get("user_name") or "-", session.get("session_id"),
                                              session.get("app_id"), session.get("infobase_name") or "-", licences))
    return lines


class FilterModule(object):
    """The licence-freeing playbook's filters."""

    def filters(self):
        return {
            "licences_freed": licences_freed,
            "licences_summary": licences_summary,
            "licences_sessions": licences_sessions,
            "licences_idle_seconds": licences_idle_seconds,
        }
