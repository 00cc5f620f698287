//! Test harness shared by the integration tests: start the real binary on a free port,
//! scrape it over HTTP, read samples, and start private dependency instances.
#![allow(dead_code)]

pub mod image;
pub mod mixin;
pub mod proxy;
pub mod services;
pub mod stack;
pub mod standins;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A free TCP port on 127.0.0.1 (bound and released; tiny race accepted in tests).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Polls `f` every 100 ms until it returns `Some` or `timeout` passes.
pub fn wait_for<T>(timeout: Duration, mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let end = Instant::now() + timeout;
    loop {
        if let Some(v) = f() {
            return Some(v);
        }
        if Instant::now() > end {
            return None;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// An HTTP response: status, lower-cased headers, body.
#[derive(Debug)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A minimal HTTP/1.1 client (Connection: close, Content-Length bodies).
pub fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> std::io::Result<HttpResponse> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    s.set_read_timeout(Some(Duration::from_secs(60)))?;
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes())?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf)?;
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no header end"))?;
    let head = String::from_utf8_lossy(&buf[..split]).into_owned();
    let body = buf[split + 4..].to_vec();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| std::io::Error::other("bad status line"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    let body = if chunked { dechunk(&body) } else { body };
    Ok(HttpResponse {
        status,
        headers,
        body,
    })
}

/// Decodes a `Transfer-Encoding: chunked` body.
fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = b.windows(2).position(|w| w == b"\r\n") {
        let size_text = String::from_utf8_lossy(&b[..eol]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = eol + 2;
        let end = (start + size).min(b.len());
        out.extend_from_slice(&b[start..end]);
        b = &b[(end + 2).min(b.len())..];
    }
    out
}

/// Finds the value of the sample `name{labels}` in exposition text. `labels` must all be
/// present (others may be too).
pub fn sample(text: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    samples(text, name)
        .into_iter()
        .find(|(l, _)| {
            labels
                .iter()
                .all(|(k, v)| l.iter().any(|(a, b)| a == k && b == v))
        })
        .map(|(_, v)| v)
}

/// Every sample of `name` with its labels.
pub fn samples(text: &str, name: &str) -> Vec<(Vec<(String, String)>, f64)> {
    let mut out = Vec::new();
    for line in text.lines() {
        if line.starts_with('#') {
            continue;
        }
        let Some(rest) = line.strip_prefix(name) else {
            continue;
        };
        let (labels, value) = if let Some(r) = rest.strip_prefix('{') {
            let Some(end) = r.rfind('}') else { continue };
            (parse_labels(&r[..end]), r[end + 1..].trim())
        } else if rest.starts_with(' ') {
            (Vec::new(), rest.trim())
        } else {
            continue;
        };
        let v = value.split_whitespace().next().unwrap_or("");
        let v = match v {
            "+Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            _ => match v.parse() {
                Ok(v) => v,
                Err(_) => continue,
            },
        };
        out.push((labels, v));
    }
    out
}

fn parse_labels(s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(eq) = rest.find("=\"") {
        let key = rest[..eq].trim_start_matches(',').trim().to_string();
        let mut val = String::new();
        let mut chars = rest[eq + 2..].char_indices();
        let mut end = 0;
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => {
                    if let Some((_, n)) = chars.next() {
                        val.push(match n {
                            'n' => '\n',
                            o => o,
                        });
                    }
                }
                '"' => {
                    end = eq + 2 + i + 1;
                    break;
                }
                o => val.push(o),
            }
        }
        out.push((key, val));
        if end == 0 || end >= rest.len() {
            break;
        }
        rest = &rest[end..];
    }
    out
}

/// The exporter binary under test.
pub fn exporter_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_nexo-exporter"))
}

/// A running exporter process, killed on drop.
pub struct Exporter {
    child: Child,
    pub addr: SocketAddr,
    pub dir: tempfile::TempDir,
    log: PathBuf,
}

impl Exporter {
    /// Starts the binary with `config` (YAML) written to a temp file, plus `args`.
    pub fn start(config: &str, args: &[&str]) -> Exporter {
        Self::start_with_env(config, args, &[])
    }

    /// As [`Exporter::start`], with extra environment variables.
    pub fn start_with_env(config: &str, args: &[&str], env: &[(&str, &str)]) -> Exporter {
        let dir = tempfile::tempdir().unwrap();
        let cfg = dir.path().join("config.yml");
        std::fs::write(&cfg, config).unwrap();
        let port = free_port();
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let log = dir.path().join("exporter.log");
        let mut cmd = Command::new(exporter_bin());
        cmd.arg("--web.listen-address")
            .arg(addr.to_string())
            .arg("--config.file")
            .arg(&cfg)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::from(
                std::fs::File::create(dir.path().join("stdout")).unwrap(),
            ))
            .stderr(Stdio::from(std::fs::File::create(&log).unwrap()));
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd.spawn().expect("start exporter");
        let ex = Exporter {
            child,
            addr,
            dir,
            log,
        };
        let up = wait_for(Duration::from_secs(15), || {
            http(ex.addr, "GET", "/-/healthy", &[])
                .ok()
                .filter(|r| r.status == 200)
        });
        assert!(up.is_some(), "exporter did not start; log:\n{}", ex.log());
        ex
    }

    /// Scrapes `path` with optional extra headers; panics on transport errors.
    pub fn get(&self, path: &str, headers: &[(&str, &str)]) -> HttpResponse {
        http(self.addr, "GET", path, headers).expect("http request")
    }

    /// Scrapes `/metrics` and returns the body.
    pub fn scrape(&self) -> String {
        let r = self.get("/metrics", &[]);
        assert_eq!(r.status, 200, "{}", r.text());
        r.text()
    }

    /// The process's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends a signal and waits for the exit status.
    pub fn signal_and_wait(&mut self, sig: &str) -> std::process::ExitStatus {
        Command::new("kill")
            .arg(format!("-{sig}"))
            .arg(self.child.id().to_string())
            .status()
            .unwrap();
        self.child.wait().unwrap()
    }
}

impl Drop for Exporter {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A child process killed on drop (private dependency instances, proxies).
pub struct Guard(pub Child);

impl Drop for Guard {
    fn drop(&mut self) {
        // A stopped process must be continued to die promptly.
        let _ = Command::new("kill")
            .arg("-CONT")
            .arg(self.0.id().to_string())
            .status();
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Sends `sig` (e.g. "STOP", "CONT") to `pid`.
pub fn signal(pid: u32, sig: &str) {
    Command::new("kill")
        .arg(format!("-{sig}"))
        .arg(pid.to_string())
        .status()
        .unwrap();
}

/// Whether `cmd` is on PATH.
pub fn have(cmd: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {cmd} >/dev/null 2>&1"))
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// Fails the test unless `cmd` is on PATH: a missing tool is an error of the test machine,
/// never a silent pass (`scripts/test.sh` installs every tool the tests use).
pub fn require(cmd: &str) {
    assert!(
        have(cmd),
        "{cmd} is not installed; run scripts/test.sh, which installs every tool the tests use"
    );
}

/// As [`require`], for a program given by its full path.
pub fn require_file(path: &str) {
    assert!(
        Path::new(path).exists(),
        "{path} is not installed; run scripts/test.sh, which installs every tool the tests use"
    );
}

/// The repository's root directory (where Cargo.toml is).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Whether something accepts TCP connections at `addr`.
pub fn port_open(addr: &str) -> bool {
    addr.parse::<SocketAddr>()
        .ok()
        .and_then(|a| TcpStream::connect_timeout(&a, Duration::from_millis(500)).ok())
        .is_some()
}

/// A redis-server on `port` (fixed, so a test can restart it on the same port), with `extra`
/// arguments; killed on drop.
pub fn redis_on(dir: &Path, port: u16, extra: &[&str]) -> Guard {
    let child = Command::new("redis-server")
        .args([
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .args(extra)
        .arg("--dir")
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("redis-server");
    let g = Guard(child);
    assert!(
        wait_for(Duration::from_secs(10), || port_open(&format!(
            "127.0.0.1:{port}"
        ))
        .then_some(()))
        .is_some(),
        "redis did not start on {port}"
    );
    g
}

/// GETs `path` with `X-Prometheus-Scrape-Timeout-Seconds: secs`; returns the body (status
/// must be 200) and how long the scrape took.
pub fn scrape_budget(ex: &Exporter, path: &str, secs: &str) -> (String, Duration) {
    let t = Instant::now();
    let r = ex.get(path, &[("X-Prometheus-Scrape-Timeout-Seconds", secs)]);
    assert_eq!(r.status, 200, "{}", r.text());
    (r.text(), t.elapsed())
}

/// Checks that the targets `junk` (a garbage server) and `hole` (a black hole) give `up_metric`
/// 0 within a 2 s scrape budget (+2 s slack), that the exporter stays healthy, and that the
/// failure was logged.
pub fn assert_junk_and_hole_down(ex: &Exporter, up_metric: &str) {
    for target in ["junk", "hole"] {
        let (text, took) = scrape_budget(ex, &format!("/probe?target={target}"), "2");
        assert_eq!(sample(&text, up_metric, &[]), Some(0.0), "{target}");
        assert!(took < Duration::from_secs(4), "{target}: {took:?}");
    }
    assert_eq!(ex.get("/-/healthy", &[]).status, 200);
    let log = ex.log();
    assert!(
        log.contains("probe failed") && log.contains("target=junk"),
        "{log}"
    );
}

/// A private redis-server on a free port, for fault tests; killed on drop.
pub fn private_redis(dir: &Path) -> (Guard, u16) {
    let port = free_port();
    (redis_on(dir, port, &[]), port)
}

/// A TCP server that accepts and answers every connection with `garbage`, forever.
pub fn garbage_server(garbage: &'static [u8]) -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(mut s) = s else { continue };
            std::thread::spawn(move || {
                let _ = s.set_write_timeout(Some(Duration::from_secs(2)));
                for _ in 0..50 {
                    if s.write_all(garbage).is_err() {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
            });
        }
    });
    port
}

/// A TCP server that accepts connections and never answers (a hung dependency).
pub fn blackhole_server() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in l.incoming().flatten() {
            held.push(s);
        }
    });
    port
}
