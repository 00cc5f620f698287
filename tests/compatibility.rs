//! Holds the exporter to docs/compatibility.md: every metric name the community's rules and
//! dashboards read (node-mixin, postgres_mixin, redis-mixin, the RabbitMQ plugin's dashboard and
//! cluster-operator rules, awesome-prometheus-alerts) is either served by a live exporter
//! pointed at the test setup's real services, with the label names those sources select on,
//! or listed there with the reason it cannot be.
//!
//! Every family the live exporter serves is declared (docs/metric-names.txt, generated from
//! src/probe/*/metrics.rs), by name or by a pattern.
//!
//! The test creates what some names need and removes it afterwards: a database with a table
//! and a (never used) physical replication slot, a private Redis master and replica, a queue on
//! the shared broker and a container with a CPU quota on the shared dockerd.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use common::*;

const DOC: &str = "docs/compatibility.md";

/// One row of a source's table in docs/compatibility.md.
#[derive(Debug, Clone)]
struct Row {
    source: String,
    name: String,
    status: String,
    labels: Vec<String>,
    reason: String,
}

/// The rows of every source table, and each source's stated `served/total` figures.
fn doc_rows() -> (Vec<Row>, BTreeMap<String, (usize, usize)>) {
    let text = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(DOC))
        .unwrap();
    let mut rows = Vec::new();
    let mut stated = BTreeMap::new();
    let mut source = String::new();
    for line in text.lines() {
        if let Some(s) = line.strip_prefix("### ") {
            source = s.to_string();
            continue;
        }
        if let Some((served, rest)) = line.split_once('/')
            && let Some((total, _)) = rest.split_once(" served on the test setup")
            && let (Ok(a), Ok(b)) = (served.parse(), total.parse())
        {
            stated.insert(source.clone(), (a, b));
        }
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() != 6 || !cells[1].starts_with('`') {
            continue;
        }
        rows.push(Row {
            source: source.clone(),
            name: cells[1].trim_matches('`').to_string(),
            status: cells[2].to_string(),
            labels: cells[3]
                .split(',')
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect(),
            reason: cells[4].to_string(),
        });
    }
    (rows, stated)
}

/// Every family name in an exposition with the union of its label names.
fn families(text: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let name = line.split(['{', ' ']).next().unwrap_or("").to_string();
        let e = out.entry(name).or_default();
        if let Some(inner) = line.split_once('{').and_then(|(_, r)| r.rsplit_once('}')) {
            for pair in inner.0.split("\",") {
                if let Some((k, _)) = pair.split_once('=') {
                    e.insert(k.trim().to_string());
                }
            }
        }
    }
    out
}

/// The names in `fams` a doc row stands for (`pg_settings_.*` is a pattern).
fn matching<'a>(fams: &'a BTreeMap<String, BTreeSet<String>>, name: &str) -> Vec<&'a String> {
    match name.strip_suffix(".*") {
        Some(prefix) => fams.keys().filter(|k| k.starts_with(prefix)).collect(),
        None => fams
            .get_key_value(name)
            .map(|(k, _)| k)
            .into_iter()
            .collect(),
    }
}

/// The exporter's declared names of docs/metric-names.txt (`exporter:*` lines): exact names
/// and patterns (with `*`).
fn declared_names() -> (BTreeSet<String>, Vec<String>) {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/metric-names.txt"),
    )
    .unwrap();
    let (mut exact, mut patterns) = (BTreeSet::new(), Vec::new());
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let mut f = line.split_whitespace();
        let (Some(name), Some(source)) = (f.next(), f.next()) else {
            continue;
        };
        if !source.starts_with("exporter:") {
            continue;
        }
        if name.contains('*') {
            patterns.push(name.to_string());
        } else {
            exact.insert(name.to_string());
        }
    }
    assert!(
        exact.len() > 300 && !patterns.is_empty(),
        "{exact:?} {patterns:?}"
    );
    (exact, patterns)
}

use nexo_exporter::metrics::glob_match as glob;

#[test]
fn glob_patterns() {
    assert!(glob("node_memory_*_bytes", "node_memory_Active_anon_bytes"));
    assert!(!glob("node_memory_*_bytes", "node_memory_HugePages_Total"));
    assert!(glob("rabbitmq_*", "rabbitmq_connections") && !glob("rabbitmq_*", "erlang_x"));
    assert!(glob("a*b*c", "abc") && !glob("a*b*c", "acb") && !glob("x", "xy"));
}

#[test]
fn every_upstream_name_is_served_or_explained() {
    let (rows, stated) = doc_rows();
    assert!(rows.len() > 200, "{DOC} has {} rows", rows.len());
    // The stated figures are the table's.
    for (source, (served, total)) in &stated {
        let of: Vec<&Row> = rows.iter().filter(|r| &r.source == source).collect();
        assert_eq!(of.len(), *total, "{source}: rows");
        assert_eq!(
            of.iter().filter(|r| r.status == "served").count(),
            *served,
            "{source}: served rows"
        );
    }
    for r in &rows {
        assert!(
            matches!(r.status.as_str(), "served" | "when present" | "not served"),
            "{r:?}"
        );
        assert!(
            r.status == "served" || !r.reason.is_empty(),
            "{} ({}) needs a reason",
            r.name,
            r.source
        );
    }

    let svc = common::services::Services::create("compat");
    let (id, queue, ctr) = (&svc.id, &svc.queue, &svc.container);
    let ex = Exporter::start(&svc.exporter_config(), &[]);
    let scrape = || {
        let mut body = ex.scrape();
        body.push_str(&ex.get("/probe?target=replica", &[]).text());
        body
    };
    let served: Vec<&Row> = rows.iter().filter(|r| r.status == "served").collect();
    // Broker statistics and table statistics refresh every few seconds.
    let mut fams = BTreeMap::new();
    let mut missing = Vec::new();
    for _ in 0..30 {
        fams = families(&scrape());
        missing = served
            .iter()
            .filter(|r| matching(&fams, &r.name).is_empty())
            .map(|r| format!("{} ({})", r.name, r.source))
            .collect();
        if missing.is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_secs(2));
    }
    assert!(
        missing.is_empty(),
        "served in {DOC} but not in the scrape:\n{}\nlog:\n{}",
        missing.join("\n"),
        ex.log()
    );
    let mut wrong = Vec::new();
    for r in &rows {
        let found = matching(&fams, &r.name);
        match r.status.as_str() {
            "not served" if !found.is_empty() => {
                wrong.push(format!("{}: listed as not served but served", r.name))
            }
            _ => {}
        }
        for name in found {
            let have = &fams[name];
            for l in &r.labels {
                if !have.contains(l) {
                    wrong.push(format!("{name} ({}): no label {l}, has {have:?}", r.source));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // Every family served is declared: in docs/metric-names.txt (generated from the
    // declarations), exactly or by a pattern.
    let (exact, patterns) = declared_names();
    let undeclared: Vec<&String> = fams
        .keys()
        .filter(|n| !exact.contains(n.as_str()) && !patterns.iter().any(|p| glob(p, n)))
        .collect();
    assert!(
        undeclared.is_empty(),
        "served but not declared (src/probe/*/metrics.rs, docs/metric-names.txt): {undeclared:?}"
    );
    // The values the pickers and joins rely on.
    let body = scrape();
    assert_eq!(
        sample(&body, "redis_instance_info", &[("role", "master")]),
        Some(1.0)
    );
    assert_eq!(
        sample(&body, "redis_instance_info", &[("role", "slave")]),
        Some(1.0)
    );
    assert!(sample(&body, "pg_stat_database_tup_fetched", &[("datname", id)]).is_some());
    assert_eq!(
        sample(&body, "container_spec_cpu_quota", &[("name", ctr)]),
        Some(50000.0)
    );
    assert!(
        sample(
            &body,
            "rabbitmq_detailed_queue_messages",
            &[("queue", queue)]
        )
        .is_some()
    );
    drop(ex);
    drop(svc);
}
