//! Garbage fails fast: a PostgreSQL, Redis, AMQP or HTTP endpoint that answers bytes of another
//! protocol gives `*_up 0` (`probe_success 0`) with a log line naming the protocol error, not a
//! scrape held until the deadline. The 10 s timeout of every target is far above what a
//! protocol error takes; the log line shows the probe stopped on the bytes ("protocol: not the
//! ... protocol"), not on its deadline ("deadline exceeded"). How fast, in milliseconds, is
//! measured by `scripts/bench-garbage.py` (docs/benchmarks.md), not asserted here.

mod common;

use common::*;

/// What the exporter's log says about `target` (its "probe failed" line).
fn failure_line(ex: &Exporter, target: &str) -> String {
    ex.log()
        .lines()
        .find(|l| l.contains("probe failed") && l.contains(&format!("target={target} ")))
        .unwrap_or_else(|| panic!("no failure logged for {target}:\n{}", ex.log()))
        .to_string()
}

#[test]
fn garbage_endpoints_give_up_zero_with_a_protocol_error() {
    let http_reply = garbage_server(b"HTTP/1.1 400 Bad Request\r\nX: \x00\xff\r\n\r\nnonsense");
    let ssh = garbage_server(b"SSH-2.0-OpenSSH_9.6\r\n\x00\xff garbage \x01\x02");
    let binary = garbage_server(b"\x00\x01\x02 not http at all\r\n\r\n");
    let cfg = format!(
        "global:
  timeout: 10s
host:
  enabled: false
docker:
  enabled: false
postgres:
  - name: pg-plain
    host: 127.0.0.1
    port: {http_reply}
    sslmode: disable
  - name: pg-ssl
    host: 127.0.0.1
    port: {http_reply}
    sslmode: prefer
redis:
  - name: redis-junk
    url: redis://127.0.0.1:{http_reply}
rabbitmq:
  - name: amqp-junk
    amqp_url: amqp://127.0.0.1:{ssh}/%2f
    prometheus_url: http://127.0.0.1:{http_reply}
services:
  - name: http-junk
    url: http://127.0.0.1:{binary}/health
"
    );
    let ex = Exporter::start(&cfg, &[]);
    for (target, up, labels, says) in [
        (
            "pg-plain",
            "pg_up",
            &[][..],
            "protocol: not the PostgreSQL protocol: message type 'H' (0x48)",
        ),
        (
            "pg-ssl",
            "pg_up",
            &[][..],
            "protocol: not the PostgreSQL protocol: answered 'H' (0x48) to the SSLRequest",
        ),
        (
            "redis-junk",
            "redis_up",
            &[][..],
            "protocol: not the Redis protocol (RESP)",
        ),
        (
            "amqp-junk",
            "rabbitmq_up",
            &[][..],
            "protocol: not the AMQP 0-9-1 protocol",
        ),
        (
            "http-junk",
            "probe_success",
            &[("service", "http-junk")][..],
            // Which of the two depends on whether the garbage arrives before the request.
            "protocol: ",
        ),
    ] {
        let (text, _) = scrape_budget(&ex, &format!("/probe?target={target}"), "20");
        assert_eq!(sample(&text, up, labels), Some(0.0), "{target}:\n{text}");
        let line = failure_line(&ex, target);
        assert!(line.contains(says), "{target}: {line}");
        assert!(!line.contains("deadline"), "{target}: {line}");
        if target == "http-junk" {
            assert!(
                line.contains("invalid HTTP version parsed") || line.contains("no HTTP response"),
                "{line}"
            );
        }
    }
    assert_eq!(ex.get("/-/healthy", &[]).status, 200);
}
