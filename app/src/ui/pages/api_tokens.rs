//! Security > API tokens: the company's mail service reads the policy with these. A new token's
//! secret is shown once; tokens can be revoked.

use leptos::prelude::*;
use leptos_meta::Title;

use super::PageGuard;
use crate::api::api_tokens::{create_api_token, list_api_tokens, revoke_api_token};
use crate::api::preload::{Preloaded, preloaded};
use crate::domain::Page;
use crate::error::AppError;
use crate::ui::page_data::{loading, page_data};
use crate::ui::settings::{Confirm, ConfirmDialog};
use crate::ui::time::LocalTime;

#[component]
pub fn ApiTokensPage() -> impl IntoView {
    view! {
        <PageGuard page=Page::ApiTokens>
            <ApiTokens />
        </PageGuard>
    }
}

#[component]
fn ApiTokens() -> impl IntoView {
    let refresh = RwSignal::new(0u32);
    let first = SharedValue::new(|| {
        preloaded(|p| match p {
            Preloaded::ApiTokens(list) => Some(list.clone()),
            _ => None,
        })
    });
    let tokens = page_data(
        first.into_inner(),
        move || refresh.get(),
        |_| list_api_tokens(),
    );
    let name = RwSignal::new(String::new());
    let name_error = RwSignal::new(None::<String>);
    let secret = RwSignal::new(None::<(String, String)>);
    let status = RwSignal::new(None::<Result<String, String>>);
    let confirm = RwSignal::new(None::<Confirm>);

    let create = move || {
        let n = name.get_untracked();
        leptos::task::spawn_local(async move {
            match create_api_token(n).await {
                Ok((s, row)) => {
                    secret.set(Some((row.name, s)));
                    name.set(String::new());
                    name_error.set(None);
                    refresh.update(|r| *r += 1);
                }
                Err(AppError::Validation { message, .. }) => name_error.set(Some(message)),
                Err(e) => status.set(Some(Err(e.to_string()))),
            }
        });
    };
    let revoke = move |id: i64, label: String| {
        confirm.set(Some(Confirm {
            title: "Revoke API token?".into(),
            message: format!(
                "Mail services using '{label}' will be refused from now on. This cannot be undone."
            ),
            confirm_label: "Revoke",
            cancel_label: "Keep the token",
            on_confirm: Callback::new(move |_| {
                let label = label.clone();
                leptos::task::spawn_local(async move {
                    match revoke_api_token(id).await {
                        Ok(()) => status.set(Some(Ok(format!("'{label}' was revoked.")))),
                        Err(e) => status.set(Some(Err(e.to_string()))),
                    }
                    refresh.update(|r| *r += 1);
                });
            }),
        }));
    };

    view! {
        <Title text="API tokens" />
        <div class="page-head"><h1>"API tokens"</h1></div>
        <p class="help">
            "Your company's mail service reads the mail-security policy and asks for decisions through the REST API with one of these tokens. Tokens are read-only and see only this company. The API is described at "
            <a href="/api/v1/openapi.json">"/api/v1/openapi.json"</a>"."
        </p>
        {move || status.get().map(|s| match s {
            Ok(m) => view! { <p class="status saved" role="status">{m}</p> }.into_any(),
            Err(m) => view! { <p class="status failed" role="alert">{m}</p> }.into_any(),
        })}
        {move || secret.get().map(|(label, s)| view! {
            <section class="new-token" aria-labelledby="new-token-title">
                <h2 id="new-token-title">{format!("New token '{label}'")}</h2>
                <p>"Copy it now: it is shown only once and cannot be recovered."</p>
                <code class="token-secret" aria-label="Token secret">{s}</code>
                <button type="button" on:click=move |_| secret.set(None)>"Done"</button>
            </section>
        })}
        {move || {
            match tokens.get() {
                None => loading(),
                Some(Err(AppError::PlanRequired)) => view! {
                    <p class="plan-required">"API tokens are part of Mail Security, available on the Standard and Standard Plus plans."</p>
                }.into_any(),
                Some(Err(e)) => view! { <p class="status failed" role="alert">{e.to_string()}</p> }.into_any(),
                Some(Ok(list)) => {
                    let can_manage = list.can_manage;
                    let rows = list.tokens.into_iter().map(|t| {
                        let label = t.name.clone();
                        let id = t.id;
                        view! {
                            <tr>
                                <td data-label="Name">{t.name.clone()}</td>
                                <td data-label="Token"><code>{format!("{}…", t.prefix)}</code></td>
                                <td data-label="Scope">{t.scope.clone()}</td>
                                <td data-label="Created"><LocalTime iso=t.created_at.clone() /></td>
                                <td data-label="Last used">{t.last_used_at.clone().map(|u| view! { <LocalTime iso=u /> }.into_any()).unwrap_or_else(|| "Never".into_any())}</td>
                                <td data-label="Status">{if t.revoked { "Revoked" } else { "Active" }}</td>
                                <td data-label="">{(can_manage && !t.revoked).then(|| view! {
                                    <button type="button" aria-label=format!("Revoke {}", t.name) on:click=move |_| revoke(id, label.clone())>"Revoke"</button>
                                })}</td>
                            </tr>
                        }
                    }).collect_view();
                    view! {
                        {can_manage.then(|| view! {
                            <form class="setting token-form" on:submit=move |e| { e.prevent_default(); create(); }>
                                <div class="field">
                                    <label for="token-name">"Token name"</label>
                                    <input id="token-name" type="text" maxlength="100" placeholder="e.g. mx1.acme.example"
                                        aria-describedby="token-name-error"
                                        prop:value=move || name.get() on:input=move |e| name.set(event_target_value(&e)) />
                                    <p class="field-error" id="token-name-error" role="alert">{move || name_error.get()}</p>
                                </div>
                                <button type="submit" class="primary">"Create token"</button>
                            </form>
                        })}
                        <div class="table-wrap">
                            <table class="audit">
                                <thead><tr>
                                    <th scope="col">"Name"</th><th scope="col">"Token"</th><th scope="col">"Scope"</th>
                                    <th scope="col">"Created"</th><th scope="col">"Last used"</th><th scope="col">"Status"</th>
                                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                </tr></thead>
                                <tbody>{rows}</tbody>
                            </table>
                        </div>
                    }.into_any()
                }
            }
        }}
        <ConfirmDialog request=confirm />
    }
}
