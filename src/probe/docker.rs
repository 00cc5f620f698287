//! Containers probe (stub: to be implemented).

use std::time::Duration;

use crate::config::DockerConfig;
use crate::metrics::Labels;
use crate::probe::{Probe, ProbeError, ProbeFuture};

/// The containers probe.
pub struct DockerProbe {
    config: DockerConfig,
    timeout: Duration,
}

impl DockerProbe {
    /// A probe for `config`; `default_timeout` applies when it sets none.
    pub fn new(config: DockerConfig, default_timeout: Duration) -> Self {
        let timeout = config.timeout.unwrap_or(default_timeout);
        DockerProbe { config, timeout }
    }
}

impl Probe for DockerProbe {
    fn kind(&self) -> &'static str {
        "docker"
    }
    fn name(&self) -> &str {
        "docker"
    }
    fn target(&self) -> String {
        self.config.host.clone()
    }
    fn timeout(&self) -> Duration {
        self.timeout
    }
    fn up_metric(&self) -> Option<(&'static str, &'static str, Labels)> {
        Some((
            "nexo_exporter_docker_up",
            "Whether the Docker engine answered.",
            vec![],
        ))
    }
    fn collect(&self, _deadline: tokio::time::Instant) -> ProbeFuture<'_> {
        Box::pin(async { Err(ProbeError::Connect("not implemented".into())) })
    }
}
