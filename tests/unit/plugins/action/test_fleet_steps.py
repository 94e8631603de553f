# -*- coding: utf-8 -*-
"""The fleet task's steps as given: names for failure messages, lock_first's state file per server."""

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
    with pytest.raises(AnsibleActionFail, match="known: connection, lock_first, session, session_info"):
        ActionModule._steps([{"module": "infobase_lock"}])


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
