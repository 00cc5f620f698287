//! RabbitMQ probe: broker liveness over AMQP and per-queue figures over HTTP.
//!
//! `rabbitmq_up` is 1 only when, within the deadline, **both**
//! 1. the AMQP connection is alive: one persistent connection per target (opened with lapin,
//!    reused across scrapes) answers a `basic.qos` round trip on its channel, or a fresh
//!    AMQP handshake (TCP, `connection.start/tune/open`, channel open) succeeds; and
//! 2. the per-queue source answered 200 with a body we could parse: the rabbitmq_prometheus
//!    plugin's `/metrics/detailed?family=queue_coarse_metrics&family=queue_consumer_count`
//!    (default) or the management API's `/api/queues` (`queue_source: management`).
//!
//! The per-queue gauges are exported only when `rabbitmq_up` is 1, also under the plugin's
//! `rabbitmq_detailed_queue_*` names (`detailed_queue_metrics`). With them come the plugin's
//! `rabbitmq_identity_info` and `rabbitmq_build_info` and, unless `node_metrics: false`, its
//! aggregated node families read from its `/metrics` ([`plugin`]).
//!
//! Faults: a failed or timed-out round trip kills the connection (its socket is shut down
//! through a duplicate descriptor, so lapin's I/O thread ends at once) and the next scrape
//! reconnects. At most one connection attempt is in flight per target: a handshake stuck on
//! a hung broker is awaited by later scrapes rather than duplicated, and abandoned (socket
//! shut down) after [`CONNECT_CAP`]. So the exporter holds at most one AMQP connection per
//! target, plus, for a moment, the one being torn down.

pub mod parse;
pub mod plugin;

use std::net::Shutdown;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lapin::options::BasicQosOptions;
use lapin::tcp::AsyncTcpStream;
use lapin::types::LongString;
use lapin::uri::{AMQPUri, AMQPUserInfo};
use lapin::{Channel, Connection, ConnectionProperties};
use tokio::time::Instant;

use crate::metrics::MetricSet;
use crate::net::http::{self as fetch, FetchError, IpProtocol};
use crate::probe::{Kept, Meta, Probe, ProbeError, ProbeFuture};

mod config;
pub mod metrics;
pub use config::{AmqpSchemes, AmqpUrl, QueueSource, RabbitmqTarget};

use self::parse::QueueStats;

/// Most bytes read from the per-queue source (about 40 000 queues of detailed metrics).
pub const MAX_BODY: usize = 16 * 1024 * 1024;

/// Which of the two RabbitMQ HTTP base addresses a URL is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaseUrl {
    /// `prometheus_url`: the rabbitmq_prometheus plugin; the probe appends `/metrics/detailed`.
    Prometheus,
    /// `management_url`: the management plugin; the probe appends `/api/queues`.
    Management,
}

/// Rejects a base address that already ends in the endpoint the probe appends (for
/// `prometheus_url`: `/metrics` or anything under it; for `management_url`: `/api` or anything
/// under it), which would make every request a 404 and `rabbitmq_up` 0 for good. The message
/// shows the address to write instead. Other paths (a reverse-proxy prefix) are kept.
pub fn check_base_url(url: &url::Url, kind: BaseUrl) -> Result<(), String> {
    let (endpoint, appended) = match kind {
        BaseUrl::Prometheus => ("/metrics", "/metrics/detailed"),
        BaseUrl::Management => ("/api", "/api/queues"),
    };
    let path = url.path().trim_end_matches('/');
    let cut = path.match_indices(endpoint).map(|(i, _)| i).find(|&i| {
        let rest = &path[i + endpoint.len()..];
        rest.is_empty() || rest.starts_with('/')
    });
    let Some(cut) = cut else {
        return Ok(());
    };
    let mut base = url.clone();
    base.set_path(&path[..cut]);
    base.set_query(None);
    let base = crate::config::redact_url(base.as_str());
    let base = base.trim_end_matches('/');
    Err(format!(
        "{:?} is an endpoint, not a base address: the probe appends {appended} itself; write {base}",
        crate::config::redact_url(url.as_str())
    ))
}

/// A connection attempt still unfinished after this long is abandoned and its socket shut.
pub const CONNECT_CAP: Duration = Duration::from_secs(30);

/// AMQP heartbeat asked for when the URL sets none, so a silently dead peer is noticed by
/// lapin within about two intervals even between scrapes.
const DEFAULT_HEARTBEAT_SECS: u16 = 10;

/// Shuts the socket of a connection down from outside lapin.
#[derive(Clone, Default)]
struct Killer(Arc<Mutex<Option<std::net::TcpStream>>>);

impl Killer {
    fn arm(&self, s: std::net::TcpStream) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(s);
    }
    fn kill(&self) {
        if let Some(s) = self.0.lock().unwrap_or_else(|e| e.into_inner()).take() {
            let _ = s.shutdown(Shutdown::Both);
        }
    }
}

/// A live AMQP connection with its probe channel.
struct Live {
    conn: Connection,
    channel: Channel,
    killer: Killer,
}

impl Drop for Live {
    /// However the connection is discarded (including the collection task being aborted at
    /// the framework's deadline), its socket is shut so lapin's I/O thread ends now.
    fn drop(&mut self) {
        self.killer.kill();
    }
}

/// The rabbitmq probe for one target.
pub struct RabbitmqProbe {
    meta: Meta,
    config: RabbitmqTarget,
    timeout: Duration,
    amqp: tokio::sync::Mutex<Kept<Live>>,
    /// HTTP connection of the per-queue source, kept between scrapes.
    http_queues: fetch::KeepAlive,
    /// HTTP connection of the plugin's `/metrics`, kept between scrapes.
    http_node: fetch::KeepAlive,
}

impl RabbitmqProbe {
    /// A probe for `config`; `default_timeout` applies when the target sets none;
    /// `default_endpoint` says whether it is served on `/metrics`.
    pub fn new(config: RabbitmqTarget, default_timeout: Duration, default_endpoint: bool) -> Self {
        let timeout = config.timeout.unwrap_or(default_timeout);
        let source = match config.queue_source {
            QueueSource::Prometheus => config.prometheus_url.redacted(),
            QueueSource::Management => config.management_url.redacted(),
        };
        let meta = Meta::new("rabbitmq", &config.name, timeout)
            .target(format!("{} + {}", config.amqp_url.redacted(), source))
            .default_endpoint(default_endpoint)
            .up(
                metrics::RABBITMQ_UP,
                vec![],
            );
        RabbitmqProbe {
            meta,
            config,
            timeout,
            amqp: Kept::slot(),
            http_queues: fetch::KeepAlive::default(),
            http_node: fetch::KeepAlive::default(),
        }
    }

    fn password(&self) -> &str {
        self.config
            .password
            .as_ref()
            .map(|p| p.expose())
            .unwrap_or("")
    }

    /// Removes the password from a message coming from a client library.
    fn scrub(&self, msg: String) -> String {
        let pw = self.password();
        if pw.len() >= 3 {
            msg.replace(pw, "<secret>")
        } else {
            msg
        }
    }

    fn amqp_uri(&self) -> Result<AMQPUri, String> {
        let mut uri: AMQPUri =
            self.config.amqp_url.url().as_str().parse().map_err(|e| {
                format!("invalid amqp_url {}: {e}", self.config.amqp_url.redacted())
            })?;
        if !self.config.username.is_empty() {
            uri.authority.userinfo = AMQPUserInfo {
                username: self.config.username.clone(),
                password: self.password().to_string(),
            };
        }
        if uri.query.heartbeat.is_none() {
            uri.query.heartbeat = Some(DEFAULT_HEARTBEAT_SECS);
        }
        Ok(uri)
    }

    /// Checks (or re-establishes) the persistent AMQP connection before `deadline`.
    async fn check_amqp(&self, deadline: Instant) -> Result<(), ProbeError> {
        let mut st = Kept::lock(&self.amqp, deadline, self.timeout).await?;
        if let Some(live) = st.conn.take() {
            if live.conn.status().connected() && live.channel.status().connected() {
                match tokio::time::timeout_at(
                    deadline,
                    live.channel.basic_qos(0, BasicQosOptions::default()),
                )
                .await
                {
                    Ok(Ok(())) => {
                        st.conn = Some(live);
                        st.succeeded();
                        return Ok(());
                    }
                    Ok(Err(e)) => {
                        tracing::debug!(target = %self.config.name, error = %e, "AMQP round trip failed; reconnecting");
                        drop(live);
                    }
                    Err(_) => {
                        drop(live);
                        return Err(ProbeError::Query(
                            "AMQP round trip (basic.qos) did not answer before the deadline; connection closed".into(),
                        ));
                    }
                }
            } else {
                drop(live);
            }
        }
        if st.pending.is_none() {
            let uri = self.amqp_uri().map_err(ProbeError::Connect)?;
            let name = self.config.name.clone();
            st.pending = Some(tokio::spawn(connect(uri, name)));
        }
        let handle = st.pending.as_mut().expect("pending attempt");
        match tokio::time::timeout_at(deadline, handle).await {
            Err(_) => Err(ProbeError::Connect(
                "AMQP handshake not finished before the deadline (still trying)".into(),
            )),
            Ok(joined) => {
                st.pending = None;
                match joined {
                    Ok(Ok(live)) => {
                        st.conn = Some(live);
                        st.succeeded();
                        Ok(())
                    }
                    Ok(Err(ProbeError::Protocol(e))) => Err(ProbeError::Protocol(self.scrub(e))),
                    Ok(Err(ProbeError::Connect(e))) => Err(ProbeError::Connect(self.scrub(e))),
                    Ok(Err(e)) => Err(e),
                    Err(_) => Err(ProbeError::Connect("AMQP connection task failed".into())),
                }
            }
        }
    }

    /// GETs `path?query` below `base` before `deadline` over the connection kept in `keep`, handing the body of a 2xx answer to
    /// `sink` piece by piece as it arrives (never held whole here).
    async fn fetch_into(
        &self,
        keep: &fetch::KeepAlive,
        base: &crate::config::HttpUrl,
        path: &str,
        query: &str,
        deadline: Instant,
        sink: &mut fetch::BodySink<'_>,
    ) -> Result<(), ProbeError> {
        let mut url = base.url().clone();
        let joined = format!("{}{path}", url.path().trim_end_matches('/'));
        url.set_path(&joined);
        url.set_query(Some(query).filter(|q| !q.is_empty()));
        let auth = (!self.config.username.is_empty())
            .then(|| fetch::basic_auth(&self.config.username, self.password()));
        let status = fetch::get_streaming_kept(keep, &url, auth.as_deref(), IpProtocol::Ip4, deadline, MAX_BODY, sink)
            .await
            .map_err(|e| match e {
                FetchError::Connect(m) => ProbeError::Connect(format!("{path}: {m}")),
                FetchError::Rejected(m) => ProbeError::Protocol(format!("{path}: {m}")),
                other => ProbeError::Query(format!("{path}: {other}")),
            })?;
        if !status.is_success() {
            return Err(ProbeError::Query(format!(
                "{path} answered HTTP {}",
                status.as_u16()
            )));
        }
        Ok(())
    }

    /// Reads the per-queue source before `deadline`; from the plugin's detailed endpoint also
    /// `rabbitmq_identity_info` and `rabbitmq_build_info`. The plugin's body is parsed as it
    /// arrives; the management API's JSON array is collected, then parsed.
    async fn fetch_queues(
        &self,
        deadline: Instant,
    ) -> Result<(Vec<QueueStats>, MetricSet), ProbeError> {
        let (base, path, query) = match self.config.queue_source {
            QueueSource::Prometheus => (
                &self.config.prometheus_url,
                "/metrics/detailed",
                "family=queue_coarse_metrics&family=queue_consumer_count",
            ),
            QueueSource::Management => (
                &self.config.management_url,
                "/api/queues",
                "columns=name,vhost,messages_ready,messages_unacknowledged,consumers",
            ),
        };
        let source = self.config.queue_source;
        let mut detailed = parse::DetailedParser::default();
        let mut json = Vec::new();
        self.fetch_into(&self.http_queues, base, path, query, deadline, &mut |chunk: &[u8]| match source {
            QueueSource::Prometheus => detailed.feed(chunk).map_err(|e| e.0),
            QueueSource::Management => {
                json.extend_from_slice(chunk);
                Ok(())
            }
        })
        .await?;
        let mut identity = MetricSet::new();
        let parsed = match source {
            QueueSource::Prometheus => {
                let info = detailed.take_info();
                detailed.finish().and_then(|q| {
                    plugin::plugin_families(&info, plugin::Keep::Identity, &mut identity)?;
                    Ok(q)
                })
            }
            QueueSource::Management => parse::parse_management(&json),
        };
        parsed
            .map(|q| (q, identity))
            .map_err(|e| ProbeError::Protocol(format!("{path}: {e}")))
    }

    /// The plugin's aggregated `/metrics` families, or nothing when switched off. A failure
    /// leaves them out (logged) without failing the probe: the broker's liveness is the AMQP
    /// check's and the per-queue source's.
    async fn node_families(&self, deadline: Instant) -> MetricSet {
        let mut set = MetricSet::new();
        if !self.config.node_metrics {
            return set;
        }
        let mut body = Vec::new();
        let r = self
            .fetch_into(&self.http_node, &self.config.prometheus_url, "/metrics", "", deadline, &mut |c: &[u8]| {
                body.extend_from_slice(c);
                Ok(())
            })
            .await
            .and_then(|()| {
                plugin::plugin_families(&body, plugin::Keep::Node, &mut set)
                    .map_err(|e| ProbeError::Protocol(format!("/metrics: {e}")))
            });
        if let Err(e) = r {
            tracing::debug!(target = %self.config.name, error = %e, "plugin /metrics left out");
            return MetricSet::new();
        }
        set
    }

    async fn run(&self, deadline: Instant) -> Result<MetricSet, ProbeError> {
        let (amqp, queues, node) = tokio::join!(
            self.check_amqp(deadline),
            self.fetch_queues(deadline),
            self.node_families(deadline)
        );
        // Which half answered, exported even when the probe fails, so that an alert can say
        // what is down (the broker, or only its metrics plugin).
        let mut parts = MetricSet::new();
        let up = |ok: bool| if ok { 1.0 } else { 0.0 };
        parts.put(&metrics::NEXO_EXPORTER_RABBITMQ_AMQP_UP, vec![], up(amqp.is_ok()));
        parts.put(&metrics::NEXO_EXPORTER_RABBITMQ_QUEUE_SOURCE_UP, vec![], up(queues.is_ok()));
        let (queues, identity) = match (amqp, queues) {
            (Err(e), _) | (Ok(()), Err(e)) => {
                return Err(ProbeError::FailedWith {
                    reason: e.to_string(),
                    metrics: Box::new(parts),
                });
            }
            (Ok(()), Ok(q)) => q,
        };
        let (kept, dropped) = parse::select(
            queues,
            &self.config.queue_include,
            self.config.queue_exclude.as_ref(),
            self.config.max_queues,
        );
        let mut set = parts;
        // identity/build info come with both responses; keep one copy.
        if node.get("rabbitmq_identity_info").is_none() {
            set.merge(identity);
        }
        set.merge(node);
        // One label set per queue, shared by its samples (up to seven): the queue's strings
        // move in, and each sample holds a pointer to them.
        for q in kept {
            let l = Arc::new(vec![
                ("vhost".to_string(), q.vhost),
                ("queue".to_string(), q.queue),
            ]);
            let mut put = |desc: &crate::metrics::Desc, v: Option<f64>| {
                if let Some(v) = v {
                    set.put_shared(desc, &l, v);
                }
            };
            put(&metrics::RABBITMQ_QUEUE_MESSAGES_UNACKED, q.unacked);
            put(&metrics::RABBITMQ_QUEUE_MESSAGES_READY, q.ready);
            put(&metrics::RABBITMQ_QUEUE_CONSUMERS, q.consumers);
            if self.config.detailed_queue_metrics {
                // The plugin's own names, which its dashboards and the cluster-operator rules read.
                put(&metrics::RABBITMQ_DETAILED_QUEUE_MESSAGES_READY, q.ready);
                put(&metrics::RABBITMQ_DETAILED_QUEUE_MESSAGES_UNACKED, q.unacked);
                put(
                    &metrics::RABBITMQ_DETAILED_QUEUE_MESSAGES,
                    q.ready.zip(q.unacked).map(|(r, u)| r + u),
                );
                put(&metrics::RABBITMQ_DETAILED_QUEUE_CONSUMERS, q.consumers);
            }
        }
        set.put(&metrics::NEXO_EXPORTER_RABBITMQ_QUEUES_DROPPED, vec![],
            dropped as f64,
        );
        Ok(set)
    }
}

/// Why [`connect`] failed.
enum Failed {
    /// The peer does not speak AMQP 0-9-1 (its bytes do not parse as AMQP frames).
    Protocol(String),
    /// Anything else: refused, reset, authentication, broker error.
    Connect(String),
}

impl From<String> for Failed {
    fn from(msg: String) -> Self {
        Failed::Connect(msg)
    }
}

impl From<lapin::Error> for Failed {
    fn from(e: lapin::Error) -> Self {
        match e.kind() {
            lapin::ErrorKind::ParsingError(_) | lapin::ErrorKind::InvalidProtocolVersion(_) => {
                Failed::Protocol(format!("not the AMQP 0-9-1 protocol: {e}"))
            }
            _ => Failed::Connect(e.to_string()),
        }
    }
}

/// Opens one AMQP connection and its probe channel, giving up after [`CONNECT_CAP`]; a peer
/// whose bytes are not AMQP frames is a [`ProbeError::Protocol`].
async fn connect(uri: AMQPUri, name: String) -> Result<Live, ProbeError> {
    connect_amqp(uri, name).await.map_err(|e| match e {
        Failed::Protocol(m) => ProbeError::Protocol(m),
        Failed::Connect(m) => ProbeError::Connect(m),
    })
}

async fn connect_amqp(uri: AMQPUri, name: String) -> Result<Live, Failed> {
    let killer = Killer::default();
    let k = killer.clone();
    let runtime = lapin::runtime::default_runtime().map_err(|e| e.to_string())?;
    let props = ConnectionProperties::default()
        .with_connection_name(LongString::from(format!("nexo-exporter ({name})")));
    let attempt = async {
        let conn = Connection::connector(
            uri,
            runtime,
            async move |uri: AMQPUri, _rt| {
                let deadline = Instant::now() + CONNECT_CAP;
                let s = fetch::connect_tcp(
                    &uri.authority.host,
                    uri.authority.port,
                    IpProtocol::Ip4,
                    deadline,
                )
                .await
                .map_err(|e| std::io::Error::other(e.to_string()))?;
                let std = s.into_std()?;
                k.arm(std.try_clone()?);
                let s = tokio::net::TcpStream::from_std(std)?;
                Ok(AsyncTcpStream::Plain(async_compat::Compat::new(s)))
            },
            props,
        )
        .await?;
        let channel = conn.create_channel().await?;
        Ok::<_, Failed>((conn, channel))
    };
    match tokio::time::timeout(CONNECT_CAP, attempt).await {
        Ok(Ok((conn, channel))) => Ok(Live {
            conn,
            channel,
            killer,
        }),
        Ok(Err(e)) => {
            killer.kill();
            Err(e)
        }
        Err(_) => {
            killer.kill();
            Err(Failed::Connect(format!(
                "AMQP handshake unfinished after {CONNECT_CAP:?}; abandoned"
            )))
        }
    }
}

impl Probe for RabbitmqProbe {
    fn meta(&self) -> &Meta {
        &self.meta
    }
    fn collect(&self, deadline: Instant) -> ProbeFuture<'_> {
        Box::pin(self.run(deadline))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(s: &str, kind: BaseUrl) -> Result<(), String> {
        check_base_url(&url::Url::parse(s).unwrap(), kind)
    }

    #[test]
    fn base_addresses_pass_and_endpoints_are_rejected_with_the_right_form() {
        for ok in [
            "http://rabbitmq:15692",
            "http://rabbitmq:15692/",
            "https://mq.example/rabbitmq",
            "http://rabbitmq:15692/metricsproxy",
        ] {
            assert_eq!(check(ok, BaseUrl::Prometheus), Ok(()), "{ok}");
        }
        for ok in [
            "http://rabbitmq:15672",
            "https://mq.example/mgmt/",
            "http://h/apis",
        ] {
            assert_eq!(check(ok, BaseUrl::Management), Ok(()), "{ok}");
        }
        let cases = [
            (
                BaseUrl::Prometheus,
                "http://rabbitmq:15692/metrics",
                "write http://rabbitmq:15692",
            ),
            (
                BaseUrl::Prometheus,
                "http://rabbitmq:15692/metrics/",
                "write http://rabbitmq:15692",
            ),
            (
                BaseUrl::Prometheus,
                "http://rabbitmq:15692/metrics/detailed?family=x",
                "write http://rabbitmq:15692",
            ),
            (
                BaseUrl::Prometheus,
                "https://mq.example/rabbitmq/metrics/per-object",
                "write https://mq.example/rabbitmq",
            ),
            (
                BaseUrl::Management,
                "http://rabbitmq:15672/api",
                "write http://rabbitmq:15672",
            ),
            (
                BaseUrl::Management,
                "http://rabbitmq:15672/api/queues",
                "write http://rabbitmq:15672",
            ),
            (
                BaseUrl::Management,
                "http://u:pw@mq.example/mgmt/api/",
                "write http://u:<secret>@mq.example/mgmt",
            ),
        ];
        for (kind, url, want) in cases {
            let e = check(url, kind).unwrap_err();
            assert!(e.ends_with(want), "{url}: {e}");
            assert!(e.contains("appends /"), "{e}");
            assert!(!e.contains("pw"), "{e}");
        }
    }
}
