// Runbook section "Performance / Latency Alerts" (the services' request duration histogram).
local alert = import '../lib/alert.libsonnet';
local fmt = import '../lib/fmt.libsonnet';
function(c)
  local latency(name, q, pct, thr, forDur, severity, id, summary) = alert.new(c, {
    alert: name,
    severity: severity,
    category: 'performance',
    value: 'histogram_quantile(%s, sum by (service, le) (rate(http_request_duration_seconds_bucket[%s])))' % [fmt.num(q), c.rateWindow],
    op: '>',
    threshold: thr,
    'for': forDur,
    summary: summary % fmt.dur(thr),
    description: 'The %s latency of {{ $labels.service }} over %s is {{ $value | humanizeDuration }} (threshold %s).' % [pct, fmt.last(c.rateWindow), fmt.dur(thr)],
    panel: { dashboard: 'nexo-overview', id: id, unit: 's', title: '%s request latency' % pct, legend: '{{service}}' },
  });
  {
    name: 'nexo-performance',
    alerts: [
      latency('HighLatencyP95',
              0.95,
              'p95',
              c.latencyP95Threshold,
              c.latencyP95For,
              'warning',
              7,
              'The 95th percentile request latency of a NEXO service is above %s.'),
      latency('HighLatencyP99',
              0.99,
              'p99',
              c.latencyP99Threshold,
              c.latencyP99For,
              'critical',
              8,
              'The 99th percentile request latency of a NEXO service is above %s.'),
      latency('SlowRequestRate',
              0.5,
              'p50',
              c.latencyP50Threshold,
              c.latencyP50For,
              'warning',
              9,
              'The median request latency of a NEXO service is above %s.'),
    ],
  }
