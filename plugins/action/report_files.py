# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write a report's files on the controller, in the controller's process (see plugins/modules/report_files.py).

Why an action plugin: ansible.builtin.copy runs two module processes per file (stat, then copy), about a quarter of
a second each; a report of three files spent more time in them than in reading every server. This writes each file
only when its bytes or mode differ, through a temporary file in the same folder renamed over it (a reader never sees
half a file).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import stat
import tempfile

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.text.converters import to_bytes, to_text
from ansible.plugins.action import ActionBase


def _mode(value, name):
    """'0640' / '640' / 0o640 -> 0o640."""
    try:
        return int(value, 8) if isinstance(value, str) else int(value)
    except (TypeError, ValueError):
        raise AnsibleActionFail("%s: give an octal mode such as '0640', not %r" % (name, value))


def _file_names(files):
    if not isinstance(files, dict) or not files:
        raise AnsibleActionFail("files: give a dict of file name -> content, such as {sessions.json: '...'}")
    for name, content in files.items():
        if not isinstance(name, str) or not name or name in (".", "..") or "/" in name or "\0" in name:
            raise AnsibleActionFail("files: %r is not a plain file name (no folder, no '/')" % (name,))
        if not isinstance(content, str):
            raise AnsibleActionFail("files: the content of %s must be text, not %s" % (name, type(content).__name__))
    return files


def _differs(path, data, mode):
    """Whether ``path`` is missing, holds other bytes, or has another mode."""
    try:
        if stat.S_IMODE(os.stat(path).st_mode) != mode:
            return True
        with open(path, "rb") as handle:
            return handle.read() != data
    except FileNotFoundError:
        return True


def _write(path, data, mode):
    folder = os.path.dirname(path)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".%s." % os.path.basename(path))
    try:
        with os.fdopen(handle, "wb") as out:
            os.fchmod(out.fileno(), mode)
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


class ActionModule(ActionBase):
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        args = self._task.args
        folder = args.get("dest")
        if not folder or not isinstance(folder, str):
            raise AnsibleActionFail("dest: give the folder on the controller to write the files into")
        folder = os.path.abspath(os.path.expanduser(folder))
        files = _file_names(args.get("files"))
        mode = _mode(args.get("mode", "0640"), "mode")
        directory_mode = _mode(args.get("directory_mode", "0750"), "directory_mode")
        check_mode = bool(self._task.check_mode)

        changed_files = []
        if not os.path.isdir(folder):
            if os.path.exists(folder):
                raise AnsibleActionFail("dest: %s exists and is not a folder" % folder)
            changed_files = list(files)
            if not check_mode:
                os.makedirs(folder, mode=directory_mode)
                os.chmod(folder, directory_mode)  # makedirs' mode is narrowed by the umask
        else:
            for name, content in files.items():
                if _differs(os.path.join(folder, name), to_bytes(content, errors="surrogate_or_strict"), mode):
                    changed_files.append(name)
        if not check_mode:
            for name in changed_files:
                try:
                    _write(os.path.join(folder, name), to_bytes(files[name], errors="surrogate_or_strict"), mode)
                except OSError as error:
                    raise AnsibleActionFail("Could not write %s on the controller: %s"
                                            % (os.path.join(folder, name), to_text(error)))
        result.update(changed=bool(changed_files), changed_files=changed_files, dest=folder,
                      files=[os.path.join(folder, name) for name in files])
        return result
