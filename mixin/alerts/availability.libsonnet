// Runbook section "Service Health Alerts".
local alert = import '../lib/alert.libsonnet';
local fmt = import '../lib/fmt.libsonnet';
function(c) {
  name: 'nexo-availability',
  alerts: [
    alert.new(c, {
      alert: 'ServiceDown',
      severity: 'critical',
      category: 'availability',
      value: 'probe_success{service!=""}',
      op: '==',
      threshold: 0,
      'for': c.serviceDownFor,
      summary: 'A NEXO service is failing its health check.',
      description: 'Service {{ $labels.service }} has failed every health check made by {{ $labels.instance }} for more than %s.' % fmt.words(c.serviceDownFor),
      panel: { dashboard: 'nexo-overview', id: 1, unit: 'bool', title: 'service health URL up', legend: '{{service}}' },
    }),
    alert.new(c, {
      alert: 'TargetUnreachable',
      severity: 'warning',
      category: 'availability',
      value: 'up',
      op: '==',
      threshold: 0,
      guard: 'or\nabsent(up{%s})' % c.exporterSelector,
      'for': c.targetUnreachableFor,
      summary: 'Prometheus cannot scrape a target.',
      description: '{{ if $labels.instance }}Prometheus has failed to scrape {{ $labels.instance }} (job {{ $labels.job }}) for more than %(d)s.{{ else }}Job {{ $labels.job }} has no scrape target at all for more than %(d)s: nothing is scraping the exporter.{{ end }}' % { d: fmt.words(c.targetUnreachableFor) },
      panel: { dashboard: 'nexo-overview', id: 2, unit: 'bool', title: 'Prometheus target up', legend: '{{job}} {{instance}}' },
    }),
    // container_restarts_total only grows while the exporter runs; increase() absorbs an
    // exporter restart (counter reset). ">=": extrapolation can turn 2 restarts into 2.03.
    alert.new(c, {
      alert: 'HighRestartRate',
      severity: 'warning',
      category: 'availability',
      value: 'increase(container_restarts_total[%s])' % c.restartWindow,
      op: '>=',
      threshold: c.restartThreshold,
      'for': c.restartFor,
      summary: 'A container is restarting frequently.',
      description: 'Container {{ $labels.name }} (compose service {{ $labels.compose_service }}) restarted {{ printf "%%.0f" $value }} times in the last %s.' % fmt.words(c.restartWindow),
      panel: { dashboard: 'nexo-containers', id: 3, unit: 'short', title: 'container restarts in %s' % c.restartWindow, legend: '{{name}}' },
    }),
  ],
}
