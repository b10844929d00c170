//! History and revert: the diff of one save in the audit log, and putting its fields back to
//! their earlier values as an ordinary save.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldDiff {
    pub key: String,
    pub label: String,
    pub before: String,
    pub after: String,
    /// What is stored now, and its version (a revert is based on it).
    pub now: String,
    pub now_version: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveDiff {
    pub save_id: String,
    pub occurred_at: String,
    pub admin: String,
    pub menu: String,
    pub fields: Vec<FieldDiff>,
    /// Whether the caller may revert it (they need the edit permission of every field's page).
    pub can_revert: bool,
}

/// A field to revert and the version the admin saw when they chose to revert it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevertField {
    pub key: String,
    pub base_version: i64,
}

#[cfg(feature = "ssr")]
mod server {
    use super::*;
    use crate::backend::AppState;
    use crate::backend::audit::Who;
    use crate::backend::auth::{Actor, internal};
    use crate::backend::entities::audit_entry;
    use crate::backend::settings;
    use crate::domain::policy::SettingKey;
    use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

    /// The settings records of one save of the caller's company.
    pub async fn records(
        db: &DatabaseConnection,
        actor: &Actor,
        save_id: &str,
    ) -> Result<Vec<(SettingKey, audit_entry::Model)>, AppError> {
        let rows = audit_entry::Entity::find()
            .filter(audit_entry::Column::CompanyId.eq(actor.company_id))
            .filter(audit_entry::Column::SaveId.eq(save_id))
            .filter(audit_entry::Column::SettingKey.is_not_null())
            .order_by_asc(audit_entry::Column::Id)
            .all(db)
            .await
            .map_err(|e| internal("reading a change failed", e))?;
        let out: Vec<_> = rows
            .into_iter()
            .filter_map(|r| {
                r.setting_key
                    .as_deref()
                    .and_then(SettingKey::from_id)
                    .map(|k| (k, r))
            })
            .collect();
        if out.is_empty() {
            return Err(AppError::NotFound);
        }
        Ok(out)
    }

    pub fn may_edit(actor: &Actor, keys: &[SettingKey]) -> bool {
        keys.iter().all(|k| {
            actor.role.grants(k.area().edit_permission())
                && (!k.area().needs_mail_security_plan() || actor.plan.includes_mail_security())
        })
    }

    pub async fn details(
        db: &DatabaseConnection,
        actor: &Actor,
        save_id: &str,
    ) -> Result<SaveDiff, AppError> {
        let records = records(db, actor, save_id).await?;
        let current = settings::load(db, actor.company_id).await?;
        let mut fields = Vec::new();
        for (key, r) in &records {
            let mut before = current.policy.clone();
            let parsed = r
                .old_json
                .as_deref()
                .and_then(|j| serde_json::from_str(j).ok());
            let before_text = match parsed.map(|v| before.set_json(*key, v)) {
                Some(Ok(())) => before.display(*key),
                _ => r.old_value.clone().unwrap_or_default(),
            };
            fields.push(FieldDiff {
                key: key.id().to_string(),
                label: current.policy.audit_target(*key),
                before: before_text,
                after: r.new_value.clone().unwrap_or_default(),
                now: current.policy.display(*key),
                now_version: current.versions.get(key).copied().unwrap_or(0),
            });
        }
        let first = &records[0].1;
        let keys: Vec<SettingKey> = records.iter().map(|(k, _)| *k).collect();
        Ok(SaveDiff {
            save_id: save_id.to_string(),
            occurred_at: first
                .occurred_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            admin: first.actor_email.clone(),
            menu: first.menu.clone(),
            fields,
            can_revert: may_edit(actor, &keys),
        })
    }

    pub async fn revert(
        state: &AppState,
        who: &Who,
        save_id: &str,
        fields: Vec<RevertField>,
    ) -> Result<(), AppError> {
        let records = records(&state.db, &who.actor, save_id).await?;
        let keys: Vec<SettingKey> = records.iter().map(|(k, _)| *k).collect();
        if !may_edit(&who.actor, &keys) {
            if keys.iter().any(|k| k.area().needs_mail_security_plan())
                && !who.actor.plan.includes_mail_security()
            {
                return Err(AppError::PlanRequired);
            }
            return Err(AppError::Forbidden);
        }
        let mut changes = Vec::new();
        for (key, r) in records {
            let Some(base_version) = fields
                .iter()
                .find(|f| f.key == key.id())
                .map(|f| f.base_version)
            else {
                continue;
            };
            let value = r
                .old_json
                .as_deref()
                .and_then(|j| serde_json::from_str(j).ok())
                .ok_or_else(|| {
                    AppError::validation(
                        key.id(),
                        "This change has no earlier value to go back to.",
                    )
                })?;
            changes.push(settings::Change {
                key,
                value,
                base_version,
            });
        }
        if changes.is_empty() {
            return Err(AppError::validation(
                "request",
                "Choose at least one field to revert.",
            ));
        }
        settings::save_as(state, who, changes, settings::REVERT_SETTING)
            .await
            .map(|_| ())
    }
}

#[server(endpoint = "change_details")]
pub async fn change_details(save_id: String) -> Result<SaveDiff, AppError> {
    let state = super::guard::state()?;
    let actor = super::guard::require_with(&state, crate::domain::Permission::ViewAuditLog).await?;
    server::details(&state.db, &actor, &save_id).await
}

#[server(endpoint = "revert_change", input = server_fn::codec::Json)]
pub async fn revert_change(save_id: String, fields: Vec<RevertField>) -> Result<(), AppError> {
    use super::guard;
    let state = guard::state()?;
    let channel = guard::channel();
    let client_ip = guard::client_ip();
    // Reading the log is the door; each field's own edit permission is checked below.
    let actor = guard::require_with(&state, crate::domain::Permission::EnterConsole).await?;
    let who = crate::backend::audit::Who {
        actor,
        client_ip,
        channel,
    };
    server::revert(&state, &who, &save_id, fields).await
}
