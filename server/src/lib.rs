//! The console's server: configuration, start-up, HTTP wiring and operator commands.

pub mod api_v1;
pub mod bench;
pub mod cli;
pub mod config;
pub mod export;
pub mod middleware;
pub mod preload;
pub mod seed;
pub mod startup;
pub mod telemetry;
