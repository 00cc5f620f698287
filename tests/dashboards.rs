//! The shipped Grafana dashboards (dashboards/*.json, generated from the mixin, docs/mixin.md):
//! every panel query parses on a real Prometheus (Debian's /usr/bin/prometheus), and every
//! alert's dashboard_url opens that alert's own panel.

mod common;

use common::mixin;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;

fn root() -> PathBuf {
    mixin::repo()
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

/// (dashboard title, panel title, expr) of every panel query.
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
    assert!(n > 50, "too few queries checked: {n}");
    assert!(
        errors.is_empty(),
        "queries Prometheus refuses:\n{}",
        errors.join("\n")
    );
}

/// Every alert's dashboard_url is `<grafanaBase>/d/<uid>?viewPanel=<id>` where the uid is a
/// shipped dashboard and the id a panel on it, and that panel is the alert's own panel.
#[test]
fn every_dashboard_url_opens_the_alerts_panel() {
    let dbs = dashboards();
    let base = mixin::config()["grafanaBase"].as_str().unwrap().to_string();
    let mut errors = Vec::new();
    let alerts = mixin::alerts();
    assert_eq!(alerts.len(), 25);
    for a in &alerts {
        let alert = s(a, "alert");
        let url = s(&a["annotations"], "dashboard_url");
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

/// Every alert has a panel with its runbook number as id on the overview and on the dashboard
/// of its dashboard_url; each such panel plots the alert object's `value` (or the worst N of
/// it) and draws the alert's threshold: the panel shows what the rule checks.
#[test]
fn alert_panels_plot_the_rule_value_and_threshold() {
    let dbs = dashboards();
    let top_n = mixin::config()["topN"].as_u64().unwrap();
    let mut errors = Vec::new();
    for a in mixin::alerts() {
        let alert = s(&a, "alert");
        let id = a["panel"]["id"].as_u64().unwrap();
        let value = s(&a, "value").trim_end().to_string();
        let allowed = [
            value.clone(),
            format!("topk({top_n},\n{value}\n)"),
            format!("bottomk({top_n},\n{value}\n)"),
        ];
        let mut seen = Vec::new();
        for (_, d) in &dbs {
            for p in panels(d) {
                if p["id"].as_u64() != Some(id) || !s(p, "title").starts_with(&format!("{alert}:"))
                {
                    continue;
                }
                seen.push(s(d, "uid").to_string());
                let expr = s(&p["targets"][0], "expr");
                if !allowed.iter().any(|x| x == expr) {
                    errors.push(format!(
                        "{alert} on {}: plots {expr:?}, not {value:?}",
                        s(d, "uid")
                    ));
                }
                let steps = p["fieldConfig"]["defaults"]["thresholds"]["steps"]
                    .as_array()
                    .unwrap();
                let thr = a["threshold"].as_f64().unwrap();
                let drawn: Vec<f64> = steps.iter().filter_map(|st| st["value"].as_f64()).collect();
                let want = if s(&a, "op") == "==" && thr == 0.0 {
                    1.0
                } else {
                    thr
                };
                if drawn != [want] {
                    errors.push(format!(
                        "{alert} on {}: thresholds {drawn:?}, want [{want}]",
                        s(d, "uid")
                    ));
                }
                let style = &p["fieldConfig"]["defaults"]["custom"]["thresholdsStyle"]["mode"];
                if style != "line" {
                    errors.push(format!("{alert} on {}: threshold not drawn", s(d, "uid")));
                }
            }
        }
        let home = s(&a["panel"], "dashboard").to_string();
        for uid in ["nexo-overview".to_string(), home] {
            if !seen.contains(&uid) {
                errors.push(format!("{alert}: no panel {id} on {uid}"));
            }
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

/// The overview starts with the "is anything down?" strip, then the firing alerts.
#[test]
fn overview_starts_with_the_status_strip() {
    let dbs = dashboards();
    let (_, o) = dbs
        .iter()
        .find(|(_, d)| s(d, "uid") == "nexo-overview")
        .unwrap();
    let first: Vec<&str> = panels(o).iter().take(8).map(|p| s(p, "type")).collect();
    assert_eq!(first[0], "row", "{first:?}");
    assert!(first[1..7].iter().all(|t| *t == "stat"), "{first:?}");
    assert_eq!(s(&o["panels"][0], "title"), "Is anything down?");
    assert_eq!(o["panels"][0]["gridPos"]["y"], 0);
}
