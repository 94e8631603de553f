# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the roles tell people: the emergency disconnect's fleet summary, the maintenance window's report and failure
message, the session report's rows and groups. Pure formatting: the roles pass registered results in, the text comes
out. Each filter is documented in its own <name>.yml next to this file (ansible-doc -t filter onec.cluster.<name>)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import html
import numbers
import re

from ansible.module_utils.parsing.convert_bool import boolean

# The modules' own table of client types (session filters, did-you-mean): the report names them the same way.
# The path moves with the module_utils reorganisation (issue 17); only the import below names it.
from ansible.plugins.filter.core import to_nice_json

from ansible_collections.onec.cluster.plugins.module_utils.sessions import KNOWN_APP_IDS, _ms_words

# A server whose play never reached the summary (or the read) counts as failed, with this reason.
NOT_RUN_SUMMARY = {"ended": 0, "already_gone": 0, "failed": 0, "disconnected": 0, "error": "did not run"}
NOT_READ_MESSAGE = "the server was not read (the play did not reach it)"

# CSV: a text that starts with one of these is a formula to Excel; a leading ' makes Excel show it as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_UNITS = {"ms": ", ms", "bytes": ", bytes"}
DATE_FIELDS = ("started_at", "last_active_at", "call.dbms_since")


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

def _part_summary(part):
    """A server's part of an onec.cluster.fleet result (lock_first, session, connection steps) -> its summary."""
    steps = dict((step.get("module"), step) for step in part.get("steps") or [])
    ended, dropped, locked = steps.get("session", {}), steps.get("connection", {}), steps.get("lock_first", {})
    return {
        "ended": ended.get("terminated_count", 0), "already_gone": ended.get("already_gone_count", 0),
        "failed": ended.get("failed_count", 0), "disconnected": dropped.get("disconnected_count", 0),
        "where": ended.get("where") or dropped.get("where") or "",
        "locked": locked.get("changed_infobases", []), "lock_starts_at": locked.get("starts_at"),
        "lock_starts_at_utc": locked.get("starts_at_utc"),
        "still_in_a_call": ended.get("still_in_a_call", []),
        "error": (part.get("msg") or "failed") if _failed(part) else "",
    }


def _summaries(hosts, items):
    """Each host's summary from ``items`` in the order of ``hosts``: each is that host's summary (a dict as the
    role's set_fact made it), None (did not run), or the onec.cluster.fleet result as that host sees it (the
    registered run_once result), whose ``results`` hold the host's part."""
    summaries = []
    for host, item in zip(hosts, items):
        if isinstance(item, dict) and isinstance(item.get("results"), dict):
            part = item["results"].get(host)
            item = None if part is None else _part_summary(part)
        summaries.append(item or NOT_RUN_SUMMARY)
    return summaries


def _call_words(session):
    """One session still there because of a call, in words: who, where, which call and for how long."""
    call = session.get("call") or {}
    what = []
    if call.get("in_server_call"):
        what.append("in a server call for %s ms" % call.get("server_call_ms"))
    if call.get("in_dbms_call"):
        what.append("in a DBMS call for %s ms" % call.get("dbms_call_ms"))
    what.extend("blocked by session #%s (%s)" % (block.get("session_id"), block.get("by"))
                for block in call.get("blocked_by") or [])
    return "%s #%s (%s, %s): %s" % (session.get("user_name") or "-", session.get("session_id"),
                                    session.get("infobase_name"), session.get("app_id"), ", ".join(what))


def fleet_summary(hosts, summaries, check_mode=False):
    """One line per server, then the fleet's total. ``summaries``, in the order of ``hosts``: each host's
    onec.cluster.fleet result (the role's registered run_once result), or its summary; None or missing: did not
    run. A server whose sessions could not all be ended names those still there because they are inside a call."""
    summaries = _summaries(hosts, summaries)
    ended = "session(s) would be ended" if check_mode else "session(s) ended"
    lines = []
    for host, summary in zip(hosts, summaries):
        # where: the ras endpoint and cluster, for a machine with several ras or clusters
        # a session that could not be ended fails its server: the error comes first, then who is still there
        stuck = summary.get("still_in_a_call") or []
        lines.append("%s: %s %s, %s already gone, %s could not be ended, %s connection(s) without a session dropped%s%s%s"
                     % (host, summary.get("ended", 0), ended, summary.get("already_gone", 0), summary.get("failed", 0),
                        summary.get("disconnected", 0), (" (%s)" % summary["where"]) if summary.get("where") else "",
                        (". FAILED - %s" % summary["error"]) if summary.get("error") else ".",
                        (". Still there, inside a call: %s." % "; ".join(_call_words(s) for s in stuck)) if stuck
                        else ""))
    failed = len([summary for summary in summaries if summary.get("error")])
    lines.append("Fleet: %d server(s), %d %s, %d already gone, %d could not be ended; %s%s" % (
        len(hosts), sum(_number(s.get("ended")) for s in summaries), ended,
        sum(_number(s.get("already_gone")) for s in summaries), sum(_number(s.get("failed")) for s in summaries),
        ("%d server(s) failed." % failed) if failed else "every server done.",
        " Check mode: nothing was changed." if check_mode else ""))
    return lines


def fleet_failures(hosts, summaries):
    """``host (error)`` for every server that failed or did not run, in the order of ``hosts`` (``summaries`` as
    for fleet_summary)."""
    return ["%s (%s)" % (host, summary["error"]) for host, summary in zip(hosts, _summaries(hosts, summaries))
            if summary.get("error")]


def fleet_host_args(fleet, options):
    """Each server's own options for the next fleet step, from this one's result (``fleet``, an onec.cluster.fleet
    result): host -> {option: the value under ``key`` in that server's last step}, for ``options`` {option: key};
    servers whose part failed are left out (their host fails and leaves the play batch)."""
    return dict((host, dict((option, part["steps"][-1].get(key)) for option, key in options.items()))
                for host, part in (fleet.get("results") or {}).items() if not part.get("failed") and part.get("steps"))


def emergency_event(hosts, moment, infobases=None, lock_first=False, check_mode=False, fleet=None):
    """The emergency disconnect's notification event (roles/notify's contract; docs/workflows.md, Notifications).

    ``moment``: before_lock or forcing (before the fleet step: each server is its host and the infobases asked
    for; ``where`` is empty, not known before the step reaches the server), or ``after``, which becomes ``done``
    or ``failed`` from ``fleet`` (the fleet step's result): each server with its counts, locks and error.
    """
    asked = infobases if isinstance(infobases, list) else [infobases] if infobases else []
    if moment != "after":
        servers = [{"host": host, "where": "", "infobases": asked} for host in hosts]
        return {"workflow": "emergency_disconnect", "event": moment, "check_mode": bool(check_mode),
                "lock_first": bool(lock_first), "servers": servers}
    servers = []
    for host, summary in zip(hosts, _summaries(hosts, [fleet] * len(hosts))):
        servers.append({
            "host": host, "where": summary.get("where", ""), "infobases": asked,
            "ended": _number(summary.get("ended")), "already_gone": _number(summary.get("already_gone")),
            "failed": _number(summary.get("failed")), "disconnected": _number(summary.get("disconnected")),
            "locked": summary.get("locked") or [], "lock_starts_at": summary.get("lock_starts_at"),
            "lock_starts_at_utc": summary.get("lock_starts_at_utc"),
            "still_in_a_call": summary.get("still_in_a_call") or [], "error": summary.get("error", ""),
        })
    return {"workflow": "emergency_disconnect", "event": "failed" if any(s["error"] for s in servers) else "done",
            "check_mode": bool(check_mode), "lock_first": bool(lock_first), "servers": servers}


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


# -- maintenance_window in the fleet form ----------------------------------------------------------------------------
# ``stages`` is the window's fleet results by stage (roles/maintenance_window/vars/main.yml, maintenance_window_stages):
# record, lock, users, jobs, force, interrupt, end, verify, restore; a stage skipped or not reached is {} or skipped.

# The order a server goes through the stages (a server that failed in one has no part in the later ones).
WINDOW_STAGES = ("record", "lock", "users", "jobs", "force", "interrupt", "end", "verify", "restore")


def _parts(stage):
    return (stage or {}).get("results") or {} if isinstance(stage, dict) else {}


def window_step(stages, host, stage, module=None):
    """``host``'s result of one step of a stage ({} when the stage or the server's part is not there): the step of
    that ``module``, else the stage's last step."""
    steps = _parts(stages.get(stage)).get(host, {}).get("steps") or []
    chosen = [step for step in steps if module is None or step.get("module") == module]
    return chosen[-1] if chosen else {}


def _jobs_failure(stages, host, jobs_wait):
    """The jobs wait's failure of ``host`` under on_timeout fail: jobs still running once the wait is over."""
    jobs = window_step(stages, host, "jobs")
    if not jobs or not _number(jobs.get("left")):
        return {}
    return {"task": "Stop before forcing while background jobs still run", "failed": True,
            "msg": "%s background job(s) still running on %s after %ss: %s. Nothing was forced "
                   "(maintenance_window_background_jobs_on_timeout=fail): let them finish, or run the window again "
                   "with a longer maintenance_window_background_jobs_wait, or with "
                   "maintenance_window_background_jobs_on_timeout=end to end them with the users" % (
                       jobs.get("left"), host, jobs_wait, window_sessions(jobs.get("sessions")))}


def window_failed_step(stages, host, jobs_fail=False, jobs_wait=0):
    """What failed ``host``'s window, in the per-host role's terms: the failed step's result with ``task`` (the
    per-host task's name) and ``stage``, or {} while nothing failed. ``jobs_fail``: background jobs still running
    after the jobs wait fail the server (on_timeout fail)."""
    for stage in WINDOW_STAGES:
        part = _parts(stages.get(stage)).get(host)
        if part and part.get("failed"):
            failed = [step for step in part.get("steps") or [] if step.get("failed")]
            step = dict(failed[0]) if failed else {"msg": part.get("msg")}
            step.update(task=step.get("label") or step.get("name") or stage, stage=stage, failed=True)
            return step
        if stage == "jobs" and jobs_fail and part:
            found = _jobs_failure(stages, host, jobs_wait)
            if found:
                return dict(found, stage=stage)
    return {}


def window_ok_hosts(stages, hosts, jobs_fail=False, jobs_wait=0):
    """The servers of ``hosts`` that the window's record reached and that failed in no stage so far (the hosts of
    the next fleet task)."""
    recorded = _parts(stages.get("record"))
    return [host for host in hosts
            if host in recorded and not window_failed_step(stages, host, jobs_fail, jobs_wait)]


def window_hint_of(host, stages, hint):
    """What an interrupted window leaves behind on ``host`` and the one command that recovers it (``hint``:
    inventories, the run's inventory sources; given, whether maintenance_window_state_file was set)."""
    record, lock = window_step(stages, host, "record", "window_record"), window_step(stages, host, "lock")
    start = (list((lock.get("lock") or {}).values()) or [{}])[0].get("denied_from", "")
    path = record.get("state_file") or ""
    return ("if this run is interrupted, the lock of %s on %s stays set and still starts at %s (server time); the "
            "earlier locks are recorded in %s. Recover with: ansible-playbook -i %s playbooks/unlock.yml -l %s "
            "-e unlock_from_state_file=true%s" % (
                ", ".join(record.get("names") or []), host, start, path, " -i ".join(hint["inventories"]), host,
                (" -e unlock_state_file=%s" % path) if boolean(hint["given"]) else ""))


def window_says(stages, hosts, stage):
    """One line per server of ``hosts``: ``host: the message of its last step in stage``."""
    return ["%s: %s" % (host, window_step(stages, host, stage).get("msg", "")) for host in hosts]


def window_state_files(hosts, paths):
    """{host: {state_file: path}} for the window's record: each server's own state file (``paths`` in the order of
    ``hosts``)."""
    return dict((host, {"state_file": path}) for host, path in zip(hosts, paths))


def window_host_args(stages, options, hint=None):
    """Each recorded server's own options for the next fleet task: {host: {option: value}} for ``options`` among
    infobase (its recorded infobases), state_file, wait_until (its lock's start, UTC), denied_from (its lock's
    start, server time), interrupt_hint (``hint``: {inventories, given} for window_hint)."""
    args = {}
    for host, part in _parts(stages.get("record")).items():
        if part.get("failed"):
            continue  # nothing recorded: its host has failed, it is in no later stage
        record, lock = window_step(stages, host, "record", "window_record"), window_step(stages, host, "lock")
        values = {"infobase": record.get("names") or [], "state_file": record.get("state_file"),
                  "wait_until": lock.get("starts_at_utc"),
                  "denied_from": (list((lock.get("lock") or {}).values()) or [{}])[0].get("denied_from")}
        if "interrupt_hint" in options:
            values["interrupt_hint"] = window_hint_of(host, stages, hint)
        args[host] = dict((option, values[option]) for option in options)
    return args


def window_host_report(stages, host, check_mode=False):
    """``host``'s window report (window_report) from the fleet stages."""
    record = window_step(stages, host, "record", "window_record")
    at_start = window_step(stages, host, "record", "session_info")
    end, users = window_step(stages, host, "end", "session"), window_step(stages, host, "users")
    return window_report(record.get("names") or [], at_start.get("count"), end.get("terminated_count"),
                         window_step(stages, host, "lock").get("msg"), window_step(stages, host, "end", "connection"),
                         check_mode=check_mode, waited=users.get("waited") if users else None,
                         interrupted=window_step(stages, host, "interrupt") or None,
                         jobs=window_step(stages, host, "jobs") or None)


def window_report_of(host, stages, check_mode=False):
    """``host: its report``, for the fleet's one report task."""
    return "%s: %s" % (host, window_host_report(stages, host, check_mode))


def window_maintained(hosts, hostvars):
    """The servers of ``hosts`` whose maintenance tasks are done (maintenance_window_maintained set on them)."""
    return [host for host in hosts if hostvars[host].get("maintenance_window_maintained")]


def window_failures(hosts, hostvars):
    """The servers of ``hosts`` in the window's rescue, for the failed notification: {host: {failed_task, error,
    claimed, infobases_left}} from each one's rescue facts (maintenance_window_failure_text set)."""
    failures = {}
    for host in hosts:
        facts = hostvars[host]
        if not facts.get("maintenance_window_failure_text"):
            continue
        failures[host] = {"failed_task": facts.get("maintenance_window_failed_task", "?"),
                          "error": facts.get("maintenance_window_failure_text"),
                          "claimed": boolean(facts.get("maintenance_window_claimed", False)),
                          "infobases_left": window_states(facts.get("maintenance_window_final") or {})}
    return failures


def window_event(stages, event, hosts, settings, check_mode=False, failures=None):
    """The maintenance window's notification event (roles/notify's contract; docs/workflows.md, Notifications), one
    item per server of ``hosts``. ``settings``: grace (minutes), scheduled_jobs_deny, interrupt_calls,
    keep_locked; ``failures`` (failed): {host: {failed_task, error, claimed, infobases_left}}."""
    servers = []
    for host in hosts:
        record = window_step(stages, host, "record", "window_record")
        count = window_step(stages, host, "record", "session_info")
        lock = window_step(stages, host, "lock")
        server = {"host": host, "where": count.get("where") or lock.get("where") or "",
                  "infobases": record.get("names") or []}
        start = (list((lock.get("lock") or {}).values()) or [{}])[0].get("denied_from", "")
        if event == "before_lock":
            server.update(sessions=_number(count.get("count")), by_infobase=(count.get("counts") or {}).get(
                "by_infobase", {}), by_app_id=(count.get("counts") or {}).get("by_app_id", {}),
                grace_minutes=float(settings["grace"]), lock_starts_in=int(float(settings["grace"]) * 60),
                scheduled_jobs_deny=bool(settings["scheduled_jobs_deny"]))
        elif event == "forcing":
            left, jobs = window_step(stages, host, "force"), window_step(stages, host, "jobs")
            server.update(sessions_at_start=_number(count.get("count")), sessions_left=_number(left.get("count")),
                          by_infobase=(left.get("counts") or {}).get("by_infobase", {}),
                          by_app_id=(left.get("counts") or {}).get("by_app_id", {}),
                          background_jobs_left=jobs.get("left") if jobs else None,
                          interrupt_calls=bool(settings["interrupt_calls"]), lock_starts_at=start,
                          lock_starts_at_utc=lock.get("starts_at_utc") or "")
        elif event == "done":
            ended = _number(window_step(stages, host, "end", "session").get("terminated_count"))
            jobs, users = window_step(stages, host, "jobs"), window_step(stages, host, "users")
            server.update(
                sessions_at_start=_number(count.get("count")), left_by_themselves=max(_number(count.get("count")) -
                                                                                      ended, 0),
                ended=ended, interrupted=_number(window_step(stages, host, "interrupt").get("interrupted_count")),
                disconnected=_number(window_step(stages, host, "end", "connection").get("disconnected_count")),
                background_jobs_left=jobs.get("left") if jobs else None,
                waited=users.get("waited") if users else None, lock_starts_at=start,
                lock_starts_at_utc=lock.get("starts_at_utc") or "",
                report=window_host_report(stages, host, check_mode))
        else:  # failed
            failure = (failures or {}).get(host) or {}
            server.update(failed_task=failure.get("failed_task", "?"), error=failure.get("error", ""),
                          keep_locked=bool(settings["keep_locked"]) and not failure.get("claimed"),
                          infobases_left=failure.get("infobases_left") or [], lock_starts_at=start,
                          lock_starts_at_utc=lock.get("starts_at_utc") or "")
        servers.append(server)
    return {"workflow": "maintenance_window", "event": event, "check_mode": bool(check_mode), "servers": servers}


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


def _call(row):
    """The session's call marks (session_info's ``call``), or no call when the read did not return them."""
    return row.get("call") or {}


def _stuck(call, long_call_ms):
    """Inside a server or DBMS call that has run at least ``long_call_ms``: what keeps a session from ending."""
    return (bool(call.get("in_server_call")) and _number(call.get("server_call_ms")) >= long_call_ms) or (
        bool(call.get("in_dbms_call")) and _number(call.get("dbms_call_ms")) >= long_call_ms)


def _licences(row):
    return row.get("licenses") or []


def _count(counts, key):
    counts[key] = counts.get(key, 0) + 1


def _server_marks(rows, long_call_ms):
    """A server's stuck, blocked and blocking sessions and its licences per type and series (one pass)."""
    marks = {"stuck": 0, "blocked": 0, "blocking": 0, "licences": 0, "by_license_type": {}, "by_license_series": {}}
    for row in rows:
        call = _call(row)
        marks["stuck"] += _stuck(call, long_call_ms)
        marks["blocked"] += bool(call.get("blocked_by"))
        marks["blocking"] += bool(call.get("blocking"))
        for licence in _licences(row):
            marks["licences"] += 1
            _count(marks["by_license_type"], licence.get("license_type") or "")
            _count(marks["by_license_series"], licence.get("series") or "")
    return marks


def session_report(hosts, reads, columns, long_call_seconds=60):
    """The report's data, every part computed once, in one pass over the sessions (plus sorting the groups).

    ``reads`` are the servers' session_info results in the order of ``hosts`` (None: the play did not reach it), or
    the ``results`` of an onec.cluster.fleet task whose first step is session_info (server -> its part).
    Returns rows (each session with its server), errors (server -> message), read_hosts, per_server totals
    (sessions, users, sleeping, cpu_time, memory; stuck, blocked and blocking sessions; licences, by_license_type,
    by_license_series) and per_infobase totals, the infobase names, app-ids, licence types and series present
    (sorted), app_types (app-id -> what people call it), columns ([field, unit] per column of ``columns``),
    long_call_ms (a call at least this long marks its session stuck) and licenses_read (whether the read returned
    licences).
    """
    long_call_ms = int(float(long_call_seconds) * 1000)
    reads = _as_stored(reads)
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
        "per_server": [dict(_totals(per_server[host]), server=host, where=wheres.get(host, ""),
                            **_server_marks(per_server[host], long_call_ms))
                       for host in read_hosts],
        "per_infobase": [dict(_totals(group), server=key[0], infobase=key[1]) for key, group in grouped],
        "infobases": sorted(set(row.get("infobase_name") for row in rows), key=_text_key),
        "app_ids": sorted(set(row.get("app_id") for row in rows), key=_text_key),
        "app_types": app_types(),
        "columns": [[column["field"], column.get("unit") or ""] for column in columns],
        "license_types": sorted(set(lic.get("license_type") or "" for row in rows for lic in _licences(row))),
        "license_series": sorted(set(lic.get("series") or "" for row in rows for lic in _licences(row))),
        "licenses_read": any("licenses" in row for row in rows),
        "long_call_ms": long_call_ms,
    }


def _as_stored(value):
    """The sessions as the read stored them. ansible-core 2.19 hands a filter its variables as lazy containers that
    template each value when it is read (some 20 µs a value: seconds for a fleet's sessions); sessions are data from
    the servers, never templates, so they are taken as stored. _non_lazy_copy is private in ansible-core 2.19, which
    the collection pins; another version without it gets the value as it is (slower, the same rows)."""
    copy = getattr(value, "_non_lazy_copy", None)
    return copy() if callable(copy) else value


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
    rows = _as_stored(rows)
    spec = [(column["field"], column["field"] in DATE_FIELDS, not column.get("unit")) for column in columns]
    lines = [";".join('"%s%s"' % (column["title"], CSV_UNITS.get(column.get("unit") or "", "")) for column in columns)]
    for row in rows:
        lines.append(";".join(_csv_cell(_value(row, field), is_date, is_text) for field, is_date, is_text in spec))
    return lines


# -- session report: the derived columns (call marks, licences) and the HTML, rendered in Python ---------------------

def _blocked_by_text(call):
    """'#12 (locks), #7 (DBMS)': the sessions this one waits for (session numbers, as rac prints them)."""
    return ", ".join("#%s (%s)" % (block.get("session_id"), "DBMS" if block.get("by") == "dbms" else "locks")
                     for block in call.get("blocked_by") or [])


def _blocking_text(call):
    return ", ".join("#%s" % block.get("session_id") for block in call.get("blocking") or [])


def _licence_server(licence):
    """Where the licence comes from, short. UNVERIFIED: the samples have only client licences (rmngr-address empty,
    issued-by-server no); rmngr-address:rmngr-port is read as the cluster manager that issued a server licence."""
    if licence.get("rmngr_address"):
        return "%s:%s" % (licence["rmngr_address"], licence.get("rmngr_port") or "")
    return "1C server" if licence.get("issued_by_server") else "client"


def _licence_short(licence):
    """'HASP ORGL8, net' / 'soft 500000125530': type and series (key) in a few characters."""
    text = "%s %s" % (licence.get("license_type") or "?", licence.get("series") or "")
    return text.strip() + (", net" if licence.get("net") else "")


# CSV and HTML columns computed from a session's call marks and licences: field -> value of a row
DERIVED = {
    "call.server_call_ms": lambda row: _call(row).get("server_call_ms", ""),
    "call.dbms_call_ms": lambda row: _call(row).get("dbms_call_ms", ""),
    "call.dbms_since": lambda row: _call(row).get("dbms_since") or "",
    "call.blocked_by": lambda row: _blocked_by_text(_call(row)),
    "call.blocking": lambda row: _blocking_text(_call(row)),
    "licenses.license_type": lambda row: [lic.get("license_type") or "" for lic in _licences(row)],
    "licenses.series": lambda row: [lic.get("series") or "" for lic in _licences(row)],
    "licenses.server": lambda row: [_licence_server(lic) for lic in _licences(row)],
    "licenses.full_presentation": lambda row: [lic.get("full_presentation") or "" for lic in _licences(row)],
}


def _value(row, field):
    derived = DERIVED.get(field)
    return derived(row) if derived else row.get(field, "")


# C0 controls (but tab, line feed, carriage return) and DEL have no place in a page: shown as U+FFFD
CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _e(value):
    """A value as page text or attribute: html.escape (& < > " '), control characters replaced."""
    return html.escape(CONTROLS.sub("\ufffd", str(value)), quote=True)


def _grouped(number):
    return "{:,}".format(number).replace(",", "&#8239;")


def _seconds(ms):
    return ("%.1f" % (ms / 1000.0) if ms < 99950 else _grouped(int(round(ms / 1000.0)))) + "&nbsp;s"


def _size(n):
    for limit, divisor, unit, digits in ((1048576, 1024, "KB", 1), (1073741824, 1048576, "MB", 1),
                                         (1099511627776, 1073741824, "GB", 2)):
        if n < limit:
            return "%.*f&nbsp;%s" % (digits, n / float(divisor), unit) if n >= 1024 else "%d&nbsp;B" % n
    return "%.2f&nbsp;TB" % (n / 1099511627776.0)


def _number_cell(value, unit):
    """A number shown in people's units, its raw value in data-sort (what the page's sort compares)."""
    if not isinstance(value, numbers.Number):
        return '<td class="num">%s</td>' % _e(value)
    if unit == "ref" and not value:
        return '<td class="num" data-sort="0"></td>'
    shown = _seconds(value) if unit == "ms" else (_size(value) if unit == "bytes" else _grouped(value))
    return '<td class="num" data-sort="%s">%s</td>' % (value, shown)


def _text(value):
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, (list, tuple, set, dict)):
        return ", ".join(str(item) for item in value)
    return value


def _call_cell(row, long_call_ms):
    """What the session is inside of: its server and DBMS call (since when, how long), who blocks it, whom it
    blocks. data-sort is the server call's length; the service and the DBMS's own words are in the title."""
    call = _call(row)
    parts = []
    if call.get("in_server_call"):
        parts.append("server call %s" % _ms_words(_number(call.get("server_call_ms"))))
    if call.get("in_dbms_call"):
        parts.append("DBMS %s%s" % (_ms_words(_number(call.get("dbms_call_ms"))), (
            " since %s" % str(call["dbms_since"]).replace("T", " ")) if call.get("dbms_since") else ""))
    if call.get("blocked_by"):
        parts.append("blocked by " + _blocked_by_text(call))
    if call.get("blocking"):
        parts.append("blocking " + _blocking_text(call))
    kind = "stuck" if _stuck(call, long_call_ms) else ("blocked" if call.get("blocked_by") else "")
    details = [text for text in ("service: %s" % call["service"] if call.get("service") else "",
                                 "DBMS: %s" % row["db_proc_info"] if row.get("db_proc_info") else "") if text]
    return '<td class="%s" data-sort="%d"%s>%s</td>' % (
        " ".join(["num", "call"] + ([kind] if kind else [])), _number(call.get("server_call_ms")), (' title="%s"' % _e("; ".join(details))) if details else "",
        _e("; ".join(parts)))


def _licence_full(licence):
    """What rac's full presentation says, where the licence comes from, and its file or key name."""
    return "%s (licence server: %s)%s" % (licence.get("full_presentation") or _licence_short(licence),
                                          _licence_server(licence),
                                          (", " + licence["full_name"]) if licence.get("full_name") else "")


def _licence_cell(row):
    """Type, series and licence server, short; every field rac prints in the title."""
    licences = _licences(row)
    if not licences:
        return "<td></td>"
    shown = "; ".join(_licence_short(lic) + ("" if _licence_server(lic) == "client" else " @ " + _licence_server(lic))
                      for lic in licences)
    full = "\n".join(_licence_full(lic) for lic in licences)
    return '<td class="licence" title="%s">%s</td>' % (_e(full), _e(shown))


def _cell(row, field, unit, label, long_call_ms):
    if unit == "call":
        return _call_cell(row, long_call_ms)
    if unit == "licenses":
        return _licence_cell(row)
    value = _value(row, field)
    if unit:
        return _number_cell(value, unit)
    if field == "app_id":
        return "<td>%s%s</td>" % (_e(value), (' <span class="muted">%s</span>' % _e(label)) if label else "")
    if field == "infobase_name":
        return '<td title="%s">%s</td>' % (_e(row.get("infobase", "")), _e(value))
    if field in DATE_FIELDS and isinstance(value, str):
        return "<td>%s</td>" % _e(value.replace("T", " "))
    return "<td>%s</td>" % _e(_text(value))


def _row_marks(row, long_call_ms):
    """The row's data-licence and data-call: |token|token| lists the page's licence and call filters match."""
    licences = _licences(row)
    tokens = ["type:%s" % (lic.get("license_type") or "") for lic in licences] + [
        "series:%s" % (lic.get("series") or "") for lic in licences]
    call = _call(row)
    marks = [mark for mark, present in (
        ("stuck", _stuck(call, long_call_ms)), ("call", call.get("in_server_call") or call.get("in_dbms_call")),
        ("dbms", call.get("in_dbms_call")), ("blocked", call.get("blocked_by")), ("blocking", call.get("blocking")))
        if present]
    return "|%s|" % "|".join(tokens or ["none"]), "|%s|" % "|".join(marks or ["idle"])


def _session_row(row, columns, app_labels, long_call_ms):
    ips = row.get("client_ip") or []
    ips = [ips] if isinstance(ips, str) else ips
    label = app_labels.get(row.get("app_id") or "", "")
    search = " ".join(str(part) for part in (
        row.get("user_name") or "", row.get("infobase_name") or "", row.get("infobase") or "", row.get("host") or "",
        " ".join(str(ip) for ip in ips), row.get("app_id") or "", label)).lower()
    licence, call = _row_marks(row, long_call_ms)
    kind = "stuck" if "|stuck|" in call else ("blocked" if "|blocked|" in call else "")
    return '<tr%s data-server="%s" data-infobase="%s" data-app="%s" data-licence="%s" data-call="%s" ' \
        'data-search="%s">%s</tr>' % (
            (' class="%s"' % kind) if kind else "", _e(row.get("server", "")), _e(row.get("infobase_name") or ""),
            _e(row.get("app_id") or ""), _e(licence), _e(call), _e(search),
            "".join(_cell(row, field, unit, label, long_call_ms) for field, unit in columns))


def _counts_text(counts):
    return ", ".join("%s %d" % (key or "?", counts[key]) for key in sorted(counts, key=_text_key))


def _per_server_row(total):
    licences = ""
    if total.get("licences"):
        licences = "%s; %s" % (_counts_text(total["by_license_type"]), _counts_text(total["by_license_series"]))
    return "<tr><td>%s</td><td>%s</td>%s%s%s%s%s%s%s%s%s<td>%s</td></tr>" % (
        _e(total["server"]), _e(total["where"]), _number_cell(total["sessions"], "count"),
        _number_cell(total["users"], "count"), _number_cell(total["sleeping"], "count"),
        _number_cell(total["cpu_time"], "ms"), _number_cell(total["memory"], "bytes"),
        _number_cell(total.get("stuck", 0), "count"), _number_cell(total.get("blocked", 0), "count"),
        _number_cell(total.get("blocking", 0), "count"), _number_cell(total.get("licences", 0), "count"),
        _e(licences))


def _per_infobase_row(total):
    return "<tr><td>%s</td><td>%s</td>%s%s%s%s</tr>" % (
        _e(total["server"]), _e(total["infobase"]), _number_cell(total["sessions"], "count"),
        _number_cell(total["users"], "count"), _number_cell(total["cpu_time"], "ms"),
        _number_cell(total["memory"], "bytes"))


def _licence_options(report):
    options = ['<option value="">All licences</option>', '<option value="none">No licence</option>']
    options += ['<option value="type:%s">Licence type %s</option>' % (_e(kind), _e(kind or "?"))
                for kind in report["license_types"]]
    options += ['<option value="series:%s">Series %s</option>' % (_e(series), _e(series or "?"))
                for series in report["license_series"]]
    return "".join(options)


# The call column sorts on the server call's length (num) but reads as text; the licence column is text
HEAD_CLASSES = {"call": ' class="num call"', "licenses": ""}


def session_html(report, columns):
    """The page's tables, rendered once in Python: every value through html.escape (names come from the clients).

    ``report`` is what onec.cluster.session_report returned; ``columns`` the page's columns (field, title, unit:
    as session_csv's, plus ``call`` for the call marks and ``licenses`` for the licences). Returns head (the
    sessions table's title row), sessions, per_server and per_infobase (table bodies) and licence_options (the
    licence filter's choices).
    """
    report = _as_stored(report)
    spec = [(column["field"], column.get("unit") or "") for column in columns]
    labels = report.get("app_types") or {}
    long_call_ms = report.get("long_call_ms", 60000)
    return {
        "head": "".join("<th%s>%s</th>" % (HEAD_CLASSES.get(unit, ' class="num"' if unit else ""), _e(column["title"]))
                        for column, (field, unit) in zip(columns, spec)),
        "sessions": "\n".join(_session_row(row, spec, labels, long_call_ms) for row in report["rows"]),
        "per_server": "\n".join(_per_server_row(total) for total in report["per_server"]),
        "per_infobase": "\n".join(_per_infobase_row(total) for total in report["per_infobase"]),
        "licence_options": _licence_options(report),
    }


def _options(values, label=lambda value: value):
    return "".join('<option value="%s">%s</option>' % (_e(value), _e(label(value))) for value in values)


def _errors_section(errors):
    if not errors:
        return ""
    return ('<section class="errors" id="errors">\n<h2>Servers that could not be read</h2>\n'
            "<p>Their sessions are not in this report.</p>\n<ul>\n%s\n</ul>\n</section>" % "\n".join(
                "<li><b>%s</b>: %s</li>" % (_e(host), _e(error)) for host, error in errors.items()))


def session_page(report, columns, frame, hosts_count, made):
    """The whole page: ``frame`` (the role's files/sessions.html) with each marker (@@NAME@@) filled with escaped HTML."""
    tables = session_html(report, columns)
    labels = report["app_types"]
    count = _grouped(len(report["rows"]))
    summary = "%s sessions on %d of %d servers" % (count, len(report["read_hosts"]), hosts_count)
    if report["errors"]:
        summary += '; <b class="muted" style="color:#a00">%d could not be read</b>' % len(report["errors"])
    parts = {
        "MADE": _e(made), "LONG_CALL": str(report["long_call_ms"] // 1000), "SUMMARY": summary,
        "ERRORS": _errors_section(report["errors"]), "SESSIONS_COUNT": count,
        "SERVER_OPTIONS": _options(report["read_hosts"]),
        "INFOBASE_OPTIONS": _options(report["infobases"], lambda name: name or "(no infobase)"),
        "APP_OPTIONS": _options(report["app_ids"], lambda app: app + (" \u2014 " + labels[app] if app in labels else "")),
        "LICENCE_FILTER": ('<select id="filter-licence" aria-label="Licence">%s</select>' % tables["licence_options"]
                           if report["licenses_read"] else ""),
        "HEAD": tables["head"], "SESSIONS": tables["sessions"], "PER_SERVER": tables["per_server"],
        "PER_INFOBASE": tables["per_infobase"],
    }
    # one pass: what is filled in is never searched again for markers
    return PAGE_MARKER.sub(lambda match: parts[match.group(1)], frame)


PAGE_MARKER = re.compile("@@([A-Z_]+)@@")


def session_report_files(hosts, reads, columns, html_columns, frame, made, long_call_seconds=60):
    """sessions.json, sessions.csv and sessions.html (file name -> text), from the servers' reads, in one pass.

    One filter for the three, so that ansible-core reads the sessions once and gets three texts back (a large
    structure handed from task to task is copied and checked at each step). The JSON is what Ansible's
    to_nice_json(ensure_ascii=False) writes; the CSV starts with a byte-order mark and ends every line.
    """
    report = session_report(hosts, reads, columns, long_call_seconds)
    return {
        "sessions.json": to_nice_json({"sessions": report["rows"], "errors": report["errors"]}, ensure_ascii=False)
        + "\n",
        "sessions.csv": "\ufeff" + "".join(line + "\n" for line in session_csv(report["rows"], columns)),
        "sessions.html": session_page(report, html_columns, frame, len(hosts), made),
    }


class FilterModule(object):
    """The roles' report filters."""

    def filters(self):
        return {
            "fleet_summary": fleet_summary,
            "fleet_failures": fleet_failures,
            "fleet_host_args": fleet_host_args,
            "emergency_event": emergency_event,
            "window_report": window_report,
            "window_failure": window_failure,
            "window_sessions": window_sessions,
            "window_states": window_states,
            "window_step": window_step,
            "window_failed_step": window_failed_step,
            "window_ok_hosts": window_ok_hosts,
            "window_hint_of": window_hint_of,
            "window_host_args": window_host_args,
            "window_state_files": window_state_files,
            "window_says": window_says,
            "window_report_of": window_report_of,
            "window_maintained": window_maintained,
            "window_failures": window_failures,
            "window_host_report": window_host_report,
            "window_event": window_event,
            "session_report": session_report,
            "session_csv": session_csv,
            "session_html": session_html,
            "session_report_files": session_report_files,
        }
