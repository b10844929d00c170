//! Two-step verification: enrolment, the code asked after the password, no replay of a code,
//! single-use recovery codes, wrong codes counted by the sign-in limits, secrets stored sealed,
//! and the company rule that leads every admin to set it up first.

use crate::both;
use crate::harness::{Backend, PASSWORD, TestApp, email};
use crate::settings::{audit_rows, count_audit};
use app::domain::Role;
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use server::startup::SESSION_COOKIE;

fn code_at(secret_base32: &str, offset_secs: i64) -> String {
    let secret = totp_rs::Secret::try_from_base32(secret_base32).expect("base32 key");
    let totp = totp_rs::Builder::new()
        .with_secret(secret)
        .build()
        .expect("totp");
    let now = chrono_now() as i64 + offset_secs;
    totp.generate(now as u64).to_string()
}

fn chrono_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

/// Sets up two-step verification for a signed-in client; returns the key and recovery codes.
async fn enrol(app: &TestApp, client: &reqwest::Client) -> (String, Vec<String>) {
    let res = app.call(client, "start_two_step_enrolment", &[]).await;
    assert_eq!(res.status(), 200);
    let e: Value = res.json().await.expect("json");
    let key = e["secret_base32"].as_str().expect("key").to_string();
    assert!(
        e["otpauth_url"]
            .as_str()
            .expect("url")
            .starts_with("otpauth://totp/"),
        "{e}"
    );
    assert!(e["qr_png_base64"].as_str().expect("qr").len() > 100);
    // A wrong code names the field and turns nothing on.
    let res = app
        .call(client, "confirm_two_step_enrolment", &[("code", "12345")])
        .await;
    assert_eq!(res.status(), 422);
    let err: Value = res.json().await.expect("json");
    assert_eq!(err["field"], "code");
    let res = app
        .call(
            client,
            "confirm_two_step_enrolment",
            &[("code", &code_at(&key, 0))],
        )
        .await;
    assert_eq!(res.status(), 200);
    let codes: Vec<String> = res.json().await.expect("codes");
    assert_eq!(codes.len(), 10);
    (key, codes)
}

/// Password step with a plain client: returns the client and whether a code is needed.
async fn password_step(app: &TestApp, who: &str) -> (reqwest::Client, bool) {
    let client = app.client();
    let res = app.sign_in(&client, who, PASSWORD).await;
    assert_eq!(res.status(), 200, "password accepted for {who}");
    let body: Value = res.json().await.expect("json");
    (client, body["code_needed"] == true)
}

async fn a_code_is_asked_after_the_password_and_never_accepted_twice(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signed_in(Role::SecurityAdmin).await;
    let (key, recovery) = enrol(&app, &admin).await;

    // The secret is stored sealed, never as the key the app was given.
    let row = app::backend::entities::user::Entity::find()
        .all(&app.state.db)
        .await
        .expect("users")
        .into_iter()
        .find(|u| u.email == email(Role::SecurityAdmin))
        .expect("user");
    let stored = row.totp_secret.expect("stored");
    assert!(!stored.contains(&key) && !stored.to_lowercase().contains(&key.to_lowercase()));

    // The password alone does not sign in.
    let (client, needed) = password_step(&app, &email(Role::SecurityAdmin)).await;
    assert!(needed);
    assert_eq!(app.call(&client, "current_admin", &[]).await.status(), 401);
    assert_eq!(
        app.call(&client, "load_mail_security", &[]).await.status(),
        401
    );
    let res = app
        .call(&client, "verify_two_step", &[("code", "000000")])
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(res.json::<Value>().await.expect("json")["field"], "code");
    // The next step's code (within the allowed clock skew) signs in.
    let next = code_at(&key, 30);
    let res = app
        .call(&client, "verify_two_step", &[("code", &next)])
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(app.call(&client, "current_admin", &[]).await.status(), 200);

    // The same code again, in another sign-in: refused.
    let (other, _) = password_step(&app, &email(Role::SecurityAdmin)).await;
    let res = app
        .call(&other, "verify_two_step", &[("code", &next)])
        .await;
    assert_eq!(res.status(), 422, "a code is accepted once");
    // An older step's code is refused too.
    let res = app
        .call(&other, "verify_two_step", &[("code", &code_at(&key, 0))])
        .await;
    assert_eq!(res.status(), 422);

    // A recovery code works once, typed loosely.
    let typed = recovery[0].to_uppercase().replace('-', " ");
    let res = app
        .call(&other, "verify_two_step", &[("code", &typed)])
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(app.call(&other, "current_admin", &[]).await.status(), 200);
    let (third, _) = password_step(&app, &email(Role::SecurityAdmin)).await;
    let res = app
        .call(&third, "verify_two_step", &[("code", &recovery[0])])
        .await;
    assert_eq!(res.status(), 422, "a recovery code is used up");
    let status: Value = app
        .call(&admin, "two_step_status", &[])
        .await
        .json()
        .await
        .expect("status");
    assert_eq!(status["enabled"], true);
    assert_eq!(status["recovery_codes_left"], 9);

    // Without a password step first, a code means nothing.
    let stranger = app.client();
    let res = app
        .call(&stranger, "verify_two_step", &[("code", &recovery[1])])
        .await;
    assert_eq!(res.status(), 401);

    // Turning it off takes the password.
    let res = app
        .call(&admin, "turn_off_two_step", &[("password", "wrong")])
        .await;
    assert_eq!(res.status(), 422);
    let res = app
        .call(&admin, "turn_off_two_step", &[("password", PASSWORD)])
        .await;
    assert_eq!(res.status(), 200);
    let (_, needed) = password_step(&app, &email(Role::SecurityAdmin)).await;
    assert!(!needed, "off again: the password is enough");
    app.finish().await;
}
both!(
    a_code_is_asked_after_the_password_and_never_accepted_twice,
    a_code_is_asked_after_the_password_and_never_accepted_twice
);

async fn the_session_id_changes_at_each_step(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signed_in(Role::Auditor).await;
    let (key, _) = enrol(&app, &admin).await;
    let cookie = |res: &reqwest::Response| {
        res.headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .and_then(|c| c.split(';').next())
            .and_then(|kv| kv.strip_prefix(&format!("{SESSION_COOKIE}=")))
            .map(str::to_string)
    };
    let plain = reqwest::Client::new();
    let res = plain
        .post(app.url("/api/sign_in"))
        .form(&[
            ("email", email(Role::Auditor).as_str()),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .expect("r");
    let pending = cookie(&res).expect("a session for the code step");
    let res = plain
        .post(app.url("/api/verify_two_step"))
        .header("Cookie", format!("{SESSION_COOKIE}={pending}"))
        .form(&[("code", code_at(&key, 30).as_str())])
        .send()
        .await
        .expect("r");
    assert_eq!(res.status(), 200);
    let signed_in = cookie(&res).expect("a new id");
    assert_ne!(
        pending, signed_in,
        "fixation: the id changes when the code is accepted"
    );
    let res = plain
        .post(app.url("/api/current_admin"))
        .header("Cookie", format!("{SESSION_COOKIE}={pending}"))
        .send()
        .await
        .expect("r");
    assert_eq!(res.status(), 401, "the pending id is worth nothing");
    app.finish().await;
}
both!(
    the_session_id_changes_at_each_step,
    the_session_id_changes_at_each_step
);

async fn wrong_codes_count_toward_the_sign_in_limits(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| {
        c.signin_max_failures_per_account = 3;
        c.signin_max_failures_per_client = 100;
    })
    .await;
    let admin = app.signed_in(Role::MailAdmin).await;
    let (key, _) = enrol(&app, &admin).await;
    let (client, _) = password_step(&app, &email(Role::MailAdmin)).await;
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(
            app.call(&client, "verify_two_step", &[("code", "999999")])
                .await
                .status()
                .as_u16(),
        );
    }
    assert_eq!(
        statuses,
        vec![422, 422, 422, 429],
        "locked after 3 wrong codes"
    );
    // Even the right code waits for the lock to end.
    let res = app
        .call(&client, "verify_two_step", &[("code", &code_at(&key, 30))])
        .await;
    assert_eq!(res.status(), 429);
    // The log says which failure locked the account, and notes the refusals while locked once.
    let boss = app.signed_in(Role::SuperAdmin).await;
    let rows = audit_rows(
        &app,
        &boss,
        json!({"result": "failure", "text": email(Role::MailAdmin)}),
    )
    .await;
    let with = |result: &str, detail: &str| count_audit(&rows, result, detail);
    assert_eq!(with("Failure: wrong code", ""), 3, "{rows:?}");
    assert_eq!(
        with(
            "Failure: wrong code",
            "Sign-ins to this account locked for "
        ),
        1,
        "{rows:?}"
    );
    assert_eq!(with("Refused: locked", ""), 1, "{rows:?}");
    app.finish().await;
}
both!(
    wrong_codes_count_toward_the_sign_in_limits,
    wrong_codes_count_toward_the_sign_in_limits
);

async fn a_required_rule_leads_every_admin_to_set_it_up_first(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let boss = app.signed_in(Role::SuperAdmin).await;
    // Not before the Super admin uses it themselves.
    let res = app
        .call(&boss, "require_two_step", &[("required", "true")])
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        res.json::<Value>().await.expect("json")["field"],
        "required"
    );
    enrol(&app, &boss).await;
    // Others cannot set the rule.
    let security = app.signed_in(Role::SecurityAdmin).await;
    let res = app
        .call(&security, "require_two_step", &[("required", "true")])
        .await;
    assert_eq!(res.status(), 403);
    let res = app
        .call(&boss, "require_two_step", &[("required", "true")])
        .await;
    assert_eq!(res.status(), 200);

    // An admin without it: signed in, told to set it up, refused everything else until then.
    let me: Value = app
        .call(&security, "current_admin", &[])
        .await
        .json()
        .await
        .expect("me");
    assert_eq!(me["must_set_up_two_step"], true);
    let res = app.call(&security, "load_mail_security", &[]).await;
    assert_eq!(res.status(), 403);
    assert_eq!(
        res.json::<Value>().await.expect("json")["kind"],
        "two_step_required"
    );
    // Every page leads to the set-up, which says why.
    for path in ["/", "/security/mail", "/audit?page=2"] {
        let res = security.get(app.url(path)).send().await.expect("page");
        assert_eq!(res.status(), 303, "{path}");
        assert_eq!(res.headers()["location"], "/account/two-step", "{path}");
    }
    let html = app.page_html(&security, "/account/two-step").await;
    assert!(
        html.contains("Your company requires two-step verification. Set it up to continue."),
        "{html}"
    );
    enrol(&app, &security).await;
    // Once set up, the pages open again.
    app.page_html(&security, "/security/mail").await;
    assert_eq!(
        app.call(&security, "load_mail_security", &[])
            .await
            .status(),
        200
    );
    // While required, it cannot be turned off.
    let res = app
        .call(&security, "turn_off_two_step", &[("password", PASSWORD)])
        .await;
    assert_eq!(res.status(), 422);
    // The rule and the enrolments are in the audit log.
    let rows: Value = app
        .call_json(
            &boss,
            "list_audit",
            serde_json::json!({"query": {"menu": "Two-step verification"}}),
        )
        .await
        .json()
        .await
        .expect("audit");
    let actions: Vec<String> = rows["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["action"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(
        actions.contains(&"Require for all admins".to_string()),
        "{actions:?}"
    );
    assert_eq!(
        actions.iter().filter(|a| *a == "Turn on").count(),
        2,
        "{actions:?}"
    );
    app.finish().await;
}
both!(
    a_required_rule_leads_every_admin_to_set_it_up_first,
    a_required_rule_leads_every_admin_to_set_it_up_first
);
