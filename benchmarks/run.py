# -*- coding: utf-8 -*-
"""Benchmarks: bulk termination and fleet scale, against the ways people do it today.

    scripts/benchmark.sh [--runs 3] [--latency-ms 20]
        [--only bulk,fleet,info,licenses,window,native,fleetform,fleetwindow]
        [--naive-full]

"native" times the native backend (the RAS protocol, no rac; the simulator adds the same latency per protocol
call) on the bulk, concurrency, info and 20-server fleet scenarios, with the shell contenders it is measured against.

Every contender runs against the same rac simulator with a per-call latency (20 ms by default); each is run
--runs times on a freshly seeded fleet and the median wall time is reported, with the number of rac calls the
simulator counted. Prints a table and writes benchmarks/results/latest.json. Not a test: nothing here passes or fails.
"""

import argparse
import datetime
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "simulator"))
sys.path.insert(0, os.path.join(ROOT, ".build", "collections"))

import rac_format  # noqa: E402
import simctl  # noqa: E402
from ansible_collections.onec.cluster.plugins.module_utils.rac.parser import parse_records  # noqa: E402

RAC = simctl.RAC
BIN = os.path.dirname(sys.executable)


def ansible_env():
    env = dict(os.environ)
    env.update(ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".build", "collections"),
               ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_NOCOLOR="1")
    return env


class Fleet:
    """A seeded simulated fleet in a temporary folder, stopped on exit."""

    def __init__(self, servers, sessions, latency_ms, infobases=5):
        self.dir = tempfile.mkdtemp(prefix="onec-bench-")
        self.data = simctl.start_fleet(self.dir, servers=servers, infobases=infobases, sessions=sessions,
                                       latency_ms=latency_ms, seed=7)
        self.inventory = os.path.join(self.dir, "inventory.yml")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        simctl.stop_fleet(self.dir)
        shutil.rmtree(self.dir, ignore_errors=True)

    def calls(self):
        return sum(simctl.control(s["port"], {"control": "stats"})["total"] for s in self.data["servers"])

    def remaining(self):
        return sum(len(simctl.control(s["port"], {"control": "state"})["clusters"][0]["sessions"])
                   for s in self.data["servers"])

    def auth(self, server):
        return ["--cluster=" + server["cluster"], "--cluster-user=" + server["cluster_user"],
                "--cluster-pwd=" + server["cluster_password"]]


def timed(command, env=None, shell_script=None):
    start = time.perf_counter()
    if shell_script is not None:
        proc = subprocess.run(["bash", "-c", shell_script], capture_output=True, env=env, check=False)
    else:
        proc = subprocess.run(command, capture_output=True, env=env, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        output = proc.stdout.decode()[-3000:] + proc.stderr.decode()[-3000:]
        raise RuntimeError("%s failed:\n%s" % (command or "shell", output))
    return elapsed


def timed_with_peak(command, env):
    """Seconds and peak resident memory (MB) of one process (and the rac it runs), from wait4 for that pid only:
    RUSAGE_CHILDREN would also count every ansible-playbook this benchmark ran before."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
        _pid, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            out.seek(0)
            raise RuntimeError("%s failed:\n%s" % (command, out.read()[-3000:].decode(errors="replace")))
    return elapsed, usage.ru_maxrss / 1024.0


def playbook(fleet, path, *extra):
    return timed([os.path.join(BIN, "ansible-playbook"), "-i", fleet.inventory, path] + list(extra), env=ansible_env())


def shell_terminate(fleet, parallel):
    """The documented command-line method: rac session list, then rac session terminate per session."""
    lines = ["set -euo pipefail"]
    for server in fleet.data["servers"]:
        address = "%s:%d" % (server["host"], server["port"])
        auth = " ".join("'%s'" % a for a in fleet.auth(server))
        listing = "%s session list %s %s | awk '$1 == \"session\" {print $3}'" % (RAC, auth, address)
        terminate = "%s session terminate %s --session={} %s" % (RAC, auth, address)
        if parallel:
            lines.append("%s | xargs -P 8 -I{} %s" % (listing, terminate))
        else:
            lines.append("for s in $(%s); do %s; done" % (listing, terminate.replace("{}", "$s")))
    return "\n".join(lines)


def measure(runs, make_fleet, action, check=None):
    """Median seconds and rac calls of `action(fleet)` over `runs` fresh fleets."""
    times, calls = [], []
    for run in range(runs):  # pylint: disable=unused-variable
        with make_fleet() as fleet:
            times.append(action(fleet))
            calls.append(fleet.calls())
            if check:
                check(fleet)
    return {"median_s": statistics.median(times), "runs_s": times, "rac_calls": int(statistics.median(calls))}


def all_gone(fleet):
    left = fleet.remaining()
    if left:
        raise RuntimeError("%d sessions left after the contender ran" % left)


def bench_bulk(args, rows, results):
    sessions = args.sessions

    def make(n=sessions):
        return Fleet(1, n, args.latency_ms)

    module = measure(args.runs, make, lambda f: playbook(f, os.path.join(HERE, "playbooks", "module_terminate.yml")),
                     all_gone)
    sequential = measure(args.runs, make, lambda f: timed(None, shell_script=shell_terminate(f, False)), all_gone)
    parallel = measure(args.runs, make, lambda f: timed(None, shell_script=shell_terminate(f, True)), all_gone)
    naive_n = sessions if args.naive_full else min(sessions, args.naive_sessions)
    naive = measure(1 if not args.naive_full else args.runs, lambda: make(naive_n),
                    lambda f: playbook(f, os.path.join(HERE, "playbooks", "naive_terminate.yml")), all_gone)
    scale = sessions / float(naive_n)
    naive_scaled = dict(naive, median_s=naive["median_s"] * scale, measured_sessions=naive_n,
                        rac_calls=int(naive["rac_calls"] * scale))
    # the lower bound: one listing plus every termination's latency, `concurrency` at a time
    with make(10) as fleet:
        server = fleet.data["servers"][0]
        list_s = timed([RAC, "session", "list"] + fleet.auth(server) + ["127.0.0.1:%d" % server["port"]])
        empty = playbook(fleet, os.path.join(HERE, "playbooks", "empty.yml"))
    bound = list_s + sessions * args.latency_ms / 1000.0 / 8
    results["bulk"] = {"sessions": sessions, "module": module, "shell_sequential": sequential,
                       "shell_parallel": parallel, "naive_ansible": naive_scaled, "lower_bound_s": bound,
                       "ansible_playbook_start_s": empty}
    label = "end %d sessions, one server" % sessions
    naive_note = "" if args.naive_full else " (measured on %d, x%.0f)" % (naive_n, scale)
    for name, result in (("naive Ansible" + naive_note, naive_scaled), ("shell, sequential", sequential),
                         ("shell, xargs -P 8", parallel), ("onec.cluster.session", module)):
        rows.append((label, name, result["median_s"], result["rac_calls"], module["median_s"] / result["median_s"]))
    rows.append((label, "lower bound: list + N x latency / 8", bound, None, module["median_s"] / bound))
    rows.append((label, "  (ansible-playbook start, no task)", empty, None, None))


def bench_concurrency(args, rows, results):
    """The module at several concurrency levels: where the default (8) comes from."""
    results["concurrency"] = {}

    def make():
        return Fleet(1, args.sessions, args.latency_ms)

    for level in (1, 4, 8, 16, 32):
        result = measure(args.runs, make, lambda f, n=level: playbook(
            f, os.path.join(HERE, "playbooks", "module_terminate.yml"), "-e", "benchmark_concurrency=%d" % n),
            all_gone)
        results["concurrency"][level] = result
        rows.append(("concurrency, %d sessions, one server" % args.sessions, "onec.cluster.session, concurrency %d"
                     % level, result["median_s"], result["rac_calls"], None))


def bench_fleet(args, rows, results):
    results["fleet"] = {}
    for servers in args.fleet_sizes:
        def make(n=servers):
            return Fleet(n, 100, args.latency_ms, infobases=3)

        role = measure(args.runs, make, lambda f: playbook(
            f, os.path.join(ROOT, "playbooks", "emergency_disconnect.yml"), "-f", str(max(5, servers)),
            "-e", "emergency_disconnect_infobases=all"), all_gone)
        parallel = measure(args.runs, make, lambda f: timed(None, shell_script=shell_terminate(f, True)), all_gone)
        results["fleet"][servers] = {"emergency_disconnect": role, "shell_parallel": parallel}
        label = "emergency disconnect, %d servers x 100" % servers
        rows.append((label, "shell, xargs -P 8 per server", parallel["median_s"], parallel["rac_calls"], None))
        rows.append((label, "onec.cluster.emergency_disconnect", role["median_s"], role["rac_calls"],
                     role["median_s"] / parallel["median_s"]))


def tree_rss_mb(root_pid):
    """Resident memory (MB) of a process and all its descendants now, from /proc (Linux)."""
    parents, rss = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    tree, grown = {root_pid}, True
    while grown:
        grown = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grown = True
    return sum(rss.get(pid, 0) for pid in tree) / 1048576.0


def children_cpu_s():
    """CPU seconds (user + system) of every child process waited for so far (and of the children they waited for)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_with_tree_peak(command, env):
    """Seconds, peak memory (MB) and CPU seconds of a whole process tree (ansible-playbook, its forks, what they
    run), memory sampled every 50 ms."""
    with tempfile.TemporaryFile() as out:
        cpu = children_cpu_s()
        start = time.perf_counter()
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
        peak = 0.0
        while proc.poll() is None:
            peak = max(peak, tree_rss_mb(proc.pid))
            time.sleep(0.05)
        elapsed = time.perf_counter() - start
        cpu = children_cpu_s() - cpu
        if proc.returncode != 0:
            out.seek(0)
            raise RuntimeError("%s failed:\n%s" % (command, out.read()[-3000:].decode(errors="replace")))
    return elapsed, peak, cpu


def growth_law(by_size):
    """{servers: (seconds, cpu seconds)} -> what one more server costs, between the smallest and the largest size
    measured (the slope), and the cost per server at the largest; None with fewer than two sizes."""
    sizes = sorted(by_size)
    if len(sizes) < 2:
        return None
    low, high = sizes[0], sizes[-1]
    span = float(high - low)
    return {"from_servers": low, "to_servers": high,
            "s_per_server": (by_size[high][0] - by_size[low][0]) / span,
            "cpu_s_per_server": (by_size[high][1] - by_size[low][1]) / span,
            "s_per_server_at_largest": by_size[high][0] / high, "cpu_s_per_server_at_largest": by_size[high][1] / high}


# The fleet form's scenarios: (name, playbook, extra arguments, the floor's mode). lock_first's floor is the same as
# the plain disconnect's (the bare client does not lock): its ratio shows what locking first adds.
EMERGENCY_ARGS = ["-e", "emergency_disconnect_infobases=all",
                  "-e", '{"emergency_disconnect_exclude_app_ids": ["BackgroundJob"]}']
FLEETFORM_SCENARIOS = [
    ("emergency_disconnect", "emergency_disconnect.yml", EMERGENCY_ARGS, "end"),
    ("emergency_disconnect lock_first", "emergency_disconnect.yml",
     EMERGENCY_ARGS + ["-e", "emergency_disconnect_lock_first=true"], "end"),
    ("session_report", "session_report.yml", [], "read"),
]


def bench_fleetform(args, rows, results):
    """The fleet form (issue 18): emergency disconnect (plain and lock_first) and session report over 1..200 servers
    x 50 sessions, native backend, against the floor measured in the same run: a bare one-process client doing the
    same calls (benchmarks/fleet_floor.py) plus ansible-playbook on an empty play over the same inventory. Then the
    growth law of each: seconds and CPU seconds (of the whole ansible-playbook process tree) per server."""
    results["fleetform"] = {}
    floor_env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, ".build", "collections"))
    floor_script = os.path.join(HERE, "fleet_floor.py")
    growth = dict((name, {}) for name, _path, _extra, _mode in FLEETFORM_SCENARIOS)
    for servers in args.fleetform_sizes:
        def make(n=servers):
            return Fleet(n, 50, args.latency_ms, infobases=3)

        forks = str(min(50, max(5, servers)))
        entry = {}
        floors = {}  # the floor of each mode, measured once per size
        for name, playbook_name, extra, mode in FLEETFORM_SCENARIOS:
            role, peaks, cpus = [], [], []
            for attempt in range(args.runs):  # pylint: disable=unused-variable
                with make() as fleet:
                    # state files (lock_first) and the audit log stay with this fleet
                    env = dict(ansible_env(), ONEC_CLUSTER_HOME=os.path.join(fleet.dir, "onec_cluster"))
                    command = [os.path.join(BIN, "ansible-playbook"), "-i", fleet.inventory,
                               os.path.join(ROOT, "playbooks", playbook_name), "-f", forks,
                               "-e", "onec_backend=native", "-e", "session_report_dir=%s/report" % fleet.dir] + extra
                    elapsed, peak, cpu = timed_with_tree_peak(command, env)
                    role.append(elapsed)
                    peaks.append(peak)
                    cpus.append(cpu)
            if mode not in floors:
                floors[mode] = []
                for attempt in range(args.runs):  # pylint: disable=unused-variable
                    with make() as fleet:
                        client = timed([sys.executable, floor_script, os.path.join(fleet.dir, "fleet.json"), mode],
                                       env=floor_env)
                        empty = playbook(fleet, os.path.join(HERE, "playbooks", "empty.yml"), "-f", forks)
                        floors[mode].append(client + empty)
            floor = floors[mode]
            part = {"median_s": statistics.median(role), "runs_s": role, "peak_tree_mb": max(peaks),
                    "median_cpu_s": statistics.median(cpus), "cpu_runs_s": cpus,
                    "floor_median_s": statistics.median(floor), "floor_runs_s": floor}
            entry[name] = part
            growth[name][servers] = (part["median_s"], part["median_cpu_s"])
            target = 2.0 if name == "session_report" else 1.5
            label = "fleet form: %s, %d servers x 50, native" % (name, servers)
            rows.append((label, "floor: one-process client + empty ansible-playbook", part["floor_median_s"], None,
                         None))
            rows.append((label, "playbooks/%s (target <= %.1fx the floor)" % (playbook_name, target),
                         part["median_s"], None, part["median_s"] / part["floor_median_s"]))
            rows.append((label, "  CPU seconds of the process tree", part["median_cpu_s"], None, None))
            rows.append((label, "  peak memory of the process tree, MB (target < 250 at 200)", part["peak_tree_mb"],
                         None, None))
        results["fleetform"][servers] = entry
    results["fleetform"]["growth"] = {}
    for name, by_size in growth.items():
        law = growth_law(by_size)
        if law is None:
            continue
        results["fleetform"]["growth"][name] = law
        label = "fleet form growth: %s, %d-%d servers" % (name, law["from_servers"], law["to_servers"])
        rows.append((label, "seconds per added server", law["s_per_server"], None, None))
        rows.append((label, "CPU seconds per added server", law["cpu_s_per_server"], None, None))
        numbers = (name, law["from_servers"], law["to_servers"], law["s_per_server"], law["cpu_s_per_server"],
                   law["to_servers"], law["s_per_server_at_largest"], law["cpu_s_per_server_at_largest"])
        print("growth law, %s (%d..%d servers): %.4f s and %.4f CPU-s per added server; at %d servers %.4f s and "
              "%.4f CPU-s per server" % numbers, file=sys.stderr)


# The window's short grace (6 s) and leave time for bench_fleetwindow: what any window waits, whatever its cost.
FLEETWINDOW_GRACE_MIN = 0.1
FLEETWINDOW_LEAVE_S = 2


def bench_fleetwindow(args, rows, results):
    """The maintenance window on N servers (issue 18's target: wall <= grace + leave_time + 2x the single-server
    overhead, whatever the forks): playbooks/maintenance_window.yml, native backend, grace 0.1 min and leave_time
    2 s. The overhead is measured at 1 server in the same run: its wall minus grace and leave_time."""
    results["fleetwindow"] = {}
    waited = FLEETWINDOW_GRACE_MIN * 60 + FLEETWINDOW_LEAVE_S
    overhead = None
    for servers in args.fleetwindow_sizes:
        walls, cpus, peaks = [], [], []
        for attempt in range(args.runs):  # pylint: disable=unused-variable
            with Fleet(servers, 50, args.latency_ms, infobases=3) as fleet:
                env = dict(ansible_env(), ONEC_CLUSTER_HOME=os.path.join(fleet.dir, "onec_cluster"))
                command = [os.path.join(BIN, "ansible-playbook"), "-i", fleet.inventory,
                           os.path.join(ROOT, "playbooks", "maintenance_window.yml"),
                           "-f", str(min(50, max(5, servers))), "-e", "onec_backend=native", "-e", json.dumps({
                               "maintenance_window_infobases": "all", "maintenance_window_grace": FLEETWINDOW_GRACE_MIN,
                               "maintenance_window_leave_time": FLEETWINDOW_LEAVE_S,
                               "maintenance_window_poll_interval": 1,
                               "maintenance_window_exclude_app_ids": ["BackgroundJob"]})]
                elapsed, peak, cpu = timed_with_tree_peak(command, env)
                walls.append(elapsed)
                cpus.append(cpu)
                peaks.append(peak)
        wall = statistics.median(walls)
        if overhead is None and servers == 1:
            overhead = wall - waited
        target = waited + 2 * overhead if overhead is not None else None
        results["fleetwindow"][servers] = {"median_s": wall, "runs_s": walls, "median_cpu_s": statistics.median(cpus),
                                           "cpu_runs_s": cpus, "peak_tree_mb": max(peaks), "target_s": target,
                                           "single_server_overhead_s": overhead}
        label = "maintenance window, %d servers x 50, native, grace %gs + leave %ds" % (
            servers, FLEETWINDOW_GRACE_MIN * 60, FLEETWINDOW_LEAVE_S)
        rows.append((label, "playbooks/maintenance_window.yml, wall", wall, None, None))
        rows.append((label, "  CPU seconds of the process tree", statistics.median(cpus), None, None))
        if target is not None:
            rows.append((label, "  target: grace + leave + 2x single-server overhead (%.2f s)" % overhead, target,
                         None, wall / target))
        print("fleetwindow, %d server(s): wall %.2f s, CPU %.2f s, target %s" % (
            servers, wall, statistics.median(cpus), "%.2f s" % target if target is not None else "(no 1-server run)"),
            file=sys.stderr)


# session_info's modes measured as a module process: every field (the default), the columns a dashboard uses, counts
INFO_MODES = [
    ("every field", {}),
    ("fields: 5 columns", {"fields": ["user_name", "app_id", "host", "last_active_at", "infobase_name"]}),
    ("count_only", {"count_only": True}),
    # licenses: true is measured by its own scenario, with and without, on both backends (bench_licenses)
]


def bench_info(args, rows, results):
    count = args.info_sessions
    results["info"] = {"sessions": count, "modes": {}}
    label = "session_info, %d sessions" % count
    with Fleet(1, count, args.latency_ms) as fleet:
        server = fleet.data["servers"][0]
        env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, ".build", "collections"))
        module_path = os.path.join(ROOT, "plugins", "modules", "session_info.py")
        for name, options in INFO_MODES:
            module_args = {"ANSIBLE_MODULE_ARGS": dict(
                {"ras_host": "127.0.0.1", "ras_port": server["port"], "rac_path": RAC,
                 "cluster_user": server["cluster_user"], "cluster_password": server["cluster_password"]}, **options)}
            args_file = os.path.join(fleet.dir, "args.json")
            with open(args_file, "w") as handle:
                json.dump(module_args, handle)
            runs = [timed_with_peak([sys.executable, module_path, args_file], env) for attempt in range(args.runs)]
            times = [elapsed for elapsed, peak in runs]
            peak_mb = max(peak for elapsed, peak in runs)
            results["info"]["modes"][name] = {"module_median_s": statistics.median(times), "module_runs_s": times,
                                              "module_peak_rss_mb": peak_mb}
            rows.append((label, "module process, %s (target < 2 s)" % name, statistics.median(times), 3, None))
            rows.append((label, "  peak memory, MB, %s (target < 150)" % name, peak_mb, None, None))
        task = playbook(fleet, os.path.join(HERE, "playbooks", "session_info.yml"))
        empty = playbook(fleet, os.path.join(HERE, "playbooks", "empty.yml"))
    results["info"]["task_in_playbook_s"] = task - empty
    rows.append((label, "task in a playbook, every field, start-up excluded", task - empty, None, None))
    # the parser alone, on rac's real layout
    records = simctl.make_server_state(0, 5, 1000, seed=3)["clusters"][0]["sessions"]
    text = rac_format.render("session", records * (args.parse_sessions // 1000), "8.3.21")
    start = time.perf_counter()
    parsed = parse_records(text, uniform=True)
    parse_s = time.perf_counter() - start
    per_second = len(parsed) / parse_s
    results["info"].update(parser_sessions_per_s=per_second, parser_sessions=len(parsed))
    rows.append(("parser alone", "%d sessions: %.0f sessions/s (target > 50,000)" % (len(parsed), per_second),
                 parse_s, None, None))
    # the same with one quoted current-service-name after empty ones (rac quotes that field only when it is set:
    # UNVERIFIED, contract 2.6): the grid reader must read both forms in one column, not hand the list over
    line = "current-service-name             : \n"
    second = text.index(line, text.index(line) + 1)
    quoted = text[:second] + line[:-1] + '"EventLogService"\n' + text[second + len(line):]
    start = time.perf_counter()
    parsed = parse_records(quoted, uniform=True)
    parse_s = time.perf_counter() - start
    results["info"].update(parser_quoted_sessions_per_s=len(parsed) / parse_s)
    rows.append(("parser alone", "  the same, one quoted service name: %.0f sessions/s" % (len(parsed) / parse_s),
                 parse_s, None, None))


def bench_window(args, rows, results):
    def make():
        return Fleet(3, 60, args.latency_ms, infobases=10)

    window = measure(args.runs, make, lambda f: playbook(
        f, os.path.join(ROOT, "playbooks", "maintenance_window.yml"), "-e",
        json.dumps({"maintenance_window_infobases": "all", "maintenance_window_grace": 0})))
    per_infobase = window["rac_calls"] / 30.0
    results["window"] = dict(window, infobases=30, rac_calls_per_infobase=per_infobase)
    rows.append(("maintenance_window, 10 infobases x 3 servers, grace 0", "onec.cluster.maintenance_window",
                 window["median_s"], window["rac_calls"], None))
    rows.append(("", "rac calls per infobase", per_infobase, None, None))


# What licenses: true costs (issue 21), each backend with and without it: every field, and count_only (the licence
# ceiling's counts without the sessions). rac makes one more run (session list --licenses); native reads the licences
# from the same session records.
LICENSE_MODES = [
    ("every field", {}),
    ("every field, licenses: true", {"licenses": True}),
    ("count_only", {"count_only": True}),
    ("count_only, licenses: true", {"count_only": True, "licenses": True}),
]


def bench_licenses(args, rows, results):
    count = args.info_sessions
    label = "session_info licences, %d sessions" % count
    results["licenses"] = {"sessions": count}
    with Fleet(1, count, args.latency_ms) as fleet:
        server = fleet.data["servers"][0]
        env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, ".build", "collections"))
        module_path = os.path.join(ROOT, "plugins", "modules", "session_info.py")
        for backend in ("rac", "native"):
            medians = results["licenses"][backend] = {}
            for name, options in LICENSE_MODES:
                module_args = {"ANSIBLE_MODULE_ARGS": dict(
                    {"ras_host": "127.0.0.1", "ras_port": server["port"], "rac_path": RAC, "backend": backend,
                     "cluster_user": server["cluster_user"], "cluster_password": server["cluster_password"]},
                    **options)}
                args_file = os.path.join(fleet.dir, "args.json")
                with open(args_file, "w") as handle:
                    json.dump(module_args, handle)
                simctl.control(server["port"], {"control": "reset_stats"})
                runs = [timed_with_peak([sys.executable, module_path, args_file], env) for attempt in range(args.runs)]
                # what the server answered per run: rac commands, or ras requests on the native backend
                calls = simctl.control(server["port"], {"control": "stats"})["total"] // args.runs
                times = [elapsed for elapsed, peak in runs]
                peak_mb = max(peak for elapsed, peak in runs)
                medians[name] = {"module_median_s": statistics.median(times), "module_runs_s": times,
                                 "module_peak_rss_mb": peak_mb, "server_calls": calls}
                rows.append((label, "%s: module process, %s" % (backend, name), statistics.median(times), calls,
                             None))
                rows.append((label, "  %s: peak memory, MB, %s" % (backend, name), peak_mb, None, None))
            for base in ("every field", "count_only"):
                cost = medians[base + ", licenses: true"]["module_median_s"] - medians[base]["module_median_s"]
                medians["cost, " + base] = cost
                rows.append((label, "%s: cost of licenses: true, %s (difference)" % (backend, base), cost, None, None))


def module_process(fleet, module, **options):
    """Seconds of one module run as its own process, outside ansible-playbook, on the native backend."""
    server = fleet.data["servers"][0]
    options.update(ras_host="127.0.0.1", ras_port=server["port"], backend="native",
                   cluster_user=server["cluster_user"], cluster_password=server["cluster_password"])
    args_file = os.path.join(fleet.dir, "args.json")
    with open(args_file, "w") as handle:
        json.dump({"ANSIBLE_MODULE_ARGS": options}, handle)
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, ".build", "collections"))
    return timed([sys.executable, os.path.join(ROOT, "plugins", "modules", module + ".py"), args_file], env=env)


def bench_native(args, rows, results):
    """The native backend against its targets (issue 11): bulk, its concurrency curve, info, a 20-server fleet."""
    sessions = args.sessions
    terminate = os.path.join(HERE, "playbooks", "module_terminate.yml")

    def make():
        return Fleet(1, sessions, args.latency_ms)

    native = {}
    for level in (8, 16, 32):
        native[level] = measure(args.runs, make, lambda f, n=level: playbook(
            f, terminate, "-e", "benchmark_backend=native", "-e", "benchmark_concurrency=%d" % n), all_gone)
    process = measure(args.runs, make, lambda f: module_process(f, "session", all=True), all_gone)
    sequential = measure(args.runs, make, lambda f: timed(None, shell_script=shell_terminate(f, False)), all_gone)
    parallel = measure(args.runs, make, lambda f: timed(None, shell_script=shell_terminate(f, True)), all_gone)
    with Fleet(1, 10, args.latency_ms) as fleet:
        server = fleet.data["servers"][0]
        list_s = timed([RAC, "session", "list"] + fleet.auth(server) + ["127.0.0.1:%d" % server["port"]])
        empty = playbook(fleet, os.path.join(HERE, "playbooks", "empty.yml"))
    label = "native: end %d sessions, one server" % sessions
    results["native_bulk"] = {"native": native, "shell_sequential": sequential, "shell_parallel": parallel,
                              "ansible_playbook_start_s": empty}
    rows.append((label, "shell, sequential", sequential["median_s"], sequential["rac_calls"],
                 native[8]["median_s"] / sequential["median_s"]))
    rows.append((label, "shell, xargs -P 8", parallel["median_s"], parallel["rac_calls"],
                 native[8]["median_s"] / parallel["median_s"]))
    for level in (8, 16, 32):
        bound = list_s + sessions * args.latency_ms / 1000.0 / level
        rows.append((label, "onec.cluster.session, native, concurrency %d" % level, native[level]["median_s"],
                     native[level]["rac_calls"], None))
        rows.append((label, "  lower bound: list + N x latency / %d" % level, bound, None,
                     native[level]["median_s"] / bound))
    bound = list_s + sessions * args.latency_ms / 1000.0 / 8
    rows.append((label, "session module process alone, native, concurrency 8", process["median_s"],
                 process["rac_calls"], process["median_s"] / bound))
    rows.append((label, "  (ansible-playbook start, no task)", empty, None, None))
    results["native_bulk"]["module_process"] = process

    count = args.info_sessions
    with Fleet(1, count, args.latency_ms) as fleet:
        server = fleet.data["servers"][0]
        module_args = {"ANSIBLE_MODULE_ARGS": {"ras_host": "127.0.0.1", "ras_port": server["port"],
                                               "backend": "native", "cluster_user": server["cluster_user"],
                                               "cluster_password": server["cluster_password"]}}
        args_file = os.path.join(fleet.dir, "args.json")
        with open(args_file, "w") as handle:
            json.dump(module_args, handle)
        env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, ".build", "collections"))
        module_path = os.path.join(ROOT, "plugins", "modules", "session_info.py")
        runs = [timed_with_peak([sys.executable, module_path, args_file], env) for attempt in range(args.runs)]
    times = [elapsed for elapsed, peak in runs]
    peak_mb = max(peak for elapsed, peak in runs)
    results["native_info"] = {"sessions": count, "module_median_s": statistics.median(times), "module_runs_s": times,
                              "module_peak_rss_mb": peak_mb}
    label = "native: session_info, %d sessions" % count
    rows.append((label, "module process (target < 2 s)", statistics.median(times), 3, None))
    rows.append((label, "module peak memory, MB (target < 150)", peak_mb, None, None))

    servers = max(args.fleet_sizes)

    def make_fleet():
        return Fleet(servers, 100, args.latency_ms, infobases=3)

    role = measure(args.runs, make_fleet, lambda f: playbook(
        f, os.path.join(ROOT, "playbooks", "emergency_disconnect.yml"), "-f", str(max(5, servers)),
        "-e", "onec_backend=native", "-e", "emergency_disconnect_infobases=all"), all_gone)
    fleet_parallel = measure(args.runs, make_fleet, lambda f: timed(None, shell_script=shell_terminate(f, True)),
                             all_gone)
    results["native_fleet"] = {"servers": servers, "emergency_disconnect": role, "shell_parallel": fleet_parallel}
    label = "native: emergency disconnect, %d servers x 100" % servers
    rows.append((label, "shell, xargs -P 8 per server", fleet_parallel["median_s"], fleet_parallel["rac_calls"], None))
    rows.append((label, "onec.cluster.emergency_disconnect, native", role["median_s"], role["rac_calls"],
                 role["median_s"] / fleet_parallel["median_s"]))


def bench_large(args, rows, results):
    """session_info on one server with 30,000 sessions (issue 19), every field, both backends: module process time
    and peak memory (targets: under 3 s and 300 MB)."""
    count = args.large_sessions
    label = "session_info, %d sessions" % count
    results["large"] = {"sessions": count}
    with Fleet(1, count, args.latency_ms) as fleet:
        server = fleet.data["servers"][0]
        env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, ".build", "collections"))
        module_path = os.path.join(ROOT, "plugins", "modules", "session_info.py")
        for backend in ("rac", "native"):
            module_args = {"ANSIBLE_MODULE_ARGS": {
                "ras_host": "127.0.0.1", "ras_port": server["port"], "rac_path": RAC, "backend": backend,
                "cluster_user": server["cluster_user"], "cluster_password": server["cluster_password"]}}
            args_file = os.path.join(fleet.dir, "args.json")
            with open(args_file, "w") as handle:
                json.dump(module_args, handle)
            runs = [timed_with_peak([sys.executable, module_path, args_file], env) for attempt in range(args.runs)]
            times = [elapsed for elapsed, peak in runs]
            peak_mb = max(peak for elapsed, peak in runs)
            results["large"][backend] = {"module_median_s": statistics.median(times), "module_runs_s": times,
                                         "module_peak_rss_mb": peak_mb}
            rows.append((label, "module process, %s (target < 3 s)" % backend, statistics.median(times), 3, None))
            rows.append((label, "  peak memory, MB, %s (target < 300)" % backend, peak_mb, None, None))


def print_table(rows):
    print("\n%-44s %-52s %10s %9s %8s %9s" % ("scenario", "contender", "median s", "rac calls", "ratio", "speed-up"))
    print("-" * 137)
    for scenario, name, seconds, calls, ratio in rows:  # pylint: disable=unused-variable
        print("%-44s %-52s %10.2f %9s %8s %9s" % (scenario, name, seconds, "" if calls is None else calls,
                                                  "" if ratio is None else "%.3f" % ratio,
                                                  "" if not ratio else "%.1fx" % (1 / ratio)))
    print(RATIO_NOTE)


RATIO_NOTE = ("ratio: the collection's time divided by the contender's (below 1: the collection is faster); "
              "speed-up: its inverse, how many times faster the collection is.")


def markdown_table(rows, meta):
    lines = ["Run of %s on %s: %s cores, Python %s, %s ms per rac call, median of %s runs; plain Python speed: "
             "10M-item list comprehension in %.2f s."
             % (meta["date"], meta["machine"], meta["cores"], meta["python"], meta["latency_ms"], meta["runs"],
                meta["python_10M_listcomp_s"]),
             "", "Command: `%s`" % meta["command"], "",
             "| scenario | contender | median s | rac calls | ratio | speed-up |", "| --- | --- | ---: | ---: | ---: | ---: |"]
    for scenario, name, seconds, calls, ratio in rows:
        cells = (scenario, name, seconds, "" if calls is None else calls, "" if ratio is None else "%.3f" % ratio,
                 "" if not ratio else "%.1fx" % (1 / ratio))
        lines.append("| %s | %s | %.2f | %s | %s | %s |" % cells)
    lines += ["", RATIO_NOTE, ""]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--naive-sessions", type=int, default=200,
                        help="naive Ansible is measured on this many sessions and scaled (it is linear per item)")
    parser.add_argument("--naive-full", action="store_true", help="measure naive Ansible on all sessions")
    parser.add_argument("--fleet-sizes", type=lambda s: [int(x) for x in s.split(",")], default=[5, 10, 20])
    parser.add_argument("--fleetform-sizes", type=lambda s: [int(x) for x in s.split(",")],
                        default=[1, 10, 50, 100, 200])
    parser.add_argument("--fleetwindow-sizes", type=lambda s: [int(x) for x in s.split(",")], default=[1, 50],
                        help="servers of the fleetwindow scenario; the first should be 1 (the overhead it measures)")
    parser.add_argument("--info-sessions", type=int, default=10000)
    parser.add_argument("--parse-sessions", type=int, default=50000)
    parser.add_argument("--large-sessions", type=int, default=30000)
    parser.add_argument("--only", default="bulk,concurrency,fleet,info,licenses,window,large")
    args = parser.parse_args(argv)
    rows, results = [], {}
    for name in args.only.split(","):
        print("running %s ..." % name, file=sys.stderr)
        globals()["bench_" + name](args, rows, results)
    print_table(rows)
    start = time.perf_counter()
    [i * 2 for i in range(10000000)]  # pylint: disable=expression-not-assigned
    reference = time.perf_counter() - start  # how fast plain Python loops run on this machine
    results["meta"] = {"date": datetime.datetime.now().isoformat(timespec="seconds"), "cores": os.cpu_count(),
                       "python_10M_listcomp_s": reference,
                       "python": platform.python_version(), "machine": platform.machine(),
                       "command": " ".join(["scripts/benchmark.sh"] + (argv if argv is not None else sys.argv[1:])),
                       "latency_ms": args.latency_ms, "runs": args.runs}
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    with open(os.path.join(HERE, "results", "latest.json"), "w") as handle:
        json.dump(results, handle, indent=1, default=str)
    with open(os.path.join(HERE, "results", "latest.md"), "w") as handle:
        handle.write(markdown_table(rows, results["meta"]))
    print("written: benchmarks/results/latest.json and latest.md (the table for RESULTS.md)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
