#!/usr/bin/env bash
# Append and verification rates of the audit log with P = 1, 4 and 16 partitions (PARTITIONS="1 4 16"), in one run,
# alternating the values of P round after round so that the machine's load weighs on each alike. Prints the figures
# and their ratios to P = 1; asserts nothing.
#
# - Append: pgbench runs CLIENTS connections (default 8) for DURATION seconds (default 15), each transaction one
#   audit_append(P, …) of BATCH events (default 10) of one random recipient out of a million, as the service appends one
#   batch's events of one partition (the function the service's role calls, in a fresh database per P).
# - Verification: `platform-audit generate --partitions P` writes COUNT synthetic, valid events (default 200,000; eight in
#   ten declarations, one in ten a flag the tool re-runs), then `platform-audit verify` checks them in one pass, the
#   partitions' chains on the reading thread (--parallel 1) and then on two workers beside it (--parallel 2).
# Connection: the usual libpq variables (PGHOST, PGPORT, PGUSER, PGPASSWORD), a role allowed to create databases.
set -euo pipefail
cd "$(dirname "$0")/../.."

count=${1:-200000}
partitions=${PARTITIONS:-"1 4 16"}
rounds=${ROUNDS:-2}
clients=${CLIENTS:-8}
duration=${DURATION:-15}
batch=${BATCH:-10}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-platform_test} PGPASSWORD=${PGPASSWORD:-platform_test}
tool=(dotnet services/Audit/Platform.Audit.Cli/bin/Release/net10.0/platform-audit.dll)
connection() { echo "Host=$PGHOST;Port=$PGPORT;Username=$PGUSER;Password=$PGPASSWORD;Database=$1"; }
fresh() { PGOPTIONS="-c client_min_messages=warning" psql -d postgres -qc "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1"; }

dotnet build services/Audit/Platform.Audit.Cli -c Release -nologo -v quiet
script=$(mktemp --suffix=.sql)
results=$(mktemp)
trap 'rm -f "$script" "$results"' EXIT
cat > "$script" <<'SQL'
\set r random(1, 1000000)
SELECT count(*) FROM audit_append(:p,
    ARRAY(SELECT gen_random_uuid() FROM generate_series(1, :batch)),
    array_fill('urn:message:Platform.Contracts.Declarations:DeclarationSubmitted'::text, ARRAY[:batch]),
    array_fill('declarations'::text, ARRAY[:batch]), array_fill('declarations'::text, ARRAY[:batch]),
    ARRAY(SELECT g::bigint FROM generate_series(1, :batch) g),
    array_fill(now(), ARRAY[:batch]), array_fill(now(), ARRAY[:batch]),
    array_fill('r-' || :r, ARRAY[:batch]),
    array_fill(convert_to('{"recipientId":"r-' || :r || '","week":"2026-W45","version":1,"activities":[{"category":"job-search","date":"2026-11-02","hours":3,"note":"Candidature envoyée à une entreprise du secteur"},{"category":"training","date":"2026-11-04","hours":2,"note":null}],"totalHours":5,"late":false}', 'UTF8'), ARRAY[:batch]));
SQL

echo "machine: $(nproc) cores, shared with whatever else runs (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
for p in $partitions; do
  fresh "audit_bench_append_p$p"
  "${tool[@]}" generate --count 0 --partitions "$p" --connection "$(connection "audit_bench_append_p$p")" 2> /dev/null
  fresh "audit_bench_verify_p$p"
  /usr/bin/time -f "generate $count events, P = $p: %e s" \
    "${tool[@]}" generate --count "$count" --partitions "$p" --connection "$(connection "audit_bench_verify_p$p")" 2>&1 | grep -v '^generated'
  psql -d "audit_bench_verify_p$p" -qc "VACUUM ANALYZE audit_log"
done

for round in $(seq "$rounds"); do
  echo "round $round (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
  for p in $partitions; do
    tps=$(pgbench -n -f "$script" -D p="$p" -D batch="$batch" -c "$clients" -j 2 -T "$duration" "audit_bench_append_p$p" 2>&1 \
      | sed -n 's/^tps = \([0-9.]*\).*/\1/p')
    appended=$(awk -v t="$tps" -v b="$batch" 'BEGIN { printf "%.0f", t * b }')
    verified=$("${tool[@]}" verify --no-progress --parallel 1 --connection "$(connection "audit_bench_verify_p$p")" 2>&1 >/dev/null \
      | sed -n 's/.*, \([0-9]*\) entries\/s$/\1/p')
    parallel=$("${tool[@]}" verify --no-progress --parallel 2 --connection "$(connection "audit_bench_verify_p$p")" 2>&1 >/dev/null \
      | sed -n 's/.*, \([0-9]*\) entries\/s$/\1/p')
    echo "  P = $p: append $appended events/s ($clients clients), verify $verified entries/s (--parallel 1), $parallel entries/s (--parallel 2)"
    echo "$round $p $appended $verified $parallel" >> "$results"
  done
done

echo "mean over $rounds round(s), ratio to P = 1 within each round, then averaged:"
awk '{ a[$1" "$2] = $3; v[$1" "$2] = $4; w[$1" "$2] = $5; if ($2 == 1) { a1[$1] = $3; v1[$1] = $4; w1[$1] = $5 } ps[$2] = 1; rs[$1] = 1 }
     END { for (p in ps) { n = 0; sa = 0; sv = 0; sw = 0; ra = 0; rv = 0; rw = 0
             for (r in rs) { n++; sa += a[r" "p]; sv += v[r" "p]; sw += w[r" "p]; ra += a[r" "p] / a1[r]; rv += v[r" "p] / v1[r]; rw += w[r" "p] / w1[r] }
             printf "  P = %2d: append %6.0f events/s (x%.2f); verify --parallel 1: %6.0f entries/s (x%.2f), --parallel 2: %6.0f entries/s (x%.2f)\n",
                    p, sa / n, ra / n, sv / n, rv / n, sw / n, rw / n } }' "$results" | sort -t= -k2 -n
for p in $partitions; do
  psql -d postgres -qc "DROP DATABASE IF EXISTS audit_bench_append_p$p WITH (FORCE)" -c "DROP DATABASE IF EXISTS audit_bench_verify_p$p WITH (FORCE)"
done
