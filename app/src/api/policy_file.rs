//! Policy import: a field-by-field preview against the current policy, then applying it as one
//! save (one audit record per changed field). The export is a download (`/policy/export.json`).

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Files larger than this are refused.
pub const MAX_FILE_BYTES: usize = 64 * 1024;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportChange {
    pub key: String,
    pub label: String,
    pub current: String,
    pub incoming: String,
    pub base_version: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub changes: Vec<ImportChange>,
    /// Whether the caller may apply them (they need the edit permission of every page involved).
    pub can_apply: bool,
}

#[cfg(feature = "ssr")]
mod server {
    use super::*;
    use crate::backend::auth::Actor;
    use crate::backend::{policy_file, settings};
    use crate::domain::policy::SettingKey;
    use sea_orm::DatabaseConnection;

    pub fn may_edit(actor: &Actor, keys: &[SettingKey]) -> bool {
        keys.iter()
            .all(|k| actor.role.grants(k.area().edit_permission()))
    }

    pub async fn preview(
        db: &DatabaseConnection,
        actor: &Actor,
        file: &str,
    ) -> Result<(ImportPreview, Vec<settings::Change>), AppError> {
        if file.len() > MAX_FILE_BYTES {
            return Err(AppError::validation(
                "file",
                format!("The file is larger than {} KB.", MAX_FILE_BYTES / 1024),
            ));
        }
        let current = settings::load(db, actor.company_id).await?;
        let incoming = policy_file::parse(file, &current.policy).map_err(|problems| {
            let listed: Vec<String> = problems
                .iter()
                .enumerate()
                .map(|(i, p)| format!("{}. {p}", i + 1))
                .collect();
            AppError::validation(
                "file",
                format!("The file was refused: {}", listed.join(" ")),
            )
        })?;
        let mut changes = Vec::new();
        let mut shown = Vec::new();
        for key in SettingKey::ALL {
            let value = incoming.get_json(key);
            if value == current.policy.get_json(key) {
                continue;
            }
            let base_version = current.versions.get(&key).copied().unwrap_or(0);
            shown.push(ImportChange {
                key: key.id().to_string(),
                label: current.policy.audit_target(key),
                current: current.policy.display(key),
                incoming: incoming.display(key),
                base_version,
            });
            changes.push(settings::Change {
                key,
                value,
                base_version,
            });
        }
        let keys: Vec<SettingKey> = changes.iter().map(|c| c.key).collect();
        Ok((
            ImportPreview {
                changes: shown,
                can_apply: may_edit(actor, &keys),
            },
            changes,
        ))
    }
}

#[server(endpoint = "preview_policy_import", input = server_fn::codec::Json)]
pub async fn preview_policy_import(file: String) -> Result<ImportPreview, AppError> {
    use super::guard;
    let state = guard::state()?;
    let actor = guard::require_with(&state, crate::domain::Permission::ViewSecurity).await?;
    if !actor.plan.includes_mail_security() {
        return Err(AppError::PlanRequired);
    }
    server::preview(&state.db, &actor, &file)
        .await
        .map(|(p, _)| p)
}

/// Applies the file as previewed: the versions the preview showed are the base of the save, so
/// anything changed since the preview conflicts instead of being overwritten.
#[server(endpoint = "apply_policy_import", input = server_fn::codec::Json)]
pub async fn apply_policy_import(
    file: String,
    expected: Vec<ImportChange>,
) -> Result<usize, AppError> {
    use super::guard;
    use crate::backend::settings;
    let state = guard::state()?;
    let channel = guard::channel();
    let client_ip = guard::client_ip();
    let actor = guard::require_with(&state, crate::domain::Permission::EditSecurity).await?;
    if !actor.plan.includes_mail_security() {
        return Err(AppError::PlanRequired);
    }
    let (preview, mut changes) = server::preview(&state.db, &actor, &file).await?;
    if !preview.can_apply {
        return Err(AppError::Forbidden);
    }
    if changes.is_empty() {
        return Err(AppError::validation(
            "file",
            "The file matches the current policy: there is nothing to import.",
        ));
    }
    for change in &mut changes {
        if let Some(seen) = expected.iter().find(|e| e.key == change.key.id()) {
            change.base_version = seen.base_version;
        }
    }
    let who = crate::backend::audit::Who {
        actor,
        client_ip,
        channel,
    };
    let saved = settings::save_as(&state, &who, changes, settings::IMPORT_POLICY).await?;
    Ok(saved.changed.len())
}
