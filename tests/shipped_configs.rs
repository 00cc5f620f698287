//! Every exporter configuration we ship runs for real: `deploy/nexo-exporter.yml`, the two files
//! of the ConfigMap in `deploy/kubernetes/config.yaml` and every exporter configuration example
//! (a ```yaml block) in `docs/*.md` are loaded, unchanged, by the real binary and every probe they
//! configure reports up.
//!
//! Nothing in the files is rewritten. The exporter runs in a private mount namespace
//! (`unshare --mount`) where:
//! - `/etc/hosts` maps the host names the files use to loopback addresses, where the test runs
//!   what the names stand for: `postgres`/`replica` → 127.0.0.2:5432, a private PostgreSQL
//!   cluster (TLS with a test CA whose certificate names `postgres` and `replica`, so
//!   `sslmode: verify-full` is really verified; the roles the files name, scram passwords);
//!   `redis` → 127.0.0.3:6379, a private redis-server (with the docs' minimal ACL user);
//!   `rabbitmq`/`rabbitmq-events` → 127.0.0.1, the local broker (5672, plugin 15692, management
//!   15672; the docs' `nexo-monitor` user is created with the docs' own commands and deleted
//!   afterwards); the NEXO services → 127.0.1.x, health endpoints served by this test;
//! - the secret and CA files the configurations name (`/run/secrets/...`,
//!   `/etc/ssl/certs/db-ca.pem`) are on a tmpfs only that namespace sees;
//! - the host's `/` is bind-mounted read-only at `/host`, as the compose file does.
//!
//! Environment variables are the ones the deployment sets (read from the compose file and the
//! Kubernetes Deployment). Also here: `check-config` rejects a RabbitMQ URL that is an endpoint.

mod common;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::root;
use common::standins::{
    HEALTH_ADDRS, Health, PG_PASSWORD, Postgres, REDIS_MONITOR_PASSWORD, hosts_file, make_pki,
    redis,
};
use common::{Guard, free_port, http, sample, samples, wait_for};
use serde_json::Value;

const RABBIT_MONITOR_PASSWORD: &str = "rabbit-monitor-pw";

/// Content of every secret or CA file a shipped configuration names, by path.
fn files(ca_pem: &str) -> Vec<(&'static str, String)> {
    vec![
        ("/run/secrets/pg_password", String::new()), // postgres on 127.0.0.1: trust auth
        ("/run/secrets/pg_monitor_password", PG_PASSWORD.into()),
        ("/run/secrets/redis_password", REDIS_MONITOR_PASSWORD.into()),
        (
            "/run/secrets/rabbitmq_password",
            RABBIT_MONITOR_PASSWORD.into(),
        ),
        ("/run/secrets/rabbitmq_events_password", "guest".into()),
        ("/etc/ssl/certs/db-ca.pem", ca_pem.into()),
    ]
}

/// The broker user of docs/rabbitmq.md, made with its commands; deleted on drop.
struct RabbitUser;

impl RabbitUser {
    fn create() -> RabbitUser {
        let ctl = |args: &[&str]| {
            let out = Command::new("rabbitmqctl")
                .args(args)
                .stdin(Stdio::null())
                .output()
                .expect("rabbitmqctl");
            assert!(out.status.success(), "rabbitmqctl {args:?}: {out:?}");
        };
        let _ = Command::new("rabbitmqctl")
            .args(["delete_user", "nexo-monitor"])
            .output();
        ctl(&["add_user", "nexo-monitor", RABBIT_MONITOR_PASSWORD]);
        ctl(&[
            "set_permissions",
            "-p",
            "/",
            "nexo-monitor",
            "^$",
            "^$",
            "^$",
        ]);
        ctl(&["set_user_tags", "nexo-monitor", "monitoring"]);
        RabbitUser
    }
}

impl Drop for RabbitUser {
    fn drop(&mut self) {
        let _ = Command::new("rabbitmqctl")
            .args(["delete_user", "nexo-monitor"])
            .output();
    }
}

// ------------------------------------------------------------------------------ the exporter

/// The exporter in a private mount namespace (hosts file, secret files, `/host`); killed on drop.
struct Exporter {
    _guard: Guard,
    addr: SocketAddr,
    log: PathBuf,
}

impl Exporter {
    fn start(work: &Path, config: &Path, args: &[&str], env: &[(String, String)]) -> Exporter {
        let port = free_port();
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let log = work.join(format!("exporter-{port}.log"));
        // Each directory holding a named file gets a namespace-only tmpfs filled from work/files.
        let mut script = String::from("mount --bind \"$W/hosts\" /etc/hosts\n");
        script.push_str("mount --rbind / /host && mount -o remount,bind,ro /host\n");
        let mut dirs: Vec<&str> = files("")
            .into_iter()
            .map(|(p, _)| Path::new(p).parent().unwrap().to_str().unwrap())
            .collect();
        dirs.sort();
        dirs.dedup();
        for d in dirs {
            script.push_str(&format!(
                "mount -t tmpfs -o size=1m nexo-test {d}\ncp -a \"$W/files{d}/.\" {d}/\n"
            ));
        }
        script.push_str("exec \"$@\"\n");
        let mut cmd = Command::new("unshare");
        cmd.args(["--mount", "--propagation", "private", "--", "sh", "-ec"])
            .arg(&script)
            .arg("sh")
            .arg(common::exporter_bin())
            .arg(format!("--web.listen-address={addr}"))
            .arg(format!("--config.file={}", config.display()))
            .args(args)
            .env("W", work)
            .env_remove("DOCKER_HOST")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(std::fs::File::create(&log).unwrap()));
        for (k, v) in env {
            cmd.env(k, v);
        }
        let ex = Exporter {
            _guard: Guard(cmd.spawn().expect("unshare")),
            addr,
            log,
        };
        let up = wait_for(Duration::from_secs(20), || {
            http(ex.addr, "GET", "/-/healthy", &[])
                .ok()
                .filter(|r| r.status == 200)
        });
        assert!(up.is_some(), "exporter did not start:\n{}", ex.log());
        ex
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn get(&self, path: &str) -> String {
        let r = http(self.addr, "GET", path, &[]).expect("scrape");
        assert_eq!(r.status, 200, "{path}: {}", r.text());
        r.text()
    }
}

// ------------------------------------------------------------------------------ the configurations

/// One configuration to run: where it comes from, its text and the environment it runs with.
struct Shipped {
    origin: String,
    text: String,
    args: Vec<String>,
    env: Vec<(String, String)>,
}

/// The top-level keys of an exporter configuration.
const EXPORTER_KEYS: &[&str] = &[
    "global", "host", "postgres", "redis", "rabbitmq", "docker", "services",
];

/// Every ```yaml block of docs/*.md: (file:line, text).
fn doc_yaml_blocks() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    docs.sort();
    for p in docs {
        let text = std::fs::read_to_string(&p).unwrap();
        let name = format!("docs/{}", p.file_name().unwrap().to_string_lossy());
        let mut block: Option<(usize, String)> = None;
        for (i, line) in text.lines().enumerate() {
            match &mut block {
                None if line.trim_start().starts_with("```yaml")
                    || line.trim_start().starts_with("```yml") =>
                {
                    block = Some((i + 1, String::new()))
                }
                Some((start, body)) if line.trim_start().starts_with("```") => {
                    out.push((format!("{name}:{start}"), std::mem::take(body)));
                    block = None;
                }
                Some((_, body)) => {
                    body.push_str(line);
                    body.push('\n');
                }
                None => {}
            }
        }
    }
    out
}

fn yaml(text: &str) -> Value {
    let v: serde_norway::Value = serde_norway::from_str(text).unwrap();
    serde_json::to_value(v).unwrap()
}

/// What a YAML block of the docs is, when it is not an exporter configuration.
fn other_kind(v: &Value) -> Option<&'static str> {
    let keys: Vec<&str> = v
        .as_object()
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default();
    if keys.contains(&"scrape_configs") {
        Some("Prometheus configuration (checked by promtool in tests/deploy.rs)")
    } else if keys.contains(&"services") && v["services"].is_object() {
        Some("compose snippet")
    } else if keys.iter().any(|k| {
        [
            "tls_server_config",
            "basic_auth_users",
            "http_server_config",
        ]
        .contains(k)
    }) {
        Some("web configuration (run by tests/deploy.rs healthcheck tests)")
    } else {
        None
    }
}

/// `${VAR:-default}` → default (the compose file's fallbacks, as `docker compose` applies them
/// with the variable unset).
fn compose_default(s: &str) -> String {
    let mut out = s.to_string();
    while let Some(i) = out.find("${") {
        let end = i + out[i..].find('}').unwrap();
        let inner = &out[i + 2..end];
        let def = inner.split_once(":-").map(|(_, d)| d).unwrap_or("");
        out = format!("{}{def}{}", &out[..i], &out[end + 1..]);
    }
    out
}

fn shipped(tmp: &Path) -> Vec<Shipped> {
    let mut out = Vec::new();
    // deploy/nexo-exporter.yml with the compose service's command line and environment.
    let compose = yaml(&std::fs::read_to_string(root().join("deploy/docker-compose.yml")).unwrap());
    let svc = &compose["services"]["nexo-exporter"];
    let env: Vec<(String, String)> = svc["environment"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), compose_default(v.as_str().unwrap())))
        .collect();
    let args: Vec<String> = svc["command"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_string())
        .filter(|a| !a.starts_with("--config.file"))
        .collect();
    out.push(Shipped {
        origin: "deploy/nexo-exporter.yml (compose command and environment)".into(),
        text: std::fs::read_to_string(root().join("deploy/nexo-exporter.yml")).unwrap(),
        args,
        env,
    });
    // The ConfigMap's files, with the Deployment's secret environment (the values the operator
    // put in the nexo-exporter-credentials Secret).
    let cm = yaml(&std::fs::read_to_string(root().join("deploy/kubernetes/config.yaml")).unwrap());
    let secrets = [
        ("postgres-password", PG_PASSWORD),
        ("rabbitmq-password", "guest"),
    ];
    let dep =
        yaml(&std::fs::read_to_string(root().join("deploy/kubernetes/deployment.yaml")).unwrap());
    let kenv: Vec<(String, String)> = dep["spec"]["template"]["spec"]["containers"][0]["env"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let key = e["valueFrom"]["secretKeyRef"]["key"].as_str().unwrap();
            let v = secrets.iter().find(|(k, _)| *k == key).unwrap().1;
            (e["name"].as_str().unwrap().to_string(), v.to_string())
        })
        .collect();
    for (name, text) in cm["data"].as_object().unwrap() {
        out.push(Shipped {
            origin: format!("deploy/kubernetes/config.yaml {name}"),
            text: text.as_str().unwrap().to_string(),
            // The DaemonSet mounts the node's / at /host (node.yml's rootfs).
            args: vec![],
            env: if name == "deps.yml" {
                kenv.clone()
            } else {
                vec![]
            },
        });
    }
    // Every exporter configuration in the docs.
    let mut skipped = Vec::new();
    for (origin, text) in doc_yaml_blocks() {
        let v = yaml(&text);
        if let Some(kind) = other_kind(&v) {
            skipped.push(format!("{origin}: {kind}"));
            continue;
        }
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert!(
            keys.iter().all(|k| EXPORTER_KEYS.contains(&k.as_str())),
            "{origin}: a YAML block that is neither an exporter configuration nor a known other kind: {keys:?}"
        );
        out.push(Shipped {
            origin,
            text,
            args: vec![],
            env: vec![],
        });
    }
    println!("not exporter configurations:\n  {}", skipped.join("\n  "));
    let _ = tmp;
    out
}

/// Every probe's `*_up` and `probe_success` sample of a scrape, and every target's own
/// success. `node_network_up` is a host fact (an interface's operstate), not a probe's outcome.
fn failures(text: &str) -> Vec<String> {
    let mut bad = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let name = line.split(['{', ' ']).next().unwrap_or("");
        let probe_up = name.ends_with("_up") && name != "node_network_up";
        if probe_up || name == "probe_success" || name == "nexo_exporter_probe_success" {
            let v: f64 = line
                .rsplit(' ')
                .next()
                .and_then(|v| v.parse().ok())
                .unwrap_or(f64::NAN);
            if v != 1.0 {
                bad.push(line.to_string());
            }
        }
    }
    bad
}

#[test]
fn every_shipped_configuration_probes_everything_up() {
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    make_pki(w);
    let ca = std::fs::read_to_string(w.join("ca.pem")).unwrap();
    for (p, content) in files(&ca) {
        let f = w.join(format!("files{p}"));
        std::fs::create_dir_all(f.parent().unwrap()).unwrap();
        std::fs::write(f, content).unwrap();
    }
    std::fs::write(w.join("hosts"), hosts_file()).unwrap();
    // Mount points the namespace needs that the host lacks (/run/secrets, /host): created
    // empty, removed at the end (on the host they are plain empty directories).
    let made: Vec<&str> = ["/run/secrets", "/host"]
        .into_iter()
        .filter(|d| std::fs::create_dir(d).is_ok())
        .collect();
    struct Rmdirs(Vec<&'static str>);
    impl Drop for Rmdirs {
        fn drop(&mut self) {
            for d in &self.0 {
                let _ = std::fs::remove_dir(d);
            }
        }
    }
    let _rmdirs = Rmdirs(made);

    let _pg = Postgres::start(w);
    let _redis = redis();
    let _rabbit = RabbitUser::create();
    let _health = Health::serve(HEALTH_ADDRS);

    let configs = shipped(w);
    assert!(configs.len() >= 10, "{}", configs.len());
    let mut report = Vec::new();
    let mut errors = Vec::new();
    for (i, c) in configs.iter().enumerate() {
        let file = w.join(format!("config-{i}.yml"));
        std::fs::write(&file, &c.text).unwrap();
        let args: Vec<&str> = c.args.iter().map(String::as_str).collect();
        let ex = Exporter::start(w, &file, &args, &c.env);
        // Targets beyond the first of a kind are served on /probe?target=NAME.
        let v = yaml(&c.text);
        let mut pages = vec!["/metrics".to_string()];
        for kind in ["postgres", "redis", "rabbitmq", "services"] {
            for t in v[kind].as_array().into_iter().flatten().skip(1) {
                if let Some(n) = t["name"].as_str() {
                    pages.push(format!("/probe?target={n}"));
                }
            }
        }
        let mut ups: BTreeMap<String, f64> = BTreeMap::new();
        let mut bad = Vec::new();
        // The first scrape may race a connection being set up: a few tries, then judge.
        for page in &pages {
            let text = wait_for(Duration::from_secs(20), || {
                let t = ex.get(page);
                failures(&t).is_empty().then_some(t)
            })
            .unwrap_or_else(|| ex.get(page));
            bad.extend(failures(&text).into_iter().map(|l| format!("{page}: {l}")));
            for m in [
                "pg_up",
                "redis_up",
                "rabbitmq_up",
                "nexo_exporter_docker_up",
            ] {
                if let Some(x) = sample(&text, m, &[]) {
                    ups.insert(
                        format!(
                            "{m}{}",
                            if page == "/metrics" {
                                String::new()
                            } else {
                                format!(" ({page})")
                            }
                        ),
                        x,
                    );
                }
            }
            for (labels, x) in samples(&text, "probe_success") {
                let svc = labels.iter().find(|(k, _)| k == "service");
                if let Some((_, svc)) = svc {
                    ups.insert(format!("probe_success{{service={svc}}}"), x);
                }
            }
        }
        if !bad.is_empty() {
            errors.push(format!(
                "{}:\n  {}\n  log:\n{}",
                c.origin,
                bad.join("\n  "),
                ex.log()
            ));
        }
        report.push(format!("{}: {ups:?}", c.origin));
        drop(ex);
    }
    println!("{}", report.join("\n"));
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    // The acceptance figures: the shipped compose configuration reports all three up.
    assert!(
        report[0].contains("\"pg_up\": 1.0")
            && report[0].contains("\"redis_up\": 1.0")
            && report[0].contains("\"rabbitmq_up\": 1.0"),
        "{}",
        report[0]
    );
}

#[test]
fn check_config_rejects_a_rabbitmq_endpoint_url_and_shows_the_base_address() {
    let tmp = tempfile::tempdir().unwrap();
    for (key, url, want) in [
        (
            "prometheus_url",
            "http://rabbitmq:15692/metrics",
            "the probe appends /metrics/detailed itself; write http://rabbitmq:15692",
        ),
        (
            "management_url",
            "http://rabbitmq:15672/api/",
            "the probe appends /api/queues itself; write http://rabbitmq:15672",
        ),
    ] {
        let f = tmp.path().join("c.yml");
        std::fs::write(
            &f,
            format!("rabbitmq:\n  - name: mq\n    amqp_url: amqp://rabbitmq:5672/%2f\n    {key}: {url}\n"),
        )
        .unwrap();
        let out = Command::new(common::exporter_bin())
            .arg("check-config")
            .arg(&f)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.starts_with(&format!("{}:4:5: key rabbitmq[0].{key}: ", f.display()))
                && err.trim_end().ends_with(want),
            "{err}"
        );
        // The base address is accepted.
        std::fs::write(
            &f,
            format!(
                "rabbitmq:\n  - name: mq\n    {key}: {}\n",
                want.rsplit(' ').next().unwrap()
            ),
        )
        .unwrap();
        let out = Command::new(common::exporter_bin())
            .arg("check-config")
            .arg(&f)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
    }
}
