//! Data from the server for a page, the admin shell or a dialog, built without a `Suspense` (the
//! console has none).
//!
//! A server-side render starts from what the page guard loaded before it (`api::preload`), and
//! the browser hydrates with the same answer (the caller passes it through a `SharedValue`), so
//! the page is built once, from a value at hand. A browser that navigated to the page, or a render
//! that found nothing loaded, starts with `None` ("Loading…") and loads in the browser. Each
//! change of `source` loads again, and the page keeps showing what it has until the answer comes,
//! as a `Transition` would; an answer overtaken by a later load is dropped.

use std::future::Future;

use leptos::prelude::*;

use crate::error::AppError;

pub type Loaded<T> = Option<Result<T, AppError>>;

/// The data `load` answers for the current `source`, starting from `first`.
pub fn page_data<S, T, Fut>(
    first: Loaded<T>,
    source: impl Fn() -> S + 'static,
    load: impl Fn(S) -> Fut + 'static,
) -> ReadSignal<Loaded<T>>
where
    S: 'static,
    T: Send + Sync + 'static,
    Fut: Future<Output = Result<T, AppError>> + 'static,
{
    let had_first = first.is_some();
    let data = RwSignal::new(first);
    let latest = StoredValue::new(0u64);
    // Effects run only in the browser, after hydration.
    Effect::new(move |ran: Option<()>| {
        let wanted = source();
        if ran.is_none() && had_first {
            return;
        }
        latest.update_value(|n| *n += 1);
        let this = latest.get_value();
        let answer = load(wanted);
        leptos::task::spawn_local(async move {
            let answer = answer.await;
            if latest.try_get_value() == Some(this) {
                data.try_set(Some(answer));
            }
        });
    });
    data.read_only()
}

/// What a page shows while its data is loading.
pub fn loading() -> AnyView {
    view! { <p class="loading">"Loading…"</p> }.into_any()
}
