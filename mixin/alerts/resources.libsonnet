// Runbook section "Resource Usage Alerts" (the containers probe).
local alert = import '../lib/alert.libsonnet';
local fmt = import '../lib/fmt.libsonnet';
function(c)
  // Ratio to the container's CPU limit; a container without a limit (limit 0) is measured
  // against cpuUnlimitedCores (1: docker stats' 100% = one core, the runbook's own measure),
  // not against all the machine's cores (a service pegging one core of 16 would read 6%).
  local cpu = |||
    rate(container_cpu_usage_seconds_total[%(w)s])
      / (container_spec_cpu_limit_cores > 0)
    or
    rate(container_cpu_usage_seconds_total[%(w)s]) / %(cores)s
  ||| % { w: c.rateWindow, cores: fmt.num(c.cpuUnlimitedCores) };
  // Working set (what the OOM killer weighs) over the limit; a container without a memory
  // limit (limit 0) is measured against memoryFallbackLimitBytes (the runbook's 1 GiB), not
  // skipped.
  local memory = |||
    container_memory_working_set_bytes
      / (container_spec_memory_limit_bytes > 0)
    or
    container_memory_working_set_bytes / %s
  ||| % fmt.num(c.memoryFallbackLimitBytes);
  local cpuAlert(name, severity, thr, forDur, id) = alert.new(c, {
    alert: name,
    severity: severity,
    category: 'resources',
    value: cpu,
    op: '>',
    threshold: thr,
    'for': forDur,
    summary: 'A container uses more than %s of its CPU.' % fmt.pct(thr),
    description: 'Container {{ $labels.name }} (compose service {{ $labels.compose_service }}) used {{ $value | humanizePercentage }} of its CPU limit (of %s when it has no limit, as docker stats counts) over %s.' % [if c.cpuUnlimitedCores == 1 then 'one core' else '%s cores' % fmt.num(c.cpuUnlimitedCores), fmt.last(c.rateWindow)],
    panel: { dashboard: 'nexo-containers', id: id, unit: 'percentunit', title: 'container CPU vs limit', legend: '{{name}}' },
  });
  local memAlert(name, severity, thr, forDur, id) = alert.new(c, {
    alert: name,
    severity: severity,
    category: 'resources',
    value: memory,
    op: '>',
    threshold: thr,
    'for': forDur,
    summary: 'A container uses more than %s of its memory limit.' % fmt.pct(thr),
    description: 'Container {{ $labels.name }} (compose service {{ $labels.compose_service }}) uses {{ $value | humanizePercentage }} of its memory limit (of %s when it has no limit).' % fmt.bytes(c.memoryFallbackLimitBytes),
    panel: { dashboard: 'nexo-containers', id: id, unit: 'percentunit', title: 'container memory vs limit', legend: '{{name}}' },
  });
  {
    name: 'nexo-resources',
    alerts: [
      cpuAlert('HighCPUUsage', 'warning', c.cpuHighThreshold, c.cpuHighFor, 10),
      cpuAlert('CriticalCPUUsage', 'critical', c.cpuCriticalThreshold, c.cpuCriticalFor, 11),
      memAlert('HighMemoryUsage', 'warning', c.memoryHighThreshold, c.memoryHighFor, 12),
      memAlert('CriticalMemoryUsage', 'critical', c.memoryCriticalThreshold, c.memoryCriticalFor, 13),
      // Any OOM kill: the runbook's CriticalMemoryUsage entry escalates OOM kills at once.
      alert.new(c, {
        alert: 'ContainerOOMKilled',
        severity: 'critical',
        category: 'resources',
        value: 'increase(container_oom_events_total[%s])' % c.oomWindow,
        op: '>',
        threshold: 0,
        'for': c.oomFor,
        runbookAnchor: 'criticalmemoryusage',
        summary: 'A container was killed for running out of memory.',
        description: 'Container {{ $labels.name }} (compose service {{ $labels.compose_service }}) was OOM-killed {{ printf "%%.0f" $value }} time(s) in %s.' % fmt.last(c.oomWindow),
        panel: { dashboard: 'nexo-containers', id: 29, unit: 'short', title: 'OOM kills in %s' % c.oomWindow, legend: '{{name}}' },
      }),
      // Grew by more than memoryLeakGrowthBytes compared with memoryLeakWindow ago, AND the
      // growth is sustained: the lowest working set of each memoryLeakStep of the window is
      // above the previous step's (a one-off step, or a spike, rises once), AND the container
      // started more than memoryLeakWindow ago (a restarted container keeps its name, so the
      // warm-up of the new process would compare with the old one's memory).
      local ws = 'container_memory_working_set_bytes';
      local step = c.memoryLeakStep;
      local n = fmt.seconds(c.memoryLeakWindow) / fmt.seconds(step);
      local low(k) = 'min_over_time(%s[%s]%s)' % [ws, step, if k == 0 then '' else ' offset %s' % fmt.minutes(k * fmt.seconds(step))];
      alert.new(c, {
        alert: 'PossibleMemoryLeak',
        severity: 'warning',
        category: 'resources',
        value: |||
          %(ws)s
            - %(ws)s offset %(w)s
        ||| % { ws: ws, w: c.memoryLeakWindow },
        op: '>',
        threshold: c.memoryLeakGrowthBytes,
        guard: std.join('\n', ['and %s > %s' % [low(k), low(k + 1)] for k in std.range(0, n - 2)])
               + '\nand on (job, instance, name)\n(time() - container_start_time_seconds > %d)' % fmt.seconds(c.memoryLeakWindow),
        'for': c.memoryLeakFor,
        summary: "A container's memory keeps growing, possibly a leak.",
        description: 'The memory working set of container {{ $labels.name }} (compose service {{ $labels.compose_service }}) grew by {{ $value | humanize }}B in %s and is still growing.' % fmt.last(c.memoryLeakWindow),
        panel: { dashboard: 'nexo-containers', id: 14, unit: 'decbytes', title: 'container memory growth in %s' % c.memoryLeakWindow, legend: '{{name}}' },
      }),
    ],
  }
