//! Configuration of the Docker containers probe (`docker:`).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::config::{Global, Pattern, opt_duration};
use crate::probe::{Probe, Section};

/// The Docker engine whose containers are watched.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DockerConfig {
    /// Whether the containers probe runs.
    pub enabled: bool,
    /// Engine address (`unix:///var/run/docker.sock`, `tcp://...`); empty means `DOCKER_HOST`
    /// or the default socket.
    pub host: String,
    /// Containers to report, by name (anchored regex, without the leading `/`).
    pub name_include: Pattern,
    /// Containers to leave out, by name.
    pub name_exclude: Option<Pattern>,
    /// Only containers carrying all these labels (`key` or `key=value`).
    pub label_selector: Vec<String>,
    /// Add the container id as a label (off: ids are unbounded across re-creations).
    pub id_label: bool,
    /// Most stats requests in flight at once.
    pub stats_concurrency: usize,
    /// Where CPU and memory usage come from.
    pub stats_source: StatsSource,
    /// The host's cgroup mount as the exporter sees it (`/host/sys/fs/cgroup` in a container).
    pub cgroup_root: PathBuf,
    /// Deadline of this probe (default: `global.timeout`).
    #[serde(with = "opt_duration")]
    pub timeout: Option<Duration>,
}

/// Source of container CPU and memory usage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum StatsSource {
    /// The cgroup files under `cgroup_root` when the container's cgroup is found there, the
    /// Engine's one-shot stats otherwise.
    #[default]
    Auto,
    /// Always the Engine's one-shot stats API.
    Api,
    /// Only the cgroup files (containers whose cgroup is not found get no usage metrics).
    Cgroup,
}

impl Default for DockerConfig {
    fn default() -> Self {
        DockerConfig {
            enabled: true,
            host: String::new(),
            name_include: Pattern::new(".*").expect("valid"),
            name_exclude: None,
            label_selector: Vec::new(),
            id_label: false,
            stats_concurrency: 8,
            stats_source: StatsSource::Auto,
            cgroup_root: PathBuf::from("/sys/fs/cgroup"),
            timeout: None,
        }
    }
}
impl Section for DockerConfig {
    fn embedded() -> Self {
        DockerConfig::default()
    }
    fn absent() -> Self {
        DockerConfig {
            enabled: false,
            ..DockerConfig::default()
        }
    }
    fn example() -> Self {
        DockerConfig {
            label_selector: vec!["x".into()],
            ..DockerConfig::default()
        }
    }
    fn validate(&self, key: &str) -> Result<(), String> {
        for (i, l) in self.label_selector.iter().enumerate() {
            if l.is_empty() || l.starts_with('=') {
                return Err(format!(
                    "key {key}.label_selector[{i}]: {l:?} must be `key` or `key=value`"
                ));
            }
        }
        if self.stats_concurrency == 0 {
            return Err(format!("key {key}.stats_concurrency: must be at least 1"));
        }
        Ok(())
    }
    fn build(&self, global: &Global, out: &mut Vec<Arc<dyn Probe>>) {
        if self.enabled {
            out.push(Arc::new(super::DockerProbe::new(self.clone(), global.timeout)));
        }
    }
}
