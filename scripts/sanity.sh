#!/usr/bin/env bash
# ansible-test sanity on a copy of the collection at <tmp>/ansible_collections/onec/cluster (no Docker).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
# Outside the repo: inside it, ansible-test would ask our git, which ignores the copy.
work="${TMPDIR:-/tmp}/onec.cluster-sanity"
dest="$work/ansible_collections/onec/cluster"
rm -rf "$work" && mkdir -p "$dest"
# The files a clone has (tracked and new, not ignored), or everything but build output outside git.
if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    (cd "$ROOT" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$dest")
else
    (cd "$ROOT" && tar --exclude=./.venv --exclude=./.build --exclude=./.sim -cf - . | tar -xf - -C "$dest")
fi
# ansible-test bootstraps pip in its environments with a script it downloads; give it the offline one.
pip_version="$(python - <<'PY'
import re, ansible_test._internal.python_requirements as m  # where ansible-test pins its pip
print(re.search(r"pip='([0-9.]+)'", open(m.__file__).read()).group(1).replace(".", "_"))
PY
)"
mkdir -p "$HOME/.ansible/test/cache"
cp "$ROOT/scripts/get_pip_offline.py" "$HOME/.ansible/test/cache/get_pip_${pip_version}.py"
cd "$dest"
ansible-test sanity --venv --python 3.11 --color no "$@"
