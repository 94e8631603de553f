#!/usr/bin/env bash
# Benchmarks against the rac simulator (see benchmarks/run.py): prints a table, writes benchmarks/results/latest.{json,md}.
#   scripts/benchmark.sh                 everything, 3 runs each, 20 ms per rac call (about 18 minutes)
#   scripts/benchmark.sh --only bulk --runs 1
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
cd "$ROOT"
exec python benchmarks/run.py "$@"
