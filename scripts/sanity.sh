#!/usr/bin/env bash
# ansible-test sanity on a copy of the collection at <tmp>/ansible_collections/onec/cluster (no Docker).
# Leaves nothing outside the checkout: the copy is in a temporary folder removed on exit (so two checkouts can
# run it at once), and ansible-test's own cache and virtual environments (it writes them to ~/.ansible/test and
# ignores ANSIBLE_HOME) go to .build/ansible-test-home, given to it as its HOME.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
# Outside the repo: inside it, ansible-test would ask our git, which ignores the copy.
work="$(mktemp -d "${TMPDIR:-/tmp}/onec.cluster-sanity.XXXXXX")"
trap 'rm -rf "$work"' EXIT
dest="$work/ansible_collections/onec/cluster"
mkdir -p "$dest"
# The files a clone has (tracked and new, not ignored), or everything but build output outside git.
if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    (cd "$ROOT" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$dest")
else
    (cd "$ROOT" && tar --exclude=./.venv --exclude=./.build --exclude=./.sim -cf - . | tar -xf - -C "$dest")
fi
# pip in ansible-test's environments must still see the machine's index configuration, which may live in the
# real home (~/.config/pip/pip.conf or ~/.pip/pip.conf).
if [ -z "${PIP_CONFIG_FILE:-}" ]; then
    for conf in "${XDG_CONFIG_HOME:-$HOME/.config}/pip/pip.conf" "$HOME/.pip/pip.conf"; do
        if [ -f "$conf" ]; then export PIP_CONFIG_FILE="$conf"; break; fi
    done
fi
test_home="$ROOT/.build/ansible-test-home"
# ansible-test bootstraps pip in its environments with a script it downloads; give it the offline one.
pip_version="$(python - <<'PY'
import re, ansible_test._internal.python_requirements as m  # where ansible-test pins its pip
print(re.search(r"pip='([0-9.]+)'", open(m.__file__).read()).group(1).replace(".", "_"))
PY
)"
mkdir -p "$test_home/.ansible/test/cache"
cp "$ROOT/scripts/get_pip_offline.py" "$test_home/.ansible/test/cache/get_pip_${pip_version}.py"
cd "$dest"
HOME="$test_home" ansible-test sanity --venv --python 3.11 --color no "$@"
