//! The shipped dashboards show data: the real exporter probes the local PostgreSQL, Redis,
//! RabbitMQ, dockerd, the host and a health endpoint this test serves; a real Prometheus
//! (`/usr/bin/prometheus`, tests/common/stack.rs) scrapes it every 2 s, scrapes itself and
//! evaluates the shipped rules (only `for` shortened to 0s, so Watchdog fires at once); then
//! every target query of every panel of dashboards/*.json, with Grafana's variables substituted
//! as Grafana sends them for the dashboards' default selection ("All"), runs through
//! `/api/v1/query` and must return at least one series, except the panels listed in
//! [`EMPTY_BY_DESIGN`] with their reason (each of those must carry a `noValue` text). The
//! panels using `$job`/`$instance` run a second time with every value ticked (Grafana's escaped
//! `(a|b)` form), and the variables' own `label_values` queries must offer values.
//!
//! What the per-object panels need is created by the test and removed afterwards, failure
//! included: two RabbitMQ queues with unique names on the shared broker (one with a consumer
//! that never acks, one without consumers; `x-expires` as a safety net), two busybox containers
//! built FROM scratch (one running with memory/CPU limits and a healthcheck, one that exits
//! with code 3 after 8 s: the exporter reports a stopped container only once it saw it run) and a private Redis with a `maxmemory` (scraped through `/probe`, as
//! docs/multi-target.md shows), since the shared one has none and must not be reconfigured.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Command;
use std::time::{Duration, Instant};

use common::image::{DockerObject, busybox_image, run_ok, unique};
use common::stack::{Prometheus, shipped_rule_files, shorten_for};
use common::*;
use lapin::options::{
    BasicConsumeOptions, BasicPublishOptions, BasicQosOptions, QueueDeclareOptions,
    QueueDeleteOptions,
};
use lapin::types::{AMQPValue, FieldTable};
use lapin::{BasicProperties, Connection, ConnectionProperties, Consumer};
use serde_json::Value;

/// Panels (dashboard uid, panel id; None: every dashboard) that may be empty by design in this
/// test, with the reason printed in the table; each must carry a `noValue` text.
const EMPTY_BY_DESIGN: &[(Option<&str>, u64, &str)] = &[
    (
        Some("nexo-overview"),
        4,
        "request metrics (http_requests_total) come from the NEXO services, not the exporter",
    ),
    (
        Some("nexo-overview"),
        5,
        "request metrics (http_requests_total) come from the NEXO services, not the exporter",
    ),
    (
        Some("nexo-overview"),
        6,
        "request metrics (http_requests_total) come from the NEXO services, not the exporter",
    ),
    (
        Some("nexo-overview"),
        7,
        "request metrics (http_request_duration_seconds) come from the NEXO services",
    ),
    (
        Some("nexo-overview"),
        8,
        "request metrics (http_request_duration_seconds) come from the NEXO services",
    ),
    (
        Some("nexo-overview"),
        9,
        "request metrics (http_request_duration_seconds) come from the NEXO services",
    ),
    (
        None,
        28,
        "NexoExporterTargetMissing: only a target that vanished has a series",
    ),
    (
        None,
        14,
        "PossibleMemoryLeak: `offset 1h` needs an hour of history",
    ),
    (
        Some("nexo-postgres"),
        109,
        "the shared PostgreSQL runs outside Docker here",
    ),
    (
        Some("nexo-redis"),
        108,
        "the shared Redis runs outside Docker here",
    ),
    (
        Some("nexo-rabbitmq"),
        112,
        "the shared RabbitMQ runs outside Docker here",
    ),
    (
        Some("nexo-host"),
        110,
        "shows only read-only or failing filesystems; a host may have none",
    ),
];

fn listed(uid: &str, id: u64) -> Option<&'static str> {
    EMPTY_BY_DESIGN
        .iter()
        .find(|(u, i, _)| *i == id && u.is_none_or(|u| u == uid))
        .map(|(_, _, why)| *why)
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or("")
}

/// (uid, dashboard) for every dashboards/*.json.
fn dashboards() -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(root().join("dashboards")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "json") {
            let v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            out.push((s(&v, "uid").to_string(), v));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(out.len(), 6, "six dashboards");
    out
}

/// Every panel with targets, rows' nested panels included.
fn panels(d: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    for p in d["panels"].as_array().unwrap() {
        out.push(p);
        out.extend(p["panels"].as_array().into_iter().flatten());
    }
    out.retain(|p| p["targets"].as_array().is_some_and(|t| !t.is_empty()));
    out
}

/// The query as Grafana sends it for the dashboards' default selection: `$job`/`$instance` are
/// multi-value variables with "All" selected and `allValue: .+`, which Grafana inserts as is;
/// `$__interval` for the default 6 h range over a ~1000 px panel is 20s; `$__rate_interval` is
/// max($__interval + scrape interval, 4 × scrape interval) with the data source's default 15 s
/// scrape interval: 1m; `$__range` is the dashboard's 6 h.
fn substitute(expr: &str, d: &Value) -> String {
    substitute_with(expr, d, &|v| s(v, "allValue").to_string())
}

/// As [`substitute`], with `value(variable)` inserted for each query variable.
fn substitute_with(expr: &str, d: &Value, value: &dyn Fn(&Value) -> String) -> String {
    let mut out = expr.to_string();
    for v in d["templating"]["list"].as_array().into_iter().flatten() {
        if s(v, "type") != "query" {
            continue;
        }
        assert_eq!(v["current"]["value"][0], "$__all", "{v}");
        let val = value(v);
        let name = s(v, "name");
        out = out
            .replace(&format!("${{{name}}}"), &val)
            .replace(&format!("${name}"), &val);
    }
    let out = out
        .replace("${__rate_interval}", "1m")
        .replace("$__rate_interval", "1m")
        .replace("${__interval}", "20s")
        .replace("$__interval", "20s")
        .replace("${__range}", "6h")
        .replace("$__range", "6h");
    assert!(!out.contains('$'), "unsubstituted variable in {out}");
    out
}

/// Several values selected in a multi-value variable, as Grafana's Prometheus data source
/// interpolates them (`prometheusSpecialRegexEscape`, joined as `(a|b)`): backslashes and the
/// regex characters `$^*{}[]'+?.()|` escaped with a PromQL-string backslash (`\\.`).
fn grafana_multi(values: &[String]) -> String {
    let esc: Vec<String> = values
        .iter()
        .map(|v| {
            let mut o = String::new();
            for c in v.chars() {
                if c == '\\' {
                    o.push_str("\\\\\\\\");
                } else if "$^*{}[]'+?.()|".contains(c) {
                    o.push_str("\\\\");
                    o.push(c);
                } else {
                    o.push(c);
                }
            }
            o
        })
        .collect();
    if esc.len() == 1 {
        esc[0].clone()
    } else {
        format!("({})", esc.join("|"))
    }
}

/// An HTTP server answering 200 to everything (the services' health endpoint).
fn health_endpoint() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut c in l.incoming().flatten() {
            let _ = c.set_read_timeout(Some(Duration::from_secs(2)));
            let mut buf = [0u8; 2048];
            let _ = c.read(&mut buf);
            let _ = c.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 15\r\nConnection: close\r\n\r\n{\"status\":\"ok\"}",
            );
        }
    });
    port
}

/// Two queues on the shared broker: `<prefix>-busy` (3 messages, a consumer with prefetch 1
/// that never acks: 2 ready, 1 unacked) and `<prefix>-idle` (1 message, no consumer). Deleted
/// on drop.
struct Queues {
    rt: tokio::runtime::Runtime,
    conn: Connection,
    _consumer: Option<Consumer>,
    names: Vec<String>,
}

impl Queues {
    fn create(prefix: &str) -> Queues {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let names = vec![format!("{prefix}-busy"), format!("{prefix}-idle")];
        let (conn, consumer) = rt.block_on(async {
            let conn = Connection::connect(
                "amqp://guest:guest@127.0.0.1:5672/%2f",
                ConnectionProperties::default(),
            )
            .await
            .expect("connect to the local RabbitMQ");
            let ch = conn.create_channel().await.unwrap();
            let mut args = FieldTable::default();
            args.insert("x-expires".into(), AMQPValue::LongUInt(600_000));
            for (name, n) in names.iter().zip([3, 1]) {
                ch.queue_declare(
                    name.as_str().into(),
                    QueueDeclareOptions::default(),
                    args.clone(),
                )
                .await
                .unwrap();
                for _ in 0..n {
                    ch.basic_publish(
                        "".into(),
                        name.as_str().into(),
                        BasicPublishOptions::default(),
                        b"x",
                        BasicProperties::default(),
                    )
                    .await
                    .unwrap();
                }
            }
            let consume = conn.create_channel().await.unwrap();
            consume
                .basic_qos(1, BasicQosOptions::default())
                .await
                .unwrap();
            let c = consume
                .basic_consume(
                    names[0].as_str().into(),
                    "nexo-dashboard-data".into(),
                    BasicConsumeOptions::default(),
                    FieldTable::default(),
                )
                .await
                .unwrap();
            (conn, c)
        });
        Queues {
            rt,
            conn,
            _consumer: Some(consumer),
            names,
        }
    }
}

impl Drop for Queues {
    fn drop(&mut self) {
        drop(self._consumer.take());
        let names = std::mem::take(&mut self.names);
        self.rt.block_on(async {
            if let Ok(Ok(ch)) =
                tokio::time::timeout(Duration::from_secs(5), self.conn.create_channel()).await
            {
                for n in &names {
                    let _ = tokio::time::timeout(
                        Duration::from_secs(5),
                        ch.queue_delete(n.as_str().into(), QueueDeleteOptions::default()),
                    )
                    .await;
                }
            }
            let _ = self.conn.close(200, "test done".into()).await;
        });
    }
}

/// One row of the table.
struct Row {
    uid: String,
    id: u64,
    title: String,
    refid: String,
    expr: String,
    raw: String,
    series: usize,
    listed: Option<&'static str>,
}

#[test]
fn every_panel_shows_data_or_is_listed() {
    require_file("/usr/bin/prometheus");
    let started = Instant::now();
    let u = unique("nexo-dashdata");

    // What the per-object panels need.
    // A PostgreSQL client of the test's own with an application name, for the per-application
    // panel (the exporter does not count its own connection; nothing else may be connected).
    let _pg_client = Guard(
        Command::new("psql")
            .args([
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-d",
                "postgres",
                "-Atqc",
            ])
            .arg("SELECT pg_sleep(600)")
            .env("PGAPPNAME", format!("{u}-client"))
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("start psql"),
    );
    let queues = Queues::create(&u);
    let image = busybox_image("");
    let app = DockerObject {
        kind: "container",
        name: format!("{u}-app"),
    };
    run_ok(Command::new("docker").args([
        "run",
        "-d",
        "--name",
        &app.name,
        "--memory",
        "64m",
        "--cpus",
        "0.5",
        "--health-cmd",
        "/bin/busybox true",
        "--health-interval",
        "1s",
        &image.name,
        "/bin/busybox",
        "sleep",
        "3600",
    ]));
    let failed = DockerObject {
        kind: "container",
        name: format!("{u}-failed"),
    };
    run_ok(Command::new("docker").args([
        "run",
        "-d",
        "--name",
        &failed.name,
        &image.name,
        "/bin/busybox",
        "sh",
        "-c",
        "sleep 8; exit 3",
    ]));
    let redis_dir = tempfile::tempdir().unwrap();
    let (_redis, redis_port) = {
        let port = free_port();
        (
            redis_on(redis_dir.path(), port, &["--maxmemory", "64mb"]),
            port,
        )
    };
    let health = health_endpoint();

    let ex = Exporter::start(
        &format!(
            "global:\n  timeout: 1500ms\nhost:\n  enabled: true\n\
             postgres:\n  - name: postgres\n    host: 127.0.0.1\n    port: 5432\n    user: postgres\n    dbname: postgres\n    sslmode: disable\n\
             redis:\n  - name: redis\n    url: redis://127.0.0.1:6379\n  - name: redis-limited\n    url: redis://127.0.0.1:{redis_port}\n\
             rabbitmq:\n  - name: rabbitmq\n    amqp_url: amqp://127.0.0.1:5672/%2f\n    prometheus_url: http://127.0.0.1:15692\n    management_url: http://127.0.0.1:15672\n    username: guest\n    password: guest\n    queue_include: '{u}-.*'\n\
             docker:\n  host: unix:///var/run/docker.sock\n  name_include: '{u}-.*'\n\
             services:\n  - name: dashdata-svc\n    url: http://127.0.0.1:{health}/api/health\n"
        ),
        &[],
    );

    let prom_addr: std::net::SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let config = format!(
        "global:\n  scrape_interval: 2s\n  scrape_timeout: 2s\n  evaluation_interval: 2s\n\
         rule_files:\n  - rules/*.yml\n\
         scrape_configs:\n\
         \x20 - job_name: nexo-exporter\n    static_configs:\n      - targets: ['{}']\n\
         \x20 - job_name: nexo-exporter-probe\n    metrics_path: /probe\n    static_configs:\n      - targets: ['redis-limited']\n\
         \x20   relabel_configs:\n      - source_labels: [__address__]\n        target_label: __param_target\n\
         \x20     - source_labels: [__param_target]\n        target_label: instance\n\
         \x20     - target_label: __address__\n        replacement: '{}'\n\
         \x20 - job_name: prometheus\n    static_configs:\n      - targets: ['{prom_addr}']\n",
        ex.addr, ex.addr
    );
    let rules: Vec<(String, String)> = shipped_rule_files()
        .into_iter()
        .map(|(n, t)| (n, shorten_for(&t, "0s")))
        .collect();
    let prom = Prometheus::start_at(prom_addr, &config, &rules);

    // Every panel target, substituted.
    let dbs = dashboards();
    let mut rows = Vec::new();
    for (uid, d) in &dbs {
        for p in panels(d) {
            let id = p["id"].as_u64().unwrap();
            for t in p["targets"].as_array().unwrap() {
                rows.push(Row {
                    uid: uid.clone(),
                    id,
                    title: s(p, "title").to_string(),
                    refid: s(t, "refId").to_string(),
                    expr: substitute(s(t, "expr"), d),
                    raw: s(t, "expr").to_string(),
                    series: 0,
                    listed: listed(uid, id),
                });
            }
        }
    }

    // Scrape until every query that must show data does (rate() needs two samples in its
    // window), or 40 s pass.
    let deadline = Instant::now() + Duration::from_secs(40);
    loop {
        for r in rows.iter_mut() {
            if r.series == 0 || r.listed.is_some() {
                r.series = prom.query(&r.expr).len();
            }
        }
        if rows.iter().all(|r| r.series > 0 || r.listed.is_some()) || Instant::now() > deadline {
            break;
        }
        std::thread::sleep(Duration::from_secs(1));
    }
    // Listed panels get a last look after the others have data.
    for r in rows.iter_mut().filter(|r| r.listed.is_some()) {
        r.series = prom.query(&r.expr).len();
    }

    println!(
        "{:<16} {:>5} {:<3} {:<60} series / reason",
        "dashboard", "panel", "ref", "title"
    );
    for r in &rows {
        let what = match r.listed {
            Some(why) => format!("{} (listed: {why})", r.series),
            None => r.series.to_string(),
        };
        println!(
            "{:<16} {:>5} {:<3} {:<60} {what}",
            r.uid, r.id, r.refid, r.title
        );
    }
    // Per panel: every query returned a series, or some query is empty.
    let mut per_panel: Vec<(String, u64, bool, bool)> = Vec::new();
    for r in &rows {
        match per_panel.last_mut() {
            Some((u, i, data, _)) if *u == r.uid && *i == r.id => *data &= r.series > 0,
            _ => per_panel.push((r.uid.clone(), r.id, r.series > 0, r.listed.is_some())),
        }
    }
    let with_data = per_panel.iter().filter(|p| p.2).count();
    let listed_with_data = per_panel.iter().filter(|p| p.2 && p.3).count();
    let empty_listed = per_panel.iter().filter(|p| !p.2 && p.3).count();
    println!(
        "{} panels: {with_data} with data in every query ({listed_with_data} of them listed as \
         possibly empty), {empty_listed} empty and listed; {:.1} s",
        per_panel.len(),
        started.elapsed().as_secs_f64()
    );

    let mut errors = Vec::new();
    for r in &rows {
        if r.listed.is_none() && r.series == 0 {
            errors.push(format!(
                "{} panel {} {:?} target {} is empty:\n  {}",
                r.uid, r.id, r.title, r.refid, r.expr
            ));
        }
    }
    // The variables' own queries (label_values(<selector>, label)) offer values to select.
    for (uid, d) in &dbs {
        for v in d["templating"]["list"].as_array().into_iter().flatten() {
            if s(v, "type") != "query" {
                continue;
            }
            let q = s(&v["query"], "query");
            let (sel, label) = q
                .strip_prefix("label_values(")
                .and_then(|r| r.strip_suffix(')'))
                .and_then(|r| r.rsplit_once(','))
                .unwrap_or_else(|| panic!("{uid}: variable query {q}"));
            let label = label.trim();
            let values = prom.query(&substitute(sel, d));
            if !values.iter().any(|x| !s(&x["metric"], label).is_empty()) {
                errors.push(format!(
                    "{uid}: variable {} ({q}) has no value",
                    s(v, "name")
                ));
            }
        }
    }
    // The same panels with every value of $job and $instance ticked one by one instead of
    // "All": Grafana then sends the escaped values, `(a|b)`; the panels must show the same.
    let values = |sel: &str, label: &str| -> Vec<String> {
        let mut v: Vec<String> = prom
            .query(sel)
            .iter()
            .map(|x| s(&x["metric"], label).to_string())
            .filter(|x| !x.is_empty())
            .collect();
        v.sort();
        v.dedup();
        v
    };
    let jobs = values("up", "job");
    let instances = values("up", "instance");
    let mut ticked = 0;
    for (uid, d) in &dbs {
        for r in rows.iter().filter(|r| &r.uid == uid && r.raw.contains('$')) {
            let q = substitute_with(&r.raw, d, &|v| match s(v, "name") {
                "job" => grafana_multi(&jobs),
                _ => grafana_multi(&instances),
            });
            ticked += 1;
            let n = prom.query(&q).len();
            if r.listed.is_none() && n == 0 {
                errors.push(format!(
                    "{uid} panel {} {:?} target {} is empty with every value ticked:\n  {q}",
                    r.id, r.title, r.refid
                ));
            }
        }
    }
    println!(
        "{ticked} queries also run with $job = {} and $instance = {}",
        grafana_multi(&jobs),
        grafana_multi(&instances)
    );
    // Every listed panel says why it is empty, in Grafana.
    for (uid, d) in &dbs {
        for p in panels(d) {
            let id = p["id"].as_u64().unwrap();
            if listed(uid, id).is_some() && s(&p["fieldConfig"]["defaults"], "noValue").is_empty() {
                errors.push(format!(
                    "{uid} panel {id} {:?} is listed as empty but has no noValue text",
                    s(p, "title")
                ));
            }
        }
    }
    // The per-object panels show the objects this test created.
    let ours = |q: &str, label: &str, want: &str| {
        prom.query(q).iter().any(|v| s(&v["metric"], label) == want)
    };
    for (q, label, want) in [
        (
            "rabbitmq_queue_messages_unacked",
            "queue",
            format!("{u}-busy"),
        ),
        (
            "rabbitmq_queue_consumers == 0",
            "queue",
            format!("{u}-idle"),
        ),
        ("container_last_exit_code != 0", "name", failed.name.clone()),
        (
            "container_spec_memory_limit_bytes > 0",
            "name",
            app.name.clone(),
        ),
        (
            "container_health_status{status!=\"none\"} == 1",
            "name",
            app.name.clone(),
        ),
        ("probe_success", "service", "dashdata-svc".to_string()),
    ] {
        if !ours(q, label, &want) {
            errors.push(format!("{q}: no series with {label}=\"{want}\""));
        }
    }
    assert!(
        errors.is_empty(),
        "{}\nexporter log:\n{}",
        errors.join("\n"),
        ex.log()
    );
    drop(queues);
}
