//! The rabbitmq_prometheus plugin's own families, served under the plugin's names: the
//! identity and build info (`rabbitmq_identity_info`, `rabbitmq_build_info`, which every
//! expression of the plugin's dashboards and the cluster-operator rules joins on) and the
//! aggregated node metrics of its `/metrics` endpoint (connections, channels, queues, file
//! descriptors, alarms, disk space, memory, global message counters, ...).
//!
//! Pure: takes the response bodies. Gauges, counters and untyped families are passed through
//! with their labels; histograms and summaries are left out (not part of this exporter's
//! sample model), and so are the aggregated `rabbitmq_queue_*` samples this exporter serves per
//! queue instead.

use std::collections::HashMap;

use crate::metrics::MetricSet;

use super::parse::{ParseError, parse_sample_line};

/// The aggregated families of `/metrics` this exporter replaces with per-queue series.
const PER_QUEUE: [&str; 3] = [
    "rabbitmq_queue_messages_ready",
    "rabbitmq_queue_messages_unacked",
    "rabbitmq_queue_consumers",
];

/// Which families of a plugin response to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Only `rabbitmq_identity_info` and `rabbitmq_build_info` (from `/metrics/detailed`).
    Identity,
    /// Every `rabbitmq_*` family of the aggregated `/metrics`, and `erlang_vm_dist_node_state`.
    Node,
}

fn wanted(name: &str, keep: Keep) -> bool {
    match keep {
        Keep::Identity => matches!(name, "rabbitmq_identity_info" | "rabbitmq_build_info"),
        Keep::Node => {
            (name.starts_with("rabbitmq_") && !PER_QUEUE.contains(&name))
                || name == "erlang_vm_dist_node_state"
        }
    }
}

/// Adds the families of a plugin response (Prometheus text format) selected by `keep`.
pub fn plugin_families(body: &[u8], keep: Keep, set: &mut MetricSet) -> Result<(), ParseError> {
    let text =
        std::str::from_utf8(body).map_err(|_| ParseError("response is not UTF-8 text".into()))?;
    let mut types: HashMap<&str, &str> = HashMap::new();
    let mut helps: HashMap<&str, &str> = HashMap::new();
    for line in text.lines() {
        // Most of the response (the Erlang VM's families) is not kept: skip it unparsed, and
        // remember only the declarations of kept families.
        if let Some(decl) = line.strip_prefix("# TYPE ") {
            if let Some((name, ty)) = decl.split_once(' ')
                && wanted(name, keep)
            {
                types.insert(name, ty.trim());
            }
            continue;
        }
        if let Some(decl) = line.strip_prefix("# HELP ") {
            if let Some((name, help)) = decl.split_once(' ')
                && wanted(name, keep)
            {
                helps.insert(name, help);
            }
            continue;
        }
        let end = line
            .bytes()
            .position(|c| c == b'{' || c == b' ')
            .unwrap_or(line.len());
        let name = &line[..end];
        if name.is_empty() || !wanted(name, keep) {
            continue;
        }
        let Some(s) = parse_sample_line(line)? else {
            continue;
        };
        let ty = types.get(s.name.as_str()).copied();
        let help = helps
            .get(s.name.as_str())
            .copied()
            .unwrap_or("From the RabbitMQ prometheus plugin.");
        if !s.value.is_finite() {
            continue;
        }
        match ty {
            Some("counter") if s.name.ends_with("_total") => {
                set.counter(&s.name, help, s.labels, s.value)
            }
            // Samples of histograms and summaries (`_bucket`, `_sum`, `_count`) carry no TYPE
            // line of their own name and are dropped with the family.
            Some("counter" | "gauge" | "untyped") => set.gauge(&s.name, help, s.labels, s.value),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const METRICS: &str = "# TYPE rabbitmq_connections gauge\n# HELP rabbitmq_connections Connections currently open\nrabbitmq_connections 3\n\
# TYPE rabbitmq_connections_opened_total counter\nrabbitmq_connections_opened_total 7\n\
# TYPE rabbitmq_queue_messages_ready gauge\nrabbitmq_queue_messages_ready 5\n\
# TYPE rabbitmq_queue_messages gauge\nrabbitmq_queue_messages 6\n\
# TYPE rabbitmq_message_size_bytes histogram\nrabbitmq_message_size_bytes_bucket{le=\"64\"} 1\nrabbitmq_message_size_bytes_count 1\n\
# TYPE rabbitmq_build_info untyped\nrabbitmq_build_info{rabbitmq_version=\"3.10.8\",erlang_version=\"25.2.3\"} 1\n\
# TYPE rabbitmq_identity_info untyped\nrabbitmq_identity_info{rabbitmq_node=\"rabbit@a\",rabbitmq_cluster=\"c\"} 1\n\
# TYPE erlang_vm_dist_node_state gauge\nerlang_vm_dist_node_state{peer=\"rabbit@b\"} 3\n\
# TYPE erlang_vm_memory_bytes_total gauge\nerlang_vm_memory_bytes_total{kind=\"system\"} 9\n\
# TYPE telemetry_scrape_size_bytes summary\ntelemetry_scrape_size_bytes_count 1\n";

    #[test]
    fn node_families_pass_through() {
        let mut s = MetricSet::new();
        plugin_families(METRICS.as_bytes(), Keep::Node, &mut s).unwrap();
        assert_eq!(s.get("rabbitmq_connections").unwrap().samples[0].1, 3.0);
        assert_eq!(
            s.get("rabbitmq_connections").unwrap().help,
            "Connections currently open"
        );
        let opened = s.get("rabbitmq_connections_opened_total").unwrap();
        assert_eq!(opened.kind, crate::metrics::Kind::Counter);
        assert!(s.get("rabbitmq_queue_messages_ready").is_none());
        assert!(s.get("rabbitmq_queue_messages").is_some());
        assert!(s.get("rabbitmq_message_size_bytes_bucket").is_none());
        assert!(s.get("rabbitmq_message_size_bytes_count").is_none());
        assert!(s.get("erlang_vm_dist_node_state").is_some());
        assert!(s.get("erlang_vm_memory_bytes_total").is_none());
        assert!(s.get("telemetry_scrape_size_bytes_count").is_none());
        let id = &s.get("rabbitmq_identity_info").unwrap().samples[0].0;
        assert!(id.contains(&("rabbitmq_cluster".into(), "c".into())));
    }

    #[test]
    fn identity_only_and_garbage() {
        let mut s = MetricSet::new();
        plugin_families(METRICS.as_bytes(), Keep::Identity, &mut s).unwrap();
        assert_eq!(s.families().count(), 2);
        assert!(plugin_families(b"\xff\xfe", Keep::Node, &mut s).is_err());
        assert!(plugin_families(b"rabbitmq_x{a=\"b} 1\n", Keep::Node, &mut s).is_err());
    }
}
