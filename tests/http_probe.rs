//! Service health probes (ServiceDown) and the multi-target `/probe` endpoint, against tiny
//! HTTP servers the test runs itself.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;

const BASE: &str =
    "postgres: []\nredis: []\nrabbitmq: []\ndocker:\n  enabled: false\nhost:\n  enabled: false\n";

/// A tiny HTTP server answering every request with `response`; counts connections and keeps
/// the first request head.
struct TinyServer {
    port: u16,
    connections: Arc<AtomicUsize>,
    first_request: Arc<Mutex<String>>,
}

fn tiny_server(response: Vec<u8>) -> TinyServer {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let connections = Arc::new(AtomicUsize::new(0));
    let first_request = Arc::new(Mutex::new(String::new()));
    let (c, f) = (Arc::clone(&connections), Arc::clone(&first_request));
    let response = Arc::new(response);
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(mut s) = s else { continue };
            c.fetch_add(1, Ordering::SeqCst);
            let (f, response) = (Arc::clone(&f), Arc::clone(&response));
            std::thread::spawn(move || {
                let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
                let mut head = Vec::new();
                let mut b = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match s.read(&mut b) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&b[..n]),
                    }
                }
                {
                    let mut first = f.lock().unwrap();
                    if first.is_empty() {
                        *first = String::from_utf8_lossy(&head).into_owned();
                    }
                }
                let _ = s.write_all(&response);
            });
        }
    });
    TinyServer {
        port,
        connections,
        first_request,
    }
}

fn reply(status: &str, body: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    r.extend_from_slice(body);
    r
}

#[test]
fn health_probes_report_success_status_and_duration() {
    let ok = tiny_server(reply("200 OK", b"{\"status\":\"ok\"}"));
    let err = tiny_server(reply("500 Internal Server Error", b"boom"));
    let nocontent = tiny_server(reply("204 No Content", b""));
    let big = tiny_server(reply("200 OK", &vec![b'x'; 1 << 20]));
    let hung = blackhole_server();
    let refused = free_port();
    let garbage = garbage_server(b"\x00\x01\x02 not http at all\r\n\r\n");
    let cfg = format!(
        "{BASE}services:
  - name: auth
    url: http://127.0.0.1:{}/api/health
  - name: gateway
    url: http://127.0.0.1:{}/api/health
  - name: crm-service
    url: http://localhost:{}/api/health
    expected_status: [200, 204]
  - name: big
    url: http://127.0.0.1:{}/
  - name: hung
    url: http://127.0.0.1:{hung}/
    timeout: 2s
  - name: refused
    url: http://127.0.0.1:{refused}/
  - name: garbage
    url: http://127.0.0.1:{garbage}/
  - name: tls-to-plain
    url: https://127.0.0.1:{}/
",
        ok.port, err.port, nocontent.port, big.port, ok.port
    );
    let ex = Exporter::start(&cfg, &[]);
    for round in 0..2 {
        let t0 = Instant::now();
        let r = ex.get("/metrics", &[("X-Prometheus-Scrape-Timeout-Seconds", "3")]);
        let took = t0.elapsed();
        assert_eq!(r.status, 200);
        assert!(took < Duration::from_secs(5), "scrape took {took:?}");
        let body = r.text();
        let get = |m: &str, svc: &str| {
            sample(&body, m, &[("service", svc)])
                .unwrap_or_else(|| panic!("{m}{{service={svc}}} missing in round {round}:\n{body}"))
        };
        for (svc, success, code) in [
            ("auth", 1.0, 200.0),
            ("gateway", 0.0, 500.0),
            ("crm-service", 1.0, 204.0),
            ("big", 1.0, 200.0),
            ("hung", 0.0, 0.0),
            ("refused", 0.0, 0.0),
            ("garbage", 0.0, 0.0),
            ("tls-to-plain", 0.0, 0.0),
        ] {
            assert_eq!(get("probe_success", svc), success, "{svc}");
            assert_eq!(get("probe_http_status_code", svc), code, "{svc}");
            let d = get("probe_duration_seconds", svc);
            assert!(d > 0.0 && d < 3.0, "{svc} duration {d}");
        }
        // The hung service used its own 2 s deadline, not less.
        assert!(get("probe_duration_seconds", "hung") > 1.5);
    }
    let req = ok.first_request.lock().unwrap().clone();
    assert!(req.starts_with("GET /api/health HTTP/1.1\r\n"), "{req}");
    assert!(
        req.to_ascii_lowercase()
            .contains(&format!("host: 127.0.0.1:{}", ok.port)),
        "{req}"
    );
    let log = ex.log();
    assert!(!log.contains("panicked"), "{log}");
}

#[test]
fn probe_endpoint_never_dials_an_address_from_the_query() {
    let mine = tiny_server(reply("200 OK", b"ok"));
    let svc = tiny_server(reply("200 OK", b"ok"));
    let cfg = format!(
        "{BASE}services:\n  - name: auth\n    url: http://127.0.0.1:{}/health\n",
        svc.port
    );
    let ex = Exporter::start(&cfg, &[]);
    let p = mine.port;
    for q in [
        format!("target=127.0.0.1:{p}"),
        format!("target=127.0.0.1:{p}&module=http"),
        format!("target=http://127.0.0.1:{p}/&module=http"),
        format!("target=http%3A%2F%2F127.0.0.1%3A{p}%2F"),
        format!("target=localhost:{p}&module=rabbitmq"),
        format!("target=auth&target=127.0.0.1:{p}"),
        format!("target=auth&module=http&url=http://127.0.0.1:{p}/"),
    ] {
        let r = ex.get(&format!("/probe?{q}"), &[]);
        assert_eq!(r.status, 400, "{q}: {}", r.text());
    }
    // A configured name of the wrong kind is unknown too.
    assert_eq!(ex.get("/probe?target=auth&module=redis", &[]).status, 400);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        mine.connections.load(Ordering::SeqCst),
        0,
        "the exporter dialed an address taken from the query string"
    );

    // A configured name is probed, alone.
    let r = ex.get("/probe?target=auth&module=http", &[]);
    assert_eq!(r.status, 200);
    let body = r.text();
    assert_eq!(
        sample(&body, "probe_success", &[("service", "auth")]),
        Some(1.0)
    );
    assert!(svc.connections.load(Ordering::SeqCst) >= 1);
    assert_eq!(mine.connections.load(Ordering::SeqCst), 0);
}
