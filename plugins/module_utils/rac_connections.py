# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connections of a cluster: which carry a live session, which are left hanging, which are the server's own.

After its session ends, a connection can stay on the infobase (an external COM connection without a session, a
client cut off in the middle of a call) and block exclusive work such as a configuration update. rac lists
connections with the number of the session they carry (``session-number``, 0 for none), so a connection is left
without a live session when that number is 0 or names no session of its infobase any more.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.onec.cluster.plugins.module_utils.rac_parser import NULL_UUID
from ansible_collections.onec.cluster.plugins.module_utils.rac_sessions import resolve_names, sessions_of

# The server's own connections: ras's (8.5.x lists it on an infobase, with no session) and the agent's and the
# scheduler's service connections (no infobase). Never disconnected.
PROTECTED_APPLICATIONS = frozenset(["ras", "agentstandardcall", "jobscheduler"])


def is_protected(connection):
    return (str(connection.get("application", "")).lower() in PROTECTED_APPLICATIONS
            or connection.get("infobase") in (None, "", NULL_UUID))


def annotate(connections, sessions, names):
    """Add ``infobase_name``, ``has_session`` and ``protected`` to each connection (in place); returns them."""
    live = set((s.get("infobase"), s.get("session_id")) for s in sessions)
    for connection in connections:
        number = connection.get("session_number") or 0
        connection["infobase_name"] = names.get(connection.get("infobase"), "")
        connection["has_session"] = bool(number) and (connection.get("infobase"), number) in live
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
