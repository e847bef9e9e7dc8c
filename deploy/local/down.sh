#!/usr/bin/env bash
# Stops what deploy/local/up.sh started: the services, and RabbitMQ / PostgreSQL only if up.sh had started them.
set -uo pipefail
cd "$(dirname "$0")/../.."
state=$(pwd)/.local

for pidfile in "$state"/pids/*.pid; do
  [ -f "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    echo "[down] stopped $(basename "$pidfile" .pid)"
  fi
  rm -f "$pidfile"
done

if [ -f "$state/started-servers" ]; then
  grep -q rabbitmq "$state/started-servers" && /usr/sbin/rabbitmqctl -q -n rabbit@localhost stop && echo "[down] stopped RabbitMQ"
  grep -q postgresql "$state/started-servers" && pg_ctlcluster 15 main stop && echo "[down] stopped PostgreSQL"
  rm -f "$state/started-servers"
fi
