//! The state of one settings page: what is stored, the draft being edited, which fields are in
//! edit state, typed-but-unparsed inputs, errors by field, and the save status.

use super::confirm::Confirm;
use super::drafts;
use crate::api::settings::{ChangeDto, SettingsPage, SettingsView, save_view};
use crate::domain::network::AllowedNetworks;
use crate::domain::policy::{Policy, SettingKey};
use crate::domain::security_level::LevelKind;
use crate::error::{AppError, ConflictField};
use leptos::prelude::*;
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq)]
pub enum SaveStatus {
    Idle,
    Saving,
    Saved,
    /// Save was pressed with every edited value as it is stored: nothing was sent.
    Unchanged,
    Failed(String),
}

#[derive(Clone, Copy)]
pub struct Form {
    pub view: SettingsView,
    pub saved: RwSignal<Option<SettingsPage>>,
    pub draft: RwSignal<Policy>,
    pub editing: RwSignal<Vec<SettingKey>>,
    /// Text typed into inputs that parse only on Save (numbers, names, address lists).
    pub raw: RwSignal<BTreeMap<String, String>>,
    pub errors: RwSignal<BTreeMap<String, String>>,
    pub status: RwSignal<SaveStatus>,
    pub confirm: RwSignal<Option<Confirm>>,
    /// Settings another admin changed since this admin started editing them.
    pub conflicts: RwSignal<Vec<ConflictField>>,
    /// A save waiting for the admin to sign in again.
    pub reauth: RwSignal<Option<Vec<ChangeDto>>>,
}

/// Parses typed text into the draft; the error belongs to `field`.
fn apply_raw(policy: &mut Policy, field: &str, text: &str) -> Result<(), String> {
    match field {
        "restricted_level.name" => policy.rename_level(LevelKind::Restricted, text),
        "confidential_level.name" => policy.rename_level(LevelKind::Confidential, text),
        "allowed_networks" => {
            let list = AllowedNetworks::parse_lines(text)?;
            policy.set_json(
                SettingKey::AllowedNetworks,
                serde_json::to_value(list).unwrap_or_default(),
            )
        }
        other => match SettingKey::from_id(other) {
            Some(key) => policy.set_json(key, serde_json::Value::String(text.to_string())),
            None => Ok(()),
        },
    }
}

impl Form {
    pub fn new(view: SettingsView) -> Self {
        Self {
            view,
            saved: RwSignal::new(None),
            draft: RwSignal::new(Policy::default()),
            editing: RwSignal::new(Vec::new()),
            raw: RwSignal::new(BTreeMap::new()),
            errors: RwSignal::new(BTreeMap::new()),
            status: RwSignal::new(SaveStatus::Idle),
            confirm: RwSignal::new(None),
            conflicts: RwSignal::new(Vec::new()),
            reauth: RwSignal::new(None),
        }
    }

    /// Shows freshly loaded or saved settings; every field returns to read-only.
    pub fn load(&self, page: SettingsPage) {
        self.draft.set(page.policy.clone());
        self.saved.set(Some(page));
        self.editing.set(Vec::new());
        self.raw.set(BTreeMap::new());
        self.errors.set(BTreeMap::new());
        self.conflicts.set(Vec::new());
    }

    /// Brings back edits kept in this browser: the fields, their values and typed text, and the
    /// versions they were based on (so a change by someone else since then still conflicts).
    pub fn restore(&self, d: drafts::Draft) {
        self.saved.update(|page| {
            if let Some(page) = page {
                for (k, v) in &d.bases {
                    page.versions.insert(*k, *v);
                }
            }
        });
        self.draft.update(|p| {
            for (k, v) in &d.values {
                let _ = p.set_json(*k, v.clone());
            }
        });
        self.raw.set(d.raw);
        self.editing.set(d.editing);
        self.status.set(SaveStatus::Failed(
            "Your unsaved changes from before were restored. Save or cancel them.".into(),
        ));
    }

    /// Settles one conflict: the stored value and version become the current ones; the draft
    /// keeps the admin's value ("keep mine") or takes the current one.
    pub fn resolve(&self, key: &str, keep_mine: bool) {
        let Some(conflict) = self
            .conflicts
            .with_untracked(|c| c.iter().find(|c| c.key == key).cloned())
        else {
            return;
        };
        let Some(setting) = SettingKey::from_id(key) else {
            return;
        };
        self.saved.update(|page| {
            if let Some(page) = page {
                let _ = page
                    .policy
                    .set_json(setting, conflict.current_value.clone());
                page.versions.insert(setting, conflict.current_version);
            }
        });
        if !keep_mine {
            self.draft.update(|d| {
                let _ = d.set_json(setting, conflict.current_value.clone());
            });
            self.raw
                .update(|r| r.retain(|field, _| field.split('.').next() != Some(key)));
            self.clear_errors(key);
        }
        self.conflicts.update(|c| c.retain(|c| c.key != key));
        if self.conflicts.with_untracked(|c| c.is_empty()) {
            self.status.set(SaveStatus::Idle);
        }
    }

    pub fn can_edit(&self) -> bool {
        self.saved.with(|s| s.as_ref().is_some_and(|p| p.can_edit))
    }

    pub fn stored(&self) -> Policy {
        self.saved
            .with(|s| s.as_ref().map(|p| p.policy.clone()))
            .unwrap_or_default()
    }

    pub fn is_editing(&self, key: SettingKey) -> bool {
        self.editing.with(|e| e.contains(&key))
    }

    pub fn edit(&self, key: SettingKey) {
        if !self.is_editing(key) {
            self.editing.update(|e| e.push(key));
        }
        self.status.set(SaveStatus::Idle);
    }

    pub fn dirty(&self) -> bool {
        self.editing.with(|e| !e.is_empty())
    }

    pub fn cancel(&self) {
        drafts::clear(self.view);
        if let Some(page) = self.saved.get_untracked() {
            self.load(page);
        }
        self.status.set(SaveStatus::Idle);
    }

    /// Changes the draft and clears the errors of the fields it touches.
    pub fn update(&self, key: SettingKey, f: impl FnOnce(&mut Policy)) {
        self.draft.update(f);
        self.clear_errors(key.id());
    }

    pub fn set_raw(&self, field: &str, text: String) {
        self.raw.update(|r| {
            r.insert(field.to_string(), text);
        });
        self.clear_errors(field);
    }

    /// The typed text of `field`, or `shown` if nothing was typed yet.
    pub fn raw_or(&self, field: &str, shown: impl FnOnce() -> String) -> String {
        self.raw
            .with(|r| r.get(field).cloned())
            .unwrap_or_else(shown)
    }

    fn clear_errors(&self, field: &str) {
        let base = field.split('.').next().unwrap_or(field).to_string();
        self.errors.update(|e| {
            e.retain(|k, _| k.split('.').next() != Some(base.as_str()));
        });
    }

    pub fn error(&self, field: &str) -> Option<String> {
        self.errors.with(|e| e.get(field).cloned())
    }

    /// The first error of a field or any of its parts ("restricted_level.name").
    pub fn error_for_key(&self, key: SettingKey) -> Option<String> {
        self.errors.with(|e| {
            e.iter()
                .find(|(k, _)| k.split('.').next() == Some(key.id()))
                .map(|(_, v)| v.clone())
        })
    }

    /// Edited settings whose value differs from the stored one.
    fn changes(&self, draft: &Policy) -> Vec<ChangeDto> {
        let Some(saved) = self.saved.get_untracked() else {
            return Vec::new();
        };
        self.editing
            .get_untracked()
            .into_iter()
            .filter(|k| draft.get_json(*k) != saved.policy.get_json(*k))
            .map(|k| ChangeDto {
                key: k.id().to_string(),
                value: draft.get_json(k),
                base_version: saved.versions.get(&k).copied().unwrap_or(0),
            })
            .collect()
    }

    /// Checks everything edited with the same rules as the server, then saves in one request.
    pub fn save(&self) {
        let mut draft = self.draft.get_untracked();
        let mut errors = BTreeMap::new();
        for (field, text) in self.raw.get_untracked() {
            if let Err(message) = apply_raw(&mut draft, &field, &text) {
                errors.insert(field, message);
            }
        }
        let edited = self.editing.get_untracked();
        if errors.is_empty() {
            for e in draft.validate(&edited) {
                errors.entry(e.field).or_insert(e.message);
            }
        }
        if !errors.is_empty() {
            self.errors.set(errors);
            self.status.set(SaveStatus::Failed(
                "Nothing was saved. Correct the fields marked below.".into(),
            ));
            return;
        }
        let changes = self.changes(&draft);
        if changes.is_empty() {
            self.cancel();
            self.status.set(SaveStatus::Unchanged);
            return;
        }
        self.send(changes);
    }

    /// Sends a save; also used to retry it after signing in again.
    pub fn send(&self, changes: Vec<ChangeDto>) {
        self.status.set(SaveStatus::Saving);
        let form = *self;
        leptos::task::spawn_local(async move {
            let result = save_view(form.view, changes.clone()).await;
            form.finish(result, changes);
        });
    }

    fn finish(&self, result: Result<SettingsPage, AppError>, changes: Vec<ChangeDto>) {
        match result {
            Ok(page) => {
                drafts::clear(self.view);
                self.load(page);
                self.status.set(SaveStatus::Saved);
            }
            Err(AppError::Validation { field, message }) => {
                self.errors.update(|e| {
                    e.insert(field, message);
                });
                self.status.set(SaveStatus::Failed(
                    "Nothing was saved. Correct the fields marked below.".into(),
                ));
            }
            Err(AppError::Conflict { current }) => {
                self.conflicts.set(current);
                self.status.set(SaveStatus::Failed(
                    "Nothing was saved: another administrator changed some of these settings while you were editing. Choose which value to keep for each, then save again.".into(),
                ));
            }
            // The session ended: sign in again right here, then the same save is retried.
            Err(AppError::Unauthenticated) => {
                self.status.set(SaveStatus::Failed(
                    "Your session has ended. Sign in again to save your changes; they are kept."
                        .into(),
                ));
                self.reauth.set(Some(changes));
            }
            Err(e) => self
                .status
                .set(SaveStatus::Failed(format!("Nothing was saved. {e}"))),
        }
    }
}
