//! Pure domain rules: no I/O, no Leptos. Compiled for the browser and the server alike, so both
//! run the same checks.

pub mod access;
pub mod account;
pub mod decide;
pub mod languages;
pub mod menu;
pub mod network;
pub mod policy;
pub mod policy_file;
pub mod roles;
pub mod security_level;
pub mod warning_text;

pub use account::{EmailAddress, NextPath, Password, PasswordProblem, Plan};
pub use menu::{MenuEntry, MenuGroup, Page};
pub use policy::{Area, FieldError, Policy, SettingKey};
pub use roles::{Permission, Role};
