//! The shipped alert rules (generated from the mixin, docs/mixin.md) checked with the real
//! tools: `promtool check rules` / `promtool test rules` (the unit tests are generated from
//! the mixin too, with thresholds from _config), the 25 runbook alerts (names, severity,
//! category, runbook anchors that exist), the mixin's alert objects (a warning/critical pair
//! shares its expression). Alertmanager routing and inhibitions: tests/alertmanager.rs.

mod common;

use common::mixin;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_norway::Value;

fn root() -> PathBuf {
    mixin::repo()
}

const RULES: &str = "alerts/nexo-alerts.yml";

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
    let n = load_rules().len();
    assert!(out.contains(&format!("SUCCESS: {n} rules found")), "{out}");
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
    let beyond = beyond_the_runbook();
    for r in load_rules() {
        let n = &r.name;
        assert!(
            n.chars().next().unwrap().is_ascii_uppercase()
                && n.chars().all(|c| c.is_ascii_alphanumeric()),
            "{n}: not CamelCase"
        );
        let sev = &r.labels["severity"];
        assert!(
            sev == "critical" || sev == "warning" || (n == "Watchdog" && sev == "none"),
            "{n}: severity {sev}"
        );
        assert!(r.labels.contains_key("category"), "{n}: no category");
        let summary = &r.annotations["summary"];
        assert!(!summary.contains("{{"), "{n}: summary must be static");
        assert!(
            summary.ends_with('.') && summary.starts_with(|c: char| c.is_ascii_uppercase()),
            "{n}: summary must be a sentence: {summary}"
        );
        let desc = &r.annotations["description"];
        assert!(desc.contains("{{"), "{n}: description must be templated");
        // The runbook's own entry; alerts beyond the runbook link the nearest entry
        // (checked against docs/alerts.md below).
        if !beyond.contains_key(n) {
            assert_eq!(
                r.annotations["runbook_url"],
                format!("{runbook}#{}", n.to_lowercase()),
                "{n}"
            );
        } else {
            assert_eq!(
                r.annotations["runbook_url"],
                format!("{runbook}#{}", beyond[n]),
                "{n}: runbook_url differs from docs/alerts.md"
            );
        }
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

/// The alerts the runbook has no entry for, with the runbook anchor each links: the rows
/// `| Name | ... | #anchor | ...` of the table under docs/alerts.md's "Alerts beyond the
/// runbook" heading (the first cell the name, the first `#...` cell the anchor).
fn beyond_the_runbook() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(root().join("docs/alerts.md")).unwrap();
    let start = text
        .find("## Alerts beyond the runbook")
        .expect("docs/alerts.md: no \"## Alerts beyond the runbook\" section");
    let section = &text[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
    section
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| ---") && !l.starts_with("| Alert "))
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let name = cells.get(1)?.trim_matches('`').to_string();
            let a = cells
                .iter()
                .find_map(|c| c.trim_matches('`').strip_prefix('#').map(|a| a.to_string()))?;
            Some((name, a))
        })
        .collect()
}

#[test]
fn all_25_runbook_alerts_exactly_once_with_runbook_severity_and_category() {
    let rules = load_rules();
    let beyond = beyond_the_runbook();
    assert_eq!(rules.len(), 25 + beyond.len(), "{beyond:?}");
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
            book.iter().any(|(n, _, _)| n == &r.name) || beyond.contains_key(&r.name),
            "{} is neither in the runbook nor in docs/alerts.md's alerts beyond the runbook",
            r.name
        );
    }
    for n in beyond.keys() {
        assert!(
            rules.iter().any(|r| &r.name == n),
            "docs/alerts.md lists {n}, which is not shipped"
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
