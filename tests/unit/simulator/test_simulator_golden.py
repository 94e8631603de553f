# -*- coding: utf-8 -*-
"""The simulator prints what real rac prints: byte for byte against the captures in tests/samples/."""

import json
import subprocess

import pytest

import rac_cli
import rac_format
from conftest import RAC, sample_text
from ansible_collections.onec.cluster.plugins.module_utils.rac.parser import parse_records


def raw_records(text, kind):
    """Sample text -> records keyed by rac names with rac's quoting removed (what the simulator stores)."""
    records, current = [], {}
    for line in text.split("\n"):
        if not line:
            if current:
                records.append(current)
                current = {}
            continue
        key, value = line.split(" : ", 1)
        key = key.rstrip()
        if value == "''":
            value = ""
        elif key in rac_format.QUOTED[kind] and value.startswith('"'):
            value = value[1:-1]
        current[key] = value
    return records


@pytest.mark.parametrize("name, kind, version", [
    ("session_list_8.3.21_racrust.txt", "session", "8.3.21"),
    ("session_info_8.3.21_racrust.txt", "session", "8.3.21"),
    ("session_list_8.5.1_racrust.txt", "session", "8.5.1"),
    ("session_info_8.5.1_racrust.txt", "session", "8.5.1"),
    ("session_info_licenses_8.3.21_racrust.txt", "license", "8.3.21"),
    ("session_list_licenses_8.5.1_racrust.txt", "license", "8.5.1"),
    ("infobase_info_8.3.21_racrust.txt", "infobase", "8.3.21"),
    ("infobase_summary_list_8.3.21_racrust.txt", "summary", "8.3.21"),
    ("infobase_summary_info_8.5.1_racrust.txt", "summary", "8.5.1"),
    ("cluster_list_8.3.21_racrust.txt", "cluster", "8.3.21"),
    ("cluster_list_8.5.1_racrust.txt", "cluster", "8.5.1"),
    ("agent_admin_list_8.5.1_racrust.txt", "admin", "8.5.1"),
])
def test_printer_reproduces_real_output_byte_for_byte(name, kind, version):
    real = sample_text(name)
    assert rac_format.render(kind, raw_records(real, kind), version) == real


def test_empty_list_prints_nothing():
    assert rac_format.render("session", [], "8.3.21") == ""


def _layout(text):
    """(key, colon column) of each line of the first record."""
    first = text.split("\n\n")[0]
    return [(line.split(" : ")[0].rstrip(), line.index(" : ")) for line in first.split("\n")]


@pytest.mark.parametrize("version, sample", [("8.3.21", "session_list_8.3.21_racrust.txt"),
                                             ("8.5.1", "session_list_8.5.1_racrust.txt")])
def test_live_session_list_has_the_real_layout(make_fleet, version, sample):
    fleet = make_fleet(servers=1, infobases=2, sessions=3, version=version)
    server = fleet.servers[0]
    proc = fleet.rac(0, "session", "list", "--cluster=" + server["cluster"], "--cluster-user=" + server["cluster_user"],
                     "--cluster-pwd=" + server["cluster_password"])
    out = proc.stdout.decode("utf-8")
    assert proc.returncode == 0 and proc.stderr == b""
    assert _layout(out) == _layout(sample_text(sample))
    assert out.endswith("\n\n")
    assert len(parse_records(out, uniform=True)) == (4 if version == "8.5.1" else 3)  # 8.5 lists ras's own session


def test_live_infobase_info_and_cluster_list_layout(fleet):
    server = fleet.servers[0]
    proc = fleet.rac(0, "cluster", "list")
    assert _layout(proc.stdout.decode()) == _layout(sample_text("cluster_list_8.3.21_racrust.txt"))
    infobase = fleet.state()["infobases"][0]["infobase"]
    proc = fleet.rac(0, "infobase", "info", "--cluster=" + server["cluster"],
                     "--cluster-user=" + server["cluster_user"], "--cluster-pwd=" + server["cluster_password"],
                     "--infobase=" + infobase, "--infobase-user=" + server["infobase_user"],
                     "--infobase-pwd=" + server["infobase_password"])
    assert proc.returncode == 0
    assert _layout(proc.stdout.decode()) == _layout(sample_text("infobase_info_8.3.21_racrust.txt"))


def _auth(server):
    return ["--cluster=" + server["cluster"], "--cluster-user=" + server["cluster_user"],
            "--cluster-pwd=" + server["cluster_password"]]


def test_errors_match_captures(fleet):
    server = fleet.servers[0]
    gone = fleet.rac(0, "session", "terminate", "--session=00000000-0000-0000-0000-000000000000",
                     "--error-message=codex terminate test", *_auth(server))
    assert (gone.returncode, gone.stdout) == (255, b"")
    assert gone.stderr.decode() == sample_text("error_session_terminate_unknown_8.5.1_racrust.stderr.txt")

    infobase = fleet.state()["infobases"][0]
    rights = fleet.rac(0, "infobase", "info", "--infobase=" + infobase["infobase"], *_auth(server))
    assert rights.returncode == 255
    expected = sample_text("error_infobase_rights_8.5.1_racrust.txt").replace("yaxunit", infobase["name"])
    assert rights.stderr.decode() == expected

    bad = fleet.rac(0, "session", "list", "--cluster=" + server["cluster"], "--cluster-user=cadmin",
                    "--cluster-pwd=badpwd")
    assert bad.returncode == 255
    assert bad.stderr.decode() == "Ошибка операции администрирования\nАдминистратор кластера не аутентифицирован\n"

    unknown = fleet.rac(0, "infobase", "info", "--infobase=00000000-0000-0000-0000-000000000001", *_auth(server))
    assert unknown.stderr.decode() == "Информационная база с указанным идентификатором не найдена\n"
    nocluster = fleet.rac(0, "cluster", "info", "--cluster=00000000-0000-0000-0000-000000000001")
    assert nocluster.stderr.decode() == "Кластер с указанным идентификатором не найден\n"


def run_rac(*args, **kwargs):
    return subprocess.run([RAC] + list(args), capture_output=True, check=False, **kwargs)


def test_parse_errors_come_before_the_network():
    # nothing listens on port 1 of the loopback: a parse error must still be a parse error
    cases = [
        (["cluster", "update", "--cluster=1619820a-d36f-4d8a-a716-1516b1dea077", "--cluster-user=cadmin"],
         sample_text("error_parsing_option_cluster_update_8.5.1_racrust.stderr.txt")),
        (["session", "list"], "Error parsing option: cluster\n"),
        (["session", "terminate", "--cluster=1619820a-d36f-4d8a-a716-1516b1dea077"], "Error parsing option: session\n"),
        (["session", "list", "--cluster=1619820a-d36f-4d8a-a716-1516b1dea077", "--cluster-user="],
         "Error parsing option: cluster-user\n"),
        (["cluster", "list", "--agent-user=admin"], "Error parsing option: --agent-user=admin\n"),
    ]
    for args, stderr in cases:
        proc = run_rac(*(args + ["127.0.0.1:1"]), env={"LANG": "C"})
        assert (proc.returncode, proc.stdout, proc.stderr.decode()) == (255, b"", stderr), args
    russian = run_rac("session", "list", "127.0.0.1:1", env={"LANG": "ru_RU.UTF-8"})
    assert russian.stderr.decode() == "Ошибка разбора параметра: cluster\n"


def test_connection_refused():
    proc = run_rac("cluster", "list", "127.0.0.1:1")
    assert proc.returncode == 255
    assert proc.stderr.decode() == "Ошибка соединения с сервером\nConnection refused\n"


def test_command_line_forms():
    cluster = "1619820a-d36f-4d8a-a716-1516b1dea077"
    # address first or last, mode options before or after the command, --k=v or --k v
    parsed = rac_cli.parse(["ras:1545", "session", "--cluster=" + cluster, "list"])
    assert parsed[2:] == ({"cluster": cluster}, "ras:1545")
    assert rac_cli.parse(["session", "list", "--cluster", cluster, "ras"])[2:] == ({"cluster": cluster}, "ras")
    parsed = rac_cli.parse(["infobase", "summary", "list", "--cluster=" + cluster])
    assert parsed[:2] == ("infobase", ["summary", "list"])
    assert rac_cli.parse(["infobase", "update", "--cluster=" + cluster, "--infobase=" + cluster,
                          "--denied-from=", "--denied-message="])[2]["denied-from"] == ""
    with pytest.raises(rac_cli.ParseError):
        rac_cli.parse(["infobase", "update", "--cluster=" + cluster, "--infobase=" + cluster, "--sessions-deny=yes"])


def test_version():
    assert run_rac("--version").stdout == sample_text("version_8.3.21_racrust.txt").encode()


def test_terminate_removes_the_session_and_records_the_message(fleet):
    server = fleet.servers[0]
    before = fleet.state()["sessions"]
    target = next(iter(before))
    message = 'Сеанс завершён: "обновление"; $(id)\nвторая строка'
    proc = fleet.rac(0, "session", "terminate", "--session=" + target, "--error-message=" + message, *_auth(server))
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, b"", b"")
    after = fleet.state()
    assert target not in after["sessions"] and len(after["sessions"]) == len(before) - 1
    assert after["terminated"] == [{"session": target, "message": message}]
    assert json.dumps(fleet.stats()["calls"]) == json.dumps({"session terminate": 1})
