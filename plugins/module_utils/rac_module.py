# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Ansible side of every module: shared options, a client from them, errors to fail_json."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import atexit
import json

from ansible_collections.onec.cluster.plugins.module_utils.rac_client import RacBackend, RacClient
from ansible_collections.onec.cluster.plugins.module_utils.rac_errors import RacError
from ansible_collections.onec.cluster.plugins.module_utils.rac_runner import find_rac
from ansible_collections.onec.cluster.plugins.module_utils.rac_safe import guard
from ansible_collections.onec.cluster.plugins.module_utils.ras_client import NativeBackend
from ansible_collections.onec.cluster.plugins.module_utils.server_clock import ServerClock

BACKENDS = ("rac", "native")


def connection_argument_spec():
    """The options of doc fragment onec.cluster.connection, the same in every module."""
    return dict(
        ras_host=dict(type="str", default="localhost"),
        ras_port=dict(type="int", default=1545),
        backend=dict(type="str", default="rac", choices=list(BACKENDS)),
        rac_path=dict(type="path"),
        cluster=dict(type="str"),
        cluster_user=dict(type="str"),
        cluster_password=dict(type="str", no_log=True),
        infobase_user=dict(type="str"),
        infobase_password=dict(type="str", no_log=True),
        timeout=dict(type="int", default=30),
        retries=dict(type="int", default=2),
        server_timezone=dict(type="str"),
    )


def argument_spec(**module_options):
    spec = connection_argument_spec()
    spec.update(module_options)
    return spec


def client_from_params(params):
    """A RacClient on the backend the options name: rac (runs rac) or native (speaks the RAS protocol itself)."""
    options = dict(
        host=params["ras_host"],
        port=params["ras_port"],
        timeout=params["timeout"],
        cluster_user=params.get("cluster_user"),
        cluster_password=params.get("cluster_password"),
        infobase_user=params.get("infobase_user"),
        infobase_password=params.get("infobase_password"),
        retries=max(0, params.get("retries", 2)),
    )
    if params.get("backend") == "native":
        backend = NativeBackend(**options)
        atexit.register(backend.close)  # ends each RAS connection politely when the module exits
    else:
        backend = RacBackend(find_rac(params.get("rac_path")), **options)
    return RacClient(backend)


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
    if exc.where is None:
        exc.where = "ras %s:%s" % (module.params.get("ras_host"), module.params.get("ras_port"))
    result.setdefault("changed", False)
    module.fail_json(msg=exc.describe(), error=type(exc).__name__, rac_command=exc.command, **result)


def run_module(module, body):
    """Run body(module) -> result dict; every RacError becomes an actionable failure.

    Every text the module writes (msg, warnings, results, audit lines) goes through rac_safe.guard: secrets masked
    in whatever shape the server repeats them, control characters escaped.
    """
    guard(module)
    try:
        result = body(module)
    except RacError as exc:
        fail_from_error(module, exc)
    module.exit_json(**result)
