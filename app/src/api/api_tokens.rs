//! Security > API tokens: create (the secret is shown once), list, revoke.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub scope: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenList {
    pub tokens: Vec<TokenRow>,
    pub can_manage: bool,
}

#[cfg(feature = "ssr")]
fn row(t: crate::backend::entities::api_token::Model) -> TokenRow {
    let fmt =
        |d: chrono::DateTime<chrono::Utc>| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    TokenRow {
        id: t.id,
        name: t.name,
        prefix: t.prefix,
        scope: t.scope,
        created_at: fmt(t.created_at),
        last_used_at: t.last_used_at.map(fmt),
        revoked: t.revoked_at.is_some(),
    }
}

#[cfg(feature = "ssr")]
async fn manager() -> Result<(crate::backend::AppState, crate::backend::audit::Who), AppError> {
    use super::guard;
    let state = guard::state()?;
    let channel = guard::channel();
    let client_ip = guard::client_ip();
    let actor = guard::require_with(&state, crate::domain::Permission::ManageApiTokens).await?;
    if !actor.plan.includes_mail_security() {
        return Err(AppError::PlanRequired);
    }
    Ok((
        state,
        crate::backend::audit::Who {
            actor,
            client_ip,
            channel,
        },
    ))
}

#[server(endpoint = "list_api_tokens")]
pub async fn list_api_tokens() -> Result<TokenList, AppError> {
    let state = super::guard::state()?;
    let actor =
        super::guard::require_with(&state, crate::domain::Permission::ViewApiTokens).await?;
    if !actor.plan.includes_mail_security() {
        return Err(AppError::PlanRequired);
    }
    let tokens = crate::backend::api_tokens::list(&state.db, actor.company_id).await?;
    Ok(TokenList {
        tokens: tokens.into_iter().map(row).collect(),
        can_manage: actor
            .role
            .grants(crate::domain::Permission::ManageApiTokens),
    })
}

/// Creates a token; the returned secret is shown once and never stored.
#[server(endpoint = "create_api_token")]
pub async fn create_api_token(name: String) -> Result<(String, TokenRow), AppError> {
    let (state, who) = manager().await?;
    let (secret, model) = crate::backend::api_tokens::create(&state.db, &who, &name).await?;
    Ok((secret, row(model)))
}

#[server(endpoint = "revoke_api_token")]
pub async fn revoke_api_token(id: i64) -> Result<(), AppError> {
    let (state, who) = manager().await?;
    crate::backend::api_tokens::revoke(&state.db, &who, id).await
}
