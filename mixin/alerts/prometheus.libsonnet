// Runbook section "Prometheus Self-Monitoring".
local alert = import '../lib/alert.libsonnet';
local fmt = import '../lib/fmt.libsonnet';
function(c) {
  name: 'nexo-prometheus',
  alerts: [
    alert.new(c, {
      alert: 'PrometheusTooManyTimeSeries',
      severity: 'warning',
      category: 'monitoring',
      value: 'prometheus_tsdb_head_series',
      op: '>',
      threshold: c.headSeriesThreshold,
      'for': c.headSeriesFor,
      summary: 'Prometheus holds more than %s time series.' % fmt.num(c.headSeriesThreshold),
      description: 'Prometheus {{ $labels.instance }} holds {{ $value | humanize }} series in its head block (threshold %s).' % fmt.si(c.headSeriesThreshold),
      panel: { dashboard: 'nexo-overview', id: 24, unit: 'short', title: 'head series', legend: '{{instance}}' },
    }),
    // Intermittent failures: more than scrapeFailThreshold of a target's scrapes failed over
    // scrapeFailWindow, and `up` changed more than scrapeFailMinChanges times in it. One outage
    // and its recovery (two changes) are TargetUnreachable's: without this guard the alert
    // fired for most of scrapeFailWindow after every recovery, once TargetUnreachable no longer
    // inhibited it.
    alert.new(c, {
      alert: 'PrometheusTargetScrapeFailed',
      severity: 'warning',
      category: 'monitoring',
      value: '1 - avg_over_time(up[%s])' % c.scrapeFailWindow,
      op: '>',
      threshold: c.scrapeFailThreshold,
      guard: 'and on (job, instance)\nchanges(up[%s]) > %d' % [c.scrapeFailWindow, c.scrapeFailMinChanges],
      'for': c.scrapeFailFor,
      summary: 'Prometheus fails to scrape a target.',
      description: '{{ $value | humanizePercentage }} of the scrapes of {{ $labels.instance }} (job {{ $labels.job }}) failed over %s.' % fmt.last(c.scrapeFailWindow),
      panel: { dashboard: 'nexo-overview', id: 25, unit: 'percentunit', title: 'failed scrape share in %s' % c.scrapeFailWindow, legend: '{{job}} {{instance}}' },
    }),
    // Always firing: proves Prometheus evaluates rules and Alertmanager delivers. Alertmanager
    // routes it to the dead-man's switch only, which pages when it stops arriving.
    alert.new(c, {
      alert: 'Watchdog',
      severity: 'none',
      category: 'monitoring',
      value: 'vector(1)',
      op: '>',
      threshold: 0,
      'for': c.watchdogFor,
      runbookAnchor: 'summary',
      summary: 'Always firing: the alerting pipeline works.',
      description: "This alert always fires ({{ $value }}): Alertmanager sends it to the dead-man's switch every minute, which pages when it stops arriving (Prometheus, its rules or Alertmanager are down). Never silence it.",
      panel: { dashboard: 'nexo-overview', id: 31, unit: 'short', title: 'Watchdog', legend: 'Watchdog' },
    }),
  ],
}
