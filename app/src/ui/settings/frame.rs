//! A settings page's frame: loads the page, shows the plan explanation where the plan lacks it,
//! the Save/Cancel bar while anything is edited, the save status and the confirmation dialog.

use super::confirm::ConfirmDialog;
use super::drafts;
use super::form::{Form, SaveStatus};
use super::reauth::ReauthDialogOnDemand;
use crate::api::settings::{SettingsPage, load_view, page_resolved_for_render};
use crate::error::AppError;
use crate::ui::layout::SignedInAdmin;
use crate::ui::on_demand::{on_demand, on_demand_code};
use crate::ui::page_data::{loading, page_data};
use crate::ui::time::LocalTime;
use crate::ui::unsaved::UnsavedEdits;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SettingsFrame(form: Form, title: &'static str, children: ChildrenFn) -> impl IntoView {
    let view_kind = form.view;
    let me = SignedInAdmin::current();

    if let Some(UnsavedEdits(dirty)) = use_context::<UnsavedEdits>() {
        Effect::new(move || dirty.set(form.dirty()));
        on_cleanup(move || dirty.set(false));
    }
    let plan = me.as_ref().map(|m| m.plan.label()).unwrap_or("current");
    let email = me.map(|m| m.email).unwrap_or_default();

    // Edits kept in this browser come back once the page is live (the server never sees them).
    let restored = StoredValue::new(false);
    let owner = email.clone();
    Effect::new(move || {
        let loaded = form.saved.with(|s| s.is_some());
        if !loaded || restored.get_value() {
            return;
        }
        restored.set_value(true);
        if let Some(d) = drafts::load(view_kind, &owner) {
            form.restore(d);
        }
    });
    let owner = email.clone();
    Effect::new(move || {
        let editing = form.editing.get();
        let raw = form.raw.get();
        form.draft.with(|draft| {
            if editing.is_empty() || !restored.get_value() {
                return;
            }
            let versions = form
                .saved
                .with_untracked(|s| s.as_ref().map(|p| p.versions.clone()).unwrap_or_default());
            drafts::store(
                view_kind,
                &drafts::Draft::of(&owner, &editing, draft, &raw, &versions),
            );
        });
    });
    let children = StoredValue::new(children);
    let has_conflicts = Signal::derive(move || form.conflicts.with(|c| !c.is_empty()));

    let actions = move || {
        form.dirty().then(|| {
            let saving = move || form.status.get() == SaveStatus::Saving;
            view! {
                <div class="page-actions">
                    <button type="button" on:click=move |_| form.cancel() disabled=saving>
                        "Cancel"
                    </button>
                    <button type="button" class="primary" on:click=move |_| form.save() disabled=saving>
                        {move || if saving() { "Saving…" } else { "Save" }}
                    </button>
                </div>
            }
        })
    };
    let status = move || match form.status.get() {
        SaveStatus::Idle => None,
        SaveStatus::Saving => {
            Some(view! { <p class="status saving" role="status">"Saving…"</p> }.into_any())
        }
        SaveStatus::Saved => {
            Some(view! { <p class="status saved" role="status">"Saved."</p> }.into_any())
        }
        SaveStatus::Unchanged => Some(
            view! {
                <p class="status unchanged" role="status">
                    "Nothing to save: the values are the ones already saved."
                </p>
            }
            .into_any(),
        ),
        SaveStatus::Failed(m) => {
            Some(view! { <p class="status failed" role="alert">{m}</p> }.into_any())
        }
    };

    // What the page shows once its settings are loaded (or could not be).
    let page_body = move |loaded: Result<SettingsPage, AppError>| {
        match loaded {
            Ok(page) => {
                let read_only = !page.can_edit;
                if form.saved.with_untracked(|s| s.as_ref() != Some(&page)) {
                    untrack(|| form.load(page));
                }
                view! {
                    {read_only.then(|| view! {
                        <p class="note">"You can view these settings but not change them."</p>
                    })}
                    {children.with_value(|c| c())}
                }
                .into_any()
            }
            Err(AppError::PlanRequired) => {
                view! {
                    <section class="plan-required">
                        <h2>"Available on the Standard and Standard Plus plans"</h2>
                        <p>
                            "Mail Security is available on the Standard and Standard Plus plans. "
                            {format!("Your company is on the {plan} plan, so these settings cannot be viewed or changed.")}
                        </p>
                        <p>"To use Mail Security, upgrade the company's plan to Standard or Standard Plus."</p>
                    </section>
                }
                .into_any()
            }
            Err(AppError::Forbidden) => view! { <crate::ui::pages::NoPermission /> }.into_any(),
            Err(e) => view! { <p class="status failed" role="alert">{e.to_string()}</p> }.into_any(),
        }
    };
    // A server-side render usually has the page at hand (the page guard loaded the settings), and
    // the browser hydrates with the same answer: the page is built once, from a value at hand. A
    // Suspense would build it again from a task of its own for every check of what is still
    // loading, and such a task could still walk the page after a request that went away had
    // taken the page's signals down with it. Otherwise (a browser that navigated here, or a render
    // that found the settings missing from memory) the page shows "Loading…" and loads in the
    // browser, through its server function.
    let contents = match SharedValue::new(move || page_resolved_for_render(view_kind)).into_inner()
    {
        Some(loaded) => page_body(loaded),
        None => {
            let data = page_data(None, || (), move |_| load_view(view_kind));
            view! {
                {move || match data.get() {
                    None => loading(),
                    Some(loaded) => untrack(|| page_body(loaded)),
                }}
            }
            .into_any()
        }
    };

    view! {
        <Title text=title />
        <div class="page-head">
            <h1>{title}</h1>
            {actions}
        </div>
        {status}
        {on_demand(has_conflicts, form, conflicts_code, None)}
        {contents}
        <ConfirmDialog request=form.confirm />
        <ReauthDialogOnDemand form email />
    }
}

on_demand_code!(conflicts_code, Form, |form| view! { <ConflictList form /> }
    .into_any());

/// A save's conflicts with changes stored meanwhile by another administrator, each with "Keep
/// mine" and "Use current". Its code is fetched when a save first meets a conflict.
#[component]
fn ConflictList(form: Form) -> impl IntoView {
    move || {
        let list = form.conflicts.get();
        (!list.is_empty()).then(|| {
            let items = list
                .into_iter()
                .map(|c| {
                    let (keep, take) = (c.key.clone(), c.key.clone());
                    let who = c.changed_by.clone().unwrap_or_else(|| "another administrator".into());
                    view! {
                        <li class="conflict">
                            <h3>{c.label.clone()}</h3>
                            <p class="help">
                                {format!("Changed by {who}")}
                                {c.changed_at.clone().map(|t| view! { " at " <LocalTime iso=t /> })}
                            </p>
                            <dl>
                                <dt>"Your value"</dt>
                                <dd>{c.yours.clone()}</dd>
                                <dt>"Current value"</dt>
                                <dd>{c.current.clone()}</dd>
                            </dl>
                            <div class="conflict-actions">
                                <button type="button" aria-label=format!("Keep my value for {}", c.label)
                                    on:click=move |_| form.resolve(&keep, true)>"Keep mine"</button>
                                <button type="button" aria-label=format!("Use the current value for {}", c.label)
                                    on:click=move |_| form.resolve(&take, false)>"Use current"</button>
                            </div>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <section class="conflicts" aria-labelledby="conflicts-title">
                    <h2 id="conflicts-title">"Changed by another administrator"</h2>
                    <ul>{items}</ul>
                </section>
            }
        })
    }
}
