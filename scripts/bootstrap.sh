#!/usr/bin/env bash
# Prepare everything the demo and the tests need, on a machine that has only Python 3.11+:
# a virtual environment in .venv with the pinned tools (requirements-dev.txt), and the
# collection made visible to Ansible as onec.cluster (.build/collections).
# Safe to run again: it reinstalls only when requirements-dev.txt changed.
# Meant to be sourced (by demo.sh, test.sh, ...): it exports PATH, ANSIBLE_COLLECTIONS_PATH, ANSIBLE_HOME,
# ONEC_CLUSTER_HOME and ROOT, and leaves the caller's shell options alone, so every step below fails on its own.
# The file is sourced: `return` leaves the caller's shell running; `|| exit` only serves a direct run.
# shellcheck disable=SC2317
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
VENV="$ROOT/.venv"

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "onec.cluster needs Python 3.11 or newer as '$PYTHON' (ansible-core 2.19 requires it); set PYTHON=..." >&2
    return 1 2>/dev/null || exit 1
fi
stamp="$VENV/.requirements.sha256"
want="$(sha256sum "$ROOT/requirements-dev.txt" | cut -d' ' -f1)"
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "==> Installing the pinned tool chain into .venv (first run takes a minute)"
    # (a machine's pip config may name local package folders that do not exist: drop that warning)
    if ! { "$PYTHON" -m venv "$VENV" &&
           "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip &&
           "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$ROOT/requirements-dev.txt"
         } 2> >(grep -v 'is ignored: it is neither a file nor a directory' >&2); then
        echo "Installing the tool chain failed; see the messages above." >&2
        return 1 2>/dev/null || exit 1
    fi
    echo "$want" > "$stamp"
fi

# Ansible finds collections as <path>/ansible_collections/<namespace>/<name>.
mkdir -p "$ROOT/.build/collections/ansible_collections/onec"
ln -sfn "$ROOT" "$ROOT/.build/collections/ansible_collections/onec/cluster"

export ROOT
export PATH="$VENV/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$ROOT/.build/collections"
export ANSIBLE_CONFIG="$ROOT/ansible.cfg"
# The tests, the demo and the tools write only inside the checkout, never into the operator's ~/.ansible:
# - ANSIBLE_HOME (ansible-core's ~/.ansible: local tmp, galaxy cache, ...) is also where molecule installs the
#   collection and keeps its scenario folders, and where ansible-lint's runtime would (it uses .ansible/ here);
#   ansible-test ignores it (it writes ~/.ansible/test itself): scripts/sanity.sh gives it a home of its own.
# - ONEC_CLUSTER_HOME: the collection's audit log and maintenance-window state files (~/.ansible/onec_cluster),
#   so an operator's audit trail never holds test entries.
export ANSIBLE_HOME="$ROOT/.build/ansible-home"
# the "remote" temp folder of local tasks is ~/.ansible/tmp whatever ANSIBLE_HOME says
export ANSIBLE_REMOTE_TMP="$ANSIBLE_HOME/tmp"
export ONEC_CLUSTER_HOME="$ROOT/.build/onec_cluster"
