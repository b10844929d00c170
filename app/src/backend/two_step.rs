//! Two-step verification (TOTP, RFC 6238) for admins: enrolment with a QR code, single-use
//! recovery codes, the code asked at sign-in after the password, and the company rule that every
//! admin must use it. Secrets are sealed by `secrets::SecretBox`; a code's time step is accepted
//! once (an atomic conditional update, so two replicas cannot both accept it).

use super::audit::{self, Author, Record, Who};
use super::auth::internal;
use super::entities::{company, recovery_code, user};
use super::passwords::Lane;
use super::state::AppState;
use crate::error::AppError;
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use sha2::{Digest, Sha256};
use totp_rs::{Builder, Totp};

/// The name authenticator apps show next to the code.
pub const ISSUER: &str = "Mail Security Console";
pub const MENU: &str = "Two-step verification";
const RECOVERY_CODES: usize = 10;
const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

fn purpose(user_id: i64) -> String {
    format!("totp:{user_id}")
}

fn totp(secret: Vec<u8>, account: &str) -> Result<Totp, AppError> {
    Builder::new()
        .with_secret(secret)
        .with_account_name(account)
        .with_issuer(Some(ISSUER))
        .build()
        .map_err(|e| internal("building a TOTP failed", e))
}

fn now_secs() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp()).unwrap_or(0)
}

/// Digits only, spaces and dashes dropped: what people type from an app.
fn normalise(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

pub fn hash_recovery_code(code: &str) -> String {
    hex::encode(Sha256::digest(normalise(code).as_bytes()))
}

fn new_recovery_code() -> String {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    let mut pick = || RECOVERY_ALPHABET[rng.gen_range(0..RECOVERY_ALPHABET.len())] as char;
    let a: String = (0..5).map(|_| pick()).collect();
    let b: String = (0..5).map(|_| pick()).collect();
    format!("{a}-{b}")
}

/// What the enrolment page shows: scan the QR code or type the key.
#[derive(Clone, Debug)]
pub struct Enrolment {
    pub secret_base32: String,
    pub otpauth_url: String,
    pub qr_png_base64: String,
}

#[derive(Clone, Debug)]
pub struct Status {
    pub enabled: bool,
    pub required: bool,
    pub recovery_codes_left: u64,
}

async fn load_user(state: &AppState, user_id: i64) -> Result<user::Model, AppError> {
    user::Entity::find_by_id(user_id)
        .one(&state.db)
        .await
        .map_err(|e| internal("loading the user failed", e))?
        .ok_or(AppError::Unauthenticated)
}

async fn company_requires(state: &AppState, company_id: i64) -> Result<bool, AppError> {
    Ok(company::Entity::find_by_id(company_id)
        .one(&state.db)
        .await
        .map_err(|e| internal("loading the company failed", e))?
        .is_some_and(|c| c.require_two_step))
}

pub async fn status(state: &AppState, user_id: i64, company_id: i64) -> Result<Status, AppError> {
    use sea_orm::PaginatorTrait;
    let me = load_user(state, user_id).await?;
    let left = recovery_code::Entity::find()
        .filter(recovery_code::Column::UserId.eq(user_id))
        .count(&state.db)
        .await
        .map_err(|e| internal("counting recovery codes failed", e))?;
    Ok(Status {
        enabled: me.totp_secret.is_some(),
        required: company_requires(state, company_id).await?,
        recovery_codes_left: left,
    })
}

/// A fresh secret, kept as pending until a code from it is confirmed.
pub async fn start_enrolment(state: &AppState, who: &Who) -> Result<Enrolment, AppError> {
    let me = load_user(state, who.actor.user_id).await?;
    if me.totp_secret.is_some() {
        return Err(AppError::validation(
            "code",
            "Two-step verification is already on. Turn it off first to move it to a new device.",
        ));
    }
    let secret: [u8; 20] = rand::random();
    let totp = totp(secret.to_vec(), &me.email)?;
    let sealed = state
        .secrets
        .seal(&secret, &purpose(me.id))
        .map_err(|e| internal("sealing a TOTP secret failed", e))?;
    let mut model = me.into_active_model();
    model.totp_pending = Set(Some(sealed));
    model
        .update(&state.db)
        .await
        .map_err(|e| internal("storing a pending TOTP secret failed", e))?;
    Ok(Enrolment {
        secret_base32: totp.secret().to_base32(),
        otpauth_url: totp
            .to_url()
            .map_err(|e| internal("building the otpauth URL failed", e))?,
        qr_png_base64: totp
            .to_qr_base64()
            .map_err(|e| internal("drawing the QR code failed", e))?,
    })
}

/// Replaces the user's recovery codes inside `txn` and returns the new ones (shown once).
async fn replace_recovery_codes<C: sea_orm::ConnectionTrait>(
    txn: &C,
    user_id: i64,
) -> Result<Vec<String>, AppError> {
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::UserId.eq(user_id))
        .exec(txn)
        .await
        .map_err(|e| internal("removing recovery codes failed", e))?;
    let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| new_recovery_code()).collect();
    recovery_code::Entity::insert_many(codes.iter().map(|c| recovery_code::ActiveModel {
        user_id: Set(user_id),
        code_hash: Set(hash_recovery_code(c)),
        ..Default::default()
    }))
    .exec(txn)
    .await
    .map_err(|e| internal("storing recovery codes failed", e))?;
    Ok(codes)
}

/// Turns two-step verification on with the pending secret, once a code from it checks out.
pub async fn confirm_enrolment(
    state: &AppState,
    who: &Who,
    code: &str,
) -> Result<Vec<String>, AppError> {
    let code = normalise(code);
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return Err(AppError::validation(
            "code",
            "Enter the 6-digit code your authenticator app shows.",
        ));
    }
    let me = load_user(state, who.actor.user_id).await?;
    let Some(pending) = me.totp_pending.clone() else {
        return Err(AppError::validation(
            "code",
            "Start the set-up again: no key is waiting for confirmation.",
        ));
    };
    let secret = state
        .secrets
        .open(&pending, &purpose(me.id))
        .map_err(|e| internal("opening a pending TOTP secret failed", e))?;
    let Some(step) = totp(secret, &me.email)?.check(&code, now_secs()) else {
        return Err(AppError::validation(
            "code",
            "The code is not correct. Check the time on your phone and try the newest code.",
        ));
    };
    let txn = audit::begin_locked(&state.db, me.company_id).await?;
    let mut model = me.clone().into_active_model();
    model.totp_secret = Set(Some(pending));
    model.totp_pending = Set(None);
    model.totp_last_step = Set(Some(i64::try_from(step).unwrap_or(i64::MAX)));
    model
        .update(&txn)
        .await
        .map_err(|e| internal("turning on two-step verification failed", e))?;
    let codes = replace_recovery_codes(&txn, me.id).await?;
    audit::commit_with(
        txn,
        &Author::from(who),
        Record::event(MENU, "Turn on", me.email.clone(), "Success"),
    )
    .await?;
    Ok(codes)
}

pub async fn new_recovery_codes(state: &AppState, who: &Who) -> Result<Vec<String>, AppError> {
    let me = load_user(state, who.actor.user_id).await?;
    if me.totp_secret.is_none() {
        return Err(AppError::validation(
            "code",
            "Turn on two-step verification first.",
        ));
    }
    let txn = audit::begin_locked(&state.db, me.company_id).await?;
    let codes = replace_recovery_codes(&txn, me.id).await?;
    audit::commit_with(
        txn,
        &Author::from(who),
        Record::event(MENU, "New recovery codes", me.email.clone(), "Success"),
    )
    .await?;
    Ok(codes)
}

/// Turns it off after the password is re-entered; refused while the company requires it.
pub async fn turn_off(state: &AppState, who: &Who, password: &str) -> Result<(), AppError> {
    if password.is_empty() {
        return Err(AppError::validation(
            "password",
            "Enter your password to confirm.",
        ));
    }
    let me = load_user(state, who.actor.user_id).await?;
    let ok = state
        .hasher
        .verify(Lane::Usual, password, Some(&me.password_hash))
        .await
        .map_err(|e| internal("checking the password failed", e))?;
    if !ok {
        return Err(AppError::validation(
            "password",
            "The password is incorrect.",
        ));
    }
    if company_requires(state, me.company_id).await? {
        return Err(AppError::validation(
            "password",
            "Your company requires two-step verification, so it cannot be turned off.",
        ));
    }
    if me.totp_secret.is_none() {
        return Ok(());
    }
    let txn = audit::begin_locked(&state.db, me.company_id).await?;
    let mut model = me.clone().into_active_model();
    model.totp_secret = Set(None);
    model.totp_pending = Set(None);
    model.totp_last_step = Set(None);
    model
        .update(&txn)
        .await
        .map_err(|e| internal("turning off two-step verification failed", e))?;
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::UserId.eq(me.id))
        .exec(&txn)
        .await
        .map_err(|e| internal("removing recovery codes failed", e))?;
    audit::commit_with(
        txn,
        &Author::from(who),
        Record::event(MENU, "Turn off", me.email.clone(), "Success"),
    )
    .await
}

/// The Super admin's switch: every admin of the company must use two-step verification.
pub async fn set_required(state: &AppState, who: &Who, required: bool) -> Result<(), AppError> {
    let txn = audit::begin_locked(&state.db, who.actor.company_id).await?;
    let company = company::Entity::find_by_id(who.actor.company_id)
        .one(&txn)
        .await
        .map_err(|e| internal("loading the company failed", e))?
        .ok_or(AppError::NotFound)?;
    if company.require_two_step == required {
        return Ok(());
    }
    if required {
        let me = load_user(state, who.actor.user_id).await?;
        if me.totp_secret.is_none() {
            return Err(AppError::validation(
                "required",
                "Turn on two-step verification for yourself first.",
            ));
        }
    }
    let mut record = Record::event(
        MENU,
        "Require for all admins",
        company.domain.clone(),
        "Success",
    );
    record.old_value = Some(if required { "Off" } else { "On" }.into());
    record.new_value = Some(if required { "On" } else { "Off" }.into());
    let mut model = company.into_active_model();
    model.require_two_step = Set(required);
    model
        .update(&txn)
        .await
        .map_err(|e| internal("changing the two-step rule failed", e))?;
    audit::commit_with(txn, &Author::from(who), record).await
}

/// Checks a sign-in code: a TOTP code whose time step is newer than the last one accepted, or
/// an unused recovery code (which is then used up). `Ok(false)` for a wrong or replayed code.
pub async fn verify_code(state: &AppState, me: &user::Model, code: &str) -> Result<bool, AppError> {
    let code = normalise(code);
    let Some(sealed) = me.totp_secret.as_deref() else {
        return Ok(false);
    };
    if code.len() == 6 && code.chars().all(|c| c.is_ascii_digit()) {
        let secret = state
            .secrets
            .open(sealed, &purpose(me.id))
            .map_err(|e| internal("opening a TOTP secret failed", e))?;
        let Some(step) = totp(secret, &me.email)?.check(&code, now_secs()) else {
            return Ok(false);
        };
        let step = i64::try_from(step).unwrap_or(i64::MAX);
        // Accept each step once, even with two replicas racing: the row changes only if the
        // step is newer than the last accepted one.
        let done = user::Entity::update_many()
            .col_expr(user::Column::TotpLastStep, Expr::value(step))
            .filter(user::Column::Id.eq(me.id))
            .filter(
                Condition::any()
                    .add(user::Column::TotpLastStep.is_null())
                    .add(user::Column::TotpLastStep.lt(step)),
            )
            .exec(&state.db)
            .await
            .map_err(|e| internal("recording a TOTP step failed", e))?;
        return Ok(done.rows_affected == 1);
    }
    let used = recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::UserId.eq(me.id))
        .filter(recovery_code::Column::CodeHash.eq(hash_recovery_code(&code)))
        .exec(&state.db)
        .await
        .map_err(|e| internal("using a recovery code failed", e))?;
    Ok(used.rows_affected == 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn recovery_codes_are_typed_forgivingly() {
        let code = new_recovery_code();
        assert_eq!(code.len(), 11);
        assert_eq!(
            hash_recovery_code(&code),
            hash_recovery_code(&format!(" {} ", code.to_uppercase().replace('-', " ")))
        );
        assert_ne!(
            hash_recovery_code("aaaaa-aaaaa"),
            hash_recovery_code("aaaaa-aaaab")
        );
    }

    #[test]
    fn a_code_checks_only_within_its_window() {
        let t = totp(vec![42; 20], "a@acme.example").expect("totp");
        let now = 1_800_000_000;
        let code = t.generate(now);
        assert!(t.check(&code.to_string(), now).is_some());
        assert!(
            t.check(&code.to_string(), now + 30).is_some(),
            "one step of skew"
        );
        assert!(t.check(&code.to_string(), now + 120).is_none());
    }

    proptest! {
        #[test]
        fn normalising_never_panics_and_drops_separators(s in ".{0,64}") {
            let n = normalise(&s);
            prop_assert!(!n.contains('-') && !n.chars().any(char::is_whitespace));
        }
    }
}
