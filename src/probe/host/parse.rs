//! Pure parsing of the procfs files and mount tables the host probe reads (no I/O).

use super::metrics;
use crate::metrics::{MetricSet, labels};
use crate::probe::ProbeError;

/// Clock ticks per second of `/proc/stat` (USER_HZ, 100 on every Linux architecture in use).
const USER_HZ: f64 = 100.0;

/// One line of a mounts file.
#[derive(Debug, Clone, PartialEq)]
pub struct Mount {
    /// Device (first field).
    pub device: String,
    /// Mount point, octal escapes decoded.
    pub mountpoint: String,
    /// Filesystem type.
    pub fstype: String,
    /// Mount options.
    pub options: String,
}

/// Parses `/proc/1/mounts`, decoding `\040`-style escapes as node_exporter does.
pub fn parse_mounts(text: &str) -> Vec<Mount> {
    text.lines()
        .filter_map(|line| {
            let mut f = line.split_whitespace();
            Some(Mount {
                device: unescape(f.next()?),
                mountpoint: unescape(f.next()?),
                fstype: f.next()?.to_string(),
                options: f.next().unwrap_or("").to_string(),
            })
        })
        .collect()
}

fn unescape(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\'
            && i + 3 < b.len()
            && b[i + 1..i + 4].iter().all(|c| (b'0'..=b'7').contains(c))
        {
            let v = (b[i + 1] - b'0') * 64 + (b[i + 2] - b'0') * 8 + (b[i + 3] - b'0');
            out.push(v);
            i += 4;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Parses `/proc/loadavg` into `node_load1`, `node_load5`, `node_load15`.
pub fn parse_loadavg(text: &str, set: &mut MetricSet) -> Result<(), ProbeError> {
    let mut f = text.split_whitespace();
    for desc in [metrics::NODE_LOAD1, metrics::NODE_LOAD5, metrics::NODE_LOAD15] {
        let v: f64 = f
            .next()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| ProbeError::Protocol("malformed loadavg".into()))?;
        set.put(&desc, vec![], v);
    }
    Ok(())
}

/// Parses `/proc/stat` into `node_cpu_seconds_total{cpu,mode}`.
pub fn parse_stat(text: &str, set: &mut MetricSet) -> Result<(), ProbeError> {
    const MODES: [&str; 8] = [
        "user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal",
    ];
    let mut cpus = 0;
    for line in text.lines() {
        let mut f = line.split_whitespace();
        let Some(head) = f.next() else { continue };
        let Some(n) = head.strip_prefix("cpu") else {
            continue;
        };
        if n.is_empty() || !n.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        cpus += 1;
        for (mode, v) in MODES.iter().zip(f) {
            let ticks: f64 = v
                .parse()
                .map_err(|_| ProbeError::Protocol("malformed /proc/stat".into()))?;
            set.put(&metrics::NODE_CPU_SECONDS_TOTAL, labels([("cpu", n), ("mode", mode)]),
                ticks / USER_HZ,
            );
        }
    }
    if cpus == 0 {
        return Err(ProbeError::Protocol("no cpu lines in /proc/stat".into()));
    }
    Ok(())
}

/// Parses `/proc/meminfo` into `node_memory_<Field>_bytes` for the fields the runbook uses.
pub fn parse_meminfo(text: &str, set: &mut MetricSet) -> Result<(), ProbeError> {
    const FIELDS: [(&str, crate::metrics::Desc); 7] = [
        ("MemTotal", metrics::NODE_MEMORY_MEMTOTAL_BYTES),
        ("MemFree", metrics::NODE_MEMORY_MEMFREE_BYTES),
        ("MemAvailable", metrics::NODE_MEMORY_MEMAVAILABLE_BYTES),
        ("Buffers", metrics::NODE_MEMORY_BUFFERS_BYTES),
        ("Cached", metrics::NODE_MEMORY_CACHED_BYTES),
        ("SwapTotal", metrics::NODE_MEMORY_SWAPTOTAL_BYTES),
        ("SwapFree", metrics::NODE_MEMORY_SWAPFREE_BYTES),
    ];
    for line in text.lines() {
        let Some((key, rest)) = line.split_once(':') else {
            continue;
        };
        let Some((_, desc)) = FIELDS.iter().find(|(f, _)| *f == key) else {
            continue;
        };
        let mut f = rest.split_whitespace();
        let v: f64 = f
            .next()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| ProbeError::Protocol("malformed meminfo".into()))?;
        let v = if f.next() == Some("kB") {
            v * 1024.0
        } else {
            v
        };
        set.put(desc, vec![], v);
    }
    Ok(())
}
