//! Running probes for a scrape: concurrency, deadlines, single flight and self-metrics.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use futures::FutureExt;
use futures::future::{BoxFuture, Shared};
use tokio::time::Instant;

use crate::metrics::{Desc, MetricSet, labels};
use crate::probe::{Probe, ProbeError};

/// The framework's one margin: a probe is handed `budget - margin(budget)` as its deadline
/// and abandoned at `budget`, so a probe that gives up on time reports its own reason (and,
/// like the service probe, its partial metrics) instead of a bare timeout. 10 % of the budget,
/// at most 100 ms.
pub fn margin(budget: Duration) -> Duration {
    (budget / 10).min(Duration::from_millis(100))
}

// The framework's own metrics, declared once.

/// `nexo_exporter_probe_success`.
pub const NEXO_EXPORTER_PROBE_SUCCESS: Desc = Desc::gauge(
    "nexo_exporter_probe_success",
    &["probe", "target"],
    "Whether the last collection of this probe succeeded (1) or failed (0).",
);
/// `nexo_exporter_probe_duration_seconds`.
pub const NEXO_EXPORTER_PROBE_DURATION_SECONDS: Desc = Desc::gauge(
    "nexo_exporter_probe_duration_seconds",
    &["probe", "target"],
    "How long the last collection of this probe took, in seconds.",
);
/// `nexo_exporter_build_info`.
pub const NEXO_EXPORTER_BUILD_INFO: Desc = Desc::gauge(
    "nexo_exporter_build_info",
    &["version", "revision", "rustc"],
    "A metric with a constant '1' value labelled by version, revision and rustc.",
);
/// `nexo_exporter_collections_total`.
pub const NEXO_EXPORTER_COLLECTIONS_TOTAL: Desc = Desc::counter(
    "nexo_exporter_collections_total",
    &[],
    "Collections run since start; simultaneous scrapes share one collection.",
);

/// Every metric the framework itself produces.
pub const METRICS: &[Desc] = &[
    NEXO_EXPORTER_PROBE_SUCCESS,
    NEXO_EXPORTER_PROBE_DURATION_SECONDS,
    NEXO_EXPORTER_BUILD_INFO,
    NEXO_EXPORTER_COLLECTIONS_TOTAL,
];

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
                let result = run_one(Arc::clone(&probe), start, limit).await;
                (i, probe, result, t0.elapsed())
            }
        });
        let results = futures::future::join_all(runs).await;

        let mut set = MetricSet::new();
        let mut status = self.status.lock().expect("status lock");
        for (i, probe, result, took) in results {
            let ok = result.is_ok();
            let probe_labels = labels([("probe", probe.kind()), ("target", probe.name())]);
            set.put(
                &NEXO_EXPORTER_PROBE_SUCCESS,
                probe_labels.clone(),
                if ok { 1.0 } else { 0.0 },
            );
            set.put(
                &NEXO_EXPORTER_PROBE_DURATION_SECONDS,
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

/// Runs one probe in its own task so a panic is contained: hands it `start + limit` minus the
/// [`margin`] and abandons it at `start + limit`. A timeout, the probe's own or the
/// framework's, reports `limit`: the budget that ran out.
async fn run_one(
    probe: Arc<dyn Probe>,
    start: Instant,
    limit: Duration,
) -> Result<MetricSet, ProbeError> {
    let hard = start + limit;
    let soft = hard - margin(limit);
    let mut handle = tokio::spawn(async move { probe.collect(soft).await });
    match tokio::time::timeout_at(hard, &mut handle).await {
        Ok(Ok(Err(ProbeError::Timeout(_)))) => Err(ProbeError::Timeout(limit)),
        Ok(Ok(result)) => result,
        Ok(Err(_)) => Err(ProbeError::Panicked),
        Err(_) => {
            handle.abort();
            Err(ProbeError::Timeout(limit))
        }
    }
}

/// Adds the exporter's own build and collection metrics to `set`.
pub fn self_metrics(set: &mut MetricSet, collector: &Collector) {
    set.put(
        &NEXO_EXPORTER_BUILD_INFO,
        labels([
            ("version", env!("CARGO_PKG_VERSION")),
            ("revision", crate::build::REVISION),
            ("rustc", crate::build::RUSTC),
        ]),
        1.0,
    );
    set.put(
        &NEXO_EXPORTER_COLLECTIONS_TOTAL,
        vec![],
        collector.collections() as f64,
    );
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use super::*;
    use crate::probe::{Meta, ProbeFuture};

    /// What the fake probe does when collected.
    #[derive(Clone, Copy)]
    enum Act {
        Succeed,
        Fail,
        FailWithMetrics,
        Hang,
        Panic,
    }

    /// A probe that does what it is told and records the deadline it was handed.
    struct Fake {
        meta: Meta,
        act: Act,
        calls: AtomicUsize,
        handed: Mutex<Option<Duration>>,
    }

    fn fake(name: &str, act: Act, timeout: Duration) -> Arc<Fake> {
        Arc::new(Fake {
            meta: Meta::new("fake", name, timeout).target("nowhere").up(
                Desc::gauge("fake_up", &["name"], "Whether the fake answered."),
                labels([("name", name)]),
            ),
            act,
            calls: AtomicUsize::new(0),
            handed: Mutex::new(None),
        })
    }

    impl Probe for Fake {
        fn meta(&self) -> &Meta {
            &self.meta
        }
        fn collect(&self, deadline: Instant) -> ProbeFuture<'_> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            *self.handed.lock().unwrap() = Some(deadline.saturating_duration_since(Instant::now()));
            let act = self.act;
            Box::pin(async move {
                match act {
                    Act::Succeed => {
                        // Long enough for a second scrape to join this collection.
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        let mut set = MetricSet::new();
                        set.gauge("fake_value", "A value.", vec![], 42.0);
                        Ok(set)
                    }
                    Act::Fail => Err(ProbeError::Connect("refused".into())),
                    Act::FailWithMetrics => {
                        let mut set = MetricSet::new();
                        set.gauge("fake_partial", "Measured while failing.", vec![], 7.0);
                        Err(ProbeError::FailedWith {
                            reason: "bad status".into(),
                            metrics: Box::new(set),
                        })
                    }
                    Act::Hang => {
                        std::future::pending::<()>().await;
                        unreachable!()
                    }
                    Act::Panic => panic!("fake probe bug"),
                }
            })
        }
    }

    fn value(set: &MetricSet, name: &str, label: Option<(&str, &str)>) -> Option<f64> {
        set.get(name)?
            .samples
            .iter()
            .find(|(l, _)| label.is_none_or(|(k, v)| l.iter().any(|(a, b)| a == k && b == v)))
            .map(|(_, v)| *v)
    }

    fn status(c: &Collector, name: &str) -> Option<Result<(), String>> {
        c.statuses().into_iter().find(|s| s.name == name)?.last
    }

    #[tokio::test]
    async fn success_failure_and_partial_metrics_set_up_and_success_gauges() {
        let t = Duration::from_secs(5);
        let c = Collector::new(vec![
            fake("ok", Act::Succeed, t),
            fake("down", Act::Fail, t),
            fake("partial", Act::FailWithMetrics, t),
        ]);
        let set = c.collect(Scope::Default, None).await;
        assert_eq!(value(&set, "fake_up", Some(("name", "ok"))), Some(1.0));
        assert_eq!(value(&set, "fake_up", Some(("name", "down"))), Some(0.0));
        assert_eq!(value(&set, "fake_up", Some(("name", "partial"))), Some(0.0));
        for (target, want) in [("ok", 1.0), ("down", 0.0), ("partial", 0.0)] {
            assert_eq!(
                value(
                    &set,
                    "nexo_exporter_probe_success",
                    Some(("target", target))
                ),
                Some(want),
                "{target}"
            );
        }
        assert_eq!(value(&set, "fake_value", None), Some(42.0));
        assert_eq!(value(&set, "fake_partial", None), Some(7.0));
        assert_eq!(status(&c, "ok"), Some(Ok(())));
        assert_eq!(status(&c, "down"), Some(Err("connect: refused".into())));
    }

    #[tokio::test]
    async fn a_hung_probe_is_abandoned_and_reports_the_budget_that_ran_out() {
        // Configured timeout 5 s, but the scraper allows 300 ms: the timeout names 300 ms.
        let hung = fake("hung", Act::Hang, Duration::from_secs(5));
        let c = Collector::new(vec![
            hung.clone(),
            fake("ok", Act::Succeed, Duration::from_secs(5)),
        ]);
        let budget = Duration::from_millis(300);
        let set = c.collect(Scope::Default, Some(budget)).await;
        assert_eq!(value(&set, "fake_up", Some(("name", "hung"))), Some(0.0));
        assert_eq!(value(&set, "fake_up", Some(("name", "ok"))), Some(1.0));
        assert_eq!(
            status(&c, "hung"),
            Some(Err(format!("deadline exceeded after {budget:?}")))
        );
        // The probe was handed the budget minus the one margin, never more.
        let handed = hung.handed.lock().unwrap().expect("collected");
        assert!(handed <= budget - margin(budget), "{handed:?}");
    }

    #[tokio::test]
    async fn a_panicking_probe_is_contained() {
        let t = Duration::from_secs(5);
        let c = Collector::new(vec![
            fake("bug", Act::Panic, t),
            fake("ok", Act::Succeed, t),
        ]);
        let set = c.collect(Scope::Default, None).await;
        assert_eq!(value(&set, "fake_up", Some(("name", "bug"))), Some(0.0));
        assert_eq!(value(&set, "fake_up", Some(("name", "ok"))), Some(1.0));
        assert_eq!(status(&c, "bug"), Some(Err("probe panicked".into())));
    }

    #[tokio::test]
    async fn simultaneous_scrapes_share_one_collection() {
        let p = fake("ok", Act::Succeed, Duration::from_secs(5));
        let c = Collector::new(vec![p.clone()]);
        let (a, b) = tokio::join!(
            c.collect(Scope::Default, None),
            c.collect(Scope::Default, None)
        );
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(p.calls.load(Ordering::SeqCst), 1);
        assert_eq!(c.collections(), 1);
    }

    #[tokio::test]
    async fn a_target_scope_runs_only_that_probe() {
        let t = Duration::from_secs(5);
        let a = fake("a", Act::Succeed, t);
        let b = fake("b", Act::Succeed, t);
        let c = Collector::new(vec![a.clone(), b.clone()]);
        let set = c.collect(Scope::Target("b".into()), None).await;
        assert_eq!(a.calls.load(Ordering::SeqCst), 0);
        assert_eq!(b.calls.load(Ordering::SeqCst), 1);
        assert_eq!(value(&set, "fake_up", Some(("name", "a"))), None);
        assert!(c.find("b", Some("fake")).is_some());
        assert!(c.find("b", Some("postgres")).is_none());
    }

    #[test]
    fn margin_is_a_tenth_capped_at_100ms() {
        assert_eq!(
            margin(Duration::from_millis(500)),
            Duration::from_millis(50)
        );
        assert_eq!(margin(Duration::from_secs(5)), Duration::from_millis(100));
    }
}
