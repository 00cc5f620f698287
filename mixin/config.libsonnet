// Every setting of the NEXO monitoring mixin: thresholds, `for` durations, windows, the
// exporter's job selector and the base URLs. Override any of them in your own jsonnet:
//   (import 'mixin/mixin.libsonnet') + { _config+:: { highCpuThreshold: 0.8 } }
// Defaults are the runbook's (/work/shared/runbook/alert-runbooks.md) where it gives them,
// otherwise the choice documented in docs/alerts.md.
{
  _config+:: {
    // The job_name of the Prometheus scrape config that scrapes nexo-exporter.
    exporterJob: 'nexo-exporter',
    // The selector every rule uses for the exporter's own `up` series.
    exporterSelector: 'job="%s"' % self.exporterJob,
    // Base of runbook_url: each alert appends "#<lower-cased alert name>" (alerts the runbook
    // has no entry for link the nearest entry, docs/alerts.md says which).
    runbookBase: 'https://github.com/nexo-crm/runbooks/blob/main/alert-runbooks.md',
    // Base of dashboard_url: Grafana's root URL; each alert appends "/d/<uid>?viewPanel=<id>".
    grafanaBase: 'http://localhost:3300',
    // The runbook's container memory limit (1 GiB): the scale of the container memory panels
    // and of the memory unit tests.
    containerMemoryLimitBytes: 1073741824,

    // Window of the rate() that smooths request and CPU rates (rules and panels alike).
    rateWindow: '5m',

    // --- the watcher (meta-monitoring)
    // The exporter's scrape failing or its job without a target: NexoExporterDown (critical).
    exporterDownFor: '2m',
    // While the exporter's scrape fails, ServiceDown/PostgreSQLDown/RedisDown/RabbitMQDown keep
    // firing on the last value their series had, at most this long (they do not resolve just
    // because the data stopped; a real recovery, reported by the exporter, resolves at once).
    lastValueWindow: '6h',
    // Probes whose failure an alert of its own reports (pg_up, redis_up, rabbitmq_up,
    // probe_success): the others (docker, host) fire NexoExporterProbeFailed.
    probesWithOwnAlert: ['postgres', 'redis', 'rabbitmq', 'http'],
    probeFailedFor: '5m',
    // A target reported within targetMissingWindow and absent now while the exporter is up.
    targetMissingWindow: '6h',
    targetMissingFor: '5m',
    // The always-firing Watchdog (routed to the dead-man's switch).
    watchdogFor: '1m',

    // --- availability
    serviceDownFor: '1m',
    targetUnreachableFor: '2m',
    restartWindow: '15m',
    restartThreshold: 3,  // restarts in restartWindow (>=)
    restartFor: '5m',

    // --- errors
    serverErrorThreshold: 0.05,  // share of 5xx
    serverErrorFor: '5m',
    clientErrorThreshold: 0.10,  // share of 4xx
    clientErrorFor: '10m',
    errorSpikeWindow: '2m',  // the current error rate
    errorSpikeBaselineWindow: '10m',  // the baseline, taken errorSpikeBaselineOffset ago
    errorSpikeBaselineOffset: '10m',
    errorSpikeFactor: 2,  // current / baseline (>=)
    errorSpikeMinPerMinute: 1,  // errors per minute the current rate must exceed
    // A baseline error share below this counts as this (so a spike from zero errors can fire).
    errorSpikeMinBaselineShare: 0.01,
    // The request alerts (error shares, latency quantiles) need at least this many requests
    // per second over rateWindow: 2 requests a minute are no basis for a page.
    minRequestRate: 0.5,
    errorSpikeFor: '2m',

    // --- performance (seconds)
    latencyP95Threshold: 0.5,
    latencyP95For: '5m',
    latencyP99Threshold: 1,
    latencyP99For: '5m',
    latencyP50Threshold: 0.2,
    latencyP50For: '10m',

    // --- resources (shares of the container's limit)
    cpuHighThreshold: 0.9,
    cpuHighFor: '10m',
    cpuCriticalThreshold: 0.95,
    cpuCriticalFor: '5m',
    memoryHighThreshold: 0.9,
    memoryHighFor: '10m',
    memoryCriticalThreshold: 0.95,
    memoryCriticalFor: '5m',
    // A container without a CPU limit is measured against this many cores (docker stats:
    // 100% = one core), not against the whole machine.
    cpuUnlimitedCores: 1,
    // A container without a memory limit is measured against this limit (the runbook's 1 GiB).
    memoryFallbackLimitBytes: self.containerMemoryLimitBytes,
    memoryLeakGrowthBytes: 100e6,  // growth over memoryLeakWindow
    memoryLeakWindow: '1h',
    // Sustained: the lowest working set of each memoryLeakStep of memoryLeakWindow is above
    // the previous one's (a step or a sawtooth's single rise is not a leak), and the container
    // started more than memoryLeakWindow ago (a restart's warm-up is not a leak).
    memoryLeakStep: '15m',
    memoryLeakFor: '10m',
    // Any OOM kill within oomWindow (the runbook: "If OOM kills happening: Immediate escalation").
    oomWindow: '10m',
    oomFor: '1m',

    // --- system
    diskLowThreshold: 0.15,  // free share
    diskLowFor: '5m',
    diskCriticalThreshold: 0.10,
    diskCriticalFor: '2m',
    // HighLoadAverage: node_load5 per CPU core. 1 = the runbook's 2.0 on the 2-core host it
    // was written for (the stack's host: machine_cpu_cores 2); 4 on a 16-core host is 0.25.
    loadPerCoreThreshold: 1,
    loadFor: '10m',

    // --- database
    postgresDownFor: '1m',
    dbConnectionsThreshold: 0.8,  // share of max_connections - superuser_reserved_connections
    dbConnectionsFor: '5m',
    // A transaction open longer than this (pg_stat_activity_max_tx_duration, not idle).
    pgLongTransactionSeconds: 300,
    pgLongTransactionFor: '2m',

    // --- messaging
    rabbitmqDownFor: '1m',
    unackedThreshold: 1000,
    unackedFor: '5m',
    // The metrics source (plugin or management API) failing while AMQP answers.
    rabbitmqMetricsFor: '5m',
    // A queue with ready messages and no consumer (a consumer crash returns its unacked
    // messages to ready): RabbitMQQueueNoConsumers. Narrow with rabbitmqQueueSelector, e.g.
    // 'queue!~".*\\.dlq"' for dead-letter queues nobody consumes by design.
    rabbitmqQueueSelector: '',
    queueNoConsumersFor: '10m',
    // Ready messages above queueBacklogThreshold and still growing over queueBacklogWindow.
    queueBacklogThreshold: 1000,
    queueBacklogWindow: '10m',
    queueBacklogFor: '10m',
    // nexo_exporter_rabbitmq_queues_dropped > 0 (max_queues leaves queues unwatched).
    queuesDroppedFor: '15m',

    // --- cache
    redisDownFor: '1m',
    redisMemoryThreshold: 0.9,  // share of maxmemory
    redisMemoryFor: '5m',
    // RedisHighMemory stays silent for a Redis that evicts (evictions within redisEvictionWindow)
    // or whose maxmemory_policy matches redisEvictingPolicies: a cache at its limit is healthy.
    redisEvictionWindow: '10m',
    redisEvictingPolicies: 'allkeys-.*',

    // --- Prometheus
    headSeriesThreshold: 100000,
    headSeriesFor: '5m',
    scrapeFailWindow: '10m',
    scrapeFailThreshold: 0.1,  // share of failed scrapes in scrapeFailWindow
    scrapeFailFor: '5m',
    // ... and the target's up changed more than this often in scrapeFailWindow: an outage and
    // its recovery (two changes) are TargetUnreachable's, not intermittent failures.
    scrapeFailMinChanges: 2,

    // --- dashboards
    // Per-queue and per-container panels show the worst N series.
    topN: 10,
  },
}
