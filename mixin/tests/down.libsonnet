// The four promtool tests every dependency-down alert shares (PostgreSQLDown, RabbitMQDown,
// RedisDown): down for `for`, flapping, the exporter up without the *_up series, the exporter
// itself down. Times follow the alerts' `for` in _config.
local fmt = import '../lib/fmt.libsonnet';
local t = import '../lib/promtool.libsonnet';
function(c, a, down, up, what, verb)
  local ex = { job: c.exporterJob, instance: 'exporter:9187' };
  local f = t.forMin(down);
  local tu = a.TargetUnreachable;
  [
    {
      name: '%s fires after %s of %s 0' % [down.alert, down['for'], up],
      interval: '1m',
      input_series: [t.series(up, ex, '1 0x%d' % (f + 10)), t.series('up', ex, '1x%d' % (f + 10))],
      alert_rule_test: [
        t.silent(down, f),
        t.fires(down, 1 + f, ex, 'The exporter at exporter:9187 has not been able to %s %s for more than %s.' % [verb, what, fmt.words(down['for'])]),
      ],
    },
    {
      name: '%s does not fire when %s flaps between single samples' % [down.alert, up],
      interval: '1m',
      input_series: [t.series(up, ex, '1 0 1 0 1 0 1 0 1'), t.series('up', ex, '1x10')],
      alert_rule_test: [t.silent(down, 4), t.silent(down, 8)],
    },
    {
      name: '%s fires when the exporter is up but %s is missing' % [down.alert, up],
      interval: '1m',
      input_series: [t.series(up, ex, '1 1 stale'), t.series('up', ex, '1x%d' % (f + 10))],
      alert_rule_test: [
        t.silent(down, 1 + f),
        t.fires(down, 2 + f, {}, 'The exporter (job %s) is up but has reported no %s for more than %s: %s is not monitored.' % [c.exporterJob, up, fmt.words(down['for']), what]),
      ],
    },
    {
      name: '%s does not fire when the exporter itself is down (TargetUnreachable covers it)' % down.alert,
      interval: '1m',
      input_series: [t.series(up, ex, '1 1 stale'), t.series('up', ex, '1 1 0x%d' % (t.forMin(tu) + f + 10))],
      alert_rule_test: [
        t.silent(down, 2 + t.forMin(tu) + f + 2),
        t.fires(tu, 2 + t.forMin(tu) + 2, ex, 'Prometheus has failed to scrape exporter:9187 (job %s) for more than %s.' % [c.exporterJob, fmt.words(tu['for'])]),
      ],
    },
  ]
