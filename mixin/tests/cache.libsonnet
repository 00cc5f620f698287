// promtool unit tests: RedisDown, RedisHighMemory (Redis probe metrics).
// Inputs are computed from the thresholds and `for` of _config.
local fmt = import '../lib/fmt.libsonnet';
local t = import '../lib/promtool.libsonnet';
// c: _config, a: the alert objects by name.
function(c, a)
  local mem = a.RedisHighMemory;
  local ex = { job: c.exporterJob, instance: 'exporter:9187' };
  local i(name) = { job: c.exporterJob, instance: name };
  local max = 1000000000;
  local high = (mem.threshold + 1) / 2;
  {
    tests: (import 'down.libsonnet')(c, a, a.RedisDown, 'redis_up', 'Redis', 'reach') + [
      {
        name: 'RedisHighMemory fires at %s of maxmemory after %s' % [fmt.pct(high), mem['for']],
        interval: '1m',
        input_series: [
          t.series('redis_memory_used_bytes', ex, '%dx30' % t.round(max * high)),
          t.series('redis_memory_max_bytes', ex, '%dx30' % max),
        ],
        alert_rule_test: [
          t.silent(mem, t.forMin(mem) - 1),
          t.fires(mem, t.forMin(mem), ex, 'Redis at exporter:9187 uses %s of its maxmemory.' % fmt.pct(t.round(max * high) / max)),
        ],
      },
      {
        name: 'RedisHighMemory does not fire with maxmemory 0 (no limit), at exactly the threshold, or without used bytes',
        interval: '1m',
        input_series: [
          t.series('redis_memory_used_bytes', i('nolimit'), '5000000000x30'),
          t.series('redis_memory_max_bytes', i('nolimit'), '0x30'),
          t.series('redis_memory_used_bytes', i('at'), '%dx30' % t.round(max * mem.threshold)),
          t.series('redis_memory_max_bytes', i('at'), '%dx30' % max),
          t.series('redis_memory_max_bytes', i('nodata'), '%dx30' % max),
        ],
        alert_rule_test: [t.silent(mem, t.forMin(mem) + 10)],
      },
    ],
  }
