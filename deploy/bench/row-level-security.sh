#!/usr/bin/env bash
# The cost of row-level security on the submit path, in one run: the same stepped open-loop load against the same
# running platform (deploy/local/up.sh, services as their runtime roles), alternately with the policies switched off
# and on in the four databases that hold recipients' data (ALTER TABLE … DISABLE / ENABLE ROW LEVEL SECURITY, as a
# superuser), off-on-off-on so that a drift of the machine weighs on both. What "off" keeps: each transaction still
# sets its scope (one set_config statement), so the figures are the policies' own cost. Figures only: nothing is asserted.
#   deploy/bench/row-level-security.sh [--rates 200,400,800] [--seconds 10]      (ROUNDS=2)
# Connection: the usual libpq variables (PGHOST, PGPORT, PGUSER, PGPASSWORD), a superuser.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p artifacts/benchmarks
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(--rates 200,400,800 --seconds 10)
connection=(env PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-platform_test}" PGPASSWORD="${PGPASSWORD:-platform_test}")

# Every table under the platform's policy (within_scope), in each database, switched on (ENABLE + FORCE) or off.
switch() {
  for database in declarations rules review allocations; do
    "${connection[@]}" psql -d "$database" -qAt -v ON_ERROR_STOP=1 <<SQL
DO \$\$
DECLARE protected regclass;
BEGIN
  FOR protected IN SELECT DISTINCT polrelid::regclass FROM pg_policy WHERE polname = 'within_scope' LOOP
    IF '$1' = 'on' THEN
      EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY', protected);
    ELSE
      EXECUTE format('ALTER TABLE %s DISABLE ROW LEVEL SECURITY, NO FORCE ROW LEVEL SECURITY', protected);
    END IF;
  END LOOP;
END \$\$;
SQL
  done
}
trap 'switch on' EXIT

bash deploy/local/up.sh
dotnet build tests/Platform.Benchmarks -c Release -nologo -v quiet
for round in $(seq 1 "${ROUNDS:-2}"); do
  for mode in off on; do
    switch "$mode"
    echo "# Row-level security $mode (round $round)" | tee "artifacts/benchmarks/rls-$mode-$round.md"
    dotnet run -c Release --no-build --project tests/Platform.Benchmarks -- "${args[@]}" | tee -a "artifacts/benchmarks/rls-$mode-$round.md"
  done
done
