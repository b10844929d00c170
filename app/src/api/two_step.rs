//! My account > Two-step verification: every admin sets up their own; the Super admin can require
//! it for every admin of the company.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoStepState {
    pub enabled: bool,
    /// The company requires it for every admin.
    pub required: bool,
    pub recovery_codes_left: u64,
    /// The caller may change whether it is required (the Super admin).
    pub can_require: bool,
}

/// What the set-up shows: a QR code to scan, or the key to type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolmentView {
    pub secret_base32: String,
    pub otpauth_url: String,
    /// A PNG, base64-encoded, for a `data:` URL.
    pub qr_png_base64: String,
}

#[cfg(feature = "ssr")]
async fn caller() -> Result<(crate::backend::AppState, crate::backend::audit::Who), AppError> {
    use super::guard;
    let state = guard::state()?;
    let channel = guard::channel();
    let client_ip = guard::client_ip();
    let actor = guard::require_signed_in(&state).await?;
    Ok((
        state,
        crate::backend::audit::Who {
            actor,
            client_ip,
            channel,
        },
    ))
}

#[server(endpoint = "two_step_status")]
pub async fn two_step_status() -> Result<TwoStepState, AppError> {
    let (state, who) = caller().await?;
    let s =
        crate::backend::two_step::status(&state, who.actor.user_id, who.actor.company_id).await?;
    Ok(TwoStepState {
        enabled: s.enabled,
        required: s.required,
        recovery_codes_left: s.recovery_codes_left,
        can_require: who
            .actor
            .role
            .grants(crate::domain::Permission::ManageAdministrators),
    })
}

#[server(endpoint = "start_two_step_enrolment")]
pub async fn start_two_step_enrolment() -> Result<EnrolmentView, AppError> {
    let (state, who) = caller().await?;
    let e = crate::backend::two_step::start_enrolment(&state, &who).await?;
    Ok(EnrolmentView {
        secret_base32: e.secret_base32,
        otpauth_url: e.otpauth_url,
        qr_png_base64: e.qr_png_base64,
    })
}

/// Confirms the set-up with a code from the app; returns the recovery codes, shown once.
#[server(endpoint = "confirm_two_step_enrolment")]
pub async fn confirm_two_step_enrolment(code: String) -> Result<Vec<String>, AppError> {
    let (state, who) = caller().await?;
    crate::backend::two_step::confirm_enrolment(&state, &who, &code).await
}

/// New recovery codes; the old ones stop working.
#[server(endpoint = "new_recovery_codes")]
pub async fn new_recovery_codes() -> Result<Vec<String>, AppError> {
    let (state, who) = caller().await?;
    crate::backend::two_step::new_recovery_codes(&state, &who).await
}

#[server(endpoint = "turn_off_two_step")]
pub async fn turn_off_two_step(password: String) -> Result<(), AppError> {
    let (state, who) = caller().await?;
    crate::backend::two_step::turn_off(&state, &who, &password).await
}

/// The Super admin requires (or stops requiring) two-step verification of every admin.
#[server(endpoint = "require_two_step")]
pub async fn require_two_step(required: bool) -> Result<(), AppError> {
    use super::guard;
    let state = guard::state()?;
    let channel = guard::channel();
    let client_ip = guard::client_ip();
    let actor =
        guard::require_with(&state, crate::domain::Permission::ManageAdministrators).await?;
    let who = crate::backend::audit::Who {
        actor,
        client_ip,
        channel,
    };
    crate::backend::two_step::set_required(&state, &who, required).await
}
