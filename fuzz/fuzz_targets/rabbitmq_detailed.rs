//! The `rabbitmq_prometheus` text parser (`/metrics/detailed?family=queue_coarse_metrics&
//! family=queue_consumer_count`): any body gives queues or an error, never a panic; the
//! queue selection and the exposition of the result do not panic either.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use nexo_exporter::config::Pattern;
use nexo_exporter::metrics::{MetricSet, labels};
use nexo_exporter::probe::rabbitmq::parse::{parse_detailed, parse_sample_line, select};

fn patterns() -> &'static (Pattern, Pattern) {
    static P: OnceLock<(Pattern, Pattern)> = OnceLock::new();
    P.get_or_init(|| {
        (
            Pattern::new(".*").unwrap(),
            Pattern::new("amq\\..*").unwrap(),
        )
    })
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        for line in text.lines() {
            if let Ok(Some(s)) = parse_sample_line(line) {
                assert!(!s.name.is_empty());
            }
        }
    }
    let Ok(queues) = parse_detailed(data) else {
        return;
    };
    let (include, exclude) = patterns();
    let n = queues.len();
    let max = data.first().map_or(0, |b| usize::from(*b % 8));
    let (kept, dropped) = select(queues, include, Some(exclude), max);
    assert!(kept.len() <= max && kept.len() + dropped <= n);
    let mut set = MetricSet::new();
    for q in &kept {
        let l = labels([("vhost", &q.vhost), ("queue", &q.queue)]);
        set.gauge("q_ready", "ready", l, q.ready.unwrap_or(0.0));
    }
    let _ = set.encode_text();
    let _ = set.encode_openmetrics();
});
