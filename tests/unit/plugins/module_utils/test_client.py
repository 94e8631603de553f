# -*- coding: utf-8 -*-
"""Client against the simulator, on both backends: resolution, typed results, errors that name the place and
the fix. The same test passing on rac and native is the seam's promise: a module cannot tell them apart."""

import pytest

from conftest import RAC, simctl
from ansible_collections.onec.cluster.plugins.module_utils import errors as E
from ansible_collections.onec.cluster.plugins.module_utils.client import Client
from ansible_collections.onec.cluster.plugins.module_utils.rac.backend import RacBackend
from ansible_collections.onec.cluster.plugins.module_utils.records import require_uuid
from ansible_collections.onec.cluster.plugins.module_utils.locks import lock_state
from ansible_collections.onec.cluster.plugins.module_utils.sessions import list_sessions
from ansible_collections.onec.cluster.plugins.module_utils.native.backend import NativeBackend


@pytest.fixture(params=["rac", "native"], autouse=True)
def backend(request):
    return request.param


def make_client(backend, **options):
    if backend == "native":
        return Client(NativeBackend(**options))
    return Client(RacBackend(RAC, **options))


@pytest.fixture
def client_for(backend):
    def make(server, **overrides):
        options = dict(host=server["host"], port=server["port"], cluster_user=server["cluster_user"],
                       cluster_password=server["cluster_password"], infobase_user=server["infobase_user"],
                       infobase_password=server["infobase_password"])
        options.update(overrides)
        return make_client(backend, **options)
    return make


def test_only_cluster_by_default_and_by_name(fleet, client_for):
    server = fleet.servers[0]
    client = client_for(server)
    assert client.use_cluster()["cluster"] == server["cluster"]
    assert client_for(server).use_cluster("Локальный кластер")["cluster"] == server["cluster"]


def test_several_clusters_and_none_chosen_fail_listing_them_all(make_fleet, client_for):
    server = make_fleet(servers=1, clusters=3, infobases=2, sessions=2).servers[0]
    with pytest.raises(E.ModuleInputError) as info:
        client_for(server).use_cluster()
    text = info.value.describe()
    assert "3 clusters" in text and "127.0.0.1:%d" % server["port"] in text
    for cluster in server["clusters"]:  # never a silent pick: every cluster named, with its uuid
        assert "'%s' (%s)" % (cluster["name"], cluster["cluster"]) in text


def test_each_of_several_clusters_by_name_or_uuid_has_its_own_infobases(make_fleet, client_for):
    server = make_fleet(servers=1, clusters=3, infobases=2, sessions=2).servers[0]
    for cluster in server["clusters"]:
        for ref in (cluster["name"], cluster["cluster"]):
            client = client_for(server)
            client.use_cluster(ref)
            assert client.cluster_uuid == cluster["cluster"]
            assert [ib["name"] for ib in client.infobases()] == cluster["infobases"]


def test_cluster_uuid_costs_no_lookup(fleet, client_for):
    client = client_for(fleet.servers[0])
    client.use_cluster(fleet.servers[0]["cluster"].upper())
    assert client.calls == 0 and client.cluster_uuid == fleet.servers[0]["cluster"]


def test_unknown_cluster_name_lists_the_real_ones(fleet, client_for):
    with pytest.raises(E.ClusterNotFoundError) as info:
        client_for(fleet.servers[0]).use_cluster("Нет такого")
    text = info.value.describe()
    assert "'Нет такого'" in text and "'Локальный кластер'" in text and "127.0.0.1:%d" % fleet.servers[0]["port"] in text


def test_unknown_cluster_uuid_is_reported_by_rac(fleet, client_for):
    client = client_for(fleet.servers[0])
    client.use_cluster("00000000-0000-0000-0000-000000000001")
    with pytest.raises(E.ClusterNotFoundError) as info:
        client.infobases()
    assert "00000000-0000-0000-0000-000000000001" in info.value.describe()


def test_infobases_by_name_and_uuid_and_unknown(fleet, client_for):
    client = client_for(fleet.servers[0])
    client.use_cluster()
    summaries = client.infobases()
    names = [ib["name"] for ib in summaries]
    chosen = client.resolve_infobases([names[1], summaries[0]["infobase"].upper()], summaries)
    assert [ib["name"] for ib in chosen] == [names[1], names[0]]
    with pytest.raises(E.InfobaseNotFoundError) as info:
        client.resolve_infobases(["nope", names[0], "nada"], summaries)
    text = info.value.describe()
    assert "'nope', 'nada'" in text and names[0] in text and "cluster 'Локальный кластер'" in text
    assert "closest" not in text  # nothing close: no hint
    with pytest.raises(E.InfobaseNotFoundError) as info:  # a wrong case is never picked silently, but hinted
        client.resolve_infobases([names[0].lower()], summaries)
    assert "(closest: '%s' for '%s'; names are compared exactly)" % (names[0], names[0].lower()) \
        in info.value.describe()


def test_wrong_cluster_password_names_host_cluster_and_fix(fleet, client_for):
    server = fleet.servers[0]
    client = client_for(server, cluster_password="wrong")
    client.use_cluster()
    with pytest.raises(E.ClusterAuthError) as info:
        client.sessions()
    text = info.value.describe()
    assert "127.0.0.1:%d" % server["port"] in text and server["cluster"] in text
    assert "cluster_user and cluster_password" in text and "wrong" not in text


def test_infobase_credentials_error_names_the_infobase(fleet, client_for):
    client = client_for(fleet.servers[0], infobase_user=None, infobase_password=None)
    client.use_cluster()
    infobase = client.infobases()[0]
    with pytest.raises(E.InfobaseAuthError) as info:
        client.infobase_info(infobase["infobase"], infobase["name"])
    text = info.value.describe()
    assert "infobase %s" % infobase["name"] in text and "infobase_user and infobase_password" in text


def test_lock_state_of_a_fresh_infobase(fleet, client_for):
    client = client_for(fleet.servers[0])
    client.use_cluster()
    infobase = client.infobases()[0]
    state = lock_state(client.infobase_info(infobase["infobase"]))
    assert state == {"sessions_deny": False, "denied_from": "", "denied_to": "", "denied_message": "",
                     "denied_parameter": "", "permission_code": "", "scheduled_jobs_deny": False}


def test_ras_unreachable(backend):
    client = make_client(backend, host="127.0.0.1", port=1, retries=0)
    with pytest.raises(E.RasUnreachableError) as info:
        client.use_cluster()
    assert "127.0.0.1:1" in info.value.describe() and "ras_host and ras_port" in info.value.describe()


def test_list_sessions_adds_infobase_names_in_three_calls(fleet, client_for):
    client = client_for(fleet.servers[0])
    client.use_cluster()
    sessions, wanted = list_sessions(client)
    assert wanted is None and len(sessions) == 12
    state = fleet.state()
    names = dict((ib["infobase"], ib["name"]) for ib in state["infobases"])
    assert all(s["infobase_name"] == names[s["infobase"]] for s in sessions)
    assert client.calls == 3
    assert fleet.stats()["calls"] == {"cluster list": 1, "infobase summary list": 1, "session list": 1}


def test_require_uuid():
    assert require_uuid("8397B7BB-E836-4C95-9A4F-CF22BEF822FF", "session") == "8397b7bb-e836-4c95-9a4f-cf22bef822ff"
    with pytest.raises(E.ModuleInputError):
        require_uuid("8397b7bb; rm -rf /", "session")


def test_connections_and_disconnect(fleet, client_for):
    client = client_for(fleet.servers[0])
    client.use_cluster()
    connections = client.connections()
    first = [c for c in connections if c["session_number"]][0]
    assert set(first) >= {"connection", "conn_id", "host", "process", "infobase", "application", "connected_at",
                          "session_number", "blocked_by_ls"}
    client.disconnect(first["process"], first["connection"], "some base")
    assert first["connection"] in fleet.state()["disconnected"]
    with pytest.raises(E.ConnectionNotFoundError):
        client.disconnect(first["process"], "00000000-0000-0000-0000-000000000001", "some base")


@pytest.mark.parametrize("version", ["8.3.21", "8.5.1"])
def test_both_backends_return_identical_records(make_fleet, client_for, version):
    """What rac prints, parsed, and what ras sends, decoded: the same dicts, key for key, type for type (services
    11.0 and 16.0)."""
    fleet = make_fleet(servers=1, infobases=2, sessions=15, version=version)
    server = fleet.servers[0]
    ours = client_for(server)
    by_rac = make_client("rac", host=server["host"], port=server["port"], cluster_user=server["cluster_user"],
                         cluster_password=server["cluster_password"], infobase_user=server["infobase_user"],
                         infobase_password=server["infobase_password"])
    for client in (ours, by_rac):
        client.use_cluster()
    infobase = ours.infobases()[0]["infobase"]
    for read in (lambda c: c.clusters(), lambda c: c.infobases(), lambda c: c.sessions(), lambda c: c.connections(),
                 lambda c: c.sessions(infobase), lambda c: c.infobase_info(infobase)):
        assert read(ours) == read(by_rac)


def test_lock_round_trip_and_bad_field(fleet, client_for, backend):
    client = client_for(fleet.servers[0])
    client.use_cluster()
    infobase = client.infobases()[0]
    client.infobase_update(infobase["infobase"], infobase["name"], sessions_deny=True, denied_from="2030-01-01T00:00:00",
                           denied_message='Обновление "v2"\nзавтра', permission_code="CODE")
    state = lock_state(client.infobase_info(infobase["infobase"], infobase["name"]))
    assert state == {"sessions_deny": True, "denied_from": "2030-01-01T00:00:00", "denied_to": "",
                     "denied_message": 'Обновление "v2"\nзавтра', "denied_parameter": "", "permission_code": "CODE",
                     "scheduled_jobs_deny": False}
    if backend == "native":
        with pytest.raises(E.ModuleInputError, match="denied_from"):
            client.infobase_update(infobase["infobase"], infobase["name"], denied_from="tomorrow")


def test_native_bulk_end_uses_concurrency_connections_each_authenticated_once(fleet, backend, monkeypatch):
    if backend != "native":
        pytest.skip("connections are the native backend's")
    from ansible_collections.onec.cluster.plugins.module_utils.native import codec as ras_codec
    from ansible_collections.onec.cluster.plugins.module_utils.bulk import end_each
    sent = []
    real = ras_codec.cluster_auth
    monkeypatch.setattr(ras_codec, "cluster_auth", lambda *args: sent.append(args[0]) or real(*args))
    server = fleet.servers[0]
    native = NativeBackend(host=server["host"], port=server["port"], cluster_user=server["cluster_user"],
                           cluster_password=server["cluster_password"])
    client = Client(native)
    client.use_cluster()
    sessions = client.sessions()
    ended, gone, failed = end_each(sessions, lambda s: client.terminate(s["session"], "bye"), E.SessionNotFoundError,
                                   concurrency=4)
    assert len(ended) == 12 and not gone and not failed
    assert native.connections_opened <= 4 and len(sent) == native.connections_opened  # one authentication each
    assert client.calls == 2 + 12  # cluster list, session list, 12 terminations


@pytest.mark.parametrize("version", ["8.3.21", "8.5.1"])
def test_both_backends_return_identical_licences(make_fleet, client_for, backend, version):
    fleet = make_fleet(servers=1, infobases=2, sessions=8, version=version)
    server = fleet.servers[0]
    staged = simctl.stage_incident(list(fleet.state()["sessions"].values()), fleet.now())
    fleet.control(0, {"control": "add_sessions", "sessions": staged})
    ours = client_for(server)
    by_rac = make_client("rac", host=server["host"], port=server["port"], cluster_user=server["cluster_user"],
                         cluster_password=server["cluster_password"])
    for client in (ours, by_rac):
        client.use_cluster()
    before = ours.calls
    licensed = ours.sessions(licenses=True)
    assert ours.calls - before == (2 if backend == "rac" else 1)  # native: the licences come with the sessions
    assert licensed == by_rac.sessions(licenses=True)
    holder = [s for s in licensed if s["session"] == staged[0]["session"]][0]
    assert [lic["license_type"] for lic in holder["licenses"]] == ["HASP", "soft"]
    assert all("licenses" not in s for s in ours.sessions())  # only when asked for


def test_interrupt_keeps_the_session_and_an_unknown_one_is_not_found(fleet, client_for):
    client = client_for(fleet.servers[0])
    client.use_cluster()
    session = client.sessions()[0]["session"]
    client.interrupt(session, "прервано")
    assert session in [s["session"] for s in client.sessions()]
    assert fleet.state()["interrupted"] == [{"session": session, "message": "прервано"}]
    with pytest.raises(E.SessionNotFoundError) as info:
        client.interrupt("00000000-0000-0000-0000-000000000000")
    assert "Сеанс с указанным идентификатором не найден" in info.value.describe()


@pytest.mark.parametrize("text, said", [("bye\x00now", "error_message contains a NUL character"),
                                        ("я" * 500000, "error_message is 1000000 bytes long; a text sent to ras "
                                                       "can be at most 65536 bytes")])
def test_texts_neither_backend_takes_fail_before_any_call(fleet, client_for, text, said):
    """One check in the core for both backends: before, the native backend sent a NUL and a 1 MB message to ras."""
    client = client_for(fleet.servers[0])
    client.use_cluster(fleet.servers[0]["cluster"])
    with pytest.raises(E.ModuleInputError, match=said):
        client.terminate("00000000-0000-4000-8000-000000000001", text)
    with pytest.raises(E.ModuleInputError, match=said.replace("error_message", "denied_message")):
        client.infobase_update("00000000-0000-4000-8000-000000000002", denied_message=text)
    assert client.calls == 0
