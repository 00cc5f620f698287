//! The metric reference, generated from the metric declarations ([`crate::metrics::Desc`])
//! next to each probe and the framework's own ([`crate::collect::METRICS`]):
//! `docs/metric-names.txt` (the list rules and dashboards may read) and
//! `docs/metrics-reference.md` (name, type, labels, help). A unit test fails when the
//! committed files differ from what the declarations give; run it with
//! `NEXO_UPDATE_REFERENCE=1` to rewrite them.

use crate::config::Config;
use crate::metrics::{Desc, Kind};

/// Series rules and dashboards read that nexo-exporter does not produce: `(name, source)`.
pub const EXTERNAL: &[(&str, &str, &str)] = &[
    (
        "NEXO services' metrics contract (not produced by nexo-exporter)",
        "http_requests_total",
        "nestjs",
    ),
    ("", "http_request_duration_seconds_bucket", "nestjs"),
    ("", "http_request_duration_seconds_sum", "nestjs"),
    ("", "http_request_duration_seconds_count", "nestjs"),
    ("Prometheus's own series", "up", "prometheus"),
    ("", "prometheus_tsdb_head_series", "prometheus"),
    ("", "ALERTS", "prometheus"),
];

/// What each probe kind's names follow.
fn title(kind: &str) -> &'static str {
    match kind {
        "host" => "host probe (node_exporter names)",
        "postgres" => "postgres probe (postgres_exporter names)",
        "redis" => "redis probe (redis_exporter names)",
        "rabbitmq" => "rabbitmq probe (RabbitMQ prometheus plugin names)",
        "http" => "http service probes (blackbox_exporter names)",
        "docker" => "docker probe (cAdvisor names)",
        _ => "exporter self-metrics",
    }
}

/// Every declaration, grouped by source: the probe kinds in registry order, then `self`.
pub fn declarations() -> Vec<(&'static str, &'static [Desc])> {
    let mut all = Config::metric_declarations();
    all.push(("self", crate::collect::METRICS));
    all
}

const HEADER: &str = "\
# The ONE list of metric names the alert rules (alerts/) and the dashboards (dashboards/) may
# use: `name source`, one a line; `#` starts a comment. Human-readable contract: docs/metrics-contract.md.
# GENERATED from the metric declarations in src/probe/*/metrics.rs and src/collect.rs
# (src/reference.rs); do not edit: run `NEXO_UPDATE_REFERENCE=1 cargo test --lib reference`.
#
# tests/alerts.rs: every metric a rule reads is in a live scrape of the exporter or listed here
#   (`exporter:host` and `exporter:self` names must be in the live scrape).
# tests/dashboards.rs: every metric a dashboard query reads is listed here.
# tests/compatibility.rs: every family a live full scrape serves is listed here, exactly or by
#   a pattern.
#
# A name with `*` is a pattern: families whose names come from the target at runtime (the
# fields of /proc/meminfo, the RabbitMQ plugin's node families); `*` stands for any run of
# characters.
#
# source: exporter:<probe> (produced by that probe of nexo-exporter), nestjs (the NEXO services'
# HTTP instrumentation, see docs/metrics-contract.md), prometheus (Prometheus's own series:
# `up`, `prometheus_tsdb_head_series`, the synthetic `ALERTS`).
";

/// The text of `docs/metric-names.txt`.
pub fn metric_names_txt() -> String {
    let mut out = String::from(HEADER);
    for (kind, descs) in declarations() {
        out.push_str(&format!("\n# {}\n", title(kind)));
        for d in descs {
            out.push_str(&format!("{:<43} exporter:{kind}\n", d.name));
        }
    }
    for (heading, name, source) in EXTERNAL {
        if !heading.is_empty() {
            out.push_str(&format!("\n# {heading}\n"));
        }
        out.push_str(&format!("{name:<43} {source}\n"));
    }
    out
}

/// The text of `docs/metrics-reference.md`.
pub fn metrics_reference_md() -> String {
    let mut out = String::from(
        "# Metric reference (generated)\n\n\
         Every metric nexo-exporter declares, with its type, labels and help text, generated from\n\
         the declarations next to each probe (`src/probe/<kind>/metrics.rs`) and the framework's\n\
         own (`src/collect.rs`) by `src/reference.rs`; a unit test fails when this file drifts.\n\
         Meanings, units and the alerts that read each metric: [metrics.md](metrics.md).\n\n\
         A name with `*` is a pattern: families whose names come from the target at runtime\n\
         (the fields of `/proc/meminfo`, the RabbitMQ plugin's node families); `*` stands for\n\
         any run of characters, and `<field>` in the help for the part it stands for.\n",
    );
    for (kind, descs) in declarations() {
        out.push_str(&format!(
            "\n## {}\n\n| metric | type | labels | help |\n|---|---|---|---|\n",
            title(kind)
        ));
        for d in descs {
            let kind = match d.kind {
                Kind::Gauge => "gauge",
                Kind::Counter => "counter",
            };
            out.push_str(&format!(
                "| `{}` | {kind} | {} | {} |\n",
                d.name,
                d.labels.join(", "),
                d.help
                    .replace('|', "\\|")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;")
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::path::Path;

    use super::*;

    /// Compares (or, with `NEXO_UPDATE_REFERENCE=1`, rewrites) a generated file.
    fn check(rel: &str, want: &str) {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
        if std::env::var_os("NEXO_UPDATE_REFERENCE").is_some() {
            std::fs::write(&path, want).unwrap();
            return;
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            have == want,
            "{rel} differs from the metric declarations; regenerate it with \
             `NEXO_UPDATE_REFERENCE=1 cargo test --lib reference`"
        );
    }

    #[test]
    fn metric_names_txt_matches_the_declarations() {
        check("docs/metric-names.txt", &metric_names_txt());
    }

    #[test]
    fn every_name_line_has_a_name_and_a_source() {
        for line in metric_names_txt().lines() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = line.split_whitespace().collect();
            assert_eq!(fields.len(), 2, "{line:?}");
        }
    }

    #[test]
    fn metrics_reference_md_matches_the_declarations() {
        check("docs/metrics-reference.md", &metrics_reference_md());
    }

    /// Gauges whose peer's name ends in `_total` (redis_exporter's `metricMapGauges`): served
    /// as the peer serves them.
    const GAUGES_NAMED_TOTAL: [&str; 6] = [
        "redis_migrate_cached_sockets_total",
        "redis_expired_time_cap_reached_total",
        "redis_cluster_messages_sent_total",
        "redis_cluster_messages_received_total",
        "redis_server_threads_total",
        "redis_long_lock_waits_total",
    ];

    #[test]
    fn names_are_declared_once_and_counters_end_in_total() {
        let mut seen = HashSet::new();
        for (_, descs) in declarations() {
            for d in descs {
                assert!(seen.insert(d.name), "{} declared twice", d.name);
                assert!(!d.name.is_empty() && !d.help.is_empty(), "{d:?}");
                assert!(
                    d.name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':' || c == '*'),
                    "{}",
                    d.name
                );
                assert_eq!(
                    d.kind == Kind::Counter,
                    d.name.ends_with("_total") && !GAUGES_NAMED_TOTAL.contains(&d.name),
                    "{}",
                    d.name
                );
            }
        }
    }
}
