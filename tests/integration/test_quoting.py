# -*- coding: utf-8 -*-
"""rac's quoting end to end: values with quotes and line breaks set on a simulated server come back exactly."""

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("backend")]  # each test on rac and native

DESCR = 'Главная "бухгалтерия" ""2026"": "X"'
MESSAGE = 'Обновление "1С:Бухгалтерия"\nс 22:00 до 23:00; вопросы: "Иванов И.И."\n'
PARAMETER = '"key"'


def test_quotes_and_line_breaks_come_back_exactly_as_set(make_fleet, playbook):
    fleet = make_fleet(servers=1, infobases=3, sessions=4)
    name = fleet.servers[0]["infobases"][1]
    fleet.control(0, {"control": "set_infobase", "name": name, "fields": {"descr": DESCR}})
    run = playbook(fleet, "quoting", quoting_infobase=name, quoting_descr=DESCR, quoting_message=MESSAGE,
                   quoting_parameter=PARAMETER)
    assert run.rc == 0, run.output
    result = run.result(fleet.servers[0]["name"])
    infobase = result["details"]["infobases"][0]
    assert (infobase["descr"], infobase["denied_message"], infobase["denied_parameter"]) == (DESCR, MESSAGE, PARAMETER)
    stored = [ib for ib in fleet.state()["infobases"] if ib["name"] == name][0]
    assert (stored["descr"], stored["denied-message"]) == (DESCR, MESSAGE)

    # and this is what rac printed: quotes doubled, the line break inside the quotes
    summary = fleet.rac(0, "infobase", "summary", "list", "--cluster=" + fleet.servers[0]["cluster"],
                        "--cluster-user=" + fleet.servers[0]["cluster_user"],
                        "--cluster-pwd=" + fleet.servers[0]["cluster_password"])
    assert summary.returncode == 0, summary.stderr
    assert 'descr    : "Главная ""бухгалтерия"" """"2026"""": ""X"""\n' in summary.stdout.decode("utf-8")
