# -*- coding: utf-8 -*-
"""The floor of the fleet scenario: one bare process doing the calls the fleet form does, on the native backend.

    python benchmarks/fleet_floor.py <fleet.json> end|read [concurrency]

end: per server (all servers at once in a thread pool) list the infobases and sessions, end every session but
background jobs' (`concurrency` at a time), then list the connections and drop the hanging ones; read: list the
infobases and sessions. No Ansible, no validation, no audit log, no result: only the client and the calls.
"""

import json
import sys
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.onec.cluster.plugins.module_utils.client import Client
from ansible_collections.onec.cluster.plugins.module_utils.connections import hanging, list_connections
from ansible_collections.onec.cluster.plugins.module_utils.native.backend import NativeBackend
from ansible_collections.onec.cluster.plugins.module_utils.sessions import list_sessions

KEEP = ("BackgroundJob",)


def one_server(server, mode, concurrency):
    backend = NativeBackend(host=server["host"], port=server["port"], timeout=30, cluster_user=server["cluster_user"],
                            cluster_password=server["cluster_password"], infobase_user=server["infobase_user"],
                            infobase_password=server["infobase_password"],
                            retries=2)
    try:
        client = Client(backend)
        client.use_cluster(None)
        sessions, _wanted = list_sessions(client)
        if mode == "end":
            chosen = [s for s in sessions if s["app_id"] not in KEEP]
            with ThreadPoolExecutor(max_workers=concurrency) as pool:
                list(pool.map(lambda s: client.terminate(s["session"], "bench"), chosen))
            for connection in hanging(list_connections(client)):
                client.disconnect(connection["process"], connection["connection"], connection["infobase_name"])
        return len(sessions)
    finally:
        backend.close()


def main(path, mode, concurrency=8):
    with open(path, encoding="utf-8") as handle:
        servers = json.load(handle)["servers"]
    with ThreadPoolExecutor(max_workers=min(64, len(servers))) as pool:
        counts = list(pool.map(lambda s: one_server(s, mode, int(concurrency)), servers))
    print(sum(counts))


if __name__ == "__main__":
    main(*sys.argv[1:])
