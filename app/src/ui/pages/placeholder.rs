//! A page whose settings are not built yet: its title and the permission guard only.

use leptos::prelude::*;
use leptos_meta::Title;

use super::PageGuard;
use crate::domain::Page;

#[component]
pub fn Placeholder(page: Page) -> impl IntoView {
    let entry = page.entry();
    view! {
        <PageGuard page>
            <Title text=entry.label />
            <h1>{entry.label}</h1>
            <p class="hint">"The settings of this page are not available yet."</p>
        </PageGuard>
    }
}
