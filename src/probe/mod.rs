//! The probe framework: one small trait every dependency module implements.
//!
//! A probe turns one configured target (a PostgreSQL server, a Redis, a RabbitMQ broker, the
//! Docker engine, the host, a service health URL) into a [`MetricSet`]. The [`crate::collect`]
//! module runs probes concurrently, each under its own deadline, and reports `*_up 0` for a
//! probe that errors, times out or panics.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use crate::config::Config;
use crate::metrics::{Labels, MetricSet};

pub mod docker;
pub mod fetch;
pub mod host;
pub mod http;
pub mod postgres;
pub mod rabbitmq;
pub mod redis;

/// Why a probe failed. Messages never carry secrets; they are logged and shown on `/`.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ProbeError {
    /// The dependency could not be reached or refused the connection or credentials.
    #[error("connect: {0}")]
    Connect(String),
    /// The dependency was reached but a query failed.
    #[error("query: {0}")]
    Query(String),
    /// The dependency answered something this exporter cannot understand.
    #[error("protocol: {0}")]
    Protocol(String),
    /// The probe did not finish before its deadline.
    #[error("deadline exceeded after {0:?}")]
    Timeout(Duration),
    /// The probe panicked (a bug); the process keeps serving.
    #[error("probe panicked")]
    Panicked,
    /// The probe failed but still measured something worth exporting (e.g. the HTTP status
    /// and duration of a failed health check). The framework reports the failure (up gauge 0)
    /// and also exports `metrics`.
    #[error("{reason}")]
    FailedWith {
        /// Why the probe failed.
        reason: String,
        /// Metrics describing the failed attempt.
        metrics: Box<MetricSet>,
    },
}

/// Future returned by [`Probe::collect`].
pub type ProbeFuture<'a> = Pin<Box<dyn Future<Output = Result<MetricSet, ProbeError>> + Send + 'a>>;

/// One configured target of one dependency kind.
pub trait Probe: Send + Sync + 'static {
    /// The dependency kind: `host`, `postgres`, `redis`, `rabbitmq`, `docker` or `http`.
    fn kind(&self) -> &'static str;
    /// The target's configured name (unique across kinds).
    fn name(&self) -> &str;
    /// Where the probe points, secrets redacted (shown on the landing page).
    fn target(&self) -> String;
    /// The configured deadline of one collection.
    fn timeout(&self) -> Duration;
    /// The `*_up`-style gauge the framework sets to 1 on success and 0 on failure, with its
    /// labels, or `None` when the probe has no such gauge.
    fn up_metric(&self) -> Option<(&'static str, &'static str, Labels)>;
    /// Whether the probe is part of the default `/metrics` collection.
    fn on_default_endpoint(&self) -> bool {
        true
    }
    /// Collects this target's metrics. `deadline` is when the framework stops waiting; a probe
    /// should set its own connect and query timeouts inside it.
    fn collect(&self, deadline: Instant) -> ProbeFuture<'_>;
}

/// Builds every probe the configuration enables, in landing-page order.
pub fn build_all(config: &Config) -> Vec<Arc<dyn Probe>> {
    let g = &config.global;
    let mut out: Vec<Arc<dyn Probe>> = Vec::new();
    if config.host.enabled {
        out.push(Arc::new(host::HostProbe::new(
            config.host.clone(),
            g.timeout,
        )));
    }
    for (i, t) in config.postgres.iter().enumerate() {
        out.push(Arc::new(postgres::PostgresProbe::new(
            t.clone(),
            g.timeout,
            i == 0,
        )));
    }
    for (i, t) in config.redis.iter().enumerate() {
        out.push(Arc::new(redis::RedisProbe::new(
            t.clone(),
            g.timeout,
            i == 0,
        )));
    }
    for (i, t) in config.rabbitmq.iter().enumerate() {
        out.push(Arc::new(rabbitmq::RabbitmqProbe::new(
            t.clone(),
            g.timeout,
            i == 0,
        )));
    }
    if config.docker.enabled {
        out.push(Arc::new(docker::DockerProbe::new(
            config.docker.clone(),
            g.timeout,
        )));
    }
    for t in &config.services {
        out.push(Arc::new(http::HttpProbe::new(t.clone(), g.timeout)));
    }
    out
}

/// Time left until `deadline`, at least one millisecond.
pub fn remaining(deadline: Instant) -> Duration {
    deadline
        .saturating_duration_since(Instant::now())
        .max(Duration::from_millis(1))
}

/// `deadline` minus a 20 ms margin (when that is still in the future), so a probe that gives up
/// records its own failure before the framework abandons it.
pub fn finish_before(deadline: Instant) -> Instant {
    deadline
        .checked_sub(Duration::from_millis(20))
        .filter(|d| *d > Instant::now())
        .unwrap_or(deadline)
}

/// One kept connection of a persistent-connection probe (PostgreSQL, Redis) with its reconnect
/// backoff: 200 ms after the first failure, doubling up to 2 s.
pub struct Kept<C> {
    /// The connection, out of the slot while a collection uses it.
    pub conn: Option<C>,
    failures: u32,
    retry_at: Option<Instant>,
    last_error: String,
}

impl<C> Default for Kept<C> {
    fn default() -> Self {
        Kept {
            conn: None,
            failures: 0,
            retry_at: None,
            last_error: String::new(),
        }
    }
}

impl<C: Send> Kept<C> {
    /// Locks `slot` (collections of one target run one at a time), giving up at `deadline`
    /// minus [`finish_before`]'s margin; returns the guard and that shortened deadline.
    pub async fn lock(
        slot: &tokio::sync::Mutex<Kept<C>>,
        deadline: Instant,
        timeout: Duration,
    ) -> Result<(tokio::sync::MutexGuard<'_, Kept<C>>, Instant), ProbeError> {
        let deadline = finish_before(deadline);
        let guard = tokio::time::timeout_at(deadline, slot.lock())
            .await
            .map_err(|_| ProbeError::Timeout(timeout))?;
        Ok((guard, deadline))
    }
}

impl<C> Kept<C> {
    const BACKOFF_MIN: Duration = Duration::from_millis(200);
    const BACKOFF_MAX: Duration = Duration::from_secs(2);

    /// Records a successful collection: the next failure starts the backoff afresh.
    pub fn succeeded(&mut self) {
        self.failures = 0;
        self.retry_at = None;
    }

    /// Records a failure and schedules the next connection attempt.
    pub fn failed(&mut self, e: &ProbeError) {
        self.failures = self.failures.saturating_add(1);
        let exp = self.failures.saturating_sub(1).min(10);
        let wait = (Self::BACKOFF_MIN * 2u32.pow(exp)).min(Self::BACKOFF_MAX);
        self.retry_at = Some(Instant::now() + wait);
        self.last_error = e.to_string();
    }

    /// The error to report while the backoff after a failure has not elapsed yet.
    pub fn backing_off(&self) -> Option<ProbeError> {
        let at = self.retry_at?;
        let now = Instant::now();
        (now < at).then(|| {
            ProbeError::Connect(format!(
                "waiting {} ms before reconnecting; last error: {}",
                at.saturating_duration_since(now).as_millis(),
                self.last_error
            ))
        })
    }
}
