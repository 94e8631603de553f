#!/usr/bin/env bash
# The main job, on the bundled simulator: a maintenance window on two simulated 1C servers.
# Needs only Python 3.11+; the first run installs the tool chain into .venv.
#   1. start two simulated 1C servers with infobases and users' sessions (some of them never leave by themselves);
#   2. list the sessions (onec.cluster.session_info);
#   3. run playbooks/maintenance_window.yml on two infobases of each server: record the locks, lock with a message
#      and a start 12 seconds ahead, wait while users leave by themselves, end the rest, check nobody is left,
#      put every lock back as it was;
#   4. write a session report (JSON, CSV, HTML) into .sim/report/;
#   5. sum up: what the window did on each server (from the simulators and the demo's audit log), where the report
#      is, and that the simulated servers are stopped.
# Extra arguments go to the maintenance window's ansible-playbook (e.g. --check --diff).
# ONEC_BACKEND=native scripts/demo.sh runs it all without rac, over the RAS protocol (backend: native).
# The simulated servers stop when the demo ends, and it closes with a summary: what the window did on each
# server, where the report is.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
cd "$ROOT"

SIM_DIR="$ROOT/.sim"
# The simulated servers keep Moscow time, whatever this machine's zone: server_timezone tells the collection, so the
# lock's start and the wait are counted on the servers' clock (an AWX container runs in UTC, its 1C servers do not).
SERVER_TZ=Europe/Moscow
BACKEND=(-e "onec_backend=${ONEC_BACKEND:-rac}" -e "onec_server_timezone=$SERVER_TZ")
INFOBASES=("Бухгалтерия" "ЗУП")
EXCLUDE_APP_IDS=(BackgroundJob)
CHECK=
for arg in "$@"; do [[ "$arg" == "--check" || "$arg" == "-C" ]] && CHECK=--check; done
# The demo's audit log and window state files stay with the demo (.sim/onec_cluster), out of the operator's own.
export ONEC_CLUSTER_HOME="$SIM_DIR/onec_cluster"
rm -rf "$ONEC_CLUSTER_HOME"
started=$SECONDS
window_rc=

# shellcheck disable=SC2317  # run by the EXIT trap
finish() {
    local rc=$?
    summary=
    if [ -n "$window_rc" ]; then
        summary="$(python scripts/demo_summary.py summary --dir "$SIM_DIR" --infobases "${INFOBASES[@]}" \
            --window-rc "$window_rc" --exclude-app-ids "${EXCLUDE_APP_IDS[@]}" ${CHECK:+"$CHECK"} 2>&1)" || true
    fi
    python tests/simulator/simctl.py stop --dir "$SIM_DIR" > /dev/null 2>&1 || true
    printf '\n==> Summary\n'
    [ -n "$summary" ] && printf '%s\n' "$summary"
    echo "The simulated servers are stopped. The demo took $((SECONDS - started)) s."
    [ "$rc" = 0 ] || echo "The demo FAILED (exit $rc): see the output above." >&2
    exit "$rc"
}

echo "==> Starting two simulated 1C servers (tests/simulator/)"
python tests/simulator/simctl.py start --dir "$SIM_DIR" --servers 2 --infobases 5 --sessions 40 --timezone "$SERVER_TZ"
trap finish EXIT

echo "==> Sessions before the window"
ansible-playbook -i "$SIM_DIR/inventory.yml" playbooks/list_sessions.yml "${BACKEND[@]}"

echo "==> Maintenance window on ${INFOBASES[*]} of every server"
python scripts/demo_summary.py snapshot --dir "$SIM_DIR" --infobases "${INFOBASES[@]}"
window_rc=0
# (the infobases and exclusions of INFOBASES and EXCLUDE_APP_IDS above)
ansible-playbook -i "$SIM_DIR/inventory.yml" playbooks/maintenance_window.yml "${BACKEND[@]}" \
    -e '{"maintenance_window_infobases": ["Бухгалтерия", "ЗУП"], "maintenance_window_grace": 0.2, "maintenance_window_leave_time": 5,
         "maintenance_window_poll_interval": 3, "maintenance_window_exclude_app_ids": ["BackgroundJob"]}' "$@" \
    || window_rc=$?

echo "==> Session report after the window: $SIM_DIR/report/sessions.html"
ansible-playbook -i "$SIM_DIR/inventory.yml" playbooks/session_report.yml "${BACKEND[@]}" \
    -e session_report_dir="$SIM_DIR/report"
exit "$window_rc"
