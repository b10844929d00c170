//! The edit-then-Save machinery every settings page shares: one form state per page, a field row
//! with its "Edit <label>" button, a few widgets (declared as data by the pages), the Save/Cancel
//! bar, and the confirmation dialog.

mod confirm;
pub mod drafts;
mod field;
mod form;
mod frame;
mod reauth;

pub use confirm::{Confirm, ConfirmDialog};
pub use field::{FieldRow, Opt, choice_editor, number_editor};
pub use form::Form;
pub use frame::SettingsFrame;
