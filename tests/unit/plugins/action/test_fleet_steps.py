# -*- coding: utf-8 -*-
"""The fleet task's steps as given: names for failure messages, lock_first's state file per server, each host's own
args (per_host_args), the fleet-wide wait alone in its task."""

import pytest
from ansible.errors import AnsibleActionFail

from ansible_collections.onec.cluster.plugins.action.fleet import ActionModule, _check_state_file


def test_steps_keep_their_name_and_skip_the_disabled_ones():
    steps = ActionModule._steps([
        {"module": "lock_first", "enabled": "false", "args": {"state_file": ""}},
        {"module": "session", "name": "End the sessions", "show_calls_left": "yes", "args": {"all": True}},
        {"module": "connection", "args": {"hanging": True}},
    ])
    assert [(s.module, s.name, s.show_calls_left) for s in steps] == [
        ("session", "End the sessions", True), ("connection", "connection", False)]


def test_an_unknown_step_is_refused_naming_the_known_ones():
    with pytest.raises(AnsibleActionFail, match="known: connection, infobase_info, infobase_lock, lock_first, "
                                                "session, session_info, session_wait, window_lock, window_record, "
                                                "window_restore"):
        ActionModule._steps([{"module": "job"}])


def test_per_host_args_go_over_the_steps_args_for_their_host_only():
    step, = ActionModule._steps([{"module": "session_wait", "args": {"wait_for": "60", "poll_interval": 2},
                                  "per_host_args": {"a": {"wait_until": "2030-01-01T00:00:00Z", "wait_for": "5"}}}])
    assert step.args_for("a") == {"wait_for": "5", "poll_interval": 2, "wait_until": "2030-01-01T00:00:00Z"}
    assert step.args_for("b") == {"wait_for": "60", "poll_interval": 2}
    assert step.args == {"wait_for": "60", "poll_interval": 2}  # one host's args never leak into the others'


@pytest.mark.parametrize("per_host", [["a"], {"a": "wait_for=5"}])
def test_per_host_args_must_map_hosts_to_options(per_host):
    with pytest.raises(AnsibleActionFail, match="per_host_args of infobase_lock must map each host"):
        ActionModule._steps([{"module": "infobase_lock", "per_host_args": per_host}])


def test_the_fleet_wide_wait_is_the_only_step_of_its_task():
    with pytest.raises(AnsibleActionFail, match="session_wait waits for every server at once; give it as the task's "
                                                "only step"):
        ActionModule._steps([{"module": "session"}, {"module": "session_wait"}])


@pytest.mark.parametrize("state_file, hosts, refused", [
    ("", ["a", "b"], False),                      # the default: one file per server
    ("/srv/state/{host}.json", ["a", "b"], False),
    ("/srv/state/one.json", ["a"], False),        # one server, one file
    ("/srv/state/one.json", ["a", "b"], True),    # one file for two servers: each would overwrite the other
])
def test_a_state_file_for_several_servers_must_name_each_one(state_file, hosts, refused):
    steps = ActionModule._steps([{"module": "lock_first", "args": {"state_file": state_file}}])
    if refused:
        with pytest.raises(AnsibleActionFail, match=r"Put \{host\} in it"):
            _check_state_file(steps, hosts)
    else:
        _check_state_file(steps, hosts)


def test_a_window_is_refused_where_a_state_file_exists_or_another_windows_claim_is_in_a_lock(tmp_path):
    from ansible_collections.onec.cluster.plugins.action.fleet import _another_window

    free = [{"name": "acc", "denied_parameter": "ADMIN"}, {"name": "hr", "denied_parameter": None}]
    claimed = free + [{"name": "wh", "denied_parameter": "onec.cluster.maintenance_window:abc:2030",
                       "denied_from": "2030-01-01T10:00:00"}]
    path = tmp_path / "srv1.json"
    assert _another_window(str(path), free, "onec.cluster.maintenance_window") == ""
    refused = _another_window(str(path), claimed, "onec.cluster.maintenance_window")
    assert refused.startswith("A maintenance window is already open here (another window's claim in the lock of "
                              "wh: 'onec.cluster.maintenance_window:abc:2030', locked from 2030-01-01T10:00:00)")
    assert refused.endswith("recover with playbooks/unlock.yml -e unlock_from_state_file=true.")
    path.write_text("{}")
    assert "its state file %s exists" % path in _another_window(str(path), free, "onec.cluster.maintenance_window")
