//! Company > Administrators: the Super admin grants and removes admin roles, deactivates and
//! reactivates accounts, and hands the Super admin role over. There is always exactly one Super
//! admin; every change is audited and takes effect on the affected user's next request.

use super::audit::{self, Author, Locked, Record, Who};
use super::auth::internal;
use super::entities::user;
use super::passwords::{Lane, PasswordHasher};
use crate::domain::Role;
use crate::error::AppError;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};

pub const MENU: &str = "Administrators";

pub async fn list(db: &DatabaseConnection, company_id: i64) -> Result<Vec<user::Model>, AppError> {
    user::Entity::find()
        .filter(user::Column::CompanyId.eq(company_id))
        .order_by_asc(user::Column::Email)
        .all(db)
        .await
        .map_err(|e| internal("listing users failed", e))
}

/// Starts a transaction holding the company lock, and finds `user_id` in the caller's company
/// (another company's user is "not found", never touched).
async fn begin_for(
    db: &DatabaseConnection,
    who: &Who,
    user_id: i64,
) -> Result<(Locked, user::Model), AppError> {
    let txn = audit::begin_locked(db, who.actor.company_id).await?;
    let target = user::Entity::find_by_id(user_id)
        .filter(user::Column::CompanyId.eq(who.actor.company_id))
        .one(&txn)
        .await
        .map_err(|e| internal("loading a user failed", e))?
        .ok_or(AppError::NotFound)?;
    Ok((txn, target))
}

fn role_of(u: &user::Model) -> Role {
    u.role.parse().unwrap_or(Role::Member)
}

async fn finish(
    txn: Locked,
    who: &Who,
    action: &str,
    target: &user::Model,
    old: String,
    new: String,
) -> Result<(), AppError> {
    let mut record = Record::event(MENU, action, target.email.clone(), "Success");
    record.old_value = Some(old);
    record.new_value = Some(new);
    audit::commit_with(txn, &Author::from(who), record).await
}

/// Grants or removes an admin role. The Super admin role moves only by hand-over.
pub async fn set_role(
    db: &DatabaseConnection,
    who: &Who,
    user_id: i64,
    role: Role,
) -> Result<(), AppError> {
    if role == Role::SuperAdmin {
        return Err(AppError::validation(
            "role",
            "The Super admin role is handed over, not granted: use 'Hand over Super admin'.",
        ));
    }
    let (txn, target) = begin_for(db, who, user_id).await?;
    let old = role_of(&target);
    if old == Role::SuperAdmin {
        return Err(AppError::validation(
            "role",
            "The Super admin keeps the role until handing it over to another admin.",
        ));
    }
    if old == role {
        return Ok(());
    }
    let mut model: user::ActiveModel = target.clone().into();
    model.role = Set(role.as_str().to_string());
    model.updated_at = Set(chrono::Utc::now());
    model
        .update(&txn)
        .await
        .map_err(|e| internal("changing a role failed", e))?;
    finish(
        txn,
        who,
        "Change role",
        &target,
        old.label().into(),
        role.label().into(),
    )
    .await
}

/// Deactivates (ending all the user's sessions) or reactivates an account.
pub async fn set_active(
    db: &DatabaseConnection,
    who: &Who,
    user_id: i64,
    active: bool,
) -> Result<(), AppError> {
    let (txn, target) = begin_for(db, who, user_id).await?;
    if !active && role_of(&target) == Role::SuperAdmin {
        return Err(AppError::validation(
            "active",
            "The Super admin cannot be deactivated; hand the role over first.",
        ));
    }
    if target.active == active {
        return Ok(());
    }
    let epoch = target.auth_epoch + i64::from(!active);
    let mut model: user::ActiveModel = target.clone().into();
    model.active = Set(active);
    model.auth_epoch = Set(epoch);
    model.updated_at = Set(chrono::Utc::now());
    model
        .update(&txn)
        .await
        .map_err(|e| internal("changing an account failed", e))?;
    let (action, old, new) = if active {
        ("Reactivate account", "Deactivated", "Active")
    } else {
        ("Deactivate account", "Active", "Deactivated")
    };
    finish(txn, who, action, &target, old.into(), new.into()).await
}

/// Hands the Super admin role to another active admin, after the Super admin re-enters their
/// password. The former Super admin becomes a Security admin.
pub async fn hand_over(
    db: &DatabaseConnection,
    hasher: &PasswordHasher,
    who: &Who,
    user_id: i64,
    password: &str,
) -> Result<(), AppError> {
    if password.is_empty() {
        return Err(AppError::validation(
            "password",
            "Enter your password to confirm.",
        ));
    }
    let me = user::Entity::find_by_id(who.actor.user_id)
        .one(db)
        .await
        .map_err(|e| internal("loading the Super admin failed", e))?
        .ok_or(AppError::Unauthenticated)?;
    let ok = hasher
        .verify(Lane::Usual, password, Some(&me.password_hash))
        .await
        .map_err(|e| internal("checking the password failed", e))?;
    if !ok {
        return Err(AppError::validation(
            "password",
            "The password is incorrect.",
        ));
    }
    let (txn, target) = begin_for(db, who, user_id).await?;
    if target.id == me.id {
        return Err(AppError::validation(
            "user",
            "You are the Super admin already.",
        ));
    }
    if !target.active || !role_of(&target).is_admin() {
        return Err(AppError::validation(
            "user",
            "Hand the role to an active administrator (grant them an admin role first).",
        ));
    }
    // Demote first: the database allows one Super admin per company at any moment.
    let mut demoted: user::ActiveModel = me.clone().into();
    demoted.role = Set(Role::SecurityAdmin.as_str().to_string());
    demoted.updated_at = Set(chrono::Utc::now());
    demoted
        .update(&txn)
        .await
        .map_err(|e| internal("handing over failed", e))?;
    let old = role_of(&target);
    let mut promoted: user::ActiveModel = target.clone().into();
    promoted.role = Set(Role::SuperAdmin.as_str().to_string());
    promoted.updated_at = Set(chrono::Utc::now());
    promoted
        .update(&txn)
        .await
        .map_err(|e| internal("handing over failed", e))?;
    finish(
        txn,
        who,
        "Hand over Super admin",
        &target,
        format!("{} ({} was Super admin)", old.label(), me.email),
        format!("Super admin ({} is now Security admin)", me.email),
    )
    .await
}
