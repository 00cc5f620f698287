//! Issue 13's acceptance, run: the published rules and dashboards (tests/fixtures/upstream:
//! node-mixin, postgres_mixin, redis-mixin, the RabbitMQ cluster-operator rules and
//! RabbitMQ-Overview dashboard, awesome-prometheus-alerts' host, postgres, redis, rabbitmq and
//! cadvisor rules) loaded into a private Prometheus that scrapes the exporter every second,
//! the exporter pointed at the test setup's live services (shared PostgreSQL, Redis, RabbitMQ,
//! dockerd, the host) with the one change per source docs/compatibility.md documents.
//!
//! It fails when
//! - a rule file does not pass `promtool check rules`, or Prometheus reports a rule unhealthy
//!   (an evaluation error, e.g. a many-to-many join);
//! - a metric name a rule expression or dashboard query reads has no series and is not listed
//!   in docs/compatibility.md as not served / when present;
//! - an alert expression returns a result other than the true findings listed in
//!   `TRUE_FINDINGS` and the load-dependent alerts in `LOAD_DEPENDENT` (both in
//!   docs/compatibility.md), or a listed true finding no longer fires;
//! - a dashboard template variable (picker) query returns no value.
//!
//! Alerts whose `for:` is longer than the test can wait are judged by their expression: each
//! expression is queried directly (/api/v1/query) after the rules have evaluated for a while.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::stack::{Prometheus, urlencode};
use common::*;
use serde_json::Value;

const FIXTURES: &str = "tests/fixtures/upstream";

/// Alerts that fire on the healthy test host because the condition they test is really true
/// here, or because the rule assumes a deployment or a history this test does not have; by
/// source and alert name. Each must fire. docs/compatibility.md ("True findings on the test
/// host") gives each one's measured reason.
const TRUE_FINDINGS: &[(&str, &str)] = &[
    // This VM's clock is not NTP-synchronised: the kernel reports STA_UNSYNC and a maximum
    // error of 16 s (Debian's node_exporter 1.5 reads the same: sync_status 0, maxerror 16).
    ("node-mixin", "NodeClockNotSynchronising"),
    ("awesome host", "HostClockNotSynchronising"),
    // rate(x[15m]) / rate(x[1d]): rate() divides by the range, so with less than 15 minutes
    // of samples (any fresh Prometheus, this test's) the ratio is 86400 / 900 = 96 > 2.
    ("awesome host", "HostContextSwitchingHigh"),
    // A one-node broker: the rule expects a cluster of at least 3.
    ("awesome rabbitmq", "RabbitmqNodeDown"),
    // Queues without consumers exist (the test's own queue among them).
    ("awesome rabbitmq", "RabbitmqNoQueueConsumer"),
    // The test's replication slot is, by design, never used.
    ("postgres_mixin", "PostgresHasReplicationSlotUsed"),
    // The test's database sees no traffic: fewer than 5 connections and 5 commits in 5 minutes.
    ("awesome postgres", "PostgresqlNotEnoughConnections"),
    ("awesome postgres", "PostgresqlCommitRateLow"),
    // Redis instances with fewer than 5 clients (the shared one and the test's replica).
    ("awesome redis", "RedisNotEnoughConnections"),
    // maxmemory is 0 (unlimited) on the test Redis instances: used / 0 = +Inf > 90.
    ("awesome redis", "RedisOutOfConfiguredMaxmemory"),
];

/// Alerts that may or may not fire, depending on what else the shared 2-core test machine is
/// doing (the suite's own builds and tests): CPU and load thresholds, predict_linear() over the
/// seconds of samples the test has while builds write to the disk, requested checkpoints. Listed in
/// docs/compatibility.md with the values measured.
const LOAD_DEPENDENT: &[(&str, &str)] = &[
    ("awesome host", "HostHighCpuLoad"),
    ("node-mixin", "NodeSystemSaturation"),
    ("node-mixin", "NodeCPUHighUsage"),
    ("awesome host", "HostDiskMayFillIn24Hours"),
    ("node-mixin", "NodeFilesystemSpaceFillingUp"),
    // Other tests' DROP DATABASE forces a checkpoint (PostgreSQL 15: checkpoints_req 8 -> 9);
    // within the test's seconds of samples no timed checkpoint occurs, so timed / all = 0.
    ("postgres_mixin", "PostgresTooManyCheckpointsRequested"),
];

/// A rule file as loaded: source, file name, text.
struct RuleFile {
    source: &'static str,
    name: String,
    text: String,
}

fn fixture(rel: &str) -> std::path::PathBuf {
    root().join(FIXTURES).join(rel)
}

/// Renders a mixin's alerts with Debian's jsonnet and the selector change of
/// docs/compatibility.md.
fn render(dir: &str, alerts: &str, selector: &str) -> String {
    require("jsonnet");
    let expr = format!(
        "((import 'config.libsonnet') + (import '{alerts}') + {{ _config+:: {{ {selector}: 'job=\"nexo-exporter\"' }} }}).prometheusAlerts"
    );
    let out = Command::new("jsonnet")
        .arg("-J")
        .arg(fixture(dir))
        .args(["-e", &expr])
        .stdin(Stdio::null())
        .output()
        .expect("jsonnet");
    assert!(
        out.status.success(),
        "jsonnet {dir}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn rule_files() -> Vec<RuleFile> {
    let mut out = vec![
        RuleFile {
            source: "node-mixin",
            name: "node-mixin.yml".into(),
            text: render("node-mixin", "alerts.libsonnet", "nodeExporterSelector"),
        },
        RuleFile {
            source: "postgres_mixin",
            name: "postgres-mixin.yml".into(),
            text: render(
                "postgres-mixin",
                "postgres.libsonnet",
                "postgresExporterSelector",
            ),
        },
        RuleFile {
            source: "redis-mixin",
            name: "redis-mixin.yml".into(),
            text: render("redis-mixin", "redis.libsonnet", "redisExporterSelector"),
        },
    ];
    for (source, file) in [
        ("awesome host", "host.yml"),
        ("awesome postgres", "postgres.yml"),
        ("awesome redis", "redis.yml"),
        ("awesome rabbitmq", "rabbitmq.yml"),
        ("awesome cadvisor", "cadvisor.yml"),
    ] {
        out.push(RuleFile {
            source,
            name: format!("awesome-{file}"),
            text: std::fs::read_to_string(fixture(&format!("awesome-prometheus-alerts/{file}")))
                .unwrap(),
        });
    }
    let mut co: Vec<_> = std::fs::read_dir(fixture("rabbitmq-cluster-operator"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yml"))
        .collect();
    co.sort();
    assert_eq!(co.len(), 9, "cluster-operator rule files: {co:?}");
    for p in co {
        out.push(RuleFile {
            source: "cluster-operator",
            name: format!(
                "cluster-operator-{}",
                p.file_name().unwrap().to_string_lossy()
            ),
            text: std::fs::read_to_string(&p).unwrap(),
        });
    }
    out
}

/// (alert or record name, expr) of every rule in a rule file.
fn rules_of(text: &str) -> Vec<(String, String)> {
    let doc: serde_norway::Value = serde_norway::from_str(text).unwrap();
    let mut out = Vec::new();
    for g in doc["groups"].as_sequence().unwrap() {
        for r in g["rules"].as_sequence().unwrap() {
            let name = r["alert"]
                .as_str()
                .or(r["record"].as_str())
                .unwrap()
                .to_string();
            out.push((name, r["expr"].as_str().unwrap().to_string()));
        }
    }
    out
}

/// A dashboard extract: (panel title, expr) of every target and (name, allValue, query) of
/// every picker.
type Pickers = Vec<(String, Option<String>, String)>;
fn dashboard(rel: &str) -> (Vec<(String, String)>, Pickers) {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(fixture(rel)).unwrap()).unwrap();
    let mut exprs = Vec::new();
    for p in v["panels"].as_array().unwrap() {
        for t in p["targets"].as_array().unwrap() {
            exprs.push((
                p["title"].as_str().unwrap().to_string(),
                t["expr"].as_str().unwrap().to_string(),
            ));
        }
    }
    let pickers = v["templating"]["list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap().to_string(),
                t["allValue"].as_str().map(str::to_string),
                t["query"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (exprs, pickers)
}

const KEYWORDS: &[&str] = &[
    "and",
    "or",
    "unless",
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
    "offset",
    "bool",
    "inf",
    "nan",
];

/// The metric names an expression reads, plus the regexes of its `{__name__=~"..."}`
/// selectors. An identifier scan: strings, label matchers, ranges, function and aggregation
/// names, keywords, the label lists after by/without/on/ignoring/group_left/group_right,
/// numbers, durations and Grafana `$variables` are skipped.
fn names_in(expr: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let c: Vec<char> = expr.chars().collect();
    let (mut names, mut regexes) = (BTreeSet::new(), BTreeSet::new());
    let mut i = 0;
    let skip_to = |i: usize, close: char| -> usize {
        let mut j = i;
        let mut quote: Option<char> = None;
        while j < c.len() {
            match (quote, c[j]) {
                (Some(_), '\\') => j += 1,
                (Some(q), ch) if ch == q => quote = None,
                (None, '"' | '\'' | '`') => quote = Some(c[j]),
                (None, ch) if ch == close => return j + 1,
                _ => {}
            }
            j += 1;
        }
        j
    };
    let mut after_offset = false;
    while i < c.len() {
        let ch = c[i];
        if ch == '"' || ch == '\'' || ch == '`' {
            let mut j = i + 1;
            while j < c.len() && c[j] != ch {
                if c[j] == '\\' {
                    j += 1;
                }
                j += 1;
            }
            i = j + 1;
        } else if ch == '{' {
            let end = skip_to(i + 1, '}');
            let inner: String = c[i + 1..end.saturating_sub(1)].iter().collect();
            if let Some(pos) = inner.find("__name__=~\"") {
                let rest = &inner[pos + 11..];
                regexes.insert(rest[..rest.find('"').unwrap()].to_string());
            }
            i = end;
        } else if ch == '[' {
            i = skip_to(i + 1, ']');
        } else if ch == '$' {
            i += 1;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
        } else if ch.is_ascii_digit()
            || (ch == '.' && c.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            while i < c.len() && (c[i].is_ascii_alphanumeric() || c[i] == '.') {
                i += 1;
            }
            after_offset = false;
        } else if ch.is_ascii_alphabetic() || ch == '_' || ch == ':' {
            let start = i;
            while i < c.len() && (c[i].is_ascii_alphanumeric() || c[i] == '_' || c[i] == ':') {
                i += 1;
            }
            let word: String = c[start..i].iter().collect();
            let mut j = i;
            while j < c.len() && c[j].is_whitespace() {
                j += 1;
            }
            let lower = word.to_ascii_lowercase();
            if after_offset {
                after_offset = false; // a duration such as 5m
            } else if lower == "offset" {
                after_offset = true;
            } else if matches!(
                lower.as_str(),
                "by" | "without" | "on" | "ignoring" | "group_left" | "group_right"
            ) {
                if c.get(j) == Some(&'(') {
                    i = skip_to(j + 1, ')');
                }
            } else if c.get(j) == Some(&'(')
                || KEYWORDS.contains(&lower.as_str())
                || [" by", " without"].iter().any(|k| {
                    c[i..]
                        .iter()
                        .collect::<String>()
                        .to_ascii_lowercase()
                        .starts_with(k)
                })
            {
                // A function or aggregation, or a keyword.
            } else {
                names.insert(word);
            }
        } else {
            i += 1;
        }
    }
    (names, regexes)
}

/// Rows of docs/compatibility.md that are not `served`: name → (status, reason).
fn doc_unserved() -> BTreeMap<String, (String, String)> {
    let text = std::fs::read_to_string(root().join("docs/compatibility.md")).unwrap();
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() == 6 && cells[1].starts_with('`') && cells[2] != "served" {
            out.insert(
                cells[1].trim_matches('`').to_string(),
                (cells[2].to_string(), cells[4].to_string()),
            );
        }
    }
    out
}

/// The true findings section of docs/compatibility.md names every listed alert; the missing
/// ones.
fn doc_lists_findings() -> Vec<String> {
    let text = std::fs::read_to_string(root().join("docs/compatibility.md")).unwrap();
    let section = text
        .split("### True findings on the test host")
        .nth(1)
        .unwrap_or("");
    let section = section.split("\n## ").next().unwrap();
    TRUE_FINDINGS
        .iter()
        .chain(LOAD_DEPENDENT)
        .filter(|(_, alert)| !section.contains(&format!("`{alert}`")))
        .map(|(source, alert)| {
            format!(
                "docs/compatibility.md's true findings on the test host lack {alert} ({source})"
            )
        })
        .collect()
}

fn promtool_check(dir: &Path, files: &[RuleFile]) {
    require("promtool");
    for f in files {
        let p = dir.join(&f.name);
        std::fs::write(&p, &f.text).unwrap();
        let out = Command::new("promtool")
            .args(["check", "rules"])
            .arg(&p)
            .output()
            .expect("promtool");
        assert!(
            out.status.success(),
            "promtool check rules {} ({}): {}{}",
            f.name,
            f.source,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// label_values(<selector>, <label>) → the label's values among the selector's series.
fn label_values(prom: &Prometheus, query: &str) -> Vec<String> {
    let inner = query
        .trim()
        .strip_prefix("label_values(")
        .and_then(|q| q.strip_suffix(')'))
        .unwrap_or_else(|| panic!("not a label_values query: {query}"));
    let (sel, label) = inner.rsplit_once(',').unwrap();
    let (sel, label) = (sel.trim(), label.trim());
    let v = prom
        .api(&format!("/api/v1/series?match[]={}", urlencode(sel)))
        .unwrap_or_else(|| panic!("series {sel}"));
    let mut out: BTreeSet<String> = BTreeSet::new();
    for s in v["data"].as_array().into_iter().flatten() {
        if let Some(x) = s[label].as_str() {
            out.insert(x.to_string());
        }
    }
    out.into_iter().collect()
}

#[test]
fn published_rules_and_dashboards_hold_on_a_live_exporter() {
    let t0 = Instant::now();
    let files = rule_files();
    let rules_dir = tempfile::tempdir().unwrap();
    promtool_check(rules_dir.path(), &files);

    let svc = services::Services::create("upstream");
    let ex = Exporter::start(&svc.exporter_config(), &[]);

    // docs/compatibility.md, "The one change per source": one job; cAdvisor's `name` copied
    // into `container`; a `namespace` target label for RabbitMQ-Overview's first picker.
    let config = format!(
        r#"global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files: ["rules/*.yml"]
scrape_configs:
  - job_name: nexo-exporter
    static_configs:
      - targets: ["{addr}"]
        labels: {{namespace: default}}
      - targets: ["{addr}"]
        labels: {{namespace: default, __metrics_path__: /probe, __param_target: replica, instance: replica}}
    metric_relabel_configs:
      - source_labels: [name]
        regex: (.+)
        target_label: container
"#,
        addr = ex.addr
    );
    let rules: Vec<(String, String)> = files
        .iter()
        .map(|f| (f.name.clone(), f.text.clone()))
        .collect();
    let prom = Prometheus::start(&config, &rules);

    // Both targets up; then let the rules evaluate and rate() windows fill (1 s scrapes).
    assert!(
        prom.wait_value("count(up == 1)", 2.0, Duration::from_secs(20)),
        "targets not up: {:?}\n{}",
        prom.query("up"),
        prom.log()
    );
    let up_at = Instant::now();
    // Per-table and broker statistics refresh every few seconds.
    assert!(
        wait_for(Duration::from_secs(20), || (!prom
            .query("rabbitmq_detailed_queue_messages")
            .is_empty()
            && !prom.query("pg_stat_user_tables_n_live_tup").is_empty())
        .then_some(()))
        .is_some(),
        "per-queue / per-table series never came"
    );
    std::thread::sleep(Duration::from_secs(15).saturating_sub(up_at.elapsed()));

    let mut failures = doc_lists_findings();

    // 1. Every rule loaded and healthy.
    let groups = prom.api("/api/v1/rules").unwrap();
    let mut loaded = 0;
    for g in groups["data"]["groups"].as_array().unwrap() {
        for r in g["rules"].as_array().unwrap() {
            loaded += 1;
            if r["health"] != "ok" && r["health"] != "unknown" {
                failures.push(format!(
                    "rule {} in {} unhealthy: {}",
                    r["name"], g["file"], r["lastError"]
                ));
            }
        }
    }
    let expected: usize = files.iter().map(|f| rules_of(&f.text).len()).sum();
    assert_eq!(loaded, expected, "rules loaded by Prometheus");

    // 2. Names resolve.
    let served: BTreeSet<String> = prom.api("/api/v1/label/__name__/values").unwrap()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    let unserved = doc_unserved();
    let mut exprs: Vec<(String, String, String)> = Vec::new(); // (source, what, expr)
    for f in &files {
        for (name, expr) in rules_of(&f.text) {
            exprs.push((f.source.to_string(), name, expr));
        }
    }
    let mut pickers = Vec::new();
    for (source, rel) in [
        (
            "postgres_mixin dashboard",
            "postgres-mixin/postgres-overview.json",
        ),
        ("redis-mixin dashboard", "redis-mixin/redis-overview.json"),
        (
            "RabbitMQ-Overview",
            "rabbitmq-overview/RabbitMQ-Overview.json",
        ),
    ] {
        let (panel_exprs, p) = dashboard(rel);
        for (title, expr) in panel_exprs {
            exprs.push((source.to_string(), format!("panel '{title}'"), expr));
        }
        for (name, all, query) in p {
            // label_values(<selector>, <label>): the selector's names.
            let sel = query
                .trim()
                .trim_start_matches("label_values(")
                .rsplit_once(',')
                .map_or(query.as_str(), |(s, _)| s);
            exprs.push((
                source.to_string(),
                format!("picker ${name}"),
                sel.to_string(),
            ));
            pickers.push((source, name, all, query));
        }
    }
    let mut referenced = BTreeSet::new();
    let mut explained = BTreeSet::new();
    for (source, what, expr) in &exprs {
        let (names, regexes) = names_in(expr);
        for n in names {
            referenced.insert(n.clone());
            if served.contains(&n) {
                continue;
            }
            match unserved.get(&n) {
                Some(_) => {
                    explained.insert(n);
                }
                None => failures.push(format!(
                    "{source} {what}: {n} has no series and docs/compatibility.md does not list it"
                )),
            }
        }
        for re in regexes {
            if prom
                .query(&format!("count({{__name__=~\"{re}\"}})"))
                .is_empty()
            {
                failures.push(format!(
                    "{source} {what}: no series match __name__=~\"{re}\""
                ));
            }
        }
    }

    // 3. Alert expressions on the healthy host: empty, except the true findings.
    let mut fired = BTreeMap::new();
    let mut alerts = 0;
    for f in &files {
        let doc: serde_norway::Value = serde_norway::from_str(&f.text).unwrap();
        for g in doc["groups"].as_sequence().unwrap() {
            for r in g["rules"].as_sequence().unwrap() {
                let Some(alert) = r["alert"].as_str() else {
                    continue;
                };
                alerts += 1;
                let expr = r["expr"].as_str().unwrap();
                let v = prom
                    .api(&format!("/api/v1/query?query={}", urlencode(expr)))
                    .unwrap();
                if v["status"] != "success" {
                    failures.push(format!("{} {alert}: query failed: {v}", f.source));
                    continue;
                }
                let result = v["data"]["result"].as_array().cloned().unwrap_or_default();
                if !result.is_empty() {
                    fired.insert((f.source, alert.to_string()), result);
                }
            }
        }
    }
    for ((source, alert), result) in &fired {
        if !TRUE_FINDINGS.contains(&(source, alert.as_str()))
            && !LOAD_DEPENDENT.contains(&(source, alert.as_str()))
        {
            failures.push(format!(
                "{source} {alert} fires on the healthy host: {result:?}"
            ));
        }
    }
    for (source, alert) in TRUE_FINDINGS {
        if !fired.contains_key(&(*source, alert.to_string())) {
            failures.push(format!(
                "true finding {alert} ({source}) no longer fires: remove it from TRUE_FINDINGS and docs/compatibility.md"
            ));
        }
    }

    // 4. Every picker fills (earlier pickers' first values substituted, as Grafana does).
    let mut values: BTreeMap<(String, String), String> = BTreeMap::new();
    for (source, name, all, query) in &pickers {
        let mut q = query.clone();
        for ((s, var), first) in &values {
            if s == source {
                q = q.replace(&format!("${var}"), first);
            }
        }
        let got = label_values(&prom, &q);
        match got.first() {
            Some(first) => {
                let v = all.clone().unwrap_or_else(|| first.clone());
                values.insert((source.to_string(), name.clone()), v);
            }
            None => failures.push(format!("{source} picker ${name} is empty: {q}")),
        }
    }
    // The test's own database fills postgres-overview's database picker.
    let dbs = label_values(
        &prom,
        "label_values(pg_stat_database_tup_fetched{datname!~\"template.*|postgres\"},datname)",
    );
    assert!(dbs.contains(&svc.id), "database picker: {dbs:?}");

    eprintln!(
        "upstream_rules: {} rule files, {expected} rules ({alerts} alerts) loaded and healthy; {} expressions and pickers read {} metric names, {} of them explained in docs/compatibility.md; {} alerts fire ({:?}); {} pickers; {:.1} s",
        files.len(),
        exprs.len(),
        referenced.len(),
        explained.len(),
        fired.len(),
        fired.keys().map(|(_, a)| a.as_str()).collect::<Vec<_>>(),
        pickers.len(),
        t0.elapsed().as_secs_f64()
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}\nexporter log:\n{}",
        failures.len(),
        failures.join("\n"),
        ex.log()
    );
    drop(prom);
    drop(ex);
    drop(svc);
}

#[test]
fn names_in_skips_functions_labels_and_keywords() {
    let (n, r) = names_in(
        "sum by (a, b) (rate(x_total{job=\"j\", le=\"1\"}[5m] offset 1h)) / on(instance) group_left(c) y * 100 > 0.8 and ignoring (d) z unless {__name__=~\"pg_settings_.*\"} OFFSET 5m",
    );
    assert_eq!(n.into_iter().collect::<Vec<_>>(), ["x_total", "y", "z"]);
    assert_eq!(r.into_iter().collect::<Vec<_>>(), ["pg_settings_.*"]);
    let (n, _) = names_in(
        "label_values(rabbitmq_identity_info{namespace=\"$namespace\"}, rabbitmq_cluster)",
    );
    // label_values' second argument is a label, not a metric: the picker check reads it.
    assert!(n.contains("rabbitmq_identity_info"));
}
