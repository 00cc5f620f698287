//! Secrets never leave the process: passwords given in the config file, in `NEXO_EXPORTER_...`
//! environment variables, through `*_file` and in URLs do not appear in logs (debug and info,
//! logfmt and JSON), `/metrics`, `/probe`, the landing page, `check-config` output, reload
//! answers or error messages. Every target points at a closed port so each probe fails and
//! logs its error.

mod common;

use common::*;
use std::process::Command;
use std::time::Duration;

/// Postgres password, in the config file.
const S_CFG: &str = "CfgPw-7fQz19xLm";
/// Redis password, from NEXO_EXPORTER_REDIS_0_PASSWORD.
const S_ENV: &str = "EnvPw-Kd82mQ0vz";
/// RabbitMQ password, from password_file.
const S_FILE: &str = "FilePw-Yt4n7WcQ";
/// Second Redis target's password, in the URL's user info.
const S_URL: &str = "UrlPw-Hs93kLq2b";
/// Postgres DSN password (second target).
const S_DSN: &str = "DsnPw-Pw61cVb8e";
/// Basic-auth password the client sends.
const S_AUTH: &str = "AuthPw-Bq73nZx1";

const ALL: [&str; 6] = [S_CFG, S_ENV, S_FILE, S_URL, S_DSN, S_AUTH];

fn assert_clean(what: &str, text: &str) {
    for s in ALL {
        assert!(!text.contains(s), "secret {s} found in {what}:\n{text}");
    }
}

fn config(dir: &std::path::Path) -> String {
    let pw_file = dir.join("rabbit-pw");
    std::fs::write(&pw_file, format!("{S_FILE}\n")).unwrap();
    let (p1, p2, p3, p4, p5) = (
        free_port(),
        free_port(),
        free_port(),
        free_port(),
        free_port(),
    );
    format!(
        r#"global:
  timeout: 2s
docker:
  enabled: false
postgres:
  - name: pg
    host: 127.0.0.1
    port: {p1}
    user: nexo_secret_test
    password: {S_CFG}
  - name: pg-dsn
    dsn: "host=127.0.0.1 port={p5} user=nexo password={S_DSN} dbname=postgres"
redis:
  - name: cache
    url: redis://127.0.0.1:{p2}
  - name: cache-url
    url: redis://:{S_URL}@127.0.0.1:{p3}
rabbitmq:
  - name: mq
    amqp_url: amqp://127.0.0.1:{p4}
    prometheus_url: http://127.0.0.1:{p4}
    management_url: http://127.0.0.1:{p4}
    username: guest
    password_file: {}
"#,
        pw_file.display()
    )
}

#[test]
fn secrets_stay_out_of_every_output() {
    for level in ["debug", "info"] {
        for format in ["logfmt", "json"] {
            let dir = tempfile::tempdir().unwrap();
            let cfg = config(dir.path());
            let ex = Exporter::start_with_env(
                &cfg,
                &["--log.level", level, "--log.format", format],
                &[("NEXO_EXPORTER_REDIS_0_PASSWORD", S_ENV)],
            );
            // The basic-auth password is checked in `basic_auth_password_never_logged`.
            let mut outputs = vec![];
            for path in [
                "/metrics",
                "/",
                "/probe?target=pg",
                "/probe?target=pg-dsn",
                "/probe?target=cache",
                "/probe?target=cache-url",
                "/probe?target=mq",
                "/probe?target=nope",
                "/-/healthy",
            ] {
                let r = ex.get(path, &[]);
                outputs.push((format!("{level}/{format} {path}"), r.text()));
            }
            // Twice, so "still failing" debug lines are logged too.
            let _ = ex.scrape();
            // A reload with a broken file holding the secrets.
            let cfg_path = ex.dir.path().join("config.yml");
            std::fs::write(
                &cfg_path,
                format!("{cfg}  - name: broken\n    password: {S_CFG}\n    url: \"redis://:{S_URL}@127.0.0.1:notaport\"\n"),
            )
            .unwrap();
            let r = http(ex.addr, "POST", "/-/reload", &[("Content-Length", "0")]).unwrap();
            assert_eq!(r.status, 400, "{}", r.text());
            outputs.push((format!("{level}/{format} reload"), r.text()));
            std::fs::write(&cfg_path, &cfg).unwrap();
            signal(ex.pid(), "HUP");
            std::thread::sleep(Duration::from_millis(500));
            let _ = ex.scrape();
            for (what, text) in &outputs {
                assert_clean(what, text);
            }
            let log = ex.log();
            assert!(
                log.contains("probe failed"),
                "no probe error logged:\n{log}"
            );
            assert_clean(&format!("{level}/{format} log"), &log);
        }
    }
}

const HOST_CFG: &str = "postgres: []\nredis: []\nrabbitmq: []\ndocker:\n  enabled: false\n";

#[test]
fn basic_auth_password_never_logged() {
    let dir = tempfile::tempdir().unwrap();
    let hash = bcrypt::hash(S_AUTH, 4).unwrap();
    let web = dir.path().join("web.yml");
    std::fs::write(&web, format!("basic_auth_users:\n  prom: {hash}\n")).unwrap();
    let cfg = dir.path().join("config.yml");
    std::fs::write(&cfg, HOST_CFG).unwrap();
    let port = free_port();
    let log = dir.path().join("log");
    let child = Command::new(exporter_bin())
        .args(["--web.listen-address", &format!("127.0.0.1:{port}")])
        .arg("--config.file")
        .arg(&cfg)
        .arg("--web.config.file")
        .arg(&web)
        .args(["--log.level", "debug"])
        .stderr(std::fs::File::create(&log).unwrap())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let _g = Guard(child);
    let addr = format!("127.0.0.1:{port}").parse().unwrap();
    assert!(
        wait_for(Duration::from_secs(10), || port_open(&format!(
            "127.0.0.1:{port}"
        ))
        .then_some(()))
        .is_some()
    );
    use base64::Engine as _;
    let good = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("prom:{S_AUTH}"))
    );
    let bad = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("prom:{S_AUTH}x"))
    );
    let r = http(addr, "GET", "/metrics", &[("Authorization", &good)]).unwrap();
    assert_eq!(r.status, 200);
    let r = http(addr, "GET", "/metrics", &[("Authorization", &bad)]).unwrap();
    assert_eq!(r.status, 401);
    assert_clean("401 body", &r.text());
    // Break the web config with the password in it: the logged error must not echo it.
    std::fs::write(&web, format!("basic_auth_users:\n  prom: {S_AUTH}\n")).unwrap();
    std::thread::sleep(Duration::from_millis(2500));
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains("web configuration not reloaded"), "{text}");
    assert_clean("web log", &text);
}

#[test]
fn check_config_and_errors_redact() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path());
    let file = dir.path().join("config.yml");
    std::fs::write(&file, &cfg).unwrap();
    let out = Command::new(exporter_bin())
        .arg("check-config")
        .arg(&file)
        .env("NEXO_EXPORTER_REDIS_0_PASSWORD", S_ENV)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("<secret>"), "{text}");
    assert_clean("check-config", &text);

    // Broken files holding secrets in various places: the errors never echo them.
    let broken = [
        format!("redis:\n  - name: r\n    url: \"redis://:{S_URL}@127.0.0.1:notaport\"\n"),
        format!("redis:\n  - name: r\n    url: \"http://:{S_URL}@127.0.0.1:1\"\n"),
        format!("redis:\n  - name: r\n    url: \"redis://u:{S_URL}@\"\n"),
        format!("postgres:\n  - name: p\n    password: {S_CFG}\n    bogus: 1\n"),
        format!("postgres:\n  - name: p\n    password: [{S_CFG}]\n"),
        format!("postgres:\n  - name: p\n    password: {S_CFG}\n  - name: p\n"),
        format!("postgres:\n  - name: p\n    password: \"{S_CFG}\n"),
        format!("postgres:\n  - name: p\n    dsn: {{ {S_DSN}: 1 }}\n"),
        format!("rabbitmq:\n  - name: m\n    amqp_url: \"amqp://guest:{S_URL}@[::1\"\n"),
    ];
    for text in &broken {
        std::fs::write(&file, text).unwrap();
        let out = Command::new(exporter_bin())
            .arg("check-config")
            .arg(&file)
            .output()
            .unwrap();
        let all = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{text}: {all}");
        assert_clean(&format!("check-config of {text:?}"), &all);
        // The serving path reports the same error the same way.
        let out = Command::new(exporter_bin())
            .args([
                "--web.listen-address",
                &format!("127.0.0.1:{}", free_port()),
            ])
            .arg("--config.file")
            .arg(&file)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert_clean(
            &format!("start-up with {text:?}"),
            &String::from_utf8_lossy(&out.stderr),
        );
    }
    // An environment override with a bad value.
    std::fs::write(&file, HOST_CFG).unwrap();
    let out = Command::new(exporter_bin())
        .arg("check-config")
        .arg(&file)
        .env(
            "NEXO_EXPORTER_REDIS_0_URL",
            format!("redis://:{S_ENV}@h:bad"),
        )
        .env("NEXO_EXPORTER_REDIS_0_PASSWORD", S_ENV)
        .output()
        .unwrap();
    let all =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert_clean("check-config with env", &all);
}
