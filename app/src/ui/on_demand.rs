//! Parts of a page that only run once the admin opens them (Mail Security's "Security level" tab;
//! the member preview; the warning-text, import and re-sign-in dialogs; the list of conflicting
//! changes). In the release build (`split`) the code that draws each of them is a chunk of its
//! own, which the browser fetches the first time the part is opened, so a page's first load does
//! not carry it; the server never draws them.
//! Without `split` (e.g. `cargo leptos watch`) the code is in the one bundle and is there at once.
//!
//! A chunk that cannot be fetched (the connection dropped, the server was replaced by a newer
//! build) leaves the page working: the part says so and offers to try again, and opening it again
//! tries again too.

use leptos::prelude::*;
use std::future::Future;

/// What a chunk hands back: the function that draws its part from the page's state.
pub type Draw<A> = fn(A) -> AnyView;

/// The code of a part, or of a lazy page (`lazy_page!` in `ui/mod.rs`), could not be fetched.
/// Nothing is kept of the failed attempt: the next one starts afresh.
#[derive(Clone, Copy, Debug)]
pub struct CodeUnavailable;

impl From<leptos::wasm_split::SplitLoaderError> for CodeUnavailable {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        CodeUnavailable
    }
}

/// Declares `async fn $name() -> Result<Draw<$arg>, CodeUnavailable>`, the function that hands
/// over the code drawing a part: a chunk of its own with `split` (named after the function, which
/// is unique in the crate), at hand without it.
macro_rules! on_demand_code {
    ($name:ident, $arg:ty, $draw:expr) => {
        #[cfg(feature = "split")]
        #[leptos::wasm_split::wasm_split($name, wasm_split_path = ::leptos::wasm_split, fallible)]
        fn $name()
        -> Result<$crate::ui::on_demand::Draw<$arg>, $crate::ui::on_demand::CodeUnavailable> {
            let draw: $crate::ui::on_demand::Draw<$arg> = $draw;
            Ok(draw)
        }

        #[cfg(not(feature = "split"))]
        async fn $name()
        -> Result<$crate::ui::on_demand::Draw<$arg>, $crate::ui::on_demand::CodeUnavailable> {
            let draw: $crate::ui::on_demand::Draw<$arg> = $draw;
            Ok(draw)
        }
    };
}
pub(crate) use on_demand_code;

/// Where a part's code is.
enum Code<A: 'static> {
    NotAsked,
    Fetching,
    Failed,
    Here(Draw<A>),
}

// By hand: a derive would ask `A` to be `Copy`, which a function pointer taking it needs not.
impl<A> Clone for Code<A> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<A> Copy for Code<A> {}

/// Draws what `code` makes of `arg` once `wanted` has been true: the first time, `code` is
/// called to fetch the drawing function; from then on the part stays drawn, and its own signals
/// decide what it shows. While the code is on its way `loading` is shown, if given. If it cannot
/// be fetched, the part says so, with a button that tries again.
pub fn on_demand<A, F>(
    wanted: Signal<bool>,
    arg: A,
    code: impl Fn() -> F + Copy + Send + Sync + 'static,
    loading: Option<&'static str>,
) -> impl IntoView
where
    A: Clone + Send + Sync + 'static,
    F: Future<Output = Result<Draw<A>, CodeUnavailable>> + 'static,
{
    let state = RwSignal::new(Code::<A>::NotAsked);
    let fetch = move || {
        state.set(Code::Fetching);
        leptos::task::spawn_local(async move {
            let made = code().await;
            state.try_set(match made {
                Ok(draw) => Code::Here(draw),
                Err(CodeUnavailable) => Code::Failed,
            });
        });
    };
    // Effects run only in the browser, after hydration: the server and the hydrating browser
    // both draw nothing here.
    Effect::new(move || {
        // A failed fetch is tried again when the part is next opened.
        if wanted.get() && matches!(state.get_untracked(), Code::NotAsked | Code::Failed) {
            fetch();
        }
    });
    move || match state.get() {
        Code::Here(make) => {
            let arg = arg.clone();
            untrack(move || make(arg))
        }
        Code::Fetching => match loading.filter(|_| wanted.get()) {
            Some(text) => view! { <p class="muted" role="status">{text}</p> }.into_any(),
            None => ().into_any(),
        },
        Code::Failed if wanted.get() => unavailable(fetch),
        Code::Failed | Code::NotAsked => ().into_any(),
    }
}

/// In place of a part whose code could not be fetched.
fn unavailable(try_again: impl Fn() + 'static) -> AnyView {
    const TEXT: &str =
        "This part of the page could not be loaded. Check the connection, then try again.";
    view! {
        <div class="status failed on-demand-failed" role="alert">
            <p>{TEXT}</p>
            <button type="button" on:click=move |_| try_again()>
                "Try again"
            </button>
        </div>
    }
    .into_any()
}
