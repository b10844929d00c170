//! Parts of a page that only run once the admin opens them (the member preview; the warning-text,
//! import and re-sign-in dialogs; the list of conflicting changes). In the release build (`split`) the code that draws each of them is
//! a chunk of its own, which the browser fetches the first time the part is opened, so a page's
//! first load does not carry it; the server never draws them. Without `split` (e.g.
//! `cargo leptos watch`) the code is in the one bundle and is there at once.

use leptos::prelude::*;
use std::future::Future;

/// What a chunk hands back: the function that draws its part from the page's state.
pub type Draw<A> = fn(A) -> AnyView;

/// Declares `async fn $name() -> Draw<$arg>`, the function that hands over the code drawing a
/// part: a chunk of its own with `split`, at hand without it.
macro_rules! on_demand_code {
    ($name:ident, $arg:ty, $draw:expr) => {
        #[cfg_attr(feature = "split", leptos::lazy)]
        async fn $name() -> $crate::ui::on_demand::Draw<$arg> {
            let draw: $crate::ui::on_demand::Draw<$arg> = $draw;
            draw
        }
    };
}
pub(crate) use on_demand_code;

/// Draws what `code` makes of `arg` once `wanted` has been true: the first time, `code` is
/// called to fetch the drawing function; from then on the part stays drawn, and its own signals
/// decide what it shows. While the code is on its way `loading` is shown, if given.
pub fn on_demand<A, F>(
    wanted: Signal<bool>,
    arg: A,
    code: impl Fn() -> F + Copy + 'static,
    loading: Option<&'static str>,
) -> impl IntoView
where
    A: Clone + Send + Sync + 'static,
    F: Future<Output = Draw<A>> + 'static,
{
    let draw = RwSignal::new(None::<Draw<A>>);
    let asked = StoredValue::new(false);
    // Effects run only in the browser, after hydration: the server and the hydrating browser
    // both draw nothing here.
    Effect::new(move || {
        if wanted.get() && !asked.get_value() {
            asked.set_value(true);
            leptos::task::spawn_local(async move {
                let made = code().await;
                draw.set(Some(made));
            });
        }
    });
    move || match draw.get() {
        Some(make) => {
            let arg = arg.clone();
            untrack(move || make(arg))
        }
        None => match loading.filter(|_| wanted.get()) {
            Some(text) => view! { <p class="muted" role="status">{text}</p> }.into_any(),
            None => ().into_any(),
        },
    }
}
