// promtool unit tests: HighCPUUsage, CriticalCPUUsage, HighMemoryUsage, CriticalMemoryUsage,
// PossibleMemoryLeak (containers probe metrics). Inputs are computed from the thresholds,
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
  local cpuDesc(l, share) = 'Container %s (compose service %s) used %s of its CPU limit (of all machine cores when it has no limit) over %s.' % [l.name, l.compose_service, fmt.pct(share), fmt.last(c.rateWindow)];
  local limit = c.containerMemoryLimitBytes;
  local mem(l, ws, lim) = [t.series('container_memory_working_set_bytes', l, '%dx40' % ws)]
                          + (if lim == null then [] else [t.series('container_spec_memory_limit_bytes', l, '%dx40' % lim)]);
  local memDesc(l, ws) = 'Container %s (compose service %s) uses %s of its memory limit.' % [l.name, l.compose_service, fmt.pct(ws / limit)];
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
        name: 'CPU limit 0 (unlimited) falls back to machine_cpu_cores; without it the container is skipped',
        interval: '1m',
        input_series: cpu(ct('nolimit'), cpuTop, 4, 0) + [t.series('machine_cpu_cores', machine, '4x40')]
                      + cpu(ct('orphan', 'other:9187', 'i', 'p'), 2.5, 4, 0),
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
        name: 'Memory alerts skip limit 0 (unlimited) and a missing limit; just below the threshold does not fire',
        interval: '1m',
        input_series: mem(ct('unlimited'), 8 * limit, 0) + mem(ct('nolimitseries'), 8 * limit, null)
                      + mem(ct('below'), std.floor(limit * (hm.threshold - 0.01)), limit),
        alert_rule_test: [t.silent(hm, t.forMin(hm) + 15), t.silent(cm, t.forMin(hm) + 15)],
      },
      {
        name: 'PossibleMemoryLeak fires after +%sB in %s and still growing, %s after the first %s' % [fmt.si(1.2 * leak.threshold), c.memoryLeakWindow, leak['for'], c.memoryLeakWindow],
        interval: '1m',
        input_series: [t.series('container_memory_working_set_bytes', ct('crm'), '200000000+%dx%d' % [t.round(1.2 * leak.threshold / lw), lw + t.forMin(leak) + 30])],
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
          t.series('container_memory_working_set_bytes', ct('jump'), '200000000x30 %dx%d' % [200000000 + t.round(1.5 * leak.threshold), 2 * lw + 30]),
        ],
        alert_rule_test: [t.silent(leak, lw + 30), t.silent(leak, lw + 50)],
      },
    ],
  }
