# -*- coding: utf-8 -*-
"""The closing summary of scripts/demo.sh: what the maintenance window did on each simulated server.

  python scripts/demo_summary.py snapshot --dir .sim --infobases Бухгалтерия ЗУП      (before the window)
  python scripts/demo_summary.py summary --dir .sim --infobases Бухгалтерия ЗУП \\
      --window-rc 0 [--check] [--exclude-app-ids BackgroundJob]                      (after it, servers still up)

The facts come from where an operator would look: the sessions each simulated server had before and has after
(the simulator's state), and the demo's own audit log ($ONEC_CLUSTER_HOME/audit.jsonl: every session ended,
connection dropped and lock changed, with its ras address).
"""

import argparse
import collections
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests", "simulator"))
import simctl  # noqa: E402


def sessions_in(fleet, infobases):
    """{server name: {session uuid: app-id}} of the sessions in the named infobases, now."""
    found = {}
    for server in fleet["servers"]:
        cluster = simctl.control(server["port"], {"control": "state"})["clusters"][0]
        wanted = set(ib["infobase"] for ib in cluster["infobases"] if ib["name"] in infobases)
        found[server["name"]] = dict((uuid, s["app-id"]) for uuid, s in cluster["sessions"].items()
                                     if s["infobase"] in wanted)
    return found


def audit_records(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def counted(apps):
    counts = collections.Counter(apps)
    return ", ".join("%s %d" % (app, counts[app]) for app in sorted(counts))


def plural(count, word):
    return "%d %s%s" % (count, word, "" if count == 1 else "s")


def server_line(name, before, after, records, infobases, check, excluded):
    names = " and ".join(infobases)
    if check:
        return "%s: check mode, nothing changed; %s in %s, all still there" % (
            name, plural(len(before), "session"), names)
    locked = set(r["infobase"] for r in records if r["action"] == "lock_present")
    restored = set(r["infobase"] for r in records if r["action"] == "lock_restored")
    ended = dict((s["session"], s["app_id"]) for r in records if r["action"] == "end_sessions" for s in r["ended"])
    dropped = sum(len(r.get("disconnected", [])) for r in records if r["action"] == "disconnect")
    parts = []
    if locked and locked <= restored:
        parts.append("locked %s, then put %s" % (
            " and ".join(sorted(locked)), "their locks back as they were" if len(locked) > 1 else "its lock back as it was"))
    elif locked:
        parts.append("LEFT LOCKED: %s" % ", ".join(sorted(locked - restored)))
    else:
        parts.append("no lock changed")
    left = [uuid for uuid in before if uuid not in ended and uuid not in after]
    still = [after[uuid] for uuid in after]
    text = "%s there: %d left by themselves, %d ended" % (plural(len(before), "session"), len(left), len(ended))
    if ended:
        text += " (%s)" % counted(ended.values())
    if still:
        kept = all(app.lower() in excluded for app in still)
        text += ", %d still there (%s%s)" % (len(still), counted(still), ", excluded" if kept else "")
    parts.append(text)
    if dropped:
        parts.append("%s without a session dropped" % plural(dropped, "connection"))
    return "%s: %s" % (name, "; ".join(parts))


def report_line(report_dir):
    data_path = os.path.join(report_dir, "sessions.json")
    if not os.path.exists(data_path):
        return "No session report was written."
    with open(data_path, encoding="utf-8") as handle:
        data = json.load(handle)
    servers = set(row["server"] for row in data["sessions"])
    line = "Session report: %s (and sessions.csv, sessions.json next to it): %s on %s" % (
        os.path.join(report_dir, "sessions.html"), plural(len(data["sessions"]), "session"),
        plural(len(servers), "server"))
    if data["errors"]:
        line += "; could not read %s" % ", ".join(sorted(data["errors"]))
    return line


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["snapshot", "summary"])
    parser.add_argument("--dir", default=".sim")
    parser.add_argument("--infobases", nargs="+", required=True)
    parser.add_argument("--window-rc", type=int, default=0)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--exclude-app-ids", nargs="*", default=[])
    args = parser.parse_args(argv)
    fleet = simctl.load_fleet(args.dir)
    snapshot = os.path.join(args.dir, "before-window.json")
    if args.action == "snapshot":
        with open(snapshot, "w", encoding="utf-8") as handle:
            json.dump(sessions_in(fleet, args.infobases), handle, ensure_ascii=False)
        return 0

    with open(snapshot, encoding="utf-8") as handle:
        before = json.load(handle)
    after = sessions_in(fleet, args.infobases)
    audit = os.path.join(os.environ.get("ONEC_CLUSTER_HOME", ""), "audit.jsonl")
    records = audit_records(audit)
    excluded = set(a.lower() for a in args.exclude_app_ids)
    if args.window_rc:
        print("The maintenance window FAILED (ansible-playbook exited %d): its output above says why." % args.window_rc)
    for server in fleet["servers"]:
        address = "%s:%s" % (server["host"], server["port"])
        mine = [r for r in records if r.get("ras") == address]
        print(server_line(server["name"], before.get(server["name"], {}), after.get(server["name"], {}), mine,
                          args.infobases, args.check, excluded))
    print(report_line(os.path.join(args.dir, "report")))
    if records:
        print("Audit log of the demo: %s" % os.path.relpath(audit))
    return 0


if __name__ == "__main__":
    sys.exit(main())
