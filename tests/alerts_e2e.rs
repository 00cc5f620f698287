//! End to end, every exporter-fed alert: a real fault on a private instance → the shipped rule
//! fires in a real Prometheus → the shipped routing in a real Alertmanager notifies the right
//! receiver (a webhook this test runs and records) with the rule's labels and annotations →
//! the fault is removed → the resolved notification arrives.
//!
//! One Prometheus (`/usr/bin/prometheus`) and one Alertmanager (`/usr/bin/prometheus-alertmanager`)
//! serve every fault; each fault domain has its own exporter (its own `instance`), and the
//! domains run concurrently in threads. What the test changes in copies of the shipped files
//! (never the files): addresses; in the rules every `for:` is 3s and the long windows are
//! shortened ([`WINDOWS`]); Prometheus scrapes every 2s and evaluates every 1s; in
//! alertmanager.yml `group_wait` is 1s, `group_interval` 2s, and each receiver's integration
//! (PagerDuty, Slack, the heartbeat) is a webhook to the recorder under the receiver's name
//! (tests/alertmanager.rs delivers with the shipped integrations and their secret files).
//! Thresholds, expressions, labels, annotations, routes and inhibitions are the shipped ones;
//! promtool's unit tests (tests/alerts.rs) prove the real durations.
//!
//! Faults (shared services are never touched; the probes' exporter only reads the local
//! PostgreSQL): a health endpoint this test serves turns 503 (ServiceDown); a private cluster
//! stops and then its exporter is killed (PostgreSQLDown, then NexoExporterDown; PostgreSQLDown
//! keeps firing and TargetUnreachable is inhibited); an exporter reloaded with a Docker probe on
//! a missing socket (NexoExporterProbeFailed), then without its PostgreSQL target
//! (NexoExporterTargetMissing, no PostgreSQLDown); busybox containers FROM scratch crash-loop
//! (HighRestartRate), burn CPU under `--cpus 0.05` with their cgroup's quota at 92 % then
//! 100 % of it (HighCPUUsage, then CriticalCPUUsage inhibiting it), fill /dev/shm toward a
//! 128 MiB `--memory` limit (HighMemoryUsage at 92 %, then CriticalMemoryUsage at 96 %), get a
//! process OOM-killed under `--memory 16m` (ContainerOOMKilled) or grow steadily without a
//! limit (PossibleMemoryLeak); a 10 MiB tmpfs is filled (DiskSpaceLow at 88 %,
//! DiskSpaceCritical at 92 %); a private PostgreSQL cluster (max_connections 10) gets sessions
//! in open transactions until 100 % are used (HighDatabaseConnections,
//! PostgreSQLLongTransaction), then stops (PostgreSQLDown) while the health endpoint fails
//! (ServiceDown inhibited); a private redis-server gets `DEBUG POPULATE` under a maxmemory just
//! above its use (RedisHighMemory), then dies (RedisDown); a queue of the local broker (deleted
//! at the end) gets 1100 messages held by a consumer that never acks (HighUnackedMessages),
//! then a growing backlog (RabbitMQQueueBacklog), then loses its consumer
//! (RabbitMQQueueNoConsumers), then the AMQP proxy in front of the broker hangs
//! (RabbitMQDown); the Watchdog reaches the dead-man's switch. A dependency *Down inhibits every
//! ServiceDown (no `equal`), so the dependencies go down only after ServiceDown was notified.
//!
//! HighLoadAverage is left to promtool (a load of 2 on a shared 2-core machine is not a fault a
//! test can own). The test prints a table (alert → fired, notified, resolved; seconds since
//! the start) recorded in docs/alerts.md.

mod common;
mod private_pg;

use std::collections::BTreeMap;
use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::image::{DockerObject, busybox_image, run, run_ok, unique};
use common::proxy::Proxy;
use common::stack::{
    Alertmanager, Prometheus, Webhook, alertmanager_config, prometheus_config, shipped_rule_files,
    shorten_for,
};
use common::{Exporter, Guard, free_port, redis_on, wait_for};
use private_pg::PrivatePg;

/// How long one alert may take to fire and be notified, or to be resolved and notified.
const WAIT: Duration = Duration::from_secs(120);

/// Window shortenings of the rules copy, applied in order: (shipped text, test text, how many
/// times). Long transactions' 300 s threshold is a duration too: 10 s here.
const WINDOWS: &[(&str, &str, usize)] = &[
    (
        "increase(container_restarts_total[15m])",
        "increase(container_restarts_total[30s])",
        1,
    ),
    (
        "rate(container_cpu_usage_seconds_total[5m])",
        "rate(container_cpu_usage_seconds_total[40s])",
        4,
    ),
    (
        "container_memory_working_set_bytes offset 1h",
        "container_memory_working_set_bytes offset 40s",
        1,
    ),
    (
        "container_memory_working_set_bytes[15m]",
        "container_memory_working_set_bytes[10s]",
        6,
    ),
    ("bytes[10s] offset 15m", "bytes[10s] offset 10s", 2),
    ("bytes[10s] offset 30m", "bytes[10s] offset 20s", 2),
    ("bytes[10s] offset 45m", "bytes[10s] offset 30s", 1),
    (
        "time() - container_start_time_seconds > 3600",
        "time() - container_start_time_seconds > 40",
        1,
    ),
    (
        "increase(container_oom_events_total[10m])",
        "increase(container_oom_events_total[30s])",
        1,
    ),
    (
        "(pg_stat_activity_max_tx_duration{state!=\"idle\"}) > 300",
        "(pg_stat_activity_max_tx_duration{state!=\"idle\"}) > 10",
        1,
    ),
    (
        "deriv(rabbitmq_queue_messages_ready[10m])",
        "deriv(rabbitmq_queue_messages_ready[20s])",
        1,
    ),
];

fn test_rules() -> Vec<(String, String)> {
    shipped_rule_files()
        .into_iter()
        .map(|(name, text)| {
            let mut text = text;
            for (from, to, n) in WINDOWS {
                let have = text.matches(from).count();
                assert_eq!(have, *n, "{name}: {from} (rule changed? update WINDOWS)");
                text = text.replace(from, to);
            }
            (name, shorten_for(&text, "3s"))
        })
        .collect()
}

/// One row of the table.
#[derive(Debug, Clone, Default)]
struct Row {
    alert: String,
    /// The label filter the row is about (`{filter:?}`).
    key: String,
    what: String,
    fired: Option<f64>,
    notified: Option<f64>,
    resolved: Option<f64>,
    note: String,
}

/// Shared by the fault threads: the stack and the table.
struct Ctx {
    start: Instant,
    prom: Prometheus,
    am: Alertmanager,
    hook: Webhook,
    rows: Mutex<Vec<Row>>,
    /// The shipped annotations of every rule, by alert name.
    annotations: BTreeMap<String, BTreeMap<String, String>>,
    /// Set once ServiceDown has been notified and resolved: a dependency *Down inhibits every
    /// ServiceDown of the stack (no `equal`), so the dependencies go down only after that.
    deps_may_fail: AtomicBool,
}

/// The receivers the shipped routes send `name` of `severity` to.
fn receivers(name: &str, severity: &str) -> &'static [&'static str] {
    match (name, severity) {
        ("Watchdog", _) => &["deadmans-switch"],
        (_, "critical") => &["pager", "incidents"],
        _ => &["team-channel"],
    }
}

/// The annotations of every shipped rule, by alert name.
fn shipped_annotations() -> BTreeMap<String, BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for (_, text) in shipped_rule_files() {
        let doc: serde_norway::Value = serde_norway::from_str(&text).unwrap();
        for g in doc["groups"].as_sequence().unwrap() {
            for r in g["rules"].as_sequence().unwrap() {
                if let Some(name) = r["alert"].as_str() {
                    let ann = r["annotations"]
                        .as_mapping()
                        .into_iter()
                        .flatten()
                        .map(|(k, v)| {
                            (
                                k.as_str().unwrap().to_string(),
                                v.as_str().unwrap_or("").to_string(),
                            )
                        })
                        .collect();
                    out.insert(name.to_string(), ann);
                }
            }
        }
    }
    out
}

impl Ctx {
    fn secs(&self, t: Instant) -> f64 {
        (t - self.start).as_secs_f64()
    }

    fn matches(labels: &BTreeMap<String, String>, name: &str, filter: &[(&str, &str)]) -> bool {
        labels.get("alertname").map(String::as_str) == Some(name)
            && filter
                .iter()
                .all(|(k, v)| labels.get(*k).map(String::as_str) == Some(*v))
    }

    /// Waits until the dependencies may go down (see `deps_may_fail`).
    fn wait_deps_may_fail(&self) -> Result<(), String> {
        wait_for(WAIT, || {
            self.deps_may_fail.load(Ordering::SeqCst).then_some(())
        })
        .ok_or_else(|| "ServiceDown never done".to_string())
    }

    /// Whether `name{filter}` is firing in Prometheus now.
    fn firing(&self, name: &str, filter: &[(&str, &str)]) -> bool {
        self.prom
            .alerts()
            .iter()
            .any(|(l, s)| s == "firing" && Self::matches(l, name, filter))
    }

    /// Waits until `name{filter}` is firing in Prometheus; adds its row.
    fn fired_only(
        &self,
        name: &str,
        filter: &[(&str, &str)],
        what: &str,
    ) -> Result<BTreeMap<String, String>, String> {
        let fired = wait_for(WAIT, || {
            self.prom
                .alerts()
                .into_iter()
                .find(|(l, s)| s == "firing" && Self::matches(l, name, filter))
                .map(|(l, _)| (Instant::now(), l))
        })
        .ok_or_else(|| format!("{name}{filter:?} never fired in Prometheus"))?;
        self.rows.lock().unwrap().push(Row {
            alert: name.into(),
            key: format!("{filter:?}"),
            what: what.into(),
            fired: Some(self.secs(fired.0)),
            ..Row::default()
        });
        Ok(fired.1)
    }

    /// Waits until `name{filter}` is firing in Prometheus, then until its firing notification
    /// reached every receiver the shipped routes send it to; checks labels and annotations.
    fn fired(&self, name: &str, filter: &[(&str, &str)], what: &str) -> Result<(), String> {
        let labels = self.fired_only(name, filter, what)?;
        let severity = labels.get("severity").cloned().unwrap_or_default();
        let receivers = receivers(name, &severity);
        let mut notified = None;
        for r in receivers {
            let n = wait_for(WAIT, || {
                self.hook.all().into_iter().find(|n| {
                    n.receiver == *r
                        && n.status == "firing"
                        && Self::matches(&n.labels, name, filter)
                })
            })
            .ok_or_else(|| format!("{name}{filter:?} ({severity}) never notified to {r}"))?;
            self.check_notification(&n, name)?;
            if n.path != format!("/{r}") {
                return Err(format!("{name}: receiver {r} posted to {}", n.path));
            }
            notified = Some(notified.map_or(n.at, |t: Instant| t.max(n.at)));
        }
        // Never to another receiver.
        let wrong: Vec<String> = self
            .hook
            .all()
            .into_iter()
            .filter(|n| {
                Self::matches(&n.labels, name, filter) && !receivers.contains(&n.receiver.as_str())
            })
            .map(|n| n.receiver)
            .collect();
        if !wrong.is_empty() {
            return Err(format!("{name} ({severity}) also notified to {wrong:?}"));
        }
        let key = format!("{filter:?}");
        let mut rows = self.rows.lock().unwrap();
        if let Some(r) = rows
            .iter_mut()
            .rev()
            .find(|r| r.alert == name && r.key == key)
        {
            r.notified = notified.map(|t| self.secs(t));
        }
        Ok(())
    }

    /// Waits for the resolved notification of `name{filter}`.
    fn resolved(&self, name: &str, filter: &[(&str, &str)]) -> Result<(), String> {
        let n = wait_for(WAIT, || {
            self.hook
                .all()
                .into_iter()
                .find(|n| n.status == "resolved" && Self::matches(&n.labels, name, filter))
        })
        .ok_or_else(|| format!("{name}{filter:?}: no resolved notification"))?;
        let at = self.secs(n.at);
        let key = format!("{filter:?}");
        let mut rows = self.rows.lock().unwrap();
        if let Some(r) = rows
            .iter_mut()
            .rev()
            .find(|r| r.alert == name && r.key == key && r.resolved.is_none())
        {
            r.resolved = Some(at);
        }
        Ok(())
    }

    /// Appends `text` to the note of the latest row of `name{filter}`.
    fn note(&self, name: &str, filter: &[(&str, &str)], text: &str) {
        let key = format!("{filter:?}");
        let mut rows = self.rows.lock().unwrap();
        if let Some(r) = rows
            .iter_mut()
            .rev()
            .find(|r| r.alert == name && r.key == key)
        {
            if !r.note.is_empty() {
                r.note.push_str("; ");
            }
            r.note.push_str(text);
        }
    }

    /// While `by` fires, Alertmanager suppresses `name{filter}` (inhibitedBy set) and no
    /// receiver gets a new notification of it for a few group intervals.
    fn inhibited(&self, name: &str, filter: &[(&str, &str)], by: &str) -> Result<(), String> {
        wait_for(WAIT, || {
            self.am.alerts().into_iter().find(|a| {
                Self::matches(&common::stack::labels(&a["labels"]), name, filter)
                    && a["status"]["state"] == "suppressed"
                    && !a["status"]["inhibitedBy"]
                        .as_array()
                        .is_none_or(Vec::is_empty)
            })
        })
        .ok_or_else(|| format!("{name}{filter:?} never inhibited at Alertmanager"))?;
        let seen = Instant::now();
        let count = || {
            self.hook
                .all()
                .into_iter()
                .filter(|n| Self::matches(&n.labels, name, filter))
                .count()
        };
        let before = count();
        std::thread::sleep(Duration::from_secs(6));
        if count() != before {
            return Err(format!("{name} notified while inhibited by {by}"));
        }
        self.note(
            name,
            filter,
            &format!(
                "inhibited by {by} from {:.1} s: no notification while inhibited",
                self.secs(seen)
            ),
        );
        Ok(())
    }

    /// Labels every notification of a shipped alert carries, and the rule's own summary,
    /// runbook_url and dashboard_url.
    fn check_notification(&self, n: &common::stack::Notified, name: &str) -> Result<(), String> {
        let need = |m: &BTreeMap<String, String>, k: &str| {
            m.get(k)
                .filter(|v| !v.is_empty())
                .cloned()
                .ok_or_else(|| format!("{name}: notification lacks {k}: {m:?}"))
        };
        let mut labels = vec!["severity", "category"];
        if name != "Watchdog" {
            labels.extend(["job", "instance"]);
        }
        for k in labels {
            need(&n.labels, k)?;
        }
        need(&n.annotations, "description")?;
        let rule = self
            .annotations
            .get(name)
            .ok_or_else(|| format!("{name}: no shipped rule"))?;
        for k in ["summary", "runbook_url", "dashboard_url"] {
            let got = need(&n.annotations, k)?;
            if Some(&got) != rule.get(k) {
                return Err(format!(
                    "{name}: {k} {got:?}, the rule says {:?}",
                    rule.get(k)
                ));
            }
        }
        let db = &n.annotations["dashboard_url"];
        if !db.contains("/d/") || !db.contains("viewPanel=") {
            return Err(format!("{name}: dashboard_url {db}"));
        }
        Ok(())
    }
}

// ------------------------------------------------------------------------------ fault domains

/// A health endpoint whose status the test sets (200 or 503).
fn health_endpoint(failing: Arc<AtomicBool>) -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    std::thread::spawn(move || {
        use std::io::{BufRead, BufReader, Write};
        for mut s in l.incoming().flatten() {
            let mut line = String::new();
            let _ = BufReader::new(&s).read_line(&mut line);
            let status = if failing.load(Ordering::SeqCst) {
                "503 Service Unavailable"
            } else {
                "200 OK"
            };
            let _ = write!(
                s,
                "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
    });
    addr
}

const NOTHING: &str =
    "host: {enabled: false}\ndocker: {enabled: false}\npostgres: []\nredis: []\nrabbitmq: []\n";

/// Opens the dependencies' gate when dropped (also when the services domain fails).
struct OpenGate<'a>(&'a AtomicBool);

impl Drop for OpenGate<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

fn services(ctx: &Ctx, ex: &Exporter, failing: &AtomicBool) -> Result<(), String> {
    let _gate = OpenGate(&ctx.deps_may_fail);
    let inst = ex.addr.to_string();
    let f = [("service", "e2e-api"), ("instance", inst.as_str())];
    failing.store(true, Ordering::SeqCst);
    ctx.fired("ServiceDown", &f, "health endpoint answers 503")?;
    failing.store(false, Ordering::SeqCst);
    ctx.resolved("ServiceDown", &f)
}

/// An exporter on a fixed port that can be killed and started again.
struct KillableExporter {
    port: u16,
    child: Option<Guard>,
    dir: tempfile::TempDir,
}

impl KillableExporter {
    fn start(config: &str) -> KillableExporter {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("c.yml"), config).unwrap();
        let mut k = KillableExporter {
            port: free_port(),
            child: None,
            dir,
        };
        k.spawn();
        k
    }
    fn spawn(&mut self) {
        let c = Command::new(common::exporter_bin())
            .arg(format!("--web.listen-address=127.0.0.1:{}", self.port))
            .arg(format!(
                "--config.file={}",
                self.dir.path().join("c.yml").display()
            ))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        self.child = Some(Guard(c));
        let addr = format!("127.0.0.1:{}", self.port);
        assert!(
            wait_for(Duration::from_secs(15), || common::port_open(&addr)
                .then_some(()))
            .is_some()
        );
    }
    fn kill(&mut self) {
        if let Some(mut g) = self.child.take() {
            let _ = g.0.kill();
            let _ = g.0.wait();
        }
    }
}

/// The exporter's PostgreSQL stops (PostgreSQLDown pages), then the exporter itself is killed:
/// NexoExporterDown pages, TargetUnreachable and PostgreSQLDown are inhibited by it, and
/// PostgreSQLDown keeps firing on the exporter's last report (no resolved notification).
fn exporter_down(ctx: &Ctx, k: &mut KillableExporter, pg: &mut PrivatePg) -> Result<(), String> {
    let inst = format!("127.0.0.1:{}", k.port);
    let f = [("job", "nexo-exporter"), ("instance", inst.as_str())];
    ctx.wait_deps_may_fail()?;
    pg.stop();
    ctx.fired(
        "PostgreSQLDown",
        &f,
        "private cluster stopped, then its exporter killed (next rows)",
    )?;
    k.kill();
    ctx.fired("NexoExporterDown", &f, "exporter process killed (SIGKILL)")?;
    ctx.fired_only("TargetUnreachable", &f, "exporter process killed (SIGKILL)")?;
    ctx.inhibited("TargetUnreachable", &f, "NexoExporterDown")?;
    ctx.inhibited("PostgreSQLDown", &f, "NexoExporterDown")?;
    let pg_resolved = |ctx: &Ctx| {
        ctx.hook
            .all()
            .iter()
            .any(|n| n.status == "resolved" && Ctx::matches(&n.labels, "PostgreSQLDown", &f))
    };
    if !ctx.firing("PostgreSQLDown", &f) || pg_resolved(ctx) {
        return Err("PostgreSQLDown resolved when its exporter died".into());
    }
    ctx.note(
        "PostgreSQLDown",
        &f,
        "kept firing, never resolved, while the exporter was dead",
    );
    k.spawn();
    ctx.resolved("NexoExporterDown", &f)?;
    pg.start();
    ctx.resolved("PostgreSQLDown", &f)
}

/// One exporter reloaded (SIGHUP) through three configurations: Docker probe on a missing
/// socket (NexoExporterProbeFailed), then its PostgreSQL target removed
/// (NexoExporterTargetMissing, never PostgreSQLDown), then the target back.
fn probes(ctx: &Ctx, ex: &Exporter, configs: [String; 3]) -> Result<(), String> {
    let inst = ex.addr.to_string();
    let f = [("probe", "docker"), ("instance", inst.as_str())];
    ctx.fired(
        "NexoExporterProbeFailed",
        &f,
        "Docker probe on a missing socket",
    )?;
    let reload = |c: &str| {
        std::fs::write(ex.dir.path().join("config.yml"), c).unwrap();
        common::signal(ex.pid(), "HUP");
    };
    reload(&configs[1]);
    ctx.resolved("NexoExporterProbeFailed", &f)?;
    let f = [
        ("probe", "postgres"),
        ("target", "db"),
        ("instance", inst.as_str()),
    ];
    ctx.fired(
        "NexoExporterTargetMissing",
        &f,
        "PostgreSQL target removed from the configuration, SIGHUP",
    )?;
    let pg = [("instance", inst.as_str())];
    if ctx.firing("PostgreSQLDown", &pg)
        || ctx
            .hook
            .all()
            .iter()
            .any(|n| Ctx::matches(&n.labels, "PostgreSQLDown", &pg))
    {
        return Err("PostgreSQLDown for a target removed from the configuration".into());
    }
    ctx.note("NexoExporterTargetMissing", &f, "no PostgreSQLDown");
    reload(&configs[2]);
    ctx.resolved("NexoExporterTargetMissing", &f)
}

/// The always-firing Watchdog reaches the dead-man's switch.
fn watchdog(ctx: &Ctx) -> Result<(), String> {
    ctx.fired("Watchdog", &[], "none: always firing")?;
    // Alerts Prometheus sends before its notifier has discovered Alertmanager (its first
    // seconds) are dropped and sent again after --rules.alert.resend-delay (1m by default).
    let dropped = ctx
        .prom
        .query("max(prometheus_notifications_dropped_total)")
        .first()
        .and_then(|v| v["value"][1].as_str().map(String::from))
        .unwrap_or_default();
    ctx.note(
        "Watchdog",
        &[],
        &format!(
            "never resolves; reached Alertmanager about 1 min after firing: Prometheus dropped {dropped} notification(s) (prometheus_notifications_dropped_total) sent before it had discovered Alertmanager and resends a firing alert every --rules.alert.resend-delay (1m)"
        ),
    );
    Ok(())
}

/// A container removed on drop.
fn container(name: &str, opts: &[&str], image: &str, cmd: &[&str]) -> DockerObject {
    run_ok(
        Command::new("docker")
            .args(["run", "-d", "--name", name])
            .args(opts)
            .arg(image)
            .args(cmd),
    );
    DockerObject {
        kind: "container",
        name: name.into(),
    }
}

fn docker_exec(name: &str, script: &str) -> Result<(), String> {
    let out = run(Command::new("docker").args(["exec", name, "/bin/busybox", "sh", "-c", script]));
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("docker exec {name} {script}: {out:?}"))
    }
}

fn restarts(ctx: &Ctx, image: &str, prefix: &str) -> Result<(), String> {
    let name = format!("{prefix}-crashloop");
    let c = container(
        &name,
        &["--restart", "on-failure"],
        image,
        &["/bin/busybox", "sh", "-c", "sleep 1; exit 1"],
    );
    let f = [("name", name.as_str())];
    ctx.fired(
        "HighRestartRate",
        &f,
        "container exits 1 every second under --restart on-failure",
    )?;
    drop(c);
    ctx.resolved("HighRestartRate", &f)
}

/// Sets the CFS quota of container `name`'s own cgroup (cgroup v1, cgroupfs driver) in µs per
/// 100 ms period, below its `--cpus` limit: Docker keeps reporting the `--cpus` limit, the
/// container gets less.
fn cpu_quota(name: &str, quota_us: u32) -> Result<(), String> {
    let id = run_ok(Command::new("docker").args(["inspect", "-f", "{{.Id}}", name]));
    let path = format!("/sys/fs/cgroup/cpu/docker/{}/cpu.cfs_quota_us", id.trim());
    std::fs::write(&path, quota_us.to_string()).map_err(|e| format!("{path}: {e}"))
}

fn cpu(ctx: &Ctx, image: &str, prefix: &str) -> Result<(), String> {
    let name = format!("{prefix}-cpu");
    let c = container(
        &name,
        &["--cpus", "0.05"],
        image,
        &["/bin/busybox", "sh", "-c", "while :; do :; done"],
    );
    let f = [("name", name.as_str())];
    // 4.6 ms of every 100 ms: 92 % of the 0.05-core limit, between the two thresholds, so
    // HighCPUUsage fires alone first and its notification is not raced by its twin (the rate
    // window is 40s, not 20s: the Docker stats' sampling jitter stays well inside 90-95 %).
    cpu_quota(&name, 4600)?;
    ctx.fired(
        "HighCPUUsage",
        &f,
        "busy loop under --cpus 0.05, throttled to 92 % of it",
    )?;
    // The whole limit: 100 % > 95 %.
    cpu_quota(&name, 5000)?;
    ctx.fired(
        "CriticalCPUUsage",
        &f,
        "busy loop under --cpus 0.05 (100 % of the limit)",
    )?;
    ctx.inhibited("HighCPUUsage", &f, "CriticalCPUUsage")?;
    drop(c);
    ctx.resolved("CriticalCPUUsage", &f)?;
    ctx.resolved("HighCPUUsage", &f)
}

/// A process of the container allocates past `--memory 16m` and is OOM-killed (the container
/// keeps running: its counter exists before the kill).
fn oom(ctx: &Ctx, image: &str, prefix: &str) -> Result<(), String> {
    let name = format!("{prefix}-oom");
    let c = container(
        &name,
        &["--memory", "16m", "--memory-swap", "16m"],
        image,
        &[
            "/bin/busybox",
            "sh",
            "-c",
            "/bin/busybox sleep 8; /bin/busybox sh -c 'x=$(/bin/busybox head -c 100000000 /dev/zero | /bin/busybox tr \"\\000\" a)'; /bin/busybox sleep 100000",
        ],
    );
    let f = [("name", name.as_str())];
    ctx.fired(
        "ContainerOOMKilled",
        &f,
        "a process allocates past --memory 16m and is OOM-killed",
    )?;
    drop(c);
    ctx.resolved("ContainerOOMKilled", &f)
}

fn memory(ctx: &Ctx, image: &str, prefix: &str) -> Result<(), String> {
    let name = format!("{prefix}-mem");
    let c = container(
        &name,
        &[
            "--memory",
            "128m",
            "--memory-swap",
            "128m",
            "--shm-size",
            "128m",
        ],
        image,
        &["/bin/busybox", "sleep", "100000"],
    );
    let f = [("name", name.as_str())];
    // 117 MiB of 128 MiB in /dev/shm (tmpfs pages are charged to the container): ~92 %.
    let fill = |file: &str, mib: u32| {
        docker_exec(
            &name,
            &format!("/bin/busybox dd if=/dev/zero of=/dev/shm/{file} bs=1M count={mib} 2>&1"),
        )
    };
    fill("a", 117)?;
    ctx.fired(
        "HighMemoryUsage",
        &f,
        "/dev/shm filled to ~92 % of --memory 128m",
    )?;
    // 6 MiB more: ~96 %.
    fill("b", 6)?;
    ctx.fired(
        "CriticalMemoryUsage",
        &f,
        "/dev/shm filled to ~96 % of --memory 128m",
    )?;
    ctx.inhibited("HighMemoryUsage", &f, "CriticalMemoryUsage")?;
    docker_exec(&name, "/bin/busybox rm -f /dev/shm/a /dev/shm/b")?;
    ctx.resolved("CriticalMemoryUsage", &f)?;
    ctx.resolved("HighMemoryUsage", &f)?;
    drop(c);
    Ok(())
}

fn leak(ctx: &Ctx, image: &str, prefix: &str) -> Result<(), String> {
    let name = format!("{prefix}-leak");
    // +4 MiB a second, no limit, capped at 600 MiB.
    let c = container(
        &name,
        &["--shm-size", "700m"],
        image,
        &[
            "/bin/busybox",
            "sh",
            "-c",
            "i=0; while [ $i -lt 150 ]; do /bin/busybox dd if=/dev/zero of=/dev/shm/f$i bs=1M count=4 2>/dev/null; i=$((i+1)); /bin/busybox sleep 1; done; /bin/busybox sleep 100000",
        ],
    );
    let f = [("name", name.as_str())];
    ctx.fired(
        "PossibleMemoryLeak",
        &f,
        "working set grows 4 MiB/s without a limit",
    )?;
    drop(c);
    ctx.resolved("PossibleMemoryLeak", &f)
}

/// A tmpfs mounted at a temp dir; lazily unmounted on drop.
struct Tmpfs(tempfile::TempDir);

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(self.0.path()).status();
    }
}

fn disk(ctx: &Ctx, fs: &Path, device: &str, ex: &Exporter) -> Result<(), String> {
    let inst = ex.addr.to_string();
    let f = [("device", device), ("instance", inst.as_str())];
    let fill = |name: &str, bytes: usize| {
        std::fs::write(fs.join(name), vec![0x5a; bytes]).unwrap();
    };
    fill("a", 9_227_468); // 8.8 MiB of 10 MiB: 12 % free
    ctx.fired("DiskSpaceLow", &f, "10 MiB tmpfs filled to 88 %")?;
    fill("b", 419_430); // + 0.4 MiB: 8 % free
    ctx.fired("DiskSpaceCritical", &f, "10 MiB tmpfs filled to 92 %")?;
    ctx.inhibited("DiskSpaceLow", &f, "DiskSpaceCritical")?;
    std::fs::remove_file(fs.join("a")).unwrap();
    std::fs::remove_file(fs.join("b")).unwrap();
    ctx.resolved("DiskSpaceCritical", &f)?;
    ctx.resolved("DiskSpaceLow", &f)
}

fn postgres(
    ctx: &Ctx,
    pg: &mut PrivatePg,
    ex: &Exporter,
    ex_services: &Exporter,
    failing: &AtomicBool,
) -> Result<(), String> {
    let inst = ex.addr.to_string();
    let f = [("instance", inst.as_str())];
    // max_connections 10, 3 reserved: 7 for applications; 6 sessions + the exporter's = 100 %.
    // Each session is a transaction that stays open (pg_sleep).
    let mut sessions = Vec::new();
    for _ in 0..6 {
        let c = Command::new("psql")
            .args(["-X", "-h"])
            .arg(pg.dir.path())
            .args([
                "-p",
                &pg.port.to_string(),
                "-U",
                "postgres",
                "-d",
                "postgres",
            ])
            .args(["-c", "SELECT pg_sleep(600)"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        sessions.push(Guard(c));
    }
    ctx.fired(
        "HighDatabaseConnections",
        &f,
        "private cluster (max_connections 10): 7 of 7 sessions in use",
    )?;
    let fl = f;
    ctx.fired(
        "PostgreSQLLongTransaction",
        &fl,
        "private cluster: transactions open (pg_sleep) longer than the threshold (10 s here)",
    )?;
    // A backend in pg_sleep does not notice its client is gone: end the sessions server-side.
    drop(sessions);
    pg.psql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(600)'")
        .ok_or("pg_terminate_backend failed")?;
    ctx.resolved("HighDatabaseConnections", &f)?;
    ctx.resolved("PostgreSQLLongTransaction", &fl)?;
    ctx.wait_deps_may_fail()?;
    pg.stop();
    ctx.fired(
        "PostgreSQLDown",
        &f,
        "private cluster stopped (immediate shutdown)",
    )?;
    // A service failing while its database is down: the consequence is not notified.
    let svc = ex_services.addr.to_string();
    let fs = [("service", "e2e-api"), ("instance", svc.as_str())];
    failing.store(true, Ordering::SeqCst);
    let r = ctx
        .fired_only(
            "ServiceDown",
            &fs,
            "health endpoint answers 503 while PostgreSQLDown fires",
        )
        .and_then(|_| ctx.inhibited("ServiceDown", &fs, "PostgreSQLDown"));
    failing.store(false, Ordering::SeqCst);
    r?;
    // Gone before the database comes back (else it would be notified then).
    wait_for(WAIT, || (!ctx.firing("ServiceDown", &fs)).then_some(()))
        .ok_or("ServiceDown never ended")?;
    pg.start();
    ctx.resolved("PostgreSQLDown", &f)
}

fn redis_cli(port: u16, args: &[&str]) -> String {
    run_ok(
        Command::new("redis-cli")
            .args(["-p", &port.to_string()])
            .args(args),
    )
}

fn redis(
    ctx: &Ctx,
    dir: &Path,
    port: u16,
    server: &mut Option<Guard>,
    ex: &Exporter,
) -> Result<(), String> {
    let inst = ex.addr.to_string();
    let f = [("instance", inst.as_str())];
    redis_cli(port, &["DEBUG", "POPULATE", "20000", "e2e", "200"]);
    let used: u64 = redis_cli(port, &["INFO", "memory"])
        .lines()
        .find_map(|l| l.strip_prefix("used_memory:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap();
    // maxmemory just above what is used: ~95 %.
    redis_cli(
        port,
        &["CONFIG", "SET", "maxmemory", &(used * 100 / 95).to_string()],
    );
    ctx.fired(
        "RedisHighMemory",
        &f,
        "private redis-server: maxmemory set just above its use (~95 %)",
    )?;
    redis_cli(port, &["FLUSHALL"]);
    ctx.resolved("RedisHighMemory", &f)?;
    ctx.wait_deps_may_fail()?;
    *server = None; // killed
    ctx.fired("RedisDown", &f, "private redis-server killed")?;
    *server = Some(redis_on(dir, port, &["--enable-debug-command", "local"]));
    ctx.resolved("RedisDown", &f)
}

/// Deletes the test's queue from the local broker when dropped (also on failure; its
/// `x-expires` is the last resort).
struct QueueGuard<'a>(&'a str);

impl Drop for QueueGuard<'_> {
    fn drop(&mut self) {
        use lapin::options::QueueDeleteOptions;
        use lapin::{Connection, ConnectionProperties};
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            if let Ok(conn) = Connection::connect(
                "amqp://guest:guest@127.0.0.1:5672/%2f",
                ConnectionProperties::default(),
            )
            .await
                && let Ok(ch) = conn.create_channel().await
            {
                let _ = ch
                    .queue_delete(self.0.into(), QueueDeleteOptions::default())
                    .await;
                let _ = conn.close(200, "bye".into()).await;
            }
        });
    }
}

fn rabbitmq(ctx: &Ctx, proxy: &Proxy, ex: &Exporter, queue: &str) -> Result<(), String> {
    use lapin::options::{
        BasicConsumeOptions, BasicPublishOptions, BasicQosOptions, QueueDeclareOptions,
    };
    use lapin::types::{AMQPValue, FieldTable};
    use lapin::{BasicProperties, Connection, ConnectionProperties};
    let inst = ex.addr.to_string();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let q = QueueGuard(queue);
    let publish = |ch: &lapin::Channel, n: usize| {
        rt.block_on(async {
            for _ in 0..n {
                ch.basic_publish(
                    "".into(),
                    queue.into(),
                    BasicPublishOptions::default(),
                    b"x",
                    BasicProperties::default(),
                )
                .await
                .unwrap();
            }
        })
    };
    let (conn, ch) = rt.block_on(async {
        let conn = Connection::connect(
            "amqp://guest:guest@127.0.0.1:5672/%2f",
            ConnectionProperties::default(),
        )
        .await
        .expect("connect to the local RabbitMQ");
        let ch = conn.create_channel().await.unwrap();
        let mut args = FieldTable::default();
        args.insert("x-expires".into(), AMQPValue::LongUInt(600_000));
        ch.queue_declare(queue.into(), QueueDeclareOptions::default(), args)
            .await
            .unwrap();
        // A consumer that takes up to 1100 messages and never acks.
        ch.basic_qos(1100, BasicQosOptions::default())
            .await
            .unwrap();
        let consumer = ch
            .basic_consume(
                queue.into(),
                "nexo-e2e".into(),
                BasicConsumeOptions::default(),
                FieldTable::default(),
            )
            .await
            .unwrap();
        std::mem::forget(consumer);
        (conn, ch)
    });
    publish(&ch, 1100);
    let f = [("queue", queue), ("instance", inst.as_str())];
    ctx.fired(
        "HighUnackedMessages",
        &f,
        "1100 messages held by a consumer that never acks",
    )?;
    // More messages than the consumer takes: the backlog grows while it is attached.
    publish(&ch, 1050);
    wait_for(WAIT, || {
        publish(&ch, 25);
        std::thread::sleep(Duration::from_millis(400));
        ctx.firing("RabbitMQQueueBacklog", &f).then_some(())
    })
    .ok_or("RabbitMQQueueBacklog never fired")?;
    ctx.fired(
        "RabbitMQQueueBacklog",
        &f,
        "ready messages past 1000 and growing, the consumer attached but full",
    )?;
    ctx.resolved("RabbitMQQueueBacklog", &f)?;
    // The consumer goes away: its unacked messages return to ready, nobody consumes.
    rt.block_on(async {
        let _ = conn.close(200, "bye".into()).await;
    });
    ctx.fired(
        "RabbitMQQueueNoConsumers",
        &f,
        "the consumer's connection closed, messages left ready",
    )?;
    ctx.resolved("HighUnackedMessages", &f)?;
    // The returned messages make the backlog jump again: one warning for the cause.
    ctx.fired_only(
        "RabbitMQQueueBacklog",
        &f,
        "the consumer gone, its 1100 unacked messages back to ready",
    )?;
    ctx.inhibited("RabbitMQQueueBacklog", &f, "RabbitMQQueueNoConsumers")?;
    drop(q); // the queue deleted
    ctx.resolved("RabbitMQQueueNoConsumers", &f)?;
    let f = [("instance", inst.as_str())];
    ctx.wait_deps_may_fail()?;
    proxy.pause();
    proxy.cut();
    ctx.fired(
        "RabbitMQDown",
        &f,
        "AMQP proxy in front of the broker hangs",
    )?;
    proxy.resume();
    ctx.resolved("RabbitMQDown", &f)
}

/// Declares `queue` on the local broker (expires after 10 idle minutes if the test dies).
fn declare_queue(queue: &str) {
    use lapin::options::QueueDeclareOptions;
    use lapin::types::{AMQPValue, FieldTable};
    use lapin::{Connection, ConnectionProperties};
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let conn = Connection::connect(
            "amqp://guest:guest@127.0.0.1:5672/%2f",
            ConnectionProperties::default(),
        )
        .await
        .expect("connect to the local RabbitMQ");
        let ch = conn.create_channel().await.unwrap();
        let mut args = FieldTable::default();
        args.insert("x-expires".into(), AMQPValue::LongUInt(600_000));
        ch.queue_declare(queue.into(), QueueDeclareOptions::default(), args)
            .await
            .unwrap();
        let _ = conn.close(200, "bye".into()).await;
    });
}

/// More queues than `max_queues` (1) match the exporter's `queue_include`
/// (NexoExporterRabbitMQQueuesDropped).
fn queues_dropped(ctx: &Ctx, ex: &Exporter, prefix: &str) -> Result<(), String> {
    let inst = ex.addr.to_string();
    let f = [("instance", inst.as_str())];
    let (a, b) = (format!("{prefix}-d1"), format!("{prefix}-d2"));
    let qa = QueueGuard(&a);
    let qb = QueueGuard(&b);
    declare_queue(&a);
    declare_queue(&b);
    ctx.fired(
        "NexoExporterRabbitMQQueuesDropped",
        &f,
        "two queues match, max_queues 1",
    )?;
    drop(qb); // deleted
    ctx.resolved("NexoExporterRabbitMQQueuesDropped", &f)?;
    drop(qa);
    Ok(())
}

// ------------------------------------------------------------------------------ the test

#[test]
fn every_exporter_fed_alert_fires_notifies_and_resolves() {
    let prefix = unique("nexo-e2e");
    let image = busybox_image("");

    // Fault domains and their exporters.
    let failing = Arc::new(AtomicBool::new(false));
    let health = health_endpoint(Arc::clone(&failing));
    let ex_services = Exporter::start(
        &format!("{NOTHING}services:\n  - name: e2e-api\n    url: http://{health}/api/health\n"),
        &[],
    );
    let mut pg_down = PrivatePg::new();
    let mut killable = KillableExporter::start(&format!(
        "host: {{enabled: false}}\ndocker: {{enabled: false}}\nredis: []\nrabbitmq: []\npostgres:\n  - name: db\n    host: 127.0.0.1\n    port: {}\n    user: postgres\n    dbname: postgres\n",
        pg_down.port
    ));
    let ex_docker = Exporter::start(
        &format!(
            "host: {{enabled: false}}\npostgres: []\nredis: []\nrabbitmq: []\ndocker:\n  enabled: true\n  name_include: '{prefix}-.*'\n"
        ),
        &[],
    );
    // The probes' exporter: its configurations in turn (reloaded with SIGHUP). Its PostgreSQL
    // is the local one, only read.
    let pg_target = "postgres:\n  - name: db\n    host: 127.0.0.1\n    port: 5432\n    user: postgres\n    dbname: postgres\n";
    let docker_ok = format!("docker:\n  enabled: true\n  name_include: '{prefix}-none'\n");
    let probe_configs = [
        format!(
            "host: {{enabled: false}}\nredis: []\nrabbitmq: []\n{pg_target}docker:\n  enabled: true\n  host: unix:///nonexistent/nexo-e2e-docker.sock\n"
        ),
        format!("host: {{enabled: false}}\nredis: []\nrabbitmq: []\npostgres: []\n{docker_ok}"),
        format!("host: {{enabled: false}}\nredis: []\nrabbitmq: []\n{pg_target}{docker_ok}"),
    ];
    let ex_probes = Exporter::start(&probe_configs[0], &[]);
    let tmpfs = Tmpfs(tempfile::tempdir().unwrap());
    let device = prefix.clone();
    let out = run(Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=10m", &device])
        .arg(tmpfs.0.path()));
    assert!(out.status.success(), "mount tmpfs (needs root): {out:?}");
    let mp = tmpfs.0.path().display().to_string();
    let ex_disk = Exporter::start(
        "docker: {enabled: false}\npostgres: []\nredis: []\nrabbitmq: []\nhost:\n  enabled: true\n",
        &[],
    );
    let mut pg =
        PrivatePg::with_settings(&["max_connections=10", "superuser_reserved_connections=3"]);
    let ex_pg = Exporter::start(
        &format!(
            "host: {{enabled: false}}\ndocker: {{enabled: false}}\nredis: []\nrabbitmq: []\npostgres:\n  - name: db\n    host: 127.0.0.1\n    port: {}\n    user: postgres\n    dbname: postgres\n",
            pg.port
        ),
        &[],
    );
    let redis_dir = tempfile::tempdir().unwrap();
    let redis_port = free_port();
    let mut redis_server = Some(redis_on(
        redis_dir.path(),
        redis_port,
        &["--enable-debug-command", "local"],
    ));
    let ex_redis = Exporter::start(
        &format!(
            "host: {{enabled: false}}\ndocker: {{enabled: false}}\npostgres: []\nrabbitmq: []\nredis:\n  - name: cache\n    url: redis://127.0.0.1:{redis_port}\n"
        ),
        &[],
    );
    let proxy = Proxy::start("127.0.0.1:5672".parse().unwrap());
    let queue = format!("{prefix}-q");
    let ex_rabbit = Exporter::start(
        &format!(
            "host: {{enabled: false}}\ndocker: {{enabled: false}}\npostgres: []\nredis: []\nrabbitmq:\n  - name: mq\n    amqp_url: amqp://127.0.0.1:{}/%2f\n    prometheus_url: http://127.0.0.1:15692\n    queue_include: '{queue}'\n    timeout: 2s\n",
            proxy.port
        ),
        &[],
    );
    let ex_rabbit2 = Exporter::start(
        &format!(
            "host: {{enabled: false}}\ndocker: {{enabled: false}}\npostgres: []\nredis: []\nrabbitmq:\n  - name: mq\n    amqp_url: amqp://127.0.0.1:5672/%2f\n    prometheus_url: http://127.0.0.1:15692\n    queue_include: '{prefix}-d.*'\n    max_queues: 1\n    timeout: 2s\n"
        ),
        &[],
    );

    // The stack: shipped routing (receivers delivered to the webhook, short group timings),
    // shipped scrape config (addresses, 2s/1s intervals), shipped rules (short `for`/windows).
    let hook = Webhook::start();
    let am = Alertmanager::start(&alertmanager_config(&hook, Some(("1s", "2s"))));
    let exporters = [
        &ex_services.addr.to_string(),
        &format!("127.0.0.1:{}", killable.port),
        &ex_docker.addr.to_string(),
        &ex_probes.addr.to_string(),
        &ex_disk.addr.to_string(),
        &ex_pg.addr.to_string(),
        &ex_redis.addr.to_string(),
        &ex_rabbit.addr.to_string(),
        &ex_rabbit2.addr.to_string(),
    ]
    .iter()
    .map(|s| s.as_str())
    .collect::<Vec<_>>()
    .join("\", \"");
    let prom_port = free_port();
    let config = prometheus_config(
        &[
            ("nexo-exporter:8910", exporters),
            ("alertmanager:9093", am.addr.to_string()),
            // The NEXO services' own /api/metrics are not part of these faults.
            ("auth:3001", health.to_string()),
            ("gateway:3000", health.to_string()),
            ("crm-service:3003", health.to_string()),
            ("localhost:9090", format!("127.0.0.1:{prom_port}")),
        ],
        Some("2s"),
    )
    .replace("evaluation_interval: 2s", "evaluation_interval: 1s");
    let prom = Prometheus::start_at(
        format!("127.0.0.1:{prom_port}").parse().unwrap(),
        &config,
        &test_rules(),
    );
    let ctx = Ctx {
        start: Instant::now(),
        prom,
        am,
        hook,
        rows: Mutex::new(Vec::new()),
        annotations: shipped_annotations(),
        deps_may_fail: AtomicBool::new(false),
    };
    // Everything up before the faults.
    let docker = format!("nexo_exporter_docker_up{{instance=\"{}\"}}", ex_docker.addr);
    for q in [
        "min(up{job=\"nexo-exporter\"})",
        "min(pg_up)",
        "min(redis_up)",
        "min(rabbitmq_up)",
        &docker,
        "min(probe_success)",
    ] {
        assert!(
            ctx.prom.wait_value(q, 1.0, Duration::from_secs(60)),
            "{q}: {:?}",
            ctx.prom.query(q)
        );
    }

    let results: Vec<(&str, Result<(), String>)> = std::thread::scope(|s| {
        let img = image.name.as_str();
        let p = prefix.as_str();
        let handles = vec![
            (
                "services",
                s.spawn(|| services(&ctx, &ex_services, &failing)),
            ),
            (
                "exporter down",
                s.spawn(|| exporter_down(&ctx, &mut killable, &mut pg_down)),
            ),
            (
                "probes",
                s.spawn(|| probes(&ctx, &ex_probes, probe_configs.clone())),
            ),
            ("watchdog", s.spawn(|| watchdog(&ctx))),
            ("restarts", s.spawn(|| restarts(&ctx, img, p))),
            ("cpu", s.spawn(|| cpu(&ctx, img, p))),
            ("memory", s.spawn(|| memory(&ctx, img, p))),
            ("oom", s.spawn(|| oom(&ctx, img, p))),
            ("leak", s.spawn(|| leak(&ctx, img, p))),
            (
                "disk",
                s.spawn(|| disk(&ctx, tmpfs.0.path(), &device, &ex_disk)),
            ),
            (
                "postgres",
                s.spawn(|| postgres(&ctx, &mut pg, &ex_pg, &ex_services, &failing)),
            ),
            (
                "redis",
                s.spawn(|| {
                    redis(
                        &ctx,
                        redis_dir.path(),
                        redis_port,
                        &mut redis_server,
                        &ex_redis,
                    )
                }),
            ),
            (
                "rabbitmq",
                s.spawn(|| rabbitmq(&ctx, &proxy, &ex_rabbit, &queue)),
            ),
            (
                "queues dropped",
                s.spawn(|| queues_dropped(&ctx, &ex_rabbit2, p)),
            ),
        ];
        handles
            .into_iter()
            .map(|(n, h)| (n, h.join().unwrap_or_else(|_| Err("panicked".into()))))
            .collect()
    });

    // The table.
    let mut rows = ctx.rows.lock().unwrap().clone();
    rows.sort_by(|a, b| a.fired.partial_cmp(&b.fired).unwrap());
    let f = |x: Option<f64>| x.map_or("–".to_string(), |v| format!("{v:.1}"));
    println!(
        "\n| alert | fault | fired at (s) | notified at (s) | resolved notification at (s) | note |"
    );
    println!("|---|---|---|---|---|---|");
    for r in &rows {
        println!(
            "| {} | {} | {} | {} | {} | {} |",
            r.alert,
            r.what,
            f(r.fired),
            f(r.notified),
            f(r.resolved),
            r.note
        );
    }
    println!(
        "(seconds since the stack was up; tmpfs at {mp}; wall time {:.0} s)",
        ctx.start.elapsed().as_secs_f64()
    );
    let failed: Vec<String> = results
        .iter()
        .filter_map(|(n, r)| r.as_ref().err().map(|e| format!("{n}: {e}")))
        .collect();
    assert!(
        failed.is_empty(),
        "{}\nprometheus log:\n{}\nalertmanager log:\n{}",
        failed.join("\n"),
        ctx.prom.log(),
        ctx.am.log()
    );
}
