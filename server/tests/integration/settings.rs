//! The settings pages' server functions: who may read and change what, on which plan; bad input
//! refused with the field named and nothing stored; stale edits refused; the import deletion
//! rule; and an audit record per change.

use crate::both;
use crate::harness::{Backend, FREE_ADMIN, IMPORTING_MEMBERS, TestApp, email};
use app::domain::Role;
use serde_json::{Value, json};

async fn load(app: &TestApp, client: &reqwest::Client, page: &str) -> (u16, Value) {
    let res = app.call(client, &format!("load_{page}"), &[]).await;
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn save(app: &TestApp, client: &reqwest::Client, page: &str, changes: Value) -> (u16, Value) {
    let res = app
        .call_json(
            client,
            &format!("save_{page}"),
            json!({ "changes": changes }),
        )
        .await;
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

fn change(key: &str, value: Value, page: &Value) -> Value {
    json!({ "key": key, "value": value, "base_version": page["versions"][key] })
}

/// Settings changes in the audit log.
async fn audit_count(app: &TestApp) -> usize {
    let admin = app.signed_in(Role::SuperAdmin).await;
    audit_rows(app, &admin, json!({"action": "Change setting"}))
        .await
        .len()
}

pub async fn audit_rows(app: &TestApp, client: &reqwest::Client, query: Value) -> Vec<Value> {
    let res = app
        .call_json(client, "list_audit", json!({ "query": query }))
        .await;
    res.json::<Value>().await.unwrap_or(Value::Null)["rows"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// How many audit rows have this result and a new value starting with `detail` ("" for any).
pub fn count_audit(rows: &[Value], result: &str, detail: &str) -> usize {
    rows.iter()
        .filter(|r| {
            r["result"] == result
                && r["new_value"]
                    .as_str()
                    .unwrap_or_default()
                    .starts_with(detail)
        })
        .count()
}

async fn import_rows(app: &TestApp) -> u64 {
    use sea_orm::{EntityTrait, PaginatorTrait};
    app::backend::entities::import_setting::Entity::find()
        .count(&app.state.db)
        .await
        .expect("count")
}

async fn permitted_roles_save_and_others_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for (role, page, key, value, allowed) in [
        (
            Role::SuperAdmin,
            "mail_security",
            "mail_backup",
            json!(false),
            true,
        ),
        (
            Role::SecurityAdmin,
            "mail_security",
            "external_alert_banner",
            json!(true),
            true,
        ),
        (
            Role::SecurityAdmin,
            "network_security",
            "allowed_networks",
            json!(["203.0.113.0/24"]),
            true,
        ),
        (
            Role::MailAdmin,
            "mail_general",
            "attachment_size_limit",
            json!(25),
            true,
        ),
        (
            Role::SuperAdmin,
            "languages",
            "languages",
            json!(["en", "ko"]),
            true,
        ),
        (
            Role::Auditor,
            "mail_security",
            "mail_backup",
            json!(true),
            false,
        ),
        (
            Role::Auditor,
            "mail_general",
            "attachment_size_limit",
            json!(30),
            false,
        ),
        (
            Role::MailAdmin,
            "mail_security",
            "mail_backup",
            json!(true),
            false,
        ),
        (
            Role::SecurityAdmin,
            "mail_general",
            "attachment_size_limit",
            json!(30),
            false,
        ),
        (
            Role::SecurityAdmin,
            "languages",
            "languages",
            json!(["en", "ja"]),
            false,
        ),
    ] {
        let client = app.signed_in(role).await;
        let viewer = app.signed_in(Role::SuperAdmin).await;
        let (_, before) = load(&app, &viewer, page).await;
        let (status, body) = save(
            &app,
            &client,
            page,
            json!([change(key, value.clone(), &before)]),
        )
        .await;
        let (_, after) = load(&app, &viewer, page).await;
        if allowed {
            assert_eq!(status, 200, "{role:?} saves {key}: {body}");
            assert_eq!(after["policy"][key], value, "{key} stored");
            assert_eq!(
                after["versions"][key].as_i64(),
                before["versions"][key].as_i64().map(|v| v + 1),
                "version bumped"
            );
            assert_eq!(
                body["policy"][key], value,
                "the response shows the stored value"
            );
        } else {
            assert_eq!(status, 403, "{role:?} must not save {key}: {body}");
            assert_eq!(after, before, "nothing stored");
        }
    }
    // Auditors read; Mail admins cannot read Security.
    let auditor = app.signed_in(Role::Auditor).await;
    let (status, page) = load(&app, &auditor, "mail_security").await;
    assert_eq!(status, 200);
    assert_eq!(page["can_edit"], false);
    let mail_admin = app.signed_in(Role::MailAdmin).await;
    assert_eq!(load(&app, &mail_admin, "mail_security").await.0, 403);
    assert_eq!(load(&app, &mail_admin, "network_security").await.0, 403);
    app.finish().await;
}
both!(
    permitted_roles_save_and_others_are_refused,
    permitted_roles_save_and_others_are_refused
);

async fn other_plans_are_refused_mail_security(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let free = app.signed_in_as(FREE_ADMIN).await;
    let (status, body) = load(&app, &free, "mail_security").await;
    assert_eq!(status, 402);
    assert_eq!(body["kind"], "plan_required");
    let (status, _) = save(
        &app,
        &free,
        "mail_security",
        json!([{"key": "mail_backup", "value": false, "base_version": 0}]),
    )
    .await;
    assert_eq!(status, 402);
    // Network Security works on every plan, but cannot touch import there.
    let (status, page) = load(&app, &free, "network_security").await;
    assert_eq!(status, 200);
    assert_eq!(page["mail_security_plan"], false);
    let (status, body) = save(
        &app,
        &free,
        "network_security",
        json!([change(
            "import_external_email",
            json!("do_not_allow"),
            &page
        )]),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    app.finish().await;
}
both!(
    other_plans_are_refused_mail_security,
    other_plans_are_refused_mail_security
);

async fn invalid_values_name_the_field_and_store_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signed_in(Role::SuperAdmin).await;
    let audits = audit_count(&app).await;
    let (_, ms) = load(&app, &admin, "mail_security").await;
    let (_, general) = load(&app, &admin, "mail_general").await;
    let (_, network) = load(&app, &admin, "network_security").await;
    let restricted = |name: &str, delete: bool| {
        json!({"in_use": true, "name": name, "expires_after": "none",
               "forwarding_prohibited": false, "delete_sent_after_expiration": delete})
    };
    let cases = [
        (
            "mail_general",
            vec![change("attachment_size_limit", json!(0), &general)],
            "attachment_size_limit",
        ),
        (
            "mail_general",
            vec![change("attachment_size_limit", json!("ten"), &general)],
            "attachment_size_limit",
        ),
        (
            "mail_general",
            vec![change("large_file_max_size", json!(10), &general)],
            "large_file_max_size",
        ),
        (
            "mail_security",
            vec![change(
                "external_popup",
                json!({"on": true, "apply": {"conditionally": null}}),
                &ms,
            )],
            "external_popup",
        ),
        (
            "mail_security",
            vec![
                change("security_levels", json!(true), &ms),
                change("general_level", json!(false), &ms),
                change("non_business_level", json!(true), &ms),
            ],
            "non_business_level",
        ),
        (
            "mail_security",
            vec![
                change("security_levels", json!(true), &ms),
                change("general_level", json!(false), &ms),
            ],
            "security_levels",
        ),
        (
            "mail_security",
            vec![change(
                "restricted_level",
                restricted("Confidential", false),
                &ms,
            )],
            "restricted_level.name",
        ),
        (
            "mail_security",
            vec![change("restricted_level", restricted("   ", false), &ms)],
            "restricted_level",
        ),
        (
            "mail_security",
            vec![change(
                "restricted_level",
                restricted("Internal", true),
                &ms,
            )],
            "restricted_level.delete_sent_after_expiration",
        ),
        (
            "mail_security",
            vec![change(
                "warning_texts_pc",
                json!({"default": "x".repeat(501)}),
                &ms,
            )],
            "warning_texts_pc",
        ),
        (
            "mail_security",
            vec![change("attachment_size_limit", json!(10), &general)],
            "request",
        ),
        (
            "network_security",
            vec![change("allowed_networks", json!(["10.0.0.1/8"]), &network)],
            "allowed_networks",
        ),
        (
            "network_security",
            vec![change(
                "allowed_networks",
                json!(["10.0.0.1", "10.0.0.1"]),
                &network,
            )],
            "allowed_networks",
        ),
        (
            "network_security",
            vec![change(
                "network_access",
                json!("designated_ips_only"),
                &network,
            )],
            "network_access",
        ),
        (
            "languages",
            vec![json!({"key": "languages", "value": [], "base_version": 0})],
            "languages",
        ),
    ];
    for (page, changes, field) in cases {
        let (status, body) = save(&app, &admin, page, json!(changes)).await;
        assert_eq!(status, 422, "{page} {changes:?}: {body}");
        assert_eq!(body["kind"], "validation");
        assert_eq!(body["field"], field, "{body}");
        assert!(
            body["message"].as_str().is_some_and(|m| m.len() > 10),
            "{body}"
        );
    }
    assert_eq!(
        load(&app, &admin, "mail_security").await.1,
        ms,
        "nothing stored"
    );
    assert_eq!(load(&app, &admin, "mail_general").await.1, general);
    assert_eq!(load(&app, &admin, "network_security").await.1, network);
    assert_eq!(
        audit_count(&app).await,
        audits,
        "no audit records for refused saves"
    );
    app.finish().await;
}
both!(
    invalid_values_name_the_field_and_store_nothing,
    invalid_values_name_the_field_and_store_nothing
);

async fn a_stale_version_is_refused_and_stores_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let first = app.signed_in(Role::SuperAdmin).await;
    let second = app.signed_in(Role::SecurityAdmin).await;
    let (_, start) = load(&app, &first, "mail_security").await;
    let (status, _) = save(
        &app,
        &first,
        "mail_security",
        json!([change("mail_backup", json!(false), &start)]),
    )
    .await;
    assert_eq!(status, 200);
    // The second admin started from the same version.
    let (status, body) = save(
        &app,
        &second,
        "mail_security",
        json!([
            change("mail_backup", json!(true), &start),
            change("external_alert_banner", json!(true), &start)
        ]),
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["kind"], "conflict");
    // Only the field the other admin changed conflicts, with both values and who changed it.
    let conflicts = body["current"].as_array().cloned().unwrap_or_default();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts[0]["key"], "mail_backup");
    assert_eq!(conflicts[0]["yours"], "ON");
    assert_eq!(conflicts[0]["current"], "OFF");
    assert_eq!(conflicts[0]["current_value"], false);
    assert!(
        conflicts[0]["changed_by"]
            .as_str()
            .unwrap_or("")
            .contains(&email(Role::SuperAdmin))
    );
    assert!(conflicts[0]["changed_at"].as_str().is_some());
    let (_, now) = load(&app, &first, "mail_security").await;
    assert_eq!(now["policy"]["mail_backup"], false);
    assert_eq!(
        now["policy"]["external_alert_banner"], false,
        "the other field of that save was not stored either"
    );
    app.finish().await;
}
both!(
    a_stale_version_is_refused_and_stores_nothing,
    a_stale_version_is_refused_and_stores_nothing
);

async fn import_settings_are_deleted_only_with_the_change_to_do_not_allow(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signed_in(Role::SecurityAdmin).await;
    let (_, page) = load(&app, &admin, "mail_security").await;
    assert_eq!(page["import_member_count"], IMPORTING_MEMBERS);
    // Other settings: the members' import settings stay.
    save(
        &app,
        &admin,
        "mail_security",
        json!([change("mail_backup", json!(false), &page)]),
    )
    .await;
    assert_eq!(import_rows(&app).await, 3);
    // A refused save: still there.
    let (status, _) = save(
        &app,
        &admin,
        "mail_security",
        json!([
            change("import_external_email", json!("do_not_allow"), &page),
            change("attachment_size_limit", json!(1), &page)
        ]),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(import_rows(&app).await, 3);
    // The change itself deletes them, in the same save.
    let (_, page) = load(&app, &admin, "mail_security").await;
    let (status, body) = save(
        &app,
        &admin,
        "mail_security",
        json!([change(
            "import_external_email",
            json!("do_not_allow"),
            &page
        )]),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["import_member_count"], 0);
    assert_eq!(import_rows(&app).await, 0);
    // The kept count went to 0 with them: the next load, on a fresh request, says so too.
    let (_, page) = load(&app, &admin, "mail_security").await;
    assert_eq!(page["import_member_count"], 0);
    let log = audit_rows(&app, &admin, json!({})).await;
    let actions: Vec<&str> = log.iter().filter_map(|r| r["action"].as_str()).collect();
    assert!(
        actions.contains(&"Delete members' import settings"),
        "{actions:?}"
    );
    app.finish().await;
}
both!(
    import_settings_are_deleted_only_with_the_change_to_do_not_allow,
    import_settings_are_deleted_only_with_the_change_to_do_not_allow
);

async fn designated_ips_only_turns_import_off_in_the_same_save(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signed_in(Role::SuperAdmin).await;
    let (_, page) = load(&app, &admin, "network_security").await;
    assert_eq!(page["policy"]["import_external_email"], "allow");
    let (status, body) = save(
        &app,
        &admin,
        "network_security",
        json!([
            change("network_access", json!("designated_ips_only"), &page),
            change(
                "allowed_networks",
                json!(["203.0.113.0/24", "2001:db8::/32"]),
                &page
            ),
            change("import_external_email", json!("do_not_allow"), &page),
        ]),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(import_rows(&app).await, 0);
    // Import can no longer be allowed from Mail Security, and the server says why.
    let (_, ms) = load(&app, &admin, "mail_security").await;
    let (status, body) = save(
        &app,
        &admin,
        "mail_security",
        json!([change("import_external_email", json!("allow"), &ms)]),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["field"], "import_external_email");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or("")
            .contains("designated IPs")
    );
    // Nor turned on from Network Security.
    let (_, page) = load(&app, &admin, "network_security").await;
    let (status, _) = save(
        &app,
        &admin,
        "network_security",
        json!([change("import_external_email", json!("allow"), &page)]),
    )
    .await;
    assert_eq!(status, 422);
    app.finish().await;
}
both!(
    designated_ips_only_turns_import_off_in_the_same_save,
    designated_ips_only_turns_import_off_in_the_same_save
);

async fn every_save_is_audited_with_old_and_new_values(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signed_in(Role::SecurityAdmin).await;
    let (_, page) = load(&app, &admin, "mail_security").await;
    let level = json!({"in_use": true, "name": "Internal only", "expires_after": "one_week",
                       "forwarding_prohibited": true, "delete_sent_after_expiration": true});
    let (status, body) = save(
        &app,
        &admin,
        "mail_security",
        json!([
            change("security_levels", json!(true), &page),
            change("restricted_level", level, &page),
            change(
                "warning_texts_pc",
                json!({"default": "<b>Careful</b>", "ko": "외부 메일"}),
                &page
            ),
        ]),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["policy"]["warning_texts_pc"]["default"], "<b>Careful</b>",
        "stored exactly"
    );
    let rows = audit_rows(&app, &admin, json!({"action": "Change setting"})).await;
    assert_eq!(rows.len(), 3, "{rows:?}");
    let level_row = rows
        .iter()
        .find(|r| r["target"] == "Restricted (Internal only)")
        .expect("level record");
    assert_eq!(level_row["admin"], email(Role::SecurityAdmin));
    assert_eq!(level_row["client_ip"], "127.0.0.1");
    assert_eq!(level_row["menu"], "Mail Security > Security level");
    assert!(
        level_row["old_value"]
            .as_str()
            .unwrap_or("")
            .starts_with("Do not use")
    );
    assert!(
        level_row["new_value"]
            .as_str()
            .unwrap_or("")
            .contains("Expires after: 1 week")
    );
    assert!(
        rows.iter()
            .any(|r| r["target"] == "Security level" && r["new_value"] == "Use")
    );
    // Mail admins and members cannot read the log.
    let mail_admin = app.signed_in(Role::MailAdmin).await;
    assert_eq!(
        app.call_json(&mail_admin, "list_audit", json!({"query": {}}))
            .await
            .status(),
        403
    );
    app.finish().await;
}
both!(
    every_save_is_audited_with_old_and_new_values,
    every_save_is_audited_with_old_and_new_values
);

async fn removing_a_language_keeps_its_warning_texts(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signed_in(Role::SuperAdmin).await;
    let (_, langs) = load(&app, &admin, "languages").await;
    save(
        &app,
        &admin,
        "languages",
        json!([change("languages", json!(["en", "ja"]), &langs)]),
    )
    .await;
    let (_, ms) = load(&app, &admin, "mail_security").await;
    let (status, _) = save(
        &app,
        &admin,
        "mail_security",
        json!([change(
            "warning_texts_mobile",
            json!({"ja": "社外宛です"}),
            &ms
        )]),
    )
    .await;
    assert_eq!(status, 200);
    let (_, langs) = load(&app, &admin, "languages").await;
    save(
        &app,
        &admin,
        "languages",
        json!([change("languages", json!(["en"]), &langs)]),
    )
    .await;
    let (_, ms) = load(&app, &admin, "mail_security").await;
    assert_eq!(ms["policy"]["languages"], json!(["en"]));
    assert_eq!(ms["policy"]["warning_texts_mobile"]["ja"], "社外宛です");
    app.finish().await;
}
both!(
    removing_a_language_keeps_its_warning_texts,
    removing_a_language_keeps_its_warning_texts
);

async fn concurrent_saves_of_one_field_store_exactly_one(backend: Backend) {
    const N: usize = 8;
    let app = TestApp::spawn(backend).await;
    let mut admins = Vec::new();
    for i in 0..N {
        let role = if i % 2 == 0 {
            Role::SuperAdmin
        } else {
            Role::SecurityAdmin
        };
        admins.push(app.signed_in(role).await);
    }
    let (_, start) = load(&app, &admins[0], "mail_security").await;
    let before_audit = audit_count(&app).await;

    // N admins change the same field from the same version at once. (A save of the value that is
    // already stored changes nothing and is no conflict, so every admin really changes it.)
    let saves = admins.iter().map(|client| {
        let body = json!([change("external_alert_banner", json!(true), &start)]);
        let app = &app;
        async move { save(app, client, "mail_security", body).await }
    });
    let results = futures_join_all(saves).await;
    let ok = results.iter().filter(|(s, _)| *s == 200).count();
    let conflicts = results.iter().filter(|(s, _)| *s == 409).count();
    assert_eq!((ok, conflicts), (1, N - 1), "{results:?}");
    assert_eq!(
        audit_count(&app).await,
        before_audit + 1,
        "exactly one audit record"
    );
    let (_, after) = load(&app, &admins[0], "mail_security").await;
    assert_eq!(after["versions"]["external_alert_banner"], 1);
    for key in ["mail_backup", "import_external_email", "external_popup"] {
        assert_eq!(
            after["policy"][key], start["policy"][key],
            "{key} untouched"
        );
    }

    // Saves of different fields from the same start all succeed.
    let keys = [
        ("mail_backup", json!(false)),
        ("external_image_blocking", json!("required")),
        ("download_time_limit_files", json!("do_not_allow")),
        ("security_levels", json!(true)),
        ("non_business_level", json!(true)),
        ("warning_texts_mobile", json!({"default": "Mobile warning"})),
    ];
    let saves = keys.iter().zip(&admins).map(|((key, value), client)| {
        let body = json!([change(key, value.clone(), &after)]);
        let app = &app;
        async move { save(app, client, "mail_security", body).await }
    });
    let results = futures_join_all(saves).await;
    assert!(results.iter().all(|(s, _)| *s == 200), "{results:?}");
    let (_, last) = load(&app, &admins[0], "mail_security").await;
    for (key, value) in keys {
        assert_eq!(last["policy"][key], value, "{key}");
    }
    app.finish().await;
}
both!(
    concurrent_saves_of_one_field_store_exactly_one,
    concurrent_saves_of_one_field_store_exactly_one
);

/// Pages keep the settings in memory under the company's settings revision, but a replica never
/// shows them stale: what one replica saved, the other's page shows next, with its new version.
async fn a_replica_shows_the_settings_saved_on_another(backend: Backend) {
    let first = TestApp::spawn(backend).await;
    let second = first.replica().await;
    let admin = first.signed_in(Role::SuperAdmin).await;

    // The second replica loads the page twice (the second load is served from memory).
    let (status, before) = load(&second, &admin, "mail_security").await;
    assert_eq!(status, 200, "{before}");
    let (_, again) = load(&second, &admin, "mail_security").await;
    assert_eq!(again, before);
    let backup = before["policy"]["mail_backup"]
        .as_bool()
        .expect("a boolean");

    // The first saves a change; the second's page shows it, with the raised version.
    let (status, saved) = save(
        &first,
        &admin,
        "mail_security",
        json!([change("mail_backup", json!(!backup), &before)]),
    )
    .await;
    assert_eq!(status, 200, "{saved}");
    let (_, after) = load(&second, &admin, "mail_security").await;
    assert_eq!(after["policy"]["mail_backup"], !backup);
    assert_eq!(
        after["versions"]["mail_backup"],
        before["versions"]["mail_backup"].as_i64().expect("version") + 1
    );

    // And a save on the second from that page is accepted (its version is current).
    let (status, saved) = save(
        &second,
        &admin,
        "mail_security",
        json!([change("mail_backup", json!(backup), &after)]),
    )
    .await;
    assert_eq!(status, 200, "{saved}");
    let (_, last) = load(&first, &admin, "mail_security").await;
    assert_eq!(last["policy"]["mail_backup"], backup);
    // The replica that saved keeps what it committed; the other read it from the database: the
    // same page.
    let (_, on_second) = load(&second, &admin, "mail_security").await;
    assert_eq!(on_second, last);

    second.stop().await;
    first.finish().await;
}
both!(
    a_replica_shows_the_settings_saved_on_another,
    a_replica_shows_the_settings_saved_on_another
);

/// Runs futures concurrently on this task (requests go out together).
async fn futures_join_all<F: std::future::Future>(
    futures: impl IntoIterator<Item = F>,
) -> Vec<F::Output> {
    let handles: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut outputs = Vec::new();
    let mut pending: Vec<_> = handles.into_iter().map(Some).collect();
    let mut results: Vec<Option<F::Output>> = (0..pending.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut all_done = true;
        for (i, slot) in pending.iter_mut().enumerate() {
            if let Some(fut) = slot {
                match fut.as_mut().poll(cx) {
                    std::task::Poll::Ready(out) => {
                        results[i] = Some(out);
                        *slot = None;
                    }
                    std::task::Poll::Pending => all_done = false,
                }
            }
        }
        if all_done {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    outputs.extend(results.into_iter().flatten());
    outputs
}

/// The server-rendered Mail Security page carries the count of members with import settings as
/// it is at that load, once (the settings are loaded once per render), and nothing of it outlives
/// the request.
async fn the_rendered_page_counts_members_with_import_settings_at_each_load(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signed_in(Role::SecurityAdmin).await;
    let rendered = |html: &str, count: u64| {
        // The page's settings as the render hands them to the browser (JSON inside a string).
        html.contains(&format!("\\\"import_member_count\\\":{count},"))
    };
    let html = app.page_html(&admin, "/security/mail").await;
    assert!(rendered(&html, IMPORTING_MEMBERS), "{html}");
    assert_eq!(html.matches("import_member_count").count(), 1, "{html}");

    // A member without import settings gets one; the next render counts them.
    app::backend::accounts::add_import_setting(
        &app.state.db,
        &email(Role::SecurityAdmin),
        "four@old-mail.example",
        "pop.old-mail.example",
    )
    .await
    .expect("import setting");
    let html = app.page_html(&admin, "/security/mail").await;
    assert!(rendered(&html, IMPORTING_MEMBERS + 1), "{html}");
    assert!(
        !rendered(&html, IMPORTING_MEMBERS),
        "no earlier count is left in the page"
    );
    app.finish().await;
}
both!(
    the_rendered_page_counts_members_with_import_settings_at_each_load,
    the_rendered_page_counts_members_with_import_settings_at_each_load
);

/// A database from before the kept count of members with import settings: the upgrade that adds
/// it counts the members who already have them, and the page shows that count.
async fn the_upgrade_counts_members_who_already_have_import_settings(backend: Backend) {
    use migration::{Migrator, MigratorTrait};
    use sea_orm::{ConnectionTrait, Statement};
    let app = TestApp::spawn(backend).await;
    let admin = app.signed_in(Role::SecurityAdmin).await;
    let db = &app.state.db;
    // Undo the newest migration, then add an import setting the way the old schema had them:
    // a row, with no count kept beside the company.
    Migrator::down(db, Some(1)).await.expect("migrate down");
    db.execute(Statement::from_string(
        db.get_database_backend(),
        format!(
            "INSERT INTO import_settings (company_id, user_id, address, host, created_at) \
             SELECT company_id, id, 'four@old-mail.example', 'pop.old-mail.example', created_at \
             FROM users WHERE email = '{}'",
            email(Role::SecurityAdmin)
        ),
    ))
    .await
    .expect("an import setting added under the old schema");
    // The upgrade happens as it does in production: the next start of the server migrates on
    // fresh connections. (Migrating on this pool could meet a connection whose SQLite schema was
    // read before the column was dropped, and SQLite checks "duplicate column" against that copy.)
    let app = app.restart().await;
    let (_, page) = load(&app, &admin, "mail_security").await;
    assert_eq!(page["import_member_count"], IMPORTING_MEMBERS + 1);
    app.finish().await;
}
both!(
    the_upgrade_counts_members_who_already_have_import_settings,
    the_upgrade_counts_members_who_already_have_import_settings
);
