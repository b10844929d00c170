//! Server functions, one file per area. Every one is a public POST endpoint; its first statement
//! checks the caller's permission on the server (see `guard`).

pub mod administrators;
pub mod api_tokens;
pub mod audit;
pub mod auth;
#[cfg(feature = "ssr")]
pub mod guard;
pub mod history;
pub mod policy_file;
pub mod preload;
pub mod settings;
pub mod two_step;
