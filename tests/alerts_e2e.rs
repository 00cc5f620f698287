//! End to end, every exporter-fed alert: a real fault on a private instance → the shipped rule
//! fires in a real Prometheus → the shipped routing in a real Alertmanager notifies the right
//! receiver (a webhook this test runs and records) with the rule's labels and annotations →
//! the fault is removed → the resolved notification arrives.
//!
//! One Prometheus (`/usr/bin/prometheus`) and one Alertmanager (`/usr/bin/prometheus-alertmanager`)
//! serve every fault; each fault domain has its own exporter (its own `instance`), and the
//! domains run concurrently in threads. What the test changes in copies of the shipped files
//! (never the files): addresses; in the rules every `for:` is 3s and the long windows are
//! shortened (rates `[5m]` → `[20s]`, HighRestartRate `[15m]` → `[30s]`, PossibleMemoryLeak
//! `offset 1h` → `offset 40s` and `[30m]` → `[20s]`); Prometheus scrapes every 2s and evaluates
//! every 1s; Alertmanager's `group_wait` is 1s and `group_interval` 2s. Thresholds, expressions,
//! labels, annotations, routes and inhibitions are the shipped ones; promtool's unit tests
//! (tests/alerts.rs) prove the real durations.
//!
//! Faults (shared services are never touched): a health endpoint this test serves turns 503
//! (ServiceDown); an exporter is killed (TargetUnreachable); busybox containers FROM scratch
//! crash-loop (HighRestartRate), burn CPU under `--cpus 0.05` (CriticalCPUUsage; HighCPUUsage
//! fires too and is inhibited), fill /dev/shm toward a 64 MiB `--memory` limit
//! (HighMemoryUsage at 92 %, then CriticalMemoryUsage at 97 %) or grow steadily without a limit
//! (PossibleMemoryLeak); a 10 MiB tmpfs is filled (DiskSpaceLow at 88 %, DiskSpaceCritical at
//! 92 %); a private PostgreSQL cluster (max_connections 10) gets sessions until 80 % are used
//! (HighDatabaseConnections), then stops (PostgreSQLDown); a private redis-server gets
//! `DEBUG POPULATE` under a maxmemory just above its use (RedisHighMemory), then dies
//! (RedisDown); a queue of the local broker gets 1100 messages held by a consumer that never
//! acks (HighUnackedMessages), then the AMQP proxy in front of the broker hangs (RabbitMQDown).
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

/// Window shortenings of the rules copy: (shipped text, test text, how many times).
const WINDOWS: &[(&str, &str, usize)] = &[
    (
        "increase(container_restarts_total[15m])",
        "increase(container_restarts_total[30s])",
        1,
    ),
    (
        "rate(container_cpu_usage_seconds_total[5m])",
        "rate(container_cpu_usage_seconds_total[20s])",
        4,
    ),
    (
        "container_memory_working_set_bytes offset 1h",
        "container_memory_working_set_bytes offset 40s",
        1,
    ),
    (
        "deriv(container_memory_working_set_bytes[30m])",
        "deriv(container_memory_working_set_bytes[20s])",
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
                if have > 0 {
                    assert_eq!(have, *n, "{name}: {from} (rule changed? update WINDOWS)");
                    text = text.replace(from, to);
                }
            }
            (name, shorten_for(&text, "3s"))
        })
        .collect()
}

/// One row of the table.
#[derive(Debug, Clone, Default)]
struct Row {
    alert: String,
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

    /// Waits until `name{filter}` is firing in Prometheus, then until its firing notification
    /// reached every receiver its severity routes to; checks labels and annotations.
    fn fired(&self, name: &str, filter: &[(&str, &str)], what: &str) -> Result<(), String> {
        let fired = wait_for(WAIT, || {
            self.prom
                .alerts()
                .into_iter()
                .find(|(l, s)| s == "firing" && Self::matches(l, name, filter))
                .map(|(l, _)| (Instant::now(), l))
        })
        .ok_or_else(|| format!("{name}{filter:?} never fired in Prometheus"))?;
        let severity = fired.1.get("severity").cloned().unwrap_or_default();
        let receivers: &[&str] = match severity.as_str() {
            "critical" => &["pager", "incidents"],
            _ => &["team-channel"],
        };
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
            check_notification(&n, name)?;
            if n.path != format!("/{r}") {
                return Err(format!("{name}: receiver {r} posted to {}", n.path));
            }
            notified = Some(notified.map_or(n.at, |t: Instant| t.max(n.at)));
        }
        // Never to a receiver of the other severity.
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
        self.rows.lock().unwrap().push(Row {
            alert: name.into(),
            what: what.into(),
            fired: Some(self.secs(fired.0)),
            notified: notified.map(|t| self.secs(t)),
            ..Row::default()
        });
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
        let mut rows = self.rows.lock().unwrap();
        if let Some(r) = rows
            .iter_mut()
            .rev()
            .find(|r| r.alert == name && r.resolved.is_none())
        {
            r.resolved = Some(at);
        }
        Ok(())
    }

    /// While `by` fires, Alertmanager suppresses `name{filter}` (inhibitedBy set) and no
    /// receiver gets a notification of it for a few group intervals.
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
        let mut rows = self.rows.lock().unwrap();
        if let Some(r) = rows.iter_mut().rev().find(|r| r.alert == name) {
            r.note = format!(
                "inhibited by {by} from {:.1} s: no notification while inhibited",
                self.secs(seen)
            );
        }
        Ok(())
    }
}

/// Labels and annotations every notification of a shipped alert carries.
fn check_notification(n: &common::stack::Notified, name: &str) -> Result<(), String> {
    let need = |m: &BTreeMap<String, String>, k: &str| {
        m.get(k)
            .filter(|v| !v.is_empty())
            .cloned()
            .ok_or_else(|| format!("{name}: notification lacks {k}: {m:?}"))
    };
    for k in ["severity", "category", "job", "instance"] {
        need(&n.labels, k)?;
    }
    need(&n.annotations, "summary")?;
    need(&n.annotations, "description")?;
    let rb = need(&n.annotations, "runbook_url")?;
    if !rb.ends_with(&format!("#{}", name.to_lowercase())) {
        return Err(format!("{name}: runbook_url {rb}"));
    }
    let db = need(&n.annotations, "dashboard_url")?;
    if !db.contains("/d/") || !db.contains("viewPanel=") {
        return Err(format!("{name}: dashboard_url {db}"));
    }
    Ok(())
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

fn services(ctx: &Ctx, ex: &Exporter, failing: &AtomicBool) -> Result<(), String> {
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
    fn start() -> KillableExporter {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("c.yml"), NOTHING).unwrap();
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

fn killed(ctx: &Ctx, k: &mut KillableExporter) -> Result<(), String> {
    let inst = format!("127.0.0.1:{}", k.port);
    let f = [("job", "nexo-exporter"), ("instance", inst.as_str())];
    k.kill();
    ctx.fired("TargetUnreachable", &f, "exporter process killed (SIGKILL)")?;
    k.spawn();
    ctx.resolved("TargetUnreachable", &f)
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

fn cpu(ctx: &Ctx, image: &str, prefix: &str) -> Result<(), String> {
    let name = format!("{prefix}-cpu");
    let c = container(
        &name,
        &["--cpus", "0.05"],
        image,
        &["/bin/busybox", "sh", "-c", "while :; do :; done"],
    );
    let f = [("name", name.as_str())];
    // The [20s] rate climbs through 90 % shortly before 95 %: HighCPUUsage fires and is
    // notified first, then CriticalCPUUsage fires and inhibits it.
    ctx.fired(
        "HighCPUUsage",
        &f,
        "busy loop under --cpus 0.05 (> 90 % of the limit)",
    )?;
    ctx.fired(
        "CriticalCPUUsage",
        &f,
        "busy loop under --cpus 0.05 (> 95 % of the limit)",
    )?;
    ctx.inhibited("HighCPUUsage", &f, "CriticalCPUUsage")?;
    drop(c);
    ctx.resolved("CriticalCPUUsage", &f)?;
    ctx.resolved("HighCPUUsage", &f)
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

fn disk(ctx: &Ctx, fs: &Path) -> Result<(), String> {
    let mp = fs.to_str().unwrap().to_string();
    let f = [("mountpoint", mp.as_str())];
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

fn postgres(ctx: &Ctx, pg: &mut PrivatePg, ex: &Exporter) -> Result<(), String> {
    let inst = ex.addr.to_string();
    let f = [("instance", inst.as_str())];
    // max_connections 10, 3 reserved: 7 for applications; 6 sessions + the exporter's = 100 %.
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
    // A backend in pg_sleep does not notice its client is gone: end the sessions server-side.
    drop(sessions);
    pg.psql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(600)'")
        .ok_or("pg_terminate_backend failed")?;
    ctx.resolved("HighDatabaseConnections", &f)?;
    pg.stop();
    ctx.fired(
        "PostgreSQLDown",
        &f,
        "private cluster stopped (immediate shutdown)",
    )?;
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
    *server = None; // killed
    ctx.fired("RedisDown", &f, "private redis-server killed")?;
    *server = Some(redis_on(dir, port, &["--enable-debug-command", "local"]));
    ctx.resolved("RedisDown", &f)
}

fn rabbitmq(ctx: &Ctx, proxy: &Proxy, ex: &Exporter, queue: &str) -> Result<(), String> {
    use lapin::options::{BasicConsumeOptions, BasicPublishOptions, QueueDeclareOptions};
    use lapin::types::{AMQPValue, FieldTable};
    use lapin::{BasicProperties, Connection, ConnectionProperties};
    let inst = ex.addr.to_string();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let conn = rt.block_on(async {
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
        for _ in 0..1100 {
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
        // A consumer without prefetch limit that never acks: every message is unacked.
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
        conn
    });
    let f = [("queue", queue), ("instance", inst.as_str())];
    ctx.fired(
        "HighUnackedMessages",
        &f,
        "1100 messages held by a consumer that never acks",
    )?;
    rt.block_on(async {
        let _ = conn.close(200, "bye".into()).await;
    });
    ctx.resolved("HighUnackedMessages", &f)?;
    let f = [("instance", inst.as_str())];
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
    let mut killable = KillableExporter::start();
    let ex_docker = Exporter::start(
        &format!(
            "host: {{enabled: false}}\npostgres: []\nredis: []\nrabbitmq: []\ndocker:\n  enabled: true\n  name_include: '{prefix}-.*'\n"
        ),
        &[],
    );
    let tmpfs = Tmpfs(tempfile::tempdir().unwrap());
    let out = run(Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=10m", "nexo-e2e"])
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

    // The stack: shipped routing (webhook addresses, short group timings), shipped scrape
    // config (addresses, 2s/1s intervals), shipped rules (short `for`/windows).
    let hook = Webhook::start();
    let am = Alertmanager::start(&alertmanager_config(&hook, Some(("1s", "2s"))));
    let exporters = [
        &ex_services.addr.to_string(),
        &format!("127.0.0.1:{}", killable.port),
        &ex_docker.addr.to_string(),
        &ex_disk.addr.to_string(),
        &ex_pg.addr.to_string(),
        &ex_redis.addr.to_string(),
        &ex_rabbit.addr.to_string(),
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
    };
    // Everything up before the faults.
    for q in [
        "min(up{job=\"nexo-exporter\"})",
        "pg_up",
        "redis_up",
        "rabbitmq_up",
        "nexo_exporter_docker_up",
        "probe_success",
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
            ("killed", s.spawn(|| killed(&ctx, &mut killable))),
            ("restarts", s.spawn(|| restarts(&ctx, img, p))),
            ("cpu", s.spawn(|| cpu(&ctx, img, p))),
            ("memory", s.spawn(|| memory(&ctx, img, p))),
            ("leak", s.spawn(|| leak(&ctx, img, p))),
            ("disk", s.spawn(|| disk(&ctx, tmpfs.0.path()))),
            ("postgres", s.spawn(|| postgres(&ctx, &mut pg, &ex_pg))),
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

/// The layering for vanished series: an exporter that runs but reports no `pg_up` fires
/// PostgreSQLDown (absent branch); a dead exporter fires TargetUnreachable instead, and the
/// absent branch goes quiet (no critical page for something we cannot see).
#[test]
fn dead_exporter_fires_target_unreachable_instead_of_postgresql_down() {
    let mut ex = Exporter::start(NOTHING, &[]);
    let config = format!(
        "global:\n  scrape_interval: 2s\n  scrape_timeout: 2s\n  evaluation_interval: 1s\n\
         rule_files: [rules/*.yml]\n\
         scrape_configs:\n  - job_name: nexo-exporter\n    static_configs:\n      - targets: ['{}']\n",
        ex.addr
    );
    let prom = Prometheus::start(&config, &test_rules());
    let firing = |name: &str| {
        prom.alerts()
            .into_iter()
            .find(|(l, s)| s == "firing" && l["alertname"] == name)
            .map(|(l, _)| l)
    };
    let labels = wait_for(WAIT, || firing("PostgreSQLDown")).expect("PostgreSQLDown (absent)");
    assert!(!labels.contains_key("instance"), "{labels:?}");
    assert_eq!(labels["severity"], "critical");
    assert!(firing("TargetUnreachable").is_none());

    ex.signal_and_wait("KILL");
    let labels = wait_for(WAIT, || firing("TargetUnreachable")).expect("TargetUnreachable");
    assert_eq!(labels["instance"], ex.addr.to_string());
    assert_eq!(labels["severity"], "warning");
    assert!(
        wait_for(WAIT, || prom
            .alerts()
            .iter()
            .all(|(l, _)| l["alertname"] != "PostgreSQLDown")
            .then_some(()))
        .is_some(),
        "PostgreSQLDown still there: {:?}",
        prom.alerts()
    );
}
