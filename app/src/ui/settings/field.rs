//! One setting on a page: its label, its value read-only with an "Edit <label>" button, or its
//! editor; its error right below. And the widgets pages declare their fields with.

use super::form::Form;
use crate::domain::policy::{Policy, SettingKey};
use leptos::prelude::*;
use serde_json::Value;

/// One option of a choice: the stored value ("allow", "true", ...) and the label shown.
#[derive(Clone, Copy, Debug)]
pub struct Opt {
    pub value: &'static str,
    pub label: &'static str,
}

fn opt_json(value: &str) -> Value {
    match value {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        other => Value::String(other.to_string()),
    }
}

#[component]
pub fn FieldRow(
    form: Form,
    key: SettingKey,
    /// The editor, shown in edit state.
    #[prop(into)]
    editor: ViewFn,
    /// A custom read-only view; by default the value's display text.
    #[prop(optional, into)]
    readonly: Option<ViewFn>,
    /// The heading, if not the setting's own label (a renamed level shows its new name).
    #[prop(optional, into)]
    heading: Option<Signal<String>>,
    #[prop(optional)] help: Option<&'static str>,
    /// Why the field cannot be edited right now (shown instead of the Edit button).
    #[prop(optional, into)]
    locked: Option<Signal<Option<String>>>,
    /// Notes below the value, in both states.
    #[prop(optional)]
    children: Option<ChildrenFn>,
) -> impl IntoView {
    let id = key.id();
    let label = key.label();
    let heading = move || {
        heading
            .map(|h| h.get())
            .unwrap_or_else(|| label.to_string())
    };
    let editing = move || form.is_editing(key);
    let locked_reason = move || locked.and_then(|l| l.get());
    let can_press_edit = move || form.can_edit() && !editing() && locked_reason().is_none();
    let readonly = StoredValue::new(readonly);
    let children = StoredValue::new(children);
    view! {
        <section class="setting" class:editing=editing id=format!("field-{id}") aria-labelledby=format!("label-{id}")>
            <div class="setting-head">
                <h3 id=format!("label-{id}")>{heading}</h3>
                <Show when=can_press_edit>
                    <button
                        type="button"
                        class="edit"
                        aria-label=format!("Edit {label}")
                        on:click=move |_| form.edit(key)
                    >
                        "Edit"
                    </button>
                </Show>
            </div>
            {help.map(|h| view! { <p class="help">{h}</p> })}
            <div class="setting-body">
                {move || {
                    if editing() {
                        editor.run()
                    } else {
                        match readonly.get_value() {
                            Some(v) => v.run(),
                            None => {
                                view! {
                                    <p class="value">{move || form.stored().display(key)}</p>
                                }
                                    .into_any()
                            }
                        }
                    }
                }}
            </div>
            {move || {
                locked_reason()
                    .filter(|_| form.can_edit())
                    .map(|r| view! { <p class="locked-note">{r}</p> })
            }}
            {move || children.with_value(|c| c.as_ref().map(|c| c()))}
            <p class="field-error" id=format!("error-{id}") role="alert">
                {move || form.error_for_key(key)}
            </p>
        </section>
    }
    .into_any()
}

/// Radio buttons for a setting with a few choices. `on_pick`, if given, decides what a pick does
/// (e.g. ask first); otherwise the pick goes into the draft.
pub fn choice_editor(
    form: Form,
    key: SettingKey,
    options: &'static [Opt],
    disabled: Option<fn(&Policy, &str) -> bool>,
    on_pick: Option<Callback<&'static str>>,
) -> impl IntoView {
    let name = key.id();
    let current = move || form.draft.with(|p| p.get_json(key));
    view! {
        <fieldset class="choices">
            <legend class="visually-hidden">{key.label()}</legend>
            {options
                .iter()
                .map(|opt| {
                    let value = opt.value;
                    let is_disabled = move || {
                        disabled.is_some_and(|d| form.draft.with(|p| d(p, value)))
                    };
                    view! {
                        <label class="choice" class:disabled=is_disabled>
                            <input
                                type="radio"
                                name=name
                                value=value
                                prop:checked=move || current() == opt_json(value)
                                disabled=is_disabled
                                aria-describedby=format!("error-{name}")
                                on:change=move |_| match on_pick {
                                    Some(cb) => {
                                        // Keep showing the draft's value until the pick is applied.
                                        form.draft.update(|_| {});
                                        cb.run(value);
                                    }
                                    None => {
                                        form.update(key, |p| {
                                            let _ = p.set_json(key, opt_json(value));
                                        })
                                    }
                                }
                            />
                            <span>{opt.label}</span>
                        </label>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}

/// A whole-number input (parsed on Save, so whatever is typed stays until then).
pub fn number_editor(
    form: Form,
    key: SettingKey,
    unit: &'static str,
    min: u32,
    max: u32,
) -> impl IntoView {
    let id = key.id();
    let shown = move || form.raw_or(id, || form.draft.with(|p| p.get_json(key).to_string()));
    view! {
        <div class="number-input">
            <input
                type="number"
                inputmode="numeric"
                min=min
                max=max
                step="1"
                id=format!("input-{id}")
                aria-labelledby=format!("label-{id}")
                aria-describedby=format!("error-{id} hint-{id}")
                aria-invalid=move || form.error(id).is_some().to_string()
                prop:value=shown
                on:input=move |e| form.set_raw(id, event_target_value(&e))
            />
            <span class="unit">{unit}</span>
            <span class="hint" id=format!("hint-{id}")>{format!("{min} to {max}")}</span>
        </div>
    }
}
