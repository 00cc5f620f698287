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
# Rules, their unit tests and the PrometheusRule: YAML text (-S).
jsonnet -J "$root" -S -m "$out" "$root/mixin/build.jsonnet" >/dev/null
# Dashboards: jsonnet's own JSON output (fast; std.manifestJson of jsonnet 0.18 is slow).
files=$(jsonnet -J "$root" -m "$out/dashboards" "$root/mixin/dashboards.jsonnet" | xargs -n1 basename | sort)
# Their ConfigMaps, with each JSON file embedded as it was written.
args=()
for f in $files; do args+=(--ext-str-file "$f=$out/dashboards/$f"); done
jsonnet -J "$root" -S --ext-str "files=$(echo $files)" "${args[@]}" "$root/mixin/configmaps.jsonnet" \
  >"$out/deploy/kubernetes/grafana-dashboards.yaml"
