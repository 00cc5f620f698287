// promtool unit tests: PostgreSQLDown, HighDatabaseConnections (PostgreSQL probe metrics).
// Inputs are computed from the thresholds and `for` of _config.
local fmt = import '../lib/fmt.libsonnet';
local t = import '../lib/promtool.libsonnet';
// c: _config, a: the alert objects by name.
function(c, a)
  local conn = a.HighDatabaseConnections;
  local i(name) = { job: c.exporterJob, instance: name };
  local act(name, state) = { job: c.exporterJob, instance: name, datname: 'crm_db', state: state };
  // max_connections 100 - 3 reserved for superusers = 97 usable.
  local usable = 97;
  local settings(name, max, reserved) = [
    t.series('pg_settings_max_connections', i(name), '%dx30' % max),
    t.series('pg_settings_superuser_reserved_connections', i(name), '%dx30' % reserved),
  ];
  local used = t.round(usable * (conn.threshold + 1) / 2);
  local below = std.floor(usable * conn.threshold);
  {
    tests: (import 'down.libsonnet')(c, a, a.PostgreSQLDown, 'pg_up', 'PostgreSQL', 'query') + [
      {
        name: 'HighDatabaseConnections fires at %d of %d usable connections (max 100 - 3 reserved) after %s' % [used, usable, conn['for']],
        interval: '1m',
        input_series: [
          t.series('pg_stat_activity_count', act('exporter:9187', 'active'), '%dx30' % (used - 40)),
          t.series('pg_stat_activity_count', act('exporter:9187', 'idle'), '40x30'),
        ] + settings('exporter:9187', 100, 3),
        alert_rule_test: [
          t.silent(conn, t.forMin(conn) - 1),
          t.fires(conn,
                  t.forMin(conn),
                  i('exporter:9187'),
                  'PostgreSQL at exporter:9187 uses %s of the connections available to applications (max_connections - superuser_reserved_connections).' % fmt.pct(used / usable)),
        ],
      },
      {
        name: 'HighDatabaseConnections does not fire at %d of %d, with max_connections 0, or without settings' % [below, usable],
        interval: '1m',
        input_series: [t.series('pg_stat_activity_count', act('a', 'active'), '%dx30' % below)]
                      + settings('a', 100, 3)
                      + [t.series('pg_stat_activity_count', act('zero', 'active'), '5x30')]
                      + settings('zero', 0, 0)
                      + [t.series('pg_stat_activity_count', act('nosettings', 'active'), '500x30')],
        alert_rule_test: [t.silent(conn, t.forMin(conn) + 10)],
      },
    ],
  }
