#!/usr/bin/env bash
# CPU per scrape of two builds, measured back to back in the same run (A, B, A, B, ...), so
# that the machine's load weighs on both alike: the exporter's utime+stime from /proc over N
# sequential scrapes of the embedded default configuration (host, PostgreSQL, Redis, RabbitMQ,
# Docker against the local services), for the whole /metrics and for each probe alone
# (/probe?target=KIND).
#
#   scripts/bench-cpu.sh BIN_A BIN_B [ROUNDS=3] [SCRAPES=200]
#
# Prints one line per build, round and path: ms of exporter CPU per scrape, and the series count.
set -euo pipefail
A="$1"; B="$2"; ROUNDS="${3:-3}"; N="${4:-200}"
TICKS=$(getconf CLK_TCK)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
measure() { # label bin
  local port pid
  port=$(free_port)
  "$2" --web.listen-address "127.0.0.1:$port" --log.level warn 2>/dev/null &
  pid=$!
  for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/-/healthy" >/dev/null && break; sleep 0.1; done
  # Warm up: connections opened, first collections done.
  for _ in 1 2 3; do curl -s "http://127.0.0.1:$port/metrics" >/dev/null; done
  local series
  series=$(curl -s "http://127.0.0.1:$port/metrics" | grep -vc '^#')
  for path in /metrics "/probe?target=host" "/probe?target=postgres" "/probe?target=redis" \
      "/probe?target=rabbitmq" "/probe?target=docker"; do
    local before after urls
    urls=$(for _ in $(seq 1 "$N"); do printf 'url = "http://127.0.0.1:%s%s"\noutput = /dev/null\n' "$port" "$path"; done)
    before=$(awk '{print $14+$15}' "/proc/$pid/stat")
    echo "$urls" | curl -s -K - >/dev/null
    after=$(awk '{print $14+$15}' "/proc/$pid/stat")
    printf '%-8s %-26s %8.3f ms/scrape  (%d series in /metrics, load %s)\n' "$1" "$path" \
      "$(awk -v t=$((after - before)) -v hz="$TICKS" -v n="$N" 'BEGIN{print t*1000/hz/n}')" \
      "$series" "$(cut -d' ' -f1 /proc/loadavg)"
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
}
for r in $(seq 1 "$ROUNDS"); do
  measure "A#$r" "$A"
  measure "B#$r" "$B"
done
