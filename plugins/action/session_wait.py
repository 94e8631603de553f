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
import os
import signal
import time

from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.onec.cluster.plugins.module_utils.errors import ModuleInputError
from ansible_collections.onec.cluster.plugins.module_utils.records import parse_duration
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


class InterruptHint:
    """While the wait runs, print ``hint`` on the controller's terminal if the run is interrupted (Ctrl-C).

    ansible-core 2.19 runs this plugin in a worker process detached from the terminal (own session, stdio on
    /dev/null): Ctrl-C reaches only the main process, which prints "User interrupted execution" and ends the workers
    with SIGTERM, and the display queue is going away with it. So the worker keeps a descriptor of the main
    process's stderr, opened while the wait starts, and writes the hint there straight from the signal handler,
    then lets the worker end as it would have. KeyboardInterrupt (a worker on the terminal, as in other Ansible
    versions) prints it too. The stderr of the main process is found through /proc (Linux, where Ansible
    controllers run); elsewhere the hint printed before the wait is all there is.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self, hint):
        self.hint = hint
        self.fd = None
        self.previous = {}
        self.said = False

    def __enter__(self):
        if not self.hint:
            return self
        try:
            self.fd = os.open("/proc/%d/fd/2" % os.getppid(), os.O_WRONLY | os.O_APPEND)
        except OSError:
            self.fd = None
        try:
            for signum in self.SIGNALS:
                self.previous[signum] = signal.signal(signum, self._on_signal)
        except ValueError:  # not the main thread of the process: no handler, KeyboardInterrupt still says it
            pass
        return self

    def __exit__(self, kind, value, trace):
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)
        if kind is KeyboardInterrupt:
            self.say()
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
        return False  # re-raise whatever ended the wait

    def say(self):
        if self.said:
            return
        self.said = True
        text = ("\n[WARNING]: interrupted during the wait: %s\n" % self.hint).encode("utf-8", "replace")
        for fd in (self.fd, 2):
            if fd is None:
                continue
            try:
                os.write(fd, text)
                return
            except OSError:
                continue

    def _on_signal(self, signum, frame):
        self.say()
        handler = self.previous.get(signum)
        signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
        if callable(handler):
            handler(signum, frame)
        elif signum == signal.SIGINT:
            raise KeyboardInterrupt()
        else:
            os.kill(os.getpid(), signum)


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
        with InterruptHint(args.get("interrupt_hint")):
            return self._wait(args, task_vars, wait, interval, who, deadline)

    def _wait(self, args, task_vars, wait, interval, who, deadline):
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
