//! The sign-in dialog shown in place when a save finds the session ended: the same admin signs
//! in again and the save is retried, edits intact. Its code is fetched when it is first needed
//! (`on_demand`).

use super::form::Form;
use crate::api::auth::{sign_in, verify_two_step};
use crate::error::AppError;
use crate::ui::on_demand::{on_demand, on_demand_code};
use leptos::prelude::*;

/// The dialog, drawn once a save has first found the session ended.
#[component]
pub fn ReauthDialogOnDemand(form: Form, email: String) -> impl IntoView {
    let needed = Signal::derive(move || form.reauth.with(Option::is_some));
    on_demand(needed, (form, email), reauth_dialog_code, None)
}

on_demand_code!(reauth_dialog_code, (Form, String), |(form, email)| {
    view! { <ReauthDialog form email /> }.into_any()
});

#[component]
fn ReauthDialog(form: Form, email: String) -> impl IntoView {
    let password = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let code_needed = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let email = StoredValue::new(email);
    let submit = move || {
        busy.set(true);
        let pw = password.get_untracked();
        let c = code.get_untracked();
        leptos::task::spawn_local(async move {
            let signed_in = if code_needed.get_untracked() {
                verify_two_step(c, None).await.map(|_| true)
            } else {
                sign_in(email.get_value(), pw, None)
                    .await
                    .map(|r| !r.code_needed)
            };
            match signed_in {
                Ok(false) => {
                    code_needed.set(true);
                    error.set(None);
                }
                Ok(true) => {
                    code_needed.set(false);
                    code.set(String::new());
                    password.set(String::new());
                    error.set(None);
                    if let Some(changes) = form.reauth.get_untracked() {
                        form.reauth.set(None);
                        form.send(changes);
                    }
                }
                Err(AppError::RateLimited { retry_after_secs }) => {
                    error.set(Some(crate::ui::time::too_many_sign_ins(retry_after_secs)))
                }
                Err(e) => error.set(Some(e.to_string())),
            }
            busy.set(false);
        });
    };
    view! {
        <Show when=move || form.reauth.with(|r| r.is_some())>
            <div class="modal-backdrop">
                <div class="modal" role="dialog" aria-modal="true" aria-labelledby="reauth-title">
                    <h2 id="reauth-title">"Sign in to save your changes"</h2>
                    <p>"Your session has ended. Your changes are kept: sign in again and they will be saved."</p>
                    <form on:submit=move |e| { e.prevent_default(); submit(); }>
                        <div class="field">
                            <label for="reauth-email">"Email"</label>
                            <input id="reauth-email" type="email" readonly prop:value=move || email.get_value() />
                        </div>
                        <div class="field">
                            <label for="reauth-password">"Password"</label>
                            <input id="reauth-password" type="password" autocomplete="current-password" autofocus
                                prop:value=move || password.get()
                                on:input=move |e| password.set(event_target_value(&e)) />
                        </div>
                        <Show when=move || code_needed.get()>
                            <div class="field">
                                <label for="reauth-code">"Code from your authenticator app"</label>
                                <input id="reauth-code" type="text" inputmode="numeric" autocomplete="one-time-code"
                                    prop:value=move || code.get()
                                    on:input=move |e| code.set(event_target_value(&e)) />
                            </div>
                        </Show>
                        <p class="form-error" role="alert">{move || error.get()}</p>
                        <div class="modal-actions">
                            <button type="submit" class="primary" disabled=move || busy.get()>"Sign in and save"</button>
                        </div>
                    </form>
                </div>
            </div>
        </Show>
    }
}
