//! Company > Administrators: role changes and deactivation take effect on the next request, the
//! Super admin role is only handed over (with the password), other roles and other companies are
//! refused.

use crate::both;
use crate::harness::{Backend, FREE_ADMIN, PASSWORD, TestApp, email};
use crate::settings::audit_rows;
use app::domain::Role;
use serde_json::{Value, json};

async fn user_id(app: &TestApp, address: &str) -> String {
    app::backend::accounts::list_users(&app.state.db, None)
        .await
        .expect("users")
        .into_iter()
        .find(|(u, _)| u.email == address)
        .map(|(u, _)| u.id.to_string())
        .expect("user exists")
}

async fn a_role_change_applies_on_the_next_request(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let boss = app.signed_in(Role::SuperAdmin).await;
    let security = app.signed_in(Role::SecurityAdmin).await;
    assert_eq!(
        app.call(&security, "load_mail_security", &[])
            .await
            .status(),
        200
    );
    let id = user_id(&app, &email(Role::SecurityAdmin)).await;

    let res = app
        .call(
            &boss,
            "set_user_role",
            &[("user_id", &id), ("role", "mail_admin")],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        app.call(&security, "load_mail_security", &[])
            .await
            .status(),
        403,
        "demoted at once"
    );
    assert_eq!(
        app.call(&security, "load_mail_general", &[]).await.status(),
        200
    );

    // Made a member: not an admin any more, the session ends.
    app.call(
        &boss,
        "set_user_role",
        &[("user_id", &id), ("role", "member")],
    )
    .await;
    assert_eq!(
        app.call(&security, "current_admin", &[]).await.status(),
        401
    );

    let log = audit_rows(&app, &boss, json!({"menu": "Administrators"})).await;
    assert_eq!(log.len(), 2);
    assert_eq!(log[0]["old_value"], "Mail admin");
    assert_eq!(log[0]["new_value"], "Member");
    app.finish().await;
}
both!(
    a_role_change_applies_on_the_next_request,
    a_role_change_applies_on_the_next_request
);

async fn deactivation_ends_sessions_and_reactivation_restores_sign_in(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let boss = app.signed_in(Role::SuperAdmin).await;
    let auditor = app.signed_in(Role::Auditor).await;
    let id = user_id(&app, &email(Role::Auditor)).await;
    let res = app
        .call(
            &boss,
            "set_user_active",
            &[("user_id", &id), ("active", "false")],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        app.call(&auditor, "current_admin", &[]).await.status(),
        401,
        "session gone"
    );
    let again = app.client();
    let res = app.sign_in(&again, &email(Role::Auditor), PASSWORD).await;
    assert_eq!(res.status(), 401);
    app.call(
        &boss,
        "set_user_active",
        &[("user_id", &id), ("active", "true")],
    )
    .await;
    app.signed_in(Role::Auditor).await;
    app.finish().await;
}
both!(
    deactivation_ends_sessions_and_reactivation_restores_sign_in,
    deactivation_ends_sessions_and_reactivation_restores_sign_in
);

async fn there_is_always_exactly_one_super_admin(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let boss = app.signed_in(Role::SuperAdmin).await;
    let me = user_id(&app, &email(Role::SuperAdmin)).await;
    let res = app
        .call(
            &boss,
            "set_user_role",
            &[("user_id", &me), ("role", "auditor")],
        )
        .await;
    assert_eq!(res.status(), 422);
    let res = app
        .call(
            &boss,
            "set_user_active",
            &[("user_id", &me), ("active", "false")],
        )
        .await;
    assert_eq!(res.status(), 422);
    let mail = user_id(&app, &email(Role::MailAdmin)).await;
    let res = app
        .call(
            &boss,
            "set_user_role",
            &[("user_id", &mail), ("role", "super_admin")],
        )
        .await;
    assert_eq!(res.status(), 422, "granted only by hand-over");

    // Hand-over needs the password.
    let res = app
        .call(
            &boss,
            "hand_over_super_admin",
            &[("user_id", &mail), ("password", "not my password")],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        res.json::<Value>().await.unwrap_or_default()["field"],
        "password"
    );
    // Not to a member.
    let member = user_id(&app, &email(Role::Member)).await;
    let res = app
        .call(
            &boss,
            "hand_over_super_admin",
            &[("user_id", &member), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status(), 422);
    let res = app
        .call(
            &boss,
            "hand_over_super_admin",
            &[("user_id", &mail), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status(), 200);
    let users = app::backend::accounts::list_users(&app.state.db, Some(crate::harness::COMPANY))
        .await
        .expect("users");
    let supers: Vec<_> = users
        .iter()
        .filter(|(u, _)| u.role == "super_admin")
        .map(|(u, _)| u.email.clone())
        .collect();
    assert_eq!(supers, vec![email(Role::MailAdmin)]);
    // The former Super admin is a Security admin now and cannot manage administrators.
    assert_eq!(
        app.call(&boss, "list_administrators", &[]).await.status(),
        403
    );
    assert_eq!(
        app.call(&boss, "load_mail_security", &[]).await.status(),
        200
    );
    let new_boss = app.signed_in(Role::MailAdmin).await;
    assert_eq!(
        app.call(&new_boss, "list_administrators", &[])
            .await
            .status(),
        200
    );
    app.finish().await;
}
both!(
    there_is_always_exactly_one_super_admin,
    there_is_always_exactly_one_super_admin
);

async fn other_roles_and_other_companies_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let victim = user_id(&app, &email(Role::Auditor)).await;
    for role in [Role::SecurityAdmin, Role::MailAdmin, Role::Auditor] {
        let client = app.signed_in(role).await;
        assert_eq!(
            app.call(&client, "list_administrators", &[]).await.status(),
            403,
            "{role:?}"
        );
        let res = app
            .call(
                &client,
                "set_user_active",
                &[("user_id", &victim), ("active", "false")],
            )
            .await;
        assert_eq!(res.status(), 403, "{role:?}");
    }
    // Another company's Super admin cannot reach Acme's users, not even to learn they exist.
    let other = app.signed_in_as(FREE_ADMIN).await;
    let res = app
        .call(
            &other,
            "set_user_active",
            &[("user_id", &victim), ("active", "false")],
        )
        .await;
    assert_eq!(res.status(), 404);
    let res = app
        .call(
            &other,
            "set_user_role",
            &[("user_id", "999999"), ("role", "auditor")],
        )
        .await;
    assert_eq!(res.status(), 404, "unknown and foreign ids read the same");
    let list = app
        .call(&other, "list_administrators", &[])
        .await
        .json::<Vec<Value>>()
        .await
        .unwrap_or_default();
    assert!(
        list.iter()
            .all(|u| u["email"].as_str().unwrap_or("").ends_with("@free.example"))
    );
    app.signed_in(Role::Auditor).await;
    app.finish().await;
}
both!(
    other_roles_and_other_companies_are_refused,
    other_roles_and_other_companies_are_refused
);
