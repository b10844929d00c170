//! The user interface: the HTML shell, the router, the admin layout and the pages.

mod layout;
mod login;
pub mod nav;
mod page_data;
mod pages;
pub mod settings;
pub mod time;
pub mod unsaved;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

/// The HTML document the server renders around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="/favicon.ico" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    unsaved::provide_unsaved_guard();
    // Effects run only in the browser, once the page is hydrated: the marker tells tests (and
    // anyone debugging) that the interactive console is live.
    Effect::new(|_| {
        #[cfg(feature = "hydrate")]
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
        #[cfg(feature = "hydrate")]
        if let Some(performance) = window().performance() {
            let _ = performance.mark("hydrated");
        }
    });
    view! {
        <Stylesheet id="leptos" href="/pkg/mail_security_console.css" />
        <Title formatter=|text: String| {
            if text.is_empty() { "Admin console".to_string() } else { format!("{text} - Admin console") }
        } />
        <Router>
            <Routes fallback=|| view! { <pages::NotFound /> }>
                <Route path=path!("/login") view=login::LoginPage />
                <ParentRoute path=path!("") view=layout::AdminShell>
                    <Route path=path!("") view=pages::HomePage />
                    <Route
                        path=path!("security/mail")
                        view=pages::MailSecurityPage
                    />
                    <Route
                        path=path!("security/network")
                        view=pages::NetworkSecurityPage
                    />
                    <Route path=path!("security/api-tokens") view=pages::ApiTokensPage />
                    <Route
                        path=path!("service/mail/general")
                        view=pages::MailGeneralPage
                    />
                    <Route
                        path=path!("company/languages")
                        view=pages::LanguagesPage
                    />
                    <Route
                        path=path!("company/administrators")
                        view=pages::AdministratorsPage
                    />
                    <Route
                        path=path!("audit")
                        view=pages::AuditLogPage
                    />
                    <Route path=path!("account/two-step") view=|| view! { <pages::TwoStepPage /> } />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
