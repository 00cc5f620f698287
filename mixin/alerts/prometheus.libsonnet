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
    // scrapeFailWindow. A target down for good also matches; TargetUnreachable inhibits it then.
    alert.new(c, {
      alert: 'PrometheusTargetScrapeFailed',
      severity: 'warning',
      category: 'monitoring',
      value: '1 - avg_over_time(up[%s])' % c.scrapeFailWindow,
      op: '>',
      threshold: c.scrapeFailThreshold,
      'for': c.scrapeFailFor,
      summary: 'Prometheus fails to scrape a target.',
      description: '{{ $value | humanizePercentage }} of the scrapes of {{ $labels.instance }} (job {{ $labels.job }}) failed over %s.' % fmt.last(c.scrapeFailWindow),
      panel: { dashboard: 'nexo-overview', id: 25, unit: 'percentunit', title: 'failed scrape share in %s' % c.scrapeFailWindow, legend: '{{job}} {{instance}}' },
    }),
  ],
}
