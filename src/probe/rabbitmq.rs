//! Rabbitmq probe (stub: to be implemented).

use std::time::Duration;

use crate::config::RabbitmqTarget;
use crate::metrics::Labels;
use crate::probe::{Probe, ProbeError, ProbeFuture};

/// The rabbitmq probe for one target.
pub struct RabbitmqProbe {
    config: RabbitmqTarget,
    timeout: Duration,
    default_endpoint: bool,
}

impl RabbitmqProbe {
    /// A probe for `config`; `default_timeout` applies when the target sets none;
    /// `default_endpoint` says whether it is served on `/metrics`.
    pub fn new(config: RabbitmqTarget, default_timeout: Duration, default_endpoint: bool) -> Self {
        let timeout = config.timeout.unwrap_or(default_timeout);
        RabbitmqProbe {
            config,
            timeout,
            default_endpoint,
        }
    }
}

impl Probe for RabbitmqProbe {
    fn kind(&self) -> &'static str {
        "rabbitmq"
    }
    fn name(&self) -> &str {
        &self.config.name
    }
    fn target(&self) -> String {
        String::from("(not implemented)")
    }
    fn timeout(&self) -> Duration {
        self.timeout
    }
    fn up_metric(&self) -> Option<(&'static str, &'static str, Labels)> {
        Some((
            "rabbitmq_up",
            "Whether the last probe of Rabbitmq succeeded.",
            vec![],
        ))
    }
    fn on_default_endpoint(&self) -> bool {
        self.default_endpoint
    }
    fn collect(&self, _deadline: tokio::time::Instant) -> ProbeFuture<'_> {
        Box::pin(async { Err(ProbeError::Connect("not implemented".into())) })
    }
}
