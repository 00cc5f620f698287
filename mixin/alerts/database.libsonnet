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
    // A transaction open for long (active or idle in transaction) holds locks and blocks
    // vacuum; the exporter exports it and nothing else reads it.
    alert.new(c, {
      alert: 'PostgreSQLLongTransaction',
      severity: 'warning',
      category: 'database',
      value: 'max by (job, instance, datname) (pg_stat_activity_max_tx_duration{state!="idle"})',
      op: '>',
      threshold: c.pgLongTransactionSeconds,
      'for': c.pgLongTransactionFor,
      runbookAnchor: 'highdatabaseconnections',
      summary: 'A PostgreSQL transaction has been open for more than %s.' % fmt.words('%dm' % (c.pgLongTransactionSeconds / 60)),
      description: 'The oldest transaction in database {{ $labels.datname }} of PostgreSQL at {{ $labels.instance }} has been open for {{ $value | humanizeDuration }} (threshold %s): it holds its locks and keeps vacuum from cleaning up. See pg_stat_activity (state, xact_start, query).' % fmt.words('%dm' % (c.pgLongTransactionSeconds / 60)),
      panel: { dashboard: 'nexo-postgres', id: 30, unit: 's', title: 'oldest transaction age', legend: '{{instance}} {{datname}}' },
    }),
  ],
}
