//! sea-orm entities: the database rows. They never leave the server; the API returns views.

pub mod api_token;
pub mod audit_entry;
pub mod company;
pub mod import_setting;
pub mod recovery_code;
pub mod setting;
pub mod user;
