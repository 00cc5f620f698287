//! What the binary does, for a thin `main`: `check-config`, `healthcheck`, and serving
//! ([`build`] checks everything that can be checked before serving, [`run`] serves).

use std::future::Future;
use std::path::Path;
use std::process::ExitCode;

use crate::cli::{Cli, parse_listen_address};
use crate::config::{Config, ConfigError};
use crate::server::{self, App, Loaded, WebOptions};
use crate::webconfig::WebStore;

/// Fixes glibc's threshold for serving allocations with `mmap` at 128 KiB. By default glibc
/// raises it to the size of the last large block freed, so a scrape's large buffers (the
/// encoded body, the RabbitMQ queue list) move into the per-thread heaps and stay there as
/// fragmented peaks: with 10,000 queues peak RSS was 46.7 MiB with the default, 32.9 MiB fixed
/// (`scripts/bench-growth.py queues`, docs/benchmarks.md). Call before any thread starts.
pub fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; called before other threads exist.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}

/// `check-config FILE`: prints the effective configuration (secrets redacted) and what it
/// probes, or the error; exit 0 or 2.
pub fn check_config(file: &Path) -> ExitCode {
    match Config::load(Some(file)) {
        Ok(c) => {
            print!("{}", c.to_redacted_yaml());
            eprintln!("{}: configuration is valid", file.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}

/// `healthcheck URL`: exit 0 when the exporter at `URL` answers within `timeout`, speaking
/// TLS and expecting basic auth as the web configuration `web_config` says (see
/// [`crate::healthcheck`]).
pub fn healthcheck(url: &str, timeout: std::time::Duration, web_config: Option<&Path>) -> ExitCode {
    match crate::healthcheck::run(url, timeout, web_config) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("healthcheck {url}: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Everything checked before serving: configuration, web configuration, listen addresses.
pub struct Built {
    cli: Cli,
    config: Config,
    web: std::sync::Arc<WebStore>,
    addrs: Vec<(String, Vec<std::net::SocketAddr>)>,
}

/// Loads and checks everything the command line names; an error is the message to print
/// before exiting with status 2.
pub fn build(cli: &Cli) -> Result<Built, String> {
    let config = load_config(cli).map_err(|e| e.to_string())?;
    let web = WebStore::load(cli.web_config_file.as_deref())
        .map_err(|e| format!("--web.config.file: {e}"))?;
    let mut addrs = Vec::new();
    for a in &cli.listen_addresses {
        let v = parse_listen_address(a).map_err(|e| format!("--web.listen-address: {e}"))?;
        addrs.push((a.clone(), v));
    }
    if !cli.telemetry_path.starts_with('/')
        || ["/", "/probe", "/-/healthy", "/-/ready"].contains(&cli.telemetry_path.as_str())
    {
        return Err(format!(
            "--web.telemetry-path: {:?} must start with '/' and not clash with /, /probe or /-/",
            cli.telemetry_path
        ));
    }
    Ok(Built {
        cli: cli.clone(),
        config,
        web,
        addrs,
    })
}

/// Loads the main configuration with the command line's overrides applied.
pub fn load_config(cli: &Cli) -> Result<Config, ConfigError> {
    let mut config = Config::load(cli.config_file.as_deref())?;
    if let Some(root) = &cli.rootfs {
        config.host.rootfs = root.clone();
    }
    Ok(config)
}

/// What `POST /-/reload` and SIGHUP run: the configuration file (with the command line's
/// overrides) read again, turned into new probes and scrape options.
pub fn reloader(cli: &Cli) -> server::Reloader {
    let cli = Cli {
        command: None,
        ..cli.clone()
    };
    Box::new(move || {
        let config = load_config(&cli).map_err(|e| e.to_string())?;
        Ok(Loaded::build(&config))
    })
}

/// Binds the listeners, starts the probes and serves until `shutdown` completes.
pub async fn run(built: Built, shutdown: impl Future<Output = ()> + Send) -> ExitCode {
    let Built {
        cli,
        config,
        web,
        addrs,
    } = built;
    let mut listeners = Vec::new();
    for (text, candidates) in addrs {
        let mut bound = false;
        let mut last_err = None;
        for a in candidates {
            match tokio::net::TcpListener::bind(a).await {
                Ok(l) => {
                    tracing::info!(address = %l.local_addr().map(|a| a.to_string()).unwrap_or(text.clone()), "listening");
                    listeners.push(l);
                    bound = true;
                    break;
                }
                Err(e) => last_err = Some(e),
            }
        }
        if !bound {
            eprintln!(
                "cannot listen on {text}: {}",
                last_err.map(|e| e.to_string()).unwrap_or_default()
            );
            return ExitCode::FAILURE;
        }
    }
    let loaded = Loaded::build(&config);
    let reloader = reloader(&cli);
    let app = App::with_reload(
        loaded,
        WebOptions {
            telemetry_path: cli.telemetry_path.clone(),
            max_requests: cli.max_requests,
            max_connections: cli.max_connections,
            header_read_timeout: cli.header_read_timeout,
        },
        web,
        Some(reloader),
    );
    spawn_reload_tasks(std::sync::Arc::clone(&app));
    tracing::info!(
        version = crate::build::LONG_VERSION,
        "nexo-exporter started"
    );
    server::serve(listeners, app, shutdown).await;
    ExitCode::SUCCESS
}

/// SIGHUP reloads both configuration files; the web configuration is also checked for changes
/// every second.
fn spawn_reload_tasks(app: std::sync::Arc<App>) {
    use tokio::signal::unix::{SignalKind, signal};
    let a = std::sync::Arc::clone(&app);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(crate::webconfig::RECHECK_INTERVAL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let a = std::sync::Arc::clone(&a);
            let _ = tokio::task::spawn_blocking(move || a.web().check()).await;
        }
    });
    let mut hup = match signal(SignalKind::hangup()) {
        Ok(h) => h,
        Err(e) => {
            tracing::warn!(error = %e, "cannot handle SIGHUP; reload through POST /-/reload only");
            return;
        }
    };
    tokio::spawn(async move {
        while hup.recv().await.is_some() {
            tracing::info!("received SIGHUP, reloading");
            let a = std::sync::Arc::clone(&app);
            let _ = tokio::task::spawn_blocking(move || {
                a.web().reload();
                let _ = a.reload_config();
            })
            .await;
        }
    });
}

/// Completes on SIGTERM or SIGINT.
pub async fn shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
    let mut int = signal(SignalKind::interrupt()).expect("SIGINT handler");
    tokio::select! {
        _ = term.recv() => tracing::info!("received SIGTERM"),
        _ = int.recv() => tracing::info!("received SIGINT"),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use clap::Parser;

    use super::*;

    fn services(app: &App) -> Vec<String> {
        app.collector()
            .statuses()
            .into_iter()
            .filter(|s| s.kind == "http")
            .map(|s| s.name)
            .collect()
    }

    /// A changed `global.timeout_offset` used to be ignored by a reload that swapped only the
    /// probes: the probes and the scrape options now come from one reload, together.
    #[test]
    fn reload_swaps_probes_and_scrape_options_together() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config.yml");
        let write = |offset: &str, service: &str| {
            std::fs::write(
                &file,
                format!(
                    "global:\n  timeout_offset: {offset}\nhost:\n  enabled: false\n\
                     postgres: []\nredis: []\nrabbitmq: []\ndocker:\n  enabled: false\n\
                     services:\n  - name: {service}\n    url: http://127.0.0.1:9/\n"
                ),
            )
            .unwrap()
        };
        write("500ms", "before");
        let cli = Cli::parse_from(["nexo-exporter", "--config.file", file.to_str().unwrap()]);
        let config = load_config(&cli).unwrap();
        let app = App::with_reload(
            Loaded::build(&config),
            WebOptions::default(),
            WebStore::load(None).unwrap(),
            Some(reloader(&cli)),
        );
        assert_eq!(app.loaded().timeout_offset, Duration::from_millis(500));
        assert_eq!(services(&app), ["before"]);

        write("2s", "after");
        app.reload_config().unwrap();
        assert_eq!(app.loaded().timeout_offset, Duration::from_secs(2));
        assert_eq!(services(&app), ["after"]);

        // A broken file keeps both the probes and the options of the last good one.
        std::fs::write(&file, "global:\n  timeout_offset: soon\n").unwrap();
        assert!(app.reload_config().is_err());
        assert_eq!(app.loaded().timeout_offset, Duration::from_secs(2));
        assert_eq!(services(&app), ["after"]);
    }
}
