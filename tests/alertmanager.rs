//! The shipped Alertmanager configuration (deploy/alertmanager/alertmanager.yml) with the real
//! tools: `amtool check-config`, `amtool config routes test` for every shipped alert, and a
//! live `prometheus-alertmanager` that delivers to local stand-ins of PagerDuty, Slack and the
//! dead-man's-switch heartbeat (the secret files written as a user would mount them) and
//! reports which alerts it inhibits in the incident scenarios of the routing design.

mod common;

use common::*;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

const AM_CONFIG: &str = "deploy/alertmanager/alertmanager.yml";
/// The generated rules Prometheus loads.
const RULES: &str = "alerts/nexo-alerts.yml";
/// The one directory of the receivers' secret files in the shipped configuration.
const SECRETS_DIR: &str = "/etc/alertmanager/secrets/";
/// The secret files the shipped configuration reads (deploy/alertmanager/secrets/README.md).
const SECRET_FILES: [&str; 4] = [
    "pagerduty-routing-key",
    "slack-incidents-webhook-url",
    "slack-team-webhook-url",
    "heartbeat-api-key",
];
/// The non-secret endpoints of the shipped configuration.
const PAGERDUTY_URL: &str = "https://events.pagerduty.com/v2/enqueue";
const HEARTBEAT_URL: &str = "https://api.opsgenie.com/v2/heartbeats/nexo-alertmanager/ping";

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

/// (alertname, severity) of every alerting rule shipped in [`RULES`].
fn shipped_alerts() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(root().join(RULES)).unwrap();
    let doc: serde_norway::Value = serde_norway::from_str(&text).unwrap();
    let mut out = Vec::new();
    for g in doc["groups"].as_sequence().unwrap() {
        for r in g["rules"].as_sequence().unwrap() {
            if let Some(name) = r["alert"].as_str() {
                let sev = r["labels"]["severity"].as_str().unwrap_or("").to_string();
                out.push((name.to_string(), sev));
            }
        }
    }
    assert!(out.len() >= 25, "{RULES}: {} alerts", out.len());
    out
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

/// Every shipped alert, with its severity and the labels it carries, reaches the receivers
/// of its severity: pager+incidents (critical), the team channel (warning), the dead-man's
/// switch alone (Watchdog). amtool itself reports a mismatch.
#[test]
fn amtool_routes_every_shipped_alert() {
    let alerts = shipped_alerts();
    assert!(
        alerts.iter().any(|(n, _)| n == "Watchdog"),
        "no Watchdog alert in {RULES}"
    );
    for (name, sev) in &alerts {
        let want = match (name.as_str(), sev.as_str()) {
            ("Watchdog", _) => "deadmans-switch",
            (_, "critical") => "pager,incidents",
            (_, "warning") => "team-channel",
            _ => panic!("{name}: unexpected severity {sev:?}"),
        };
        let args = vec![
            format!("--verify.receivers={want}"),
            format!("alertname={name}"),
            format!("severity={sev}"),
            "job=nexo-exporter".into(),
            "instance=exporter:8910".into(),
        ];
        let (ok, out) = route(&args);
        assert!(ok, "{name}: {out}");
    }
    // The negative check: amtool reports a wrong receiver.
    let (ok, out) = route(&[
        "--verify.receivers=pager".into(),
        "alertname=DiskSpaceLow".into(),
        "severity=warning".into(),
    ]);
    assert!(!ok && out.contains("did not match"), "{out}");
    // An alert without severity falls back to the team channel, never nowhere.
    let (ok, out) = route(&[
        "--verify.receivers=team-channel".into(),
        "alertname=Unknown".into(),
    ]);
    assert!(ok, "{out}");
    // The Watchdog never pages, whatever its severity label says.
    let (ok, out) = route(&[
        "--verify.receivers=deadmans-switch".into(),
        "alertname=Watchdog".into(),
        "severity=critical".into(),
    ]);
    assert!(ok, "{out}");
}

/// The shipped file has no placeholder receiver: every endpoint is a real service's URL or a
/// secret file in the one documented directory, listed in its README.
#[test]
fn receivers_use_real_endpoints_and_the_documented_secret_files() {
    let text = std::fs::read_to_string(root().join(AM_CONFIG)).unwrap();
    let code: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        !code.contains("127.0.0.1"),
        "loopback endpoint in {AM_CONFIG}"
    );
    assert!(!code.to_lowercase().contains("placeholder"));
    let urls: Vec<&str> = code
        .split(|c: char| c.is_whitespace() || c == '\'' || c == '"')
        .filter(|w| w.starts_with("http://") || w.starts_with("https://"))
        .collect();
    assert_eq!(urls, [PAGERDUTY_URL, HEARTBEAT_URL], "{urls:?}");
    let files: Vec<&str> = code
        .lines()
        .filter_map(|l| l.split_once("_file:").map(|(_, v)| v.trim()))
        .collect();
    assert_eq!(files.len(), SECRET_FILES.len(), "{files:?}");
    let readme =
        std::fs::read_to_string(root().join("deploy/alertmanager/secrets/README.md")).unwrap();
    for f in files {
        let name = f
            .strip_prefix(SECRETS_DIR)
            .unwrap_or_else(|| panic!("{f}: secret outside {SECRETS_DIR}"));
        assert!(SECRET_FILES.contains(&name), "{name}");
        assert!(
            readme.contains(name),
            "{name} not documented in the secrets README"
        );
    }
    // The compose stack mounts the directory where the configuration reads it.
    let compose = std::fs::read_to_string(root().join("deploy/docker-compose.yml")).unwrap();
    assert!(
        compose.contains("./alertmanager/secrets:/etc/alertmanager/secrets:ro"),
        "deploy/docker-compose.yml does not mount the secrets directory"
    );
}

// ------------------------------------------------------------------------------------ live

/// One HTTP request received by the [`Sink`].
#[derive(Debug, Clone)]
struct Received {
    path: String,
    headers: BTreeMap<String, String>,
    body: Value,
}

/// A local HTTP server standing in for PagerDuty, Slack and the heartbeat: records every
/// request and answers 200 (PagerDuty's 202 is not needed: Alertmanager accepts any 2xx).
struct Sink {
    addr: SocketAddr,
    got: Arc<Mutex<Vec<Received>>>,
}

impl Sink {
    fn start() -> Sink {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap();
        let got: Arc<Mutex<Vec<Received>>> = Arc::default();
        let g = Arc::clone(&got);
        std::thread::spawn(move || {
            for s in l.incoming() {
                let Ok(s) = s else { continue };
                let g = Arc::clone(&g);
                std::thread::spawn(move || {
                    if let Some(r) = read_request(&s) {
                        g.lock().unwrap().push(r);
                    }
                    let mut s = s;
                    let _ = s.write_all(
                        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
                    );
                });
            }
        });
        Sink { addr, got }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Requests received on `path` so far.
    fn on(&self, path: &str) -> Vec<Received> {
        self.got
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.path == path)
            .cloned()
            .collect()
    }
}

fn read_request(s: &TcpStream) -> Option<Received> {
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let mut r = BufReader::new(s);
    let mut line = String::new();
    r.read_line(&mut line).ok()?;
    let path = line.split_whitespace().nth(1)?.to_string();
    let mut headers = BTreeMap::new();
    loop {
        let mut h = String::new();
        r.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (k, v) = h.split_once(':')?;
        headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
    }
    let len: usize = headers.get("content-length")?.parse().ok()?;
    let mut body = vec![0; len];
    r.read_exact(&mut body).ok()?;
    Some(Received {
        path,
        headers,
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
    })
}

/// A private prometheus-alertmanager running the shipped configuration. The only edits of
/// the copy are the documented ones: the secrets directory and the two non-secret
/// endpoints, pointed at the [`Sink`].
struct Am {
    // Dropped first: the process dies before its directory is removed.
    _child: Guard,
    addr: SocketAddr,
    dir: tempfile::TempDir,
}

impl Am {
    /// `secrets`: write the secret files (false: the directory stays empty, as a user who
    /// forgot to mount them).
    fn start(sink: &Sink, secrets: bool) -> Am {
        assert!(
            Path::new("/usr/bin/prometheus-alertmanager").exists(),
            "prometheus-alertmanager missing: scripts/test.sh installs it"
        );
        let dir = tempfile::tempdir().unwrap();
        let sdir = dir.path().join("secrets");
        std::fs::create_dir(&sdir).unwrap();
        if secrets {
            for (f, v) in [
                ("pagerduty-routing-key", "test-routing-key\n".to_string()),
                (
                    "slack-incidents-webhook-url",
                    sink.url("/slack/incidents") + "\n",
                ),
                ("slack-team-webhook-url", sink.url("/slack/team") + "\n"),
                ("heartbeat-api-key", "test-heartbeat-key\n".into()),
            ] {
                std::fs::write(sdir.join(f), v).unwrap();
            }
        }
        let shipped = std::fs::read_to_string(root().join(AM_CONFIG)).unwrap();
        let edits = [
            (SECRETS_DIR.to_string(), format!("{}/", sdir.display()), 4),
            (PAGERDUTY_URL.to_string(), sink.url("/pagerduty"), 1),
            (HEARTBEAT_URL.to_string(), sink.url("/heartbeat"), 1),
        ];
        let mut cfg = shipped.clone();
        for (from, to, n) in &edits {
            let code_hits = shipped
                .lines()
                .filter(|l| !l.trim_start().starts_with('#'))
                .map(|l| l.matches(from.as_str()).count())
                .sum::<usize>();
            assert_eq!(code_hits, *n, "{from} in {AM_CONFIG}");
            cfg = cfg
                .lines()
                .map(|l| {
                    if l.trim_start().starts_with('#') {
                        l.to_string()
                    } else {
                        l.replace(from.as_str(), to)
                    }
                })
                .collect::<Vec<_>>()
                .join("\n");
        }
        let path = dir.path().join("alertmanager.yml");
        std::fs::write(&path, cfg).unwrap();
        let addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
        let child = Command::new("/usr/bin/prometheus-alertmanager")
            .arg(format!("--config.file={}", path.display()))
            .arg(format!("--storage.path={}", dir.path().display()))
            .arg(format!("--web.listen-address={addr}"))
            .arg("--cluster.listen-address=")
            .stdout(Stdio::null())
            .stderr(Stdio::from(
                std::fs::File::create(dir.path().join("am.log")).unwrap(),
            ))
            .spawn()
            .unwrap();
        let am = Am {
            addr,
            dir,
            _child: Guard(child),
        };
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
            am.log()
        );
        am
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("am.log")).unwrap_or_default()
    }

    /// Posts firing alerts (labels only; Alertmanager adds startsAt).
    fn post(&self, alerts: &[&[(&str, &str)]]) {
        let body: Vec<Value> = alerts
            .iter()
            .map(|labels| {
                let l: serde_json::Map<String, Value> = labels
                    .iter()
                    .map(|(k, v)| (k.to_string(), Value::from(*v)))
                    .collect();
                json!({
                    "labels": l,
                    "annotations": {"summary": "test", "description": "test alert",
                                    "runbook_url": "https://example.invalid/runbook"}
                })
            })
            .collect();
        let body = Value::from(body).to_string();
        let mut s = TcpStream::connect_timeout(&self.addr, Duration::from_secs(5)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(
            s,
            "POST /api/v2/alerts HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.addr,
            body.len()
        )
        .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        assert!(out.starts_with("HTTP/1.1 200"), "{out}");
    }

    /// Whether the alert with exactly these labels is inhibited (None: not known yet).
    fn inhibited(&self, labels: &[(&str, &str)]) -> Option<bool> {
        let r = http(self.addr, "GET", "/api/v2/alerts", &[]).ok()?;
        let v: Value = serde_json::from_slice(&r.body).ok()?;
        v.as_array()?.iter().find_map(|a| {
            let l = a["labels"].as_object()?;
            let same = l.len() == labels.len()
                && labels
                    .iter()
                    .all(|(k, v)| l.get(*k).and_then(|x| x.as_str()) == Some(*v));
            same.then(|| !a["status"]["inhibitedBy"].as_array().unwrap().is_empty())
        })
    }

    /// Asserts the inhibition state of each alert (they were posted together).
    fn expect(&self, cases: &[(&[(&str, &str)], bool)]) {
        for (labels, want) in cases {
            let got = wait_for(Duration::from_secs(10), || {
                self.inhibited(labels).filter(|s| s == want)
            });
            assert_eq!(
                got,
                Some(*want),
                "{labels:?}: expected inhibited={want}, got {:?}",
                self.inhibited(labels)
            );
        }
    }

    fn metrics(&self) -> String {
        http(self.addr, "GET", "/metrics", &[]).unwrap().text()
    }
}

/// Posts all `cases` to a fresh Alertmanager and checks which are inhibited.
fn scenario(cases: &[(&[(&str, &str)], bool)]) {
    let sink = Sink::start();
    let am = Am::start(&sink, true);
    let all: Vec<&[(&str, &str)]> = cases.iter().map(|(l, _)| *l).collect();
    am.post(&all);
    am.expect(cases);
}

const EX: (&str, &str) = ("job", "nexo-exporter");
const EX_I: (&str, &str) = ("instance", "exporter:8910");

/// The service alerts a dependency outage causes in every service.
fn service_consequences(service: &'static str) -> Vec<Vec<(&'static str, &'static str)>> {
    let mut v: Vec<Vec<(&str, &str)>> = vec![vec![
        ("alertname", "ServiceDown"),
        ("severity", "critical"),
        EX,
        EX_I,
        ("service", service),
    ]];
    for (a, sev) in [
        ("HighServerErrorRate", "critical"),
        ("HighClientErrorRate", "warning"),
        ("ErrorSpike", "warning"),
        ("HighLatencyP95", "warning"),
        ("HighLatencyP99", "critical"),
        ("SlowRequestRate", "warning"),
    ] {
        v.push(vec![
            ("alertname", a),
            ("severity", sev),
            ("service", service),
        ]);
    }
    v
}

/// A PostgreSQL, Redis or RabbitMQ outage pages once: the dependency's own alert, not the
/// ServiceDown, error-rate and latency alerts of every service it takes down with it, nor
/// the alerts read from the dependency's own metrics. The dependency alert itself and
/// alerts of another kind (a container's CPU) still notify.
#[test]
fn dependency_down_inhibits_its_consequences() {
    for (dep, own) in [
        ("PostgreSQLDown", "HighDatabaseConnections"),
        ("RedisDown", "RedisHighMemory"),
        ("RabbitMQDown", "HighUnackedMessages"),
    ] {
        let source: Vec<(&str, &str)> =
            vec![("alertname", dep), ("severity", "critical"), EX, EX_I];
        let own: Vec<(&str, &str)> = vec![("alertname", own), ("severity", "warning"), EX, EX_I];
        let other: Vec<(&str, &str)> = vec![
            ("alertname", "CriticalCPUUsage"),
            ("severity", "critical"),
            EX,
            EX_I,
            ("name", "nexo-crm"),
        ];
        let svc_a = service_consequences("crm-service");
        let svc_b = service_consequences("auth");
        let mut cases: Vec<(&[(&str, &str)], bool)> =
            vec![(&source, false), (&own, true), (&other, false)];
        for l in svc_a.iter().chain(&svc_b) {
            cases.push((l, true));
        }
        scenario(&cases);
    }
}

/// Without a dependency alert, the service alerts notify (the inhibition is not
/// unconditional), and one dependency's down does not mute another dependency's metrics.
#[test]
fn service_alerts_notify_without_a_dependency_down() {
    let svc = service_consequences("crm-service");
    let redis_mem: Vec<(&str, &str)> = vec![
        ("alertname", "RedisHighMemory"),
        ("severity", "warning"),
        EX,
        ("instance", "redis-exporter:9121"),
    ];
    let pg: Vec<(&str, &str)> = vec![
        ("alertname", "PostgreSQLDown"),
        ("severity", "critical"),
        EX,
        EX_I,
    ];
    // ServiceDown mutes its own error/latency alerts but nothing of another service.
    let mut cases: Vec<(&[(&str, &str)], bool)> = vec![(&svc[0], false)];
    for l in &svc[1..] {
        cases.push((l, true));
    }
    let other = service_consequences("gateway");
    for l in &other[1..] {
        // Only its own twin rule applies: HighLatencyP99 mutes HighLatencyP95.
        cases.push((l, l[0].1 == "HighLatencyP95"));
    }
    cases.push((&redis_mem, false));
    scenario(&cases);
    // PostgreSQLDown on one exporter does not mute RedisHighMemory on another instance.
    scenario(&[(&pg, false), (&redis_mem, false)]);
}

/// The exporter down (NexoExporterDown) mutes every alert read from that exporter's data
/// (including TargetUnreachable of the same target and the dependency pages still firing on
/// their last value), not the alerts of another exporter instance or of the services' own
/// metrics.
#[test]
fn exporter_down_inhibits_every_alert_fed_by_that_exporter() {
    let src: &[(&str, &str)] = &[
        ("alertname", "NexoExporterDown"),
        ("severity", "critical"),
        EX,
        EX_I,
    ];
    let fed: Vec<Vec<(&str, &str)>> = [
        ("TargetUnreachable", "warning"),
        ("PrometheusTargetScrapeFailed", "warning"),
        ("ServiceDown", "critical"),
        ("HighDatabaseConnections", "warning"),
        ("NexoExporterProbeFailed", "warning"),
        ("NexoExporterTargetMissing", "warning"),
        ("DiskSpaceLow", "warning"),
        ("HighLoadAverage", "warning"),
    ]
    .into_iter()
    .map(|(a, s)| vec![("alertname", a), ("severity", s), EX, EX_I])
    .collect();
    let other_instance: &[(&str, &str)] = &[
        ("alertname", "HighLoadAverage"),
        ("severity", "warning"),
        EX,
        ("instance", "node-2:8910"),
    ];
    let service_metric: &[(&str, &str)] = &[
        ("alertname", "HighServerErrorRate"),
        ("severity", "critical"),
        ("service", "gateway"),
    ];
    let watchdog: &[(&str, &str)] = &[("alertname", "Watchdog"), ("severity", "none")];
    let mut cases: Vec<(&[(&str, &str)], bool)> = vec![(src, false)];
    for l in &fed {
        cases.push((l, true));
    }
    cases.push((other_instance, false));
    cases.push((service_metric, false));
    cases.push((watchdog, false));
    scenario(&cases);
    // A dependency page still firing on the dead exporter's last value is muted too.
    let pg: &[(&str, &str)] = &[
        ("alertname", "PostgreSQLDown"),
        ("severity", "critical"),
        EX,
        EX_I,
    ];
    scenario(&[(src, false), (pg, true)]);
}

/// A service that is down also fails its scrape: ServiceDown mutes that service's
/// TargetUnreachable (labelled `service` by the scrape config), not another service's.
#[test]
fn service_down_inhibits_its_own_target_unreachable() {
    let down: &[(&str, &str)] = &[
        ("alertname", "ServiceDown"),
        ("severity", "critical"),
        EX,
        EX_I,
        ("service", "crm-service"),
    ];
    let scrape = |svc: &'static str, inst: &'static str| -> Vec<(&'static str, &'static str)> {
        vec![
            ("alertname", "TargetUnreachable"),
            ("severity", "warning"),
            ("job", "nexo-services"),
            ("instance", inst),
            ("service", svc),
        ]
    };
    let own = scrape("crm-service", "crm-service:3003");
    let other = scrape("auth", "auth:3001");
    let mut flaky = own.clone();
    flaky[0] = ("alertname", "PrometheusTargetScrapeFailed");
    scenario(&[(down, false), (&own, true), (&other, false), (&flaky, true)]);
}

/// The critical/warning pairs and the guards on `equal` labels (an alert without the label
/// is neither a source nor a target).
#[test]
fn twin_and_guard_inhibitions() {
    let c = |a: &'static str, sev: &'static str, extra: (&'static str, &'static str)| {
        vec![("alertname", a), ("severity", sev), EX, EX_I, extra]
    };
    let cpu_crit = c("CriticalCPUUsage", "critical", ("name", "crm"));
    let cpu_warn = c("HighCPUUsage", "warning", ("name", "crm"));
    let cpu_other = c("HighCPUUsage", "warning", ("name", "auth"));
    let mem_crit = c("CriticalMemoryUsage", "critical", ("name", "crm"));
    let mem_warn = c("HighMemoryUsage", "warning", ("name", "crm"));
    let disk_crit = c("DiskSpaceCritical", "critical", ("device", "/dev/vda"));
    let disk_low = c("DiskSpaceLow", "warning", ("device", "/dev/vda"));
    let disk_other = c("DiskSpaceLow", "warning", ("device", "/dev/vdb"));
    let no_consumers = c(
        "RabbitMQQueueNoConsumers",
        "warning",
        ("queue", "crm.events"),
    );
    let backlog = c("RabbitMQQueueBacklog", "warning", ("queue", "crm.events"));
    let backlog_other = c("RabbitMQQueueBacklog", "warning", ("queue", "crm.mail"));
    let p99: &[(&str, &str)] = &[
        ("alertname", "HighLatencyP99"),
        ("severity", "critical"),
        ("service", "gateway"),
    ];
    let p95: &[(&str, &str)] = &[
        ("alertname", "HighLatencyP95"),
        ("severity", "warning"),
        ("service", "gateway"),
    ];
    let unreachable: &[(&str, &str)] = &[
        ("alertname", "TargetUnreachable"),
        ("severity", "warning"),
        ("job", "crm"),
        ("instance", "crm:3003"),
    ];
    let flaky: &[(&str, &str)] = &[
        ("alertname", "PrometheusTargetScrapeFailed"),
        ("severity", "warning"),
        ("job", "crm"),
        ("instance", "crm:3003"),
    ];
    let flaky_other: &[(&str, &str)] = &[
        ("alertname", "PrometheusTargetScrapeFailed"),
        ("severity", "warning"),
        ("job", "gw"),
        ("instance", "gw:3001"),
    ];
    // Guard: a CriticalCPUUsage without `name` must not mute a HighCPUUsage without `name`.
    let crit_noname: &[(&str, &str)] =
        &[("alertname", "CriticalCPUUsage"), ("severity", "critical")];
    let warn_noname: &[(&str, &str)] = &[("alertname", "HighCPUUsage"), ("severity", "warning")];
    scenario(&[
        (&cpu_crit, false),
        (&cpu_warn, true),
        (&cpu_other, false),
        (&mem_crit, false),
        (&mem_warn, true),
        (&disk_crit, false),
        (&disk_low, true),
        (&disk_other, false),
        (&no_consumers, false),
        (&backlog, true),
        (&backlog_other, false),
        (p99, false),
        (p95, true),
        (unreachable, false),
        (flaky, true),
        (flaky_other, false),
        (crit_noname, false),
        (warn_noname, false),
    ]);
}

/// The receivers deliver with the secrets read from their files: a critical alert reaches
/// PagerDuty (routing key from the file) and #incidents at once, the Watchdog reaches the
/// heartbeat with its key in the Authorization header, a warning reaches the team channel
/// after group_wait (30 s), and an inhibited alert reaches nobody.
#[test]
fn receivers_deliver_with_secrets_from_files() {
    let sink = Sink::start();
    let am = Am::start(&sink, true);
    am.post(&[
        &[
            ("alertname", "PostgreSQLDown"),
            ("severity", "critical"),
            EX,
            EX_I,
        ],
        &[
            ("alertname", "ServiceDown"),
            ("severity", "critical"),
            EX,
            EX_I,
            ("service", "crm-service"),
        ],
        &[("alertname", "Watchdog"), ("severity", "none")],
        &[
            ("alertname", "HighLoadAverage"),
            ("severity", "warning"),
            EX,
            EX_I,
        ],
    ]);
    let pd = wait_for(Duration::from_secs(20), || {
        Some(sink.on("/pagerduty")).filter(|v| !v.is_empty())
    })
    .unwrap_or_else(|| panic!("nothing reached PagerDuty: {}", am.log()));
    assert_eq!(pd[0].body["routing_key"], "test-routing-key", "{:?}", pd[0]);
    assert_eq!(pd[0].body["event_action"], "trigger");
    let slack = wait_for(Duration::from_secs(20), || {
        Some(sink.on("/slack/incidents")).filter(|v| !v.is_empty())
    })
    .unwrap_or_else(|| panic!("nothing reached #incidents: {}", am.log()));
    assert!(
        slack[0].body["attachments"][0]["title"]
            .as_str()
            .unwrap()
            .contains("PostgreSQLDown"),
        "{:?}",
        slack[0].body
    );
    let hb = wait_for(Duration::from_secs(20), || {
        Some(sink.on("/heartbeat")).filter(|v| !v.is_empty())
    })
    .unwrap_or_else(|| panic!("no heartbeat: {}", am.log()));
    assert_eq!(
        hb[0].headers.get("authorization").map(String::as_str),
        Some("GenieKey test-heartbeat-key")
    );
    let team = wait_for(Duration::from_secs(60), || {
        Some(sink.on("/slack/team")).filter(|v| !v.is_empty())
    })
    .unwrap_or_else(|| panic!("nothing reached the team channel: {}", am.log()));
    assert!(
        team[0].body["attachments"][0]["title"]
            .as_str()
            .unwrap()
            .contains("HighLoadAverage")
    );
    // The inhibited ServiceDown reached neither PagerDuty nor a channel; the Watchdog and
    // the warning did not page.
    let everything: Vec<String> = sink
        .got
        .lock()
        .unwrap()
        .iter()
        .filter(|r| r.path != "/heartbeat")
        .map(|r| format!("{} {}", r.path, r.body))
        .collect();
    for r in &everything {
        assert!(!r.contains("ServiceDown"), "{r}");
        assert!(!r.contains("Watchdog"), "{r}");
        if r.starts_with("/pagerduty") || r.starts_with("/slack/incidents") {
            assert!(!r.contains("HighLoadAverage"), "{r}");
        }
    }
}

/// Secrets not mounted: Alertmanager still starts and the failed page is counted in
/// alertmanager_notifications_failed_total (what an AlertmanagerFailedToSendNotifications
/// rule or the logs show), not dropped silently.
#[test]
fn missing_secret_files_fail_loudly() {
    let sink = Sink::start();
    let am = Am::start(&sink, false);
    am.post(&[&[
        ("alertname", "PostgreSQLDown"),
        ("severity", "critical"),
        EX,
        EX_I,
    ]]);
    let failed = wait_for(Duration::from_secs(30), || {
        sample(
            &am.metrics(),
            "alertmanager_notifications_failed_total",
            &[("integration", "pagerduty")],
        )
        .filter(|v| *v > 0.0)
    });
    assert!(failed.is_some(), "{}", am.metrics());
    assert!(sink.on("/pagerduty").is_empty());
}

/// ServiceDown mutes a service's TargetUnreachable through their common `service` label:
/// the shipped Prometheus configuration labels every target of the services' job with the
/// `service` name the exporter's health checks use, and keeps the services' own `service`
/// label as is (honor_labels) instead of renaming it to exported_service.
#[test]
fn service_scrape_targets_carry_the_service_label() {
    let text = std::fs::read_to_string(root().join("deploy/prometheus/prometheus.yml")).unwrap();
    let doc: serde_norway::Value = serde_norway::from_str(&text).unwrap();
    let job = doc["scrape_configs"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|j| j["job_name"].as_str() == Some("nexo-services"))
        .expect("job nexo-services");
    assert_eq!(job["honor_labels"].as_bool(), Some(true));
    let mut services = Vec::new();
    for sc in job["static_configs"].as_sequence().unwrap() {
        let svc = sc["labels"]["service"]
            .as_str()
            .unwrap_or_else(|| panic!("a target group without `service`: {sc:?}"));
        for t in sc["targets"].as_sequence().unwrap() {
            let host = t.as_str().unwrap().split(':').next().unwrap();
            assert_eq!(host, svc, "target {t:?} labelled service={svc}");
        }
        services.push(svc.to_string());
    }
    services.sort();
    assert_eq!(services, ["auth", "crm-service", "gateway"]);
}
