//! The pages inside the admin shell.

mod administrators;
mod api_tokens;
mod audit_log;
mod change_dialog;
mod home;
mod languages;
mod level_editor;
mod mail_general;
mod mail_security;
mod network_security;
mod policy_tools;
mod preview;
mod status;
mod two_step;
mod warning_dialog;

pub use administrators::AdministratorsPage;
pub use api_tokens::ApiTokensPage;
pub use audit_log::AuditLogPage;
pub use home::HomePage;
pub use languages::LanguagesPage;
pub use mail_general::MailGeneralPage;
pub use mail_security::MailSecurityPage;
pub use network_security::NetworkSecurityPage;
#[cfg(feature = "split")]
pub use status::PageUnavailable;
pub use status::{NoPermission, NotFound, PageGuard};
pub use two_step::TwoStepPage;
