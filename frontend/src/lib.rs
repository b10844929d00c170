//! The browser entry point: hydrates the server-rendered console. Hydration is asynchronous, so
//! that a page whose code is a chunk of its own hydrates once that chunk has loaded; the page is
//! marked live only then.

use leptos::prelude::document;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    let Some(body) = document().body() else {
        return;
    };
    // The code is here: failures from now on are the code's to report (see `not_live.js`).
    let _ = body.set_attribute("data-code-loaded", "");
    wasm_bindgen_futures::spawn_local(async move {
        leptos::mount::hydrate_from_async(body, app::ui::App)
            .await
            .forget();
        app::ui::mark_hydrated();
    });
}
