//! The web configuration file (`--web.config.file`), compatible with the Prometheus
//! exporter-toolkit format: TLS (with optional client certificates) through rustls and HTTP
//! basic authentication with bcrypt hashes.
//!
//! The file is re-read when its content, or the content of a certificate, key or CA file it
//! names, changes (checked every [`RECHECK_INTERVAL`]) and on SIGHUP. A file that does not
//! load keeps the last good configuration in force and the reason is logged.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime};

use hyper::header::{HeaderMap, HeaderName, HeaderValue};
use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::server::{ServerConfig, WebPkiClientVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName, RootCertStore, SignatureScheme};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, UnixTime};
use serde::Deserialize;
use sha2::Digest;

use crate::config::Secret;

/// How often the file and the files it names are checked for changes.
pub const RECHECK_INTERVAL: Duration = Duration::from_secs(1);

/// Most remembered successful password checks (each a SHA-256 digest, no password kept).
const AUTH_CACHE_SIZE: usize = 1024;

/// A web configuration error, formatted as `file:line:column: key K: message` where the
/// position is known.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct WebConfigError(pub String);

/// The file as written (exporter-toolkit's keys).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebConfigFile {
    /// TLS settings; absent or empty means plain HTTP.
    #[serde(default)]
    pub tls_server_config: Option<TlsServerConfig>,
    /// HTTP settings.
    #[serde(default)]
    pub http_server_config: Option<HttpServerConfig>,
    /// User name to bcrypt hash; empty means no authentication.
    #[serde(default)]
    pub basic_auth_users: HashMap<String, Secret>,
}

/// `tls_server_config` of the exporter-toolkit file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsServerConfig {
    /// Server certificate chain (PEM file).
    #[serde(default)]
    pub cert_file: Option<PathBuf>,
    /// Server private key (PEM file).
    #[serde(default)]
    pub key_file: Option<PathBuf>,
    /// Server certificate chain, inline PEM (instead of `cert_file`).
    #[serde(default)]
    pub cert: Option<String>,
    /// Server private key, inline PEM (instead of `key_file`).
    #[serde(default)]
    pub key: Option<Secret>,
    /// CA certificates that sign client certificates (PEM file).
    #[serde(default)]
    pub client_ca_file: Option<PathBuf>,
    /// Client certificate policy, as Go's `tls.ClientAuthType` names it.
    #[serde(default)]
    pub client_auth_type: Option<String>,
    /// Lowest TLS version: `TLS12` (default) or `TLS13`.
    #[serde(default)]
    pub min_version: Option<String>,
    /// Highest TLS version: `TLS12` or `TLS13` (default).
    #[serde(default)]
    pub max_version: Option<String>,
    /// Accepted for compatibility; rustls always uses its own preference order.
    #[serde(default)]
    pub prefer_server_cipher_suites: Option<bool>,
}

/// `http_server_config` of the exporter-toolkit file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpServerConfig {
    /// Accepted for compatibility; only HTTP/1.1 is served.
    #[serde(default)]
    pub http2: Option<bool>,
    /// Headers added to every response.
    #[serde(default)]
    pub headers: HashMap<String, String>,
}

/// The effective web settings built from one version of the file.
pub struct WebState {
    /// TLS acceptor; `None` serves plain HTTP.
    pub tls: Option<tokio_rustls::TlsAcceptor>,
    /// User name to bcrypt hash; empty disables authentication.
    pub users: HashMap<String, Secret>,
    /// Extra response headers.
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

impl fmt::Debug for WebState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebState")
            .field("tls", &self.tls.is_some())
            .field("users", &self.users.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl WebState {
    /// Plain HTTP without authentication (no web config file).
    pub fn plain() -> WebState {
        WebState {
            tls: None,
            users: HashMap::new(),
            headers: Vec::new(),
        }
    }
}

/// Parses the YAML text of a web config file (no file access).
pub fn parse_str(text: &str, origin: &str) -> Result<WebConfigFile, WebConfigError> {
    if text.trim().is_empty() {
        return Ok(WebConfigFile::default());
    }
    crate::config::parse_yaml(text, origin).map_err(WebConfigError)
}

fn tls_version(
    v: &Option<String>,
    key: &str,
    default: &'static rustls::SupportedProtocolVersion,
) -> Result<&'static rustls::SupportedProtocolVersion, String> {
    match v.as_deref() {
        None | Some("") => Ok(default),
        Some("TLS12") => Ok(&rustls::version::TLS12),
        Some("TLS13") => Ok(&rustls::version::TLS13),
        Some(o @ ("TLS10" | "TLS11")) => Err(format!(
            "key tls_server_config.{key}: {o} is not supported (rustls speaks TLS12 and TLS13)"
        )),
        Some(o) => Err(format!(
            "key tls_server_config.{key}: unknown TLS version {o:?} (expected TLS12 or TLS13)"
        )),
    }
}

fn resolve(base: &Path, p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        base.join(p)
    }
}

impl WebConfigFile {
    /// The files this configuration reads besides itself (for change detection).
    pub fn referenced_files(&self, base: &Path) -> Vec<PathBuf> {
        let mut v = Vec::new();
        if let Some(t) = &self.tls_server_config {
            for p in [&t.cert_file, &t.key_file, &t.client_ca_file]
                .into_iter()
                .flatten()
            {
                v.push(resolve(base, p));
            }
        }
        v
    }

    /// Builds the effective settings; relative paths are taken from `base` (the file's
    /// directory), as exporter-toolkit does.
    pub fn build(&self, base: &Path, origin: &str) -> Result<WebState, WebConfigError> {
        let err = |m: String| WebConfigError(format!("{origin}: {m}"));
        for (user, hash) in &self.basic_auth_users {
            if bcrypt_cost(hash.expose()).is_none() {
                return Err(err(format!(
                    "key basic_auth_users.{user}: not a bcrypt hash (expected $2a$/$2b$/$2y$, e.g. from `htpasswd -nBC 10 \"\" | tr -d ':\\n'`)"
                )));
            }
        }
        let mut headers = Vec::new();
        if let Some(h) = &self.http_server_config {
            for (k, v) in &h.headers {
                let name = HeaderName::from_bytes(k.as_bytes()).map_err(|_| {
                    err(format!(
                        "key http_server_config.headers: invalid header name {k:?}"
                    ))
                })?;
                if [
                    "authorization",
                    "www-authenticate",
                    "content-type",
                    "content-length",
                    "content-encoding",
                    "date",
                ]
                .contains(&name.as_str())
                {
                    return Err(err(format!(
                        "key http_server_config.headers.{k}: this header is set by the exporter"
                    )));
                }
                let value = HeaderValue::from_str(v).map_err(|_| {
                    err(format!(
                        "key http_server_config.headers.{k}: invalid header value"
                    ))
                })?;
                headers.push((name, value));
            }
        }
        let tls = match &self.tls_server_config {
            None => None,
            Some(t) => build_tls(t, base).map_err(err)?,
        };
        Ok(WebState {
            tls,
            users: self.basic_auth_users.clone(),
            headers,
        })
    }
}

fn read_certs(
    file: &Option<PathBuf>,
    inline: Option<&str>,
    base: &Path,
    key: &str,
) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs: Vec<CertificateDer<'static>> = match (file, inline) {
        (Some(p), _) => {
            let p = resolve(base, p);
            let bytes = std::fs::read(&p).map_err(|e| {
                format!(
                    "key tls_server_config.{key}: cannot read {}: {e}",
                    p.display()
                )
            })?;
            CertificateDer::pem_slice_iter(&bytes)
                .collect::<Result<_, _>>()
                .map_err(|e| format!("key tls_server_config.{key}: {}: {e}", p.display()))?
        }
        (None, Some(text)) => CertificateDer::pem_slice_iter(text.as_bytes())
            .collect::<Result<_, _>>()
            .map_err(|e| format!("key tls_server_config.{key}: {e}"))?,
        (None, None) => Vec::new(),
    };
    Ok(certs)
}

fn build_tls(
    t: &TlsServerConfig,
    base: &Path,
) -> Result<Option<tokio_rustls::TlsAcceptor>, String> {
    let auth = t.client_auth_type.as_deref().unwrap_or("");
    if t.cert_file.is_none()
        && t.key_file.is_none()
        && t.cert.is_none()
        && t.key.is_none()
        && t.client_ca_file.is_none()
        && auth.is_empty()
    {
        return Ok(None);
    }
    if ![
        "",
        "NoClientCert",
        "RequestClientCert",
        "RequireAnyClientCert",
        "RequireClientCert",
        "VerifyClientCertIfGiven",
        "RequireAndVerifyClientCert",
    ]
    .contains(&auth)
    {
        return Err(format!(
            "key tls_server_config.client_auth_type: unknown value {auth:?} (expected NoClientCert, RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven or RequireAndVerifyClientCert)"
        ));
    }
    let min = tls_version(&t.min_version, "min_version", &rustls::version::TLS12)?;
    let max = tls_version(&t.max_version, "max_version", &rustls::version::TLS13)?;
    if t.cert_file.is_some() && t.cert.is_some() {
        return Err("key tls_server_config: set cert_file or cert, not both".into());
    }
    if t.key_file.is_some() && t.key.is_some() {
        return Err("key tls_server_config: set key_file or key, not both".into());
    }
    if t.cert_file.is_none() && t.cert.is_none() {
        return Err("key tls_server_config.cert_file: missing".into());
    }
    if t.key_file.is_none() && t.key.is_none() {
        return Err("key tls_server_config.key_file: missing".into());
    }
    let certs = read_certs(&t.cert_file, t.cert.as_deref(), base, "cert_file")?;
    if certs.is_empty() {
        return Err("key tls_server_config.cert_file: no certificate found".into());
    }
    let key: PrivateKeyDer<'static> = match (&t.key_file, &t.key) {
        (Some(p), _) => {
            let p = resolve(base, p);
            let bytes = std::fs::read(&p).map_err(|e| {
                format!(
                    "key tls_server_config.key_file: cannot read {}: {e}",
                    p.display()
                )
            })?;
            PrivateKeyDer::from_pem_slice(&bytes).map_err(|_| {
                format!(
                    "key tls_server_config.key_file: {}: no PEM private key found",
                    p.display()
                )
            })?
        }
        (None, Some(k)) => PrivateKeyDer::from_pem_slice(k.expose().as_bytes())
            .map_err(|_| "key tls_server_config.key: no PEM private key found".to_string())?,
        (None, None) => unreachable!("checked above"),
    };
    let versions: Vec<&'static rustls::SupportedProtocolVersion> =
        [&rustls::version::TLS12, &rustls::version::TLS13]
            .into_iter()
            .filter(|v| {
                let n = |x: &rustls::SupportedProtocolVersion| u16::from(x.version);
                n(v) >= n(min) && n(v) <= n(max)
            })
            .collect();
    if versions.is_empty() {
        return Err("key tls_server_config.min_version: greater than max_version".into());
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ServerConfig::builder_with_provider(Arc::clone(&provider))
        .with_protocol_versions(&versions)
        .map_err(|e| format!("key tls_server_config: {e}"))?;
    let ca = if t.client_ca_file.is_some() {
        let certs = read_certs(&t.client_ca_file, None, base, "client_ca_file")?;
        let mut store = RootCertStore::empty();
        for c in certs {
            store
                .add(c)
                .map_err(|e| format!("key tls_server_config.client_ca_file: {e}"))?;
        }
        if store.is_empty() {
            return Err("key tls_server_config.client_ca_file: no certificate found".into());
        }
        Some(Arc::new(store))
    } else {
        None
    };
    let algs = provider.signature_verification_algorithms;
    let verifier: Option<Arc<dyn ClientCertVerifier>> = match auth {
        "" | "NoClientCert" => {
            if ca.is_some() {
                return Err("key tls_server_config.client_ca_file: client CAs are configured without a client_auth_type".into());
            }
            None
        }
        "RequestClientCert" => Some(Arc::new(AnyClientCert {
            mandatory: false,
            algs,
        })),
        "RequireAnyClientCert" | "RequireClientCert" => Some(Arc::new(AnyClientCert {
            mandatory: true,
            algs,
        })),
        "VerifyClientCertIfGiven" | "RequireAndVerifyClientCert" => {
            let Some(ca) = ca else {
                return Err(format!(
                    "key tls_server_config.client_ca_file: required by client_auth_type {auth}"
                ));
            };
            let b = WebPkiClientVerifier::builder_with_provider(ca, Arc::clone(&provider));
            let b = if auth == "VerifyClientCertIfGiven" {
                b.allow_unauthenticated()
            } else {
                b
            };
            Some(
                b.build()
                    .map_err(|e| format!("key tls_server_config.client_ca_file: {e}"))?,
            )
        }
        _ => unreachable!("checked above"),
    };
    let builder = match verifier {
        Some(v) => builder.with_client_cert_verifier(v),
        None => builder.with_no_client_auth(),
    };
    let mut cfg = builder
        .with_single_cert(certs, key)
        .map_err(|e| format!("key tls_server_config.key_file: {e}"))?;
    cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Some(tokio_rustls::TlsAcceptor::from(Arc::new(cfg))))
}

/// Client certificate policy that asks for a certificate without checking who issued it
/// (`RequestClientCert`, `RequireAnyClientCert`); the handshake signature is still verified.
#[derive(Debug)]
struct AnyClientCert {
    mandatory: bool,
    algs: WebPkiSupportedAlgorithms,
}

impl ClientCertVerifier for AnyClientCert {
    fn offer_client_auth(&self) -> bool {
        true
    }
    fn client_auth_mandatory(&self) -> bool {
        self.mandatory
    }
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }
    fn verify_client_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        Ok(ClientCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algs)
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algs)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algs.supported_schemes()
    }
}

/// The cost of a bcrypt hash, or `None` if `h` is not one.
fn bcrypt_cost(h: &str) -> Option<u32> {
    let rest = h
        .strip_prefix("$2a$")
        .or_else(|| h.strip_prefix("$2b$"))
        .or_else(|| h.strip_prefix("$2y$"))
        .or_else(|| h.strip_prefix("$2x$"))?;
    let (cost, tail) = rest.split_once('$')?;
    let cost: u32 = cost.parse().ok()?;
    ((4..=31).contains(&cost) && tail.len() == 53).then_some(cost)
}

/// Parses `Authorization: Basic base64(user:password)`.
pub fn parse_basic_auth(headers: &HeaderMap) -> Option<(String, String)> {
    use base64::Engine as _;
    let v = headers.get(hyper::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, rest) = v.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let raw = base64::engine::general_purpose::STANDARD
        .decode(rest.trim())
        .ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (u, p) = text.split_once(':')?;
    Some((u.to_string(), p.to_string()))
}

#[derive(Clone, PartialEq, Eq)]
struct Fingerprint {
    content: u64,
    files: Vec<(PathBuf, Option<(SystemTime, u64)>)>,
}

fn fingerprint(text: &str, files: &[PathBuf]) -> Fingerprint {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    Fingerprint {
        content: h.finish(),
        files: files
            .iter()
            .map(|p| {
                let m = std::fs::metadata(p)
                    .ok()
                    .and_then(|m| Some((m.modified().ok()?, m.len())));
                (p.clone(), m)
            })
            .collect(),
    }
}

/// The web configuration in force, reloadable, with the password-check cache.
pub struct WebStore {
    path: Option<PathBuf>,
    current: RwLock<Arc<WebState>>,
    seen: Mutex<Option<Fingerprint>>,
    auth_cache: Mutex<HashSet<[u8; 32]>>,
    bcrypt_gate: tokio::sync::Semaphore,
    last_error: Mutex<Option<String>>,
}

impl WebStore {
    /// Loads `path` (or plain HTTP without authentication when `None`).
    pub fn load(path: Option<&Path>) -> Result<Arc<WebStore>, WebConfigError> {
        let store = WebStore {
            path: path.map(Path::to_path_buf),
            current: RwLock::new(Arc::new(WebState::plain())),
            seen: Mutex::new(None),
            auth_cache: Mutex::new(HashSet::new()),
            last_error: Mutex::new(None),
            bcrypt_gate: tokio::sync::Semaphore::new(
                std::thread::available_parallelism()
                    .map(|n| n.get())
                    .unwrap_or(1),
            ),
        };
        if path.is_some() {
            store.reload_inner(true)?;
        }
        Ok(Arc::new(store))
    }

    /// The settings in force.
    pub fn current(&self) -> Arc<WebState> {
        Arc::clone(&self.current.read().expect("web state lock"))
    }

    /// Re-reads the file if it or a file it names changed (`force`: in any case). Returns
    /// whether new settings were installed; on error the old ones stay.
    fn reload_inner(&self, force: bool) -> Result<bool, WebConfigError> {
        let Some(path) = &self.path else {
            return Ok(false);
        };
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| WebConfigError(format!("{origin}: cannot read: {e}")))?;
        let base = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        let file = parse_str(&text, &origin)?;
        let fp = fingerprint(&text, &file.referenced_files(&base));
        if !force && self.seen.lock().expect("seen lock").as_ref() == Some(&fp) {
            return Ok(false);
        }
        let built = file.build(&base, &origin);
        // Remember this version even if broken, so the error is logged once per change.
        *self.seen.lock().expect("seen lock") = Some(fp);
        let state = built?;
        *self.current.write().expect("web state lock") = Arc::new(state);
        Ok(true)
    }

    /// Re-reads the file now (SIGHUP); logs the outcome.
    pub fn reload(&self) {
        if self.path.is_none() {
            return;
        }
        match self.reload_inner(true) {
            Ok(_) => tracing::info!("web configuration reloaded"),
            Err(e) => {
                tracing::error!(error = %e, "web configuration not reloaded; keeping the last good one")
            }
        }
    }

    /// Re-reads the file if something changed; logs the outcome.
    pub fn check(&self) {
        if self.path.is_none() {
            return;
        }
        match self.reload_inner(false) {
            Ok(true) => {
                *self.last_error.lock().expect("error lock") = None;
                tracing::info!("web configuration changed and was reloaded")
            }
            Ok(false) => {}
            Err(e) => {
                // Log each distinct error once, not every check.
                let mut seen_err = self.last_error.lock().expect("error lock");
                let msg = e.to_string();
                if seen_err.as_deref() != Some(msg.as_str()) {
                    tracing::error!(error = %msg, "web configuration not reloaded; keeping the last good one");
                    *seen_err = Some(msg);
                }
            }
        }
    }

    /// Checks the request's credentials against `state`'s users. Successful checks are
    /// remembered (as a digest of user, hash and password) so a scrape flood costs one bcrypt
    /// verification, not one per request; bcrypt runs on the blocking pool, at most one per
    /// CPU at a time.
    pub async fn authorize(&self, state: &WebState, headers: &HeaderMap) -> bool {
        if state.users.is_empty() {
            return true;
        }
        let Some((user, pass)) = parse_basic_auth(headers) else {
            return false;
        };
        let hash = state.users.get(&user).cloned();
        let key: [u8; 32] = {
            let mut d = sha2::Sha256::new();
            d.update(user.as_bytes());
            d.update([0]);
            d.update(hash.as_ref().map(|h| h.expose()).unwrap_or("").as_bytes());
            d.update([0]);
            d.update(pass.as_bytes());
            d.finalize().into()
        };
        if hash.is_some() && self.auth_cache.lock().expect("auth cache").contains(&key) {
            return true;
        }
        let Ok(_permit) = self.bcrypt_gate.acquire().await else {
            return false;
        };
        let ok = tokio::task::spawn_blocking(move || match hash {
            Some(h) => bcrypt::verify(pass, h.expose()).unwrap_or(false),
            None => {
                // Unknown user: spend the same time as for a known one.
                let _ = bcrypt::verify(pass, dummy_hash());
                false
            }
        })
        .await
        .unwrap_or(false);
        if ok {
            let mut c = self.auth_cache.lock().expect("auth cache");
            if c.len() >= AUTH_CACHE_SIZE {
                c.clear();
            }
            c.insert(key);
        }
        ok
    }
}

fn dummy_hash() -> &'static str {
    static H: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    H.get_or_init(|| bcrypt::hash("nexo-exporter-dummy", 10).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_names_position() {
        let e = parse_str(
            "tls_server_config:\n  cert_file: a\n  keyfile: b\n",
            "web.yml",
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("web.yml:3:3: key tls_server_config"), "{e}");
        assert!(e.contains("keyfile"), "{e}");
    }

    #[test]
    fn bcrypt_hash_shape() {
        let h = bcrypt::hash("pw", 4).unwrap();
        assert_eq!(bcrypt_cost(&h), Some(4));
        assert_eq!(bcrypt_cost("plaintext"), None);
        let f = parse_str("basic_auth_users:\n  alice: plaintext\n", "w").unwrap();
        let e = f.build(Path::new("."), "w").unwrap_err().to_string();
        assert!(
            e.contains("basic_auth_users.alice") && !e.contains("plaintext"),
            "{e}"
        );
    }

    #[test]
    fn docs_example_hash() {
        let doc = include_str!("../docs/security.md");
        let h = "$2b$10$5bNw067pfSpu5CmrDV8U1uAW7LndXn.LGFCgyAhayxk6/DVUkNGay";
        assert!(doc.contains(h));
        assert!(bcrypt::verify("changeme", h).unwrap());
    }

    #[test]
    fn basic_auth_header() {
        let mut h = HeaderMap::new();
        h.insert(
            "authorization",
            HeaderValue::from_static("Basic YWxpY2U6cHc6eA=="),
        );
        assert_eq!(
            parse_basic_auth(&h),
            Some(("alice".to_string(), "pw:x".to_string()))
        );
    }

    #[test]
    fn tls_policy_errors() {
        let f = parse_str(
            "tls_server_config:\n  cert_file: c\n  key_file: k\n  min_version: TLS10\n",
            "w",
        )
        .unwrap();
        assert!(f.build(Path::new("/nonexistent"), "w").is_err());
        let f = parse_str("tls_server_config:\n  client_auth_type: Bogus\n", "w").unwrap();
        assert!(f.build(Path::new("."), "w").is_err());
    }
}
