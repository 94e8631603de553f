# -*- coding: utf-8 -*-
"""Nothing leaked: a password the server repeats in an error text, in whatever shape, and a server name equal to a
password never reach the output (at -vvv), results or audit log; control characters from the server are shown
escaped in [WARNING] and error lines."""

import json
import os

import pytest

pytestmark = pytest.mark.integration

MASK = "********"


def audit_text(path):
    if not os.path.exists(path):
        return ""
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def use_password(fleet, password):
    fleet.control(0, {"control": "set_admins", "admins": {fleet.servers[0]["cluster_user"]: password}})


def test_a_password_repeated_by_the_server_is_masked_everywhere(make_fleet, playbook, backend, tmp_path):
    fleet = make_fleet(servers=1, infobases=2, sessions=12)
    password = "Sec-%d\nsecond-line-%d" % (os.getpid(), os.getpid())
    use_password(fleet, password)
    # real rac repeats an option it cannot parse (tests/samples/error_parsing_option_*): here, the password
    fleet.control(0, {"control": "set", "faults": {"fail_with": {
        "command": "session terminate", "text": "Error parsing option: --cluster-pwd={cluster-pwd}\n", "times": 3}}})
    audit = str(tmp_path / "audit.jsonl")
    run = playbook(fleet, "faults", "-vvv", scenario="leaks", fault_user="nobody", fault_audit_log=audit,
                   onec_cluster_password=password)
    assert run.rc == 0, run.output
    result = run.result("srv1c-01")
    assert result["failed"] and result["failed_count"] == 3 and result["terminated_count"] > 0, result
    assert "Error parsing option: --cluster-pwd=%s" % MASK in result["msg"]
    written = audit_text(audit)
    assert written.count("--cluster-pwd=%s" % MASK) == 3
    shapes = [password, "Sec-%d" % os.getpid(), "second-line-%d" % os.getpid(), password.replace("\n", " / "),
              json.dumps(password)[1:-1]]
    for text in (run.output, written, json.dumps(result, ensure_ascii=False)):
        assert not [shape for shape in shapes if shape in text]


def test_a_closest_suggestion_equal_to_a_password_is_masked(make_fleet, playbook, backend, tmp_path):
    fleet = make_fleet(servers=1, infobases=2, sessions=12)
    user = sorted(s["user-name"] for s in fleet.state()["sessions"].values() if len(s["user-name"] or "") > 6)[0]
    use_password(fleet, user)  # an administrator whose password is also a user's name
    run = playbook(fleet, "faults", "-vvv", scenario="leaks", fault_user=user[:-1], fault_audit_log=str(tmp_path / "a"),
                   onec_cluster_password=user)
    assert run.rc == 0, run.output
    warning = [line for line in run.output.splitlines() if "[WARNING]" in line and "matches none" in line]
    assert warning and "closest: '%s'" % MASK in warning[0], run.output
    assert user not in run.output


def test_control_characters_from_the_server_are_shown_escaped(make_fleet, playbook, backend, tmp_path):
    fleet = make_fleet(servers=1, infobases=2, sessions=12)
    user = sorted(s["user-name"] for s in fleet.state()["sessions"].values() if s["user-name"])[0]
    fleet.control(0, {"control": "set", "faults": {
        "decorate_names": "\x1b[31m\u202e\x07",
        "fail_with": {"command": "session terminate", "text": "Сеанс\x1b]0;pwned\x07 \u202eevil\x9b\r\n",
                      "times": 2}}})
    run = playbook(fleet, "faults", "-v", scenario="leaks", fault_user=user + "x", fault_audit_log=str(tmp_path / "a"))
    assert run.rc == 0, run.output
    for raw in ("\x1b", "\u202e", "\x07", "\x9b", "\r"):
        assert raw not in run.output, repr(raw)
    warning = [line for line in run.output.splitlines() if "[WARNING]" in line and "matches none" in line]
    assert warning and "\\x1b[31m\\u202e\\x07" in warning[0], run.output
    progress = [line for line in run.output.splitlines() if line.startswith("srv1c-01: ")]
    assert progress and "\\x1b[31m\\u202e\\x07" in progress[0], run.output  # session_wait's line
    result = run.result("srv1c-01")
    assert "Сеанс\\x1b]0;pwned\\x07 \\u202eevil\\x9b" in result["msg"]
    assert "Сеанс\\x1b]0;pwned\\x07 \\u202eevil\\x9b" in run.output
    written = audit_text(str(tmp_path / "a"))
    assert "\u202e" not in written and "\x1b" not in written and "Сеанс" in written
