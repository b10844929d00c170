//! The Restricted and Confidential rows of the Security level tab: in use or not, the level's
//! name, "Expires after", "Forwarding Prohibited" and "Delete sent emails after expiration".

use leptos::prelude::*;

use crate::domain::policy::{Policy, SettingKey};
use crate::domain::security_level::{CriticalLevel, ExpiresAfter, LevelKind, LevelName};
use crate::ui::settings::{FieldRow, Form};

fn key_of(kind: LevelKind) -> SettingKey {
    if kind == LevelKind::Restricted {
        SettingKey::RestrictedLevel
    } else {
        SettingKey::ConfidentialLevel
    }
}

fn level_mut(p: &mut Policy, kind: LevelKind) -> &mut CriticalLevel {
    if kind == LevelKind::Restricted {
        &mut p.restricted_level
    } else {
        &mut p.confidential_level
    }
}

fn level(p: &Policy, kind: LevelKind) -> CriticalLevel {
    if kind == LevelKind::Restricted {
        p.restricted_level.clone()
    } else {
        p.confidential_level.clone()
    }
}

#[component]
pub fn LevelRow(form: Form, kind: LevelKind) -> impl IntoView {
    let key = key_of(kind);
    let original = kind.original_name();
    let heading = Signal::derive(move || {
        let name = form.stored().level_name(kind).to_string();
        if name == original {
            name
        } else {
            format!("{name} ({original})")
        }
    });
    let readonly = move || {
        view! {
            <p class="value">
                {move || {
                    let l = level(&form.stored(), kind);
                    if !l.in_use {
                        return "Do not use".to_string();
                    }
                    let mut parts = vec![format!("Use - Expires after: {}", l.expires_after.label())];
                    parts.push(format!("Forwarding Prohibited: {}", if l.forwarding_prohibited { "ON" } else { "OFF" }));
                    parts.push(format!(
                        "Delete sent emails after expiration: {}",
                        if l.delete_sent_after_expiration { "ON" } else { "OFF" }
                    ));
                    parts.join(" · ")
                }}
            </p>
        }
        .into_any()
    };
    view! {
        <FieldRow
            form
            key
            heading
            help="The security level for mail with critical information. You can rename it and choose its expiry and forwarding."
            editor=move || view! { <LevelEditor form kind /> }.into_any()
            readonly
        />
    }
}

#[component]
fn LevelEditor(form: Form, kind: LevelKind) -> impl IntoView {
    let key = key_of(kind);
    let id = key.id();
    let name_field: &'static str = if kind == LevelKind::Restricted {
        "restricted_level.name"
    } else {
        "confidential_level.name"
    };
    let current = move || form.draft.with(|p| level(p, kind));
    let update = move |f: Box<dyn FnOnce(&mut CriticalLevel)>| {
        form.update(key, |p| f(level_mut(p, kind)));
    };
    let name_text = move || form.raw_or(name_field, || current().name.as_str().to_string());
    let no_expiry = move || current().expires_after == ExpiresAfter::None;
    let original = kind.original_name();
    view! {
        <fieldset class="choices">
            <legend class="visually-hidden">{format!("Use {original}")}</legend>
            <label class="choice">
                <input type="radio" name=format!("{id}_in_use") prop:checked=move || current().in_use
                    on:change=move |_| update(Box::new(|l| l.in_use = true)) />
                <span>"Use"</span>
            </label>
            <label class="choice">
                <input type="radio" name=format!("{id}_in_use") prop:checked=move || !current().in_use
                    on:change=move |_| update(Box::new(|l| l.in_use = false)) />
                <span>"Do not use"</span>
            </label>
        </fieldset>
        <div class="field">
            <label for=format!("{id}-name")>{format!("Level name ({original})")}</label>
            <input
                type="text"
                id=format!("{id}-name")
                aria-describedby=format!("{id}-name-count error-{id}")
                aria-invalid=move || form.error(name_field).is_some().to_string()
                prop:value=name_text
                on:input=move |e| form.set_raw(name_field, event_target_value(&e))
            />
            <span class="counter" id=format!("{id}-name-count")>
                {move || format!("{} / {}", name_text().trim().chars().count(), LevelName::MAX_CHARS)}
            </span>
            <p class="help">"The new name is shown in Admin and throughout the services. The audit log shows the original level before it."</p>
        </div>
        <div class="field">
            <label for=format!("{id}-expires")>"Expires after"</label>
            <select
                id=format!("{id}-expires")
                on:change=move |e| {
                    let choice = ExpiresAfter::from_id(&event_target_value(&e)).unwrap_or_default();
                    update(Box::new(move |l| {
                        l.expires_after = choice;
                        if choice == ExpiresAfter::None {
                            l.delete_sent_after_expiration = false;
                        }
                    }))
                }
            >
                {ExpiresAfter::ALL
                    .into_iter()
                    .map(|e| view! {
                        <option value=e.id() selected=move || current().expires_after == e>{e.label()}</option>
                    })
                    .collect_view()}
            </select>
            <p class="help">"The last day the mail can be read. After it, the mail is deleted."</p>
        </div>
        <label class="check">
            <input type="checkbox" prop:checked=move || current().forwarding_prohibited
                on:change=move |e| {
                    let on = event_target_checked(&e);
                    update(Box::new(move |l| l.forwarding_prohibited = on))
                } />
            <span>"Forwarding Prohibited"</span>
        </label>
        <p class="help">"Recipients cannot forward the mail to anyone else."</p>
        <label class="check" class:disabled=no_expiry>
            <input type="checkbox" prop:checked=move || current().delete_sent_after_expiration
                disabled=no_expiry
                aria-describedby=format!("{id}-delete-help")
                on:change=move |e| {
                    let on = event_target_checked(&e);
                    update(Box::new(move |l| l.delete_sent_after_expiration = on))
                } />
            <span>"Delete sent emails after expiration"</span>
        </label>
        <p class="help" id=format!("{id}-delete-help")>
            {move || if no_expiry() {
                "Only meaningful with an expiry: choose 'Expires after' first."
            } else {
                "After the expiry date, the mail is also deleted from the sender's 'Sent' mailbox."
            }}
        </p>
    }
}
