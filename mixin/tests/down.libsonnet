// The promtool tests every dependency-down alert shares (PostgreSQLDown, RabbitMQDown,
// RedisDown): down for `for`, flapping, the exporter up without the *_up series (silent: not
// configured, or NexoExporterTargetMissing's), the exporter dying while the dependency is up
// (silent) and while it is down (keeps firing on the last value: issue 11), a recovery
// resolving at once. Times follow the alerts' `for` in _config.
local fmt = import '../lib/fmt.libsonnet';
local t = import '../lib/promtool.libsonnet';
function(c, a, down, up, what, verb)
  local desc = 'The exporter at exporter:9187 has not been able to %s %s for more than %s.' % [verb, what, fmt.words(down['for'])];
  local last = ' The exporter is not answering now: this is its last report.';
  local ed = a.NexoExporterDown;
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
        t.fires(down, 1 + f, ex, desc),
      ],
    },
    {
      name: '%s does not fire when %s flaps between single samples' % [down.alert, up],
      interval: '1m',
      input_series: [t.series(up, ex, '1 0 1 0 1 0 1 0 1'), t.series('up', ex, '1x10')],
      alert_rule_test: [t.silent(down, 4), t.silent(down, 8)],
    },
    {
      name: '%s does not fire when the exporter is up and reports no %s (not configured: never "not responding")' % [down.alert, up],
      interval: '1m',
      input_series: [t.series(up, ex, '1 1 stale'), t.series('up', ex, '1x%d' % (f + 30))],
      alert_rule_test: [t.silent(down, 2 + f), t.silent(down, f + 20)],
    },
    {
      name: '%s does not fire when the exporter dies while %s was 1 (NexoExporterDown pages)' % [down.alert, up],
      interval: '1m',
      input_series: [t.series(up, ex, '1 1 stale'), t.series('up', ex, '1 1 0x%d' % (t.forMin(tu) + f + 10))],
      alert_rule_test: [
        t.silent(down, 2 + t.forMin(tu) + f + 2),
        t.fires(tu, 2 + t.forMin(tu) + 2, ex, 'Prometheus has failed to scrape exporter:9187 (job %s) for more than %s.' % [c.exporterJob, fmt.words(tu['for'])]),
      ],
    },
    {
      // Issue 11 item 1: killing the exporter while the alert fires resolved the page.
      name: '%s keeps firing on its last value when the exporter dies while it fires; NexoExporterDown pages' % down.alert,
      interval: '1m',
      input_series: [
        t.series(up, ex, '1 0x%d stale' % (f + 1)),
        t.series('up', ex, '1x%d 0x60' % (f + 2)),
      ],
      alert_rule_test: [
        t.fires(down, 1 + f, ex, desc),
        t.fires(down, f + 2 + t.forMin(ed) + 1, ex, desc + last),
        t.fires(down, 60, ex, desc + last),
        t.fires(ed, f + 2 + t.forMin(ed) + 1, ex, 'Prometheus has failed to scrape nexo-exporter at exporter:9187 for more than %s: PostgreSQL, Redis, RabbitMQ, the containers, the host and the services it watches are not monitored. Alerts already firing from its data keep firing on its last report.' % fmt.words(ed['for'])),
      ],
    },
    {
      name: '%s resolves as soon as the exporter reports %s 1 again' % [down.alert, up],
      interval: '1m',
      input_series: [t.series(up, ex, '1 0x%d 1x10' % (f + 3)), t.series('up', ex, '1x%d' % (f + 20))],
      alert_rule_test: [t.fires(down, 1 + f, ex, desc), t.silent(down, f + 5)],
    },
  ]
