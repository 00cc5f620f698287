#!/usr/bin/env bash
# Times the containers probe with N running containers, for each stats source.
# Usage: scripts/bench-docker.sh [N=50] [SCRAPES=40] [BINARY=target/debug/nexo-exporter] [RUNS='api:8 cgroup:8']
# Each run is stats_source:stats_concurrency.
# Needs dockerd and /usr/bin/busybox (busybox-static). Creates only nexo-bench-<pid>-*
# containers and one image, and removes them on exit.
set -euo pipefail
N=${1:-50}
SCRAPES=${2:-40}
BIN=${3:-target/debug/nexo-exporter}
RUNS=${4:-api:8 cgroup:8}
P="nexo-bench-$$"
CTX=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  docker ps -aq --filter "name=^${P}-" | xargs -r docker rm -f >/dev/null 2>&1 || true
  docker rmi -f "$P-img" >/dev/null 2>&1 || true
  rm -rf "$CTX"
}
trap cleanup EXIT
cp /usr/bin/busybox "$CTX/"
printf 'FROM scratch\nCOPY busybox /bin/busybox\nENTRYPOINT ["/bin/busybox"]\n' >"$CTX/Dockerfile"
DOCKER_BUILDKIT=0 docker build -q -t "$P-img" "$CTX" >/dev/null
for i in $(seq 1 "$N"); do
  docker run -d --name "$P-$i" --memory 64m "$P-img" sleep 3600 >/dev/null
done
echo "containers running: $(docker ps -q --filter "name=^${P}-" | wc -l)"
for run in $RUNS; do
  source=${run%%:*}
  CONC=${run##*:}
  port=$((20000 + RANDOM % 20000))
  printf 'postgres: []\nredis: []\nrabbitmq: []\nhost:\n  enabled: false\ndocker:\n  name_include: "%s-.*"\n  stats_source: %s\n  stats_concurrency: %s\n  timeout: 30s\n' "$P" "$source" "$CONC" >"$CTX/$source.yml"
  "$BIN" --web.listen-address "127.0.0.1:$port" --config.file "$CTX/$source.yml" 2>"$CTX/$source.log" &
  PIDS+=($!)
  for _ in $(seq 50); do curl -sf "127.0.0.1:$port/-/healthy" >/dev/null && break; sleep 0.1; done
  curl -s "127.0.0.1:$port/probe?target=docker" >/dev/null # connect + negotiate once
  : >"$CTX/$source.times"
  for _ in $(seq "$SCRAPES"); do
    curl -s "127.0.0.1:$port/probe?target=docker" |
      awk '/^nexo_exporter_probe_duration_seconds/ {print $NF}' >>"$CTX/$source.times"
    sleep 0.2
  done
  series=$(curl -s "127.0.0.1:$port/probe?target=docker" | grep -c '^container_memory_working_set_bytes' || true)
  python3 - "$source" "$series" "$CTX/$source.times" "$CONC" <<'PY'
import sys, statistics
src, series, path = sys.argv[1], sys.argv[2], sys.argv[3]
t = sorted(float(x) * 1000 for x in open(path) if x.strip())
q = lambda p: t[min(len(t) - 1, int(p * len(t)))]
print(f"stats_source={src} stats_concurrency={sys.argv[4]}: {len(t)} collections, {series} containers with usage, "
      f"p50 {q(0.5):.1f} ms, p90 {q(0.9):.1f} ms, max {t[-1]:.1f} ms")
PY
  kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true
done
