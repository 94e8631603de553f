#!/usr/bin/env bash
# The main job, on the bundled simulator: a maintenance window on two simulated 1C servers.
# Needs only Python 3.11+; the first run installs the tool chain into .venv.
#   1. start two simulated 1C servers with infobases and users' sessions (some of them never leave by themselves);
#   2. list the sessions (onec.cluster.session_info);
#   3. run playbooks/maintenance_window.yml on two infobases of each server: record the locks, lock with a message
#      and a start 12 seconds ahead, wait while users leave by themselves, end the rest, check nobody is left,
#      put every lock back as it was;
#   4. write a session report (JSON, CSV, HTML) into .sim/report/.
# Extra arguments go to the maintenance window's ansible-playbook (e.g. --check --diff).
# The simulated servers stop when the demo ends.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
cd "$ROOT"

SIM_DIR="$ROOT/.sim"
echo "==> Starting two simulated 1C servers (tests/simulator/)"
python tests/simulator/simctl.py start --dir "$SIM_DIR" --servers 2 --infobases 5 --sessions 40
trap 'python tests/simulator/simctl.py stop --dir "$SIM_DIR"' EXIT

echo "==> Sessions before the window"
ansible-playbook -i "$SIM_DIR/inventory.yml" playbooks/list_sessions.yml

echo "==> Maintenance window on Бухгалтерия and ЗУП of every server"
ansible-playbook -i "$SIM_DIR/inventory.yml" playbooks/maintenance_window.yml \
    -e '{"maintenance_window_infobases": ["Бухгалтерия", "ЗУП"], "maintenance_window_grace": 0.2, "maintenance_window_leave_time": 5,
         "maintenance_window_poll_interval": 3, "maintenance_window_exclude_app_ids": ["BackgroundJob"]}' "$@"

echo "==> Session report after the window: $SIM_DIR/report/sessions.html"
ansible-playbook -i "$SIM_DIR/inventory.yml" playbooks/session_report.yml -e session_report_dir="$SIM_DIR/report"
