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
  local memDesc(p) = 'Redis at exporter:9187 uses %s of its maxmemory and evicted no key in %s: at maxmemory it will refuse writes (OOM command not allowed) unless its maxmemory_policy evicts.' % [p, fmt.last(c.redisEvictionWindow)];
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
          t.fires(mem, t.forMin(mem), ex, memDesc(fmt.pct(t.round(max * high) / max))),
        ],
      },
      {
        // Issue 11 item 2: a healthy LRU cache sitting at maxmemory fired for ever.
        name: 'RedisHighMemory does not fire for a cache at maxmemory that evicts (allkeys-lru, evictions)',
        interval: '1m',
        input_series: [
          t.series('redis_memory_used_bytes', ex, '%dx30' % t.round(max * 0.99)),
          t.series('redis_memory_max_bytes', ex, '%dx30' % max),
          t.series('redis_evicted_keys_total', ex, '0+50x30'),
          t.series('redis_instance_info', ex { maxmemory_policy: 'allkeys-lru' }, '1x30'),
        ],
        alert_rule_test: [t.silent(mem, t.forMin(mem) + 10), t.silent(mem, 25)],
      },
      {
        name: 'RedisHighMemory: evictions alone (policy not exported) or an allkeys-* policy alone (idle cache) keep it silent',
        interval: '1m',
        input_series: [
          t.series('redis_memory_used_bytes', i('evicting'), '%dx30' % t.round(max * 0.99)),
          t.series('redis_memory_max_bytes', i('evicting'), '%dx30' % max),
          t.series('redis_evicted_keys_total', i('evicting'), '0+5x30'),
          t.series('redis_memory_used_bytes', i('idle-lru'), '%dx30' % t.round(max * 0.99)),
          t.series('redis_memory_max_bytes', i('idle-lru'), '%dx30' % max),
          t.series('redis_evicted_keys_total', i('idle-lru'), '0x30'),
          t.series('redis_instance_info', i('idle-lru') { maxmemory_policy: 'allkeys-lfu' }, '1x30'),
        ],
        alert_rule_test: [t.silent(mem, t.forMin(mem) + 10)],
      },
      {
        name: 'RedisHighMemory fires for noeviction near maxmemory (writes will fail)',
        interval: '1m',
        input_series: [
          t.series('redis_memory_used_bytes', ex, '%dx30' % t.round(max * high)),
          t.series('redis_memory_max_bytes', ex, '%dx30' % max),
          t.series('redis_evicted_keys_total', ex, '0x30'),
          t.series('redis_instance_info', ex { maxmemory_policy: 'noeviction' }, '1x30'),
        ],
        alert_rule_test: [t.fires(mem, t.forMin(mem) + 1, ex, memDesc(fmt.pct(t.round(max * high) / max)))],
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
