//! The audit log: sign-ins and refusals are recorded, the filters work on the server, the CSV
//! export quotes and neutralises, and the hash chain catches records altered, removed or
//! reordered directly in the database.

use crate::both;
use crate::harness::{Backend, PASSWORD, TestApp, email};
use crate::settings::audit_rows;
use app::backend::audit::{self, Author, ChainProblem, Channel, Record};
use app::domain::Role;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

async fn sign_ins_and_refusals_are_recorded(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = app.client();
    app.sign_in(&client, &email(Role::Auditor), "wrong password here")
        .await;
    let mail_admin = app.signed_in(Role::MailAdmin).await;
    assert_eq!(
        app.call(&mail_admin, "load_mail_security", &[])
            .await
            .status(),
        403
    );
    let admin = app.signed_in(Role::SuperAdmin).await;

    let failures = audit_rows(&app, &admin, json!({"result": "failure"})).await;
    assert!(
        failures.iter().any(|r| r["action"] == "Sign in"
            && r["target"] == email(Role::Auditor)
            && r["result"] == "Failure: wrong password"),
        "{failures:?}"
    );
    assert!(
        failures.iter().any(|r| r["action"] == "Refused call"
            && r["admin"] == email(Role::MailAdmin)
            && r["target"] == "/api/load_mail_security"),
        "{failures:?}"
    );
    let successes = audit_rows(
        &app,
        &admin,
        json!({"result": "success", "action": "Sign in"}),
    )
    .await;
    assert!(successes.iter().all(|r| r["result"] == "Success"));
    assert!(
        successes
            .iter()
            .any(|r| r["admin"] == email(Role::SuperAdmin))
    );
    assert!(successes.iter().all(|r| r["channel"] == "PC web"));
    app.finish().await;
}
both!(
    sign_ins_and_refusals_are_recorded,
    sign_ins_and_refusals_are_recorded
);

async fn filters_and_search_run_on_the_server(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signed_in(Role::SuperAdmin).await;
    let page = app
        .call(&admin, "load_mail_security", &[])
        .await
        .json::<Value>()
        .await
        .unwrap_or_default();
    let res = app
        .call_json(&admin, "save_mail_security", json!({"changes": [
            {"key": "warning_texts_pc", "value": {"default": "Mind the 100% Rule_of_thumb"}, "base_version": page["versions"]["warning_texts_pc"]}
        ]}))
        .await;
    assert_eq!(res.status(), 200);
    let by_text = audit_rows(&app, &admin, json!({"text": "100% RULE_OF"})).await;
    assert_eq!(
        by_text.len(),
        1,
        "case-insensitive, % and _ literal: {by_text:?}"
    );
    assert!(
        audit_rows(&app, &admin, json!({"text": "100x"}))
            .await
            .is_empty()
    );
    let by_admin = audit_rows(&app, &admin, json!({"admin": "SUPER-ADMIN@"})).await;
    assert!(
        !by_admin.is_empty()
            && by_admin
                .iter()
                .all(|r| r["admin"] == email(Role::SuperAdmin))
    );
    let by_menu = audit_rows(&app, &admin, json!({"menu": "Mail Security"})).await;
    assert_eq!(by_menu.len(), 1);
    let today = chrono::Utc::now().date_naive();
    let in_range = audit_rows(
        &app,
        &admin,
        json!({"from": today.to_string(), "to": today.to_string()}),
    )
    .await;
    assert!(!in_range.is_empty());
    let tomorrow = today.succ_opt().expect("date").to_string();
    assert!(
        audit_rows(&app, &admin, json!({"from": tomorrow}))
            .await
            .is_empty()
    );
    // A bad date names its field.
    let res = app
        .call_json(
            &admin,
            "list_audit",
            json!({"query": {"from": "27/11/2026"}}),
        )
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        res.json::<Value>().await.unwrap_or_default()["field"],
        "from"
    );
    // Pagination is on the server.
    let body = app
        .call_json(&admin, "list_audit", json!({"query": {"page": 99}}))
        .await
        .json::<Value>()
        .await
        .unwrap_or_default();
    assert_eq!(body["page"], 0, "a page past the end shows the last page");
    assert!(
        body["actions"]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x == "Change setting"))
    );
    app.finish().await;
}
both!(
    filters_and_search_run_on_the_server,
    filters_and_search_run_on_the_server
);

fn author(app_company: i64) -> Author {
    Author {
        company_id: app_company,
        user_id: None,
        email: "operator@acme.example".into(),
        client_ip: "127.0.0.1".parse().expect("ip"),
        channel: Channel::PcWeb,
    }
}

async fn acme_id(app: &TestApp) -> i64 {
    app::backend::accounts::find_company(&app.state.db, crate::harness::COMPANY)
        .await
        .expect("company")
        .id
}

async fn csv_export_round_trips_awkward_values(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let company = acme_id(&app).await;
    let awkward = [
        "=HYPERLINK(\"http://evil.example\",\"click\")",
        "comma, \"quotes\" and\nnew lines",
        "+SUM(A1:A2)",
        "@cmd",
        "-2+3",
        "<script>alert(1)</script> 漢字 🙂",
    ];
    for (i, value) in awkward.iter().enumerate() {
        let mut record = Record::event("Mail Security", "Change setting", *value, "Success");
        record.old_value = Some(format!("old {i}"));
        record.new_value = Some((*value).to_string());
        audit::append(&app.state.db, &author(company), record)
            .await
            .expect("append");
    }
    let admin = app.signed_in(Role::Auditor).await;
    let res = admin
        .get(app.url("/audit/export.csv?menu=Mail%20Security"))
        .send()
        .await
        .expect("export");
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap_or("")
            .starts_with("text/csv")
    );
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap_or("")
            .contains("attachment")
    );
    let body = res.bytes().await.expect("body");
    let mut reader = csv::Reader::from_reader(body.as_ref());
    let rows: Vec<csv::StringRecord> = reader
        .records()
        .collect::<Result<_, _>>()
        .expect("valid CSV");
    assert_eq!(rows.len(), awkward.len());
    for (row, value) in rows.iter().rev().zip(awkward) {
        let target = &row[6];
        let new_value = &row[8];
        let expected = if value.starts_with(['=', '+', '-', '@']) {
            format!("'{value}")
        } else {
            value.to_string()
        };
        assert_eq!(target, expected);
        assert_eq!(new_value, expected);
    }
    // Only those who may read the log may export it.
    let mail_admin = app.signed_in(Role::MailAdmin).await;
    assert_eq!(
        mail_admin
            .get(app.url("/audit/export.csv"))
            .send()
            .await
            .expect("r")
            .status(),
        403
    );
    assert_eq!(
        app.client()
            .get(app.url("/audit/export.csv"))
            .send()
            .await
            .expect("r")
            .status(),
        401
    );
    app.finish().await;
}
both!(
    csv_export_round_trips_awkward_values,
    csv_export_round_trips_awkward_values
);

/// A real history: sign-ins, a refused call and saves.
async fn history(app: &TestApp) {
    let admin = app.signed_in(Role::SecurityAdmin).await;
    for (key, value) in [
        ("mail_backup", json!(false)),
        ("external_alert_banner", json!(true)),
        ("mail_backup", json!(true)),
    ] {
        let page = app
            .call(&admin, "load_mail_security", &[])
            .await
            .json::<Value>()
            .await
            .unwrap_or_default();
        let res = app
            .call_json(&admin, "save_mail_security", json!({"changes": [{"key": key, "value": value, "base_version": page["versions"][key]}]}))
            .await;
        assert_eq!(res.status(), 200);
    }
    let mail_admin = app.signed_in(Role::MailAdmin).await;
    app.call(&mail_admin, "load_network_security", &[]).await;
}

async fn exec(app: &TestApp, sql: &str) {
    app.state
        .db
        .execute(Statement::from_string(
            app.state.db.get_database_backend(),
            sql.to_string(),
        ))
        .await
        .expect(sql);
}

async fn ids(app: &TestApp, company: i64) -> Vec<i64> {
    use app::backend::entities::audit_entry;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    audit_entry::Entity::find()
        .filter(audit_entry::Column::CompanyId.eq(company))
        .order_by_asc(audit_entry::Column::Id)
        .all(&app.state.db)
        .await
        .expect("records")
        .into_iter()
        .map(|r| r.id)
        .collect()
}

async fn the_chain_verifies_and_names_tampered_records(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    history(&app).await;
    let company = acme_id(&app).await;
    let verified = audit::verify(&app.state.db, company).await.expect("db");
    let all = ids(&app, company).await;
    assert_eq!(verified, Ok(all.len() as u64), "a real history verifies");
    assert_eq!(all.len(), 6, "two sign-ins, three saves, one refused call");

    // Altered: one value changed in place.
    exec(
        &app,
        &format!(
            "UPDATE audit_log SET new_value = 'tampered' WHERE id = {}",
            all[3]
        ),
    )
    .await;
    assert_eq!(
        audit::verify(&app.state.db, company).await.expect("db"),
        Err(ChainProblem::Altered { id: all[3] })
    );
    app.finish().await;

    // Removed from the middle.
    let app = TestApp::spawn(backend).await;
    history(&app).await;
    let company = acme_id(&app).await;
    let all = ids(&app, company).await;
    exec(
        &app,
        &format!("DELETE FROM audit_log WHERE id = {}", all[2]),
    )
    .await;
    assert_eq!(
        audit::verify(&app.state.db, company).await.expect("db"),
        Err(ChainProblem::Broken {
            id: all[3],
            after: Some(all[1])
        })
    );
    app.finish().await;

    // Reordered: two records' contents swapped (ids kept), as if their order were changed.
    let app = TestApp::spawn(backend).await;
    history(&app).await;
    let company = acme_id(&app).await;
    let all = ids(&app, company).await;
    let (a, b) = (all[2], all[4]);
    let cols = "occurred_at, actor_user_id, actor_email, client_ip, channel, menu, action, target, old_value, new_value, result, setting_key, old_json, new_json, save_id, prev_hash, hash";
    exec(
        &app,
        "CREATE TABLE swap AS SELECT * FROM audit_log WHERE 1 = 0",
    )
    .await;
    exec(
        &app,
        &format!("INSERT INTO swap SELECT * FROM audit_log WHERE id IN ({a}, {b})"),
    )
    .await;
    for (target, source) in [(a, b), (b, a)] {
        let set: Vec<String> = cols
            .split(", ")
            .map(|c| format!("{c} = (SELECT {c} FROM swap WHERE id = {source})"))
            .collect();
        exec(
            &app,
            &format!(
                "UPDATE audit_log SET {} WHERE id = {target}",
                set.join(", ")
            ),
        )
        .await;
    }
    let problem = audit::verify(&app.state.db, company).await.expect("db");
    assert_eq!(
        problem,
        Err(ChainProblem::Broken {
            id: a,
            after: Some(all[1])
        })
    );
    assert!(
        problem
            .err()
            .map(|p| p.to_string())
            .unwrap_or_default()
            .contains(&format!("record #{a}"))
    );
    app.finish().await;

    // Removed from the end.
    let app = TestApp::spawn(backend).await;
    history(&app).await;
    let company = acme_id(&app).await;
    let all = ids(&app, company).await;
    let last = *all.last().expect("records");
    exec(&app, &format!("DELETE FROM audit_log WHERE id = {last}")).await;
    assert_eq!(
        audit::verify(&app.state.db, company).await.expect("db"),
        Err(ChainProblem::TailMissing {
            last_id: Some(all[all.len() - 2])
        })
    );
    // The other company's chain is untouched.
    let free = app::backend::accounts::find_company(&app.state.db, crate::harness::FREE_COMPANY)
        .await
        .expect("free")
        .id;
    assert!(
        audit::verify(&app.state.db, free)
            .await
            .expect("db")
            .is_ok()
    );
    let _ = PASSWORD;
    app.finish().await;
}
both!(
    the_chain_verifies_and_names_tampered_records,
    the_chain_verifies_and_names_tampered_records
);
