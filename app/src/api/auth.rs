//! Signing in and out, and who is signed in.

use crate::domain::{Plan, Role};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The signed-in administrator as the interface shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminView {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub company_name: String,
    pub company_domain: String,
    pub plan: Plan,
    /// The company requires two-step verification and this admin must set it up first.
    pub must_set_up_two_step: bool,
}

/// What a correct password leads to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInResult {
    /// The page to go to once signed in.
    pub next: String,
    /// Two-step verification is on: ask for the code (`verify_two_step`) before going there.
    pub code_needed: bool,
}

#[cfg(feature = "ssr")]
impl From<crate::backend::auth::Actor> for AdminView {
    fn from(a: crate::backend::auth::Actor) -> Self {
        Self {
            email: a.email,
            display_name: a.display_name,
            role: a.role,
            company_name: a.company_name,
            company_domain: a.company_domain,
            plan: a.plan,
            must_set_up_two_step: a.two_step_missing,
        }
    }
}

/// Signs in and returns the page to go to next. Needs no session: this is how one gets one.
#[server(endpoint = "sign_in")]
pub async fn sign_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<SignInResult, AppError> {
    use super::guard;
    use crate::backend::auth::SignInStep;
    let state = guard::state()?;
    let channel = guard::channel();
    let client = guard::client_ip();
    let session = guard::session()?;
    let step =
        crate::backend::auth::sign_in(&state, &session, &email, &password, client, channel).await?;
    Ok(SignInResult {
        next: crate::domain::NextPath::or_home(next.as_deref()),
        code_needed: matches!(step, SignInStep::CodeNeeded),
    })
}

/// The second step of sign-in, after `sign_in` said a code is needed: a code from the
/// authenticator app or a recovery code. Returns the page to go to next.
#[server(endpoint = "verify_two_step")]
pub async fn verify_two_step(code: String, next: Option<String>) -> Result<String, AppError> {
    use super::guard;
    let state = guard::state()?;
    let channel = guard::channel();
    let client = guard::client_ip();
    let session = guard::session()?;
    crate::backend::auth::verify_two_step(&state, &session, &code, client, channel).await?;
    Ok(crate::domain::NextPath::or_home(next.as_deref()))
}

/// Ends the session on the server. Signing out without a session is refused like any call.
#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use super::guard;
    let state = guard::state()?;
    let channel = guard::channel();
    let client_ip = guard::client_ip();
    let actor = guard::require_signed_in(&state).await?;
    let session = guard::session()?;
    let who = crate::backend::audit::Who {
        actor,
        client_ip,
        channel,
    };
    crate::backend::auth::sign_out(&state, &session, &who).await
}

/// The signed-in administrator as the page guard resolved them before this page's server-side
/// render, or `None` where nothing was resolved ahead (the browser, which asks `current_admin`).
pub fn admin_resolved_for_render() -> Option<Result<AdminView, AppError>> {
    #[cfg(feature = "ssr")]
    {
        let actor = super::guard::memo()?.resolved()?;
        Some(actor.map(AdminView::from).ok_or(AppError::Unauthenticated))
    }
    #[cfg(not(feature = "ssr"))]
    None
}

/// The signed-in administrator.
#[server(endpoint = "current_admin")]
pub async fn current_admin() -> Result<AdminView, AppError> {
    let state = super::guard::state()?;
    let actor = super::guard::require_signed_in(&state).await?;
    Ok(actor.into())
}
