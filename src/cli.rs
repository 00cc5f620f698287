//! Command line, in the Prometheus exporter-toolkit style.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Default listen port: outside the 9100–9999 range the Prometheus project allocates to public
/// exporters, as its guidance asks of exporters for internal systems, and used by none of
/// node_exporter, postgres_exporter, redis_exporter, blackbox_exporter, the RabbitMQ exporters or
/// cAdvisor.
pub const DEFAULT_PORT: u16 = 8910;

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// `ts=... level=info msg="..." key=value`.
    Logfmt,
    /// One JSON object per line.
    Json,
}

/// Log level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogLevel {
    /// Everything, including each failed collection.
    Debug,
    /// State changes and start-up.
    Info,
    /// Problems only.
    Warn,
    /// Errors only.
    Error,
}

/// nexo-exporter: one Prometheus exporter for the NEXO CRM stack's PostgreSQL, Redis,
/// RabbitMQ, Docker containers, host and service health endpoints.
#[derive(Debug, Clone, Parser)]
#[command(name = "nexo-exporter", version = crate::build::LONG_VERSION, about, long_about = None)]
pub struct Cli {
    /// Address to listen on (repeatable), e.g. `:8910`, `127.0.0.1:8910`, `[::1]:8910`.
    #[arg(
        long = "web.listen-address",
        env = "NEXO_EXPORTER_WEB_LISTEN_ADDRESS",
        value_delimiter = ',',
        default_value = ":8910"
    )]
    pub listen_addresses: Vec<String>,
    /// Path under which metrics are served.
    #[arg(
        long = "web.telemetry-path",
        env = "NEXO_EXPORTER_WEB_TELEMETRY_PATH",
        default_value = "/metrics"
    )]
    pub telemetry_path: String,
    /// Most scrapes served at once; more get 503.
    #[arg(long = "web.max-requests", default_value_t = 40)]
    pub max_requests: usize,
    /// Most open connections; further clients wait until one closes.
    #[arg(long = "web.max-connections", default_value_t = 256)]
    pub max_connections: usize,
    /// Time a client has for the TLS handshake and for sending each request's headers
    /// (idle keep-alive connections are closed after it too), e.g. `10s`.
    #[arg(long = "web.header-read-timeout", default_value = "10s", value_parser = parse_duration)]
    pub header_read_timeout: std::time::Duration,
    /// Web configuration file (exporter-toolkit format: TLS, basic authentication).
    #[arg(long = "web.config.file", env = "NEXO_EXPORTER_WEB_CONFIG_FILE")]
    pub web_config_file: Option<PathBuf>,
    /// Configuration file (YAML). Without it the embedded default is used.
    #[arg(long = "config.file", env = "NEXO_EXPORTER_CONFIG_FILE")]
    pub config_file: Option<PathBuf>,
    /// Where the host's `/` is mounted (overrides `host.rootfs`), e.g. `/host` in a container.
    #[arg(long = "path.rootfs", env = "NEXO_EXPORTER_PATH_ROOTFS")]
    pub rootfs: Option<PathBuf>,
    /// Log level.
    #[arg(
        long = "log.level",
        env = "NEXO_EXPORTER_LOG_LEVEL",
        value_enum,
        default_value = "info"
    )]
    pub log_level: LogLevel,
    /// Log format.
    #[arg(
        long = "log.format",
        env = "NEXO_EXPORTER_LOG_FORMAT",
        value_enum,
        default_value = "logfmt"
    )]
    pub log_format: LogFormat,
    /// Subcommand; without one the exporter serves.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Validate a configuration file and print the effective configuration, secrets redacted.
    CheckConfig {
        /// The file to check.
        file: PathBuf,
    },
    /// Exit 0 when a running exporter answers `GET <url>` with 200, 1 otherwise: the
    /// container HEALTHCHECK of shell-less images (distroless, scratch). With a web
    /// configuration (`NEXO_EXPORTER_WEB_CONFIG_FILE`) it speaks TLS to the server's own
    /// certificate and takes the server's 401 (basic auth) as alive.
    Healthcheck {
        /// Plain-HTTP URL to check.
        #[arg(long, default_value = "http://127.0.0.1:8910/-/healthy")]
        url: String,
        /// Give up after this long (connect, send and read), e.g. `3s`.
        #[arg(long, default_value = "3s", value_parser = crate::config::duration::parse)]
        timeout: std::time::Duration,
    },
}

fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    crate::config::duration::parse(s)
}

/// Parses a listen address: `:PORT` means every interface, as in the Go exporters.
pub fn parse_listen_address(s: &str) -> Result<Vec<SocketAddr>, String> {
    if let Some(port) = s.strip_prefix(':') {
        let port: u16 = port
            .parse()
            .map_err(|_| format!("invalid listen address {s:?}: bad port"))?;
        return Ok(vec![
            SocketAddr::from(([0u16; 8], port)),
            SocketAddr::from(([0u8; 4], port)),
        ]);
    }
    s.parse::<SocketAddr>()
        .map(|a| vec![a])
        .map_err(|_| format!("invalid listen address {s:?}: expected HOST:PORT or :PORT"))
}
