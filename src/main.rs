//! The `nexo-exporter` binary: parse the command line, build, run (see [`nexo_exporter::cmd`]).

use std::process::ExitCode;

use clap::Parser;
use nexo_exporter::cli::{Cli, Command};
use nexo_exporter::{cmd, logging};

fn main() -> ExitCode {
    cmd::tune_allocator();
    let cli = Cli::parse();
    match &cli.command {
        Some(Command::CheckConfig { file }) => return cmd::check_config(file),
        Some(Command::Healthcheck { url, timeout }) => {
            return cmd::healthcheck(url, *timeout, cli.web_config_file.as_deref());
        }
        None => {}
    }
    logging::init(cli.log_level, cli.log_format);
    let built = match cmd::build(&cli) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
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
    rt.block_on(cmd::run(built, cmd::shutdown_signal()))
}
