//! The permission check that opens every server function.

use crate::backend::AppState;
use crate::backend::auth::{Actor, current_actor, internal};
use crate::domain::Permission;
use crate::error::AppError;
use leptos::prelude::use_context;
use tower_sessions::Session;

/// The application state. Call it before the first `.await` of a server function: a future whose
/// render pass was discarded can resume after its owner (and so its context) is gone.
pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| internal("application state missing", "no context"))
}

pub async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>()
        .await
        .map_err(|e| internal("session layer missing", e))
}

/// The client's address as the server saw it.
pub async fn client_ip() -> std::net::IpAddr {
    use axum::extract::ConnectInfo;
    match leptos_axum::extract::<ConnectInfo<std::net::SocketAddr>>().await {
        Ok(ConnectInfo(addr)) => addr.ip(),
        Err(_) => std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED),
    }
}

/// The signed-in admin, if they hold `permission`; otherwise `Unauthenticated` or `Forbidden`.
pub async fn require(permission: Permission) -> Result<Actor, AppError> {
    let state = state()?;
    require_with(&state, permission).await
}

/// `require` with the state already in hand.
pub async fn require_with(state: &AppState, permission: Permission) -> Result<Actor, AppError> {
    let session = session().await?;
    let actor = current_actor(&session, state)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    if actor.role.grants(permission) {
        Ok(actor)
    } else {
        tracing::warn!(
            user_id = actor.user_id,
            ?permission,
            "refused: missing permission"
        );
        Err(AppError::Forbidden)
    }
}
