//! "No permission" and "not found" pages, and the guard that picks between a page and the former.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::domain::Page;
use crate::ui::layout::SignedInAdmin;

#[component]
pub fn NoPermission() -> impl IntoView {
    view! {
        <Title text="No permission" />
        <section class="status-page">
            <h1>"No permission"</h1>
            <p>"Your administrator role does not include this page. Ask your Super admin if you need access."</p>
            <p><a href="/">"Back to the admin console"</a></p>
        </section>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found" />
        <main class="status-page">
            <h1>"Page not found"</h1>
            <p><a href="/">"Back to the admin console"</a></p>
        </main>
    }
}

/// In place of a page whose code could not be fetched when the admin went to it (the connection
/// dropped, or the console was updated since this page was loaded and the old code is gone). The
/// rest of the console keeps working; a full load of the address fetches the current code.
#[cfg(feature = "split")]
#[component]
pub fn PageUnavailable() -> impl IntoView {
    let here = leptos_router::hooks::use_location();
    let address = move || format!("{}{}", here.pathname.get(), here.search.get());
    view! {
        <Title text="Page not loaded" />
        <section class="status-page">
            <h1>"This page could not be loaded"</h1>
            <p role="alert">
                "Its code did not arrive. Check the connection, then load the page again."
            </p>
            // `rel="external"`: a full load of the page, not the router's navigation.
            <p><a href=address rel="external">"Load the page again"</a></p>
        </section>
    }
}

/// Shows `children` when the signed-in admin may open `page`, else the "No permission" page.
/// The shell has resolved the admin before any page is built, so this reads it once.
#[component]
pub fn PageGuard(page: Page, children: Children) -> impl IntoView {
    let allowed =
        SignedInAdmin::current().is_some_and(|admin| admin.role.grants(page.entry().view));
    if allowed {
        children().into_any()
    } else {
        view! { <NoPermission /> }.into_any()
    }
}
