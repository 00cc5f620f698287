//! Plain metric samples produced by probes and their exposition.
//!
//! Probes return [`MetricSet`]s: families of labelled samples built fresh on every
//! collection, never shared mutable gauges. The set is rendered through the
//! prometheus-client encoders, in OpenMetrics 1.0 or the classic 0.0.4 text format.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::registry::Registry;

/// Kind of a metric family, as in the exposition formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A value that goes up and down.
    Gauge,
    /// A monotonically increasing value; its name ends in `_total`.
    Counter,
}

/// The declaration of one metric family: name, type, label names and help, written once next
/// to the probe that produces it. Probes add samples through [`MetricSet::put`]; the metric
/// reference (`docs/metric-names.txt`, `docs/metrics-reference.md`) is generated from these
/// declarations (see [`crate::reference`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Desc {
    /// Full metric name (counters with their `_total` suffix).
    pub name: &'static str,
    /// Gauge or counter.
    pub kind: Kind,
    /// Label names of every sample, in order.
    pub labels: &'static [&'static str],
    /// One-line help text.
    pub help: &'static str,
}

impl Desc {
    /// A gauge.
    pub const fn gauge(
        name: &'static str,
        labels: &'static [&'static str],
        help: &'static str,
    ) -> Desc {
        Desc {
            name,
            kind: Kind::Gauge,
            labels,
            help,
        }
    }
    /// A counter; `name` ends in `_total`.
    pub const fn counter(
        name: &'static str,
        labels: &'static [&'static str],
        help: &'static str,
    ) -> Desc {
        Desc {
            name,
            kind: Kind::Counter,
            labels,
            help,
        }
    }
    /// Whether this declares a pattern rather than one family: a `*` in the name stands for
    /// a part the target gives at runtime (`node_memory_*_bytes` for the fields of
    /// `/proc/meminfo`). Pattern families are emitted by name; the reference lists the pattern.
    pub fn is_pattern(&self) -> bool {
        self.name.contains('*')
    }

    /// Whether `name` is this family: equal to it, or, for a pattern, matching it (`*` stands
    /// for any run of characters, the empty one included).
    pub fn covers(&self, name: &str) -> bool {
        glob_match(self.name, name)
    }
}

/// Whether `name` matches `pattern`, where `*` stands for any run of characters (the empty
/// one included) and every other character for itself.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = name.strip_prefix(first) else {
        return false;
    };
    let tail: Vec<&str> = parts.collect();
    let Some((last, middle)) = tail.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// Concatenates declaration lists, in order, into one array (a probe's `ALL` from its tables);
/// `N` must be their total length (checked at compile time when used in a constant).
pub const fn concat<const N: usize>(parts: &[&[Desc]]) -> [Desc; N] {
    let mut out = [Desc::gauge("", &[], ""); N];
    let (mut n, mut p) = (0, 0);
    while p < parts.len() {
        let part = parts[p];
        let mut i = 0;
        while i < part.len() {
            out[n] = part[i];
            n += 1;
            i += 1;
        }
        p += 1;
    }
    assert!(n == N, "concat: N is not the total length of the parts");
    out
}

/// The declarations of a `(key, declaration)` table (the INFO field → family tables), in
/// order; `N` must be the table's length.
pub const fn column<const N: usize>(table: &[(&str, Desc)]) -> [Desc; N] {
    let mut out = [Desc::gauge("", &[], ""); N];
    assert!(table.len() == N, "column: N is not the table's length");
    let mut i = 0;
    while i < N {
        out[i] = table[i].1;
        i += 1;
    }
    out
}

/// A label set: ordered `(name, value)` pairs.
pub type Labels = Vec<(String, String)>;

/// A sample's label set: its own, or one shared by several samples (the families of one
/// RabbitMQ queue carry the same labels, so 10,000 queues hold 10,000 label sets, not 70,000).
#[derive(Debug, Clone)]
pub enum SampleLabels {
    /// Labels of this sample alone.
    Own(Labels),
    /// Labels shared with other samples.
    Shared(Arc<Labels>),
}

impl std::ops::Deref for SampleLabels {
    type Target = [(String, String)];
    fn deref(&self) -> &Self::Target {
        match self {
            SampleLabels::Own(l) => l,
            SampleLabels::Shared(l) => l,
        }
    }
}

/// One family of samples sharing a name, help text and type.
#[derive(Debug, Clone)]
pub struct Family {
    /// Full metric name, counters included with their `_total` suffix (borrowed when the
    /// family is declared, so that building a set allocates no names).
    pub name: Cow<'static, str>,
    /// One-line help text.
    pub help: Cow<'static, str>,
    /// Gauge or counter.
    pub kind: Kind,
    /// Labelled values.
    pub samples: Vec<(SampleLabels, f64)>,
}

/// An ordered collection of families, merged by name.
///
/// The families sit behind an `Arc`, so handing the set to the encoder (which needs an owned
/// collector) does not copy every sample; building copies only when the set is shared.
#[derive(Debug, Clone, Default)]
pub struct MetricSet {
    families: Arc<BTreeMap<Cow<'static, str>, Family>>,
}

/// In debug builds, panics when a label of a sample is not in its family's declaration.
fn debug_check_labels(desc: &Desc, labels: &[(String, String)]) {
    debug_assert!(
        labels
            .iter()
            .all(|(k, _)| desc.labels.contains(&k.as_str())),
        "a label of {} is not in its declaration",
        desc.name
    );
}

/// Builds a label set from string pairs.
pub fn labels<const N: usize>(pairs: [(&str, &str); N]) -> Labels {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

impl MetricSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Declares a family (idempotent) and returns it for adding samples.
    pub fn family(&mut self, name: &str, help: &str, kind: Kind) -> &mut Family {
        let families = Arc::make_mut(&mut self.families);
        // Looked up first: `entry` would allocate the name for every sample.
        if !families.contains_key(name) {
            families.insert(
                Cow::Owned(name.to_string()),
                Family {
                    name: Cow::Owned(name.to_string()),
                    help: Cow::Owned(help.to_string()),
                    kind,
                    samples: Vec::new(),
                },
            );
        }
        families.get_mut(name).expect("family inserted above")
    }

    /// [`MetricSet::family`] for a declared family: one lookup, and nothing allocated.
    fn declared(&mut self, desc: &Desc) -> &mut Family {
        Arc::make_mut(&mut self.families)
            .entry(Cow::Borrowed(desc.name))
            .or_insert_with(|| Family {
                name: Cow::Borrowed(desc.name),
                help: Cow::Borrowed(desc.help),
                kind: desc.kind,
                samples: Vec::new(),
            })
    }

    /// Adds one gauge sample.
    pub fn gauge(&mut self, name: &str, help: &str, labels: Labels, value: f64) {
        self.family(name, help, Kind::Gauge)
            .samples
            .push((SampleLabels::Own(labels), value));
    }

    /// Adds one counter sample; `name` must end in `_total`.
    pub fn counter(&mut self, name: &str, help: &str, labels: Labels, value: f64) {
        debug_assert!(
            name.ends_with("_total"),
            "counter {name} must end in _total"
        );
        self.family(name, help, Kind::Counter)
            .samples
            .push((SampleLabels::Own(labels), value));
    }

    /// Adds one sample of the declared family `desc`.
    pub fn put(&mut self, desc: &Desc, labels: Labels, value: f64) {
        debug_check_labels(desc, &labels);
        self.declared(desc)
            .samples
            .push((SampleLabels::Own(labels), value));
    }

    /// Adds one sample of the declared family `desc` whose label set is shared with other
    /// samples (cloning `labels` copies a pointer, not the strings).
    pub fn put_shared(&mut self, desc: &Desc, labels: &Arc<Labels>, value: f64) {
        debug_check_labels(desc, labels);
        self.declared(desc)
            .samples
            .push((SampleLabels::Shared(Arc::clone(labels)), value));
    }

    /// Moves every family of `other` into this set, merging samples of equal names (this
    /// set's samples first). The smaller map is inserted into the larger one.
    pub fn merge(&mut self, other: MetricSet) {
        let mut other = Arc::try_unwrap(other.families).unwrap_or_else(|shared| (*shared).clone());
        if other.is_empty() {
            return;
        }
        if self.families.is_empty() {
            self.families = Arc::new(other);
            return;
        }
        let mine = Arc::make_mut(&mut self.families);
        if other.len() > mine.len() {
            // Insert ours into theirs, ours first where both have a family.
            std::mem::swap(mine, &mut other);
            for (name, mut fam) in other {
                match mine.get_mut(&name) {
                    Some(existing) => {
                        fam.samples.append(&mut existing.samples);
                        existing.samples = fam.samples;
                    }
                    None => {
                        mine.insert(name, fam);
                    }
                }
            }
            return;
        }
        for (name, fam) in other {
            match mine.get_mut(&name) {
                Some(existing) => existing.samples.extend(fam.samples),
                None => {
                    mine.insert(name, fam);
                }
            }
        }
    }

    /// Returns the family called `name`, if any.
    pub fn get(&self, name: &str) -> Option<&Family> {
        self.families.get(name)
    }

    /// The value of the first sample of `name` carrying every label pair of `labels` (others
    /// may be present too); for tests and diagnostics.
    pub fn value(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        self.get(name)?
            .samples
            .iter()
            .find(|(ls, _)| {
                labels
                    .iter()
                    .all(|(k, v)| ls.iter().any(|(a, b)| a == k && b == v))
            })
            .map(|s| s.1)
    }

    /// Iterates over the families in name order.
    pub fn families(&self) -> impl Iterator<Item = &Family> {
        self.families.values()
    }

    /// Number of samples over all families.
    pub fn sample_count(&self) -> usize {
        self.families.values().map(|f| f.samples.len()).sum()
    }

    /// Renders the set in the OpenMetrics 1.0 text format (ends with `# EOF`).
    pub fn encode_openmetrics(&self) -> String {
        let mut out = String::with_capacity(self.sample_count() * 160 + 64);
        let registry = self.registry();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &registry);
        out
    }

    /// Renders the set in the classic Prometheus text format 0.0.4.
    pub fn encode_text(&self) -> String {
        let mut out = String::with_capacity(self.sample_count() * 160 + 64);
        let registry = self.registry();
        let _ = prometheus_client::encoding::prometheus_text::encode(&mut out, &registry);
        out
    }

    fn registry(&self) -> Registry {
        registry(vec![Arc::new(self.clone())])
    }
}

/// Renders `sets` as one exposition, in the OpenMetrics 1.0 text format when `openmetrics`,
/// else the classic text format 0.0.4. Families are written in name order; a family present
/// in several sets is written once with the samples of each. The sets are shared, not copied
/// (the scrape path: the collection's set plus the exporter's own metrics).
pub fn encode(sets: &[Arc<MetricSet>], openmetrics: bool) -> String {
    let samples: usize = sets.iter().map(|s| s.sample_count()).sum();
    let mut out = String::with_capacity(samples * 80 + 64);
    let registry = registry(sets.to_vec());
    // Writing into a String cannot fail.
    let _ = if openmetrics {
        prometheus_client::encoding::text::encode(&mut out, &registry)
    } else {
        prometheus_client::encoding::prometheus_text::encode(&mut out, &registry)
    };
    out
}

fn registry(sets: Vec<Arc<MetricSet>>) -> Registry {
    let mut registry = Registry::default();
    registry.register_collector(Box::new(SetCollector(sets)));
    registry
}

/// Content type of the OpenMetrics 1.0 text format.
pub const OPENMETRICS_CONTENT_TYPE: &str =
    "application/openmetrics-text; version=1.0.0; charset=utf-8";
/// Content type of the classic text format 0.0.4.
pub const TEXT_CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

#[derive(Debug)]
struct SetCollector(Vec<Arc<MetricSet>>);

impl Collector for SetCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let mut names: Vec<&str> = self
            .0
            .iter()
            .flat_map(|s| s.families.keys().map(|k| k.as_ref()))
            .collect();
        names.sort_unstable();
        names.dedup();
        for family_name in names {
            let mut parts = self.0.iter().filter_map(|s| s.families.get(family_name));
            let Some(fam) = parts.next() else { continue };
            let (name, ty) = match fam.kind {
                Kind::Gauge => (fam.name.as_ref(), MetricType::Gauge),
                // prometheus-client appends `_total` itself.
                Kind::Counter => (
                    fam.name.strip_suffix("_total").unwrap_or(fam.name.as_ref()),
                    MetricType::Counter,
                ),
            };
            let mut fenc = encoder.encode_descriptor(name, &fam.help, None, ty)?;
            for part in std::iter::once(fam).chain(parts) {
                for (labels, value) in &part.samples {
                    let labels: &[(String, String)] = labels;
                    let menc = fenc.encode_family(&labels)?;
                    match fam.kind {
                        Kind::Gauge => ConstGauge::new(*value).encode(menc)?,
                        Kind::Counter => ConstCounter::new(*value).encode(menc)?,
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_names() {
        const P: Desc = Desc::gauge("node_memory_*_bytes", &[], "");
        let p = P;
        assert!(p.is_pattern());
        assert!(p.covers("node_memory_MemTotal_bytes"));
        assert!(p.covers("node_memory__bytes"));
        assert!(!p.covers("node_memory_HugePages_Total"));
        assert!(!p.covers("node_memory_bytes"));
        assert!(glob_match("a*b*c", "axxbyyc") && glob_match("a*b*c", "abc"));
        assert!(!glob_match("a*b*c", "acb") && !glob_match("a*bc", "abcx"));
        assert!(glob_match("x", "x") && !glob_match("x", "xy"));
        const EXACT: Desc = Desc::counter("a_total", &[], "");
        assert!(!EXACT.is_pattern() && EXACT.covers("a_total") && !EXACT.covers("a"));
        const T: &[(&str, Desc)] = &[("f", Desc::gauge("g", &[], "")), ("h", EXACT)];
        const ALL: [Desc; 3] = concat(&[&column::<2>(T), &[P]]);
        assert_eq!(ALL.map(|d| d.name), ["g", "a_total", "node_memory_*_bytes"]);
    }

    #[test]
    fn merges_and_encodes_both_formats() {
        let mut a = MetricSet::new();
        a.gauge("pg_up", "Whether PostgreSQL answered.", vec![], 1.0);
        let mut b = MetricSet::new();
        b.gauge(
            "probe_success",
            "Whether the probe succeeded.",
            labels([("service", "auth")]),
            1.0,
        );
        b.counter(
            "node_cpu_seconds_total",
            "CPU seconds.",
            labels([("cpu", "0"), ("mode", "idle")]),
            12.5,
        );
        let mut c = MetricSet::new();
        c.gauge(
            "probe_success",
            "Whether the probe succeeded.",
            labels([("service", "gw")]),
            0.0,
        );
        a.merge(b);
        a.merge(c);
        let om = a.encode_openmetrics();
        assert!(om.contains("# TYPE node_cpu_seconds counter"), "{om}");
        assert!(om.contains("node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"} 12.5"));
        assert_eq!(om.matches("# TYPE probe_success gauge").count(), 1);
        assert!(om.ends_with("# EOF\n"));
        let text = a.encode_text();
        assert!(
            text.contains("# TYPE node_cpu_seconds_total counter"),
            "{text}"
        );
        assert!(text.contains("probe_success{service=\"gw\"} 0"));
        assert!(!text.contains("# EOF"));
    }

    #[test]
    fn merge_keeps_sample_order_whichever_set_is_larger() {
        let mut small = MetricSet::new();
        small.gauge("x", "X.", labels([("n", "1")]), 1.0);
        let mut large = MetricSet::new();
        large.gauge("x", "X.", labels([("n", "2")]), 2.0);
        large.gauge("y", "Y.", vec![], 3.0);
        large.gauge("z", "Z.", vec![], 4.0);
        let (mut a, b) = (small.clone(), large.clone());
        a.merge(b);
        let values: Vec<f64> = a.get("x").unwrap().samples.iter().map(|s| s.1).collect();
        assert_eq!(values, [1.0, 2.0]);
        assert_eq!(a.families().count(), 3);
        large.merge(small);
        let values: Vec<f64> = large
            .get("x")
            .unwrap()
            .samples
            .iter()
            .map(|s| s.1)
            .collect();
        assert_eq!(values, [2.0, 1.0]);
    }

    #[test]
    fn encodes_shared_sets_as_one_exposition() {
        let mut a = MetricSet::new();
        a.gauge("b_metric", "B.", labels([("x", "1")]), 1.0);
        a.gauge("a_metric", "A.", vec![], 2.0);
        let mut b = MetricSet::new();
        b.gauge("b_metric", "B.", labels([("x", "2")]), 3.0);
        b.counter("c_total", "C.", vec![], 4.0);
        let (a, b) = (Arc::new(a), Arc::new(b));
        let text = encode(&[Arc::clone(&a), Arc::clone(&b)], false);
        assert_eq!(
            text,
            "# HELP a_metric A.\n# TYPE a_metric gauge\na_metric 2.0\n\
             # HELP b_metric B.\n# TYPE b_metric gauge\nb_metric{x=\"1\"} 1.0\nb_metric{x=\"2\"} 3.0\n\
             # HELP c_total C.\n# TYPE c_total counter\nc_total 4.0\n"
        );
        let om = encode(&[a, b], true);
        assert_eq!(om.matches("# TYPE b_metric gauge").count(), 1);
        assert!(
            om.contains("c_total 4.0") && om.ends_with("# EOF\n"),
            "{om}"
        );
    }
}
