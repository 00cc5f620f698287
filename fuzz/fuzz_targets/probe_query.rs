//! The `/probe` query parser against a collector holding one target of each kind.
#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use nexo_exporter::collect::Collector;
use nexo_exporter::config::Config;

fn collector() -> &'static Arc<Collector> {
    static C: OnceLock<Arc<Collector>> = OnceLock::new();
    C.get_or_init(|| {
        let mut config = Config::default();
        config.docker.enabled = false;
        Collector::new(nexo_exporter::probe::build_all(&config))
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(query) = std::str::from_utf8(data) else {
        return;
    };
    match nexo_exporter::server::probe_scope(collector(), query) {
        Ok(scope) => {
            // Only configured names are accepted.
            if let nexo_exporter::collect::Scope::Target(name) = scope {
                assert!(collector().find(&name, None).is_some());
            }
        }
        Err(msg) => {
            // Error texts echo at most a truncated, quoted part of the input.
            assert!(msg.len() < 512, "{} bytes", msg.len());
        }
    }
});
