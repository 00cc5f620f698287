// Runbook section "System-Level Alerts" (the host probe).
local alert = import '../lib/alert.libsonnet';
local fmt = import '../lib/fmt.libsonnet';
function(c)
  // Every filesystem the host probe reports (the root filesystem among them) unless it is
  // read-only; choose which with the exporter's host.mount_points_exclude / fs_types_exclude.
  // A size of 0 drops the series (no division by zero).
  local disk(name, severity, thr, forDur, id) = alert.new(c, {
    alert: name,
    severity: severity,
    category: 'resources',
    value: 'node_filesystem_avail_bytes / (node_filesystem_size_bytes > 0)',
    op: '<',
    threshold: thr,
    guard: 'unless on (job, instance, device, fstype, mountpoint)\nnode_filesystem_readonly == 1',
    'for': forDur,
    summary: 'A filesystem has less than %s free space.' % fmt.pct(thr),
    description: 'Filesystem {{ $labels.mountpoint }} ({{ $labels.device }}, {{ $labels.fstype }}) on {{ $labels.instance }} has only {{ $value | humanizePercentage }} of its space available.',
    panel: { dashboard: 'nexo-host', id: id, unit: 'percentunit', title: 'filesystem free share', legend: '{{instance}} {{mountpoint}}' },
  });
  {
    name: 'nexo-system',
    alerts: [
      disk('DiskSpaceLow', 'warning', c.diskLowThreshold, c.diskLowFor, 15),
      disk('DiskSpaceCritical', 'critical', c.diskCriticalThreshold, c.diskCriticalFor, 16),
      // The runbook's absolute threshold (2.0), not per core.
      alert.new(c, {
        alert: 'HighLoadAverage',
        severity: 'warning',
        category: 'resources',
        value: 'node_load5',
        op: '>',
        threshold: c.loadThreshold,
        'for': c.loadFor,
        summary: 'The 5-minute load average is above %s.' % fmt.num(c.loadThreshold),
        description: 'The 5-minute load average of {{ $labels.instance }} is {{ $value | humanize }} (threshold %s).' % fmt.num(c.loadThreshold),
        panel: { dashboard: 'nexo-host', id: 17, unit: 'short', title: 'host load5', legend: '{{instance}}' },
      }),
    ],
  }
