# -*- coding: utf-8 -*-
"""What a failure or a vanished session looks like in a result: the words a playbook or an operator acts on.

end_each: a session gone before its turn is ``already_gone``, never a failure; fail_from_error: the failure names
the error's class (playbooks branch on ``error``), the server and the masked command.
"""

import pytest

from ansible_collections.onec.cluster.plugins.module_utils import errors as E
from ansible_collections.onec.cluster.plugins.module_utils.glue import fail_from_error
from ansible_collections.onec.cluster.plugins.module_utils.bulk import end_each

SESSIONS = [{"session": "s%d" % number, "session_id": number, "user_name": "user %d" % number}
            for number in range(1, 5)]


def end_one(record):
    """s2 ended in between (rac: session not found), s3's server refuses; the others end."""
    if record["session"] == "s2":
        raise E.SessionNotFoundError("Сеанс не найден", from_rac=True)
    if record["session"] == "s3":
        raise E.RasBackendError("recv returns zero, disconnected", from_rac=True)


@pytest.mark.parametrize("concurrency", [1, 8])
def test_a_session_gone_before_its_turn_is_already_gone_not_failed(concurrency):
    ended, already_gone, failed = end_each(SESSIONS, end_one, E.SessionNotFoundError, concurrency=concurrency)
    assert [s["session"] for s in ended] == ["s1", "s4"]
    assert [s["session"] for s in already_gone] == ["s2"] and "error" not in already_gone[0]
    assert [s["session"] for s in failed] == ["s3"]
    assert failed[0]["error"].startswith(E.RasBackendError.summary)


class FailingModule:
    """What fail_from_error uses of AnsibleModule: params and fail_json (which exits)."""

    params = {"ras_host": "srv1c-01", "ras_port": 1545}

    def __init__(self):
        self.failure = None

    def fail_json(self, **result):
        self.failure = result
        raise SystemExit(1)


def test_a_failure_names_the_error_class_the_server_and_the_command():
    module = FailingModule()
    error = E.InfobaseAuthError("Недостаточно прав пользователя на информационную базу", command=["rac", "infobase"],
                                from_rac=True)
    with pytest.raises(SystemExit):
        fail_from_error(module, error, infobase="buh")
    failure = module.failure
    assert failure["error"] == "InfobaseAuthError"
    assert failure["msg"].startswith(E.InfobaseAuthError.summary + " (ras srv1c-01:1545)")
    assert failure["rac_command"] == ["rac", "infobase"]
    assert failure["changed"] is False and failure["infobase"] == "buh"
