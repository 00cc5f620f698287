// promtool unit tests: HighServerErrorRate, HighClientErrorRate, ErrorSpike (the services'
// http_requests_total). Inputs are computed from the thresholds and `for` of _config.
local fmt = import '../lib/fmt.libsonnet';
local t = import '../lib/promtool.libsonnet';
// c: _config, a: the alert objects by name.
function(c, a)
  local se = a.HighServerErrorRate;
  local ce = a.HighClientErrorRate;
  local sp = a.ErrorSpike;
  local req(service, route, status, values, method='GET') = t.series('http_requests_total', { service: service, method: method, route: route, status: status }, values);
  // `n` requests a minute, a share `share` of them with status `bad`.
  local traffic(service, route, bad, share, n=100) = [
    req(service, route, '200', '0+%dx30' % (n - t.round(n * share))),
    req(service, route, bad, '0+%dx30' % t.round(n * share)),
  ];
  local seHigh = se.threshold + 0.01;
  local ceHigh = ce.threshold + 0.02;
  local base = 6;  // errors a minute before the spike
  local desc(kind, service, share, thr) = '%s of the requests to %s returned a %s status over %s (threshold %s).' % [fmt.pct(share), service, kind, fmt.last(c.rateWindow), fmt.pct(thr)];
  {
    tests: [
      {
        name: 'HighServerErrorRate fires at %s 5xx after %s' % [fmt.pct(seHigh), se['for']],
        interval: '1m',
        input_series: traffic('crm-service', '/api/contacts', '500', seHigh) + [req('auth', '/api/login', '200', '0+100x30', 'POST')],
        alert_rule_test: [
          t.silent(se, t.forMin(se)),  // pending since 1m
          t.fires(se, t.forMin(se) + 1, { service: 'crm-service' }, desc('5xx', 'crm-service', seHigh, se.threshold)),
        ],
      },
      {
        name: 'HighServerErrorRate does not fire just below its threshold nor without traffic (0/0)',
        interval: '1m',
        input_series: traffic('crm-service', '/', '500', se.threshold - 0.001, 1000) + [req('idle', '/', '503', '7x30')],
        alert_rule_test: [t.silent(se, t.forMin(se) + 15)],
      },
      {
        name: 'HighServerErrorRate is not fooled by a counter reset (service restart)',
        interval: '1m',
        input_series: [req('crm-service', '/', '200', '0+99x10 0+99x20'), req('crm-service', '/', '500', '0+1x10 0+1x20')],
        alert_rule_test: [t.silent(se, 14), t.silent(se, 25)],
      },
      {
        name: 'HighClientErrorRate fires at %s 4xx after %s' % [fmt.pct(ceHigh), ce['for']],
        interval: '1m',
        input_series: traffic('gateway', '/api/x', '404', ceHigh),
        alert_rule_test: [
          t.silent(ce, t.forMin(ce)),
          t.fires(ce, t.forMin(ce) + 1, { service: 'gateway' }, desc('4xx', 'gateway', ceHigh, ce.threshold)),
        ],
      },
      {
        name: 'HighClientErrorRate does not fire just below its threshold',
        interval: '1m',
        input_series: traffic('gateway', '/api/x', '401', ce.threshold - 0.01),
        alert_rule_test: [t.silent(ce, t.forMin(ce) + 15)],
      },
      {
        name: 'ErrorSpike fires when errors go from %d/min to %d/min, after %s' % [base, base * 2 * sp.threshold, sp['for']],
        interval: '1m',
        input_series: [req('crm-service', '/', '500', '0+%dx20 %d+%dx20' % [base, base * 20 + base * 2 * sp.threshold, base * 2 * sp.threshold])],
        alert_rule_test: [
          t.silent(sp, 20),
          t.silent(sp, 21 + t.forMin(sp) - 1),  // pending since 21m
          t.fires(sp,
                  21 + t.forMin(sp),
                  { service: 'crm-service' },
                  'The 4xx+5xx rate of crm-service over %s is %s times its rate over the %s before the last %s.' % [fmt.last(c.errorSpikeWindow), std.format('%.1f', 2 * sp.threshold), fmt.words(c.errorSpikeBaselineWindow), fmt.words(c.errorSpikeBaselineOffset)]),
        ],
      },
      {
        name: 'ErrorSpike does not fire just below its factor, below its minimum rate, or from a zero baseline',
        interval: '1m',
        local below = t.round(10 * sp.threshold * 0.95),
        local quiet = c.errorSpikeMinPerMinute,
        input_series: [
          req('a', '/', '500', '0+10x20 %d+%dx20' % [200 + below, below]),
          req('quiet', '/', '404', '0+%sx20 %s+%sx20' % [fmt.num(quiet / 4), fmt.num(quiet * 5 + quiet * 3 / 4), fmt.num(quiet * 3 / 4)]),
          req('new', '/', '502', '0x20 30+30x20'),
        ],
        alert_rule_test: [t.silent(sp, 24), t.silent(sp, 30)],
      },
    ],
  }
