//! Redis probe, end to end: the real binary against private redis-servers (values compared
//! with redis-cli INFO and, when installed, redis_exporter; SIGSTOP, kill and restart, garbage,
//! flapping, ACL AUTH) and a read-only check against the local server.

mod common;

use std::collections::HashMap;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

fn config(targets: &str) -> String {
    format!(
        "host:\n  enabled: false\ndocker:\n  enabled: false\npostgres: []\nrabbitmq: []\nredis:\n{targets}"
    )
}

/// redis-cli against 127.0.0.1:`port`; trimmed output, `None` on failure.
fn cli(port: u16, args: &[&str]) -> Option<String> {
    let out = Command::new("redis-cli")
        .args(["-h", "127.0.0.1", "-p", &port.to_string()])
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
    // redis-cli exits 0 on error replies when not on a terminal.
    (out.status.success() && !text.starts_with("ERR") && !text.starts_with("WRONGPASS"))
        .then_some(text)
}

fn cli_info(port: u16) -> HashMap<String, String> {
    cli(port, &["INFO"])
        .expect("redis-cli INFO")
        .lines()
        .filter_map(|l| l.trim_end().split_once(':'))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn num(info: &HashMap<String, String>, k: &str) -> f64 {
    info[k].parse().unwrap()
}

/// CLIENT LIST entries named nexo-exporter.
fn exporter_clients(port: u16) -> usize {
    cli(port, &["CLIENT", "LIST"])
        .map(|s| {
            s.lines()
                .filter(|l| l.contains(" name=nexo-exporter "))
                .count()
        })
        .unwrap_or(usize::MAX)
}

fn up(text: &str) -> Option<f64> {
    sample(text, "redis_up", &[])
}

/// Sync connections held open by the test.
fn open_clients(port: u16, n: usize) -> Vec<redis::Connection> {
    let client = redis::Client::open(format!("redis://127.0.0.1:{port}/")).unwrap();
    (0..n).map(|_| client.get_connection().unwrap()).collect()
}

#[test]
fn agrees_with_redis_cli() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let _redis = redis_on(dir.path(), port, &["--maxmemory", "64mb"]);
    let mut conns = open_clients(port, 6);
    let value = "x".repeat(1024);
    let mut pipe = redis::pipe();
    for i in 0..2000 {
        pipe.set(format!("k{i}"), &value).ignore();
    }
    pipe.exec(&mut conns[0]).unwrap();

    let ex = Exporter::start(
        &config(&format!(
            "  - name: priv\n    url: redis://127.0.0.1:{port}\n"
        )),
        &[],
    );
    let text = ex.scrape();
    let info = cli_info(port);
    assert_eq!(up(&text), Some(1.0), "{}", ex.log());
    assert_eq!(
        sample(&text, "redis_memory_max_bytes", &[]),
        Some(64.0 * 1024.0 * 1024.0)
    );
    assert_eq!(
        sample(&text, "redis_memory_max_bytes", &[]),
        Some(num(&info, "maxmemory"))
    );
    // redis-cli counts itself; the exporter's own connection is in both.
    assert_eq!(
        sample(&text, "redis_connected_clients", &[]),
        Some(num(&info, "connected_clients") - 1.0)
    );
    assert_eq!(
        sample(&text, "redis_connected_clients", &[]),
        Some(6.0 + 1.0)
    );
    let used = sample(&text, "redis_memory_used_bytes", &[]).unwrap();
    let cli_used = num(&info, "used_memory");
    assert!(used > 2.0e6, "2000 keys of 1 KiB: {used}");
    assert!(
        (used - cli_used).abs() / cli_used < 0.05,
        "{used} vs {cli_used}"
    );
    let uptime = sample(&text, "redis_uptime_in_seconds", &[]).unwrap();
    assert!((uptime - num(&info, "uptime_in_seconds")).abs() <= 2.0);
    assert_eq!(sample(&text, "redis_evicted_keys_total", &[]), Some(0.0));
    assert!(text.contains("# TYPE redis_evicted_keys_total counter"));

    // Force evictions, then compare the counter with INFO once writes stopped.
    cli(port, &["CONFIG", "SET", "maxmemory-policy", "allkeys-lru"]).unwrap();
    cli(
        port,
        &[
            "CONFIG",
            "SET",
            "maxmemory",
            &format!("{}", (cli_used as u64) + 200_000),
        ],
    )
    .unwrap();
    let mut pipe = redis::pipe();
    for i in 2000..3000 {
        pipe.set(format!("k{i}"), &value).ignore();
    }
    pipe.exec(&mut conns[1]).unwrap();
    // Lift the limit so no eviction happens between the two reads.
    cli(port, &["CONFIG", "SET", "maxmemory", "0"]).unwrap();
    let text = ex.scrape();
    let info = cli_info(port);
    let evicted = sample(&text, "redis_evicted_keys_total", &[]).unwrap();
    assert!(evicted > 0.0);
    assert_eq!(evicted, num(&info, "evicted_keys"));
    assert_eq!(
        sample(&text, "redis_memory_max_bytes", &[]),
        Some(num(&info, "maxmemory"))
    );
    assert_eq!(exporter_clients(port), 1);
}

#[test]
fn reads_the_local_server() {
    assert!(
        port_open("127.0.0.1:6379"),
        "no Redis on 127.0.0.1:6379; scripts/test.sh starts the shared one"
    );
    let ex = Exporter::start(&config("  - name: main\n"), &[]);
    let text = ex.scrape();
    assert_eq!(up(&text), Some(1.0), "{}", ex.log());
    let max = cli(6379, &["CONFIG", "GET", "maxmemory"]).unwrap();
    let max: f64 = max.lines().nth(1).unwrap().parse().unwrap();
    assert_eq!(sample(&text, "redis_memory_max_bytes", &[]), Some(max));
    assert!(sample(&text, "redis_connected_clients", &[]).unwrap() >= 1.0);
    assert!(sample(&text, "redis_memory_used_bytes", &[]).unwrap() > 0.0);
}

#[test]
fn hung_killed_and_restarted() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut redis = redis_on(dir.path(), port, &[]);
    let ex = Exporter::start(
        &config(&format!(
            "  - name: priv\n    url: redis://127.0.0.1:{port}\n    timeout: 10s\n"
        )),
        &[],
    );
    let (text, _) = scrape_budget(&ex, "/metrics", "3");
    assert_eq!(up(&text), Some(1.0), "{}", ex.log());

    signal(redis.0.id(), "STOP");
    for _ in 0..2 {
        let (text, took) = scrape_budget(&ex, "/metrics", "3");
        assert_eq!(up(&text), Some(0.0));
        assert!(took < Duration::from_secs(5), "scrape took {took:?}");
    }
    signal(redis.0.id(), "CONT");
    let back = wait_for(Duration::from_secs(20), || {
        (up(&scrape_budget(&ex, "/metrics", "3").0) == Some(1.0)).then_some(())
    });
    assert!(back.is_some(), "redis_up did not return to 1 after SIGCONT");

    // Killed, then restarted on the same port.
    drop(redis);
    let (text, took) = scrape_budget(&ex, "/metrics", "3");
    assert_eq!(up(&text), Some(0.0));
    assert!(took < Duration::from_secs(5));
    redis = redis_on(dir.path(), port, &[]);
    let back = wait_for(Duration::from_secs(20), || {
        (up(&scrape_budget(&ex, "/metrics", "3").0) == Some(1.0)).then_some(())
    });
    assert!(back.is_some(), "redis_up did not return to 1 after restart");
    assert_eq!(exporter_clients(port), 1);

    // Connection killed by the server: replaced within the same scrape.
    let list = cli(port, &["CLIENT", "LIST"]).unwrap();
    let id = list
        .lines()
        .find(|l| l.contains(" name=nexo-exporter "))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|f| f.strip_prefix("id="))
        .unwrap()
        .to_string();
    cli(port, &["CLIENT", "KILL", "ID", &id]).unwrap();
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(up(&scrape_budget(&ex, "/metrics", "3").0), Some(1.0));
    assert_eq!(exporter_clients(port), 1);
    drop(redis);
}

#[test]
fn garbage_and_blackhole_give_up_zero() {
    let junk = garbage_server(b"HTTP/1.1 400 Bad Request\r\n\r\n\x00\xff$-7\r\n*99999999\r\n");
    let hole = blackhole_server();
    let ex = Exporter::start(
        &config(&format!(
            "  - name: junk\n    url: redis://127.0.0.1:{junk}\n  - name: hole\n    url: redis://127.0.0.1:{hole}\n"
        )),
        &[],
    );
    assert_junk_and_hole_down(&ex, "redis_up");
}

#[test]
fn flapping_keeps_at_most_one_connection() {
    let dir = tempfile::tempdir().unwrap();
    let (redis, port) = private_redis(dir.path());
    let ex = Exporter::start(
        &config(&format!(
            "  - name: flap\n    url: redis://127.0.0.1:{port}\n    timeout: 5s\n"
        )),
        &[],
    );
    let start = Instant::now();
    let (mut ups, mut downs) = (0, 0);
    let mut paused = false;
    for i in 0..1000 {
        if i % 50 == 0 {
            if paused {
                signal(redis.0.id(), "CONT");
                let ok = wait_for(Duration::from_secs(5), || {
                    (exporter_clients(port) <= 1).then_some(())
                });
                assert!(
                    ok.is_some(),
                    "more than one exporter connection: {}",
                    exporter_clients(port)
                );
            } else {
                signal(redis.0.id(), "STOP");
            }
            paused = !paused;
        }
        let (text, took) = scrape_budget(&ex, "/probe?target=flap", "0.8");
        assert!(took < Duration::from_secs(3), "scrape {i} took {took:?}");
        match up(&text) {
            Some(1.0) => ups += 1,
            Some(0.0) => downs += 1,
            other => panic!("redis_up {other:?}"),
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    signal(redis.0.id(), "CONT");
    let back = wait_for(Duration::from_secs(20), || {
        (up(&scrape_budget(&ex, "/probe?target=flap", "3").0) == Some(1.0)).then_some(())
    });
    assert!(back.is_some());
    let ok = wait_for(Duration::from_secs(5), || {
        (exporter_clients(port) == 1).then_some(())
    });
    assert!(
        ok.is_some(),
        "exporter connections at the end: {}",
        exporter_clients(port)
    );
    assert!(
        ups >= 10 && downs >= 10,
        "ups {ups} downs {downs}\n{}",
        ex.log()
    );
    eprintln!(
        "1000 flapping scrapes in {:?}: {ups} up, {downs} down",
        start.elapsed()
    );
    assert_eq!(ex.get("/-/healthy", &[]).status, 200);
}

#[test]
fn acl_user_with_password_file() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let _redis = redis_on(dir.path(), port, &[]);
    cli(
        port,
        &[
            "ACL",
            "SETUSER",
            "nexo-mon",
            "on",
            ">Sw0rdfish-7",
            "-@all",
            "+info",
            "+client|setname",
            "+ping",
        ],
    )
    .unwrap();
    cli(port, &["ACL", "SETUSER", "default", "off"]).unwrap();
    let pw = dir.path().join("pw");
    std::fs::write(&pw, "Sw0rdfish-7\n").unwrap();
    let bad = dir.path().join("bad");
    std::fs::write(&bad, "Wr0ng-pass\n").unwrap();
    let ex = Exporter::start(
        &config(&format!(
            "  - name: acl\n    url: redis://127.0.0.1:{port}\n    username: nexo-mon\n    password_file: {}\n  - name: wrong\n    url: redis://127.0.0.1:{port}\n    username: nexo-mon\n    password_file: {}\n",
            pw.display(),
            bad.display()
        )),
        &[],
    );
    let ok = ex.get("/probe?target=acl", &[]).text();
    assert_eq!(up(&ok), Some(1.0), "{}", ex.log());
    assert!(sample(&ok, "redis_memory_used_bytes", &[]).unwrap() > 0.0);
    let wrong = ex.get("/probe?target=wrong", &[]).text();
    assert_eq!(up(&wrong), Some(0.0));
    let landing = ex.get("/", &[]).text();
    for s in [ok, wrong, landing, ex.log()] {
        assert!(
            !s.contains("Sw0rdfish-7") && !s.contains("Wr0ng-pass"),
            "secret leaked:\n{s}"
        );
    }
}

#[test]
fn agrees_with_redis_exporter() {
    let bin = "/usr/bin/prometheus-redis-exporter";
    require_file(bin);
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let _redis = redis_on(dir.path(), port, &["--maxmemory", "32mb"]);
    let _conns = open_clients(port, 4);
    let their_port = free_port();
    let _theirs = Guard(
        Command::new(bin)
            .arg(format!("--redis.addr=redis://127.0.0.1:{port}"))
            .arg(format!("--web.listen-address=127.0.0.1:{their_port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let addr: std::net::SocketAddr = format!("127.0.0.1:{their_port}").parse().unwrap();
    assert!(
        wait_for(Duration::from_secs(10), || port_open(&addr.to_string())
            .then_some(()))
        .is_some()
    );
    let ex = Exporter::start(
        &config(&format!(
            "  - name: priv\n    url: redis://127.0.0.1:{port}\n"
        )),
        &[],
    );
    let _ = ex.scrape(); // our connection is open from here on
    let ours = ex.scrape();
    let theirs = http(addr, "GET", "/metrics", &[]).unwrap().text();
    assert_eq!(sample(&theirs, "redis_up", &[]), Some(1.0));
    for m in ["redis_memory_max_bytes", "redis_evicted_keys_total"] {
        assert_eq!(sample(&ours, m, &[]), sample(&theirs, m, &[]), "{m}");
    }
    // redis_exporter connects per scrape, so it sees its own connection on top of ours.
    assert_eq!(
        sample(&ours, "redis_connected_clients", &[]).map(|v| v + 1.0),
        sample(&theirs, "redis_connected_clients", &[])
    );
    let (a, b) = (
        sample(&ours, "redis_uptime_in_seconds", &[]).unwrap(),
        sample(&theirs, "redis_uptime_in_seconds", &[]).unwrap(),
    );
    assert!((a - b).abs() <= 2.0, "{a} vs {b}");
}

#[test]
fn rediss_tls() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("server.key");
    std::fs::copy("/etc/ssl/private/ssl-cert-snakeoil.key", &key).unwrap();
    let port = free_port();
    let _redis = Guard(
        Command::new("redis-server")
            .args([
                "--port",
                "0",
                "--tls-port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
            ])
            .args(["--tls-cert-file", "/etc/ssl/certs/ssl-cert-snakeoil.pem"])
            .arg("--tls-key-file")
            .arg(&key)
            .args([
                "--tls-auth-clients",
                "no",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .arg("--dir")
            .arg(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server"),
    );
    assert!(
        wait_for(Duration::from_secs(10), || port_open(&format!(
            "127.0.0.1:{port}"
        ))
        .then_some(()))
        .is_some()
    );
    let ex = Exporter::start(
        &config(&format!(
            "  - name: tls-insecure\n    url: \"rediss://127.0.0.1:{port}/#insecure\"\n\
             \x20 - name: tls-verified\n    url: rediss://127.0.0.1:{port}\n\
             \x20 - name: plain-to-tls\n    url: redis://127.0.0.1:{port}\n"
        )),
        &[],
    );
    // The snakeoil certificate is self-signed: accepted only without verification.
    for (target, want) in [
        ("tls-insecure", 1.0),
        ("tls-verified", 0.0),
        ("plain-to-tls", 0.0),
    ] {
        let (text, took) = scrape_budget(&ex, &format!("/probe?target={target}"), "3");
        assert_eq!(up(&text), Some(want), "{target}: {}", ex.log());
        assert!(took < Duration::from_secs(5));
    }
    let text = ex.get("/probe?target=tls-insecure", &[]).text();
    assert!(sample(&text, "redis_memory_used_bytes", &[]).unwrap() > 0.0);
}
