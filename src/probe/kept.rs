//! The reconnecting kept-connection holder shared by the persistent-connection probes
//! (PostgreSQL, Redis, RabbitMQ's AMQP check).

use std::time::Duration;

use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::ProbeError;

/// One kept connection of a persistent-connection probe (PostgreSQL, Redis, AMQP) with its reconnect
/// backoff: 200 ms after the first failure, doubling up to 2 s.
pub struct Kept<C> {
    /// The connection, out of the slot while a collection uses it.
    pub conn: Option<C>,
    failures: u32,
    retry_at: Option<Instant>,
    last_error: String,
    /// A connection attempt running in its own task, for probes whose handshake may outlive
    /// one collection (AMQP): later collections await it instead of starting another.
    pub pending: Option<JoinHandle<Result<C, ProbeError>>>,
}

impl<C> Default for Kept<C> {
    fn default() -> Self {
        Kept {
            conn: None,
            failures: 0,
            retry_at: None,
            last_error: String::new(),
            pending: None,
        }
    }
}

impl<C: Send> Kept<C> {
    /// A fresh slot for a probe's state.
    pub fn slot() -> tokio::sync::Mutex<Kept<C>> {
        tokio::sync::Mutex::new(Kept::default())
    }

    /// Locks `slot` (collections of one target run one at a time), giving up at `deadline`
    /// (the one the framework handed the probe).
    pub async fn lock(
        slot: &tokio::sync::Mutex<Kept<C>>,
        deadline: Instant,
        timeout: Duration,
    ) -> Result<tokio::sync::MutexGuard<'_, Kept<C>>, ProbeError> {
        tokio::time::timeout_at(deadline, slot.lock())
            .await
            .map_err(|_| ProbeError::Timeout(timeout))
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
