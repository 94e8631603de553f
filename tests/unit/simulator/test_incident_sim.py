# -*- coding: utf-8 -*-
"""The simulated rac prints licences and answers an interrupt as real rac does (tests/samples)."""

from conftest import sample_text, simctl


def cluster_args(fleet):
    server = fleet.servers[0]
    return ["--cluster=%s" % server["cluster"], "--cluster-user=%s" % server["cluster_user"],
            "--cluster-pwd=%s" % server["cluster_password"]]


def test_licences_in_the_layout_of_the_8_5_1_sample(make_fleet):
    fleet = make_fleet(servers=1, infobases=1, sessions=8, version="8.5.1")
    holder = simctl.stage_incident(list(fleet.state()["sessions"].values()), fleet.now())[0]
    fleet.control(0, {"control": "add_sessions", "sessions": [holder]})
    out = fleet.rac(0, "session", "info", "--licenses", "--session=%s" % holder["session"], *cluster_args(fleet))
    assert out.returncode == 0
    printed = out.stdout.decode("utf-8").split("\n\n")
    sample = sample_text("session_list_licenses_8.5.1_racrust.txt").split("\n\n")[0]
    # the soft licence staged is the sample's: same keys, padding, quoting, values after the session's own fields
    assert printed[1].split("\n")[4:] == sample.split("\n")[4:]
    assert printed[0].split("\n")[0] == "session            : %s" % holder["session"]
    assert printed[0].count(" : ") == sample.count(" : ") == 16


def test_interrupt_of_an_unknown_session_says_what_rac_says(fleet):
    out = fleet.rac(0, "session", "interrupt-current-server-call", "--session=00000000-0000-0000-0000-000000000000",
                    *cluster_args(fleet))
    assert out.returncode == 255 and out.stdout == b""
    assert out.stderr.decode("utf-8") == sample_text("error_session_interrupt_unknown_8.5.1_racrust.stderr.txt")
