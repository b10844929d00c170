//! The console's start page: the menus this admin may open.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::domain::menu::visible_entries;
use crate::ui::layout::SignedInAdmin;

#[component]
pub fn HomePage() -> impl IntoView {
    let admin = SignedInAdmin::current();
    view! {
        <Title text="Home" />
        <h1>"Admin console"</h1>
        {admin.map(|admin| {
            let links = visible_entries(admin.role)
                .into_iter()
                .map(|e| view! { <li><a href=e.path>{e.label}</a></li> })
                .collect_view();
            view! {
                <p>{format!("Welcome, {}.", admin.display_name)}</p>
                <ul class="home-links">{links}</ul>
            }
        })}
    }
}
