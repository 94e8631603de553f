# -*- coding: utf-8 -*-
"""Start, stop, seed and inspect a fleet of simulated 1C servers.

    python tests/simulator/simctl.py start --dir .sim --servers 2 --infobases 5 --sessions 40
    python tests/simulator/simctl.py stats --dir .sim
    python tests/simulator/simctl.py stop --dir .sim
    python tests/simulator/simctl.py start --timezone Europe/Moscow        # servers in another zone
    python tests/simulator/simctl.py start --timezone Europe/Moscow,UTC    # one zone per server
    python tests/simulator/simctl.py start --servers 2 --clusters 3,1      # a ras with three clusters, and a
                                                                           # second ras port on 127.0.0.1
    python tests/simulator/simctl.py start --job-seconds 30                # background jobs finish by themselves
                                                                           # 30 s after ras started

``start`` writes one seed per server, starts one ras_sim process per server
on a free loopback port, and writes ``fleet.json`` (ports, pids, clusters,
credentials) and ``inventory.yml`` (one host per server, or per cluster where a ras holds several) into --dir, and
``inventory.ras.yml``, the same endpoints as a source of the onec.cluster.ras inventory plugin.

With ``--timezone`` each ras_sim runs with that ``TZ``: its "now", the seeded session times and lock evaluation are
in the server's local time, as on a real server in that zone (no zone travels on the wire).
"""

import argparse
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
import uuid as uuidlib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

HERE = os.path.dirname(os.path.abspath(__file__))
RAC = os.path.join(HERE, "rac")
CLUSTER_ADMIN = ("Администратор", "cluster-secret")
INFOBASE_ADMIN = ("Администратор", "infobase-secret")

SURNAMES = ["Иванов", "Петрова", "Сидоров", "Кузнецова", "Смирнов", "Попова", "Васильев", "Новикова", "Фёдоров",
            "Морозова", "Волков", "Алексеева", "Лебедев", "Семёнова", "Егоров", "Павлова", "Козлов", "Степанова"]
INITIALS = "АБВГДЕИКЛМНОПРСТ"
INFOBASE_NAMES = ["Бухгалтерия", "ЗУП", "УТ", "ERP", "Документооборот", "Розница", "УНФ", "КА", "HR_test", "buh_copy"]
# (app-id, weight)
APPS = [("1CV8C", 60), ("WebClient", 12), ("1CV8", 8), ("Designer", 3), ("BackgroundJob", 8), ("COMConnection", 5),
        ("WSConnection", 4)]


def new_uuid(rnd):
    return str(uuidlib.UUID(int=rnd.getrandbits(128), version=4))


def fmt(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def make_infobase(rnd, name, with_users):
    ib = {
        "infobase": new_uuid(rnd), "name": name, "dbms": "PostgreSQL", "db-server": "db01", "db-name": name.lower(),
        "db-user": "postgres", "security-level": 0, "license-distribution": "allow", "scheduled-jobs-deny": "off",
        "sessions-deny": "off", "denied-from": "", "denied-message": "", "denied-parameter": "", "denied-to": "",
        "permission-code": "", "external-session-manager-connection-string": "",
        "external-session-manager-required": "no", "security-profile-name": "", "safe-mode-security-profile-name": "",
        "reserve-working-processes": "no", "descr": "Информационная база %s" % name,
        "disable-local-speech-to-text": "no",
        "configuration-unload-delay-by-working-process-without-active-users": 0,
        "minimum-scheduled-jobs-start-period-without-active-users": 0,
        "maximum-scheduled-jobs-start-shift-without-active-users": 0,
    }
    if with_users:
        ib["users"] = {INFOBASE_ADMIN[0]: INFOBASE_ADMIN[1]}
    return ib


def make_session(rnd, infobase, number, moment, stubborn_share=0.1, app_id=None, user=None):
    """A session's record as rac prints it, plus the simulator's own fields (never printed): leaves_on_lock,
    leave_delay, and for a background job job_runs_for (seconds until it finishes by itself; ras_sim.py)."""
    if app_id is None:
        app_id = rnd.choices([app for app, weight in APPS], weights=[weight for app, weight in APPS])[0]
    if user is None:
        user = "" if app_id == "BackgroundJob" and rnd.random() < 0.3 else "%s %s.%s." % (
            rnd.choice(SURNAMES), rnd.choice(INITIALS), rnd.choice(INITIALS))
    started = moment - timedelta(minutes=rnd.randint(5, 60 * 30))
    last = min(moment, started + timedelta(minutes=rnd.randint(0, 60 * 30)))
    hibernate = app_id in ("1CV8C", "WebClient") and rnd.random() < 0.1
    cpu = rnd.randint(0, 500000)
    ip = "192.0.2.%d" % rnd.randint(1, 254)  # documentation range: data only, never contacted
    return {
        "session": new_uuid(rnd), "session-id": number, "infobase": infobase["infobase"],
        "connection": NULL if hibernate else new_uuid(rnd), "process": NULL if hibernate else new_uuid(rnd),
        "user-name": user, "host": "" if app_id == "WebClient" else "WS-%03d" % rnd.randint(1, 400),
        "app-id": app_id, "locale": "ru_RU", "started-at": fmt(started), "last-active-at": fmt(last),
        "hibernate": "yes" if hibernate else "no", "passive-session-hibernate-time": 1200,
        "hibernate-session-terminate-time": 86400, "blocked-by-dbms": 0, "blocked-by-ls": 0,
        "bytes-all": rnd.randint(10 ** 4, 10 ** 9), "bytes-last-5min": rnd.randint(0, 10 ** 6),
        "calls-all": rnd.randint(1, 10 ** 5), "calls-last-5min": rnd.randint(0, 300),
        "dbms-bytes-all": rnd.randint(10 ** 4, 10 ** 10), "dbms-bytes-last-5min": rnd.randint(0, 10 ** 7),
        "db-proc-info": "", "db-proc-took": 0, "db-proc-took-at": "",
        "duration-all": rnd.randint(0, 10 ** 6), "duration-all-dbms": rnd.randint(0, 10 ** 5),
        "duration-current": 0, "duration-current-dbms": 0, "duration-last-5min": rnd.randint(0, 3000),
        "duration-last-5min-dbms": rnd.randint(0, 300), "memory-current": 0,
        "memory-last-5min": rnd.randint(0, 10 ** 8), "memory-total": rnd.randint(10 ** 6, 10 ** 10),
        "read-current": 0, "read-last-5min": rnd.randint(0, 10 ** 7), "read-total": rnd.randint(0, 10 ** 9),
        "write-current": 0, "write-last-5min": rnd.randint(0, 10 ** 7), "write-total": rnd.randint(0, 10 ** 9),
        "duration-current-service": 0, "duration-last-5min-service": rnd.randint(0, 50),
        "duration-all-service": rnd.randint(0, 5000), "current-service-name": "",
        "cpu-time-current": 0, "cpu-time-last-5min": rnd.randint(0, 2000), "cpu-time-total": cpu,
        "data-separation": "", "client-ip": "" if app_id == "BackgroundJob" else ip,
        # simulator behaviour, never printed: does this client leave by itself when a lock starts?
        "leaves_on_lock": rnd.random() >= stubborn_share, "leave_delay": rnd.randint(0, 3),
    }


NULL = "00000000-0000-0000-0000-000000000000"


# A HASP network key as rac 8.3.21 prints it (tests/samples/session_info_licenses_8.3.21_racrust.txt).
HASP_LICENSE = {
    "full-name": "", "series": "ORGL8", "issued-by-server": "no", "license-type": "HASP", "net": "yes",
    "max-users-all": 50, "max-users-cur": 50, "rmngr-address": "", "rmngr-port": 0, "rmngr-pid": 3633350,
    "short-presentation": "Клиент, ORGL8 Сет 50", "full-presentation": "Клиент, 3633350, ORGL8 Сетевой 50"}
# A file licence as rac 8.5.1 prints it (tests/samples/session_list_licenses_8.5.1_racrust.txt).
SOFT_LICENSE = {
    "full-name": "file:///home/alko/.1cv8/1C/1cv8/conf/20250731010119.lic", "series": "500000125530",
    "issued-by-server": "no", "license-type": "soft", "net": "no", "max-users-all": 4, "max-users-cur": 4,
    "rmngr-address": "", "rmngr-port": 0, "rmngr-pid": 1293618, "short-presentation": "Клиент, 500000125530 4 4",
    "full-presentation": "Клиент, 1293618, 500000125530 4 4 01.03.2026 19:22:00 (UTC), "
                         "file:///home/alko/.1cv8/1C/1cv8/conf/20250731010119.lic"}


def stage_incident(sessions, moment):
    """An incident among a server's sessions (its state's session dicts) -> the three changed sessions, for the
    control request add_sessions (which replaces them by uuid).

    In the infobase with the most user sessions: the holder has been in a server call for 12 minutes, in a DBMS
    call for 11 min 58 s since db-proc-took-at, and holds two licences (a HASP key and a file licence); a second
    session waits for the holder's managed lock (blocked-by-ls), a third for the second's DBMS lock
    (blocked-by-dbms): a chain. Durations in milliseconds (see plugins/module_utils/sessions.py: UNVERIFIED).
    """
    users = [s for s in sessions if s["app-id"] not in ("RAS", "BackgroundJob") and s["user-name"]]
    by_infobase = {}
    for session in users:
        by_infobase.setdefault(session["infobase"], []).append(session)
    chosen = max(by_infobase.values(), key=len) if by_infobase else []
    if len(chosen) < 3:
        raise ValueError("stage_incident needs three user sessions in one infobase; start the fleet with more")
    holder, waiting, last = [dict(s) for s in chosen[:3]]
    holder.update({"duration-current": 720000, "duration-current-dbms": 718000, "db-proc-took": 718000,
                   "db-proc-took-at": fmt(moment - timedelta(seconds=718)),
                   "db-proc-info": "Выполнение запроса", "licenses": [HASP_LICENSE, SOFT_LICENSE]})
    waiting.update({"duration-current": 300000, "blocked-by-ls": holder["session-id"]})
    last.update({"duration-current": 60000, "blocked-by-dbms": waiting["session-id"]})
    return [holder, waiting, last]


def service_connections(rnd, index, bases, moment, version):
    """Connections that carry no session (contract 3.4, tests/samples/connection_list_8.5.1_racrust.txt): the
    agent's service connection (no infobase, conn-id 0), ras's own on an infobase (8.5.x), and one hanging external
    COM connection on the first infobase, left behind by a script whose session ended (what blocks a configuration
    update until it is disconnected)."""
    process = new_uuid(rnd)
    host = "srv1c-%02d" % (index + 1)

    def connection(conn_id, infobase, application, client_host=host):
        return {"connection": new_uuid(rnd), "conn-id": conn_id, "host": client_host, "process": process,
                "infobase": infobase, "application": application, "connected-at": fmt(moment - timedelta(hours=3)),
                "session-number": 0, "blocked-by-ls": 0}

    out = [connection(0, NULL, "AgentStandardCall")]
    if version == "8.5.1" and bases:
        out.append(connection(5, bases[0]["infobase"], "RAS"))
    if bases:
        out.append(connection(7, bases[0]["infobase"], "COMConnection", client_host="WS-INTEGRATION"))
    return out


# Names of the clusters one ras administers, in order (real names: tests/samples/cluster_list_*.txt).
CLUSTER_NAMES = ["Локальный кластер", "Главный кластер", "Local cluster"]


def make_cluster(rnd, index, number, infobases, sessions, version, cluster_admin, infobase_users, stubborn_share,
                 moment, job_seconds=None):
    """Cluster ``number`` of server ``index``: its infobases start ``number`` names further down INFOBASE_NAMES, so
    neighbouring clusters share some infobase names (ЗУП in the first two) and not others."""
    names = [INFOBASE_NAMES[i] if i < len(INFOBASE_NAMES) else "base_%03d" % i
             for i in range(number, number + infobases)]
    bases = [make_infobase(rnd, name, infobase_users) for name in names]
    counters = dict((b["infobase"], 0) for b in bases)
    session_list = []
    while len(session_list) < sessions:
        base = rnd.choice(bases)
        counters[base["infobase"]] += 1
        session = make_session(rnd, base, counters[base["infobase"]], moment, stubborn_share)
        if job_seconds is not None and session["app-id"] == "BackgroundJob":
            session["job_runs_for"] = job_seconds  # ras_sim: it finishes by itself (never printed)
        session_list.append(session)
    if version == "8.5.1":
        # 8.5.x lists ras's own session (app-id RAS, no user): it must never be ended.
        ras = make_session(rnd, {"infobase": NULL}, 1, moment, app_id="RAS", user="")
        ras.update({"host": "srv1c-%02d" % (index + 1), "client-ip": "127.0.0.1", "leaves_on_lock": False})
        session_list.insert(0, ras)
    name = CLUSTER_NAMES[number] if number < len(CLUSTER_NAMES) else "Кластер %d" % (number + 1)
    return {
        # several clusters of one agent listen on ports of their own (1541, 1641, ...: UNVERIFIED which ones)
        "cluster": new_uuid(rnd), "host": "srv1c-%02d" % (index + 1), "port": 1541 + 100 * number, "name": name,
        "expiration-timeout": 60, "lifetime-limit": 0, "max-memory-size": 0, "max-memory-time-limit": 0,
        "security-level": 0, "session-fault-tolerance-level": 0, "load-balancing-mode": "performance",
        "errors-count-threshold": 0, "kill-problem-processes": 1, "kill-by-memory-with-dump": 0,
        "allow-access-right-audit-events-recording": 0, "ping-period": 0, "ping-timeout": 0, "restart-schedule": "",
        "admins": {CLUSTER_ADMIN[0]: CLUSTER_ADMIN[1]} if cluster_admin else {},
        "infobases": bases, "sessions": session_list,
        "connections": service_connections(rnd, index, bases, moment, version),
    }


def make_server_state(index, infobases=5, sessions=40, version="8.3.21", seed=1, cluster_admin=True,
                      infobase_users=True, stubborn_share=0.1, moment=None, clusters=1, job_seconds=None):
    """One ras's state: ``clusters`` clusters, each with ``infobases`` infobases and ``sessions`` sessions; with
    ``job_seconds`` its background jobs finish by themselves that many seconds after ras started (else never)."""
    rnd = random.Random(seed * 1000 + index)
    moment = moment or datetime.now().replace(microsecond=0)
    return {"version": version, "clusters": [
        make_cluster(rnd, index, number, infobases, sessions, version, cluster_admin, infobase_users, stubborn_share,
                     moment, job_seconds) for number in range(clusters)]}


# -- talking to a running server -----------------------------------------------
def control(port, request, host="127.0.0.1"):
    with socket.create_connection((host, port), timeout=30) as conn:
        conn.sendall((json.dumps(request) + "\n").encode("utf-8"))
        data = b""
        while not data.endswith(b"\n"):
            chunk = conn.recv(65536)
            if not chunk:
                break
            data += chunk
    return json.loads(data.decode("utf-8"))


def server_now(timezone=None):
    """Now on a server in ``timezone`` (None: this machine's zone), naive, as the server's clock reads."""
    if not timezone:
        return datetime.now().replace(microsecond=0)
    return datetime.now(ZoneInfo(timezone)).replace(tzinfo=None, microsecond=0)


def zones_of(timezone, servers):
    """--timezone as one zone per server: None, one zone for all, or a list (a comma-separated text)."""
    if not timezone:
        return [None] * servers
    zones = timezone.split(",") if isinstance(timezone, str) else list(timezone)
    return [zones[index] if index < len(zones) else zones[-1] for index in range(servers)]


def start_server(state_path, workdir, name, latency_ms=0.0, python=None, timezone=None):
    port_file = os.path.join(workdir, name + ".port")
    if os.path.exists(port_file):
        os.unlink(port_file)
    log = open(os.path.join(workdir, name + ".log"), "ab")
    env = dict(os.environ, TZ=timezone) if timezone else None
    proc = subprocess.Popen(
        [python or sys.executable, os.path.join(HERE, "ras_sim.py"), "--state", state_path, "--listen", "127.0.0.1:0",
         "--port-file", port_file, "--latency-ms", str(latency_ms)],
        stdout=log, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True, env=env)
    deadline = time.time() + 20
    while not os.path.exists(port_file):
        if proc.poll() is not None or time.time() > deadline:
            raise RuntimeError("simulated ras %s did not start; see %s.log" % (name, name))
        time.sleep(0.02)
    with open(port_file) as handle:
        return proc.pid, int(handle.read())


def clusters_of(clusters, servers):
    """--clusters as a count per server: one count for all, or a list (a comma-separated text), the last repeated."""
    counts = [int(c) for c in clusters.split(",")] if isinstance(clusters, str) else (
        [clusters] if isinstance(clusters, int) else list(clusters))
    return [counts[index] if index < len(counts) else counts[-1] for index in range(servers)]


def start_fleet(workdir, servers=2, infobases=5, sessions=40, version="8.3.21", seed=1, latency_ms=0.0,
                cluster_admin=True, infobase_users=True, stubborn_share=0.1, timezone=None, clusters=1,
                job_seconds=None):
    """Every server is one ras on 127.0.0.1 with a port of its own (so several ras ports of one machine), holding
    ``clusters`` clusters (a count per server with a list: ``clusters=[3, 1]``)."""
    os.makedirs(workdir, exist_ok=True)
    fleet = {"rac": RAC, "servers": []}
    zones = zones_of(timezone, servers)
    counts = clusters_of(clusters, servers)
    for index in range(servers):
        name = "srv1c-%02d" % (index + 1)
        state = make_server_state(index, infobases, sessions, version, seed, cluster_admin, infobase_users,
                                  stubborn_share, moment=server_now(zones[index]), clusters=counts[index],
                                  job_seconds=job_seconds)
        state_path = os.path.join(workdir, name + ".seed.json")
        with open(state_path, "w", encoding="utf-8") as handle:
            json.dump(state, handle, ensure_ascii=False, indent=1)
        pid, port = start_server(state_path, workdir, name, latency_ms, timezone=zones[index])
        cluster = state["clusters"][0]
        fleet["servers"].append({
            "name": name, "host": "127.0.0.1", "port": port, "pid": pid, "timezone": zones[index],
            "cluster": cluster["cluster"],
            "cluster_name": cluster["name"], "infobases": [b["name"] for b in cluster["infobases"]],
            "clusters": [{"cluster": c["cluster"], "name": c["name"], "infobases": [b["name"] for b in c["infobases"]]}
                         for c in state["clusters"]],
            "cluster_user": CLUSTER_ADMIN[0] if cluster_admin else None,
            "cluster_password": CLUSTER_ADMIN[1] if cluster_admin else None,
            "infobase_user": INFOBASE_ADMIN[0] if infobase_users else None,
            "infobase_password": INFOBASE_ADMIN[1] if infobase_users else None,
        })
    with open(os.path.join(workdir, "fleet.json"), "w", encoding="utf-8") as handle:
        json.dump(fleet, handle, ensure_ascii=False, indent=1)
    write_inventory(workdir, fleet)
    write_ras_source(workdir, fleet)
    return fleet


def write_ras_source(workdir, fleet):
    """inventory.ras.yml: the same servers as an onec.cluster.ras inventory source (the plugin finds the clusters;
    credentials come from the environment, ONEC_CLUSTER_USER and the others)."""
    lines = ["# Written by tests/simulator/simctl.py: the simulated ras endpoints for the onec.cluster.ras plugin.",
             "plugin: onec.cluster.ras", "rac_path: %s" % json.dumps(fleet["rac"]), "endpoints:"]
    for server in fleet["servers"]:
        lines.append("  - {host: %s, port: %d}" % (server["host"], server["port"]))
    with open(os.path.join(workdir, "inventory.ras.yml"), "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


def write_inventory(workdir, fleet):
    """One inventory host per simulated 1C server (per cluster, named <server>-<n>, where a ras holds several);
    modules run on the controller."""
    lines = ["# Written by tests/simulator/simctl.py: one host per simulated 1C server.", "all:", "  vars:",
             "    ansible_connection: local", "    ansible_python_interpreter: %s" % json.dumps(sys.executable),
             "    onec_rac_path: %s" % json.dumps(fleet["rac"]), "  children:", "    onec_servers:", "      hosts:"]
    for server in fleet["servers"]:
        several = len(server["clusters"]) > 1
        for number, cluster in enumerate(server["clusters"]):
            lines.extend(_inventory_host(server, "%s-%d" % (server["name"], number + 1) if several else server["name"],
                                         cluster["cluster"] if several else None))
    with open(os.path.join(workdir, "inventory.yml"), "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


def _inventory_host(server, name, cluster):
    lines = ["        %s:" % name, "          onec_ras_host: %s" % server["host"],
             "          onec_ras_port: %d" % server["port"]]
    if cluster:
        lines.append("          onec_cluster: %s" % cluster)
    for key in ("cluster_user", "cluster_password", "infobase_user", "infobase_password"):
        if server[key]:
            lines.append("          onec_%s: %s" % (key, json.dumps(server[key], ensure_ascii=False)))
    return lines


def load_fleet(workdir):
    with open(os.path.join(workdir, "fleet.json"), encoding="utf-8") as handle:
        return json.load(handle)


def is_our_ras(pid):
    """Whether pid is still a simulated ras started from this simulator (ras_sim.py in its command line).

    A pid saved in fleet.json may belong to another process by now (the simulator ended, the machine restarted
    and reused the number): never signal one that is not ours. Where /proc is not available, nothing is signalled.
    """
    try:
        with open("/proc/%d/cmdline" % int(pid), "rb") as handle:
            argv = handle.read().split(b"\0")
    except (OSError, ValueError, TypeError):
        return False
    script = os.path.join(HERE, "ras_sim.py").encode()
    return any(arg == script or arg.endswith(b"/ras_sim.py") or arg == b"ras_sim.py" for arg in argv)


def stop_fleet(workdir):
    try:
        fleet = load_fleet(workdir)
    except (OSError, ValueError):
        return
    for server in fleet["servers"]:
        pid = server.get("pid")
        if not is_our_ras(pid):
            continue
        try:
            os.kill(pid, signal.SIGTERM)
        except OSError:
            pass


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="action", required=True)
    start = sub.add_parser("start", help="seed and start a fleet")
    start.add_argument("--dir", default=".sim")
    start.add_argument("--servers", type=int, default=2)
    start.add_argument("--infobases", type=int, default=5)
    start.add_argument("--sessions", type=int, default=40, help="sessions per cluster")
    start.add_argument("--clusters", default="1", help="clusters per ras: one count, or one per server, "
                                                       "comma-separated (3,1: one ras with three clusters, one with one)")
    start.add_argument("--version", choices=["8.3.21", "8.5.1"], default="8.3.21")
    start.add_argument("--seed", type=int, default=1)
    start.add_argument("--latency-ms", type=float, default=0.0)
    start.add_argument("--stubborn-share", type=float, default=0.1,
                       help="share of sessions that do not leave by themselves when a lock starts")
    start.add_argument("--job-seconds", type=float,
                       help="background jobs finish by themselves this many seconds after ras started "
                            "(default: they run until ended)")
    start.add_argument("--timezone", help="the servers' zone (IANA name, run as their TZ), or one per server, "
                                          "comma-separated; default: this machine's")
    for name in ("stop", "stats", "state"):
        sub.add_parser(name).add_argument("--dir", default=".sim")
    fault = sub.add_parser("fault", help="switch faults on in every server (see ras_sim.Simulator.faults)")
    fault.add_argument("--dir", default=".sim")
    fault.add_argument("faults", help='JSON, e.g. \'{"decorate_names": "\\u001b[31m\\u202e"}\'')
    args = parser.parse_args(argv)
    if args.action == "start":
        stop_fleet(args.dir)
        fleet = start_fleet(args.dir, args.servers, args.infobases, args.sessions, args.version, args.seed,
                            args.latency_ms, stubborn_share=args.stubborn_share, timezone=args.timezone,
                            clusters=args.clusters, job_seconds=args.job_seconds)
        for server in fleet["servers"]:
            print("%s: ras at %s:%d (pid %d)" % (server["name"], server["host"], server["port"], server["pid"]))
        print("inventory: %s" % os.path.join(args.dir, "inventory.yml"))
    elif args.action == "stop":
        stop_fleet(args.dir)
    elif args.action == "fault":
        for server in load_fleet(args.dir)["servers"]:
            control(server["port"], {"control": "set", "faults": json.loads(args.faults)})
    else:
        fleet = load_fleet(args.dir)
        for server in fleet["servers"]:
            answer = control(server["port"], {"control": args.action})
            print(json.dumps({server["name"]: answer}, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
