//! `nexo-exporter healthcheck`: the container HEALTHCHECK of shell-less images.
//!
//! It reads the same web configuration as the server (`--web.config.file` or
//! `NEXO_EXPORTER_WEB_CONFIG_FILE`) and speaks what the server speaks:
//! - plain HTTP when there is no TLS;
//! - TLS when `tls_server_config` is set, trusting exactly the certificate the server presents
//!   from that file (pinned: no CA or host-name check is needed to know we reached our own
//!   process on loopback, and none can fail because the certificate names another host);
//! - with `basic_auth_users`, the check holds no password (the file keeps only bcrypt hashes):
//!   the server's own `401` is the proof of life, as `/-/healthy`'s `200` is without it (both
//!   come from the same listener, TLS stack and request handler);
//! - when client certificates are required, the check has none: the server's TLS
//!   `certificate_required` alert, sent after it presented the pinned certificate, is the proof.
//!
//! Anything else (no listener, another certificate, a timeout, another status) is unhealthy.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rustls::AlertDescription;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};

use crate::webconfig;

/// What the web configuration asks of a client.
#[derive(Debug, Default)]
struct Expect {
    /// The server's leaf certificate (DER) when TLS is on.
    pinned: Option<Vec<u8>>,
    /// Basic authentication is on: `401` means alive.
    basic_auth: bool,
    /// Client certificates are required: the server's `certificate_required` alert means alive.
    client_cert_required: bool,
}

fn expectations(web_config: Option<&Path>) -> Result<Expect, String> {
    let Some(path) = web_config else {
        return Ok(Expect::default());
    };
    let origin = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{origin}: cannot read: {e}"))?;
    let file = webconfig::parse_str(&text, &origin).map_err(|e| e.to_string())?;
    let base = path.parent().unwrap_or(Path::new("."));
    let state = file.build(base, &origin).map_err(|e| e.to_string())?;
    let mut ex = Expect {
        basic_auth: !state.users.is_empty(),
        ..Expect::default()
    };
    if state.tls.is_some() {
        let t = file
            .tls_server_config
            .as_ref()
            .ok_or("TLS without settings")?;
        let pem = match (&t.cert_file, &t.cert) {
            (Some(p), _) => {
                let p = if p.is_absolute() {
                    p.clone()
                } else {
                    base.join(p)
                };
                std::fs::read(&p).map_err(|e| format!("{}: {e}", p.display()))?
            }
            (None, Some(inline)) => inline.as_bytes().to_vec(),
            (None, None) => return Err("TLS without a certificate".into()),
        };
        let leaf = CertificateDer::pem_slice_iter(&pem)
            .next()
            .ok_or("no certificate in tls_server_config")?
            .map_err(|e| e.to_string())?;
        ex.pinned = Some(leaf.as_ref().to_vec());
        ex.client_cert_required = matches!(
            t.client_auth_type.as_deref(),
            Some("RequireAnyClientCert" | "RequireClientCert" | "RequireAndVerifyClientCert")
        );
    }
    Ok(ex)
}

/// Exit status 0 (Ok) when the exporter at `url` is alive, as described in the module docs.
/// `url`'s scheme may be `http` or `https`; the web configuration decides whether TLS is used.
pub fn run(url: &str, timeout: Duration, web_config: Option<&Path>) -> Result<(), String> {
    let expect = expectations(web_config)?;
    let u = url::Url::parse(url).map_err(|e| e.to_string())?;
    if u.scheme() != "http" && u.scheme() != "https" {
        return Err("only http:// and https:// URLs are supported".into());
    }
    let host = u.host_str().ok_or("URL has no host")?;
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let port = u.port_or_known_default().unwrap_or(80);
    let addr = (bare, port)
        .to_socket_addrs()
        .map_err(|e| e.to_string())?
        .next()
        .ok_or("host resolves to no address")?;
    let tcp = TcpStream::connect_timeout(&addr, timeout).map_err(|e| e.to_string())?;
    tcp.set_read_timeout(Some(timeout))
        .map_err(|e| e.to_string())?;
    tcp.set_write_timeout(Some(timeout))
        .map_err(|e| e.to_string())?;
    let path = match u.query() {
        Some(q) => format!("{}?{q}", u.path()),
        None => u.path().to_string(),
    };
    let request = format!("GET {path} HTTP/1.0\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    let mut head = [0u8; 64];
    let n = match &expect.pinned {
        None => {
            let mut s = tcp;
            s.write_all(request.as_bytes()).map_err(|e| e.to_string())?;
            s.read(&mut head).map_err(|e| e.to_string())?
        }
        Some(der) => {
            let config = crate::net::tls::pinned_client_config(der.clone())?;
            let name = ServerName::try_from(bare.to_string()).map_err(|e| e.to_string())?;
            let conn =
                rustls::ClientConnection::new(Arc::new(config), name).map_err(|e| e.to_string())?;
            let mut s = rustls::StreamOwned::new(conn, tcp);
            let io = s
                .write_all(request.as_bytes())
                .and_then(|_| s.flush())
                .and_then(|_| s.read(&mut head));
            match io {
                Ok(n) => n,
                Err(e) => {
                    let alert = e
                        .get_ref()
                        .and_then(|i| i.downcast_ref::<rustls::Error>())
                        .cloned();
                    return match alert {
                        Some(rustls::Error::AlertReceived(
                            AlertDescription::CertificateRequired,
                        )) if expect.client_cert_required => Ok(()),
                        _ => Err(e.to_string()),
                    };
                }
            }
        }
    };
    let line = String::from_utf8_lossy(&head[..n]);
    match line.split_whitespace().nth(1) {
        Some("200") => Ok(()),
        Some("401") if expect.basic_auth => Ok(()),
        Some(code) => Err(format!("HTTP status {code}")),
        None => Err("no HTTP status line".into()),
    }
}
