//! Times: stored and sent in UTC, shown in the admin's local time.

use leptos::prelude::*;

/// How long until a refused sign-in may be tried again, as a person reads it: seconds under a
/// minute (a storm's pace asks for a few), whole minutes above (a locked account waits for many).
fn wait_text(secs: u64) -> String {
    let (n, unit) = if secs < 60 {
        (secs.max(1), "second")
    } else {
        (secs.div_ceil(60), "minute")
    };
    format!("in about {n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// The message for a sign-in refused until `retry_after_secs` have passed.
pub fn too_many_sign_ins(retry_after_secs: u64) -> String {
    format!(
        "Too many failed sign-ins. Please try again {}.",
        wait_text(retry_after_secs)
    )
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_read_in_the_unit_a_person_would_use() {
        assert_eq!(wait_text(0), "in about 1 second");
        assert_eq!(wait_text(3), "in about 3 seconds");
        assert_eq!(wait_text(59), "in about 59 seconds");
        assert_eq!(wait_text(60), "in about 1 minute");
        assert_eq!(wait_text(61), "in about 2 minutes");
        assert_eq!(wait_text(900), "in about 15 minutes");
        assert_eq!(
            too_many_sign_ins(3),
            "Too many failed sign-ins. Please try again in about 3 seconds."
        );
    }
}
