#!/usr/bin/env bash
# The one command behind docs/benchmarks.md: starts the platform (deploy/local/up.sh skips what already runs), then
# in the same run measures the raw broker baseline, the platform under stepped open-loop load, each service's peak
# memory, and the auditors' tool against a plain COPY on a 1,000,000-event log. Figures only: nothing is asserted.
#   deploy/bench/run.sh [--rates 50,100,200,400,800] [--seconds 15]      (AUDIT_EVENTS=1000000 ROUNDS=3)
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p artifacts/benchmarks

bash deploy/local/up.sh
dotnet run -c Release --project tests/Platform.Benchmarks -- "$@" | tee artifacts/benchmarks/platform.md
bash deploy/bench/audit-verify.sh "${AUDIT_EVENTS:-1000000}" 2>&1 | tee artifacts/benchmarks/audit.txt
