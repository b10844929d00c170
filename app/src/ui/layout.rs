//! The admin shell: header (company, signed-in admin, sign-out), and the left menu drawn from the
//! one menu table. On a narrow screen the menu hides behind a menu button.

use leptos::ev;
use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::use_location;

use super::nav::{hard_navigate, login_path};
use super::page_data::{loading, page_data};
use crate::api::auth::{AdminView, SignOut, admin_resolved_for_render, current_admin};
use crate::api::preload::TWO_STEP_PATH;
use crate::domain::menu::{GROUPS, MenuGroup, visible_entries};
use crate::error::AppError;

/// The signed-in admin, resolved by the shell before any page under it is built.
#[derive(Clone, Copy)]
pub struct SignedInAdmin(StoredValue<Option<AdminView>>);

impl SignedInAdmin {
    pub fn get(&self) -> Option<AdminView> {
        self.0.try_get_value().flatten()
    }

    /// The admin the shell resolved for the page being built. `None` outside the shell, and
    /// while a server-side render whose request has gone away is being taken down (its owner,
    /// and the shell's context with it, may already be dropped; that is not a reason to panic).
    pub fn current() -> Option<AdminView> {
        use_context::<SignedInAdmin>().and_then(|admin| admin.get())
    }
}

#[component]
pub fn AdminShell() -> impl IntoView {
    let signed_in = SignedInAdmin(StoredValue::new(None));
    provide_context(signed_in);
    // A page request's admin is resolved before the render, and the browser hydrates with that
    // answer: the shell and its page are built once, without waiting for a load (inside a
    // Suspense the server builds them again for every check of what is still loading). A browser
    // that arrives from a page outside the shell asks the server.
    match SharedValue::new(admin_resolved_for_render).into_inner() {
        Some(result) => shell_for(result, signed_in),
        None => {
            let me = page_data(None, || (), |_| current_admin());
            view! {
                {move || match me.get() {
                    None => loading(),
                    Some(result) => untrack(|| shell_for(result, signed_in)),
                }}
            }
            .into_any()
        }
    }
}

fn shell_for(result: Result<AdminView, AppError>, signed_in: SignedInAdmin) -> AnyView {
    let location = use_location();
    match result {
        Ok(admin) => {
            signed_in.0.set_value(Some(admin.clone()));
            view! { <ShellFrame admin /> }.into_any()
        }
        Err(AppError::Unauthenticated) => {
            // A session that ended while the page was open: back to sign-in, then back here.
            Effect::new(move || hard_navigate(&login_path(&location.pathname.get_untracked())));
            view! {
                <main class="signed-out">
                    <h1>"Your session has ended"</h1>
                    <p><a href=login_path(&location.pathname.get_untracked())>"Sign in again"</a></p>
                </main>
            }
            .into_any()
        }
        Err(e) => view! {
            <main class="signed-out">
                <h1>"The console could not be loaded"</h1>
                <p role="alert">{e.to_string()}</p>
            </main>
        }
        .into_any(),
    }
}

/// Where an admin who must set up two-step verification goes from any other page of the shell (the
/// server sends a page request there at once; this is for a link followed in the browser).
fn set_up_first() -> impl IntoView {
    Effect::new(move || hard_navigate(TWO_STEP_PATH));
    view! {
        <p class="status failed" role="alert">
            "Your company requires two-step verification. "
            <a href=TWO_STEP_PATH>"Set it up"</a>
            " to continue."
        </p>
    }
}

#[component]
fn ShellFrame(admin: AdminView) -> impl IntoView {
    let menu_open = RwSignal::new(false);
    let location = use_location();

    // Close the mobile menu on navigation and on Escape.
    Effect::new(move || {
        location.pathname.track();
        menu_open.set(false);
    });
    let keys = window_event_listener(ev::keydown, move |e| {
        if e.key() == "Escape" {
            menu_open.set(false);
        }
    });
    on_cleanup(move || keys.remove());

    let sign_out = ServerAction::<SignOut>::new();
    let sign_out_url = <SignOut as server_fn::ServerFn>::url();
    Effect::new(move || {
        if sign_out.value().get().is_some() {
            // No unsaved edits stay behind in this browser.
            crate::ui::settings::drafts::clear_all();
            hard_navigate(&login_path(&location.pathname.get_untracked()));
        }
    });

    let role = admin.role;
    let setup_required = admin.must_set_up_two_step;
    let groups = GROUPS
        .into_iter()
        .filter_map(|group| {
            let entries: Vec<_> = visible_entries(role)
                .into_iter()
                .filter(|e| e.group == group)
                .collect();
            if entries.is_empty() || setup_required {
                return None;
            }
            let links = entries
                .into_iter()
                .map(|e| {
                    let path = e.path;
                    let current = move || (location.pathname.get() == path).then_some("page");
                    view! {
                        <li>
                            <a href=path aria-current=current>{e.label}</a>
                        </li>
                    }
                })
                .collect_view();
            Some(if group == MenuGroup::None {
                view! { <ul class="menu-top">{links}</ul> }.into_any()
            } else {
                view! {
                    <details class="menu-group" open>
                        <summary>{group.label()}</summary>
                        <ul>{links}</ul>
                    </details>
                }
                .into_any()
            })
        })
        .collect_view();

    view! {
        <div class="admin" class:menu-open=move || menu_open.get()>
            <header class="topbar">
                <button
                    type="button"
                    class="menu-button"
                    aria-controls="admin-menu"
                    aria-expanded=move || menu_open.get().to_string()
                    on:click=move |_| menu_open.update(|o| *o = !*o)
                >
                    <span aria-hidden="true">"☰"</span>
                    <span class="visually-hidden">"Menu"</span>
                </button>
                <a class="brand" href="/">{admin.company_name.clone()}</a>
                <div class="whoami">
                    <span class="admin-name">{admin.display_name.clone()}</span>
                    <span class="admin-role">{admin.role.label()}</span>
                    <a class="account-link" href="/account/two-step">"Two-step verification"</a>
                    // A plain form posting to the server function, which works before the page
                    // is live too; once live, the submit goes through the action instead. (Not an
                    // `ActionForm`, which reads the form's fields back into the call's arguments
                    // with a query-string parser: a call without arguments needs none, and every
                    // page's first load would carry it.)
                    <form
                        class="sign-out"
                        method="post"
                        action=sign_out_url
                        on:submit=move |e| {
                            e.prevent_default();
                            sign_out.dispatch(SignOut {});
                        }
                    >
                        <button type="submit">"Sign out"</button>
                    </form>
                </div>
            </header>
            <div
                class="menu-backdrop"
                aria-hidden="true"
                on:click=move |_| menu_open.set(false)
            ></div>
            <nav id="admin-menu" class="sidebar" aria-label="Admin menu">
                {groups}
            </nav>
            <main class="content">
                {if setup_required {
                    view! {
                        {move || {
                            if location.pathname.get() == TWO_STEP_PATH {
                                view! { <Outlet /> }.into_any()
                            } else {
                                set_up_first().into_any()
                            }
                        }}
                    }
                    .into_any()
                } else {
                    view! { <Outlet /> }.into_any()
                }}
            </main>
        </div>
    }
}
