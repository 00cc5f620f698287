#!/usr/bin/env bash
# Soak test: the real binary scraped once a second for MINUTES minutes while its dependencies
# (a private PostgreSQL cluster, a private Redis and a private HTTP health endpoint) go through a
# repeating cycle of faults, each phase FLAP seconds long:
#
#   up -> killed (SIGKILL / immediate stop) -> restarted -> up -> hung (SIGSTOP) -> resumed (SIGCONT)
#
# Every minute it samples the exporter's RSS, peak RSS, threads, open file descriptors, socket
# descriptors and TCP connections (by state), plus pg_up / redis_up / probe_success and the
# scrape outcomes of the last minute, so a leak shows as a rising column. Each scrape is also
# logged (time, HTTP status, seconds) to $OUT_DIR/scrapes.log when OUT_DIR is set.
# Private instances only: the machine's shared services are never touched.
#
#   scripts/soak.sh [MINUTES=30] [FLAP=20]
#   BIN=path/to/nexo-exporter  use this binary instead of building target/release/nexo-exporter
#   OUT_DIR=dir                 keep scrapes.log and the exporter's log there
#
# Summary of a finished run (first and last samples, RSS range after a 10-minute warm-up):
#   scripts/soak.sh summary soak/soak.log
set -euo pipefail

if [ "${1:-}" = summary ]; then
  f="$2"
  grep -m1 '^ *minute' "$f"
  awk '$1 ~ /^[0-9.]+$/ && NF >= 10' "$f" | head -3 || true
  echo ...
  awk '$1 ~ /^[0-9.]+$/ && NF >= 10' "$f" | tail -3 || true
  awk '$1 ~ /^[0-9.]+$/ && NF >= 10 && $1 >= 10 {
         if (min == "" || $2 < min) min = $2; if ($2 > max) max = $2;
         if (fmin == "" || $5 < fmin) fmin = $5; if ($5 > fmax) fmax = $5;
         if (smin == "" || $6 < smin) smin = $6; if ($6 > smax) smax = $6; n++ }
       END { printf "after warm-up (minute >= 10, %d samples): rss %d..%d KiB (spread %.2f MiB), fds %d..%d, sockets %d..%d\n",
             n, min, max, (max - min) / 1024, fmin, fmax, smin, smax }' "$f"
  grep -E '^(scrapes|collections|exporter log|faults)' "$f" || true
  exit 0
fi

cd "$(dirname "$0")/.."
MIN="${1:-30}"
FLAP="${2:-20}"
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet
  BIN=./target/release/nexo-exporter
fi
WORK=$(mktemp -d /tmp/nexo-soak.XXXXXX)
chmod 755 "$WORK"
OUT="${OUT_DIR:-$WORK}"
mkdir -p "$OUT"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
RPORT=$(free_port); PPORT=$(free_port); HPORT=$(free_port); EPORT=$(free_port)
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PIDS=()

pg_pids() {
  local pm
  pm=$(head -1 "$WORK/pg/postmaster.pid" 2>/dev/null) || return 0
  [ -n "$pm" ] && echo "$pm" $(pgrep -P "$pm" || true)
}
redis_pid() { cat "$WORK/redis.pid" 2>/dev/null || true; }
http_pid() { cat "$WORK/http.pid" 2>/dev/null || true; }
start_pg() { runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg" -o "-p $PPORT -k $WORK -c listen_addresses=127.0.0.1" -l "$WORK/pg.log" -w start >/dev/null; }
stop_pg() { runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg" -m immediate stop >/dev/null 2>&1 || true; }
start_redis() { redis-server --port "$RPORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes --dir "$WORK" --pidfile "$WORK/redis.pid" >/dev/null; }
kill_redis() { local p; p=$(redis_pid); [ -n "$p" ] && kill -KILL "$p" 2>/dev/null || true; rm -f "$WORK/redis.pid"; }
start_http() {
  ( cd "$WORK/www" && exec python3 -m http.server --bind 127.0.0.1 "$HPORT" >/dev/null 2>&1 ) &
  echo $! > "$WORK/http.pid"; disown $! 2>/dev/null || true
  for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$HPORT/health" && break; sleep 0.1; done
}
kill_http() { local p; p=$(http_pid); [ -n "$p" ] && kill -KILL "$p" 2>/dev/null || true; rm -f "$WORK/http.pid"; }
# shellcheck disable=SC2046
hang_all() { kill -STOP $(pg_pids) $(redis_pid) $(http_pid) 2>/dev/null || true; }
# shellcheck disable=SC2046
resume_all() { kill -CONT $(pg_pids) $(redis_pid) $(http_pid) 2>/dev/null || true; }

cleanup() {
  resume_all
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  kill_redis; kill_http; stop_pg
  [ "$OUT" = "$WORK" ] || cp "$WORK/exporter.log" "$OUT/exporter.log" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

chown postgres "$WORK"
runuser -u postgres -- "$PGBIN/initdb" -D "$WORK/pg" -A trust -U postgres >/dev/null
mkdir -p "$WORK/www"; echo ok > "$WORK/www/health"
start_pg; start_redis; start_http

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
services:
  - name: soak-http
    url: http://127.0.0.1:$HPORT/health
YML
"$BIN" --config.file "$WORK/config.yml" --web.listen-address "127.0.0.1:$EPORT" --log.level warn 2>"$WORK/exporter.log" &
EPID=$!; PIDS+=("$EPID")
sleep 1
echo "soak: exporter pid $EPID on 127.0.0.1:$EPORT, postgres :$PPORT, redis :$RPORT, http :$HPORT; $MIN min, phases of $FLAP s; started $(date -u +%FT%TZ)"

# Scrapes at 1/s (a scrape slower than 1 s delays the next one; none may take longer than 5 s).
: > "$OUT/scrapes.log"
( while true; do
    r=$(curl -s -o /dev/null -m 5 -w '%{http_code} %{time_total}' -H 'X-Prometheus-Scrape-Timeout-Seconds: 3' "http://127.0.0.1:$EPORT/metrics" || true)
    echo "$(date +%s) ${r:-000 5}" >> "$OUT/scrapes.log"
    sleep 1
  done ) &
PIDS+=("$!")
# The fault cycle; each phase is logged so a sample can be matched to what the dependencies did.
( while true; do
    sleep "$FLAP"; kill_redis; kill_http; stop_pg; echo "$(date +%s) killed" >> "$OUT/faults.log"
    sleep "$FLAP"; start_redis || echo "$(date +%s) redis restart failed" >> "$OUT/faults.log"
    start_http; start_pg || echo "$(date +%s) postgres restart failed" >> "$OUT/faults.log"
    echo "$(date +%s) restarted" >> "$OUT/faults.log"
    sleep "$FLAP"; hang_all; echo "$(date +%s) hung" >> "$OUT/faults.log"
    sleep "$FLAP"; resume_all; echo "$(date +%s) resumed" >> "$OUT/faults.log"
  done ) &
PIDS+=("$!")

conns() { ls -l "/proc/$EPID/fd" 2>/dev/null | grep -c socket || true; }
tcp_states() { ss -tanp 2>/dev/null | grep "pid=$EPID," | awk '{s[$1]++} END {printf "%d/%d/%d", s["ESTAB"]+0, s["CLOSE-WAIT"]+0, s["LISTEN"]+0}'; }
printf '%7s %9s %9s %4s %5s %8s %11s %5s %5s %5s %6s %6s %7s\n' \
  minute rss_kib hwm_kib thr fds sockets est/cw/lsn pg_up rd_up http scr_ok scr_bad max_s
END=$(( $(date +%s) + MIN * 60 ))
t0=$(date +%s)
while [ "$(date +%s)" -lt "$END" ]; do
  body=$(curl -s -m 5 "http://127.0.0.1:$EPORT/metrics" || true)
  now=$(date +%s)
  # Scrapes of the last minute: 200s, anything else, slowest.
  last=$(awk -v from=$((now - 60)) '$1 >= from { if ($2 == 200) ok++; else bad++; if ($3 > m) m = $3 }
        END { printf "%d %d %.3f", ok, bad, m }' "$OUT/scrapes.log")
  # shellcheck disable=SC2086
  printf '%7.1f %9s %9s %4s %5s %8s %11s %5s %5s %5s %6s %6s %7s\n' \
    "$(awk -v a="$now" -v b="$t0" 'BEGIN{print (a-b)/60}')" \
    "$(awk '/VmRSS/{print $2}' /proc/$EPID/status)" "$(awk '/VmHWM/{print $2}' /proc/$EPID/status)" \
    "$(awk '/Threads/{print $2}' /proc/$EPID/status)" \
    "$(ls /proc/$EPID/fd | wc -l)" "$(conns)" "$(tcp_states)" \
    "$(echo "$body" | awk '/^pg_up /{print $2}')" "$(echo "$body" | awk '/^redis_up /{print $2}')" \
    "$(echo "$body" | awk '/^probe_success\{/{print $2}')" $last
  sleep 60
done
echo "scrapes: $(awk '$2 == 200' "$OUT/scrapes.log" | wc -l) answered 200, $(awk '$2 != 200' "$OUT/scrapes.log" | wc -l) other, slowest $(sort -k3 -n "$OUT/scrapes.log" | tail -1 | awk '{print $3}') s"
echo "faults: $(grep -c killed "$OUT/faults.log" 2>/dev/null || echo 0) kill/restart cycles, $(grep -c hung "$OUT/faults.log" 2>/dev/null || echo 0) hang/resume cycles"
echo "collections: $(curl -s "http://127.0.0.1:$EPORT/metrics" | awk '/^nexo_exporter_collections_total/{print $2}')"
echo "exporter log lines: $(wc -l < "$WORK/exporter.log")"
echo "ended $(date -u +%FT%TZ)"
