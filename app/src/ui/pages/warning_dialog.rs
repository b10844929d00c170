//! "PC warning text settings" / "Mobile warning text settings": a dialog with a "Default" tab and
//! one tab per company language. Its Save puts the texts into the page's edits; the page's Save
//! stores them. The dialog's code is fetched when it is first opened (`on_demand`).

use leptos::prelude::*;
use std::collections::BTreeMap;

use crate::domain::policy::SettingKey;
use crate::domain::warning_text::{BUILT_IN_WARNING, Device, TextTab, WarningText, WarningTexts};
use crate::ui::on_demand::{on_demand, on_demand_code};
use crate::ui::settings::Form;

fn key_for(device: Device) -> SettingKey {
    match device {
        Device::Pc => SettingKey::WarningTextsPc,
        Device::Mobile => SettingKey::WarningTextsMobile,
    }
}

/// The dialog, drawn once `device` names one for the first time.
#[component]
pub fn WarningTextDialogOnDemand(form: Form, device: RwSignal<Option<Device>>) -> impl IntoView {
    let opened = Signal::derive(move || device.with(Option::is_some));
    on_demand(opened, (form, device), warning_dialog_code, None)
}

on_demand_code!(warning_dialog_code, (Form, RwSignal<Option<Device>>), |(
    form,
    device,
)| {
    view! { <WarningTextDialog form device /> }.into_any()
});

#[component]
fn WarningTextDialog(form: Form, device: RwSignal<Option<Device>>) -> impl IntoView {
    let texts = RwSignal::new(BTreeMap::<TextTab, String>::new());
    let errors = RwSignal::new(BTreeMap::<TextTab, String>::new());
    let active = RwSignal::new(TextTab::Default);
    let applied = RwSignal::new(false);

    // Opening fills the dialog from the page's draft.
    Effect::new(move || {
        if let Some(d) = device.get() {
            let current = form.draft.with_untracked(|p| {
                if d == Device::Pc {
                    p.warning_texts_pc.clone()
                } else {
                    p.warning_texts_mobile.clone()
                }
            });
            texts.set(
                current
                    .0
                    .into_iter()
                    .map(|(t, w)| (t, w.as_str().to_string()))
                    .collect(),
            );
            errors.set(BTreeMap::new());
            active.set(TextTab::Default);
            applied.set(false);
        }
    });

    let tabs = move || {
        let mut tabs = vec![TextTab::Default];
        tabs.extend(form.draft.with(|p| {
            p.languages
                .iter()
                .map(TextTab::Language)
                .collect::<Vec<_>>()
        }));
        tabs
    };
    let close = move || device.set(None);
    let save = move || {
        let Some(d) = device.get_untracked() else {
            return;
        };
        let mut parsed = form.draft.with_untracked(|p| {
            if d == Device::Pc {
                p.warning_texts_pc.clone()
            } else {
                p.warning_texts_mobile.clone()
            }
        });
        let mut problems = BTreeMap::new();
        for (tab, text) in texts.get_untracked() {
            match WarningText::parse(&text) {
                Ok(t) => parsed.set(tab, t),
                Err(e) => {
                    problems.insert(tab, e);
                }
            }
        }
        if let Some(first) = problems.keys().next() {
            active.set(*first);
            errors.set(problems);
            return;
        }
        let key = key_for(d);
        form.edit(key);
        form.update(key, move |p| {
            let target: &mut WarningTexts = if d == Device::Pc {
                &mut p.warning_texts_pc
            } else {
                &mut p.warning_texts_mobile
            };
            *target = parsed;
        });
        applied.set(true);
    };

    view! {
        <Show when=move || device.get().is_some()>
            <div class="modal-backdrop">
                <div
                    class="modal wide"
                    role="dialog"
                    aria-modal="true"
                    aria-labelledby="warning-dialog-title"
                    on:keydown=move |e| if e.key() == "Escape" { close() }
                >
                    <div class="modal-head">
                        <h2 id="warning-dialog-title">
                            {move || format!("{} warning text settings", device.get().map(|d| d.label()).unwrap_or(""))}
                        </h2>
                        <button type="button" class="close" aria-label="Close" on:click=move |_| close()>"×"</button>
                    </div>
                    <p class="help">
                        "The 'Default' tab is shown to members whose language is not among the company's languages, or whose language tab is empty. With nothing written, the built-in English message is shown."
                    </p>
                    <div class="tabs" role="tablist" aria-label="Warning text languages">
                        {move || tabs().into_iter().map(|t| view! {
                            <button
                                type="button"
                                role="tab"
                                id=format!("text-tab-{}", t.id())
                                aria-controls="text-panel"
                                aria-selected=move || (active.get() == t).to_string()
                                class:has-error=move || errors.with(|e| e.contains_key(&t))
                                on:click=move |_| active.set(t)
                            >
                                {t.label()}
                            </button>
                        }).collect_view()}
                    </div>
                    <div role="tabpanel" id="text-panel" aria-labelledby=move || format!("text-tab-{}", active.get().id())>
                        {move || {
                            let t = active.get();
                            let value = move || texts.with(|m| m.get(&t).cloned().unwrap_or_default());
                            let count = move || value().chars().count();
                            view! {
                                <label for="warning-text-input">{format!("Warning text ({})", t.label())}</label>
                                <textarea
                                    id="warning-text-input"
                                    rows="6"
                                    placeholder=BUILT_IN_WARNING
                                    aria-describedby="warning-text-count warning-text-error"
                                    aria-invalid=move || errors.with(|e| e.contains_key(&t)).to_string()
                                    prop:value=value
                                    on:input=move |e| {
                                        let text = event_target_value(&e);
                                        texts.update(|m| { m.insert(t, text); });
                                        errors.update(|e| { e.remove(&t); });
                                        applied.set(false);
                                    }
                                ></textarea>
                                <p class="counter" id="warning-text-count" class:over=move || { count() > WarningText::MAX_CHARS }>
                                    {move || format!("{} / {}", count(), WarningText::MAX_CHARS)}
                                </p>
                                <p class="field-error" id="warning-text-error" role="alert">
                                    {move || errors.with(|e| e.get(&t).cloned())}
                                </p>
                            }
                        }}
                    </div>
                    <div class="modal-actions">
                        <Show when=move || applied.get()>
                            <p class="status saved" role="status">"Added to your edits. Press Save at the top of the page to store them."</p>
                        </Show>
                        <button type="button" class="primary" on:click=move |_| save()>"Save"</button>
                    </div>
                </div>
            </div>
        </Show>
    }
}
