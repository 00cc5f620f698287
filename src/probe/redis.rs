//! Redis probe (stub: to be implemented).

use std::time::Duration;

use crate::config::RedisTarget;
use crate::metrics::Labels;
use crate::probe::{Probe, ProbeError, ProbeFuture};

/// The redis probe for one target.
pub struct RedisProbe {
    config: RedisTarget,
    timeout: Duration,
    default_endpoint: bool,
}

impl RedisProbe {
    /// A probe for `config`; `default_timeout` applies when the target sets none;
    /// `default_endpoint` says whether it is served on `/metrics`.
    pub fn new(config: RedisTarget, default_timeout: Duration, default_endpoint: bool) -> Self {
        let timeout = config.timeout.unwrap_or(default_timeout);
        RedisProbe {
            config,
            timeout,
            default_endpoint,
        }
    }
}

impl Probe for RedisProbe {
    fn kind(&self) -> &'static str {
        "redis"
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
            "redis_up",
            "Whether the last probe of Redis succeeded.",
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
