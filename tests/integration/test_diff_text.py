# -*- coding: utf-8 -*-
"""--diff of infobase_lock and session shows Cyrillic as text (UTF-8 bytes on the terminal), not \\u escapes."""

import json
import os
import re
import subprocess

import pytest

from conftest import ROOT
from integration.conftest import INTEGRATION, ansible_env, tool

pytestmark = pytest.mark.integration


def test_diff_shows_cyrillic_as_text(make_fleet, tmp_path):
    fleet = make_fleet(servers=1, infobases=3, sessions=12)
    state = fleet.state()
    user = next(s["user-name"] for s in state["sessions"].values() if s["user-name"] and s["app-id"] == "1CV8C")
    infobase = fleet.servers[0]["infobases"][0]
    extra = tmp_path / "vars.json"
    extra.write_text(json.dumps({"diff_user": user, "diff_infobase": infobase}), encoding="utf-8")
    home = tmp_path / "home"
    home.mkdir()
    proc = subprocess.run(
        [tool("ansible-playbook"), "-i", fleet.inventory, os.path.join(INTEGRATION, "files", "diff_cyrillic.yml"),
         "-e", "@%s" % extra, "--check", "--diff"],
        capture_output=True, env=ansible_env(HOME=str(home), ONEC_CLUSTER_HOME=str(home / "onec")), cwd=ROOT,
        check=False, timeout=300)
    out = proc.stdout
    assert proc.returncode == 0, out.decode("utf-8", "replace") + proc.stderr.decode("utf-8", "replace")
    assert b"\\u04" not in out, "Cyrillic escaped in the diff"
    # the lock: its message and the infobase, under a header that says where
    assert re.search('\n\\+ +"denied_message": "Обновление конфигурации, вход закрыт до 23:00",\n'.encode("utf-8"), out)
    assert ("--- before: infobase locks (ras 127.0.0.1:%d" % fleet.servers[0]["port"]).encode("utf-8") in out
    assert ('"%s": {' % infobase).encode("utf-8") in out
    # the sessions: the user's, with infobase names, before; none after
    assert b"--- before: sessions (ras " in out
    assert re.search(('\n- +"[^"\n]+ %s #[0-9]+ 1CV8C \\(' % re.escape(user)).encode("utf-8"), out)
    assert b"code-that-never-shows" not in out
    assert state["sessions"].keys() == fleet.state()["sessions"].keys(), "check mode ended sessions"
