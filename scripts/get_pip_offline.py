# -*- coding: utf-8 -*-
"""Offline stand-in for the "get-pip" script that ansible-test downloads (the internet is not reachable here).

scripts/sanity.sh copies it to <.build/ansible-test-home>/.ansible/test/cache/get_pip_<version>.py (ansible-test runs with
that folder as its HOME, so nothing lands in the real ~/.ansible). ansible-test runs it
with the python of each virtual environment it builds: bootstrap pip from the standard library
(ensurepip), then install what it asked for from the configured package index.
"""
import subprocess
import sys

args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
# A separate process: ensurepip imported here would make pip lose the machine's index configuration.
subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade"])
if args:
    subprocess.check_call([sys.executable, "-m", "pip", "install", "--disable-pip-version-check"] + args)
