//! cAdvisor's per-container families that the community's container rules read, computed as
//! cAdvisor computes them from the same kernel files: `container_last_seen`,
//! `container_spec_cpu_quota`/`_period`/`_shares`, the CFS throttling counters, per-interface
//! network counters and per-device block I/O counters.
//!
//! The parsers take file contents and are pure; [`read`] does the reads for one container
//! below the host's cgroup tree and procfs. A file that is not there leaves its families out.

use std::path::{Path, PathBuf};

use procfs_core::FromRead;

use super::metrics;
use crate::metrics::{Labels, MetricSet};

/// CPU settings and CFS statistics of a container's cgroup.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cpu {
    /// CFS quota in µs per period; 0 when unlimited (cAdvisor's convention).
    pub quota: u64,
    /// CFS period in µs.
    pub period: u64,
    /// CPU shares (cgroup v2: converted from `cpu.weight` as cAdvisor does).
    pub shares: u64,
    /// `nr_periods`.
    pub periods: u64,
    /// `nr_throttled`.
    pub throttled_periods: u64,
    /// Throttled time, seconds.
    pub throttled_seconds: f64,
}

/// Block I/O of one device.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Io {
    /// `major:minor`.
    pub major_minor: String,
    /// Bytes read.
    pub read_bytes: u64,
    /// Bytes written.
    pub write_bytes: u64,
    /// Read operations.
    pub reads: u64,
    /// Write operations.
    pub writes: u64,
}

/// Counters of one network interface inside the container's namespace.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Net {
    /// Interface name.
    pub interface: String,
    /// rx bytes, packets, errors, dropped.
    pub rx: [u64; 4],
    /// tx bytes, packets, errors, dropped.
    pub tx: [u64; 4],
}

/// What [`read`] found for one container.
#[derive(Debug, Clone, Default)]
pub struct Extra {
    /// CPU settings and throttling, when the cgroup is readable.
    pub cpu: Option<Cpu>,
    /// Block I/O per device (device label already resolved).
    pub io: Vec<(String, Io)>,
    /// Network interfaces (cAdvisor's ignored prefixes removed).
    pub net: Vec<Net>,
}

fn flat(text: &str) -> std::collections::HashMap<&str, u64> {
    text.lines()
        .filter_map(|l| {
            let mut it = l.split_whitespace();
            Some((it.next()?, it.next()?.parse().ok()?))
        })
        .collect()
}

/// cgroup v1: `cpu.cfs_quota_us` (`-1` unlimited), `cpu.cfs_period_us`, `cpu.shares`,
/// `cpu.stat` (`throttled_time` in ns).
pub fn cpu_v1(quota: &str, period: &str, shares: &str, stat: &str) -> Cpu {
    let st = flat(stat);
    Cpu {
        quota: quota.trim().parse::<u64>().unwrap_or(0),
        period: period.trim().parse().unwrap_or(0),
        shares: shares.trim().parse().unwrap_or(0),
        periods: st.get("nr_periods").copied().unwrap_or(0),
        throttled_periods: st.get("nr_throttled").copied().unwrap_or(0),
        throttled_seconds: st.get("throttled_time").copied().unwrap_or(0) as f64 / 1e9,
    }
}

/// cgroup v2: `cpu.max` (`max 100000` or `50000 100000`), `cpu.weight`, `cpu.stat`
/// (`throttled_usec`). Shares from the weight with cAdvisor's (Kubernetes') conversion.
pub fn cpu_v2(max: &str, weight: &str, stat: &str) -> Cpu {
    let st = flat(stat);
    let mut f = max.split_whitespace();
    let quota = f.next().and_then(|q| q.parse().ok()).unwrap_or(0);
    let period = f.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    let shares = weight
        .trim()
        .parse::<u64>()
        .ok()
        .filter(|w| (1..=10000).contains(w))
        .map(|w| 2 + ((w - 1) * 262142) / 9999)
        .unwrap_or(0);
    Cpu {
        quota,
        period,
        shares,
        periods: st.get("nr_periods").copied().unwrap_or(0),
        throttled_periods: st.get("nr_throttled").copied().unwrap_or(0),
        throttled_seconds: st.get("throttled_usec").copied().unwrap_or(0) as f64 / 1e6,
    }
}

/// cgroup v1 `blkio.throttle.io_service_bytes` and `blkio.throttle.io_serviced`
/// (`8:0 Read 123` lines).
pub fn io_v1(bytes: &str, serviced: &str) -> Vec<Io> {
    let mut out: Vec<Io> = Vec::new();
    let mut put = |text: &str, ops: bool| {
        for line in text.lines() {
            let f: Vec<&str> = line.split_whitespace().collect();
            let [dev, op, v] = f[..] else { continue };
            let Ok(v) = v.parse::<u64>() else { continue };
            if !dev.contains(':') {
                continue;
            }
            let i = match out.iter().position(|e| e.major_minor == dev) {
                Some(i) => i,
                None => {
                    out.push(Io {
                        major_minor: dev.to_string(),
                        ..Io::default()
                    });
                    out.len() - 1
                }
            };
            let e = &mut out[i];
            match (op, ops) {
                ("Read", false) => e.read_bytes = v,
                ("Write", false) => e.write_bytes = v,
                ("Read", true) => e.reads = v,
                ("Write", true) => e.writes = v,
                _ => {}
            }
        }
    };
    put(bytes, false);
    put(serviced, true);
    out
}

/// cgroup v2 `io.stat` (`8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0`).
pub fn io_v2(text: &str) -> Vec<Io> {
    text.lines()
        .filter_map(|line| {
            let mut f = line.split_whitespace();
            let dev = f.next()?;
            if !dev.contains(':') {
                return None;
            }
            let mut e = Io {
                major_minor: dev.to_string(),
                ..Io::default()
            };
            for kv in f {
                let Some((k, v)) = kv.split_once('=') else {
                    continue;
                };
                let v = v.parse().unwrap_or(0);
                match k {
                    "rbytes" => e.read_bytes = v,
                    "wbytes" => e.write_bytes = v,
                    "rios" => e.reads = v,
                    "wios" => e.writes = v,
                    _ => {}
                }
            }
            Some(e)
        })
        .collect()
}

/// Interface name prefixes cAdvisor leaves out of container network stats.
const IGNORED_NET: [&str; 4] = ["lo", "veth", "docker", "nerdctl"];

/// `/proc/<pid>/net/dev` of the container's first process, cAdvisor's ignored interfaces
/// removed.
pub fn net(text: &str) -> Vec<Net> {
    let Ok(devs) = procfs_core::net::InterfaceDeviceStatus::from_read(text.as_bytes()) else {
        return Vec::new();
    };
    let mut out: Vec<Net> = devs
        .0
        .into_values()
        .filter(|d| !IGNORED_NET.iter().any(|p| d.name.starts_with(p)))
        .map(|d| Net {
            interface: d.name,
            rx: [d.recv_bytes, d.recv_packets, d.recv_errs, d.recv_drop],
            tx: [d.sent_bytes, d.sent_packets, d.sent_errs, d.sent_drop],
        })
        .collect();
    out.sort_by(|a, b| a.interface.cmp(&b.interface));
    out
}

/// `/dev/<name>` of a block device from `<sysfs>/dev/block/<major:minor>/uevent`, as cAdvisor
/// labels it; `major:minor` when unknown.
fn device_name(sysfs: &Path, mm: &str) -> String {
    crate::probe::pseudo_fs::read(&sysfs.join("dev/block").join(mm).join("uevent"))
        .ok()
        .and_then(|u| {
            u.lines()
                .find_map(|l| l.strip_prefix("DEVNAME=").map(|n| format!("/dev/{n}")))
        })
        .unwrap_or_else(|| mm.to_string())
}

/// The sysfs that holds `cgroup_root` (`/sys` for `/sys/fs/cgroup`).
fn sysfs_of(cgroup_root: &Path) -> PathBuf {
    cgroup_root
        .parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("/sys"))
}

/// Reads CPU settings, throttling and block I/O from the container's cgroup directories
/// (`dirs`: v2 the one directory, v1 `(cpu dir, blkio dir)`), and network counters from
/// `<procfs>/<pid>/net/dev`. `cpu_stat` is the v2 `cpu.stat` text when the caller has just read
/// it (it is then not read again).
pub fn read(
    cgroup_root: &Path,
    dirs: CgroupDirs,
    procfs: &Path,
    pid: i64,
    cpu_stat: Option<String>,
) -> Extra {
    let r = |p: PathBuf| crate::probe::pseudo_fs::read(&p).ok();
    let sysfs = sysfs_of(cgroup_root);
    let mut extra = Extra::default();
    let io = match dirs {
        CgroupDirs::V2(d) => {
            // `cpu.stat` as the usage read it moments ago, when it did (one read less).
            let stat = cpu_stat.or_else(|| r(d.join("cpu.stat")));
            if let (Some(max), Some(stat)) = (r(d.join("cpu.max")), stat) {
                let weight = r(d.join("cpu.weight")).unwrap_or_default();
                extra.cpu = Some(cpu_v2(&max, &weight, &stat));
            }
            r(d.join("io.stat")).map(|t| io_v2(&t)).unwrap_or_default()
        }
        CgroupDirs::V1 { cpu, blkio } => {
            if let (Some(q), Some(p), Some(stat)) = (
                r(cpu.join("cpu.cfs_quota_us")),
                r(cpu.join("cpu.cfs_period_us")),
                r(cpu.join("cpu.stat")),
            ) {
                let shares = r(cpu.join("cpu.shares")).unwrap_or_default();
                extra.cpu = Some(cpu_v1(&q, &p, &shares, &stat));
            }
            match (
                r(blkio.join("blkio.throttle.io_service_bytes")),
                r(blkio.join("blkio.throttle.io_serviced")),
            ) {
                (Some(b), Some(s)) => io_v1(&b, &s),
                _ => Vec::new(),
            }
        }
    };
    extra.io = io
        .into_iter()
        .map(|e| (device_name(&sysfs, &e.major_minor), e))
        .collect();
    if pid > 0
        && let Some(t) = r(procfs.join(pid.to_string()).join("net/dev"))
    {
        extra.net = net(&t);
    }
    extra
}

/// Where a container's cgroup lives.
#[derive(Debug, Clone)]
pub enum CgroupDirs {
    /// cgroup v2: one directory.
    V2(PathBuf),
    /// cgroup v1: the `cpu` and `blkio` controller directories.
    V1 {
        /// `cpu` controller directory.
        cpu: PathBuf,
        /// `blkio` controller directory.
        blkio: PathBuf,
    },
}

fn with(key: &Labels, extra: &[(&str, &str)]) -> Labels {
    let mut l = key.clone();
    l.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    l
}

/// `container_last_seen{key}`: `now`, for a container seen running in this collection.
pub fn emit_last_seen(set: &mut MetricSet, key: &Labels, now: f64) {
    set.put(&metrics::CONTAINER_LAST_SEEN, key.clone(), now);
}

/// cAdvisor's families of one container from `extra`.
pub fn emit(set: &mut MetricSet, key: &Labels, extra: &Extra) {
    if let Some(c) = &extra.cpu {
        if c.period != 0 {
            set.put(
                &metrics::CONTAINER_SPEC_CPU_PERIOD,
                key.clone(),
                c.period as f64,
            );
        }
        if c.quota != 0 {
            set.put(
                &metrics::CONTAINER_SPEC_CPU_QUOTA,
                key.clone(),
                c.quota as f64,
            );
            set.put(
                &metrics::CONTAINER_CPU_CFS_PERIODS_TOTAL,
                key.clone(),
                c.periods as f64,
            );
            set.put(
                &metrics::CONTAINER_CPU_CFS_THROTTLED_PERIODS_TOTAL,
                key.clone(),
                c.throttled_periods as f64,
            );
            set.put(
                &metrics::CONTAINER_CPU_CFS_THROTTLED_SECONDS_TOTAL,
                key.clone(),
                c.throttled_seconds,
            );
        }
        set.put(
            &metrics::CONTAINER_SPEC_CPU_SHARES,
            key.clone(),
            c.shares as f64,
        );
    }
    for (device, io) in &extra.io {
        let l = with(key, &[("device", device)]);
        for (desc, v) in [
            (&metrics::CONTAINER_FS_READS_BYTES_TOTAL, io.read_bytes),
            (&metrics::CONTAINER_FS_WRITES_BYTES_TOTAL, io.write_bytes),
            (&metrics::CONTAINER_FS_READS_TOTAL, io.reads),
            (&metrics::CONTAINER_FS_WRITES_TOTAL, io.writes),
        ] {
            set.put(desc, l.clone(), v as f64);
        }
    }
    for n in &extra.net {
        let l = with(key, &[("interface", &n.interface)]);
        let values = n.rx.iter().chain(&n.tx);
        for (desc, v) in metrics::CONTAINER_NETWORK.iter().zip(values) {
            set.put(desc, l.clone(), *v as f64);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_settings_both_cgroup_versions() {
        let v1 = cpu_v1(
            "50000\n",
            "100000\n",
            "512\n",
            "nr_periods 10\nnr_throttled 3\nthrottled_time 2500000000\n",
        );
        assert_eq!((v1.quota, v1.period, v1.shares), (50000, 100000, 512));
        assert_eq!((v1.periods, v1.throttled_periods), (10, 3));
        assert_eq!(v1.throttled_seconds, 2.5);
        assert_eq!(cpu_v1("-1", "100000", "1024", "").quota, 0);
        let v2 = cpu_v2(
            "max 100000\n",
            "100\n",
            "usage_usec 1\nnr_periods 4\nnr_throttled 1\nthrottled_usec 1500000\n",
        );
        assert_eq!((v2.quota, v2.period, v2.shares), (0, 100000, 2597));
        assert_eq!(v2.throttled_seconds, 1.5);
        assert_eq!(cpu_v2("25000 100000", "1", "").quota, 25000);
        assert_eq!(cpu_v2("25000 100000", "1", "").shares, 2);
    }

    #[test]
    fn io_and_net() {
        let io = io_v1(
            "8:0 Read 4096\n8:0 Write 8192\n8:0 Total 12288\nTotal 12288\n",
            "8:0 Read 1\n8:0 Write 2\nTotal 3\n",
        );
        assert_eq!(
            io,
            vec![Io {
                major_minor: "8:0".into(),
                read_bytes: 4096,
                write_bytes: 8192,
                reads: 1,
                writes: 2
            }]
        );
        let io = io_v2("254:0 rbytes=10 wbytes=20 rios=1 wios=2 dbytes=0 dios=0\n");
        assert_eq!((io[0].read_bytes, io[0].writes), (10, 2));
        let n = net(
            "Inter-|\n face |\n    lo: 1 2 0 0 0 0 0 0 1 2 0 0 0 0 0 0\n  eth0: 100 3 1 2 0 0 0 0 50 4 0 5 0 0 0 0\nveth1: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n",
        );
        assert_eq!(n.len(), 1);
        assert_eq!(n[0].rx, [100, 3, 1, 2]);
        assert_eq!(n[0].tx, [50, 4, 0, 5]);
    }

    #[test]
    fn emits_cadvisor_names() {
        let key = vec![("name".to_string(), "web".to_string())];
        let mut s = MetricSet::new();
        emit(
            &mut s,
            &key,
            &Extra {
                cpu: Some(cpu_v1("-1", "100000", "1024", "nr_periods 0\n")),
                io: vec![("/dev/vda".into(), Io::default())],
                net: vec![Net {
                    interface: "eth0".into(),
                    ..Net::default()
                }],
            },
        );
        assert!(
            s.get("container_spec_cpu_quota").is_none(),
            "no quota: absent"
        );
        assert!(s.get("container_cpu_cfs_periods_total").is_none());
        assert_eq!(
            s.get("container_spec_cpu_period").unwrap().samples[0].1,
            100000.0
        );
        assert_eq!(
            s.get("container_spec_cpu_shares").unwrap().samples[0].1,
            1024.0
        );
        assert!(s.get("container_fs_reads_bytes_total").is_some());
        assert!(
            s.get("container_network_receive_packets_dropped_total")
                .is_some()
        );
        assert!(s.get("container_network_transmit_errors_total").is_some());
        emit_last_seen(&mut s, &key, 5.0);
        assert_eq!(s.get("container_last_seen").unwrap().samples[0].1, 5.0);
    }
}
