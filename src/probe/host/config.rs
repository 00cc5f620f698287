//! Configuration of the host probe (`host:`).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::config::{Global, Pattern, duration};
use crate::probe::{Probe, Section};

/// The host probe: load, CPU, memory and filesystems, named as node_exporter names them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HostConfig {
    /// Whether the host probe runs.
    pub enabled: bool,
    /// Where the host's `/` is mounted (`/host` in a container); mount points are read below it.
    pub rootfs: PathBuf,
    /// The procfs to read load, CPU and memory from.
    pub procfs: PathBuf,
    /// Mount points to leave out (anchored regex), as node_exporter's default.
    pub mount_points_exclude: Pattern,
    /// Filesystem types to leave out (anchored regex), as node_exporter's default.
    pub fs_types_exclude: Pattern,
    /// How long one `statfs` may take before the mount is reported with an error.
    #[serde(with = "duration")]
    pub mount_timeout: Duration,
}

/// node_exporter's default mount-point exclusion.
pub const DEFAULT_MOUNT_POINTS_EXCLUDE: &str =
    "/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/).*";
/// node_exporter's default filesystem-type exclusion.
pub const DEFAULT_FS_TYPES_EXCLUDE: &str = "(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)";

impl Default for HostConfig {
    fn default() -> Self {
        HostConfig {
            enabled: true,
            rootfs: PathBuf::from("/"),
            procfs: PathBuf::from("/proc"),
            mount_points_exclude: Pattern::new(DEFAULT_MOUNT_POINTS_EXCLUDE).expect("valid"),
            fs_types_exclude: Pattern::new(DEFAULT_FS_TYPES_EXCLUDE).expect("valid"),
            mount_timeout: Duration::from_secs(2),
        }
    }
}
impl Section for HostConfig {
    fn embedded() -> Self {
        HostConfig::default()
    }
    /// The host probe stays on when the file leaves `host:` out.
    fn absent() -> Self {
        HostConfig::default()
    }
    fn example() -> Self {
        HostConfig::default()
    }
    fn build(&self, global: &Global, out: &mut Vec<Arc<dyn Probe>>) {
        if self.enabled {
            out.push(Arc::new(super::HostProbe::new(self.clone(), global.timeout)));
        }
    }
}
