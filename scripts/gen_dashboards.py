#!/usr/bin/env python3
"""Generates the Grafana dashboards of nexo-exporter (standard library only).

    python3 scripts/gen_dashboards.py            # rewrite the committed files
    python3 scripts/gen_dashboards.py --root DIR # write the same tree below DIR (drift test)
    python3 scripts/gen_dashboards.py --list     # print the 25 alert expressions (alert form)

Writes:
    dashboards/*.json                        Grafana dashboards (classic JSON model)
    dashboards/.lint                         dashboard-linter exclusions, each with its reason
    deploy/kubernetes/grafana-dashboards.yaml  the same dashboards as ConfigMaps for Grafana's sidecar

Everything worth editing is in the first half of this file: RUNBOOK_BASE, the ALERTS table
(one row per runbook alert: the expression, the threshold, the unit, the runbook anchor) and
the per-dependency INVESTIGATION panels. Expressions carry two tokens:

    {SEL} / {SEL,...}  the job/instance matchers: `{job=~"$job",instance=~"$instance"}` on the
                       dashboards, nothing in the alert form;
    [RI]               the rate window: `[$__rate_interval]` on the dashboards, the alert's
                       `window` in the alert form.

The alert form of a row is `<expr> <op> <threshold>` (parenthesised when expr has a set
operator), the same expression the alert rule in alerts/ should use.
"""

import argparse
import json
import os
import sys

# Where the runbook lives; every panel links to RUNBOOK_BASE + anchor.
RUNBOOK_BASE = "https://github.com/nexo-crm/nexo-exporter/blob/main/docs/runbook.md#"
# Pinned dashboard schema version (Grafana 11.3 exports 39; 11.x and 12.x load it).
SCHEMA_VERSION = 39
DASHBOARD_TAGS = ["nexo", "nexo-exporter"]

# Runbook categories, in the order of the overview's rows, and the dependency dashboard (uid)
# whose "How to investigate" steps cover them (None: overview only).
CATEGORIES = [
    ("service_health", "Service health", "nexo-containers"),
    ("errors", "Errors", None),
    ("latency", "Latency", None),
    ("resources", "Resources", "nexo-containers"),
    ("system", "System", "nexo-host"),
    ("database", "Database", "nexo-postgres"),
    ("messaging", "Messaging", "nexo-rabbitmq"),
    ("cache", "Cache", "nexo-redis"),
    ("prometheus", "Prometheus", None),
]

# CPU share of the limit, falling back to the host's cores for containers without a limit.
CPU_EXPR = (
    '(\n'
    '  sum by (job, instance, name) (rate(container_cpu_usage_seconds_total{SEL}[RI]))\n'
    '  / on (job, instance, name)\n'
    '  max by (job, instance, name) (container_spec_cpu_limit_cores{SEL} > 0)\n'
    ')\n'
    'or\n'
    '(\n'
    '  sum by (job, instance, name) (rate(container_cpu_usage_seconds_total{SEL}[RI]))\n'
    '  / on (job, instance) group_left ()\n'
    '  max by (job, instance) (machine_cpu_cores{SEL} > 0)\n'
    ')'
)
# The 25 runbook alerts. Thresholds mirror /runbook "What it means"; `for` is what the rule
# should wait. `fixed_window` names a window that is part of the alert's meaning (kept on the
# dashboard too, so the panel shows exactly what the alert evaluates; listed in .lint).
ALERTS = [
    # --- Service health ---------------------------------------------------------------------
    dict(name="ServiceDown", category="service_health", severity="critical", for_="1m",
         expr='probe_success{SEL}', op="<", threshold=1, unit="bool",
         legend="{{service}}",
         what="A NEXO service (auth, gateway, crm-service) does not answer its health URL "
              "(nexo-exporter HTTP probe; 1 = healthy)."),
    dict(name="TargetUnreachable", category="service_health", severity="warning", for_="2m",
         expr='up{SEL}', op="<", threshold=1, unit="bool",
         legend="{{job}} {{instance}}",
         what="Prometheus cannot scrape a target (up = 0) for more than 2 minutes."),
    dict(name="HighRestartRate", category="service_health", severity="warning", for_="0m",
         expr='increase(container_restarts_total{SEL}[15m])', op=">", threshold=3,
         unit="short", legend="{{name}}", fixed_window="15m",
         what="Container restarts during the last 15 minutes; more than 3 means a crash loop."),
    # --- Errors -----------------------------------------------------------------------------
    dict(name="HighServerErrorRate", category="errors", severity="critical", for_="5m",
         expr='sum by (job, service) (rate(http_requests_total{SEL,status=~"5.."}[RI]))\n'
              '/\n'
              '(sum by (job, service) (rate(http_requests_total{SEL}[RI])) > 0)',
         op=">", threshold=0.05, unit="percentunit", legend="{{service}}",
         what="Share of requests answered with 5xx; above 5% for 5 minutes."),
    dict(name="HighClientErrorRate", category="errors", severity="warning", for_="10m",
         expr='sum by (job, service) (rate(http_requests_total{SEL,status=~"4.."}[RI]))\n'
              '/\n'
              '(sum by (job, service) (rate(http_requests_total{SEL}[RI])) > 0)',
         op=">", threshold=0.10, unit="percentunit", legend="{{service}}",
         what="Share of requests answered with 4xx; above 10% for 10 minutes."),
    dict(name="ErrorSpike", category="errors", severity="warning", for_="5m",
         expr='sum by (job, service) (rate(http_requests_total{SEL,status=~"[45].."}[2m]))\n'
              '/\n'
              '(sum by (job, service) (rate(http_requests_total{SEL,status=~"[45].."}[10m] offset 10m)) > 0)',
         op=">", threshold=2, unit="short", legend="{{service}}", fixed_window="2m / 10m offset 10m",
         what="Error (4xx+5xx) rate of the last 2 minutes divided by the baseline of the 10 "
              "minutes before the last 10; above 2 means the error rate doubled."),
    # --- Latency ----------------------------------------------------------------------------
    dict(name="HighLatencyP95", category="latency", severity="warning", for_="5m",
         expr='histogram_quantile(0.95, sum by (job, service, le) (rate(http_request_duration_seconds_bucket{SEL}[RI])))',
         op=">", threshold=0.5, unit="s", legend="{{service}}",
         what="95th percentile request latency; above 500 ms for 5 minutes."),
    dict(name="HighLatencyP99", category="latency", severity="critical", for_="5m",
         expr='histogram_quantile(0.99, sum by (job, service, le) (rate(http_request_duration_seconds_bucket{SEL}[RI])))',
         op=">", threshold=1, unit="s", legend="{{service}}",
         what="99th percentile request latency; above 1 s for 5 minutes."),
    dict(name="SlowRequestRate", category="latency", severity="warning", for_="10m",
         expr='histogram_quantile(0.50, sum by (job, service, le) (rate(http_request_duration_seconds_bucket{SEL}[RI])))',
         op=">", threshold=0.2, unit="s", legend="{{service}}",
         what="Median (p50) request latency; above 200 ms means systemic slowness."),
    # --- Resources (containers) -------------------------------------------------------------
    dict(name="HighCPUUsage", category="resources", severity="warning", for_="10m",
         expr=CPU_EXPR, op=">", threshold=0.90, unit="percentunit",
         legend="{{name}}",
         what="Container CPU use as a share of its CPU limit (of the host's cores when the "
              "container has no limit); above 90% for 10 minutes."),
    dict(name="CriticalCPUUsage", category="resources", severity="critical", for_="5m",
         expr=CPU_EXPR, op=">", threshold=0.95, unit="percentunit", legend="{{name}}",
         what="Container CPU use as a share of its CPU limit (of the host's cores when the "
              "container has no limit); above 95% for 5 minutes."),
    dict(name="HighMemoryUsage", category="resources", severity="warning", for_="10m",
         expr='container_memory_working_set_bytes{SEL}\n/\n(container_spec_memory_limit_bytes{SEL} > 0)',
         op=">", threshold=0.90, unit="percentunit", legend="{{name}}",
         what="Container working set as a share of its memory limit (containers without a "
              "limit are left out); above 90% for 10 minutes."),
    dict(name="CriticalMemoryUsage", category="resources", severity="critical", for_="5m",
         expr='container_memory_working_set_bytes{SEL}\n/\n(container_spec_memory_limit_bytes{SEL} > 0)',
         op=">", threshold=0.95, unit="percentunit", legend="{{name}}",
         what="Container working set as a share of its memory limit; above 95% for 5 minutes "
              "(OOM kill imminent)."),
    dict(name="PossibleMemoryLeak", category="resources", severity="warning", for_="15m",
         expr='delta(container_memory_working_set_bytes{SEL}[1h])', op=">", threshold=100e6,
         unit="decbytes", legend="{{name}}",
         what="Growth of the container working set over the last hour; above 100 MB suggests "
              "a leak."),
    # --- System (host) ----------------------------------------------------------------------
    dict(name="DiskSpaceLow", category="system", severity="warning", for_="5m",
         expr='node_filesystem_avail_bytes{SEL,mountpoint="/"}\n/\n'
              '(node_filesystem_size_bytes{SEL,mountpoint="/"} > 0)',
         op="<", threshold=0.15, unit="percentunit", legend="{{instance}} {{mountpoint}}",
         what="Free share of the root filesystem (space available to unprivileged users); "
              "below 15%."),
    dict(name="DiskSpaceCritical", category="system", severity="critical", for_="2m",
         expr='node_filesystem_avail_bytes{SEL,mountpoint="/"}\n/\n'
              '(node_filesystem_size_bytes{SEL,mountpoint="/"} > 0)',
         op="<", threshold=0.10, unit="percentunit", legend="{{instance}} {{mountpoint}}",
         what="Free share of the root filesystem; below 10% the system risks becoming "
              "unresponsive."),
    dict(name="HighLoadAverage", category="system", severity="warning", for_="10m",
         expr='node_load5{SEL}', op=">", threshold=2, unit="short", legend="{{instance}}",
         what="5-minute load average of the host; above 2.0 for 10 minutes."),
    # --- Database ---------------------------------------------------------------------------
    dict(name="PostgreSQLDown", category="database", severity="critical", for_="1m",
         expr='pg_up{SEL}', op="<", threshold=1, unit="bool", legend="{{instance}}",
         what="PostgreSQL does not answer nexo-exporter's probe (1 = up)."),
    dict(name="HighDatabaseConnections", category="database", severity="warning", for_="5m",
         expr='sum by (job, instance) (pg_stat_activity_count{SEL})\n/\n'
              '(max by (job, instance) (pg_settings_max_connections{SEL}) > 0)',
         op=">", threshold=0.80, unit="percentunit", legend="{{instance}}",
         what="Connections in use as a share of max_connections; above 80%."),
    # --- Messaging --------------------------------------------------------------------------
    dict(name="RabbitMQDown", category="messaging", severity="critical", for_="1m",
         expr='rabbitmq_up{SEL}', op="<", threshold=1, unit="bool", legend="{{instance}}",
         what="RabbitMQ does not answer nexo-exporter's probe (1 = up)."),
    dict(name="HighUnackedMessages", category="messaging", severity="warning", for_="10m",
         expr='rabbitmq_queue_messages_unacked{SEL}', op=">", threshold=1000, unit="short",
         legend="{{vhost}} {{queue}}",
         what="Messages delivered to consumers but not acknowledged, per queue; above 1000."),
    # --- Cache ------------------------------------------------------------------------------
    dict(name="RedisDown", category="cache", severity="critical", for_="1m",
         expr='redis_up{SEL}', op="<", threshold=1, unit="bool", legend="{{instance}}",
         what="Redis does not answer nexo-exporter's probe (1 = up)."),
    dict(name="RedisHighMemory", category="cache", severity="warning", for_="10m",
         expr='redis_memory_used_bytes{SEL}\n/\n(redis_memory_max_bytes{SEL} > 0)',
         op=">", threshold=0.90, unit="percentunit", legend="{{instance}}",
         what="Redis memory as a share of maxmemory (no series when maxmemory is 0, i.e. "
              "unlimited); above 90%."),
    # --- Prometheus -------------------------------------------------------------------------
    dict(name="PrometheusTooManyTimeSeries", category="prometheus", severity="warning",
         for_="15m", expr='prometheus_tsdb_head_series{SEL}', op=">", threshold=100000,
         unit="short", legend="{{instance}}",
         what="Series in Prometheus's head block; above 100000 may hurt performance."),
    dict(name="PrometheusTargetScrapeFailed", category="prometheus", severity="warning",
         for_="5m", expr='up{SEL}', op="<", threshold=1, unit="bool",
         legend="{{job}} {{instance}}",
         what="The last scrape of a target failed (up = 0)."),
]

# Short panel titles (the panel title is "<alert>: <title>").
TITLES = {
    "ServiceDown": "service health URL up",
    "TargetUnreachable": "Prometheus target up",
    "HighRestartRate": "container restarts in 15m",
    "HighServerErrorRate": "5xx share of requests",
    "HighClientErrorRate": "4xx share of requests",
    "ErrorSpike": "error rate vs 10m-ago baseline",
    "HighLatencyP95": "p95 request latency",
    "HighLatencyP99": "p99 request latency",
    "SlowRequestRate": "p50 request latency",
    "HighCPUUsage": "container CPU vs limit",
    "CriticalCPUUsage": "container CPU vs limit",
    "HighMemoryUsage": "container memory vs limit",
    "CriticalMemoryUsage": "container memory vs limit",
    "PossibleMemoryLeak": "container memory growth in 1h",
    "DiskSpaceLow": "root filesystem free share",
    "DiskSpaceCritical": "root filesystem free share",
    "HighLoadAverage": "host load5",
    "PostgreSQLDown": "PostgreSQL up",
    "HighDatabaseConnections": "connections vs max_connections",
    "RabbitMQDown": "RabbitMQ up",
    "HighUnackedMessages": "unacked messages per queue",
    "RedisDown": "Redis up",
    "RedisHighMemory": "memory vs maxmemory",
    "PrometheusTooManyTimeSeries": "head series",
    "PrometheusTargetScrapeFailed": "target scrape up",
}
for _a in ALERTS:
    _a["title"] = f"{_a['name']}: {TITLES[_a['name']]}"
    _a.setdefault("window", "5m")
    _a["anchor"] = _a["name"].lower()

# Extra panels per dependency dashboard: what the runbook's "How to investigate" steps look
# at. `alert` is the runbook section the panel links to; `kind` is timeseries, stat or table.
P = dict  # shorthand
INVESTIGATION = {
    "nexo-postgres": [
        P(title="Connections by state", alert="HighDatabaseConnections", unit="short",
          expr='sum by (instance, state) (pg_stat_activity_count{SEL})', legend="{{state}}",
          stack=True,
          what="Step 3: idle vs active vs idle in transaction connections "
               "(SELECT state, count(*) FROM pg_stat_activity GROUP BY state)."),
        P(title="Connections in use vs limits", alert="HighDatabaseConnections", unit="short",
          targets=[
              ('sum by (instance) (pg_stat_activity_count{SEL})', "in use"),
              ('max by (instance) (pg_settings_max_connections{SEL})', "max_connections"),
              ('max by (instance) (pg_settings_max_connections{SEL})\n-\n'
               'max by (instance) (pg_settings_superuser_reserved_connections{SEL})',
               "available to applications"),
          ],
          what="Step 1: used connections, max_connections and what is left for non-superusers "
               "after superuser_reserved_connections."),
        P(title="Connections by application", alert="HighDatabaseConnections", unit="short",
          expr='pg_stat_activity_application_count{SEL}', legend="{{application_name}}",
          stack=True,
          what="Step 2: which application holds the connections (application_name; rare names "
               "are summed as \"other\")."),
        P(title="Longest transaction", alert="HighDatabaseConnections", unit="s",
          expr='max by (instance, datname, state) (pg_stat_activity_max_tx_duration{SEL})',
          legend="{{datname}} {{state}}",
          what="Step 4: the oldest open transaction per database and state; long ones hold "
               "connections and locks."),
        P(title="PostgreSQL container state", alert="PostgreSQLDown", unit="bool", kind="table",
          expr='container_state{SEL,compose_service=~".*postgres.*",state="running"}',
          what="Step 1 (docker ps -a | grep postgres): 1 when the postgres container runs."),
        P(title="Probe duration", alert="PostgreSQLDown", unit="s",
          expr='nexo_exporter_probe_duration_seconds{SEL,probe="postgres"}', legend="{{target}}",
          what="Step 2 (pg_isready): how long nexo-exporter's connection and queries took."),
    ],
    "nexo-redis": [
        P(title="Memory used vs maxmemory", alert="RedisHighMemory", unit="bytes",
          targets=[('redis_memory_used_bytes{SEL}', "used {{instance}}"),
                   ('redis_memory_max_bytes{SEL} > 0', "maxmemory {{instance}}")],
          what="Step 1 (INFO memory): used memory and the configured maxmemory (hidden when "
               "0, i.e. unlimited)."),
        P(title="Evicted keys", alert="RedisHighMemory", unit="ops",
          expr='rate(redis_evicted_keys_total{SEL}[$__rate_interval])', legend="{{instance}}",
          what="Keys evicted per second because of maxmemory: the eviction policy at work."),
        P(title="Connected clients", alert="RedisDown", unit="short",
          expr='redis_connected_clients{SEL}', legend="{{instance}}",
          what="Client connections (INFO clients)."),
        P(title="Uptime", alert="RedisDown", unit="s", kind="stat",
          expr='redis_uptime_in_seconds{SEL}', legend="{{instance}}",
          what="Seconds since Redis started; a small value means it restarted."),
        P(title="Redis container state", alert="RedisDown", unit="bool", kind="table",
          expr='container_state{SEL,compose_service=~".*redis.*",state="running"}',
          what="Step 1 (docker ps -a | grep redis): 1 when the redis container runs."),
        P(title="Probe duration", alert="RedisDown", unit="s",
          expr='nexo_exporter_probe_duration_seconds{SEL,probe="redis"}', legend="{{target}}",
          what="Step 2 (redis-cli ping): how long nexo-exporter's probe took."),
    ],
    "nexo-rabbitmq": [
        P(title="Ready messages per queue", alert="HighUnackedMessages", unit="short",
          expr='rabbitmq_queue_messages_ready{SEL}', legend="{{vhost}} {{queue}}",
          what="Step 1 (management UI queue depth): messages waiting for a consumer."),
        P(title="Consumers per queue", alert="HighUnackedMessages", unit="short",
          expr='rabbitmq_queue_consumers{SEL}', legend="{{vhost}} {{queue}}",
          what="Step 1 (consumer status): 0 consumers on a queue with messages means the "
               "consumer service is down."),
        P(title="Queues without consumers", alert="HighUnackedMessages", unit="short",
          kind="table", expr='rabbitmq_queue_consumers{SEL} == 0',
          what="Queues that currently have no consumer at all."),
        P(title="Queues left out (max_queues)", alert="HighUnackedMessages", unit="short",
          kind="stat", expr='nexo_exporter_rabbitmq_queues_dropped{SEL}', legend="{{instance}}",
          what="Queues not reported because of the exporter's max_queues cap; above 0 means "
               "the per-queue panels are incomplete."),
        P(title="RabbitMQ container state", alert="RabbitMQDown", unit="bool", kind="table",
          expr='container_state{SEL,compose_service=~".*rabbitmq.*",state="running"}',
          what="Step 1 (docker ps -a | grep rabbitmq): 1 when the rabbitmq container runs."),
        P(title="Probe duration", alert="RabbitMQDown", unit="s",
          expr='nexo_exporter_probe_duration_seconds{SEL,probe="rabbitmq"}', legend="{{target}}",
          what="How long nexo-exporter's AMQP and HTTP checks took."),
    ],
    "nexo-containers": [
        P(title="Container state", alert="ServiceDown", unit="bool", kind="table",
          expr='container_state{SEL} == 1',
          what="docker ps -a: the current state of every container."),
        P(title="Container health", alert="ServiceDown", unit="bool", kind="table",
          expr='container_health_status{SEL,status!="none"} == 1',
          what="Docker healthcheck status of containers that define one."),
        P(title="Health URL status code", alert="ServiceDown", unit="short",
          expr='probe_http_status_code{SEL}', legend="{{service}}",
          what="curl .../api/health: the HTTP status each service's health URL answered."),
        P(title="Health URL duration", alert="ServiceDown", unit="s",
          expr='probe_duration_seconds{SEL}', legend="{{service}}",
          what="How long each health URL took to answer."),
        P(title="Restart count (Docker)", alert="HighRestartRate", unit="short",
          expr='container_restart_count{SEL}', legend="{{name}}",
          what="docker inspect ... RestartCount, per container."),
        P(title="Last exit code", alert="HighRestartRate", unit="short", kind="table",
          expr='container_last_exit_code{SEL} != 0',
          what="Containers whose last run ended with a non-zero exit code (137 = killed, "
               "often OOM)."),
        P(title="OOM kills", alert="CriticalMemoryUsage", unit="short",
          expr='increase(container_oom_events_total{SEL}[$__rate_interval])', legend="{{name}}",
          what="dmesg | grep -i killed: OOM kills per container."),
        P(title="Memory working set vs limit", alert="HighMemoryUsage", unit="bytes",
          targets=[('container_memory_working_set_bytes{SEL}', "{{name}}"),
                   ('container_spec_memory_limit_bytes{SEL} > 0', "limit {{name}}")],
          what="docker stats: memory per container and its limit (containers without a limit "
               "show no limit line)."),
        P(title="CPU cores used", alert="HighCPUUsage", unit="short",
          targets=[('sum by (name) (rate(container_cpu_usage_seconds_total{SEL}[$__rate_interval]))',
                    "{{name}}"),
                   ('container_spec_cpu_limit_cores{SEL} > 0', "limit {{name}}")],
          what="docker stats: CPU cores in use per container and its CPU limit."),
    ],
    "nexo-host": [
        P(title="Load average", alert="HighLoadAverage", unit="short",
          targets=[('node_load1{SEL}', "load1 {{instance}}"),
                   ('node_load5{SEL}', "load5 {{instance}}"),
                   ('node_load15{SEL}', "load15 {{instance}}"),
                   ('count by (instance) (rate(node_cpu_seconds_total{SEL,mode="idle"}[$__rate_interval]))',
                    "cores {{instance}}")],
          what="Step 1 (uptime): 1, 5 and 15 minute load next to the number of cores."),
        P(title="CPU time by mode", alert="HighLoadAverage", unit="percentunit", stack=True,
          expr='sum by (instance, mode) (rate(node_cpu_seconds_total{SEL,mode!="idle"}[$__rate_interval]))\n'
               '/ on (instance) group_left ()\n'
               'count by (instance) (rate(node_cpu_seconds_total{SEL,mode="idle"}[$__rate_interval]))',
          legend="{{mode}}",
          what="Step 2 (iostat): CPU bound (user/system) or I/O bound (iowait)."),
        P(title="Memory available", alert="HighLoadAverage", unit="percentunit",
          expr='node_memory_MemAvailable_bytes{SEL}\n/\n(node_memory_MemTotal_bytes{SEL} > 0)',
          legend="{{instance}}",
          what="Step 3 (memory hogs): share of RAM available without swapping."),
        P(title="Filesystem space available", alert="DiskSpaceLow", unit="bytes",
          expr='node_filesystem_avail_bytes{SEL}', legend="{{mountpoint}}",
          what="Step 1 (df -h): space available per mount point."),
        P(title="Filesystem free share", alert="DiskSpaceLow", unit="percentunit", kind="table",
          expr='node_filesystem_avail_bytes{SEL}\n/\n(node_filesystem_size_bytes{SEL} > 0)',
          what="Step 1 (df -h): free share of every mounted filesystem."),
        P(title="Read-only or failing filesystems", alert="DiskSpaceCritical", unit="bool",
          kind="table",
          expr='node_filesystem_readonly{SEL} == 1 or node_filesystem_device_error{SEL} == 1',
          what="Filesystems mounted read-only or that could not be measured."),
    ],
}

DASHBOARDS = [
    # uid, file, title, description
    ("nexo-overview", "nexo-overview.json", "NEXO / Overview",
     "One panel per runbook alert, grouped by runbook category, with the alert's threshold."),
    ("nexo-containers", "nexo-containers.json", "NEXO / Containers and services",
     "Service health and container resources: what the ServiceDown, HighRestartRate, CPU and "
     "memory runbooks look at."),
    ("nexo-host", "nexo-host.json", "NEXO / Host",
     "Disk, load, CPU and memory of the host: what the DiskSpace and HighLoadAverage runbooks "
     "look at."),
    ("nexo-postgres", "nexo-postgres.json", "NEXO / PostgreSQL",
     "PostgreSQL availability and connections: what the PostgreSQLDown and "
     "HighDatabaseConnections runbooks look at."),
    ("nexo-redis", "nexo-redis.json", "NEXO / Redis",
     "Redis availability and memory: what the RedisDown and RedisHighMemory runbooks look at."),
    ("nexo-rabbitmq", "nexo-rabbitmq.json", "NEXO / RabbitMQ",
     "RabbitMQ availability and queues: what the RabbitMQDown and HighUnackedMessages runbooks "
     "look at."),
]

# ------------------------------------------------------------------------------------------
# Below: mechanics. No tuning here.

DS = {"type": "prometheus", "uid": "${datasource}"}
SEL_DASH = 'job=~"$job",instance=~"$instance"'


def dash_expr(expr):
    """Dashboard form: job/instance matchers and $__rate_interval."""
    return (expr.replace("{SEL}", "{" + SEL_DASH + "}")
            .replace("{SEL,", "{" + SEL_DASH + ",")
            .replace("[RI]", "[$__rate_interval]"))


def alert_expr(a):
    """Alert form: `<expr> <op> <threshold>` without dashboard variables."""
    e = (a["expr"].replace("{SEL}", "").replace("{SEL,", "{")
         .replace("[RI]", "[" + a["window"] + "]"))
    if any(f"\n{k}\n" in e or f" {k} " in e for k in ("or", "and", "unless")):
        e = "(\n" + e + "\n)"
    op = "==" if a["op"] == "<" and a["threshold"] == 1 and a["unit"] == "bool" else a["op"]
    thr = 0 if op == "==" else a["threshold"]
    return f"{e} {op} {fmt_num(thr)}"


def fmt_num(v):
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v)


def runbook_link(alert):
    return {"title": f"Runbook: {alert}", "url": RUNBOOK_BASE + alert.lower(),
            "targetBlank": True}


def thresholds(op, value):
    if op == ">":
        steps = [{"color": "green", "value": None}, {"color": "red", "value": value}]
    else:
        steps = [{"color": "red", "value": None}, {"color": "green", "value": value}]
    return {"mode": "absolute", "steps": steps}


class Layout:
    """Left-to-right, top-to-bottom grid placement with full-width rows."""

    def __init__(self):
        self.x, self.y, self.row_h, self.next_id = 0, 0, 0, 1

    def new_id(self):
        i = self.next_id
        self.next_id += 1
        return i

    def place(self, w, h):
        if self.x + w > 24:
            self.x, self.y, self.row_h = 0, self.y + self.row_h, 0
        pos = {"h": h, "w": w, "x": self.x, "y": self.y}
        self.x += w
        self.row_h = max(self.row_h, h)
        return pos

    def row(self, title):
        if self.x:
            self.x, self.y, self.row_h = 0, self.y + self.row_h, 0
        p = {"id": self.new_id(), "type": "row", "title": title, "collapsed": False,
             "gridPos": {"h": 1, "w": 24, "x": 0, "y": self.y}, "panels": []}
        self.y += 1
        return p


def target(ref, expr, legend=None, instant=False, fmt="time_series"):
    t = {"refId": ref, "datasource": DS, "editorMode": "code", "expr": dash_expr(expr),
         "range": not instant, "instant": instant, "format": fmt}
    if legend:
        t["legendFormat"] = legend
    return t


def timeseries(lay, title, description, unit, targets, links, thr=None, stack=False, w=8, h=8):
    custom = {"drawStyle": "line", "lineWidth": 1, "fillOpacity": 10, "showPoints": "never",
              "spanNulls": False, "axisSoftMin": 0,
              "stacking": {"mode": "normal" if stack else "none", "group": "A"},
              "thresholdsStyle": {"mode": "line" if thr else "off"}}
    defaults = {"unit": unit, "color": {"mode": "palette-classic"}, "custom": custom,
                "thresholds": thr or {"mode": "absolute",
                                      "steps": [{"color": "green", "value": None}]}}
    return {"id": lay.new_id(), "type": "timeseries", "title": title,
            "description": description, "datasource": DS, "gridPos": lay.place(w, h),
            "fieldConfig": {"defaults": defaults, "overrides": []},
            "options": {"legend": {"displayMode": "table", "placement": "bottom",
                                   "showLegend": True, "calcs": ["lastNotNull", "max"]},
                        "tooltip": {"mode": "multi", "sort": "desc"}},
            "links": links, "targets": targets}


def stat(lay, title, description, unit, targets, links, thr=None, w=6, h=5):
    return {"id": lay.new_id(), "type": "stat", "title": title, "description": description,
            "datasource": DS, "gridPos": lay.place(w, h),
            "fieldConfig": {"defaults": {"unit": unit, "color": {"mode": "thresholds"},
                                         "thresholds": thr or {"mode": "absolute", "steps": [
                                             {"color": "blue", "value": None}]}},
                            "overrides": []},
            "options": {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "",
                                          "values": False},
                        "colorMode": "value", "graphMode": "area", "justifyMode": "auto",
                        "orientation": "auto", "textMode": "auto"},
            "links": links, "targets": targets}


def table(lay, title, description, unit, targets, links, w=12, h=8):
    return {"id": lay.new_id(), "type": "table", "title": title, "description": description,
            "datasource": DS, "gridPos": lay.place(w, h),
            "fieldConfig": {"defaults": {"unit": unit, "custom": {"align": "auto"},
                                         "thresholds": {"mode": "absolute", "steps": [
                                             {"color": "green", "value": None}]}},
                            "overrides": []},
            "options": {"showHeader": True, "cellHeight": "sm",
                        "footer": {"show": False, "reducer": ["sum"], "fields": ""}},
            "transformations": [
                {"id": "organize", "options": {"excludeByName": {"Time": True}}},
            ],
            "links": links, "targets": targets}


def alert_panel(lay, a, w=8):
    desc = (f"{a['what']} Mirrors the {a['severity']} alert {a['name']} "
            f"(fires when the value is {a['op']} {fmt_num(a['threshold'])} for {a['for_']}; "
            f"the red line is the threshold). Alert expression: {alert_expr(a)}")
    return timeseries(lay, a["title"], desc, a["unit"],
                      [target("A", a["expr"], a.get("legend"))],
                      [runbook_link(a["name"])], thresholds(a["op"], a["threshold"]), w=w)


def investigation_panel(lay, p):
    links = [runbook_link(p["alert"])]
    desc = f"{p['what']} See the {p['alert']} runbook."
    kind = p.get("kind", "timeseries")
    if "targets" in p:
        ts = [target(chr(ord("A") + i), e, l) for i, (e, l) in enumerate(p["targets"])]
    else:
        ts = [target("A", p["expr"], p.get("legend"), instant=(kind == "table"),
                     fmt="table" if kind == "table" else "time_series")]
    if kind == "table":
        return table(lay, p["title"], desc, p["unit"], ts, links)
    if kind == "stat":
        return stat(lay, p["title"], desc, p["unit"], ts, links)
    return timeseries(lay, p["title"], desc, p["unit"], ts, links, stack=p.get("stack", False))


def templating():
    def query_var(name, label, query):
        return {"name": name, "label": label, "type": "query",
                "datasource": DS, "query": {"query": query, "refId": f"{name}-query"},
                "definition": query, "refresh": 2, "multi": True, "includeAll": True,
                "allValue": ".+", "current": {"selected": True, "text": ["All"],
                                               "value": ["$__all"]},
                "sort": 1, "hide": 0, "regex": "", "options": []}

    return {"list": [
        {"name": "datasource", "label": "Data source", "type": "datasource",
         "query": "prometheus", "refresh": 1, "hide": 0, "regex": "", "multi": False,
         "includeAll": False, "current": {}, "options": []},
        query_var("job", "Job", "label_values(up, job)"),
        query_var("instance", "Instance", 'label_values(up{job=~"$job"}, instance)'),
    ]}


def dashboard(uid, title, description, panels):
    return {
        "annotations": {"list": [{
            "builtIn": 1, "datasource": {"type": "grafana", "uid": "-- Grafana --"},
            "enable": True, "hide": True, "iconColor": "rgba(0, 211, 255, 1)",
            "name": "Annotations & Alerts", "type": "dashboard"}]},
        "description": description,
        "editable": True,
        "fiscalYearStartMonth": 0,
        "graphTooltip": 1,
        "id": None,
        "links": [{"title": "NEXO dashboards", "type": "dashboards", "tags": ["nexo"],
                   "asDropdown": True, "includeVars": True, "keepTime": True},
                  {"title": "Runbook", "type": "link", "url": RUNBOOK_BASE.rstrip("#"),
                   "targetBlank": True, "icon": "doc"}],
        "panels": panels,
        "refresh": "30s",
        "schemaVersion": SCHEMA_VERSION,
        "tags": DASHBOARD_TAGS,
        "templating": templating(),
        "time": {"from": "now-6h", "to": "now"},
        "timepicker": {},
        "timezone": "utc",
        "title": title,
        "uid": uid,
        "version": 1,
        "weekStart": "",
    }


def build_overview():
    lay = Layout()
    panels = [lay.row("Alerts firing now")]
    firing = table(lay, "Firing alerts",
                   "Alerts Prometheus currently fires (ALERTS{alertstate=\"firing\"}), with "
                   "their labels; open the runbook of the alert from the links.",
                   "short", [target("A", 'ALERTS{alertstate="firing"}', instant=True,
                                    fmt="table")],
                   [{"title": "Runbook", "url": RUNBOOK_BASE.rstrip("#"), "targetBlank": True}],
                   w=24, h=7)
    panels.append(firing)
    for key, label, _ in CATEGORIES:
        panels.append(lay.row(label))
        for a in ALERTS:
            if a["category"] == key:
                panels.append(alert_panel(lay, a))
    return panels


def build_dependency(uid):
    lay = Layout()
    panels = []
    cats = [(k, l) for k, l, d in CATEGORIES if d == uid]
    for key, label in cats:
        panels.append(lay.row(f"Alerts: {label}"))
        for a in ALERTS:
            if a["category"] == key:
                panels.append(alert_panel(lay, a))
    panels.append(lay.row("Investigation"))
    for p in INVESTIGATION[uid]:
        panels.append(investigation_panel(lay, p))
    return panels


def lint_exclusions(dashboards):
    """dashboard-linter `.lint`: the panels whose fixed windows are the alert's meaning and the
    firing-alerts table, which lists alerts of every job."""
    lines = ["# Generated by scripts/gen_dashboards.py: dashboard-linter exclusions.", "exclusions:"]
    fixed = [a for a in ALERTS if a.get("fixed_window")]
    lines += ["  target-rate-interval-rule:",
              "    reason: The panel shows the alert's own expression; its window (" +
              ", ".join(f"{a['name']} {a['fixed_window']}" for a in fixed) +
              ") is part of what the alert means, so $__rate_interval would change it.",
              "    entries:"]
    for d in dashboards:
        for p in d["panels"]:
            for a in fixed:
                if p["title"] == a["title"]:
                    lines += [f"    - dashboard: {json.dumps(d['title'])}",
                              f"      panel: {json.dumps(p['title'])}"]
    for rule in ("target-job-rule", "target-instance-rule"):
        lines += [f"  {rule}:",
                  "    reason: ALERTS carries the labels of the alerting series; alerts that "
                  "aggregate job or instance away must still be listed.",
                  "    entries:",
                  "    - dashboard: NEXO / Overview", "      panel: Firing alerts"]
    return "\n".join(lines) + "\n"


def configmaps(files):
    out = ["# Generated by scripts/gen_dashboards.py from dashboards/*.json: one ConfigMap per",
           "# dashboard, picked up by Grafana's dashboard sidecar (label grafana_dashboard=1).",
           "# One object per dashboard keeps each below client-side apply's 256 KiB annotation."]
    for name, text in files:
        out += ["---", "apiVersion: v1", "kind: ConfigMap", "metadata:",
                f"  name: grafana-dashboard-{name[:-5]}", "  labels:",
                '    grafana_dashboard: "1"', "    app.kubernetes.io/name: nexo-exporter",
                "    app.kubernetes.io/component: dashboards",
                "  annotations:", "    grafana_folder: NEXO", "data:", f"  {name}: |-"]
        out += ["    " + line if line else "" for line in text.rstrip("\n").split("\n")]
    return "\n".join(out) + "\n"


def generate():
    """Returns {relative path: content}."""
    files = {}
    built = []
    for uid, fname, title, desc in DASHBOARDS:
        panels = build_overview() if uid == "nexo-overview" else build_dependency(uid)
        d = dashboard(uid, title, desc, panels)
        built.append(d)
        files[f"dashboards/{fname}"] = json.dumps(d, indent=2, ensure_ascii=False) + "\n"
    files["dashboards/.lint"] = lint_exclusions(built)
    files["deploy/kubernetes/grafana-dashboards.yaml"] = configmaps(
        [(f, files[f"dashboards/{f}"]) for _, f, _, _ in DASHBOARDS])
    return files


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", default=os.path.join(os.path.dirname(__file__), ".."),
                    help="repository root to write below (default: this repository)")
    ap.add_argument("--list", action="store_true",
                    help="print the alert table (name, category, severity, for, expression)")
    args = ap.parse_args()
    if len(ALERTS) != 25 or len({a["name"] for a in ALERTS}) != 25:
        sys.exit("ALERTS must hold the 25 runbook alerts")
    if args.list:
        for a in ALERTS:
            print(f"# {a['name']}  category={a['category']} severity={a['severity']} "
                  f"for={a['for_']} unit={a['unit']} runbook={RUNBOOK_BASE}{a['anchor']}")
            print(alert_expr(a) + "\n")
        return
    for rel, text in generate().items():
        path = os.path.join(args.root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)


if __name__ == "__main__":
    main()
