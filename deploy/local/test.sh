#!/usr/bin/env bash
# Builds the solution and runs every test against the real RabbitMQ and PostgreSQL.
# Without a Docker engine the servers come from servers.sh (started here); with one, tests may use Testcontainers.
# Extra arguments go to `dotnet test` (e.g. --filter "FullyQualifiedName~Declarations").
# Writes TRX results under artifacts/test-results and prints one line: "N passed, M failed".
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ -z "${PLATFORM_TEST_POSTGRES:-}" ]; then
  if [ "$(id -u)" -eq 0 ]; then
    bash deploy/local/servers.sh
  fi
  export PLATFORM_TEST_POSTGRES="Host=127.0.0.1;Port=5432;Username=platform_test;Password=platform_test;Database=postgres"
  export PLATFORM_TEST_RABBITMQ="amqp://guest:guest@127.0.0.1:5672"
  export PLATFORM_TEST_RABBITMQ_MANAGEMENT="http://guest:guest@127.0.0.1:15672"
fi
# The notices' e-mails go to smtp4dev (started by servers.sh); the tests read its REST API to find them.
export PLATFORM_TEST_SMTP="${PLATFORM_TEST_SMTP:-127.0.0.1:2525}"
export PLATFORM_TEST_SMTP_API="${PLATFORM_TEST_SMTP_API:-http://127.0.0.1:5025}"
[ "$(id -u)" -ne 0 ] || bash deploy/local/browser.sh  # Chromium and chromedriver for tests/Platform.WebTests

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
results=artifacts/test-results
rm -rf "$results"
mkdir -p "$results"

dotnet build Platform.sln -c Release -nologo --disable-build-servers -v quiet
status=0
# The committed OpenAPI documents: Spectral (spectral:oas + the project's ruleset) must report nothing.
bash deploy/openapi/lint.sh || status=$?
# A test that hangs for 20 minutes stops its test project (counted as failed) instead of the whole run.
run_tests() {
  dotnet test "$@" -c Release --no-build -nologo --disable-build-servers \
    --blame-hang-timeout 20m --blame-hang-dump-type none \
    --logger "trx" --results-directory "$results" || status=$?
}
if [ $# -gt 0 ]; then
  run_tests Platform.sln "$@"
else
  # The chaos test restarts the RabbitMQ node under everything that runs meanwhile, the other test projects included
  # (they run in parallel): it runs after them, alone.
  chaos=Platform.IntegrationTests.EndToEnd.ChaosTests
  run_tests Platform.sln --filter "FullyQualifiedName!~$chaos"
  run_tests tests/Platform.IntegrationTests --filter "FullyQualifiedName~$chaos"
fi

# One summary over every test project's TRX file.
passed=0; failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed"
exit "$status"
