//! The sign-in page.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::nav::hard_navigate;
use crate::api::auth::{SignIn, VerifyTwoStep};
use crate::error::AppError;

#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let next = move || query.with(|q| q.get("next").unwrap_or_default());
    let sign_in = ServerAction::<SignIn>::new();
    let result = sign_in.value();
    let verify = ServerAction::<VerifyTwoStep>::new();
    let verified = verify.value();
    let code_needed = move || result.with(|r| matches!(r, Some(Ok(r)) if r.code_needed));

    Effect::new(move || {
        if let Some(Ok(r)) = result.get()
            && !r.code_needed
        {
            hard_navigate(&r.next);
        }
    });
    Effect::new(move || {
        if let Some(Ok(path)) = verified.get() {
            hard_navigate(&path);
        }
    });

    // The code step's errors, or else the password step's.
    let error = move || {
        if code_needed() {
            verified.get().and_then(|r| r.err())
        } else {
            result.get().and_then(|r| r.err())
        }
    };
    let field_error = move |field: &'static str| move || error().and_then(|e| e.for_field(field));
    let general_error = move || {
        error().and_then(|e| match e {
            AppError::Validation { .. } => None,
            AppError::RateLimited { retry_after_secs } => {
                Some(super::time::too_many_sign_ins(retry_after_secs))
            }
            AppError::Unauthenticated if code_needed() => {
                Some("The sign-in took too long. Reload the page and start again.".to_string())
            }
            other => Some(other.to_string()),
        })
    };

    view! {
        <Title text="Sign in" />
        <main class="login">
            <div class="login-card">
                <h1>"Sign in to the admin console"</h1>
                <Show when=code_needed fallback=move || view! {
                    <ActionForm action=sign_in>
                        <input type="hidden" name="next" value=next />
                        <div class="field">
                            <label for="email">"Email"</label>
                            <input
                                id="email"
                                name="email"
                                type="email"
                                autocomplete="username"
                                required
                                aria-describedby="email-error"
                            />
                            <p id="email-error" class="field-error">{field_error("email")}</p>
                        </div>
                        <div class="field">
                            <label for="password">"Password"</label>
                            <input
                                id="password"
                                name="password"
                                type="password"
                                autocomplete="current-password"
                                required
                                aria-describedby="password-error"
                            />
                            <p id="password-error" class="field-error">{field_error("password")}</p>
                        </div>
                        <p class="form-error" role="alert">{general_error}</p>
                        <button type="submit" class="primary" disabled=move || sign_in.pending().get()>
                            {move || if sign_in.pending().get() { "Signing in…" } else { "Sign in" }}
                        </button>
                    </ActionForm>
                }>
                    <ActionForm action=verify>
                        <input type="hidden" name="next" value=next />
                        <p>"Enter the 6-digit code from your authenticator app, or one of your recovery codes."</p>
                        <div class="field">
                            <label for="code">"Code"</label>
                            <input
                                id="code"
                                name="code"
                                type="text"
                                inputmode="numeric"
                                autocomplete="one-time-code"
                                autofocus
                                required
                                aria-describedby="code-error"
                            />
                            <p id="code-error" class="field-error">{field_error("code")}</p>
                        </div>
                        <p class="form-error" role="alert">{general_error}</p>
                        <button type="submit" class="primary" disabled=move || verify.pending().get()>
                            {move || if verify.pending().get() { "Checking…" } else { "Continue" }}
                        </button>
                    </ActionForm>
                </Show>
            </div>
        </main>
    }
}
