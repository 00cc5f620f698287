//! node_exporter's procfs collectors: stat and meminfo (whose files the probe reads itself),
//! vmstat, netdev, diskstats, filefd, conntrack, entropy, pressure and mdadm, read below the
//! configured procfs.
//!
//! Each family is computed as node_exporter 1.5 computes it (names, labels, units, counter or
//! gauge). A file the host does not have (no `/proc/mdstat`, no conntrack module, a kernel
//! without PSI) leaves its families absent, never zero. The parsers take the file's text and are
//! pure; [`collect`] does the reads.

use std::path::Path;

use procfs_core::FromRead;

use super::metrics;
use crate::metrics::{Desc, MetricSet, labels};
use crate::probe::ProbeError;

/// Device filters of the netdev and diskstats families.
#[derive(Debug, Clone, Copy)]
pub struct Filters<'a> {
    /// Block devices left out of `node_disk_*` (node_exporter's `diskstats.device-exclude`).
    pub disk_exclude: &'a crate::config::Pattern,
    /// Interfaces left out of `node_network_*` (node_exporter's `netdev.device-exclude`).
    pub net_exclude: &'a crate::config::Pattern,
}

/// Reads every optional procfs family below `procfs` into `set`; a missing or malformed file
/// leaves its families out and is logged at debug level. (`/proc/stat` is read by the probe,
/// which passes it to [`parse_stat_counters`].) Each procfs read costs tens of µs, so
/// node_exporter families no rule reads and whose file is not read anyway are left out:
/// `node_entropy_pool_size_bits` and `node_nf_conntrack_stat_*`.
pub fn collect(procfs: &Path, filters: Filters<'_>, set: &mut MetricSet) {
    let read = |name: &str| crate::probe::pseudo_fs::read(&procfs.join(name));
    let mut run = |name: &str, parse: &dyn Fn(&str, &mut MetricSet) -> Result<(), ProbeError>| {
        match read(name) {
            Ok(text) => {
                // Parse into a scratch set so a malformed file adds nothing.
                let mut part = MetricSet::new();
                match parse(&text, &mut part) {
                    Ok(()) => set.merge(part),
                    Err(e) => tracing::debug!(file = name, error = %e, "procfs file skipped"),
                }
            }
            Err(e) => tracing::debug!(file = name, error = %e, "procfs file absent"),
        }
    };
    run("vmstat", &parse_vmstat);
    run("net/dev", &|t, s| parse_netdev(t, filters.net_exclude, s));
    run("diskstats", &|t, s| {
        parse_diskstats(t, filters.disk_exclude, s)
    });
    run("sys/fs/file-nr", &parse_filefd);
    run("sys/kernel/random/entropy_avail", &|t, s| {
        single(t, &metrics::NODE_ENTROPY_AVAILABLE_BITS, s)
    });
    run("sys/net/netfilter/nf_conntrack_count", &|t, s| {
        single(t, &metrics::NODE_NF_CONNTRACK_ENTRIES, s)
    });
    run("sys/net/netfilter/nf_conntrack_max", &|t, s| {
        single(t, &metrics::NODE_NF_CONNTRACK_ENTRIES_LIMIT, s)
    });
    for resource in ["cpu", "io", "memory"] {
        run(&format!("pressure/{resource}"), &|t, s| {
            parse_pressure(resource, t, s)
        });
    }
    run("mdstat", &parse_mdstat);
}

fn malformed(what: &str) -> ProbeError {
    ProbeError::Protocol(format!("malformed {what}"))
}

fn number(s: &str, what: &str) -> Result<f64, ProbeError> {
    s.trim().parse().map_err(|_| malformed(what))
}

fn single(text: &str, desc: &Desc, set: &mut MetricSet) -> Result<(), ProbeError> {
    set.put(desc, vec![], number(text, desc.name)?);
    Ok(())
}

/// `/proc/stat` beyond CPU seconds: boot time, context switches, forks, interrupts and the
/// running/blocked process counts (node_exporter's `stat` collector).
pub fn parse_stat_counters(text: &str, set: &mut MetricSet) -> Result<(), ProbeError> {
    let si = procfs_core::ExplicitSystemInfo {
        boot_time_secs: 0,
        ticks_per_second: 100,
        page_size: 4096,
        is_little_endian: cfg!(target_endian = "little"),
    };
    let ks = <procfs_core::KernelStats as procfs_core::FromReadSI>::from_read(text.as_bytes(), &si)
        .map_err(|e| ProbeError::Protocol(format!("/proc/stat: {e}")))?;
    set.put(&metrics::NODE_BOOT_TIME_SECONDS, vec![], ks.btime as f64);
    set.put(
        &metrics::NODE_CONTEXT_SWITCHES_TOTAL,
        vec![],
        ks.ctxt as f64,
    );
    set.put(&metrics::NODE_FORKS_TOTAL, vec![], ks.processes as f64);
    // KernelStats leaves out the interrupt line; its first number is the total.
    if let Some(total) = text
        .lines()
        .find_map(|l| l.strip_prefix("intr "))
        .and_then(|rest| rest.split_whitespace().next())
    {
        set.put(&metrics::NODE_INTR_TOTAL, vec![], number(total, "intr")?);
    }
    if let Some(v) = ks.procs_running {
        set.put(&metrics::NODE_PROCS_RUNNING, vec![], v as f64);
    }
    if let Some(v) = ks.procs_blocked {
        set.put(&metrics::NODE_PROCS_BLOCKED, vec![], v as f64);
    }
    Ok(())
}

/// Every `/proc/meminfo` field as node_exporter names it: `Active(anon)` becomes
/// `node_memory_Active_anon_bytes`; fields in kB are converted to bytes and get `_bytes`,
/// unitless fields (`HugePages_Total`) keep their bare name.
///
/// node_exporter parses this file generically rather than through the procfs library, so this
/// does too: a typed struct would drop the fields a newer kernel adds.
pub fn parse_meminfo(text: &str, set: &mut MetricSet) -> Result<(), ProbeError> {
    let mut any = false;
    for line in text.lines() {
        let Some((key, rest)) = line.split_once(':') else {
            continue;
        };
        let mut f = rest.split_whitespace();
        let Some(v) = f.next() else { continue };
        let mut v = number(v, "meminfo")?;
        let key = key.replace('(', "_").replace(')', "");
        let name = match f.next() {
            Some(_) => {
                v *= 1024.0;
                format!("node_memory_{key}_bytes")
            }
            None => format!("node_memory_{key}"),
        };
        let help = format!(
            "Memory information field {}.",
            &name["node_memory_".len()..]
        );
        set.gauge(&name, &help, vec![], v);
        any = true;
    }
    if !any {
        return Err(malformed("meminfo"));
    }
    Ok(())
}

/// `/proc/vmstat` fields matching node_exporter's default `^(oom_kill|pgpg|pswp|pg.*fault).*`
/// as `node_vmstat_<field>` (untyped in node_exporter, gauges here).
pub fn parse_vmstat(text: &str, set: &mut MetricSet) -> Result<(), ProbeError> {
    // Read in place (no map of all ~180 fields): only the kept ones, in name order; a line
    // without a name and an integer fails the file, as procfs-core's `VmStat` does.
    let mut fields = std::collections::BTreeMap::new();
    for line in text.lines() {
        let mut split = line.split_whitespace();
        let (Some(k), Some(v)) = (split.next(), split.next()) else {
            return Err(ProbeError::Protocol(format!("vmstat: malformed line {line:?}")));
        };
        let v: i64 = v
            .parse()
            .map_err(|e| ProbeError::Protocol(format!("vmstat: {k}: {e}")))?;
        if k.starts_with("oom_kill")
            || k.starts_with("pgpg")
            || k.starts_with("pswp")
            || (k.starts_with("pg") && k[2..].contains("fault"))
        {
            fields.insert(k, v);
        }
    }
    for (k, v) in fields {
        set.gauge(
            &format!("node_vmstat_{k}"),
            &format!("/proc/vmstat information field {k}."),
            vec![],
            v as f64,
        );
    }
    Ok(())
}

/// `/proc/net/dev` as `node_network_{receive,transmit}_<field>_total{device}`.
pub fn parse_netdev(
    text: &str,
    exclude: &crate::config::Pattern,
    set: &mut MetricSet,
) -> Result<(), ProbeError> {
    let devs = procfs_core::net::InterfaceDeviceStatus::from_read(text.as_bytes())
        .map_err(|e| ProbeError::Protocol(format!("net/dev: {e}")))?;
    let mut devs: Vec<_> = devs.0.into_values().collect();
    devs.sort_by(|a, b| a.name.cmp(&b.name));
    for d in devs.iter().filter(|d| !exclude.is_match(&d.name)) {
        let values = [
            d.recv_bytes,
            d.recv_packets,
            d.recv_errs,
            d.recv_drop,
            d.recv_fifo,
            d.recv_frame,
            d.recv_compressed,
            d.recv_multicast,
            d.sent_bytes,
            d.sent_packets,
            d.sent_errs,
            d.sent_drop,
            d.sent_fifo,
            d.sent_colls,
            d.sent_carrier,
            d.sent_compressed,
        ];
        for (desc, v) in metrics::NETDEV.iter().zip(values) {
            set.put(desc, labels([("device", &d.name)]), v as f64);
        }
    }
    Ok(())
}

/// Bytes per sector in `/proc/diskstats` (always 512, whatever the device's sector size).
const SECTOR_BYTES: f64 = 512.0;

/// `/proc/diskstats` as node_exporter's `node_disk_*{device}`; times in seconds, sectors in
/// bytes (except `node_disk_discarded_sectors_total`, which node_exporter leaves in sectors).
pub fn parse_diskstats(
    text: &str,
    exclude: &crate::config::Pattern,
    set: &mut MetricSet,
) -> Result<(), ProbeError> {
    let stats = procfs_core::DiskStats::from_read(text.as_bytes())
        .map_err(|e| ProbeError::Protocol(format!("diskstats: {e}")))?;
    for d in stats.0.iter().filter(|d| !exclude.is_match(&d.name)) {
        let l = || labels([("device", &d.name)]);
        let ms = |v: u64| v as f64 / 1000.0;
        let counters = [
            (&metrics::NODE_DISK_READS_COMPLETED_TOTAL, d.reads as f64),
            (&metrics::NODE_DISK_READS_MERGED_TOTAL, d.merged as f64),
            (
                &metrics::NODE_DISK_READ_BYTES_TOTAL,
                d.sectors_read as f64 * SECTOR_BYTES,
            ),
            (
                &metrics::NODE_DISK_READ_TIME_SECONDS_TOTAL,
                ms(d.time_reading),
            ),
            (&metrics::NODE_DISK_WRITES_COMPLETED_TOTAL, d.writes as f64),
            (
                &metrics::NODE_DISK_WRITES_MERGED_TOTAL,
                d.writes_merged as f64,
            ),
            (
                &metrics::NODE_DISK_WRITTEN_BYTES_TOTAL,
                d.sectors_written as f64 * SECTOR_BYTES,
            ),
            (
                &metrics::NODE_DISK_WRITE_TIME_SECONDS_TOTAL,
                ms(d.time_writing),
            ),
            (
                &metrics::NODE_DISK_IO_TIME_SECONDS_TOTAL,
                ms(d.time_in_progress),
            ),
            (
                &metrics::NODE_DISK_IO_TIME_WEIGHTED_SECONDS_TOTAL,
                ms(d.weighted_time_in_progress),
            ),
        ];
        for (desc, v) in counters {
            set.put(desc, l(), v);
        }
        set.put(&metrics::NODE_DISK_IO_NOW, l(), d.in_progress as f64);
        // Kernel 4.18+ adds discards, 5.5+ flushes.
        if let (Some(n), Some(m), Some(s), Some(t)) = (
            d.discards,
            d.discards_merged,
            d.sectors_discarded,
            d.time_discarding,
        ) {
            set.put(&metrics::NODE_DISK_DISCARDS_COMPLETED_TOTAL, l(), n as f64);
            set.put(&metrics::NODE_DISK_DISCARDS_MERGED_TOTAL, l(), m as f64);
            set.put(&metrics::NODE_DISK_DISCARDED_SECTORS_TOTAL, l(), s as f64);
            set.put(&metrics::NODE_DISK_DISCARD_TIME_SECONDS_TOTAL, l(), ms(t));
        }
        if let (Some(n), Some(t)) = (d.flushes, d.time_flushing) {
            set.put(&metrics::NODE_DISK_FLUSH_REQUESTS_TOTAL, l(), n as f64);
            set.put(
                &metrics::NODE_DISK_FLUSH_REQUESTS_TIME_SECONDS_TOTAL,
                l(),
                ms(t),
            );
        }
    }
    Ok(())
}

/// `/proc/sys/fs/file-nr` as `node_filefd_allocated` and `node_filefd_maximum`.
pub fn parse_filefd(text: &str, set: &mut MetricSet) -> Result<(), ProbeError> {
    let f: Vec<&str> = text.split_whitespace().collect();
    let [allocated, _, maximum] = f[..] else {
        return Err(malformed("file-nr"));
    };
    set.put(
        &metrics::NODE_FILEFD_ALLOCATED,
        vec![],
        number(allocated, "file-nr")?,
    );
    set.put(
        &metrics::NODE_FILEFD_MAXIMUM,
        vec![],
        number(maximum, "file-nr")?,
    );
    Ok(())
}

/// `/proc/pressure/<resource>` as node_exporter's `node_pressure_*_seconds_total`: `some` is
/// "waiting", `full` is "stalled" (none for cpu, as node_exporter 1.5).
pub fn parse_pressure(resource: &str, text: &str, set: &mut MetricSet) -> Result<(), ProbeError> {
    for line in text.lines() {
        let rec = procfs_core::parse_pressure_record(line)
            .map_err(|e| ProbeError::Protocol(format!("pressure/{resource}: {e}")))?;
        let secs = rec.total as f64 / 1e6;
        match (resource, &line[..4]) {
            ("cpu", "some") => set.put(
                &metrics::NODE_PRESSURE_CPU_WAITING_SECONDS_TOTAL,
                vec![],
                secs,
            ),
            ("io", "some") => set.put(
                &metrics::NODE_PRESSURE_IO_WAITING_SECONDS_TOTAL,
                vec![],
                secs,
            ),
            ("io", "full") => set.put(
                &metrics::NODE_PRESSURE_IO_STALLED_SECONDS_TOTAL,
                vec![],
                secs,
            ),
            ("memory", "some") => set.put(
                &metrics::NODE_PRESSURE_MEMORY_WAITING_SECONDS_TOTAL,
                vec![],
                secs,
            ),
            ("memory", "full") => set.put(
                &metrics::NODE_PRESSURE_MEMORY_STALLED_SECONDS_TOTAL,
                vec![],
                secs,
            ),
            _ => {}
        }
    }
    Ok(())
}

/// One md device of `/proc/mdstat`.
#[derive(Debug, Clone, PartialEq)]
pub struct MdDevice {
    /// Device name (`md0`).
    pub name: String,
    /// `active`, `inactive`, `recovering`, `resyncing` or `checking`.
    pub state: String,
    /// Disks the array has now.
    pub active: u64,
    /// Disks the array needs.
    pub total: u64,
    /// Members marked `(F)`.
    pub failed: u64,
    /// Members marked `(S)`.
    pub spare: u64,
    /// Size in 1 KiB blocks.
    pub blocks: u64,
    /// Blocks synced during a recovery or resync, `blocks` otherwise.
    pub synced: u64,
}

/// Parses `/proc/mdstat` the way the Go procfs library does for node_exporter's mdadm collector.
pub fn parse_mdstat_devices(text: &str) -> Result<Vec<MdDevice>, ProbeError> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 3 || f[1] != ":" || line.starts_with("Personalities") || f[0] == "unused" {
            continue;
        }
        let status = lines.get(i + 1).ok_or_else(|| malformed("mdstat"))?;
        let blocks: u64 = status
            .split_whitespace()
            .next()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| malformed("mdstat"))?;
        let failed = line.matches("(F)").count() as u64;
        let spare = line.matches("(S)").count() as u64;
        let mut state = f[2].to_string();
        let (active, total) = if line.contains("raid0") || line.contains("linear") {
            let n = line.matches('[').count() as u64;
            (n, n)
        } else if line.contains("inactive") {
            (0, 0)
        } else {
            // "... [2/1] [U_]": needed/active
            status
                .split_whitespace()
                .find_map(|t| {
                    let inner = t.strip_prefix('[')?.strip_suffix(']')?;
                    let (a, b) = inner.split_once('/')?;
                    Some((b.parse::<u64>().ok()?, a.parse::<u64>().ok()?))
                })
                .ok_or_else(|| malformed("mdstat status line"))?
        };
        let mut synced = blocks;
        // The recovery/resync progress line, if any, follows within the next two lines.
        for next in lines.iter().skip(i + 2).take(2) {
            let n = next.trim_start();
            if n.is_empty() || n.split_whitespace().nth(1) == Some(":") {
                break;
            }
            let activity = if n.contains("recovery") {
                Some("recovering")
            } else if n.contains("resync") {
                Some("resyncing")
            } else if n.contains("check") {
                Some("checking")
            } else {
                None
            };
            if let Some(a) = activity {
                state = a.to_string();
                // "... recovery = 12.6% (12345/98765) finish=..."
                if let Some(done) = n
                    .split_whitespace()
                    .find_map(|t| t.strip_prefix('(')?.split_once('/').map(|(d, _)| d))
                    .and_then(|d| d.parse().ok())
                {
                    synced = done;
                }
                break;
            }
        }
        out.push(MdDevice {
            name: f[0].to_string(),
            state,
            active,
            total,
            failed,
            spare,
            blocks,
            synced,
        });
    }
    Ok(out)
}

/// `/proc/mdstat` as node_exporter's mdadm families.
pub fn parse_mdstat(text: &str, set: &mut MetricSet) -> Result<(), ProbeError> {
    for md in parse_mdstat_devices(text)? {
        let dev = md.name.as_str();
        set.put(
            &metrics::NODE_MD_DISKS_REQUIRED,
            labels([("device", dev)]),
            md.total as f64,
        );
        for (state, v) in [
            ("active", md.active),
            ("failed", md.failed),
            ("spare", md.spare),
        ] {
            set.put(
                &metrics::NODE_MD_DISKS,
                labels([("device", dev), ("state", state)]),
                v as f64,
            );
        }
        for (state, is) in [
            ("active", "active"),
            ("inactive", "inactive"),
            ("recovering", "recovering"),
            ("resync", "resyncing"),
            ("check", "checking"),
        ] {
            set.put(
                &metrics::NODE_MD_STATE,
                labels([("device", dev), ("state", state)]),
                if md.state == is { 1.0 } else { 0.0 },
            );
        }
        set.put(
            &metrics::NODE_MD_BLOCKS,
            labels([("device", dev)]),
            md.blocks as f64,
        );
        set.put(
            &metrics::NODE_MD_BLOCKS_SYNCED,
            labels([("device", dev)]),
            md.synced as f64,
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Pattern;

    fn value(set: &MetricSet, name: &str, l: &[(&str, &str)]) -> Option<f64> {
        set.value(name, l)
    }

    #[test]
    fn stat_counters() {
        let mut s = MetricSet::new();
        parse_stat_counters(
            "cpu  1 2 3 4 5 6 7 8 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\nintr 641752 0 9\nctxt 1593781\nbtime 1796155541\nprocesses 20421\nprocs_running 3\nprocs_blocked 1\n",
            &mut s,
        )
        .unwrap();
        assert_eq!(value(&s, "node_boot_time_seconds", &[]), Some(1796155541.0));
        assert_eq!(
            value(&s, "node_context_switches_total", &[]),
            Some(1593781.0)
        );
        assert_eq!(value(&s, "node_forks_total", &[]), Some(20421.0));
        assert_eq!(value(&s, "node_intr_total", &[]), Some(641752.0));
        assert_eq!(value(&s, "node_procs_blocked", &[]), Some(1.0));
        assert!(parse_stat_counters("garbage\n", &mut s).is_err());
    }

    #[test]
    fn meminfo_every_field_named_as_node_exporter() {
        let mut s = MetricSet::new();
        parse_meminfo(
            "MemTotal:       1024 kB\nActive(anon):     10 kB\nHugePages_Total:       0\n",
            &mut s,
        )
        .unwrap();
        assert_eq!(
            value(&s, "node_memory_MemTotal_bytes", &[]),
            Some(1048576.0)
        );
        assert_eq!(
            value(&s, "node_memory_Active_anon_bytes", &[]),
            Some(10240.0)
        );
        assert_eq!(value(&s, "node_memory_HugePages_Total", &[]), Some(0.0));
        assert!(parse_meminfo("", &mut s).is_err());
    }

    #[test]
    fn vmstat_default_fields() {
        let mut s = MetricSet::new();
        parse_vmstat(
            "nr_free_pages 1\npgpgin 5\npgfault 7\npgmajfault 3\noom_kill 1\npswpin 0\npgfree 9\n",
            &mut s,
        )
        .unwrap();
        assert_eq!(value(&s, "node_vmstat_pgmajfault", &[]), Some(3.0));
        assert_eq!(value(&s, "node_vmstat_oom_kill", &[]), Some(1.0));
        assert!(s.get("node_vmstat_pgfault").is_some());
        assert!(s.get("node_vmstat_pgfree").is_none());
        assert!(s.get("node_vmstat_nr_free_pages").is_none());
    }

    #[test]
    fn netdev_and_filter() {
        let text = "Inter-|   Receive                                                |  Transmit\n face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n    lo: 100 2 0 0 0 0 0 0 100 2 0 0 0 0 0 0\n  eth0: 264271062 7075 1 2 0 0 0 0 335060 3745 3 4 0 0 0 0\n";
        let mut s = MetricSet::new();
        parse_netdev(text, &Pattern::new("lo").unwrap(), &mut s).unwrap();
        let l = [("device", "eth0")];
        assert_eq!(
            value(&s, "node_network_receive_bytes_total", &l),
            Some(264271062.0)
        );
        assert_eq!(value(&s, "node_network_receive_errs_total", &l), Some(1.0));
        assert_eq!(value(&s, "node_network_transmit_drop_total", &l), Some(4.0));
        assert_eq!(
            s.get("node_network_transmit_packets_total")
                .unwrap()
                .samples
                .len(),
            1
        );
    }

    #[test]
    fn diskstats_units_and_default_filter() {
        let text = " 254       0 vda 39505 7469 3865408 19174 47756 65658 36818696 197649 0 17572 219806 13697 32 2376920 2656 7895 325\n 254       1 vda1 1 0 8 1 0 0 0 0 0 1 1\n   7       0 loop0 1 0 2 0 0 0 0 0 0 0 0\n";
        let mut s = MetricSet::new();
        let ex = Pattern::new(super::super::DEFAULT_DISK_DEVICES_EXCLUDE).unwrap();
        parse_diskstats(text, &ex, &mut s).unwrap();
        let l = [("device", "vda")];
        assert_eq!(
            value(&s, "node_disk_read_bytes_total", &l),
            Some(3865408.0 * 512.0)
        );
        assert_eq!(
            value(&s, "node_disk_io_time_weighted_seconds_total", &l),
            Some(219.806)
        );
        assert_eq!(
            value(&s, "node_disk_discarded_sectors_total", &l),
            Some(2376920.0)
        );
        assert_eq!(
            value(&s, "node_disk_flush_requests_time_seconds_total", &l),
            Some(0.325)
        );
        assert_eq!(
            s.get("node_disk_reads_completed_total")
                .unwrap()
                .samples
                .len(),
            1,
            "partitions and loop devices are excluded"
        );
    }

    #[test]
    fn filefd_conntrack_pressure() {
        let mut s = MetricSet::new();
        parse_filefd("1302\t0\t2466116\n", &mut s).unwrap();
        assert_eq!(value(&s, "node_filefd_maximum", &[]), Some(2466116.0));
        parse_pressure(
            "io",
            "some avg10=0.00 avg60=0.00 avg300=0.00 total=7164043\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=3975375\n",
            &mut s,
        )
        .unwrap();
        assert_eq!(
            value(&s, "node_pressure_io_stalled_seconds_total", &[]),
            Some(3.975375)
        );
        parse_pressure(
            "cpu",
            "some avg10=1 avg60=1 avg300=1 total=1000000\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n",
            &mut s,
        )
        .unwrap();
        assert_eq!(
            value(&s, "node_pressure_cpu_waiting_seconds_total", &[]),
            Some(1.0)
        );
        assert!(parse_filefd("1 2", &mut s).is_err());
    }

    #[test]
    fn mdstat_states() {
        let text = "Personalities : [raid1] [raid0]\nmd0 : active raid1 sdb1[1](F) sda1[0]\n      1046528 blocks super 1.2 [2/1] [U_]\n      [=>...................]  recovery =  8.5% (89536/1046528) finish=0.1min speed=89536K/sec\n\nmd1 : active raid0 sdc1[0] sdd1[1]\n      2093056 blocks super 1.2 512k chunks\n\nmd2 : inactive sde1[0](S)\n      1046528 blocks super 1.2\n\nunused devices: <none>\n";
        let mds = parse_mdstat_devices(text).unwrap();
        assert_eq!(mds.len(), 3);
        assert_eq!(
            (
                mds[0].state.as_str(),
                mds[0].active,
                mds[0].total,
                mds[0].failed
            ),
            ("recovering", 1, 2, 1)
        );
        assert_eq!(mds[0].synced, 89536);
        assert_eq!((mds[1].active, mds[1].total), (2, 2));
        assert_eq!((mds[2].state.as_str(), mds[2].spare), ("inactive", 1));
        let mut s = MetricSet::new();
        parse_mdstat(text, &mut s).unwrap();
        assert_eq!(
            value(
                &s,
                "node_md_disks",
                &[("device", "md0"), ("state", "failed")]
            ),
            Some(1.0)
        );
        assert_eq!(
            value(&s, "node_md_disks_required", &[("device", "md0")]),
            Some(2.0)
        );
        assert_eq!(
            value(
                &s,
                "node_md_state",
                &[("device", "md0"), ("state", "recovering")]
            ),
            Some(1.0)
        );
    }
}
