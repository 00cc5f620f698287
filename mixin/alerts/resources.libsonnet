// Runbook section "Resource Usage Alerts" (the containers probe).
local alert = import '../lib/alert.libsonnet';
local fmt = import '../lib/fmt.libsonnet';
function(c)
  // Ratio to the container's CPU limit; a container without a limit (limit 0) is measured
  // against all the machine's cores instead (machine_cpu_cores > 0, else skipped).
  local cpu = |||
    rate(container_cpu_usage_seconds_total[%(w)s])
      / (container_spec_cpu_limit_cores > 0)
    or
    rate(container_cpu_usage_seconds_total[%(w)s])
      / on (job, instance) group_left () (machine_cpu_cores > 0)
  ||| % { w: c.rateWindow };
  // Working set (what the OOM killer weighs) over the limit; containers without a memory
  // limit (limit 0) are skipped: there is nothing they can be OOM-killed against.
  local memory = |||
    container_memory_working_set_bytes
      / (container_spec_memory_limit_bytes > 0)
  |||;
  local cpuAlert(name, severity, thr, forDur, id) = alert.new(c, {
    alert: name,
    severity: severity,
    category: 'resources',
    value: cpu,
    op: '>',
    threshold: thr,
    'for': forDur,
    summary: 'A container uses more than %s of its CPU.' % fmt.pct(thr),
    description: 'Container {{ $labels.name }} (compose service {{ $labels.compose_service }}) used {{ $value | humanizePercentage }} of its CPU limit (of all machine cores when it has no limit) over %s.' % fmt.last(c.rateWindow),
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
    description: 'Container {{ $labels.name }} (compose service {{ $labels.compose_service }}) uses {{ $value | humanizePercentage }} of its memory limit.',
    panel: { dashboard: 'nexo-containers', id: id, unit: 'percentunit', title: 'container memory vs limit', legend: '{{name}}' },
  });
  {
    name: 'nexo-resources',
    alerts: [
      cpuAlert('HighCPUUsage', 'warning', c.cpuHighThreshold, c.cpuHighFor, 10),
      cpuAlert('CriticalCPUUsage', 'critical', c.cpuCriticalThreshold, c.cpuCriticalFor, 11),
      memAlert('HighMemoryUsage', 'warning', c.memoryHighThreshold, c.memoryHighFor, 12),
      memAlert('CriticalMemoryUsage', 'critical', c.memoryCriticalThreshold, c.memoryCriticalFor, 13),
      // Grew by more than memoryLeakGrowthBytes compared with memoryLeakWindow ago AND still
      // growing over memoryLeakTrendWindow (a one-off jump that then stays flat is not a leak).
      // A container younger than memoryLeakWindow has no sample then and cannot fire (warm-up).
      alert.new(c, {
        alert: 'PossibleMemoryLeak',
        severity: 'warning',
        category: 'resources',
        value: |||
          container_memory_working_set_bytes
            - container_memory_working_set_bytes offset %s
        ||| % c.memoryLeakWindow,
        op: '>',
        threshold: c.memoryLeakGrowthBytes,
        guard: 'and\nderiv(container_memory_working_set_bytes[%s]) > 0' % c.memoryLeakTrendWindow,
        'for': c.memoryLeakFor,
        summary: "A container's memory keeps growing, possibly a leak.",
        description: 'The memory working set of container {{ $labels.name }} (compose service {{ $labels.compose_service }}) grew by {{ $value | humanize }}B in %s and is still growing.' % fmt.last(c.memoryLeakWindow),
        panel: { dashboard: 'nexo-containers', id: 14, unit: 'decbytes', title: 'container memory growth in %s' % c.memoryLeakWindow, legend: '{{name}}' },
      }),
    ],
  }
