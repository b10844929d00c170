//! Sessions: cookie flags, id renewal at sign-in, server-side sign-out, idle and absolute expiry,
//! survival across restarts, and ending every session of a user.

use crate::both;
use crate::harness::{Backend, PASSWORD, TestApp, email};
use app::backend::accounts;
use app::domain::Role;
use server::startup::SESSION_COOKIE;
use std::time::Duration;

/// Signs in without a cookie jar and returns the raw `Set-Cookie` header.
pub(crate) async fn sign_in_raw(app: &TestApp, role: Role, planted: Option<&str>) -> String {
    let client = reqwest::Client::new();
    let mut req = client
        .post(app.url("/api/sign_in"))
        .form(&[("email", email(role).as_str()), ("password", PASSWORD)]);
    if let Some(id) = planted {
        req = req.header("Cookie", format!("{SESSION_COOKIE}={id}"));
    }
    let res = req.send().await.expect("sign in");
    assert_eq!(res.status(), 200);
    res.headers()["set-cookie"]
        .to_str()
        .expect("ascii")
        .to_string()
}

pub(crate) fn cookie_value(set_cookie: &str) -> String {
    set_cookie
        .split(';')
        .next()
        .and_then(|kv| kv.split_once('='))
        .map(|(_, v)| v.to_string())
        .expect("cookie value")
}

/// Calls the server function `endpoint` with exactly this session id and nothing else.
pub(crate) async fn call_with_session(
    app: &TestApp,
    endpoint: &str,
    id: &str,
) -> reqwest::Response {
    reqwest::Client::new()
        .post(app.url(&format!("/api/{endpoint}")))
        .header("Cookie", format!("{SESSION_COOKIE}={id}"))
        .send()
        .await
        .expect("request")
}

/// Calls `current_admin` with exactly this session id.
pub(crate) async fn whoami_status(app: &TestApp, id: &str) -> u16 {
    call_with_session(app, "current_admin", id)
        .await
        .status()
        .as_u16()
}

async fn cookie_is_secure_http_only_and_strict_by_default(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| c.session_cookie_secure = true).await;
    let cookie = sign_in_raw(&app, Role::SuperAdmin, None).await;
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(cookie.contains("Secure"), "{cookie}");
    assert!(cookie.starts_with(&format!("{SESSION_COOKIE}=")));
    app.finish().await;
}
both!(
    cookie_is_secure_http_only_and_strict_by_default,
    cookie_is_secure_http_only_and_strict_by_default
);

async fn session_id_changes_at_sign_in(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let first = cookie_value(&sign_in_raw(&app, Role::SuperAdmin, None).await);
    // Signing in again on that session yields a new id, and the old one is worthless.
    let second = cookie_value(&sign_in_raw(&app, Role::SuperAdmin, Some(&first)).await);
    assert_ne!(first, second);
    assert_eq!(whoami_status(&app, &first).await, 401);
    assert_eq!(whoami_status(&app, &second).await, 200);
    // A planted id is never adopted.
    let planted = "AAAAAAAAAAAAAAAAAAAAAA";
    let third = cookie_value(&sign_in_raw(&app, Role::SuperAdmin, Some(planted)).await);
    assert_ne!(third, planted);
    assert_eq!(whoami_status(&app, planted).await, 401);
    app.finish().await;
}
both!(session_id_changes_at_sign_in, session_id_changes_at_sign_in);

/// Using the console keeps the session alive without writing it on every request: within a
/// twentieth of the idle timeout a request neither rewrites the session nor sends the cookie again.
async fn requests_do_not_rewrite_the_session_each_time(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = cookie_value(&sign_in_raw(&app, Role::Auditor, None).await);
    for _ in 0..3 {
        let res = call_with_session(&app, "current_admin", &id).await;
        assert_eq!(res.status(), 200);
        assert!(
            res.headers().get("set-cookie").is_none(),
            "the session was saved again by a read"
        );
    }
    app.finish().await;
}
both!(
    requests_do_not_rewrite_the_session_each_time,
    requests_do_not_rewrite_the_session_each_time
);

async fn sign_out_ends_the_session_on_the_server(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = cookie_value(&sign_in_raw(&app, Role::Auditor, None).await);
    assert_eq!(whoami_status(&app, &id).await, 200);
    let res = call_with_session(&app, "sign_out", &id).await;
    assert_eq!(res.status(), 200);
    // Replaying the old cookie does not bring the session back.
    assert_eq!(whoami_status(&app, &id).await, 401);
    app.finish().await;
}
both!(
    sign_out_ends_the_session_on_the_server,
    sign_out_ends_the_session_on_the_server
);

async fn idle_sessions_expire_and_activity_keeps_them(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| c.session_idle_timeout_secs = 3).await;
    let idle = cookie_value(&sign_in_raw(&app, Role::SuperAdmin, None).await);
    let busy = cookie_value(&sign_in_raw(&app, Role::SuperAdmin, None).await);
    for _ in 0..5 {
        tokio::time::sleep(Duration::from_millis(1000)).await;
        assert_eq!(
            whoami_status(&app, &busy).await,
            200,
            "activity keeps a session"
        );
    }
    // The idle one was unused for 5 s > 3 s; the server refuses it even with the cookie sent.
    assert_eq!(whoami_status(&app, &idle).await, 401);
    app.finish().await;
}
both!(
    idle_sessions_expire_and_activity_keeps_them,
    idle_sessions_expire_and_activity_keeps_them
);

async fn sessions_end_at_their_absolute_lifetime(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| c.session_absolute_lifetime_secs = 2).await;
    let id = cookie_value(&sign_in_raw(&app, Role::SuperAdmin, None).await);
    assert_eq!(whoami_status(&app, &id).await, 200);
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(1100)).await;
        whoami_status(&app, &id).await;
    }
    assert_eq!(whoami_status(&app, &id).await, 401);
    app.finish().await;
}
both!(
    sessions_end_at_their_absolute_lifetime,
    sessions_end_at_their_absolute_lifetime
);

async fn sessions_survive_a_restart(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = cookie_value(&sign_in_raw(&app, Role::SecurityAdmin, None).await);
    let app = app.restart().await;
    assert_eq!(whoami_status(&app, &id).await, 200);
    app.finish().await;
}
both!(sessions_survive_a_restart, sessions_survive_a_restart);

async fn deactivation_and_password_change_end_all_sessions(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let a = cookie_value(&sign_in_raw(&app, Role::Auditor, None).await);
    let b = cookie_value(&sign_in_raw(&app, Role::Auditor, None).await);
    let other = cookie_value(&sign_in_raw(&app, Role::MailAdmin, None).await);
    accounts::reset_password(
        &app.state.db,
        &app.state.hasher,
        &email(Role::Auditor),
        "a brand new passphrase",
    )
    .await
    .expect("reset");
    assert_eq!(whoami_status(&app, &a).await, 401);
    assert_eq!(whoami_status(&app, &b).await, 401);
    assert_eq!(
        whoami_status(&app, &other).await,
        200,
        "other users keep their sessions"
    );

    let c = cookie_value(&sign_in_raw(&app, Role::MailAdmin, None).await);
    accounts::set_active(&app.state.db, &email(Role::MailAdmin), false)
        .await
        .expect("deactivate");
    assert_eq!(whoami_status(&app, &other).await, 401);
    assert_eq!(whoami_status(&app, &c).await, 401);
    // A deactivated user cannot sign in again either, and is told nothing more than anyone.
    let res = reqwest::Client::new()
        .post(app.url("/api/sign_in"))
        .form(&[
            ("email", email(Role::MailAdmin).as_str()),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .expect("sign in");
    assert_eq!(res.status(), 401);
    app.finish().await;
}
both!(
    deactivation_and_password_change_end_all_sessions,
    deactivation_and_password_change_end_all_sessions
);
