# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Do one step on every server of the play at once, in this one process (docs: plugins/modules/fleet.py).

Why an action plugin that runs the modules' bodies in-process (docs/performance.md): a module task costs about
0.27 s of controller CPU per server (0.22 s of it the module's own process start), and forks multiply memory; one
process with a pool across servers does the same calls in a twentieth of the time, memory flat.

Each server's connection settings are what the play's ``module_defaults`` (``group/onec.cluster.rac``) give for
*that* host, templated with that host's variables, exactly as a per-host module task would get them; nothing here
names an inventory variable. The hosts are the play's current batch (``ansible_play_batch``: ``--limit`` and hosts
failed earlier are already out of it).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools
import os
import time

from ansible.errors import AnsibleActionFail
from ansible.executor.module_common import _get_action_arg_defaults
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.onec.cluster.plugins.action.session_wait import InterruptHint, clock
from ansible_collections.onec.cluster.plugins.module_utils import lock_state
from ansible_collections.onec.cluster.plugins.module_utils.errors import ModuleInputError
from ansible_collections.onec.cluster.plugins.module_utils.fleet import (
    DEFAULT_SERVERS_AT_ONCE,
    ServerWait,
    run_fleet,
    run_step,
    wait_fleet,
)
from ansible_collections.onec.cluster.plugins.module_utils.records import parse_duration
from ansible_collections.onec.cluster.plugins.module_utils.safe import register_secrets, safe_value
from ansible_collections.onec.cluster.plugins.module_utils.server_clock import parse_instant
from ansible_collections.onec.cluster.plugins.module_utils.sessions import in_a_call
from ansible_collections.onec.cluster.plugins.modules import (
    connection,
    infobase_info,
    infobase_lock,
    session,
    session_info,
    session_wait,
)

# The modules a step may name: their body (what glue.run_module runs), argument spec and required_by.
STEP_MODULES = {
    "session": (session.end_sessions, session.ARGUMENT_SPEC, session.REQUIRED_BY),
    "connection": (connection.disconnect, connection.ARGUMENT_SPEC, None),
    "session_info": (session_info.gather, session_info.ARGUMENT_SPEC, None),
    "infobase_info": (infobase_info.gather, infobase_info.ARGUMENT_SPEC, None),
    "infobase_lock": (infobase_lock.converge, infobase_lock.ARGUMENT_SPEC, None),
}
# Steps made of several modules' work (run by _lock_first, _window_record, _window_restore): not modules themselves.
COMPOSED_STEPS = ("lock_first", "window_record", "window_lock", "window_restore")
# The fleet-wide wait: every server polled at once, one progress line per poll for the fleet (run by _wait).
WAIT_STEP = "session_wait"
# lock_first's options (the rest are infobase_lock's, as the step passes them on).
LOCK_FIRST_OWN = ("state_file", "by")
# What each part of lock_first is called in a failure message (the same words as the per-host role had).
LOCK_FIRST_LABELS = {"read": "List the infobases to lock",
                     "record": "Record the locks about to be replaced in the state file",
                     "lock": "Lock the infobases first so nobody reconnects"}
display = Display()

# Any member of group/onec.cluster.rac: its module_defaults are the connection settings.
GROUP_MEMBER = "onec.cluster.session_info"


class ActionModule(ActionBase):
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        steps = self._steps(self._task.args.get("steps"))
        hosts = self._task.args.get("hosts") or self._default_hosts(task_vars)
        at_once = int(self._task.args.get("servers_at_once") or DEFAULT_SERVERS_AT_ONCE)
        started = time.monotonic()
        _check_state_file(steps, hosts)
        settings = dict((host, self._settings_or_error(host, task_vars)) for host in hosts)
        templated = time.monotonic()
        check_mode, diff = bool(self._task.check_mode), bool(self._task.diff)
        if steps[0].module == WAIT_STEP:
            results = _wait(steps[0], hosts, settings, check_mode, at_once)
        else:
            results = run_fleet(dict((host, self._part(host, steps, settings[host], check_mode, diff))
                                     for host in hosts), at_once)
        display.vvv("fleet: %d server(s); settings templated in %.2f s, parts done in %.2f s"
                    % (len(hosts), templated - started, time.monotonic() - templated))
        failed = dict((host, server["msg"]) for host, server in results.items() if server["failed"])
        result.update(changed=any(server["changed"] for server in results.values()), results=results,
                      failed_hosts=failed, msg=self._summary(hosts, failed))
        diffs = [d for server in results.values() for step in server.get("steps", []) for d in _as_list(step.get("diff"))]
        if diffs:
            result["diff"] = diffs
        return result

    def _default_hosts(self, task_vars):
        """The play's batch when the task runs once for the play, else only this host (each host does its part).

        A free strategy runs a run_once task on every host and hands each one's result to every host: no host could
        tell its own part. Refused, before anything is done.
        """
        if not self._task.run_once:
            return [task_vars["inventory_hostname"]]
        strategy = "%s" % (self._task.get_play().strategy or "linear")
        if strategy.rsplit(".", 1)[-1] == "free":
            raise AnsibleActionFail("onec.cluster.fleet with run_once needs the linear strategy (the default): under "
                                    "strategy: free Ansible runs it on every host and mixes their results. Nothing "
                                    "was done; remove strategy: free from the play.")
        return task_vars["ansible_play_batch"]

    @staticmethod
    def _steps(steps):
        if not isinstance(steps, list) or not steps:
            raise AnsibleActionFail("steps: give a list of {module: %s, args: {...}}" % "|".join(KNOWN_STEPS))
        chosen = []
        for step in steps:
            if step.get("module") not in KNOWN_STEPS:
                raise AnsibleActionFail("steps: unknown module %r; known: %s"
                                        % (step.get("module"), ", ".join(KNOWN_STEPS)))
            per_host = step.get("per_host_args") or {}
            if not isinstance(per_host, dict) or not all(isinstance(args, dict) for args in per_host.values()):
                raise AnsibleActionFail("steps: per_host_args of %s must map each host to a dict of that module's "
                                        "options" % step["module"])
            if boolean(step.get("enabled", True)):
                chosen.append(Step(step["module"], dict(step.get("args") or {}), step.get("name") or step["module"],
                                   boolean(step.get("show_calls_left", False)), per_host))
        if any(step.module == WAIT_STEP for step in chosen) and len(chosen) > 1:
            # the wait is the fleet's, not one server's step among others: every server waits in the same polls
            raise AnsibleActionFail("steps: %s waits for every server at once; give it as the task's only step"
                                    % WAIT_STEP)
        return chosen

    def _settings_or_error(self, host_name, task_vars):
        """This host's settings, or the error that templating them raised (that host's failure, not the fleet's)."""
        try:
            return self._connection_settings(host_name, task_vars)
        except Exception as exc:  # pylint: disable=broad-except  # e.g. a variable undefined for this host only
            return exc

    def _connection_settings(self, host_name, task_vars):
        """The play's module_defaults for group/onec.cluster.rac, templated with this host's variables."""
        variable_manager = self._task.get_variable_manager()
        host = variable_manager._inventory.get_host(host_name)  # pylint: disable=protected-access
        if host is None:
            raise AnsibleActionFail("hosts: %s is not in the inventory" % host_name)
        templar = self._settings_templar()
        templar.available_variables = variable_manager.get_vars(
            play=self._task.get_play(), host=host, task=self._task, _hosts=task_vars.get("ansible_play_hosts"),
            _hosts_all=task_vars.get("ansible_play_hosts_all"))
        # ansible-core's own lookup of a task's module_defaults (private in 2.19; the collection pins ansible-core);
        # it stops at the first container, as a task's args finalizer templates the rest: so does this, omit dropped
        defaults = _get_action_arg_defaults(GROUP_MEMBER, self._task, templar._engine)  # pylint: disable=W0212
        return templar.template(defaults)

    def _settings_templar(self):
        """One templar for every host, its compiled templates kept: ansible-core compiles a template each time it
        meets it (5 ms each, a dozen per host: 11 s at 200 hosts); the same texts with other variables need not be.
        The cache lives on this templar's own Jinja environment only."""
        if getattr(self, "_fleet_templar", None) is None:
            templar = self._templar.copy_with_new_env(available_variables={})
            environment = templar._engine.environment  # pylint: disable=protected-access
            environment.from_string = functools.lru_cache(maxsize=1024)(environment.from_string)
            self._fleet_templar = templar  # pylint: disable=attribute-defined-outside-init
        return self._fleet_templar

    @staticmethod
    def _part(host, steps, settings, check_mode, diff):
        """This server's part: the steps in order, stopping at the first that fails."""

        def run():
            if isinstance(settings, Exception):
                return dict(steps=[], failed=True, changed=False, msg=_settings_failure(settings))
            done = []
            for step in steps:
                args = step.args_for(host)
                if step.module in COMPOSED_STEPS:
                    outcome = COMPOSED[step.module](host, settings, args, check_mode, diff)
                else:
                    body, spec, required_by = STEP_MODULES[step.module]
                    outcome = run_step(body, spec, dict(settings, **args), check_mode, diff, required_by)
                    if step.show_calls_left and outcome.get("failures"):
                        outcome["still_in_a_call"] = _still_in_a_call(settings, args, outcome["failures"])
                done.append(dict(outcome, module=step.module, name=step.name))
                if outcome.get("failed"):
                    break
            failed = [step for step in done if step.get("failed")]
            return dict(steps=done, failed=bool(failed), changed=any(step.get("changed") for step in done),
                        msg="%s: %s" % (failed[0].pop("label", None) or failed[0]["name"], failed[0].get("msg"))
                        if failed else "")
        return run

    @staticmethod
    def _summary(hosts, failed):
        if not failed:
            return "%d server(s) done" % len(hosts)
        named = "; ".join("%s (%s)" % item for item in failed.items())
        return "%d of %d server(s) failed: %s" % (len(failed), len(hosts), named)


class Step:
    """One step as the task gives it: module, its args, the name a failure message gives it, (session only)
    whether to read the sessions that could not be ended to tell which are inside a call, and the args of some
    hosts of their own (per_host_args: host -> options merged over args for that host)."""

    def __init__(self, module, args, name, show_calls_left, per_host_args=None):
        self.module, self.args, self.name, self.show_calls_left = module, args, name, show_calls_left
        self.per_host_args = per_host_args or {}

    def args_for(self, host):
        """This host's options: the step's args with the host's own per_host_args over them."""
        return dict(self.args, **self.per_host_args.get(host, {}))


KNOWN_STEPS = sorted(list(STEP_MODULES) + list(COMPOSED_STEPS) + [WAIT_STEP])


def _settings_failure(settings):
    return "the connection settings (module_defaults) could not be templated: %s" % settings


def _wait(step, hosts, settings, check_mode, at_once):
    """The fleet-wide session_wait: every server polled at once each poll, until nobody is left on it or its own
    deadline (its wait_until, e.g. its own lock's start, plus wait_for) has passed; one progress line per poll for
    the whole fleet, and the hosts' interrupt hints printed if the run is interrupted meanwhile."""
    waits, results, started = {}, {}, time.time()
    for host in hosts:
        args = step.args_for(host)
        if isinstance(settings[host], Exception):
            failure = dict(failed=True, changed=False, msg=_settings_failure(settings[host]))
            results[host] = _wait_result(failure, step.name)
            continue
        try:
            waits[host] = _server_wait(dict(settings[host], **args), check_mode, started)
        except (ModuleInputError, TypeError, ValueError) as exc:
            results[host] = _wait_result(dict(failed=True, changed=False, msg="%s" % exc), step.name)
    hints = [step.args_for(host).get("interrupt_hint") for host in waits]
    interval = max(1, int(step.args.get("poll_interval", 10)))
    with InterruptHint(" | ".join(hint for hint in hints if hint)):
        waited = wait_fleet(waits, interval, _say_progress(waits, started), check_mode, at_once)
    results.update((host, _wait_result(answer, step.name)) for host, answer in waited.items())
    return dict((host, results[host]) for host in hosts)


def _server_wait(params, check_mode, started):
    """One server's poll and deadline, from its options (wait_for counts from wait_until when given)."""
    wait = parse_duration(params.get("wait_for", "0"))
    start = parse_instant(params["wait_until"]).timestamp() if params.get("wait_until") else started
    poll = functools.partial(run_step, session_wait.poll, session_wait.ARGUMENT_SPEC, params, check_mode)
    return ServerWait(poll, start + wait, boolean(params.get("fail_on_timeout", False)), clock(wait))


def _say_progress(waits, started):
    """One line per poll for the fleet: each server polled, what is left on it and how long it still waits, in the
    words of the per-host wait (``4m10s of 5m00s left; 3 sessions left: ...``)."""

    def say(answers, moment):
        parts = []
        for host, answer in answers.items():
            if answer.get("failed"):
                parts.append("%s: failed" % host)
                continue
            remaining = waits[host].deadline - moment
            whole = clock(waits[host].deadline - started)
            budget = "%s of %s left; " % (clock(remaining), whole) if answer.get("left") and remaining > 0 else ""
            parts.append("%s: %s%s" % (host, budget, answer.get("progress")))
        waiting = sum(1 for answer in answers.values() if answer.get("left") and not answer.get("failed"))
        display.display("fleet: %d of %d server(s) with sessions left; %s" % (waiting, len(answers), "; ".join(parts)))
    return say


def _wait_result(answer, name=None):
    """A server's wait as a fleet result: one step, the server failed when the wait failed it."""
    failed = bool(answer.get("failed"))
    step = dict(answer, module=WAIT_STEP, name=name or WAIT_STEP)
    return dict(steps=[step], failed=failed, changed=False,
                msg="%s: %s" % (name or WAIT_STEP, answer.get("msg")) if failed else "")


def _check_state_file(steps, hosts):
    """A composed step's state_file given for several servers must name each server's own file (``{host}``)."""
    for step in steps:
        given = step.args.get("state_file") if step.module in COMPOSED_STEPS else ""
        if given and len(hosts) > 1 and lock_state.HOST_PLACEHOLDER not in given:
            raise AnsibleActionFail(
                "%s: state_file %s would be the one state file of %d servers, each overwriting the others' "
                "records; nothing was done. Put %s in it (each server's inventory name), or leave it empty for the "
                "default, one file per server." % (step.module, given, len(hosts), lock_state.HOST_PLACEHOLDER))


def _registered_codes(locks):
    """The permission codes of ``locks``, registered as secrets: masked in the audit log and every result after."""
    codes = set(lock.get("permission_code") for lock in locks if lock.get("permission_code"))
    register_secrets(codes)
    return codes


def _read_locks(settings, infobase):
    """Every lock of ``infobase`` (all when None), permission codes included and registered as secrets: the read's
    result with ``locks`` (infobase name -> lock) and ``codes`` added, or the failed read."""
    read = run_step(infobase_info.gather, infobase_info.ARGUMENT_SPEC,
                    dict(settings, infobase=infobase, details=True, show_permission_code=True))
    if read.get("failed"):
        return read
    return dict(read, locks=dict((ib["name"], ib) for ib in read["infobases"]),
                codes=_registered_codes(read["infobases"]))


def _record(path, host, cluster, by, locks, check_mode, label, consequence):
    """Write ``locks`` to ``host``'s state file before anything changes -> None, or the server's failed result
    naming the file and ``consequence`` (what was therefore not done)."""
    try:
        lock_state.record(path, host, cluster, by, locks, check_mode)
    except (OSError, ValueError) as exc:
        return dict(failed=True, changed=False, label=label, state_file=path,
                    msg="cannot write the state file %s on the controller (%s): %s" % (path, exc, consequence))
    return None


def _lock_first(host, settings, args, check_mode, diff):
    """Read the locks about to be replaced (permission codes included), record them in ``host``'s state file, then
    lock: the three parts the per-host role ran as three tasks. A part that fails stops the server here (its
    sessions are not ended), its ``label`` saying which. The codes read never leave this function: the result has
    the lock's own (masked) output only."""
    lock_args = dict((key, value) for key, value in args.items() if key not in LOCK_FIRST_OWN)
    read = _read_locks(settings, lock_args.get("infobase"))
    if read.get("failed"):
        return dict(read, label=LOCK_FIRST_LABELS["read"])
    locks, codes = read["locks"], read["codes"]
    path = lock_state.state_path(host, args.get("state_file") or "")
    if not locks:  # a cluster without an infobase: nothing to record or lock
        return dict(changed=False, cluster=read["cluster"], changed_infobases=[], state_file=path, recorded=[])
    unwritten = _record(path, host, read["cluster"], args.get("by") or "emergency_disconnect", locks, check_mode,
                        LOCK_FIRST_LABELS["record"], "nothing was locked or ended on this server")
    if unwritten:
        return unwritten
    lock_args["infobase"] = sorted(locks)
    outcome = run_step(infobase_lock.converge, infobase_lock.ARGUMENT_SPEC, dict(settings, **lock_args),
                       check_mode, diff)
    outcome = safe_value(dict(outcome, state_file=path, recorded=sorted(locks)), codes)
    if outcome.get("failed"):
        outcome["label"] = LOCK_FIRST_LABELS["lock"]
    return outcome


# What each part of window_record and window_restore is called in a failure message (the per-host role's words).
WINDOW_LABELS = {"read": "Record the current lock of each infobase",
                 "open": "Refuse to start inside another maintenance window",
                 "clock": "Check that the lock's start can be counted on the server's clock",
                 "record": "Write the recorded locks to the state file on the controller",
                 "lock": "Lock the infobases with the message, starting after the grace period",
                 "claim": "Check that this window still holds the infobases",
                 "restore": "Put every lock back as it was"}
# window_record's options that are not infobase_info's or infobase_lock's.
WINDOW_RECORD_OWN = ("state_file", "by", "claim_prefix", "lock_start")


def _window_record(host, settings, args, check_mode, diff):  # pylint: disable=unused-argument
    """Before a window changes anything on this server: read every lock (permission codes included), refuse inside
    another window (its state file exists, or another window's claim is in a lock), check that the lock's start
    (``lock_start``, e.g. +360s) can be counted on the server's clock, write the locks to the state file. The codes
    read never leave this function: the result names the infobases, the cluster and the state file only."""
    path = lock_state.state_path(host, args.get("state_file") or "")
    read = _read_locks(settings, args.get("infobase"))
    if read.get("failed"):
        return dict(changed=False, failed=True, label=WINDOW_LABELS["read"],
                    msg="Could not read the infobases' locks, nothing was changed: %s" % read.get("msg"))
    locks, codes = read["locks"], read["codes"]
    names = [ib["name"] for ib in read["infobases"]]
    refusal = _another_window(path, read["infobases"], args.get("claim_prefix") or "")
    if refusal:
        return dict(changed=False, failed=True, label=WINDOW_LABELS["open"], state_file=path, msg=refusal)
    if names and args.get("lock_start"):
        clock_check = run_step(infobase_lock.converge, infobase_lock.ARGUMENT_SPEC,
                               dict(settings, infobase=names, denied_from=args["lock_start"]), True)
        if clock_check.get("failed"):
            return safe_value(dict(clock_check, changed=False, label=WINDOW_LABELS["clock"]), codes)
    unwritten = _record(path, host, read["cluster"], args.get("by") or "maintenance_window", locks, check_mode,
                        WINDOW_LABELS["record"], "nothing was changed on this server")
    if unwritten:
        return unwritten
    return dict(changed=False, cluster=read["cluster"], names=names, state_file=path, recorded=sorted(locks))


def _another_window(path, infobases, claim_prefix):
    """Why a window cannot start here (the per-host role's words), or "" when no other window is open."""
    if os.path.exists(path):
        where = ("its state file %s exists: the locks a window or an emergency lock replaced are recorded there"
                 % path)
    else:
        claimed = [ib for ib in infobases
                   if claim_prefix and (ib.get("denied_parameter") or "").startswith(claim_prefix)]
        if not claimed:
            return ""
        where = "another window's claim in the lock of %s" % "; ".join(
            "%s: '%s', locked from %s" % (ib["name"], ib["denied_parameter"], ib.get("denied_from") or "now")
            for ib in claimed)
    return ("A maintenance window is already open here (%s): nothing was changed. Let it finish, or recover with "
            "playbooks/unlock.yml -e unlock_from_state_file=true." % where)


def _window_lock(host, settings, args, check_mode, diff):  # pylint: disable=unused-argument
    """The window's lock on this server: infobase_lock with the window's claim, then, after ``claim_settle``
    seconds (waited in this server's own thread: once for the fleet, not once per server), the same lock again
    from the start it got, which changes nothing while the claim is still this window's and fails with
    LockClaimedError (nothing changed, ``still_ours`` naming what still carries this claim) when another window
    wrote its claim meanwhile. ras has no compare-and-set: this is how of two windows at once exactly one proceeds.
    In check mode nothing was locked: no settle, no check."""
    settle = max(0, int(args.get("claim_settle") or 0))
    lock_args = dict((key, value) for key, value in args.items() if key != "claim_settle")
    locked = run_step(infobase_lock.converge, infobase_lock.ARGUMENT_SPEC, dict(settings, **lock_args), check_mode,
                      diff)
    if locked.get("failed"):
        return dict(locked, label=WINDOW_LABELS["lock"])
    if check_mode or not settle or not locked.get("lock"):
        return locked
    controller = os.getppid()
    time.sleep(settle)
    if os.getppid() != controller:
        # ansible-playbook died during the settle (a kill, a crash): this worker runs in a session of its own and
        # would outlive it; the lock stays as set and the state file records what to put back (playbooks/unlock.yml).
        # Setting the lock again now could undo a recovery already under way: stop here.
        return dict(locked, failed=True, label=WINDOW_LABELS["claim"],
                    msg="the controller stopped during the claim settle: nothing more was done on this server")
    start = next(iter(locked["lock"].values()))["denied_from"]
    check = run_step(infobase_lock.converge, infobase_lock.ARGUMENT_SPEC,
                     dict(settings, **dict(lock_args, denied_from=start)))
    if check.get("failed"):
        return dict(check, label=WINDOW_LABELS["claim"], starts_at=locked.get("starts_at"),
                    starts_at_utc=locked.get("starts_at_utc"))
    return dict(locked, claim_checked=True)


def _window_restore(host, settings, args, check_mode, diff):
    """The end of a window on this server: put back exactly the locks its state file recorded (permission codes
    included, never in the result), then remove the file. In check mode nothing was recorded: nothing to do."""
    path = lock_state.state_path(host, args.get("state_file") or "")
    recorded = lock_state.read_state(path)
    if recorded is None:
        if check_mode:
            return dict(changed=False, state_file=path, restored=[])
        return dict(failed=True, changed=False, label=WINDOW_LABELS["restore"], state_file=path,
                    msg="the state file %s is gone: the locks it recorded cannot be put back from it; the "
                        "infobases keep the window's lock" % path)
    if not recorded.get("locks"):  # a cluster without an infobase: nothing was locked
        if not check_mode:
            os.remove(path)
        return dict(changed=False, state_file=path, restored=[])
    codes = _registered_codes(recorded["locks"].values())
    outcome = run_step(infobase_lock.converge, infobase_lock.ARGUMENT_SPEC,
                       dict(settings, cluster=recorded.get("cluster") or settings.get("cluster"), state="restored",
                            restore=recorded["locks"]), check_mode, diff)
    outcome = safe_value(dict(outcome, state_file=path, restored=sorted(recorded["locks"])), codes)
    if outcome.get("failed"):
        outcome["label"] = WINDOW_LABELS["restore"]
    elif not check_mode:
        os.remove(path)  # the window is closed once every lock is back
    return outcome


COMPOSED = {"lock_first": _lock_first, "window_record": _window_record, "window_lock": _window_lock,
            "window_restore": _window_restore}


def _still_in_a_call(settings, session_args, failures):
    """The sessions that could not be ended and are still there inside a call (server or DBMS) or waiting for a
    lock: one more read of the server, only for a server where ending some failed. [] if that read fails too."""
    left = set(failure.get("session") for failure in failures)
    read = run_step(session_info.gather, session_info.ARGUMENT_SPEC,
                    dict(settings, infobase=session_args.get("infobase"),
                         fields=["user_name", "infobase_name", "app_id", "call"]))
    if read.get("failed"):
        return []
    return [session for session in read.get("sessions") or []
            if session.get("session") in left and in_a_call(session["call"])]


def _as_list(value):
    if not value:
        return []
    return value if isinstance(value, list) else [value]
