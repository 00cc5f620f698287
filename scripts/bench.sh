#!/usr/bin/env bash
# Load benchmark of the real binary: scrape latency p50/p99, requests per second, CPU per
# scrape and RSS, with every probe enabled against the local services.
#
#   scripts/bench.sh [CONFIG.yml] [DURATION_SECONDS]
#
# Needs wrk (Debian package `wrk`). Runs three loads against /metrics: one scraper at a time
# (each scrape is a full collection), 10 concurrent scrapers (they share collections), and the
# encode-only path (/probe?target=host, host metrics only).
set -euo pipefail
cd "$(dirname "$0")/.."
CONFIG="${1:-}"
DUR="${2:-15}"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
cargo build --release --quiet
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
ARGS=(--web.listen-address "127.0.0.1:$PORT" --log.level warn)
if [ -z "$CONFIG" ]; then
  # The embedded default (host, PostgreSQL, Redis, RabbitMQ, Docker) plus one service health
  # probe, pointed at the exporter's own /-/healthy so every probe kind runs.
  CONFIG=$(mktemp /tmp/nexo-bench.XXXXXX.yml)
  printf 'services:\n  - name: self\n    url: http://127.0.0.1:%s/-/healthy\n' "$PORT" > "$CONFIG"
fi
ARGS+=(--config.file "$CONFIG")
./target/release/nexo-exporter "${ARGS[@]}" 2>/tmp/nexo-bench.log &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/-/healthy" >/dev/null && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$PORT/metrics" >/dev/null
TICKS=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14+$15}' "/proc/$PID/stat"; }

echo "nexo-exporter $(./target/release/nexo-exporter --version | awk '{print $2}') on $(nproc) cores; probes:"
curl -s "http://127.0.0.1:$PORT/metrics" | grep '^nexo_exporter_probe_success' | sed 's/^/  /'
echo "series per scrape: $(curl -s "http://127.0.0.1:$PORT/metrics" | grep -vc '^#')"
printf '\n%-34s %9s %9s %9s %9s %12s\n' "load" "req/s" "p50 ms" "p99 ms" "requests" "CPU ms/req"
run() { # label connections path
  local before after out reqs
  before=$(cpu_ticks)
  out=$(wrk -t1 -c"$2" -d"${DUR}s" --latency "http://127.0.0.1:$PORT$3")
  after=$(cpu_ticks)
  reqs=$(echo "$out" | awk '/requests in/{print $1}')
  local rps p50 p99
  rps=$(echo "$out" | awk '/Requests\/sec/{print $2}')
  p50=$(echo "$out" | awk '$1=="50%"{print $2}')
  p99=$(echo "$out" | awk '$1=="99%"{print $2}')
  to_ms() { awk -v v="$1" 'BEGIN{ if (v ~ /us$/) {sub(/us/,"",v); print v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v); print v+0} else {sub(/s/,"",v); print v*1000} }'; }
  printf '%-34s %9s %9.2f %9.2f %9s %12.3f\n' "$1" "$rps" "$(to_ms "$p50")" "$(to_ms "$p99")" "$reqs" \
    "$(awk -v t=$((after-before)) -v hz="$TICKS" -v n="$reqs" 'BEGIN{print t*1000/hz/n}')"
}
run "1 scraper, all probes" 1 /metrics
run "10 scrapers, all probes" 10 /metrics
run "10 scrapers, host only (/probe)" 10 "/probe?target=host"
echo
grep -E 'VmRSS|VmHWM' "/proc/$PID/status" | sed 's/^/  /'
echo "  collections run: $(curl -s "http://127.0.0.1:$PORT/metrics" | awk '/^nexo_exporter_collections_total/{print $2}')"
