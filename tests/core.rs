//! End-to-end tests of the core: the real binary, over HTTP.

mod common;

use common::*;
use std::time::{Duration, Instant};

/// Only the host probe: no dependency is needed.
const HOST_ONLY: &str = "postgres: []\nredis: []\nrabbitmq: []\ndocker:\n  enabled: false\n";

#[test]
fn serves_host_metrics_in_both_formats() {
    let ex = Exporter::start(HOST_ONLY, &[]);
    let r = ex.get("/metrics", &[]);
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("content-type"),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    let body = r.text();
    for m in [
        "node_load1",
        "node_load5",
        "node_load15",
        "node_memory_MemTotal_bytes",
        "node_memory_MemAvailable_bytes",
    ] {
        assert!(sample(&body, m, &[]).is_some(), "{m} missing");
    }
    assert!(sample(&body, "node_filesystem_size_bytes", &[("mountpoint", "/")]).unwrap() > 0.0);
    assert!(
        sample(
            &body,
            "node_cpu_seconds_total",
            &[("cpu", "0"), ("mode", "idle")]
        )
        .unwrap()
            > 0.0
    );
    assert_eq!(
        sample(&body, "nexo_exporter_probe_success", &[("probe", "host")]),
        Some(1.0)
    );
    assert!(body.contains("nexo_exporter_build_info{"));

    let r = ex.get(
        "/metrics",
        &[(
            "Accept",
            "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5",
        )],
    );
    assert_eq!(
        r.header("content-type"),
        Some("application/openmetrics-text; version=1.0.0; charset=utf-8")
    );
    assert!(r.text().ends_with("# EOF\n"));

    let r = ex.get("/metrics", &[("Accept-Encoding", "gzip")]);
    assert_eq!(r.header("content-encoding"), Some("gzip"));
    assert_eq!(&r.body[..2], &[0x1f, 0x8b]);
}

#[test]
fn routes_and_methods() {
    let ex = Exporter::start(HOST_ONLY, &[]);
    assert_eq!(ex.get("/-/healthy", &[]).status, 200);
    assert_eq!(ex.get("/-/ready", &[]).status, 200);
    assert_eq!(ex.get("/nope", &[]).status, 404);
    let r = http(ex.addr, "POST", "/metrics", &[("Content-Length", "0")]).unwrap();
    assert_eq!(r.status, 405);
    assert_eq!(r.header("allow"), Some("GET, HEAD"));
    let landing = ex.get("/", &[]);
    assert_eq!(landing.status, 200);
    assert!(landing.text().contains("<td>host</td>"));
    assert_eq!(ex.get("/probe?target=127.0.0.1:5432", &[]).status, 400);
    assert_eq!(ex.get("/probe", &[]).status, 400);
    assert_eq!(ex.get("/probe?target=host", &[]).status, 200);
}

#[test]
fn broken_config_names_file_line_column_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("bad.yml");
    std::fs::write(
        &f,
        "global:\n  timeout: 5s\nredis:\n  - name: cache\n    urll: redis://x:1\n",
    )
    .unwrap();
    let out = std::process::Command::new(exporter_bin())
        .arg("--config.file")
        .arg(&f)
        .arg("--web.listen-address")
        .arg(format!("127.0.0.1:{}", free_port()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    let want = format!("{}:5:5: key redis[0]", f.display());
    assert!(err.starts_with(&want), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");

    let out = std::process::Command::new(exporter_bin())
        .args(["check-config"])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn check_config_redacts_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let pw = dir.path().join("pw");
    std::fs::write(&pw, "pw-from-file-1234\n").unwrap();
    let f = dir.path().join("ok.yml");
    std::fs::write(
        &f,
        format!(
            "postgres:\n  - name: db\n    password_file: {}\nredis:\n  - name: cache\n    url: redis://:inline-pw-5678@127.0.0.1:6379\n    password: other-pw-9999\n",
            pw.display()
        ),
    )
    .unwrap();
    let out = std::process::Command::new(exporter_bin())
        .arg("check-config")
        .arg(&f)
        .env("NEXO_EXPORTER_RABBITMQ_0_PASSWORD", "env-pw-4321")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    for secret in [
        "pw-from-file-1234",
        "inline-pw-5678",
        "other-pw-9999",
        "env-pw-4321",
    ] {
        assert!(!all.contains(secret), "{secret} leaked:\n{all}");
    }
    assert!(all.contains("name: cache"));
}

#[test]
fn hanging_probe_does_not_delay_scrape_past_deadline() {
    // A Redis target that accepts and never answers: the probe must give up at the deadline.
    let port = blackhole_server();
    let cfg = format!(
        "global:\n  timeout: 30s\npostgres: []\nrabbitmq: []\ndocker:\n  enabled: false\nredis:\n  - name: hung\n    url: redis://127.0.0.1:{port}\n"
    );
    let ex = Exporter::start(&cfg, &[]);
    let t0 = Instant::now();
    let r = ex.get("/metrics", &[("X-Prometheus-Scrape-Timeout-Seconds", "2")]);
    let took = t0.elapsed();
    assert_eq!(r.status, 200);
    assert!(took < Duration::from_secs(4), "scrape took {took:?}");
    assert_eq!(sample(&r.text(), "redis_up", &[]), Some(0.0));
    assert_eq!(
        sample(
            &r.text(),
            "nexo_exporter_probe_success",
            &[("probe", "host")]
        ),
        Some(1.0)
    );
}

#[test]
fn simultaneous_scrapes_share_one_collection() {
    let port = blackhole_server();
    let cfg = format!(
        "global:\n  timeout: 1s\npostgres: []\nrabbitmq: []\ndocker:\n  enabled: false\nredis:\n  - name: slow\n    url: redis://127.0.0.1:{port}\n"
    );
    let ex = Exporter::start(&cfg, &[]);
    let addr = ex.addr;
    let handles: Vec<_> = (0..20)
        .map(|_| std::thread::spawn(move || http(addr, "GET", "/metrics", &[]).unwrap()))
        .collect();
    let bodies: Vec<String> = handles
        .into_iter()
        .map(|h| h.join().unwrap().text())
        .collect();
    for b in &bodies {
        assert_eq!(sample(b, "redis_up", &[]), Some(0.0));
    }
    // All 20 arrived while the first collection (held 1 s by the hung target) was in flight.
    let after = ex.scrape();
    let n = sample(&after, "nexo_exporter_collections_total", &[]).unwrap();
    assert_eq!(
        n, 2.0,
        "20 simultaneous scrapes + 1 later should be 2 collections"
    );
}

#[test]
fn sigterm_shuts_down_cleanly() {
    let mut ex = Exporter::start(HOST_ONLY, &[]);
    let status = ex.signal_and_wait("TERM");
    assert!(status.success(), "{status:?}");
    assert!(ex.log().contains("received SIGTERM"));
}
