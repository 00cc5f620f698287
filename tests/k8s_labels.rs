//! The job label the shipped Kubernetes manifests give the exporter's series equals the job
//! every shipped rule selects. Reads deploy/kubernetes/{service,servicemonitor}.yaml, derives
//! the `job` the Prometheus Operator gives each scraped Service (its `jobLabel` rule, then the
//! endpoint relabelings), and compares it with every `job` matcher of the rules in
//! deploy/kubernetes/prometheusrule.yaml and alerts/nexo-alerts.yml.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_norway::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn docs(rel: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(root().join(rel)).unwrap();
    serde_norway::Deserializer::from_str(&text)
        .map(|d| serde::Deserialize::deserialize(d).unwrap())
        .filter(|v: &Value| !v.is_null())
        .collect()
}

fn s<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut v = v;
    for k in path {
        v = v.get(*k)?;
    }
    v.as_str()
}

/// The job label the Prometheus Operator gives the targets of `monitor` from `service`:
/// the Service's `jobLabel` label when set and non-empty, else the Service's name; then the
/// endpoint's relabelings that write `job`. None when the monitor does not select it.
fn operator_job(monitor: &Value, service: &Value) -> Option<BTreeSet<String>> {
    let spec = &monitor["spec"];
    let labels = &service["metadata"]["labels"];
    for (k, v) in spec["selector"]["matchLabels"].as_mapping()? {
        if labels.get(k.as_str()?) != Some(v) {
            return None;
        }
    }
    let base = spec["jobLabel"]
        .as_str()
        .and_then(|l| labels.get(l))
        .and_then(Value::as_str)
        .filter(|v| !v.is_empty())
        .or_else(|| s(service, &["metadata", "name"]))
        .unwrap()
        .to_string();
    let ports: Vec<&str> = service["spec"]["ports"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    let mut jobs = BTreeSet::new();
    for ep in spec["endpoints"].as_sequence().unwrap() {
        if !ports.contains(&ep["port"].as_str().unwrap()) {
            continue;
        }
        let mut job = base.clone();
        for r in ep["relabelings"].as_sequence().into_iter().flatten() {
            if r["targetLabel"].as_str() == Some("job") {
                // Only a constant replacement is understood; extend this test before shipping
                // anything else.
                assert!(
                    r.get("sourceLabels").is_none() && r["replacement"].as_str().is_some(),
                    "unsupported job relabeling {r:?}"
                );
                job = r["replacement"].as_str().unwrap().to_string();
            }
        }
        jobs.insert(job);
    }
    Some(jobs)
}

/// Values of the `job="..."` matchers in a PromQL expression (other job matchers fail).
fn job_matchers(expr: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = expr;
    while let Some(i) = rest.find("job") {
        let before = rest[..i].chars().last();
        let after = &rest[i + 3..];
        rest = after;
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let t = after.trim_start();
        if t.starts_with("=~") || t.starts_with("!=") || t.starts_with("!~") {
            panic!("only job=\"...\" matchers are understood: {expr}");
        }
        if let Some(v) = t.strip_prefix('=').map(str::trim_start) {
            let v = v.strip_prefix('"').expect("a quoted job value");
            out.push(v[..v.find('"').unwrap()].to_string());
        }
    }
    out
}

fn rule_exprs(groups: &Value) -> Vec<String> {
    groups
        .as_sequence()
        .unwrap()
        .iter()
        .flat_map(|g| g["rules"].as_sequence().unwrap().iter())
        .map(|r| r["expr"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn job_matcher_extraction() {
    assert_eq!(
        job_matchers("absent(up{job=\"a\"}) and on (job) x{instance=\"i\", job = \"b\"}"),
        ["a", "b"]
    );
    assert!(job_matchers("sum by (job, instance) (x)").is_empty());
}

#[test]
fn servicemonitor_job_label_is_the_rules_job_selector() {
    let services = docs("deploy/kubernetes/service.yaml");
    let monitors: Vec<Value> = docs("deploy/kubernetes/servicemonitor.yaml")
        .into_iter()
        .filter(|d| d["kind"].as_str() == Some("ServiceMonitor"))
        .collect();
    assert!(!monitors.is_empty());
    let mut produced = BTreeSet::new();
    let mut scraped = Vec::new();
    for m in &monitors {
        for svc in &services {
            if let Some(jobs) = operator_job(m, svc) {
                scraped.push(s(svc, &["metadata", "name"]).unwrap().to_string());
                produced.extend(jobs);
            }
        }
    }
    // Both exporters (dependency probes and the per-node DaemonSet) are scraped.
    scraped.sort();
    assert_eq!(scraped, ["nexo-exporter-deps", "nexo-exporter-node"]);

    let mut selected = BTreeSet::new();
    for d in docs("deploy/kubernetes/prometheusrule.yaml") {
        for e in rule_exprs(&d["spec"]["groups"]) {
            selected.extend(job_matchers(&e));
        }
    }
    let shipped = root().join("alerts/nexo-alerts.yml");
    if shipped.exists() {
        let doc: Value =
            serde_norway::from_str(&std::fs::read_to_string(shipped).unwrap()).unwrap();
        for e in rule_exprs(&doc["groups"]) {
            selected.extend(job_matchers(&e));
        }
    }
    assert!(!selected.is_empty(), "no rule selects the exporter's job");
    assert_eq!(
        produced, selected,
        "job label produced by the Kubernetes manifests vs the job the rules select"
    );
}
