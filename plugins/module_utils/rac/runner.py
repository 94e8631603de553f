# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Find rac, turn options into its argument list, run it. Never through a shell.

One table (OPTIONS) says how each option becomes an argument, so quoting and
empty-value rules live in one place:
- values are always passed as one ``--name=value`` argument: quotes, newlines,
  ``$()``, ``;`` and Cyrillic reach rac literally (execve, no shell);
- an empty string is passed as ``--name=``, which rac reads as "clear this
  field" (denied-from, denied-message, permission-code...);
- ``None`` leaves the option out; rac rejects an empty ``--cluster-user=``,
  so credentials are left out rather than passed empty.
The ras address goes last: a host named like a rac word (``server``) is only
understood there.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import glob
import os
import re
import selectors
import signal
import subprocess
import time

from ansible_collections.onec.cluster.plugins.module_utils.backend import retrying
from ansible_collections.onec.cluster.plugins.module_utils.errors import (
    ModuleInputError,
    RacNotFoundError,
    RacOutputTooLargeError,
    RacTimeoutError,
    error_from_run,
)

# Linux refuses a single argument longer than this (MAX_ARG_STRLEN); rac's own limit is not known.
MAX_ARGUMENT = 131072 - 1

# What is read of one rac run (stdout and stderr together): a list of 30,000 sessions is about 60 MB.
MAX_OUTPUT = 128 * 1024 * 1024

# Options whose values are secrets: masked wherever a command is shown.
SECRET_OPTIONS = frozenset(["--cluster-pwd", "--infobase-pwd", "--permission-code", "--db-pwd", "--agent-pwd"])
MASK = "********"


def _text(value):
    return value


def _on_off(value):
    return "on" if value else "off"


def _yes_no(value):
    return "yes" if value else "no"


# python name -> (rac option, how the value is written; None for a bare flag)
OPTIONS = {
    "cluster": ("--cluster", _text),
    "cluster_user": ("--cluster-user", _text),
    "cluster_password": ("--cluster-pwd", _text),
    "infobase": ("--infobase", _text),
    "infobase_user": ("--infobase-user", _text),
    "infobase_password": ("--infobase-pwd", _text),
    "session": ("--session", _text),
    "process": ("--process", _text),
    "connection": ("--connection", _text),
    "licenses": ("--licenses", None),
    "error_message": ("--error-message", _text),
    "sessions_deny": ("--sessions-deny", _on_off),
    "scheduled_jobs_deny": ("--scheduled-jobs-deny", _on_off),
    "denied_from": ("--denied-from", _text),
    "denied_to": ("--denied-to", _text),
    "denied_message": ("--denied-message", _text),
    "denied_parameter": ("--denied-parameter", _text),
    "permission_code": ("--permission-code", _text),
    "external_session_manager_required": ("--external-session-manager-required", _yes_no),
}

# Credentials that rac rejects when empty: leave them out instead.
_OMIT_WHEN_EMPTY = frozenset(["cluster_user", "cluster_password", "infobase_user", "infobase_password"])

# Where the 1C installer puts rac on Linux, newest version first.
RAC_GLOBS = ("/opt/1cv8/x86_64/*/rac", "/opt/1cv8/*/rac", "/opt/1C/v8.3/x86_64/rac")


def _version_key(path):
    return [int(part) if part.isdigit() else -1 for part in re.split(r"[./]", path)]


def find_rac(rac_path=None, search_path=None):
    """rac_path, else rac on PATH, else the newest /opt/1cv8/... install."""
    if rac_path:
        if os.path.isfile(rac_path) and os.access(rac_path, os.X_OK):
            return rac_path
        raise RacNotFoundError("rac_path '%s' is not an executable file" % rac_path)
    for directory in (search_path if search_path is not None else os.environ.get("PATH", "")).split(os.pathsep):
        candidate = os.path.join(directory, "rac") if directory else ""
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    found = []
    for pattern in RAC_GLOBS:
        found.extend(p for p in glob.glob(pattern) if os.access(p, os.X_OK))
    if found:
        return sorted(found, key=_version_key)[-1]
    raise RacNotFoundError("no rac on PATH and none under /opt/1cv8")


def build_args(words, options):
    """['session', 'list'] + {'cluster': u, ...} -> rac arguments (without rac and address)."""
    args = list(words)
    for name, value in options.items():
        if value is None or value is False and OPTIONS[name][1] is None:
            continue
        if name in _OMIT_WHEN_EMPTY and value == "":
            continue
        option, fmt = OPTIONS[name]
        if fmt is None:
            args.append(option)
        else:
            args.append("%s=%s" % (option, fmt(value)))
    return args


def mask_args(args):
    """The same arguments with secret values replaced, safe for results and errors."""
    masked = []
    for arg in args:
        option, sep, value = arg.partition("=")
        if sep and option in SECRET_OPTIONS and value:
            arg = "%s=%s" % (option, MASK)
        masked.append(arg)
    return masked


def rac_environment():
    """UTF-8 output, English client texts (server texts stay in the server's language)."""
    env = dict(os.environ)
    env["LC_ALL"] = "C.UTF-8"
    env["LANG"] = "C.UTF-8"
    env.pop("LANGUAGE", None)
    return env


_HIGH_BYTES = bytes(range(0x80, 0x100))


def decode(data):
    """rac's output as text, decided the way rac's platform writes it: UTF-8 on Linux, the OEM code page (CP866) on
    Russian Windows.

    UTF-8 when the output is UTF-8 as a whole. Otherwise CP866 only when it reads as CP866: most of its non-ASCII
    bytes are no UTF-8 (a Cyrillic letter in CP866 is one byte, which pairs up into a UTF-8 sequence only now and
    then). Output that is UTF-8 but for a few broken bytes stays UTF-8, each broken byte U+FFFD, so one bad byte
    never changes every other name (sessions.py treats a name holding U+FFFD as not decoded exactly).
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd") - data.count("\ufffd".encode("utf-8"))
    non_ascii = len(data) - len(data.translate(None, _HIGH_BYTES))
    if broken * 8 <= non_ascii:
        return text
    return data.decode("cp866", errors="replace")


def check_arguments(args):
    """What an argument list cannot carry fails here, naming the option, before rac runs."""
    for arg in args:
        option = arg.partition("=")[0]
        if "\x00" in arg:
            raise ModuleInputError("%s contains a NUL character, which no program can receive on its command line"
                                   % option)
        if len(arg.encode("utf-8")) > MAX_ARGUMENT:
            raise ModuleInputError("%s is %d bytes long; a command-line argument can be at most %d"
                                   % (option, len(arg.encode("utf-8")), MAX_ARGUMENT))


class RacRunner:
    """Runs one rac command against one ras address; raises typed errors.

    Transient failures (ras unreachable, a timeout, ras losing its link to the
    cluster) are retried ``retries`` times with a growing pause; permanent ones
    (credentials, not found, bad argument) never are.
    """

    def __init__(self, rac, address, timeout=30, retries=2, backoff=0.5):
        self.rac = rac
        self.address = address
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.calls = 0
        self._env = rac_environment()

    def argv(self, args):
        return [self.rac] + list(args) + [self.address]

    def run(self, args):
        argv = self.argv(args)
        check_arguments(argv)
        return retrying(lambda: self._run_once(argv), self.retries, self.backoff)

    def _run_once(self, argv):
        self.calls += 1
        try:
            # rac in a session (and process group) of its own: Ctrl-C or a SIGTERM to the playbook's process group
            # must not kill a rac whose call ras already carried out (its outcome would be lost); the module stops
            # instead, letting the calls in flight finish (bulk.py). A timeout or too much output ends the whole
            # group: a wrapper script's children too.
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    env=self._env, start_new_session=True)
        except OSError as exc:
            if exc.errno == errno.E2BIG:
                raise ModuleInputError("the rac command line is too long for this system", command=mask_args(argv))
            raise RacNotFoundError("cannot run %s: %s" % (self.rac, exc.strerror), command=mask_args(argv))
        started = time.monotonic()
        try:
            out, err = read_bounded(proc, started + self.timeout, MAX_OUTPUT)
        except subprocess.TimeoutExpired:
            end_group(proc)
            raise RacTimeoutError("no answer after %.1f s (timeout %s s); rac and its children were ended"
                                  % (time.monotonic() - started, self.timeout), command=mask_args(argv))
        except _TooMuch:
            end_group(proc)
            raise RacOutputTooLargeError(
                "rac printed more than %d MB; it was stopped and its output dropped" % (MAX_OUTPUT >> 20),
                command=mask_args(argv))
        finally:
            for stream in (proc.stdout, proc.stderr):
                stream.close()
        stdout = decode(out)
        if proc.returncode != 0:
            raise error_from_run(proc.returncode, decode(err), stdout, command=mask_args(argv))
        return stdout


class _TooMuch(Exception):
    """rac's output went over the bound."""


def read_bounded(proc, deadline, limit):
    """(stdout, stderr) of proc, read until both close and proc exits; subprocess.TimeoutExpired past ``deadline``,
    _TooMuch past ``limit`` bytes. Each stream grows one buffer (no list of chunks joined at the end: that would
    hold the output twice)."""
    chunks = {proc.stdout: bytearray(), proc.stderr: bytearray()}
    total = 0
    with selectors.DefaultSelector() as selector:
        for stream in chunks:
            selector.register(stream, selectors.EVENT_READ)
        while selector.get_map():
            left = deadline - time.monotonic()
            if left <= 0:
                raise subprocess.TimeoutExpired(proc.args, left)
            for key, _events in selector.select(left):
                data = os.read(key.fd, 1 << 20)
                if not data:
                    selector.unregister(key.fileobj)
                    continue
                chunks[key.fileobj] += data
                total += len(data)
                if total > limit:
                    raise _TooMuch()
    proc.wait(max(0.01, deadline - time.monotonic()))
    return chunks[proc.stdout], chunks[proc.stderr]


def end_group(proc):
    """rac's whole process group killed (it leads its own group: start_new_session), then rac reaped. Called before
    rac is reaped, so the group id is still rac's own."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:  # the group is gone already: every process of it exited
        pass
    proc.wait()
