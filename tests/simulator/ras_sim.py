# -*- coding: utf-8 -*-
"""A simulated 1C administration server (ras) for the rac simulator.

One process is one 1C server: it listens on a loopback TCP address, takes
the commands the simulated rac sends (one JSON line per connection) and
answers with what real rac would print: stdout, stderr and the exit code.
It keeps state (clusters, cluster admins, infobases with their lock fields
and users, sessions with their counters), enforces cluster-admin and
infobase-admin authentication with rac's error texts, and counts calls.
On the same port it also speaks the real RAS protocol (ras_protocol.py), for
the collection's native backend: the same commands on the same state.

Semantics taken from docs/rac_contract.md section 5:
- ``infobase update --sessions-deny=on`` only stores the lock; it never ends
  sessions;
- cooperative sessions (1C clients with the standard subsystems) leave by
  themselves once a lock is in force (denied-from reached), after their own
  small delay; stubborn ones (COM connections, background jobs, hung clients,
  ras's own session) never do;
- ``session terminate`` of a gone session fails with
  "Сеанс с указанным идентификатором не найден";
- a background job given a run time (the seed's ``job_runs_for``, seconds) finishes by itself once that time has
  passed: its session goes, as a finished job's does; until then it is inside a server call. Other background
  jobs run until they are ended. The simulator never starts a new background job (so none starts while
  ``scheduled-jobs-deny`` is on either).

Control requests (``{"control": ...}``) let tests read call counts, change the
latency, read or add state.
"""

import argparse
import datetime
import json
import marshal
import os
import socketserver
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rac_format  # noqa: E402
import ras_protocol  # noqa: E402

TIME_FORMAT = "%Y-%m-%dT%H:%M:%S"
NULL_UUID = "00000000-0000-0000-0000-000000000000"

# Server-side texts: a Russian 1C server (contract section 4).
E_CLUSTER_AUTH = "Ошибка операции администрирования\nАдминистратор кластера не аутентифицирован\n"
E_CLUSTER_NOT_FOUND = "Кластер с указанным идентификатором не найден\n"
E_INFOBASE_NOT_FOUND = "Информационная база с указанным идентификатором не найдена\n"
E_SESSION_NOT_FOUND = "Сеанс с указанным идентификатором не найден\n"
# 8.3.21 (server text, contract 3.4); 8.5.1 names the uuid (tests/samples/error_connection_disconnect_unknown_*).
E_CONNECTION_NOT_FOUND = {"8.3.21": "Соединение с указанным идентификатором не найдено\n",
                          "8.5.1": "Соединение %s не найдено\n"}
E_INFOBASE_RIGHTS = "Недостаточно прав пользователя на информационную базу %s\n"
# UNVERIFIED: no capture shows the text for an update that lost a race with another change.
E_DATA_CHANGED = "Ошибка операции администрирования\nДанные были изменены другим пользователем\n"

# Session kinds that never leave because of a lock (no standard-subsystems client behind them).
NEVER_LEAVE_APPS = {"COMConnection", "BackgroundJob", "RAS", "WSConnection", "SrvrConsole"}

# What a session's call fields read when it is in no call (interrupt-current-server-call brings them back).
IDLE_CALL = {"duration-current": 0, "duration-current-dbms": 0, "duration-current-service": 0, "db-proc-info": "",
             "db-proc-took": 0, "db-proc-took-at": "", "current-service-name": "", "blocked-by-dbms": 0,
             "blocked-by-ls": 0, "cpu-time-current": 0, "memory-current": 0, "read-current": 0, "write-current": 0}

# The licence a user's session holds unless the state says otherwise (rac's licence fields; a server-issued soft
# licence as the 8.5.1 sample shows them, its presentations shortened).
DEFAULT_LICENSE = {
    "full-name": "", "series": "500000125530", "issued-by-server": "yes", "license-type": "soft", "net": "no",
    "max-users-all": 500, "max-users-cur": 500, "rmngr-address": "", "rmngr-port": 0, "rmngr-pid": 0,
    "short-presentation": "Сервер, 500000125530 500 500", "full-presentation": "Сервер, 500000125530 500 500"}

# Infobase update option -> stored field (same name) ; all of them clear on "".
LOCK_OPTIONS = ("sessions-deny", "denied-from", "denied-to", "denied-message", "denied-parameter",
                "permission-code", "scheduled-jobs-deny")


# A background job's session that finishes by itself (sim-only fields, never printed):
#   job_runs_for: seconds it runs, counted from when this ras loaded it (seed) or was given it (add_sessions);
#   job_ends_at / job_call_since: when it finishes / since when its server call runs (server local time).
JOB_APP_ID = "BackgroundJob"


class Records:
    """A command's answer as records of one kind: rac_format prints them, ras_protocol encodes them."""

    def __init__(self, kind, records):
        self.kind = kind
        self.records = records


class RacFailure(Exception):
    def __init__(self, stderr):
        super().__init__(stderr)
        self.stderr = stderr


def now():
    return datetime.datetime.now().replace(microsecond=0)


def parse_time(value):
    try:
        return datetime.datetime.strptime(value, TIME_FORMAT)
    except (TypeError, ValueError):
        return None


class Simulator:
    """The state of one simulated 1C server and rac's commands on it."""

    def __init__(self, state, latency=0.0):
        self.version = state.get("version", "8.3.21")
        self.clusters = state["clusters"]
        self.latency = latency
        self.lock = threading.Lock()
        self.calls = {}
        # Faults a test switches on (control "set"):
        #   vanish_after_list: N  -> right after the next `session list`, N listed sessions end by themselves
        #   fail_session: {uuid: stderr} -> `session terminate` of that session fails with that text
        #   die_after_calls: N -> ras goes away (the process exits) after answering N more rac calls
        #   hang: {"command": "session list", "seconds": S, "times": K} -> those calls answer S seconds late
        #   reset_every: N -> every N-th new rac request gets its connection closed without an answer (a request is
        #                     reset once at most: its retry goes through)
        #   garbage: {"command": "...", "stdout": "...", "times": K} -> answer that text with exit code 0
        #   truncate: {"command": "...", "bytes": N, "times": K} -> answer only the first N bytes, exit code 0
        #   conflict: {infobase name: times} -> `infobase update` fails as if another administrator changed the
        #             infobase meanwhile (and changes its descr); UNVERIFIED text, see E_DATA_CHANGED
        #   fail_with: {"command": "...", "text": "...", "times": K} -> the command fails with that text, each
        #              "{option}" in it replaced by the value the client gave (both wire formats), as real rac repeats
        #              an option it cannot parse ("Error parsing option: --cluster-user=cadmin", tests/samples
        #              error_parsing_option_*); a server text repeating a password on the RAS wire is UNVERIFIED
        #   decorate_names: "text" -> every name, user name, host and description answered ends with that text
        #                   (control characters, bidi overrides: both wire formats)
        self.faults = {}
        self.rac_calls = 0
        self.seen_requests = set()  # requests seen while reset_every is on
        for cluster in self.clusters:
            cluster.setdefault("admins", {})
            for infobase in cluster["infobases"]:
                infobase.setdefault("users", {})
                infobase.setdefault("lock_since", None)
            for session in cluster["sessions"].values():
                self.schedule_job(session, now())

    # -- helpers ------------------------------------------------------------
    def count(self, name):
        self.calls[name] = self.calls.get(name, 0) + 1

    def cluster(self, options):
        uuid = options.get("cluster")
        for cluster in self.clusters:
            if cluster["cluster"] == uuid:
                return cluster
        raise RacFailure(E_CLUSTER_NOT_FOUND)

    @staticmethod
    def check_cluster_admin(cluster, options):
        admins = cluster["admins"]
        if not admins:
            return
        user = options.get("cluster-user")
        if user not in admins or admins[user] != options.get("cluster-pwd", ""):
            raise RacFailure(E_CLUSTER_AUTH)

    @staticmethod
    def infobase(cluster, options):
        uuid = options.get("infobase")
        for infobase in cluster["infobases"]:
            if infobase["infobase"] == uuid:
                return infobase
        raise RacFailure(E_INFOBASE_NOT_FOUND)

    @staticmethod
    def check_infobase_admin(infobase, options):
        users = infobase["users"]
        if not users:
            return  # an infobase without users needs no credentials
        user = options.get("infobase-user")
        if user not in users or users[user] != options.get("infobase-pwd", ""):
            raise RacFailure(E_INFOBASE_RIGHTS % infobase["name"])

    def lock_in_force(self, infobase, moment):
        if infobase.get("sessions-deny") != "on":
            return False
        start, end = parse_time(infobase.get("denied-from")), parse_time(infobase.get("denied-to"))
        return (start is None or start <= moment) and (end is None or moment <= end)

    @staticmethod
    def schedule_job(session, moment):
        """A background job with a run time: when it finishes, and its server call running since ``moment``."""
        if session.get("app-id") != JOB_APP_ID or session.get("job_runs_for") is None or "job_ends_at" in session:
            return
        session["job_ends_at"] = (moment + datetime.timedelta(seconds=float(session["job_runs_for"]))).strftime(
            TIME_FORMAT)
        session["job_call_since"] = moment.strftime(TIME_FORMAT)

    @staticmethod
    def run_jobs(cluster, moment):
        """Background jobs with a run time: finished ones go (recorded in cluster["finished_jobs"]), running ones
        show how long their server call has run (duration-current, ms; UNVERIFIED that a real job's session shows
        its work as one server call: it runs server code, nothing captured shows one)."""
        for uuid, session in list(cluster["sessions"].items()):
            ends = parse_time(session.get("job_ends_at"))
            if ends is None:
                continue
            if moment >= ends:
                del cluster["sessions"][uuid]
                cluster.setdefault("finished_jobs", []).append(uuid)
            elif session.get("job_call_since"):
                since = parse_time(session["job_call_since"])
                session["duration-current"] = max(1, int((moment - since).total_seconds() * 1000))

    def depart(self, cluster, moment):
        """Cooperative sessions leave once a lock is in force, as standard-subsystems clients do; background jobs
        with a run time finish when it is over."""
        self.run_jobs(cluster, moment)
        for infobase in cluster["infobases"]:
            if not self.lock_in_force(infobase, moment):
                continue
            since = max(filter(None, [parse_time(infobase.get("denied-from")), infobase["lock_since"]]))
            leaving = [
                uuid for uuid, s in cluster["sessions"].items()
                if s["infobase"] == infobase["infobase"] and s.get("leaves_on_lock", True)
                and s["app-id"] not in NEVER_LEAVE_APPS
                # sessions started while the lock was in force came in with the permission code
                and (parse_time(s["started-at"]) or moment) < since
                and moment >= since + datetime.timedelta(seconds=s.get("leave_delay", 0))
            ]
            for uuid in leaving:
                del cluster["sessions"][uuid]

    @staticmethod
    def render(kind, records):
        """What a command answers: records of a kind, printed by the rac path, encoded by the RAS protocol path."""
        return Records(kind, list(records))

    def rac_text(self, kind, records):
        return rac_format.render(kind, records, self.version)

    # -- commands -------------------------------------------------------------
    def take_fault(self, kind, command):
        """The fault of this kind for this command, used up once (None when there is none)."""
        with self.lock:
            fault = self.faults.get(kind)
            if not fault or fault.get("command", command) != command:
                return None
            fault["times"] = fault.get("times", 1) - 1
            if fault["times"] <= 0:
                del self.faults[kind]
            return fault

    def admit(self, name, key):
        """The faults and latency every request goes through, on either wire format, before it is answered.

        -> None when the connection is to be reset without an answer, else whether ras goes away after answering.
        """
        reset = False
        with self.lock:
            self.rac_calls += 1
            number = self.rac_calls
            reset_every = self.faults.get("reset_every")
            die_after = self.faults.get("die_after_calls")
            # Every N-th *new* request is reset; a repeat (the client's retry) always goes through. Counting
            # retries too would make the number of resets depend on how concurrent calls interleave.
            if reset_every and key not in self.seen_requests:
                self.seen_requests.add(key)
                reset = len(self.seen_requests) % reset_every == 0
        if reset:
            self.count("(connection reset)")
            return None
        if die_after and number > die_after:
            return None  # ras is going away after the N-th call: later ones, however they interleave, get nothing
        hang = self.take_fault("hang", name)
        if hang:
            self.count("(hang) " + name)  # counted now: the caller may give up before this call ends
            time.sleep(hang["seconds"])
        if self.latency:
            time.sleep(self.latency)  # outside the state lock: calls overlap, as on a real ras
        return bool(die_after and number >= die_after)

    @staticmethod
    def go_away():
        """ras goes away (die_after_calls): the calls admitted before the last one finish first (later ones get no
        answer, see admit), so exactly N calls are answered however they interleave; then nothing listens."""
        time.sleep(0.3)
        os._exit(0)

    def execute(self, mode, words, options, present):
        """Run one command on the state -> its answer, records turned into text or bytes by present(kind, records)
        under the state lock. Raises RacFailure. The one place both wire formats (rac text, RAS protocol) share."""
        name = " ".join([mode] + words)
        self.count(name)
        handler = getattr(self, "cmd_" + "_".join([mode] + words).replace("-", "_"), None)
        if handler is None:
            raise RacFailure("rac simulator: '%s' is not simulated\n" % name)
        fail_with = self.take_fault("fail_with", name)
        if fail_with:
            raise RacFailure(self.repeat_options(fail_with["text"], options))
        with self.lock:
            answer = handler(options)
            if not isinstance(answer, Records):
                return answer or ""
            decoration = self.faults.get("decorate_names")
            records = [self.decorate(r, decoration) for r in answer.records] if decoration else answer.records
            return present(answer.kind, records)

    @staticmethod
    def repeat_options(text, options):
        for key, value in options.items():
            text = text.replace("{%s}" % key, "%s" % value)
        return text

    @staticmethod
    def decorate(record, decoration):
        """A copy of the record whose texts a person reads end with decoration (fault decorate_names)."""
        record = dict(record)
        for field in ("name", "user-name", "host", "descr", "infobase-name"):
            if isinstance(record.get(field), str) and record[field]:
                record[field] += decoration
        return record

    def handle(self, mode, words, options):
        """-> (stdout, stderr, rc) of the simulated rac"""
        name = " ".join([mode] + words)
        try:
            stdout = self.execute(mode, words, options, self.rac_text)
        except RacFailure as failure:
            return "", failure.stderr, 255
        garbage = self.take_fault("garbage", name)
        if garbage:
            return garbage["stdout"], "", 0
        truncate = self.take_fault("truncate", name)
        if truncate:
            return stdout.encode("utf-8")[:truncate["bytes"]].decode("utf-8", "ignore"), "", 0
        return stdout, "", 0

    def cmd_agent_version(self, options):
        return rac_format.FULL_VERSIONS[self.version] + "\n"

    def cmd_cluster_list(self, options):
        return self.render("cluster", self.clusters)

    def cmd_cluster_info(self, options):
        return self.render("cluster", [self.cluster(options)])

    def cmd_cluster_admin_list(self, options):
        cluster = self.cluster(options)
        self.check_cluster_admin(cluster, options)
        return self.render("admin", [{"name": n, "auth": "pwd"} for n in cluster["admins"]])

    def _authed_cluster(self, options):
        cluster = self.cluster(options)
        self.check_cluster_admin(cluster, options)
        self.depart(cluster, now())
        return cluster

    def cmd_infobase_summary_list(self, options):
        return self.render("summary", self._authed_cluster(options)["infobases"])

    def cmd_infobase_summary_info(self, options):
        cluster = self._authed_cluster(options)
        return self.render("summary", [self.infobase(cluster, options)])

    def cmd_infobase_info(self, options):
        cluster = self._authed_cluster(options)
        infobase = self.infobase(cluster, options)
        self.check_infobase_admin(infobase, options)
        return self.render("infobase", [infobase])

    def cmd_infobase_update(self, options):
        cluster = self._authed_cluster(options)
        infobase = self.infobase(cluster, options)
        # INFERRED: update needs the same infobase rights as info (not captured).
        self.check_infobase_admin(infobase, options)
        conflicts = self.faults.get("conflict", {})
        if conflicts.get(infobase["name"], 0) > 0:
            conflicts[infobase["name"]] -= 1
            infobase["descr"] = "changed by another administrator"
            infobase["denied-parameter"] = "set meanwhile by another administrator"
            raise RacFailure(E_DATA_CHANGED)
        was_in_force = self.lock_in_force(infobase, now())
        for key, value in options.items():
            if key in ("cluster", "cluster-user", "cluster-pwd", "infobase", "infobase-user", "infobase-pwd",
                       "db-pwd"):
                continue
            infobase[key] = value  # an empty value clears the field
        # when the lock came into force: also when an update only moves the start of a lock already "on" to now
        # (an administrator's future lock replaced by one from now)
        if infobase.get("sessions-deny") == "on" and not was_in_force and (
                options.get("sessions-deny") == "on" or self.lock_in_force(infobase, now())):
            infobase["lock_since"] = now()
        elif infobase.get("sessions-deny") != "on":
            infobase["lock_since"] = None
        return ""

    def _sessions(self, cluster, options):
        sessions = list(cluster["sessions"].values())
        if "infobase" in options:
            # UNVERIFIED what real rac does for an unknown --infobase; an empty list is the conservative guess.
            sessions = [s for s in sessions if s["infobase"] == options["infobase"]]
        return sessions

    @staticmethod
    def licenses_of(session):
        """The licences granted to a session (rac's licence fields, without the session's own): the session's
        "licenses" when the state gives them, else one server-issued soft licence for a user's client and none for
        a background job, a COM connection, ras itself..."""
        if "licenses" in session:
            return session["licenses"]
        if session["app-id"] in NEVER_LEAVE_APPS:
            return []
        return [DEFAULT_LICENSE]

    def _license_records(self, sessions):
        """`--licenses`: one record per licence, each starting with its session (contract 3.3)."""
        return [dict(licence, **{"session": s["session"], "user-name": s["user-name"], "host": s["host"],
                                 "app-id": s["app-id"]})
                for s in sessions for licence in self.licenses_of(s)]

    def cmd_session_list(self, options):
        cluster = self._authed_cluster(options)
        sessions = self._sessions(cluster, options)
        if options.get("licenses"):
            return self.render("license", self._license_records(sessions))
        out = self.render("session", sessions)
        vanish = self.faults.pop("vanish_after_list", 0)
        for session in sessions[-vanish:] if vanish else []:
            cluster["sessions"].pop(session["session"], None)
        return out

    def _session(self, cluster, options):
        session = cluster["sessions"].get(options["session"])
        if session is None:
            raise RacFailure(E_SESSION_NOT_FOUND)
        return session

    def cmd_session_info(self, options):
        cluster = self._authed_cluster(options)
        session = self._session(cluster, options)
        if options.get("licenses"):
            return self.render("license", self._license_records([session]))
        return self.render("session", [session])

    def cmd_session_terminate(self, options):
        """The session ends; one whose state says ``ends_after_call`` (a sim-only field) and that is inside a DBMS
        call stays until its call ends (interrupted), as a session in a long DBMS call does on a real server (issue
        21). UNVERIFIED what rac answers then (no capture): success, the session still listed, is assumed."""
        cluster = self._authed_cluster(options)
        session = self._session(cluster, options)
        failure = self.faults.get("fail_session", {}).get(session["session"])
        if failure:
            raise RacFailure(failure)
        cluster.setdefault("terminated", []).append(
            {"session": session["session"], "message": options.get("error-message", "")})
        if session.get("ends_after_call") and session.get("duration-current-dbms"):
            session["terminate_pending"] = True
            return ""
        del cluster["sessions"][session["session"]]
        return ""

    # -- connections ----------------------------------------------------------
    # A session's connection is derived from the session (ending the session drops it); connections without a
    # session (a hanging external connection, the agent's service connections) are kept in cluster["connections"].
    def _connections(self, cluster):
        derived = [{"connection": s["connection"], "conn-id": s["session-id"] + 1000, "host": s["host"],
                    "process": s["process"], "infobase": s["infobase"], "application": s["app-id"],
                    "connected-at": s["started-at"], "session-number": s["session-id"], "blocked-by-ls": 0}
                   for s in cluster["sessions"].values() if s["connection"] != NULL_UUID]
        return cluster.setdefault("connections", []) + derived

    def cmd_connection_list(self, options):
        cluster = self._authed_cluster(options)
        connections = self._connections(cluster)
        if "infobase" in options:
            infobase = self.infobase(cluster, options)
            # UNVERIFIED: captured only on an infobase without users (rc 0 without credentials); asking for the
            # infobase's credentials when it has users is the conservative guess.
            self.check_infobase_admin(infobase, options)
            connections = [c for c in connections if c["infobase"] == infobase["infobase"]]
        if "process" in options:
            connections = [c for c in connections if c["process"] == options["process"]]
        return self.render("connection", connections)

    def cmd_connection_disconnect(self, options):
        cluster = self._authed_cluster(options)
        uuid = options["connection"]
        found = [c for c in self._connections(cluster) if c["connection"] == uuid
                 and c["process"] == options["process"]]  # UNVERIFIED: a wrong process is taken as not found
        if not found:
            text = E_CONNECTION_NOT_FOUND[self.version]
            raise RacFailure(text % uuid if "%s" in text else text)
        connection = found[0]
        for infobase in cluster["infobases"]:
            if infobase["infobase"] == connection["infobase"]:
                self.check_infobase_admin(infobase, options)
        if connection in cluster["connections"]:
            cluster["connections"].remove(connection)
        for session in cluster["sessions"].values():
            if session["connection"] == uuid:
                # UNVERIFIED what happens to a session whose connection is cut: here it stays, without a connection,
                # like a sleeping one.
                session.update(connection=NULL_UUID, process=NULL_UUID)
        cluster.setdefault("disconnected", []).append(uuid)
        return ""

    def cmd_session_interrupt_current_server_call(self, options):
        """The session's current call ends (its call fields go back to idle) and the session stays; the sessions
        its call blocked are no longer blocked by it. UNVERIFIED: what real ras does to the blocked ones (here the
        lock goes with the call, as a rolled-back transaction releases it)."""
        cluster = self._authed_cluster(options)
        session = self._session(cluster, options)
        failure = self.faults.get("fail_session", {}).get(session["session"])
        if failure:
            raise RacFailure(failure)
        session.update(IDLE_CALL)
        session.pop("job_call_since", None)  # a job's interrupted call stays ended (the job itself runs on)
        if session.get("terminate_pending"):  # ended while in its call: it goes once the call is over
            del cluster["sessions"][session["session"]]
        for other in cluster["sessions"].values():
            if other["infobase"] == session["infobase"]:
                for field in ("blocked-by-dbms", "blocked-by-ls"):
                    if other.get(field) == session["session-id"]:
                        other[field] = 0
        cluster.setdefault("interrupted", []).append(
            {"session": session["session"], "message": options.get("error-message", "")})
        return ""

    # -- control ------------------------------------------------------------
    def control(self, request):
        what = request["control"]
        with self.lock:
            if what == "stats":
                return {"calls": dict(self.calls), "total": sum(self.calls.values())}
            if what == "reset_stats":
                self.calls = {}
                return {}
            if what == "set":
                if "latency" in request:
                    self.latency = float(request["latency"])
                faults = dict(request.get("faults", {}))
                if "die_after_calls" in faults:  # counted from now
                    faults["die_after_calls"] += self.rac_calls
                self.faults.update(faults)
                return {}
            if what == "state":
                moment = now()
                for cluster in self.clusters:
                    self.depart(cluster, moment)
                return {"version": self.version, "clusters": self.clusters}
            if what == "add_sessions":
                cluster = self.clusters[request.get("cluster_index", 0)]
                for session in request["sessions"]:
                    self.schedule_job(session, now())
                    cluster["sessions"][session["session"]] = session
                return {"count": len(cluster["sessions"])}
            if what == "add_connections":
                cluster = self.clusters[request.get("cluster_index", 0)]
                cluster.setdefault("connections", []).extend(request["connections"])
                return {"count": len(cluster["connections"])}
            if what == "set_admins":  # cluster administrators: {name: password}
                self.clusters[request.get("cluster_index", 0)]["admins"] = dict(request["admins"])
                return {}
            if what == "set_infobase":
                cluster = self.clusters[request.get("cluster_index", 0)]
                for infobase in cluster["infobases"]:
                    if infobase["name"] == request["name"]:
                        infobase.update(request["fields"])
                        return {}
                return {"error": "no such infobase"}
        return {"error": "unknown control %r" % what}


def _json_default(value):
    if isinstance(value, datetime.datetime):
        return value.strftime(TIME_FORMAT)
    raise TypeError(repr(value))


class Handler(socketserver.StreamRequestHandler):
    """Three wire formats, told apart by the first byte: the simulated rac sends b"M" + marshal (cheap to start, see
    rac_cli.py) and reads marshal until EOF; the native backend speaks the real RAS protocol (ras_protocol.py,
    starts with 0x1c); control requests from tests are one JSON line each way."""

    def handle(self):
        first = self.rfile.read(1)
        if not first:
            return
        sim = self.server.sim
        if first == b"M":
            request = marshal.loads(self.rfile.read())
            name = " ".join([request["mode"]] + request["command"])
            die_after = sim.admit(name, marshal.dumps(request))
            if die_after is None:
                return  # closed without an answer
            stdout, stderr, rc = sim.handle(request["mode"], request["command"], request["options"])
            self.wfile.write(marshal.dumps({"stdout": stdout, "stderr": stderr, "rc": rc}))
            if die_after:
                self.wfile.flush()
                sim.go_away()
            return
        if first == ras_protocol.INIT_BLOCK[:1]:
            ras_protocol.serve(self, sim, first, RacFailure)
            return
        request = json.loads((first + self.rfile.readline()).decode("utf-8"))
        answer = sim.control(request)
        self.wfile.write((json.dumps(answer, default=_json_default) + "\n").encode("utf-8"))


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


def load_state(path):
    with open(path, encoding="utf-8") as handle:
        state = json.load(handle)
    for cluster in state["clusters"]:
        # sessions by uuid, in the seed's order (rac lists in server order)
        cluster["sessions"] = dict((s["session"], s) for s in cluster.get("sessions", []))
    return state


def main(argv=None):
    parser = argparse.ArgumentParser(description="Simulated 1C administration server (ras)")
    parser.add_argument("--state", required=True, help="seed file (JSON) written by simctl")
    parser.add_argument("--listen", default="127.0.0.1:0", help="host:port; port 0 picks a free one")
    parser.add_argument("--port-file", help="write the port actually listened on here")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="delay of every rac call")
    args = parser.parse_args(argv)
    host, port = args.listen.rsplit(":", 1)
    sim = Simulator(load_state(args.state), latency=args.latency_ms / 1000.0)
    server = Server((host, int(port)), Handler)
    server.sim = sim
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as handle:
            handle.write(str(server.server_address[1]))
        os.rename(tmp, args.port_file)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
