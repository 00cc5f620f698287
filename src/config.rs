//! Configuration: one YAML file, environment overrides, secrets from files, validation.
//!
//! Everything about settings happens here: parsing (with file, line, column and key in every
//! error), the embedded default used when no file is given, `NEXO_EXPORTER_...` environment
//! overrides, `*_file` secrets and the redacted view printed by `check-config`.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Prefix of every environment variable that overrides a setting.
pub const ENV_PREFIX: &str = "NEXO_EXPORTER_";

/// A configuration error, already formatted as `file:line:column: key ...: message`.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

/// A secret value: printed as `<secret>` in `Debug`, `Display` and serialized output.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value.
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }
    /// The real value, for handing to a client library only.
    pub fn expose(&self) -> &str {
        &self.0
    }
    /// Whether the secret is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<secret>")
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(if self.0.is_empty() { "" } else { "<secret>" })
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret)
    }
}

/// Serde helpers for durations written like Prometheus's (`500ms`, `5s`, `1m`).
pub mod duration {
    use super::*;

    /// Parses `500ms`, `5s`, `1m30s`; rejects zero and bare numbers.
    pub fn parse(s: &str) -> Result<Duration, String> {
        let d = humantime::parse_duration(s.trim())
            .map_err(|e| format!("invalid duration {s:?} ({e}); use e.g. 500ms, 5s, 1m"))?;
        if d.is_zero() {
            return Err(format!("duration {s:?} must be greater than zero"));
        }
        Ok(d)
    }

    /// Formats a duration for display (`5s`, `500ms`).
    pub fn format(d: &Duration) -> String {
        humantime::format_duration(*d).to_string()
    }

    /// Serde `serialize_with`.
    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format(d))
    }

    /// Serde `deserialize_with`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let s = String::deserialize(d)?;
        parse(&s).map_err(D::Error::custom)
    }
}

/// A regular expression, anchored like Prometheus's (`^(?:...)$`).
#[derive(Clone)]
pub struct Pattern {
    source: String,
    regex: regex::Regex,
}

impl Pattern {
    /// Compiles an anchored pattern.
    pub fn new(source: &str) -> Result<Self, String> {
        let regex = regex::Regex::new(&format!("^(?:{source})$"))
            .map_err(|e| format!("invalid regular expression {source:?}: {e}"))?;
        Ok(Pattern {
            source: source.to_string(),
            regex,
        })
    }
    /// Whether the whole of `s` matches.
    pub fn is_match(&self, s: &str) -> bool {
        self.regex.is_match(s)
    }
    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.source)
    }
}

impl Serialize for Pattern {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.source)
    }
}

impl<'de> Deserialize<'de> for Pattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Pattern::new(&s).map_err(D::Error::custom)
    }
}

/// A URL whose scheme is checked when it is parsed; credentials in it are redacted on output.
#[derive(Clone, PartialEq, Eq)]
pub struct Endpoint(url::Url);

impl Endpoint {
    /// Parses `s` and checks its scheme is one of `schemes`.
    pub fn parse(s: &str, schemes: &[&str]) -> Result<Self, String> {
        let u =
            url::Url::parse(s).map_err(|e| format!("invalid address {:?}: {e}", redact_url(s)))?;
        if !schemes.contains(&u.scheme()) {
            return Err(format!(
                "address {:?} has scheme {:?}, expected one of {}",
                redact_url(s),
                u.scheme(),
                schemes.join(", ")
            ));
        }
        if u.host_str().is_none_or(str::is_empty) && u.scheme() != "unix" {
            return Err(format!("address {:?} has no host", redact_url(s)));
        }
        Ok(Endpoint(u))
    }
    /// The parsed URL, credentials included.
    pub fn url(&self) -> &url::Url {
        &self.0
    }
    /// The URL with any password replaced, safe to log and show.
    pub fn redacted(&self) -> String {
        redact_url(self.0.as_str())
    }
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl Serialize for Endpoint {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.redacted())
    }
}

/// Replaces the password in a URL (and any `password=` DSN parameter) with `<secret>`.
pub fn redact_url(s: &str) -> String {
    if let Ok(mut u) = url::Url::parse(s) {
        if u.password().is_some() {
            let _ = u.set_password(Some("<secret>"));
        }
        let pairs: Vec<(String, String)> = u
            .query_pairs()
            .map(|(k, v)| {
                let v = if k.eq_ignore_ascii_case("password") {
                    "<secret>".to_string()
                } else {
                    v.into_owned()
                };
                (k.into_owned(), v)
            })
            .collect();
        if !pairs.is_empty() {
            u.query_pairs_mut().clear().extend_pairs(pairs);
        }
        return u.to_string().replace("%3Csecret%3E", "<secret>");
    }
    // Not a parseable URL (e.g. a bad port): drop any user info outright.
    if let Some(i) = s.find("://") {
        let rest = &s[i + 3..];
        if let Some(at) = rest.rfind('@') {
            return format!("{}://<secret>@{}", &s[..i], &rest[at + 1..]);
        }
    }
    // key=value DSN form
    s.split_whitespace()
        .map(|kv| match kv.split_once('=') {
            Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=<secret>"),
            _ => kv.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

macro_rules! endpoint_type {
    ($(#[$m:meta])* $name:ident, [$($scheme:literal),+]) => {
        $(#[$m])*
        #[derive(Clone, Debug, PartialEq, Eq, Serialize)]
        #[serde(transparent)]
        pub struct $name(pub Endpoint);
        impl $name {
            /// Parses and checks the scheme.
            pub fn parse(s: &str) -> Result<Self, String> {
                Endpoint::parse(s, &[$($scheme),+]).map($name)
            }
        }
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                $name::parse(&s).map_err(D::Error::custom)
            }
        }
        impl std::ops::Deref for $name {
            type Target = Endpoint;
            fn deref(&self) -> &Endpoint { &self.0 }
        }
    };
}

endpoint_type!(
    /// An `http://` or `https://` address.
    HttpUrl, ["http", "https"]);
endpoint_type!(
    /// A `redis://` or `rediss://` (TLS) address.
    RedisUrl, ["redis", "rediss"]);
endpoint_type!(
    /// An `amqp://` address.
    AmqpUrl, ["amqp"]);

/// Settings shared by all probes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Global {
    /// Default deadline of one probe, when the probe sets none.
    #[serde(with = "duration")]
    pub timeout: Duration,
    /// Subtracted from Prometheus's `X-Prometheus-Scrape-Timeout-Seconds` header.
    #[serde(with = "duration")]
    pub timeout_offset: Duration,
}

impl Default for Global {
    fn default() -> Self {
        Global {
            timeout: Duration::from_secs(5),
            timeout_offset: Duration::from_millis(500),
        }
    }
}

/// The host probe: load, CPU, memory and filesystems, named as node_exporter names them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HostConfig {
    /// Whether the host probe runs.
    pub enabled: bool,
    /// Where the host's `/` is mounted (`/host` in a container); mount points are read below it.
    pub rootfs: PathBuf,
    /// The procfs to read load, CPU and memory from.
    pub procfs: PathBuf,
    /// Mount points to leave out (anchored regex), as node_exporter's default.
    pub mount_points_exclude: Pattern,
    /// Filesystem types to leave out (anchored regex), as node_exporter's default.
    pub fs_types_exclude: Pattern,
    /// How long one `statfs` may take before the mount is reported with an error.
    #[serde(with = "duration")]
    pub mount_timeout: Duration,
}

/// node_exporter's default mount-point exclusion.
pub const DEFAULT_MOUNT_POINTS_EXCLUDE: &str =
    "/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/).*";
/// node_exporter's default filesystem-type exclusion.
pub const DEFAULT_FS_TYPES_EXCLUDE: &str = "(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)";

impl Default for HostConfig {
    fn default() -> Self {
        HostConfig {
            enabled: true,
            rootfs: PathBuf::from("/"),
            procfs: PathBuf::from("/proc"),
            mount_points_exclude: Pattern::new(DEFAULT_MOUNT_POINTS_EXCLUDE).expect("valid"),
            fs_types_exclude: Pattern::new(DEFAULT_FS_TYPES_EXCLUDE).expect("valid"),
            mount_timeout: Duration::from_secs(2),
        }
    }
}

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

/// Where per-queue RabbitMQ figures are read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum QueueSource {
    /// The rabbitmq_prometheus plugin's `/metrics/detailed` endpoint (cheapest).
    #[default]
    Prometheus,
    /// The management plugin's `/api/queues`.
    Management,
}

/// One RabbitMQ broker.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RabbitmqTarget {
    /// Target name.
    pub name: String,
    /// AMQP address used for the handshake check.
    pub amqp_url: AmqpUrl,
    /// The rabbitmq_prometheus plugin's base address (the probe appends `/metrics/detailed`).
    #[serde(deserialize_with = "rabbitmq_prometheus_url")]
    pub prometheus_url: HttpUrl,
    /// The management plugin's base address (the probe appends `/api/queues`; used when
    /// `queue_source: management`).
    #[serde(deserialize_with = "rabbitmq_management_url")]
    pub management_url: HttpUrl,
    /// User for AMQP and the management API.
    pub username: String,
    /// Password.
    pub password: Option<Secret>,
    /// A file holding the password.
    pub password_file: Option<PathBuf>,
    /// Per-queue source.
    pub queue_source: QueueSource,
    /// Queues to report (anchored regex on the queue name).
    pub queue_include: Pattern,
    /// Queues to leave out (anchored regex on the queue name).
    pub queue_exclude: Option<Pattern>,
    /// Most queues reported; the rest are dropped and counted.
    pub max_queues: usize,
    /// Deadline of this probe (default: `global.timeout`).
    #[serde(with = "opt_duration")]
    pub timeout: Option<Duration>,
}

impl Default for RabbitmqTarget {
    fn default() -> Self {
        RabbitmqTarget {
            name: "rabbitmq".into(),
            amqp_url: AmqpUrl::parse("amqp://127.0.0.1:5672/%2f").expect("valid"),
            prometheus_url: HttpUrl::parse("http://127.0.0.1:15692").expect("valid"),
            management_url: HttpUrl::parse("http://127.0.0.1:15672").expect("valid"),
            username: "guest".into(),
            password: Some(Secret::new("guest")),
            password_file: None,
            queue_source: QueueSource::Prometheus,
            queue_include: Pattern::new(".*").expect("valid"),
            queue_exclude: None,
            max_queues: 2000,
            timeout: None,
        }
    }
}

/// `prometheus_url`: an HTTP address that is a base address, not an endpoint.
fn rabbitmq_prometheus_url<'de, D: Deserializer<'de>>(d: D) -> Result<HttpUrl, D::Error> {
    let u = HttpUrl::deserialize(d)?;
    crate::probe::rabbitmq::check_base_url(u.url(), crate::probe::rabbitmq::BaseUrl::Prometheus)
        .map_err(D::Error::custom)?;
    Ok(u)
}

/// `management_url`: an HTTP address that is a base address, not an endpoint.
fn rabbitmq_management_url<'de, D: Deserializer<'de>>(d: D) -> Result<HttpUrl, D::Error> {
    let u = HttpUrl::deserialize(d)?;
    crate::probe::rabbitmq::check_base_url(u.url(), crate::probe::rabbitmq::BaseUrl::Management)
        .map_err(D::Error::custom)?;
    Ok(u)
}

/// The Docker engine whose containers are watched.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DockerConfig {
    /// Whether the containers probe runs.
    pub enabled: bool,
    /// Engine address (`unix:///var/run/docker.sock`, `tcp://...`); empty means `DOCKER_HOST`
    /// or the default socket.
    pub host: String,
    /// Containers to report, by name (anchored regex, without the leading `/`).
    pub name_include: Pattern,
    /// Containers to leave out, by name.
    pub name_exclude: Option<Pattern>,
    /// Only containers carrying all these labels (`key` or `key=value`).
    pub label_selector: Vec<String>,
    /// Add the container id as a label (off: ids are unbounded across re-creations).
    pub id_label: bool,
    /// Most stats requests in flight at once.
    pub stats_concurrency: usize,
    /// Where CPU and memory usage come from.
    pub stats_source: StatsSource,
    /// The host's cgroup mount as the exporter sees it (`/host/sys/fs/cgroup` in a container).
    pub cgroup_root: PathBuf,
    /// Deadline of this probe (default: `global.timeout`).
    #[serde(with = "opt_duration")]
    pub timeout: Option<Duration>,
}

/// Source of container CPU and memory usage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum StatsSource {
    /// The cgroup files under `cgroup_root` when the container's cgroup is found there, the
    /// Engine's one-shot stats otherwise.
    #[default]
    Auto,
    /// Always the Engine's one-shot stats API.
    Api,
    /// Only the cgroup files (containers whose cgroup is not found get no usage metrics).
    Cgroup,
}

impl Default for DockerConfig {
    fn default() -> Self {
        DockerConfig {
            enabled: true,
            host: String::new(),
            name_include: Pattern::new(".*").expect("valid"),
            name_exclude: None,
            label_selector: Vec::new(),
            id_label: false,
            stats_concurrency: 8,
            stats_source: StatsSource::Auto,
            cgroup_root: PathBuf::from("/sys/fs/cgroup"),
            timeout: None,
        }
    }
}

/// IP family preference of HTTP service probes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum IpProtocol {
    /// IPv4 first, IPv6 when the name has no IPv4 address.
    #[default]
    Ip4,
    /// IPv6 first, IPv4 when the name has no IPv6 address.
    Ip6,
}

/// One NEXO service health endpoint (ServiceDown).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceTarget {
    /// Service name, used as the `service` label.
    pub name: String,
    /// Health URL, e.g. `http://crm-service:3003/api/health`.
    pub url: HttpUrl,
    /// Status codes counted as healthy (default: 200).
    #[serde(default = "default_statuses")]
    pub expected_status: Vec<u16>,
    /// IP family tried first.
    #[serde(default)]
    pub ip_protocol: IpProtocol,
    /// Deadline of this probe (default: `global.timeout`).
    #[serde(default, with = "opt_duration")]
    pub timeout: Option<Duration>,
}

fn default_statuses() -> Vec<u16> {
    vec![200]
}

/// Serde helpers for optional durations.
pub mod opt_duration {
    use super::*;
    /// Serde `serialize_with`.
    pub fn serialize<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_str(&duration::format(d)),
            None => s.serialize_none(),
        }
    }
    /// Serde `deserialize_with`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(s) => duration::parse(&s).map(Some).map_err(D::Error::custom),
        }
    }
}

/// The whole configuration.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Shared settings.
    pub global: Global,
    /// Host probe.
    pub host: HostConfig,
    /// PostgreSQL targets; the first is served on `/metrics`.
    pub postgres: Vec<PostgresTarget>,
    /// Redis targets; the first is served on `/metrics`.
    pub redis: Vec<RedisTarget>,
    /// RabbitMQ targets; the first is served on `/metrics`.
    pub rabbitmq: Vec<RabbitmqTarget>,
    /// Docker engine.
    pub docker: DockerConfig,
    /// Service health endpoints; all are probed on `/metrics`.
    pub services: Vec<ServiceTarget>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            global: Global::default(),
            host: HostConfig::default(),
            postgres: vec![PostgresTarget::default()],
            redis: vec![RedisTarget::default()],
            rabbitmq: vec![RabbitmqTarget::default()],
            docker: DockerConfig::default(),
            services: Vec::new(),
        }
    }
}

impl Config {
    /// Loads `path` (or the embedded default when `None`), applies the process environment's
    /// `NEXO_EXPORTER_...` overrides, reads `*_file` secrets and validates the result.
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        let vars: Vec<(String, String)> = std::env::vars()
            .filter(|(k, _)| k.starts_with(ENV_PREFIX))
            .collect();
        Self::load_with_env(path, &vars)
    }

    /// As [`Config::load`], with the environment given explicitly.
    pub fn load_with_env(
        path: Option<&Path>,
        env: &[(String, String)],
    ) -> Result<Config, ConfigError> {
        let (text, origin) = match path {
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .map_err(|e| ConfigError(format!("{}: cannot read: {e}", p.display())))?;
                (text, p.display().to_string())
            }
            None => (String::new(), "<embedded default>".to_string()),
        };
        let mut config = parse_str(&text, &origin)?;
        let overrides: Vec<&(String, String)> = env
            .iter()
            .filter(|(k, _)| k.starts_with(ENV_PREFIX) && !is_cli_env(k))
            .collect();
        if !overrides.is_empty() {
            config = apply_env(&text, &origin, &overrides)?;
        }
        config.resolve_secrets()?;
        config.validate(&origin)?;
        Ok(config)
    }

    fn resolve_secrets(&mut self) -> Result<(), ConfigError> {
        fn read(
            file: &Option<PathBuf>,
            slot: &mut Option<Secret>,
            key: String,
        ) -> Result<(), ConfigError> {
            if let Some(f) = file {
                let s = std::fs::read_to_string(f).map_err(|e| {
                    ConfigError(format!("key {key}: cannot read {}: {e}", f.display()))
                })?;
                *slot = Some(Secret::new(s.trim_end_matches(['\n', '\r'])));
            }
            Ok(())
        }
        for (i, t) in self.postgres.iter_mut().enumerate() {
            read(
                &t.password_file,
                &mut t.password,
                format!("postgres[{i}].password_file"),
            )?;
        }
        for (i, t) in self.redis.iter_mut().enumerate() {
            read(
                &t.password_file,
                &mut t.password,
                format!("redis[{i}].password_file"),
            )?;
        }
        for (i, t) in self.rabbitmq.iter_mut().enumerate() {
            read(
                &t.password_file,
                &mut t.password,
                format!("rabbitmq[{i}].password_file"),
            )?;
        }
        Ok(())
    }

    fn validate(&self, origin: &str) -> Result<(), ConfigError> {
        let mut names = std::collections::HashSet::new();
        let all = self
            .postgres
            .iter()
            .map(|t| ("postgres", &t.name))
            .chain(self.redis.iter().map(|t| ("redis", &t.name)))
            .chain(self.rabbitmq.iter().map(|t| ("rabbitmq", &t.name)))
            .chain(self.services.iter().map(|t| ("services", &t.name)));
        for (kind, name) in all {
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
            {
                return Err(ConfigError(format!(
                    "{origin}: key {kind}.name: {name:?} must be non-empty and use only letters, digits, '-', '_' and '.'"
                )));
            }
            if !names.insert(name.clone()) {
                return Err(ConfigError(format!(
                    "{origin}: key {kind}.name: target name {name:?} is used twice; names must be unique across all kinds"
                )));
            }
        }
        for (i, s) in self.services.iter().enumerate() {
            if s.expected_status.iter().any(|c| !(100..=599).contains(c))
                || s.expected_status.is_empty()
            {
                return Err(ConfigError(format!(
                    "{origin}: key services[{i}].expected_status: status codes must be between 100 and 599"
                )));
            }
        }
        for (i, l) in self.docker.label_selector.iter().enumerate() {
            if l.is_empty() || l.starts_with('=') {
                return Err(ConfigError(format!(
                    "{origin}: key docker.label_selector[{i}]: {l:?} must be `key` or `key=value`"
                )));
            }
        }
        if self.docker.stats_concurrency == 0 {
            return Err(ConfigError(format!(
                "{origin}: key docker.stats_concurrency: must be at least 1"
            )));
        }
        Ok(())
    }

    /// The effective configuration as YAML, secrets redacted.
    pub fn to_redacted_yaml(&self) -> String {
        serde_norway::to_string(self).unwrap_or_else(|e| format!("# cannot render: {e}\n"))
    }
}

/// Environment variables that belong to the command line, not the file.
fn is_cli_env(k: &str) -> bool {
    matches!(
        &k[ENV_PREFIX.len()..],
        "WEB_LISTEN_ADDRESS"
            | "WEB_TELEMETRY_PATH"
            | "CONFIG_FILE"
            | "LOG_LEVEL"
            | "LOG_FORMAT"
            | "WEB_CONFIG_FILE"
            | "PATH_ROOTFS"
    )
}

/// Parses YAML text, turning any error into `origin:line:column: key K: message`.
pub fn parse_str(text: &str, origin: &str) -> Result<Config, ConfigError> {
    if text.trim().is_empty() {
        return Ok(Config::default());
    }
    parse_yaml(text, origin).map_err(ConfigError)
}

/// Deserializes YAML `text` into `T`; an error reads `origin:line:column: key K: message`.
/// Shared by every YAML file the exporter reads (configuration, web configuration).
pub fn parse_yaml<T: serde::de::DeserializeOwned>(text: &str, origin: &str) -> Result<T, String> {
    let de = serde_norway::Deserializer::from_str(text);
    serde_path_to_error::deserialize::<_, T>(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let (line, col) = inner
            .location()
            .map(|l| (l.line(), l.column()))
            .unwrap_or((1, 1));
        let msg = strip_location(&inner.to_string());
        let (line, col) = refine_location(text, &path, line, col);
        let key = if path == "." || path.is_empty() {
            String::from("(top level)")
        } else {
            path
        };
        format!("{origin}:{line}:{col}: key {key}: {msg}")
    })
}

/// A value rejected by its own validation (a duration, an address, a pattern) is reported by
/// the YAML parser at the start of the enclosing mapping; point at the offending key instead:
/// the first line at or after the reported one that starts with `<last key>:`.
fn refine_location(text: &str, path: &str, line: usize, col: usize) -> (usize, usize) {
    let Some(key) = path
        .rsplit('.')
        .next()
        .filter(|k| !k.is_empty() && !k.ends_with(']'))
    else {
        return (line, col);
    };
    let needle = format!("{key}:");
    for (i, l) in text.lines().enumerate().skip(line.saturating_sub(1)) {
        let trimmed = l.trim_start().trim_start_matches("- ").trim_start();
        if trimmed.starts_with(&needle) {
            return (i + 1, l.len() - trimmed.len() + 1);
        }
    }
    (line, col)
}

fn strip_location(msg: &str) -> String {
    let msg = match msg.rfind(" at line ") {
        Some(i) => &msg[..i],
        None => msg,
    };
    // serde_norway prefixes the path itself ("a.b: ..."); keep only the message.
    match msg.split_once(": ") {
        Some((head, rest)) if !head.contains(' ') => rest.to_string(),
        _ => msg.to_string(),
    }
}

/// Applies `NEXO_EXPORTER_<PATH>` overrides to the parsed file and re-validates.
fn apply_env(text: &str, origin: &str, env: &[&(String, String)]) -> Result<Config, ConfigError> {
    use serde_norway::Value;
    let mut root: Value = if text.trim().is_empty() {
        Value::Mapping(Default::default())
    } else {
        serde_norway::from_str(text).map_err(|e| ConfigError(format!("{origin}: {e}")))?
    };
    let schema = serde_norway::to_value(Config::schema_example())
        .map_err(|e| ConfigError(format!("internal: {e}")))?;
    for (name, value) in env {
        let rest = &name[ENV_PREFIX.len()..];
        let path = match_path(&schema, rest).ok_or_else(|| {
            ConfigError(format!(
                "environment variable {name}: no such setting (expected {ENV_PREFIX}<SECTION>_[<INDEX>_]<KEY>, e.g. {ENV_PREFIX}POSTGRES_0_PASSWORD_FILE)"
            ))
        })?;
        let leaf = leaf_kind(&schema, &path);
        let v = match leaf {
            LeafKind::Scalar => {
                serde_norway::from_str::<Value>(value).unwrap_or(Value::String(value.clone()))
            }
            LeafKind::String => Value::String(value.clone()),
            LeafKind::List => Value::Sequence(
                value
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(|s| Value::String(s.trim().to_string()))
                    .collect(),
            ),
        };
        set_path(&mut root, &path, v);
    }
    serde_path_to_error::deserialize::<_, Config>(root).map_err(|e| {
        let path = e.path().to_string();
        let env_name = format!(
            "{ENV_PREFIX}{}",
            path.replace(['.', '['], "_")
                .replace(']', "")
                .to_uppercase()
        );
        ConfigError(format!(
            "{origin} with environment overrides: key {path} (environment variable {env_name}): {}",
            strip_location(&e.into_inner().to_string())
        ))
    })
}

#[derive(Debug, Clone, PartialEq)]
enum Seg {
    Key(String),
    Index(usize),
}

enum LeafKind {
    Scalar,
    String,
    List,
}

impl Config {
    /// The default configuration with one element in every list, listing every key.
    fn schema_example() -> Config {
        let mut c = Config {
            services: vec![ServiceTarget {
                name: "service".into(),
                url: HttpUrl::parse("http://127.0.0.1/").expect("valid"),
                expected_status: default_statuses(),
                ip_protocol: IpProtocol::Ip4,
                timeout: None,
            }],
            ..Config::default()
        };
        c.docker.label_selector = vec!["x".into()];
        c.rabbitmq[0].queue_exclude = Pattern::new("x").ok();
        c
    }
}

fn match_path(schema: &serde_norway::Value, rest: &str) -> Option<Vec<Seg>> {
    use serde_norway::Value;
    match schema {
        Value::Mapping(m) => {
            // Longest key first, so PASSWORD_FILE wins over PASSWORD.
            let mut keys: Vec<(&str, &Value)> = m
                .iter()
                .filter_map(|(k, v)| k.as_str().map(|k| (k, v)))
                .collect();
            keys.sort_by_key(|(k, _)| std::cmp::Reverse(k.len()));
            for (k, v) in keys {
                let upper = k.to_uppercase();
                if rest == upper {
                    return Some(vec![Seg::Key(k.to_string())]);
                }
                if let Some(tail) = rest.strip_prefix(&upper).and_then(|t| t.strip_prefix('_'))
                    && let Some(mut p) = match_path(v, tail)
                {
                    p.insert(0, Seg::Key(k.to_string()));
                    return Some(p);
                }
            }
            None
        }
        Value::Sequence(items) => {
            let elem = items.first()?;
            let (idx, tail) = match rest.split_once('_') {
                Some((i, t)) => (i, Some(t)),
                None => (rest, None),
            };
            let idx: usize = idx.parse().ok()?;
            match tail {
                None => Some(vec![Seg::Index(idx)]),
                Some(t) => {
                    let mut p = match_path(elem, t)?;
                    p.insert(0, Seg::Index(idx));
                    Some(p)
                }
            }
        }
        _ => None,
    }
}

fn leaf_kind(schema: &serde_norway::Value, path: &[Seg]) -> LeafKind {
    use serde_norway::Value;
    let mut cur = schema;
    for seg in path {
        cur = match (seg, cur) {
            (Seg::Key(k), Value::Mapping(m)) => match m.get(k.as_str()) {
                Some(v) => v,
                None => return LeafKind::String,
            },
            (Seg::Index(_), Value::Sequence(s)) => match s.first() {
                Some(v) => v,
                None => return LeafKind::String,
            },
            _ => return LeafKind::String,
        };
    }
    match cur {
        Value::Bool(_) | Value::Number(_) => LeafKind::Scalar,
        Value::Sequence(_) => LeafKind::List,
        _ => LeafKind::String,
    }
}

fn set_path(root: &mut serde_norway::Value, path: &[Seg], v: serde_norway::Value) {
    use serde_norway::Value;
    let Some((first, rest)) = path.split_first() else {
        *root = v;
        return;
    };
    match first {
        Seg::Key(k) => {
            if !root.is_mapping() {
                *root = Value::Mapping(Default::default());
            }
            let m = root.as_mapping_mut().expect("mapping");
            let child = m.entry(Value::String(k.clone())).or_insert(Value::Null);
            set_path(child, rest, v);
        }
        Seg::Index(i) => {
            if !root.is_sequence() {
                *root = Value::Sequence(Vec::new());
            }
            let s = root.as_sequence_mut().expect("sequence");
            while s.len() <= *i {
                s.push(Value::Mapping(Default::default()));
            }
            set_path(&mut s[*i], rest, v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn embedded_default_has_every_kind() {
        let c = Config::load_with_env(None, &[]).unwrap();
        assert!(c.host.enabled);
        assert_eq!(c.postgres.len(), 1);
        assert_eq!(c.redis[0].url.url().port(), Some(6379));
        assert_eq!(c.rabbitmq[0].prometheus_url.url().port(), Some(15692));
        assert!(c.docker.enabled);
    }

    #[test]
    fn unknown_key_names_line_column_and_key() {
        let text = "global:\n  timeout: 5s\npostgres:\n  - name: main\n    hots: db\n";
        let e = parse_str(text, "x.yml").unwrap_err().0;
        assert!(e.starts_with("x.yml:5:5: key postgres[0]"), "{e}");
        assert!(e.contains("unknown field `hots`"), "{e}");
    }

    #[test]
    fn bad_duration_and_address() {
        let e = parse_str("global:\n  timeout: 5 parsecs\n", "c.yml")
            .unwrap_err()
            .0;
        assert!(e.starts_with("c.yml:2:"), "{e}");
        assert!(e.contains("global.timeout"), "{e}");
        let e = parse_str("redis:\n  - url: http://x:1\n", "c.yml")
            .unwrap_err()
            .0;
        assert!(e.contains("redis[0].url") && e.contains("scheme"), "{e}");
    }

    #[test]
    fn env_overrides_and_secret_files() {
        let dir = tempfile::tempdir().unwrap();
        let pw = dir.path().join("pw");
        std::fs::write(&pw, "s3cret\n").unwrap();
        let f = dir.path().join("c.yml");
        std::fs::write(&f, "postgres:\n  - name: main\n    host: db\n").unwrap();
        let c = Config::load_with_env(
            Some(&f),
            &env(&[
                ("NEXO_EXPORTER_POSTGRES_0_PORT", "6543"),
                (
                    "NEXO_EXPORTER_POSTGRES_0_PASSWORD_FILE",
                    pw.to_str().unwrap(),
                ),
                ("NEXO_EXPORTER_HOST_ENABLED", "false"),
                ("NEXO_EXPORTER_GLOBAL_TIMEOUT", "3s"),
            ]),
        )
        .unwrap();
        assert_eq!(c.postgres[0].host, "db");
        assert_eq!(c.postgres[0].port, 6543);
        assert_eq!(c.postgres[0].password.as_ref().unwrap().expose(), "s3cret");
        assert!(!c.host.enabled);
        assert_eq!(c.global.timeout, Duration::from_secs(3));
        let shown = c.to_redacted_yaml();
        assert!(!shown.contains("s3cret"), "{shown}");
        let e = Config::load_with_env(None, &env(&[("NEXO_EXPORTER_NOPE", "1")])).unwrap_err();
        assert!(e.0.contains("NEXO_EXPORTER_NOPE"));
    }

    #[test]
    fn redacts_urls_and_dsns() {
        assert_eq!(redact_url("redis://u:pw@h:1/0"), "redis://u:<secret>@h:1/0");
        assert_eq!(
            redact_url("host=h password=pw user=u"),
            "host=h password=<secret> user=u"
        );
    }
}
