# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Ansible side of every module: the shared options (each argument spec beside its doc fragment), a client
from them on the chosen backend, errors to fail_json.

This is the one file that builds a backend, and it imports only the wing the chosen backend needs (rac/ or
native/), inside client_from_params: a module run loads one backend, never both.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import atexit
import contextlib
import json
import threading

from ansible.module_utils.common.parameters import env_fallback

from ansible_collections.onec.cluster.plugins.module_utils.client import Client
from ansible_collections.onec.cluster.plugins.module_utils.errors import ModuleInputError, RacError
from ansible_collections.onec.cluster.plugins.module_utils.safe import guard
from ansible_collections.onec.cluster.plugins.module_utils.server_clock import ServerClock

BACKENDS = ("rac", "native")

# The native backends built in this thread while backends_closed() is open (the fleet action runs many servers in
# one process: each server's RAS connections are closed when its part ends, not when the process exits).
_OPENED = threading.local()

# -- shared options: argument spec <-> doc fragment (tests/unit/plugins/module_utils/test_glue.py holds them equal) --
# Doc fragment onec.cluster.connection: every module.
# A secret or a setting an execution environment injects (the AWX credential type of extensions/awx/) falls back
# to its ONEC_* environment variable when the task does not set it (as community.postgresql reads PGUSER).
CONNECTION_OPTIONS = dict(
    ras_host=dict(type="str", default="localhost", fallback=(env_fallback, ["ONEC_RAS_HOST"])),
    ras_port=dict(type="int", default=1545, fallback=(env_fallback, ["ONEC_RAS_PORT"])),
    backend=dict(type="str", default="rac", choices=list(BACKENDS)),
    rac_path=dict(type="path"),
    cluster=dict(type="str"),
    cluster_user=dict(type="str", fallback=(env_fallback, ["ONEC_CLUSTER_USER"])),
    cluster_password=dict(type="str", no_log=True, fallback=(env_fallback, ["ONEC_CLUSTER_PASSWORD"])),
    infobase_user=dict(type="str", fallback=(env_fallback, ["ONEC_INFOBASE_USER"])),
    infobase_password=dict(type="str", no_log=True, fallback=(env_fallback, ["ONEC_INFOBASE_PASSWORD"])),
    timeout=dict(type="int", default=30),
    retries=dict(type="int", default=2),
    server_timezone=dict(type="str"),
)

# Doc fragment onec.cluster.session_filters: session_info, session and session_wait.
SESSION_FILTER_OPTIONS = dict(
    infobase=dict(type="list", elements="str"),
    user=dict(type="list", elements="str"),
    app_id=dict(type="list", elements="str"),
    host=dict(type="list", elements="str"),
    client_ip=dict(type="list", elements="str"),
    idle_for=dict(type="str"),
    hibernated=dict(type="bool"),
    exclude_users=dict(type="list", elements="str"),
    exclude_app_ids=dict(type="list", elements="str"),
)

# Doc fragment onec.cluster.audit: every module that changes something. Not set (None) means the default file, read
# from the environment when the module runs; "" turns the log off.
AUDIT_OPTIONS = dict(
    audit_log=dict(type="path"),
)

# Each shared argument spec and the doc fragment that documents it.
DOC_FRAGMENTS = (
    ("connection", CONNECTION_OPTIONS),
    ("session_filters", SESSION_FILTER_OPTIONS),
    ("audit", AUDIT_OPTIONS),
)


def connection_argument_spec():
    """The options of doc fragment onec.cluster.connection, the same in every module (a fresh copy)."""
    return dict((name, dict(spec)) for name, spec in CONNECTION_OPTIONS.items())


def argument_spec(**module_options):
    spec = connection_argument_spec()
    spec.update(module_options)
    return spec


# A TCP port: Python's socket would take 109029 as 109029 % 65536 = 43493, another port, silently.
PORT_RANGE = (1, 65535)


def client_from_params(params):
    """A Client on the backend the options name: rac (runs rac) or native (speaks the RAS protocol itself)."""
    if not PORT_RANGE[0] <= params["ras_port"] <= PORT_RANGE[1]:
        raise ModuleInputError("ras_port %s is not a TCP port: use %d-%d (ras listens on 1545 by default)"
                               % ((params["ras_port"],) + PORT_RANGE))
    options = dict(
        host=params["ras_host"],
        port=params["ras_port"],
        timeout=params["timeout"],
        # an empty value (an AWX credential's blank field, injected as an empty variable) is no credential
        cluster_user=params.get("cluster_user") or None,
        cluster_password=params.get("cluster_password") or None,
        infobase_user=params.get("infobase_user") or None,
        infobase_password=params.get("infobase_password") or None,
        retries=max(0, params.get("retries", 2)),
    )
    if params.get("backend") == "native":
        from ansible_collections.onec.cluster.plugins.module_utils.native.backend import NativeBackend
        backend = NativeBackend(**options)
        opened = getattr(_OPENED, "backends", None)
        if opened is not None:
            opened.append(backend)
        else:
            atexit.register(backend.close)  # ends each RAS connection politely when the module exits
    else:
        from ansible_collections.onec.cluster.plugins.module_utils.rac.backend import RacBackend
        from ansible_collections.onec.cluster.plugins.module_utils.rac.runner import find_rac
        backend = RacBackend(find_rac(params.get("rac_path")), **options)
    return Client(backend)


@contextlib.contextmanager
def backends_closed():
    """The RAS connections of every client built in this thread inside are closed on the way out."""
    _OPENED.backends = []
    try:
        yield
    finally:
        for backend in _OPENED.backends:
            backend.close()
        _OPENED.backends = None


def server_clock(module):
    """The 1C server's clock for this run (server_timezone parsed first: a bad zone fails before any rac call)."""
    return ServerClock(module.params.get("server_timezone"), warn=module.warn)


def text_diff(before, after, header):
    """A --diff whose Cyrillic reads as text.

    Ansible's default callback json-dumps a diff given as dicts with ASCII escapes (\\u0418 for И); given as text
    it shows it as it is. Same layout as the callback's (sorted keys, indent 4), without the escapes.
    """

    def text(value):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, indent=4, separators=(",", ": ")) + "\n"

    return dict(before=text(before), after=text(after), before_header=header, after_header=header)


def fail_from_error(module, exc, **result):
    """fail_json with the error's full, actionable message and its class name."""
    exc.locate(module.params.get("ras_host"), module.params.get("ras_port"))
    result.setdefault("changed", False)
    module.fail_json(msg=exc.describe(), error=type(exc).__name__, rac_command=exc.command, **result)


def run_module(module, body):
    """Run body(module) -> result dict; every RacError becomes an actionable failure.

    Every text the module writes (msg, warnings, results, audit lines) goes through safe.guard: secrets masked
    in whatever shape the server repeats them, control characters escaped.
    """
    guard(module)
    try:
        result = body(module)
    except RacError as exc:
        fail_from_error(module, exc)
    module.exit_json(**result)
