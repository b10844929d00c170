//! The one error type of the console. It crosses the wire between server functions and the
//! browser; internal details never do (they are logged on the server instead).

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// One setting changed by someone else since the admin started editing it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictField {
    /// The setting's key.
    pub key: String,
    pub label: String,
    /// What the admin tried to save, as text.
    pub yours: String,
    /// What is stored now, as text and as its stored value.
    pub current: String,
    pub current_value: serde_json::Value,
    pub current_version: i64,
    /// Who changed it, and when (RFC 3339, UTC).
    pub changed_by: Option<String>,
    pub changed_at: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AppError {
    /// Bad input: the message belongs next to the named field.
    #[error("{message}")]
    Validation { field: String, message: String },
    #[error("Your session has ended. Please sign in again.")]
    Unauthenticated,
    #[error("You do not have permission to do this.")]
    Forbidden,
    #[error("Mail Security is available on the Standard and Standard Plus plans.")]
    PlanRequired,
    /// Another admin changed settings this save was based on; nothing was stored.
    #[error(
        "Another administrator changed these settings while you were editing. Nothing was saved."
    )]
    Conflict { current: Vec<ConflictField> },
    #[error("Not found.")]
    NotFound,
    #[error("Too many attempts. Please try again later.")]
    RateLimited { retry_after_secs: u64 },
    /// Sign-in refused; one message whatever the reason, so it reveals nothing.
    #[error("The email address or password is incorrect.")]
    BadCredentials,
    /// The account is a member's, not an administrator's.
    #[error("Members cannot sign in to the admin console. Use the mail service instead.")]
    NotAnAdmin,
    /// The company requires two-step verification and this admin has not set it up yet.
    #[error("Your company requires two-step verification. Set it up to continue.")]
    TwoStepRequired,
    /// The request came from another site.
    #[error("This request was refused because it came from another site.")]
    CrossOrigin,
    #[error("The service is temporarily unavailable. Please try again shortly.")]
    Unavailable,
    #[error("Something went wrong. Please try again.")]
    Internal,
}

impl AppError {
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Validation {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The HTTP status a response carrying this error gets.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Validation { .. } => 422,
            AppError::Unauthenticated | AppError::BadCredentials => 401,
            AppError::Forbidden
            | AppError::NotAnAdmin
            | AppError::CrossOrigin
            | AppError::TwoStepRequired => 403,
            AppError::PlanRequired => 402,
            AppError::Conflict { .. } => 409,
            AppError::NotFound => 404,
            AppError::RateLimited { .. } => 429,
            AppError::Unavailable => 503,
            AppError::Internal => 500,
        }
    }

    /// The message for `field`, if this error concerns it.
    pub fn for_field(&self, name: &str) -> Option<String> {
        match self {
            AppError::Validation { field, message } if field == name => Some(message.clone()),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // A malformed request is the caller's fault; say so without details.
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::Deserialization(_) => {
                AppError::validation("request", "The request could not be read.")
            }
            ServerFnErrorErr::Request(_) => AppError::Unavailable,
            _ => AppError::Internal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_round_trip_through_the_wire_format() {
        let e = AppError::validation("email", "Enter an email address.");
        let bytes = e.ser();
        assert_eq!(AppError::de(bytes), e);
    }

    #[test]
    fn internal_errors_carry_no_detail() {
        let e = AppError::from_server_fn_error(ServerFnErrorErr::ServerError(
            "database password is hunter2".into(),
        ));
        assert_eq!(e, AppError::Internal);
        assert!(!String::from_utf8_lossy(&e.ser()).contains("hunter2"));
    }
}
