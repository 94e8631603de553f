# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Wait for sessions to leave: run the session_wait module once per poll and print one line per poll.

An action plugin because only the controller side can print while a task runs (as ansible.builtin.pause does);
``until``/``retries`` would print "FAILED - RETRYING" at every poll. What counts as "left" is decided by the
module (module_utils), never here: this file only repeats, waits and prints.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import math
import time

from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.onec.cluster.plugins.module_utils.rac_errors import ModuleInputError
from ansible_collections.onec.cluster.plugins.module_utils.rac_sessions import parse_duration
from ansible_collections.onec.cluster.plugins.module_utils.server_clock import parse_instant, utc_text

display = Display()


def clock(seconds):
    """90 -> '1m30s', 3600 -> '1h00m00s', 5 -> '5s', 0.4 -> '1s' (rounded up: '0s' only when time is up)."""
    seconds = max(0, int(math.ceil(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return "%dh%02dm%02ds" % (hours, minutes, seconds)
    return "%dm%02ds" % (minutes, seconds) if minutes else "%ds" % seconds


class ActionModule(ActionBase):
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        args = dict(self._task.args)  # module_defaults of group/onec.cluster.rac are already merged in
        try:
            wait = parse_duration(args.get("wait_for", "0"))
            interval = max(1, int(args.get("poll_interval", 10)))
            deadline = parse_instant(args["wait_until"]) if args.get("wait_until") else None
        except (ModuleInputError, TypeError, ValueError) as exc:
            result.update(failed=True, msg="%s" % exc)
            return result
        who = task_vars.get("inventory_hostname", "") if task_vars else ""
        if deadline is not None:
            # wait_for counts from wait_until: one instant for every batch of forks, only the time left to it is waited
            deadline += datetime.timedelta(seconds=wait)
            wait = max(0, deadline.timestamp() - time.time())
        started = time.monotonic()
        polls = 0
        while True:
            answer = self._execute_module(module_name="onec.cluster.session_wait", module_args=args,
                                          task_vars=task_vars)
            polls += 1
            if answer.get("failed"):
                return answer
            waited = time.monotonic() - started
            remaining = wait - waited
            done = not answer["left"] or remaining <= 0 or self._task.check_mode
            budget = "%s of %s left; " % (clock(remaining), clock(wait)) if wait and answer["left"] else ""
            display.display("%s: %s%s" % (who, budget, answer["progress"]))
            if done:
                break
            time.sleep(min(interval, remaining))
        answer.update(polls=polls, waited=int(round(time.monotonic() - started)))
        if deadline is not None:
            answer["deadline"] = utc_text(deadline)
        if answer["left"] and boolean(args.get("fail_on_timeout", False)) and not self._task.check_mode:
            answer.update(failed=True, msg="Still there after %s: %s (%s)"
                          % (clock(wait), answer["progress"], who))
        return answer
