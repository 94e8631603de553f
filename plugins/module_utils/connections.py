# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connections of a cluster: which belong to a live session, which are left hanging, which are the server's own.

After its session ends, a connection can stay on the infobase (an external COM connection without a session, a
client cut off in the middle of a call) and block exclusive work such as a configuration update.

rac links connections and sessions only loosely (tests/samples/*connection_list*, *session_list*): a connection shows
the number of the session it serves *at the moment* (``session-number``, 0 between calls), and a session shows its
connection's uuid only while it holds one (a thin client's is the zero uuid). An idle thin client therefore shows a
connection with session-number 0 from the host of a live session. So a connection belongs to a live session when one
of the infobase's sessions has its number, or its uuid, or the same client computer and client type; only a
connection that belongs to none is hanging. That keeps the clients of excluded users and idle clients alive; a hanging
connection from a computer that still runs a session of the same type there is left alone too (the cautious side).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.onec.cluster.plugins.module_utils.records import NULL_UUID
from ansible_collections.onec.cluster.plugins.module_utils.sessions import resolve_names, sessions_of

# The server's own connections: ras's (8.5.x lists it on an infobase, with no session), the agent's and the
# scheduler's service connections, the debugger's, and the web server extension's (it serves the web clients and
# reconnects by itself). Never disconnected. UNVERIFIED beyond ras and the agent, which the issue names: the cautious
# side.
PROTECTED_APPLICATIONS = frozenset(["ras", "agentstandardcall", "jobscheduler", "debugger", "webserverextension"])


def is_protected(connection):
    return (str(connection.get("application", "")).lower() in PROTECTED_APPLICATIONS
            or connection.get("infobase") in (None, "", NULL_UUID))


def annotate(connections, sessions, names):
    """Add ``infobase_name``, ``has_session`` and ``protected`` to each connection (in place); returns them."""
    numbers = set((s.get("infobase"), s.get("session_id")) for s in sessions)
    uuids = set(s.get("connection") for s in sessions) - set([NULL_UUID, None, ""])
    clients = set((s.get("infobase"), str(s.get("host", "")).lower(), str(s.get("app_id", "")).lower())
                  for s in sessions)
    for connection in connections:
        infobase = connection.get("infobase")
        number = connection.get("session_number") or 0
        connection["infobase_name"] = names.get(infobase, "")
        connection["has_session"] = (
            (bool(number) and (infobase, number) in numbers)
            or connection.get("connection") in uuids
            or (infobase, str(connection.get("host", "")).lower(),
                str(connection.get("application", "")).lower()) in clients)
        connection["protected"] = is_protected(connection)
    return connections


def list_connections(client, infobase_refs=None):
    """The cluster's connections, annotated, only of the infobases asked for (names or uuids) if any.

    Three rac calls whatever the number of connections: infobase summary list, connection list, session list.
    """
    names, wanted = resolve_names(client, infobase_refs)
    return connections_of(client, names, wanted, sessions_of(client, names, wanted))


def connections_of(client, names, wanted, sessions):
    """One ``connection list``, annotated against these sessions, only of the wanted infobases (None: all)."""
    connections = client.connections()
    if wanted is not None:
        connections = [c for c in connections if c.get("infobase") in wanted]
    return annotate(connections, sessions, names)


def hanging(connections):
    """Connections left without a live session, the server's own excepted."""
    return [c for c in connections if not c["has_session"] and not c["protected"]]
