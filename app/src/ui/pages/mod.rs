//! The pages inside the admin shell.

mod home;
mod placeholder;
mod status;

pub use home::HomePage;
pub use placeholder::Placeholder;
pub use status::{NotFound, PageGuard};
