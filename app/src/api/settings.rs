//! The settings pages' server functions: Security > Mail Security (both tabs), Security >
//! Network Security, Service > Mail > General and Company > Set Multi-language. Each loads what
//! its page shows and saves what its page edits, after checking the caller's permission and the
//! company's plan on the server.

use crate::domain::policy::{Policy, SettingKey};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a settings page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SettingsPage {
    /// The page's settings (others are at their defaults and not shown).
    pub policy: Policy,
    pub versions: BTreeMap<SettingKey, i64>,
    /// Members who have import settings (deleted when import becomes "Do not allow").
    pub import_member_count: u64,
    pub can_edit: bool,
    /// Whether the company's plan includes Mail Security.
    pub mail_security_plan: bool,
}

/// One edited setting as the browser sends it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChangeDto {
    pub key: String,
    pub value: serde_json::Value,
    pub base_version: i64,
}

/// The pages that edit settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SettingsView {
    MailSecurity,
    NetworkSecurity,
    MailGeneral,
    Languages,
}

impl SettingsView {
    /// Settings the page edits.
    pub fn editable(self, mail_security_plan: bool) -> Vec<SettingKey> {
        use crate::domain::policy::Area;
        match self {
            SettingsView::MailSecurity => SettingKey::in_area(Area::MailSecurity)
                .chain(SettingKey::in_area(Area::SecurityLevel))
                .collect(),
            SettingsView::NetworkSecurity => {
                let mut keys: Vec<_> = SettingKey::in_area(Area::NetworkSecurity).collect();
                // Designated IPs only turns import off in the same save.
                if mail_security_plan {
                    keys.push(SettingKey::ImportExternalEmail);
                }
                keys
            }
            SettingsView::MailGeneral => SettingKey::in_area(Area::MailGeneral).collect(),
            SettingsView::Languages => SettingKey::in_area(Area::Languages).collect(),
        }
    }

    /// Settings the page shows: what it edits and what its rules depend on.
    pub fn visible(self, mail_security_plan: bool) -> Vec<SettingKey> {
        let mut keys = self.editable(mail_security_plan);
        match self {
            SettingsView::MailSecurity => {
                keys.push(SettingKey::NetworkAccess);
                keys.push(SettingKey::Languages);
            }
            SettingsView::MailGeneral if mail_security_plan => {
                keys.push(SettingKey::DownloadTimeLimitFiles);
            }
            _ => {}
        }
        keys
    }

    pub const ALL: [SettingsView; 4] = [
        SettingsView::MailSecurity,
        SettingsView::NetworkSecurity,
        SettingsView::MailGeneral,
        SettingsView::Languages,
    ];

    /// The settings page at `path`, if it is one.
    pub fn for_path(path: &str) -> Option<SettingsView> {
        Self::ALL
            .into_iter()
            .find(|view| view.page().entry().path == path)
    }

    pub fn page(self) -> crate::domain::Page {
        use crate::domain::Page;
        match self {
            SettingsView::MailSecurity => Page::MailSecurity,
            SettingsView::NetworkSecurity => Page::NetworkSecurity,
            SettingsView::MailGeneral => Page::MailGeneral,
            SettingsView::Languages => Page::Languages,
        }
    }
}

#[cfg(feature = "ssr")]
mod server {
    use super::*;
    use crate::api::guard;
    use crate::backend::audit::Who;
    use crate::backend::auth::Actor;
    use crate::backend::settings::{self, Change, Snapshot};
    use crate::domain::policy::Allowance;

    fn project(snapshot: &Snapshot, keys: &[SettingKey]) -> (Policy, BTreeMap<SettingKey, i64>) {
        let mut policy = Policy::default();
        let mut versions = BTreeMap::new();
        for key in keys {
            let _ = policy.set_json(*key, snapshot.policy.get_json(*key));
            versions.insert(*key, snapshot.versions.get(key).copied().unwrap_or(0));
        }
        (policy, versions)
    }

    fn check_plan(view: SettingsView, actor: &Actor) -> Result<bool, AppError> {
        let plan = actor.plan.includes_mail_security();
        if view == SettingsView::MailSecurity && !plan {
            return Err(AppError::PlanRequired);
        }
        Ok(plan)
    }

    /// The page as of `snapshot`, with `import_members` members holding import settings.
    fn page_for(
        view: SettingsView,
        actor: &Actor,
        snapshot: &Snapshot,
        import_members: u64,
    ) -> SettingsPage {
        let plan = actor.plan.includes_mail_security();
        let (policy, versions) = project(snapshot, &view.visible(plan));
        let import_member_count = if plan && view != SettingsView::Languages {
            import_members
        } else {
            0
        };
        SettingsPage {
            policy,
            versions,
            import_member_count,
            can_edit: actor.role.grants(view.page().entry().edit),
            mail_security_plan: plan,
        }
    }

    pub async fn load(view: SettingsView) -> Result<SettingsPage, AppError> {
        let state = guard::state()?;
        let actor = guard::require_with(&state, view.page().entry().view).await?;
        check_plan(view, &actor)?;
        // The settings at the revision read with the admin, from memory while it is current.
        let entry = state
            .policies
            .get(&state.db, actor.company_id, actor.settings_revision)
            .await?;
        // The count of members with import settings came with the admin (one query fewer).
        Ok(page_for(
            view,
            &actor,
            &entry.snapshot,
            actor.import_members,
        ))
    }

    /// The page for a server-side render, when all it needs is at hand without waiting: the
    /// admin resolved by the page guard, allowed to view it, and the company's settings in memory
    /// at the admin's revision (the page guard loads them for a settings page). `None` otherwise.
    pub fn resolved_for_render(view: SettingsView) -> Option<Result<SettingsPage, AppError>> {
        let state = use_context::<crate::backend::AppState>()?;
        let actor = guard::memo()?.resolved()??;
        // Refusals take the server function's way, which writes them to the audit log.
        if actor.two_step_missing || !actor.role.grants(view.page().entry().view) {
            return None;
        }
        if let Err(e) = check_plan(view, &actor) {
            return Some(Err(e));
        }
        let entry = state
            .policies
            .lookup(actor.company_id, actor.settings_revision)?;
        Some(Ok(page_for(
            view,
            &actor,
            &entry.snapshot,
            actor.import_members,
        )))
    }

    pub async fn save(
        view: SettingsView,
        changes: Vec<ChangeDto>,
    ) -> Result<SettingsPage, AppError> {
        let state = guard::state()?;
        let channel = guard::channel();
        let client_ip = guard::client_ip();
        let actor = guard::require_with(&state, view.page().entry().edit).await?;
        let plan = check_plan(view, &actor)?;
        let editable = view.editable(plan);
        let mut parsed = Vec::with_capacity(changes.len());
        for c in changes {
            let key = SettingKey::from_id(&c.key)
                .filter(|k| editable.contains(k))
                .ok_or_else(|| {
                    AppError::validation(
                        "request",
                        format!("'{}' cannot be changed on this page.", c.key),
                    )
                })?;
            if parsed.iter().any(|p: &Change| p.key == key) {
                return Err(AppError::validation(
                    key.id(),
                    "This setting was sent twice.",
                ));
            }
            // From Network Security, import can only be turned off (as designated IPs require).
            if view == SettingsView::NetworkSecurity
                && key == SettingKey::ImportExternalEmail
                && serde_json::from_value::<Allowance>(c.value.clone()).ok()
                    != Some(Allowance::DoNotAllow)
            {
                return Err(AppError::validation(
                    key.id(),
                    "Import external email can be allowed only on the Mail Security page.",
                ));
            }
            parsed.push(Change {
                key,
                value: c.value,
                base_version: c.base_version,
            });
        }
        if parsed.is_empty() {
            return Err(AppError::validation(
                "request",
                "There are no changes to save.",
            ));
        }
        let who = Who {
            client_ip,
            channel,
            actor,
        };
        let saved = settings::save(&state, &who, parsed).await?;
        // A save that turned import off deleted every member's import settings.
        let import_members = if saved.deleted_import_settings > 0 {
            0
        } else {
            who.actor.import_members
        };
        Ok(page_for(view, &who.actor, &saved.snapshot, import_members))
    }
}

#[server(endpoint = "load_mail_security")]
pub async fn load_mail_security() -> Result<SettingsPage, AppError> {
    server::load(SettingsView::MailSecurity).await
}

#[server(endpoint = "save_mail_security", input = server_fn::codec::Json)]
pub async fn save_mail_security(changes: Vec<ChangeDto>) -> Result<SettingsPage, AppError> {
    server::save(SettingsView::MailSecurity, changes).await
}

#[server(endpoint = "load_network_security")]
pub async fn load_network_security() -> Result<SettingsPage, AppError> {
    server::load(SettingsView::NetworkSecurity).await
}

#[server(endpoint = "save_network_security", input = server_fn::codec::Json)]
pub async fn save_network_security(changes: Vec<ChangeDto>) -> Result<SettingsPage, AppError> {
    server::save(SettingsView::NetworkSecurity, changes).await
}

#[server(endpoint = "load_mail_general")]
pub async fn load_mail_general() -> Result<SettingsPage, AppError> {
    server::load(SettingsView::MailGeneral).await
}

#[server(endpoint = "save_mail_general", input = server_fn::codec::Json)]
pub async fn save_mail_general(changes: Vec<ChangeDto>) -> Result<SettingsPage, AppError> {
    server::save(SettingsView::MailGeneral, changes).await
}

#[server(endpoint = "load_languages")]
pub async fn load_languages() -> Result<SettingsPage, AppError> {
    server::load(SettingsView::Languages).await
}

#[server(endpoint = "save_languages", input = server_fn::codec::Json)]
pub async fn save_languages(changes: Vec<ChangeDto>) -> Result<SettingsPage, AppError> {
    server::save(SettingsView::Languages, changes).await
}

/// Loads the page `view` from the browser (used by the shared settings page component when the
/// server-side render did not have the page at hand).
pub async fn load_view(view: SettingsView) -> Result<SettingsPage, AppError> {
    match view {
        SettingsView::MailSecurity => load_mail_security().await,
        SettingsView::NetworkSecurity => load_network_security().await,
        SettingsView::MailGeneral => load_mail_general().await,
        SettingsView::Languages => load_languages().await,
    }
}

/// The page `view` as a server-side render finds it ready (see `server::resolved_for_render`);
/// `None` in the browser, and when the settings are not at hand (the page then loads in the browser).
pub fn page_resolved_for_render(view: SettingsView) -> Option<Result<SettingsPage, AppError>> {
    #[cfg(feature = "ssr")]
    {
        server::resolved_for_render(view)
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = view;
        None
    }
}

/// Saves the page `view`.
pub async fn save_view(
    view: SettingsView,
    changes: Vec<ChangeDto>,
) -> Result<SettingsPage, AppError> {
    match view {
        SettingsView::MailSecurity => save_mail_security(changes).await,
        SettingsView::NetworkSecurity => save_network_security(changes).await,
        SettingsView::MailGeneral => save_mail_general(changes).await,
        SettingsView::Languages => save_languages(changes).await,
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn each_settings_page_is_found_by_its_path_and_nothing_else_is() {
        for view in SettingsView::ALL {
            assert_eq!(SettingsView::for_path(view.page().entry().path), Some(view));
        }
        assert_eq!(
            SettingsView::for_path("/security/mail"),
            Some(SettingsView::MailSecurity)
        );
        for other in ["/", "/login", "/security/api-tokens", "/security/mail/", ""] {
            assert_eq!(SettingsView::for_path(other), None, "{other}");
        }
    }
}
