//! The HTTP layer: `/metrics`, `/probe`, the landing page and health endpoints, on hyper 1.
//!
//! It knows nothing about dependencies: it asks the [`Collector`] for a [`MetricSet`] and
//! encodes it in the format the scraper asked for.

use std::convert::Infallible;
use std::future::Future;
use std::io::Write as _;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{self, HeaderMap, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::collect::{Collector, Scope, self_metrics};
use crate::metrics::{self, MetricSet, OPENMETRICS_CONTENT_TYPE, TEXT_CONTENT_TYPE};
use crate::webconfig::{WebState, WebStore};

/// Largest request body read (on `POST /-/reload`); larger bodies get 413.
pub const MAX_BODY_BYTES: usize = 1024;

/// Most bytes of request target and headers accepted; more gets 431 (hyper's read buffer is
/// capped at this size too, so a connection never buffers much more than twice it).
pub const MAX_HEADER_BYTES: usize = 32 * 1024;

/// Everything the configuration file decides for the HTTP layer, swapped as one unit on reload:
/// the probes (in their collector) and the scrape options.
pub struct Loaded {
    /// The probes of the configuration.
    pub collector: Arc<Collector>,
    /// `global.timeout_offset`: subtracted from the scraper's
    /// `X-Prometheus-Scrape-Timeout-Seconds`.
    pub timeout_offset: Duration,
}

impl Loaded {
    /// Builds the probes and scrape options of `config`, logging each enabled probe.
    pub fn build(config: &crate::config::Config) -> Self {
        let probes = crate::probe::build_all(config);
        for p in &probes {
            tracing::info!(probe = p.kind(), target = p.name(), address = %p.target(), "probe enabled");
        }
        Loaded {
            collector: Collector::new(probes),
            timeout_offset: config.global.timeout_offset,
        }
    }
}

/// Re-reads the configuration for `POST /-/reload` and SIGHUP; the error text is shown to the
/// caller and must hold no secret.
pub type Reloader = Box<dyn Fn() -> Result<Loaded, String> + Send + Sync>;

/// Settings of the HTTP layer from the command line (fixed for the life of the process).
#[derive(Debug, Clone)]
pub struct WebOptions {
    /// Path of the metrics endpoint (default `/metrics`).
    pub telemetry_path: String,
    /// Most scrapes served at once; more get 503.
    pub max_requests: usize,
    /// Most open connections; further clients wait in the accept queue.
    pub max_connections: usize,
    /// Time a client has to send its request headers.
    pub header_read_timeout: Duration,
}

impl Default for WebOptions {
    fn default() -> Self {
        WebOptions {
            telemetry_path: "/metrics".into(),
            max_requests: 40,
            max_connections: 256,
            header_read_timeout: Duration::from_secs(10),
        }
    }
}

/// Shared state of the HTTP handlers.
pub struct App {
    loaded: RwLock<Arc<Loaded>>,
    options: WebOptions,
    scrapes: Semaphore,
    web: Arc<WebStore>,
    reloader: Option<Reloader>,
    reloading: Mutex<()>,
}

impl App {
    /// Handler state for `loaded` with `options`: plain HTTP, no authentication, no reload.
    pub fn new(loaded: Loaded, options: WebOptions) -> Arc<Self> {
        let web = WebStore::load(None).expect("no web config file");
        Self::with_reload(loaded, options, web, None)
    }

    /// Handler state with a web configuration and a way to reload the main configuration.
    pub fn with_reload(
        loaded: Loaded,
        options: WebOptions,
        web: Arc<WebStore>,
        reloader: Option<Reloader>,
    ) -> Arc<Self> {
        Arc::new(App {
            scrapes: Semaphore::new(options.max_requests.max(1)),
            loaded: RwLock::new(Arc::new(loaded)),
            options,
            web,
            reloader,
            reloading: Mutex::new(()),
        })
    }

    /// The probes and scrape options in force (one consistent snapshot).
    pub fn loaded(&self) -> Arc<Loaded> {
        Arc::clone(&self.loaded.read().expect("loaded lock"))
    }

    /// The collector in force.
    pub fn collector(&self) -> Arc<Collector> {
        Arc::clone(&self.loaded().collector)
    }

    /// The web configuration store.
    pub fn web(&self) -> &Arc<WebStore> {
        &self.web
    }

    /// Reloads the main configuration: on success the new probes and scrape options replace the
    /// old ones together (the collection counter carries on); on error the old ones stay and
    /// the error is returned (and logged).
    pub fn reload_config(&self) -> Result<(), String> {
        let Some(reloader) = &self.reloader else {
            return Err("this exporter was started without a reloadable configuration".into());
        };
        let _one = self.reloading.lock().expect("reload lock");
        match reloader() {
            Ok(new) => {
                new.collector.continue_from(&self.collector());
                *self.loaded.write().expect("loaded lock") = Arc::new(new);
                tracing::info!("configuration reloaded");
                Ok(())
            }
            Err(e) => {
                tracing::error!(error = %e, "configuration not reloaded; keeping the last good one");
                Err(e)
            }
        }
    }
}

type Resp = Response<Full<Bytes>>;

fn plain(status: StatusCode, body: impl Into<Bytes>) -> Resp {
    let mut r = Response::new(Full::new(body.into()));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

fn method_not_allowed(allow: &'static str) -> Resp {
    let mut r = plain(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n");
    r.headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allow));
    r
}

/// Serves `listeners` until `shutdown` completes, then lets open requests finish (up to 10 s).
pub async fn serve(
    listeners: Vec<TcpListener>,
    app: Arc<App>,
    shutdown: impl Future<Output = ()> + Send,
) {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let conns = Arc::new(Semaphore::new(app.options.max_connections.max(1)));
    let (tx, rx) = tokio::sync::mpsc::channel::<(
        tokio::net::TcpStream,
        tokio::sync::OwnedSemaphorePermit,
    )>(16);
    let mut accept_tasks = Vec::new();
    for l in listeners {
        let tx = tx.clone();
        let conns = Arc::clone(&conns);
        accept_tasks.push(tokio::spawn(async move {
            loop {
                let Ok(permit) = Arc::clone(&conns).acquire_owned().await else {
                    return;
                };
                match l.accept().await {
                    Ok((stream, _)) => {
                        if tx.send((stream, permit)).await.is_err() {
                            return;
                        }
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                }
            }
        }));
    }
    drop(tx);
    let mut rx = rx;
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            next = rx.recv() => {
                let Some((stream, permit)) = next else { break };
                let web = app.web.current();
                let app2 = Arc::clone(&app);
                let web2 = Arc::clone(&web);
                let svc = hyper::service::service_fn(move |req| {
                    let app = Arc::clone(&app2);
                    let web = Arc::clone(&web2);
                    async move { Ok::<_, Infallible>(handle_authorized(app, web, req).await) }
                });
                let mut builder = hyper::server::conn::http1::Builder::new();
                builder
                    .timer(TokioTimer::new())
                    .header_read_timeout(app.options.header_read_timeout)
                    .max_buf_size(MAX_HEADER_BYTES);
                let handshake_timeout = app.options.header_read_timeout;
                match web.tls.clone() {
                    None => {
                        let conn = builder.serve_connection(TokioIo::new(stream), svc);
                        let conn = graceful.watch(conn);
                        tokio::spawn(async move {
                            let _permit = permit;
                            if let Err(e) = conn.await {
                                tracing::debug!(error = %e, "connection closed with error");
                            }
                        });
                    }
                    Some(acceptor) => {
                        let watcher = graceful.watcher();
                        tokio::spawn(async move {
                            let _permit = permit;
                            let tls = match tokio::time::timeout(handshake_timeout, acceptor.accept(stream)).await {
                                Ok(Ok(s)) => s,
                                Ok(Err(e)) => {
                                    tracing::debug!(error = %e, "TLS handshake failed");
                                    return;
                                }
                                Err(_) => {
                                    tracing::debug!("TLS handshake timed out");
                                    return;
                                }
                            };
                            let conn = watcher.watch(builder.serve_connection(TokioIo::new(tls), svc));
                            if let Err(e) = conn.await {
                                tracing::debug!(error = %e, "connection closed with error");
                            }
                        });
                    }
                }
            }
        }
    }
    for t in accept_tasks {
        t.abort();
    }
    tracing::info!("shutting down, waiting for open requests");
    if tokio::time::timeout(Duration::from_secs(10), graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("open connections did not finish within 10s");
    }
}

/// Checks basic authentication (every path is protected, as in exporter-toolkit), routes the
/// request and adds the configured response headers.
async fn handle_authorized(app: Arc<App>, web: Arc<WebState>, req: Request<Incoming>) -> Resp {
    let header_bytes: usize = req.uri().to_string().len()
        + req
            .headers()
            .iter()
            .map(|(k, v)| k.as_str().len() + v.len() + 4)
            .sum::<usize>();
    let mut resp = if header_bytes > MAX_HEADER_BYTES {
        plain(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "request headers too large\n",
        )
    } else if app.web.authorize(&web, req.headers()).await {
        handle(app, req).await
    } else {
        let mut r = plain(StatusCode::UNAUTHORIZED, "Unauthorized\n");
        r.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic"));
        r
    };
    for (k, v) in &web.headers {
        resp.headers_mut().insert(k.clone(), v.clone());
    }
    resp
}

/// Routes one request.
pub async fn handle(app: Arc<App>, req: Request<Incoming>) -> Resp {
    let path = req.uri().path().to_string();
    let method = req.method().clone();
    let read_only = method == Method::GET || method == Method::HEAD;
    let resp = match path.as_str() {
        p if p == app.options.telemetry_path => {
            if !read_only {
                return method_not_allowed("GET, HEAD");
            }
            scrape(&app, Scope::Default, req.headers()).await
        }
        "/probe" => {
            if !read_only {
                return method_not_allowed("GET, HEAD");
            }
            match probe_scope(&app.collector(), req.uri().query().unwrap_or("")) {
                Ok(scope) => scrape(&app, scope, req.headers()).await,
                Err(msg) => plain(StatusCode::BAD_REQUEST, msg),
            }
        }
        "/" => {
            if !read_only {
                return method_not_allowed("GET, HEAD");
            }
            let mut r = Response::new(Full::new(Bytes::from(landing_page(&app))));
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            r
        }
        "/-/reload" => {
            if method != Method::POST && method != Method::PUT {
                return method_not_allowed("POST, PUT");
            }
            reload(&app, req).await
        }
        "/-/healthy" | "/-/ready" => {
            if !read_only {
                return method_not_allowed("GET, HEAD");
            }
            plain(StatusCode::OK, "OK\n")
        }
        _ => plain(StatusCode::NOT_FOUND, "not found\n"),
    };
    if method == Method::HEAD {
        let (parts, _) = resp.into_parts();
        return Response::from_parts(parts, Full::new(Bytes::new()));
    }
    resp
}

/// `POST /-/reload`: reads at most [`MAX_BODY_BYTES`] of body (ignored), then reloads.
async fn reload(app: &Arc<App>, req: Request<Incoming>) -> Resp {
    let body = Limited::new(req.into_body(), MAX_BODY_BYTES).collect();
    match tokio::time::timeout(app.options.header_read_timeout, body).await {
        Ok(Ok(_)) => {}
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => {
            return plain(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("request body larger than {MAX_BODY_BYTES} bytes\n"),
            );
        }
        Ok(Err(_)) | Err(_) => {
            return plain(StatusCode::BAD_REQUEST, "cannot read request body\n");
        }
    }
    let app2 = Arc::clone(app);
    match tokio::task::spawn_blocking(move || app2.reload_config()).await {
        Ok(Ok(())) => plain(StatusCode::OK, "configuration reloaded\n"),
        Ok(Err(e)) => plain(
            StatusCode::BAD_REQUEST,
            format!("configuration not reloaded, the last good one stays in force: {e}\n"),
        ),
        Err(_) => plain(StatusCode::INTERNAL_SERVER_ERROR, "reload failed\n"),
    }
}

/// Validates `/probe`'s query: `target` must name a configured target; `module`, when
/// given, must be its kind. Addresses are never accepted, so nothing unconfigured is dialed.
pub fn probe_scope(collector: &Collector, query: &str) -> Result<Scope, String> {
    let mut target = None;
    let mut module = None;
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        match k.as_ref() {
            "target" if target.is_none() => target = Some(v.into_owned()),
            "module" if module.is_none() => module = Some(v.into_owned()),
            "target" | "module" => return Err(format!("parameter {k:?} given twice\n")),
            _ => return Err(format!("unknown parameter {}\n", quote(&k, 64))),
        }
    }
    let target =
        target.ok_or("missing parameter \"target\" (a target name from the configuration)\n")?;
    match collector.find(&target, module.as_deref()) {
        Some(p) => Ok(Scope::Target(p.name().to_string())),
        None => Err(format!(
            "unknown target {}{}: only target names from the configuration are accepted\n",
            quote(&target, 64),
            module
                .map(|m| format!(" of module {}", quote(&m, 32)))
                .unwrap_or_default()
        )),
    }
}

/// `s` quoted and escaped as Rust's `{:?}` does, cut to at most `n` characters of the
/// escaped text (an escape such as `\u{1b}` is never cut in half), with `…` when cut.
fn quote(s: &str, n: usize) -> String {
    let mut out = String::from("\"");
    let mut used = 0;
    for c in s.chars() {
        let esc: String = c.escape_debug().collect();
        let width = esc.chars().count();
        if used + width > n {
            out.push_str("\"…");
            return out;
        }
        used += width;
        out.push_str(&esc);
    }
    out.push('"');
    out
}

/// Reads `X-Prometheus-Scrape-Timeout-Seconds` and subtracts the offset, as blackbox_exporter.
pub fn scrape_budget(headers: &HeaderMap, offset: Duration) -> Option<Duration> {
    let secs: f64 = headers
        .get("x-prometheus-scrape-timeout-seconds")?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    if !secs.is_finite() || secs <= 0.0 {
        return None;
    }
    // A value below one nanosecond converts to zero: as meaningless as 0, so ignored like it.
    let t = Duration::try_from_secs_f64(secs)
        .ok()
        .filter(|t| !t.is_zero())?;
    Some(if t > offset { t - offset } else { t })
}

async fn scrape(app: &Arc<App>, scope: Scope, headers: &HeaderMap) -> Resp {
    let Ok(_permit) = app.scrapes.try_acquire() else {
        return plain(
            StatusCode::SERVICE_UNAVAILABLE,
            "too many concurrent scrapes\n",
        );
    };
    let loaded = app.loaded();
    let budget = scrape_budget(headers, loaded.timeout_offset);
    let collector = Arc::clone(&loaded.collector);
    let collected = collector.collect(scope, budget).await;
    let mut own = MetricSet::new();
    self_metrics(&mut own, &collector);
    let openmetrics = wants_openmetrics(headers);
    // The collection is shared with simultaneous scrapes: encoded in place, never copied.
    let body = metrics::encode(&[collected, Arc::new(own)], openmetrics);
    let ctype = if openmetrics {
        OPENMETRICS_CONTENT_TYPE
    } else {
        TEXT_CONTENT_TYPE
    };
    let gzip = accepts_gzip(headers);
    let body = if gzip {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        let _ = enc.write_all(body.as_bytes());
        Bytes::from(enc.finish().unwrap_or_default())
    } else {
        Bytes::from(body)
    };
    let mut r = Response::new(Full::new(body));
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    if gzip {
        r.headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    r.headers_mut().insert(
        header::VARY,
        HeaderValue::from_static("Accept, Accept-Encoding"),
    );
    r
}

/// Media ranges of an Accept-style header with their q-values.
pub fn media_ranges(v: &str) -> impl Iterator<Item = (String, f32)> + '_ {
    v.split(',').filter_map(|part| {
        let mut it = part.split(';');
        let media = it.next()?.trim().to_ascii_lowercase();
        let mut q = 1.0f32;
        for p in it {
            if let Some(("q", val)) = p.trim().split_once('=').map(|(a, b)| (a.trim(), b.trim())) {
                q = val.parse().unwrap_or(0.0);
            }
        }
        (!media.is_empty()).then_some((media, q))
    })
}

/// Whether the scraper prefers OpenMetrics over the classic text format.
pub fn wants_openmetrics(headers: &HeaderMap) -> bool {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let mut om = 0.0f32;
    let mut text = 0.0f32;
    for (media, q) in media_ranges(accept) {
        match media.as_str() {
            "application/openmetrics-text" => om = om.max(q),
            "text/plain" => text = text.max(q),
            _ => {}
        }
    }
    om > 0.0 && om >= text
}

/// Whether the client accepts a gzip-encoded body.
pub fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(media_ranges)
        .any(|(m, q)| m == "gzip" && q > 0.0)
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn landing_page(app: &App) -> String {
    let mut rows = String::new();
    for st in app.collector().statuses() {
        let (status, class) = match &st.last {
            None => ("not collected yet".to_string(), "unknown"),
            Some(Ok(())) => ("up".to_string(), "up"),
            Some(Err(e)) => (format!("down: {e}"), "down"),
        };
        rows.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td class=\"{class}\">{}</td><td>{:.3} s</td><td><a href=\"/probe?target={}\">/probe?target={}</a></td></tr>\n",
            st.kind,
            html_escape(&st.name),
            html_escape(&st.target),
            html_escape(&status),
            st.duration.as_secs_f64(),
            html_escape(&st.name),
            html_escape(&st.name),
        ));
    }
    let path = html_escape(&app.options.telemetry_path);
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>nexo-exporter</title>\n\
<style>body{{font-family:sans-serif;margin:2em}}td,th{{padding:4px 10px;text-align:left}}.up{{color:#1a7f37}}.down{{color:#cf222e}}.unknown{{color:#666}}</style></head>\n\
<body><h1>nexo-exporter</h1>\n<p>Prometheus exporter for the NEXO CRM stack's dependencies. Version {} ({}).</p>\n\
<p><a href=\"{path}\">{path}</a> &middot; <a href=\"/-/healthy\">/-/healthy</a> &middot; <a href=\"/-/ready\">/-/ready</a></p>\n\
<h2>Probes</h2>\n<table><tr><th>kind</th><th>name</th><th>target</th><th>last status</th><th>duration</th><th>single target</th></tr>\n{rows}</table>\n</body></html>\n",
        env!("CARGO_PKG_VERSION"),
        crate::build::REVISION,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(k: &'static str, v: &'static str) -> HeaderMap {
        let mut m = HeaderMap::new();
        m.insert(k, HeaderValue::from_static(v));
        m
    }

    #[test]
    fn negotiates_format() {
        assert!(wants_openmetrics(&h(
            "accept",
            "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"
        )));
        assert!(!wants_openmetrics(&h(
            "accept",
            "text/plain;version=0.0.4;q=1,application/openmetrics-text;q=0.5"
        )));
        assert!(!wants_openmetrics(&HeaderMap::new()));
        assert!(accepts_gzip(&h("accept-encoding", "deflate, gzip")));
        assert!(!accepts_gzip(&h("accept-encoding", "gzip;q=0")));
    }

    #[test]
    fn budget_subtracts_offset() {
        let o = Duration::from_millis(500);
        assert_eq!(
            scrape_budget(&h("x-prometheus-scrape-timeout-seconds", "10"), o),
            Some(Duration::from_millis(9500))
        );
        assert_eq!(
            scrape_budget(&h("x-prometheus-scrape-timeout-seconds", "0.2"), o),
            Some(Duration::from_millis(200))
        );
        assert_eq!(
            scrape_budget(&h("x-prometheus-scrape-timeout-seconds", "nan"), o),
            None
        );
        // Found by the request_headers fuzz target: positive, but zero once converted.
        assert_eq!(
            scrape_budget(&h("x-prometheus-scrape-timeout-seconds", "1e-19"), o),
            None
        );
    }

    #[test]
    fn quoted_input_stays_short_after_escaping() {
        assert_eq!(quote("pg", 64), "\"pg\"");
        assert_eq!(quote("abcdef", 3), "\"abc\"…");
        // Found by the probe_query fuzz target: 64 ESC characters escape to 384 bytes.
        let esc = "\u{1b}".repeat(200);
        let q = quote(&esc, 64);
        assert!(q.len() <= 64 + 6, "{q}");
        assert!(q.starts_with("\"\\u{1b}") && q.ends_with("\"…"), "{q}");
        let mut config = crate::config::Config::default();
        config.docker.enabled = false;
        let c = Collector::new(crate::probe::build_all(&config));
        let query = format!("target={}&module={}", "%1b".repeat(300), "%1b".repeat(300));
        let err = probe_scope(&c, &query).unwrap_err();
        assert!(err.len() < 200, "{} bytes: {err}", err.len());
    }
}
