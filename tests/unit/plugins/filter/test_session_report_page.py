# -*- coding: utf-8 -*-
"""The session report's page tables (onec.cluster.session_html) and its call and licence columns and totals
(onec.cluster.session_report, session_csv), on sessions parsed from real rac samples with the modules' own marks."""

import os
from html.parser import HTMLParser

import yaml

from conftest import ROOT, sample_text
from ansible_collections.onec.cluster.plugins.filter.reports import session_csv, session_html, session_report
from ansible_collections.onec.cluster.plugins.module_utils.rac.parser import parse_licenses, parse_records
from ansible_collections.onec.cluster.plugins.module_utils.sessions import call_states

with open(os.path.join(ROOT, "roles", "session_report", "vars", "main.yml"), encoding="utf-8") as handle:
    ROLE_VARS = yaml.safe_load(handle)
CSV_COLUMNS = ROLE_VARS["session_report_columns"]
HTML_COLUMNS = ROLE_VARS["session_report_html_columns"]
WHERE = "ras srv1c-01:1545, cluster 'Локальный кластер' (c1)"


def sessions_as_session_info_returns_them():
    """The two sessions of the 8.5.1 sample, made a chain (the first in a 12-minute call holding a lock the second
    waits for), each with its call marks and the licences of the 8.5.1 `session list --licenses` sample (their
    uuids are the sample's) plus the HASP key of the 8.3.21 sample."""
    holder, waiting = parse_records(sample_text("session_list_8.5.1_racrust.txt"))
    holder.update(duration_current=720000, duration_current_dbms=718000, db_proc_took_at="2026-02-24T11:47:05",
                  db_proc_info="Выполнение запроса")
    waiting.update(duration_current=3000, blocked_by_ls=holder["session_id"])
    licences = list(parse_licenses(sample_text("session_list_licenses_8.5.1_racrust.txt")).values())
    hasp = list(parse_licenses(sample_text("session_info_licenses_8.3.21_racrust.txt")).values())[0]
    holder["licenses"] = licences[0] + hasp
    waiting["licenses"] = licences[1]
    sessions = [holder, waiting]
    states = call_states(sessions)
    for session in sessions:
        session.update(call=states[session["session"]], infobase_name="yaxunit")
    return sessions


def report_of(reads, hosts=None, long_call_seconds=60):
    hosts = hosts or ["srv1c-%02d" % (number + 1) for number in range(len(reads))]
    return session_report(hosts, reads, CSV_COLUMNS, long_call_seconds)


class Page(HTMLParser):
    """Each table row as [(tag, attributes, text)] per cell, and every tag seen."""

    def __init__(self, text):
        HTMLParser.__init__(self, convert_charrefs=True)
        self.rows, self.tags, self.cell = [], [], None
        self.feed("<table>" + text + "</table>")

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "tr":
            self.rows.append({"attrs": dict(attrs), "cells": []})
        elif tag == "td":
            self.cell = [dict(attrs), ""]
            self.rows[-1]["cells"].append(self.cell)

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[1] += data


def test_licence_column_and_summary_from_the_real_samples():
    sessions = sessions_as_session_info_returns_them()
    report = report_of([{"where": WHERE, "sessions": sessions}])
    total = report["per_server"][0]
    assert total["licences"] == 3
    assert total["by_license_type"] == {"soft": 2, "HASP": 1}
    assert total["by_license_series"] == {"500000125530": 2, "ORGL8": 1}
    assert report["license_types"] == ["HASP", "soft"] and report["license_series"] == ["500000125530", "ORGL8"]
    assert report["licenses_read"] is True

    tables = session_html(report, HTML_COLUMNS)
    rows = Page(tables["sessions"]).rows
    licence = [column["title"] for column in HTML_COLUMNS].index("Licence")
    attrs, text = rows[0]["cells"][licence]
    # short: type and series (and net for a network key); the full presentation and licence server in the title
    assert text == "soft 500000125530; HASP ORGL8, net"
    assert "Клиент, 1293618, 500000125530 4 4 01.03.2026 19:22:00 (UTC)" in attrs["title"]
    assert "licence server: client" in attrs["title"] and "20250731010119.lic" in attrs["title"]
    assert rows[0]["attrs"]["data-licence"] == "|type:soft|type:HASP|series:500000125530|series:ORGL8|"
    assert rows[1]["attrs"]["data-licence"] == "|type:soft|series:500000125530|"
    summary = Page(tables["per_server"]).rows[0]["cells"]
    assert [text for attrs, text in summary[-2:]] == ["3", "HASP 1, soft 2; 500000125530 2, ORGL8 1"]
    assert '<option value="type:HASP">' in tables["licence_options"]
    assert '<option value="series:500000125530">' in tables["licence_options"]

    line = dict(zip(*[session_csv(sessions, CSV_COLUMNS)[index][1:-1].split('";"') for index in (0, 1)]))
    assert line["Licence type"] == "soft, HASP" and line["Licence series"] == "500000125530, ORGL8"
    assert line["Licence server"] == "client, client"
    assert line["Licence"].startswith("Клиент, 1293618, 500000125530 4 4 01.03.2026 19:22:00 (UTC), file:///")


def test_a_report_read_without_licences_has_no_licence_filter():
    sessions = sessions_as_session_info_returns_them()
    for session in sessions:
        del session["licenses"]
    report = report_of([{"sessions": sessions}])
    assert report["licenses_read"] is False and report["per_server"][0]["licences"] == 0
    rows = Page(session_html(report, HTML_COLUMNS)["sessions"]).rows
    assert rows[0]["attrs"]["data-licence"] == "|none|"


def test_stuck_blocked_and_blocking_marks():
    sessions = sessions_as_session_info_returns_them()
    holder, waiting = sessions
    report = report_of([{"sessions": sessions}])
    total = report["per_server"][0]
    # the holder is stuck (12 min), the waiting one is blocked but in a call of 3 s only: not stuck
    assert (total["stuck"], total["blocked"], total["blocking"]) == (1, 1, 1)
    rows = Page(session_html(report, HTML_COLUMNS)["sessions"]).rows
    call = [column["title"] for column in HTML_COLUMNS].index("Call")
    attrs, text = rows[0]["cells"][call]
    assert rows[0]["attrs"]["class"] == "stuck" and "stuck" in attrs["class"] and attrs["data-sort"] == "720000"
    assert text == "server call 12m 0s; DBMS 11m 58s since 2026-02-24 11:47:05; blocking #%d" % waiting["session_id"]
    assert attrs["title"] == "DBMS: Выполнение запроса"
    assert rows[0]["attrs"]["data-call"] == "|stuck|call|dbms|blocking|"
    attrs, text = rows[1]["cells"][call]
    assert rows[1]["attrs"]["class"] == "blocked"
    assert text == "server call 3s; blocked by #%d (locks)" % holder["session_id"]
    assert rows[1]["attrs"]["data-call"] == "|call|blocked|"

    # a lower threshold makes the short call stuck too
    assert report_of([{"sessions": sessions}], long_call_seconds=2)["per_server"][0]["stuck"] == 2

    header, first, second = [line[1:-1].split('";"') for line in session_csv(sessions, CSV_COLUMNS)]
    first, second = dict(zip(header, first)), dict(zip(header, second))
    assert header[:22] == [column["title"] + {"ms": ", ms", "bytes": ", bytes"}.get(column.get("unit"), "")
                           for column in CSV_COLUMNS[:22]] and header[21] == "Session"
    assert first["Server call now, ms"] == "720000" and first["DBMS call now, ms"] == "718000"
    assert first["DBMS call since"] == "2026-02-24 11:47:05" and first["Blocking"] == "#%d" % waiting["session_id"]
    assert second["Waits for"] == "#%d (locks)" % holder["session_id"] and second["DBMS call since"] == ""


def test_a_session_without_call_marks_is_idle():
    report = report_of([{"sessions": [{"session": "s1", "user_name": "u"}]}])
    rows = Page(session_html(report, HTML_COLUMNS)["sessions"]).rows
    assert rows[0]["attrs"]["data-call"] == "|idle|" and "class" not in rows[0]["attrs"]


HOSTILE = '<script>alert("x")</script> \'Q\' & \x07\x1b <b>'
SHOWN = HOSTILE.replace("\x07", "\ufffd").replace("\x1b", "\ufffd")


def hostile_session():
    """A session whose every text (and licence, and call detail) is hostile."""
    session = sessions_as_session_info_returns_them()[0]
    for field, value in list(session.items()):
        if isinstance(value, str) and field not in ("session", "started_at", "last_active_at"):
            session[field] = HOSTILE
    session.update(client_ip=[HOSTILE], started_at=HOSTILE, last_active_at=HOSTILE, session=HOSTILE,
                   cpu_time_total=HOSTILE)
    session["call"]["service"] = HOSTILE
    session["call"]["dbms_since"] = HOSTILE
    session["licenses"] = [dict((key, HOSTILE if isinstance(value, str) else value)
                                for key, value in licence.items()) for licence in session["licenses"]]
    return session


def test_every_column_escapes_hostile_texts():
    report = report_of([{"where": HOSTILE, "sessions": [hostile_session()]}], hosts=[HOSTILE])
    tables = session_html(report, HTML_COLUMNS)
    for name in ("sessions", "per_server", "per_infobase", "licence_options"):
        assert "<script" not in tables[name] and "<b>" not in tables[name] and "\x07" not in tables[name], name
    page = Page(tables["sessions"] + tables["per_server"] + tables["per_infobase"])
    assert set(page.tags) == {"table", "tr", "td"}  # nothing from the data became markup
    row = page.rows[0]
    assert all(row["attrs"][name] == SHOWN for name in ("data-server", "data-infobase", "data-app"))
    cells = dict((column["field"], cell) for column, cell in zip(HTML_COLUMNS, row["cells"]))
    assert len(cells) == len(HTML_COLUMNS)
    for field in ("server", "infobase_name", "user_name", "host", "client_ip", "session", "cpu_time_total"):
        assert cells[field][1] == SHOWN, field
    assert cells["app_id"][1] == SHOWN and cells["infobase_name"][0]["title"] == SHOWN
    for field in ("started_at", "last_active_at"):
        assert cells[field][1] == SHOWN.replace("T", " "), field
    assert cells["call"][0]["title"] == "service: %s; DBMS: %s" % (SHOWN, SHOWN)
    assert SHOWN.replace("T", " ") in cells["call"][1]
    assert cells["licenses"][1].startswith(SHOWN) and SHOWN in cells["licenses"][0]["title"]
    assert page.rows[1]["cells"][0][1] == SHOWN and page.rows[1]["cells"][1][1] == SHOWN  # per server
    assert page.rows[2]["cells"][0][1] == SHOWN and page.rows[2]["cells"][1][1] == SHOWN  # per infobase
    head = Page("<tr>%s</tr>" % tables["head"].replace("<th", "<td").replace("</th>", "</td>"))
    assert [text for attrs, text in head.rows[0]["cells"]] == [column["title"] for column in HTML_COLUMNS]


def test_rows_keep_the_read_order_and_groups_sort_once():
    sessions = sessions_as_session_info_returns_them()
    reads = [{"sessions": [dict(s, infobase_name=name) for s, name in zip(sessions, ["zup", "Accounting"])]},
             {"failed": True, "msg": "cannot connect to ras at srv1c-02:1545"},
             {"sessions": [dict(sessions[0], infobase_name="accounting")]}]
    report = report_of(reads)
    tables = session_html(report, HTML_COLUMNS)
    page = Page(tables["sessions"])
    assert [row["attrs"]["data-server"] for row in page.rows] == ["srv1c-01", "srv1c-01", "srv1c-03"]
    assert [(cells[0][1], cells[1][1]) for cells in (row["cells"] for row in Page(tables["per_infobase"]).rows)] == [
        ("srv1c-01", "Accounting"), ("srv1c-01", "zup"), ("srv1c-03", "accounting")]
    # the unread server is an error, never a row of the tables
    assert report["errors"] == {"srv1c-02": "cannot connect to ras at srv1c-02:1545"}
    assert "srv1c-02" not in tables["sessions"] + tables["per_server"] + tables["per_infobase"]
    assert [row["cells"][0][1] for row in Page(tables["per_server"]).rows] == ["srv1c-01", "srv1c-03"]


def test_numbers_in_people_units_with_the_raw_value_to_sort_on():
    session = dict(sessions_as_session_info_returns_them()[0], memory_total=5400000000, cpu_time_total=123456789,
                   read_total=1023, calls_all=1234567, blocked_by_dbms=0)
    report = report_of([{"sessions": [session]}])
    row = Page(session_html(report, HTML_COLUMNS)["sessions"]).rows[0]
    cells = dict((column["field"], cell) for column, cell in zip(HTML_COLUMNS, row["cells"]))
    assert cells["memory_total"] == [{"class": "num", "data-sort": "5400000000"}, "5.03\u00a0GB"]
    assert cells["cpu_time_total"] == [{"class": "num", "data-sort": "123456789"}, "123\u202f457\u00a0s"]
    assert cells["read_total"][1] == "1023\u00a0B" and cells["calls_all"][1] == "1\u202f234\u202f567"
    assert cells["blocked_by_dbms"] == [{"class": "num", "data-sort": "0"}, ""]


FRAME_PATH = os.path.join(ROOT, "roles", "session_report", "files", "sessions.html")


def test_the_three_files_from_one_filter():
    import json

    from ansible.plugins.filter.core import to_nice_json
    from ansible_collections.onec.cluster.plugins.filter.reports import session_report_files

    with open(FRAME_PATH, encoding="utf-8") as handle:
        frame = handle.read()
    sessions = sessions_as_session_info_returns_them()
    reads = {"srv1c-01": {"steps": [{"where": WHERE, "sessions": sessions}]},
             "<srv2>": {"failed": True, "msg": "cannot connect: <b>refused</b>"}}
    files = session_report_files(["srv1c-01", "<srv2>", "srv1c-03"], reads, CSV_COLUMNS, HTML_COLUMNS, frame,
                                 "2026-11-29 22:40:00 +0300")
    assert sorted(files) == ["sessions.csv", "sessions.html", "sessions.json"]
    data = json.loads(files["sessions.json"])
    # the JSON is what the role wrote with to_nice_json(ensure_ascii=False) before: the same bytes
    assert files["sessions.json"] == to_nice_json(data, ensure_ascii=False) + "\n"
    assert [row["session"] for row in data["sessions"]] == [s["session"] for s in sessions]
    assert data["errors"] == {"<srv2>": "cannot connect: <b>refused</b>",
                              "srv1c-03": "the server was not read (the play did not reach it)"}
    csv_text = files["sessions.csv"]
    assert csv_text.startswith("\ufeff\"Server\";") and csv_text.endswith("\n") and csv_text.count("\n") == 3

    page = files["sessions.html"]
    assert "@@" not in page and "2026-11-29 22:40:00 +0300" in page
    assert "2 sessions on 1 of 3 servers" in page and "2 could not be read" in page
    assert "<li><b>&lt;srv2&gt;</b>: cannot connect: &lt;b&gt;refused&lt;/b&gt;</li>" in page
    assert page.count('<tr class="stuck" data-server="srv1c-01"') == 1 and 'id="filter-licence"' in page
    assert '<option value="srv1c-01">srv1c-01</option>' in page and "<b>refused" not in page
    assert "at least 60&nbsp;s" in page
