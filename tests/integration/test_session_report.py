# -*- coding: utf-8 -*-
"""The session report (role onec.cluster.session_report): its files as bytes, and its page in a real browser.

The browser test renders the demo's report in headless Chromium (Python playwright, driving the system's Chromium:
no browser download), types in the search field, picks filters and checks the rows that remain and the count. It
runs where a Chromium is found (``chromium`` on PATH, or $CHROMIUM) and is skipped with the reason otherwise;
.ci/run installs Debian's chromium and sets ONEC_REQUIRE_BROWSER, so that in CI a missing browser fails the test.
"""

import csv
import io
import json
import os
import shutil
import signal

import sys

import pytest

from conftest import ROOT, SIMULATOR

sys.path.insert(0, SIMULATOR)
import simctl  # noqa: E402

PLAYBOOK = os.path.join(ROOT, "playbooks", "session_report.yml")


def find_chromium():
    """The Chromium to drive: $CHROMIUM, else the first Chromium or Chrome on PATH; None if there is none."""
    explicit = os.environ.get("CHROMIUM")
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def report(playbook, fleet, report_dir):
    run = playbook(fleet, PLAYBOOK, session_report_dir=str(report_dir))
    data = json.loads((report_dir / "sessions.json").read_text(encoding="utf-8"))
    return run, data


def read_csv(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "sessions.csv must start with a UTF-8 byte-order mark (Excel)"
    return list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline=""), delimiter=";"))


def test_session_report_files(make_fleet, playbook, tmp_path):
    fleet = make_fleet(servers=2, infobases=3, sessions=12)
    report_dir = tmp_path / "report"
    run, data = report(playbook, fleet, report_dir)
    assert run.rc == 0, run.output
    expected = [(server["name"], uuid) for i, server in enumerate(fleet.servers) for uuid in fleet.state(i)["sessions"]]
    assert [(row["server"], row["session"]) for row in data["sessions"]] == expected
    assert data["errors"] == {}

    # JSON: Cyrillic as text (grep finds a user), never \u escapes
    raw_json = (report_dir / "sessions.json").read_bytes()
    user = next(row["user_name"] for row in data["sessions"] if row["user_name"])
    assert user.encode("utf-8") in raw_json and b"\\u04" not in raw_json

    # CSV: BOM, ';' between fields (Russian-locale Excel), the client computer, raw numbers, the units in the titles
    rows = read_csv(report_dir / "sessions.csv")
    header = rows[0]
    assert header[:5] == ["Server", "Infobase", "User", "Computer", "Client type"]
    assert "CPU time, ms" in header and "Memory, bytes" in header
    uuid = header.index("Session")  # the call and licence columns come after it (issue 21)
    assert len(rows) == len(expected) + 1 and [r[uuid] for r in rows[1:]] == [pair[1] for pair in expected]
    assert header[uuid + 1:] == ["Server call now, ms", "DBMS call now, ms", "DBMS call since", "Waits for",
                                 "Blocking", "Licence type", "Licence series", "Licence server", "Licence"]
    by_uuid = dict((row["session"], row) for row in data["sessions"])
    for line in rows[1:]:
        session = by_uuid[line[uuid]]
        assert line[header.index("Computer")] == session["host"]
        assert line[header.index("Memory, bytes")] == str(session["memory_total"])
        assert line[header.index("Started")] == session["started_at"].replace("T", " ")
    assert (user + '"').encode("utf-8") in (report_dir / "sessions.csv").read_bytes()

    # HTML: every session a row, the search field, the report time, nothing from the internet
    html = (report_dir / "sessions.html").read_text(encoding="utf-8")
    assert html.count('<tr data-server="') == len(expected) and 'id="search"' in html and "Report made" in html
    assert "srv1c-02" in html and "http://" not in html and "https://" not in html and "<script src" not in html
    for server in fleet.servers:  # the per-server table names each server's ras endpoint and cluster
        assert "<td>ras 127.0.0.1:%d, cluster &#x27;Локальный кластер&#x27; (%s)</td>" % (
            server["port"], server["cluster"]) in html

    # a second run over the same sessions changes nothing (the page is rewritten with its new time, not "changed")
    again = playbook(fleet, PLAYBOOK, session_report_dir=str(report_dir))
    assert again.rc == 0 and "changed=0" in again.output and "changed=1" not in again.output, again.output


def test_session_report_on_several_clusters_of_one_ras_and_two_ports(make_fleet, playbook, tmp_path):
    """The static inventory simctl writes: one host per cluster of the three-cluster ras (each with onec_cluster),
    one for the second ras port of 127.0.0.1; each host's rows are its own cluster's sessions."""
    fleet = make_fleet(servers=2, clusters=[3, 1], infobases=2, sessions=4)
    report_dir = tmp_path / "report"
    run, data = report(playbook, fleet, report_dir)
    assert run.rc == 0, run.output
    expected = []
    for index, server in enumerate(fleet.servers):
        clusters = fleet.control(index, {"control": "state"})["clusters"]
        for number, cluster in enumerate(clusters):
            host = "%s-%d" % (server["name"], number + 1) if len(clusters) > 1 else server["name"]
            expected += [(host, uuid) for uuid in cluster["sessions"]]
    assert sorted((row["server"], row["session"]) for row in data["sessions"]) == sorted(expected)
    assert len(set(host for host, _uuid in expected)) == 4 and data["errors"] == {}


def test_session_report_hostile_texts(make_fleet, playbook, tmp_path):
    """Names come from the clients: a formula stays text in Excel, markup stays text in the page."""
    fleet = make_fleet(servers=1, infobases=1, sessions=2)
    template = next(iter(fleet.state(0)["sessions"].values()))
    hostile = dict(template, session="0badc0de-0000-4000-8000-000000000001", **{
        "session-id": 99, "user-name": 'Иванов "Главбух" <script>alert(1)</script>', "host": '=HYPERLINK("x";"y")'})
    fleet.control(0, {"control": "add_sessions", "sessions": [hostile]})
    report_dir = tmp_path / "report"
    run, data = report(playbook, fleet, report_dir)
    assert run.rc == 0, run.output
    rows = read_csv(report_dir / "sessions.csv")
    line = next(r for r in rows if r[rows[0].index("Session")] == hostile["session"])
    assert line[rows[0].index("Computer")] == "'" + hostile["host"]
    assert line[rows[0].index("User")] == hostile["user-name"]
    html = (report_dir / "sessions.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def licence_text(licence):
    """The page's short form of a licence the simulator grants (its rac-layout fields)."""
    return "%s %s%s" % (licence["license-type"], licence["series"], ", net" if licence["net"] == "yes" else "")


@pytest.mark.usefixtures("backend")
def test_session_report_licences_and_a_stuck_session(make_fleet, playbook, tmp_path):
    """Issue 21: the licence column and summary, and the stuck session's mark, in all three files (rac and
    native)."""
    fleet = make_fleet(servers=2, infobases=3, sessions=12)
    holder, waiting, last = simctl.stage_incident(list(fleet.state(1)["sessions"].values()), fleet.now(1))
    fleet.control(1, {"control": "add_sessions", "sessions": [holder, waiting, last]})
    report_dir = tmp_path / "report"
    run, data = report(playbook, fleet, report_dir)
    assert run.rc == 0, run.output

    # JSON: the session_info result as it is, licences and call marks included
    rows = dict((row["session"], row) for row in data["sessions"])
    assert [lic["license_type"] for lic in rows[holder["session"]]["licenses"]] == ["HASP", "soft"]
    assert rows[holder["session"]]["call"]["in_dbms_call"] and rows[waiting["session"]]["call"]["blocked_by"]

    # CSV: the call and licence columns at the end
    lines = read_csv(report_dir / "sessions.csv")
    header = lines[0]
    line = dict(zip(header, next(r for r in lines if r[header.index("Session")] == holder["session"])))
    assert line["Server call now, ms"] == "720000" and line["DBMS call now, ms"] == "718000"
    assert line["DBMS call since"] == holder["db-proc-took-at"].replace("T", " ")
    assert line["Blocking"] == "#%d" % waiting["session-id"]
    assert line["Licence type"] == "HASP, soft" and line["Licence series"] == "ORGL8, 500000125530"
    line = dict(zip(header, next(r for r in lines if r[header.index("Session")] == waiting["session"])))
    assert line["Waits for"] == "#%d (locks)" % holder["session-id"]

    # HTML: the stuck row marked, its call and licences shown; the per-server summary counts them
    html = (report_dir / "sessions.html").read_text(encoding="utf-8")
    row = next(part for part in html.split("<tr")[1:] if holder["session"] in part)
    assert row.startswith(' class="stuck"') and 'data-call="|stuck|call|dbms|blocking|"' in row
    assert "server call 12m 0s; DBMS 11m 58s since %s; blocking #%d" % (
        holder["db-proc-took-at"].replace("T", " "), waiting["session-id"]) in row
    assert ">%s</td>" % "; ".join(licence_text(lic) for lic in holder["licenses"]) in row
    assert 'id="filter-licence"' in html and '<option value="type:HASP">' in html
    per_server = html.split('id="per-server"', 1)[1].split("</table>", 1)[0]
    srv2 = next(part for part in per_server.split("<tr>") if part.startswith("<td>srv1c-02</td>"))
    licences = sum(len(row["licenses"]) for row in data["sessions"] if row["server"] == "srv1c-02")
    # stuck: the chain's three calls (12, 5 and 1 min: all at least the default 60 s); blocked 2, blocking 2
    cells = srv2.split("</td>")
    assert [cell.rsplit(">", 1)[-1] for cell in cells[7:11]] == ["3", "2", "2", str(licences)], srv2
    assert "HASP 1" in cells[11]


@pytest.mark.usefixtures("backend")
def test_session_report_with_a_server_down(make_fleet, playbook, tmp_path):
    fleet = make_fleet(servers=3, infobases=2, sessions=8)
    os.kill(fleet.servers[1]["pid"], signal.SIGTERM)
    report_dir = tmp_path / "report"
    run, data = report(playbook, fleet, report_dir)
    assert run.rc != 0, run.output
    assert list(data["errors"]) == ["srv1c-02"] and "cannot connect" in data["errors"]["srv1c-02"]
    # the hint names the port that was tried, not the default 1545
    port = fleet.servers[1]["port"]
    assert "listening on port %d (ras cluster --port=%d)" % (port, port) in data["errors"]["srv1c-02"]
    assert set(row["server"] for row in data["sessions"]) == {"srv1c-01", "srv1c-03"}
    html = (report_dir / "sessions.html").read_text(encoding="utf-8")
    errors, tables = html.split('<h2>Sessions</h2>', 1)
    # the unread server is an error, never a row of zeros in a table or a choice of the server filter
    assert 'id="errors"' in errors and "srv1c-02" in errors and "on 2 of 3 servers" in errors
    assert "srv1c-02" not in tables


# -- the page in a real browser ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    chromium = find_chromium()
    if chromium is None and os.environ.get("ONEC_REQUIRE_BROWSER"):
        pytest.fail("ONEC_REQUIRE_BROWSER is set (CI) but no Chromium was found")
    if chromium is None:
        pytest.skip("no Chromium found (chromium on PATH, or set CHROMIUM=/path/to/chromium): the session report's "
                    "browser test needs one; on Debian: apt-get install chromium")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Python playwright is not installed "
                                   "(it is in requirements-dev.txt; scripts/bootstrap.sh installs it)")
    with sync_api.sync_playwright() as driver:
        # root (CI containers) cannot use Chromium's sandbox
        args = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
        launched = driver.chromium.launch(executable_path=chromium, args=args)
        yield launched
        launched.close()


def fold(text):
    return text.lower().replace("ё", "е")


def app_labels():
    """What the page calls each client type: the modules' table (the report filter hands it to the page)."""
    from ansible_collections.onec.cluster.plugins.filter.reports import app_types

    return app_types()


def expected_rows(sessions, query="", server="", infobase="", app=""):
    """What the page must show, by the rule the page states: every word in user, infobase name or uuid, computer,
    client IP or client type (ё = е, any case), and each filter's value."""
    labels = app_labels()
    shown = []
    for s in sessions:
        text = fold(" ".join([s["user_name"], s["infobase_name"], s["infobase"], s["host"], " ".join(s["client_ip"]),
                              s["app_id"], labels.get(s["app_id"], "")]))
        if ((not server or s["server"] == server) and (not infobase or s["infobase_name"] == infobase)
                and (not app or s["app_id"] == app) and all(word in text for word in fold(query).split())):
            shown.append(s["session"])
    return shown


def test_session_report_search_filters_and_sort_in_chromium(make_fleet, playbook, tmp_path, browser):
    fleet = make_fleet(servers=2, infobases=5, sessions=40)  # what scripts/demo.sh starts
    chain = simctl.stage_incident(list(fleet.state(1)["sessions"].values()), fleet.now(1))
    fleet.control(1, {"control": "add_sessions", "sessions": chain})
    report_dir = tmp_path / "report"
    run, data = report(playbook, fleet, report_dir)
    assert run.rc == 0, run.output
    sessions = data["sessions"]
    total = len(sessions)

    page = browser.new_page(viewport={"width": 1400, "height": 900})
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("request", lambda request: problems.append("request " + request.url)
            if not request.url.startswith("file:") else None)
    page.goto("file://%s" % (report_dir / "sessions.html"))

    search = page.locator("#search")
    count = page.locator("#shown")

    def visible():
        return page.eval_on_selector_all(
            "#sessions tbody tr:not([hidden])", "rows => rows.map(row => row.cells[row.cells.length - 1].textContent)")

    def type_in(text):
        search.fill("")
        search.press_sequentially(text)  # key by key, as a person types

    def check(query="", **filters):
        want = expected_rows(sessions, query, **filters)
        assert want, "a check that expects no row proves little: %r %r" % (query, filters)
        assert visible() == want, (query, filters)
        assert count.text_content() == "%d of %d sessions shown" % (len(want), total)
        return want

    assert count.text_content() == "%d of %d sessions shown" % (total, total) and visible() == expected_rows(sessions)
    assert search.evaluate("element => element === document.activeElement"), "the search field has the focus"

    # by user: part of a surname, in lower case, ё typed as е
    user = next(s["user_name"] for s in sessions if "ё" in s["user_name"])
    type_in(fold(user.split()[0])[:5])
    check(fold(user.split()[0])[:5])
    # by user, full name with initials: two words, both must match
    type_in(user)
    assert set(check(user)) == set(s["session"] for s in sessions if s["user_name"] == user)
    # by infobase uuid (the Cloud panel's "infobase ID"), by infobase name, by computer, by client IP, by client type
    target = next(s for s in sessions if s["server"] == "srv1c-02")
    for query in (target["infobase"], target["infobase_name"], target["host"] or "WS-", target["client_ip"][0],
                  "thin client", "COMConnection"):
        type_in(query)
        check(query)
    assert set(expected_rows(sessions, target["infobase"])) == set(
        s["session"] for s in sessions if s["infobase"] == target["infobase"])

    # nothing matches: said so, count 0
    type_in("нет такого")
    assert visible() == [] and page.locator("#nothing").is_visible()
    assert count.text_content() == "0 of %d sessions shown" % total
    search.press("Escape")
    assert search.input_value() == "" and len(visible()) == total

    # filters: server, then client type, then search within them
    page.select_option("#filter-server", "srv1c-02")
    check(server="srv1c-02")
    page.select_option("#filter-app", "1CV8C")
    check(server="srv1c-02", app="1CV8C")
    page.select_option("#filter-infobase", target["infobase_name"])
    check(server="srv1c-02", app="1CV8C", infobase=target["infobase_name"])
    page.select_option("#filter-infobase", "")
    surname = next(s["user_name"].split()[0] for s in sessions if s["server"] == "srv1c-02" and s["app_id"] == "1CV8C")
    type_in(surname)
    check(surname, server="srv1c-02", app="1CV8C")
    page.select_option("#filter-server", "")
    page.select_option("#filter-app", "")
    search.fill("")
    assert len(visible()) == total

    # sorting compares the raw values, not the text shown ("5.03 GB" against "299.4 MB")
    memory = dict((s["session"], s["memory_total"]) for s in sessions)
    header = page.locator("#sessions thead th", has_text="Memory")
    header.click()
    assert [memory[u] for u in visible()] == sorted(memory.values())
    header.click()
    assert [memory[u] for u in visible()] == sorted(memory.values(), reverse=True)
    titles = page.eval_on_selector_all("#sessions thead th", "cells => cells.map(cell => cell.textContent)")
    shown_memory = page.locator("#sessions tbody tr").first.locator("td").nth(titles.index("Memory")).text_content()
    assert shown_memory.endswith(("MB", "GB")) and "\u00a0" in shown_memory
    # the search still works on the sorted table
    type_in(user)
    assert set(visible()) == set(s["session"] for s in sessions if s["user_name"] == user)
    search.fill("")

    # the call filter (the staged chain: every call at least 60 s) and the licence filter, alone and together
    page.select_option("#filter-call", "stuck")
    assert sorted(visible()) == sorted(s["session"] for s in chain)
    assert count.text_content() == "3 of %d sessions shown" % total
    page.select_option("#filter-call", "blocking")
    assert sorted(visible()) == sorted(s["session"] for s in chain[:2])
    page.select_option("#filter-licence", "type:HASP")
    assert visible() == [chain[0]["session"]]
    page.select_option("#filter-call", "")
    assert set(visible()) == set(s["session"] for s in sessions
                                 if any(lic["license_type"] == "HASP" for lic in s["licenses"]))
    page.select_option("#filter-licence", "none")
    assert set(visible()) == set(s["session"] for s in sessions if not s["licenses"]) != set()

    assert problems == []
    page.close()
