//! Server-only code: storage, password hashing, sessions, sign-in limits. Compiled only with the
//! `ssr` feature, so nothing here reaches the browser bundle.

pub mod accounts;
pub mod administrators;
pub mod api_tokens;
pub mod audit;
pub mod audit_query;
pub mod auth;
pub mod db;
pub mod entities;
pub mod passwords;
pub mod policy_cache;
pub mod policy_file;
pub mod prepared;
pub mod rate_limit;
pub mod secrets;
pub mod sessions;
pub mod settings;
pub mod state;
pub mod two_step;

pub use state::AppState;
