//! The mail-security console: the pure domain, the server functions, the server-side backend
//! and the user interface, shared by the server binary (`ssr`) and the browser bundle (`hydrate`).

// Leptos views are deeply nested types; pages with many fields need more room.
#![recursion_limit = "256"]

#[cfg(feature = "web")]
pub mod api;
#[cfg(feature = "ssr")]
pub mod backend;
pub mod domain;
#[cfg(feature = "web")]
pub mod error;
#[cfg(feature = "web")]
pub mod ui;

#[cfg(feature = "web")]
pub use error::{AppError, ConflictField};
