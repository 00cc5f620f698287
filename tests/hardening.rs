//! Hardening of the HTTP layer, against the real binary: TLS and basic authentication from
//! the web config file, configuration reload, slow and oversized clients, connection caps and
//! scrape floods.

mod common;

use common::*;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Only the host probe: no dependency is needed.
const HOST_ONLY: &str = "postgres: []\nredis: []\nrabbitmq: []\ndocker:\n  enabled: false\n";

/// As [`HOST_ONLY`] without the `redis` key, so a test can append its own list.
const NO_REDIS: &str = "postgres: []\nrabbitmq: []\ndocker:\n  enabled: false\n";

/// An exporter started directly (the shared harness waits for plain HTTP, which a TLS listener
/// refuses). Killed on drop.
struct Raw {
    child: Child,
    addr: SocketAddr,
    log: PathBuf,
}

impl Drop for Raw {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Raw {
    fn start(dir: &Path, config: &str, args: &[&str]) -> Raw {
        let cfg = dir.join("config.yml");
        std::fs::write(&cfg, config).unwrap();
        let addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
        let log = dir.join("exporter.log");
        let child = Command::new(exporter_bin())
            .arg("--web.listen-address")
            .arg(addr.to_string())
            .arg("--config.file")
            .arg(&cfg)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(std::fs::File::create(&log).unwrap()))
            .spawn()
            .unwrap();
        let r = Raw { child, addr, log };
        assert!(
            wait_for(Duration::from_secs(15), || port_open(&addr.to_string())
                .then_some(()))
            .is_some(),
            "exporter did not start: {}",
            r.log()
        );
        r
    }
    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

fn sh(dir: &Path, script: &str) {
    let out = Command::new("sh")
        .arg("-ec")
        .arg(script)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{script}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A CA, a server certificate for 127.0.0.1 and a client certificate, in `dir`.
fn make_pki(dir: &Path) {
    sh(
        dir,
        r#"
ec="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
openssl req -x509 $ec -keyout ca.key -out ca.pem -days 2 -subj /CN=nexo-test-ca 2>/dev/null
openssl req $ec -keyout server.key -out server.csr -subj /CN=localhost 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' > server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile server.ext 2>/dev/null
openssl req $ec -keyout client.key -out client.csr -subj /CN=prometheus 2>/dev/null
printf 'extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n' > client.ext
openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days 2 -extfile client.ext 2>/dev/null
"#,
    );
}

/// `curl` over HTTPS; returns (HTTP status or 0 on transport failure, headers+body).
fn curl(dir: &Path, url: &str, extra: &[&str]) -> (u16, String) {
    let out = Command::new("curl")
        .args(["-sS", "-i", "--max-time", "10", "--cacert"])
        .arg(dir.join("ca.pem"))
        .args(extra)
        .arg(url)
        .current_dir(dir)
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    let status = text
        .lines()
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .filter(|_| out.status.success())
        .unwrap_or(0);
    (status, text)
}

#[test]
fn tls_basic_auth_and_web_config_reload() {
    require("openssl");
    require("curl");
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    make_pki(dir);
    let hash = bcrypt::hash("s3cret-pw", 4).unwrap();
    let web = dir.join("web.yml");
    std::fs::write(
        &web,
        format!(
            "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  min_version: TLS12\nbasic_auth_users:\n  prometheus: {hash}\n"
        ),
    )
    .unwrap();
    let ex = Raw::start(
        dir,
        HOST_ONLY,
        &["--web.config.file", web.to_str().unwrap()],
    );
    let url = format!("https://127.0.0.1:{}/metrics", ex.addr.port());

    let (st, body) = curl(dir, &url, &["-u", "prometheus:s3cret-pw"]);
    assert_eq!(st, 200, "{body}\n{}", ex.log());
    assert!(body.contains("node_load1"));
    // Every path is protected, as in exporter-toolkit.
    for path in ["/metrics", "/", "/-/healthy", "/probe?target=host"] {
        let u = format!("https://127.0.0.1:{}{path}", ex.addr.port());
        let (st, text) = curl(dir, &u, &["-u", "prometheus:wrong"]);
        assert_eq!(st, 401, "{path}: {text}");
        assert!(
            text.to_ascii_lowercase()
                .contains("www-authenticate: basic"),
            "{text}"
        );
        assert_eq!(curl(dir, &u, &[]).0, 401, "{path} without credentials");
    }
    assert_eq!(curl(dir, &url, &["-u", "nobody:s3cret-pw"]).0, 401);
    // Plain HTTP to the TLS listener gets no HTTP answer.
    if let Ok(r) = http(ex.addr, "GET", "/metrics", &[]) {
        panic!("plain HTTP was answered: {} {}", r.status, r.text());
    }
    // TLS 1.1 is refused.
    let (st, _) = curl(
        dir,
        &url,
        &["-u", "prometheus:s3cret-pw", "--tls-max", "1.1"],
    );
    assert_eq!(st, 0);

    // Change the password: the file is re-read without a signal.
    let hash2 = bcrypt::hash("n3w-pw", 4).unwrap();
    std::fs::write(
        &web,
        format!(
            "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\nbasic_auth_users:\n  prometheus: {hash2}\n"
        ),
    )
    .unwrap();
    assert!(
        wait_for(Duration::from_secs(10), || (curl(
            dir,
            &url,
            &["-u", "prometheus:n3w-pw"]
        )
        .0 == 200)
            .then_some(()))
        .is_some(),
        "new password not accepted: {}",
        ex.log()
    );
    assert_eq!(curl(dir, &url, &["-u", "prometheus:s3cret-pw"]).0, 401);

    // A broken file keeps the last good one and says why (file:line:column: key).
    std::fs::write(
        &web,
        "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  bogus_key: 1\n",
    )
    .unwrap();
    let logged = wait_for(Duration::from_secs(10), || {
        ex.log()
            .lines()
            .find(|l| l.contains("bogus_key"))
            .map(String::from)
    })
    .unwrap_or_else(|| panic!("broken web config not logged: {}", ex.log()));
    assert!(logged.contains("web.yml:4:3"), "{logged}");
    assert_eq!(curl(dir, &url, &["-u", "prometheus:n3w-pw"]).0, 200);
    assert_eq!(curl(dir, &url, &["-u", "prometheus:wrong"]).0, 401);
    // SIGHUP with the broken file still in place changes nothing.
    signal(ex.child.id(), "HUP");
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(curl(dir, &url, &["-u", "prometheus:n3w-pw"]).0, 200);
    assert!(!ex.log().contains("s3cret-pw") && !ex.log().contains("n3w-pw"));
}

#[test]
fn mutual_tls() {
    require("openssl");
    require("curl");
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    make_pki(dir);
    let web = dir.join("web.yml");
    std::fs::write(
        &web,
        "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  client_ca_file: ca.pem\n  client_auth_type: RequireAndVerifyClientCert\n  min_version: TLS13\n",
    )
    .unwrap();
    let ex = Raw::start(
        dir,
        HOST_ONLY,
        &["--web.config.file", web.to_str().unwrap()],
    );
    let url = format!("https://127.0.0.1:{}/-/healthy", ex.addr.port());
    let (st, text) = curl(dir, &url, &["--cert", "client.pem", "--key", "client.key"]);
    assert_eq!(st, 200, "{text}\n{}", ex.log());
    assert_eq!(curl(dir, &url, &[]).0, 0, "no client certificate must fail");
    // The server certificate is not a client certificate signed for clientAuth.
    assert_eq!(
        curl(dir, &url, &["--cert", "server.pem", "--key", "server.key"]).0,
        0
    );
}

#[test]
fn web_config_errors_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let cfg = dir.join("config.yml");
    std::fs::write(&cfg, HOST_ONLY).unwrap();
    let cases = [
        (
            "tls_server_config:\n  cert_file: a.pem\n  key_file: a.key\n  cipher_suite: x\n",
            "web.yml:4:3: key tls_server_config",
        ),
        (
            "basic_auth_users:\n  alice: notahash\n",
            "basic_auth_users.alice",
        ),
        (
            "tls_server_config:\n  cert_file: missing.pem\n  key_file: missing.key\n",
            "cannot read",
        ),
        (
            "tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: Maybe\n",
            "client_auth_type",
        ),
    ];
    for (text, want) in cases {
        let web = dir.join("web.yml");
        std::fs::write(&web, text).unwrap();
        let out = Command::new(exporter_bin())
            .args([
                "--web.listen-address",
                &format!("127.0.0.1:{}", free_port()),
            ])
            .arg("--config.file")
            .arg(&cfg)
            .arg("--web.config.file")
            .arg(&web)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{text}: {err}");
        assert!(err.contains(want), "{text}: want {want:?} in {err}");
        assert!(!err.contains("notahash"), "hash echoed: {err}");
    }
}

fn post(addr: SocketAddr, path: &str, body: &[u8]) -> std::io::Result<HttpResponse> {
    let len = body.len().to_string();
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {len}\r\n\r\n"
    )?;
    // The server may answer and close before the whole body is sent.
    let _ = s.write_all(body);
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("no response: {text:?}")))?;
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.as_bytes().to_vec())
        .unwrap_or_default();
    Ok(HttpResponse {
        status,
        headers: vec![],
        body,
    })
}

#[test]
fn config_reload_on_post_and_sighup() {
    let ex = Exporter::start(HOST_ONLY, &[]);
    let cfg = ex.dir.path().join("config.yml");
    assert_eq!(ex.get("/probe?target=extra", &[]).status, 400);
    assert_eq!(ex.get("/-/reload", &[]).status, 405);

    // A valid new file replaces the probes.
    std::fs::write(
        &cfg,
        format!(
            "{NO_REDIS}redis:\n  - name: extra\n    url: redis://127.0.0.1:{}\n    timeout: 1s\n",
            free_port()
        ),
    )
    .unwrap();
    let before = sample(&ex.scrape(), "nexo_exporter_collections_total", &[]).unwrap();
    let r = post(ex.addr, "/-/reload", b"").unwrap();
    assert_eq!(r.status, 200, "{}", r.text());
    let r = ex.get("/probe?target=extra", &[]);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(sample(&r.text(), "redis_up", &[]), Some(0.0));
    // The collection counter carries on across the reload.
    let after = sample(&ex.scrape(), "nexo_exporter_collections_total", &[]).unwrap();
    assert!(after > before, "{after} <= {before}");

    // A broken file keeps the last good config; the error names file:line:column.
    std::fs::write(
        &cfg,
        format!(
            "{NO_REDIS}redis:\n  - name: extra\n    password: Pw-in-broken-file-123\n    bogus: 1\n"
        ),
    )
    .unwrap();
    let r = post(ex.addr, "/-/reload", b"").unwrap();
    assert_eq!(r.status, 400);
    let text = r.text();
    assert!(text.contains("config.yml:8:5"), "{text}");
    assert!(text.contains("bogus"), "{text}");
    assert!(!text.contains("Pw-in-broken-file-123"), "{text}");
    assert_eq!(ex.get("/probe?target=extra", &[]).status, 200);
    assert!(ex.log().contains("configuration not reloaded"));

    // SIGHUP reloads too: back to host only.
    std::fs::write(&cfg, HOST_ONLY).unwrap();
    signal(ex.pid(), "HUP");
    assert!(
        wait_for(Duration::from_secs(10), || (ex
            .get("/probe?target=extra", &[])
            .status
            == 400)
            .then_some(()))
        .is_some(),
        "SIGHUP did not reload: {}",
        ex.log()
    );
    assert!(!ex.log().contains("Pw-in-broken-file-123"));

    // The reload body is capped.
    let r = post(ex.addr, "/-/reload", &vec![b'x'; 64 * 1024]).unwrap();
    assert_eq!(r.status, 413, "{}", r.text());
    let r = post(ex.addr, "/-/reload", &[b'x'; 100]).unwrap();
    assert_eq!(r.status, 200, "{}", r.text());
}

#[test]
fn slowloris_is_disconnected() {
    let ex = Exporter::start(HOST_ONLY, &["--web.header-read-timeout", "2s"]);
    let mut s = TcpStream::connect(ex.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
    let start = Instant::now();
    let req =
        b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";
    let mut closed = false;
    for b in req.iter() {
        if s.write_all(&[*b]).is_err() {
            closed = true;
            break;
        }
        let mut buf = [0u8; 512];
        match s.read(&mut buf) {
            Ok(0) => {
                closed = true;
                break;
            }
            Ok(_) => {
                // hyper may answer 408 before closing.
                closed = true;
                break;
            }
            Err(e)
                if e.kind() == std::io::ErrorKind::WouldBlock
                    || e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(_) => {
                closed = true;
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(950));
        if start.elapsed() > Duration::from_secs(15) {
            break;
        }
    }
    let took = start.elapsed();
    assert!(closed, "slow client still connected after {took:?}");
    assert!(took < Duration::from_secs(6), "closed only after {took:?}");
    // An idle connection (no byte at all) is closed too.
    let mut idle = TcpStream::connect(ex.addr).unwrap();
    idle.set_read_timeout(Some(Duration::from_secs(8))).unwrap();
    let mut buf = [0u8; 64];
    let t = Instant::now();
    let n = idle.read(&mut buf).unwrap_or(0);
    assert!(
        t.elapsed() < Duration::from_secs(7),
        "idle connection kept {n}"
    );
    assert_eq!(ex.get("/-/healthy", &[]).status, 200);
}

#[test]
fn oversized_headers_and_bodies() {
    let ex = Exporter::start(HOST_ONLY, &[]);
    // 100 KB of headers: 431 or a closed connection, never a served request.
    let mut s = TcpStream::connect(ex.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut req = String::from("GET /metrics HTTP/1.1\r\nHost: x\r\n");
    for i in 0..100 {
        req.push_str(&format!("X-Big-{i}: {}\r\n", "a".repeat(1000)));
    }
    req.push_str("\r\n");
    let _ = s.write_all(req.as_bytes());
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf);
    assert!(
        text.is_empty() || text.starts_with("HTTP/1.1 431"),
        "{}",
        &text[..text.len().min(200)]
    );
    // One single 100 KB header line too.
    let mut s = TcpStream::connect(ex.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let req = format!(
        "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "b".repeat(100_000)
    );
    let _ = s.write_all(req.as_bytes());
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf);
    assert!(
        text.is_empty() || text.starts_with("HTTP/1.1 431"),
        "{}",
        &text[..text.len().min(200)]
    );

    // A body on GET is ignored: the request is served, the body never read in full.
    let mut s = TcpStream::connect(ex.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(
        b"GET /-/healthy HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\nsome body bytes",
    )
    .unwrap();
    let mut buf = [0u8; 512];
    let n = s.read(&mut buf).unwrap();
    assert!(
        String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&buf[..n])
    );
    assert_eq!(ex.get("/-/healthy", &[]).status, 200);
}

#[test]
fn connections_beyond_the_cap_wait() {
    let ex = Exporter::start(
        HOST_ONLY,
        &[
            "--web.max-connections",
            "4",
            "--web.header-read-timeout",
            "30s",
        ],
    );
    // Four idle connections take every slot (after the harness's start-up probe closed).
    std::thread::sleep(Duration::from_millis(300));
    let held: Vec<TcpStream> = (0..4)
        .map(|_| TcpStream::connect(ex.addr).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let addr = ex.addr;
    let waiting = std::thread::spawn(move || http(addr, "GET", "/-/healthy", &[]));
    std::thread::sleep(Duration::from_secs(2));
    assert!(
        !waiting.is_finished(),
        "a fifth connection was served while four were open"
    );
    drop(held);
    let r = waiting.join().unwrap().expect("served once a slot freed");
    assert_eq!(r.status, 200);
    // Many more clients than slots: all are served eventually, the exporter stays up.
    let threads: Vec<_> = (0..40)
        .map(|_| std::thread::spawn(move || http(addr, "GET", "/metrics", &[]).map(|r| r.status)))
        .collect();
    for t in threads {
        let st = t.join().unwrap().unwrap();
        assert!(st == 200 || st == 503, "{st}");
    }
    assert_eq!(ex.get("/-/healthy", &[]).status, 200);
}

fn vm_rss_kib(pid: u32) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    s.lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap()
}

#[test]
fn scrape_flood_shares_collections_and_memory_stays_bounded() {
    // A Redis target that never answers makes each collection last its full timeout, so
    // simultaneous scrapes overlap and must share it.
    let hole = blackhole_server();
    let cfg = format!(
        "postgres: []\nrabbitmq: []\ndocker:\n  enabled: false\nredis:\n  - name: hung\n    url: redis://127.0.0.1:{hole}\n    timeout: 2s\n"
    );
    let ex = Exporter::start(&cfg, &["--web.max-requests", "1000"]);
    let before = sample(&ex.scrape(), "nexo_exporter_collections_total", &[]).unwrap();
    let addr = ex.addr;
    let mut ok = 0;
    for _round in 0..3 {
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(200));
        let threads: Vec<_> = (0..200)
            .map(|_| {
                let b = std::sync::Arc::clone(&barrier);
                std::thread::spawn(move || {
                    b.wait();
                    http(addr, "GET", "/metrics", &[("Accept-Encoding", "gzip")]).map(|r| r.status)
                })
            })
            .collect();
        for t in threads {
            if t.join().unwrap().map(|s| s == 200).unwrap_or(false) {
                ok += 1;
            }
        }
    }
    let after = sample(&ex.scrape(), "nexo_exporter_collections_total", &[]).unwrap();
    let collections = after - before - 1.0;
    eprintln!("{ok} scrapes answered 200, {collections} collections");
    assert!(ok >= 300, "only {ok} of 600 scrapes served");
    assert!(
        collections * 10.0 <= ok as f64,
        "{collections} collections for {ok} scrapes"
    );
    let rss = vm_rss_kib(ex.pid());
    eprintln!("VmRSS after the flood: {rss} KiB");
    assert!(rss < 200 * 1024, "VmRSS {rss} KiB");
    assert_eq!(ex.get("/-/healthy", &[]).status, 200);
}
