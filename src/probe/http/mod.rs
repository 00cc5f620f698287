//! Service health probe (ServiceDown): one HTTP(S) GET of a configured health URL.
//!
//! Success means a response arrived before the deadline with a status listed in
//! `expected_status`. The probe exports, labelled by the configured service name:
//! `probe_success` (the framework's up gauge), `probe_duration_seconds` and
//! `probe_http_status_code` (0 when no response arrived). Addresses are resolved and tried
//! IPv4 first unless `ip_protocol: ip6` (blackbox_exporter defaults to IPv6, which breaks
//! Docker bridge networks).

use std::time::Duration;

use tokio::time::Instant;

use crate::metrics::{MetricSet, labels};
use crate::net::http as fetch;
use crate::probe::{Meta, Probe, ProbeError, ProbeFuture};

mod config;
pub mod metrics;
pub use config::ServiceTarget;

/// Most body bytes read from a health endpoint; the body is discarded, a longer one is cut.
const MAX_BODY: usize = 64 * 1024;

/// Probes one service health URL.
pub struct HttpProbe {
    meta: Meta,
    config: ServiceTarget,
}

impl HttpProbe {
    /// A probe for `config`; `default_timeout` applies when it sets none.
    pub fn new(config: ServiceTarget, default_timeout: Duration) -> Self {
        let timeout = config.timeout.unwrap_or(default_timeout);
        let meta = Meta::new("http", &config.name, timeout)
            .target(config.url.redacted())
            .up(
                metrics::PROBE_SUCCESS,
                labels([("service", &config.name)]),
            );
        HttpProbe { meta, config }
    }

    async fn run(&self, deadline: Instant) -> Result<MetricSet, ProbeError> {
        let start = Instant::now();
        let result = fetch::get(
            self.config.url.url(),
            None,
            self.config.ip_protocol,
            deadline,
            MAX_BODY,
            fetch::Overflow::Truncate,
        )
        .await;
        let took = start.elapsed().as_secs_f64();
        let (code, failure) = match &result {
            Ok(r) => {
                let code = r.status.as_u16();
                let bad = (!self.config.expected_status.contains(&code)).then(|| {
                    format!(
                        "status {code} is not one of {:?}",
                        self.config.expected_status
                    )
                });
                (code, bad)
            }
            Err(e) => (0, Some(e.to_string())),
        };
        let mut set = MetricSet::new();
        let l = labels([("service", &self.config.name)]);
        set.put(&metrics::PROBE_DURATION_SECONDS, l.clone(),
            took,
        );
        set.put(&metrics::PROBE_HTTP_STATUS_CODE, l,
            f64::from(code),
        );
        match failure {
            None => Ok(set),
            Some(reason) => Err(ProbeError::FailedWith {
                reason,
                metrics: Box::new(set),
            }),
        }
    }
}

impl Probe for HttpProbe {
    fn meta(&self) -> &Meta {
        &self.meta
    }
    fn collect(&self, deadline: Instant) -> ProbeFuture<'_> {
        Box::pin(self.run(deadline))
    }
}
