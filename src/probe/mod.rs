//! The probe framework: one small trait every dependency module implements.
//!
//! A probe turns one configured target (a PostgreSQL server, a Redis, a RabbitMQ broker, the
//! Docker engine, the host, a service health URL) into a [`MetricSet`]. The [`crate::collect`]
//! module runs probes concurrently, each under its own deadline, and reports `*_up 0` for a
//! probe that errors, times out or panics.
//!
//! A probe kind is one folder, `src/probe/<kind>/`: `config.rs` (its configuration type with
//! its defaults, `*_file` secrets and validation, through [`Section`] or [`Target`]),
//! `metrics.rs` (its metric declarations and `ALL`), `mod.rs` (the client and the
//! [`Probe`] impl) and, where parsing is more than a few lines, a pure parser module. It is
//! registered by one line in the `registry!` list below, which generates the [`Config`]
//! field, the per-kind loops and the metric reference's entry. Measured by adding a throwaway
//! TCP-connect probe: 3 new files in `src/probe/tcp/`, the registry line (plus its doc comment)
//! in this file, no Cargo.toml change (it needs only tokio); the drift test then asks for
//! `docs/metric-names.txt` and `docs/metrics-reference.md` to be regenerated.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use crate::metrics::{Labels, MetricSet};

#[macro_use]
mod section;
mod kept;
pub mod pseudo_fs;

pub use kept::Kept;
pub use section::{Section, Target};

// The registry: one line per probe kind, in landing-page order. Each line declares the
// probe's module (its folder under `src/probe/`), its key in the configuration file and the
// section's type; everything per-kind (defaults, secrets, validation, the environment-variable
// schema, building the probes) follows from the type's [`Section`] or [`Target`] impl.
registry! {
    /// Host probe (load, CPU, memory, filesystems); on unless the file disables it.
    mod host => host: host::HostConfig,
    /// PostgreSQL targets; the first is served on `/metrics`.
    mod postgres => postgres: Vec<postgres::PostgresTarget>,
    /// Redis targets; the first is served on `/metrics`.
    mod redis => redis: Vec<redis::RedisTarget>,
    /// RabbitMQ targets; the first is served on `/metrics`.
    mod rabbitmq => rabbitmq: Vec<rabbitmq::RabbitmqTarget>,
    /// Docker engine.
    mod docker => docker: docker::DockerConfig,
    /// Service health endpoints; all are probed on `/metrics`.
    mod http => services: Vec<http::ServiceTarget>,
}

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

/// The `*_up`-style gauge the framework sets to 1 on success and 0 on failure.
#[derive(Debug, Clone)]
pub struct UpMetric {
    /// Metric name, e.g. `pg_up`.
    pub name: &'static str,
    /// Help text.
    pub help: &'static str,
    /// Labels of the sample.
    pub labels: Labels,
}

/// What the framework knows about one probe instance; built once from its configuration.
#[derive(Debug, Clone)]
pub struct Meta {
    /// The dependency kind: `host`, `postgres`, `redis`, `rabbitmq`, `docker` or `http`.
    pub kind: &'static str,
    /// The target's configured name (unique across kinds).
    pub name: String,
    /// Where the probe points, secrets redacted (shown on the landing page).
    pub target: String,
    /// The deadline of one collection (the target's `timeout` or `global.timeout`).
    pub timeout: Duration,
    /// Whether the probe is part of the default `/metrics` collection.
    pub default_endpoint: bool,
    /// The probe's up gauge, if it has one.
    pub up: Option<UpMetric>,
}

impl Meta {
    /// Metadata of a probe of `kind` named `name`, served on `/metrics`, without an up gauge.
    pub fn new(kind: &'static str, name: impl Into<String>, timeout: Duration) -> Self {
        Meta {
            kind,
            name: name.into(),
            target: String::new(),
            timeout,
            default_endpoint: true,
            up: None,
        }
    }
    /// Sets the redacted target shown on the landing page.
    pub fn target(mut self, target: impl Into<String>) -> Self {
        self.target = target.into();
        self
    }
    /// Sets whether the probe is part of `/metrics`.
    pub fn default_endpoint(mut self, yes: bool) -> Self {
        self.default_endpoint = yes;
        self
    }
    /// Declares the probe's up gauge (a gauge from the probe's `metrics.rs`).
    pub fn up(mut self, desc: crate::metrics::Desc, labels: Labels) -> Self {
        self.up = Some(UpMetric {
            name: desc.name,
            help: desc.help,
            labels,
        });
        self
    }
}

/// One configured target of one dependency kind.
pub trait Probe: Send + Sync + 'static {
    /// Kind, name, target, timeout and up gauge of this probe.
    fn meta(&self) -> &Meta;
    /// Collects this target's metrics. `deadline` is the probe's budget minus the framework's
    /// one margin ([`crate::collect::margin`]): the probe must return by then, and is abandoned
    /// (reported as timed out) when the margin has passed too. Connect and query timeouts go
    /// inside it.
    fn collect(&self, deadline: Instant) -> ProbeFuture<'_>;

    /// The dependency kind.
    fn kind(&self) -> &'static str {
        self.meta().kind
    }
    /// The target's configured name.
    fn name(&self) -> &str {
        &self.meta().name
    }
    /// Where the probe points, secrets redacted.
    fn target(&self) -> String {
        self.meta().target.clone()
    }
    /// The configured deadline of one collection.
    fn timeout(&self) -> Duration {
        self.meta().timeout
    }
    /// Whether the probe is part of the default `/metrics` collection.
    fn on_default_endpoint(&self) -> bool {
        self.meta().default_endpoint
    }
}

/// Builds every probe the configuration enables, in registry (landing-page) order.
pub fn build_all(config: &Config) -> Vec<Arc<dyn Probe>> {
    config.build_probes()
}

/// Time left until `deadline`, at least one millisecond.
pub fn remaining(deadline: Instant) -> Duration {
    deadline
        .saturating_duration_since(Instant::now())
        .max(Duration::from_millis(1))
}
