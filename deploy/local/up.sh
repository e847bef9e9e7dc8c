#!/usr/bin/env bash
# Runs the platform locally: RabbitMQ and PostgreSQL (installed and started when needed, as root), then every
# service as a background process with its log under .local/logs/. Waits until each is ready and prints its URL.
# deploy/local/down.sh stops exactly what this started.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
state=$root/.local
mkdir -p "$state/logs" "$state/pids"

# name port project-folder assembly
SERVICES=(
  "declarations 5101 services/Declarations/Platform.Declarations Platform.Declarations"
  "rules 5102 services/Rules/Platform.Rules.Service Platform.Rules.Service"
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

for entry in "${SERVICES[@]}"; do
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
  (cd "$folder" && ASPNETCORE_ENVIRONMENT=Development exec nohup dotnet "bin/Release/net10.0/$assembly.dll") \
    > "$state/logs/$name.log" 2>&1 &
  echo $! > "$pidfile"
done

for entry in "${SERVICES[@]}"; do
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
  api=""; [ "$name" = web ] || api="API reference: http://127.0.0.1:$port/reference, OpenAPI: /openapi/v1.json, "
  printf '[up] %-12s http://127.0.0.1:%s  (%slog: .local/logs/%s.log)\n' "$name" "$port" "$api" "$name"
done

if [ "${1:-}" = "--demo" ]; then
  bash deploy/local/demo.sh
fi

echo "[up] web pages: http://127.0.0.1:5100 (local sign-in at /sign-in: pick a role and an identifier)"
echo "[up] RabbitMQ management: http://127.0.0.1:15672 (guest/guest, loopback only)"
echo "[up] tokens: deploy/local/token.sh ROLE [SUBJECT]; stop with deploy/local/down.sh"
