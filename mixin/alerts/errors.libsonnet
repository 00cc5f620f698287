// Runbook section "Error Rate Alerts" (the services' own http_requests_total).
local alert = import '../lib/alert.libsonnet';
local fmt = import '../lib/fmt.libsonnet';
function(c)
  local share(re) = |||
    sum by (service) (rate(http_requests_total{status=~"%(re)s"}[%(w)s]))
      / (sum by (service) (rate(http_requests_total[%(w)s])) > 0)
  ||| % { re: re, w: c.rateWindow };
  local errors(w) = 'sum by (service) (rate(http_requests_total{status=~"[45].."}[%s]))' % w;
  // The request alerts need minRequestRate requests per second: no page on a handful.
  local enough = 'and on (service)\nsum by (service) (rate(http_requests_total[%s])) >= %s' % [c.rateWindow, fmt.num(c.minRequestRate)];
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
        guard: enough,
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
        guard: enough,
        'for': c.clientErrorFor,
        summary: 'A NEXO service answers too many requests with 4xx errors.',
        description: '{{ $value | humanizePercentage }} of the requests to {{ $labels.service }} returned a 4xx status over %s (threshold %s).' % [fmt.last(c.rateWindow), fmt.pct(c.clientErrorThreshold)],
        panel: { dashboard: 'nexo-overview', id: 5, unit: 'percentunit', title: '4xx share of requests', legend: '{{service}}' },
      }),
      // The share of requests answered 4xx/5xx over errorSpikeWindow at least errorSpikeFactor
      // times the share over errorSpikeBaselineWindow, errorSpikeBaselineOffset ago. A share,
      // not a rate: traffic growing at a constant error share is no spike. The baseline share
      // counts as at least errorSpikeMinBaselineShare (a baseline of no errors, or of no error
      // series yet, is 0, not missing), so 0 -> 3 % fires. Guard: the current error rate above
      // errorSpikeMinPerMinute, so a quiet service going from 1 to 3 errors is no spike.
      alert.new(c, {
        alert: 'ErrorSpike',
        severity: 'warning',
        category: 'errors',
        value: |||
          (
            %(now)s
              / (sum by (service) (rate(http_requests_total[%(w)s])) > 0)
          )
            / on (service)
          clamp_min(
            (
              sum by (service) (rate(http_requests_total{status=~"[45].."}[%(bw)s] offset %(bo)s))
              or on (service)
              0 * sum by (service) (rate(http_requests_total[%(bw)s] offset %(bo)s))
            )
              / (sum by (service) (rate(http_requests_total[%(bw)s] offset %(bo)s)) > 0),
            %(floor)s
          )
        ||| % { now: errors(c.errorSpikeWindow), w: c.errorSpikeWindow, bw: c.errorSpikeBaselineWindow, bo: c.errorSpikeBaselineOffset, floor: fmt.num(c.errorSpikeMinBaselineShare) },
        op: '>=',
        threshold: c.errorSpikeFactor,
        guard: 'and on (service)\n%s > %s / 60' % [errors(c.errorSpikeWindow), fmt.num(c.errorSpikeMinPerMinute)],
        'for': c.errorSpikeFor,
        summary: 'The error share of a NEXO service suddenly doubled.',
        description: 'The share of 4xx+5xx answers of {{ $labels.service }} over %s is {{ printf "%%.1f" $value }} times its share over the %s before the last %s (a baseline below %s counts as %s).' % [fmt.last(c.errorSpikeWindow), fmt.words(c.errorSpikeBaselineWindow), fmt.words(c.errorSpikeBaselineOffset), fmt.pct(c.errorSpikeMinBaselineShare), fmt.pct(c.errorSpikeMinBaselineShare)],
        panel: { dashboard: 'nexo-overview', id: 6, unit: 'short', title: 'error share vs %s-ago baseline' % c.errorSpikeBaselineOffset, legend: '{{service}}' },
      }),
    ],
  }
