//! Running probes for a scrape: concurrency, deadlines, single flight and self-metrics.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use futures::FutureExt;
use futures::future::{BoxFuture, Shared};
use tokio::time::Instant;

use crate::metrics::{MetricSet, labels};
use crate::probe::{Probe, ProbeError};

/// Which probes one collection runs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    /// The default `/metrics` set: every probe with [`Probe::on_default_endpoint`].
    Default,
    /// One named target, for `/probe?target=NAME`.
    Target(String),
}

/// The last outcome of one probe, for the landing page.
#[derive(Debug, Clone)]
pub struct Status {
    /// Kind of the probe.
    pub kind: &'static str,
    /// Target name.
    pub name: String,
    /// Redacted target.
    pub target: String,
    /// `None` before the first collection; then success or the error.
    pub last: Option<Result<(), String>>,
    /// Duration of the last collection.
    pub duration: Duration,
    /// When the last collection ended.
    pub at: Option<SystemTime>,
}

type SharedCollection = Shared<BoxFuture<'static, Arc<MetricSet>>>;

/// Runs the configured probes on demand; simultaneous requests for one scope share one run.
pub struct Collector {
    probes: Vec<Arc<dyn Probe>>,
    inflight: Mutex<HashMap<Scope, SharedCollection>>,
    status: Mutex<Vec<Status>>,
    collections: AtomicU64,
}

impl Collector {
    /// A collector over `probes`.
    pub fn new(probes: Vec<Arc<dyn Probe>>) -> Arc<Self> {
        let status = probes
            .iter()
            .map(|p| Status {
                kind: p.kind(),
                name: p.name().to_string(),
                target: p.target(),
                last: None,
                duration: Duration::ZERO,
                at: None,
            })
            .collect();
        Arc::new(Collector {
            probes,
            inflight: Mutex::new(HashMap::new()),
            status: Mutex::new(status),
            collections: AtomicU64::new(0),
        })
    }

    /// The probe named `name`, optionally of kind `kind`.
    pub fn find(&self, name: &str, kind: Option<&str>) -> Option<&Arc<dyn Probe>> {
        self.probes
            .iter()
            .find(|p| p.name() == name && kind.is_none_or(|k| k == p.kind()))
    }

    /// Snapshot of every probe's last status.
    pub fn statuses(&self) -> Vec<Status> {
        self.status.lock().expect("status lock").clone()
    }

    /// Carries the collection counter on from `previous` (after a configuration reload), so
    /// `nexo_exporter_collections_total` does not reset.
    pub fn continue_from(&self, previous: &Collector) {
        self.collections
            .fetch_add(previous.collections(), Ordering::Relaxed);
    }

    /// How many collections have run since start.
    pub fn collections(&self) -> u64 {
        self.collections.load(Ordering::Relaxed)
    }

    /// Collects `scope`, joining a collection of the same scope already in flight.
    /// `budget` is the time the caller can wait (from the scrape-timeout header); each probe
    /// gets the smaller of it and its own timeout.
    pub async fn collect(
        self: &Arc<Self>,
        scope: Scope,
        budget: Option<Duration>,
    ) -> Arc<MetricSet> {
        let fut = {
            let mut inflight = self.inflight.lock().expect("inflight lock");
            if let Some(f) = inflight.get(&scope) {
                f.clone()
            } else {
                let this = Arc::clone(self);
                let s = scope.clone();
                // Spawned, so the collection completes even if every scraper goes away.
                let handle = tokio::spawn(async move {
                    let set = this.run(&s, budget).await;
                    this.inflight.lock().expect("inflight lock").remove(&s);
                    Arc::new(set)
                });
                let f: BoxFuture<'static, Arc<MetricSet>> =
                    async move { handle.await.unwrap_or_else(|_| Arc::new(MetricSet::new())) }
                        .boxed();
                let f = f.shared();
                inflight.insert(scope, f.clone());
                f
            }
        };
        fut.await
    }

    async fn run(&self, scope: &Scope, budget: Option<Duration>) -> MetricSet {
        self.collections.fetch_add(1, Ordering::Relaxed);
        let start = Instant::now();
        let selected: Vec<(usize, Arc<dyn Probe>)> = self
            .probes
            .iter()
            .enumerate()
            .filter(|(_, p)| match scope {
                Scope::Default => p.on_default_endpoint(),
                Scope::Target(name) => p.name() == name,
            })
            .map(|(i, p)| (i, Arc::clone(p)))
            .collect();
        let runs = selected.into_iter().map(|(i, probe)| {
            let limit = match budget {
                Some(b) => b.min(probe.timeout()),
                None => probe.timeout(),
            };
            async move {
                let t0 = Instant::now();
                let result = run_one(Arc::clone(&probe), start + limit).await;
                (i, probe, result, t0.elapsed())
            }
        });
        let results = futures::future::join_all(runs).await;

        let mut set = MetricSet::new();
        let mut status = self.status.lock().expect("status lock");
        for (i, probe, result, took) in results {
            let ok = result.is_ok();
            let probe_labels = labels([("probe", probe.kind()), ("target", probe.name())]);
            set.gauge(
                "nexo_exporter_probe_success",
                "Whether the last collection of this probe succeeded (1) or failed (0).",
                probe_labels.clone(),
                if ok { 1.0 } else { 0.0 },
            );
            set.gauge(
                "nexo_exporter_probe_duration_seconds",
                "How long the last collection of this probe took, in seconds.",
                probe_labels,
                took.as_secs_f64(),
            );
            if let Some(up) = &probe.meta().up {
                set.gauge(
                    up.name,
                    up.help,
                    up.labels.clone(),
                    if ok { 1.0 } else { 0.0 },
                );
            }
            let st = &mut status[i];
            st.duration = took;
            st.at = Some(SystemTime::now());
            match result {
                Ok(m) => {
                    if matches!(st.last, Some(Err(_))) {
                        tracing::info!(
                            probe = probe.kind(),
                            target = probe.name(),
                            "probe recovered"
                        );
                    }
                    st.last = Some(Ok(()));
                    set.merge(m);
                }
                Err(e) => {
                    if let ProbeError::FailedWith { metrics, .. } = &e {
                        set.merge((**metrics).clone());
                    }
                    let was_ok = !matches!(st.last, Some(Err(_)));
                    if was_ok {
                        tracing::warn!(probe = probe.kind(), target = probe.name(), error = %e, "probe failed");
                    } else {
                        tracing::debug!(probe = probe.kind(), target = probe.name(), error = %e, "probe still failing");
                    }
                    st.last = Some(Err(e.to_string()));
                }
            }
        }
        set
    }
}

/// Runs one probe in its own task so a panic is contained, and abandons it at `deadline`.
async fn run_one(probe: Arc<dyn Probe>, deadline: Instant) -> Result<MetricSet, ProbeError> {
    let p = Arc::clone(&probe);
    let mut handle = tokio::spawn(async move { p.collect(deadline).await });
    match tokio::time::timeout_at(deadline, &mut handle).await {
        Ok(Ok(result)) => result,
        Ok(Err(join)) if join.is_panic() => Err(ProbeError::Panicked),
        Ok(Err(_)) => Err(ProbeError::Panicked),
        Err(_) => {
            handle.abort();
            Err(ProbeError::Timeout(probe.timeout()))
        }
    }
}

/// Adds the exporter's own build and collection metrics to `set`.
pub fn self_metrics(set: &mut MetricSet, collector: &Collector) {
    set.gauge(
        "nexo_exporter_build_info",
        "A metric with a constant '1' value labelled by version, revision and rustc.",
        labels([
            ("version", env!("CARGO_PKG_VERSION")),
            ("revision", crate::build::REVISION),
            ("rustc", crate::build::RUSTC),
        ]),
        1.0,
    );
    set.counter(
        "nexo_exporter_collections_total",
        "Collections run since start; simultaneous scrapes share one collection.",
        vec![],
        collector.collections() as f64,
    );
}
