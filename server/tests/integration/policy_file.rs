//! Policy export and import: a file reproduces the policy on another company exactly; a file
//! changed after export, or with invalid values, is refused with its problems and nothing applied.

use crate::both;
use crate::harness::{Backend, PASSWORD, TestApp};
use crate::settings::audit_rows;
use app::backend::accounts::{self, NewUser};
use app::domain::{Plan, Role};
use serde_json::{Value, json};

async fn export(app: &TestApp, client: &reqwest::Client) -> (u16, String) {
    let res = client
        .get(app.url("/policy/export.json"))
        .send()
        .await
        .expect("export");
    let status = res.status().as_u16();
    (status, res.text().await.unwrap_or_default())
}

async fn preview(app: &TestApp, client: &reqwest::Client, file: &str) -> (u16, Value) {
    let res = app
        .call_json(client, "preview_policy_import", json!({"file": file}))
        .await;
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or_default())
}

async fn apply(
    app: &TestApp,
    client: &reqwest::Client,
    file: &str,
    expected: &Value,
) -> (u16, Value) {
    let res = app
        .call_json(
            client,
            "apply_policy_import",
            json!({"file": file, "expected": expected["changes"]}),
        )
        .await;
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or_default())
}

async fn second_company(app: &TestApp) -> reqwest::Client {
    accounts::create_company(&app.state.db, "Beta", "beta.example", Plan::StandardPlus)
        .await
        .expect("company");
    accounts::create_user(
        &app.state.db,
        &app.state.hasher,
        NewUser {
            company_domain: "beta.example",
            email: "boss@beta.example",
            display_name: "Beta boss",
            role: Role::SuperAdmin,
            language: "en",
            password: PASSWORD,
        },
    )
    .await
    .expect("user");
    app.signed_in_as("boss@beta.example").await
}

async fn an_exported_policy_reproduces_exactly_on_another_company(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signed_in(Role::SuperAdmin).await;
    let page = app
        .call(&admin, "load_mail_security", &[])
        .await
        .json::<Value>()
        .await
        .unwrap_or_default();
    let v = |k: &str| page["versions"][k].clone();
    let res = app.call_json(&admin, "save_mail_security", json!({"changes": [
        {"key": "import_external_email", "value": "do_not_allow", "base_version": v("import_external_email")},
        {"key": "external_popup", "value": {"on": true, "apply": {"conditionally": "not_sent_individually"}}, "base_version": v("external_popup")},
        {"key": "warning_texts_pc", "value": {"default": "Careful, \"quoted\", 漢字", "ko": "외부"}, "base_version": v("warning_texts_pc")},
        {"key": "security_levels", "value": true, "base_version": v("security_levels")},
        {"key": "confidential_level", "value": {"in_use": true, "name": "Board only", "expires_after": "three_months", "forwarding_prohibited": true, "delete_sent_after_expiration": true}, "base_version": v("confidential_level")},
    ]})).await;
    assert_eq!(res.status(), 200);
    let (status, file) = export(&app, &admin).await;
    assert_eq!(status, 200);
    let parsed: Value = serde_json::from_str(&file).expect("JSON");
    assert_eq!(parsed["format"], "mail-security-policy");
    assert_eq!(parsed["version"], 1);

    let beta = second_company(&app).await;
    let (status, p) = preview(&app, &beta, &file).await;
    assert_eq!(status, 200, "{p}");
    assert_eq!(p["can_apply"], true);
    let labels: Vec<&str> = p["changes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["label"].as_str())
        .collect();
    assert_eq!(labels.len(), 5, "{labels:?}");
    assert!(
        labels.contains(&"Confidential"),
        "the label names the level as it is now: {labels:?}"
    );
    let (status, body) = apply(&app, &beta, &file, &p).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, 5);

    let (_, beta_file) = export(&app, &beta).await;
    let settings = |f: &str| {
        serde_json::from_str::<Value>(f)
            .map(|v| v["settings"].clone())
            .unwrap_or_default()
    };
    assert_eq!(
        settings(&beta_file),
        settings(&file),
        "the policy is reproduced exactly"
    );
    let records = audit_rows(&app, &beta, json!({"action": "Import policy"})).await;
    assert_eq!(records.len(), 5, "one audit record per changed field");
    // Importing it again changes nothing.
    let (_, p) = preview(&app, &beta, &file).await;
    assert_eq!(p["changes"].as_array().map(Vec::len), Some(0));
    app.finish().await;
}
both!(
    an_exported_policy_reproduces_exactly_on_another_company,
    an_exported_policy_reproduces_exactly_on_another_company
);

async fn changed_or_invalid_files_are_refused_and_nothing_applied(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signed_in(Role::SuperAdmin).await;
    let (_, file) = export(&app, &admin).await;
    let before = app
        .call(&admin, "load_mail_security", &[])
        .await
        .json::<Value>()
        .await
        .unwrap_or_default();

    let tampered = file.replace("\"mail_backup\": true", "\"mail_backup\": false");
    assert_ne!(tampered, file);
    let (status, body) = preview(&app, &admin, &tampered).await;
    assert_eq!(status, 422);
    assert_eq!(body["field"], "file");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or("")
            .contains("changed after export"),
        "{body}"
    );
    let (status, _) = apply(&app, &admin, &tampered, &json!({"changes": []})).await;
    assert_eq!(status, 422);

    for bad in ["", "{", "[]", r#"{"format":"other","version":1}"#] {
        let (status, body) = preview(&app, &admin, bad).await;
        assert_eq!(status, 422, "{bad}: {body}");
        assert!(
            body["message"]
                .as_str()
                .unwrap_or("")
                .starts_with("The file was refused:")
        );
    }
    let after = app
        .call(&admin, "load_mail_security", &[])
        .await
        .json::<Value>()
        .await
        .unwrap_or_default();
    assert_eq!(after, before, "nothing applied");
    app.finish().await;
}
both!(
    changed_or_invalid_files_are_refused_and_nothing_applied,
    changed_or_invalid_files_are_refused_and_nothing_applied
);

async fn export_and_import_need_their_permissions(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    assert_eq!(export(&app, &app.client()).await.0, 401);
    let mail_admin = app.signed_in(Role::MailAdmin).await;
    assert_eq!(export(&app, &mail_admin).await.0, 403);
    let free = app.signed_in_as(crate::harness::FREE_ADMIN).await;
    assert_eq!(export(&app, &free).await.0, 402);

    // A file from a company whose Mail > General differs: a Security admin cannot apply it.
    let boss = app.signed_in(Role::SuperAdmin).await;
    let page = app
        .call(&boss, "load_mail_general", &[])
        .await
        .json::<Value>()
        .await
        .unwrap_or_default();
    app.call_json(&boss, "save_mail_general", json!({"changes": [
        {"key": "attachment_size_limit", "value": 30, "base_version": page["versions"]["attachment_size_limit"]}
    ]})).await;
    let (_, file) = export(&app, &boss).await;
    let beta = second_company(&app).await;
    let (status, p) = preview(&app, &beta, &file).await;
    assert_eq!(status, 200);
    accounts::create_user(
        &app.state.db,
        &app.state.hasher,
        NewUser {
            company_domain: "beta.example",
            email: "sec@beta.example",
            display_name: "Beta security",
            role: Role::SecurityAdmin,
            language: "en",
            password: PASSWORD,
        },
    )
    .await
    .expect("user");
    let security = app.signed_in_as("sec@beta.example").await;
    let (status, p2) = preview(&app, &security, &file).await;
    assert_eq!(status, 200);
    assert_eq!(p2["can_apply"], false);
    assert_eq!(apply(&app, &security, &file, &p).await.0, 403);
    assert_eq!(
        apply(&app, &app.signed_in(Role::Auditor).await, &file, &p)
            .await
            .0,
        403
    );
    app.finish().await;
}
both!(
    export_and_import_need_their_permissions,
    export_and_import_need_their_permissions
);
