# -*- coding: utf-8 -*-
"""onec.cluster.infobase_lock through ansible-playbook: idempotence, check mode, diff, exact restore."""

import datetime
import os

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("backend")]  # each test on rac and native

ADMIN_LOCK = {"sessions-deny": "off", "denied-from": "2026-02-23T00:00:00", "denied-to": "2029-11-01T00:00:00",
              "denied-message": "Message", "denied-parameter": "PARAMETER", "permission-code": "CODE",
              "scheduled-jobs-deny": "off"}


def test_lock_unlock_and_restore_the_administrators_lock(make_fleet, playbook):
    fleet = make_fleet(servers=1, infobases=3, sessions=10)
    name = fleet.servers[0]["infobases"][1]
    # an administrator's lock like the real capture: sessions-deny off but every other field set
    fleet.control(0, {"control": "set_infobase", "name": name, "fields": ADMIN_LOCK})
    sessions_before = fleet.state()["sessions"]
    start = datetime.datetime.now().replace(microsecond=0) + datetime.timedelta(hours=1)
    code = "lock-code-%d" % os.getpid()
    message = 'Обновление "с 22:00"; $(id)\nподробнее у администратора'
    run = playbook(fleet, "infobase_lock_module", "-vvv", lock_infobase=name, lock_message=message,
                   lock_code=code, lock_from=start.strftime("%Y-%m-%dT%H:%M:%S"),
                   lock_to=(start + datetime.timedelta(hours=2)).strftime("%Y-%m-%d %H:%M"))
    assert run.rc == 0, run.output
    infobase = [ib for ib in fleet.state()["infobases"] if ib["name"] == name][0]
    for field, value in ADMIN_LOCK.items():
        assert infobase[field] == value, field
    # a lock never ends sessions; none were ended here
    assert fleet.state()["sessions"].keys() == sessions_before.keys()
    assert code not in run.output and fleet.servers[0]["infobase_password"] not in run.output
    calls = fleet.stats()["calls"]
    assert calls["infobase update"] == 3  # lock, unlock, restore; the repeated runs changed nothing
