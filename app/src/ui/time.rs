//! Times: stored and sent in UTC, shown in the admin's local time.

use leptos::prelude::*;

/// A UTC time, shown in the browser's local time once the page is live (the server renders UTC).
#[component]
pub fn LocalTime(iso: String) -> impl IntoView {
    let utc = iso.replace('T', " ").replace('Z', " UTC");
    let shown = RwSignal::new(utc.clone());
    #[cfg(feature = "hydrate")]
    {
        let iso = iso.clone();
        Effect::new(move || {
            let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(&iso));
            if !date.get_time().is_nan() {
                let local: String = date
                    .to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED)
                    .into();
                shown.set(local);
            }
        });
    }
    view! { <time datetime=iso title=utc>{move || shown.get()}</time> }
}
