#!/usr/bin/env bash
# Installs (when absent) and starts RabbitMQ and PostgreSQL on loopback, without systemd, then creates one
# database per service with its roles (OWNED_APART below); and a development SMTP server (smtp4dev) that keeps the notices' e-mails. Idempotent: a second run only checks that both servers answer.
# Run as root on Debian 12.
set -euo pipefail

SERVICES=(declarations rules review allocations audit identity)
# Services whose database and schema belong to <service>_owner, a role only their migrations use
# (ConnectionStrings:Migrations), while the service runs as <service>, which owns nothing: an owner could switch off
# its tables' row-level security, or, for audit, rewrite the log. Identity keeps a single role.
OWNED_APART=(declarations rules review allocations audit)
PG_VERSION=15

log() { printf '[servers] %s\n' "$*"; }

need_root() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "servers.sh must run as root (it installs and starts system servers)." >&2
    exit 1
  fi
}

install_packages() {
  local missing=()
  command -v rabbitmq-server >/dev/null 2>&1 || [ -x /usr/sbin/rabbitmq-server ] || missing+=(rabbitmq-server)
  command -v pg_ctlcluster >/dev/null 2>&1 || missing+=("postgresql-$PG_VERSION")
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  command -v openssl >/dev/null 2>&1 || missing+=(openssl)
  command -v jq >/dev/null 2>&1 || missing+=(jq)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

configure_rabbitmq() {
  mkdir -p /etc/rabbitmq
  cat > /etc/rabbitmq/rabbitmq-env.conf <<'CONF'
NODENAME=rabbit@localhost
NODE_IP_ADDRESS=127.0.0.1
export ERL_EPMD_ADDRESS=127.0.0.1
# Every virtual host holds open files (its message stores, its quorum queues' logs). Started outside systemd, the
# node would get the login default of 1024 descriptors and, with a few hundred virtual hosts, wait forever for a file
# handle while starting one. It gets as many as the machine allows.
ulimit -S -n "$(ulimit -H -n)"
CONF
  cat > /etc/rabbitmq/rabbitmq.conf <<'CONF'
listeners.tcp.default = 127.0.0.1:5672
management.tcp.ip = 127.0.0.1
management.tcp.port = 15672
CONF
  # The consistent-hash exchange puts each recipient's events in one partition queue of each consuming service.
  echo '[rabbitmq_management,rabbitmq_consistent_hash_exchange].' > /etc/rabbitmq/enabled_plugins
}

start_rabbitmq() {
  export ERL_EPMD_ADDRESS=127.0.0.1
  local pidfile=/var/lib/rabbitmq/mnesia/rabbit@localhost.pid
  if /usr/sbin/rabbitmqctl -q -n rabbit@localhost status >/dev/null 2>&1; then
    log "RabbitMQ already running"
    # A node started before keeps the plugins it started with: enable the ones the platform needs while it runs.
    /usr/sbin/rabbitmq-plugins -q -n rabbit@localhost enable rabbitmq_management rabbitmq_consistent_hash_exchange >/dev/null
    return
  fi
  rm -f "$pidfile"
  log "starting RabbitMQ"
  /usr/sbin/rabbitmq-server -detached
  # The node recovers every virtual host before it answers; a node that cannot start fails the script, not hangs it.
  timeout 900 /usr/sbin/rabbitmqctl -q -n rabbit@localhost wait --timeout 900 "$pidfile" >/dev/null
}

wait_rabbitmq_management() {
  for _ in $(seq 1 120); do
    if curl -fsS -u guest:guest http://127.0.0.1:15672/api/overview >/dev/null 2>&1; then return; fi
    sleep 0.5
  done
  echo "RabbitMQ management API did not answer on 127.0.0.1:15672" >&2
  exit 1
}

# Earlier versions read one queue per consumer; the services now read partition queues (<service>-p<k>) and the audit
# log's queue has a single active consumer, an argument an existing queue cannot gain. The old queues of a local
# broker are deleted once empty and unused; one still holding messages is left, and named.
retire_per_consumer_queues() {
  local name messages consumers arguments
  while IFS=$'\t' read -r name messages consumers arguments; do
    if [[ "$name" =~ ^(rules|review|allocations)-[a-z-]+$ && ! "$name" =~ -p[0-9]+$ ]] \
      || [[ "$name" == audit-audit-log && "$arguments" != *x-single-active-consumer* ]]; then
      if [ "$messages" = 0 ] && [ "$consumers" = 0 ]; then
        /usr/sbin/rabbitmqctl -q -n rabbit@localhost delete_queue -p / "$name" </dev/null >/dev/null
        log "deleted the old queue $name (empty)"
      else
        log "the old queue $name still holds $messages messages: drain it with the previous version, then delete it"
      fi
    fi
  done < <(/usr/sbin/rabbitmqctl -q -n rabbit@localhost list_queues -p / name messages consumers arguments --no-table-headers)
}

start_postgresql() {
  local conf=/etc/postgresql/$PG_VERSION/main/conf.d/platform.conf
  if [ ! -f "$conf" ]; then
    mkdir -p "$(dirname "$conf")"
    # Loopback only. Each service's pool is capped at 30 (appsettings.Development.json): five services and the tests fit.
    printf "listen_addresses = '127.0.0.1'\nmax_connections = 300\n" > "$conf"
  fi
  if pg_lsclusters -h | awk -v v="$PG_VERSION" '$1==v && $2=="main" {print $4}' | grep -q online; then
    log "PostgreSQL already running"
  else
    log "starting PostgreSQL"
    # A server stopped uncleanly first replays and syncs its data directory, which can outlast pg_ctl's default minute.
    pg_ctlcluster "$PG_VERSION" main start -- -t 900
  fi
  for _ in $(seq 1 60); do
    if runuser -u postgres -- pg_isready -q -h 127.0.0.1 -p 5432; then return; fi
    sleep 0.5
  done
  echo "PostgreSQL did not answer on 127.0.0.1:5432" >&2
  exit 1
}

psql_admin() { runuser -u postgres -- psql -v ON_ERROR_STOP=1 -qtA "$@"; }

create_databases() {
  for name in "${SERVICES[@]}"; do
    if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$name'")" != "1" ]; then
      log "creating role $name"
      psql_admin -c "CREATE ROLE $name LOGIN PASSWORD '$name'"
    fi
    # The database's owner: the service's own role, or <service>_owner where the schema is split (below).
    local owner=$name
    if [[ " ${OWNED_APART[*]} " == *" $name "* ]]; then
      owner=${name}_owner
      if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$owner'")" != "1" ]; then
        log "creating role $owner"
        psql_admin -c "CREATE ROLE $owner LOGIN PASSWORD '$owner'"
      fi
    fi
    if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$name'")" != "1" ]; then
      log "creating database $name owned by $owner"
      psql_admin -c "CREATE DATABASE $name OWNER $owner"
    fi
    if [ "$owner" != "$name" ]; then
      # A database made before the split (owned by the service's role, its tables too) is handed over; on one made
      # above these change nothing. The service's migrations, running as the owner, then grant the runtime role what
      # it may do on each table (they name it from ConnectionStrings:Database).
      psql_admin -c "ALTER DATABASE $name OWNER TO $owner"
      psql_admin -d "$name" -c "REASSIGN OWNED BY $name TO $owner" -c "ALTER SCHEMA public OWNER TO $owner" \
        -c "REVOKE CREATE ON SCHEMA public FROM PUBLIC"
    fi
  done
  # The integration tests create a throw-away database per test class, and the audit tests tamper with rows
  # behind the service's back: that needs a superuser. Local machines only.
  if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = 'platform_test'")" != "1" ]; then
    psql_admin -c "CREATE ROLE platform_test LOGIN SUPERUSER PASSWORD 'platform_test'"
  fi
}

# smtp4dev (the Rnwood.Smtp4dev dotnet tool, BSD-3-Clause): SMTP on 127.0.0.1:2525, its web page and REST API on
# http://127.0.0.1:5025 (GET /api/messages). It keeps messages in memory: a restart empties it.
SMTP4DEV_VERSION=3.15.0
SMTP4DEV_DIR=/opt/smtp4dev
start_smtp4dev() {
  if curl -fsS http://127.0.0.1:5025/api/messages >/dev/null 2>&1; then
    log "smtp4dev already running"
    return
  fi
  if [ ! -x "$SMTP4DEV_DIR/smtp4dev" ]; then
    log "installing smtp4dev $SMTP4DEV_VERSION"
    dotnet tool install Rnwood.Smtp4dev --version "$SMTP4DEV_VERSION" --tool-path "$SMTP4DEV_DIR" >/dev/null
  fi
  log "starting smtp4dev"
  mkdir -p /var/log/smtp4dev
  (cd /var/log/smtp4dev && exec setsid nohup "$SMTP4DEV_DIR/smtp4dev" --smtpport=2525 --bindaddress=127.0.0.1 \
    --urls=http://127.0.0.1:5025 --db="" --imapport="" --pop3port="" --nousersettings --messagestokeep=10000) \
    > /var/log/smtp4dev/smtp4dev.log 2>&1 < /dev/null &
  for _ in $(seq 1 120); do
    if curl -fsS http://127.0.0.1:5025/api/messages >/dev/null 2>&1; then return; fi
    sleep 0.5
  done
  echo "smtp4dev did not answer on http://127.0.0.1:5025" >&2
  exit 1
}

need_root
install_packages
configure_rabbitmq
start_rabbitmq
wait_rabbitmq_management
retire_per_consumer_queues
start_postgresql
create_databases
start_smtp4dev
log "RabbitMQ amqp://127.0.0.1:5672 (management http://127.0.0.1:15672), PostgreSQL 127.0.0.1:5432, SMTP 127.0.0.1:2525 (smtp4dev http://127.0.0.1:5025): ready"
