//! Who is calling: signing in, reading the signed-in admin from the session, signing out.

use super::audit::{self, Author, Channel, Record};
use super::entities::{company, user};
use super::passwords::Lane;
use super::prepared::CachedSql;
use super::rate_limit::{NewLocks, Refusal};
use super::sessions::{AUTH_KEY, PENDING_KEY, SessionAuth};
use super::state::AppState;
use crate::domain::{EmailAddress, Plan, Role};
use crate::error::AppError;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, FromQueryResult,
    QueryFilter, QueryTrait,
};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;
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
    /// The company requires two-step verification and this admin has not set it up: only the
    /// set-up is open to them until they do.
    pub two_step_missing: bool,
    /// The company's settings revision when the admin was loaded: the key to its settings in
    /// the policy cache.
    pub settings_revision: i64,
    /// Members of the company with import settings, read with the admin (the settings pages
    /// warn about them before import is turned off).
    pub import_members: u64,
}

/// Where a correct password leads.
#[derive(Clone, Debug)]
pub enum SignInStep {
    Done(Actor),
    /// Two-step verification is on: the session waits for a code (`verify_two_step`).
    CodeNeeded,
}

/// How long the code step waits after the password step.
const CODE_STEP_SECS: i64 = 5 * 60;

fn now_secs() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Logs an unexpected failure and turns it into the opaque error the browser sees: "temporarily
/// unavailable" (503) when the database cannot be reached, a generic failure otherwise.
pub fn internal<E: std::fmt::Display + 'static>(context: &str, err: E) -> AppError {
    if database_unreachable(&err) {
        tracing::error!(error = %err, "{context}: the database is unreachable");
        return AppError::Unavailable;
    }
    tracing::error!(error = %err, "{context}");
    AppError::Internal
}

/// Whether `err` says the database could not be reached (as opposed to refusing a statement).
fn database_unreachable(err: &dyn std::any::Any) -> bool {
    use sea_orm::{DbErr, RuntimeErr};
    fn from_db(e: &DbErr) -> bool {
        match e {
            DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
            DbErr::Query(RuntimeErr::SqlxError(e)) | DbErr::Exec(RuntimeErr::SqlxError(e)) => {
                matches!(
                    e,
                    sqlx::Error::Io(_)
                        | sqlx::Error::PoolTimedOut
                        | sqlx::Error::PoolClosed
                        | sqlx::Error::Tls(_)
                        | sqlx::Error::Protocol(_)
                        | sqlx::Error::WorkerCrashed
                )
            }
            _ => false,
        }
    }
    if let Some(e) = err.downcast_ref::<DbErr>() {
        return from_db(e);
    }
    if let Some(e) = err.downcast_ref::<anyhow::Error>() {
        return e.downcast_ref::<DbErr>().is_some_and(from_db);
    }
    // The session store reports its database's failures as store errors.
    matches!(
        err.downcast_ref::<tower_sessions::session::Error>(),
        Some(tower_sessions::session::Error::Store(_))
    )
}

async fn end_session(session: &Session) -> Result<(), AppError> {
    session
        .flush()
        .await
        .map_err(|e| internal("ending a session failed", e))
}

/// The signed-in admin as resolved once for a whole page request: the page guard resolves it, the
/// admin shell renders with it, and the server functions that the page's render calls reuse it.
#[derive(Clone, Default)]
pub struct ActorMemo(Arc<tokio::sync::OnceCell<Option<Actor>>>);

impl ActorMemo {
    pub async fn resolve(
        &self,
        session: &Session,
        state: &AppState,
    ) -> Result<Option<Actor>, AppError> {
        self.0
            .get_or_try_init(|| current_actor(session, state))
            .await
            .cloned()
    }

    /// The signed-in admin if this request has resolved them already (without waiting).
    pub fn resolved(&self) -> Option<Option<Actor>> {
        self.0.get().cloned()
    }
}

/// The user with their company, by id: every signed-in request reads it (see `prepared`).
static USER_WITH_COMPANY: CachedSql = CachedSql::new(|backend| {
    user::Entity::find_by_id(0)
        .find_also_related(company::Entity)
        .build(backend)
});

async fn signed_in_user(
    db: &DatabaseConnection,
    user_id: i64,
) -> Result<Option<(user::Model, company::Model)>, DbErr> {
    let statement = USER_WITH_COMPANY.statement(db.get_database_backend(), [user_id.into()]);
    let Some(row) = db.query_one(statement).await? else {
        return Ok(None);
    };
    // The column aliases `find_also_related` gives the two tables.
    let user = user::Model::from_query_result(&row, "A_")?;
    let company = company::Model::from_query_result_optional(&row, "B_")?;
    Ok(company.map(|company| (user, company)))
}

/// The admin signed in on this session, or `None`. A session whose user was deactivated, whose
/// password changed, whose role is no longer an admin role, or which outlived its absolute
/// lifetime is ended here, on the server.
pub async fn current_actor(session: &Session, state: &AppState) -> Result<Option<Actor>, AppError> {
    let auth: Option<SessionAuth> = session
        .get(AUTH_KEY)
        .await
        .map_err(|e| internal("reading the session failed", e))?;
    let Some(mut auth) = auth else {
        return Ok(None);
    };
    let now = now_secs();
    let age = now.saturating_sub(auth.signed_in_at);
    if age < 0 || age as u64 > state.sessions.absolute_lifetime.as_secs() {
        end_session(session).await?;
        return Ok(None);
    }
    let found = signed_in_user(&state.db, auth.user_id)
        .await
        .map_err(|e| internal("loading the signed-in user failed", e))?;
    let Some((user, company)) = found else {
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
    // A changed session is saved with a fresh idle expiry (and cookie) after the response.
    let idle_for = u64::try_from(now.saturating_sub(auth.seen_at)).unwrap_or(0);
    if idle_for >= state.sessions.touch_interval().as_secs() {
        auth.seen_at = now;
        session
            .insert(AUTH_KEY, &auth)
            .await
            .map_err(|e| internal("updating the session failed", e))?;
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
        two_step_missing: company.require_two_step && user.totp_secret.is_none(),
        settings_revision: company.settings_revision,
        import_members: u64::try_from(company.import_members).unwrap_or(0),
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
) -> Result<SignInStep, AppError> {
    if email.trim().is_empty() {
        return Err(AppError::validation("email", "Enter your email address."));
    }
    if password.is_empty() {
        return Err(AppError::validation("password", "Enter your password."));
    }
    if let Some(wait) = state.limiter.retry_after(email.trim(), client) {
        audit_refusal(state, email, client, channel, Refusal::Locked, wait).await;
        return Err(AppError::RateLimited {
            retry_after_secs: wait.as_secs().max(1),
        });
    }
    // After a failure for this account or from this address, the check keeps the console-wide
    // pace of checks after failures, and then waits for idle time: a storm of wrong passwords
    // then costs neither the console's other requests nor the sign-ins of everyone else.
    let lane = if state.limiter.failed_recently(email.trim(), client) {
        if let Err(wait) = state.limiter.turn_after_failures().await {
            tracing::info!(%client, "sign-in refused: no turn for a check after failures");
            audit_refusal(state, email, client, channel, Refusal::NoTurn, wait).await;
            return Err(AppError::RateLimited {
                retry_after_secs: wait.as_secs().max(1),
            });
        }
        Lane::AfterFailures
    } else {
        Lane::Usual
    };
    let found = find_account(state, email)
        .await
        .map_err(|e| internal("looking up the account failed", e))?;
    let matches = state
        .hasher
        .verify(
            lane,
            password,
            found.as_ref().map(|u| u.password_hash.as_str()),
        )
        .await
        .map_err(|e| internal("checking the password failed", e))?;
    let author = |user: &user::Model| author_of(user, client, channel);
    let user = match found {
        Some(user) if matches && user.active => user,
        other => {
            let locks = state.limiter.record_failure(email.trim(), client);
            tracing::info!(%client, "sign-in refused");
            if locks != NewLocks::default() {
                tracing::warn!(%client, ?locks, "sign-ins locked after repeated failures");
            }
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
                    failure_record(&user.email, reason, &locks, client),
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
    if user.totp_secret.is_some() {
        session
            .insert(PENDING_KEY, session_auth(&user))
            .await
            .map_err(|e| internal("writing the session failed", e))?;
        return Ok(SignInStep::CodeNeeded);
    }
    complete_sign_in(state, session, &user, author(&user), "Success")
        .await
        .map(SignInStep::Done)
}

/// The account with this e-mail address, if the address is well-formed and the account exists.
async fn find_account(state: &AppState, email: &str) -> Result<Option<user::Model>, DbErr> {
    let Ok(address) = EmailAddress::parse(email) else {
        return Ok(None);
    };
    user::Entity::find()
        .filter(user::Column::Email.eq(address.as_str()))
        .one(&state.db)
        .await
}

/// The audit log's author for something `user` did, or that was done in their name, from `client`.
fn author_of(user: &user::Model, client: IpAddr, channel: Channel) -> Author {
    Author {
        company_id: user.company_id,
        user_id: Some(user.id),
        email: user.email.clone(),
        client_ip: client,
        channel,
    }
}

/// What the audit log says of the locks a failure began ("Sign-ins to this account locked for 3
/// minutes"), beside the failure's result.
fn locks_text(locks: &NewLocks, client: IpAddr) -> Option<String> {
    let account = locks
        .account
        .map(|wait| format!("sign-ins to this account locked for {}", how_long(wait)));
    let address = locks
        .client
        .map(|wait| format!("sign-ins from {client} locked for {}", how_long(wait)));
    let text = account
        .into_iter()
        .chain(address)
        .collect::<Vec<_>>()
        .join("; ");
    let mut chars = text.chars();
    let first = chars.next()?;
    Some(first.to_uppercase().chain(chars).collect())
}

/// A lock's length as the audit log gives it: seconds under two minutes, else whole minutes
/// (rounded up).
fn how_long(wait: Duration) -> String {
    let secs = wait.as_secs().max(1);
    match secs {
        1 => "1 second".to_string(),
        2..120 => format!("{secs} seconds"),
        _ => format!("{} minutes", secs.div_ceil(60)),
    }
}

/// A failed sign-in's audit record, with the locks it began as its new value.
fn failure_record<'a>(
    email: &str,
    reason: &'a str,
    locks: &NewLocks,
    client: IpAddr,
) -> Record<'a> {
    Record {
        new_value: locks_text(locks, client),
        ..Record::event(SIGN_IN_MENU, "Sign in", email.to_string(), reason)
    }
}

/// Writes a sign-in refused without a password check to the account's audit log, when the account
/// exists and this is the first such refusal of this kind for it within the limits' window (see
/// `rate_limit`). A failure to write is logged; the refusal stands either way.
async fn audit_refusal(
    state: &AppState,
    email: &str,
    client: IpAddr,
    channel: Channel,
    why: Refusal,
    wait: Duration,
) {
    if !state.limiter.first_refusal_in_window(email.trim(), why) {
        return;
    }
    match find_account(state, email).await {
        Ok(Some(user)) => append_refusal(state, &user, client, channel, why, wait).await,
        Ok(None) => {}
        Err(e) => tracing::error!(error = %e, "looking up the account of a refused sign-in failed"),
    }
}

async fn append_refusal(
    state: &AppState,
    user: &user::Model,
    client: IpAddr,
    channel: Channel,
    why: Refusal,
    wait: Duration,
) {
    let window = how_long(state.limiter.window());
    let (result, detail) = match why {
        Refusal::Locked => (
            "Refused: locked",
            format!(
                "Locked after repeated failures, for {} more; further refusals within {window} are not recorded",
                how_long(wait)
            ),
        ),
        Refusal::NoTurn => (
            "Refused: try again later",
            format!(
                "Too many sign-ins after failures across the console; asked to try again in {}; further refusals within {window} are not recorded",
                how_long(wait)
            ),
        ),
    };
    let author = author_of(user, client, channel);
    let record = Record {
        new_value: Some(detail),
        ..Record::event(SIGN_IN_MENU, "Sign in", user.email.clone(), result)
    };
    if let Err(e) = audit::append(&state.db, &author, record).await {
        tracing::error!(error = %e, "writing a refused sign-in to the audit log failed");
    }
}

fn session_auth(user: &user::Model) -> SessionAuth {
    SessionAuth {
        user_id: user.id,
        company_id: user.company_id,
        epoch: user.auth_epoch,
        signed_in_at: now_secs(),
        seen_at: now_secs(),
    }
}

/// Marks the session signed in as `user` and records it.
async fn complete_sign_in(
    state: &AppState,
    session: &Session,
    user: &user::Model,
    author: Author,
    result: &str,
) -> Result<Actor, AppError> {
    session
        .insert(AUTH_KEY, session_auth(user))
        .await
        .map_err(|e| internal("writing the session failed", e))?;
    let actor = current_actor(session, state).await?;
    // A sign-in that cannot be recorded does not happen.
    audit::append(
        &state.db,
        &author,
        Record::event(SIGN_IN_MENU, "Sign in", user.email.clone(), result),
    )
    .await
    .map_err(|e| internal("writing a sign-in to the audit log failed", e))?;
    tracing::info!(user_id = user.id, client = %author.client_ip, "signed in");
    actor.ok_or(AppError::BadCredentials)
}

/// The second step: a code from the authenticator app, or a recovery code. Wrong codes count
/// toward the same limits as wrong passwords.
pub async fn verify_two_step(
    state: &AppState,
    session: &Session,
    code: &str,
    client: IpAddr,
    channel: Channel,
) -> Result<Actor, AppError> {
    let pending: Option<SessionAuth> = session
        .get(PENDING_KEY)
        .await
        .map_err(|e| internal("reading the session failed", e))?;
    let Some(pending) = pending else {
        return Err(AppError::Unauthenticated);
    };
    if now_secs().saturating_sub(pending.signed_in_at) > CODE_STEP_SECS {
        session
            .remove_value(PENDING_KEY)
            .await
            .map_err(|e| internal("writing the session failed", e))?;
        return Err(AppError::Unauthenticated);
    }
    let found = user::Entity::find_by_id(pending.user_id)
        .one(&state.db)
        .await
        .map_err(|e| internal("looking up the account failed", e))?;
    let Some(user) = found.filter(|u| u.active && u.auth_epoch == pending.epoch) else {
        end_session(session).await?;
        return Err(AppError::Unauthenticated);
    };
    if let Some(wait) = state.limiter.retry_after(&user.email, client) {
        if state
            .limiter
            .first_refusal_in_window(&user.email, Refusal::Locked)
        {
            append_refusal(state, &user, client, channel, Refusal::Locked, wait).await;
        }
        return Err(AppError::RateLimited {
            retry_after_secs: wait.as_secs().max(1),
        });
    }
    if code.trim().is_empty() {
        return Err(AppError::validation(
            "code",
            "Enter the code from your authenticator app, or a recovery code.",
        ));
    }
    let author = author_of(&user, client, channel);
    if !super::two_step::verify_code(state, &user, code).await? {
        let locks = state.limiter.record_failure(&user.email, client);
        if let Err(e) = audit::append(
            &state.db,
            &author,
            failure_record(&user.email, "Failure: wrong code", &locks, client),
        )
        .await
        {
            tracing::error!(error = %e, "writing a failed sign-in to the audit log failed");
        }
        return Err(AppError::validation(
            "code",
            "The code is not correct, or it was used already. Try the newest code.",
        ));
    }
    session
        .remove_value(PENDING_KEY)
        .await
        .map_err(|e| internal("writing the session failed", e))?;
    session
        .cycle_id()
        .await
        .map_err(|e| internal("renewing the session id failed", e))?;
    complete_sign_in(state, session, &user, author, "Success (two-step)").await
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_lengths_read_as_people_say_them() {
        assert_eq!(how_long(Duration::from_millis(300)), "1 second");
        assert_eq!(how_long(Duration::from_secs(45)), "45 seconds");
        assert_eq!(how_long(Duration::from_secs(119)), "119 seconds");
        assert_eq!(how_long(Duration::from_secs(180)), "3 minutes");
        assert_eq!(how_long(Duration::from_secs(181)), "4 minutes");
    }

    #[test]
    fn a_failure_says_which_locks_it_began() {
        let client = IpAddr::from([10, 0, 0, 1]);
        assert_eq!(locks_text(&NewLocks::default(), client), None);
        let account = NewLocks {
            account: Some(Duration::from_secs(180)),
            client: None,
        };
        assert_eq!(
            locks_text(&account, client).as_deref(),
            Some("Sign-ins to this account locked for 3 minutes")
        );
        let both = NewLocks {
            client: Some(Duration::from_secs(45)),
            ..account
        };
        assert_eq!(
            locks_text(&both, client).as_deref(),
            Some(
                "Sign-ins to this account locked for 3 minutes; sign-ins from 10.0.0.1 locked for 45 seconds"
            )
        );
        let address = NewLocks {
            account: None,
            ..both
        };
        assert_eq!(
            locks_text(&address, client).as_deref(),
            Some("Sign-ins from 10.0.0.1 locked for 45 seconds")
        );
    }

    #[test]
    fn the_kept_query_binds_its_one_value() {
        USER_WITH_COMPANY.assert_binds(1);
    }
}
