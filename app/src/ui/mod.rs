//! The user interface: the HTML shell, the router, the admin layout and the pages.

mod layout;
mod login;
pub mod nav;
pub mod on_demand;
mod page_data;
mod pages;
pub mod settings;
pub mod time;
pub mod unsaved;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{Lazy, LazyRoute, path};

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
                <script inner_html=include_str!("not_live.js")></script>
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Called by the browser entry point once the whole page is hydrated (with the code of its page,
/// which may have been loaded as a chunk of its own): the marker tells tests (and anyone
/// debugging) that the interactive console is live, and the benchmark when that was.
#[cfg(feature = "hydrate")]
pub fn mark_hydrated() {
    if let Some(body) = document().body() {
        let _ = body.set_attribute("data-hydrated", "true");
    }
    if let Some(performance) = window().performance() {
        let _ = performance.mark("hydrated");
    }
    // The head's script remembers a reload made for missing code until the page is live.
    call_head_script("consoleLive");
}

/// Calls a function that the head's script (`not_live.js`) put on `window`, if it is there.
#[cfg(feature = "hydrate")]
fn call_head_script(name: &str) {
    use wasm_bindgen::JsCast;
    let function = js_sys::Reflect::get(&window(), &name.into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    if let Some(function) = function {
        let _ = function.call0(&wasm_bindgen::JsValue::NULL);
    }
}

/// A lazy page's code could not be fetched. After the console is live, `view` shows the page as
/// unavailable. But while the browser is still making the server's page live, drawing that
/// message would not match the server's HTML; so the head's script (`consoleCodeMissing` in
/// `not_live.js`, which does the same when the main code fails) loads the page again, once per
/// address and tab, the cure for a dropped connection, and if that fails too leaves it as the
/// server drew it, not live, with a notice at the top of its content and its links made plain
/// links, rather than stopping with an error.
#[cfg(all(feature = "hydrate", feature = "split"))]
async fn page_code_missing() {
    let starting = document()
        .body()
        .is_some_and(|body| !body.has_attribute("data-hydrated"));
    if !starting {
        return;
    }
    call_head_script("consoleCodeMissing");
    std::future::pending::<()>().await;
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    unsaved::provide_unsaved_guard();
    view! {
        <Stylesheet id="leptos" href="/pkg/mail_security_console.css" />
        <Title formatter=|text: String| {
            if text.is_empty() { "Admin console".to_string() } else { format!("{text} - Admin console") }
        } />
        // Mail Security is in the main part of the bundle, and with it the code the settings
        // pages share; every other page, sign-in included, loads its own code as a chunk
        // (`lazy_page!`). All pages lazy made Mail Security's first load 54 files whose shared
        // code compressed worse and took longer to hydrate (bench/FINDINGS.md).
        <Router>
            <Routes fallback=|| view! { <pages::NotFound /> }>
                <Route path=path!("/login") view={Lazy::<LoginRoute>::new()} />
                <ParentRoute path=path!("") view=layout::AdminShell>
                    <Route path=path!("") view={Lazy::<HomeRoute>::new()} />
                    <Route path=path!("security/mail") view=pages::MailSecurityPage />
                    <Route path=path!("security/network") view={Lazy::<NetworkRoute>::new()} />
                    <Route path=path!("security/api-tokens") view={Lazy::<ApiTokensRoute>::new()} />
                    <Route path=path!("service/mail/general") view={Lazy::<MailGeneralRoute>::new()} />
                    <Route path=path!("company/languages") view={Lazy::<LanguagesRoute>::new()} />
                    <Route path=path!("company/administrators") view={Lazy::<AdministratorsRoute>::new()} />
                    <Route path=path!("audit") view={Lazy::<AuditLogRoute>::new()} />
                    <Route path=path!("account/two-step") view={Lazy::<TwoStepRoute>::new()} />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// A page of the router. With the `split` feature its code is a chunk of its own (`$chunk`) that
/// the browser loads when the page is first shown (split from the bundle by `cargo leptos build
/// --split`), so that the first page of a visit does not carry every other page's code; the server
/// renders it as any other page and names the chunks the page needs in its `<head>` to load them
/// early. If the chunk cannot be fetched when the admin goes to the page, the page says so
/// (`PageUnavailable`) and the rest of the console keeps working.
#[cfg(feature = "split")]
macro_rules! lazy_page {
    ($route:ident, $chunk:ident, $view:expr) => {
        struct $route;

        mod $chunk {
            use super::*;

            #[leptos::wasm_split::wasm_split($chunk, wasm_split_path = ::leptos::wasm_split, fallible, preload(fetch))]
            pub fn page() -> Result<AnyView, on_demand::CodeUnavailable> {
                Ok($view.into_any())
            }
        }

        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            // The router waits for this before it draws or hydrates the page, so that `view` finds
            // the code at hand; after a failure `view` tries once more and shows the outcome,
            // except while the console is starting (`page_code_missing`).
            async fn preload() {
                if $chunk::fetch().await.is_err() {
                    #[cfg(feature = "hydrate")]
                    page_code_missing().await;
                }
            }

            async fn view(_this: Self) -> AnyView {
                // What the framework's own lazy routes do on the server: note the chunk, which
                // the `<head>` then names for preloading.
                #[cfg(not(target_family = "wasm"))]
                leptos::prefetch_lazy_fn_on_server(stringify!($chunk));
                match $chunk::page().await {
                    Ok(page) => page,
                    Err(on_demand::CodeUnavailable) => {
                        view! { <pages::PageUnavailable /> }.into_any()
                    }
                }
            }
        }
    };
}

/// Without `split` (e.g. `cargo leptos watch`): the same routes, in the one bundle.
#[cfg(not(feature = "split"))]
macro_rules! lazy_page {
    ($route:ident, $chunk:ident, $view:expr) => {
        struct $route;

        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            async fn view(_this: Self) -> AnyView {
                $view.into_any()
            }
        }
    };
}

lazy_page!(LoginRoute, login_page, view! { <login::LoginPage /> });
lazy_page!(HomeRoute, home_page, view! { <pages::HomePage /> });
lazy_page!(
    NetworkRoute,
    network_security_page,
    view! { <pages::NetworkSecurityPage /> }
);
lazy_page!(
    MailGeneralRoute,
    mail_general_page,
    view! { <pages::MailGeneralPage /> }
);
lazy_page!(
    LanguagesRoute,
    languages_page,
    view! { <pages::LanguagesPage /> }
);
lazy_page!(
    ApiTokensRoute,
    api_tokens_page,
    view! { <pages::ApiTokensPage /> }
);
lazy_page!(
    AdministratorsRoute,
    administrators_page,
    view! { <pages::AdministratorsPage /> }
);
lazy_page!(
    AuditLogRoute,
    audit_log_page,
    view! { <pages::AuditLogPage /> }
);
lazy_page!(
    TwoStepRoute,
    two_step_page,
    view! { <pages::TwoStepPage /> }
);
