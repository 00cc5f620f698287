// promtool unit tests: HighLatencyP95, HighLatencyP99, SlowRequestRate (NestJS histogram
// contract). Each test builds its buckets around the alert's threshold from _config and
// computes the quantile histogram_quantile() returns (linear interpolation in the bucket).
local fmt = import '../lib/fmt.libsonnet';
local t = import '../lib/promtool.libsonnet';
// c: _config, a: the alert objects by name.
function(c, a)
  local p95 = a.HighLatencyP95;
  local p99 = a.HighLatencyP99;
  local p50 = a.SlowRequestRate;
  // Bucket bounds around a threshold.
  local bounds(thr) = [thr * 0.5, thr, thr * 2, thr * 4];
  // Series of one histogram: `cum` requests a minute at or below each bound (+Inf last).
  local hist(service, b, cum) = [
    t.series('http_request_duration_seconds_bucket', { service: service, method: 'GET', route: '/api/contacts', le: le[0] }, '0+%dx30' % le[1])
    for le in std.mapWithIndex(function(i, x) [fmt.num(x), cum[i]], b) + [['+Inf', cum[std.length(cum) - 1]]]
  ];
  // histogram_quantile(q) over these buckets (the last bound holds every request).
  local quantile(q, b, cum) =
    local total = cum[std.length(cum) - 1];
    local rank = q * total;
    local i = [j for j in std.range(0, std.length(b) - 1) if cum[j] >= rank][0];
    local lo = if i == 0 then 0 else b[i - 1];
    local below = if i == 0 then 0 else cum[i - 1];
    lo + (b[i] - lo) * (rank - below) / (cum[i] - below);
  local desc(pct, service, v, thr) = 'The %s latency of %s over %s is %s (threshold %s).' % [pct, service, fmt.last(c.rateWindow), fmt.dur(v), fmt.dur(thr)];
  // A share q - 0.1 of the requests within the threshold, all within twice it: fires.
  local over(q) = [0, t.round(100 * (q - 0.1)), 100, 100];
  // A share q + 0.01 within the threshold: does not fire.
  local under(q) = [0, std.min(100, t.round(100 * (q + 0.01))), 100, 100];
  local case95 = over(0.95);
  local v95 = quantile(0.95, bounds(p95.threshold), case95);
  local v99in95 = quantile(0.99, bounds(p95.threshold), case95);
  local case99 = over(0.99);
  local v99 = quantile(0.99, bounds(p99.threshold), case99);
  local case50 = over(0.5);
  local v50 = quantile(0.5, bounds(p50.threshold), case50);
  {
    tests: [
      {
        name: 'HighLatencyP95 fires at p95 = %s after %s' % [fmt.dur(v95), p95['for']],
        interval: '1m',
        input_series: hist('crm-service', bounds(p95.threshold), case95),
        alert_rule_test: [
          t.silent(p95, t.forMin(p95)),  // pending since 1m
          t.fires(p95, t.forMin(p95) + 1, { service: 'crm-service' }, desc('p95', 'crm-service', v95, p95.threshold)),
        ] + (if v99in95 <= p99.threshold then [t.silent(p99, 20)] else []),
      },
      {
        name: 'HighLatencyP95 does not fire when 96% of requests are within its threshold',
        interval: '1m',
        input_series: hist('crm-service', bounds(p95.threshold), under(0.95)),
        alert_rule_test: [t.silent(p95, 20)],
      },
      {
        name: 'HighLatencyP99 fires at p99 = %s after %s' % [fmt.dur(v99), p99['for']],
        interval: '1m',
        input_series: hist('gateway', bounds(p99.threshold), case99),
        alert_rule_test: [
          t.silent(p99, t.forMin(p99)),
          t.fires(p99, t.forMin(p99) + 1, { service: 'gateway' }, desc('p99', 'gateway', v99, p99.threshold)),
        ],
      },
      {
        name: 'HighLatencyP99 does not fire when all requests are within its threshold',
        interval: '1m',
        input_series: hist('gateway', bounds(p99.threshold), under(0.99)),
        alert_rule_test: [t.silent(p99, 20)],
      },
      {
        name: 'Latency alerts do not fire without traffic (histogram_quantile of 0/0 is NaN)',
        interval: '1m',
        input_series: hist('idle', bounds(p95.threshold), [0, 0, 0, 0]),
        alert_rule_test: [t.silent(p95, 20), t.silent(p99, 20), t.silent(p50, 20)],
      },
      {
        name: 'SlowRequestRate fires at p50 = %s after %s' % [fmt.dur(v50), p50['for']],
        interval: '1m',
        input_series: hist('auth', bounds(p50.threshold), case50),
        alert_rule_test: [
          t.silent(p50, t.forMin(p50)),
          t.fires(p50, t.forMin(p50) + 1, { service: 'auth' }, desc('p50', 'auth', v50, p50.threshold)),
        ],
      },
      {
        name: 'SlowRequestRate does not fire when 51% of requests are within its threshold',
        interval: '1m',
        input_series: hist('auth', bounds(p50.threshold), under(0.5)),
        alert_rule_test: [t.silent(p50, 25)],
      },
    ],
  }
