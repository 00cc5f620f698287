// Runbook section "Cache Alerts" (the Redis probe).
local alert = import '../lib/alert.libsonnet';
local fmt = import '../lib/fmt.libsonnet';
function(c) {
  name: 'nexo-cache',
  alerts: [
    alert.down(c,
               'RedisDown',
               'redis_up',
               'Redis',
               'reach',
               c.redisDownFor,
               'cache',
               { dashboard: 'nexo-redis', id: 22 }),
    // maxmemory 0 (no limit, Redis's default) drops the series: nothing to compare against.
    alert.new(c, {
      alert: 'RedisHighMemory',
      severity: 'warning',
      category: 'cache',
      value: 'redis_memory_used_bytes / (redis_memory_max_bytes > 0)',
      op: '>',
      threshold: c.redisMemoryThreshold,
      'for': c.redisMemoryFor,
      summary: 'Redis uses more than %s of its maxmemory.' % fmt.pct(c.redisMemoryThreshold),
      description: 'Redis at {{ $labels.instance }} uses {{ $value | humanizePercentage }} of its maxmemory.',
      panel: { dashboard: 'nexo-redis', id: 23, unit: 'percentunit', title: 'memory vs maxmemory', legend: '{{instance}}' },
    }),
  ],
}
