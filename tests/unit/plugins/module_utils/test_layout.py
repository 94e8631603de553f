# -*- coding: utf-8 -*-
"""The floor plan of plugins/module_utils (docs/architecture.md) holds: each rule there is one grep, run here.

A rule that breaks names the file and the line, so the fix is to move the code, not to loosen the rule.
"""

import os
import re

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
UTILS = os.path.join(ROOT, "plugins", "module_utils")
PREFIX = "ansible_collections.onec.cluster.plugins.module_utils"


def python_files(*folders):
    for folder in folders:
        for dirpath, _dirs, files in os.walk(os.path.join(ROOT, folder)):
            for name in sorted(files):
                if name.endswith(".py"):
                    yield os.path.relpath(os.path.join(dirpath, name), ROOT)


def imports(path):
    """(line number, imported module_utils path relative to module_utils, indented?) of each import line."""
    found = []
    with open(os.path.join(ROOT, path)) as handle:
        for number, line in enumerate(handle, 1):
            match = re.match(r"(\s*)from %s(?:\.(\S+))? import (\S+)" % re.escape(PREFIX), line)
            if match:
                target = match.group(2) or match.group(3)  # "from ...module_utils.native import codec" -> native
                found.append((number, target, bool(match.group(1))))
    return found


def breaking(paths, forbidden):
    return ["%s:%d imports %s" % (path, number, target) for path in paths
            for number, target, _indented in imports(path) if forbidden(path, target)]


def wing(target):
    return target.split(".")[0] if target.split(".")[0] in ("rac", "native") else None


ALL = list(python_files("plugins"))


def test_the_layout_is_what_ls_shows():
    names = set(os.listdir(UTILS)) - set(["__pycache__"])
    assert set(["rac", "native", "errors.py", "backend.py", "records.py", "client.py", "glue.py"]) <= names
    assert not [n for n in names if n.startswith(("rac_", "ras_"))], "a rac_/ras_ file at the top: it belongs to a wing"
    for folder in ("rac", "native"):
        with open(os.path.join(UTILS, folder, "__init__.py")) as handle:
            assert "GNU General Public License" in handle.read()


def test_the_wings_never_import_each_other():
    # grep -rnE 'module_utils\.native' plugins/module_utils/rac/ ; grep -rnE 'module_utils\.rac\b' plugins/module_utils/native/
    def crossing(path, target):
        here = path.split(os.sep)[2] if path.count(os.sep) > 2 else None
        return here in ("rac", "native") and wing(target) not in (None, here)
    assert breaking(ALL, crossing) == []


def test_only_the_glue_imports_a_wing_and_only_inside_the_function_that_builds_the_backend():
    # grep -rnE '^from \S+module_utils\.(rac|native)\b' plugins/ | grep -vE 'module_utils/(rac|native)/' -> nothing
    bad = []
    for path in ALL:
        if path.startswith(os.path.join("plugins", "module_utils", "rac")) or \
                path.startswith(os.path.join("plugins", "module_utils", "native")):
            continue
        for number, target, indented in imports(path):
            if wing(target) and not (path.endswith(os.path.join("module_utils", "glue.py")) and indented):
                bad.append("%s:%d imports %s" % (path, number, target))
    assert bad == []


@pytest.mark.parametrize("neutral", ["errors.py", "records.py", "backend.py"])
def test_the_neutral_core_imports_nothing_above_it(neutral):
    # errors <- records <- backend: the floor everything else stands on
    allowed = {"errors.py": set(), "records.py": {"errors"}, "backend.py": {"errors"}}[neutral]
    path = os.path.join("plugins", "module_utils", neutral)
    assert [t for _n, t, _i in imports(path) if t not in allowed] == []


def test_no_operation_is_dispatched_by_name():
    # grep -rnE 'getattr\(self\.backend|infobase_label' plugins/ -> nothing
    bad = []
    for path in ALL:
        with open(os.path.join(ROOT, path)) as handle:
            for number, line in enumerate(handle, 1):
                if re.search(r"getattr\(self\.backend|infobase_label", line):
                    bad.append("%s:%d" % (path, number))
    assert bad == []


def test_both_backends_implement_the_interface():
    from ansible_collections.onec.cluster.plugins.module_utils.backend import Backend
    from ansible_collections.onec.cluster.plugins.module_utils.native.backend import NativeBackend
    from ansible_collections.onec.cluster.plugins.module_utils.rac.backend import RacBackend
    for backend in (RacBackend, NativeBackend):
        assert issubclass(backend, Backend) and not backend.__abstractmethods__
