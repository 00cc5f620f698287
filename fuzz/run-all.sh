#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 240) each, PARALLEL at a time (default 2), and
# prints the last libFuzzer status line of each. Needs cargo-fuzz and a nightly toolchain
# (or RUSTC_BOOTSTRAP=1 with stable: set TOOLCHAIN= to use the default toolchain).
set -euo pipefail
cd "$(dirname "$0")"
SECONDS_EACH="${1:-240}"
PARALLEL="${PARALLEL:-2}"
TOOLCHAIN="${TOOLCHAIN-+nightly}"
declare -A MAXLEN=([config_parse]=4096 [webconfig_parse]=8192 [probe_query]=512 [request_headers]=1024
  [redis_info]=8192 [rabbitmq_detailed]=8192 [rabbitmq_management]=8192 [docker_json]=16384
  [docker_cgroup]=4096 [postgres_rows]=4096)
TARGETS="config_parse webconfig_parse probe_query request_headers redis_info rabbitmq_detailed
  rabbitmq_management docker_json docker_cgroup postgres_rows"
cargo $TOOLCHAIN fuzz build
mkdir -p logs
running=0
for t in $TARGETS; do
  mkdir -p "corpus/$t"
  cargo $TOOLCHAIN fuzz run "$t" -- -max_total_time="$SECONDS_EACH" -max_len="${MAXLEN[$t]}" \
    -print_final_stats=1 >"logs/$t.log" 2>&1 &
  running=$((running + 1))
  if [ "$running" -ge "$PARALLEL" ]; then wait -n || true; running=$((running - 1)); fi
done
wait || true
for t in $TARGETS; do
  echo "== $t"
  grep -E "^#[0-9]+.*(DONE|pulse|NEW|REDUCE)" "logs/$t.log" | tail -1 || true
  grep -E "stat::(number_of_executed_units|peak_rss_mb)|SUMMARY|panicked" "logs/$t.log" || true
done
