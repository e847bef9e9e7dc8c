#!/usr/bin/env bash
# The platform's sustained rate with one and then two instances of each API service, in one run:
# the same stepped open-loop load against each, with the CPU each service used per declaration. Figures only: nothing
# is asserted. Stops a platform already started by deploy/local/up.sh, and leaves the two-instance one running.
#   deploy/bench/instances.sh [--rates 100,200,400,800] [--seconds 10]
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p artifacts/benchmarks
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(--rates 100,200,400,800 --seconds 10)

dotnet build tests/Platform.Benchmarks -c Release -nologo -v quiet
for n in 1 2; do
  bash deploy/local/down.sh
  bash deploy/local/up.sh --instances "$n"
  urls=http://127.0.0.1:5101
  [ "$n" -eq 1 ] || urls=$urls,http://127.0.0.1:5201
  echo "# $n instance(s) of each API service (declarations at $urls)" | tee "artifacts/benchmarks/instances-$n.md"
  dotnet run -c Release --no-build --project tests/Platform.Benchmarks -- "${args[@]}" --declarations "$urls" \
    | tee -a "artifacts/benchmarks/instances-$n.md"
done
