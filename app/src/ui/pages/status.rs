//! "No permission" and "not found" pages, and the guard that picks between a page and the former.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::domain::Page;
use crate::ui::layout::AdminResource;

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
#[component]
pub fn PageGuard(page: Page, children: ChildrenFn) -> impl IntoView {
    let me = expect_context::<AdminResource>();
    let children = StoredValue::new(children);
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(admin) if admin.role.grants(page.entry().view) => {
                        children.with_value(|c| c()).into_any()
                    }
                    _ => view! { <NoPermission /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
