# -*- coding: utf-8 -*-
"""The fleet form's in-process runs: each server's part validated with the module's own spec, its failure its own,
its secrets masked; one server's hang or crash never touches the others' results. And the concurrency choice."""

import threading

import pytest

from ansible_collections.onec.cluster.plugins.module_utils import errors as E
from ansible_collections.onec.cluster.plugins.module_utils.bulk import MAX_CONCURRENCY, choose_concurrency
from ansible_collections.onec.cluster.plugins.module_utils.fleet import ServerWait, run_fleet, run_step, wait_fleet
from ansible_collections.onec.cluster.plugins.module_utils.glue import argument_spec
from ansible_collections.onec.cluster.plugins.module_utils.records import MASK

SPEC = argument_spec(count=dict(type="int", default=1))
SECRET = "pa55-word"


def params(**extra):
    return dict(ras_host="srv1", cluster_password=SECRET, **extra)


def test_a_part_gets_its_validated_options_and_the_task_flags():
    seen = {}

    def body(module):
        seen.update(module.params, check=module.check_mode, diff=module._diff)
        module.warn("careful with %s" % SECRET)
        return dict(changed=True, count=module.params["count"])

    result = run_step(body, SPEC, params(count="3"), check_mode=True, diff=True)
    assert result == dict(changed=True, count=3, warnings=["careful with %s" % MASK])
    assert seen["count"] == 3 and seen["ras_port"] == 1545 and seen["check"] and seen["diff"]


def test_bad_options_fail_the_part_before_the_body_runs():
    result = run_step(lambda module: pytest.fail("ran"), SPEC, params(count="many"))
    assert result["failed"] and "count" in result["msg"]


def test_fail_json_a_server_error_and_a_crash_are_the_parts_failure_with_secrets_masked():
    def fails(module):
        module.fail_json(msg="refused %s" % SECRET, matched=2)

    def raises(module):
        raise E.RacError("password %s is wrong" % SECRET)

    def crashes(module):
        raise KeyError(SECRET)

    failed = run_step(fails, SPEC, params())
    assert failed["failed"] and failed["matched"] == 2 and failed["msg"] == "refused " + MASK
    located = run_step(raises, SPEC, params())
    assert located["failed"] and SECRET not in located["msg"] and "srv1" in located["msg"]
    crashed = run_step(crashes, SPEC, params())
    assert crashed["failed"] and crashed["error"] == "KeyError" and SECRET not in crashed["msg"]


def test_one_part_that_hangs_does_not_hold_back_the_others_results():
    release = threading.Event()
    done = []

    def part(name):
        def run():
            if name == "hung":
                release.wait(10)
            done.append(name)
            return dict(changed=False, name=name)
        return run

    def watch():  # the hung part is let go only once the others are done: they never waited for it
        while len(done) < 3:
            threading.Event().wait(0.01)
        release.set()

    threading.Thread(target=watch, daemon=True).start()
    results = run_fleet(dict((name, part(name)) for name in ("a", "hung", "b", "c")), servers_at_once=4)
    assert list(results) == ["a", "hung", "b", "c"] and done[-1] == "hung"
    assert results["b"] == dict(changed=False, name="b")


def test_a_part_that_raises_outside_run_step_fails_only_its_server():
    results = run_fleet({"a": lambda: dict(changed=False), "b": lambda: 1 / 0})
    assert results["a"] == dict(changed=False)
    assert results["b"]["failed"] and "ZeroDivisionError" in results["b"]["msg"]


class FakeClock:
    """now() and sleep() of a fleet wait, without waiting."""

    def __init__(self):
        self.moment = 1000.0
        self.slept = []

    def now(self):
        return self.moment

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.moment += seconds


def polls_of(lefts):
    """A server's polls answering ``lefts`` in turn (the last one again after that)."""
    answers = list(lefts)

    def poll():
        left = answers.pop(0) if len(answers) > 1 else answers[0]
        if left == "down":
            return dict(failed=True, changed=False, msg="cannot connect")
        return dict(changed=False, left=left, progress="%d sessions left" % left)
    return poll


def test_the_fleet_waits_in_common_polls_each_server_until_empty_or_its_own_deadline():
    time = FakeClock()
    said = []
    waits = {
        "empties": ServerWait(polls_of([2, 1, 0]), deadline=1100),
        "stays": ServerWait(polls_of([3]), deadline=1025, fail_on_timeout=True, wait_text="25s"),
        "down": ServerWait(polls_of(["down"]), deadline=1100),
    }
    results = wait_fleet(waits, 10, lambda answers, moment: said.append(sorted(answers)), now=time.now,
                         sleep=time.sleep)
    # one line per poll for the fleet: the down server once; the one that never empties polled last at its deadline
    assert said == [["down", "empties", "stays"], ["empties", "stays"], ["empties", "stays"], ["stays"]]
    assert time.slept == [10, 10, 5]
    assert results["empties"]["left"] == 0 and results["empties"]["polls"] == 3 and not results["empties"].get("failed")
    assert results["stays"]["polls"] == 4 and results["stays"]["waited"] == 25
    assert results["stays"]["failed"] and results["stays"]["msg"] == "Still there after 25s: 3 sessions left (stays)"
    assert results["down"]["failed"] and results["down"]["polls"] == 1 and results["down"]["msg"] == "cannot connect"


def test_a_wait_sleeps_no_longer_than_the_nearest_deadline_and_check_mode_polls_once():
    time = FakeClock()
    waits = {"a": ServerWait(polls_of([1]), deadline=1004), "b": ServerWait(polls_of([1]), deadline=1100)}
    results = wait_fleet(waits, 30, lambda answers, moment: None, now=time.now, sleep=time.sleep)
    assert time.slept[0] == 4 and results["a"]["polls"] == 2 and not results["a"].get("failed")
    checked = wait_fleet(waits, 30, lambda answers, moment: None, check_mode=True, now=time.now, sleep=time.sleep)
    assert [answer["polls"] for answer in checked.values()] == [1, 1]


CHOICES = [("rac", None, 8), ("native", None, 32), (None, None, 8), ("native", 4, 4), ("native", 500, MAX_CONCURRENCY)]


@pytest.mark.parametrize("backend, asked, chosen", CHOICES)
def test_concurrency_defaults_per_backend_and_is_capped(backend, asked, chosen):
    warnings = []
    assert choose_concurrency(dict(backend=backend, concurrency=asked), warnings.append) == chosen
    assert bool(warnings) == (asked == 500)


def test_concurrency_below_one_is_refused():
    with pytest.raises(E.ModuleInputError):
        choose_concurrency(dict(concurrency=0), lambda warning: None)
