# -*- coding: utf-8 -*-
"""The parser reads every real rac capture in tests/samples/ into the right typed values."""

import re

import pytest

from conftest import sample_names, sample_text
from ansible_collections.onec.cluster.plugins.module_utils.errors import RacParseError
from ansible_collections.onec.cluster.plugins.module_utils.records import LICENSE_FIELDS
from ansible_collections.onec.cluster.plugins.module_utils.rac.parser import (
    parse_licenses,
    parse_records,
    parse_single,
    snake_key,
)

# Lines some third-party captures carry that rac did not print: pasted commands and separators.
NOT_RAC_OUTPUT = re.compile(r"^(\./rac |/opt/1C/|---)")


def records_of(name, **kwargs):
    # a pasted command or separator stands between two outputs: read it as the blank line it replaces
    text = "".join("\n" if NOT_RAC_OUTPUT.match(line) else line for line in sample_text(name).splitlines(True))
    return parse_records(text, **kwargs)


def test_session_list_8_3_21_every_field_typed():
    [s] = records_of("session_list_8.3.21_racrust.txt", uniform=True)
    assert len(s) == 49
    assert s["session"] == "8397b7bb-e836-4c95-9a4f-cf22bef822ff"
    assert s["session_id"] == 2
    assert s["user_name"] == "iadmin"
    assert s["app_id"] == "1CV8C"
    assert s["started_at"] == "2026-02-23T03:32:56"
    assert s["last_active_at"] == "2026-02-24T11:59:39"
    assert s["hibernate"] is False
    assert s["passive_session_hibernate_time"] == 1200
    assert s["bytes_all"] == 231133
    assert s["memory_total"] == 55958267
    assert s["cpu_time_total"] == 3217
    # the misspelt key of 8.3.21 lands where the correct spelling does
    assert s["duration_current_dbms"] == 0
    assert "duration current-dbms" not in s
    assert s["db_proc_info"] == ""  # empty value with rac's trailing space
    assert s["db_proc_took_at"] == ""
    assert s["data_separation"] == ""  # printed as ''
    assert s["client_ip"] == ["127.0.0.1"]


def test_session_list_8_5_1_two_records_same_fields_as_8_3_21():
    old = records_of("session_list_8.3.21_racrust.txt")[0]
    new = records_of("session_list_8.5.1_racrust.txt", uniform=True)
    assert len(new) == 2
    assert [r["session"] for r in new] == ["bc9e8fae-32f1-4e90-94cc-4312e65cc07d",
                                           "efa12b4d-7f83-408d-8a60-6ba38eda3ad6"]
    assert set(new[0]) == set(old)
    assert new[1]["memory_last_5min"] == 20361347
    assert new[1]["cpu_time_last_5min"] == 404


def test_session_list_2018_crlf_and_unquoted_cyrillic_names_with_spaces():
    sessions = records_of("session_list_irac_2018.txt", uniform=True)
    assert len(sessions) > 1
    assert sessions[0]["user_name"] == "АКузнецов"
    assert sessions[1]["user_name"] == "Пользователь И.Б."
    assert all("\r" not in str(v) for s in sessions for v in s.values())
    assert sessions[0]["duration_current_dbms"] == 0
    assert "client_ip" not in sessions[0]  # that platform had no such field


def test_session_list_2017_empty_values_without_trailing_space():
    sessions = records_of("session_list_hydra_2017.txt", uniform=True)
    assert len(sessions) == 2
    s = sessions[0]
    assert s["host"] == ""
    assert s["hibernate"] is True
    assert s["app_id"] == "WebClient"
    assert s["write_total"] == 395392553


def test_session_info_client_ip_list_and_buggy_key():
    a = records_of("session_info_lazarenko_2025_a.txt")[0]
    b = records_of("session_info_lazarenko_2025_b.txt")[0]
    assert b["duration_current_dbms"] == 10
    assert b["client_ip"] == ["193.56.75.213", "193.56.75.213"]
    assert b["user_name"] == "9002013361_167"
    assert set(a) == set(b)


@pytest.mark.parametrize("name", ["session_info_8.3.21_racrust.txt", "session_info_8.5.1_racrust.txt"])
def test_session_info_is_one_record(name):
    record = parse_single(sample_text(name))
    assert re.match(r"[0-9a-f-]{36}$", record["session"])
    assert isinstance(record["session_id"], int)


def test_license_records():
    licenses = records_of("session_list_licenses_8.5.1_racrust.txt", uniform=True)
    assert len(licenses) == 2
    first = licenses[0]
    assert first["full_name"] == "file:///home/alko/.1cv8/1C/1cv8/conf/20250731010119.lic"
    assert first["series"] == "500000125530"  # quoted digits stay text
    assert first["issued_by_server"] is False
    assert first["rmngr_address"] == ""
    assert first["max_users_all"] == 4
    assert first["short_presentation"] == "Клиент, 500000125530 4 4"
    assert records_of("session_info_licenses_8.3.21_racrust.txt")[0]["license_type"] in ("HASP", "soft")
    assert records_of("session_licenses_irac_2018.txt")[0]["session"] == "1fb5f037-99e8-4924-a99d-a9e687522d32"


def test_licences_grouped_under_their_session_8_5_1():
    granted = parse_licenses(sample_text("session_list_licenses_8.5.1_racrust.txt"))
    assert list(granted) == ["bc9e8fae-32f1-4e90-94cc-4312e65cc07d", "efa12b4d-7f83-408d-8a60-6ba38eda3ad6"]
    first = granted["bc9e8fae-32f1-4e90-94cc-4312e65cc07d"]
    assert len(first) == 1 and tuple(first[0]) == LICENSE_FIELDS  # the session's own fields stay with the session
    assert first[0] == {
        "full_name": "file:///home/alko/.1cv8/1C/1cv8/conf/20250731010119.lic", "series": "500000125530",
        "issued_by_server": False, "license_type": "soft", "net": False, "max_users_all": 4, "max_users_cur": 4,
        "rmngr_address": "", "rmngr_port": 0, "rmngr_pid": 1293618,
        "short_presentation": "Клиент, 500000125530 4 4",
        "full_presentation": "Клиент, 1293618, 500000125530 4 4 01.03.2026 19:22:00 (UTC), "
                             "file:///home/alko/.1cv8/1C/1cv8/conf/20250731010119.lic"}


@pytest.mark.parametrize("name, session, series, net", [
    ("session_info_licenses_8.3.21_racrust.txt", "8397b7bb-e836-4c95-9a4f-cf22bef822ff", "ORGL8", True),
    ("session_licenses_irac_2018.txt", "1fb5f037-99e8-4924-a99d-a9e687522d32", "ORGL8", False),  # CRLF
])
def test_hasp_licences_8_3_21_and_2018(name, session, series, net):
    granted = parse_licenses(sample_text(name))
    (licence,) = granted[session]
    assert (licence["license_type"], licence["series"], licence["net"], licence["full_name"]) == (
        "HASP", series, net, "")


def test_two_licences_of_one_session_stay_together_in_rac_order():
    text = sample_text("session_list_licenses_8.5.1_racrust.txt")
    first, second = text.split("\n\n")[:2]
    second = second.replace("efa12b4d-7f83-408d-8a60-6ba38eda3ad6", "bc9e8fae-32f1-4e90-94cc-4312e65cc07d")
    granted = parse_licenses(first + "\n\n" + second + "\n\n")
    assert [lic["rmngr_pid"] for lic in granted["bc9e8fae-32f1-4e90-94cc-4312e65cc07d"]] == [1293618, 1293824]


def test_licence_record_without_its_session_is_refused():
    with pytest.raises(RacParseError):
        parse_licenses("series : \"ORGL8\"\n\n")


def test_infobase_info_lock_fields():
    ib = parse_single(sample_text("infobase_info_8.3.21_racrust.txt"))
    assert ib["name"] == "yaxunit"
    assert ib["sessions_deny"] is False
    assert ib["scheduled_jobs_deny"] is False
    assert ib["denied_from"] == "2026-02-23T00:00:00"
    assert ib["denied_to"] == "2029-11-01T00:00:00"
    assert ib["denied_message"] == "Message"
    assert ib["denied_parameter"] == "PARAMETER"
    assert ib["permission_code"] == "CODE"
    assert ib["external_session_manager_connection_string"] == ""
    assert ib["reserve_working_processes"] is False
    assert ib["security_level"] == 0
    assert ib["descr"] == "Description"


def test_infobase_info_newer_fields_and_quoted_digits():
    ib = parse_single(sample_text("infobase_info_zeerayne_8.3.2x.txt"))
    assert ib["permission_code"] == "0000"  # a quoted code is text, never the number 0
    assert ib["db_server"] == "10.0.0.0"
    assert ib["descr"] == "Бухгалтерия"
    assert ib["denied_message"] == ""
    assert ib["configuration_unload_delay_by_working_process_without_active_users"] == 0
    assert ib["disable_local_speech_to_text"] is False


def test_infobase_info_2018_several_records_crlf():
    infobases = records_of("infobase_info_irac_2018.txt", uniform=True)
    assert len(infobases) >= 3
    assert infobases[0]["name"] == "DEV_User1_ACC_Cust1"
    assert infobases[0]["scheduled_jobs_deny"] is True
    assert infobases[0]["denied_from"] == ""
    assert "reserve_working_processes" not in infobases[0]


@pytest.mark.parametrize("name", ["infobase_summary_list_8.3.21_racrust.txt", "infobase_summary_info_8.5.1_racrust.txt"])
def test_infobase_summary(name):
    [ib] = records_of(name)
    assert ib == {"infobase": "717bdda7-2f60-4577-b262-f1fc8c0e472c", "name": "yaxunit", "descr": "Description"}


def test_infobase_summary_list_empty_descr():
    infobases = records_of("infobase_summary_list_hydra_2017.txt")
    assert [(i["name"], i["descr"]) for i in infobases] == [("test_acc", "Тестовая база"), ("test_hrm", "")]


def test_infobase_create_and_summary_docker_notes():
    records = records_of("infobase_create_and_summary_list_zeerayne_docker.txt")
    assert records[0] == {"infobase": "9046c0db-1939-42a7-9b2d-f0370ca950df"}
    assert records[1] == {"server_addr=tcp": "//ragent:1540 descr=32(0x00000020): Broken pipe line=1470 "
                                             "file=src/rtrsrvc/src/DataExchangeTcpClientImpl.cpp"}
    records = records[2:]  # that error line is stderr pasted in; the classifier handles it (test_errors)
    assert [(r["name"], r["descr"]) for r in records] == [("infobase01", ""), ("infobase02", "")]


def test_cluster_list_unquotes_the_name_and_keeps_0_1_numeric():
    [c] = records_of("cluster_list_8.3.21_racrust.txt", uniform=True)
    assert c["name"] == "Локальный кластер"
    assert c["port"] == 1541
    assert c["kill_problem_processes"] == 1
    assert c["load_balancing_mode"] == "performance"
    [c851] = records_of("cluster_list_8.5.1_racrust.txt")
    assert c851["restart_schedule"] == ""
    assert c851["allow_access_right_audit_events_recording"] == 0
    assert records_of("cluster_list_irac_2018.txt")[0]["name"]


def test_cluster_samples_from_two_versions_mixed():
    clusters = records_of("cluster_list_zeerayne_mixed.txt")
    assert len(clusters) == 2
    with pytest.raises(RacParseError):
        records_of("cluster_list_zeerayne_mixed.txt", uniform=True)


def test_cluster_admin_and_agent_admin_lists():
    admins = records_of("cluster_list_info_adminlist_zeerayne_docker.txt")
    assert admins[0] == {"name": "Администратор", "auth": "pwd", "os_user": "", "descr": ""}
    assert admins[1]["name"] == "Local cluster"
    agent_admins = records_of("agent_admin_list_8.5.1_racrust.txt", uniform=True)
    assert agent_admins[0]["name"] == "admin"


@pytest.mark.parametrize("name", sample_names("connection_list", prefix=True))
def test_connection_lists(name):
    connections = records_of(name, uniform=True)
    assert connections
    assert all(isinstance(c["conn_id"], int) for c in connections)
    assert all(isinstance(c["application"], str) and '"' not in c["application"] for c in connections)


@pytest.mark.parametrize("name", sample_names("process_", prefix=True) + sample_names("server_list"))
def test_process_and_server_lists(name):
    records = records_of(name)
    assert records
    for record in records:
        for key, value in record.items():
            if key.startswith("avg_"):
                assert isinstance(value, float)
    if "process_list_8.3.21" in name:
        assert records[0]["is_enable"] is True and records[0]["pid"] > 0
    if "server_list" in name:
        assert records[0]["port_range"] == "1560:1591"
        assert records[0]["name"] == "Центральный сервер"


def test_version_outputs_are_not_records():
    for name in ("version_8.3.21_racrust.txt", "agent_version_8.5.1_racrust.txt"):
        with pytest.raises(RacParseError):
            parse_records(sample_text(name))


def test_every_sample_is_covered():
    """Each sample is either parsed above, an error text, capture metadata, or not rac output."""
    covered = set(sample_names("session") + sample_names("infobase") + sample_names("cluster_list")
                  + sample_names("connection_list", prefix=True) + sample_names("process_", prefix=True) + sample_names("server_list")
                  + sample_names("agent_") + sample_names("version_") + sample_names("error")
                  + sample_names("meta_"))
    assert set(sample_names()) - covered == set()


def test_field_comments_are_not_rac_output():
    with pytest.raises(RacParseError):
        parse_records(sample_text("infobase_info_fields_v8platform_comments.txt"))


# --- edge cases that no capture shows ----------------------------------------
def test_empty_output_is_no_records():
    assert parse_records("") == []
    assert parse_records("\n") == []


def test_multiline_quoted_value_is_read_whole():
    text = 'infobase       : 1\ndenied-message : "line one\n\nline three"\ndescr          : \n\n'
    [record] = parse_records(text)
    assert record["denied_message"] == "line one\n\nline three"
    assert record["descr"] == ""


def test_doubled_quotes_inside_a_quoted_value_are_one_quote():
    # the example: rac prints descr Главная "бухгалтерия" as "Главная ""бухгалтерия"""
    [record] = parse_records('infobase : 1\nname     : buh\ndescr    : "Главная ""бухгалтерия"""\n\n')
    assert record["descr"] == 'Главная "бухгалтерия"'
    [record] = parse_records('descr : """"\n\n')
    assert record["descr"] == '"'
    [record] = parse_records('descr : "  spaces kept, ""quoted"" : colon  "\n\n')
    assert record["descr"] == '  spaces kept, "quoted" : colon  '


def test_quoted_value_over_lines_ends_at_the_first_quote_not_doubled():
    message = 'Обновление "1С"\nline ends with a quote "\n\ndenied-to : 2030-01-01T00:00:00\n""'
    text = ('infobase       : 1\ndenied-message : "%s"\ndenied-to      : \n\n'
            % message.replace('"', '""'))
    [record] = parse_records(text)
    assert record == {"infobase": 1, "denied_message": message, "denied_to": ""}


def test_lone_quotes_inside_a_quoted_value_keep_them():
    # not rac's quoting (rac doubles them): the outer pair goes, the rest stays as printed
    [record] = parse_records('denied-message : "say "hi"; $(rm -rf /)"\n\n')
    assert record["denied_message"] == 'say "hi"; $(rm -rf /)'


def test_crlf_output_and_a_carriage_return_inside_an_lf_output():
    # the first line's end says which line ends the output uses
    assert parse_records('infobase : 1\r\ndescr : "a\r\nb"\r\n\r\n') == [{"infobase": 1, "descr": "a\nb"}]
    assert parse_records('infobase : 1\ndescr : "a\r\nb"\n\n') == [{"infobase": 1, "descr": "a\r\nb"}]


def test_string_fields_are_never_typed():
    [record] = parse_records("user-name : 123\nhost : on\nsession-id : 7\n\n")
    assert record == {"user_name": "123", "host": "on", "session_id": 7}


@pytest.mark.parametrize("value", ['"', '"Boss"', '"open', 'O"Brien'])
def test_fields_rac_never_quotes_keep_their_quotes(value):
    # rac quotes per field, not per content: user-name is printed bare, so its quotes are the user's own
    text = "session-id : 1\nuser-name  : %s\n\nsession-id : 2\nuser-name  : x\n\n" % value
    assert parse_records(text, uniform=True) == [{"session_id": 1, "user_name": value},
                                                 {"session_id": 2, "user_name": "x"}]
    from ansible_collections.onec.cluster.plugins.module_utils.rac import parser as rac_parser

    assert rac_parser._parse_lines(text) == loose_grid(text)


def loose_grid(text):
    """The grid reader with loose columns: values of one column in different forms, each converted on its own."""
    from ansible_collections.onec.cluster.plugins.module_utils.rac import parser as rac_parser

    return rac_parser._parse_grid(text, rac_parser._loose_column)  # pylint: disable=protected-access


def test_garbage_and_cut_off_output_raise_parse_error():
    with pytest.raises(RacParseError):
        parse_records("this is not rac output\n")
    with pytest.raises(RacParseError):
        parse_records('descr : "never closed\n')
    text = sample_text("session_list_8.5.1_racrust.txt")
    with pytest.raises(RacParseError):
        parse_records(text[: len(text) * 3 // 4].rsplit("\n", 1)[0] + "\n", uniform=True)


def test_snake_key():
    assert snake_key("duration current-dbms") == "duration_current_dbms"
    assert snake_key("cpu-time-last-5min") == "cpu_time_last_5min"


@pytest.mark.parametrize("name", [n for n in sample_names() if n.endswith("_racrust.txt") and "error" not in n
                                  and "meta_" not in n and "version" not in n])
def test_fast_path_agrees_with_the_line_parser(name):
    from ansible_collections.onec.cluster.plugins.module_utils.rac import parser as rac_parser

    text = sample_text(name)
    fast = loose_grid(text)
    assert fast is not None, "real rac output should take the fast path"
    assert fast == rac_parser._parse_lines(text)  # pylint: disable=protected-access


@pytest.mark.parametrize("name", [n for n in sample_names() if n.endswith("_racrust.txt") and "error" not in n
                                  and "meta_" not in n and "version" not in n])
def test_grid_reader_agrees_with_the_line_parser(name):
    from ansible_collections.onec.cluster.plugins.module_utils.rac import parser as rac_parser

    text = sample_text(name)
    grid = rac_parser._parse_grid(text)  # pylint: disable=protected-access
    assert grid is not None, "real rac output should take the grid reader"
    assert grid == rac_parser._parse_lines(text)  # pylint: disable=protected-access


def test_grid_reader_hands_over_what_it_cannot_read():
    from ansible_collections.onec.cluster.plugins.module_utils.rac import parser as rac_parser

    texts = [
        "session-id : 1\nhost       : x\n\nsession-id : x\nhost       : y\n\n",  # a number column with text
        "session-id : 1\nhost       : x\n\nsession-id : 2\nhost       :\n\n",  # a lost trailing space
        "session-id : 1\nhost       : x\n\nstray line\nsession-id : 2\nhost       : y\n\n",
        "session    : a\n\nsession    : 12\n\n",  # typed by look: text, then a number
    ]
    for text in texts:
        assert rac_parser._parse_grid(text) is None, text  # pylint: disable=protected-access
    assert parse_records(texts[3]) == [{"session": "a"}, {"session": 12}]


def test_grid_reader_reads_a_quoted_field_empty_then_quoted():
    # rac quotes such a field only when it is not empty: one column holds both forms
    from ansible_collections.onec.cluster.plugins.module_utils.rac import parser as rac_parser

    text = ('session-id : 1\ndescr      : \n\n'
            'session-id : 2\ndescr      : "a ""b"""\n\n'
            "session-id : 3\ndescr      : ''\n\n")
    expected = [{"session_id": 1, "descr": ""}, {"session_id": 2, "descr": 'a "b"'}, {"session_id": 3, "descr": ""}]
    assert rac_parser._parse_grid(text) == expected  # pylint: disable=protected-access
    assert rac_parser._parse_lines(text) == expected  # pylint: disable=protected-access
