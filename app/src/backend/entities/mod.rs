//! sea-orm entities: the database rows. They never leave the server; the API returns views.

pub mod company;
pub mod user;
