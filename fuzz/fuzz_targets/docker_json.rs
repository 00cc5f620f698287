//! The Docker engine JSON the containers probe decodes: each input line is tried as an
//! `/events` message, a one-shot stats answer, an inspect answer and a container list, the
//! way the probe uses them; events and inspect observations are fed, in order, into one
//! restart/OOM tracker. Nothing may panic (overflow included).
#![no_main]

use std::collections::HashMap;

use bollard::models::{ContainerInspectResponse, ContainerSummary};
use libfuzzer_sys::fuzz_target;
use nexo_exporter::probe::docker::inspected;
use nexo_exporter::probe::docker::parse::{
    container_name, parse_docker_time, parse_event_json, selector_matches, usage_from_stats_json,
};
use nexo_exporter::probe::docker::tracker::{LabelKey, Tracker};

fn key(name: &str) -> LabelKey {
    vec![("name".to_string(), name.to_string())]
}

fuzz_target!(|data: &[u8]| {
    let mut tracker = Tracker::new();
    let mut keys: Vec<LabelKey> = Vec::new();
    for line in data.split(|b| *b == b'\n').take(64) {
        if let Ok(Some(ev)) = parse_event_json(line) {
            let k = ev.attributes.get("name").map(|n| key(n));
            if let Some(k) = &k {
                keys.push(k.clone());
            }
            tracker.apply_event(&ev, k);
        }
        if let Ok(Some(u)) = usage_from_stats_json(line) {
            assert!(u.working_set <= u.memory_usage, "{u:?}");
        }
        if let Ok(r) = serde_json::from_slice::<ContainerInspectResponse>(line) {
            let i = inspected(&r);
            let _ = parse_docker_time(&i.obs.started_at);
            let name = r.name.clone().unwrap_or_default();
            let k = key(&name);
            keys.push(k.clone());
            tracker.observe(r.id.as_deref().unwrap_or(""), k, i.obs);
        }
        if let Ok(list) = serde_json::from_slice::<Vec<ContainerSummary>>(line) {
            let empty = HashMap::new();
            let selector = [
                "com.docker.compose.project=nexo".to_string(),
                "a".to_string(),
            ];
            for c in &list {
                let _ = container_name(c.names.as_deref().unwrap_or(&[]));
                let _ = selector_matches(&selector, c.labels.as_ref().unwrap_or(&empty));
                let _ = c.state.map(|s| s.to_string());
            }
            let ids: Vec<String> = list.iter().filter_map(|c| c.id.clone()).collect();
            tracker.retain_present(&|id| ids.iter().any(|i| i == id));
        }
    }
    for k in &keys {
        let _ = tracker.totals(k);
    }
    let _ = tracker.last_event_nano();
});
