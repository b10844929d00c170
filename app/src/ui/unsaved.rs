//! Asks before leaving a page with unsaved edits: by a link (menu), by Back, or by closing or
//! reloading the tab. Installed once, before the router, so that a refused Back never reaches it.

use leptos::prelude::*;

/// Set by a page while it has unsaved edits.
#[derive(Clone, Copy)]
pub struct UnsavedEdits(pub RwSignal<bool>);

pub const LEAVE_QUESTION: &str = "You have unsaved changes. Leave this page and discard them?";

pub fn provide_unsaved_guard() {
    let dirty = RwSignal::new(false);
    provide_context(UnsavedEdits(dirty));
    #[cfg(feature = "hydrate")]
    install(dirty);
}

#[cfg(feature = "hydrate")]
fn install(dirty: RwSignal<bool>) {
    use std::cell::Cell;
    use std::rc::Rc;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    /// The admin chose to leave: the edits are discarded, also the copy kept in this browser.
    fn discard(dirty: RwSignal<bool>) {
        dirty.set(false);
        crate::ui::settings::drafts::clear_all();
    }

    fn confirm() -> bool {
        window()
            .confirm_with_message(LEAVE_QUESTION)
            .unwrap_or(true)
    }

    // Links: capture phase, so this runs before the router's click handler.
    let on_click = Closure::<dyn Fn(web_sys::MouseEvent)>::new(move |e: web_sys::MouseEvent| {
        if !dirty.get_untracked() || e.default_prevented() || e.button() != 0 {
            return;
        }
        let anchor = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("a[href]").ok().flatten());
        let Some(anchor) = anchor else { return };
        let href = anchor.get_attribute("href").unwrap_or_default();
        let here = leptos::prelude::window()
            .location()
            .pathname()
            .unwrap_or_default();
        if href.starts_with('#') || href == here {
            return;
        }
        if confirm() {
            discard(dirty);
        } else {
            e.prevent_default();
            e.stop_immediate_propagation();
        }
    });
    let _ = document().add_event_listener_with_callback_and_bool(
        "click",
        on_click.as_ref().unchecked_ref(),
        true,
    );
    on_click.forget();

    // Back/Forward: the browser has already moved; refusing steps forward again, and neither
    // step reaches the router, so the page and its edits stay as they are.
    let restoring = Rc::new(Cell::new(false));
    let on_popstate = Closure::<dyn Fn(web_sys::Event)>::new(move |e: web_sys::Event| {
        if restoring.get() {
            restoring.set(false);
            e.stop_immediate_propagation();
            return;
        }
        if !dirty.get_untracked() {
            return;
        }
        if confirm() {
            discard(dirty);
        } else {
            e.stop_immediate_propagation();
            restoring.set(true);
            if let Ok(history) = leptos::prelude::window().history() {
                let _ = history.forward();
            }
        }
    });
    let _ = leptos::prelude::window().add_event_listener_with_callback_and_bool(
        "popstate",
        on_popstate.as_ref().unchecked_ref(),
        true,
    );
    on_popstate.forget();

    // Closing or reloading the tab: the browser asks with its own words.
    let on_unload =
        Closure::<dyn Fn(web_sys::BeforeUnloadEvent)>::new(move |e: web_sys::BeforeUnloadEvent| {
            if dirty.get_untracked() {
                e.prevent_default();
                e.set_return_value(LEAVE_QUESTION);
            }
        });
    let _ = leptos::prelude::window()
        .add_event_listener_with_callback("beforeunload", on_unload.as_ref().unchecked_ref());
    on_unload.forget();
}
