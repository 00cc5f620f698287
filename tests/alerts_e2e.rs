//! End to end: a real Prometheus (Debian's /usr/bin/prometheus, free loopback port, temp data
//! dir, 2 s scrape / 1 s evaluation intervals) scrapes the real exporter with the shipped rules;
//! each test breaks a private dependency, waits until the matching alert is firing in
//! Prometheus's /api/v1/alerts, repairs it and waits until the alert is gone.
//!
//! The rules are the shipped alerts/nexo-alerts.yml with every `for:` shortened to a few
//! seconds and HighRestartRate's 15m window to 30s (a test copy, so the alert can also resolve
//! within the test): the exact thresholds, windows and `for` durations are proven by the promtool
//! unit tests in alerts/tests (run by tests/alerts.rs); here we prove the wiring: metric names,
//! labels and the path exporter -> Prometheus -> alert.
//!
//! Shared services are never touched: PostgreSQL and RabbitMQ are reached through a TCP proxy
//! this test controls, Redis is a private redis-server, the crash-looping container is our own.

mod common;

use common::*;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long an alert may take to fire or resolve (scrape 2 s + `for` 3 s + slack for a loaded CI).
const ALERT_WAIT: Duration = Duration::from_secs(90);

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shipped restart window and its test copy: a removed container's restarts stay in a 15m
/// range for 15 minutes, so HighRestartRate could not resolve within the test.
const RESTART_WINDOW: (&str, &str) = (
    "increase(container_restarts_total[15m])",
    "increase(container_restarts_total[30s])",
);

/// The shipped rules with every `for:` set to 3s and HighRestartRate's window shortened.
fn test_rules() -> String {
    let text = std::fs::read_to_string(root().join("alerts/nexo-alerts.yml")).unwrap();
    assert_eq!(
        text.matches(RESTART_WINDOW.0).count(),
        1,
        "HighRestartRate's expression changed: update RESTART_WINDOW"
    );
    let text = text.replace(RESTART_WINDOW.0, RESTART_WINDOW.1);
    let mut n = 0;
    let out: Vec<String> = text
        .lines()
        .map(|l| {
            let t = l.trim_start();
            if t.starts_with("for: ") {
                n += 1;
                format!("{}for: 3s", &l[..l.len() - t.len()])
            } else {
                l.to_string()
            }
        })
        .collect();
    assert_eq!(
        n,
        text.matches("- alert: ").count(),
        "every shipped alert has a `for`"
    );
    out.join("\n") + "\n"
}

/// A Prometheus server scraping one exporter; killed on drop.
struct Prometheus {
    _guard: Guard,
    addr: SocketAddr,
    dir: tempfile::TempDir,
}

impl Prometheus {
    fn start(exporter: SocketAddr) -> Prometheus {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("rules.yml"), test_rules()).unwrap();
        let config = format!(
            "global:\n  scrape_interval: 2s\n  scrape_timeout: 2s\n  evaluation_interval: 1s\n\
             rule_files: [rules.yml]\n\
             scrape_configs:\n  - job_name: nexo-exporter\n    static_configs:\n      - targets: ['{exporter}']\n"
        );
        std::fs::write(dir.path().join("prometheus.yml"), config).unwrap();
        let addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
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
            wait_for(Duration::from_secs(30), || http(
                p.addr,
                "GET",
                "/-/ready",
                &[]
            )
            .ok()
            .filter(|r| r.status == 200))
            .is_some(),
            "prometheus did not start:\n{}",
            p.log()
        );
        p
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("prometheus.log")).unwrap_or_default()
    }

    /// GET `path` as JSON, over HTTP/1.0 so the body is never chunked.
    fn api(&self, path: &str) -> Option<serde_json::Value> {
        let mut s = TcpStream::connect_timeout(&self.addr, Duration::from_secs(5)).ok()?;
        s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
        write!(s, "GET {path} HTTP/1.0\r\nHost: {}\r\n\r\n", self.addr).ok()?;
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).ok()?;
        let split = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
        serde_json::from_slice(&buf[split + 4..]).ok()
    }

    /// (labels, state) of every alert named `name` whose labels include `filter`.
    fn alerts(
        &self,
        name: &str,
        filter: &[(&str, &str)],
    ) -> Vec<(BTreeMap<String, String>, String)> {
        let Some(v) = self.api("/api/v1/alerts") else {
            return Vec::new();
        };
        v["data"]["alerts"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| {
                let labels: BTreeMap<String, String> = a["labels"]
                    .as_object()?
                    .iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                    .collect();
                let ok = labels.get("alertname").map(String::as_str) == Some(name)
                    && filter
                        .iter()
                        .all(|(k, v)| labels.get(*k).map(String::as_str) == Some(*v));
                ok.then(|| (labels, a["state"].as_str().unwrap_or("").to_string()))
            })
            .collect()
    }

    /// Waits until `name{filter}` is firing; returns its labels.
    fn wait_firing(&self, name: &str, filter: &[(&str, &str)]) -> BTreeMap<String, String> {
        wait_for(ALERT_WAIT, || {
            self.alerts(name, filter)
                .into_iter()
                .find(|(_, s)| s == "firing")
                .map(|(l, _)| l)
        })
        .unwrap_or_else(|| {
            panic!(
                "{name}{filter:?} did not fire within {ALERT_WAIT:?}; alerts: {:?}",
                self.api("/api/v1/alerts")
            )
        })
    }

    /// Waits until no `name{filter}` alert is pending or firing.
    fn wait_resolved(&self, name: &str, filter: &[(&str, &str)]) {
        assert!(
            wait_for(ALERT_WAIT, || self
                .alerts(name, filter)
                .is_empty()
                .then_some(()))
            .is_some(),
            "{name}{filter:?} did not resolve within {ALERT_WAIT:?}: {:?}",
            self.alerts(name, filter)
        );
    }

    /// Waits until the instant query `q` returns `want` (first series).
    fn wait_value(&self, q: &str, want: f64) {
        let enc: String = q
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b == b'_' {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        let got = wait_for(ALERT_WAIT, || {
            let v = self.api(&format!("/api/v1/query?query={enc}"))?;
            let s = v["data"]["result"][0]["value"][1]
                .as_str()?
                .parse::<f64>()
                .ok()?;
            (s == want).then_some(())
        });
        assert!(
            got.is_some(),
            "{q} never became {want}; log:\n{}",
            self.log()
        );
    }
}

// ------------------------------------------------------------------------------------ DiskSpaceLow

/// A tmpfs mounted at a temp dir; unmounted (lazily, so it never fails) on drop.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size: &str) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "nexo-e2e"])
            .arg(dir.path())
            .output()
            .ok()?;
        if !out.status.success() {
            println!(
                "SKIP: cannot mount a tmpfs (needs root / CAP_SYS_ADMIN): {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
            return None;
        }
        Some(Tmpfs { dir })
    }
    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

#[test]
fn disk_space_low_fires_on_a_full_tmpfs_and_resolves() {
    let Some(fs) = Tmpfs::mount("10m") else {
        return;
    };
    let mp = fs.path().to_str().unwrap().to_string();
    let ex = Exporter::start(
        "postgres: []\nredis: []\nrabbitmq: []\ndocker:\n  enabled: false\n",
        &[],
    );
    let prom = Prometheus::start(ex.addr);
    // One alert per filesystem: labelled by device (the tmpfs is mounted as `nexo-e2e`), its
    // mount points listed in the description.
    let dev = [("device", "nexo-e2e")];
    // The exporter sees the mount, and the alert is not firing on an empty filesystem.
    prom.wait_value(
        &format!("node_filesystem_readonly{{mountpoint=\"{mp}\"}}"),
        0.0,
    );
    assert!(prom.alerts("DiskSpaceLow", &dev).is_empty());

    // Fill to ~88% (12% free: DiskSpaceLow, not yet DiskSpaceCritical).
    let file = fs.path().join("fill");
    let mut f = std::fs::File::create(&file).unwrap();
    f.write_all(&vec![0x5a; 9_227_468]).unwrap(); // 8.8 MiB of 10 MiB
    f.sync_all().unwrap();
    drop(f);
    let labels = prom.wait_firing("DiskSpaceLow", &dev);
    assert_eq!(labels["severity"], "warning");
    assert_eq!(labels["category"], "resources");
    assert_eq!(labels["fstype"], "tmpfs");
    assert_eq!(labels["job"], "nexo-exporter");
    assert!(!labels.contains_key("mountpoint"), "{labels:?}");
    assert!(prom.alerts("DiskSpaceCritical", &dev).is_empty());
    // The annotations are rendered by the real Prometheus too (the mount points through the
    // template's query).
    let all = prom.api("/api/v1/alerts").unwrap();
    let ann = all["data"]["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["labels"]["alertname"] == "DiskSpaceLow" && a["labels"]["device"] == "nexo-e2e")
        .map(|a| a["annotations"].clone())
        .unwrap();
    assert_eq!(ann["summary"], "A filesystem has less than 15% free space.");
    let desc = ann["description"].as_str().unwrap();
    // The mount points of the device as the host probe reports them, ours among them (another
    // mount namespace's view of the same tmpfs, e.g. a concurrent test's container, may add one).
    let (head, tail) = desc
        .split_once(", has only ")
        .unwrap_or_else(|| panic!("{desc}"));
    let mounts = head
        .strip_prefix(&format!(
            "Filesystem nexo-e2e (tmpfs) on {}, mounted at ",
            ex.addr
        ))
        .unwrap_or_else(|| panic!("{desc}"));
    assert!(mounts.split(", ").any(|m| m == mp), "{desc}");
    assert!(
        tail.starts_with('1') && tail.ends_with("% of its space available."),
        "{desc}"
    );
    assert!(
        ann["runbook_url"]
            .as_str()
            .unwrap()
            .ends_with("#diskspacelow")
    );

    std::fs::remove_file(&file).unwrap();
    prom.wait_resolved("DiskSpaceLow", &dev);
}

// ------------------------------------------------------------------------------------ missing targets

/// The watcher dies while PostgreSQL is down: NexoExporterDown pages (critical) and
/// PostgreSQLDown does not resolve because its data stopped (it keeps firing on the last value
/// while the exporter's scrape fails).
#[test]
fn dead_exporter_pages_and_the_dependency_page_keeps_firing() {
    let proxy = Proxy::start("127.0.0.1:5432");
    let mut ex = Exporter::start(
        &format!(
            "{NO_DEPS}redis: []\nrabbitmq: []\npostgres:\n  - name: db\n    host: 127.0.0.1\n    port: {}\n    user: postgres\n    dbname: postgres\n",
            proxy.port
        ),
        &[],
    );
    let prom = Prometheus::start(ex.addr);
    prom.wait_value("pg_up", 1.0);
    // (Pending before the first scrape: absent(up{job="nexo-exporter"}).)
    prom.wait_resolved("NexoExporterDown", &[]);
    proxy.set_broken(true);
    prom.wait_firing("PostgreSQLDown", &[("job", "nexo-exporter")]);

    ex.signal_and_wait("KILL");
    let instance = ex.addr.to_string();
    let labels = prom.wait_firing(
        "NexoExporterDown",
        &[("job", "nexo-exporter"), ("instance", &instance)],
    );
    assert_eq!(labels["severity"], "critical");
    // Ten failed scrapes and twenty evaluations later the dependency page is still firing.
    std::thread::sleep(Duration::from_secs(20));
    let pg = prom.alerts("PostgreSQLDown", &[("instance", &instance)]);
    assert!(
        pg.iter().any(|(_, s)| s == "firing"),
        "PostgreSQLDown resolved when the exporter died: {pg:?}"
    );
}

/// A configured target whose series vanish while the exporter runs (its configuration lost
/// the target, reloaded) is a NexoExporterTargetMissing warning, never "PostgreSQL is not
/// responding".
#[test]
fn target_dropped_from_the_configuration_warns_target_missing() {
    let proxy = Proxy::start("127.0.0.1:5432");
    let ex = Exporter::start(
        &format!(
            "{NO_DEPS}redis: []\nrabbitmq: []\npostgres:\n  - name: db\n    host: 127.0.0.1\n    port: {}\n    user: postgres\n    dbname: postgres\n",
            proxy.port
        ),
        &[],
    );
    let prom = Prometheus::start(ex.addr);
    prom.wait_value("pg_up", 1.0);
    std::fs::write(
        ex.dir.path().join("config.yml"),
        format!("{NO_DEPS}redis: []\nrabbitmq: []\npostgres: []\n"),
    )
    .unwrap();
    signal(ex.pid(), "HUP");
    let labels = prom.wait_firing(
        "NexoExporterTargetMissing",
        &[("probe", "postgres"), ("target", "db")],
    );
    assert_eq!(labels["severity"], "warning");
    assert!(prom.alerts("PostgreSQLDown", &[]).is_empty());
}

/// A failing Docker probe (the Engine unreachable) is an alert of its own, not the silent
/// loss of every container alert.
#[test]
fn failing_docker_probe_fires_probe_failed() {
    let ex = Exporter::start(
        "host:\n  enabled: false\npostgres: []\nredis: []\nrabbitmq: []\ndocker:\n  enabled: true\n  host: unix:///nonexistent/nexo-e2e-docker.sock\n",
        &[],
    );
    let prom = Prometheus::start(ex.addr);
    prom.wait_value("nexo_exporter_docker_up", 0.0);
    let labels = prom.wait_firing("NexoExporterProbeFailed", &[("probe", "docker")]);
    assert_eq!(labels["severity"], "warning");
}

// ------------------------------------------------------------------------------------ TCP proxy

const NO_DEPS: &str = "host:\n  enabled: false\ndocker:\n  enabled: false\n";

/// A TCP proxy to `upstream` that can be broken (drops every connection, accepts and closes
/// new ones) and repaired. Stops on drop.
struct Proxy {
    port: u16,
    broken: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
    conns: Arc<Mutex<Vec<TcpStream>>>,
}

impl Proxy {
    fn start(upstream: &str) -> Proxy {
        let upstream: SocketAddr = upstream.parse().unwrap();
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let broken = Arc::new(AtomicBool::new(false));
        let stop = Arc::new(AtomicBool::new(false));
        let conns: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
        let (b, s, c) = (broken.clone(), stop.clone(), conns.clone());
        std::thread::spawn(move || {
            for client in l.incoming() {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(client) = client else { continue };
                if b.load(Ordering::SeqCst) {
                    let _ = client.shutdown(Shutdown::Both);
                    continue;
                }
                let Ok(server) = TcpStream::connect_timeout(&upstream, Duration::from_secs(2))
                else {
                    continue;
                };
                {
                    let mut g = c.lock().unwrap();
                    g.push(client.try_clone().unwrap());
                    g.push(server.try_clone().unwrap());
                }
                for (mut from, mut to) in [
                    (client.try_clone().unwrap(), server.try_clone().unwrap()),
                    (server, client),
                ] {
                    std::thread::spawn(move || {
                        let _ = std::io::copy(&mut from, &mut to);
                        let _ = to.shutdown(Shutdown::Both);
                        let _ = from.shutdown(Shutdown::Both);
                    });
                }
            }
        });
        Proxy {
            port,
            broken,
            stop,
            conns,
        }
    }

    fn set_broken(&self, broken: bool) {
        self.broken.store(broken, Ordering::SeqCst);
        if broken {
            for s in self.conns.lock().unwrap().drain(..) {
                let _ = s.shutdown(Shutdown::Both);
            }
        }
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        self.set_broken(true);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

// ------------------------------------------------------------------------------------ dependencies
// These use the real PostgreSQL / Redis / RabbitMQ / Docker probes (merged on main).

#[test]
fn postgresql_down_fires_through_a_broken_proxy_and_resolves() {
    let proxy = Proxy::start("127.0.0.1:5432");
    let ex = Exporter::start(
        &format!(
            "{NO_DEPS}redis: []\nrabbitmq: []\npostgres:\n  - name: db\n    host: 127.0.0.1\n    port: {}\n    user: postgres\n    dbname: postgres\n",
            proxy.port
        ),
        &[],
    );
    let prom = Prometheus::start(ex.addr);
    prom.wait_value("pg_up", 1.0);
    assert!(prom.alerts("PostgreSQLDown", &[]).is_empty());

    proxy.set_broken(true);
    let labels = prom.wait_firing("PostgreSQLDown", &[("job", "nexo-exporter")]);
    assert_eq!(labels["severity"], "critical");
    assert_eq!(labels["category"], "database");

    proxy.set_broken(false);
    prom.wait_resolved("PostgreSQLDown", &[]);
}

#[test]
fn redis_down_fires_when_the_private_redis_dies_and_resolves() {
    let dir = tempfile::tempdir().unwrap();
    let (redis, port) = private_redis(dir.path());
    let ex = Exporter::start(
        &format!(
            "{NO_DEPS}postgres: []\nrabbitmq: []\nredis:\n  - name: cache\n    url: redis://127.0.0.1:{port}\n"
        ),
        &[],
    );
    let prom = Prometheus::start(ex.addr);
    prom.wait_value("redis_up", 1.0);
    assert!(prom.alerts("RedisDown", &[]).is_empty());

    drop(redis);
    let labels = prom.wait_firing("RedisDown", &[("job", "nexo-exporter")]);
    assert_eq!(labels["severity"], "critical");
    assert_eq!(labels["category"], "cache");

    let _redis = redis_on(dir.path(), port, &[]);
    prom.wait_resolved("RedisDown", &[]);
}

#[test]
fn rabbitmq_down_fires_through_broken_proxies_and_resolves() {
    let amqp = Proxy::start("127.0.0.1:5672");
    let plugin = Proxy::start("127.0.0.1:15692");
    let ex = Exporter::start(
        &format!(
            "{NO_DEPS}postgres: []\nredis: []\nrabbitmq:\n  - name: mq\n    amqp_url: amqp://127.0.0.1:{}/%2f\n    prometheus_url: http://127.0.0.1:{}\n",
            amqp.port, plugin.port
        ),
        &[],
    );
    let prom = Prometheus::start(ex.addr);
    prom.wait_value("rabbitmq_up", 1.0);
    assert!(prom.alerts("RabbitMQDown", &[]).is_empty());

    amqp.set_broken(true);
    plugin.set_broken(true);
    let labels = prom.wait_firing("RabbitMQDown", &[("job", "nexo-exporter")]);
    assert_eq!(labels["severity"], "critical");
    assert_eq!(labels["category"], "messaging");

    amqp.set_broken(false);
    plugin.set_broken(false);
    prom.wait_resolved("RabbitMQDown", &[]);
}

/// A container (and its image) removed on drop.
struct Container {
    name: String,
    image: String,
}

impl Drop for Container {
    fn drop(&mut self) {
        let _ = Command::new("docker")
            .args(["rm", "-f", &self.name])
            .output();
        let _ = Command::new("docker")
            .args(["rmi", "-f", &self.image])
            .output();
    }
}

#[test]
fn high_restart_rate_fires_for_a_crash_looping_container_and_resolves() {
    let tag = format!("nexo-e2e-crashloop-{}", std::process::id());
    let ctx = tempfile::tempdir().unwrap();
    std::fs::copy("/usr/bin/busybox", ctx.path().join("busybox")).expect("busybox-static");
    std::fs::write(
        ctx.path().join("Dockerfile"),
        "FROM scratch\nCOPY busybox /bin/busybox\nENTRYPOINT [\"/bin/busybox\", \"sh\", \"-c\", \"sleep 1; exit 1\"]\n",
    )
    .unwrap();
    let c = Container {
        name: tag.clone(),
        image: format!("{tag}:latest"),
    };
    let out = Command::new("docker")
        .args(["build", "-q", "-t", &c.image])
        .arg(ctx.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let ex = Exporter::start(
        &format!(
            "host:\n  enabled: false\npostgres: []\nredis: []\nrabbitmq: []\ndocker:\n  enabled: true\n  name_include: {tag}\n"
        ),
        &[],
    );
    let prom = Prometheus::start(ex.addr);
    prom.wait_value("nexo_exporter_docker_up", 1.0);

    let out = Command::new("docker")
        .args([
            "run",
            "-d",
            "--name",
            &c.name,
            "--restart",
            "on-failure",
            &c.image,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let labels = prom.wait_firing("HighRestartRate", &[("name", &tag)]);
    assert_eq!(labels["severity"], "warning");
    assert_eq!(labels["category"], "availability");

    // Repair: the crash-looping container is removed; its series go stale and the alert ends.
    let _ = Command::new("docker").args(["rm", "-f", &c.name]).output();
    prom.wait_resolved("HighRestartRate", &[("name", &tag)]);
}
