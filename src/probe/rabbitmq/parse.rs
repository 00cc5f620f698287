//! Pure parsers for the two per-queue sources, and the queue selection (filters and cap).
//!
//! No I/O here: every function takes bytes or values and returns values, so they are unit
//! tested below and can be fuzzed.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Deserialize;

use crate::config::Pattern;

/// Why a response could not be understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ParseError(pub String);

/// One queue's figures. `None` means the source did not report that figure.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueueStats {
    /// Virtual host.
    pub vhost: String,
    /// Queue name.
    pub queue: String,
    /// Messages ready for delivery.
    pub ready: Option<f64>,
    /// Messages delivered and not yet acknowledged.
    pub unacked: Option<f64>,
    /// Consumers attached to the queue.
    pub consumers: Option<f64>,
}

/// One sample of the Prometheus text format.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// Metric name.
    pub name: String,
    /// Labels in the order written.
    pub labels: Vec<(String, String)>,
    /// Value.
    pub value: f64,
}

/// Name of the plugin's detailed ready gauge (RabbitMQ 3.8+, `queue_coarse_metrics`).
pub const DETAILED_READY: &str =
    super::metrics::RABBITMQ_DETAILED_QUEUE_MESSAGES_READY.name;
/// Name of the plugin's detailed unacked gauge (`queue_coarse_metrics`).
pub const DETAILED_UNACKED: &str =
    super::metrics::RABBITMQ_DETAILED_QUEUE_MESSAGES_UNACKED.name;
/// Name of the plugin's detailed consumers gauge (`queue_consumer_count`).
pub const DETAILED_CONSUMERS: &str =
    super::metrics::RABBITMQ_DETAILED_QUEUE_CONSUMERS.name;

fn is_name_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c == b':'
}

fn is_name_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b':'
}

/// One sample of the Prometheus text format, borrowing from the line it was read from (a label
/// value is copied only when it contains escapes).
#[derive(Debug, Clone, PartialEq)]
pub struct SampleRef<'a> {
    /// Metric name.
    pub name: &'a str,
    /// Labels in the order written.
    pub labels: Vec<(&'a str, Cow<'a, str>)>,
    /// Value.
    pub value: f64,
}

/// Parses one line of the Prometheus text format 0.0.4. Comments and blank lines give
/// `Ok(None)`; anything that is not a well-formed sample is an error.
pub fn parse_sample_line(line: &str) -> Result<Option<Sample>, ParseError> {
    Ok(parse_sample_ref(line)?.map(|s| Sample {
        name: s.name.to_string(),
        labels: s
            .labels
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.into_owned()))
            .collect(),
        value: s.value,
    }))
}

/// [`parse_sample_line`] without copying: the name and label values borrow from `line`.
pub fn parse_sample_ref(line: &str) -> Result<Option<SampleRef<'_>>, ParseError> {
    let line = line.trim_end_matches('\r');
    let t = line.trim_start();
    if t.is_empty() || t.starts_with('#') {
        return Ok(None);
    }
    let b = t.as_bytes();
    let bad = |why: &str| ParseError(format!("{why} in line {:?}", shorten(line)));
    if !is_name_start(b[0]) {
        return Err(bad("invalid metric name"));
    }
    let mut i = 1;
    while i < b.len() && is_name_char(b[i]) {
        i += 1;
    }
    let name = &t[..i];
    let mut labels = Vec::new();
    if i < b.len() && b[i] == b'{' {
        i += 1;
        loop {
            while i < b.len() && (b[i] == b' ' || b[i] == b',') {
                i += 1;
            }
            if i >= b.len() {
                return Err(bad("unterminated label set"));
            }
            if b[i] == b'}' {
                i += 1;
                break;
            }
            let ks = i;
            if !is_name_start(b[i]) {
                return Err(bad("invalid label name"));
            }
            while i < b.len() && is_name_char(b[i]) {
                i += 1;
            }
            let key = &t[ks..i];
            if i + 1 >= b.len() || b[i] != b'=' || b[i + 1] != b'"' {
                return Err(bad("expected =\" after label name"));
            }
            i += 2;
            let vs = i;
            // Fast path: no escape before the closing quote, borrow the value.
            let mut j = i;
            while j < b.len() && b[j] != b'"' && b[j] != b'\\' {
                j += 1;
            }
            if j < b.len() && b[j] == b'"' {
                labels.push((key, Cow::Borrowed(&t[vs..j])));
                i = j + 1;
                continue;
            }
            let mut val = String::from(&t[vs..j]);
            let mut closed = false;
            let mut chars = t[j..].char_indices();
            while let Some((off, c)) = chars.next() {
                match c {
                    '\\' => match chars.next() {
                        Some((_, 'n')) => val.push('\n'),
                        Some((_, '\\')) => val.push('\\'),
                        Some((_, '"')) => val.push('"'),
                        _ => return Err(bad("invalid escape in label value")),
                    },
                    '"' => {
                        i = j + off + 1;
                        closed = true;
                        break;
                    }
                    c => val.push(c),
                }
            }
            if !closed {
                return Err(bad("unterminated label value"));
            }
            labels.push((key, Cow::Owned(val)));
        }
    }
    let rest = &t[i..];
    if !rest.starts_with([' ', '\t']) {
        return Err(bad("expected a space before the value"));
    }
    let mut fields = rest.split_whitespace();
    let v = fields.next().ok_or_else(|| bad("missing value"))?;
    let value = match v {
        "+Inf" | "Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        "NaN" => f64::NAN,
        _ => v.parse::<f64>().map_err(|_| bad("invalid value"))?,
    };
    if let Some(ts) = fields.next() {
        ts.parse::<i64>().map_err(|_| bad("invalid timestamp"))?;
    }
    if fields.next().is_some() {
        return Err(bad("trailing data"));
    }
    Ok(Some(SampleRef {
        name,
        labels,
        value,
    }))
}

fn shorten(s: &str) -> String {
    let mut out: String = s.chars().take(80).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

fn label<'a>(labels: &'a [(&str, Cow<'_, str>)], key: &str) -> Option<&'a str> {
    labels.iter().find(|(k, _)| *k == key).map(|(_, v)| v.as_ref())
}

/// Longest line [`DetailedParser`] buffers while waiting for its end (a queue name is at most
/// 255 bytes; a line of the detailed families is far shorter than this).
pub const MAX_LINE: usize = 64 * 1024;

/// Parses the plugin's `/metrics/detailed?family=queue_coarse_metrics&family=queue_consumer_count`
/// response into per-queue figures, in (vhost, queue) order. The body must be UTF-8 text in
/// the Prometheus format and declare the detailed queue families (present even with no
/// queue), so an unrelated HTTP server answering 200 is rejected.
pub fn parse_detailed(body: &[u8]) -> Result<Vec<QueueStats>, ParseError> {
    let mut p = DetailedParser::default();
    p.feed(body)?;
    p.finish()
}

/// [`parse_detailed`] fed piece by piece as the body arrives: complete lines are parsed at
/// once and only the unfinished last line is kept, so the body is never held whole.
#[derive(Debug, Default)]
pub struct DetailedParser {
    partial: Vec<u8>,
    declared: bool,
    /// The `rabbitmq_identity_info` / `rabbitmq_build_info` lines (HELP, TYPE, samples), kept
    /// as text for [`super::plugin::plugin_families`]: a few hundred bytes.
    info: Vec<u8>,
    queues: BTreeMap<String, BTreeMap<String, QueueStats>>,
}

impl DetailedParser {
    /// Parses the complete lines of `chunk` (joined to the unfinished line of the previous one).
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), ParseError> {
        let mut rest = chunk;
        if !self.partial.is_empty() {
            let Some(end) = rest.iter().position(|&b| b == b'\n') else {
                return self.keep(rest);
            };
            let mut line = std::mem::take(&mut self.partial);
            line.extend_from_slice(&rest[..end]);
            self.line(&line)?;
            line.clear();
            self.partial = line; // keeps its capacity for the next split line
            rest = &rest[end + 1..];
        }
        while let Some(end) = rest.iter().position(|&b| b == b'\n') {
            self.line(&rest[..end])?;
            rest = &rest[end + 1..];
        }
        self.keep(rest)
    }

    /// Parses the last line (if the body did not end with a newline) and returns the queues.
    pub fn finish(mut self) -> Result<Vec<QueueStats>, ParseError> {
        if !self.partial.is_empty() {
            let line = std::mem::take(&mut self.partial);
            self.line(&line)?;
        }
        if !self.declared {
            return Err(ParseError(
                "not a rabbitmq_prometheus detailed response (no rabbitmq_detailed_queue_* family)"
                    .into(),
            ));
        }
        // Names are kept once, as map keys, while parsing; they move into the figures here.
        Ok(self
            .queues
            .into_iter()
            .flat_map(|(vhost, queues)| {
                queues.into_iter().map(move |(queue, stats)| QueueStats {
                    vhost: vhost.clone(),
                    queue,
                    ..stats
                })
            })
            .collect())
    }

    /// The identity and build-info lines seen so far (call before [`DetailedParser::finish`]).
    pub fn take_info(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.info)
    }

    fn keep(&mut self, tail: &[u8]) -> Result<(), ParseError> {
        if self.partial.len() + tail.len() > MAX_LINE {
            return Err(ParseError(format!(
                "a line longer than {MAX_LINE} bytes"
            )));
        }
        self.partial.extend_from_slice(tail);
        Ok(())
    }

    fn line(&mut self, line: &[u8]) -> Result<(), ParseError> {
        let line = std::str::from_utf8(line)
            .map_err(|_| ParseError("response is not UTF-8 text".into()))?;
        let name = line
            .strip_prefix("# TYPE ")
            .or_else(|| line.strip_prefix("# HELP "))
            .unwrap_or(line);
        if ["rabbitmq_identity_info", "rabbitmq_build_info"]
            .iter()
            .any(|n| name.strip_prefix(n).is_some_and(|r| r.starts_with(['{', ' ', '\t'])))
        {
            self.info.extend_from_slice(line.as_bytes());
            self.info.push(b'\n');
            return Ok(());
        }
        if let Some(decl) = line.strip_prefix("# TYPE ") {
            if decl.starts_with("rabbitmq_detailed_queue_") {
                self.declared = true;
            }
            return Ok(());
        }
        // Only the three families read are parsed; the endpoint's other lines (the
        // `messages` and `process_reductions` families, build and identity info, telemetry)
        // are skipped unparsed.
        let wanted = [DETAILED_READY, DETAILED_UNACKED, DETAILED_CONSUMERS]
            .iter()
            .any(|n| {
                line.strip_prefix(n)
                    .is_some_and(|rest| rest.starts_with(['{', ' ', '\t']))
            });
        if !wanted {
            return Ok(());
        }
        let Some(s) = parse_sample_ref(line)? else {
            return Ok(());
        };
        let (Some(vhost), Some(queue)) = (label(&s.labels, "vhost"), label(&s.labels, "queue"))
        else {
            return Err(ParseError(format!(
                "{} sample without vhost and queue labels",
                s.name
            )));
        };
        // Looked up by reference: a queue's strings are allocated once, not once per family.
        if !self.queues.contains_key(vhost) {
            self.queues.insert(vhost.to_string(), BTreeMap::new());
        }
        let in_vhost = self.queues.get_mut(vhost).expect("inserted above");
        if !in_vhost.contains_key(queue) {
            in_vhost.insert(queue.to_string(), QueueStats::default());
        }
        let e = in_vhost.get_mut(queue).expect("inserted above");
        let field = match s.name {
            DETAILED_READY => &mut e.ready,
            DETAILED_UNACKED => &mut e.unacked,
            _ => &mut e.consumers,
        };
        *field = Some(field.unwrap_or(0.0) + s.value);
        Ok(())
    }
}

#[derive(Deserialize)]
struct ManagementQueue {
    name: String,
    vhost: String,
    #[serde(default)]
    messages_ready: Option<f64>,
    #[serde(default)]
    messages_unacknowledged: Option<f64>,
    #[serde(default)]
    consumers: Option<f64>,
}

/// Parses the management API's `/api/queues?columns=name,vhost,messages_ready,
/// messages_unacknowledged,consumers` JSON array, in (vhost, queue) order. Figures the API
/// has not computed yet (a queue created less than one statistics interval ago) are `None`.
pub fn parse_management(body: &[u8]) -> Result<Vec<QueueStats>, ParseError> {
    let list: Vec<ManagementQueue> = serde_json::from_slice(body)
        .map_err(|e| ParseError(format!("invalid /api/queues JSON: {e}")))?;
    let mut out: Vec<QueueStats> = list
        .into_iter()
        .map(|q| QueueStats {
            vhost: q.vhost,
            queue: q.name,
            ready: q.messages_ready,
            unacked: q.messages_unacknowledged,
            consumers: q.consumers,
        })
        .collect();
    out.sort_by(|a, b| (&a.vhost, &a.queue).cmp(&(&b.vhost, &b.queue)));
    Ok(out)
}

/// Keeps the queues whose name matches `include` and not `exclude`; when more than `max`
/// remain, keeps the `max` with the most unacknowledged (then ready) messages, the ones an
/// alert cares about. Returns the kept queues in (vhost, queue) order and how many were
/// dropped by the cap.
pub fn select(
    queues: Vec<QueueStats>,
    include: &Pattern,
    exclude: Option<&Pattern>,
    max: usize,
) -> (Vec<QueueStats>, usize) {
    let mut kept: Vec<QueueStats> = queues
        .into_iter()
        .filter(|q| include.is_match(&q.queue) && !exclude.is_some_and(|e| e.is_match(&q.queue)))
        .collect();
    let mut dropped = 0;
    if kept.len() > max {
        let key = |v: Option<f64>| v.filter(|x| x.is_finite()).unwrap_or(0.0);
        kept.sort_by(|a, b| {
            key(b.unacked)
                .total_cmp(&key(a.unacked))
                .then(key(b.ready).total_cmp(&key(a.ready)))
                .then((&a.vhost, &a.queue).cmp(&(&b.vhost, &b.queue)))
        });
        dropped = kept.len() - max;
        kept.truncate(max);
    }
    kept.sort_by(|a, b| (&a.vhost, &a.queue).cmp(&(&b.vhost, &b.queue)));
    (kept, dropped)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DETAILED: &str = r#"# TYPE rabbitmq_detailed_queue_messages_ready gauge
# HELP rabbitmq_detailed_queue_messages_ready Messages ready to be delivered to consumers
rabbitmq_detailed_queue_messages_ready{vhost="/",queue="orders"} 7
rabbitmq_detailed_queue_messages_ready{vhost="crm",queue="a \"q\" \\ b"} 0
# TYPE rabbitmq_detailed_queue_messages_unacked gauge
rabbitmq_detailed_queue_messages_unacked{vhost="/",queue="orders"} 1200
rabbitmq_detailed_queue_messages_unacked{vhost="crm",queue="a \"q\" \\ b"} 3
# TYPE rabbitmq_detailed_queue_messages gauge
rabbitmq_detailed_queue_messages{vhost="/",queue="orders"} 1207
# TYPE rabbitmq_detailed_queue_consumers gauge
rabbitmq_detailed_queue_consumers{vhost="/",queue="orders"} 2
# TYPE rabbitmq_build_info untyped
rabbitmq_build_info{rabbitmq_version="3.10.8",erlang_version="25.2.3"} 1
"#;

    #[test]
    fn parses_detailed_families() {
        let q = parse_detailed(DETAILED.as_bytes()).unwrap();
        assert_eq!(q.len(), 2);
        assert_eq!(
            q[0],
            QueueStats {
                vhost: "/".into(),
                queue: "orders".into(),
                ready: Some(7.0),
                unacked: Some(1200.0),
                consumers: Some(2.0),
            }
        );
        assert_eq!(q[1].queue, "a \"q\" \\ b");
        assert_eq!(q[1].unacked, Some(3.0));
        assert_eq!(q[1].consumers, None);
    }

    #[test]
    fn empty_broker_is_fine_but_unrelated_text_is_not() {
        let empty = "# TYPE rabbitmq_detailed_queue_messages_ready gauge\n# HELP x y\n";
        assert_eq!(parse_detailed(empty.as_bytes()).unwrap(), vec![]);
        assert!(parse_detailed(b"OK\n").is_err());
        assert!(parse_detailed(b"").is_err());
        assert!(parse_detailed(b"up 1\n").is_err());
        assert!(parse_detailed(&[0xff, 0xfe, 0x00]).is_err());
    }

    #[test]
    fn sample_lines() {
        let s = parse_sample_line("m{a=\"x\\ny\",b=\"\"} -Inf 123")
            .unwrap()
            .unwrap();
        assert_eq!(
            s.labels,
            vec![("a".into(), "x\ny".into()), ("b".into(), "".into())]
        );
        assert_eq!(s.value, f64::NEG_INFINITY);
        assert!(parse_sample_line("m 1e3").unwrap().unwrap().value == 1000.0);
        assert!(
            parse_sample_line("m{a=\"x\",} NaN")
                .unwrap()
                .unwrap()
                .value
                .is_nan()
        );
        for bad in [
            "m{a=\"x} 1",
            "m{a=x} 1",
            "m{=\"x\"} 1",
            "m{a=\"x\"}1",
            "9m 1",
            "m",
            "m one",
            "m 1 2 3",
            "m{a=\"\\q\"} 1",
            "m{a=\"x\"",
        ] {
            assert!(parse_sample_line(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_sample_line("  # c").unwrap(), None);
    }

    #[test]
    fn garbage_never_panics() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for len in 0..400 {
            let mut buf = Vec::with_capacity(len);
            for _ in 0..len {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                const ALPHABET: &[u8] = b"{}\"\\=, \n#ab1.\xc3\xa9\xff";
                buf.push(ALPHABET[(seed % ALPHABET.len() as u64) as usize]);
            }
            let _ = parse_detailed(&buf);
            let _ = parse_management(&buf);
            let mut prefixed = DETAILED.as_bytes().to_vec();
            prefixed.extend_from_slice(&buf);
            let _ = parse_detailed(&prefixed);
        }
    }

    #[test]
    fn streaming_gives_the_same_queues_whatever_the_chunks() {
        let whole = parse_detailed(DETAILED.as_bytes()).unwrap();
        let body = DETAILED.replace('\n', "\r\n");
        for size in [1, 2, 3, 7, 64, 1000] {
            let mut p = DetailedParser::default();
            for chunk in body.as_bytes().chunks(size) {
                p.feed(chunk).unwrap();
            }
            assert_eq!(p.finish().unwrap(), whole, "chunks of {size}");
        }
        // No newline at the end: the last line still counts.
        let cut = DETAILED.trim_end_matches('\n');
        assert_eq!(parse_detailed(cut.as_bytes()).unwrap(), whole);
        // A line that never ends is refused instead of buffered.
        let mut p = DetailedParser::default();
        p.feed(b"# TYPE rabbitmq_detailed_queue_messages_ready gauge\nrabbitmq_x{q=\"")
            .unwrap();
        let long = vec![b'a'; MAX_LINE];
        assert!(p.feed(&long).is_err());
    }

    #[test]
    fn borrowed_labels_unless_escaped() {
        let s = parse_sample_ref("m{a=\"plain\",b=\"x\\\"y\"} 1").unwrap().unwrap();
        assert!(matches!(s.labels[0].1, Cow::Borrowed("plain")));
        assert_eq!(s.labels[1].1, "x\"y");
    }

    #[test]
    fn parses_management_json() {
        let body = br#"[{"name":"b","vhost":"/","messages_ready":1,"messages_unacknowledged":5,"consumers":1},
                        {"name":"a","vhost":"/"}]"#;
        let q = parse_management(body).unwrap();
        assert_eq!(q[0].queue, "a");
        assert_eq!(q[0].unacked, None);
        assert_eq!(q[1].unacked, Some(5.0));
        assert!(parse_management(b"{\"error\":\"not_authorised\"}").is_err());
        assert!(parse_management(b"<html>").is_err());
    }

    fn q(name: &str, unacked: f64) -> QueueStats {
        QueueStats {
            vhost: "/".into(),
            queue: name.into(),
            ready: Some(0.0),
            unacked: Some(unacked),
            consumers: Some(0.0),
        }
    }

    #[test]
    fn select_filters_and_caps_keeping_the_busiest() {
        let all = vec![q("a", 1.0), q("b", 50.0), q("c", 9.0), q("amq.gen-x", 99.0)];
        let inc = Pattern::new(".*").unwrap();
        let exc = Pattern::new("amq\\.gen-.*").unwrap();
        let (kept, dropped) = select(all.clone(), &inc, Some(&exc), 2);
        assert_eq!(dropped, 1);
        let names: Vec<_> = kept.iter().map(|q| q.queue.as_str()).collect();
        assert_eq!(names, ["b", "c"]);
        let (kept, dropped) = select(all, &Pattern::new("[ab]").unwrap(), None, 10);
        assert_eq!((kept.len(), dropped), (2, 0));
    }
}
