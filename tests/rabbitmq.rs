//! RabbitMQ probe against the local broker (5672, plugin 15692, management 15672).
//!
//! The shared broker is never paused or reconfigured: faults are made with a TCP proxy the
//! test controls, garbage servers and black holes. Queues the tests create have unique names,
//! an `x-expires` safety net and are deleted on drop, failure included.

mod common;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::process::Command;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::proxy::Proxy;
use common::*;
use lapin::options::{
    BasicConsumeOptions, BasicPublishOptions, BasicQosOptions, QueueDeclareOptions,
    QueueDeleteOptions,
};
use lapin::types::{AMQPValue, FieldTable};
use lapin::{BasicProperties, Channel, Connection, ConnectionProperties, Consumer};

const AMQP: &str = "127.0.0.1:5672";
const PLUGIN: &str = "127.0.0.1:15692";
const MGMT: &str = "127.0.0.1:15672";
const GUEST_AUTH: &str = "Basic Z3Vlc3Q6Z3Vlc3Q=";
const NQUEUES: usize = 200;

const BASE: &str = "postgres: []\nredis: []\ndocker:\n  enabled: false\nhost:\n  enabled: false\n";

fn unique() -> String {
    let n = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis()
        % 1_000_000;
    format!("{}-{n}", std::process::id())
}

/// (ready, unacked, consumers) per queue name.
type Figures = BTreeMap<String, (f64, f64, f64)>;

/// Queues created for a test, with consumers that hold unacknowledged messages.
struct QueueFixture {
    rt: tokio::runtime::Runtime,
    conn: Connection,
    consumers: Vec<Consumer>,
    names: Vec<String>,
}

impl QueueFixture {
    /// Creates `n` queues `prefix000..`: queue i gets (i % 5) + 1 messages; even queues get a
    /// consumer with prefetch 2 that never acks.
    fn create(prefix: &str, n: usize) -> (QueueFixture, Figures) {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let names: Vec<String> = (0..n).map(|i| format!("{prefix}{i:03}")).collect();
        let (conn, consumers, expected) = rt.block_on(async {
            let conn = Connection::connect(
                &format!("amqp://guest:guest@{AMQP}/%2f"),
                ConnectionProperties::default(),
            )
            .await
            .expect("connect to the local RabbitMQ");
            let publish = conn.create_channel().await.unwrap();
            let consume = conn.create_channel().await.unwrap();
            consume
                .basic_qos(2, BasicQosOptions::default())
                .await
                .unwrap();
            let mut args = FieldTable::default();
            // Safety net: the broker deletes the queues 10 minutes after the test is gone.
            args.insert("x-expires".into(), AMQPValue::LongUInt(600_000));
            let mut consumers = Vec::new();
            let mut expected = Figures::new();
            for (i, name) in names.iter().enumerate() {
                publish
                    .queue_declare(
                        name.as_str().into(),
                        QueueDeclareOptions::default(),
                        args.clone(),
                    )
                    .await
                    .unwrap();
                let msgs = (i % 5) + 1;
                for _ in 0..msgs {
                    publish
                        .basic_publish(
                            "".into(),
                            name.as_str().into(),
                            BasicPublishOptions::default(),
                            b"x",
                            BasicProperties::default(),
                        )
                        .await
                        .unwrap();
                }
                let m = msgs as f64;
                if i % 2 == 0 {
                    expected.insert(name.clone(), (m - m.min(2.0), m.min(2.0), 1.0));
                } else {
                    expected.insert(name.clone(), (m, 0.0, 0.0));
                }
            }
            // Consume only after everything is published so prefetch decides the split.
            wait_published(&publish, &names, &expected).await;
            for (i, name) in names.iter().enumerate() {
                if i % 2 == 0 {
                    let c = consume
                        .basic_consume(
                            name.as_str().into(),
                            format!("nexo-test-{i}").as_str().into(),
                            BasicConsumeOptions::default(),
                            FieldTable::default(),
                        )
                        .await
                        .unwrap();
                    consumers.push(c);
                }
            }
            (conn, consumers, expected)
        });
        (
            QueueFixture {
                rt,
                conn,
                consumers,
                names,
            },
            expected,
        )
    }
}

/// Waits until every queue holds all its published messages (passive declare = ready count).
async fn wait_published(ch: &Channel, names: &[String], expected: &Figures) {
    for name in names {
        let want = expected[name].0 + expected[name].1;
        for _ in 0..100 {
            let q = ch
                .queue_declare(
                    name.as_str().into(),
                    QueueDeclareOptions {
                        passive: true,
                        ..Default::default()
                    },
                    FieldTable::default(),
                )
                .await
                .unwrap();
            if f64::from(q.message_count()) >= want {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for QueueFixture {
    fn drop(&mut self) {
        let names = std::mem::take(&mut self.names);
        let consumers = std::mem::take(&mut self.consumers);
        let deleted = self.rt.block_on(async {
            drop(consumers);
            let ch = tokio::time::timeout(Duration::from_secs(5), self.conn.create_channel())
                .await
                .ok()?
                .ok()?;
            let mut left = Vec::new();
            for n in &names {
                let r = tokio::time::timeout(
                    Duration::from_secs(5),
                    ch.queue_delete(n.as_str().into(), QueueDeleteOptions::default()),
                )
                .await;
                if !matches!(r, Ok(Ok(_))) {
                    left.push(n.clone());
                }
            }
            let _ = self.conn.close(200, "test done".into()).await;
            Some(left)
        });
        // Fallback through the management API for whatever AMQP could not delete.
        let left = deleted.unwrap_or(names);
        let mgmt: SocketAddr = MGMT.parse().unwrap();
        for n in left {
            let _ = http(
                mgmt,
                "DELETE",
                &format!("/api/queues/%2F/{n}"),
                &[("Authorization", GUEST_AUTH)],
            );
        }
    }
}

/// Live figures from `rabbitmqctl list_queues` (read from the queue processes themselves).
fn rabbitmqctl_figures(prefix: &str) -> Figures {
    let out = Command::new("rabbitmqctl")
        .args([
            "list_queues",
            "-q",
            "--no-table-headers",
            "name",
            "messages_ready",
            "messages_unacknowledged",
            "consumers",
        ])
        .output()
        .expect("rabbitmqctl");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut m = Figures::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() == 4 && f[0].starts_with(prefix) {
            let n = |s: &str| s.trim().parse::<f64>().unwrap_or(f64::NAN);
            m.insert(f[0].to_string(), (n(f[1]), n(f[2]), n(f[3])));
        }
    }
    m
}

/// Figures from the management API `/api/queues`.
fn management_figures(prefix: &str) -> Figures {
    let r = http(
        MGMT.parse().unwrap(),
        "GET",
        "/api/queues?columns=name,messages_ready,messages_unacknowledged,consumers",
        &[("Authorization", GUEST_AUTH)],
    )
    .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    let mut m = Figures::new();
    for q in v.as_array().unwrap() {
        let name = q["name"].as_str().unwrap();
        if name.starts_with(prefix) {
            let n = |k: &str| q[k].as_f64().unwrap_or(f64::NAN);
            m.insert(
                name.to_string(),
                (
                    n("messages_ready"),
                    n("messages_unacknowledged"),
                    n("consumers"),
                ),
            );
        }
    }
    m
}

/// Figures as exported by us (or by the plugin itself, with its metric prefix).
fn exported_figures(text: &str, metric_prefix: &str, prefix: &str) -> Figures {
    let mut m = Figures::new();
    for (i, suffix) in ["messages_ready", "messages_unacked", "consumers"]
        .iter()
        .enumerate()
    {
        for (labels, v) in samples(text, &format!("{metric_prefix}{suffix}")) {
            let Some((_, q)) = labels.iter().find(|(k, _)| k == "queue") else {
                continue;
            };
            if !q.starts_with(prefix) {
                continue;
            }
            let e = m.entry(q.clone()).or_insert((f64::NAN, f64::NAN, f64::NAN));
            match i {
                0 => e.0 = v,
                1 => e.1 = v,
                _ => e.2 = v,
            }
        }
    }
    m
}

fn plugin_detailed() -> String {
    http(
        PLUGIN.parse().unwrap(),
        "GET",
        "/metrics/detailed?family=queue_coarse_metrics&family=queue_consumer_count",
        &[],
    )
    .unwrap()
    .text()
}

/// Every `rabbitmq_*` family of `text` (plus `erlang_vm_dist_node_state`) with its TYPE and
/// the union of its label names.
fn plugin_families(text: &str) -> BTreeMap<String, (String, std::collections::BTreeSet<String>)> {
    let mut out: BTreeMap<String, (String, std::collections::BTreeSet<String>)> = BTreeMap::new();
    for line in text.lines() {
        let Some(decl) = line.strip_prefix("# TYPE ") else {
            continue;
        };
        let Some((name, ty)) = decl.split_once(' ') else {
            continue;
        };
        // Families declared without a sample (single node, no queue) have nothing to serve.
        if !(name.starts_with("rabbitmq_") || name == "erlang_vm_dist_node_state")
            || samples(text, name).is_empty()
        {
            continue;
        }
        let names = samples(text, name)
            .into_iter()
            .flat_map(|(l, _)| l.into_iter().map(|(k, _)| k))
            .collect();
        out.insert(name.to_string(), (ty.to_string(), names));
    }
    out
}

#[test]
fn plugin_identity_and_node_families_as_the_plugin_serves_them() {
    let ex = Exporter::start(
        &format!("{BASE}rabbitmq:\n  - name: mq-{}\n", unique()),
        &[],
    );
    let ours = ex.scrape();
    assert_eq!(sample(&ours, "rabbitmq_up", &[]), Some(1.0), "{}", ex.log());
    let plugin = http(PLUGIN.parse().unwrap(), "GET", "/metrics", &[])
        .unwrap()
        .text();
    for name in ["rabbitmq_identity_info", "rabbitmq_build_info"] {
        assert_eq!(samples(&ours, name), samples(&plugin, name), "{name}");
        assert_eq!(samples(&ours, name).len(), 1, "{name}");
    }
    // Every gauge, counter and untyped family of the plugin's aggregated /metrics is ours with
    // the same label names, except the three this exporter serves per queue instead.
    let (o, p) = (plugin_families(&ours), plugin_families(&plugin));
    let mut missing = Vec::new();
    for (name, (ty, labels)) in &p {
        if !matches!(ty.as_str(), "gauge" | "counter" | "untyped")
            || matches!(
                name.as_str(),
                "rabbitmq_queue_messages_ready"
                    | "rabbitmq_queue_messages_unacked"
                    | "rabbitmq_queue_consumers"
            )
        {
            continue;
        }
        match o.get(name) {
            Some((_, l)) if l == labels => {}
            other => missing.push(format!("{name}: plugin {labels:?}, ours {other:?}")),
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
    for name in [
        "rabbitmq_process_max_fds",
        "rabbitmq_resident_memory_limit_bytes",
        "rabbitmq_disk_space_available_limit_bytes",
        "rabbitmq_alarms_memory_used_watermark",
        "rabbitmq_alarms_free_disk_space_watermark",
        "rabbitmq_alarms_file_descriptor_limit",
    ] {
        assert_eq!(
            sample(&ours, name, &[]),
            sample(&plugin, name, &[]),
            "{name}"
        );
    }
    for name in [
        "rabbitmq_connections",
        "rabbitmq_channels",
        "rabbitmq_queues",
        "rabbitmq_process_open_fds",
        "rabbitmq_process_resident_memory_bytes",
        "rabbitmq_disk_space_available_bytes",
    ] {
        assert!(sample(&ours, name, &[]).is_some(), "{name}");
    }

    // Switched off, only identity and build info (from the detailed endpoint) remain.
    let off = Exporter::start(
        &format!(
            "{BASE}rabbitmq:\n  - name: mq-{}\n    node_metrics: false\n",
            unique()
        ),
        &[],
    );
    let body = off.scrape();
    assert_eq!(sample(&body, "rabbitmq_up", &[]), Some(1.0));
    assert_eq!(
        samples(&body, "rabbitmq_identity_info"),
        samples(&plugin, "rabbitmq_identity_info")
    );
    assert!(samples(&body, "rabbitmq_connections").is_empty());
}

#[test]
fn per_queue_values_match_the_broker_for_200_queues() {
    let u = unique();
    let prefix = format!("nexo-mqtest-{u}-q");
    let (fixture, expected) = QueueFixture::create(&prefix, NQUEUES);
    let cfg = format!(
        "{BASE}rabbitmq:\n  - name: mq-{u}\n    queue_include: '{prefix}.*'\n    detailed_queue_metrics: true\n  - name: mqmgmt-{u}\n    queue_source: management\n    queue_include: '{prefix}.*'\n  - name: mqcap-{u}\n    queue_include: '{prefix}.*'\n    max_queues: 50\n"
    );
    let ex = Exporter::start(&cfg, &[]);

    // The broker's statistics refresh every ~5 s: wait until the live truth, the plugin and
    // our export all show the designed figures.
    let mut last = String::new();
    let agreed = wait_for(Duration::from_secs(90), || {
        let truth = rabbitmqctl_figures(&prefix);
        let ours = exported_figures(&ex.scrape(), "rabbitmq_queue_", &prefix);
        let plugin = exported_figures(&plugin_detailed(), "rabbitmq_detailed_queue_", &prefix);
        let ok = truth == expected && ours == truth && plugin == ours;
        if !ok {
            let diff: Vec<_> = expected
                .iter()
                .filter(|(k, v)| ours.get(*k) != Some(v))
                .take(3)
                .collect();
            last = format!(
                "truth {} queues, ours {} queues, plugin {}; first differences from expected: {diff:?}",
                truth.len(),
                ours.len(),
                plugin.len()
            );
        }
        ok.then_some(ours)
    });
    let ours = agreed.unwrap_or_else(|| panic!("never agreed: {last}\nlog:\n{}", ex.log()));
    assert_eq!(ours.len(), NQUEUES);
    assert!(
        ours.values().any(|v| v.1 == 2.0),
        "some queues hold 2 unacked"
    );

    let body = ex.scrape();
    assert_eq!(sample(&body, "rabbitmq_up", &[]), Some(1.0));
    assert_eq!(
        sample(&body, "nexo_exporter_rabbitmq_queues_dropped", &[]),
        Some(0.0)
    );
    // The same figures under the plugin's own detailed names, and its total queue depth.
    assert_eq!(
        exported_figures(&body, "rabbitmq_detailed_queue_", &prefix),
        ours
    );
    for (q, (ready, unacked, _)) in &ours {
        assert_eq!(
            sample(&body, "rabbitmq_detailed_queue_messages", &[("queue", q)]),
            Some(ready + unacked),
            "{q}"
        );
    }

    // The management API as source (served on /probe) agrees with the management API.
    let mgmt = wait_for(Duration::from_secs(30), || {
        let r = ex.get(&format!("/probe?target=mqmgmt-{u}&module=rabbitmq"), &[]);
        let ours = exported_figures(&r.text(), "rabbitmq_queue_", &prefix);
        let theirs = management_figures(&prefix);
        (ours == theirs && ours == expected).then_some(())
    });
    assert!(mgmt.is_some(), "management source never matched");

    // The cap keeps the 50 busiest queues and counts the rest.
    let r = ex.get(&format!("/probe?target=mqcap-{u}"), &[]).text();
    assert_eq!(sample(&r, "rabbitmq_up", &[]), Some(1.0));
    assert_eq!(
        sample(&r, "nexo_exporter_rabbitmq_queues_dropped", &[]),
        Some(150.0)
    );
    let capped = exported_figures(&r, "rabbitmq_queue_", &prefix);
    assert_eq!(capped.len(), 50);
    assert!(capped.values().all(|v| v.1 == 2.0), "{capped:?}");
    drop(fixture);
    assert!(
        rabbitmqctl_figures(&prefix).is_empty(),
        "queues left behind"
    );
}

fn up(ex: &Exporter) -> (Option<f64>, Duration, String) {
    let t0 = Instant::now();
    let r = ex.get("/metrics", &[("X-Prometheus-Scrape-Timeout-Seconds", "3")]);
    let took = t0.elapsed();
    assert_eq!(r.status, 200);
    let body = r.text();
    (sample(&body, "rabbitmq_up", &[]), took, body)
}

/// Connections the broker holds from the exporter's target `name` (by connection name).
fn broker_connections(name: &str) -> usize {
    let out = Command::new("rabbitmqctl")
        .args([
            "list_connections",
            "-q",
            "--no-table-headers",
            "client_properties",
        ])
        .output()
        .expect("rabbitmqctl");
    let needle = format!("\"nexo-exporter ({name})\"");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains(&needle))
        .count()
}

#[test]
fn paused_cut_and_resumed_broker_through_a_proxy() {
    let amqp = Proxy::start(AMQP.parse().unwrap());
    let plugin = Proxy::start(PLUGIN.parse().unwrap());
    let name = format!("mqfault-{}", unique());
    let cfg = format!(
        "{BASE}global:\n  timeout: 10s\nrabbitmq:\n  - name: {name}\n    amqp_url: amqp://{}/%2f\n    prometheus_url: http://{}\n    queue_include: 'nexo-none'\n",
        amqp.addr(),
        plugin.addr()
    );
    let ex = Exporter::start(&cfg, &[]);
    let ok = wait_for(Duration::from_secs(15), || {
        (up(&ex).0 == Some(1.0)).then_some(())
    });
    assert!(ok.is_some(), "never up; log:\n{}", ex.log());
    assert_eq!(broker_connections(&name), 1);

    // Hung broker: sockets open, nothing forwarded.
    amqp.pause();
    plugin.pause();
    for _ in 0..3 {
        let (v, took, _) = up(&ex);
        assert_eq!(v, Some(0.0));
        assert!(took < Duration::from_secs(5), "scrape took {took:?}");
    }
    amqp.resume();
    plugin.resume();
    let back = wait_for(Duration::from_secs(20), || {
        (up(&ex).0 == Some(1.0)).then_some(())
    });
    assert!(back.is_some(), "not up after resume; log:\n{}", ex.log());
    // The connection killed during the pause is gone; one connection remains.
    let one = wait_for(Duration::from_secs(20), || {
        (broker_connections(&name) == 1).then_some(())
    });
    assert!(one.is_some(), "{} connections", broker_connections(&name));

    // Crash/restart: every connection closed under the exporter.
    amqp.cut();
    plugin.cut();
    let back = wait_for(Duration::from_secs(20), || {
        (up(&ex).0 == Some(1.0)).then_some(())
    });
    assert!(back.is_some(), "not up after cut; log:\n{}", ex.log());
    // Flapping: pause/resume a few times, then still one connection.
    for _ in 0..3 {
        amqp.pause();
        assert_eq!(up(&ex).0, Some(0.0));
        amqp.resume();
        let back = wait_for(Duration::from_secs(20), || {
            (up(&ex).0 == Some(1.0)).then_some(())
        });
        assert!(back.is_some(), "not up after flap; log:\n{}", ex.log());
    }
    // Crash loop: 100 cuts, one scrape after each. Neither the broker nor the exporter
    // accumulates connections or descriptors.
    let fds = || {
        std::fs::read_dir(format!("/proc/{}/fd", ex.pid()))
            .unwrap()
            .count()
    };
    let fds_before = fds();
    let mut ups = 0;
    for _ in 0..100 {
        amqp.cut();
        if up(&ex).0 == Some(1.0) {
            ups += 1;
        }
    }
    assert!(ups > 0, "never reconnected during the crash loop");
    let back = wait_for(Duration::from_secs(20), || {
        (up(&ex).0 == Some(1.0)).then_some(())
    });
    assert!(
        back.is_some(),
        "not up after the crash loop; log:\n{}",
        ex.log()
    );
    let one = wait_for(Duration::from_secs(30), || {
        (broker_connections(&name) == 1).then_some(())
    });
    assert!(one.is_some(), "{} connections", broker_connections(&name));
    let fds_after = fds();
    assert!(
        fds_after <= fds_before + 4,
        "descriptors grew from {fds_before} to {fds_after}"
    );
    let log = ex.log();
    assert!(log.contains("probe failed"), "{log}");
    if std::env::var_os("NEXO_SHOW_LOG").is_some() {
        eprintln!("{log}");
    }
}

#[test]
fn garbage_and_black_holes_give_up_zero_without_panic() {
    let g_amqp = garbage_server(b"SSH-2.0-OpenSSH_9.6\r\n\x00\xff garbage \x01\x02");
    let g_http = garbage_server(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
    let hole = blackhole_server();
    let real_amqp = Proxy::start(AMQP.parse().unwrap());
    let u = unique();
    let cfg = format!(
        "{BASE}global:\n  timeout: 10s\nrabbitmq:\n  - name: garbage-{u}\n    amqp_url: amqp://127.0.0.1:{g_amqp}/%2f\n    prometheus_url: http://127.0.0.1:{g_http}\n  - name: httpgarbage-{u}\n    amqp_url: amqp://{}/%2f\n    prometheus_url: http://127.0.0.1:{g_amqp}\n  - name: notplugin-{u}\n    amqp_url: amqp://{}/%2f\n    prometheus_url: http://127.0.0.1:{g_http}\n  - name: hole-{u}\n    amqp_url: amqp://127.0.0.1:{hole}/%2f\n    prometheus_url: http://127.0.0.1:{hole}\n",
        real_amqp.addr(),
        real_amqp.addr()
    );
    let ex = Exporter::start(&cfg, &[]);
    for _ in 0..2 {
        let (v, took, _) = up(&ex);
        assert_eq!(v, Some(0.0), "garbage on both ports");
        assert!(took < Duration::from_secs(5), "{took:?}");
        for t in ["httpgarbage", "notplugin", "hole"] {
            let t0 = Instant::now();
            let r = ex.get(
                &format!("/probe?target={t}-{u}"),
                &[("X-Prometheus-Scrape-Timeout-Seconds", "3")],
            );
            assert!(t0.elapsed() < Duration::from_secs(5));
            assert_eq!(r.status, 200);
            assert_eq!(sample(&r.text(), "rabbitmq_up", &[]), Some(0.0), "{t}");
            assert!(sample(&r.text(), "rabbitmq_queue_messages_unacked", &[]).is_none());
            // What is down: the broker's AMQP half answers behind "notplugin" (only its metrics
            // source is wrong), nothing answers behind "hole".
            let (amqp, source) = match t {
                "hole" => (0.0, 0.0),
                _ => (1.0, 0.0),
            };
            let text = r.text();
            assert_eq!(
                sample(&text, "nexo_exporter_rabbitmq_amqp_up", &[]),
                Some(amqp),
                "{t}"
            );
            assert_eq!(
                sample(&text, "nexo_exporter_rabbitmq_queue_source_up", &[]),
                Some(source),
                "{t}"
            );
        }
    }
    assert_eq!(ex.get("/-/healthy", &[]).status, 200);
    let log = ex.log();
    assert!(!log.contains("panicked"), "{log}");
    assert!(log.contains("probe failed"), "{log}");
}

#[test]
fn wrong_password_is_up_zero_and_never_shown() {
    let u = unique();
    let secret = format!("nexo-wrong-pw-{u}");
    let cfg = format!(
        "{BASE}rabbitmq:\n  - name: badpw-{u}\n    password: {secret}\n    queue_source: management\n"
    );
    let ex = Exporter::start(&cfg, &[]);
    let (v, _, body) = up(&ex);
    assert_eq!(v, Some(0.0));
    let landing = ex.get("/", &[]).text();
    for (what, text) in [
        ("metrics", body),
        ("landing page", landing),
        ("log", ex.log()),
    ] {
        assert!(!text.contains(&secret), "password in {what}:\n{text}");
    }
}

/// Not a test: holds 200 queues with unacked messages for `NEXO_HOLD_SECS` seconds (default
/// 120) so the per-queue sources can be timed by hand (see docs/rabbitmq.md). Queues are
/// named `nexo-mqbench-<pid>-...` and deleted at the end.
#[test]
#[ignore]
fn hold_200_queues_for_measurement() {
    let secs: u64 = std::env::var("NEXO_HOLD_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(120);
    let prefix = format!("nexo-mqbench-{}-q", unique());
    let (fixture, _) = QueueFixture::create(&prefix, NQUEUES);
    eprintln!("holding {NQUEUES} queues {prefix}* for {secs} s");
    std::thread::sleep(Duration::from_secs(secs));
    drop(fixture);
}
