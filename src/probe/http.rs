//! Service health probe (stub: to be implemented).

use std::time::Duration;

use crate::config::ServiceTarget;
use crate::metrics::{Labels, labels};
use crate::probe::{Probe, ProbeError, ProbeFuture};

/// Probes one service health URL.
pub struct HttpProbe {
    config: ServiceTarget,
    timeout: Duration,
}

impl HttpProbe {
    /// A probe for `config`; `default_timeout` applies when it sets none.
    pub fn new(config: ServiceTarget, default_timeout: Duration) -> Self {
        let timeout = config.timeout.unwrap_or(default_timeout);
        HttpProbe { config, timeout }
    }
}

impl Probe for HttpProbe {
    fn kind(&self) -> &'static str {
        "http"
    }
    fn name(&self) -> &str {
        &self.config.name
    }
    fn target(&self) -> String {
        self.config.url.redacted()
    }
    fn timeout(&self) -> Duration {
        self.timeout
    }
    fn up_metric(&self) -> Option<(&'static str, &'static str, Labels)> {
        Some((
            "probe_success",
            "Whether the service health check succeeded.",
            labels([("service", &self.config.name)]),
        ))
    }
    fn collect(&self, _deadline: tokio::time::Instant) -> ProbeFuture<'_> {
        Box::pin(async { Err(ProbeError::Connect("not implemented".into())) })
    }
}
