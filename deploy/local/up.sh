#!/usr/bin/env bash
# Runs the platform locally: RabbitMQ and PostgreSQL (installed and started when needed, as root), then every
# service as a background process with its log under .local/logs/. Waits until each is ready and prints its URL.
# deploy/local/down.sh stops exactly what this started.
#   deploy/local/up.sh [--instances N] [--demo]
# --instances N starts N instances of each API service: instance k of a service listens on its port + 100 × (k − 1),
# e.g. declarations on 5101, 5201.
set -euo pipefail
instances=1
demo=""
while [ $# -gt 0 ]; do
  case "$1" in
    --instances) instances=${2:?--instances needs a number}; shift 2 ;;
    --demo) demo=yes; shift ;;
    *) echo "[up] unknown option $1 (use --instances N, --demo)" >&2; exit 2 ;;
  esac
done
case "$instances" in ''|*[!0-9]*|0) echo "[up] --instances takes a number from 1 to 9" >&2; exit 2 ;; esac
[ "$instances" -le 9 ] || { echo "[up] --instances takes a number from 1 to 9" >&2; exit 2; }
cd "$(dirname "$0")/../.."
root=$(pwd)
state=$root/.local
mkdir -p "$state/logs" "$state/pids"

# name port project-folder assembly. The identity provider first: the others trust it (discovery, JWKS).
SERVICES=(
  "identity 5099 services/Identity/Platform.Identity Platform.Identity"
  "declarations 5101 services/Declarations/Platform.Declarations Platform.Declarations"
  "rules 5102 services/Rules/Platform.RuleEngine Platform.RuleEngine"
  "review 5103 services/Review/Platform.Review Platform.Review"
  "allocations 5104 services/Allocations/Platform.Allocations Platform.Allocations"
  "audit 5105 services/Audit/Platform.Audit Platform.Audit"
  "web 5100 services/Web/Platform.Web Platform.Web"
)

rabbit_running() { /usr/sbin/rabbitmqctl -q -n rabbit@localhost status >/dev/null 2>&1; }
postgres_running() { pg_lsclusters -h 2>/dev/null | awk '$1==15 && $2=="main" {print $4}' | grep -q online; }

if [ "$(id -u)" -eq 0 ]; then
  : > "$state/started-servers"
  rabbit_running || echo rabbitmq >> "$state/started-servers"
  postgres_running || echo postgresql >> "$state/started-servers"
  bash deploy/local/servers.sh
else
  echo "[up] not root: assuming RabbitMQ and PostgreSQL already run (deploy/local/servers.sh starts them as root)"
fi

echo "[up] building"
dotnet build Platform.sln -c Release -nologo --disable-build-servers -v quiet

# Instances start in waves, the first of every service, then the second, …: a two-core machine starting every process
# at once (just-in-time compilation, migrations) timed out opening database connections. Instance k of a service is
# "<name>-k" on its port + 100 × (k − 1).
for k in $(seq 1 "$instances"); do
  INSTANCES=()
  for entry in "${SERVICES[@]}"; do
    read -r name port folder assembly <<<"$entry"
    if [ "$k" -eq 1 ]; then
      INSTANCES+=("$name $port $folder $assembly")
    elif [ "$name" != web ] && [ "$name" != identity ]; then
      INSTANCES+=("$name-$k $((port + 100 * (k - 1))) $folder $assembly")
    fi
  done

  for entry in "${INSTANCES[@]}"; do
    read -r name port folder assembly <<<"$entry"
    pidfile=$state/pids/$name.pid
    if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      echo "[up] $name already running (pid $(cat "$pidfile"))"
      continue
    fi
    if curl -s -o /dev/null "http://127.0.0.1:$port/health/live"; then
      echo "[up] port $port is already taken by another process: stop it first" >&2
      exit 1
    fi
    # Run from the project folder so its appsettings.Development.json is the configuration; exec so the recorded pid
    # is the service's own.
    (cd "$folder" && ASPNETCORE_ENVIRONMENT=Development exec nohup dotnet "bin/Release/net10.0/$assembly.dll" --urls "http://127.0.0.1:$port") \
      > "$state/logs/$name.log" 2>&1 &
    echo $! > "$pidfile"
  done

  for entry in "${INSTANCES[@]}"; do
    read -r name port folder assembly <<<"$entry"
    ready=""
    for _ in $(seq 1 120); do
      if curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then ready=yes; break; fi
      if ! kill -0 "$(cat "$state/pids/$name.pid")" 2>/dev/null; then break; fi
      sleep 0.5
    done
    if [ -z "$ready" ]; then
      echo "[up] $name did not become ready; last lines of $state/logs/$name.log:" >&2
      tail -20 "$state/logs/$name.log" >&2
      exit 1
    fi
    api=""; [ "$name" = web ] || [ "$name" = identity ] || api="API reference: http://127.0.0.1:$port/reference, OpenAPI: /openapi/v1.json, "
    printf '[up] %-12s http://127.0.0.1:%s  (%slog: .local/logs/%s.log)\n' "$name" "$port" "$api" "$name"
  done

done

if [ -n "$demo" ]; then
  bash deploy/local/demo.sh
fi

echo "[up] identity provider (local only, plays FranceConnect and ProConnect): http://127.0.0.1:5099/.well-known/openid-configuration"
echo "[up] web pages: http://127.0.0.1:5100 (sign in at /sign-in through the local provider: pick a role and an identifier)"
if [ "$instances" -gt 1 ]; then
  echo "[up] $instances instances of each API service, sharing one database per service: any of them answers"
  echo "[up]   (e.g. declarations on 5101 and 5201); the web pages call the first (Services:* in its appsettings)"
fi
echo "[up] RabbitMQ management: http://127.0.0.1:15672 (guest/guest, loopback only)"
echo "[up] tokens: deploy/local/token.sh ROLE [SUBJECT]; stop with deploy/local/down.sh"
