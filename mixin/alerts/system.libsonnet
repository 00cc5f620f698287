// Runbook section "System-Level Alerts" (the host probe).
local alert = import '../lib/alert.libsonnet';
local fmt = import '../lib/fmt.libsonnet';
function(c)
  // Every filesystem the host probe reports (the root filesystem among them) unless it is
  // read-only; choose which with the exporter's host.mount_points_exclude / fs_types_exclude.
  // A size of 0 drops the series (no division by zero). One alert per filesystem: mount points
  // of one device (`/` and a bind mount such as /var/lib/docker) are one series (min by
  // device), their mount points listed in the description.
  local disk(name, severity, thr, forDur, id) = alert.new(c, {
    alert: name,
    severity: severity,
    category: 'resources',
    value: |||
      min by (job, instance, device, fstype) (
        node_filesystem_avail_bytes / (node_filesystem_size_bytes > 0)
        unless on (job, instance, device, fstype, mountpoint)
        node_filesystem_readonly == 1
      )
    |||,
    op: '<',
    threshold: thr,
    'for': forDur,
    summary: 'A filesystem has less than %s free space.' % fmt.pct(thr),
    description: 'Filesystem {{ $labels.device }} ({{ $labels.fstype }}) on {{ $labels.instance }}, mounted at {{ range $i, $m := printf "node_filesystem_size_bytes{job=%q,instance=%q,device=%q,fstype=%q}" $labels.job $labels.instance $labels.device $labels.fstype | query | sortByLabel "mountpoint" }}{{ if $i }}, {{ end }}{{ $m.Labels.mountpoint }}{{ end }}, has only {{ $value | humanizePercentage }} of its space available.',
    panel: { dashboard: 'nexo-host', id: id, unit: 'percentunit', title: 'filesystem free share', legend: '{{instance}} {{device}}' },
  });
  {
    name: 'nexo-system',
    alerts: [
      disk('DiskSpaceLow', 'warning', c.diskLowThreshold, c.diskLowFor, 15),
      disk('DiskSpaceCritical', 'critical', c.diskCriticalThreshold, c.diskCriticalFor, 16),
      // Per CPU core (one setting, loadPerCoreThreshold): 1 is the runbook's 2.0 on its 2-core
      // host, and a 16-core host at load 4 is not overloaded. node_cpu_seconds_total comes from
      // the same host probe, one `idle` series per core.
      alert.new(c, {
        alert: 'HighLoadAverage',
        severity: 'warning',
        category: 'resources',
        value: |||
          node_load5
            / on (job, instance) group_left ()
            count by (job, instance) (node_cpu_seconds_total{mode="idle"})
        |||,
        op: '>',
        threshold: c.loadPerCoreThreshold,
        'for': c.loadFor,
        summary: 'The 5-minute load average per CPU core is above %s.' % fmt.num(c.loadPerCoreThreshold),
        description: 'The 5-minute load average of {{ $labels.instance }} is {{ $value | humanize }} per CPU core (threshold %s per core).' % fmt.num(c.loadPerCoreThreshold),
        panel: { dashboard: 'nexo-host', id: 17, unit: 'short', title: 'host load5 per core', legend: '{{instance}}' },
      }),
    ],
  }
