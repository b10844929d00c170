//! Pure domain rules: no I/O, no Leptos. Compiled for the browser and the server alike, so both
//! run the same checks.

pub mod account;
pub mod menu;
pub mod roles;

pub use account::{EmailAddress, NextPath, Password, PasswordProblem, Plan};
pub use menu::{MenuEntry, MenuGroup, Page};
pub use roles::{Permission, Role};
