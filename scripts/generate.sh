#!/usr/bin/env bash
# Writes every file generated from the monitoring mixin (mixin/, see docs/mixin.md):
#   alerts/nexo-alerts.yml, alerts/tests/*.yml, dashboards/*.json,
#   deploy/kubernetes/prometheusrule.yaml, deploy/kubernetes/grafana-dashboards.yaml
# Usage: scripts/generate.sh [OUT_DIR]   (default: the repository; the drift test uses a temp dir)
# Needs jsonnet (Debian package `jsonnet`; scripts/test.sh installs it).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root}"
mkdir -p "$out/alerts/tests" "$out/dashboards" "$out/deploy/kubernetes"
jsonnet -J "$root" -S -m "$out" "$root/mixin/build.jsonnet" >/dev/null
