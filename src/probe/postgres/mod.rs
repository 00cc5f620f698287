//! PostgreSQL probe: connection counts per database and state, connection limits, the oldest
//! open transaction and connections per `application_name`, named as postgres_exporter names them.
//!
//! One persistent connection per target (`application_name = nexo-exporter`) is kept between
//! scrapes. It is taken out of the probe's state while a collection uses it and put back only
//! when the collection succeeds, so a collection that times out or is abandoned by the framework
//! drops the client *and* aborts its connection task: the socket closes and there is never more
//! than one exporter connection per target. Failed connects are retried with an exponential
//! backoff (200 ms doubling up to 2 s); a connection found closed (server restarted) is replaced
//! at once within the same scrape.
//!
//! Every figure comes from one simple-query round trip (`SET statement_timeout` plus three
//! `SELECT`s, read in one implicit transaction so `pg_stat_activity` is one snapshot). Parsing
//! of the returned text rows into metrics is pure ([`build_metrics`]).

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_postgres::config::Host;
use tokio_postgres::{Client, SimpleQueryMessage};
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::metrics::{MetricSet, labels};
use crate::net::http::{self as fetch, IpProtocol};
use crate::net::tls;
use crate::probe::{Kept, Meta, Probe, ProbeError, ProbeFuture, remaining};

mod config;
pub mod framing;
pub mod metrics;
mod parse;
mod stats;
pub use parse::{build_metrics, cap_applications, split_activity, split_ssl_params};
use parse::parse_sslmode;
pub use config::{PostgresTarget, SslMode};

/// The `application_name` of the exporter's own connection.
pub const APPLICATION_NAME: &str = "nexo-exporter";

/// The states `pg_stat_activity_count` is zero-filled for (as postgres_exporter).
pub const STATES: [&str; 6] = [
    "active",
    "idle",
    "idle in transaction",
    "idle in transaction (aborted)",
    "fastpath function call",
    "disabled",
];

/// Label value used for the connections beyond `max_applications`.
pub const OTHER_APPLICATIONS: &str = "other";
/// Label value used for connections with an empty `application_name`.
pub const UNNAMED_APPLICATION: &str = "unnamed";

/// The three statements whose results [`build_metrics`] reads, in order. Client backends only,
/// the exporter's own backend excluded.
const QUERIES: &str = "\
SELECT datname FROM pg_database WHERE datallowconn; \
SELECT 'max_connections', current_setting('max_connections') \
 UNION ALL SELECT 'superuser_reserved_connections', current_setting('superuser_reserved_connections'); \
SELECT GROUPING(datname, state, application_name), datname, state, \
 COALESCE(application_name, ''), count(*), \
 COALESCE(max(GREATEST(extract(epoch FROM now() - xact_start), 0)), 0) \
 FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() \
 GROUP BY GROUPING SETS ((datname, state), (application_name))";

/// `GROUPING(datname, state, application_name)` of the per-(database, state) rows of the
/// activity statement; [`APP_ROWS`] marks the per-application rows.
const STATE_ROWS: &str = "1";
/// `GROUPING(datname, state, application_name)` of the per-application rows.
const APP_ROWS: &str = "6";

/// One result set of a simple query: rows of nullable text columns.
pub type Rows = Vec<Vec<Option<String>>>;

/// The postgres probe for one target.
pub struct PostgresProbe {
    meta: Meta,
    timeout: Duration,
    max_applications: usize,
    detailed_stats: bool,
    max_tables: usize,
    setup: Result<Setup, String>,
    state: tokio::sync::Mutex<Kept<Live>>,
    /// `server_version_num` seen by the last statistics read (0: not yet).
    version: AtomicU32,
    /// Applications seen connected, reported with 0 once they are gone (bounded by the cap).
    seen_apps: std::sync::Mutex<BTreeSet<String>>,
}

struct Setup {
    pg: tokio_postgres::Config,
    tls: MakeRustlsConnect,
}

/// A connected client and the task driving its socket; dropping it closes the socket.
struct Live {
    client: Client,
    task: JoinHandle<()>,
    /// What is prepared on this connection (see [`Prepared`]).
    prepared: Prepared,
}

/// The statements prepared on a connection. Each collection runs them with `EXECUTE`:
/// planning the catalog queries cost the server more than running them (pgbench on the
/// activity statement: 1.12 ms per run as a plain query, 0.16 ms prepared).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
enum Prepared {
    /// Nothing yet (a new connection, or after an error).
    #[default]
    Nothing,
    /// The main statements, and the statistics statements' state.
    Main(Stats),
}

/// Whether the statistics statements are prepared, for which server version.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Stats {
    /// Not prepared (switched off, or not tried yet).
    No,
    /// Prepared for this `server_version_num`.
    Yes(u32),
    /// The server refused to prepare them for this version (a view an old server lacks):
    /// they run as plain statements, whose error `pg_exporter_last_scrape_error` reports.
    Refused(u32),
}

/// Prefix of the names of the statements the probe prepares on its connection.
const PREPARED: &str = "nexo_exporter_";

impl Drop for Live {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl PostgresProbe {
    /// A probe for `config`; `default_timeout` applies when the target sets none;
    /// `default_endpoint` says whether it is served on `/metrics`.
    pub fn new(config: PostgresTarget, default_timeout: Duration, default_endpoint: bool) -> Self {
        let timeout = config.timeout.unwrap_or(default_timeout);
        let setup = make_setup(&config);
        let target = match &setup {
            Ok(s) => describe(&s.pg),
            Err(_) => format!("{}:{}/{}", config.host, config.port, config.dbname),
        };
        PostgresProbe {
            meta: Meta::new("postgres", &config.name, timeout)
                .target(target)
                .default_endpoint(default_endpoint)
                .up(
                metrics::PG_UP,
                vec![],
                ),
            timeout,
            max_applications: config.max_applications,
            detailed_stats: config.detailed_stats,
            max_tables: config.max_tables,
            setup,
            state: Kept::slot(),
            version: AtomicU32::new(0),
            seen_apps: Default::default(),
        }
    }

    async fn run(&self, deadline: Instant) -> Result<MetricSet, ProbeError> {
        let setup = self
            .setup
            .as_ref()
            .map_err(|e| ProbeError::Connect(e.clone()))?;
        let mut state = Kept::lock(&self.state, deadline, self.timeout).await?;

        // Reuse the kept connection; it is out of `state` while in use.
        if let Some(live) = state.conn.take() {
            if !live.client.is_closed() {
                let mut live = live;
                match self.query(&mut live, setup, deadline).await {
                    Ok(set) => {
                        state.conn = Some(live);
                        state.succeeded();
                        return Ok(set);
                    }
                    Err(e) if !live.client.is_closed() => {
                        // A timeout drops the connection (it may be stuck); a SQL error keeps it.
                        if !matches!(e, ProbeError::Timeout(_)) {
                            state.conn = Some(live);
                        }
                        state.failed(&e);
                        return Err(e);
                    }
                    Err(_) => {} // lost (server restarted): reconnect now, below
                }
            }
            // `live` is dropped here: task aborted, socket closed.
        } else if let Some(e) = state.backing_off() {
            return Err(e);
        }

        let result = async {
            let mut live = connect(setup, deadline, self.timeout).await?;
            let set = self.query(&mut live, setup, deadline).await?;
            Ok::<_, ProbeError>((live, set))
        }
        .await;
        match result {
            Ok((live, set)) => {
                state.conn = Some(live);
                state.succeeded();
                Ok(set)
            }
            Err(e) => {
                state.failed(&e);
                Err(e)
            }
        }
    }

    async fn query(
        &self,
        live: &mut Live,
        _setup: &Setup,
        deadline: Instant,
    ) -> Result<MetricSet, ProbeError> {
        self.prepare(live, deadline).await?;
        let left = remaining(deadline);
        let sql = format!(
            "SET statement_timeout = {}; {}",
            left.as_millis().max(1),
            executes("core", QUERIES.split("; ").count())
        );
        let client = &live.client;
        let messages = match tokio::time::timeout(left, client.simple_query(&sql)).await {
            Err(_) => return Err(ProbeError::Timeout(self.timeout)),
            Ok(Err(e)) => {
                // Prepared again next time (the error may be a statement gone missing).
                live.prepared = Prepared::Nothing;
                return Err(ProbeError::Query(pg_error(&e)));
            }
            Ok(Ok(m)) => m,
        };
        let mut sets = split_results(messages);
        if sets.len() != 4 {
            return Err(ProbeError::Protocol(format!(
                "expected 4 result sets, got {}",
                sets.len()
            )));
        }
        let stats = sets.pop().unwrap_or_default();
        let settings = sets.pop().unwrap_or_default();
        let dbs = sets.pop().unwrap_or_default();
        let (activity, apps) = split_activity(&dbs, &stats).map_err(ProbeError::Protocol)?;
        let mut set = build_metrics(&activity, &settings, &apps, self.max_applications)
            .map_err(ProbeError::Protocol)?;
        self.zero_fill_applications(&mut set);
        if self.detailed_stats {
            self.stats(live, deadline, &mut set).await?;
        }
        Ok(set)
    }

    /// Prepares the main statements and, for the server version seen last, the statistics
    /// statements, unless they are prepared already; anything to redo redoes all of them
    /// (after `DEALLOCATE ALL`), which happens on a new connection, once the server's version
    /// is first known, and after an error.
    async fn prepare(&self, live: &mut Live, deadline: Instant) -> Result<(), ProbeError> {
        let version = self.version.load(Ordering::Relaxed);
        let ready = match live.prepared {
            Prepared::Nothing => false,
            Prepared::Main(_) if !self.detailed_stats => true,
            Prepared::Main(Stats::Yes(v) | Stats::Refused(v)) => v == version,
            Prepared::Main(Stats::No) => false,
        };
        if ready {
            return Ok(());
        }
        live.prepared = Prepared::Nothing;
        let left = remaining(deadline);
        let client = &live.client;
        let run = |sql: String| async move {
            tokio::time::timeout(left, client.simple_query(&sql))
                .await
                .map_err(|_| ProbeError::Timeout(self.timeout))
        };
        let main: Vec<&str> = QUERIES.split("; ").collect();
        run(format!("DEALLOCATE ALL; {}", prepares("core", &main)))
            .await?
            .map_err(|e| ProbeError::Query(pg_error(&e)))?;
        let mut stats = Stats::No;
        if self.detailed_stats {
            let statements = stats::statements(version, self.max_tables);
            let refs: Vec<&str> = statements.iter().map(String::as_str).collect();
            stats = match run(prepares("stats", &refs)).await? {
                Ok(_) => Stats::Yes(version),
                Err(e) => {
                    tracing::debug!(target = %self.meta.target, error = %pg_error(&e),
                        "statistics statements not prepared; they run unprepared");
                    Stats::Refused(version)
                }
            };
        }
        live.prepared = Prepared::Main(stats);
        Ok(())
    }

    /// Reports applications seen in earlier collections with 0 once their connections are gone
    /// (so a "no connections from X" rule has a series), keeping at most `max_applications`.
    fn zero_fill_applications(&self, set: &mut MetricSet) {
        let mut seen = self.seen_apps.lock().unwrap_or_else(|e| e.into_inner());
        let now: BTreeSet<String> = set
            .get(metrics::PG_STAT_ACTIVITY_APPLICATION_COUNT.name)
            .map(|f| {
                f.samples
                    .iter()
                    .filter_map(|(l, _)| l.first().map(|(_, v)| v.clone()))
                    .collect()
            })
            .unwrap_or_default();
        for gone in seen.difference(&now) {
            set.put(
                &metrics::PG_STAT_ACTIVITY_APPLICATION_COUNT,
                labels([("application_name", gone)]),
                0.0,
            );
        }
        seen.extend(now);
        while seen.len() > self.max_applications + 1 {
            let first = seen.iter().next().cloned().unwrap_or_default();
            seen.remove(&first);
        }
    }

    /// postgres_exporter's statistics families ([`stats`]), one more round trip. A SQL error
    /// (a permission, a view missing on an old server) leaves them out and sets
    /// `pg_exporter_last_scrape_error` to 1 without failing the probe; a timeout fails it.
    async fn stats(
        &self,
        live: &mut Live,
        deadline: Instant,
        set: &mut MetricSet,
    ) -> Result<(), ProbeError> {
        let left = remaining(deadline);
        let prepared = live.prepared == Prepared::Main(Stats::Yes(self.version.load(Ordering::Relaxed)));
        let statements = if prepared {
            executes("stats", stats::RESULT_SETS)
        } else {
            stats::sql(self.version.load(Ordering::Relaxed), self.max_tables)
        };
        let sql = format!(
            "SET statement_timeout = {}; {statements}",
            left.as_millis().max(1),
        );
        let result = tokio::time::timeout(left, live.client.simple_query(&sql))
            .await
            .map_err(|_| ProbeError::Timeout(self.timeout))?;
        if result.is_err() && prepared {
            // Prepared again next time (the error may be a statement gone missing).
            live.prepared = Prepared::Nothing;
        }
        let mut part = MetricSet::new();
        let outcome = result.map_err(|e| pg_error(&e)).and_then(|messages| {
            let sets = split_results(messages);
            stats::build(sets.get(1..).unwrap_or(&[]), &mut part)
        });
        let error = match outcome {
            Ok(version) => {
                self.version.store(version, Ordering::Relaxed);
                set.merge(part);
                0.0
            }
            Err(e) => {
                tracing::debug!(target = %self.meta.target, error = %e, "statistics queries failed");
                1.0
            }
        };
        set.put(&metrics::PG_EXPORTER_LAST_SCRAPE_ERROR, vec![], error);
        Ok(())
    }
}

/// Connects to the first host of the configuration that accepts (as libpq: hosts in order,
/// `hostaddr` when given, one port for all or one per host), with the server's bytes checked
/// by [`framing::Framed`], so a peer that is not PostgreSQL fails at once with a protocol error.
async fn connect(setup: &Setup, deadline: Instant, timeout: Duration) -> Result<Live, ProbeError> {
    let pg = &setup.pg;
    let (hosts, hostaddrs, ports) = (pg.get_hosts(), pg.get_hostaddrs(), pg.get_ports());
    let count = hosts.len().max(hostaddrs.len());
    if count == 0 {
        return Err(ProbeError::Connect("no host configured".into()));
    }
    let mut last = None;
    for i in 0..count {
        let port = ports.get(i).or(ports.first()).copied().unwrap_or(5432);
        let attempt = connect_host(setup, hosts.get(i), hostaddrs.get(i), port, deadline);
        match tokio::time::timeout_at(deadline, attempt).await {
            Err(_) => return Err(ProbeError::Timeout(timeout)),
            Ok(Ok(live)) => return Ok(live),
            Ok(Err(e)) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| ProbeError::Connect("no host configured".into())))
}

async fn connect_host(
    setup: &Setup,
    host: Option<&Host>,
    hostaddr: Option<&std::net::IpAddr>,
    port: u16,
    deadline: Instant,
) -> Result<Live, ProbeError> {
    use tokio_postgres::config::SslNegotiation;
    use tokio_postgres::tls::MakeTlsConnect;
    let start = if setup.pg.get_ssl_mode() == tokio_postgres::config::SslMode::Disable {
        framing::Start::Plain
    } else if setup.pg.get_ssl_negotiation() == SslNegotiation::Direct {
        framing::Start::DirectTls
    } else {
        framing::Start::SslRequest
    };
    let mut make_tls = setup.tls.clone();
    match (host, hostaddr) {
        (Some(Host::Unix(dir)), None) => {
            let path = dir.join(format!(".s.PGSQL.{port}"));
            let s = tokio::net::UnixStream::connect(&path)
                .await
                .map_err(|e| ProbeError::Connect(format!("{}: {e}", path.display())))?;
            let tls = MakeTlsConnect::<framing::Framed<tokio::net::UnixStream>>::make_tls_connect(
                &mut make_tls,
                "",
            )
            .map_err(|e| ProbeError::Connect(format!("TLS: {e}")))?;
            handshake(&setup.pg, framing::Framed::new(s, start), tls).await
        }
        _ => {
            // The host name is the TLS server name; hostaddr, when given, is where to connect.
            let name = match host {
                Some(Host::Tcp(h)) => h.as_str(),
                _ => "",
            };
            let tcp = match hostaddr {
                Some(ip) => {
                    let addr = std::net::SocketAddr::new(*ip, port);
                    fetch::connect_first(vec![addr], IpProtocol::Ip4, deadline).await
                }
                None => fetch::connect_tcp(name, port, IpProtocol::Ip4, deadline).await,
            }
            .map_err(|e| ProbeError::Connect(e.to_string()))?;
            if setup.pg.get_keepalives() {
                let ka = socket2::TcpKeepalive::new().with_time(setup.pg.get_keepalives_idle());
                let _ = socket2::SockRef::from(&tcp).set_tcp_keepalive(&ka);
            }
            let tls = MakeTlsConnect::<framing::Framed<tokio::net::TcpStream>>::make_tls_connect(
                &mut make_tls,
                name,
            )
            .map_err(|e| ProbeError::Connect(format!("TLS: {e}")))?;
            handshake(&setup.pg, framing::Framed::new(tcp, start), tls).await
        }
    }
}

/// The startup exchange over `stream`; the connection is then driven by its own task.
async fn handshake<S, T>(
    pg: &tokio_postgres::Config,
    stream: framing::Framed<S>,
    tls: T,
) -> Result<Live, ProbeError>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    T: tokio_postgres::tls::TlsConnect<framing::Framed<S>>,
    T::Stream: Send + 'static,
{
    let (client, connection) = pg.connect_raw(stream, tls).await.map_err(|e| classify(&e))?;
    let task = tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::debug!(error = %pg_error(&e), "postgres connection ended");
        }
    });
    if pg.get_target_session_attrs() == tokio_postgres::config::TargetSessionAttrs::ReadWrite {
        let rows = client
            .simple_query("SHOW transaction_read_only")
            .await
            .map_err(|e| classify(&e))?;
        let read_only = rows.iter().any(|m| {
            matches!(m, SimpleQueryMessage::Row(r) if r.get(0) == Some("on"))
        });
        if read_only {
            task.abort();
            return Err(ProbeError::Connect(
                "the server is read-only and target_session_attrs=read-write".into(),
            ));
        }
    }
    Ok(Live {
        client,
        task,
        prepared: Prepared::Nothing,
    })
}

/// A protocol violation found by [`framing::Framed`] is a protocol error; anything else a
/// connection error with the server's message.
fn classify(e: &tokio_postgres::Error) -> ProbeError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if let Some(np) = err
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .and_then(|inner| inner.downcast_ref::<framing::NotPostgres>())
        {
            return ProbeError::Protocol(np.to_string());
        }
        source = err.source();
    }
    ProbeError::Connect(pg_error(e))
}

/// The error text with the server's message, if any (never carries the password).
fn pg_error(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{}: {}", db.severity(), db.message()),
        None => e.to_string(),
    }
}

/// `PREPARE` statements naming `statements` `nexo_exporter_<group>_<i>`.
fn prepares(group: &str, statements: &[&str]) -> String {
    statements
        .iter()
        .enumerate()
        .map(|(i, sql)| format!("PREPARE {PREPARED}{group}_{i} AS {sql}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// `EXECUTE` statements running the `count` statements [`prepares`] named for `group`.
fn executes(group: &str, count: usize) -> String {
    (0..count)
        .map(|i| format!("EXECUTE {PREPARED}{group}_{i}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Splits simple-query messages into result sets (one per statement).
fn split_results(messages: Vec<SimpleQueryMessage>) -> Vec<Rows> {
    let mut out = Vec::new();
    let mut cur: Rows = Vec::new();
    for m in messages {
        match m {
            SimpleQueryMessage::Row(r) => {
                cur.push((0..r.len()).map(|i| r.get(i).map(str::to_string)).collect());
            }
            SimpleQueryMessage::CommandComplete(_) => out.push(std::mem::take(&mut cur)),
            _ => {}
        }
    }
    out
}

/// `host:port/db` of a connection configuration, without credentials.
fn describe(pg: &tokio_postgres::Config) -> String {
    use tokio_postgres::config::Host;
    let host = match pg.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        Some(Host::Unix(p)) => p.display().to_string(),
        None => String::from("localhost"),
    };
    let port = pg.get_ports().first().copied().unwrap_or(5432);
    let db = pg.get_dbname().or(pg.get_user()).unwrap_or("postgres");
    format!("{host}:{port}/{db}")
}

fn make_setup(t: &PostgresTarget) -> Result<Setup, String> {
    let (mut pg, mode, rootcert) = match &t.dsn {
        Some(dsn) => {
            let (rest, mode, root) = split_ssl_params(dsn.expose())?;
            let pg: tokio_postgres::Config =
                rest.parse().map_err(|e| format!("invalid dsn: {e}"))?;
            let mode = match mode {
                Some(m) => parse_sslmode(&m)?,
                None => t.sslmode,
            };
            (
                pg,
                mode,
                root.map(std::path::PathBuf::from)
                    .or_else(|| t.sslrootcert.clone()),
            )
        }
        None => {
            let mut pg = tokio_postgres::Config::new();
            pg.host(&t.host)
                .port(t.port)
                .user(&t.user)
                .dbname(&t.dbname);
            (pg, t.sslmode, t.sslrootcert.clone())
        }
    };
    if pg.get_password().is_none()
        && let Some(p) = &t.password
    {
        pg.password(p.expose());
    }
    if pg.get_user().is_none() {
        pg.user(&t.user);
    }
    pg.application_name(APPLICATION_NAME)
        .keepalives(true)
        .keepalives_idle(Duration::from_secs(30))
        .ssl_mode(match mode {
            SslMode::Disable => tokio_postgres::config::SslMode::Disable,
            SslMode::Prefer => tokio_postgres::config::SslMode::Prefer,
            _ => tokio_postgres::config::SslMode::Require,
        });
    let tls = MakeRustlsConnect::new(tls_config(mode, rootcert.as_deref())?);
    Ok(Setup { pg, tls })
}

/// The TLS client setup for `mode`, from the shared [`crate::net::tls`] module.
fn tls_config(mode: SslMode, rootcert: Option<&Path>) -> Result<rustls::ClientConfig, String> {
    let verify = match mode {
        SslMode::Disable | SslMode::Prefer | SslMode::Require => tls::Verify::Nothing,
        SslMode::VerifyCa => tls::Verify::Chain,
        SslMode::VerifyFull => tls::Verify::Full,
    };
    let roots = match verify {
        tls::Verify::Nothing => None,
        _ => Some(
            tls::roots(rootcert)
                .map_err(|e| format!("sslrootcert: {e}"))?
                .ok_or("no root certificates for sslmode verify-ca/verify-full")?,
        ),
    };
    tls::client_config(verify, roots).map_err(|e| format!("tls: {e}"))
}

impl Probe for PostgresProbe {
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
    use crate::metrics::labels;

    fn rows(v: &[&[&str]]) -> Rows {
        v.iter()
            .map(|r| r.iter().map(|c| Some(c.to_string())).collect())
            .collect()
    }

    #[test]
    fn one_pass_activity_is_split_and_zero_filled() {
        let dbs = rows(&[&["postgres"], &["crm"]]);
        let mut stats = rows(&[
            &["1", "crm", "active", "", "2", "0.5"],
            &["1", "crm", "idle", "", "7", "0"],
            &["6", "", "", "api", "8", "0"],
            &["6", "", "", "", "1", "0"],
        ]);
        // Grouped-away columns are NULL.
        for r in stats.iter_mut() {
            if r[0].as_deref() == Some("6") {
                r[1] = None;
                r[2] = None;
            } else {
                r[3] = None;
            }
        }
        let (activity, apps) = split_activity(&dbs, &stats).unwrap();
        assert_eq!(activity.len(), 2 * STATES.len());
        assert_eq!(
            activity[0],
            vec![
                Some("crm".to_string()),
                Some("active".to_string()),
                Some("2".to_string()),
                Some("0.5".to_string())
            ]
        );
        let zero = activity
            .iter()
            .find(|r| r[0].as_deref() == Some("postgres") && r[1].as_deref() == Some("idle"))
            .unwrap();
        assert_eq!(zero[2].as_deref(), Some("0"));
        assert_eq!(apps, rows(&[&["api", "8"], &["", "1"]]));
        assert!(split_activity(&dbs, &rows(&[&["3", "x", "y", "z", "1", "0"]])).is_err());
    }

    #[test]
    fn builds_metrics_from_rows() {
        let act = rows(&[&["app", "idle", "3", "0"], &["app", "active", "1", "12.5"]]);
        let set = rows(&[
            &["max_connections", "100"],
            &["superuser_reserved_connections", "3"],
        ]);
        let apps = rows(&[&["crm", "3"], &["", "1"]]);
        let m = build_metrics(&act, &set, &apps, 20).unwrap();
        let f = m.get("pg_stat_activity_count").unwrap();
        assert_eq!(f.samples.len(), 2);
        assert_eq!(f.samples[0].1, 3.0);
        let tx = m.get("pg_stat_activity_max_tx_duration").unwrap();
        assert_eq!(tx.samples[1].1, 12.5);
        assert_eq!(
            m.get("pg_settings_max_connections").unwrap().samples[0].1,
            100.0
        );
        let apps = &m.get("pg_stat_activity_application_count").unwrap().samples;
        assert_eq!(*apps[1].0, *labels([("application_name", "unnamed")]));
    }

    #[test]
    fn rejects_bad_rows() {
        let set = rows(&[&["max_connections", "100"]]);
        assert!(build_metrics(&vec![], &set, &vec![], 5).is_err());
        let set = rows(&[
            &["max_connections", "x"],
            &["superuser_reserved_connections", "3"],
        ]);
        assert!(build_metrics(&vec![], &set, &vec![], 5).is_err());
        let act: Rows = vec![vec![Some("db".into()), None, Some("1".into())]];
        let set = rows(&[
            &["max_connections", "1"],
            &["superuser_reserved_connections", "3"],
        ]);
        assert!(build_metrics(&act, &set, &vec![], 5).is_err());
    }

    #[test]
    fn caps_applications() {
        let apps = vec![
            ("a".to_string(), 5.0),
            ("b".to_string(), 1.0),
            ("c".to_string(), 3.0),
            ("other".to_string(), 2.0),
            ("".to_string(), 1.0),
        ];
        let v = cap_applications(apps.clone(), 2);
        assert_eq!(
            v,
            vec![
                ("a".to_string(), 5.0),
                ("c".to_string(), 3.0),
                ("other".to_string(), 4.0)
            ]
        );
        assert_eq!(
            cap_applications(apps.clone(), 0),
            vec![("other".into(), 12.0)]
        );
        assert_eq!(cap_applications(apps, 10).len(), 5);
        assert!(cap_applications(vec![], 3).is_empty());
    }

    #[test]
    fn splits_ssl_params() {
        let (r, m, c) = split_ssl_params(
            "postgres://u:p@h:5/db?sslmode=verify-full&sslrootcert=%2Fca.pem&connect_timeout=3",
        )
        .unwrap();
        assert_eq!(r, "postgres://u:p@h:5/db?connect_timeout=3");
        assert_eq!(m.as_deref(), Some("verify-full"));
        assert_eq!(c.as_deref(), Some("/ca.pem"));
        let (r, m, c) =
            split_ssl_params("host=h  password='a b\\'c' sslmode = verify-ca dbname=x").unwrap();
        assert_eq!(r, "host=h password='a b\\'c' dbname=x");
        assert_eq!(m.as_deref(), Some("verify-ca"));
        assert_eq!(c, None);
        assert!(split_ssl_params("host").is_err());
        assert!(split_ssl_params("password='x").is_err());
        let (r, _, _) = split_ssl_params("postgresql://h/db").unwrap();
        assert_eq!(r, "postgresql://h/db");
    }

    #[test]
    fn target_has_no_password() {
        let t = PostgresTarget {
            dsn: Some(crate::config::Secret::new(
                "postgres://u:hunter2@db.example:6543/crm?sslmode=require",
            )),
            ..Default::default()
        };
        let p = PostgresProbe::new(t, Duration::from_secs(1), true);
        assert_eq!(p.target(), "db.example:6543/crm");
        let t = PostgresTarget {
            password: Some(crate::config::Secret::new("hunter2")),
            ..Default::default()
        };
        let p = PostgresProbe::new(t, Duration::from_secs(1), true);
        assert_eq!(p.target(), "127.0.0.1:5432/postgres");
        assert!(p.setup.is_ok());
    }
}
