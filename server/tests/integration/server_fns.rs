//! Every registered server function, called without a session, is refused. New functions that
//! take arguments must be given example arguments here, or this test fails, so none escapes it.

use crate::both;
use crate::harness::{Backend, TestApp};

/// Functions that may be called without a session, and why.
const OPEN: &[&str] = &[
    // Signing in is how one gets a session.
    "/api/sign_in",
];

const FORM: &str = "application/x-www-form-urlencoded";
const JSON: &str = "application/json";
const NO_CHANGES: &str = r#"{"changes":[{"key":"mail_backup","value":false,"base_version":0}]}"#;

/// Well-formed arguments for functions that take some, so that the call reaches the
/// function's own permission check instead of failing to parse.
const EXAMPLE_ARGS: &[(&str, &str, &str)] = &[
    ("/api/sign_in", FORM, "email=x%40acme.example&password=x"),
    ("/api/list_audit", JSON, r#"{"query":{}}"#),
    ("/api/save_mail_security", JSON, NO_CHANGES),
    ("/api/save_network_security", JSON, NO_CHANGES),
    ("/api/save_mail_general", JSON, NO_CHANGES),
    ("/api/save_languages", JSON, NO_CHANGES),
    ("/api/set_user_role", FORM, "user_id=1&role=member"),
    ("/api/set_user_active", FORM, "user_id=1&active=false"),
    ("/api/hand_over_super_admin", FORM, "user_id=1&password=x"),
    ("/api/change_details", FORM, "save_id=x"),
    ("/api/revert_change", JSON, r#"{"save_id":"x","fields":[]}"#),
    ("/api/preview_policy_import", JSON, r#"{"file":"{}"}"#),
    ("/api/create_api_token", FORM, "name=x"),
    ("/api/revoke_api_token", FORM, "id=1"),
    (
        "/api/apply_policy_import",
        JSON,
        r#"{"file":"{}","expected":[]}"#,
    ),
];

async fn every_server_function_refuses_anonymous_callers(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = app.client();
    let paths: Vec<_> = server_fn::axum::server_fn_paths().collect();
    assert!(
        paths.len() >= 3,
        "server functions are registered: {paths:?}"
    );
    for (path, method) in paths {
        assert_eq!(
            method,
            http::Method::POST,
            "{path} must not be reachable by GET"
        );
        let (content_type, body) = EXAMPLE_ARGS
            .iter()
            .find(|(p, _, _)| *p == path)
            .map(|(_, c, b)| (*c, *b))
            .unwrap_or((FORM, ""));
        let res = client
            .post(app.url(path))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("request");
        let status = res.status().as_u16();
        let text = res.text().await.unwrap_or_default();
        if OPEN.contains(&path) {
            assert_ne!(status, 200, "{path} with bad credentials");
            continue;
        }
        assert!(
            !(status == 422 && text.contains("\"request\"")),
            "{path} needs example arguments in EXAMPLE_ARGS to reach its permission check"
        );
        assert_eq!(status, 401, "{path} must refuse anonymous callers: {text}");
        assert!(text.contains("unauthenticated"), "{path}: {text}");
        // GET is not routed at all.
        let get = client.get(app.url(path)).send().await.expect("request");
        assert_ne!(get.status().as_u16(), 200, "{path} by GET");
    }
    app.finish().await;
}
both!(
    every_server_function_refuses_anonymous_callers,
    every_server_function_refuses_anonymous_callers
);
