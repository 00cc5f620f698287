//! Configuration of the Redis probe (`redis:`, a list of servers).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::config::{Address, ConfigError, Global, Schemes, Secret, opt_duration, read_secret_file};
use crate::probe::{Probe, Target};

/// Marker: `redis://` or `rediss://` (TLS).
pub struct RedisSchemes;
impl Schemes for RedisSchemes {
    const SCHEMES: &'static [&'static str] = &["redis", "rediss"];
}

/// A `redis://` or `rediss://` (TLS) address.
pub type RedisUrl = Address<RedisSchemes>;

/// One Redis server.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RedisTarget {
    /// Target name.
    pub name: String,
    /// `redis://host:port[/db]`, or `rediss://` for TLS.
    pub url: RedisUrl,
    /// ACL user (Redis 6+); empty for the default user.
    pub username: String,
    /// Password (AUTH).
    pub password: Option<Secret>,
    /// A file holding the password.
    pub password_file: Option<PathBuf>,
    /// Deadline of this probe (default: `global.timeout`).
    #[serde(with = "opt_duration")]
    pub timeout: Option<Duration>,
}

impl Default for RedisTarget {
    fn default() -> Self {
        RedisTarget {
            name: "redis".into(),
            url: RedisUrl::parse("redis://127.0.0.1:6379").expect("valid"),
            username: String::new(),
            password: None,
            password_file: None,
            timeout: None,
        }
    }
}
impl Target for RedisTarget {
    fn embedded() -> Vec<Self> {
        vec![RedisTarget::default()]
    }
    fn example() -> Self {
        RedisTarget::default()
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
        Arc::new(super::RedisProbe::new(self.clone(), global.timeout, first))
    }
}
