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
  // `n` requests a minute, a share `share` of them with status `bad` (1000 a minute: above
  // minRequestRate from the first minute of the 5m rate window).
  local traffic(service, route, bad, share, n=1000) = [
    req(service, route, '200', '0+%dx30' % (n - t.round(n * share))),
    req(service, route, bad, '0+%dx30' % t.round(n * share)),
  ];
  local seHigh = se.threshold + 0.01;
  local ceHigh = ce.threshold + 0.02;
  // The spike: from a 1% baseline (or the floor, if higher) to twice the factor.
  local baseShare = std.max(0.01, c.errorSpikeMinBaselineShare);
  local spikeErrors = t.round(1000 * baseShare * 2 * sp.threshold);
  local spikeShare = spikeErrors / 1000;
  // From no errors at all: (factor + 1) times the floor.
  local zeroErrors = t.round(1000 * c.errorSpikeMinBaselineShare * (sp.threshold + 1));
  local spDesc(v) = 'The share of 4xx+5xx answers of crm-service over %s is %s times its share over the %s before the last %s (a baseline below %s counts as %s).' % [fmt.last(c.errorSpikeWindow), v, fmt.words(c.errorSpikeBaselineWindow), fmt.words(c.errorSpikeBaselineOffset), fmt.pct(c.errorSpikeMinBaselineShare), fmt.pct(c.errorSpikeMinBaselineShare)];
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
        // Issue 11 item 2: critical pages on a handful of requests.
        name: 'HighServerErrorRate and HighClientErrorRate do not fire below %s requests/s (2 requests a minute, all failing)' % fmt.num(c.minRequestRate),
        interval: '1m',
        input_series: [req('gateway', '/', '500', '0+2x30'), req('auth', '/', '404', '0+2x30')],
        alert_rule_test: [t.silent(se, 20), t.silent(ce, 25)],
      },
      {
        name: 'ErrorSpike fires when the error share goes from 1%% to %s, after %s' % [fmt.pct(spikeShare), sp['for']],
        interval: '1m',
        input_series: [
          req('crm-service', '/', '200', '0+990x20 19800+%dx20' % (1000 - spikeErrors)),
          req('crm-service', '/', '500', '0+10x20 200+%dx20' % spikeErrors),
        ],
        alert_rule_test: [
          t.silent(sp, 20),
          t.silent(sp, 22 + t.forMin(sp) - 1),  // pending since 22m (the 2m window holds the change)
          t.fires(sp, 22 + t.forMin(sp), { service: 'crm-service' }, spDesc(std.format('%.1f', spikeErrors / 1000 / baseShare))),
        ],
      },
      {
        // Issue 11 item 2: ErrorSpike never fired from a zero baseline (0 -> 30 errors/min at 3%).
        name: 'ErrorSpike fires from a zero baseline: no error series, then %d errors/min of 1000 (%s; 3%% by default)' % [zeroErrors, fmt.pct(zeroErrors / 1000)],
        interval: '1m',
        input_series: [
          req('crm-service', '/', '200', '0+%dx40' % (1000 - zeroErrors)),
          req('crm-service', '/', '500', '_x20 0+%dx20' % zeroErrors),
        ],
        alert_rule_test: [
          t.silent(sp, 20),
          t.fires(sp, 22 + t.forMin(sp), { service: 'crm-service' }, spDesc(std.format('%.1f', zeroErrors / 1000 / c.errorSpikeMinBaselineShare))),
        ],
      },
      {
        // Issue 11 item 2: ErrorSpike fired on traffic growth at a constant error share.
        name: 'ErrorSpike does not fire when traffic grows tenfold at a constant 3% error share',
        interval: '1m',
        input_series: [
          req('crm-service', '/', '200', '0+970x20 19400+9700x20'),
          req('crm-service', '/', '500', '0+30x20 600+300x20'),
        ],
        alert_rule_test: [t.silent(sp, 22), t.silent(sp, 25), t.silent(sp, 30), t.silent(sp, 38)],
      },
      {
        name: 'ErrorSpike does not fire just below its factor, below its minimum rate, or without baseline traffic',
        interval: '1m',
        local quiet = c.errorSpikeMinPerMinute,
        input_series: [
          req('a', '/', '200', '0+990x20 19800+981x20'),
          req('a', '/', '500', '0+10x20 200+19x20'),
          req('quiet', '/', '200', '0+100x40'),
          req('quiet', '/', '404', '0x20 0+%sx20' % fmt.num(quiet * 3 / 4)),
          req('new', '/', '502', '_x20 30+30x20'),
        ],
        alert_rule_test: [t.silent(sp, 24), t.silent(sp, 30)],
      },
    ],
  }
