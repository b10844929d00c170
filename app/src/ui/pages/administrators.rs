//! Company > Administrators: the company's users and their roles; the Super admin grants and
//! removes admin roles, deactivates and reactivates accounts, and hands the Super admin role over.

use leptos::prelude::*;
use leptos_meta::Title;

use super::PageGuard;
use crate::api::administrators::{
    UserRow, hand_over_super_admin, list_administrators, set_user_active, set_user_role,
};
use crate::api::preload::{Preloaded, preloaded};
use crate::domain::{Page, Role};
use crate::error::AppError;
use crate::ui::nav::hard_navigate;
use crate::ui::page_data::{loading, page_data};
use crate::ui::settings::{Confirm, ConfirmDialog};

const ASSIGNABLE: [Role; 4] = [
    Role::SecurityAdmin,
    Role::MailAdmin,
    Role::Auditor,
    Role::Member,
];

#[component]
pub fn AdministratorsPage() -> impl IntoView {
    view! {
        <PageGuard page=Page::Administrators>
            <Administrators />
        </PageGuard>
    }
}

#[component]
fn Administrators() -> impl IntoView {
    let refresh = RwSignal::new(0u32);
    let first = SharedValue::new(|| {
        preloaded(|p| match p {
            Preloaded::Administrators(list) => Some(list.clone()),
            _ => None,
        })
    });
    let users = page_data(
        first.into_inner(),
        move || refresh.get(),
        |_| list_administrators(),
    );
    let status = RwSignal::new(None::<Result<String, String>>);
    let confirm = RwSignal::new(None::<Confirm>);
    let done = move |result: Result<(), AppError>, message: String| {
        match result {
            Ok(()) => status.set(Some(Ok(message))),
            Err(e) => status.set(Some(Err(e.to_string()))),
        }
        refresh.update(|n| *n += 1);
    };

    let change_role = move |user: UserRow, role: Role| {
        let text = format!(
            "Change the role of {} from {} to {}?",
            user.email,
            user.role.label(),
            role.label()
        );
        confirm.set(Some(Confirm {
            title: "Change role?".into(),
            message: text,
            confirm_label: "Change role",
            cancel_label: "Keep the role",
            on_confirm: Callback::new(move |_| {
                let user = user.clone();
                leptos::task::spawn_local(async move {
                    let r = set_user_role(user.id, role).await;
                    done(r, format!("{} is now {}.", user.email, role.label()));
                });
            }),
        }));
        // The select shows the stored role until the change is confirmed and made.
        refresh.update(|n| *n += 1);
    };
    let toggle_active = move |user: UserRow| {
        let activate = !user.active;
        let (title, message, label) = if activate {
            (
                "Reactivate account?",
                format!("{} will be able to sign in again.", user.email),
                "Reactivate",
            )
        } else {
            (
                "Deactivate account?",
                format!(
                    "{} will be signed out everywhere and cannot sign in until reactivated.",
                    user.email
                ),
                "Deactivate",
            )
        };
        confirm.set(Some(Confirm {
            title: title.into(),
            message,
            confirm_label: label,
            cancel_label: "Cancel",
            on_confirm: Callback::new(move |_| {
                let user = user.clone();
                leptos::task::spawn_local(async move {
                    let r = set_user_active(user.id, activate).await;
                    done(
                        r,
                        format!(
                            "{} {}.",
                            user.email,
                            if activate {
                                "was reactivated"
                            } else {
                                "was deactivated"
                            }
                        ),
                    );
                });
            }),
        }));
    };

    let successor = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let hand_over_error = RwSignal::new(None::<String>);
    let hand_over = move || {
        let Ok(id) = successor.get_untracked().parse::<i64>() else {
            hand_over_error.set(Some("Choose the administrator to hand the role to.".into()));
            return;
        };
        let pw = password.get_untracked();
        confirm.set(Some(Confirm {
            title: "Hand over the Super admin role?".into(),
            message: "You will become a Security admin and can no longer manage administrators."
                .into(),
            confirm_label: "Hand over",
            cancel_label: "Cancel",
            on_confirm: Callback::new(move |_| {
                let pw = pw.clone();
                leptos::task::spawn_local(async move {
                    match hand_over_super_admin(id, pw).await {
                        Ok(()) => hard_navigate("/"),
                        Err(e) => {
                            hand_over_error.set(Some(e.to_string()));
                            password.set(String::new());
                        }
                    }
                });
            }),
        }));
    };

    view! {
        <Title text="Administrators" />
        <div class="page-head"><h1>"Administrators"</h1></div>
        {move || status.get().map(|s| match s {
            Ok(m) => view! { <p class="status saved" role="status">{m}</p> }.into_any(),
            Err(m) => view! { <p class="status failed" role="alert">{m}</p> }.into_any(),
        })}
        <p class="help">"Roles take effect on the user's next request. Deactivated users are signed out everywhere."</p>
        {move || {
            match users.get() {
                None => loading(),
                Some(Err(e)) => view! { <p class="status failed" role="alert">{e.to_string()}</p> }.into_any(),
                Some(Ok(list)) => {
                    let candidates: Vec<UserRow> = list.iter().filter(|u| !u.is_me && u.active && u.role.is_admin()).cloned().collect();
                    let rows = list.into_iter().map(|u| {
                        let fixed = u.role == Role::SuperAdmin || u.is_me;
                        let role_cell = if fixed {
                            view! { <span>{u.role.label()}</span> }.into_any()
                        } else {
                            let user = u.clone();
                            view! {
                                <select
                                    aria-label=format!("Role of {}", u.email)
                                    on:change=move |e| {
                                        let picked = ASSIGNABLE.into_iter().find(|r| r.as_str() == event_target_value(&e));
                                        if let Some(role) = picked {
                                            change_role(user.clone(), role);
                                        }
                                    }
                                >
                                    {ASSIGNABLE.into_iter().map(|r| view! {
                                        <option value=r.as_str() selected=r == u.role>{r.label()}</option>
                                    }).collect_view()}
                                </select>
                            }.into_any()
                        };
                        let action = (!fixed).then(|| {
                            let user = u.clone();
                            let label = if u.active { "Deactivate" } else { "Reactivate" };
                            view! {
                                <button type="button" aria-label=format!("{label} {}", u.email)
                                    on:click=move |_| toggle_active(user.clone())>{label}</button>
                            }
                        });
                        view! {
                            <tr>
                                <td data-label="Name">{u.display_name.clone()}{u.is_me.then_some(" (you)")}</td>
                                <td data-label="Email">{u.email.clone()}</td>
                                <td data-label="Role">{role_cell}</td>
                                <td data-label="Status">{if u.active { "Active" } else { "Deactivated" }}</td>
                                <td data-label="">{action}</td>
                            </tr>
                        }
                    }).collect_view();
                    view! {
                        <div class="table-wrap">
                            <table class="audit users">
                                <thead><tr>
                                    <th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Role"</th>
                                    <th scope="col">"Status"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                </tr></thead>
                                <tbody>{rows}</tbody>
                            </table>
                        </div>
                        <section class="setting hand-over" aria-labelledby="hand-over-title">
                            <h2 id="hand-over-title">"Hand over Super admin"</h2>
                            <p class="help">"There is always exactly one Super admin. Choose an active administrator and confirm with your password."</p>
                            <div class="field">
                                <label for="successor">"New Super admin"</label>
                                <select id="successor" on:change=move |e| successor.set(event_target_value(&e))>
                                    <option value="">"Choose…"</option>
                                    {candidates.into_iter().map(|u| view! {
                                        <option value=u.id.to_string()>{format!("{} ({})", u.display_name, u.email)}</option>
                                    }).collect_view()}
                                </select>
                            </div>
                            <div class="field">
                                <label for="hand-over-password">"Your password"</label>
                                <input id="hand-over-password" type="password" autocomplete="current-password"
                                    prop:value=move || password.get()
                                    on:input=move |e| { password.set(event_target_value(&e)); hand_over_error.set(None); } />
                            </div>
                            <p class="field-error" role="alert">{move || hand_over_error.get()}</p>
                            <button type="button" class="danger" on:click=move |_| hand_over()>"Hand over Super admin"</button>
                        </section>
                    }.into_any()
                }
            }
        }}
        <ConfirmDialog request=confirm />
    }
}
