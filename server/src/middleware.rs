//! HTTP middleware: cross-origin refusal, sign-in redirects for pages, and HTTP statuses for
//! server-function errors.

use app::AppError;
use app::api::preload::TWO_STEP_PATH;
use app::backend::AppState;
use app::backend::auth::ActorMemo;
use app::ui::nav::login_path;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use http::{HeaderValue, Method, StatusCode, header};
use server_fn_error::{error_response, is_server_fn_error};
use tower_sessions::Session;

mod server_fn_error {
    use super::*;

    /// The header with which server functions mark an error response.
    pub const SERVER_FN_ERROR_HEADER: &str = "serverfnerror";

    pub fn is_server_fn_error(res: &Response) -> bool {
        res.headers().contains_key(SERVER_FN_ERROR_HEADER)
    }

    /// A response the server-function client decodes as `err`.
    pub fn error_response(path: &str, err: &AppError) -> Response {
        use server_fn::error::FromServerFnError;
        let mut res = Response::new(Body::from(err.ser()));
        *res.status_mut() = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::FORBIDDEN);
        if let Ok(v) = HeaderValue::from_str(path) {
            res.headers_mut().insert(SERVER_FN_ERROR_HEADER, v);
        }
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        res
    }
}

fn same_origin(origin: &str, host: &str) -> bool {
    origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .is_some_and(|rest| rest.eq_ignore_ascii_case(host))
}

/// Refuses state-changing requests sent by a browser from another origin. Browsers mark every
/// such request with `Sec-Fetch-Site` and/or `Origin`; requests without either come from
/// non-browser clients, which carry no ambient cookies to abuse.
pub async fn refuse_cross_origin(req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe {
        let headers = req.headers();
        let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
        let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
        let refused = match (fetch_site, origin) {
            (Some(site), _) if site != "same-origin" && site != "none" => true,
            (_, Some(origin)) => !host.is_some_and(|h| same_origin(origin, h)),
            _ => false,
        };
        if refused {
            tracing::warn!(path = %req.uri().path(), ?origin, ?fetch_site, "cross-origin request refused");
            return error_response(req.uri().path(), &AppError::CrossOrigin);
        }
    }
    next.run(req).await
}

/// A body refused for its size is left unread, so the server drops the connection after the
/// 413; saying so lets clients open a new one for their next request instead of sending it down
/// the closing one.
pub async fn close_after_refused_body(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    if res.status() == StatusCode::PAYLOAD_TOO_LARGE {
        res.headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    res
}

/// Gives server-function errors their meaning as an HTTP status (401, 403, 422, ...) instead of
/// the generic 500 the framework uses.
pub async fn server_fn_error_status(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    if !is_server_fn_error(&res) || res.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        parts.status = StatusCode::INTERNAL_SERVER_ERROR;
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(err) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    Response::from_parts(parts, Body::from(bytes))
}

fn is_page_request(req: &Request) -> bool {
    let path = req.uri().path();
    req.method() == Method::GET
        && !path.starts_with("/api/")
        && !path.starts_with("/pkg/")
        && !path.contains('.')
}

/// Pages need a signed-in admin: anyone else goes to the sign-in page, which then returns them to
/// the page they asked for. A signed-in admin who opens the sign-in page goes to the console.
pub async fn page_guard(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    if !is_page_request(&req) {
        return next.run(req).await;
    }
    let Some(session) = req.extensions().get::<Session>().cloned() else {
        return next.run(req).await;
    };
    // The page's server-side render reuses what is resolved here.
    let memo = ActorMemo::default();
    req.extensions_mut().insert(memo.clone());
    let actor = match memo.resolve(&session, &state).await {
        Ok(actor) => actor,
        Err(_) => return unavailable_page(),
    };
    // An admin whose company requires two-step verification sets it up before anything else:
    // every page leads to the set-up until then.
    let path = req.uri().path();
    if actor.as_ref().is_some_and(|admin| admin.two_step_missing)
        && path != TWO_STEP_PATH
        && path != "/login"
    {
        return Redirect::to(TWO_STEP_PATH).into_response();
    }
    // What the page shows first is loaded here, where waiting is allowed, so that its render
    // builds it once from what is at hand (`app::api::preload`).
    if let Some(admin) = &actor {
        let (parts, body) = req.into_parts();
        let preload = app::api::preload::for_request(&state, admin, &parts).await;
        req = Request::from_parts(parts, body);
        if let Some(preload) = preload {
            req.extensions_mut().insert(preload);
        }
    }
    let path = req.uri().path();
    match (path == "/login", actor.is_some()) {
        (true, true) => {
            let next_path = req.uri().query().and_then(next_parameter);
            Redirect::to(&app::domain::NextPath::or_home(next_path.as_deref())).into_response()
        }
        (false, false) => {
            let target = req
                .uri()
                .path_and_query()
                .map(|p| p.as_str().to_string())
                .unwrap_or_else(|| path.to_string());
            Redirect::to(&login_path(&target)).into_response()
        }
        _ => next.run(req).await,
    }
}

/// What a browser gets for a page while the database cannot be reached: a page that says so and
/// reloads itself, so the console comes back on its own.
fn unavailable_page() -> Response {
    const PAGE: &str = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
        <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
        <meta http-equiv=\"refresh\" content=\"10\"><title>Temporarily unavailable</title></head>\
        <body><main><h1>The console is temporarily unavailable</h1>\
        <p>The service is temporarily unavailable. This page tries again every 10 seconds; \
        nothing you saved is lost.</p></main></body></html>";
    let mut res = (StatusCode::SERVICE_UNAVAILABLE, axum::response::Html(PAGE)).into_response();
    res.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("10"));
    res
}

/// The `next` parameter of a query string, decoded.
fn next_parameter(query: &str) -> Option<String> {
    form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == "next")
        .map(|(_, value)| value.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_compare_by_scheme_less_host() {
        assert!(same_origin("http://127.0.0.1:3000", "127.0.0.1:3000"));
        assert!(same_origin(
            "https://console.example.com",
            "console.example.com"
        ));
        assert!(!same_origin("https://evil.example", "console.example.com"));
        assert!(!same_origin("null", "console.example.com"));
        assert!(!same_origin("http://127.0.0.1:3001", "127.0.0.1:3000"));
    }

    #[test]
    fn decodes_the_next_parameter() {
        assert_eq!(
            next_parameter("next=%2Faudit%3Fpage%3D2").as_deref(),
            Some("/audit?page=2")
        );
        assert_eq!(next_parameter("a=1&next=/a%2").as_deref(), Some("/a%2"));
        assert_eq!(next_parameter("next=%").as_deref(), Some("%"));
        assert_eq!(next_parameter("nextx=/a"), None);
    }
}
