// Runbook section "Error Rate Alerts" (the services' own http_requests_total).
local alert = import '../lib/alert.libsonnet';
local fmt = import '../lib/fmt.libsonnet';
function(c)
  local share(re) = |||
    sum by (service) (rate(http_requests_total{status=~"%(re)s"}[%(w)s]))
      / (sum by (service) (rate(http_requests_total[%(w)s])) > 0)
  ||| % { re: re, w: c.rateWindow };
  local errors(w) = 'sum by (service) (rate(http_requests_total{status=~"[45].."}[%s]))' % w;
  {
    name: 'nexo-errors',
    alerts: [
      alert.new(c, {
        alert: 'HighServerErrorRate',
        severity: 'critical',
        category: 'errors',
        value: share('5..'),
        op: '>',
        threshold: c.serverErrorThreshold,
        'for': c.serverErrorFor,
        summary: 'A NEXO service answers too many requests with 5xx errors.',
        description: '{{ $value | humanizePercentage }} of the requests to {{ $labels.service }} returned a 5xx status over %s (threshold %s).' % [fmt.last(c.rateWindow), fmt.pct(c.serverErrorThreshold)],
        panel: { dashboard: 'nexo-overview', id: 4, unit: 'percentunit', title: '5xx share of requests', legend: '{{service}}' },
      }),
      alert.new(c, {
        alert: 'HighClientErrorRate',
        severity: 'warning',
        category: 'errors',
        value: share('4..'),
        op: '>',
        threshold: c.clientErrorThreshold,
        'for': c.clientErrorFor,
        summary: 'A NEXO service answers too many requests with 4xx errors.',
        description: '{{ $value | humanizePercentage }} of the requests to {{ $labels.service }} returned a 4xx status over %s (threshold %s).' % [fmt.last(c.rateWindow), fmt.pct(c.clientErrorThreshold)],
        panel: { dashboard: 'nexo-overview', id: 5, unit: 'percentunit', title: '4xx share of requests', legend: '{{service}}' },
      }),
      // Current 4xx+5xx rate (errorSpikeWindow) at least errorSpikeFactor times the baseline
      // (errorSpikeBaselineWindow, errorSpikeBaselineOffset ago). Guards: the baseline must be
      // > 0 (no division by zero) and the current rate above errorSpikeMinPerMinute, so a quiet
      // service going from 1 to 3 errors does not count as a spike.
      alert.new(c, {
        alert: 'ErrorSpike',
        severity: 'warning',
        category: 'errors',
        value: |||
          %s
            / (sum by (service) (rate(http_requests_total{status=~"[45].."}[%s] offset %s)) > 0)
        ||| % [errors(c.errorSpikeWindow), c.errorSpikeBaselineWindow, c.errorSpikeBaselineOffset],
        op: '>=',
        threshold: c.errorSpikeFactor,
        guard: 'and on (service)\n%s > %s / 60' % [errors(c.errorSpikeWindow), fmt.num(c.errorSpikeMinPerMinute)],
        'for': c.errorSpikeFor,
        summary: 'The error rate of a NEXO service suddenly doubled.',
        description: 'The 4xx+5xx rate of {{ $labels.service }} over %s is {{ printf "%%.1f" $value }} times its rate over the %s before the last %s.' % [fmt.last(c.errorSpikeWindow), fmt.words(c.errorSpikeBaselineWindow), fmt.words(c.errorSpikeBaselineOffset)],
        panel: { dashboard: 'nexo-overview', id: 6, unit: 'short', title: 'error rate vs %s-ago baseline' % c.errorSpikeBaselineOffset, legend: '{{service}}' },
      }),
    ],
  }
