//! Who is calling: signing in, reading the signed-in admin from the session, signing out.

use super::audit::{self, Author, Channel, Record};
use super::entities::{company, user};
use super::sessions::{AUTH_KEY, SessionAuth};
use super::state::AppState;
use crate::domain::{EmailAddress, Plan, Role};
use crate::error::AppError;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::net::IpAddr;
use tower_sessions::Session;

/// The signed-in administrator, as loaded fresh from the database for this request.
#[derive(Clone, Debug)]
pub struct Actor {
    pub user_id: i64,
    pub company_id: i64,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub company_name: String,
    pub company_domain: String,
    pub plan: Plan,
}

fn now_secs() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Logs an unexpected failure and turns it into the opaque error the browser sees.
pub fn internal(context: &str, err: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %err, "{context}");
    AppError::Internal
}

async fn end_session(session: &Session) -> Result<(), AppError> {
    session
        .flush()
        .await
        .map_err(|e| internal("ending a session failed", e))
}

/// The admin signed in on this session, or `None`. A session whose user was deactivated, whose
/// password changed, whose role is no longer an admin role, or which outlived its absolute
/// lifetime is ended here, on the server.
pub async fn current_actor(session: &Session, state: &AppState) -> Result<Option<Actor>, AppError> {
    let auth: Option<SessionAuth> = session
        .get(AUTH_KEY)
        .await
        .map_err(|e| internal("reading the session failed", e))?;
    let Some(auth) = auth else {
        return Ok(None);
    };
    let age = now_secs().saturating_sub(auth.signed_in_at);
    if age < 0 || age as u64 > state.sessions.absolute_lifetime.as_secs() {
        end_session(session).await?;
        return Ok(None);
    }
    let found = user::Entity::find_by_id(auth.user_id)
        .find_also_related(company::Entity)
        .one(&state.db)
        .await
        .map_err(|e| internal("loading the signed-in user failed", e))?;
    let Some((user, Some(company))) = found else {
        end_session(session).await?;
        return Ok(None);
    };
    let role = user.role.parse::<Role>().unwrap_or(Role::Member);
    let valid = user.active
        && user.auth_epoch == auth.epoch
        && user.company_id == auth.company_id
        && role.is_admin();
    if !valid {
        end_session(session).await?;
        return Ok(None);
    }
    Ok(Some(Actor {
        user_id: user.id,
        company_id: user.company_id,
        email: user.email,
        display_name: user.display_name,
        role,
        company_name: company.name,
        company_domain: company.domain,
        plan: company.plan.parse().unwrap_or(Plan::Free),
    }))
}

/// Signs in with e-mail and password. Unknown addresses cost as much time as wrong passwords,
/// and every refusal reads the same, except that members are told the console is not for them.
pub async fn sign_in(
    state: &AppState,
    session: &Session,
    email: &str,
    password: &str,
    client: IpAddr,
    channel: Channel,
) -> Result<Actor, AppError> {
    if email.trim().is_empty() {
        return Err(AppError::validation("email", "Enter your email address."));
    }
    if password.is_empty() {
        return Err(AppError::validation("password", "Enter your password."));
    }
    if let Some(wait) = state.limiter.retry_after(email.trim(), client) {
        return Err(AppError::RateLimited {
            retry_after_secs: wait.as_secs().max(1),
        });
    }
    let found = match EmailAddress::parse(email) {
        Ok(address) => user::Entity::find()
            .filter(user::Column::Email.eq(address.as_str()))
            .one(&state.db)
            .await
            .map_err(|e| internal("looking up the account failed", e))?,
        Err(_) => None,
    };
    let matches = state
        .hasher
        .verify(password, found.as_ref().map(|u| u.password_hash.as_str()))
        .await
        .map_err(|e| internal("checking the password failed", e))?;
    let author = |user: &user::Model| Author {
        company_id: user.company_id,
        user_id: Some(user.id),
        email: user.email.clone(),
        client_ip: client,
        channel,
    };
    let user = match found {
        Some(user) if matches && user.active => user,
        other => {
            state.limiter.record_failure(email.trim(), client);
            tracing::info!(%client, "sign-in refused");
            // Failures against a real account go to its company's log; others have no company.
            if let Some(user) = other {
                let reason = if !user.active {
                    "Failure: account deactivated"
                } else {
                    "Failure: wrong password"
                };
                if let Err(e) = audit::append(
                    &state.db,
                    &author(&user),
                    Record::event(SIGN_IN_MENU, "Sign in", user.email.clone(), reason),
                )
                .await
                {
                    tracing::error!(error = %e, "writing a failed sign-in to the audit log failed");
                }
            }
            return Err(AppError::BadCredentials);
        }
    };
    let role = user.role.parse::<Role>().unwrap_or(Role::Member);
    if !role.is_admin() {
        if let Err(e) = audit::append(
            &state.db,
            &author(&user),
            Record::event(
                SIGN_IN_MENU,
                "Sign in",
                user.email.clone(),
                "Refused: members cannot sign in",
            ),
        )
        .await
        {
            tracing::error!(error = %e, "writing a refused sign-in to the audit log failed");
        }
        return Err(AppError::NotAnAdmin);
    }
    // A new id at sign-in, so that an id planted before sign-in is worth nothing after it.
    session
        .cycle_id()
        .await
        .map_err(|e| internal("renewing the session id failed", e))?;
    session
        .insert(
            AUTH_KEY,
            SessionAuth {
                user_id: user.id,
                company_id: user.company_id,
                epoch: user.auth_epoch,
                signed_in_at: now_secs(),
            },
        )
        .await
        .map_err(|e| internal("writing the session failed", e))?;
    let actor = current_actor(session, state).await?;
    // A sign-in that cannot be recorded does not happen.
    audit::append(
        &state.db,
        &author(&user),
        Record::event(SIGN_IN_MENU, "Sign in", user.email.clone(), "Success"),
    )
    .await
    .map_err(|e| internal("writing a sign-in to the audit log failed", e))?;
    tracing::info!(user_id = user.id, %client, "signed in");
    actor.ok_or(AppError::BadCredentials)
}

/// The audit log's menu for sign-ins, sign-outs and refused calls.
pub const SIGN_IN_MENU: &str = "Sign-in";

/// Ends the session on the server and clears its cookie.
pub async fn sign_out(
    state: &AppState,
    session: &Session,
    who: &super::audit::Who,
) -> Result<(), AppError> {
    end_session(session).await?;
    audit::append(
        &state.db,
        &Author::from(who),
        Record::event(SIGN_IN_MENU, "Sign out", who.actor.email.clone(), "Success"),
    )
    .await
    .map_err(|e| internal("writing a sign-out to the audit log failed", e))
}
