#!/usr/bin/env bash
# The whole test suite, from a fresh clone with only Python 3.11+ installed:
#   ansible-lint, changelog lint, ansible-test sanity, molecule scenarios of the roles, then pytest (unit tests,
#   simulator golden tests, integration tests that run ansible-playbook against the simulator).
# Extra arguments go to pytest, e.g. scripts/test.sh -k session_info
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
cd "$ROOT"

step() { printf '\n==> %s\n' "$*"; }

# The run must leave the operator's ~/.ansible as it was (audit log, installed collections, caches): everything
# goes inside the checkout (scripts/bootstrap.sh). Compared by a listing with sizes and modification times.
real_ansible_home="$HOME/.ansible"
ansible_home_listing() {
    if [ -e "$real_ansible_home" ]; then
        find "$real_ansible_home" -printf '%y %s %T@ %P\n' | sort -k4
    else
        echo "(absent)"
    fi
}
listing_before="$(ansible_home_listing)"
check_ansible_home() {
    local after
    after="$(ansible_home_listing)"
    if [ "$after" != "$listing_before" ]; then
        echo "" >&2
        echo "FAILED: the test run changed $real_ansible_home (it must write only inside the checkout):" >&2
        diff -u --label before --label after <(echo "$listing_before") <(echo "$after") | grep '^[-+][^-+]' \
            | head -40 >&2
        echo "(- before, + after; type size mtime path, path relative to $real_ansible_home)" >&2
        return 1
    fi
    echo "$real_ansible_home is as it was before the run"
}
# checked however the run ends; a change fails the run
on_exit() {
    local status=$?
    step "nothing written to $real_ansible_home"
    check_ansible_home || status=1
    exit "$status"
}
trap on_exit EXIT

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
# pytest's temporary folders (simulated fleets, playbook homes) inside the checkout, emptied at each run
python -m pytest -n 2 --basetemp="$ROOT/.build/pytest" "$@"

