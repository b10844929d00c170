//! Unsaved edits kept in this browser's localStorage (never on the server), so that they survive
//! a reload of the page. One entry per page and admin; cleared on save, cancel and sign-out.
//! The base versions are kept too, so a restored edit still conflicts if someone else changed the
//! setting in the meantime.

use crate::api::settings::SettingsView;
use crate::domain::policy::{Policy, SettingKey};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const PREFIX: &str = "console-draft:";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub email: String,
    pub editing: Vec<SettingKey>,
    pub values: BTreeMap<SettingKey, serde_json::Value>,
    pub raw: BTreeMap<String, String>,
    pub bases: BTreeMap<SettingKey, i64>,
}

impl Draft {
    pub fn of(
        email: &str,
        editing: &[SettingKey],
        draft: &Policy,
        raw: &BTreeMap<String, String>,
        versions: &BTreeMap<SettingKey, i64>,
    ) -> Self {
        Self {
            email: email.to_string(),
            editing: editing.to_vec(),
            values: editing.iter().map(|k| (*k, draft.get_json(*k))).collect(),
            raw: raw.clone(),
            bases: editing
                .iter()
                .map(|k| (*k, versions.get(k).copied().unwrap_or(0)))
                .collect(),
        }
    }
}

#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn key(view: SettingsView) -> String {
    format!("{PREFIX}{view:?}")
}

#[cfg(feature = "hydrate")]
fn storage() -> Option<web_sys::Storage> {
    leptos::prelude::window().local_storage().ok().flatten()
}

pub fn store(view: SettingsView, draft: &Draft) {
    #[cfg(feature = "hydrate")]
    if let (Some(s), Ok(text)) = (storage(), serde_json::to_string(draft)) {
        let _ = s.set_item(&key(view), &text);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (view, draft);
}

/// The kept edits of this page, if they belong to `email` (others' are dropped).
pub fn load(view: SettingsView, email: &str) -> Option<Draft> {
    #[cfg(feature = "hydrate")]
    {
        let s = storage()?;
        let text = s.get_item(&key(view)).ok().flatten()?;
        match serde_json::from_str::<Draft>(&text) {
            Ok(d) if d.email == email => Some(d),
            _ => {
                let _ = s.remove_item(&key(view));
                None
            }
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (view, email);
        None
    }
}

pub fn clear(view: SettingsView) {
    #[cfg(feature = "hydrate")]
    if let Some(s) = storage() {
        let _ = s.remove_item(&key(view));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = view;
}

/// On sign-out: no edits stay behind in the browser.
pub fn clear_all() {
    #[cfg(feature = "hydrate")]
    if let Some(s) = storage() {
        let n = s.length().unwrap_or(0);
        let keys: Vec<String> = (0..n)
            .filter_map(|i| s.key(i).ok().flatten())
            .filter(|k| k.starts_with(PREFIX))
            .collect();
        for k in keys {
            let _ = s.remove_item(&k);
        }
    }
}
