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
      guard: alert.lastValueGuard(c, 'probe_success{service!=""}'),
      'for': c.serviceDownFor,
      summary: 'A NEXO service is failing its health check.',
      description: 'Service {{ $labels.service }} has failed every health check made by {{ $labels.instance }} for more than %s.' % fmt.words(c.serviceDownFor) + alert.lastValueNote,
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
    // The watcher itself: its scrape fails or its job has no target at all. Pages, because
    // everything it watches is unmonitored; Alertmanager mutes the alerts of the same job and
    // instance meanwhile (TargetUnreachable among them).
    alert.new(c, {
      alert: 'NexoExporterDown',
      severity: 'critical',
      category: 'availability',
      value: 'up{%s}' % c.exporterSelector,
      op: '==',
      threshold: 0,
      guard: 'or\nabsent(up{%s})' % c.exporterSelector,
      'for': c.exporterDownFor,
      runbookAnchor: 'targetunreachable',
      summary: 'The nexo-exporter is down: the NEXO dependencies are not monitored.',
      description: '{{ if $labels.instance }}Prometheus has failed to scrape nexo-exporter at {{ $labels.instance }} for more than %(d)s{{ else }}Job %(job)s has had no scrape target for more than %(d)s{{ end }}: PostgreSQL, Redis, RabbitMQ, the containers, the host and the services it watches are not monitored. Alerts already firing from its data keep firing on its last report.' % { d: fmt.words(c.exporterDownFor), job: c.exporterJob },
      panel: { dashboard: 'nexo-overview', id: 26, unit: 'bool', title: 'nexo-exporter up', legend: '{{instance}}' },
    }),
    // A probe whose failure no `*_up` alert reports: a failing Docker probe would otherwise
    // silently remove every container alert, a failing host probe the disk and load alerts.
    alert.new(c, {
      alert: 'NexoExporterProbeFailed',
      severity: 'warning',
      category: 'availability',
      value: 'nexo_exporter_probe_success{probe!~"%s"}' % std.join('|', c.probesWithOwnAlert),
      op: '==',
      threshold: 0,
      'for': c.probeFailedFor,
      runbookAnchor: 'targetunreachable',
      summary: 'A probe of nexo-exporter is failing: the alerts built on it are blind.',
      description: 'The {{ $labels.probe }} probe ({{ $labels.target }}) of the exporter at {{ $labels.instance }} has failed for more than %s: the alerts read from it (docker: every container alert; host: disk and load) cannot fire. The exporter log says why (probe failed ... error=...).' % fmt.words(c.probeFailedFor),
      panel: { dashboard: 'nexo-overview', id: 27, unit: 'bool', title: 'probe success', legend: '{{instance}} {{probe}} {{target}}' },
    }),
    // A configured target whose series vanished while the exporter runs (its configuration
    // lost it, or the exporter restarted without it): a warning of its own, never "PostgreSQL
    // is not responding". A target nobody configured has no series and never alerts.
    alert.new(c, {
      alert: 'NexoExporterTargetMissing',
      severity: 'warning',
      category: 'availability',
      value: 'max_over_time(nexo_exporter_probe_success[%(w)s])\nunless nexo_exporter_probe_success' % { w: c.targetMissingWindow },
      op: '>=',
      threshold: 0,
      // `up` of the same job and instance: the default endpoint and the /probe jobs alike.
      guard: 'and on (job, instance)\nup == 1',
      'for': c.targetMissingFor,
      runbookAnchor: 'targetunreachable',
      summary: 'The exporter no longer reports a target it watched.',
      description: 'The exporter at {{ $labels.instance }} reported its {{ $labels.probe }} target {{ $labels.target }} within %s but not any more: nothing watches it now. Check the exporter configuration (nexo-exporter check-config); if the target was removed on purpose, this resolves %s after its last report.' % [fmt.last(c.targetMissingWindow), fmt.words(c.targetMissingWindow)],
      panel: { dashboard: 'nexo-overview', id: 28, unit: 'short', title: 'targets reported', legend: '{{instance}} {{probe}} {{target}}' },
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
