# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the roles tell people: the emergency disconnect's fleet summary, the maintenance window's report and failure
message, the session report's rows and groups. Pure formatting: the roles pass registered results in, the text comes
out. Each filter is documented in its own <name>.yml next to this file (ansible-doc -t filter onec.cluster.<name>)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# The modules' own table of client types (session filters, did-you-mean): the report names them the same way.
# The path moves with the module_utils reorganisation (issue 17); only the import below names it.
from ansible_collections.onec.cluster.plugins.module_utils.sessions import KNOWN_APP_IDS

# A server whose play never reached the summary (or the read) counts as failed, with this reason.
NOT_RUN_SUMMARY = {"ended": 0, "already_gone": 0, "failed": 0, "disconnected": 0, "error": "did not run"}
NOT_READ_MESSAGE = "the server was not read (the play did not reach it)"

# CSV: a text that starts with one of these is a formula to Excel; a leading ' makes Excel show it as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_UNITS = {"ms": ", ms", "bytes": ", bytes"}
DATE_FIELDS = ("started_at", "last_active_at")


def _number(value):
    """A count from a registered result (int, a numeric string, or missing/None: 0), as Jinja's int filter reads it."""
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _failed(result):
    """A registered result that failed (Ansible's `is failed`)."""
    return isinstance(result, dict) and bool(result.get("failed", False))


# -- emergency_disconnect --------------------------------------------------------------------------------------------

def fleet_summary(hosts, summaries, check_mode=False):
    """One line per server, then the fleet's total; ``summaries`` are the servers' emergency_disconnect_summary in
    the order of ``hosts`` (None or missing: did not run)."""
    summaries = [summary or NOT_RUN_SUMMARY for summary in summaries]
    ended = "session(s) would be ended" if check_mode else "session(s) ended"
    lines = []
    for host, summary in zip(hosts, summaries):
        # where: the ras endpoint and cluster, for a machine with several ras or clusters
        lines.append("%s: %s %s, %s already gone, %s could not be ended, %s connection(s) without a session dropped%s%s"
                     % (host, summary.get("ended", 0), ended, summary.get("already_gone", 0), summary.get("failed", 0),
                        summary.get("disconnected", 0), (" (%s)" % summary["where"]) if summary.get("where") else "",
                        (". FAILED - %s" % summary["error"]) if summary.get("error") else "."))
    failed = len([summary for summary in summaries if summary.get("error")])
    lines.append("Fleet: %d server(s), %d %s, %d already gone, %d could not be ended; %s%s" % (
        len(hosts), sum(_number(s.get("ended")) for s in summaries), ended,
        sum(_number(s.get("already_gone")) for s in summaries), sum(_number(s.get("failed")) for s in summaries),
        ("%d server(s) failed." % failed) if failed else "every server done.",
        " Check mode: nothing was changed." if check_mode else ""))
    return lines


def fleet_failures(hosts, summaries):
    """``host (error)`` for every server that failed or did not run, in the order of ``hosts``."""
    failures = []
    for host, summary in zip(hosts, summaries):
        error = (summary or NOT_RUN_SUMMARY).get("error")
        if error:
            failures.append("%s (%s)" % (host, error))
    return failures


# -- maintenance_window ----------------------------------------------------------------------------------------------

def _ran(result):
    """A registered result of a task that ran (not skipped, not missing)."""
    return isinstance(result, dict) and bool(result) and not result.get("skipped", False)


def window_sessions(sessions, limit=10):
    """'Бухгалтерия #7 BackgroundJob, ЗУП #3 BackgroundJob (Иванов И.И.)': the sessions a window names (jobs still
    running, calls interrupted), at most ``limit``, then how many more; 'none' for none."""
    sessions = list(sessions or [])
    if not sessions:
        return "none"
    named = ["%s #%s %s%s" % (s.get("infobase_name") or s.get("infobase") or "?", s.get("session_id"),
                              s.get("app_id") or "?", " (%s)" % s["user_name"] if s.get("user_name") else "")
             for s in sessions[:limit]]
    if len(sessions) > limit:
        named.append("... %d more" % (len(sessions) - limit))
    return ", ".join(named)


def _jobs_words(jobs, check_mode):
    """'; background jobs: waited 12s, none left' from the jobs wait's result ('' when it did not run)."""
    if not _ran(jobs):
        return ""
    left = _number(jobs.get("left"))
    if check_mode:
        return "; %d background job(s) running now" % left
    return "; waited %ss for background jobs to finish%s" % (
        jobs.get("waited", 0), (", %d still running were ended with the users: %s" % (
            left, window_sessions(jobs.get("sessions")))) if left else ", none left")


def _interrupt_words(interrupted, check_mode):
    """'; 2 server call(s) interrupted before forcing: ...' from the session module's interrupt result."""
    if not _ran(interrupted):
        return ""
    count = _number(interrupted.get("interrupted_count"))
    return "; %d server call(s) %s before forcing%s" % (
        count, "would be interrupted" if check_mode else "interrupted",
        (": " + window_sessions(interrupted.get("interrupted"))) if count else "")


def window_report(names, at_start, ended, start_text, disconnected, check_mode=False, waited=None, interrupted=None,
                  jobs=None):
    """What a window did (or, in check mode, would do). ``disconnected`` is the connection module's result,
    ``interrupted`` the session module's interrupt result and ``jobs`` the background jobs wait's (each skipped or
    None when that step did not run)."""
    at_start, ended = _number(at_start), _number(ended)
    infobases = ", ".join(names)
    if check_mode:
        return ("Check mode, nothing was changed: %d session(s) in %s now%s%s. The window would lock them (%s), wait "
                "for users to leave, end those still there (%d if nobody left by then), disconnect %s connection(s) "
                "left without a session, and put every lock back as it was." % (
                    at_start, infobases, _jobs_words(jobs, True), _interrupt_words(interrupted, True), start_text,
                    ended, disconnected.get("matched", 0)))
    return ("%d session(s) in %s when the window opened (%s)%s%s%s: %d left by themselves and %d were ended; %s "
            "connection(s) without a session were disconnected. Every lock is back as it was." % (
                at_start, infobases, start_text, "" if waited is None else "; waited %ss for users to leave" % waited,
                _jobs_words(jobs, False), _interrupt_words(interrupted, False),
                max(at_start - ended, 0), ended, disconnected.get("disconnected_count", 0)))


def window_states(final):
    """How each infobase was left, for the failed notification: [{name, sessions_deny, scheduled_jobs_deny,
    denied_from, denied_to}] from the infobase_info result read in the rescue ([] when it was not read)."""
    if not _ran(final) or _failed(final):
        return []
    keys = ("name", "sessions_deny", "scheduled_jobs_deny", "denied_from", "denied_to")
    return [dict((key, infobase.get(key)) for key in keys) for infobase in final.get("infobases") or []]


def _infobase_state(infobase):
    return "%s (%s%s)" % (infobase["name"], "sessions locked" if infobase.get("sessions_deny") else "open",
                          ", scheduled jobs locked" if infobase.get("scheduled_jobs_deny") else "")


def window_failure(failed_result, task, keep_locked, rescue_lock, rescue_restore, final, state_path):
    """What went wrong in a window and how each infobase was left: ``failed_result`` is ansible_failed_result,
    ``rescue_lock``/``rescue_restore`` the rescue's own lock change (one of them skipped), ``final`` the infobases
    read afterwards."""
    left = "locked (maintenance_window_keep_locked_on_failure)" if keep_locked else "with their earlier locks"
    rescue_failed = [result for result in (rescue_lock, rescue_restore) if _failed(result)]
    if rescue_failed:
        left += " - but that change failed too: %s" % rescue_failed[0].get("msg", "")
    if _failed(final):
        states = "could not be read (%s)" % final.get("msg", "")
    else:
        states = "; ".join(_infobase_state(infobase) for infobase in final.get("infobases", []))
    message = "Maintenance window failed at '%s': %s. Infobases left %s: %s." % (
        task, failed_result.get("msg", "see above"), left, states)
    if keep_locked:
        message += (" The earlier locks are kept in %s: once the infobases are safe, put them back with "
                    "playbooks/unlock.yml -e unlock_from_state_file=true." % state_path)
    return message


# -- session_report --------------------------------------------------------------------------------------------------

def _text_key(value):
    """Sort key of a name as Jinja's sort and groupby order them: without case; a missing name first."""
    return "" if value is None else str(value).lower()


def _totals(rows):
    return {
        "sessions": len(rows),
        "users": len(set(row.get("user_name") for row in rows if row.get("user_name"))),
        "sleeping": len([row for row in rows if row.get("hibernate")]),
        "cpu_time": sum(_number(row.get("cpu_time_total")) for row in rows),
        "memory": sum(_number(row.get("memory_total")) for row in rows),
    }


def session_report(hosts, reads, columns):
    """The report's data, every part computed once, in one pass over the sessions (plus sorting the groups).

    ``reads`` are the servers' session_info results in the order of ``hosts`` (None: the play did not reach it), or
    the ``results`` of an onec.cluster.fleet task whose first step is session_info (server -> its part).
    Returns rows (each session with its server), errors (server -> message), read_hosts, per_server and per_infobase
    totals (sessions, users, sleeping, cpu_time, memory), the infobase names and app-ids present (sorted), app_types
    (app-id -> what people call it) and columns ([field, unit] per column of ``columns``).
    """
    if isinstance(reads, dict):
        reads = [_fleet_read(reads.get(host)) for host in hosts]
    rows, errors, read_hosts = [], {}, []
    per_server, per_infobase, wheres = {}, {}, {}
    for host, read in zip(hosts, reads):
        if read is None or _failed(read):
            errors[host] = NOT_READ_MESSAGE if read is None else read.get("msg", "failed")
            continue
        read_hosts.append(host)
        wheres[host] = read.get("where") or ""
        per_server[host] = []
        for session in read.get("sessions") or []:
            row = dict(session, server=host)
            rows.append(row)
            per_server[host].append(row)
            per_infobase.setdefault((host, row.get("infobase_name")), []).append(row)
    grouped = sorted(per_infobase.items(), key=lambda item: (_text_key(item[0][0]), _text_key(item[0][1])))
    return {
        "rows": rows,
        "errors": errors,
        "read_hosts": read_hosts,
        # where: the ras endpoint and cluster the server's read came from (several ras or clusters on one machine)
        "per_server": [dict(_totals(per_server[host]), server=host, where=wheres.get(host, ""))
                       for host in read_hosts],
        "per_infobase": [dict(_totals(group), server=key[0], infobase=key[1]) for key, group in grouped],
        "infobases": sorted(set(row.get("infobase_name") for row in rows), key=_text_key),
        "app_ids": sorted(set(row.get("app_id") for row in rows), key=_text_key),
        "app_types": app_types(),
        "columns": [[column["field"], column.get("unit") or ""] for column in columns],
    }


def _fleet_read(part):
    """A server's part of an onec.cluster.fleet result -> its session_info result (failed: with the part's msg)."""
    if part is None:
        return None
    if _failed(part) or not part.get("steps"):
        return {"failed": True, "msg": part.get("msg") or "failed"}
    return part["steps"][0]


def app_types():
    """app-id -> what people call it, from the modules' table; an app-id that is its own name (Designer) has none."""
    return dict((app, label) for app, label in KNOWN_APP_IDS.items() if label != app)


def _csv_cell(value, is_date, is_text):
    if isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, str):
        text = value.replace("T", " ", 1) if is_date else value
        if is_text and text and text.startswith(FORMULA_STARTS):
            text = "'" + text
    elif isinstance(value, (list, tuple, set, dict)):
        text = ", ".join(str(item) for item in value)
    else:
        text = "" if value is None else str(value)
    return '"%s"' % text.replace('"', '""')


def session_csv(rows, columns):
    """The CSV lines (title line first; no line ends): every field quoted, quotes doubled, ";" between fields.

    Numbers stay raw (the title names the unit), dates read "YYYY-MM-DD HH:MM:SS", and a text that starts with
    = + - @ (or a tab, a carriage return) gets a leading ' so that Excel shows it instead of running it.
    """
    spec = [(column["field"], column["field"] in DATE_FIELDS, not column.get("unit")) for column in columns]
    lines = [";".join('"%s%s"' % (column["title"], CSV_UNITS.get(column.get("unit") or "", "")) for column in columns)]
    for row in rows:
        lines.append(";".join(_csv_cell(row.get(field, ""), is_date, is_text) for field, is_date, is_text in spec))
    return lines


class FilterModule(object):
    """The roles' report filters."""

    def filters(self):
        return {
            "fleet_summary": fleet_summary,
            "fleet_failures": fleet_failures,
            "window_report": window_report,
            "window_failure": window_failure,
            "window_sessions": window_sessions,
            "window_states": window_states,
            "session_report": session_report,
            "session_csv": session_csv,
        }
