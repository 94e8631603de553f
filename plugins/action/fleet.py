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
import time

from ansible.errors import AnsibleActionFail
from ansible.executor.module_common import _get_action_arg_defaults
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.onec.cluster.plugins.module_utils.fleet import DEFAULT_SERVERS_AT_ONCE, run_fleet, run_step
from ansible_collections.onec.cluster.plugins.modules import connection, session, session_info

# The modules a step may name: their body (what glue.run_module runs), argument spec and required_by.
STEP_MODULES = {
    "session": (session.end_sessions, session.ARGUMENT_SPEC, session.REQUIRED_BY),
    "connection": (connection.disconnect, connection.ARGUMENT_SPEC, None),
    "session_info": (session_info.gather, session_info.ARGUMENT_SPEC, None),
}
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
        settings = dict((host, self._settings_or_error(host, task_vars)) for host in hosts)
        templated = time.monotonic()
        check_mode, diff = bool(self._task.check_mode), bool(self._task.diff)
        results = run_fleet(dict((host, self._part(steps, settings[host], check_mode, diff)) for host in hosts),
                            at_once)
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
            raise AnsibleActionFail("steps: give a list of {module: session|connection|session_info, args: {...}}")
        chosen = []
        for step in steps:
            if step.get("module") not in STEP_MODULES:
                raise AnsibleActionFail("steps: unknown module %r; known: %s"
                                        % (step.get("module"), ", ".join(sorted(STEP_MODULES))))
            if boolean(step.get("enabled", True)):
                chosen.append((step["module"], dict(step.get("args") or {})))
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
    def _part(steps, settings, check_mode, diff):
        """This server's part: the steps in order, stopping at the first that fails."""

        def run():
            if isinstance(settings, Exception):
                return dict(steps=[], failed=True, changed=False,
                            msg="the connection settings (module_defaults) could not be templated: %s" % settings)
            done = []
            for name, args in steps:
                body, spec, required_by = STEP_MODULES[name]
                outcome = run_step(body, spec, dict(settings, **args), check_mode, diff, required_by)
                done.append(dict(outcome, module=name))
                if outcome.get("failed"):
                    break
            failed = [step for step in done if step.get("failed")]
            return dict(steps=done, failed=bool(failed), changed=any(step.get("changed") for step in done),
                        msg="%s: %s" % (failed[0]["module"], failed[0].get("msg")) if failed else "")
        return run

    @staticmethod
    def _summary(hosts, failed):
        if not failed:
            return "%d server(s) done" % len(hosts)
        named = "; ".join("%s (%s)" % item for item in failed.items())
        return "%d of %d server(s) failed: %s" % (len(failed), len(hosts), named)


def _as_list(value):
    if not value:
        return []
    return value if isinstance(value, list) else [value]
