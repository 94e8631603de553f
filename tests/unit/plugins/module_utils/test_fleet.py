# -*- coding: utf-8 -*-
"""The fleet form's in-process runs: each server's part validated with the module's own spec, its failure its own,
its secrets masked; one server's hang or crash never touches the others' results. And the concurrency choice."""

import threading

import pytest

from ansible_collections.onec.cluster.plugins.module_utils import errors as E
from ansible_collections.onec.cluster.plugins.module_utils.bulk import MAX_CONCURRENCY, choose_concurrency
from ansible_collections.onec.cluster.plugins.module_utils.fleet import run_fleet, run_step
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


CHOICES = [("rac", None, 8), ("native", None, 32), (None, None, 8), ("native", 4, 4), ("native", 500, MAX_CONCURRENCY)]


@pytest.mark.parametrize("backend, asked, chosen", CHOICES)
def test_concurrency_defaults_per_backend_and_is_capped(backend, asked, chosen):
    warnings = []
    assert choose_concurrency(dict(backend=backend, concurrency=asked), warnings.append) == chosen
    assert bool(warnings) == (asked == 500)


def test_concurrency_below_one_is_refused():
    with pytest.raises(E.ModuleInputError):
        choose_concurrency(dict(concurrency=0), lambda warning: None)
