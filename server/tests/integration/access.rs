//! The access matrix: every registered server function, every download and every REST endpoint,
//! called by an anonymous client, by each role, by a deactivated user, by the admin of another
//! company and with an expired session. The expected answer of each cell comes from the domain's
//! tables (`app::domain::access` and the role table); an endpoint that is registered but missing
//! from them fails here.

use crate::both;
use crate::harness::{Backend, COMPANY, PASSWORD, TestApp, email};
use app::backend::accounts::{self, NewUser};
use app::domain::access::{self, Access};
use app::domain::{Plan, Role};
use serde_json::{Value, json};
use server::startup::SESSION_COOKIE;

const OTHER_COMPANY: &str = "other.example";
const OTHER_ADMIN: &str = "super-admin@other.example";
const DEACTIVATED: &str = "leaver@acme.example";

#[derive(Clone, Debug, PartialEq, Eq)]
enum Caller {
    Anonymous,
    Role(Role),
    Deactivated,
    OtherCompanyAdmin,
    Expired,
}

impl Caller {
    fn all() -> Vec<Caller> {
        let mut all = vec![Caller::Anonymous];
        all.extend(Role::ALL.into_iter().map(Caller::Role));
        all.extend([
            Caller::Deactivated,
            Caller::OtherCompanyAdmin,
            Caller::Expired,
        ]);
        all
    }
}

/// Identifiers of the Standard company's rows, used as arguments so that a call by the other
/// company's admin would touch them if companies were not kept apart.
struct Ids {
    member_id: i64,
    token_id: i64,
    save_id: String,
}

/// Well-formed arguments, so that a call reaches its permission check instead of failing to
/// parse. A registered function missing here fails the test.
fn example_args(name: &str, ids: &Ids) -> Option<(&'static str, String)> {
    const FORM: &str = "application/x-www-form-urlencoded";
    const JSON: &str = "application/json";
    let no_changes = json!({"changes": [{"key": "mail_backup", "value": true, "base_version": 0}]});
    let form = |pairs: &[(&str, String)]| {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            s.append_pair(k, v);
        }
        (FORM, s.finish())
    };
    Some(match name {
        "sign_in" => form(&[
            ("email", "nobody@acme.example".into()),
            ("password", "x".into()),
        ]),
        "verify_two_step" => form(&[("code", "000000".into())]),
        "sign_out"
        | "current_admin"
        | "list_administrators"
        | "list_api_tokens"
        | "two_step_status"
        | "start_two_step_enrolment"
        | "new_recovery_codes"
        | "load_mail_security"
        | "load_network_security"
        | "load_mail_general"
        | "load_languages" => (FORM, String::new()),
        "confirm_two_step_enrolment" => form(&[("code", "000000".into())]),
        "turn_off_two_step" => form(&[("password", "wrong password".into())]),
        "require_two_step" => form(&[("required", "false".into())]),
        "list_audit" => (JSON, json!({"query": {}}).to_string()),
        "save_mail_security" | "save_network_security" | "save_mail_general" | "save_languages" => {
            (JSON, no_changes.to_string())
        }
        "set_user_role" => form(&[
            ("user_id", ids.member_id.to_string()),
            ("role", "member".into()),
        ]),
        "set_user_active" => form(&[
            ("user_id", ids.member_id.to_string()),
            ("active", "true".into()),
        ]),
        "hand_over_super_admin" => form(&[
            ("user_id", ids.member_id.to_string()),
            ("password", "wrong password".into()),
        ]),
        "change_details" => form(&[("save_id", ids.save_id.clone())]),
        "revert_change" => (
            JSON,
            json!({"save_id": ids.save_id, "fields": []}).to_string(),
        ),
        "preview_policy_import" => (JSON, json!({"file": "{}"}).to_string()),
        "apply_policy_import" => (JSON, json!({"file": "{}", "expected": []}).to_string()),
        "create_api_token" => form(&[("name", "matrix".into())]),
        "revoke_api_token" => form(&[("id", ids.token_id.to_string())]),
        _ => return None,
    })
}

/// Server functions that act on one of the Standard company's rows by its identifier.
const TAKES_AN_ID: &[&str] = &[
    "set_user_role",
    "set_user_active",
    "hand_over_super_admin",
    "change_details",
    "revert_change",
    "revoke_api_token",
];

/// Signs in with a plain client and returns the session id from `Set-Cookie`.
async fn session_of(app: &TestApp, who: &str) -> String {
    let res = reqwest::Client::new()
        .post(app.url("/api/sign_in"))
        .form(&[("email", who), ("password", PASSWORD)])
        .send()
        .await
        .expect("sign in");
    assert_eq!(res.status(), 200, "sign-in as {who}");
    let cookie = res.headers()["set-cookie"].to_str().expect("ascii");
    cookie
        .split(';')
        .next()
        .and_then(|kv| kv.split_once('='))
        .map(|(_, v)| v.to_string())
        .expect("session cookie")
}

/// Ends a session as time would: its expiry set in the past, through the console's session
/// store (which on SQLite also keeps it in memory).
async fn expire(app: &TestApp, session_id: &str) {
    use tower_sessions::session::Id;
    use tower_sessions::session_store::SessionStore;
    let store = &app.state.session_store;
    let id: Id = session_id.parse().expect("a session id");
    let mut record = store
        .load(&id)
        .await
        .expect("load the session")
        .expect("the session exists");
    record.expiry_date = time::OffsetDateTime::now_utc() - time::Duration::hours(1);
    store.save(&record).await.expect("expire the session");
    assert!(
        store.load(&id).await.expect("load").is_none(),
        "the session no longer loads"
    );
}

/// One session id per caller (none for the anonymous one and for members, who get no session).
async fn sessions(app: &TestApp) -> Vec<(Caller, Option<String>)> {
    let mut out = Vec::new();
    for caller in Caller::all() {
        let id = match &caller {
            Caller::Anonymous => None,
            Caller::Role(Role::Member) => {
                let res = reqwest::Client::new()
                    .post(app.url("/api/sign_in"))
                    .form(&[
                        ("email", email(Role::Member).as_str()),
                        ("password", PASSWORD),
                    ])
                    .send()
                    .await
                    .expect("sign in");
                assert_ne!(res.status(), 200, "members get no console session");
                None
            }
            Caller::Role(role) => Some(session_of(app, &email(*role)).await),
            Caller::Deactivated => {
                let id = session_of(app, DEACTIVATED).await;
                accounts::set_active(&app.state.db, DEACTIVATED, false)
                    .await
                    .expect("deactivate");
                Some(id)
            }
            Caller::OtherCompanyAdmin => Some(session_of(app, OTHER_ADMIN).await),
            Caller::Expired => {
                let id = session_of(app, &email(Role::SuperAdmin)).await;
                expire(app, &id).await;
                Some(id)
            }
        };
        out.push((caller, id));
    }
    out
}

async fn provision_more(app: &TestApp) -> Ids {
    let db = &app.state.db;
    let user = |company: &'static str, mail: &'static str, role| NewUser {
        company_domain: company,
        email: mail,
        display_name: "Matrix user",
        role,
        language: "en",
        password: PASSWORD,
    };
    accounts::create_user(
        db,
        &app.state.hasher,
        user(COMPANY, DEACTIVATED, Role::SecurityAdmin),
    )
    .await
    .expect("leaver");
    accounts::create_company(db, "Other", OTHER_COMPANY, Plan::Standard)
        .await
        .expect("other company");
    accounts::create_user(
        db,
        &app.state.hasher,
        user(OTHER_COMPANY, OTHER_ADMIN, Role::SuperAdmin),
    )
    .await
    .expect("other admin");

    // A token, a save and a member of the Standard company, for their identifiers.
    let admin = app.signed_in(Role::SuperAdmin).await;
    let token: Value = app
        .call(&admin, "create_api_token", &[("name", "acme-mx")])
        .await
        .json()
        .await
        .expect("token");
    let page: Value = app
        .call(&admin, "load_mail_security", &[])
        .await
        .json()
        .await
        .expect("page");
    let res = app
        .call_json(
            &admin,
            "save_mail_security",
            json!({"changes": [{"key": "mail_backup", "value": false,
                "base_version": page["versions"]["mail_backup"]}]}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let rows: Value = app
        .call_json(
            &admin,
            "list_audit",
            json!({"query": {"action": "Change setting"}}),
        )
        .await
        .json()
        .await
        .expect("audit");
    let users: Value = app
        .call(&admin, "list_administrators", &[])
        .await
        .json()
        .await
        .expect("users");
    let member_id = users
        .as_array()
        .expect("users")
        .iter()
        .find(|u| u["email"] == "member2@acme.example")
        .and_then(|u| u["id"].as_i64())
        .expect("member id");
    Ids {
        member_id,
        token_id: token[1]["id"].as_i64().expect("token id"),
        save_id: rows["rows"][0]["save_id"]
            .as_str()
            .expect("save id")
            .to_string(),
    }
}

async fn send(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    session: Option<&str>,
    body: Option<(&str, String)>,
) -> (u16, String) {
    let mut req = reqwest::Client::new().request(method, app.url(path));
    if let Some(id) = session {
        req = req.header("Cookie", format!("{SESSION_COOKIE}={id}"));
    }
    if let Some((content_type, body)) = body {
        req = req.header("content-type", content_type).body(body);
    }
    let res = req.send().await.expect("request");
    let status = res.status().as_u16();
    (status, res.text().await.unwrap_or_default())
}

/// What a session caller must get at a door guarded by `access`.
fn expect_session_cell(
    caller: &Caller,
    access: Access,
    refined: bool,
    status: u16,
    cell: &str,
    body: &str,
) {
    assert_ne!(status, 500, "{cell}: {body}");
    match (caller, access) {
        (_, Access::Open) => assert_ne!(status, 403, "{cell} is open: {body}"),
        (
            Caller::Anonymous | Caller::Deactivated | Caller::Expired | Caller::Role(Role::Member),
            _,
        ) => {
            assert_eq!(status, 401, "{cell}: {body}")
        }
        (Caller::Role(role), access) if access.admits(*role) => {
            assert!(
                status != 401 && (status != 403 || refined),
                "{cell} is allowed: {status} {body}"
            )
        }
        (Caller::Role(_), _) => assert_eq!(status, 403, "{cell} is refused: {body}"),
        (Caller::OtherCompanyAdmin, _) => {
            assert!(
                status != 401 && status != 403,
                "{cell} (own company): {status} {body}"
            );
            assert!(
                !body.contains(COMPANY) && !body.contains("member2@"),
                "{cell} shows nothing of another company: {body}"
            );
        }
    }
}

async fn every_endpoint_answers_each_caller_as_the_tables_say(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ids = provision_more(&app).await;
    let callers = sessions(&app).await;

    // Server functions: every registered one, signing out last so each session lasts the round.
    let mut functions: Vec<_> = server_fn::axum::server_fn_paths().collect();
    functions.sort_by_key(|(path, _)| (path.ends_with("/sign_out"), path.to_string()));
    assert!(functions.len() >= 20, "server functions are registered");
    let mut cells = 0;
    for (caller, session) in &callers {
        for (path, method) in &functions {
            assert_eq!(*method, http::Method::POST, "{path} is POST only");
            let name = path.strip_prefix("/api/").expect("under /api");
            let access = access::server_function(name)
                .unwrap_or_else(|| panic!("{path} has no entry in app::domain::access"));
            let args = example_args(name, &ids)
                .unwrap_or_else(|| panic!("{path} needs example arguments in this test"));
            let (status, body) = send(
                &app,
                reqwest::Method::POST,
                path,
                session.as_deref(),
                Some(args),
            )
            .await;
            let cell = format!("{path} as {caller:?}");
            assert!(
                !(status == 422 && body.contains("could not be read")),
                "{cell}: the example arguments do not parse: {body}"
            );
            let refined = access::refined_inside(name);
            expect_session_cell(caller, access, refined, status, &cell, &body);
            if *caller == Caller::OtherCompanyAdmin && TAKES_AN_ID.contains(&name) {
                assert!(
                    status == 404 || status == 422,
                    "{cell} names a row of another company and must not find it: {status} {body}"
                );
            }
            // Never reachable by GET.
            let (get, _) = send(&app, reqwest::Method::GET, path, session.as_deref(), None).await;
            assert_ne!(get, 200, "{path} by GET");
            cells += 1;
        }
    }

    // Downloads, with fresh sessions (the round above signed every caller out).
    let callers = refreshed(&app, callers).await;
    for (caller, session) in &callers {
        for (path, access) in access::DOWNLOADS {
            let (status, body) =
                send(&app, reqwest::Method::GET, path, session.as_deref(), None).await;
            let status = if status == 303 || status == 302 {
                401
            } else {
                status
            };
            let cell = format!("{path} as {caller:?}");
            expect_session_cell(caller, access, false, status, &cell, &body);
            cells += 1;
        }
    }

    // The other company's admin changed nothing of the Standard company.
    let admin = app.signed_in(Role::SuperAdmin).await;
    let users: Value = app
        .call(&admin, "list_administrators", &[])
        .await
        .json()
        .await
        .expect("users");
    let member = users
        .as_array()
        .expect("users")
        .iter()
        .find(|u| u["id"] == ids.member_id)
        .expect("member");
    assert_eq!(member["role"], "member");
    assert_eq!(member["active"], true);

    // REST: tokens only; a console session is not a token.
    let other = app.signed_in_as(OTHER_ADMIN).await;
    let other_token: Value = app
        .call(&other, "create_api_token", &[("name", "other-mx")])
        .await
        .json()
        .await
        .expect("token");
    let other_secret = other_token[0].as_str().expect("secret").to_string();
    let (revoked_secret, revoked_id) = {
        let t: Value = app
            .call(&admin, "create_api_token", &[("name", "revoked")])
            .await
            .json()
            .await
            .expect("token");
        (
            t[0].as_str().expect("secret").to_string(),
            t[1]["id"].as_i64().expect("id"),
        )
    };
    let res = app
        .call(
            &admin,
            "revoke_api_token",
            &[("id", &revoked_id.to_string())],
        )
        .await;
    assert_eq!(res.status(), 200);
    let admin_session = session_of(&app, &email(Role::SuperAdmin)).await;
    for (method, path) in server::api_v1::ROUTES {
        let access = access::rest(path).unwrap_or_else(|| panic!("{path} has no access entry"));
        assert_eq!(access, Access::ApiToken, "{path}");
        let method: reqwest::Method = method.to_uppercase().parse().expect("method");
        let body = match path {
            "/api/v1/decisions/send" => Some(json!({"sender": {"kind": "member"},
                "recipients": ["x@elsewhere.example"], "device": "pc", "sent_at": 0})),
            "/api/v1/decisions/receive" => Some(json!({"from": "x@elsewhere.example"})),
            _ => None,
        };
        let call = |token: Option<String>, cookie: Option<String>| {
            let mut req = reqwest::Client::new().request(method.clone(), app.url(path));
            if let Some(t) = token {
                req = req.header("Authorization", format!("Bearer {t}"));
            }
            if let Some(c) = cookie {
                req = req.header("Cookie", format!("{SESSION_COOKIE}={c}"));
            }
            if let Some(b) = &body {
                req = req.json(b);
            }
            req.send()
        };
        let anonymous = call(None, None).await.expect("r");
        assert_eq!(anonymous.status(), 401, "{path} without a token");
        let by_session = call(None, Some(admin_session.clone())).await.expect("r");
        assert_eq!(
            by_session.status(),
            401,
            "{path} with only a console session"
        );
        let revoked = call(Some(revoked_secret.clone()), None).await.expect("r");
        assert_eq!(revoked.status(), 401, "{path} with a revoked token");
        let forged = call(Some("mst_forged".into()), None).await.expect("r");
        assert_eq!(forged.status(), 401, "{path} with a made-up token");
        let other = call(Some(other_secret.clone()), None).await.expect("r");
        let status = other.status().as_u16();
        let text = other.text().await.unwrap_or_default();
        assert!(
            status != 401 && status != 403 && status != 500,
            "{path}: {status} {text}"
        );
        assert!(
            !text.contains("\"acme.example\""),
            "{path} shows only its own company: {text}"
        );
        cells += 5;
    }
    assert!(cells > 200, "the matrix has {cells} cells");
    app.finish().await;
}
both!(
    every_endpoint_answers_each_caller_as_the_tables_say,
    every_endpoint_answers_each_caller_as_the_tables_say
);

/// New sessions for the callers who had one (signing out in the first round ended them).
async fn refreshed(
    app: &TestApp,
    callers: Vec<(Caller, Option<String>)>,
) -> Vec<(Caller, Option<String>)> {
    let mut out = Vec::new();
    for (caller, old) in callers {
        let id = match &caller {
            Caller::Role(role) if *role != Role::Member => {
                Some(session_of(app, &email(*role)).await)
            }
            Caller::OtherCompanyAdmin => Some(session_of(app, OTHER_ADMIN).await),
            Caller::Expired => {
                let id = session_of(app, &email(Role::SuperAdmin)).await;
                expire(app, &id).await;
                Some(id)
            }
            // The deactivated user's old session stays refused; they cannot sign in again.
            _ => old,
        };
        out.push((caller, id));
    }
    out
}

/// A body over the limit is refused with 413 from its declared length, before it is read.
async fn oversized_bodies_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signed_in(Role::SuperAdmin).await;
    let big = format!(
        r#"{{"changes":[{{"key":"mail_backup","value":"{}","base_version":0}}]}}"#,
        "a".repeat(1 << 20)
    );
    let res = admin
        .post(app.url("/api/save_mail_security"))
        .header("content-type", "application/json")
        .body(big.clone())
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), 413);
    // The unread body ends the connection; the client is told so and opens a new one.
    assert_eq!(res.headers()["connection"], "close");
    // The REST API too, before the token is even looked at.
    let res = reqwest::Client::new()
        .post(app.url("/api/v1/decisions/send"))
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), 413);
    let page: Value = app
        .call(&admin, "load_mail_security", &[])
        .await
        .json()
        .await
        .expect("page");
    assert_eq!(page["policy"]["mail_backup"], true, "nothing changed");
    app.finish().await;
}
both!(oversized_bodies_are_refused, oversized_bodies_are_refused);
