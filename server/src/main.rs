//! `server` serves the console; `server <command>` runs an operator command (see `--help`).

use clap::Parser;

#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // An optional `.env` beside the working directory; real environment variables win.
    let _ = dotenvy::dotenv();
    let cli = server::cli::Cli::parse();
    server::telemetry::init(&cli.config.log_filter);
    match server::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
