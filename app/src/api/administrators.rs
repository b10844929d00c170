//! Company > Administrators: only the Super admin may list, change and hand over roles.

use crate::domain::Role;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    pub is_me: bool,
}

#[cfg(feature = "ssr")]
async fn caller() -> Result<(crate::backend::AppState, crate::backend::audit::Who), AppError> {
    use super::guard;
    let state = guard::state()?;
    let channel = guard::channel();
    let client_ip = guard::client_ip();
    let actor =
        guard::require_with(&state, crate::domain::Permission::ManageAdministrators).await?;
    Ok((
        state,
        crate::backend::audit::Who {
            actor,
            client_ip,
            channel,
        },
    ))
}

#[server(endpoint = "list_administrators")]
pub async fn list_administrators() -> Result<Vec<UserRow>, AppError> {
    let (state, who) = caller().await?;
    let users = crate::backend::administrators::list(&state.db, who.actor.company_id).await?;
    Ok(users
        .into_iter()
        .map(|u| UserRow {
            is_me: u.id == who.actor.user_id,
            role: u.role.parse().unwrap_or(Role::Member),
            id: u.id,
            email: u.email,
            display_name: u.display_name,
            active: u.active,
        })
        .collect())
}

#[server(endpoint = "set_user_role")]
pub async fn set_user_role(user_id: i64, role: Role) -> Result<(), AppError> {
    let (state, who) = caller().await?;
    crate::backend::administrators::set_role(&state.db, &who, user_id, role).await
}

#[server(endpoint = "set_user_active")]
pub async fn set_user_active(user_id: i64, active: bool) -> Result<(), AppError> {
    let (state, who) = caller().await?;
    crate::backend::administrators::set_active(&state.db, &who, user_id, active).await
}

#[server(endpoint = "hand_over_super_admin")]
pub async fn hand_over_super_admin(user_id: i64, password: String) -> Result<(), AppError> {
    let (state, who) = caller().await?;
    crate::backend::administrators::hand_over(&state.db, &state.hasher, &who, user_id, &password)
        .await
}
