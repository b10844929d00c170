//! `server` serves the console; `server <command>` runs an operator command (see `--help`).

use clap::Parser;

/// mimalloc hands freed memory back to the system. With glibc's allocator, each argon2 hash
/// (19 MiB) freed on a blocking thread stayed resident: a storm of failed sign-ins left the
/// server at 550 MB; with mimalloc it returns to where it was.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
