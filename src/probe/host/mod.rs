//! Host probe: load, CPU seconds, memory and filesystems, with node_exporter's names and labels.
//!
//! Load, CPU and memory come from `procfs` (default `/proc`). Filesystems are listed from
//! `<procfs>/1/mounts` and measured with `statfs(2)` on `<rootfs>/<mountpoint>`, so the exporter
//! reports the host when it runs in a container with the host's `/` mounted at `rootfs`. Each
//! `statfs` runs on a blocking thread under `mount_timeout`; a mount whose `statfs` hangs is
//! reported through `node_filesystem_device_error` and skipped until that call returns.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

mod kernel;
mod proc_stats;
mod sys_stats;

use crate::metrics::{Labels, MetricSet, labels};
use crate::probe::{Meta, Probe, ProbeError, ProbeFuture};

mod config;
pub mod metrics;
mod parse;
pub use parse::{Mount, parse_loadavg, parse_meminfo, parse_mounts, parse_stat};
pub use config::{
    DEFAULT_DISK_DEVICES_EXCLUDE, DEFAULT_FS_TYPES_EXCLUDE, DEFAULT_MOUNT_POINTS_EXCLUDE, HostConfig,
};

/// The host probe.
pub struct HostProbe {
    meta: Meta,
    config: HostConfig,
    stuck: Arc<Mutex<HashSet<String>>>,
}

impl HostProbe {
    /// A host probe with `config`, collecting within `timeout`.
    pub fn new(config: HostConfig, timeout: Duration) -> Self {
        let target = format!(
            "procfs {} rootfs {}",
            config.procfs.display(),
            config.rootfs.display()
        );
        HostProbe {
            meta: Meta::new("host", "host", timeout).target(target),
            config,
            stuck: Arc::default(),
        }
    }

    async fn run(&self, deadline: tokio::time::Instant) -> Result<MetricSet, ProbeError> {
        let procfs = self.config.procfs.clone();
        let mut set = MetricSet::new();
        let read = |name: &str| {
            let p = procfs.join(name);
            crate::probe::pseudo_fs::read(&p)
                .map_err(|e| ProbeError::Query(format!("read {}: {e}", p.display())))
        };
        parse_loadavg(&read("loadavg")?, &mut set)?;
        let stat = read("stat")?;
        parse_stat(&stat, &mut set)?;
        if let Err(e) = proc_stats::parse_stat_counters(&stat, &mut set) {
            tracing::debug!(error = %e, "/proc/stat counters left out");
        }
        proc_stats::parse_meminfo(&read("meminfo")?, &mut set)?;
        let mounts = crate::probe::pseudo_fs::read(&procfs.join("1/mounts"))
            .or_else(|_| crate::probe::pseudo_fs::read(&procfs.join("mounts")))
            .map_err(|e| ProbeError::Query(format!("read mounts: {e}")))?;
        self.filesystems(&mounts, deadline, &mut set).await;
        set.merge(self.node_families(deadline).await);
        Ok(set)
    }

    /// The optional node_exporter families (procfs, sysfs and syscalls), read on a blocking
    /// thread before `deadline`; families the host lacks are absent.
    async fn node_families(&self, deadline: tokio::time::Instant) -> MetricSet {
        let config = self.config.clone();
        let task = tokio::task::spawn_blocking(move || {
            let mut set = MetricSet::new();
            let filters = proc_stats::Filters {
                disk_exclude: &config.disk_devices_exclude,
                net_exclude: &config.network_devices_exclude,
            };
            proc_stats::collect(&config.procfs, filters, &mut set);
            sys_stats::collect(&config.sysfs, &config.network_devices_exclude, &mut set);
            kernel::collect(&mut set);
            set
        });
        match tokio::time::timeout_at(deadline, task).await {
            Ok(Ok(set)) => set,
            Ok(Err(_)) => {
                tracing::warn!("host families panicked; left out of this scrape");
                MetricSet::new()
            }
            Err(_) => {
                tracing::warn!("host families not read before the deadline; left out");
                MetricSet::new()
            }
        }
    }

    /// Measures every included mount; a `statfs` still running at `mount_timeout` or at
    /// `deadline`, whichever comes first, reports the mount with a device error.
    async fn filesystems(&self, mounts: &str, deadline: tokio::time::Instant, set: &mut MetricSet) {
        let mut seen = HashSet::new();
        let mut jobs = Vec::new();
        for m in parse_mounts(mounts) {
            if self.config.mount_points_exclude.is_match(&m.mountpoint)
                || self.config.fs_types_exclude.is_match(&m.fstype)
                || !seen.insert((m.device.clone(), m.mountpoint.clone(), m.fstype.clone()))
            {
                continue;
            }
            let path = join_rootfs(&self.config.rootfs, &m.mountpoint);
            let stuck = Arc::clone(&self.stuck);
            let until = deadline.min(tokio::time::Instant::now() + self.config.mount_timeout);
            jobs.push(async move {
                let key = m.mountpoint.clone();
                if stuck.lock().expect("stuck lock").contains(&key) {
                    return (m, Err("mount point still stuck".to_string()));
                }
                stuck.lock().expect("stuck lock").insert(key.clone());
                let s2 = Arc::clone(&stuck);
                let k2 = key.clone();
                let task = tokio::task::spawn_blocking(move || {
                    let r = nix::sys::statfs::statfs(&path);
                    s2.lock().expect("stuck lock").remove(&k2);
                    r
                });
                match tokio::time::timeout_at(until, task).await {
                    Ok(Ok(Ok(st))) => (m, Ok(st)),
                    Ok(Ok(Err(e))) => (m, Err(format!("statfs: {e}"))),
                    Ok(Err(_)) => (m, Err("statfs panicked".into())),
                    Err(_) => {
                        tracing::warn!(mountpoint = %key, "statfs timed out; mount reported as device error");
                        (m, Err("mount point timeout".into()))
                    }
                }
            });
        }
        let results = futures::future::join_all(jobs).await;
        for (m, r) in results {
            let l: Labels = labels([
                ("device", &m.device),
                ("fstype", &m.fstype),
                ("mountpoint", &m.mountpoint),
            ]);
            set.put(&metrics::NODE_FILESYSTEM_DEVICE_ERROR, l.clone(),
                if r.is_err() { 1.0 } else { 0.0 },
            );
            let st = match r {
                Ok(st) => st,
                Err(e) => {
                    tracing::debug!(mountpoint = %m.mountpoint, error = %e, "filesystem skipped");
                    continue;
                }
            };
            let bsize = st.block_size() as f64;
            let ro = st.flags().contains(nix::sys::statvfs::FsFlags::ST_RDONLY)
                || m.options.split(',').any(|o| o == "ro");
            let rows = [
                (
                    metrics::NODE_FILESYSTEM_SIZE_BYTES,
                    st.blocks() as f64 * bsize,
                ),
                (
                    metrics::NODE_FILESYSTEM_FREE_BYTES,
                    st.blocks_free() as f64 * bsize,
                ),
                (
                    metrics::NODE_FILESYSTEM_AVAIL_BYTES,
                    st.blocks_available() as f64 * bsize,
                ),
                (
                    metrics::NODE_FILESYSTEM_FILES,
                    st.files() as f64,
                ),
                (
                    metrics::NODE_FILESYSTEM_FILES_FREE,
                    st.files_free() as f64,
                ),
                (
                    metrics::NODE_FILESYSTEM_READONLY,
                    if ro { 1.0 } else { 0.0 },
                ),
            ];
            for (desc, v) in rows {
                set.put(&desc, l.clone(), v);
            }
        }
    }
}

impl Probe for HostProbe {
    fn meta(&self) -> &Meta {
        &self.meta
    }
    fn collect(&self, deadline: tokio::time::Instant) -> ProbeFuture<'_> {
        Box::pin(self.run(deadline))
    }
}

/// `<rootfs>/<mountpoint>` without doubling the slash.
fn join_rootfs(rootfs: &Path, mountpoint: &str) -> PathBuf {
    rootfs.join(mountpoint.trim_start_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_proc_files() {
        let mut set = MetricSet::new();
        parse_loadavg("0.50 1.25 2.00 1/234 5678\n", &mut set).unwrap();
        parse_stat(
            "cpu  10 0 5 100 1 0 0 0 0 0\ncpu0 10 0 5 100 1 0 0 0 0 0\nintr 1\n",
            &mut set,
        )
        .unwrap();
        proc_stats::parse_meminfo(
            "MemTotal:       1024 kB\nMemAvailable:    512 kB\nHugePages_Total: 0\n",
            &mut set,
        )
        .unwrap();
        assert_eq!(set.get("node_load5").unwrap().samples[0].1, 1.25);
        let cpu = set.get("node_cpu_seconds_total").unwrap();
        assert_eq!(cpu.samples.len(), 8);
        assert_eq!(cpu.samples[3].1, 1.0);
        assert_eq!(
            set.get("node_memory_MemTotal_bytes").unwrap().samples[0].1,
            1048576.0
        );
        assert!(parse_loadavg("garbage", &mut set).is_err());
    }

    #[test]
    fn parses_mounts_with_escapes() {
        let m = parse_mounts("/dev/vda / ext4 rw,relatime 0 0\nfoo /mnt/a\\040b tmpfs ro 0 0\n");
        assert_eq!(m[1].mountpoint, "/mnt/a b");
        assert_eq!(m[1].options, "ro");
        assert_eq!(
            join_rootfs(Path::new("/host"), "/var"),
            PathBuf::from("/host/var")
        );
    }
}
