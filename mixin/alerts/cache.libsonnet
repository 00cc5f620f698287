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
    // A Redis that evicts (a cache: an allkeys-* maxmemory_policy, or evictions going on) sits
    // at maxmemory by design and is healthy; near maxmemory without evicting, writes fail
    // with OOM errors (noeviction, or volatile-* without keys to evict): that is the alert.
    // redis_instance_info{maxmemory_policy} is redis_exporter's; while the exporter does not
    // export it, the evictions alone decide.
    alert.new(c, {
      alert: 'RedisHighMemory',
      severity: 'warning',
      category: 'cache',
      value: 'redis_memory_used_bytes / (redis_memory_max_bytes > 0)',
      op: '>',
      threshold: c.redisMemoryThreshold,
      guard: |||
        unless on (job, instance) rate(redis_evicted_keys_total[%(w)s]) > 0
        unless on (job, instance) redis_instance_info{maxmemory_policy=~"%(p)s"}
      ||| % { w: c.redisEvictionWindow, p: c.redisEvictingPolicies },
      'for': c.redisMemoryFor,
      summary: 'Redis uses more than %s of its maxmemory and does not evict.' % fmt.pct(c.redisMemoryThreshold),
      description: 'Redis at {{ $labels.instance }} uses {{ $value | humanizePercentage }} of its maxmemory and evicted no key in %s: at maxmemory it will refuse writes (OOM command not allowed) unless its maxmemory_policy evicts.' % fmt.last(c.redisEvictionWindow),
      panel: { dashboard: 'nexo-redis', id: 23, unit: 'percentunit', title: 'memory vs maxmemory', legend: '{{instance}}' },
    }),
  ],
}
