// promtool unit tests: HighCPUUsage, CriticalCPUUsage, HighMemoryUsage, CriticalMemoryUsage,
// PossibleMemoryLeak, ContainerOOMKilled (containers probe metrics). Inputs are computed from the thresholds,
// windows and `for` of _config.
local fmt = import '../lib/fmt.libsonnet';
local t = import '../lib/promtool.libsonnet';
// c: _config, a: the alert objects by name.
function(c, a)
  local hc = a.HighCPUUsage;
  local cc = a.CriticalCPUUsage;
  local hm = a.HighMemoryUsage;
  local cm = a.CriticalMemoryUsage;
  local leak = a.PossibleMemoryLeak;
  local oom = a.ContainerOOMKilled;
  // Started a day before the test: old enough for PossibleMemoryLeak's age guard.
  local old(l, n) = t.series('container_start_time_seconds', l, '-86400x%d' % n);
  local ct(name, instance='exporter:9187', image=null, project='nexo') = {
    job: c.exporterJob,
    instance: instance,
    name: name,
    image: if image == null then 'nexo/%s:1.0' % name else image,
    compose_project: project,
    compose_service: name,
  };
  local machine = { job: c.exporterJob, instance: 'exporter:9187' };
  // CPU seconds per minute for a share of `cores`.
  local cpu(l, share, cores, limit) = [
    t.series('container_cpu_usage_seconds_total', l, '0+%sx40' % fmt.num(share * cores * 60)),
    t.series('container_spec_cpu_limit_cores', l, '%sx40' % fmt.num(limit)),
  ];
  local cpuDesc(l, share) = 'Container %s (compose service %s) used %s of its CPU limit (of %s when it has no limit, as docker stats counts) over %s.' % [l.name, l.compose_service, fmt.pct(share), if c.cpuUnlimitedCores == 1 then 'one core' else '%s cores' % fmt.num(c.cpuUnlimitedCores), fmt.last(c.rateWindow)];
  local limit = c.containerMemoryLimitBytes;
  local mem(l, ws, lim) = [t.series('container_memory_working_set_bytes', l, '%dx40' % ws)]
                          + (if lim == null then [] else [t.series('container_spec_memory_limit_bytes', l, '%dx40' % lim)]);
  local memDesc(l, ws, lim=limit) = 'Container %s (compose service %s) uses %s of its memory limit (of %s when it has no limit).' % [l.name, l.compose_service, fmt.pct(ws / lim), fmt.bytes(c.memoryFallbackLimitBytes)];
  local fallback = c.memoryFallbackLimitBytes;
  local memMidF = t.round(fallback * (hm.threshold + cm.threshold) / 2);
  local cpuMid = (hc.threshold + cc.threshold) / 2;
  local cpuTop = (cc.threshold + 1) / 2;
  local memMid = t.round(limit * (hm.threshold + cm.threshold) / 2);
  local memTop = t.round(limit * (cm.threshold + 1) / 2);
  local lw = fmt.seconds(c.memoryLeakWindow) / 60;
  // The rate windows fill before the expression holds: firing `for` + 5 minutes after start.
  local rw = 5;
  {
    tests: [
      {
        name: 'HighCPUUsage fires at %s of a 2-core limit after %s; CriticalCPUUsage (%s) does not' % [fmt.pct(cpuMid), hc['for'], fmt.pct(cc.threshold)],
        interval: '1m',
        input_series: cpu(ct('crm'), cpuMid, 2, 2) + [t.series('machine_cpu_cores', machine, '4x40')],
        alert_rule_test: [
          t.silent(hc, t.forMin(hc) + rw - 1),
          t.fires(hc, t.forMin(hc) + rw, ct('crm'), cpuDesc(ct('crm'), cpuMid)),
          t.silent(cc, t.forMin(hc) + rw + 5),
        ],
      },
      {
        name: 'CriticalCPUUsage fires at %s of the limit after %s' % [fmt.pct(cpuTop), cc['for']],
        interval: '1m',
        input_series: cpu(ct('crm'), cpuTop, 2, 2),
        alert_rule_test: [
          t.silent(cc, t.forMin(cc) + rw - 1),
          t.fires(cc, t.forMin(cc) + rw, ct('crm'), cpuDesc(ct('crm'), cpuTop)),
        ],
      },
      {
        // Issue 11 item 3: against all 16 cores a service pegging one core read 6% and never fired.
        name: 'CPU limit 0 (unlimited) is measured against %s core(s), not the machine: one pegged core of 16 fires' % fmt.num(c.cpuUnlimitedCores),
        interval: '1m',
        input_series: cpu(ct('nolimit'), cpuTop, c.cpuUnlimitedCores, 0) + [t.series('machine_cpu_cores', machine, '16x40')]
                      + cpu(ct('half'), 0.5, c.cpuUnlimitedCores, 0),
        alert_rule_test: [t.fires(cc, t.forMin(cc) + rw, ct('nolimit'), cpuDesc(ct('nolimit'), cpuTop))],
      },
      {
        name: 'HighCPUUsage does not fire just below its threshold, nor on a counter reset (container restart)',
        interval: '1m',
        input_series: cpu(ct('below'), hc.threshold - 0.01, 2, 2) + [
          t.series('container_cpu_usage_seconds_total', ct('restarted'), '5000+60x10 0+60x30'),
          t.series('container_spec_cpu_limit_cores', ct('restarted'), '2x40'),
        ],
        alert_rule_test: [t.silent(hc, t.forMin(hc) + 15), t.silent(cc, t.forMin(hc) + 15)],
      },
      {
        name: 'HighMemoryUsage fires at %s of a %s limit after %s; CriticalMemoryUsage does not' % [fmt.pct(memMid / limit), fmt.si(limit), hm['for']],
        interval: '1m',
        input_series: mem(ct('crm'), memMid, limit),
        alert_rule_test: [
          t.silent(hm, t.forMin(hm) - 1),
          t.fires(hm, t.forMin(hm), ct('crm'), memDesc(ct('crm'), memMid)),
          t.silent(cm, t.forMin(hm) + 10),
        ],
      },
      {
        name: 'CriticalMemoryUsage fires at %s after %s' % [fmt.pct(memTop / limit), cm['for']],
        interval: '1m',
        input_series: mem(ct('crm'), memTop, limit),
        alert_rule_test: [
          t.silent(cm, t.forMin(cm) - 1),
          t.fires(cm, t.forMin(cm), ct('crm'), memDesc(ct('crm'), memTop)),
        ],
      },
      {
        // Issue 11 item 3: containers without a memory limit were skipped silently.
        name: 'Memory alerts measure limit 0 (unlimited) and a missing limit against the %s fallback' % fmt.bytes(c.memoryFallbackLimitBytes),
        interval: '1m',
        input_series: mem(ct('unlimited'), memMidF, 0) + mem(ct('nolimitseries'), memMidF, null),
        alert_rule_test: [
          {
            eval_time: t.m(t.forMin(hm)),
            alertname: hm.alert,
            exp_alerts: [
              { exp_labels: hm.labels + ct(n), exp_annotations: hm.annotations { description: memDesc(ct(n), memMidF, fallback) } }
              for n in ['nolimitseries', 'unlimited']
            ],
          },
          t.silent(cm, t.forMin(hm) + 10),
        ],
      },
      {
        name: 'Memory alerts do not fire just below the threshold, limited or not',
        interval: '1m',
        input_series: mem(ct('below'), std.floor(limit * (hm.threshold - 0.01)), limit)
                      + mem(ct('unlimited'), std.floor(c.memoryFallbackLimitBytes * (hm.threshold - 0.01)), 0),
        alert_rule_test: [t.silent(hm, t.forMin(hm) + 15), t.silent(cm, t.forMin(hm) + 15)],
      },
      {
        name: 'PossibleMemoryLeak fires after +%sB in %s and still growing, %s after the first %s' % [fmt.si(1.2 * leak.threshold), c.memoryLeakWindow, leak['for'], c.memoryLeakWindow],
        interval: '1m',
        input_series: [
          t.series('container_memory_working_set_bytes', ct('crm'), '200000000+%dx%d' % [t.round(1.2 * leak.threshold / lw), lw + t.forMin(leak) + 30]),
          old(ct('crm'), lw + t.forMin(leak) + 30),
        ],
        alert_rule_test: [
          t.silent(leak, lw - 1),  // warm-up: no sample memoryLeakWindow ago
          t.silent(leak, lw + t.forMin(leak) - 1),  // pending since memoryLeakWindow
          t.fires(leak,
                  lw + t.forMin(leak),
                  ct('crm'),
                  'The memory working set of container crm (compose service crm) grew by %sB in %s and is still growing.' % [fmt.si(t.round(1.2 * leak.threshold / lw) * lw), fmt.last(c.memoryLeakWindow)]),
        ],
      },
      {
        name: 'PossibleMemoryLeak does not fire for slower growth, nor for a one-off jump that stays flat',
        interval: '1m',
        input_series: [
          t.series('container_memory_working_set_bytes', ct('slow'), '200000000+%dx%d' % [t.round(0.9 * leak.threshold / lw), 2 * lw + 30]),
          old(ct('slow'), 2 * lw + 30),
          t.series('container_memory_working_set_bytes', ct('jump'), '200000000x30 %dx%d' % [200000000 + t.round(1.5 * leak.threshold), 2 * lw + 30]),
          old(ct('jump'), 2 * lw + 30),
        ],
        alert_rule_test: [t.silent(leak, lw + 30), t.silent(leak, lw + 50)],
      },
      {
        // Issue 11 item 2: a single +150 MB step after 2 h flat fired for ~20 min.
        name: 'PossibleMemoryLeak does not fire for a +%sB step after %s flat' % [fmt.si(1.5 * leak.threshold), fmt.words('%dm' % (2 * lw))],
        interval: '1m',
        input_series: [
          t.series('container_memory_working_set_bytes', ct('crm'), '500000000x%d %dx%d' % [2 * lw, 500000000 + t.round(1.5 * leak.threshold), 2 * lw]),
          old(ct('crm'), 4 * lw),
        ],
        alert_rule_test: [t.silent(leak, 2 * lw + k) for k in [5, 10, 15, 20, 25, 30, 40, 50, 60, 75]],
      },
      {
        // Issue 11 item 2: a restarted container keeps its name, so its warm-up compared with
        // the old process's memory an hour earlier.
        name: 'PossibleMemoryLeak does not fire for the warm-up of a restarted container (+%sB in 30m after restart)' % fmt.si(2.4 * leak.threshold),
        interval: '1m',
        input_series: [
          t.series('container_memory_working_set_bytes', ct('crm'), '300000000x%d 200000000+%dx30 %dx%d' % [2 * lw, t.round(2.4 * leak.threshold / 30), 200000000 + 30 * t.round(2.4 * leak.threshold / 30), 2 * lw]),
          t.series('container_start_time_seconds', ct('crm'), '-86400x%d %dx%d' % [2 * lw, 2 * lw * 60, 2 * lw]),
        ],
        alert_rule_test: [t.silent(leak, 2 * lw + k) for k in [10, 20, 30, 40, 50, 60, 70, 80, 100]],
      },
      {
        name: 'ContainerOOMKilled fires when a container is OOM-killed, for %s' % c.oomWindow,
        interval: '1m',
        input_series: [t.series('container_oom_events_total', ct('crm'), '0x5 1x40')],
        alert_rule_test: [
          t.silent(oom, 5),
          t.fires(oom, 6 + t.forMin(oom) + 1, ct('crm'), 'Container crm (compose service crm) was OOM-killed 1 time(s) in %s.' % fmt.last(c.oomWindow)),
          t.silent(oom, 6 + fmt.seconds(c.oomWindow) / 60 + 2),
        ],
      },
      {
        name: 'ContainerOOMKilled does not fire for a count the exporter reported from its start (no new kill)',
        interval: '1m',
        input_series: [t.series('container_oom_events_total', ct('crm'), '2x40')],
        alert_rule_test: [t.silent(oom, 10), t.silent(oom, 30)],
      },
    ],
  }
