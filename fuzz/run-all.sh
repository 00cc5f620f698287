#!/usr/bin/env bash
# Runs every fuzz target, PARALLEL at a time (default 1), each until RUNS executions (default
# 5,000,000) or SECONDS_EACH seconds (first argument, default 240; 0 = no time limit), whichever
# comes first, and prints the last libFuzzer status line of each.
#
#   fuzz/run-all.sh [SECONDS_EACH]
#   RUNS=5000000 PARALLEL=1 SANITIZER=none TARGETS="redis_info docker_json" fuzz/run-all.sh 0
#
# Needs cargo-fuzz and a nightly toolchain (or RUSTC_BOOTSTRAP=1 with stable: set TOOLCHAIN= to
# use the default toolchain). SANITIZER is cargo-fuzz's `-s` (address by default; `none` runs
# several times faster and still catches panics and, with the default debug assertions,
# integer overflow). Each run reads the committed seeds in corpus/<target>/ and grows a scratch
# corpus in $WORK_CORPUS/<target>/ (default /tmp/nexo-fuzz-corpus); with MERGE=1 the scratch
# corpus is then minimised (libFuzzer -merge=1) into corpus/<target>/, which adds only inputs
# with new coverage. Logs go to logs/<target>.log.
set -euo pipefail
cd "$(dirname "$0")"
SECONDS_EACH="${1:-240}"
RUNS="${RUNS:-5000000}"
PARALLEL="${PARALLEL:-1}"
TOOLCHAIN="${TOOLCHAIN-+nightly}"
SANITIZER="${SANITIZER:-address}"
WORK_CORPUS="${WORK_CORPUS:-/tmp/nexo-fuzz-corpus}"
MERGE="${MERGE:-0}"
declare -A MAXLEN=([config_parse]=4096 [webconfig_parse]=8192 [probe_query]=512 [request_headers]=1024
  [redis_info]=8192 [rabbitmq_detailed]=8192 [rabbitmq_management]=8192 [docker_json]=16384
  [docker_cgroup]=4096 [postgres_rows]=4096)
TARGETS="${TARGETS:-config_parse webconfig_parse probe_query request_headers redis_info rabbitmq_detailed
  rabbitmq_management docker_json docker_cgroup postgres_rows}"
# shellcheck disable=SC2086
cargo $TOOLCHAIN fuzz build -s "$SANITIZER"
BIN_DIR=target/x86_64-unknown-linux-gnu/release
mkdir -p logs
running=0
for t in $TARGETS; do
  mkdir -p "corpus/$t" "$WORK_CORPUS/$t" "artifacts/$t"
  "$BIN_DIR/$t" "$WORK_CORPUS/$t" "corpus/$t" -runs="$RUNS" -max_total_time="$SECONDS_EACH" \
    -max_len="${MAXLEN[$t]}" -print_final_stats=1 -artifact_prefix="artifacts/$t/" >"logs/$t.log" 2>&1 &
  running=$((running + 1))
  if [ "$running" -ge "$PARALLEL" ]; then wait -n || true; running=$((running - 1)); fi
done
wait || true
if [ "$MERGE" = 1 ]; then
  for t in $TARGETS; do
    "$BIN_DIR/$t" -merge=1 -max_len="${MAXLEN[$t]}" "corpus/$t" "$WORK_CORPUS/$t" >"logs/$t.merge.log" 2>&1 || true
  done
fi
for t in $TARGETS; do
  echo "== $t"
  grep -E "^#[0-9]+.*(DONE|pulse|NEW|REDUCE)" "logs/$t.log" | tail -1 || true
  grep -E "stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)|SUMMARY|panicked" "logs/$t.log" || true
done
