//! The `nexo-exporter` binary: parse the command line, load the configuration, serve.

use std::process::ExitCode;

use clap::Parser;
use nexo_exporter::cli::{Cli, Command, parse_listen_address};
use nexo_exporter::collect::Collector;
use nexo_exporter::config::Config;
use nexo_exporter::server::{self, App, WebOptions};
use nexo_exporter::webconfig::WebStore;
use nexo_exporter::{logging, probe};

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(Command::CheckConfig { file }) = &cli.command {
        return match Config::load(Some(file)) {
            Ok(c) => {
                print!("{}", c.to_redacted_yaml());
                eprintln!("{}: configuration is valid", file.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{e}");
                ExitCode::from(2)
            }
        };
    }
    if let Some(Command::Healthcheck { url, timeout }) = &cli.command {
        let web = cli.web_config_file.as_deref();
        return match nexo_exporter::healthcheck::run(url, *timeout, web) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("healthcheck {url}: {e}");
                ExitCode::FAILURE
            }
        };
    }
    logging::init(cli.log_level, cli.log_format);
    let config = match load_config(&cli) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let web = match WebStore::load(cli.web_config_file.as_deref()) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("--web.config.file: {e}");
            return ExitCode::from(2);
        }
    };
    let mut addrs = Vec::new();
    for a in &cli.listen_addresses {
        match parse_listen_address(a) {
            Ok(v) => addrs.push((a.clone(), v)),
            Err(e) => {
                eprintln!("--web.listen-address: {e}");
                return ExitCode::from(2);
            }
        }
    }
    if !cli.telemetry_path.starts_with('/')
        || ["/", "/probe", "/-/healthy", "/-/ready"].contains(&cli.telemetry_path.as_str())
    {
        eprintln!(
            "--web.telemetry-path: {:?} must start with '/' and not clash with /, /probe or /-/",
            cli.telemetry_path
        );
        return ExitCode::from(2);
    }
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    rt.block_on(run(cli, config, web, addrs))
}

/// Loads the main configuration with the command line's overrides applied.
fn load_config(cli: &Cli) -> Result<Config, nexo_exporter::config::ConfigError> {
    let mut config = Config::load(cli.config_file.as_deref())?;
    if let Some(root) = &cli.rootfs {
        config.host.rootfs = root.clone();
    }
    Ok(config)
}

async fn run(
    cli: Cli,
    config: Config,
    web: std::sync::Arc<WebStore>,
    addrs: Vec<(String, Vec<std::net::SocketAddr>)>,
) -> ExitCode {
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
    let probes = probe::build_all(&config);
    for p in &probes {
        tracing::info!(probe = p.kind(), target = p.name(), address = %p.target(), "probe enabled");
    }
    let collector = Collector::new(probes);
    let reload_cli = Cli {
        command: None,
        ..cli.clone()
    };
    let reloader: server::Reloader = Box::new(move || {
        let config = load_config(&reload_cli).map_err(|e| e.to_string())?;
        let probes = probe::build_all(&config);
        for p in &probes {
            tracing::info!(probe = p.kind(), target = p.name(), address = %p.target(), "probe enabled");
        }
        Ok(Collector::new(probes))
    });
    let app = App::with_reload(
        collector,
        WebOptions {
            telemetry_path: cli.telemetry_path.clone(),
            timeout_offset: config.global.timeout_offset,
            max_requests: cli.max_requests,
            max_connections: cli.max_connections,
            header_read_timeout: cli.header_read_timeout,
        },
        web,
        Some(reloader),
    );
    spawn_reload_tasks(std::sync::Arc::clone(&app));
    tracing::info!(
        version = nexo_exporter::build::LONG_VERSION,
        "nexo-exporter started"
    );
    server::serve(listeners, app, shutdown_signal()).await;
    ExitCode::SUCCESS
}

/// SIGHUP reloads both configuration files; the web configuration is also checked for changes
/// every second.
fn spawn_reload_tasks(app: std::sync::Arc<App>) {
    use tokio::signal::unix::{SignalKind, signal};
    let a = std::sync::Arc::clone(&app);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(nexo_exporter::webconfig::RECHECK_INTERVAL);
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

async fn shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
    let mut int = signal(SignalKind::interrupt()).expect("SIGINT handler");
    tokio::select! {
        _ = term.recv() => tracing::info!("received SIGTERM"),
        _ = int.recv() => tracing::info!("received SIGINT"),
    }
}
