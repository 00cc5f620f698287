//! Checks the shipped Grafana dashboards (dashboards/*.json):
//! - the grafana/dashboard-linter rules that apply, re-implemented (that linter is not
//!   installable here), with exclusions read from dashboards/.lint in the linter's format;
//! - current Grafana only: no Angular panel types, no `__inputs`/`${DS_...}`, pinned schema;
//! - every panel query parses as PromQL on a real Prometheus (Debian's /usr/bin/prometheus)
//!   and uses only metric names listed in docs/metric-names.txt (shared with tests/alerts.rs);
//! - each of the 25 runbook alerts has a panel with its threshold and runbook link on the
//!   overview and on the dependency dashboard of its category;
//! - the committed files are exactly what scripts/gen_dashboards.py generates.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;

/// The schema version every dashboard pins.
const SCHEMA_VERSION: u64 = 39;

/// The 25 runbook alerts and their runbook category.
const ALERTS: [(&str, &str); 25] = [
    ("ServiceDown", "service_health"),
    ("TargetUnreachable", "service_health"),
    ("HighRestartRate", "service_health"),
    ("HighServerErrorRate", "errors"),
    ("HighClientErrorRate", "errors"),
    ("ErrorSpike", "errors"),
    ("HighLatencyP95", "latency"),
    ("HighLatencyP99", "latency"),
    ("SlowRequestRate", "latency"),
    ("HighCPUUsage", "resources"),
    ("CriticalCPUUsage", "resources"),
    ("HighMemoryUsage", "resources"),
    ("CriticalMemoryUsage", "resources"),
    ("PossibleMemoryLeak", "resources"),
    ("DiskSpaceLow", "system"),
    ("DiskSpaceCritical", "system"),
    ("HighLoadAverage", "system"),
    ("PostgreSQLDown", "database"),
    ("HighDatabaseConnections", "database"),
    ("RabbitMQDown", "messaging"),
    ("HighUnackedMessages", "messaging"),
    ("RedisDown", "cache"),
    ("RedisHighMemory", "cache"),
    ("PrometheusTooManyTimeSeries", "prometheus"),
    ("PrometheusTargetScrapeFailed", "prometheus"),
];

/// Category -> the dependency dashboard whose investigation steps cover it.
const CATEGORY_DASHBOARD: [(&str, &str); 6] = [
    ("service_health", "nexo-containers"),
    ("resources", "nexo-containers"),
    ("system", "nexo-host"),
    ("database", "nexo-postgres"),
    ("messaging", "nexo-rabbitmq"),
    ("cache", "nexo-redis"),
];

/// The dashboards that must exist (uid).
const DASHBOARDS: [&str; 6] = [
    "nexo-overview",
    "nexo-containers",
    "nexo-host",
    "nexo-postgres",
    "nexo-redis",
    "nexo-rabbitmq",
];

/// Panel types of current Grafana (React); anything else (graph, singlestat, table-old, the
/// Angular plugins) is refused.
const PANEL_TYPES: [&str; 10] = [
    "row",
    "timeseries",
    "stat",
    "gauge",
    "table",
    "bargauge",
    "text",
    "alertlist",
    "state-timeline",
    "heatmap",
];

/// Unit ids from Grafana's `valueFormats/categories.ts` (the subset a Prometheus dashboard
/// plausibly uses).
const VALID_UNITS: &[&str] = &[
    "none",
    "short",
    "sishort",
    "percent",
    "percentunit",
    "humidity",
    "dB",
    "hex0x",
    "hex",
    "sci",
    "locale",
    "pixel",
    "bool",
    "bool_yes_no",
    "bool_on_off",
    "bits",
    "bytes",
    "kbytes",
    "mbytes",
    "gbytes",
    "tbytes",
    "pbytes",
    "decbits",
    "decbytes",
    "deckbytes",
    "decmbytes",
    "decgbytes",
    "dectbytes",
    "decpbytes",
    "pps",
    "binBps",
    "Bps",
    "binbps",
    "bps",
    "KiBs",
    "Kibits",
    "KBs",
    "Kbits",
    "MiBs",
    "Mibits",
    "MBs",
    "Mbits",
    "GiBs",
    "Gibits",
    "GBs",
    "Gbits",
    "hertz",
    "ns",
    "µs",
    "ms",
    "s",
    "m",
    "h",
    "d",
    "dtdurationms",
    "dtdurations",
    "dthms",
    "dtdhms",
    "timeticks",
    "clockms",
    "clocks",
    "cps",
    "ops",
    "reqps",
    "rps",
    "wps",
    "iops",
    "eps",
    "mps",
    "recps",
    "rowsps",
    "cpm",
    "opm",
    "reqpm",
    "rpm",
    "wpm",
    "iopm",
    "epm",
    "mpm",
    "recpm",
    "rowspm",
    "dateTimeAsIso",
    "dateTimeAsUS",
    "dateTimeFromNow",
    "celsius",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// (file name, parsed dashboard) for every dashboards/*.json.
fn dashboards() -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(root().join("dashboards")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "json") {
            let text = std::fs::read_to_string(&p).unwrap();
            let v: Value = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{}: invalid JSON: {e}", p.display()));
            out.push((p.file_name().unwrap().to_string_lossy().into_owned(), v));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(!out.is_empty(), "no dashboards found");
    out
}

/// Every panel, rows' nested panels included.
fn panels(d: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    for p in d["panels"].as_array().expect("panels array") {
        out.push(p);
        if let Some(nested) = p["panels"].as_array() {
            out.extend(nested.iter());
        }
    }
    out
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or("")
}

/// dashboards/.lint: rule -> set of (dashboard title, panel title) excluded.
fn exclusions() -> BTreeMap<String, HashSet<(String, String)>> {
    let text = std::fs::read_to_string(root().join("dashboards/.lint")).unwrap_or_default();
    let mut out = BTreeMap::new();
    if text.trim().is_empty() {
        return out;
    }
    let v: serde_json::Value = serde_norway::from_str(&text).expect("dashboards/.lint is YAML");
    for (rule, body) in v["exclusions"].as_object().into_iter().flatten() {
        assert!(
            !s(body, "reason").is_empty(),
            ".lint exclusion {rule} has no reason"
        );
        let mut set = HashSet::new();
        for e in body["entries"].as_array().into_iter().flatten() {
            set.insert((s(e, "dashboard").to_string(), s(e, "panel").to_string()));
        }
        assert!(
            !set.is_empty(),
            ".lint exclusion {rule} must name its panels (no blanket exclusions)"
        );
        out.insert(rule.clone(), set);
    }
    out
}

fn is_ds_var(v: &Value) -> bool {
    let uid = if v.is_string() {
        v.as_str().unwrap()
    } else {
        s(v, "uid")
    };
    uid == "$datasource" || uid == "${datasource}"
}

// ---------------------------------------------------------------------------------------
// A small PromQL lexer: enough to find metric selectors, their matchers and the function
// each selector sits in (the dashboards' queries are checked for syntax by Prometheus).

/// One metric selector: name, matcher text (inside `{}`), the innermost enclosing function.
#[derive(Debug)]
struct Selector {
    name: String,
    matchers: Option<String>,
    function: String,
}

const KEYWORDS: &[&str] = &[
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
    "bool",
    "and",
    "or",
    "unless",
    "offset",
    "inf",
    "nan",
    "atan2",
];
const LABEL_LIST_KEYWORDS: &[&str] = &[
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
];

fn skip_string(b: &[u8], mut i: usize) -> usize {
    let q = b[i];
    i += 1;
    while i < b.len() && b[i] != q {
        if b[i] == b'\\' && q != b'`' {
            i += 1;
        }
        i += 1;
    }
    i + 1
}

/// Index just past the bracket that closes the one at `i` (strings respected).
fn close(b: &[u8], i: usize, open: u8, shut: u8) -> usize {
    let mut depth = 0;
    let mut j = i;
    while j < b.len() {
        match b[j] {
            b'"' | b'\'' | b'`' => {
                j = skip_string(b, j);
                continue;
            }
            c if c == open => depth += 1,
            c if c == shut => {
                depth -= 1;
                if depth == 0 {
                    return j + 1;
                }
            }
            _ => {}
        }
        j += 1;
    }
    panic!(
        "unbalanced {} in {:?}",
        open as char,
        String::from_utf8_lossy(b)
    );
}

fn next_non_space(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

fn selectors(expr: &str) -> Vec<Selector> {
    let b = expr.as_bytes();
    let mut out = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'"' || c == b'\'' || c == b'`' {
            i = skip_string(b, i);
        } else if c == b'[' {
            i = close(b, i, b'[', b']');
        } else if c == b'(' {
            stack.push(String::new());
            i += 1;
        } else if c == b')' {
            stack.pop();
            i += 1;
        } else if c.is_ascii_digit() || (c == b'.' && b.get(i + 1).is_some_and(u8::is_ascii_digit))
        {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.' || b[i] == b'_') {
                i += 1;
            }
        } else if c.is_ascii_alphabetic() || c == b'_' || c == b':' {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b':') {
                i += 1;
            }
            let word = &expr[start..i];
            let n = next_non_space(b, i);
            if LABEL_LIST_KEYWORDS.contains(&word) {
                if b.get(n) == Some(&b'(') {
                    i = close(b, n, b'(', b')');
                }
            } else if KEYWORDS.contains(&word) {
            } else if b.get(n) == Some(&b'(') {
                stack.push(word.to_string());
                i = n + 1;
            } else if expr[n..].starts_with("by") || expr[n..].starts_with("without") {
                // aggregation with a grouping clause before its argument
            } else {
                let matchers = if b.get(n) == Some(&b'{') {
                    let end = close(b, n, b'{', b'}');
                    let m = expr[n + 1..end - 1].to_string();
                    i = end;
                    Some(m)
                } else {
                    None
                };
                let function = stack
                    .iter()
                    .rev()
                    .find(|f| !f.is_empty())
                    .cloned()
                    .unwrap_or_default();
                out.push(Selector {
                    name: word.to_string(),
                    matchers,
                    function,
                });
            }
        } else {
            i += 1;
        }
    }
    out
}

/// Range windows used inside rate/irate/increase calls.
fn rate_windows(expr: &str) -> Vec<String> {
    let b = expr.as_bytes();
    let mut out = Vec::new();
    for f in ["rate(", "irate(", "increase("] {
        let mut from = 0;
        while let Some(pos) = expr[from..].find(f) {
            let at = from + pos;
            from = at + f.len();
            let prev = expr[..at].chars().last();
            if prev.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                continue;
            }
            let open = at + f.len() - 1;
            let end = close(b, open, b'(', b')');
            let arg = &expr[open + 1..end - 1];
            let mut j = 0;
            let ab = arg.as_bytes();
            while j < ab.len() {
                match ab[j] {
                    b'"' | b'\'' | b'`' => j = skip_string(ab, j),
                    b'[' => {
                        let e = close(ab, j, b'[', b']');
                        out.push(arg[j + 1..e - 1].to_string());
                        j = e;
                    }
                    _ => j += 1,
                }
            }
        }
    }
    out
}

#[test]
fn lexer_finds_selectors_and_windows() {
    let e = r#"sum by (job, le) (rate(x_total{job=~"$job",a="}"}[$__rate_interval])) / on (instance) group_left () max(y) > 0.5 or z offset 10m"#;
    let sels = selectors(e);
    let names: Vec<&str> = sels.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["x_total", "y", "z"]);
    assert_eq!(sels[0].function, "rate");
    assert_eq!(sels[1].function, "max");
    assert!(sels[0].matchers.as_deref().unwrap().contains("$job"));
    assert!(sels[2].matchers.is_none());
    assert_eq!(rate_windows(e), ["$__rate_interval"]);
    assert_eq!(
        rate_windows("increase(a[15m]) + irate(b{c=\"[\"}[1m])"),
        ["1m", "15m"]
    );
}

// ---------------------------------------------------------------------------------------

/// Every query of every panel: (dashboard title, panel title, expr).
fn queries(dbs: &[(String, Value)]) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for (_, d) in dbs {
        for p in panels(d) {
            for t in p["targets"].as_array().into_iter().flatten() {
                out.push((
                    s(d, "title").to_string(),
                    s(p, "title").to_string(),
                    s(t, "expr").to_string(),
                ));
            }
        }
    }
    out
}

#[test]
fn dashboards_pass_the_linter_rules() {
    let dbs = dashboards();
    let excl = exclusions();
    let excluded = |rule: &str, d: &str, p: &str| {
        excl.get(rule)
            .is_some_and(|set| set.contains(&(d.to_string(), p.to_string())))
    };
    let mut errors = Vec::new();
    let mut uids = BTreeSet::new();
    let mut titles = BTreeSet::new();
    for (file, d) in &dbs {
        let title = s(d, "title");
        let uid = s(d, "uid");
        let mut err = |m: String| errors.push(format!("{file} ({title}): {m}"));
        // Dashboard level.
        if title.is_empty() || !titles.insert(title.to_string()) {
            err("title missing or not unique".into());
        }
        if uid.is_empty()
            || uid.len() > 40
            || !uid
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            || !uids.insert(uid.to_string())
        {
            err(format!("uid {uid:?} missing, invalid or not unique"));
        }
        if d["schemaVersion"].as_u64() != Some(SCHEMA_VERSION) {
            err(format!("schemaVersion must be pinned to {SCHEMA_VERSION}"));
        }
        if !d["id"].is_null() {
            err("id must be null (Grafana assigns it)".into());
        }
        for key in ["__inputs", "__requires", "__elements"] {
            if d.get(key).is_some() {
                err(format!("{key} breaks file provisioning"));
            }
        }
        let raw = serde_json::to_string(d).unwrap();
        if raw.contains("${DS_") || raw.contains("$DS_") {
            err("uses a ${DS_...} import input".into());
        }
        if s(d, "description").is_empty() {
            err("no dashboard description".into());
        }
        // template-datasource-rule
        let vars = d["templating"]["list"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let ds: Vec<&Value> = vars
            .iter()
            .filter(|v| s(v, "type") == "datasource")
            .collect();
        if ds.len() != 1
            || s(ds[0], "name") != "datasource"
            || s(ds[0], "query") != "prometheus"
            || !["Data source", "Prometheus data source"].contains(&s(ds[0], "label"))
        {
            err("template-datasource-rule: want exactly one `datasource` variable (query prometheus, label 'Data source')".into());
        }
        // template-job-rule, template-instance-rule, template-on-time-change-reload-rule
        for (name, label) in [("job", "Job"), ("instance", "Instance")] {
            match vars.iter().find(|v| s(v, "name") == name) {
                None => err(format!("template-{name}-rule: no `{name}` variable")),
                Some(v) => {
                    if s(v, "type") != "query" || !is_ds_var(&v["datasource"]) {
                        err(format!(
                            "template-{name}-rule: must be a query on $datasource"
                        ));
                    }
                    if v["multi"] != true || v["includeAll"] != true || s(v, "allValue") != ".+" {
                        err(format!("template-{name}-rule: must be multi with All = .+"));
                    }
                    if s(v, "label") != label {
                        err(format!("template-{name}-rule: label should be {label}"));
                    }
                    if v["refresh"] != 2 {
                        err(format!(
                            "template-on-time-change-reload-rule: {name} refresh must be 2"
                        ));
                    }
                }
            }
        }
        // Panels.
        let mut ids = HashSet::new();
        for p in panels(d) {
            let pt = s(p, "title");
            let ty = s(p, "type");
            let mut perr = |m: String| errors.push(format!("{file} ({title}) panel {pt:?}: {m}"));
            if !p["id"].as_u64().is_some_and(|id| ids.insert(id)) {
                perr("id missing or not unique".into());
            }
            if !PANEL_TYPES.contains(&ty) {
                perr(format!(
                    "panel type {ty:?} is not a current (non-Angular) panel"
                ));
            }
            if p["gridPos"]["w"].as_u64().is_none() || p["gridPos"]["h"].as_u64().is_none() {
                perr("no gridPos".into());
            }
            if ty == "row" {
                continue;
            }
            // panel-title-description-rule
            if pt.is_empty() || s(p, "description").is_empty() {
                perr("panel-title-description-rule: title and description required".into());
            }
            if ty == "text" {
                continue;
            }
            // panel-datasource-rule
            if !is_ds_var(&p["datasource"]) {
                perr("panel-datasource-rule: must use ${datasource}".into());
            }
            // panel-units-rule (skipped when value mappings are set, as the linter does)
            let defaults = &p["fieldConfig"]["defaults"];
            let has_mappings = defaults["mappings"]
                .as_array()
                .is_some_and(|m| !m.is_empty());
            if ty != "alertlist" && !has_mappings && !VALID_UNITS.contains(&s(defaults, "unit")) {
                perr(format!(
                    "panel-units-rule: invalid or missing unit {:?}",
                    defaults["unit"]
                ));
            }
            if ty == "alertlist" {
                continue;
            }
            // Runbook link.
            let linked = p["links"].as_array().into_iter().flatten().any(|l| {
                let url = s(l, "url");
                ALERTS
                    .iter()
                    .any(|(a, _)| url.ends_with(&format!("#{}", a.to_lowercase())))
                    || url == runbook_base()
            });
            if !linked {
                perr("no link to a runbook section".into());
            }
            // panel-no-targets-rule and the target rules.
            let targets = p["targets"].as_array().cloned().unwrap_or_default();
            if targets.is_empty() {
                perr("panel-no-targets-rule: no targets".into());
            }
            for t in &targets {
                if !is_ds_var(&t["datasource"]) {
                    perr("panel-datasource-rule: target must use ${datasource}".into());
                }
                let expr = s(t, "expr");
                if expr.is_empty() {
                    perr("target without expr".into());
                    continue;
                }
                if !excluded("target-rate-interval-rule", title, pt) {
                    for w in rate_windows(expr) {
                        if w != "$__rate_interval" {
                            perr(format!("target-rate-interval-rule: [{w}] in {expr}"));
                        }
                    }
                }
                for sel in selectors(expr) {
                    let m = sel.matchers.clone().unwrap_or_default();
                    if !excluded("target-job-rule", title, pt) && !m.contains(r#"job=~"$job""#) {
                        perr(format!("target-job-rule: {} lacks job=~\"$job\"", sel.name));
                    }
                    if !excluded("target-instance-rule", title, pt)
                        && !m.contains(r#"instance=~"$instance""#)
                    {
                        perr(format!(
                            "target-instance-rule: {} lacks instance=~\"$instance\"",
                            sel.name
                        ));
                    }
                    // target-counter-agg-rule
                    if sel.name.ends_with("_total")
                        && !["rate", "irate", "increase"].contains(&sel.function.as_str())
                    {
                        perr(format!(
                            "target-counter-agg-rule: {} outside rate/increase",
                            sel.name
                        ));
                    }
                }
            }
        }
    }
    for uid in DASHBOARDS {
        if !uids.contains(uid) {
            errors.push(format!("dashboard {uid} missing"));
        }
    }
    assert!(errors.is_empty(), "lint errors:\n{}", errors.join("\n"));
}

#[test]
fn every_alert_has_a_panel_on_the_overview_and_its_dependency_dashboard() {
    let dbs = dashboards();
    let by_uid: BTreeMap<&str, &Value> = dbs.iter().map(|(_, d)| (s(d, "uid"), d)).collect();
    let mut errors = Vec::new();
    for (alert, category) in ALERTS {
        let mut wanted = vec!["nexo-overview"];
        wanted.extend(
            CATEGORY_DASHBOARD
                .iter()
                .filter(|(c, _)| *c == category)
                .map(|(_, uid)| *uid),
        );
        for uid in wanted {
            let Some(d) = by_uid.get(uid) else {
                errors.push(format!("{uid}: missing"));
                continue;
            };
            let found = panels(d).into_iter().find(|p| {
                s(p, "title").starts_with(&format!("{alert}:"))
                    && p["links"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .any(|l| s(l, "url").ends_with(&format!("#{}", alert.to_lowercase())))
            });
            let Some(p) = found else {
                errors.push(format!(
                    "{uid}: no panel for {alert} linking to its runbook section"
                ));
                continue;
            };
            let d = &p["fieldConfig"]["defaults"];
            let drawn = s(&d["custom"]["thresholdsStyle"], "mode").starts_with("line")
                || s(&d["custom"]["thresholdsStyle"], "mode") == "dashed";
            let has_value = d["thresholds"]["steps"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|st| st["value"].is_number());
            if !drawn || !has_value {
                errors.push(format!("{uid}: {alert} panel does not draw its threshold"));
            }
        }
    }
    // The overview has a firing-alerts panel.
    let overview = by_uid["nexo-overview"];
    let firing = panels(overview).into_iter().any(|p| {
        s(p, "type") == "alertlist"
            || p["targets"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|t| s(t, "expr").contains("ALERTS{") && s(t, "expr").contains("firing"))
    });
    if !firing {
        errors.push("nexo-overview: no firing-alerts panel".into());
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

/// A `KEY=value` of alerts/src/settings.env (the one place for the runbook and Grafana base
/// URLs, shared by the alert rules and scripts/gen_dashboards.py).
fn setting(key: &str) -> String {
    std::fs::read_to_string(root().join("alerts/src/settings.env"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .find(|(k, _)| k.trim() == key)
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_else(|| panic!("{key} missing in alerts/src/settings.env"))
}

fn runbook_base() -> String {
    setting("RUNBOOK_BASE")
}

fn allowed_metric_names() -> BTreeSet<String> {
    let text = std::fs::read_to_string(root().join("docs/metric-names.txt")).unwrap();
    text.lines()
        .map(|l| l.split('#').next().unwrap().trim())
        .filter(|l| !l.is_empty())
        // `name source`: the source column is read by tests/alerts.rs
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .collect()
}

#[test]
fn queries_use_only_known_metric_names() {
    let allowed = allowed_metric_names();
    let mut unknown = BTreeSet::new();
    let mut used = BTreeSet::new();
    for (d, p, expr) in queries(&dashboards()) {
        for sel in selectors(&expr) {
            used.insert(sel.name.clone());
            if !allowed.contains(&sel.name) {
                unknown.insert(format!("{d} / {p}: {}", sel.name));
            }
        }
    }
    assert!(
        used.len() > 20,
        "lexer found too few metric names: {used:?}"
    );
    assert!(
        unknown.is_empty(),
        "metric names not in docs/metric-names.txt:\n{}",
        unknown.into_iter().collect::<Vec<_>>().join("\n")
    );
}

/// Grafana variables replaced by what Grafana would send.
fn substitute(expr: &str) -> String {
    expr.replace("$__rate_interval", "1m")
        .replace("${__rate_interval}", "1m")
        .replace("$__interval", "30s")
        .replace("$__range", "1h")
        .replace("${job}", ".+")
        .replace("$job", ".+")
        .replace("${instance}", ".+")
        .replace("$instance", ".+")
}

fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A private Prometheus on a free loopback port with a temporary data dir.
struct Prometheus {
    _guard: common::Guard,
    _dir: tempfile::TempDir,
    addr: std::net::SocketAddr,
}

impl Prometheus {
    fn start() -> Prometheus {
        let dir = tempfile::tempdir().unwrap();
        let cfg = dir.path().join("prometheus.yml");
        std::fs::write(&cfg, "global:\n  scrape_interval: 15s\n").unwrap();
        let port = common::free_port();
        let addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let log = std::fs::File::create(dir.path().join("prometheus.log")).unwrap();
        let child = Command::new("prometheus")
            .arg(format!("--config.file={}", cfg.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address={addr}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("prometheus (Debian package `prometheus`) must be installed");
        let guard = common::Guard(child);
        let ready = common::wait_for(Duration::from_secs(60), || {
            common::http(addr, "GET", "/-/ready", &[])
                .ok()
                .filter(|r| r.status == 200)
        });
        assert!(
            ready.is_some(),
            "prometheus did not get ready: {}",
            std::fs::read_to_string(dir.path().join("prometheus.log")).unwrap_or_default()
        );
        Prometheus {
            _guard: guard,
            _dir: dir,
            addr,
        }
    }

    /// Ok when Prometheus accepts the query, Err(body) when it does not.
    fn query(&self, q: &str) -> Result<(), String> {
        let path = format!("/api/v1/query?query={}", urlencode(q));
        let r = common::http(self.addr, "GET", &path, &[]).map_err(|e| e.to_string())?;
        let body = r.text();
        if r.status == 200 && body.contains(r#""status":"success""#) {
            Ok(())
        } else {
            Err(format!("HTTP {}: {body}", r.status))
        }
    }
}

#[test]
fn every_query_parses_on_a_real_prometheus() {
    let prom = Prometheus::start();
    // The checker itself must refuse bad PromQL.
    assert!(prom.query("rate(up[1m]").is_err());
    assert!(prom.query("up{job=~\".+\"}").is_ok());
    let dbs = dashboards();
    let mut errors = Vec::new();
    let mut n = 0;
    for (d, p, expr) in queries(&dbs) {
        n += 1;
        if let Err(e) = prom.query(&substitute(&expr)) {
            errors.push(format!("{d} / {p}: {expr}\n  -> {e}"));
        }
    }
    // Variable queries: label_values(<selector>, label) -> the selector must parse.
    for (_, d) in &dbs {
        for v in d["templating"]["list"].as_array().into_iter().flatten() {
            if s(v, "type") != "query" {
                continue;
            }
            let q = v["query"]["query"]
                .as_str()
                .or(v["query"].as_str())
                .unwrap_or("");
            let inner = q
                .strip_prefix("label_values(")
                .and_then(|r| r.rsplit_once(','))
                .map(|(sel, _)| sel.trim().to_string())
                .unwrap_or_else(|| q.to_string());
            n += 1;
            if let Err(e) = prom.query(&substitute(&inner)) {
                errors.push(format!(
                    "{} variable {}: {q}\n  -> {e}",
                    s(d, "title"),
                    s(v, "name")
                ));
            }
        }
    }
    // The alert form of the 25 expressions (what the rules in alerts/ should use).
    let out = Command::new("python3")
        .arg(root().join("scripts/gen_dashboards.py"))
        .arg("--list")
        .output()
        .expect("python3");
    let list = String::from_utf8_lossy(&out.stdout).into_owned();
    let blocks: Vec<&str> = list
        .split("\n\n")
        .filter(|b| !b.trim().is_empty())
        .collect();
    assert_eq!(blocks.len(), 25, "{list}");
    for b in blocks {
        let (head, expr) = b.split_once('\n').unwrap();
        n += 1;
        if let Err(e) = prom.query(expr) {
            errors.push(format!("alert form {head}: {expr}\n  -> {e}"));
        }
    }
    assert!(n > 50, "too few queries checked: {n}");
    assert!(
        errors.is_empty(),
        "queries Prometheus refuses:\n{}",
        errors.join("\n")
    );
}

/// Files the generator writes, relative to the repository root.
fn generated_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for sub in ["dashboards", "deploy/kubernetes"] {
        if let Ok(rd) = std::fs::read_dir(dir.join(sub)) {
            for e in rd {
                let p = e.unwrap().path();
                out.push(p.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn committed_dashboards_match_the_generator() {
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new("python3")
        .arg(root().join("scripts/gen_dashboards.py"))
        .arg("--root")
        .arg(tmp.path())
        .output()
        .expect("python3 must be installed to run scripts/gen_dashboards.py");
    assert!(
        out.status.success(),
        "generator failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let files = generated_files(tmp.path());
    assert!(files.len() >= 7, "generator wrote too little: {files:?}");
    let mut drift = Vec::new();
    for rel in &files {
        let want = std::fs::read(tmp.path().join(rel)).unwrap();
        let have = std::fs::read(root().join(rel)).unwrap_or_default();
        if want != have {
            drift.push(rel.display().to_string());
        }
    }
    // Every committed dashboard must come from the generator.
    for e in std::fs::read_dir(root().join("dashboards")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "json") {
            let rel = p.strip_prefix(root()).unwrap().to_path_buf();
            if !files.contains(&rel) {
                drift.push(format!("{} (not generated)", rel.display()));
            }
        }
    }
    assert!(
        drift.is_empty(),
        "generated files drifted; run `python3 scripts/gen_dashboards.py` and commit:\n{}",
        drift.join("\n")
    );
}

#[test]
fn dashboard_configmaps_carry_the_dashboards() {
    let text =
        std::fs::read_to_string(root().join("deploy/kubernetes/grafana-dashboards.yaml")).unwrap();
    let mut seen = BTreeSet::new();
    for doc in serde_norway::Deserializer::from_str(&text) {
        let v: Value = serde::Deserialize::deserialize(doc).unwrap();
        if v.is_null() {
            continue;
        }
        assert_eq!(s(&v, "kind"), "ConfigMap");
        assert_eq!(v["metadata"]["labels"]["grafana_dashboard"], "1");
        for (key, body) in v["data"].as_object().unwrap() {
            let file = std::fs::read_to_string(root().join("dashboards").join(key)).unwrap();
            let a: Value = serde_json::from_str(body.as_str().unwrap()).unwrap();
            let b: Value = serde_json::from_str(&file).unwrap();
            assert!(
                a == b,
                "ConfigMap copy of {key} differs from dashboards/{key}: run python3 scripts/gen_dashboards.py"
            );
            seen.insert(key.clone());
        }
    }
    assert_eq!(seen.len(), DASHBOARDS.len(), "{seen:?}");
}

/// (alert name, expr, dashboard_url) of every rule in alerts/nexo-alerts.yml.
fn rules() -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(root().join("alerts/nexo-alerts.yml")).unwrap();
    let doc: Value = serde_norway::from_str(&text).unwrap();
    let mut out = Vec::new();
    for g in doc["groups"].as_array().unwrap() {
        for r in g["rules"].as_array().unwrap() {
            out.push((
                s(r, "alert").to_string(),
                s(r, "expr").trim().to_string(),
                s(&r["annotations"], "dashboard_url").to_string(),
            ));
        }
    }
    assert_eq!(out.len(), 25);
    out
}

/// Every rule's dashboard_url is `<DASHBOARD_BASE>/d/<uid>?viewPanel=<id>` where the uid is a
/// shipped dashboard and the id a panel on it, and that panel is the alert's own panel.
#[test]
fn every_dashboard_url_points_to_the_alerts_panel() {
    let dbs = dashboards();
    let base = setting("DASHBOARD_BASE");
    let mut errors = Vec::new();
    for (alert, _, url) in rules() {
        let Some(rest) = url.strip_prefix(&format!("{base}/d/")) else {
            errors.push(format!("{alert}: {url} does not start with {base}/d/"));
            continue;
        };
        let Some((uid, id)) = rest.split_once("?viewPanel=") else {
            errors.push(format!("{alert}: {url} has no ?viewPanel="));
            continue;
        };
        let Some((_, d)) = dbs.iter().find(|(_, d)| s(d, "uid") == uid) else {
            errors.push(format!("{alert}: no dashboard with uid {uid} ({url})"));
            continue;
        };
        let id: u64 = id.parse().unwrap_or(0);
        match panels(d).into_iter().find(|p| p["id"].as_u64() == Some(id)) {
            None => errors.push(format!(
                "{alert}: dashboard {uid} has no panel {id} ({url})"
            )),
            Some(p) if !s(p, "title").starts_with(&format!("{alert}:")) => errors.push(format!(
                "{alert}: {url} opens panel {:?}, not the alert's panel",
                s(p, "title")
            )),
            Some(_) => {}
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

/// Each alert panel (on every dashboard) queries the rule's own expression up to its
/// threshold: the panel query with the job/instance matchers taken out and $__rate_interval
/// read as the rule's 5m window is a prefix of the rule expression, and the panel's threshold
/// is the number that follows.
#[test]
fn alert_panels_show_the_rule_expression_and_threshold() {
    let flat = |e: &str| e.split_whitespace().collect::<Vec<_>>().join(" ");
    let rules = rules();
    let mut errors = Vec::new();
    let mut checked = 0;
    for (file, d) in dashboards() {
        for p in panels(&d) {
            let title = s(p, "title");
            let Some((_, expr, _)) = rules
                .iter()
                .find(|(a, _, _)| title.starts_with(&format!("{a}:")))
            else {
                continue;
            };
            checked += 1;
            let q = s(&p["targets"][0], "expr")
                .replace(r#"job=~"$job",instance=~"$instance","#, "")
                .replace(r#"{job=~"$job",instance=~"$instance"}"#, "")
                .replace("[$__rate_interval]", "[5m]");
            let (q, rule) = (flat(&q), flat(expr));
            let Some(rest) = rule.strip_prefix(&q) else {
                errors.push(format!(
                    "{file} / {title}: query {q:?} is not the rule's {rule:?}"
                ));
                continue;
            };
            let thr = rest
                .split_whitespace()
                .nth(1)
                .and_then(|t| t.parse::<f64>().ok());
            let steps: Vec<f64> = p["fieldConfig"]["defaults"]["thresholds"]["steps"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|st| st["value"].as_f64())
                .collect();
            let op = rest.split_whitespace().next().unwrap_or("");
            let drawn = match (op, thr) {
                // a down gauge (`== 0`) is drawn as "red below 1"
                ("==", Some(0.0)) => steps == [1.0],
                (">" | ">=" | "<" | "<=", Some(t)) => steps == [t],
                _ => false,
            };
            if !drawn {
                errors.push(format!(
                    "{file} / {title}: threshold steps {steps:?} do not match `{rest}`"
                ));
            }
        }
    }
    assert!(
        checked >= 25 + 17,
        "too few alert panels checked: {checked}"
    );
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}
