#!/usr/bin/env bash
# The whole test suite, from a fresh clone with only Python 3.11+ installed:
#   ansible-lint, changelog lint, ansible-test sanity, the execution environment's build context (ansible-builder),
#   molecule scenarios of the roles, then pytest (unit tests,
#   simulator golden tests, integration tests that run ansible-playbook against the simulator, and the session
#   report's test in headless Chromium where a Chromium is installed: this script never installs system packages).
# It ends with one line per stage: passed or failed, how long it took, and what was skipped and why.
# Extra arguments go to pytest, e.g. scripts/test.sh -k session_info
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
cd "$ROOT"
mkdir -p .build
rm -f .build/pytest.log

STAGES=("ansible-lint" "changelog fragments" "ansible-test sanity" "execution environment" "molecule" "pytest"
        "untouched ~/.ansible")
declare -A RESULT=()
current=
stage_started=$SECONDS

step() {
    current="$1"
    stage_started=$SECONDS
    printf '\n==> %s\n' "$2"
}

done_stage() {  # done_stage "what to say after 'passed'"
    RESULT[$current]="passed ($((SECONDS - stage_started)) s)${1:+; $1}"
    current=
}

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

# However the run ends: check ~/.ansible (a change fails the run), then one line per stage.
summary() {
    local rc=$?
    set +e
    [ -n "$current" ] && RESULT[$current]="FAILED after $((SECONDS - stage_started)) s (exit $rc): see above"
    step "untouched ~/.ansible" "nothing written to $real_ansible_home"
    if check_ansible_home; then
        RESULT[$current]="passed"
    else
        RESULT[$current]="FAILED: the run changed $real_ansible_home (see above)"
        rc=1
    fi
    current=
    printf '\n==> Summary\n'
    for stage in "${STAGES[@]}"; do
        printf '%-20s %s\n' "$stage" "${RESULT[$stage]:-not run}"
    done
    # pytest's own count, last, as a plain "N passed, N failed" line
    if [ -f .build/pytest.log ]; then
        pytest_counts .build/pytest.log
    fi
    exit "$rc"
}
trap summary EXIT

# "pytest: 409 passed, 0 failed, 2 skipped" from pytest's closing line.
pytest_counts() {
    local last
    last="$(grep -E '^=+ .*(passed|failed|error|skipped|no tests ran).* in [0-9.]+s' "$1" | tail -1)" || true
    [ -n "$last" ] || return 0
    echo "pytest: $(number passed "$last") passed, $(( $(number failed "$last") + $(number 'errors?' "$last") )) failed," \
         "$(number skipped "$last") skipped"
}

number() {  # number WORD TEXT: the N of "N WORD" in TEXT, 0 if there is none
    local n
    n="$(grep -oE "[0-9]+ $1" <<< "$2" | head -1 | cut -d' ' -f1)" || true
    echo "${n:-0}"
}

# (no match is no skip: grep's exit 1 must not end the run under pipefail)
# What pytest skipped and why (the SKIPPED lines of -ra, set in pytest.ini: "SKIPPED [2] path:line: reason").
pytest_skips() {
    { grep -E '^SKIPPED \[[0-9]+\] ' "$1" || true; } | sed -E 's/^SKIPPED \[([0-9]+)\] [^ ]+: (.*)$/\1 skipped: \2/' | joined
}

# What ansible-test skipped and why: "shellcheck (program not installed)", "<test> on Python X.Y (<reason>)".
sanity_skips() {
    {
        { grep -oE 'Required program "[^"]+" not found' "$1" || true; } | sed -E 's/Required program "([^"]+)" not found/\1 (the \1 program is not installed)/'
        { grep -oE 'Skipping sanity test "[^"]+"( on Python [0-9.]+)? (because|due to) .*' "$1" || true; } \
            | sed -E 's/\.$//' \
            | sed -E 's/Skipping sanity test "([^"]+)"( on Python [0-9.]+)? (because|due to) (.*)$/\1\2 (\3 \4)/'
    } | sort -u | joined
}

joined() {  # lines -> "a; b; c"
    awk 'NR > 1 { printf "; " } { printf "%s", $0 }'
}

step "ansible-lint" "ansible-lint"
ansible-lint --nocolor
done_stage

step "changelog fragments" "changelog fragments"
antsibull-changelog lint
done_stage

step "ansible-test sanity" "ansible-test sanity (log: .build/sanity.log)"
if ! bash scripts/sanity.sh > .build/sanity.log 2>&1; then
    grep -E '^(ERROR|FATAL)' .build/sanity.log || tail -40 .build/sanity.log
    echo "ansible-test sanity failed" >&2
    exit 1
fi
ran="$(grep -c '^Running sanity test' .build/sanity.log || true)"
skips="$(sanity_skips .build/sanity.log)"
echo "sanity tests run: $ran${skips:+; skipped: $skips}"
done_stage "$ran tests run${skips:+; skipped: $skips}"

step "execution environment" "ansible-builder introspect and create (log: .build/ee.log; no image: no container engine)"
if ! bash scripts/check_ee.sh > .build/ee.log 2>&1; then
    tail -30 .build/ee.log
    echo "execution environment check failed" >&2
    exit 1
fi
tail -1 .build/ee.log
done_stage "build context made, image not built"

step "molecule" "molecule: every role's scenario against the simulator (log: .build/molecule.log)"
if ! molecule test --all > .build/molecule.log 2>&1; then
    tail -60 .build/molecule.log
    echo "molecule failed" >&2
    exit 1
fi
sed -n '/SCENARIO RECAP/,$p' .build/molecule.log | sed 's/\x1b\[[0-9;]*m//g'
scenarios=(extensions/molecule/*/molecule.yml)
done_stage "${#scenarios[@]} scenarios"

step "pytest" "pytest: unit, simulator and integration tests (log: .build/pytest.log)"
# pytest's temporary folders (simulated fleets, playbook homes) inside the checkout, emptied at each run
python -m pytest -n 2 --durations=15 --basetemp="$ROOT/.build/pytest" "$@" 2>&1 | tee .build/pytest.log
done_stage "$(pytest_counts .build/pytest.log | sed 's/^pytest: //')$(s="$(pytest_skips .build/pytest.log)"; [ -n "$s" ] && echo "; $s")"
