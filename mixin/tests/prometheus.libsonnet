// promtool unit tests: PrometheusTooManyTimeSeries, PrometheusTargetScrapeFailed, Watchdog.
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
  // Changes of up in the window at minute m (changes() over the same samples).
  local changes(m) =
    local s = ups[std.max(0, m - win):m + 1];
    std.length([i for i in std.range(1, std.length(s) - 1) if s[i] != s[i - 1]]);
  local above(m) = share(m) > sf.threshold && changes(m) > c.scrapeFailMinChanges;
  local tu = a.TargetUnreachable;
  local wd = a.Watchdog;
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
      {
        // Issue 11 item 2: after every recovery from an outage TargetUnreachable reported, the
        // alert fired for most of its window.
        name: 'PrometheusTargetScrapeFailed does not fire after the recovery from a %d-minute outage (TargetUnreachable fired during it)' % win,
        interval: '1m',
        input_series: [
          t.series('up', crm, '1x10 0x%d 1x30' % (win - 1)),
          t.series('up', { job: c.exporterJob, instance: 'exporter:9187' }, '1x60'),
        ],
        alert_rule_test: [
          t.fires(tu, 10 + t.forMin(tu) + 1, crm, 'Prometheus has failed to scrape crm:3003 (job crm-service) for more than %s.' % fmt.words(tu['for'])),
        ] + [t.silent(sf, 10 + win + k) for k in [1, 3, 5, 7, 9, 11]],
      },
      {
        name: 'Watchdog always fires (after its %s)' % wd['for'],
        interval: '1m',
        input_series: [t.series('up', { job: c.exporterJob, instance: 'exporter:9187' }, '1x30')],
        alert_rule_test: [
          t.silent(wd, 0),
          t.fires(wd, t.forMin(wd), {}, "This alert always fires (1): Alertmanager sends it to the dead-man's switch every minute, which pages when it stops arriving (Prometheus, its rules or Alertmanager are down). Never silence it."),
          t.fires(wd, 25, {}, "This alert always fires (1): Alertmanager sends it to the dead-man's switch every minute, which pages when it stops arriving (Prometheus, its rules or Alertmanager are down). Never silence it."),
        ],
      },
    ],
  }
