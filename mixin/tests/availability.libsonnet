// promtool unit tests: ServiceDown, TargetUnreachable, HighRestartRate.
// Inputs are computed from the thresholds, windows and `for` of _config.
local fmt = import '../lib/fmt.libsonnet';
local t = import '../lib/promtool.libsonnet';
// c: _config, a: the alert objects by name.
function(c, a)
  local sd = a.ServiceDown;
  local tu = a.TargetUnreachable;
  local rr = a.HighRestartRate;
  local ex = { job: c.exporterJob, instance: 'exporter:9187' };
  local svc(s) = ex { service: s };
  local crm = { job: 'crm-service', instance: 'crm:3003' };
  local ct(name, image) = ex { name: name, image: image, compose_project: 'nexo', compose_service: std.strReplace(name, 'nexo-', '') };
  local n = rr.threshold;
  local w = fmt.seconds(c.restartWindow);
  {
    tests: [
      {
        name: 'ServiceDown fires after %s of failed health checks, only for the failing service' % sd['for'],
        interval: '1m',
        input_series: [t.series('probe_success', svc('crm-service'), '1 0x20'), t.series('probe_success', svc('auth'), '1x20')],
        alert_rule_test: [
          t.silent(sd, t.forMin(sd)),
          t.fires(sd, t.forMin(sd) + 1, svc('crm-service'), 'Service crm-service has failed every health check made by exporter:9187 for more than %s.' % fmt.words(sd['for'])),
        ],
      },
      {
        name: 'ServiceDown does not fire on single failed checks between successes',
        interval: '1m',
        input_series: [t.series('probe_success', svc('crm-service'), '1 0 1 0 1 0 1 0 1')],
        alert_rule_test: [t.silent(sd, 4), t.silent(sd, 8)],
      },
      {
        name: 'TargetUnreachable fires after %s of failed scrapes' % tu['for'],
        interval: '1m',
        input_series: [t.series('up', crm, '1 0x20'), t.series('up', ex, '1x20')],
        alert_rule_test: [
          t.silent(tu, t.forMin(tu)),
          t.fires(tu, t.forMin(tu) + 1, crm, 'Prometheus has failed to scrape crm:3003 (job crm-service) for more than %s.' % fmt.words(tu['for'])),
        ],
      },
      {
        name: "TargetUnreachable fires when the exporter's job has no target at all (missing series)",
        interval: '1m',
        input_series: [t.series('up', ex, '1 1 stale')],
        alert_rule_test: [
          t.silent(tu, t.forMin(tu) + 1),
          t.fires(tu, t.forMin(tu) + 2, { job: c.exporterJob }, 'Job %s has no scrape target at all for more than %s: nothing is scraping the exporter.' % [c.exporterJob, fmt.words(tu['for'])]),
        ],
      },
      {
        name: 'TargetUnreachable does not fire for one failed scrape',
        interval: '1m',
        input_series: [t.series('up', ex, '1 1 0 1 1 1 0 1 1')],
        alert_rule_test: [t.silent(tu, 3), t.silent(tu, 8)],
      },
      {
        name: 'HighRestartRate fires at %d restarts in %s, after %s' % [n, c.restartWindow, rr['for']],
        interval: '1m',
        input_series: [t.series('container_restarts_total', ct('nexo-crm-service', 'nexo/crm-service:1.0'), '0+1x%d %dx30' % [n - 1, n])],
        alert_rule_test: [
          t.silent(rr, n + t.forMin(rr) - 1),  // pending since the n-th restart
          t.fires(rr,
                  n + t.forMin(rr),
                  ct('nexo-crm-service', 'nexo/crm-service:1.0'),
                  'Container nexo-crm-service (compose service crm-service) restarted %d times in %s.' % [n, fmt.last(c.restartWindow)]),
        ],
      },
      {
        name: 'HighRestartRate does not fire at one restart fewer (extrapolated to 5% more) nor on an exporter restart (counter reset)',
        interval: '1m',
        input_series: [
          t.series('container_restarts_total', ct('two', 'i'), '5+1x%d %dx30' % [n - 2, 5 + n - 1]),
          t.series('container_restarts_total', ct('reset', 'i'), '40 41 0x30'),
        ],
        alert_rule_test: [t.silent(rr, 10), t.silent(rr, 20)],
        // increase() extrapolates the n-1 restarts seen in 10 minutes towards the window's
        // start (by half a scrape interval when the series starts well inside the window).
        [if w >= 11 * 60 then 'promql_expr_test']: [{
          expr: 'increase(container_restarts_total{name="two"}[%s])' % c.restartWindow,
          eval_time: '10m',
          exp_samples: [{
            labels: '{compose_project="nexo",compose_service="two",image="i",instance="exporter:9187",job="%s",name="two"}' % c.exporterJob,
            value: std.parseJson(fmt.num((n - 1) * (600 + (if w - 600 < 66 then w - 600 else 30)) / 600)),
          }],
        }],
      },
    ],
  }
