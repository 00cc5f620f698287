// deploy/kubernetes/grafana-dashboards.yaml: one ConfigMap per dashboard for Grafana's
// dashboard sidecar. The dashboards' JSON texts come in as external variables (one per file,
// named by file, plus `files`: their names), as scripts/generate.sh passes them after writing
// dashboards/*.json with jsonnet's own JSON output.
local yaml = import 'lib/yaml.libsonnet';
local files = std.split(std.extVar('files'), ' ');
'# GENERATED from mixin/ by scripts/generate.sh: do not edit (see docs/mixin.md).\n'
+ "# One ConfigMap per dashboard, picked up by Grafana's dashboard sidecar (label grafana_dashboard=1).\n"
+ "# One object per dashboard keeps each below client-side apply's 256 KiB annotation.\n"
+ std.join('', [
  '---\n' + yaml.manifest({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'grafana-dashboard-%s' % std.substr(f, 0, std.length(f) - 5),
      labels: {
        grafana_dashboard: '1',
        'app.kubernetes.io/name': 'nexo-exporter',
        'app.kubernetes.io/component': 'dashboards',
      },
      annotations: { grafana_folder: 'NEXO' },
    },
    data: { [f]: std.extVar(f) },
  })
  for f in files
])
