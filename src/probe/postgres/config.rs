//! Configuration of the PostgreSQL probe (`postgres:`, a list of servers).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::config::{ConfigError, Global, Secret, opt_duration, read_secret_file};
use crate::probe::{Probe, Target};

/// TLS mode of a PostgreSQL connection, as libpq's `sslmode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum SslMode {
    /// Plain TCP.
    #[default]
    Disable,
    /// TLS when the server offers it.
    Prefer,
    /// TLS required, certificate not verified.
    Require,
    /// TLS required, certificate chain verified.
    VerifyCa,
    /// TLS required, chain and host name verified.
    VerifyFull,
}

/// One PostgreSQL server.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PostgresTarget {
    /// Target name, used by `/probe?target=` and on the landing page.
    pub name: String,
    /// A full connection string (URL or `key=value`); overrides host/port/user/password/dbname.
    pub dsn: Option<Secret>,
    /// Server host name or address.
    pub host: String,
    /// Server port.
    pub port: u16,
    /// Role to connect as (needs only `pg_monitor`).
    pub user: String,
    /// Password of the role.
    pub password: Option<Secret>,
    /// A file holding the password (Docker/Kubernetes secrets).
    pub password_file: Option<PathBuf>,
    /// Database to connect to.
    pub dbname: String,
    /// TLS mode.
    pub sslmode: SslMode,
    /// CA bundle for `verify-ca` / `verify-full` (system roots otherwise).
    pub sslrootcert: Option<PathBuf>,
    /// Deadline of this probe (default: `global.timeout`).
    #[serde(with = "opt_duration")]
    pub timeout: Option<Duration>,
    /// Most `application_name` values reported; the rest are summed as `other`.
    pub max_applications: usize,
}

impl Default for PostgresTarget {
    fn default() -> Self {
        PostgresTarget {
            name: "postgres".into(),
            dsn: None,
            host: "127.0.0.1".into(),
            port: 5432,
            user: "postgres".into(),
            password: None,
            password_file: None,
            dbname: "postgres".into(),
            sslmode: SslMode::Disable,
            sslrootcert: None,
            timeout: None,
            max_applications: 20,
        }
    }
}
impl Target for PostgresTarget {
    fn embedded() -> Vec<Self> {
        vec![PostgresTarget::default()]
    }
    fn example() -> Self {
        PostgresTarget::default()
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
        Arc::new(super::PostgresProbe::new(self.clone(), global.timeout, first))
    }
}
