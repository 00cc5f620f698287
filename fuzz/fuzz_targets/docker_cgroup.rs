//! The cgroup files the containers probe reads when `stats_source: cgroup`: the input is
//! split at NUL bytes into `memory.usage_in_bytes`/`memory.current`, `memory.stat` and
//! `cpuacct.usage`/`cpu.stat`, parsed as cgroup v1 and v2. Nothing may panic; the working
//! set never exceeds the usage.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nexo_exporter::probe::docker::parse::{usage_from_cgroup_v1, usage_from_cgroup_v2};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(3, '\0');
    let (a, b, c) = (
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
    );
    for u in [usage_from_cgroup_v1(a, b, c), usage_from_cgroup_v2(a, b, c)]
        .into_iter()
        .flatten()
    {
        assert!(u.working_set <= u.memory_usage, "{u:?}");
        assert!(u.cpu_seconds >= 0.0 && u.memory_usage >= 0.0, "{u:?}");
    }
});
