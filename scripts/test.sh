#!/usr/bin/env bash
# The whole test suite, from a fresh clone with only Python 3.11+ installed:
#   ansible-lint, changelog lint, ansible-test sanity, molecule scenarios of the roles, then pytest (unit tests,
#   simulator golden tests, integration tests that run ansible-playbook against the simulator).
# Extra arguments go to pytest, e.g. scripts/test.sh -k session_info
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
cd "$ROOT"

step() { printf '\n==> %s\n' "$*"; }

step "ansible-lint"
ansible-lint --nocolor

step "changelog fragments"
antsibull-changelog lint

step "ansible-test sanity (log: .build/sanity.log)"
mkdir -p .build
if ! bash scripts/sanity.sh > .build/sanity.log 2>&1; then
    grep -E '^(ERROR|FATAL)' .build/sanity.log || tail -40 .build/sanity.log
    echo "ansible-test sanity failed" >&2
    exit 1
fi
grep -c '^Running sanity test' .build/sanity.log | sed 's/^/sanity tests run: /'

step "molecule: every role's scenario against the simulator (log: .build/molecule.log)"
if ! molecule test --all > .build/molecule.log 2>&1; then
    tail -60 .build/molecule.log
    echo "molecule failed" >&2
    exit 1
fi
sed -n '/SCENARIO RECAP/,$p' .build/molecule.log | sed 's/\x1b\[[0-9;]*m//g'

step "pytest: unit, simulator and integration tests"
python -m pytest -n 2 "$@"
