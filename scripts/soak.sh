#!/usr/bin/env bash
# Soak test: the real binary scraped once a second for MINUTES minutes while a private Redis
# and a private PostgreSQL flap (killed and restarted every FLAP seconds). Samples RSS, open file
# descriptors and TCP connections of the exporter every 30 s and prints them, so a leak shows as
# a rising column. Uses private instances only: the machine's shared services are not touched.
#
#   scripts/soak.sh [MINUTES=30] [FLAP=20]
set -euo pipefail
cd "$(dirname "$0")/.."
MIN="${1:-30}"
FLAP="${2:-20}"
cargo build --release --quiet
WORK=$(mktemp -d /tmp/nexo-soak.XXXXXX)
chmod 755 "$WORK"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
RPORT=$(free_port); PPORT=$(free_port); EPORT=$(free_port)
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  redis-cli -p "$RPORT" shutdown nosave >/dev/null 2>&1 || true
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

chown postgres "$WORK"
runuser -u postgres -- "$PGBIN/initdb" -D "$WORK/pg" -A trust -U postgres >/dev/null
start_pg() { runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg" -o "-p $PPORT -k $WORK -c listen_addresses=127.0.0.1" -l "$WORK/pg.log" -w start >/dev/null; }
stop_pg() { runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg" -m immediate stop >/dev/null 2>&1 || true; }
start_redis() { redis-server --port "$RPORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes --dir "$WORK" --pidfile "$WORK/redis.pid" >/dev/null; }
stop_redis() { redis-cli -p "$RPORT" shutdown nosave >/dev/null 2>&1 || true; }
start_pg; start_redis

cat > "$WORK/config.yml" <<YML
global:
  timeout: 2s
postgres:
  - name: soak-pg
    host: 127.0.0.1
    port: $PPORT
    user: postgres
redis:
  - name: soak-redis
    url: redis://127.0.0.1:$RPORT
rabbitmq: []
docker:
  enabled: false
YML
./target/release/nexo-exporter --config.file "$WORK/config.yml" --web.listen-address "127.0.0.1:$EPORT" --log.level warn 2>"$WORK/exporter.log" &
EPID=$!; PIDS+=("$EPID")
sleep 1

( while true; do curl -s -o /dev/null -H 'X-Prometheus-Scrape-Timeout-Seconds: 3' "http://127.0.0.1:$EPORT/metrics"; sleep 1; done ) &
PIDS+=("$!")
( while true; do sleep "$FLAP"; stop_redis; stop_pg; sleep "$FLAP"; start_redis; start_pg; done ) &
PIDS+=("$!")

conns() { ls -l "/proc/$EPID/fd" 2>/dev/null | grep -c socket || true; }
printf '%8s %10s %10s %6s %8s %8s %8s\n' minute rss_kib hwm_kib fds sockets pg_up redis_up
END=$(( $(date +%s) + MIN * 60 ))
t0=$(date +%s)
while [ "$(date +%s)" -lt "$END" ]; do
  body=$(curl -s "http://127.0.0.1:$EPORT/metrics")
  printf '%8.1f %10s %10s %6s %8s %8s %8s\n' "$(awk -v a="$(date +%s)" -v b="$t0" 'BEGIN{print (a-b)/60}')" \
    "$(awk '/VmRSS/{print $2}' /proc/$EPID/status)" "$(awk '/VmHWM/{print $2}' /proc/$EPID/status)" \
    "$(ls /proc/$EPID/fd | wc -l)" "$(conns)" \
    "$(echo "$body" | awk '/^pg_up /{print $2}')" "$(echo "$body" | awk '/^redis_up /{print $2}')"
  sleep 30
done
echo "collections: $(curl -s "http://127.0.0.1:$EPORT/metrics" | awk '/^nexo_exporter_collections_total/{print $2}')"
echo "exporter log lines: $(wc -l < "$WORK/exporter.log")"
