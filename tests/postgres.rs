//! PostgreSQL probe, end to end: the real binary against the local server (values compared
//! with psql and, when installed, postgres_exporter) and against private clusters made with
//! initdb for faults (SIGSTOP, crash and restart, garbage, flapping).

mod common;
mod private_pg;

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use common::*;
use private_pg::{PrivatePg, psql_at};

const STATES: [&str; 6] = [
    "active",
    "idle",
    "idle in transaction",
    "idle in transaction (aborted)",
    "fastpath function call",
    "disabled",
];

/// A name unique to this test process and call.
fn unique(prefix: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "{prefix}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// Exporter configuration with only the given postgres targets (YAML list items).
fn config(targets: &str) -> String {
    format!(
        "host:\n  enabled: false\ndocker:\n  enabled: false\nredis: []\nrabbitmq: []\npostgres:\n{targets}"
    )
}

fn shared_psql(sql: &str) -> String {
    psql_at("127.0.0.1", 5432, "postgres", sql).unwrap_or_else(|| panic!("psql failed: {sql}"))
}

/// A database created on the shared server for one test; dropped (sessions forced out) on drop.
struct TempDb(String);

impl TempDb {
    fn new() -> TempDb {
        let name = unique("nexo_t");
        shared_psql(&format!("CREATE DATABASE {name}"));
        TempDb(name)
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        let _ = psql_at(
            "127.0.0.1",
            5432,
            "postgres",
            &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.0),
        );
    }
}

/// A login role that is only a member of pg_monitor; dropped on drop.
struct TempRole(String);

impl Drop for TempRole {
    fn drop(&mut self) {
        let _ = psql_at(
            "127.0.0.1",
            5432,
            "postgres",
            &format!("DROP ROLE IF EXISTS {}", self.0),
        );
    }
}

/// Client sessions held open by the test (closed when dropped with their runtime).
struct Sessions {
    rt: tokio::runtime::Runtime,
    clients: Vec<tokio_postgres::Client>,
}

impl Sessions {
    fn open(dsn: &str, n: usize, app: &str) -> Sessions {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let dsn = format!("{dsn} application_name={app}");
        let clients = rt.block_on(async {
            let mut v = Vec::new();
            for _ in 0..n {
                let (c, conn) = tokio_postgres::connect(&dsn, tokio_postgres::NoTls)
                    .await
                    .expect("test session connects");
                tokio::spawn(conn);
                v.push(c);
            }
            v
        });
        Sessions { rt, clients }
    }

    /// Leaves session `i` idle in an open transaction.
    fn begin(&self, i: usize) {
        self.rt
            .block_on(self.clients[i].batch_execute("BEGIN; SELECT 1"))
            .unwrap();
    }
}

fn up(text: &str) -> Option<f64> {
    sample(text, "pg_up", &[])
}

#[test]
fn agrees_with_psql_on_the_local_server() {
    let db = TempDb::new();
    let app = unique("nexo-t-app");
    let s = Sessions::open(
        &format!("host=127.0.0.1 port=5432 user=postgres dbname={}", db.0),
        5,
        &app,
    );
    s.begin(0);
    std::thread::sleep(Duration::from_millis(1200));
    let ex = Exporter::start(&config("  - name: main\n"), &[]);
    let text = ex.scrape();
    assert_eq!(up(&text), Some(1.0), "{}", ex.log());

    for state in STATES {
        let ours = sample(
            &text,
            "pg_stat_activity_count",
            &[("datname", &db.0), ("state", state)],
        )
        .unwrap_or_else(|| panic!("no sample for state {state}"));
        let theirs: f64 = shared_psql(&format!(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = '{}' AND state = '{state}'",
            db.0
        ))
        .parse()
        .unwrap();
        assert_eq!(ours, theirs, "state {state}");
    }
    let c = |state| {
        sample(
            &text,
            "pg_stat_activity_count",
            &[("datname", &db.0), ("state", state)],
        )
    };
    assert_eq!(c("idle"), Some(4.0));
    assert_eq!(c("idle in transaction"), Some(1.0));
    let tx = sample(
        &text,
        "pg_stat_activity_max_tx_duration",
        &[("datname", &db.0), ("state", "idle in transaction")],
    )
    .unwrap();
    assert!((1.0..600.0).contains(&tx), "max_tx_duration {tx}");
    assert_eq!(
        sample(
            &text,
            "pg_stat_activity_max_tx_duration",
            &[("datname", &db.0), ("state", "idle")]
        ),
        Some(0.0)
    );
    assert_eq!(
        sample(
            &text,
            "pg_stat_activity_application_count",
            &[("application_name", &app)]
        ),
        Some(5.0)
    );
    // Zero-filled for every connectable database, template0 (not connectable) left out.
    assert_eq!(
        sample(
            &text,
            "pg_stat_activity_count",
            &[("datname", "template1"), ("state", "active")]
        ),
        Some(0.0)
    );
    assert!(sample(&text, "pg_stat_activity_count", &[("datname", "template0")]).is_none());
    let max: f64 = shared_psql("SHOW max_connections").parse().unwrap();
    let res: f64 = shared_psql("SHOW superuser_reserved_connections")
        .parse()
        .unwrap();
    assert_eq!(sample(&text, "pg_settings_max_connections", &[]), Some(max));
    assert_eq!(
        sample(&text, "pg_settings_superuser_reserved_connections", &[]),
        Some(res)
    );
    // The exporter's own connection is excluded. Asserted on what this test created: a second
    // exporter connected to the test's own database (no other exporter on the machine uses
    // it) reports exactly the test's 5 sessions there, while its own backend sits in it too.
    let own = Exporter::start(
        &config(&format!("  - name: own\n    dbname: {}\n", db.0)),
        &[],
    );
    let t = own.scrape();
    assert_eq!(up(&t), Some(1.0), "{}", own.log());
    let total: f64 = STATES
        .iter()
        .filter_map(|st| {
            sample(
                &t,
                "pg_stat_activity_count",
                &[("datname", &db.0), ("state", st)],
            )
        })
        .sum();
    assert_eq!(total, 5.0);
    assert_eq!(
        shared_psql(&format!(
            "SELECT count(*) FROM pg_stat_activity \
             WHERE datname = '{}' AND application_name = 'nexo-exporter'",
            db.0
        )),
        "1",
        "the second exporter's own backend is in the test database"
    );
    drop(own);
    drop(s);
}

#[test]
fn works_with_a_role_that_only_has_pg_monitor() {
    let role = TempRole(unique("nexo_mon"));
    shared_psql(&format!(
        "CREATE ROLE {} WITH LOGIN IN ROLE pg_monitor",
        role.0
    ));
    let db = TempDb::new();
    let app = unique("nexo-t-mon");
    let s = Sessions::open(
        &format!("host=127.0.0.1 port=5432 user=postgres dbname={}", db.0),
        3,
        &app,
    );
    let dir = tempfile::tempdir().unwrap();
    let pw = dir.path().join("pw");
    std::fs::write(&pw, "not-used-with-trust\n").unwrap();
    let ex = Exporter::start(
        &config(&format!(
            "  - name: mon\n    dsn: \"host=127.0.0.1 port=5432 dbname=postgres user={}\"\n    password_file: {}\n",
            role.0,
            pw.display()
        )),
        &[],
    );
    let text = ex.scrape();
    assert_eq!(up(&text), Some(1.0), "{}", ex.log());
    // pg_monitor (pg_read_all_stats) sees other roles' sessions and their state.
    assert_eq!(
        sample(
            &text,
            "pg_stat_activity_count",
            &[("datname", &db.0), ("state", "idle")]
        ),
        Some(3.0)
    );
    assert_eq!(
        sample(
            &text,
            "pg_stat_activity_application_count",
            &[("application_name", &app)]
        ),
        Some(3.0)
    );
    let usename = shared_psql(
        "SELECT string_agg(usename, ',') FROM pg_stat_activity WHERE application_name = 'nexo-exporter'",
    );
    assert!(usename.contains(&role.0), "{usename}");
    assert!(!ex.log().contains("not-used-with-trust"));
    drop(ex);
    drop(s);
    drop(db);
    // The exporter's session must be gone before the role can be dropped.
    wait_for(Duration::from_secs(5), || {
        (shared_psql(&format!(
            "SELECT count(*) FROM pg_stat_activity WHERE usename = '{}'",
            role.0
        )) == "0")
            .then_some(())
    });
}

#[test]
fn hung_crashed_and_restarted_private_server() {
    let mut pg = PrivatePg::new();
    let ex = Exporter::start(
        &config(&format!(
            "  - name: priv\n    port: {}\n    timeout: 10s\n",
            pg.port
        )),
        &[],
    );
    let (text, _) = scrape_budget(&ex, "/metrics", "3");
    assert_eq!(up(&text), Some(1.0), "{}", ex.log());

    // Hung (SIGSTOP): the scrape answers within its deadline with pg_up 0.
    pg.pause();
    for _ in 0..2 {
        let (text, took) = scrape_budget(&ex, "/metrics", "3");
        assert_eq!(up(&text), Some(0.0));
        assert!(took < Duration::from_secs(5), "scrape took {took:?}");
    }
    pg.resume();
    let back = wait_for(Duration::from_secs(20), || {
        let (t, _) = scrape_budget(&ex, "/metrics", "3");
        (up(&t) == Some(1.0)).then_some(())
    });
    assert!(back.is_some(), "pg_up did not return to 1 after SIGCONT");

    // Crashed, then restarted on the same port: back to 1 without restarting the exporter.
    pg.stop();
    let (text, took) = scrape_budget(&ex, "/metrics", "3");
    assert_eq!(up(&text), Some(0.0));
    assert!(took < Duration::from_secs(5));
    pg.start();
    let back = wait_for(Duration::from_secs(20), || {
        let (t, _) = scrape_budget(&ex, "/metrics", "3");
        (up(&t) == Some(1.0)).then_some(())
    });
    assert!(back.is_some(), "pg_up did not return to 1 after restart");
    assert_eq!(
        pg.psql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'nexo-exporter'")
            .as_deref(),
        Some("1")
    );

    // Backend terminated by the server: replaced within the same scrape.
    pg.psql(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE application_name = 'nexo-exporter'",
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(100));
    let (text, _) = scrape_budget(&ex, "/metrics", "3");
    assert_eq!(up(&text), Some(1.0), "{}", ex.log());
}

#[test]
fn garbage_and_blackhole_give_up_zero() {
    let garbage = garbage_server(b"HTTP/1.1 400 Bad Request\r\nX: \x00\xff\r\n\r\nnonsense");
    let hole = blackhole_server();
    let ex = Exporter::start(
        &config(&format!(
            "  - name: junk\n    port: {garbage}\n  - name: hole\n    port: {hole}\n"
        )),
        &[],
    );
    assert_junk_and_hole_down(&ex, "pg_up");
}

#[test]
fn flapping_keeps_at_most_one_connection() {
    let pg = PrivatePg::new();
    let ex = Exporter::start(
        &config(&format!(
            "  - name: flap\n    port: {}\n    timeout: 5s\n",
            pg.port
        )),
        &[],
    );
    let count = || -> u32 {
        pg.psql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'nexo-exporter'")
            .and_then(|s| s.parse().ok())
            .unwrap_or(u32::MAX)
    };
    let start = Instant::now();
    let (mut ups, mut downs) = (0, 0);
    let mut paused = false;
    for i in 0..1000 {
        if i % 50 == 0 {
            if paused {
                pg.resume();
                // Right after SIGCONT the server may still be finishing sockets the exporter
                // closed while it was stopped; a leak would persist.
                let ok = wait_for(Duration::from_secs(5), || (count() <= 1).then_some(()));
                assert!(
                    ok.is_some(),
                    "more than one exporter connection: {}",
                    count()
                );
            } else {
                pg.pause();
            }
            paused = !paused;
        }
        let (text, took) = scrape_budget(&ex, "/probe?target=flap", "0.8");
        assert!(took < Duration::from_secs(3), "scrape {i} took {took:?}");
        match up(&text) {
            Some(1.0) => ups += 1,
            Some(0.0) => downs += 1,
            other => panic!("pg_up {other:?}"),
        }
        // Paced so the exporter's reconnect backoff (up to 5 s) lets it reconnect within a
        // running window, as it would between real scrapes.
        std::thread::sleep(Duration::from_millis(10));
    }
    pg.resume();
    let back = wait_for(Duration::from_secs(20), || {
        let (t, _) = scrape_budget(&ex, "/probe?target=flap", "3");
        (up(&t) == Some(1.0)).then_some(())
    });
    assert!(back.is_some());
    let ok = wait_for(Duration::from_secs(5), || (count() == 1).then_some(()));
    assert!(ok.is_some(), "exporter connections at the end: {}", count());
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
fn agrees_with_postgres_exporter() {
    let bin = "/usr/bin/prometheus-postgres-exporter";
    require_file(bin);
    let db = TempDb::new();
    let s = Sessions::open(
        &format!("host=127.0.0.1 port=5432 user=postgres dbname={}", db.0),
        3,
        &unique("nexo-t-cmp"),
    );
    s.begin(2);
    let port = free_port();
    let theirs = Guard(
        std::process::Command::new(bin)
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .env(
                "DATA_SOURCE_NAME",
                "postgresql://postgres@127.0.0.1:5432/postgres?sslmode=disable",
            )
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    assert!(
        wait_for(Duration::from_secs(10), || port_open(&addr.to_string())
            .then_some(()))
        .is_some()
    );
    // Warm both up (postgres_exporter connects and reads the server version on first use).
    let warm = wait_for(Duration::from_secs(10), || {
        let t = http(addr, "GET", "/metrics", &[]).ok()?.text();
        (sample(&t, "pg_up", &[]) == Some(1.0)).then_some(())
    });
    assert!(warm.is_some(), "postgres_exporter never reported pg_up 1");
    let ex = Exporter::start(&config("  - name: main\n"), &[]);
    let _ = ex.scrape();
    let ours = ex.scrape();
    let theirs_text = http(addr, "GET", "/metrics", &[]).unwrap().text();
    drop(theirs);
    let mine = |t: &str| -> String {
        t.lines()
            .filter(|l| l.contains(&db.0))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(sample(&theirs_text, "pg_up", &[]), Some(1.0));
    // postgres_exporter 0.11 sometimes leaves a series out when other tests create and drop
    // databases at the same time (client_golang drops what it considers duplicates), so
    // compare every series it does report, and require most of them.
    let mut compared = 0;
    for state in STATES {
        let l = [("datname", db.0.as_str()), ("state", state)];
        let Some(theirs_v) = sample(&theirs_text, "pg_stat_activity_count", &l) else {
            continue;
        };
        compared += 1;
        assert_eq!(
            sample(&ours, "pg_stat_activity_count", &l),
            Some(theirs_v),
            "state {state}\nours:\n{}\ntheirs:\n{}",
            mine(&ours),
            mine(&theirs_text)
        );
    }
    assert!(
        compared >= 4,
        "postgres_exporter reported {compared} of 6 states"
    );
    assert_eq!(
        sample(
            &ours,
            "pg_stat_activity_count",
            &[("datname", db.0.as_str()), ("state", "idle")]
        ),
        Some(2.0)
    );
    for m in [
        "pg_settings_max_connections",
        "pg_settings_superuser_reserved_connections",
        "pg_settings_max_locks_per_transaction",
        "pg_settings_autovacuum_vacuum_scale_factor",
        "pg_settings_autovacuum_vacuum_threshold",
    ] {
        assert_eq!(sample(&ours, m, &[]), sample(&theirs_text, m, &[]), "{m}");
    }
    // The statistics families postgres_exporter 0.11 serves by default: same label names
    // (but `server`), and the test database's backends counted alike.
    let dbl = [("datname", db.0.as_str())];
    assert_eq!(
        sample(&ours, "pg_stat_database_numbackends", &dbl),
        Some(3.0)
    );
    assert_eq!(
        sample(&ours, "pg_stat_database_numbackends", &dbl),
        sample(&theirs_text, "pg_stat_database_numbackends", &dbl)
    );
    for name in [
        "pg_stat_database_numbackends",
        "pg_stat_database_tup_fetched",
        "pg_stat_database_xact_commit",
        "pg_stat_database_deadlocks",
        "pg_stat_database_blks_hit",
        "pg_locks_count",
    ] {
        // 0.11's legacy builtin queries add `server` (host:port); its later collectors, whose
        // names we follow, do not.
        let names = |t: &str| -> std::collections::BTreeSet<String> {
            samples(t, name)
                .into_iter()
                .flat_map(|(l, _)| l.into_iter().map(|(k, _)| k))
                .filter(|k| k != "server")
                .collect()
        };
        assert!(!names(&ours).is_empty(), "{name} missing");
        assert_eq!(names(&ours), names(&theirs_text), "label names of {name}");
    }
    assert_eq!(
        sample(
            &ours,
            "pg_locks_count",
            &[("datname", db.0.as_str()), ("mode", "accessexclusivelock")]
        ),
        Some(0.0)
    );
    assert_eq!(
        sample(&ours, "pg_exporter_last_scrape_error", &[]),
        Some(0.0)
    );
    drop(s);
}

/// Runs `sql` with psql as `postgres` in database `db` of the shared server.
fn psql_in(db: &str, sql: &str) -> Option<String> {
    let out = std::process::Command::new("psql")
        .args([
            "-X",
            "-At",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            "127.0.0.1",
            "-p",
            "5432",
        ])
        .args(["-U", "postgres", "-d", db, "-c", sql])
        .stdin(std::process::Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[test]
fn statistics_families_of_the_connected_database() {
    let db = TempDb::new();
    let dsn = format!("host=127.0.0.1 port=5432 user=postgres dbname={}", db.0);
    psql_in(
        &db.0,
        "CREATE TABLE big (i int); INSERT INTO big SELECT generate_series(1, 10); \
         DELETE FROM big WHERE i <= 3; CREATE TABLE small (i int); INSERT INTO small VALUES (1);",
    )
    .unwrap();
    let app = unique("nexo-t-app");
    let ex = Exporter::start(
        &config(&format!(
            "  - name: main\n    dbname: {}\n    max_tables: 1\n",
            db.0
        )),
        &[],
    );
    let s = Sessions::open(&dsn, 1, &app);
    // Table statistics reach the views within about a second.
    let t = [("relname", "big"), ("schemaname", "public")];
    let body = wait_for(Duration::from_secs(20), || {
        let b = ex.scrape();
        (sample(&b, "pg_stat_user_tables_n_live_tup", &t) == Some(7.0)
            && sample(&b, "pg_stat_user_tables_n_dead_tup", &t) == Some(3.0)
            && sample(
                &b,
                "pg_stat_activity_application_count",
                &[("application_name", &app)],
            ) == Some(1.0))
        .then_some(b)
    })
    .unwrap_or_else(|| panic!("never saw the table figures:\n{}", ex.scrape()));
    assert_eq!(
        sample(
            &body,
            "pg_stat_user_tables_n_tup_ins",
            &[("relname", "big"), ("datname", &db.0)]
        ),
        Some(10.0)
    );
    // max_tables 1: the larger table only, the other counted as dropped.
    assert!(
        sample(
            &body,
            "pg_stat_user_tables_n_live_tup",
            &[("relname", "small")]
        )
        .is_none()
    );
    assert_eq!(
        sample(&body, "nexo_exporter_pg_stat_user_tables_dropped", &[]),
        Some(1.0)
    );
    assert_eq!(sample(&body, "pg_replication_is_replica", &[]), Some(0.0));
    let start: f64 = shared_psql("SELECT extract(epoch FROM pg_postmaster_start_time())")
        .trim()
        .parse()
        .unwrap();
    let ours = sample(&body, "pg_postmaster_start_time_seconds", &[]).unwrap();
    assert!((ours - start).abs() < 0.001, "{ours} vs {start}");
    assert!(sample(&body, "pg_stat_bgwriter_buffers_alloc_total", &[]).is_some());
    assert_eq!(
        sample(&body, "pg_exporter_last_scrape_error", &[]),
        Some(0.0)
    );
    let locks: f64 = shared_psql("SELECT current_setting('max_locks_per_transaction')")
        .trim()
        .parse()
        .unwrap();
    assert_eq!(
        sample(&body, "pg_settings_max_locks_per_transaction", &[]),
        Some(locks)
    );
    // The statistics run as statements prepared on the exporter's connection (its backend's
    // last query, in this test's own database).
    ex.scrape();
    let last = shared_psql(&format!(
        "SELECT query FROM pg_stat_activity WHERE datname = '{}' \
         AND application_name = 'nexo-exporter'",
        db.0
    ));
    assert!(
        last.contains("EXECUTE nexo_exporter_stats_0") && !last.contains("pg_stat_database"),
        "{last}"
    );
    // The application's connection goes away: it is reported with 0, not dropped.
    drop(s);
    let gone = wait_for(Duration::from_secs(10), || {
        let b = ex.scrape();
        (sample(
            &b,
            "pg_stat_activity_application_count",
            &[("application_name", &app)],
        ) == Some(0.0))
        .then_some(())
    });
    assert!(gone.is_some(), "{}", ex.scrape());
}

#[test]
fn tls_sslmodes_against_a_private_cluster() {
    let pg = PrivatePg::with_tls();
    let plain = PrivatePg::new();
    let ca = "/etc/ssl/certs/ssl-cert-snakeoil.pem";
    let p = pg.port;
    let ex = Exporter::start(
        &config(&format!(
            "  - name: req\n    port: {p}\n    sslmode: require\n\
             \x20 - name: ca\n    port: {p}\n    sslmode: verify-ca\n    sslrootcert: {ca}\n\
             \x20 - name: full-ok\n    host: localhost\n    port: {p}\n    sslmode: verify-full\n    sslrootcert: {ca}\n\
             \x20 - name: full-ip\n    port: {p}\n    sslmode: verify-full\n    sslrootcert: {ca}\n\
             \x20 - name: dsn\n    dsn: \"postgresql://postgres@localhost:{p}/postgres?sslmode=verify-full&sslrootcert={ca}\"\n\
             \x20 - name: no-tls-server\n    port: {}\n    sslmode: require\n\
             \x20 - name: prefer-plain\n    port: {}\n    sslmode: prefer\n",
            plain.port, plain.port
        )),
        &[],
    );
    let expect = [
        ("req", 1.0),
        ("ca", 1.0),
        ("full-ok", 1.0),
        ("full-ip", 0.0),
        ("dsn", 1.0),
        ("no-tls-server", 0.0),
        ("prefer-plain", 1.0),
    ];
    for (target, want) in expect {
        let (text, _) = scrape_budget(&ex, &format!("/probe?target={target}"), "3");
        assert_eq!(up(&text), Some(want), "{target}: {}", ex.log());
    }
    // The exporter's sessions on the TLS cluster really use TLS.
    let ssl = pg
        .psql(
            "SELECT string_agg(s.ssl::text, ',') FROM pg_stat_ssl s JOIN pg_stat_activity a \
             USING (pid) WHERE a.application_name = 'nexo-exporter'",
        )
        .unwrap();
    assert!(!ssl.is_empty() && !ssl.contains("false"), "ssl: {ssl}");
}
