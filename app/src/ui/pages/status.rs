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
