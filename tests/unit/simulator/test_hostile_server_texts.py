# -*- coding: utf-8 -*-
"""The simulator's faults for hostile server texts, on both wire formats: an error text repeating what the client
gave (a password), names carrying control characters."""

import pytest

from ansible_collections.onec.cluster.plugins.module_utils.client import Client
from ansible_collections.onec.cluster.plugins.module_utils.rac.backend import RacBackend
from ansible_collections.onec.cluster.plugins.module_utils.errors import RacError
from ansible_collections.onec.cluster.plugins.module_utils.native.backend import NativeBackend
from conftest import RAC

PASSWORD = "two\nlines"
DECORATION = "\x1b[31m\u202e\x07\x9b"


@pytest.fixture(params=["rac", "native"])
def client(fleet, request):
    server = fleet.servers[0]
    fleet.control(0, {"control": "set_admins", "admins": {server["cluster_user"]: PASSWORD}})
    options = dict(host=server["host"], port=server["port"], cluster_user=server["cluster_user"],
                   cluster_password=PASSWORD, retries=0)
    client = Client(NativeBackend(**options) if request.param == "native" else RacBackend(RAC, **options))
    client.use_cluster()
    return client


def test_fail_with_repeats_the_password_given(fleet, client):
    fleet.control(0, {"control": "set", "faults": {"fail_with": {
        "command": "session list", "text": "Error parsing option: --cluster-pwd={cluster-pwd}\n"}}})
    with pytest.raises(RacError) as failure:
        client.sessions()
    assert failure.value.detail == "Error parsing option: --cluster-pwd=%s" % PASSWORD
    assert len(client.sessions()) == 12  # used up once


def test_decorate_names_puts_control_characters_in_names(fleet, client):
    fleet.control(0, {"control": "set", "faults": {"decorate_names": DECORATION}})
    sessions = client.sessions()
    assert sessions and all(s["user_name"].endswith(DECORATION) for s in sessions if s["user_name"])
    assert all(s["host"].endswith(DECORATION) for s in sessions if s["host"])
