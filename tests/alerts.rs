//! Checks of the shipped alert rules with the real tools: `promtool check rules` /
//! `promtool test rules`, the 25 runbook alerts (names, severity, category), annotation style,
//! critical/warning pairs, the generated rules file being up to date, and every metric a rule
//! reads being produced by the exporter or listed in docs/metric-names.txt (the list
//! tests/dashboards.rs reads too). Alertmanager routing and inhibitions: tests/alertmanager.rs.

mod common;

use common::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_norway::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

const RULES: &str = "alerts/nexo-alerts.yml";

/// One alerting rule as shipped.
#[derive(Debug, Clone)]
struct Rule {
    name: String,
    expr: String,
    for_: String,
    labels: BTreeMap<String, String>,
    annotations: BTreeMap<String, String>,
}

fn load_rules() -> Vec<Rule> {
    let text = std::fs::read_to_string(root().join(RULES)).unwrap();
    let doc: Value = serde_norway::from_str(&text).unwrap();
    let mut out = Vec::new();
    for g in doc["groups"].as_sequence().unwrap() {
        for r in g["rules"].as_sequence().unwrap() {
            let map = |v: &Value| -> BTreeMap<String, String> {
                v.as_mapping()
                    .map(|m| {
                        m.iter()
                            .map(|(k, v)| {
                                (
                                    k.as_str().unwrap().to_string(),
                                    v.as_str().unwrap().to_string(),
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default()
            };
            out.push(Rule {
                name: r["alert"]
                    .as_str()
                    .expect("only alerting rules")
                    .to_string(),
                expr: r["expr"].as_str().unwrap().to_string(),
                for_: r["for"].as_str().unwrap_or("0s").to_string(),
                labels: map(&r["labels"]),
                annotations: map(&r["annotations"]),
            });
        }
    }
    out
}

/// `KEY=value` lines of alerts/src/settings.env.
fn settings() -> BTreeMap<String, String> {
    std::fs::read_to_string(root().join("alerts/src/settings.env"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

fn run(cmd: &mut Command) -> (bool, String) {
    let out = cmd
        .current_dir(root())
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn duration_secs(s: &str) -> u64 {
    let (n, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: u64 = n.parse().unwrap_or(0);
    n * match unit {
        "s" | "" => 1,
        "m" => 60,
        "h" => 3600,
        other => panic!("unexpected duration unit {other:?} in {s:?}"),
    }
}

// ------------------------------------------------------------------------------------ promtool

#[test]
fn promtool_check_rules_is_clean_with_all_lints() {
    let (ok, out) =
        run(Command::new("promtool").args(["check", "rules", "--lint=all", "--lint-fatal", RULES]));
    assert!(ok, "{out}");
    assert!(out.contains("SUCCESS: 25 rules found"), "{out}");
}

#[test]
fn promtool_unit_tests_pass() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("alerts/tests"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let (ok, out) = run(Command::new("promtool")
        .args(["test", "rules"])
        .args(&files));
    assert!(ok, "{out}");
    assert_eq!(out.matches("SUCCESS").count(), files.len(), "{out}");
}

/// Every alert has, in alerts/tests, a case where it fires with its labels and all four
/// annotations rendered, and a case where it must not fire.
#[test]
fn every_alert_has_positive_and_negative_unit_tests() {
    let rules = load_rules();
    let mut fires: BTreeSet<String> = BTreeSet::new();
    let mut silent: BTreeSet<String> = BTreeSet::new();
    for e in std::fs::read_dir(root().join("alerts/tests")).unwrap() {
        let p = e.unwrap().path();
        let doc: Value = serde_norway::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        for t in doc["tests"].as_sequence().unwrap() {
            for a in t["alert_rule_test"].as_sequence().into_iter().flatten() {
                let name = a["alertname"].as_str().unwrap().to_string();
                match a["exp_alerts"].as_sequence() {
                    Some(v) if !v.is_empty() => {
                        for x in v {
                            let ann = x["exp_annotations"].as_mapping().unwrap_or_else(|| {
                                panic!("{}: {name} expected without annotations", p.display())
                            });
                            for k in ["summary", "description", "runbook_url", "dashboard_url"] {
                                assert!(ann.contains_key(k), "{}: {name} misses {k}", p.display());
                            }
                            assert!(x["exp_labels"]["severity"].as_str().is_some());
                        }
                        fires.insert(name);
                    }
                    _ => {
                        silent.insert(name);
                    }
                }
            }
        }
    }
    for r in &rules {
        assert!(fires.contains(&r.name), "{}: no firing unit test", r.name);
        assert!(
            silent.contains(&r.name),
            "{}: no negative unit test",
            r.name
        );
    }
}

/// alerts/nexo-alerts.yml is what scripts/gen-alerts.sh makes from alerts/src.
#[test]
fn generated_rules_file_is_up_to_date() {
    let s = settings();
    let keys = ["RUNBOOK_BASE", "DASHBOARD_BASE", "EXPORTER_JOB"];
    let src = std::fs::read_to_string(root().join("alerts/src/nexo-alerts.yml.in")).unwrap();
    let mut want = String::from(
        "# GENERATED by scripts/gen-alerts.sh from alerts/src/nexo-alerts.yml.in and alerts/src/settings.env; do not edit.\n",
    );
    let mut body = src;
    for k in keys {
        let v = s
            .get(k)
            .unwrap_or_else(|| panic!("{k} missing in settings.env"));
        want.push_str(&format!("# {k}={v}\n"));
        body = body.replace(&format!("@{k}@"), v);
    }
    want.push_str(&body);
    let got = std::fs::read_to_string(root().join(RULES)).unwrap();
    assert!(
        got == want,
        "{RULES} is stale: run scripts/gen-alerts.sh and commit the result"
    );
    assert!(!got.contains('@'), "unreplaced placeholder in {RULES}");
}

// ------------------------------------------------------------------------------------ style

#[test]
fn annotations_follow_the_style_guide_and_link_one_base() {
    let s = settings();
    let runbook = &s["RUNBOOK_BASE"];
    let dash = &s["DASHBOARD_BASE"];
    for r in load_rules() {
        let n = &r.name;
        assert!(
            n.chars().next().unwrap().is_ascii_uppercase()
                && n.chars().all(|c| c.is_ascii_alphanumeric()),
            "{n}: not CamelCase"
        );
        let sev = &r.labels["severity"];
        assert!(sev == "critical" || sev == "warning", "{n}: severity {sev}");
        assert!(r.labels.contains_key("category"), "{n}: no category");
        let summary = &r.annotations["summary"];
        assert!(!summary.contains("{{"), "{n}: summary must be static");
        assert!(
            summary.ends_with('.') && summary.starts_with(|c: char| c.is_ascii_uppercase()),
            "{n}: summary must be a sentence: {summary}"
        );
        let desc = &r.annotations["description"];
        assert!(desc.contains("{{"), "{n}: description must be templated");
        assert_eq!(
            r.annotations["runbook_url"],
            format!("{runbook}#{}", n.to_lowercase()),
            "{n}"
        );
        let d = &r.annotations["dashboard_url"];
        assert!(
            d.starts_with(&format!("{dash}/d/nexo-")) && d.contains("?viewPanel="),
            "{n}: dashboard_url {d}"
        );
        assert!(
            duration_secs(&r.for_) > 0,
            "{n}: every alert needs a `for` (no firing on one evaluation)"
        );
    }
}

/// The warning/critical twins read the same expression with a stricter threshold, and the
/// critical one never waits longer than its warning.
#[test]
fn critical_warning_pairs_are_consistent() {
    let rules: BTreeMap<String, Rule> = load_rules()
        .into_iter()
        .map(|r| (r.name.clone(), r))
        .collect();
    // (warning, critical, higher_is_worse)
    for (w, c, up) in [
        ("HighCPUUsage", "CriticalCPUUsage", true),
        ("HighMemoryUsage", "CriticalMemoryUsage", true),
        ("DiskSpaceLow", "DiskSpaceCritical", false),
    ] {
        let (w, c) = (&rules[w], &rules[c]);
        let split = |e: &str| -> (String, f64) {
            let e = e.trim();
            // The threshold is the last comparison of the outermost expression or of the first
            // line (disk rules: `ratio < X\nunless ...`).
            let line = if up {
                e.to_string()
            } else {
                e.lines().next().unwrap().to_string()
            };
            let pos = line.rfind([' ', '\n']).unwrap();
            let thr: f64 = line[pos + 1..].trim().parse().unwrap();
            let rest = e.replacen(&line[pos + 1..], "THRESHOLD", 1);
            (rest, thr)
        };
        let (wb, wt) = split(&w.expr);
        let (cb, ct) = split(&c.expr);
        assert_eq!(
            wb, cb,
            "{} and {} must share the expression",
            w.name, c.name
        );
        if up {
            assert!(ct > wt, "{}: {ct} vs {}: {wt}", c.name, w.name);
        } else {
            assert!(ct < wt, "{}: {ct} vs {}: {wt}", c.name, w.name);
        }
        assert!(duration_secs(&c.for_) <= duration_secs(&w.for_));
        assert_eq!(w.labels["severity"], "warning");
        assert_eq!(c.labels["severity"], "critical");
    }
    let (p95, p99) = (&rules["HighLatencyP95"], &rules["HighLatencyP99"]);
    assert_eq!(
        p95.expr.replace("0.95", "Q").replace("> 0.5", "> T"),
        p99.expr.replace("0.99", "Q").replace("> 1", "> T")
    );
    assert!(duration_secs(&p99.for_) <= duration_secs(&p95.for_));
}

// ------------------------------------------------------------------------------------ runbook

/// The runbook, at ../shared/runbook/alert-runbooks.md beside the clone (or $NEXO_RUNBOOK).
fn runbook() -> Option<String> {
    let p = std::env::var_os("NEXO_RUNBOOK")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/runbook/alert-runbooks.md"));
    match std::fs::read_to_string(&p) {
        Ok(t) => Some(t),
        Err(_) => {
            println!(
                "NOTE: runbook not found at {} (set NEXO_RUNBOOK): runbook check skipped",
                p.display()
            );
            None
        }
    }
}

/// `### Name` sections with their `**Severity**` and `**Category**`.
fn runbook_alerts(text: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut cur: Option<(String, String, String)> = None;
    for line in text.lines() {
        if let Some(h) = line.strip_prefix("### ") {
            if let Some(c) = cur.take() {
                out.push(c);
            }
            let name = h.trim().to_string();
            if name.chars().all(|c| c.is_ascii_alphanumeric()) {
                cur = Some((name, String::new(), String::new()));
            }
        } else if let Some(c) = cur.as_mut() {
            let l = line.trim();
            if let Some(v) = l.strip_prefix("**Severity**:") {
                c.1 = v.trim().to_lowercase();
            } else if let Some(v) = l.strip_prefix("**Category**:") {
                c.2 = v.trim().to_lowercase();
            }
        }
    }
    out.extend(cur);
    out
}

#[test]
fn all_25_runbook_alerts_exactly_once_with_runbook_severity_and_category() {
    let rules = load_rules();
    assert_eq!(rules.len(), 25);
    let Some(text) = runbook() else { return };
    let book = runbook_alerts(&text);
    assert_eq!(book.len(), 25, "{book:?}");
    for (name, sev, cat) in &book {
        let found: Vec<&Rule> = rules.iter().filter(|r| &r.name == name).collect();
        assert_eq!(found.len(), 1, "{name}: found {} times", found.len());
        let r = found[0];
        assert_eq!(&r.labels["severity"], sev, "{name}: severity");
        assert_eq!(&r.labels["category"], cat, "{name}: category");
        // The anchor runbook_url points at exists: GitHub's id of the `### Name` heading.
        assert!(r.annotations["runbook_url"].ends_with(&format!("#{}", name.to_lowercase())));
    }
    for r in &rules {
        assert!(
            book.iter().any(|(n, _, _)| n == &r.name),
            "{} is not in the runbook",
            r.name
        );
    }
}

// ------------------------------------------------------------------------------------ metrics

/// Metric names in a PromQL expression: identifiers that are not functions, keywords, label
/// names (in `{...}`, `by (...)`, `on (...)`, ...), durations or numbers.
fn metric_names(expr: &str) -> BTreeSet<String> {
    const KEYWORDS: [&str; 9] = [
        "by",
        "without",
        "on",
        "ignoring",
        "group_left",
        "group_right",
        "and",
        "or",
        "unless",
    ];
    // Aggregation operators may be followed by `by (...)` before their parenthesis.
    const AGGREGATORS: [&str; 12] = [
        "sum",
        "min",
        "max",
        "avg",
        "group",
        "stddev",
        "stdvar",
        "count",
        "count_values",
        "bottomk",
        "topk",
        "quantile",
    ];
    let b = expr.as_bytes();
    let mut out = BTreeSet::new();
    let mut i = 0;
    let mut skip_paren_list = false;
    let mut after_offset = false;
    while i < b.len() {
        let c = b[i] as char;
        if c == '"' || c == '\'' {
            i += 1;
            while i < b.len() && b[i] as char != c {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
        } else if c == '{' {
            while i < b.len() && b[i] != b'}' {
                i += if b[i] == b'"' {
                    let mut j = i + 1;
                    while j < b.len() && b[j] != b'"' {
                        j += if b[j] == b'\\' { 2 } else { 1 };
                    }
                    j - i + 1
                } else {
                    1
                };
            }
            i += 1;
        } else if c == '[' {
            while i < b.len() && b[i] != b']' {
                i += 1;
            }
            i += 1;
        } else if c == '(' && skip_paren_list {
            while i < b.len() && b[i] != b')' {
                i += 1;
            }
            i += 1;
            skip_paren_list = false;
        } else if c.is_ascii_digit() || (c == '.' && i + 1 < b.len() && b[i + 1].is_ascii_digit()) {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.') {
                i += 1;
            }
            after_offset = false;
        } else if c.is_ascii_alphabetic() || c == '_' || c == ':' {
            let s = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b':') {
                i += 1;
            }
            let word = &expr[s..i];
            let mut j = i;
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            let is_call = j < b.len() && b[j] == b'(';
            if after_offset {
                after_offset = false;
            } else if word == "offset" {
                after_offset = true;
            } else if KEYWORDS.contains(&word) {
                skip_paren_list = !matches!(word, "and" | "or" | "unless");
            } else if word == "bool" || AGGREGATORS.contains(&word) {
            } else if !is_call {
                out.insert(word.to_string());
            }
        } else {
            if !c.is_ascii_whitespace() {
                skip_paren_list = false;
            }
            i += 1;
        }
    }
    out
}

#[test]
fn metric_name_extraction() {
    let got = metric_names(
        "sum by (service, le) (rate(x_total{a=\"b}\"}[5m] offset 1h)) / on (job) group_left () (y > 0) > 100e6 and bool z",
    );
    assert_eq!(
        got,
        ["x_total", "y", "z"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    );
}

/// The one metric-name list shared with tests/dashboards.rs.
const METRIC_NAMES: &str = "docs/metric-names.txt";

/// `name source` lines of docs/metric-names.txt (`#` starts a comment).
fn contract() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(root().join(METRIC_NAMES)).unwrap();
    text.lines()
        .map(|l| l.split('#').next().unwrap().trim())
        .filter(|l| !l.is_empty())
        .map(|l| {
            let mut it = l.split_whitespace();
            (
                it.next().unwrap().to_string(),
                it.next()
                    .unwrap_or_else(|| panic!("{METRIC_NAMES}: no source column in {l:?}"))
                    .to_string(),
            )
        })
        .collect()
}

/// Sample names in an exposition text.
fn exposed_names(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| l.split(['{', ' ']).next().unwrap().to_string())
        .collect()
}

#[test]
fn every_rule_metric_is_exported_or_in_the_contract() {
    // The embedded default configuration (all probes), scraped live.
    let ex = Exporter::start("", &[]);
    let exposed = exposed_names(&ex.scrape());
    let contract = contract();
    let mut from_list = Vec::new();
    for r in load_rules() {
        for m in metric_names(&r.expr) {
            if exposed.contains(&m) {
                continue;
            }
            let src = contract.get(&m).unwrap_or_else(|| {
                panic!(
                    "{}: metric {m} is neither exported by nexo-exporter nor in {METRIC_NAMES}",
                    r.name
                )
            });
            assert!(
                src != "exporter:host" && src != "exporter:self",
                "{}: {m} ({src}) should be in the live scrape",
                r.name
            );
            from_list.push(format!("{m} ({src}, {})", r.name));
        }
    }
    from_list.sort();
    from_list.dedup();
    println!(
        "accepted from {METRIC_NAMES}, not in this scrape:\n  {}",
        from_list.join("\n  ")
    );
}
