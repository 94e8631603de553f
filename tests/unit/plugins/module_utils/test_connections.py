# -*- coding: utf-8 -*-
"""Which connections are left hanging, and which are the server's own: on real rac captures."""

from conftest import sample_text
from ansible_collections.onec.cluster.plugins.module_utils.connections import annotate, hanging, is_protected
from ansible_collections.onec.cluster.plugins.module_utils.rac.parser import parse_records

YAXUNIT = "717bdda7-2f60-4577-b262-f1fc8c0e472c"
NAMES = {YAXUNIT: "yaxunit"}
# rac 8.3.21, one server: the agent's and the scheduler's service connections, and an idle thin client's
# connection (session-number 0) whose session (1CV8C, host alko-home, connection = zero uuid) is listed.
CONNECTIONS_8_3_21 = parse_records(sample_text("connection_list_8.3.21_racrust.txt"))
SESSIONS_8_3_21 = parse_records(sample_text("session_list_8.3.21_racrust.txt"))
# rac 8.5.1: ras's own connection sits on infobase yaxunit with no session.
CONNECTIONS_8_5_1 = parse_records(sample_text("connection_list_8.5.1_racrust.txt"))
# 2018: Designer and thick clients whose sessions name their connections.
CONNECTIONS_2018 = parse_records(sample_text("connection_list_irac_2018.txt"))
SESSIONS_2018 = parse_records(sample_text("session_list_irac_2018.txt"))


def annotated(connections, sessions):
    return annotate([dict(c) for c in connections], sessions, NAMES)


def test_an_idle_thin_clients_connection_belongs_to_its_live_session():
    thin = [c for c in annotated(CONNECTIONS_8_3_21, SESSIONS_8_3_21) if c["application"] == "1CV8C"]
    assert len(thin) == 1 and thin[0]["session_number"] == 0  # rac shows no session number between calls
    assert thin[0]["has_session"] and not thin[0]["protected"] and thin[0]["infobase_name"] == "yaxunit"
    assert hanging(annotated(CONNECTIONS_8_3_21, SESSIONS_8_3_21)) == []


def test_once_its_session_has_ended_the_connection_is_hanging():
    left = hanging(annotated(CONNECTIONS_8_3_21, []))
    assert [c["application"] for c in left] == ["1CV8C"]  # the service connections never


def test_the_servers_own_connections_are_protected():
    ras = [c for c in annotated(CONNECTIONS_8_5_1, []) if c["application"] == "RAS"]
    assert ras and ras[0]["infobase"] == YAXUNIT and ras[0]["session_number"] == 0
    assert all(c["protected"] for c in annotated(CONNECTIONS_8_5_1, []))
    assert hanging(annotated(CONNECTIONS_8_5_1, [])) == []


def test_a_session_that_names_its_connection_owns_it():
    named = set(s["connection"] for s in SESSIONS_2018)
    connections = annotated(CONNECTIONS_2018, SESSIONS_2018)
    owned = [c for c in connections if c["connection"] in named]
    assert owned and all(c["has_session"] for c in owned)
    without_sessions = annotated(CONNECTIONS_2018, [])
    assert hanging(without_sessions) == [c for c in without_sessions if not c["protected"]]
    assert all(c["application"] not in ("JobScheduler", "Debugger") for c in hanging(without_sessions))


def test_protection_rules():
    assert is_protected({"application": "JobScheduler", "infobase": YAXUNIT})
    assert is_protected({"application": "COMConnection", "infobase": "00000000-0000-0000-0000-000000000000"})
    assert not is_protected({"application": "COMConnection", "infobase": YAXUNIT})
