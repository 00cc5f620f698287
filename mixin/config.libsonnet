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
    // Base of runbook_url: each alert appends "#<lower-cased alert name>".
    runbookBase: 'https://github.com/nexo-crm/runbooks/blob/main/alert-runbooks.md',
    // Base of dashboard_url: Grafana's root URL; each alert appends "/d/<uid>?viewPanel=<id>".
    grafanaBase: 'http://localhost:3300',
    // The runbook's container memory limit (1 GiB): the scale of the container memory panels
    // and of the memory unit tests.
    containerMemoryLimitBytes: 1073741824,

    // Window of the rate() that smooths request and CPU rates (rules and panels alike).
    rateWindow: '5m',

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
    memoryLeakGrowthBytes: 100e6,  // growth over memoryLeakWindow
    memoryLeakWindow: '1h',
    memoryLeakTrendWindow: '30m',  // deriv() window that must still be growing
    memoryLeakFor: '10m',

    // --- system
    diskLowThreshold: 0.15,  // free share
    diskLowFor: '5m',
    diskCriticalThreshold: 0.10,
    diskCriticalFor: '2m',
    loadThreshold: 2,  // node_load5, absolute (the runbook's)
    loadFor: '10m',

    // --- database
    postgresDownFor: '1m',
    dbConnectionsThreshold: 0.8,  // share of max_connections - superuser_reserved_connections
    dbConnectionsFor: '5m',

    // --- messaging
    rabbitmqDownFor: '1m',
    unackedThreshold: 1000,
    unackedFor: '5m',

    // --- cache
    redisDownFor: '1m',
    redisMemoryThreshold: 0.9,  // share of maxmemory
    redisMemoryFor: '5m',

    // --- Prometheus
    headSeriesThreshold: 100000,
    headSeriesFor: '5m',
    scrapeFailWindow: '10m',
    scrapeFailThreshold: 0.1,  // share of failed scrapes in scrapeFailWindow
    scrapeFailFor: '5m',

    // --- dashboards
    // Per-queue and per-container panels show the worst N series.
    topN: 10,
  },
}
