//! The pages that show data from the server (audit log, administrators, API tokens, two-step
//! verification) arrive rendered with it: the page guard loads it before the render, so the first
//! HTML already holds it and a page outside the admin's role loads nothing.

use crate::both;
use crate::harness::{Backend, TestApp, email};
use crate::settings::audit_rows;
use app::domain::Role;
use serde_json::json;

const LOADING: &str = "Loading…";

async fn pages_arrive_with_their_data(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signed_in(Role::SuperAdmin).await;
    let res = app
        .call(
            &admin,
            "create_api_token",
            &[("name", "mx1.rendered.example")],
        )
        .await;
    assert_eq!(res.status(), 200);

    let html = app.page_html(&admin, "/security/api-tokens").await;
    assert!(html.contains("mx1.rendered.example"), "{html}");
    assert!(html.contains(">Revoke</button>"), "{html}");
    assert!(!html.contains(LOADING), "{html}");

    let html = app.page_html(&admin, "/company/administrators").await;
    assert!(html.contains(&email(Role::Auditor)), "{html}");
    assert!(html.contains("Hand over Super admin"), "{html}");
    assert!(!html.contains(LOADING), "{html}");

    let html = app.page_html(&admin, "/account/two-step").await;
    assert!(html.contains("Set up two-step verification"), "{html}");
    assert!(!html.contains(LOADING), "{html}");

    // The audit log, for the filters in the address: the token's creation, and nothing for an
    // admin who made no change.
    let html = app
        .page_html(&admin, "/audit?text=mx1.rendered.example")
        .await;
    assert!(html.contains("1 records"), "{html}");
    assert!(html.contains("mx1.rendered.example"), "{html}");
    assert!(!html.contains(LOADING), "{html}");
    let html = app
        .page_html(&admin, "/audit?admin=nobody.here%40nowhere.example")
        .await;
    assert!(html.contains("No records match."), "{html}");
    app.finish().await;
}
both!(pages_arrive_with_their_data, pages_arrive_with_their_data);

async fn a_page_outside_the_role_loads_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mail_admin = app.signed_in(Role::MailAdmin).await;
    for path in ["/company/administrators", "/audit", "/security/api-tokens"] {
        let html = app.page_html(&mail_admin, path).await;
        assert!(html.contains("No permission"), "{path}: {html}");
        assert!(!html.contains(&email(Role::Auditor)), "{path}: {html}");
    }
    // Opening a page the menu does not offer is not a refused call: nothing was asked of the
    // server on the admin's behalf.
    let admin = app.signed_in(Role::SuperAdmin).await;
    let refused = audit_rows(&app, &admin, json!({"action": "Refused call"})).await;
    assert!(refused.is_empty(), "{refused:?}");
    app.finish().await;
}
both!(
    a_page_outside_the_role_loads_nothing,
    a_page_outside_the_role_loads_nothing
);
