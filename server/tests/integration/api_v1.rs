//! The REST API for mail services: tokens (created, used, revoked, stored as hashes, bound to one
//! company), ETag/304, rate limits per token, 4xx with the field named for bad requests, and an
//! OpenAPI document that lists exactly the routes served.

use crate::both;
use crate::harness::{Backend, PASSWORD, TestApp};
use app::backend::accounts::{self, NewUser};
use app::domain::{Plan, Role};
use serde_json::{Value, json};

async fn new_token(app: &TestApp, client: &reqwest::Client, name: &str) -> (String, i64) {
    let res = app
        .call(client, "create_api_token", &[("name", name)])
        .await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.expect("json");
    (
        body[0].as_str().expect("secret").to_string(),
        body[1]["id"].as_i64().expect("id"),
    )
}

fn api(app: &TestApp, method: reqwest::Method, path: &str, token: &str) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .request(method, app.url(path))
        .header("Authorization", format!("Bearer {token}"))
}

async fn tokens_are_created_used_and_revoked(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signed_in(Role::SecurityAdmin).await;
    let (secret, id) = new_token(&app, &admin, "mx1.acme.example").await;
    assert!(secret.starts_with("mst_") && secret.len() > 40);

    let res = api(&app, reqwest::Method::GET, "/api/v1/policy", &secret)
        .send()
        .await
        .expect("r");
    assert_eq!(res.status(), 200);
    let doc: Value = res.json().await.expect("json");
    assert_eq!(doc["company"], "acme.example");
    assert_eq!(doc["settings"]["mail_backup"], true);

    // Only the hash is stored.
    use sea_orm::EntityTrait;
    let rows = app::backend::entities::api_token::Entity::find()
        .all(&app.state.db)
        .await
        .expect("rows");
    assert_eq!(rows.len(), 1);
    assert_ne!(rows[0].token_hash, secret);
    assert!(!format!("{rows:?}").contains(&secret));
    assert_eq!(rows[0].scope, "policy:read");

    // Auditors see the list without secrets and cannot create or revoke.
    let auditor = app.signed_in(Role::Auditor).await;
    let list: Value = app
        .call(&auditor, "list_api_tokens", &[])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(list["can_manage"], false);
    assert_eq!(list["tokens"][0]["name"], "mx1.acme.example");
    assert!(!list.to_string().contains(&secret));
    assert_eq!(
        app.call(&auditor, "create_api_token", &[("name", "x")])
            .await
            .status(),
        403
    );
    assert_eq!(
        app.call(&auditor, "revoke_api_token", &[("id", &id.to_string())])
            .await
            .status(),
        403
    );
    let mail_admin = app.signed_in(Role::MailAdmin).await;
    assert_eq!(
        app.call(&mail_admin, "list_api_tokens", &[]).await.status(),
        403
    );

    let res = app
        .call(&admin, "revoke_api_token", &[("id", &id.to_string())])
        .await;
    assert_eq!(res.status(), 200);
    let res = api(&app, reqwest::Method::GET, "/api/v1/policy", &secret)
        .send()
        .await
        .expect("r");
    assert_eq!(res.status(), 401);
    let err: Value = res.json().await.expect("json");
    assert_eq!(err["error"]["code"], "unauthorized");
    let actions: Vec<String> =
        crate::settings::audit_rows(&app, &admin, json!({"menu": "API tokens"}))
            .await
            .iter()
            .filter_map(|r| r["action"].as_str().map(str::to_string))
            .collect();
    assert_eq!(actions, vec!["Revoke API token", "Create API token"]);
    app.finish().await;
}
both!(
    tokens_are_created_used_and_revoked,
    tokens_are_created_used_and_revoked
);

async fn a_token_reads_only_its_own_company(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    accounts::create_company(&app.state.db, "Beta", "beta.example", Plan::Standard)
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
    let beta = app.signed_in_as("boss@beta.example").await;
    let page: Value = app
        .call(&beta, "load_mail_security", &[])
        .await
        .json()
        .await
        .expect("json");
    app.call_json(
        &beta,
        "save_mail_security",
        json!({"changes": [
            {"key": "mail_backup", "value": false, "base_version": page["versions"]["mail_backup"]}
        ]}),
    )
    .await;
    let (beta_token, beta_id) = new_token(&app, &beta, "beta mx").await;

    let acme = app.signed_in(Role::SuperAdmin).await;
    let (acme_token, _) = new_token(&app, &acme, "acme mx").await;
    let doc: Value = api(&app, reqwest::Method::GET, "/api/v1/policy", &acme_token)
        .send()
        .await
        .expect("r")
        .json()
        .await
        .expect("json");
    assert_eq!(doc["company"], "acme.example");
    assert_eq!(doc["settings"]["mail_backup"], true);
    let doc: Value = api(&app, reqwest::Method::GET, "/api/v1/policy", &beta_token)
        .send()
        .await
        .expect("r")
        .json()
        .await
        .expect("json");
    assert_eq!(doc["company"], "beta.example");
    assert_eq!(doc["settings"]["mail_backup"], false);
    // Acme's admin cannot revoke or see Beta's token.
    assert_eq!(
        app.call(&acme, "revoke_api_token", &[("id", &beta_id.to_string())])
            .await
            .status(),
        404
    );
    let list: Value = app
        .call(&acme, "list_api_tokens", &[])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(list["tokens"].as_array().map(Vec::len), Some(1));
    // A Free-plan company has no API.
    let free = app.signed_in_as(crate::harness::FREE_ADMIN).await;
    assert_eq!(
        app.call(&free, "create_api_token", &[("name", "x")])
            .await
            .status(),
        402
    );
    app.finish().await;
}
both!(
    a_token_reads_only_its_own_company,
    a_token_reads_only_its_own_company
);

async fn an_unchanged_policy_costs_a_304(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signed_in(Role::SuperAdmin).await;
    let (token, _) = new_token(&app, &admin, "mx").await;
    let res = api(&app, reqwest::Method::GET, "/api/v1/policy", &token)
        .send()
        .await
        .expect("r");
    let etag = res.headers()["etag"].to_str().expect("etag").to_string();
    let res = api(&app, reqwest::Method::GET, "/api/v1/policy", &token)
        .header("If-None-Match", &etag)
        .send()
        .await
        .expect("r");
    assert_eq!(res.status(), 304);
    assert!(res.bytes().await.expect("body").is_empty());
    let page: Value = app
        .call(&admin, "load_mail_security", &[])
        .await
        .json()
        .await
        .expect("json");
    app.call_json(&admin, "save_mail_security", json!({"changes": [
        {"key": "external_alert_banner", "value": true, "base_version": page["versions"]["external_alert_banner"]}
    ]})).await;
    let res = api(&app, reqwest::Method::GET, "/api/v1/policy", &token)
        .header("If-None-Match", &etag)
        .send()
        .await
        .expect("r");
    assert_eq!(res.status(), 200, "changed policy: a new body and ETag");
    assert_ne!(res.headers()["etag"].to_str().expect("etag"), etag);
    app.finish().await;
}
both!(
    an_unchanged_policy_costs_a_304,
    an_unchanged_policy_costs_a_304
);

async fn each_token_is_rate_limited(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| c.api_rate_limit_per_minute = 3).await;
    let admin = app.signed_in(Role::SuperAdmin).await;
    let (first, _) = new_token(&app, &admin, "one").await;
    let (second, _) = new_token(&app, &admin, "two").await;
    for _ in 0..3 {
        assert_eq!(
            api(
                &app,
                reqwest::Method::GET,
                "/api/v1/members/features",
                &first
            )
            .send()
            .await
            .expect("r")
            .status(),
            200
        );
    }
    let res = api(
        &app,
        reqwest::Method::GET,
        "/api/v1/members/features",
        &first,
    )
    .send()
    .await
    .expect("r");
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));
    assert_eq!(
        res.json::<Value>().await.expect("json")["error"]["code"],
        "rate_limited"
    );
    // Another token has its own allowance.
    assert_eq!(
        api(
            &app,
            reqwest::Method::GET,
            "/api/v1/members/features",
            &second
        )
        .send()
        .await
        .expect("r")
        .status(),
        200
    );
    app.finish().await;
}
both!(each_token_is_rate_limited, each_token_is_rate_limited);

async fn bad_requests_get_4xx_naming_the_field(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signed_in(Role::SuperAdmin).await;
    let (token, _) = new_token(&app, &admin, "mx").await;
    let send = |body: &str, content_type: &str| {
        api(
            &app,
            reqwest::Method::POST,
            "/api/v1/decisions/send",
            &token,
        )
        .header("Content-Type", content_type)
        .body(body.to_string())
    };
    let valid = r#"{"sender":{"kind":"member"},"recipients":["x@other.example"],"device":"pc","sent_at":0}"#;
    let cases = [
        ("{not json", "application/json", 400, None),
        (
            r#"{"sender":{"kind":"member"},"recipients":[1],"device":"pc","sent_at":0}"#,
            "application/json",
            422,
            Some("recipients[0]"),
        ),
        (
            r#"{"sender":{"kind":"member"},"recipients":[],"device":"fax","sent_at":0}"#,
            "application/json",
            422,
            Some("device"),
        ),
        (
            r#"{"sender":{"kind":"member"},"recipients":[]}"#,
            "application/json",
            422,
            Some("device"),
        ),
        (
            r#"{"sender":{"kind":"member"},"recipients":[],"device":"pc","sent_at":"soon"}"#,
            "application/json",
            422,
            Some("sent_at"),
        ),
        (
            r#"{"sender":{"kind":"member"},"recipients":[""],"device":"pc","sent_at":0}"#,
            "application/json",
            422,
            Some("recipients[0]"),
        ),
        (valid, "text/plain", 415, None),
    ];
    for (body, content_type, status, field) in cases {
        let res = send(body, content_type).send().await.expect("r");
        assert_eq!(res.status().as_u16(), status, "{body}");
        let err: Value = res.json().await.expect("a JSON error");
        assert!(
            err["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
        if let Some(f) = field {
            assert_eq!(err["error"]["field"], f, "{body}: {err}");
        }
    }
    let res = send(valid, "application/json").send().await.expect("r");
    assert_eq!(res.status(), 200);
    let d: Value = res.json().await.expect("json");
    assert_eq!(d["external_recipients"], json!(["x@other.example"]));
    assert_eq!(d["banner"]["value"], false);
    // No token, a wrong token, an unknown path.
    assert_eq!(
        reqwest::Client::new()
            .get(app.url("/api/v1/policy"))
            .send()
            .await
            .expect("r")
            .status(),
        401
    );
    assert_eq!(
        api(&app, reqwest::Method::GET, "/api/v1/policy", "mst_wrong")
            .send()
            .await
            .expect("r")
            .status(),
        401
    );
    assert_eq!(
        api(&app, reqwest::Method::GET, "/api/v1/nothing", &token)
            .send()
            .await
            .expect("r")
            .status(),
        404
    );
    app.finish().await;
}
both!(
    bad_requests_get_4xx_naming_the_field,
    bad_requests_get_4xx_naming_the_field
);

async fn the_openapi_document_describes_exactly_the_routes(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let doc: Value = reqwest::get(app.url("/api/v1/openapi.json"))
        .await
        .expect("r")
        .json()
        .await
        .expect("json");
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
    let paths = doc["paths"].as_object().cloned().unwrap_or_default();
    let mut documented: Vec<(String, String)> = paths
        .iter()
        .flat_map(|(p, ops)| {
            ops.as_object()
                .into_iter()
                .flatten()
                .map(move |(m, _)| (m.clone(), p.clone()))
        })
        .collect();
    documented.sort();
    let mut served: Vec<(String, String)> = server::api_v1::ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    served.sort();
    assert_eq!(documented, served);
    assert!(doc["components"]["schemas"]["SendSituation"].is_object());
    assert!(doc["components"]["securitySchemes"]["api_token"].is_object());
    // Every documented route answers (401 without a token, not 404 or 405).
    for (method, path) in served {
        let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
        let res = reqwest::Client::new()
            .request(m, app.url(&path))
            .send()
            .await
            .expect("r");
        assert_eq!(res.status(), 401, "{path}");
    }
    app.finish().await;
}
both!(
    the_openapi_document_describes_exactly_the_routes,
    the_openapi_document_describes_exactly_the_routes
);

/// Replicas keep the policy in memory but never serve it stale: a save through one replica is
/// what the API of the other answers next (new ETag, new value, new decisions).
async fn a_replica_answers_with_the_policy_saved_on_another(backend: Backend) {
    let first = TestApp::spawn(backend).await;
    let second = first.replica().await;
    let admin = first.signed_in(Role::SuperAdmin).await;
    let (token, _) = new_token(&first, &admin, "mx").await;
    let policy = |app: &TestApp| api(app, reqwest::Method::GET, "/api/v1/policy", &token);
    let features = |app: &TestApp| {
        api(
            app,
            reqwest::Method::GET,
            "/api/v1/members/features",
            &token,
        )
    };

    // The second replica reads the policy (and keeps it).
    let res = policy(&second).send().await.expect("r");
    let etag = res.headers()["etag"].to_str().expect("etag").to_string();
    let doc: Value = res.json().await.expect("json");
    let backup = doc["settings"]["mail_backup"].as_bool().expect("a boolean");
    let res = policy(&second)
        .header("If-None-Match", &etag)
        .send()
        .await
        .expect("r");
    assert_eq!(res.status(), 304);
    let before: Value = features(&second)
        .send()
        .await
        .expect("r")
        .json()
        .await
        .expect("json");

    // The first replica saves a change.
    let page: Value = first
        .call(&admin, "load_mail_security", &[])
        .await
        .json()
        .await
        .expect("page");
    let res = first
        .call_json(
            &admin,
            "save_mail_security",
            json!({"changes": [{"key": "mail_backup", "value": !backup, "base_version": page["versions"]["mail_backup"]}]}),
        )
        .await;
    assert_eq!(res.status(), 200);

    // The second answers with it at once, with the old ETag as with none.
    let res = policy(&second)
        .header("If-None-Match", &etag)
        .send()
        .await
        .expect("r");
    assert_eq!(res.status(), 200, "the policy changed on the other replica");
    assert_ne!(res.headers()["etag"].to_str().expect("etag"), etag);
    let doc: Value = res.json().await.expect("json");
    assert_eq!(doc["settings"]["mail_backup"], !backup);
    let after: Value = features(&second)
        .send()
        .await
        .expect("r")
        .json()
        .await
        .expect("json");
    assert_eq!(before["mail_backup"]["value"], backup);
    assert_eq!(
        after["mail_backup"]["value"], !backup,
        "decisions follow the saved policy"
    );

    second.stop().await;
    first.finish().await;
}
both!(
    a_replica_answers_with_the_policy_saved_on_another,
    a_replica_answers_with_the_policy_saved_on_another
);
