//! My account > Two-step verification: set-up with a QR code (or the key typed by hand), a code
//! to confirm, recovery codes shown once, turning it off with the password; and, for the Super
//! admin, the switch that requires it of every admin.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::preload::{Preloaded, preloaded};
use crate::api::two_step::{
    EnrolmentView, confirm_two_step_enrolment, new_recovery_codes, require_two_step,
    start_two_step_enrolment, turn_off_two_step, two_step_status,
};
use crate::error::AppError;
use crate::ui::layout::SignedInAdmin;
use crate::ui::nav::hard_navigate;
use crate::ui::page_data::{loading, page_data};
use crate::ui::settings::{Confirm, ConfirmDialog};

/// For an admin whose company requires it and who has not set it up, every page leads here (the
/// page guard and the admin shell) until it is set up.
#[component]
pub fn TwoStepPage() -> impl IntoView {
    let setup_required = SignedInAdmin::current().is_some_and(|admin| admin.must_set_up_two_step);
    let refresh = RwSignal::new(0u32);
    let first = SharedValue::new(|| {
        preloaded(|p| match p {
            Preloaded::TwoStep(state) => Some(state.clone()),
            _ => None,
        })
    });
    let status = page_data(
        first.into_inner(),
        move || refresh.get(),
        |_| two_step_status(),
    );
    let enrolment = RwSignal::new(None::<EnrolmentView>);
    let code = RwSignal::new(String::new());
    let code_error = RwSignal::new(None::<String>);
    let codes = RwSignal::new(None::<Vec<String>>);
    let password = RwSignal::new(String::new());
    let password_error = RwSignal::new(None::<String>);
    let required_error = RwSignal::new(None::<String>);
    let message = RwSignal::new(None::<Result<String, String>>);
    let confirm = RwSignal::new(None::<Confirm>);
    let busy = RwSignal::new(false);

    let start = move || {
        busy.set(true);
        leptos::task::spawn_local(async move {
            match start_two_step_enrolment().await {
                Ok(e) => {
                    enrolment.set(Some(e));
                    code_error.set(None);
                }
                Err(e) => message.set(Some(Err(e.to_string()))),
            }
            busy.set(false);
        });
    };
    let finish = move || {
        busy.set(true);
        let c = code.get_untracked();
        leptos::task::spawn_local(async move {
            match confirm_two_step_enrolment(c).await {
                Ok(list) => {
                    enrolment.set(None);
                    code.set(String::new());
                    code_error.set(None);
                    codes.set(Some(list));
                    message.set(Some(Ok("Two-step verification is on.".into())));
                    refresh.update(|r| *r += 1);
                }
                Err(AppError::Validation { message: m, .. }) => code_error.set(Some(m)),
                Err(e) => message.set(Some(Err(e.to_string()))),
            }
            busy.set(false);
        });
    };
    let regenerate = move || {
        confirm.set(Some(Confirm {
            title: "Make new recovery codes?".into(),
            message: "Your current recovery codes stop working at once.".into(),
            confirm_label: "Make new codes",
            cancel_label: "Keep the current codes",
            on_confirm: Callback::new(move |_| {
                leptos::task::spawn_local(async move {
                    match new_recovery_codes().await {
                        Ok(list) => codes.set(Some(list)),
                        Err(e) => message.set(Some(Err(e.to_string()))),
                    }
                    refresh.update(|r| *r += 1);
                });
            }),
        }));
    };
    let turn_off = move || {
        let pw = password.get_untracked();
        confirm.set(Some(Confirm {
            title: "Turn off two-step verification?".into(),
            message: "Signing in will need only your password. Your recovery codes stop working."
                .into(),
            confirm_label: "Turn off",
            cancel_label: "Keep it on",
            on_confirm: Callback::new(move |_| {
                let pw = pw.clone();
                leptos::task::spawn_local(async move {
                    match turn_off_two_step(pw).await {
                        Ok(()) => {
                            password.set(String::new());
                            password_error.set(None);
                            codes.set(None);
                            message.set(Some(Ok("Two-step verification is off.".into())));
                        }
                        Err(AppError::Validation { message: m, .. }) => password_error.set(Some(m)),
                        Err(e) => message.set(Some(Err(e.to_string()))),
                    }
                    refresh.update(|r| *r += 1);
                });
            }),
        }));
    };
    let set_required = move |required: bool| {
        let apply = move || {
            leptos::task::spawn_local(async move {
                match require_two_step(required).await {
                    Ok(()) => {
                        required_error.set(None);
                        message.set(Some(Ok(if required {
                            "Every admin now needs two-step verification.".into()
                        } else {
                            "Two-step verification is no longer required.".into()
                        })));
                    }
                    Err(AppError::Validation { message: m, .. }) => required_error.set(Some(m)),
                    Err(e) => message.set(Some(Err(e.to_string()))),
                }
                refresh.update(|r| *r += 1);
            });
        };
        if required {
            confirm.set(Some(Confirm {
                title: "Require two-step verification?".into(),
                message: "Admins without it are asked to set it up before they can do anything else in the console.".into(),
                confirm_label: "Require it",
                cancel_label: "Cancel",
                on_confirm: Callback::new(move |_| apply()),
            }));
        } else {
            apply();
        }
    };

    view! {
        <Title text="Two-step verification" />
        <div class="page-head"><h1>"Two-step verification"</h1></div>
        {setup_required.then(|| view! {
            <p class="status failed" role="alert">
                "Your company requires two-step verification. Set it up to continue."
            </p>
        })}
        <p class="help">
            "After your password, the console asks for a 6-digit code from an authenticator app on your phone. Keep the recovery codes somewhere safe: each one signs you in once if the phone is lost."
        </p>
        {move || message.get().map(|s| match s {
            Ok(m) => view! { <p class="status saved" role="status">{m}</p> }.into_any(),
            Err(m) => view! { <p class="status failed" role="alert">{m}</p> }.into_any(),
        })}
        {move || codes.get().map(|list| view! {
            <section class="recovery-codes" aria-labelledby="codes-title">
                <h2 id="codes-title">"Your recovery codes"</h2>
                <p>"Save them now: they are shown only once. Each works one time."</p>
                <ul class="codes">{list.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}</ul>
                <button type="button" on:click=move |_| {
                    codes.set(None);
                    if setup_required { hard_navigate("/"); }
                }>"I saved them"</button>
            </section>
        })}
        {move || {
            match status.get() {
                None => loading(),
                Some(Err(e)) => view! { <p class="status failed" role="alert">{e.to_string()}</p> }.into_any(),
                Some(Ok(s)) => {
                    let can_require = s.can_require;
                    let required = s.required;
                    view! {
                        <section class="setting" aria-labelledby="mine-title">
                            <h2 id="mine-title">"Your account"</h2>
                            <p class="two-step-state">{if s.enabled {
                                format!("On. {} recovery code{} left.", s.recovery_codes_left, if s.recovery_codes_left == 1 { "" } else { "s" })
                            } else {
                                "Off.".to_string()
                            }}</p>
                            {(!s.enabled).then(|| view! {
                                <Show when=move || enrolment.with(|e| e.is_none())>
                                    <button type="button" class="primary" disabled=move || busy.get() on:click=move |_| start()>"Set up two-step verification"</button>
                                </Show>
                            })}
                            {s.enabled.then(|| view! {
                                <div class="two-step-actions">
                                    <button type="button" on:click=move |_| regenerate()>"Make new recovery codes"</button>
                                    {(!required).then(|| view! {
                                        <form class="turn-off" on:submit=move |e| { e.prevent_default(); turn_off(); }>
                                            <div class="field">
                                                <label for="two-step-password">"Password"</label>
                                                <input id="two-step-password" type="password" autocomplete="current-password"
                                                    aria-describedby="two-step-password-error"
                                                    prop:value=move || password.get() on:input=move |e| password.set(event_target_value(&e)) />
                                                <p class="field-error" id="two-step-password-error" role="alert">{move || password_error.get()}</p>
                                            </div>
                                            <button type="submit">"Turn off"</button>
                                        </form>
                                    })}
                                </div>
                            })}
                        </section>
                        {can_require.then(|| view! {
                            <section class="setting" aria-labelledby="company-title">
                                <h2 id="company-title">"Company rule"</h2>
                                <label class="check">
                                    <input type="checkbox" id="require-two-step" prop:checked=required
                                        aria-describedby="require-two-step-error"
                                        on:change=move |e| set_required(event_target_checked(&e)) />
                                    "Require two-step verification for every admin"
                                </label>
                                <p class="field-error" id="require-two-step-error" role="alert">{move || required_error.get()}</p>
                            </section>
                        })}
                    }.into_any()
                }
            }
        }}
        {move || enrolment.get().map(|e| view! {
            <section class="setting enrolment" aria-labelledby="enrol-title">
                <h2 id="enrol-title">"Scan this code"</h2>
                <p>"Scan it with an authenticator app, or type the key instead."</p>
                <img class="qr" alt="QR code for your authenticator app" width="200" height="200"
                    src=format!("data:image/png;base64,{}", e.qr_png_base64) />
                <p>"Key: "<code class="totp-key" aria-label="Key">{e.secret_base32.clone()}</code></p>
                <form on:submit=move |ev| { ev.prevent_default(); finish(); }>
                    <div class="field">
                        <label for="two-step-code">"Code from the app"</label>
                        <input id="two-step-code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="8"
                            aria-describedby="two-step-code-error"
                            prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev)) />
                        <p class="field-error" id="two-step-code-error" role="alert">{move || code_error.get()}</p>
                    </div>
                    <button type="submit" class="primary" disabled=move || busy.get()>"Turn on"</button>
                </form>
            </section>
        })}
        <ConfirmDialog request=confirm />
    }
}
