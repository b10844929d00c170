//! History and revert: a save's diff, and reverting it as an ordinary save with its checks.

use crate::both;
use crate::harness::{Backend, FREE_ADMIN, TestApp};
use crate::settings::audit_rows;
use app::domain::Role;
use serde_json::{Value, json};

async fn save(
    app: &TestApp,
    client: &reqwest::Client,
    page: &str,
    changes: &[(&str, Value)],
) -> (u16, Value) {
    let current = app
        .call(client, &format!("load_{page}"), &[])
        .await
        .json::<Value>()
        .await
        .unwrap_or_default();
    let changes: Vec<Value> = changes
        .iter()
        .map(|(k, v)| json!({"key": k, "value": v, "base_version": current["versions"][k]}))
        .collect();
    let res = app
        .call_json(client, &format!("save_{page}"), json!({"changes": changes}))
        .await;
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or_default())
}

async fn last_save_id(app: &TestApp, client: &reqwest::Client) -> String {
    audit_rows(app, client, json!({"action": "Change setting"})).await[0]["save_id"]
        .as_str()
        .expect("save id")
        .to_string()
}

async fn details(app: &TestApp, client: &reqwest::Client, save_id: &str) -> (u16, Value) {
    let res = app
        .call(client, "change_details", &[("save_id", save_id)])
        .await;
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or_default())
}

async fn revert(app: &TestApp, client: &reqwest::Client, save_id: &str, d: &Value) -> (u16, Value) {
    let fields: Vec<Value> = d["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| json!({"key": f["key"], "base_version": f["now_version"]}))
        .collect();
    let res = app
        .call_json(
            client,
            "revert_change",
            json!({"save_id": save_id, "fields": fields}),
        )
        .await;
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or_default())
}

async fn a_save_shows_its_diff_and_reverts(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signed_in(Role::SecurityAdmin).await;
    let (status, _) = save(
        &app,
        &admin,
        "mail_security",
        &[
            ("mail_backup", json!(false)),
            ("external_alert_banner", json!(true)),
        ],
    )
    .await;
    assert_eq!(status, 200);
    let id = last_save_id(&app, &admin).await;
    let (status, d) = details(&app, &admin, &id).await;
    assert_eq!(status, 200, "{d}");
    let fields = d["fields"].as_array().cloned().unwrap_or_default();
    assert_eq!(fields.len(), 2);
    let backup = fields
        .iter()
        .find(|f| f["key"] == "mail_backup")
        .expect("field");
    assert_eq!(
        (
            backup["before"].as_str(),
            backup["after"].as_str(),
            backup["now"].as_str()
        ),
        (Some("ON"), Some("OFF"), Some("OFF"))
    );
    assert_eq!(d["can_revert"], true);

    let (status, body) = revert(&app, &admin, &id, &d).await;
    assert_eq!(status, 200, "{body}");
    let page = app
        .call(&admin, "load_mail_security", &[])
        .await
        .json::<Value>()
        .await
        .unwrap_or_default();
    assert_eq!(page["policy"]["mail_backup"], true);
    assert_eq!(page["policy"]["external_alert_banner"], false);
    assert_eq!(
        page["versions"]["mail_backup"], 2,
        "a revert is a new version"
    );
    let reverts = audit_rows(&app, &admin, json!({"action": "Revert setting"})).await;
    assert_eq!(reverts.len(), 2);
    app.finish().await;
}
both!(
    a_save_shows_its_diff_and_reverts,
    a_save_shows_its_diff_and_reverts
);

async fn a_revert_the_rules_no_longer_allow_is_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signed_in(Role::SuperAdmin).await;
    save(
        &app,
        &admin,
        "mail_security",
        &[("import_external_email", json!("do_not_allow"))],
    )
    .await;
    let import_save = last_save_id(&app, &admin).await;
    let (status, _) = save(
        &app,
        &admin,
        "network_security",
        &[
            ("network_access", json!("designated_ips_only")),
            ("allowed_networks", json!(["203.0.113.0/24"])),
        ],
    )
    .await;
    assert_eq!(status, 200);
    let (_, d) = details(&app, &admin, &import_save).await;
    let (status, body) = revert(&app, &admin, &import_save, &d).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["field"], "import_external_email");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or("")
            .contains("designated IPs")
    );
    let page = app
        .call(&admin, "load_mail_security", &[])
        .await
        .json::<Value>()
        .await
        .unwrap_or_default();
    assert_eq!(
        page["policy"]["import_external_email"], "do_not_allow",
        "nothing stored"
    );
    app.finish().await;
}
both!(
    a_revert_the_rules_no_longer_allow_is_refused,
    a_revert_the_rules_no_longer_allow_is_refused
);

async fn a_revert_over_a_newer_change_conflicts(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signed_in(Role::SuperAdmin).await;
    save(
        &app,
        &admin,
        "mail_security",
        &[("mail_backup", json!(false))],
    )
    .await;
    let id = last_save_id(&app, &admin).await;
    let (_, d) = details(&app, &admin, &id).await;
    let other = app.signed_in(Role::SecurityAdmin).await;
    save(
        &app,
        &other,
        "mail_security",
        &[("mail_backup", json!(true))],
    )
    .await;
    let (status, body) = revert(&app, &admin, &id, &d).await;
    assert_eq!(status, 409, "{body}");
    app.finish().await;
}
both!(
    a_revert_over_a_newer_change_conflicts,
    a_revert_over_a_newer_change_conflicts
);

async fn auditors_see_diffs_but_cannot_revert_and_companies_stay_apart(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signed_in(Role::SuperAdmin).await;
    save(
        &app,
        &admin,
        "mail_general",
        &[("attachment_size_limit", json!(25))],
    )
    .await;
    let id = last_save_id(&app, &admin).await;
    let auditor = app.signed_in(Role::Auditor).await;
    let (status, d) = details(&app, &auditor, &id).await;
    assert_eq!(status, 200);
    assert_eq!(d["can_revert"], false);
    assert_eq!(revert(&app, &auditor, &id, &d).await.0, 403);
    // A Security admin cannot revert a Mail > General change either.
    let security = app.signed_in(Role::SecurityAdmin).await;
    assert_eq!(revert(&app, &security, &id, &d).await.0, 403);
    let other = app.signed_in_as(FREE_ADMIN).await;
    assert_eq!(details(&app, &other, &id).await.0, 404);
    assert_eq!(revert(&app, &other, &id, &d).await.0, 404);
    app.finish().await;
}
both!(
    auditors_see_diffs_but_cannot_revert_and_companies_stay_apart,
    auditors_see_diffs_but_cannot_revert_and_companies_stay_apart
);
