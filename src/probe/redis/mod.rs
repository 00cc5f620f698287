//! Redis probe: every `INFO ALL` field redis_exporter exports, plus `redis_config_maxmemory`,
//! `redis_config_maxclients` from `CONFIG GET`, named as redis_exporter names them.
//!
//! One persistent multiplexed connection per target (client name `nexo-exporter`) is kept
//! between scrapes. While a collection uses it, it is out of the probe's state and goes back
//! only on success: a timed-out or abandoned collection drops it, which aborts the redis
//! crate's driver task and closes the socket, so there is never more than one exporter
//! connection per target. Failed connects are retried with an exponential backoff (200 ms
//! doubling up to 2 s); a connection found dropped by the server is replaced at once.
//!
//! Parsing of the `INFO` text is pure ([`parse_info`], [`info_metrics`]).

mod families;

use std::time::Duration;

use redis::aio::MultiplexedConnection;
use redis::{AsyncConnectionConfig, IntoConnectionInfo};
use tokio::time::Instant;

use crate::metrics::MetricSet;
use crate::probe::{Kept, Meta, Probe, ProbeError, ProbeFuture, remaining};

mod config;
pub mod metrics;
mod parse;
pub use parse::{info_metrics, parse_info};
pub use config::{RedisSchemes, RedisTarget, RedisUrl};

/// The settings read with `CONFIG GET` (one pattern per command, for Redis before 7).
const CONFIG_KEYS: [&str; 4] = ["maxmemory", "maxclients", "io-threads", "databases"];

/// The client name the exporter's connection sets (`CLIENT SETNAME`).
pub const CLIENT_NAME: &str = "nexo-exporter";

/// The redis probe for one target.
pub struct RedisProbe {
    meta: Meta,
    timeout: Duration,
    info: Result<redis::ConnectionInfo, String>,
    state: tokio::sync::Mutex<Kept<MultiplexedConnection>>,
}

impl RedisProbe {
    /// A probe for `config`; `default_timeout` applies when the target sets none;
    /// `default_endpoint` says whether it is served on `/metrics`.
    pub fn new(config: RedisTarget, default_timeout: Duration, default_endpoint: bool) -> Self {
        let timeout = config.timeout.unwrap_or(default_timeout);
        let u = config.url.url();
        let mut target = format!(
            "{}://{}:{}",
            u.scheme(),
            u.host_str().unwrap_or(""),
            u.port().unwrap_or(6379)
        );
        if !matches!(u.path(), "" | "/") {
            target.push_str(u.path());
        }
        let info = connection_info(&config);
        RedisProbe {
            meta: Meta::new("redis", &config.name, timeout)
                .target(target)
                .default_endpoint(default_endpoint)
                .up(
                metrics::REDIS_UP,
                vec![],
                ),
            timeout,
            info,
            state: Kept::slot(),
        }
    }

    async fn run(&self, deadline: Instant) -> Result<MetricSet, ProbeError> {
        let info = self
            .info
            .as_ref()
            .map_err(|e| ProbeError::Connect(e.clone()))?;
        let mut state = Kept::lock(&self.state, deadline, self.timeout).await?;

        if let Some(mut conn) = state.conn.take() {
            match self.query(&mut conn, deadline).await {
                Ok(set) => {
                    state.conn = Some(conn);
                    state.succeeded();
                    return Ok(set);
                }
                // The server went away (restart, idle kill): reconnect now, below.
                Err(Failure::Dropped(_)) => {}
                Err(Failure::Other(e)) => {
                    state.failed(&e);
                    return Err(e); // `conn` dropped: driver task aborted, socket closed
                }
            }
        } else if let Some(e) = state.backing_off() {
            return Err(e);
        }

        let result = async {
            let mut conn = self.connect(info, deadline).await?;
            let set = self
                .query(&mut conn, deadline)
                .await
                .map_err(Failure::into_error)?;
            Ok::<_, ProbeError>((conn, set))
        }
        .await;
        match result {
            Ok((conn, set)) => {
                state.conn = Some(conn);
                state.succeeded();
                Ok(set)
            }
            Err(e) => {
                state.failed(&e);
                Err(e)
            }
        }
    }

    async fn connect(
        &self,
        info: &redis::ConnectionInfo,
        deadline: Instant,
    ) -> Result<MultiplexedConnection, ProbeError> {
        let client =
            redis::Client::open(info.clone()).map_err(|e| ProbeError::Connect(redis_error(&e)))?;
        let left = remaining(deadline);
        let cfg = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(left))
            .set_response_timeout(Some(left));
        let mut conn = tokio::time::timeout_at(
            deadline,
            client.get_multiplexed_async_connection_with_config(&cfg),
        )
        .await
        .map_err(|_| ProbeError::Timeout(self.timeout))?
        .map_err(|e| connect_error(&e))?;
        conn.set_response_timeout(remaining(deadline));
        let mut setname = redis::cmd("CLIENT");
        setname.arg("SETNAME").arg(CLIENT_NAME);
        tokio::time::timeout_at(deadline, setname.exec_async(&mut conn))
            .await
            .map_err(|_| ProbeError::Timeout(self.timeout))?
            .map_err(|e| connect_error(&e))?;
        Ok(conn)
    }

    async fn query(
        &self,
        conn: &mut MultiplexedConnection,
        deadline: Instant,
    ) -> Result<MetricSet, Failure> {
        conn.set_response_timeout(remaining(deadline));
        let mut info = redis::cmd("INFO");
        info.arg("ALL");
        let text: String = tokio::time::timeout_at(deadline, info.query_async(conn))
            .await
            .map_err(|_| Failure::Other(ProbeError::Timeout(self.timeout)))?
            .map_err(|e| {
                if e.is_connection_dropped()
                    || e.is_connection_refusal()
                    || e.is_unrecoverable_error()
                {
                    Failure::Dropped(ProbeError::Query(redis_error(&e)))
                } else {
                    Failure::Other(ProbeError::Query(redis_error(&e)))
                }
            })?;
        let mut set = info_metrics(&parse_info(&text))
            .map_err(|e| Failure::Other(ProbeError::Protocol(e)))?;
        // CONFIG may be renamed or denied (managed Redis): its families are then left out.
        let mut pipe = redis::pipe();
        for key in CONFIG_KEYS {
            pipe.cmd("CONFIG").arg("GET").arg(key);
        }
        let config: Vec<(String, String)> = match tokio::time::timeout_at(
            deadline,
            pipe.query_async::<Vec<Vec<String>>>(conn),
        )
        .await
        {
            Ok(Ok(replies)) => replies
                .into_iter()
                .flat_map(|r| {
                    r.chunks_exact(2)
                        .map(|kv| (kv[0].clone(), kv[1].clone()))
                        .collect::<Vec<_>>()
                })
                .collect(),
            Ok(Err(e)) => {
                tracing::debug!(target = %self.meta.target, error = %redis_error(&e), "CONFIG GET failed");
                Vec::new()
            }
            Err(_) => return Err(Failure::Other(ProbeError::Timeout(self.timeout))),
        };
        let databases = families::config_families(&config, &mut set);
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs_f64();
        families::info_families(&text, databases, now, &mut set);
        Ok(set)
    }
}

/// Why a query on a kept connection failed.
enum Failure {
    /// The connection is gone; a fresh one may work.
    Dropped(ProbeError),
    /// Anything else (timeout, protocol, server error).
    Other(ProbeError),
}

impl Failure {
    fn into_error(self) -> ProbeError {
        match self {
            Failure::Dropped(e) | Failure::Other(e) => e,
        }
    }
}

/// The error's text on one line; the redis crate does not put credentials in it.
fn redis_error(e: &redis::RedisError) -> String {
    let s = e.to_string();
    s.trim_end().replace('\n', "; ").chars().take(300).collect()
}

/// A reply that does not parse as RESP is a protocol error; anything else a connection error.
fn connect_error(e: &redis::RedisError) -> ProbeError {
    if e.kind() == redis::ErrorKind::Parse {
        ProbeError::Protocol(format!("not the Redis protocol (RESP): {}", redis_error(e)))
    } else {
        ProbeError::Connect(redis_error(e))
    }
}

fn connection_info(t: &RedisTarget) -> Result<redis::ConnectionInfo, String> {
    let info = t
        .url
        .url()
        .as_str()
        .into_connection_info()
        .map_err(|e| format!("invalid redis url {}: {e}", t.url.redacted()))?;
    let mut settings = info.redis_settings().clone();
    if !t.username.is_empty() {
        settings = settings.set_username(&t.username);
    }
    if let Some(p) = &t.password {
        settings = settings.set_password(p.expose());
    }
    Ok(info.set_redis_settings(settings))
}

impl Probe for RedisProbe {
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
    use crate::config::{RedisUrl, Secret};

    const SAMPLE: &str = "# Server\r\nredis_version:7.0.15\r\nuptime_in_seconds:1234\r\n\r\n\
# Clients\r\nconnected_clients:7\r\n# Memory\r\nused_memory:1048576\r\n\
used_memory_human:1.00M\r\nmaxmemory:0\r\n# Stats\r\nevicted_keys:12\r\n\
# Keyspace\r\ndb0:keys=3,expires=0,avg_ttl=0\r\n";

    #[test]
    fn parses_info() {
        let m = parse_info(SAMPLE);
        assert_eq!(m["used_memory"], "1048576");
        assert_eq!(m["db0"], "keys=3,expires=0,avg_ttl=0");
        assert!(!m.contains_key("# Server"));
        let set = info_metrics(&m).unwrap();
        assert_eq!(
            set.get("redis_memory_used_bytes").unwrap().samples[0].1,
            1048576.0
        );
        assert_eq!(set.get("redis_memory_max_bytes").unwrap().samples[0].1, 0.0);
        assert_eq!(
            set.get("redis_connected_clients").unwrap().samples[0].1,
            7.0
        );
        let ev = set.get("redis_evicted_keys_total").unwrap();
        assert_eq!(ev.kind, crate::metrics::Kind::Counter);
        assert_eq!(ev.samples[0].1, 12.0);
        assert_eq!(
            set.get("redis_uptime_in_seconds").unwrap().samples[0].1,
            1234.0
        );
    }

    #[test]
    fn rejects_garbage() {
        assert!(info_metrics(&parse_info("")).is_err());
        assert!(info_metrics(&parse_info("HTTP/1.1 400 Bad Request\r\n\r\n")).is_err());
        let bad = SAMPLE.replace("used_memory:1048576", "used_memory:lots");
        assert!(
            info_metrics(&parse_info(&bad))
                .unwrap_err()
                .contains("used_memory")
        );
        let neg = SAMPLE.replace("maxmemory:0", "maxmemory:-1");
        assert!(info_metrics(&parse_info(&neg)).is_err());
        // Arbitrary bytes never panic.
        let _ = parse_info("\u{0}:\u{ffff}\n::\n:\n#\r\n");
    }

    #[test]
    fn target_hides_credentials() {
        let t = RedisTarget {
            url: RedisUrl::parse("rediss://u:hunter2@cache.example:6380/2").unwrap(),
            password: Some(Secret::new("other")),
            username: "mon".into(),
            ..Default::default()
        };
        let p = RedisProbe::new(t, Duration::from_secs(1), true);
        assert_eq!(p.target(), "rediss://cache.example:6380/2");
        let info = p.info.as_ref().unwrap();
        assert_eq!(info.redis_settings().username(), Some("mon"));
        assert_eq!(info.redis_settings().password(), Some("other"));
        assert_eq!(info.redis_settings().db(), 2);
    }
}
