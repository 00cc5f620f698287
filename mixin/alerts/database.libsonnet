// Runbook section "Database Alerts" (the PostgreSQL probe).
local alert = import '../lib/alert.libsonnet';
local fmt = import '../lib/fmt.libsonnet';
function(c) {
  name: 'nexo-database',
  alerts: [
    alert.down(c,
               'PostgreSQLDown',
               'pg_up',
               'PostgreSQL',
               'query',
               c.postgresDownFor,
               'database',
               { dashboard: 'nexo-postgres', id: 18 }),
    // Of the connections open to applications: max_connections - superuser_reserved_connections.
    alert.new(c, {
      alert: 'HighDatabaseConnections',
      severity: 'warning',
      category: 'database',
      value: |||
        sum by (job, instance) (pg_stat_activity_count)
          / on (job, instance)
          (max by (job, instance) (pg_settings_max_connections - pg_settings_superuser_reserved_connections) > 0)
      |||,
      op: '>',
      threshold: c.dbConnectionsThreshold,
      'for': c.dbConnectionsFor,
      summary: 'PostgreSQL uses more than %s of its available connections.' % fmt.pct(c.dbConnectionsThreshold),
      description: 'PostgreSQL at {{ $labels.instance }} uses {{ $value | humanizePercentage }} of the connections available to applications (max_connections - superuser_reserved_connections).',
      panel: { dashboard: 'nexo-postgres', id: 19, unit: 'percentunit', title: 'connections vs available', legend: '{{instance}}' },
    }),
  ],
}
