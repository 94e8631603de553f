# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet form: every server's part of one step, done at once in one process (a pool across servers).

A module's body (``body(module) -> result``, what ``glue.run_module`` runs) is run in-process for each server with
``ServerRun`` standing in for AnsibleModule: the server's options validated with the module's own argument spec,
check mode and --diff as the task has them, warnings collected, fail_json turned into a failed result. Each server's
result is what the module would have returned, secrets masked (``safe.py``), and one server's failure, hang or crash
never touches another's: ``run_fleet`` returns one result per server, always.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import time
from concurrent.futures import ThreadPoolExecutor

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.onec.cluster.plugins.module_utils.errors import RacError
from ansible_collections.onec.cluster.plugins.module_utils.glue import backends_closed
from ansible_collections.onec.cluster.plugins.module_utils.safe import register_secrets, safe_text, safe_value

# Servers done at once by default; each runs its own `concurrency` calls within. A hung server holds one worker for
# its own timeout, never the others.
DEFAULT_SERVERS_AT_ONCE = 64


class StepEnded(Exception):
    """fail_json or exit_json was called: ``result`` is the server's final result."""

    def __init__(self, result):
        super(StepEnded, self).__init__(result.get("msg", ""))
        self.result = result


class ServerRun:
    """What a module body sees of AnsibleModule, for one server's part run in-process."""

    def __init__(self, params, check_mode, diff, secrets):
        self.params = params
        self.check_mode = check_mode
        self._diff = diff
        self.no_log_values = secrets
        self.warnings = []

    def warn(self, warning):
        self.warnings.append("%s" % warning)

    def fail_json(self, msg=None, **result):
        result.setdefault("changed", False)
        raise StepEnded(dict(result, failed=True, msg=msg))

    def exit_json(self, **result):
        raise StepEnded(result)


def run_step(body, spec, params, check_mode=False, diff=False, required_by=None):
    """One server's part: ``body`` run on ``params`` validated with ``spec`` -> the module's result (never raises)."""
    validation = ArgumentSpecValidator(copy.deepcopy(spec), required_by=required_by).validate(params)
    secrets = set(validation._no_log_values)  # pylint: disable=protected-access  # the validator's only output of it
    register_secrets(secrets)  # the audit log masks them (every server's, in this process)
    if validation.error_messages:
        return safe_value(dict(failed=True, changed=False, msg="; ".join(validation.error_messages)), secrets)
    module = ServerRun(validation.validated_parameters, check_mode, diff, secrets)
    try:
        with backends_closed():
            result = body(module)
    except StepEnded as ended:
        result = ended.result
    except RacError as exc:
        exc.locate(module.params.get("ras_host"), module.params.get("ras_port"))
        result = dict(failed=True, changed=False, msg=exc.describe(), error=type(exc).__name__,
                      rac_command=exc.command)
    except Exception as exc:  # pylint: disable=broad-except  # one server's crash is its own failure, not the fleet's
        where = "%s:%s" % (params.get("ras_host"), params.get("ras_port"))
        result = dict(failed=True, changed=False, error=type(exc).__name__,
                      msg="unexpected error on ras %s: %s: %s" % (where, type(exc).__name__, exc))
    if module.warnings:
        result["warnings"] = [safe_text(warning, secrets) for warning in module.warnings]
    return safe_value(result, secrets)


def run_fleet(parts, servers_at_once=DEFAULT_SERVERS_AT_ONCE):
    """``parts``: server name -> a function of no argument returning that server's result (run_step's).

    All run in a pool of ``servers_at_once`` threads -> server name -> result, in the order of ``parts``.
    """
    if not parts:
        return {}
    with ThreadPoolExecutor(max_workers=max(1, min(servers_at_once, len(parts)))) as pool:
        futures = [(name, pool.submit(_never_raising, part)) for name, part in parts.items()]
        return dict((name, future.result()) for name, future in futures)


def _never_raising(part):
    try:
        return part()
    except Exception as exc:  # pylint: disable=broad-except  # a part that crashed fails its server only
        return dict(failed=True, changed=False, msg="%s: %s" % (type(exc).__name__, exc))


class ServerWait:
    """One server's part of a fleet-wide wait: ``poll`` (no argument -> run_step's result of one session_wait poll),
    ``deadline`` (epoch seconds: when it stops waiting), whether sessions still there then fail it, and how long
    the wait was, as a failure message says it."""

    def __init__(self, poll, deadline, fail_on_timeout=False, wait_text="the wait"):
        self.poll, self.deadline, self.fail_on_timeout, self.wait_text = poll, deadline, fail_on_timeout, wait_text


def wait_fleet(waits, interval, say, check_mode=False, servers_at_once=DEFAULT_SERVERS_AT_ONCE, now=None, sleep=None):
    """Poll every server still waiting at once, ``say(answers, moment)`` once per poll for the whole fleet, until each
    server has nobody left, failed, or is past its own deadline (check mode: one poll).

    ``waits``: server -> ServerWait. -> server -> its last poll's result plus ``polls`` and ``waited`` (seconds); a
    server past its deadline with something left and ``fail_on_timeout`` is failed, naming what is left. A hung
    server holds its own poll, until its timeout; the next poll of the others waits for that round only.
    """
    now = now or time.time
    sleep = sleep or time.sleep
    started = now()
    results, polls = {}, dict((name, 0) for name in waits)
    waiting = list(waits)
    while waiting:
        answers = run_fleet(dict((name, waits[name].poll) for name in waiting), servers_at_once)
        moment = now()
        for name, answer in answers.items():
            polls[name] += 1
            results[name] = dict(answer, polls=polls[name], waited=int(round(moment - started)))
        say(answers, moment)
        waiting = [name for name, answer in answers.items()
                   if not check_mode and not answer.get("failed") and answer.get("left")
                   and moment < waits[name].deadline]
        if waiting:
            sleep(max(0, min([interval] + [waits[name].deadline - moment for name in waiting])))
    for name, result in results.items():
        if waits[name].fail_on_timeout and not check_mode and not result.get("failed") and result.get("left"):
            result.update(failed=True, msg="Still there after %s: %s (%s)"
                          % (waits[name].wait_text, result.get("progress"), name))
    return results
