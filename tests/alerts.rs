//! The shipped alert rules (generated from the mixin, docs/mixin.md) checked with the real
//! tools: `promtool check rules` / `promtool test rules` (the unit tests are generated from
//! the mixin too, with thresholds from _config), the 25 runbook alerts (names, severity,
//! category, runbook anchors that exist), the mixin's alert objects (a warning/critical pair
//! shares its expression), and the Alertmanager configuration with `amtool` and a live
//! `prometheus-alertmanager`.

mod common;

use common::mixin;
use common::*;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_norway::Value;

fn root() -> PathBuf {
    mixin::repo()
}

const RULES: &str = "alerts/nexo-alerts.yml";
const AM_CONFIG: &str = "deploy/alertmanager/alertmanager.yml";

/// One alerting rule as shipped.
#[derive(Debug, Clone)]
struct Rule {
    name: String,
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
                for_: r["for"].as_str().unwrap_or("0s").to_string(),
                labels: map(&r["labels"]),
                annotations: map(&r["annotations"]),
            });
        }
    }
    out
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

// ------------------------------------------------------------------------------------ style

#[test]
fn annotations_follow_the_style_guide_and_link_one_base() {
    let cfg = mixin::config();
    let runbook = cfg["runbookBase"].as_str().unwrap();
    let grafana = cfg["grafanaBase"].as_str().unwrap();
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
            d.starts_with(&format!("{grafana}/d/nexo-")) && d.contains("?viewPanel="),
            "{n}: dashboard_url {d}"
        );
        assert!(
            duration_secs(&r.for_) > 0,
            "{n}: every alert needs a `for` (no firing on one evaluation)"
        );
    }
}

/// The warning/critical twins plot the same value with a stricter threshold (read from the
/// mixin's alert objects), and the critical one never waits longer than its warning.
#[test]
fn critical_warning_pairs_are_consistent() {
    let alerts: BTreeMap<String, serde_json::Value> = mixin::alerts()
        .into_iter()
        .map(|a| (a["alert"].as_str().unwrap().to_string(), a))
        .collect();
    for (w, c) in [
        ("HighCPUUsage", "CriticalCPUUsage"),
        ("HighMemoryUsage", "CriticalMemoryUsage"),
        ("DiskSpaceLow", "DiskSpaceCritical"),
        ("HighLatencyP95", "HighLatencyP99"),
    ] {
        let (w, c) = (&alerts[w], &alerts[c]);
        if w["alert"] != "HighLatencyP95" {
            assert_eq!(w["value"], c["value"], "{} / {}", w["alert"], c["alert"]);
            assert_eq!(w["guard"], c["guard"]);
        }
        assert_eq!(w["op"], c["op"]);
        let (wt, ct) = (
            w["threshold"].as_f64().unwrap(),
            c["threshold"].as_f64().unwrap(),
        );
        match w["op"].as_str().unwrap() {
            ">" | ">=" => assert!(ct > wt, "{}: {ct} vs {wt}", c["alert"]),
            _ => assert!(ct < wt, "{}: {ct} vs {wt}", c["alert"]),
        }
        let secs = |a: &serde_json::Value| duration_secs(a["for"].as_str().unwrap());
        assert!(secs(c) <= secs(w), "{}", c["alert"]);
        assert_eq!(w["severity"], "warning");
        assert_eq!(c["severity"], "critical");
    }
}

// ------------------------------------------------------------------------------------ runbook

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

/// GitHub's anchor of a heading: lower case, spaces to '-', punctuation dropped.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

#[test]
fn all_25_runbook_alerts_exactly_once_with_runbook_severity_and_category() {
    let rules = load_rules();
    assert_eq!(rules.len(), 25);
    let text = mixin::runbook();
    let book = runbook_alerts(&text);
    assert_eq!(book.len(), 25, "{book:?}");
    for (name, sev, cat) in &book {
        let found: Vec<&Rule> = rules.iter().filter(|r| &r.name == name).collect();
        assert_eq!(found.len(), 1, "{name}: found {} times", found.len());
        let r = found[0];
        assert_eq!(&r.labels["severity"], sev, "{name}: severity");
        assert_eq!(&r.labels["category"], cat, "{name}: category");
    }
    for r in &rules {
        assert!(
            book.iter().any(|(n, _, _)| n == &r.name),
            "{} is not in the runbook",
            r.name
        );
    }
}

/// Every runbook_url's anchor is the anchor of a heading of the runbook.
#[test]
fn every_runbook_url_opens_a_runbook_heading() {
    let text = mixin::runbook();
    let anchors: BTreeSet<String> = text
        .lines()
        .filter(|l| l.starts_with('#'))
        .map(|l| anchor(l.trim_start_matches('#')))
        .collect();
    for r in load_rules() {
        let url = &r.annotations["runbook_url"];
        let (_, a) = url
            .split_once('#')
            .unwrap_or_else(|| panic!("{url}: no anchor"));
        assert!(anchors.contains(a), "{}: {url}: no such heading", r.name);
    }
}

// ------------------------------------------------------------------------------------ amtool

#[test]
fn amtool_check_config() {
    let (ok, out) = run(Command::new("amtool").args(["check-config", AM_CONFIG]));
    assert!(ok, "{out}");
    assert!(out.contains("SUCCESS"), "{out}");
}

fn route(labels: &[String]) -> (bool, String) {
    run(Command::new("amtool")
        .args(["config", "routes", "test", "--config.file", AM_CONFIG])
        .args(labels))
}

/// Each of the 25 alerts, with its severity, reaches pager+incidents (critical) or the team
/// channel (warning); a mismatch is reported by amtool itself.
#[test]
fn amtool_routes_every_alert_by_severity() {
    for r in load_rules() {
        let sev = &r.labels["severity"];
        let want = if sev == "critical" {
            "pager,incidents"
        } else {
            "team-channel"
        };
        let args = vec![
            format!("--verify.receivers={want}"),
            format!("alertname={}", r.name),
            format!("severity={sev}"),
            format!("category={}", r.labels["category"]),
            "job=nexo-exporter".into(),
            "instance=exporter:8910".into(),
        ];
        let (ok, out) = route(&args);
        assert!(ok, "{}: {out}", r.name);
    }
    // Representative label sets and the negative check: amtool reports a wrong receiver.
    let (ok, out) = route(&[
        "--verify.receivers=pager".into(),
        "alertname=DiskSpaceLow".into(),
        "severity=warning".into(),
    ]);
    assert!(!ok && out.contains("did not match"), "{out}");
    let (ok, out) = route(&[
        "--verify.receivers=team-channel".into(),
        "alertname=Unknown".into(),
    ]);
    assert!(ok, "no severity falls back to the team channel: {out}");
}

// ------------------------------------------------------------------------------------ inhibition

fn post_json(addr: SocketAddr, path: &str, body: &str) -> String {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

/// GET over HTTP/1.0, so the body is never chunked.
fn get_body(addr: SocketAddr, path: &str) -> Option<Vec<u8>> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").ok()?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).ok()?;
    let split = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
    Some(buf[split + 4..].to_vec())
}

fn alert_json(labels: &[(&str, &str)]) -> serde_json::Value {
    let l: serde_json::Map<String, serde_json::Value> = labels
        .iter()
        .map(|(k, v)| (k.to_string(), serde_json::Value::from(*v)))
        .collect();
    serde_json::json!({ "labels": l, "annotations": {"summary": "test"} })
}

/// The shipped configuration in a real Alertmanager 0.25 (amtool 0.25 cannot test inhibitions
/// offline): post source and target alerts, read which ones are inhibited.
#[test]
fn alertmanager_inhibitions_work_live() {
    if !Path::new("/usr/bin/prometheus-alertmanager").exists() {
        println!("NOTE: /usr/bin/prometheus-alertmanager missing: inhibition test skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let child = Command::new("/usr/bin/prometheus-alertmanager")
        .arg(format!(
            "--config.file={}",
            root().join(AM_CONFIG).display()
        ))
        .arg(format!("--storage.path={}", dir.path().display()))
        .arg(format!("--web.listen-address={addr}"))
        .arg("--cluster.listen-address=")
        .stdout(Stdio::null())
        .stderr(Stdio::from(
            std::fs::File::create(dir.path().join("am.log")).unwrap(),
        ))
        .spawn()
        .unwrap();
    let _g = Guard(child);
    assert!(
        wait_for(Duration::from_secs(20), || http(
            addr,
            "GET",
            "/-/ready",
            &[]
        )
        .ok()
        .filter(|r| r.status == 200))
        .is_some(),
        "alertmanager did not start: {}",
        std::fs::read_to_string(dir.path().join("am.log")).unwrap_or_default()
    );
    let ex = [("job", "nexo-exporter"), ("instance", "exporter:8910")];
    let with = |extra: &[(&'static str, &'static str)]| -> Vec<(&'static str, &'static str)> {
        let mut v: Vec<(&str, &str)> = ex.to_vec();
        v.extend_from_slice(extra);
        v
    };
    // (labels, expected inhibited)
    let cases: Vec<(Vec<(&str, &str)>, bool)> = vec![
        (
            with(&[
                ("alertname", "CriticalCPUUsage"),
                ("severity", "critical"),
                ("name", "crm"),
            ]),
            false,
        ),
        (
            with(&[
                ("alertname", "HighCPUUsage"),
                ("severity", "warning"),
                ("name", "crm"),
            ]),
            true,
        ),
        (
            with(&[
                ("alertname", "HighCPUUsage"),
                ("severity", "warning"),
                ("name", "auth"),
            ]),
            false,
        ),
        (
            with(&[
                ("alertname", "CriticalMemoryUsage"),
                ("severity", "critical"),
                ("name", "crm"),
            ]),
            false,
        ),
        (
            with(&[
                ("alertname", "HighMemoryUsage"),
                ("severity", "warning"),
                ("name", "crm"),
            ]),
            true,
        ),
        (
            with(&[
                ("alertname", "DiskSpaceCritical"),
                ("severity", "critical"),
                ("mountpoint", "/"),
            ]),
            false,
        ),
        (
            with(&[
                ("alertname", "DiskSpaceLow"),
                ("severity", "warning"),
                ("mountpoint", "/"),
            ]),
            true,
        ),
        (
            with(&[
                ("alertname", "DiskSpaceLow"),
                ("severity", "warning"),
                ("mountpoint", "/data"),
            ]),
            false,
        ),
        (
            vec![
                ("alertname", "HighLatencyP99"),
                ("severity", "critical"),
                ("service", "gateway"),
            ],
            false,
        ),
        (
            vec![
                ("alertname", "HighLatencyP95"),
                ("severity", "warning"),
                ("service", "gateway"),
            ],
            true,
        ),
        (
            vec![
                ("alertname", "HighLatencyP95"),
                ("severity", "warning"),
                ("service", "auth"),
            ],
            false,
        ),
        (
            with(&[("alertname", "PostgreSQLDown"), ("severity", "critical")]),
            false,
        ),
        (
            with(&[
                ("alertname", "HighDatabaseConnections"),
                ("severity", "warning"),
            ]),
            true,
        ),
        (
            with(&[("alertname", "RedisDown"), ("severity", "critical")]),
            false,
        ),
        (
            with(&[("alertname", "RedisHighMemory"), ("severity", "warning")]),
            true,
        ),
        (
            with(&[("alertname", "RabbitMQDown"), ("severity", "critical")]),
            false,
        ),
        (
            with(&[
                ("alertname", "HighUnackedMessages"),
                ("severity", "warning"),
                ("queue", "q"),
                ("vhost", "/"),
            ]),
            true,
        ),
        (
            with(&[
                ("alertname", "ServiceDown"),
                ("severity", "critical"),
                ("service", "crm-service"),
            ]),
            false,
        ),
        (
            vec![
                ("alertname", "HighServerErrorRate"),
                ("severity", "critical"),
                ("service", "crm-service"),
            ],
            true,
        ),
        (
            vec![
                ("alertname", "ErrorSpike"),
                ("severity", "warning"),
                ("service", "crm-service"),
            ],
            true,
        ),
        (
            vec![
                ("alertname", "SlowRequestRate"),
                ("severity", "warning"),
                ("service", "crm-service"),
            ],
            true,
        ),
        (
            vec![
                ("alertname", "HighServerErrorRate"),
                ("severity", "critical"),
                ("service", "auth"),
            ],
            false,
        ),
        (
            vec![
                ("alertname", "TargetUnreachable"),
                ("severity", "warning"),
                ("job", "crm"),
                ("instance", "crm:3003"),
            ],
            false,
        ),
        (
            vec![
                ("alertname", "PrometheusTargetScrapeFailed"),
                ("severity", "warning"),
                ("job", "crm"),
                ("instance", "crm:3003"),
            ],
            true,
        ),
        (
            vec![
                ("alertname", "PrometheusTargetScrapeFailed"),
                ("severity", "warning"),
                ("job", "gw"),
                ("instance", "gw:3001"),
            ],
            false,
        ),
        // No source label on either side must not inhibit (the `=~".+"` guards).
        (
            vec![("alertname", "HighCPUUsage"), ("severity", "warning")],
            false,
        ),
    ];
    // The guard case needs a CriticalCPUUsage without `name` too.
    let mut all: Vec<serde_json::Value> = cases.iter().map(|(l, _)| alert_json(l)).collect();
    all.push(alert_json(&[
        ("alertname", "CriticalCPUUsage"),
        ("severity", "critical"),
    ]));
    let resp = post_json(
        addr,
        "/api/v2/alerts",
        &serde_json::Value::from(all).to_string(),
    );
    assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");

    let state = |labels: &[(&str, &str)]| -> Option<bool> {
        let body = get_body(addr, "/api/v2/alerts")?;
        let v: serde_json::Value = serde_json::from_slice(&body).ok()?;
        v.as_array()?.iter().find_map(|a| {
            let l = a["labels"].as_object()?;
            let same = l.len() == labels.len()
                && labels
                    .iter()
                    .all(|(k, v)| l.get(*k).and_then(|x| x.as_str()) == Some(*v));
            same.then(|| !a["status"]["inhibitedBy"].as_array().unwrap().is_empty())
        })
    };
    for (labels, inhibited) in &cases {
        let got = wait_for(Duration::from_secs(10), || {
            state(labels).filter(|s| s == inhibited)
        });
        assert_eq!(
            got,
            Some(*inhibited),
            "{labels:?}: expected inhibited={inhibited}, got {:?}",
            state(labels)
        );
    }
}
