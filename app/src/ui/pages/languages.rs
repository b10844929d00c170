//! Company > Set Multi-language: the languages the company offers members.

use leptos::prelude::*;

use super::PageGuard;
use crate::api::settings::SettingsView;
use crate::domain::Page;
use crate::domain::languages::Language;
use crate::domain::policy::SettingKey;
use crate::ui::settings::{FieldRow, Form, SettingsFrame};

#[component]
pub fn LanguagesPage() -> impl IntoView {
    view! {
        <PageGuard page=Page::Languages>
            <LanguagesForm />
        </PageGuard>
    }
}

#[component]
fn LanguagesForm() -> impl IntoView {
    let form = Form::new(SettingsView::Languages);
    view! {
        <SettingsFrame form title="Set Multi-language">
            <FieldRow
                form
                key=SettingKey::Languages
                help="Each language gets its own tab in the warning text settings of Mail Security. Removing a language keeps its warning texts; adding it back shows them again."
                editor=move || view! {
                    <fieldset class="choices">
                        <legend class="visually-hidden">"Languages"</legend>
                        {Language::ALL.into_iter().map(|l| view! {
                            <label class="check">
                                <input
                                    type="checkbox"
                                    value=l.code()
                                    prop:checked=move || form.draft.with(|p| p.languages.contains(l))
                                    on:change=move |_| {
                                        let next = form.draft.with_untracked(|p| p.languages.toggled(l));
                                        if next.is_empty() {
                                            form.draft.update(|_| {});
                                            form.errors.update(|e| {
                                                e.insert("languages".into(), "Keep at least one language.".into());
                                            });
                                        } else {
                                            form.update(SettingKey::Languages, move |p| p.languages = next);
                                        }
                                    }
                                />
                                <span>{l.label()}</span>
                            </label>
                        }).collect_view()}
                    </fieldset>
                }.into_any()
            />
        </SettingsFrame>
    }
}
