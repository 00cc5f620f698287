#!/usr/bin/env bash
# Runs the whole nexo-exporter test suite against real services.
#
# On a fresh Debian/Ubuntu machine with Rust installed it first installs what is missing
# (PostgreSQL, Redis, RabbitMQ with the prometheus plugin, docker.io, busybox-static,
# Prometheus, Alertmanager, jsonnet for the monitoring mixin), starts each service that is not
# running, then runs every test.
# Idempotent: services already running are left as they are.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
log() { printf '[test.sh] %s\n' "$*" >&2; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() { # port seconds name
  for _ in $(seq 1 "$2"); do port_open "$1" && return 0; sleep 1; done
  log "$3 did not open port $1 in $2 s"; return 1
}

# 1. Debian packages ----------------------------------------------------------------------
PKGS="jsonnet postgresql redis-server rabbitmq-server docker.io busybox-static prometheus prometheus-alertmanager prometheus-node-exporter curl openssl prometheus-postgres-exporter prometheus-redis-exporter"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  log "installing:$missing"
  export DEBIAN_FRONTEND=noninteractive
  # Do not let package scripts start services through systemd/policy-rc.d quirks; we start them below.
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# 2. Services (started only when not running; never restarted) ----------------------------
if ! port_open 5432; then
  log "starting PostgreSQL"
  for v in $(ls /etc/postgresql); do
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$v" main start || true
  done
  wait_port 5432 30 PostgreSQL
fi
if ! port_open 6379; then
  log "starting Redis"
  $SUDO mkdir -p /var/lib/redis /var/log/redis
  $SUDO redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_port 6379 30 Redis
fi
if ! port_open 5672; then
  log "starting RabbitMQ"
  $SUDO rabbitmq-server -detached
  wait_port 5672 90 RabbitMQ
fi
# The prometheus plugin (per-queue metrics) and management (the alternative source).
if ! port_open 15692 || ! port_open 15672; then
  log "enabling rabbitmq_prometheus and rabbitmq_management"
  $SUDO rabbitmq-plugins enable --online rabbitmq_prometheus rabbitmq_management >/dev/null \
    || $SUDO rabbitmq-plugins enable rabbitmq_prometheus rabbitmq_management >/dev/null
  wait_port 15692 60 "RabbitMQ prometheus plugin"
  wait_port 15672 60 "RabbitMQ management plugin"
fi
if ! docker info >/dev/null 2>&1; then
  log "starting dockerd"
  $SUDO mkdir -p /var/log
  ( $SUDO nohup dockerd >/var/log/nexo-test-dockerd.log 2>&1 & )
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { log "dockerd did not start"; tail -20 /var/log/nexo-test-dockerd.log >&2; exit 1; }
fi

# 3. Tests ----------------------------------------------------------------------------------
log "running cargo test"
exec cargo test --all-targets --locked -- --test-threads="${NEXO_TEST_THREADS:-4}"
