//! `server` serves the console; `server <command>` runs an operator command (see `--help`).

use clap::Parser;

#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// The most threads the runtime starts for blocking work (file reads of static assets, name
/// lookups): twice the cores, at least 4, instead of tokio's 512. A burst of asset requests at
/// 32 connections started about 80 of them, and the memory they touched (stacks, allocator
/// caches) stayed with the process after they ended (bench/FINDINGS.md, memory growth).
fn max_blocking_threads() -> usize {
    std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .saturating_mul(2)
        .max(4)
}

fn main() -> std::process::ExitCode {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(max_blocking_threads())
        .build();
    match runtime {
        Ok(runtime) => runtime.block_on(run()),
        Err(err) => {
            eprintln!("error: could not start the runtime: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> std::process::ExitCode {
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
