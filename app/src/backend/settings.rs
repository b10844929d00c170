//! Reading and saving a company's settings. A save is one transaction: the version check of each
//! edited setting, the new values, the consequences (deleting members' import settings), and one
//! audit record per changed setting. Any problem stores nothing.

use super::AppState;
use super::audit::{self, Who};
use super::auth::internal;
use super::entities::{company, import_setting, setting};
use crate::domain::policy::{Allowance, Policy, SettingKey};
use crate::error::AppError;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QuerySelect, Set,
};
use serde_json::Value;
use std::collections::BTreeMap;

/// The audit actions of settings changes.
pub const CHANGE_SETTING: &str = "Change setting";
pub const REVERT_SETTING: &str = "Revert setting";
pub const IMPORT_POLICY: &str = "Import policy";

fn new_save_id() -> String {
    use rand::Rng;
    let bytes: [u8; 12] = rand::thread_rng().r#gen();
    hex::encode(bytes)
}

/// The stored policy and the version of each setting (0: never changed from the default).
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    pub policy: Policy,
    pub versions: BTreeMap<SettingKey, i64>,
}

pub async fn load<C: ConnectionTrait>(db: &C, company_id: i64) -> Result<Snapshot, AppError> {
    let rows = setting::Entity::find()
        .filter(setting::Column::CompanyId.eq(company_id))
        .all(db)
        .await
        .map_err(|e| internal("loading settings failed", e))?;
    let mut policy = Policy::default();
    let mut versions: BTreeMap<SettingKey, i64> = SettingKey::ALL.iter().map(|k| (*k, 0)).collect();
    for row in rows {
        let Some(key) = SettingKey::from_id(&row.key) else {
            tracing::warn!(key = %row.key, company_id, "ignoring an unknown stored setting");
            continue;
        };
        let value: Value = serde_json::from_str(&row.value).unwrap_or(Value::Null);
        if let Err(e) = policy.set_json(key, value) {
            tracing::error!(key = %row.key, company_id, error = %e, "a stored setting is invalid; using the default");
        }
        versions.insert(key, row.version);
    }
    Ok(Snapshot { policy, versions })
}

/// Members of the company with at least one import setting, counted (the settings pages read
/// the kept count, `companies.import_members`, with the signed-in admin instead).
pub async fn members_with_import_settings<C: ConnectionTrait>(
    db: &C,
    company_id: i64,
) -> Result<u64, AppError> {
    members_with_import_settings_raw(db, company_id)
        .await
        .map_err(|e| internal("counting import settings failed", e))
}

async fn members_with_import_settings_raw<C: ConnectionTrait>(
    db: &C,
    company_id: i64,
) -> Result<u64, sea_orm::DbErr> {
    import_setting::Entity::find()
        .select_only()
        .column(import_setting::Column::UserId)
        .distinct()
        .filter(import_setting::Column::CompanyId.eq(company_id))
        .count(db)
        .await
}

/// One edited setting: the new value and the version the admin started editing from.
#[derive(Clone, Debug)]
pub struct Change {
    pub key: SettingKey,
    pub value: Value,
    pub base_version: i64,
}

pub struct Saved {
    pub snapshot: Snapshot,
    pub changed: Vec<SettingKey>,
    pub deleted_import_settings: u64,
}

/// Applies `changes` (all of whose keys the caller has checked it may change).
pub async fn save(state: &AppState, who: &Who, changes: Vec<Change>) -> Result<Saved, AppError> {
    save_as(state, who, changes, CHANGE_SETTING).await
}

/// `save`, recorded in the audit log under `action` (e.g. a revert).
pub async fn save_as(
    state: &AppState,
    who: &Who,
    changes: Vec<Change>,
    action: &str,
) -> Result<Saved, AppError> {
    let company_id = who.actor.company_id;
    // The company's write lock comes first: saves of one company queue there.
    let mut txn = audit::begin_locked(&state.db, company_id).await?;
    let author = audit::Author::from(who);
    let save_id = new_save_id();

    // The settings at the revision read under the lock: from memory when current.
    let cached = state
        .policies
        .get(&txn, company_id, txn.settings_revision())
        .await?;
    let before = &cached.snapshot;
    let mut after = before.policy.clone();
    let edited: Vec<SettingKey> = changes.iter().map(|c| c.key).collect();
    let stale: Vec<&Change> = changes
        .iter()
        .filter(|c| c.base_version != before.versions.get(&c.key).copied().unwrap_or(0))
        .collect();
    if !stale.is_empty() {
        return Err(AppError::Conflict {
            current: conflicts(&txn, company_id, before, &stale).await?,
        });
    }
    for change in &changes {
        after
            .set_json(change.key, change.value.clone())
            .map_err(|message| AppError::validation(change.key.id(), message))?;
    }
    if let Some(first) = after.validate(&edited).into_iter().next() {
        return Err(AppError::validation(first.field, first.message));
    }

    let now = chrono::Utc::now();
    let mut changed = Vec::new();
    let mut versions = before.versions.clone();
    for change in &changes {
        let new_json = after.get_json(change.key);
        if new_json == before.policy.get_json(change.key) {
            continue;
        }
        let text = new_json.to_string();
        let version = change.base_version + 1;
        let stored = if change.base_version == 0 {
            setting::ActiveModel {
                company_id: Set(company_id),
                key: Set(change.key.id().to_string()),
                value: Set(text),
                version: Set(version),
                updated_by: Set(Some(who.actor.user_id)),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await
            .map(|_| true)
            .or_else(|e| match e.sql_err() {
                // Another save inserted it first.
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => Ok(false),
                _ => Err(internal("storing a setting failed", e)),
            })?
        } else {
            setting::Entity::update_many()
                .col_expr(setting::Column::Value, Expr::value(text))
                .col_expr(setting::Column::Version, Expr::value(version))
                .col_expr(setting::Column::UpdatedBy, Expr::value(who.actor.user_id))
                .col_expr(setting::Column::UpdatedAt, Expr::value(now))
                .filter(setting::Column::CompanyId.eq(company_id))
                .filter(setting::Column::Key.eq(change.key.id()))
                .filter(setting::Column::Version.eq(change.base_version))
                .exec(&txn)
                .await
                .map_err(|e| internal("storing a setting failed", e))?
                .rows_affected
                == 1
        };
        if !stored {
            return Err(AppError::Conflict {
                current: conflicts(&txn, company_id, before, &[change]).await?,
            });
        }
        versions.insert(change.key, version);
        changed.push(change.key);
        txn.append(
            &author,
            audit::Record {
                menu: change.key.area().menu_name(),
                action,
                target: after.audit_target(change.key),
                old_value: Some(before.policy.display(change.key)),
                new_value: Some(after.display(change.key)),
                result: "Success",
                setting: Some(audit::SettingChange {
                    key: change.key.id().to_string(),
                    old_json: before.policy.get_json(change.key).to_string(),
                    new_json: after.get_json(change.key).to_string(),
                }),
                save_id: Some(save_id.clone()),
            },
        )
        .await
        .map_err(|e| internal("writing the audit record failed", e))?;
    }

    // The revision is the sum of the versions, and each changed setting went up by one (stored
    // with the commit).
    txn.raise_settings_revision(changed.len() as i64);

    // "Do not allow": every member's import settings are deleted, with the change and only then.
    let mut deleted = 0;
    if before.policy.import_external_email == Allowance::Allow
        && after.import_external_email == Allowance::DoNotAllow
    {
        let members = members_with_import_settings(&txn, company_id).await?;
        deleted = import_setting::Entity::delete_many()
            .filter(import_setting::Column::CompanyId.eq(company_id))
            .exec(&txn)
            .await
            .map_err(|e| internal("deleting import settings failed", e))?
            .rows_affected;
        set_import_members(&txn, company_id, 0)
            .await
            .map_err(|e| internal("deleting import settings failed", e))?;
        if deleted > 0 {
            txn.append(
                &author,
                audit::Record {
                    menu: SettingKey::ImportExternalEmail.area().menu_name(),
                    action: "Delete members' import settings",
                    target: SettingKey::ImportExternalEmail.label().to_string(),
                    old_value: Some(format!("{members} members, {deleted} import settings")),
                    new_value: Some("(deleted)".to_string()),
                    result: "Success",
                    setting: None,
                    save_id: Some(save_id.clone()),
                },
            )
            .await
            .map_err(|e| internal("writing the audit record failed", e))?;
        }
    }

    txn.commit()
        .await
        .map_err(|e| internal("committing a save failed", e))?;
    let snapshot = Snapshot {
        policy: after,
        versions,
    };
    state.policies.put(company_id, snapshot.clone());
    Ok(Saved {
        snapshot,
        changed,
        deleted_import_settings: deleted,
    })
}

/// Describes each stale change: the admin's value beside the stored one, and who stored it when.
async fn conflicts<C: ConnectionTrait>(
    db: &C,
    company_id: i64,
    before: &Snapshot,
    stale: &[&Change],
) -> Result<Vec<crate::error::ConflictField>, AppError> {
    use super::entities::user;
    let mut out = Vec::new();
    for change in stale {
        let row = setting::Entity::find_by_id((company_id, change.key.id().to_string()))
            .one(db)
            .await
            .map_err(|e| internal("reading a conflicting setting failed", e))?;
        let changed_by = match row.as_ref().and_then(|r| r.updated_by) {
            Some(id) => user::Entity::find_by_id(id)
                .one(db)
                .await
                .map_err(|e| internal("reading who changed a setting failed", e))?
                .map(|u| format!("{} ({})", u.display_name, u.email)),
            None => None,
        };
        let mut yours = before.policy.clone();
        let yours = match yours.set_json(change.key, change.value.clone()) {
            Ok(()) => yours.display(change.key),
            Err(_) => change.value.to_string(),
        };
        out.push(crate::error::ConflictField {
            key: change.key.id().to_string(),
            label: change.key.label().to_string(),
            yours,
            current: before.policy.display(change.key),
            current_value: before.policy.get_json(change.key),
            current_version: before.versions.get(&change.key).copied().unwrap_or(0),
            changed_by,
            changed_at: row.map(|r| {
                r.updated_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            }),
        });
    }
    Ok(out)
}

/// Stores the company's count of members with import settings (`companies.import_members`).
async fn set_import_members<C: ConnectionTrait>(
    db: &C,
    company_id: i64,
    count: i64,
) -> Result<(), sea_orm::DbErr> {
    company::Entity::update_many()
        .col_expr(company::Column::ImportMembers, Expr::value(count))
        .filter(company::Column::Id.eq(company_id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Adds an import setting for a member (operator command and demo data), and recounts the
/// company's members with import settings in the same transaction. The company's lock comes
/// first, so a save that deletes them all cannot interleave with the recount.
pub async fn add_import_setting(
    db: &DatabaseConnection,
    company_id: i64,
    user_id: i64,
    address: &str,
    host: &str,
) -> Result<(), sea_orm::DbErr> {
    let txn = audit::Locked::begin(db, company_id).await?;
    import_setting::ActiveModel {
        company_id: Set(company_id),
        user_id: Set(user_id),
        address: Set(address.to_string()),
        host: Set(host.to_string()),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let members = i64::try_from(members_with_import_settings_raw(&txn, company_id).await?)
        .unwrap_or(i64::MAX);
    set_import_members(&txn, company_id, members).await?;
    txn.commit().await
}
