//! Request header parsing: Accept (OpenMetrics negotiation), Accept-Encoding (gzip),
//! X-Prometheus-Scrape-Timeout-Seconds and Authorization (basic auth).
#![no_main]

use std::time::Duration;

use hyper::header::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;
use nexo_exporter::server;

fuzz_target!(|data: &[u8]| {
    let Ok(v) = HeaderValue::from_bytes(data) else {
        return;
    };
    let mut h = HeaderMap::new();
    for name in [
        "accept",
        "accept-encoding",
        "x-prometheus-scrape-timeout-seconds",
        "authorization",
    ] {
        h.insert(name, v.clone());
    }
    let _ = server::wants_openmetrics(&h);
    let _ = server::accepts_gzip(&h);
    if let Some(b) = server::scrape_budget(&h, Duration::from_millis(500)) {
        assert!(b > Duration::ZERO);
    }
    let _ = nexo_exporter::webconfig::parse_basic_auth(&h);
    if let Ok(s) = std::str::from_utf8(data) {
        for (m, q) in server::media_ranges(s) {
            assert!(!m.is_empty());
            let _ = q;
        }
    }
});
