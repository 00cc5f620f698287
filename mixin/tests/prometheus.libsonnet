// promtool unit tests: PrometheusTooManyTimeSeries, PrometheusTargetScrapeFailed.
// Inputs are computed from the thresholds, windows and `for` of _config.
local fmt = import '../lib/fmt.libsonnet';
local t = import '../lib/promtool.libsonnet';
// c: _config, a: the alert objects by name.
function(c, a)
  local hs = a.PrometheusTooManyTimeSeries;
  local sf = a.PrometheusTargetScrapeFailed;
  local p(name) = { job: 'prometheus', instance: name };
  local crm = { job: 'crm-service', instance: 'crm:3003' };
  local high = hs.threshold * 1.5;
  // Scrapes of crm:3003, one a minute: 5 successes, then every other scrape fails.
  local ups = [if m < 5 || m % 2 == 0 then 1 else 0 for m in std.range(0, 60)];
  local win = fmt.seconds(c.scrapeFailWindow) / 60;
  // The failed share avg_over_time(up[window]) sees at minute m (both ends included).
  local share(m) =
    local s = ups[std.max(0, m - win):m + 1];
    1 - std.foldl(function(x, y) x + y, s, 0) / std.length(s);
  local above(m) = share(m) > sf.threshold;
  // The first minute the alert fires: above the threshold for `for` in a row.
  local fire = [m for m in std.range(t.forMin(sf), 60) if std.length([x for x in std.range(m - t.forMin(sf), m) if !above(x)]) == 0][0];
  {
    tests: [
      {
        name: 'PrometheusTooManyTimeSeries fires at %s head series after %s' % [fmt.si(high), hs['for']],
        interval: '1m',
        input_series: [t.series('prometheus_tsdb_head_series', p('localhost:9090'), '%sx30' % fmt.num(high))],
        alert_rule_test: [
          t.silent(hs, t.forMin(hs) - 1),
          t.fires(hs,
                  t.forMin(hs),
                  p('localhost:9090'),
                  'Prometheus localhost:9090 holds %s series in its head block (threshold %s).' % [fmt.si(high), fmt.si(hs.threshold)]),
        ],
      },
      {
        name: 'PrometheusTooManyTimeSeries does not fire at exactly the threshold nor on a burst shorter than its `for`',
        interval: '1m',
        input_series: [
          t.series('prometheus_tsdb_head_series', p('a'), '%sx30' % fmt.num(hs.threshold)),
          t.series('prometheus_tsdb_head_series', p('b'), '1000 %sx%d 1000x25' % [fmt.num(hs.threshold * 9), t.forMin(hs) - 2]),
        ],
        alert_rule_test: [t.silent(hs, t.forMin(hs) * 2)],
      },
      {
        name: 'PrometheusTargetScrapeFailed fires when more than %s of scrapes fail over %s, after %s' % [fmt.pct(sf.threshold), c.scrapeFailWindow, sf['for']],
        interval: '1m',
        input_series: [t.series('up', crm, std.join(' ', [std.toString(u) for u in ups]))],
        alert_rule_test: [
          t.silent(sf, fire - 1),
          t.fires(sf, fire, crm, '%s of the scrapes of crm:3003 (job crm-service) failed over %s.' % [fmt.pct(share(fire)), fmt.last(c.scrapeFailWindow)]),
        ],
      },
      {
        name: 'PrometheusTargetScrapeFailed does not fire for one failed scrape',
        interval: '1m',
        input_series: [t.series('up', crm, '1 1 1 1 1 0 1x30')],
        alert_rule_test: [t.silent(sf, 8), t.silent(sf, 12)],
      },
    ],
  }
