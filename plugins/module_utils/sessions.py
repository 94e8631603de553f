# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Selecting sessions: the filters shared by session_info and session."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import difflib
import re

from ansible_collections.onec.cluster.plugins.module_utils.records import RAC_TIME_FORMAT, parse_duration


def parse_rac_time(value):
    try:
        return datetime.datetime.strptime(value, RAC_TIME_FORMAT)
    except (TypeError, ValueError):
        return None


def idle_seconds(session, now):
    """Seconds since last-active-at, in the clock rac reports (server local time); None if unknown."""
    last = parse_rac_time(session.get("last_active_at"))
    if last is None:
        return None
    return int((now - last).total_seconds())


# ras's own session (listed by 8.5.x): ending it would cut the administration channel itself, and it never leaves.
PROTECTED_APP_IDS = frozenset(["ras"])


class SessionFilter:
    """All given criteria must hold (AND); within one list criterion any value matches (OR); exclusions win.

    Names are compared exactly (1C user and infobase names as rac prints them);
    app-ids case-insensitively (rac prints 1CV8C, the docs write 1cv8c), in the
    selection and in the exclusions alike. With ``protect`` (ending sessions,
    waiting for them to leave) ras's own session is never selected.
    """

    def __init__(self, infobases=None, users=None, app_ids=None, hosts=None, client_ips=None, idle_for=None,
                 hibernated=None, sessions=None, session_ids=None, exclude_users=None, exclude_app_ids=None,
                 protect=False):
        self.infobases = None
        self.only_infobases(infobases)
        self.users = set(users) if users else None
        self.app_ids = set(a.lower() for a in app_ids) if app_ids else None
        self.hosts = set(h.lower() for h in hosts) if hosts else None
        self.client_ips = set(client_ips) if client_ips else None
        self.idle_for = parse_duration(idle_for) if idle_for not in (None, "") else None
        self.hibernated = hibernated
        self.sessions = set(s.lower() for s in sessions) if sessions else None
        self.session_ids = set(int(n) for n in session_ids) if session_ids else None
        self.exclude_users = set(exclude_users or [])
        self.exclude_app_ids = set(a.lower() for a in (exclude_app_ids or []))
        if protect:
            self.exclude_app_ids |= PROTECTED_APP_IDS

    def only_infobases(self, uuids):
        """Restrict to these infobase uuids (resolved from names once rac has listed them)."""
        self.infobases = set(uuids) if uuids else None

    def is_empty(self):
        """No selector given (exclusions alone select everything else)."""
        return all(v is None for v in (self.infobases, self.users, self.app_ids, self.hosts, self.client_ips,
                                       self.idle_for, self.hibernated, self.sessions, self.session_ids))

    def excluded(self, session):
        """An exclusion protects its sessions, and, with exclude_users in force, every session whose user name rac's
        output did not decode exactly (it may be an excluded user's: a guess about bytes never ends a session)."""
        user = session.get("user_name")
        return (user in self.exclude_users or bool(self.exclude_users and not decoded_exactly(user))
                or str(session.get("app_id", "")).lower() in self.exclude_app_ids)

    def matches(self, session, now):
        if self.excluded(session):
            return False
        if self.sessions is not None and session.get("session") not in self.sessions:
            return False
        if self.session_ids is not None and session.get("session_id") not in self.session_ids:
            return False
        if self.infobases is not None and session.get("infobase") not in self.infobases:
            return False
        if self.users is not None and session.get("user_name") not in self.users:
            return False
        if self.app_ids is not None and str(session.get("app_id", "")).lower() not in self.app_ids:
            return False
        if self.hosts is not None and str(session.get("host", "")).lower() not in self.hosts:
            return False
        if self.client_ips is not None and not self.client_ips.intersection(session.get("client_ip") or []):
            return False
        if self.hibernated is not None and session.get("hibernate") is not self.hibernated:
            return False
        if self.idle_for is not None:
            idle = idle_seconds(session, now)
            if idle is None or idle < self.idle_for:
                return False
        return True

    def select(self, sessions, clock=None, place=None):
        """The sessions that match; with idle_for, idle time counts on ``clock`` (a ServerClock), whose guard
        checks the listed sessions' times first (``place``: Client.place(), names the server in its error)."""
        now = clock.checked_now(sessions, place) if self.idle_for is not None else None
        return [s for s in sessions if self.matches(s, now)]


def decoded_exactly(text):
    """False for a text holding U+FFFD: bytes of rac's output that were not valid in its encoding (rac/runner.py)."""
    return not isinstance(text, str) or "\ufffd" not in text


def undecoded_names_warning(sessions, params):
    """One warning when user names could not be decoded exactly (None when all were)."""
    names = sorted(set(s.get("user_name") for s in sessions if not decoded_exactly(s.get("user_name"))))
    if not names:
        return None
    return ("%s of rac's output could not be decoded exactly (shown with U+FFFD): %s; %s" % (
        _plural(len(names), "user name"), _quoted(names[:LIST_AT_MOST]) + (", ..." if len(names) > LIST_AT_MOST else ""),
        "their sessions are kept, never ended, since exclude_users is in force" if params.get("exclude_users")
        else "user filters compare them as shown"))


def filter_from_params(params, **selectors):
    """A SessionFilter from the module's filter options; infobases come later (names resolve once rac has listed).

    Built before any rac call, so that bad input (an idle_for that is not a duration) fails first.
    """
    return SessionFilter(users=params["user"], app_ids=params["app_id"], hosts=params["host"],
                         client_ips=params["client_ip"], idle_for=params["idle_for"],
                         hibernated=params["hibernated"], exclude_users=params["exclude_users"],
                         exclude_app_ids=params["exclude_app_ids"], **selectors)


# The client types rac names in app-id, with what people call them: a filter written the way people say it
# (app_id: ThinClient) is pointed at the app-id rac prints (1CV8C).
KNOWN_APP_IDS = {
    "1CV8": "thick client", "1CV8C": "thin client", "WebClient": "web client", "MobileClient": "mobile client",
    "Designer": "Designer", "COMConnection": "COM connection", "WSConnection": "web service",
    "HTTPServiceConnection": "HTTP service", "ODataConnection": "OData", "BackgroundJob": "background job",
    "JobScheduler": "job scheduler", "SrvrConsole": "cluster console", "RAS": "administration server",
}


def _squash(text):
    return re.sub(r"[\s_-]+", "", str(text)).lower()


# Closest values are looked for for this many unknown values per option; the others are named in one warning.
SUGGEST_AT_MOST = 10
# Values listed in one summarised warning.
LIST_AT_MOST = 15


def _suggestion_keys(candidates, labels=None):
    """Squashed spelling -> candidate, made once per option (``labels``: more spellings, thin client -> 1CV8C)."""
    keys = {}
    for candidate in candidates:
        keys.setdefault(_squash(candidate), candidate)
    for spelling, candidate in (labels or {}).items():
        keys.setdefault(_squash(spelling), candidate)
    return keys


def _closest(value, keys, cutoff=0.6):
    """Up to three candidates closest to ``value`` (difflib), compared without case and spaces (keys:
    _suggestion_keys)."""
    found = []
    for key in difflib.get_close_matches(_squash(value), list(keys), n=5, cutoff=cutoff):
        if keys[key] not in found:
            found.append(keys[key])
    return found[:3]


def _quoted(values):
    return ", ".join("'%s'" % v for v in values)


_NAMED_SELECTORS = ("user", "app_id", "host", "client_ip", "exclude_users", "exclude_app_ids", "session", "session_id")


def unmatched_selectors(params, sessions, wanted=None):
    """Warnings for the values of selectors and exclusions that no listed session has.

    A user name missing its dot, ``app_id: ThinClient``, a host or client IP mistyped, the uuid or number of a
    session that is not there: each matches nothing, silently, and "matched 0" reads as "nothing to do". ``sessions``
    are the sessions rac listed, ``wanted`` the uuids of the infobases asked for (None: all). Values are compared as
    the filter compares them (user names exactly; app-ids and hosts without case). Each warning names the option, the
    value and the closest values that exist.

    Quiet where nothing is wrong: with no session at all there is nothing to miss; an app-id rac knows
    (BackgroundJob) is no mistake when no such session runs now; an exclusion warns only when a session has a close
    value (likely the one meant, which the exclusion then does not protect). Unknown infobases need no warning:
    they fail.
    """
    pool = [s for s in sessions if wanted is None or s.get("infobase") in wanted]
    undecoded = undecoded_names_warning(pool, params)
    warnings = [undecoded] if undecoded else []
    if not any(params.get(option) for option in _NAMED_SELECTORS) or not pool:
        return warnings  # nothing named: no work (session_info may list 10,000 sessions)
    listed = "the %d sessions listed" % len(pool)
    users = set(s.get("user_name") for s in pool if s.get("user_name"))
    app_ids = set(str(s.get("app_id")) for s in pool if s.get("app_id"))
    hosts = set(str(s.get("host")) for s in pool if s.get("host"))
    ips = set(ip for s in pool for ip in (s.get("client_ip") or []))
    app_spellings = dict((label, app) for app, label in KNOWN_APP_IDS.items())
    app_spellings.update((app, app) for app in KNOWN_APP_IDS)
    known_apps = set(app.lower() for app in KNOWN_APP_IDS)

    checks = [
        # option, values there, compared without case, more spellings for suggestions
        ("user", users, False, None),
        ("app_id", app_ids, True, app_spellings),
        ("host", hosts, True, None),
        ("client_ip", ips, False, None),
        ("exclude_users", users, False, None),
        ("exclude_app_ids", app_ids, True, app_spellings),
    ]
    for option, there, fold, spellings in checks:
        present = set(v.lower() for v in there) if fold else there
        excluding = option.startswith("exclude_")
        unknown = [value for value in params.get(option) or []
                   if (value.lower() if fold else value) not in present
                   and not (spellings and value.lower() in known_apps)]
        if not unknown:
            continue
        keys = _suggestion_keys(there, spellings)
        if len(unknown) > SUGGEST_AT_MOST and not excluding:
            rest = unknown[SUGGEST_AT_MOST:]
            warnings.append("%d more values of %s match none of %s, so they select nothing: %s" % (
                len(rest), option, listed, _listed(rest)))
        for value in unknown[:SUGGEST_AT_MOST]:
            # an exclusion warns only about a likely typo of a value that is there (a stricter likeness)
            closest = _closest(value, keys, cutoff=0.8 if excluding else 0.6)
            if excluding and not closest:
                continue
            if spellings:
                closest = ["%s (%s)" % (app, KNOWN_APP_IDS[app]) if app in KNOWN_APP_IDS else app for app in closest]
            warnings.append("%s %r matches none of %s, so it %s; %s" % (
                option, value, listed, "protects no session" if excluding else "selects nothing",
                "closest: %s" % _quoted(closest) if closest else "nothing similar there"))
    uuids = set(str(s.get("session")).lower() for s in pool)
    gone = [uuid for uuid in params.get("session") or [] if uuid.lower() not in uuids]
    if len(gone) == 1:
        warnings.append("session %s is none of %s (it has ended, or is of another cluster or infobase)"
                        % (gone[0], listed))
    elif gone:
        warnings.append("%d sessions are none of %s (they have ended, or are of another cluster or infobase): %s"
                        % (len(gone), listed, _listed(gone)))
    numbers = sorted(set(s.get("session_id") for s in pool if s.get("session_id") is not None))
    present_numbers = set(numbers)
    missing = [number for number in params.get("session_id") or [] if number not in present_numbers]
    if len(missing) == 1:
        warnings.append("session_id %s matches none of %s; numbers there: %s" % (missing[0], listed, _numbers(numbers)))
    elif missing:
        warnings.append("%d session_id values match none of %s: %s; numbers there: %s"
                        % (len(missing), listed, _listed(missing), _numbers(numbers)))
    return warnings


def _listed(values):
    """At most LIST_AT_MOST values, then how many there are in all."""
    shown = ", ".join(str(v) for v in values[:LIST_AT_MOST])
    return shown + (", ... (%d in all)" % len(values) if len(values) > LIST_AT_MOST else "")


def _numbers(numbers, limit=15):
    if not numbers:
        return "none"
    shown = ", ".join(str(n) for n in numbers[:limit])
    return shown + (", ... (%d in all)" % len(numbers) if len(numbers) > limit else "")


def resolve_names(client, infobase_refs=None):
    """One ``infobase summary list``: -> ({uuid: name} of every infobase, uuids asked for or None)."""
    summaries = client.infobases()
    names = dict((ib["infobase"], ib["name"]) for ib in summaries)
    wanted = None
    if infobase_refs:
        wanted = [ib["infobase"] for ib in client.resolve_infobases(infobase_refs, summaries)]
    return names, wanted


def sessions_of(client, names, wanted=None, licenses=False):
    """One ``session list`` (narrowed by ``--infobase`` when exactly one is wanted), with ``infobase_name`` added;
    with ``licenses`` each session has its ``licenses`` too (one more rac run, no more native calls)."""
    sessions = client.sessions(wanted[0] if wanted and len(wanted) == 1 else None, licenses)
    for session in sessions:
        session["infobase_name"] = names.get(session.get("infobase"), "")
    return sessions


def list_sessions(client, infobase_refs=None, licenses=False):
    """Sessions of the client's cluster with ``infobase_name`` added: two rac calls (three with ``licenses``).

    Returns (sessions, uuids of the infobases asked for or None).
    """
    names, wanted = resolve_names(client, infobase_refs)
    return sessions_of(client, names, wanted, licenses), wanted


def session_counts(sessions):
    """{'by_infobase': {name: count}, 'by_app_id': {app-id: count}}: what session_info's count_only returns."""
    by_infobase, by_app_id = {}, {}
    for session in sessions:
        name = session.get("infobase_name", "")
        by_infobase[name] = by_infobase.get(name, 0) + 1
        app = session.get("app_id", "")
        by_app_id[app] = by_app_id.get(app, 0) + 1
    return dict(by_infobase=by_infobase, by_app_id=by_app_id)


def left_by_infobase(sessions):
    """{infobase name: {app-id: count}}: what a drain shows of the sessions still there."""
    counts = {}
    for session in sessions:
        per_app = counts.setdefault(session.get("infobase_name") or session.get("infobase"), {})
        app = session.get("app_id") or "?"
        per_app[app] = per_app.get(app, 0) + 1
    return counts


def _plural(count, word):
    return "%d %s%s" % (count, word, "" if count == 1 else "s")


def progress_line(by_infobase, sessions, connections=0):
    """'3 sessions left: Бухгалтерия 2 (1CV8C 1, COMConnection 1); ЗУП 1 (WebClient 1)', or 'no session left'."""
    if not sessions and not connections:
        return "no session left"
    parts = []
    for name in sorted(by_infobase):
        apps = by_infobase[name]
        parts.append("%s %d (%s)" % (name, sum(apps.values()),
                                     ", ".join("%s %d" % (app, apps[app]) for app in sorted(apps))))
    line = "%s left" % _plural(sessions, "session")
    if connections:
        line += " and %s without a session" % _plural(connections, "connection")
    return line + (": " + "; ".join(parts) if parts else "")


# -- server calls, DBMS calls and blocking: what an incident needs to see ----------------------------------------
# From the fields rac already prints for a session (contract 3.3):
#   duration-current / duration-current-dbms: how long the current server call / its current DBMS call has run,
#   db-proc-took-at: when the session's DBMS connection was taken (server local time), db-proc-info: what it does,
#   current-service-name: the service the call is in, blocked-by-dbms / blocked-by-ls: who holds the lock the
#   session waits for (in the DBMS / in 1C's lock manager), 0 for nobody.
# UNVERIFIED: the contract does not give the units of the durations (no sample has a call running long enough to
# tell); they are read as milliseconds, as 1C's own documentation of the console gives them, and returned as
# ``*_ms`` so that a reader sees the assumption.
# UNVERIFIED: the contract does not say what number blocked-by-* holds; it is taken as the blocking session's
# session-id in the same infobase (session numbers are per infobase). A number no listed session has is kept
# as it is, with ``session: None``: the blocker is named as far as it is known, never guessed.
BLOCKED_BY_FIELDS = (("dbms", "blocked_by_dbms"), ("ls", "blocked_by_ls"))


def _number(session, field):
    value = session.get(field)
    return value if isinstance(value, int) else 0


def call_state(session):
    """The call marks of one session (a new dict; ``blocking`` is filled by call_states, which sees them all).

    in_server_call / server_call_ms: a server call is running and for how long; in_dbms_call / dbms_call_ms /
    dbms_since: the same for its DBMS call (dbms_since: db_proc_took_at, the server's clock, None if not printed);
    service: the service the call is in ('' if none); blocked_by: [{"by": "dbms"|"ls", "session_id": n,
    "session": uuid or None}]; blocking: [{"session_id": n, "session": uuid}] of the sessions waiting for this one.
    """
    server_ms = _number(session, "duration_current")
    dbms_ms = _number(session, "duration_current_dbms")
    blocked_by = [{"by": kind, "session_id": _number(session, field), "session": None}
                  for kind, field in BLOCKED_BY_FIELDS if _number(session, field)]
    return {
        "in_server_call": server_ms > 0, "server_call_ms": server_ms,
        "in_dbms_call": dbms_ms > 0, "dbms_call_ms": dbms_ms,
        "dbms_since": (session.get("db_proc_took_at") or None) if dbms_ms > 0 else None,
        "service": session.get("current_service_name") or "",
        "blocked_by": blocked_by, "blocking": [],
    }


def call_states(sessions):
    """{session uuid: call_state} of every listed session, the blockers resolved among them.

    Give it the whole list, not a filtered one: the session that blocks may be outside the filter.
    """
    states = dict((s.get("session"), call_state(s)) for s in sessions)
    by_number = dict(((s.get("infobase"), s.get("session_id")), s.get("session")) for s in sessions)
    for session in sessions:
        for block in states[session.get("session")]["blocked_by"]:
            blocker = by_number.get((session.get("infobase"), block["session_id"]))
            block["session"] = blocker
            if blocker in states and blocker != session.get("session"):
                states[blocker]["blocking"].append({"session_id": session.get("session_id"),
                                                    "session": session.get("session")})
    return states


def in_a_call(state):
    """Whether a session is inside a call (server or DBMS) or waits for a lock: what keeps it from leaving."""
    return state["in_server_call"] or state["in_dbms_call"] or bool(state["blocked_by"])


def calls_summary(sessions, states):
    """What session_info returns as ``calls``: how many of ``sessions`` are in a server call, in a DBMS call,
    blocked, blocking others, and the longest server call (None if none)."""
    marks = [states[s.get("session")] for s in sessions]
    longest = None
    for session, state in zip(sessions, marks):
        if state["in_server_call"] and (longest is None or state["server_call_ms"] > longest["server_call_ms"]):
            longest = dict(session=session.get("session"), session_id=session.get("session_id"),
                           user_name=session.get("user_name"), infobase_name=session.get("infobase_name"),
                           server_call_ms=state["server_call_ms"])
    return dict(in_server_call=sum(1 for m in marks if m["in_server_call"]),
                in_dbms_call=sum(1 for m in marks if m["in_dbms_call"]),
                blocked=sum(1 for m in marks if m["blocked_by"]),
                blocking=sum(1 for m in marks if m["blocking"]),
                longest_server_call=longest)


def license_counts(sessions):
    """{'by_type': {license_type: count}, 'by_series': {series: count}} of the licences the sessions hold (sessions
    listed with licences; a session holding two licences counts twice)."""
    by_type, by_series = {}, {}
    for session in sessions:
        for licence in session.get("licenses") or []:
            kind = licence.get("license_type") or ""
            by_type[kind] = by_type.get(kind, 0) + 1
            series = licence.get("series") or ""
            by_series[series] = by_series.get(series, 0) + 1
    return dict(by_type=by_type, by_series=by_series)


def _call_words(session, state):
    """'Иванов И.И. #12 1CV8C (server call 5m 3s, DBMS 40s, blocked by #7)': one session inside a call."""
    parts = []
    if state["in_server_call"]:
        parts.append("server call %s" % _ms_words(state["server_call_ms"]))
    if state["in_dbms_call"]:
        parts.append("DBMS %s" % _ms_words(state["dbms_call_ms"]))
    for block in state["blocked_by"]:
        parts.append("blocked by #%s" % block["session_id"])
    return "%s #%s %s (%s)" % (session.get("user_name") or "-", session.get("session_id"), session.get("app_id"),
                               ", ".join(parts))


def _ms_words(ms):
    seconds = ms // 1000
    if seconds < 60:
        return "%ds" % seconds if seconds else "%dms" % ms
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return "%dm %ds" % (minutes, seconds)
    hours, minutes = divmod(minutes, 60)
    return "%dh %dm" % (hours, minutes)


def inside_calls_line(sessions, states, limit=5):
    """'; inside a call: Иванов И.И. #12 1CV8C (server call 5m 3s), ...' for the sessions left that are in a call
    (the longest first), '' if none: why a drain is not done yet."""
    busy = [s for s in sessions if in_a_call(states[s.get("session")])]
    if not busy:
        return ""
    busy.sort(key=lambda s: -states[s.get("session")]["server_call_ms"])
    shown = [_call_words(s, states[s.get("session")]) for s in busy[:limit]]
    if len(busy) > limit:
        shown.append("... %d more" % (len(busy) - limit))
    return "; inside a call: " + ", ".join(shown)
