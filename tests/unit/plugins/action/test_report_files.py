# -*- coding: utf-8 -*-
"""onec.cluster.report_files: writes a report's files on the controller, each only when it differs."""

import os
import stat
from unittest import mock

import pytest
from ansible.errors import AnsibleActionFail

from ansible_collections.onec.cluster.plugins.action.report_files import ActionModule


def run(dest, files, check_mode=False, **args):
    """The action plugin's run() on a task with these arguments (nothing else of a play is needed)."""
    task = mock.MagicMock(args=dict(args, dest=str(dest), files=files), check_mode=check_mode, diff=False,
                          async_val=0)
    action = ActionModule(task, mock.MagicMock(), mock.MagicMock(), loader=None, templar=None, shared_loader_obj=None)
    with mock.patch("ansible.plugins.action.ActionBase.run", return_value={}):
        return action.run(task_vars={})


def mode_of(path):
    return stat.S_IMODE(os.stat(str(path)).st_mode)


def test_creates_the_folder_and_writes_only_what_differs(tmp_path):
    dest = tmp_path / "report"
    files = {"sessions.json": '{"user": "Иванов"}\n', "sessions.html": "<p>made 10:00</p>"}
    result = run(dest, files)
    assert result["changed"] and sorted(result["changed_files"]) == ["sessions.html", "sessions.json"]
    assert (dest / "sessions.json").read_text(encoding="utf-8") == files["sessions.json"]
    assert mode_of(dest) == 0o750 and mode_of(dest / "sessions.json") == 0o640

    # the same texts again: nothing written; a new page time: only the page
    assert run(dest, files)["changed_files"] == []
    files["sessions.html"] = "<p>made 10:05</p>"
    result = run(dest, files)
    assert result["changed_files"] == ["sessions.html"] and result["changed"]
    # another mode counts as a difference
    os.chmod(str(dest / "sessions.json"), 0o644)
    assert run(dest, files)["changed_files"] == ["sessions.json"] and mode_of(dest / "sessions.json") == 0o640
    assert [name for name in os.listdir(str(dest)) if name.startswith(".")] == []  # no temporary file left


def test_check_mode_writes_nothing(tmp_path):
    dest = tmp_path / "report"
    result = run(dest, {"sessions.csv": "x"}, check_mode=True)
    assert result["changed_files"] == ["sessions.csv"] and not dest.exists()
    dest.mkdir()
    (dest / "sessions.csv").write_text("old")
    assert run(dest, {"sessions.csv": "new"}, check_mode=True)["changed_files"] == ["sessions.csv"]
    assert (dest / "sessions.csv").read_text() == "old"


@pytest.mark.parametrize("files, message", [
    ({"../escape.txt": "x"}, "not a plain file name"),
    ({"a/b.txt": "x"}, "not a plain file name"),
    ({}, "give a dict of file name -> content"),
    ({"a.json": {"not": "text"}}, "must be text"),
])
def test_refuses_names_that_leave_the_folder_and_contents_that_are_not_text(tmp_path, files, message):
    with pytest.raises(AnsibleActionFail, match=message):
        run(tmp_path, files)
    assert os.listdir(str(tmp_path)) == []


def test_a_file_where_the_folder_should_be(tmp_path):
    (tmp_path / "report").write_text("")
    with pytest.raises(AnsibleActionFail, match="exists and is not a folder"):
        run(tmp_path / "report", {"a.csv": "x"})
