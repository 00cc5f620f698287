// The NEXO monitoring mixin (node-mixin layout): alerting rules, recording rules and Grafana
// dashboards for nexo-exporter, all built from _config (config.libsonnet).
(import 'config.libsonnet') +
(import 'alerts/alerts.libsonnet') +
(import 'dashboards/dashboards.libsonnet') +
{ prometheusRules+:: { groups+: [] } }
