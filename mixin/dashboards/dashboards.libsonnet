// The six Grafana dashboards. Every alert has a panel, on the overview and on the dependency
// dashboard of its rule group, built from its alert object: the panel plots the alert's
// `value` (the rule's expression up to its comparison, same windows), draws its `threshold`
// and has the alert's runbook number as id (the rule's dashboard_url opens it). Alert panels
// plot every job and instance, as the rule evaluates them; the $job/$instance variables filter
// the investigation panels.
local fmt = import '../lib/fmt.libsonnet';
local g = import '../lib/grafana.libsonnet';
{
  local c = $._config,
  local sel = g.sel,

  // Rule groups in the order of the overview's rows: row title and the dependency dashboard
  // whose runbook "How to investigate" steps cover them (null: overview only). A group not
  // listed here gets a row titled by its name on the overview.
  nexoCategories:: {
    'nexo-availability': { title: 'Service health', dashboard: 'nexo-containers' },
    'nexo-errors': { title: 'Errors', dashboard: null },
    'nexo-performance': { title: 'Latency', dashboard: null },
    'nexo-resources': { title: 'Resources', dashboard: 'nexo-containers' },
    'nexo-system': { title: 'System', dashboard: 'nexo-host' },
    'nexo-database': { title: 'Database', dashboard: 'nexo-postgres' },
    'nexo-messaging': { title: 'Messaging', dashboard: 'nexo-rabbitmq' },
    'nexo-cache': { title: 'Cache', dashboard: 'nexo-redis' },
    'nexo-prometheus': { title: 'Prometheus', dashboard: null },
  },

  // Presentation of alert panels, by alert: `worst` shows only the N worst series
  // (topk/bottomk of the alert's value, N = _config.topN); `noValue` the text of a panel that
  // is empty by design.
  local noRequests = "No request metrics: the NEXO services' http_requests_total / http_request_duration_seconds are not scraped, or there was no traffic.",
  nexoPanelExtras:: {
    HighRestartRate: { worst: 'topk', noValue: 'No container restarted in the window.' },
    HighServerErrorRate: { noValue: noRequests },
    HighClientErrorRate: { noValue: noRequests },
    ErrorSpike: { noValue: 'No errors now and in the baseline window (or no request metrics).' },
    HighLatencyP95: { noValue: noRequests },
    HighLatencyP99: { noValue: noRequests },
    SlowRequestRate: { noValue: noRequests },
    HighCPUUsage: { worst: 'topk' },
    CriticalCPUUsage: { worst: 'topk' },
    HighMemoryUsage: { worst: 'topk', noValue: 'No container has a memory limit: nothing to compare against.' },
    CriticalMemoryUsage: { worst: 'topk', noValue: 'No container has a memory limit: nothing to compare against.' },
    PossibleMemoryLeak: { worst: 'topk', noValue: 'No container has been watched for %s yet.' % c.memoryLeakWindow },
    DiskSpaceLow: { worst: 'bottomk' },
    DiskSpaceCritical: { worst: 'bottomk' },
    HighUnackedMessages: { worst: 'topk', noValue: 'No queue reported (RabbitMQ has no queues, or per-queue metrics are off).' },
    RedisHighMemory: { noValue: 'Redis has no maxmemory (0 = unlimited): nothing to compare against.' },
    PrometheusTooManyTimeSeries: { noValue: "Prometheus's own metrics are not scraped (add a scrape job for Prometheus itself)." },
  },

  local link(alert) = g.link('Runbook: %s' % alert, '%s#%s' % [c.runbookBase, std.asciiLower(alert)]),

  // The panel of an alert object.
  nexoAlertPanel(a)::
    local x = { worst: null, noValue: null } + (if std.objectHas($.nexoPanelExtras, a.alert) then $.nexoPanelExtras[a.alert] else {});
    local expr = if x.worst == null then fmt.chomp(a.value) else '%s(%d,\n%s\n)' % [x.worst, c.topN, fmt.chomp(a.value)];
    g.timeseries(
      a.panel.id,
      '%s: %s' % [a.alert, a.panel.title],
      '%s Mirrors the %s alert %s: fires when the value is %s %s for %s (the threshold is drawn, red where it fires).%s%s Alert expression: %s' % [
        a.summary,
        a.severity,
        a.alert,
        a.op,
        std.toString(a.threshold),
        a['for'],
        if a.guard == '' then '' else ' After the comparison the rule continues with `%s`.' % std.strReplace(fmt.chomp(a.guard), '\n', ' '),
        if x.worst == null then '' else ' Shows the %d worst series (%s).' % [c.topN, x.worst],
        a.expr,
      ],
      a.panel.unit,
      [g.target('A', expr, a.panel.legend)],
      [link(a.alert)],
      g.thresholds(a.op, a.threshold),
      noValue=x.noValue,
    ),

  local rowTitle(name) = if std.objectHas($.nexoCategories, name) then $.nexoCategories[name].title else name,

  // Panels without a runbook number get ids from 100 on.
  local numbered(panels) = std.mapWithIndex(function(i, p) if p.id == null then p { id: 100 + i } else p, panels),

  // --- investigation panels: what the runbook's "How to investigate" steps look at
  local ts(alert, title, unit, targets, what, stack=false, noValue=null) =
    g.timeseries(null, title, '%s See the %s runbook.' % [what, alert], unit, targets, [link(alert)], stack=stack, noValue=noValue),
  local tbl(alert, title, unit, expr, what, noValue) =
    g.table(null, title, '%s See the %s runbook.' % [what, alert], unit, [g.target('A', expr, instant=true, format='table')], [link(alert)], noValue=noValue),
  local st(alert, title, unit, expr, legend, what, noValue=null) =
    g.stat(null, title, '%s See the %s runbook.' % [what, alert], unit, [g.target('A', expr, legend)], [link(alert)], noValue=noValue),
  local t(expr, legend=null) = g.target('A', expr, legend),
  local tt(list) = [g.target(std.char(65 + i), list[i][0], list[i][1]) for i in std.range(0, std.length(list) - 1)],
  // The dependency's container, by compose service or, without compose labels, by name.
  local containerOf(dep) =
    '(\n  container_state{%(sel)s,state="running",compose_service=~".*%(d)s.*"}\n  or\n  container_state{%(sel)s,state="running",name=~".*%(d)s.*"}\n)' % { sel: sel, d: dep },
  local topk(e) = 'topk(%d, %s)' % [c.topN, e],

  nexoInvestigation:: {
    'nexo-postgres': [
      ts('HighDatabaseConnections',
         'Connections by state',
         'short',
         [t('sum by (instance, state) (pg_stat_activity_count{%s})' % sel, '{{state}}')],
         'Step 3: idle vs active vs idle in transaction connections (SELECT state, count(*) FROM pg_stat_activity GROUP BY state).',
         stack=true),
      ts('HighDatabaseConnections', 'Connections in use vs limits', 'short', tt([
        ['sum by (instance) (pg_stat_activity_count{%s})' % sel, 'in use'],
        ['max by (instance) (pg_settings_max_connections{%s})' % sel, 'max_connections'],
        ['max by (instance) (pg_settings_max_connections{%(s)s})\n-\nmax by (instance) (pg_settings_superuser_reserved_connections{%(s)s})' % { s: sel }, 'available to applications'],
      ]), 'Step 1: used connections, max_connections and what is left for non-superusers after superuser_reserved_connections.'),
      ts('HighDatabaseConnections',
         'Connections by application',
         'short',
         [t(topk('pg_stat_activity_application_count{%s}' % sel), '{{application_name}}')],
         'Step 2: which application holds the connections (application_name; rare names are summed as "other").',
         stack=true),
      ts('HighDatabaseConnections',
         'Longest transaction',
         's',
         [t('max by (instance, datname, state) (pg_stat_activity_max_tx_duration{%s})' % sel, '{{datname}} {{state}}')],
         'Step 4: the oldest open transaction per database and state; long ones hold connections and locks.'),
      tbl('PostgreSQLDown',
          'PostgreSQL container state',
          'bool',
          containerOf('postgres'),
          'Step 1 (docker ps -a | grep postgres): 1 when the postgres container runs.',
          'No running container named like postgres (PostgreSQL runs outside Docker, or is down).'),
      ts('PostgreSQLDown',
         'Probe duration',
         's',
         [t('nexo_exporter_probe_duration_seconds{%s,probe="postgres"}' % sel, '{{target}}')],
         "Step 2 (pg_isready): how long nexo-exporter's connection and queries took."),
    ],
    'nexo-redis': [
      ts('RedisHighMemory', 'Memory used vs maxmemory', 'bytes', tt([
        ['redis_memory_used_bytes{%s}' % sel, 'used {{instance}}'],
        ['redis_memory_max_bytes{%s} > 0' % sel, 'maxmemory {{instance}}'],
      ]), 'Step 1 (INFO memory): used memory and the configured maxmemory (hidden when 0, i.e. unlimited).'),
      ts('RedisHighMemory',
         'Evicted keys',
         'ops',
         [t('rate(redis_evicted_keys_total{%s}[%s])' % [sel, c.rateWindow], '{{instance}}')],
         'Keys evicted per second because of maxmemory: the eviction policy at work.'),
      ts('RedisDown', 'Connected clients', 'short', [t('redis_connected_clients{%s}' % sel, '{{instance}}')], 'Client connections (INFO clients).'),
      st('RedisDown', 'Uptime', 's', 'redis_uptime_in_seconds{%s}' % sel, '{{instance}}', 'Seconds since Redis started; a small value means it restarted.'),
      tbl('RedisDown',
          'Redis container state',
          'bool',
          containerOf('redis'),
          'Step 1 (docker ps -a | grep redis): 1 when the redis container runs.',
          'No running container named like redis (Redis runs outside Docker, or is down).'),
      ts('RedisDown',
         'Probe duration',
         's',
         [t('nexo_exporter_probe_duration_seconds{%s,probe="redis"}' % sel, '{{target}}')],
         "Step 2 (redis-cli ping): how long nexo-exporter's probe took."),
    ],
    'nexo-rabbitmq': [
      ts('HighUnackedMessages',
         'Ready messages per queue',
         'short',
         [t(topk('rabbitmq_queue_messages_ready{%s}' % sel), '{{vhost}} {{queue}}')],
         'Step 1 (management UI queue depth): messages waiting for a consumer (the %d fullest queues).' % c.topN,
         noValue='No queue reported.'),
      ts('HighUnackedMessages',
         'Consumers per queue',
         'short',
         [t('bottomk(%d, rabbitmq_queue_consumers{%s})' % [c.topN, sel], '{{vhost}} {{queue}}')],
         'Step 1 (consumer status): 0 consumers on a queue with messages means the consumer service is down (the %d queues with the fewest consumers).' % c.topN,
         noValue='No queue reported.'),
      tbl('HighUnackedMessages',
          'Queues without consumers',
          'short',
          'rabbitmq_queue_consumers{%s} == 0' % sel,
          'Queues that currently have no consumer at all.',
          'Every queue has a consumer.'),
      st('HighUnackedMessages',
         'Queues left out (max_queues)',
         'short',
         'nexo_exporter_rabbitmq_queues_dropped{%s}' % sel,
         '{{instance}}',
         "Queues not reported because of the exporter's max_queues cap; above 0 means the per-queue panels are incomplete."),
      tbl('RabbitMQDown',
          'RabbitMQ container state',
          'bool',
          containerOf('rabbitmq'),
          'Step 1 (docker ps -a | grep rabbitmq): 1 when the rabbitmq container runs.',
          'No running container named like rabbitmq (RabbitMQ runs outside Docker, or is down).'),
      ts('RabbitMQDown',
         'Probe duration',
         's',
         [t('nexo_exporter_probe_duration_seconds{%s,probe="rabbitmq"}' % sel, '{{target}}')],
         "How long nexo-exporter's AMQP and HTTP checks took."),
    ],
    'nexo-containers': [
      tbl('ServiceDown', 'Container state', 'bool', 'container_state{%s} == 1' % sel, 'docker ps -a: the current state of every container.', 'No container reported (the Docker probe is off or failing).'),
      tbl('ServiceDown',
          'Container health',
          'bool',
          'container_health_status{%s,status!="none"} == 1' % sel,
          'Docker healthcheck status of containers that define one.',
          'No container defines a Docker healthcheck.'),
      ts('ServiceDown',
         'Health URL status code',
         'short',
         [t('probe_http_status_code{%s}' % sel, '{{service}}')],
         'curl .../api/health: the HTTP status each service health URL answered.',
         noValue='No service health URL configured (services: in the exporter config).'),
      ts('ServiceDown',
         'Health URL duration',
         's',
         [t('probe_duration_seconds{%s}' % sel, '{{service}}')],
         'How long each health URL took to answer.',
         noValue='No service health URL configured (services: in the exporter config).'),
      ts('HighRestartRate',
         'Restart count (Docker)',
         'short',
         [t(topk('container_restart_count{%s}' % sel), '{{name}}')],
         'docker inspect ... RestartCount, per container (the %d highest).' % c.topN),
      tbl('HighRestartRate',
          'Last exit code',
          'short',
          'container_last_exit_code{%s} != 0' % sel,
          'Containers whose last run ended with a non-zero exit code (137 = killed, often OOM).',
          'No container ended with a non-zero exit code.'),
      ts('CriticalMemoryUsage',
         'OOM kills',
         'short',
         [t(topk('increase(container_oom_events_total{%s}[%s])' % [sel, c.rateWindow]), '{{name}}')],
         'dmesg | grep -i killed: OOM kills per container in the last %s.' % c.rateWindow),
      ts('HighMemoryUsage', 'Memory working set vs limit', 'bytes', tt([
        [topk('container_memory_working_set_bytes{%s}' % sel), '{{name}}'],
        ['container_spec_memory_limit_bytes{%s} > 0' % sel, 'limit {{name}}'],
      ]), 'docker stats: memory per container (the %d largest) and its limit (containers without a limit show no limit line).' % c.topN),
      ts('HighCPUUsage', 'CPU cores used', 'short', tt([
        [topk('sum by (name) (rate(container_cpu_usage_seconds_total{%s}[%s]))' % [sel, c.rateWindow]), '{{name}}'],
        ['container_spec_cpu_limit_cores{%s} > 0' % sel, 'limit {{name}}'],
      ]), 'docker stats: CPU cores in use per container (the %d busiest) and its CPU limit.' % c.topN),
    ],
    'nexo-host': [
      ts('HighLoadAverage', 'Load average', 'short', tt([
        ['node_load1{%s}' % sel, 'load1 {{instance}}'],
        ['node_load5{%s}' % sel, 'load5 {{instance}}'],
        ['node_load15{%s}' % sel, 'load15 {{instance}}'],
        ['count by (instance) (node_cpu_seconds_total{%s,mode="idle"})' % sel, 'cores {{instance}}'],
      ]), 'Step 1 (uptime): 1, 5 and 15 minute load next to the number of cores.'),
      ts('HighLoadAverage', 'CPU time by mode', 'percentunit', [t(
        'sum by (instance, mode) (rate(node_cpu_seconds_total{%(s)s,mode!="idle"}[%(w)s]))\n/ on (instance) group_left ()\ncount by (instance) (node_cpu_seconds_total{%(s)s,mode="idle"})' % { s: sel, w: c.rateWindow }, '{{mode}}'
      )], 'Step 2 (iostat): CPU bound (user/system) or I/O bound (iowait).', stack=true),
      ts('HighLoadAverage',
         'Memory available',
         'percentunit',
         [t('node_memory_MemAvailable_bytes{%(s)s}\n/\n(node_memory_MemTotal_bytes{%(s)s} > 0)' % { s: sel }, '{{instance}}')],
         'Step 3 (memory hogs): share of RAM available without swapping.'),
      ts('DiskSpaceLow',
         'Filesystem space available',
         'bytes',
         [t('bottomk(%d, node_filesystem_avail_bytes{%s})' % [c.topN, sel], '{{mountpoint}}')],
         'Step 1 (df -h): space available per mount point (the %d fullest).' % c.topN),
      tbl('DiskSpaceLow',
          'Filesystem free share',
          'percentunit',
          'node_filesystem_avail_bytes{%(s)s}\n/\n(node_filesystem_size_bytes{%(s)s} > 0)' % { s: sel },
          'Step 1 (df -h): free share of every mounted filesystem.',
          'No filesystem reported (the host probe is off or failing).'),
      tbl('DiskSpaceCritical',
          'Read-only or failing filesystems',
          'bool',
          'node_filesystem_readonly{%(s)s} == 1 or node_filesystem_device_error{%(s)s} == 1' % { s: sel },
          'Filesystems mounted read-only or that could not be measured.',
          'No read-only or failing filesystem.'),
    ],
  },

  // "Is anything down?": one stat each, red when something is down.
  local upDown = [
    { type: 'value', options: { '0': { text: 'DOWN', color: 'red', index: 0 }, '1': { text: 'up', color: 'green', index: 1 } } },
  ],
  local count(title, expr, what) =
    g.stat(null,
           title,
           what,
           'short',
           [g.target('A', '%s or vector(0)' % expr)],
           [g.link('Runbook', c.runbookBase)],
           { mode: 'absolute', steps: [{ color: 'green', value: null }, { color: 'red', value: 1 }] },
           w=4,
           h=4),
  local up(title, metric, alert) =
    g.stat(null,
           title,
           '%s: min(%s) over every instance; "not monitored" when no exporter reports it.' % [title, metric],
           'none',
           [g.target('A', 'min(%s)' % metric)],
           [link(alert)],
           { mode: 'absolute', steps: [{ color: 'red', value: null }, { color: 'green', value: 1 }] },
           w=4,
           h=4,
           noValue='not monitored',
           mappings=upDown),
  nexoStatusStrip:: [
    count('Critical alerts firing', 'count(ALERTS{alertstate="firing",severity="critical"})', 'Critical alerts Prometheus fires now (0 = nothing pages).'),
    count('Targets down', 'count(up == 0)', 'Prometheus scrape targets that fail (up == 0): a dead exporter shows here.'),
    count('Health checks failing', 'count(probe_success{service!=""} == 0)', 'NEXO service health URLs that fail (probe_success == 0).'),
    up('PostgreSQL', 'pg_up', 'PostgreSQLDown'),
    up('Redis', 'redis_up', 'RedisDown'),
    up('RabbitMQ', 'rabbitmq_up', 'RabbitMQDown'),
  ],

  local alertsOf(group) = [a for gr in $.nexoAlertGroups if gr.name == group for a in gr.alerts],

  local overview = numbered(
    [g.row(null, 'Is anything down?')] + $.nexoStatusStrip
    + [
      g.row(null, 'Alerts firing now'),
      g.table(null,
              'Firing alerts',
              'Alerts Prometheus currently fires (ALERTS{alertstate="firing"}), with their labels; open the runbook of the alert from the links.',
              'short',
              [g.target('A', 'ALERTS{alertstate="firing"}', instant=true, format='table')],
              [g.link('Runbook', c.runbookBase)],
              w=24,
              h=7,
              noValue='No alert is firing.'),
    ]
    + std.flattenArrays([
      [g.row(null, rowTitle(gr.name))] + [$.nexoAlertPanel(a) for a in gr.alerts]
      for gr in $.nexoAlertGroups
    ])
  ),

  local dependency(uid) = numbered(
    std.flattenArrays([
      [g.row(null, 'Alerts: %s' % rowTitle(gr.name))] + [$.nexoAlertPanel(a) for a in gr.alerts]
      for gr in $.nexoAlertGroups
      if std.objectHas($.nexoCategories, gr.name) && $.nexoCategories[gr.name].dashboard == uid
    ])
    // Alerts of other groups whose dashboard_url points here.
    + [
      $.nexoAlertPanel(a)
      for gr in $.nexoAlertGroups
      if !(std.objectHas($.nexoCategories, gr.name) && $.nexoCategories[gr.name].dashboard == uid)
      for a in gr.alerts
      if a.panel.dashboard == uid
    ]
    + [g.row(null, 'Investigation')] + $.nexoInvestigation[uid]
  ),

  local dash(uid, title, description, panels) = { ['%s.json' % uid]: g.dashboard(uid, title, description, panels, c.runbookBase) },

  grafanaDashboards+:: dash('nexo-overview', 'NEXO / Overview', 'Is anything down, what fires, and one panel per runbook alert, grouped by runbook category, with the threshold of its rule.', overview)
                       + dash('nexo-containers', 'NEXO / Containers and services', 'Service health and container resources: what the ServiceDown, HighRestartRate, CPU and memory runbooks look at.', dependency('nexo-containers'))
                       + dash('nexo-host', 'NEXO / Host', 'Disk, load, CPU and memory of the host: what the DiskSpace and HighLoadAverage runbooks look at.', dependency('nexo-host'))
                       + dash('nexo-postgres', 'NEXO / PostgreSQL', 'PostgreSQL availability and connections: what the PostgreSQLDown and HighDatabaseConnections runbooks look at.', dependency('nexo-postgres'))
                       + dash('nexo-redis', 'NEXO / Redis', 'Redis availability and memory: what the RedisDown and RedisHighMemory runbooks look at.', dependency('nexo-redis'))
                       + dash('nexo-rabbitmq', 'NEXO / RabbitMQ', 'RabbitMQ availability and queues: what the RabbitMQDown and HighUnackedMessages runbooks look at.', dependency('nexo-rabbitmq')),
}
