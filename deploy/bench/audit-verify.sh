#!/usr/bin/env bash
# Measures the auditors' tool on a large log: generates N synthetic, valid events (default 1,000,000) in a fresh
# database, then, in the same run and alternately, streams the same rows with a plain binary COPY through psql and runs
# `platform-audit verify` (the whole log), then the same for one recipient's rows and `platform-audit replay` of that
# recipient, each under /usr/bin/time (wall clock, CPU, peak memory). Prints the figures; asserts nothing.
# Connection: the usual libpq variables (PGHOST, PGPORT, PGUSER, PGPASSWORD), a role allowed to create databases.
set -euo pipefail
cd "$(dirname "$0")/../.."

count=${1:-1000000}
rounds=${ROUNDS:-3}
database=${BENCH_DATABASE:-audit_bench}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-platform_test} PGPASSWORD=${PGPASSWORD:-platform_test}
export PLATFORM_AUDIT_CONNECTION="Host=$PGHOST;Port=$PGPORT;Username=$PGUSER;Password=$PGPASSWORD;Database=$database"
tool=(dotnet services/Audit/Platform.Audit.Cli/bin/Release/net10.0/platform-audit.dll)
columns="position, previous_hash, entry_hash, message_id, message_type, producer, producer_sequence, occurred_at, received_at, recipient_id, body, publisher"

dotnet build services/Audit/Platform.Audit.Cli -c Release -nologo -v quiet
psql -d postgres -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" -c "CREATE DATABASE $database"
/usr/bin/time -f "generate: %e s" "${tool[@]}" generate --count "$count" --recipients 10000
psql -d "$database" -qc "VACUUM ANALYZE audit_log"
psql -d "$database" -Atc "SELECT 'log: ' || count(*) || ' entries, ' || pg_size_pretty(pg_total_relation_size('audit_log')) || ', body ' || avg(octet_length(body))::int || ' B on average' FROM audit_log"

for round in $(seq "$rounds"); do
  echo "round $round (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
  /usr/bin/time -f "  COPY:   %e s wall, %U s user, %S s sys, %M KB peak" \
    psql -d "$database" -qc "\\copy (SELECT $columns FROM audit_log ORDER BY position) TO '/dev/null' WITH (FORMAT binary)"
  /usr/bin/time -f "  verify: %e s wall, %U s user, %S s sys, %M KB peak, exit %x" \
    "${tool[@]}" verify --no-progress > /dev/null
done

# Verification held to a checkpoint of the head (as an auditor's kept file; made here from the log itself, unsigned, so
# the tool warns that it cannot check its signature), against the same verification without one.
checkpoint=$(mktemp --suffix=.json)
psql -d "$database" -Atc "SELECT json_build_object('position', h.position, 'headHash', encode(h.entry_hash, 'hex'),
    'producers', (SELECT json_object_agg(producer, last) FROM (SELECT producer, max(producer_sequence) AS last FROM audit_log GROUP BY producer) p),
    'signedAt', now(), 'keyId', 'bench', 'signature', '') FROM audit_head h" > "$checkpoint"
for round in $(seq "$rounds"); do
  /usr/bin/time -f "  verify:                %e s wall, %U s user, exit %x" "${tool[@]}" verify --no-progress > /dev/null
  /usr/bin/time -f "  verify --checkpoint:   %e s wall, %U s user, exit %x" \
    "${tool[@]}" verify --no-progress --checkpoint "$checkpoint" > /dev/null 2> >(grep -v '^warning' >&2)
done
rm -f "$checkpoint"

# Replay reads one recipient's entries (by index), so it is compared with a COPY of those same rows.
recipient=r-000042
echo "replay of $recipient: $(psql -d "$database" -Atc "SELECT count(*) FROM audit_log WHERE recipient_id = '$recipient'") entries"
for round in $(seq "$rounds"); do
  /usr/bin/time -f "  COPY:   %e s wall, %U s user, %S s sys, %M KB peak" \
    psql -d "$database" -qc "\\copy (SELECT $columns FROM audit_log WHERE recipient_id = '$recipient' ORDER BY position) TO '/dev/null' WITH (FORMAT binary)"
  /usr/bin/time -f "  replay: %e s wall, %U s user, %S s sys, %M KB peak, exit %x" \
    "${tool[@]}" replay --recipient "$recipient" --at 2100-01-01T00:00:00Z > /dev/null
done
