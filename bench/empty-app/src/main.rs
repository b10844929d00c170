//! Serves the empty app (only built by the benchmark; its bundle size is what is measured).

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() {
    use empty_app::App;
    use leptos::prelude::*;
    use leptos_axum::{LeptosRoutes, generate_route_list};
    let options = LeptosOptions::builder().output_name("empty_app").build();
    let routes = generate_route_list(App);
    let app = axum::Router::new()
        .leptos_routes(&options, routes, {
            let options = options.clone();
            move || {
                view! {
                    <!DOCTYPE html>
                    <html><head><HydrationScripts options=options.clone() /></head><body><App /></body></html>
                }
            }
        })
        .with_state(options);
    if let Ok(listener) = tokio::net::TcpListener::bind("127.0.0.1:3999").await {
        let _ = axum::serve(listener, app).await;
    }
}

#[cfg(not(feature = "ssr"))]
fn main() {}
