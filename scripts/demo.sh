#!/usr/bin/env bash
# The demo: start two simulated 1C servers with seeded infobases and sessions, then run a playbook
# of the collection against them. Needs only Python 3.11+; the first run installs the tool chain.
#   scripts/demo.sh            list the sessions of the simulated fleet
# The simulated servers stop when the demo ends.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
cd "$ROOT"

SIM_DIR="$ROOT/.sim"
echo "==> Starting two simulated 1C servers (rac simulator, tests/simulator/)"
python tests/simulator/simctl.py start --dir "$SIM_DIR" --servers 2 --infobases 5 --sessions 40
trap 'python tests/simulator/simctl.py stop --dir "$SIM_DIR"' EXIT

echo "==> ansible-playbook -i .sim/inventory.yml playbooks/list_sessions.yml"
ansible-playbook -i "$SIM_DIR/inventory.yml" playbooks/list_sessions.yml "$@"
