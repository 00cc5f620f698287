//! Pure parsing of `INFO` text into the redis metrics (no I/O; fuzzed by `fuzz/redis_info`).

use std::collections::BTreeMap;

use super::metrics;
use crate::metrics::MetricSet;

/// Parses `INFO` output into `field -> value`. Section headers (`# Memory`), blank lines and
/// lines without `:` are skipped; the first occurrence of a field wins.
pub fn parse_info(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some((k, v)) = line.split_once(':') {
            out.entry(k.to_string()).or_insert_with(|| v.to_string());
        }
    }
    out
}

/// The metrics from parsed `INFO` fields; an error names the first missing or non-numeric one.
pub fn info_metrics(info: &BTreeMap<String, String>) -> Result<MetricSet, String> {
    const FIELDS: [(&str, crate::metrics::Desc); 5] = [
        ("used_memory", metrics::REDIS_MEMORY_USED_BYTES),
        ("maxmemory", metrics::REDIS_MEMORY_MAX_BYTES),
        ("connected_clients", metrics::REDIS_CONNECTED_CLIENTS),
        ("evicted_keys", metrics::REDIS_EVICTED_KEYS_TOTAL),
        ("uptime_in_seconds", metrics::REDIS_UPTIME_IN_SECONDS),
    ];
    let mut set = MetricSet::new();
    for (field, desc) in FIELDS {
        let raw = info
            .get(field)
            .ok_or_else(|| format!("INFO has no field {field}"))?;
        let v: f64 = raw
            .trim()
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite() && *v >= 0.0)
            .ok_or_else(|| format!("INFO field {field} is not a number"))?;
        set.put(&desc, vec![], v);
    }
    Ok(set)
}
