//! The permission check that opens every server function.

use crate::backend::AppState;
use crate::backend::audit::{self, Author, Channel, Record, Who};
use crate::backend::auth::{Actor, ActorMemo, current_actor, internal};
use crate::domain::Permission;
use crate::error::AppError;
use leptos::prelude::{use_context, with_context};
use tower_sessions::Session;

/// The application state. Call it before the first `.await` of a server function: a future whose
/// render pass was discarded can resume after its owner (and so its context) is gone.
pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| internal("application state missing", "no context"))
}

/// Reads the request's head in place (`use_context` would copy it, headers and all).
fn with_request<R>(read: impl FnOnce(&http::request::Parts) -> R) -> Option<R> {
    with_context::<http::request::Parts, R>(read)
}

/// The request's session, put there by the session layer.
pub fn session() -> Result<Session, AppError> {
    with_request(|p| p.extensions.get::<Session>().cloned())
        .flatten()
        .ok_or_else(|| internal("session layer missing", "no session in the request"))
}

/// The client's address as the server saw it.
pub fn client_ip() -> std::net::IpAddr {
    use axum::extract::ConnectInfo;
    with_request(|p| {
        p.extensions
            .get::<ConnectInfo<std::net::SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip())
    })
    .flatten()
    .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED))
}

/// The signed-in admin, if they hold `permission`; otherwise `Unauthenticated` or `Forbidden`.
pub async fn require(permission: Permission) -> Result<Actor, AppError> {
    let state = state()?;
    require_with(&state, permission).await
}

/// How the request reached the console, from its User-Agent.
pub fn channel() -> Channel {
    let agent = with_request(|p| {
        p.headers
            .get(http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    })
    .flatten();
    Channel::from_user_agent(agent.as_deref())
}

/// Any signed-in admin, also one who must still set up two-step verification: for the set-up
/// itself, for reading who is signed in, and for signing out.
pub async fn require_signed_in(state: &AppState) -> Result<Actor, AppError> {
    let memo = memo();
    let session = session()?;
    resolve(memo, &session, state)
        .await?
        .ok_or(AppError::Unauthenticated)
}

/// The request's memo of its signed-in admin, when the page guard made one (server-side renders).
pub fn memo() -> Option<ActorMemo> {
    with_request(|p| p.extensions.get::<ActorMemo>().cloned()).flatten()
}

async fn resolve(
    memo: Option<ActorMemo>,
    session: &Session,
    state: &AppState,
) -> Result<Option<Actor>, AppError> {
    match memo {
        Some(memo) => memo.resolve(session, state).await,
        None => current_actor(session, state).await,
    }
}

/// `require` with the state already in hand. A refusal of a signed-in admin is audited. An admin
/// whose company requires two-step verification is refused until they set it up.
pub async fn require_with(state: &AppState, permission: Permission) -> Result<Actor, AppError> {
    let path = with_request(|p| p.uri.path().to_string()).unwrap_or_default();
    let channel = channel();
    let memo = memo();
    let ip = client_ip();
    let session = session()?;
    let actor = resolve(memo, &session, state)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    if actor.role.grants(permission) && actor.two_step_missing {
        Err(AppError::TwoStepRequired)
    } else if actor.role.grants(permission) {
        Ok(actor)
    } else {
        tracing::warn!(user_id = actor.user_id, ?permission, %path, "refused: missing permission");
        let who = Who {
            actor,
            client_ip: ip,
            channel,
        };
        let record = Record::event("Console", "Refused call", path, "Refused: no permission");
        if let Err(e) = audit::append(&state.db, &Author::from(&who), record).await {
            tracing::error!(error = %e, "writing a refused call to the audit log failed");
        }
        Err(AppError::Forbidden)
    }
}
