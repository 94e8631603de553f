# -*- coding: utf-8 -*-
"""Command building and running: argument lists, never a shell; secrets masked; rac found."""

import json
import os
import stat
import time

import pytest

from ansible_collections.onec.cluster.plugins.module_utils import errors as E
from ansible_collections.onec.cluster.plugins.module_utils.rac import runner as runner_module
from ansible_collections.onec.cluster.plugins.module_utils.rac.backend import RacBackend
from ansible_collections.onec.cluster.plugins.module_utils.sessions import SessionFilter
from ansible_collections.onec.cluster.plugins.module_utils.rac.runner import (
    RacRunner,
    build_args,
    decode,
    find_rac,
    mask_args,
)

HOSTILE = 'It\'s "quoted"; $(touch /tmp/pwned) `id` && echo hi\nsecond line | Работа завершена 😀 \\ %s'


def fake_rac(tmp_path, body):
    path = tmp_path / "rac"
    path.write_text("#!/usr/bin/env python3\nimport json, os, sys\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


def test_build_args_uses_one_argument_per_option():
    args = build_args(["session", "terminate"], {"cluster": "c", "cluster_user": "Администратор",
                                                 "cluster_password": "p w", "session": "s", "error_message": HOSTILE})
    assert args == ["session", "terminate", "--cluster=c", "--cluster-user=Администратор", "--cluster-pwd=p w",
                    "--session=s", "--error-message=" + HOSTILE]


def test_empty_string_clears_none_omits_and_empty_credentials_are_left_out():
    args = build_args(["infobase", "update"], {"denied_from": "", "denied_message": None, "cluster_user": "",
                                               "sessions_deny": False, "scheduled_jobs_deny": True,
                                               "licenses": False})
    assert args == ["infobase", "update", "--denied-from=", "--sessions-deny=off", "--scheduled-jobs-deny=on"]
    assert build_args(["session", "list"], {"licenses": True}) == ["session", "list", "--licenses"]


def test_mask_args_hides_every_secret_value():
    args = ["--cluster-pwd=s1", "--infobase-pwd=s2", "--permission-code=s3", "--cluster-user=u", "--cluster-pwd="]
    assert mask_args(args) == ["--cluster-pwd=********", "--infobase-pwd=********", "--permission-code=********",
                               "--cluster-user=u", "--cluster-pwd="]


def test_hostile_text_reaches_rac_literally(tmp_path):
    rac = fake_rac(tmp_path, "sys.stdout.write(json.dumps(sys.argv[1:]))\n")
    out = RacRunner(rac, "h:1").run(build_args(["session", "terminate"], {"error_message": HOSTILE}))
    assert json.loads(out) == ["session", "terminate", "--error-message=" + HOSTILE, "h:1"]
    assert not os.path.exists("/tmp/pwned")


def test_rac_runs_with_a_utf8_locale(tmp_path):
    rac = fake_rac(tmp_path, "sys.stdout.write(os.environ['LC_ALL'] + ' ' + os.environ['LANG'])\n")
    assert RacRunner(rac, "h").run([]) == "C.UTF-8 C.UTF-8"


def test_failure_is_typed_and_carries_the_masked_command(tmp_path):
    rac = fake_rac(tmp_path, "sys.stderr.write('Сеанс с указанным идентификатором не найден\\n'); sys.exit(255)\n")
    with pytest.raises(E.SessionNotFoundError) as info:
        RacRunner(rac, "h:1").run(["session", "terminate", "--cluster-pwd=secret"])
    assert info.value.rc == 255
    assert "--cluster-pwd=********" in info.value.command
    assert "secret" not in info.value.describe() + " ".join(info.value.command)


def test_timeout(tmp_path):
    rac = fake_rac(tmp_path, "import time; time.sleep(5)\n")
    with pytest.raises(E.RacTimeoutError):
        RacRunner(rac, "h", timeout=0.3).run([])


def test_cp866_output_from_windows_rac_is_decoded():
    assert decode("Сеанс".encode("cp866")) == "Сеанс"
    assert decode("Сеанс".encode("utf-8")) == "Сеанс"


def test_find_rac_order(tmp_path):
    on_path = fake_rac(tmp_path, "")
    assert find_rac(on_path) == on_path
    with pytest.raises(E.RacNotFoundError) as info:
        find_rac(str(tmp_path / "missing"))
    assert "rac_path" in info.value.describe()
    assert find_rac(search_path=str(tmp_path)) == on_path


def test_missing_rac_everywhere(monkeypatch, tmp_path):
    monkeypatch.setattr("ansible_collections.onec.cluster.plugins.module_utils.rac.runner.RAC_GLOBS",
                        (str(tmp_path / "opt" / "*" / "rac"),))
    with pytest.raises(E.RacNotFoundError) as info:
        find_rac(search_path=str(tmp_path / "empty"))
    assert "set rac_path" in info.value.describe()


def test_newest_installed_rac_is_chosen(monkeypatch, tmp_path):
    for version in ("8.3.9.2170", "8.3.21.1895", "8.3.10.2772"):
        folder = tmp_path / "opt" / version
        folder.mkdir(parents=True)
        fake_rac(folder, "")
    monkeypatch.setattr("ansible_collections.onec.cluster.plugins.module_utils.rac.runner.RAC_GLOBS",
                        (str(tmp_path / "opt" / "*" / "rac"),))
    assert find_rac(search_path="").endswith("8.3.21.1895/rac")


def counting_rac(tmp_path, fail_times, stderr):
    """A rac that fails `fail_times` times with `stderr`, then prints 'ok'; counts its runs in a file."""
    counter = tmp_path / "runs"
    counter.write_text("0")
    return fake_rac(tmp_path, (
        "p = %r\n"
        "n = int(open(p).read()) + 1\n"
        "open(p, 'w').write(str(n))\n"
        "if n <= %d:\n"
        "    sys.stderr.write(%r)\n"
        "    sys.exit(255)\n"
        "sys.stdout.write('ok')\n") % (str(counter), fail_times, stderr)), counter


@pytest.mark.parametrize("stderr", ["Ошибка соединения с сервером\nConnection refused\n",
                                    "Ошибка соединения с сервером\nConnection reset by peer\n",
                                    " server_addr=tcp://srv:1560 descr=recv returns zero, disconnected line=1644 "
                                    "file=src/rtrsrvc/src/DataExchangeTcpClientImpl.cpp\n"])
def test_transient_failures_are_retried(tmp_path, stderr):
    rac, counter = counting_rac(tmp_path, 2, stderr)
    runner = RacRunner(rac, "h:1", retries=2, backoff=0.01)
    assert runner.run(["cluster", "list"]) == "ok"
    assert counter.read_text() == "3" and runner.calls == 3


def test_transient_failures_give_up_after_the_retries(tmp_path):
    rac, counter = counting_rac(tmp_path, 5, "Ошибка соединения с сервером\nConnection refused\n")
    with pytest.raises(E.RasUnreachableError) as info:
        RacRunner(rac, "h:1", retries=2, backoff=0.01).run(["cluster", "list"])
    assert counter.read_text() == "3"
    assert "after 2 retries" in info.value.describe()


@pytest.mark.parametrize("stderr, error", [
    ("Ошибка операции администрирования\nАдминистратор кластера не аутентифицирован\n", E.ClusterAuthError),
    ("Сеанс с указанным идентификатором не найден\n", E.SessionNotFoundError),
    ("Error parsing option: --bogus\n", E.RacArgumentError),
])
def test_permanent_failures_are_not_retried(tmp_path, stderr, error):
    rac, counter = counting_rac(tmp_path, 5, stderr)
    with pytest.raises(error):
        RacRunner(rac, "h:1", retries=2, backoff=0.01).run(["cluster", "list"])
    assert counter.read_text() == "1"


def test_timeouts_are_retried(tmp_path):
    rac = fake_rac(tmp_path, "import time; time.sleep(5)\n")
    runner = RacRunner(rac, "h", timeout=0.2, retries=1, backoff=0.01)
    with pytest.raises(E.RacTimeoutError):
        runner.run([])
    assert runner.calls == 2


def test_nul_and_oversized_arguments_fail_before_rac_runs(tmp_path):
    rac, counter = counting_rac(tmp_path, 0, "")
    runner = RacRunner(rac, "h:1")
    with pytest.raises(E.ModuleInputError) as info:
        runner.run(build_args(["session", "terminate"], {"error_message": "bye\x00now"}))
    assert "--error-message contains a NUL character" in info.value.describe()
    with pytest.raises(E.ModuleInputError) as info:
        runner.run(build_args(["session", "terminate"], {"error_message": "я" * 70000}))
    assert "--error-message is 140016 bytes long" in info.value.describe()  # the whole --error-message=... argument
    assert counter.read_text() == "0" and runner.calls == 0


# -- hostile rac scripts (issue 19) -------------------------------------------------------------------------------
def shell_rac(tmp_path, body):
    path = tmp_path / "rac"
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


def test_endless_output_is_cut_at_the_bound_with_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(runner_module, "MAX_OUTPUT", 4 * 1024 * 1024)
    rac = shell_rac(tmp_path, "exec yes 'session : 00000000-0000-0000-0000-000000000000'\n")
    started = time.monotonic()
    with pytest.raises(E.RacOutputTooLargeError) as info:
        RacRunner(rac, "h:1", timeout=20, retries=0).run(["session", "list"])
    assert time.monotonic() - started < 10  # cut at the bound, not at the timeout
    assert "rac printed more than 4 MB; it was stopped" in info.value.describe()
    assert "Check that rac_path is 1C's rac" in info.value.describe()


def test_a_timeout_ends_the_wrapper_and_its_children(tmp_path):
    pids = tmp_path / "child.pid"
    rac = shell_rac(tmp_path, "sleep 30 &\necho $! > %s\nwait\n" % pids)
    started = time.monotonic()
    with pytest.raises(E.RacTimeoutError, match=r"no answer after 0\.\d s \(timeout 0.5 s\); rac and its children"):
        RacRunner(rac, "h:1", timeout=0.5, retries=0).run([])
    assert time.monotonic() - started < 0.5 + 3
    child = int(pids.read_text())
    for _attempt in range(50):  # reaped by init at its own pace
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail("the wrapper's child %d outlived the timeout" % child)


def test_one_bad_byte_leaves_utf8_output_utf8():
    text = "user-name : Иванов\nuser-name : Петров\n".encode("utf-8")
    damaged = text[:-3] + b"\xff" + text[-2:]
    decoded = decode(damaged)
    assert "Иванов" in decoded and "\ufffd" in decoded  # the others keep their names; the broken one is marked


def test_cp866_is_chosen_only_for_output_with_no_utf8_in_it():
    # "тал" in CP866 (E2 A0 AB) happens to be a UTF-8 sequence: one accident does not make the text UTF-8
    text = "user-name : Иванов\nuser-name : Наталья\nuser-name : Пётр\n"
    assert decode(text.encode("cp866")) == text


def test_a_bad_byte_in_rac_output_never_unprotects_an_excluded_user(tmp_path):
    """40 sessions, 39 of Иванов (excluded) and one whose name carries a broken byte: before, the whole output was
    read as CP866, Иванов's name changed and all 40 were selected; now 39 stay Иванов, and the broken one is kept."""
    record = "session : 00000000-0000-4000-8000-%012d\ninfobase : 5ab8b0a2-3a2c-4a3a-9e3d-0c4f3f9a0001\n" \
             "user-name : %s\napp-id : 1CV8C\n\n"
    good = "".join(record % (n, "Иванов") for n in range(1, 40)).encode("utf-8")
    bad = (record % (40, "Иванов")).encode("utf-8").replace("ов".encode("utf-8"), b"\xd0\xbe\xff", 1)
    (tmp_path / "out.bin").write_bytes(good + bad)
    rac = fake_rac(tmp_path, "sys.stdout.buffer.write(open(%r, 'rb').read())\n" % str(tmp_path / "out.bin"))
    sessions = RacBackend(rac, "h", 1).sessions("1619820a-d36f-4d8a-a716-1516b1dea077")
    assert [s["user_name"] for s in sessions].count("Иванов") == 39
    assert SessionFilter(exclude_users=["Иванов"]).select(sessions) == []
