//! nexo-exporter: one Prometheus exporter for every infrastructure dependency of the NEXO CRM
//! stack (PostgreSQL, Redis, RabbitMQ, Docker containers, the host and the services' health
//! endpoints).
//!
//! Layout: [`cmd`] is what the binary does (`main.rs` only parses, builds and runs);
//! [`config`] parses and validates settings; [`probe`] holds one folder per dependency behind
//! the [`probe::Probe`] trait, listed once in its registry; [`net`] is the infrastructure the
//! probes share (HTTP client, TLS); [`collect`] runs probes per scrape under one deadline and
//! margin; [`metrics`] is the sample model, its declarations and its exposition; [`reference`](mod@reference)
//! generates the metric reference from the declarations; [`server`] is the HTTP layer.

pub mod cli;
pub mod cmd;
pub mod collect;
pub mod config;
pub mod logging;
pub mod metrics;
pub mod net;
pub mod probe;
pub mod reference;
pub mod server;
pub mod webconfig;

/// Build identification, recorded by `build.rs`.
pub mod build {
    /// Git revision the binary was built from (`unknown` outside a checkout).
    pub const REVISION: &str = env!("NEXO_BUILD_REVISION");
    /// Version of the compiler that built the binary.
    pub const RUSTC: &str = env!("NEXO_BUILD_RUSTC");
    /// `--version` text.
    pub const LONG_VERSION: &str = concat!(
        env!("CARGO_PKG_VERSION"),
        " (revision ",
        env!("NEXO_BUILD_REVISION"),
        ", rustc ",
        env!("NEXO_BUILD_RUSTC"),
        ")"
    );
}
