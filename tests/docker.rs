//! End-to-end tests of the containers probe against the real dockerd.
//!
//! Every test builds its own FROM-scratch busybox image and runs containers named
//! `nexo-test-<pid>-<test>-...`; guards remove them (and the image) even when a test fails.
//! The exporter only selects containers of its own test by name.

mod common;

use common::*;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

static SEQ: AtomicUsize = AtomicUsize::new(0);

fn prefix(test: &str) -> String {
    format!("nexo-test-{}-{test}", std::process::id())
}

fn docker(args: &[&str]) -> (bool, String) {
    let out = Command::new("docker")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("docker CLI");
    let mut s = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        s.push_str(&String::from_utf8_lossy(&out.stderr));
    }
    (out.status.success(), s.trim().to_string())
}

fn docker_ok(args: &[&str]) -> String {
    let (ok, s) = docker(args);
    assert!(ok, "docker {args:?}: {s}");
    s
}

/// A test image, removed on drop.
struct Image(String);

impl Image {
    /// Builds `FROM scratch` + static busybox, with extra Dockerfile lines.
    fn build(test: &str, extra: &str) -> Image {
        let tag = format!(
            "{}-img-{}:latest",
            prefix(test),
            SEQ.fetch_add(1, Ordering::Relaxed)
        );
        let img = Image(tag.clone());
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy("/usr/bin/busybox", dir.path().join("busybox")).expect("busybox-static");
        std::fs::write(
            dir.path().join("Dockerfile"),
            format!(
                "FROM scratch\nCOPY busybox /bin/busybox\nENTRYPOINT [\"/bin/busybox\"]\n{extra}\n"
            ),
        )
        .unwrap();
        let out = Command::new("docker")
            .args(["build", "-q", "-t", &tag])
            .arg(dir.path())
            .env("DOCKER_BUILDKIT", "0")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "docker build: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        img
    }
}

impl Drop for Image {
    fn drop(&mut self) {
        let _ = docker(&["rmi", "-f", &self.0]);
    }
}

/// A container this test created, removed on drop.
struct Ctr(String);

impl Ctr {
    fn run(name: String, opts: &[&str], image: &Image, cmd: &[&str]) -> Ctr {
        let c = Ctr(name.clone());
        let mut args = vec!["run", "-d", "--name", name.as_str()];
        args.extend_from_slice(opts);
        args.push(&image.0);
        args.extend_from_slice(cmd);
        docker_ok(&args);
        c
    }
    fn inspect(&self, fmt: &str) -> String {
        docker_ok(&["inspect", "-f", fmt, &self.0])
    }
}

impl Drop for Ctr {
    fn drop(&mut self) {
        let _ = docker(&["rm", "-f", "-v", &self.0]);
    }
}

fn config(test: &str) -> String {
    format!(
        "postgres: []\nredis: []\nrabbitmq: []\ndocker:\n  name_include: '{}-.*'\n",
        prefix(test)
    )
}

fn by_name(text: &str, metric: &str, name: &str) -> Option<f64> {
    sample(text, metric, &[("name", name)])
}

fn by_name_with(text: &str, metric: &str, name: &str, k: &str, v: &str) -> Option<f64> {
    sample(text, metric, &[("name", name), (k, v)])
}

/// Scrapes until `f` holds (at most `secs`), returning the last body; panics with it otherwise.
fn scrape_until(ex: &Exporter, secs: u64, what: &str, f: impl Fn(&str) -> bool) -> String {
    let mut last = String::new();
    let ok = wait_for(Duration::from_secs(secs), || {
        last = ex.scrape();
        f(&last).then_some(())
    });
    assert!(
        ok.is_some(),
        "{what}; last scrape:\n{last}\nlog:\n{}",
        ex.log()
    );
    last
}

#[test]
fn restarts_are_counted_and_never_decrease() {
    let t = "restarts";
    let img = Image::build(t, "");
    let ex = Exporter::start(&config(t), &[]);
    // Start the event stream before the containers change state.
    assert_eq!(
        sample(&ex.scrape(), "nexo_exporter_docker_up", &[]),
        Some(1.0)
    );

    let crash = Ctr::run(
        format!("{}-crash", prefix(t)),
        &["--restart", "on-failure"],
        &img,
        &["sh", "-c", "sleep 1; exit 1"],
    );
    let mut seen: Vec<f64> = Vec::new();
    let body = scrape_until(&ex, 60, "crash loop counted", |b| {
        by_name(b, "container_restarts_total", &crash.0).is_some_and(|v| v >= 3.0)
    });
    // HighRestartRate-style: the counter grows between two scrapes.
    let v1 = by_name(&body, "container_restarts_total", &crash.0).unwrap();
    seen.push(v1);
    assert!(by_name(&body, "container_restart_count", &crash.0).unwrap() >= 1.0);
    assert!(by_name(&body, "container_last_exit_code", &crash.0).is_some());
    let body = scrape_until(&ex, 60, "counter keeps growing", |b| {
        by_name(b, "container_restarts_total", &crash.0).is_some_and(|v| v > v1)
    });
    let v2 = by_name(&body, "container_restarts_total", &crash.0).unwrap();
    seen.push(v2);
    let rc_before: i64 = crash.inspect("{{.RestartCount}}").parse().unwrap();
    assert!(rc_before >= 1);

    // Explicit restart: Docker resets RestartCount, our counter goes on.
    docker_ok(&["restart", "-t", "0", &crash.0]);
    let rc_after: i64 = crash.inspect("{{.RestartCount}}").parse().unwrap();
    assert!(
        rc_after < rc_before,
        "RestartCount {rc_before} -> {rc_after}"
    );
    let body = scrape_until(&ex, 30, "explicit restart counted", |b| {
        by_name(b, "container_restarts_total", &crash.0).is_some_and(|v| v > v2)
    });
    seen.push(by_name(&body, "container_restarts_total", &crash.0).unwrap());

    // A healthy container restarted twice by hand: RestartCount stays 0, counter says 2.
    let steady = Ctr::run(
        format!("{}-steady", prefix(t)),
        &[],
        &img,
        &["sleep", "1000"],
    );
    scrape_until(&ex, 20, "steady container listed", |b| {
        by_name(b, "container_restarts_total", &steady.0) == Some(0.0)
    });
    docker_ok(&["restart", "-t", "0", &steady.0]);
    docker_ok(&["restart", "-t", "0", &steady.0]);
    assert_eq!(steady.inspect("{{.RestartCount}}"), "0");
    let body = scrape_until(&ex, 20, "two explicit restarts", |b| {
        by_name(b, "container_restarts_total", &steady.0) == Some(2.0)
    });
    assert_eq!(
        by_name(&body, "container_restart_count", &steady.0),
        Some(0.0)
    );
    // And it stays there.
    std::thread::sleep(Duration::from_millis(1500));
    let body = ex.scrape();
    assert_eq!(
        by_name(&body, "container_restarts_total", &steady.0),
        Some(2.0)
    );

    // Never decreased over all scrapes of the crash loop.
    seen.push(by_name(&body, "container_restarts_total", &crash.0).unwrap());
    assert!(seen.windows(2).all(|w| w[1] >= w[0]), "{seen:?}");
    assert!(
        sample(&body, "container_restarts_total", &[("name", "nope")]).is_none(),
        "only selected containers"
    );
}

#[test]
fn limits_usage_and_identity_agree_with_docker() {
    let t = "limits";
    let img = Image::build(t, "");
    let limited = Ctr::run(
        format!("{}-limited", prefix(t)),
        &[
            "--memory",
            "64m",
            "--cpus",
            "0.5",
            "--label",
            "com.docker.compose.project=nexo",
            "--label",
            "com.docker.compose.service=crm",
        ],
        &img,
        // A little memory in use: a shell variable of ~1 MB.
        &[
            "sh",
            "-c",
            "x=$(head -c 1000000 /dev/zero | tr '\\0' a); sleep 1000; echo ${#x}",
        ],
    );
    let free = Ctr::run(format!("{}-free", prefix(t)), &[], &img, &["sleep", "1000"]);
    let ex = Exporter::start(&config(t), &[]);
    let body = scrape_until(&ex, 20, "both containers", |b| {
        by_name(b, "container_memory_working_set_bytes", &limited.0).is_some()
            && by_name(b, "container_memory_working_set_bytes", &free.0).is_some()
    });
    let l = &limited.0;
    assert_eq!(
        by_name(&body, "container_spec_memory_limit_bytes", l),
        Some(67108864.0)
    );
    assert_eq!(
        by_name(&body, "container_spec_cpu_limit_cores", l),
        Some(0.5)
    );
    assert_eq!(
        by_name(&body, "container_spec_memory_limit_bytes", &free.0),
        Some(0.0)
    );
    assert_eq!(
        by_name(&body, "container_spec_cpu_limit_cores", &free.0),
        Some(0.0)
    );
    // Labels.
    assert_eq!(
        sample(
            &body,
            "container_state",
            &[
                ("name", l),
                ("image", &img.0),
                ("compose_project", "nexo"),
                ("compose_service", "crm"),
                ("state", "running")
            ]
        ),
        Some(1.0)
    );
    assert_eq!(
        by_name_with(&body, "container_state", l, "state", "exited"),
        Some(0.0)
    );
    assert!(!body.contains("id=\""), "no id label unless configured");
    assert_eq!(
        by_name_with(&body, "container_health_status", l, "status", "none"),
        Some(1.0)
    );
    // Host CPUs as Docker sees them.
    let ncpu: f64 = docker_ok(&["info", "-f", "{{.NCPU}}"]).parse().unwrap();
    assert_eq!(sample(&body, "machine_cpu_cores", &[]), Some(ncpu));
    // Start time as inspect says (to the second).
    let started = limited.inspect("{{.State.StartedAt}}");
    let out = Command::new("date")
        .args(["-u", "-d", &started, "+%s"])
        .output()
        .unwrap();
    let started: i64 = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
    let st = by_name(&body, "container_start_time_seconds", l).unwrap();
    assert_eq!(st.floor() as i64, started);
    // CPU counter present and sane.
    let cpu = by_name(&body, "container_cpu_usage_seconds_total", l).unwrap();
    assert!(cpu > 0.0 && cpu < 1000.0, "{cpu}");
    // Working set close to `docker stats` (it shows usage minus inactive file too).
    let ws = by_name(&body, "container_memory_working_set_bytes", l).unwrap();
    let usage = by_name(&body, "container_memory_usage_bytes", l).unwrap();
    assert!(ws <= usage && ws > 500_000.0, "ws {ws} usage {usage}");
    let stats = docker_ok(&["stats", "--no-stream", "--format", "{{.MemUsage}}", l]);
    let shown = parse_docker_size(stats.split('/').next().unwrap().trim());
    assert!(
        (shown - ws).abs() <= 0.1 * ws + 256.0 * 1024.0,
        "docker stats {stats} vs working set {ws}"
    );

    // cAdvisor's families: CFS quota/period (µs), shares, throttling counters only with a
    // quota, last seen, and the network counters of the container's own namespace.
    assert_eq!(by_name(&body, "container_spec_cpu_quota", l), Some(50000.0));
    assert_eq!(
        by_name(&body, "container_spec_cpu_period", l),
        Some(100000.0)
    );
    assert!(by_name(&body, "container_spec_cpu_shares", l).is_some_and(|v| v > 0.0));
    assert!(by_name(&body, "container_cpu_cfs_periods_total", l).is_some());
    assert!(by_name(&body, "container_cpu_cfs_throttled_periods_total", l).is_some());
    assert!(by_name(&body, "container_cpu_cfs_throttled_seconds_total", l).is_some());
    assert_eq!(by_name(&body, "container_spec_cpu_quota", &free.0), None);
    assert_eq!(
        by_name(&body, "container_cpu_cfs_periods_total", &free.0),
        None
    );
    assert_eq!(
        by_name(&body, "container_spec_cpu_period", &free.0),
        Some(100000.0)
    );
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    let seen = by_name(&body, "container_last_seen", l).unwrap();
    assert!((now - seen).abs() < 60.0, "last seen {seen}, now {now}");
    let rx = by_name_with(
        &body,
        "container_network_receive_packets_total",
        l,
        "interface",
        "eth0",
    );
    assert!(rx.is_some(), "eth0 of the container's namespace");
    assert!(
        !body.contains("interface=\"lo\""),
        "lo is left out as cAdvisor does"
    );
    // Switched off, the cgroup/procfs reads and their families go; usage stays.
    let off = Exporter::start(&format!("{}  cadvisor_metrics: false\n", config(t)), &[]);
    let body = scrape_until(&off, 20, "usage without cAdvisor families", |b| {
        by_name(b, "container_cpu_usage_seconds_total", l).is_some()
    });
    assert_eq!(by_name(&body, "container_spec_cpu_quota", l), None);
    assert!(by_name(&body, "container_last_seen", l).is_some());
}

/// Parses the docker CLI's sizes: `452KiB`, `1.5MiB`, `0B`.
fn parse_docker_size(s: &str) -> f64 {
    let units = [
        ("GiB", 1024.0 * 1024.0 * 1024.0),
        ("MiB", 1024.0 * 1024.0),
        ("KiB", 1024.0),
        ("B", 1.0),
    ];
    for (u, m) in units {
        if let Some(n) = s.strip_suffix(u) {
            return n.trim().parse::<f64>().unwrap() * m;
        }
    }
    panic!("size {s}");
}

#[test]
fn oom_kill_is_counted() {
    let t = "oom";
    let img = Image::build(t, "");
    let ex = Exporter::start(&config(t), &[]);
    assert_eq!(
        sample(&ex.scrape(), "nexo_exporter_docker_up", &[]),
        Some(1.0)
    );
    // Docker itself now and then reports a container that the memory limit killed as exited
    // without `OOMKilled` (seen once in a full parallel run on the 2-core CI machine): that is
    // the precondition failing, not the exporter, so the container is started again (at most
    // three times) until Docker says it was OOM-killed.
    let mut attempt = 0;
    let c = loop {
        attempt += 1;
        let c = Ctr::run(
            format!("{}-hog{attempt}", prefix(t)),
            &["--memory", "16m", "--memory-swap", "16m"],
            &img,
            &["tail", "/dev/zero"],
        );
        let ok = wait_for(Duration::from_secs(60), || {
            (c.inspect("{{.State.Status}}") == "exited").then_some(())
        });
        assert!(ok.is_some(), "container did not exit");
        let oom = c.inspect("{{.State.OOMKilled}}");
        if oom == "true" {
            break c;
        }
        assert!(
            attempt < 3,
            "Docker never reported the container as OOM-killed ({oom})"
        );
        eprintln!("attempt {attempt}: Docker reports OOMKilled={oom}; starting another container");
    };
    let body = scrape_until(&ex, 20, "OOM counted", |b| {
        by_name(b, "container_oom_events_total", &c.0).is_some_and(|v| v >= 1.0)
    });
    assert_eq!(
        by_name(&body, "container_last_exit_code", &c.0),
        Some(137.0)
    );
    assert_eq!(
        by_name_with(&body, "container_state", &c.0, "state", "exited"),
        Some(1.0)
    );
    // Counted once, not once per scrape.
    let again = ex.scrape();
    assert_eq!(
        by_name(&again, "container_oom_events_total", &c.0),
        by_name(&body, "container_oom_events_total", &c.0)
    );
}

#[test]
fn health_status_state_set() {
    let t = "health";
    let img = Image::build(
        t,
        "HEALTHCHECK --interval=1s --timeout=2s --retries=1 CMD [\"/bin/busybox\", \"test\", \"-e\", \"/ok\"]",
    );
    let good = Ctr::run(
        format!("{}-good", prefix(t)),
        &[],
        &img,
        &["sh", "-c", "touch /ok; exec sleep 1000"],
    );
    let bad = Ctr::run(format!("{}-bad", prefix(t)), &[], &img, &["sleep", "1000"]);
    let ex = Exporter::start(&config(t), &[]);
    let body = scrape_until(&ex, 30, "healthy and unhealthy", |b| {
        by_name_with(b, "container_health_status", &good.0, "status", "healthy") == Some(1.0)
            && by_name_with(b, "container_health_status", &bad.0, "status", "unhealthy")
                == Some(1.0)
    });
    for s in ["unhealthy", "starting", "none"] {
        assert_eq!(
            by_name_with(&body, "container_health_status", &good.0, "status", s),
            Some(0.0)
        );
    }
    assert_eq!(bad.inspect("{{.State.Health.Status}}"), "unhealthy");
}

#[test]
fn docker_unreachable_keeps_the_rest_serving() {
    let cfg = "postgres: []\nredis: []\nrabbitmq: []\ndocker:\n  host: unix:///nonexistent/nexo-test/docker.sock\n";
    let ex = Exporter::start(cfg, &[]);
    let body = ex.scrape();
    assert_eq!(sample(&body, "nexo_exporter_docker_up", &[]), Some(0.0));
    assert!(sample(&body, "node_load1", &[]).is_some());
    assert_eq!(
        sample(&body, "nexo_exporter_probe_success", &[("probe", "host")]),
        Some(1.0)
    );
    assert!(samples(&body, "container_state").is_empty());

    // DOCKER_HOST is honoured when docker.host is empty (`docker: {}` turns the probe on with
    // its defaults; a file that leaves `docker:` out has it off).
    let cfg = "postgres: []\nredis: []\nrabbitmq: []\ndocker: {}\n";
    let ex = Exporter::start_with_env(
        cfg,
        &[],
        &[("DOCKER_HOST", "unix:///nonexistent/nexo-test/docker.sock")],
    );
    assert_eq!(
        sample(&ex.scrape(), "nexo_exporter_docker_up", &[]),
        Some(0.0)
    );
    let ex = Exporter::start_with_env(cfg, &[], &[("DOCKER_HOST", "unix:///var/run/docker.sock")]);
    assert_eq!(
        sample(&ex.scrape(), "nexo_exporter_docker_up", &[]),
        Some(1.0)
    );
}

/// A private dockerd on its own socket, data-root, exec-root, pidfile, containerd namespace
/// and bridge interface (never the shared one). Drop removes its containers, stops it and
/// deletes its bridge.
///
/// Not `--bridge=none`: with it dockerd deletes the host's `docker0`, which belongs to the
/// shared daemon. The test creates its own bridge instead.
struct PrivateDockerd {
    dir: std::path::PathBuf,
    bridge: String,
    child: Option<std::process::Child>,
}

impl PrivateDockerd {
    fn new(dir: &std::path::Path) -> Option<PrivateDockerd> {
        let bridge = format!("nxt{}", std::process::id() % 10_000_000);
        let ok = Command::new("ip")
            .args(["link", "add", &bridge, "type", "bridge"])
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            return None;
        }
        let mut d = PrivateDockerd {
            dir: dir.to_path_buf(),
            bridge,
            child: None,
        };
        d.start();
        Some(d)
    }
    fn host(&self) -> String {
        format!("unix://{}/docker.sock", self.dir.display())
    }
    fn start(&mut self) {
        let ns = format!("nexo-test-{}", std::process::id());
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.join("dockerd.log"))
            .unwrap();
        let child = Command::new("dockerd")
            .arg("--host")
            .arg(self.host())
            .arg("--data-root")
            .arg(self.dir.join("data"))
            .arg("--exec-root")
            .arg(self.dir.join("exec"))
            .arg("--pidfile")
            .arg(self.dir.join("docker.pid"))
            .arg(format!("--bridge={}", self.bridge))
            .args(["--iptables=false", "--ip6tables=false", "--ip-masq=false"])
            .args(["--containerd-namespace", &ns])
            .args(["--containerd-plugins-namespace", &format!("{ns}-plugins")])
            .stdin(Stdio::null())
            .stdout(Stdio::from(log.try_clone().unwrap()))
            .stderr(Stdio::from(log))
            .spawn()
            .expect("dockerd");
        self.child = Some(child);
        let up = wait_for(Duration::from_secs(30), || {
            self.cli(&["version", "--format", "{{.Server.APIVersion}}"])
                .0
                .then_some(())
        });
        assert!(
            up.is_some(),
            "private dockerd did not start: {}",
            self.log()
        );
    }
    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("dockerd.log")).unwrap_or_default()
    }
    fn cli(&self, args: &[&str]) -> (bool, String) {
        let out = Command::new("docker")
            .args(args)
            .env("DOCKER_HOST", self.host())
            .env("DOCKER_BUILDKIT", "0")
            .stdin(Stdio::null())
            .output()
            .expect("docker CLI");
        let mut s = String::from_utf8_lossy(&out.stdout).into_owned();
        if !out.status.success() {
            s.push_str(&String::from_utf8_lossy(&out.stderr));
        }
        (out.status.success(), s.trim().to_string())
    }
    /// SIGTERM and wait (dockerd stops its containers), SIGKILL after 20 s.
    fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            signal(c.id(), "TERM");
            let done = wait_for(Duration::from_secs(20), || c.try_wait().ok().flatten());
            if done.is_none() {
                let _ = c.kill();
                let _ = c.wait();
            }
        }
    }
}

impl Drop for PrivateDockerd {
    fn drop(&mut self) {
        if self.child.is_some() {
            let (_, ids) = self.cli(&["ps", "-aq"]);
            for id in ids.split_whitespace() {
                let _ = self.cli(&["rm", "-f", "-v", id]);
            }
        }
        self.stop();
        let _ = Command::new("ip")
            .args(["link", "del", &self.bridge])
            .status();
    }
}

#[test]
fn dockerd_going_away_and_back_keeps_counters() {
    require("dockerd");
    let dir = tempfile::Builder::new()
        .prefix("nexo-test-dockerd-")
        .tempdir()
        .unwrap();
    let mut d = PrivateDockerd::new(dir.path())
        .expect("cannot create a bridge interface for the private dockerd (needs root)");
    let ctx = dir.path().join("ctx");
    std::fs::create_dir_all(&ctx).unwrap();
    std::fs::copy("/usr/bin/busybox", ctx.join("busybox")).unwrap();
    std::fs::write(
        ctx.join("Dockerfile"),
        "FROM scratch\nCOPY busybox /bin/busybox\nENTRYPOINT [\"/bin/busybox\"]\n",
    )
    .unwrap();
    let (ok, out) = d.cli(&["build", "-q", "-t", "nexo-test-bb", ctx.to_str().unwrap()]);
    assert!(ok, "build: {out}");
    let name = format!("{}-crash", prefix("dockerd"));
    let (ok, out) = d.cli(&[
        "run",
        "-d",
        "--network",
        "none",
        "--restart",
        "always",
        "--name",
        &name,
        "nexo-test-bb",
        "sh",
        "-c",
        "sleep 1; exit 3",
    ]);
    assert!(ok, "run: {out}");

    let cfg = format!(
        "postgres: []\nredis: []\nrabbitmq: []\ndocker:\n  host: {}\n  timeout: 3s\n",
        d.host()
    );
    let ex = Exporter::start(&cfg, &[]);
    let body = scrape_until(&ex, 60, "restarts before the daemon goes away", |b| {
        by_name(b, "container_restarts_total", &name).is_some_and(|v| v >= 2.0)
    });
    let before = by_name(&body, "container_restarts_total", &name).unwrap();

    d.stop();
    let body = ex.scrape();
    assert_eq!(sample(&body, "nexo_exporter_docker_up", &[]), Some(0.0));
    assert!(sample(&body, "node_load1", &[]).is_some());

    d.start();
    // restart=always brings the container back with RestartCount 0; the counter goes on.
    let body = scrape_until(&ex, 60, "recovered and still counting", |b| {
        sample(b, "nexo_exporter_docker_up", &[]) == Some(1.0)
            && by_name(b, "container_restarts_total", &name).is_some_and(|v| v > before)
    });
    let after = by_name(&body, "container_restarts_total", &name).unwrap();
    assert!(after > before, "{before} -> {after}");
    assert!(ex.log().len() < 1_000_000);
}
