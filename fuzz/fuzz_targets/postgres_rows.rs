//! What the PostgreSQL probe derives from text: the row cells of its three queries
//! (`build_metrics`: numbers, setting names, application names and the application cap) and
//! the DSN's `sslmode`/`sslrootcert` splitting (`split_ssl_params`).
//!
//! Input: the first byte picks the mode. Even: the rest is a DSN. Odd: the rest is three
//! result sets separated by lines `--`, one row per line, cells separated by tabs, `\N` for
//! NULL; the first byte / 2 is the application cap.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nexo_exporter::probe::postgres::{Rows, build_metrics, split_ssl_params};

fn rows(text: &str) -> Rows {
    text.lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            l.split('\t')
                .map(|c| (c != "\\N").then(|| c.to_string()))
                .collect()
        })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    if mode % 2 == 0 {
        let _ = split_ssl_params(text);
        return;
    }
    let mut sets = text.split("\n--\n");
    let (a, s, p) = (
        rows(sets.next().unwrap_or("")),
        rows(sets.next().unwrap_or("")),
        rows(sets.next().unwrap_or("")),
    );
    let cap = usize::from(mode / 2);
    if let Ok(set) = build_metrics(&a, &s, &p, cap) {
        if let Some(f) = set.get("pg_stat_activity_application_count") {
            // The cap plus the "other" series.
            assert!(
                f.samples.len() <= cap + 1,
                "{} > {cap} + 1",
                f.samples.len()
            );
        }
        let _ = set.encode_text();
        let _ = set.encode_openmetrics();
    }
});
