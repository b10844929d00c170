//! An empty Leptos app: the size baseline for the console's wasm bundle.

use leptos::prelude::*;

#[component]
pub fn App() -> impl IntoView {
    view! { <p>"Hello"</p> }
}

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    leptos::mount::hydrate_body(App);
}
