//! Configuration of the RabbitMQ probe (`rabbitmq:`, a list of brokers).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};

use crate::config::{
    Address, ConfigError, Global, HttpUrl, Pattern, Schemes, Secret, opt_duration,
    read_secret_file,
};
use crate::probe::{Probe, Target};

/// Marker: `amqp://`.
pub struct AmqpSchemes;
impl Schemes for AmqpSchemes {
    const SCHEMES: &'static [&'static str] = &["amqp"];
}

/// An `amqp://` address.
pub type AmqpUrl = Address<AmqpSchemes>;

/// Where per-queue RabbitMQ figures are read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum QueueSource {
    /// The rabbitmq_prometheus plugin's `/metrics/detailed` endpoint (cheapest).
    #[default]
    Prometheus,
    /// The management plugin's `/api/queues`.
    Management,
}

/// One RabbitMQ broker.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RabbitmqTarget {
    /// Target name.
    pub name: String,
    /// AMQP address used for the handshake check.
    pub amqp_url: AmqpUrl,
    /// The rabbitmq_prometheus plugin's base address (the probe appends `/metrics/detailed`).
    #[serde(deserialize_with = "prometheus_base_url")]
    pub prometheus_url: HttpUrl,
    /// The management plugin's base address (the probe appends `/api/queues`; used when
    /// `queue_source: management`).
    #[serde(deserialize_with = "management_base_url")]
    pub management_url: HttpUrl,
    /// User for AMQP and the management API.
    pub username: String,
    /// Password.
    pub password: Option<Secret>,
    /// A file holding the password.
    pub password_file: Option<PathBuf>,
    /// Per-queue source.
    pub queue_source: QueueSource,
    /// Queues to report (anchored regex on the queue name).
    pub queue_include: Pattern,
    /// Queues to leave out (anchored regex on the queue name).
    pub queue_exclude: Option<Pattern>,
    /// Most queues reported; the rest are dropped and counted.
    pub max_queues: usize,
    /// Also serve the plugin's aggregated node metrics (`rabbitmq_connections`, alarms, disk,
    /// memory, global counters, ...) read from its `/metrics` (one more request per scrape).
    pub node_metrics: bool,
    /// Also serve the per-queue figures under the plugin's `rabbitmq_detailed_queue_*` names
    /// (the cluster-operator rules read them). Off by default: it doubles the per-queue
    /// series, and at 10,000 queues cost 17 ms more CPU and 44 ms more latency per scrape
    /// (docs/benchmarks.md).
    pub detailed_queue_metrics: bool,
    /// Deadline of this probe (default: `global.timeout`).
    #[serde(with = "opt_duration")]
    pub timeout: Option<Duration>,
}

impl Default for RabbitmqTarget {
    fn default() -> Self {
        RabbitmqTarget {
            name: "rabbitmq".into(),
            amqp_url: AmqpUrl::parse("amqp://127.0.0.1:5672/%2f").expect("valid"),
            prometheus_url: HttpUrl::parse("http://127.0.0.1:15692").expect("valid"),
            management_url: HttpUrl::parse("http://127.0.0.1:15672").expect("valid"),
            username: "guest".into(),
            password: Some(Secret::new("guest")),
            password_file: None,
            queue_source: QueueSource::Prometheus,
            queue_include: Pattern::new(".*").expect("valid"),
            queue_exclude: None,
            max_queues: 2000,
            node_metrics: true,
            detailed_queue_metrics: false,
            timeout: None,
        }
    }
}
impl Target for RabbitmqTarget {
    fn embedded() -> Vec<Self> {
        vec![RabbitmqTarget::default()]
    }
    fn example() -> Self {
        RabbitmqTarget {
            queue_exclude: Pattern::new("x").ok(),
            ..RabbitmqTarget::default()
        }
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn resolve_secrets(&mut self, key: &str) -> Result<(), ConfigError> {
        read_secret_file(
            &self.password_file,
            &mut self.password,
            &format!("{key}.password_file"),
        )
    }
    fn build(&self, global: &Global, first: bool) -> Arc<dyn Probe> {
        Arc::new(super::RabbitmqProbe::new(self.clone(), global.timeout, first))
    }
}

/// `prometheus_url`: an HTTP address that is a base address, not an endpoint (checked while
/// parsing, so the error carries the file, line and key).
fn prometheus_base_url<'de, D: Deserializer<'de>>(d: D) -> Result<HttpUrl, D::Error> {
    let u = HttpUrl::deserialize(d)?;
    super::check_base_url(u.url(), super::BaseUrl::Prometheus).map_err(D::Error::custom)?;
    Ok(u)
}

/// `management_url`: an HTTP address that is a base address, not an endpoint.
fn management_base_url<'de, D: Deserializer<'de>>(d: D) -> Result<HttpUrl, D::Error> {
    let u = HttpUrl::deserialize(d)?;
    super::check_base_url(u.url(), super::BaseUrl::Management).map_err(D::Error::custom)?;
    Ok(u)
}
