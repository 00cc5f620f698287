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

/// The URL schemes an [`Address`] accepts; each probe declares its own.
pub trait Schemes: Send + Sync + 'static {
    /// Accepted schemes, e.g. `["redis", "rediss"]`.
    const SCHEMES: &'static [&'static str];
}

/// An [`Endpoint`] whose scheme is one of `S::SCHEMES`, checked when it is parsed.
pub struct Address<S>(pub Endpoint, std::marker::PhantomData<S>);

impl<S: Schemes> Address<S> {
    /// Parses and checks the scheme.
    pub fn parse(s: &str) -> Result<Self, String> {
        Endpoint::parse(s, S::SCHEMES).map(|e| Address(e, std::marker::PhantomData))
    }
}

impl<S> Clone for Address<S> {
    fn clone(&self) -> Self {
        Address(self.0.clone(), std::marker::PhantomData)
    }
}

impl<S> PartialEq for Address<S> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl<S> Eq for Address<S> {}

impl<S> fmt::Debug for Address<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<S> Serialize for Address<S> {
    fn serialize<Ser: Serializer>(&self, s: Ser) -> Result<Ser::Ok, Ser::Error> {
        self.0.serialize(s)
    }
}

impl<'de, S: Schemes> Deserialize<'de> for Address<S> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Address::parse(&s).map_err(D::Error::custom)
    }
}

impl<S> std::ops::Deref for Address<S> {
    type Target = Endpoint;
    fn deref(&self) -> &Endpoint {
        &self.0
    }
}

/// Marker: `http://` or `https://`.
pub struct Http;
impl Schemes for Http {
    const SCHEMES: &'static [&'static str] = &["http", "https"];
}

/// An `http://` or `https://` address.
pub type HttpUrl = Address<Http>;

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

pub use crate::net::http::IpProtocol;
pub use crate::probe::Config;
pub use crate::probe::docker::{DockerConfig, StatsSource};
pub use crate::probe::host::{DEFAULT_FS_TYPES_EXCLUDE, DEFAULT_MOUNT_POINTS_EXCLUDE, HostConfig};
pub use crate::probe::http::ServiceTarget;
pub use crate::probe::postgres::{PostgresTarget, SslMode};
pub use crate::probe::rabbitmq::{AmqpUrl, QueueSource, RabbitmqTarget};
pub use crate::probe::redis::{RedisTarget, RedisUrl};

/// Reads the secret in `file` (when set) into `slot`, trailing newlines removed; `key` names
/// the setting in errors.
pub fn read_secret_file(
    file: &Option<PathBuf>,
    slot: &mut Option<Secret>,
    key: &str,
) -> Result<(), ConfigError> {
    if let Some(f) = file {
        let s = std::fs::read_to_string(f)
            .map_err(|e| ConfigError(format!("key {key}: cannot read {}: {e}", f.display())))?;
        *slot = Some(Secret::new(s.trim_end_matches(['\n', '\r'])));
    }
    Ok(())
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
        let mut present = top_level_keys(&text);
        let overrides: Vec<&(String, String)> = env
            .iter()
            .filter(|(k, _)| k.starts_with(ENV_PREFIX) && !is_cli_env(k))
            .collect();
        if !overrides.is_empty() {
            (config, present) = apply_env(&text, &origin, &overrides)?;
        }
        if path.is_none() {
            // The zero-config run probes the embedded default's targets; a file lists what to
            // probe, and a section it leaves out is off (the host probe excepted).
            config.embed_missing(|k| present.iter().any(|p| p == k));
        }
        config.resolve_section_secrets()?;
        config.validate(&origin)?;
        Ok(config)
    }

    fn validate(&self, origin: &str) -> Result<(), ConfigError> {
        let mut names = std::collections::HashSet::new();
        for (kind, name) in self.target_names() {
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
            {
                return Err(ConfigError(format!(
                    "{origin}: key {kind}.name: {name:?} must be non-empty and use only letters, digits, '-', '_' and '.'"
                )));
            }
            if !names.insert(name.to_string()) {
                return Err(ConfigError(format!(
                    "{origin}: key {kind}.name: target name {name:?} is used twice; names must be unique across all kinds"
                )));
            }
        }
        self.validate_sections()
            .map_err(|e| ConfigError(format!("{origin}: {e}")))
    }

    /// The effective configuration as YAML, secrets redacted, after a comment saying which
    /// targets it probes and which sections are off.
    pub fn to_redacted_yaml(&self) -> String {
        let yaml =
            serde_norway::to_string(self).unwrap_or_else(|e| format!("# cannot render: {e}\n"));
        format!("{}{yaml}", self.probed_summary())
    }

    /// `# probes: ...` and `# off: ...` comment lines for `check-config`.
    pub fn probed_summary(&self) -> String {
        let (on, off): (Vec<_>, Vec<_>) = self
            .probed()
            .into_iter()
            .partition(|(_, names)| !names.is_empty());
        let on: Vec<String> = on
            .into_iter()
            .map(|(key, names)| format!("{key} ({})", names.join(", ")))
            .collect();
        let off: Vec<&str> = off.into_iter().map(|(key, _)| key).collect();
        let mut s = format!(
            "# probes: {}\n",
            if on.is_empty() {
                "none".to_string()
            } else {
                on.join(", ")
            }
        );
        if !off.is_empty() {
            s.push_str(&format!(
                "# off (left out of the file, empty or disabled): {}\n",
                off.join(", ")
            ));
        }
        s
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

/// The top-level keys of a YAML mapping (none for empty or non-mapping text).
fn top_level_keys(text: &str) -> Vec<String> {
    match serde_norway::from_str::<serde_norway::Value>(text) {
        Ok(serde_norway::Value::Mapping(m)) => m
            .keys()
            .filter_map(|k| k.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
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
/// Returns the configuration and the top-level keys the file and the overrides set.
fn apply_env(
    text: &str,
    origin: &str,
    env: &[&(String, String)],
) -> Result<(Config, Vec<String>), ConfigError> {
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
    let keys = match &root {
        Value::Mapping(m) => m
            .keys()
            .filter_map(|k| k.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    };
    let config = serde_path_to_error::deserialize::<_, Config>(root).map_err(|e| {
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
    })?;
    Ok((config, keys))
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
    fn a_file_lists_what_to_probe_and_leaves_the_rest_off() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("c.yml");
        std::fs::write(&f, "postgres:\n  - name: main\n").unwrap();
        let c = Config::load_with_env(Some(&f), &[]).unwrap();
        assert_eq!(c.postgres.len(), 1);
        assert!(c.redis.is_empty() && c.rabbitmq.is_empty() && c.services.is_empty());
        assert!(!c.docker.enabled);
        assert!(c.host.enabled, "the host probe stays on unless disabled");
        let kinds: Vec<&str> = c.build_probes().iter().map(|p| p.kind()).collect();
        assert_eq!(kinds, ["host", "postgres"]);
        let shown = c.to_redacted_yaml();
        assert!(
            shown.starts_with("# probes: host (host), postgres (main)\n"),
            "{shown}"
        );
        assert!(
            shown.contains(
                "# off (left out of the file, empty or disabled): redis, rabbitmq, docker, services"
            ),
            "{shown}"
        );
        // An environment override lists a section as much as the file does.
        let c = Config::load_with_env(Some(&f), &env(&[("NEXO_EXPORTER_REDIS_0_NAME", "cache")]))
            .unwrap();
        assert_eq!(c.redis[0].name, "cache");
        assert!(c.rabbitmq.is_empty());
        // Without a file, overrides apply on top of the embedded default.
        let c =
            Config::load_with_env(None, &env(&[("NEXO_EXPORTER_HOST_ENABLED", "false")])).unwrap();
        assert!(!c.host.enabled);
        assert_eq!(
            (c.postgres.len(), c.redis.len(), c.rabbitmq.len()),
            (1, 1, 1)
        );
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
