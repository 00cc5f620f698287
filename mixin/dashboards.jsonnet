// dashboards/*.json (scripts/generate.sh writes them with `jsonnet -m`).
(import 'mixin.libsonnet').grafanaDashboards
