//! The bounded load run (part of `scripts/long`, ignored by the quick suite): the server binary
//! under 64 concurrent clients for `LOAD_SECONDS` (default 60) mixing page loads, reads, saves
//! and API decisions. It must finish with no errors, no lost update (one audit record per
//! acknowledged save), and its memory back near where it started.
//!
//! `SERVER_BIN` picks the binary (the long suite uses the release build); `LOAD_BACKEND` is
//! `sqlite` (default) or `postgres`.

use crate::harness::{Backend, TestApp, free_port, ready_within, server_process};
use app::domain::Role;
use sea_orm::{ConnectionTrait, Database, Statement};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const CONNECTIONS: usize = 64;
/// The settings the savers flip (each flip is a change, so each acknowledged save is audited).
const KEYS: [&str; 2] = ["mail_backup", "external_alert_banner"];

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

#[derive(Default)]
struct Counts {
    ok: AtomicU64,
    saves: AtomicU64,
    conflicts: AtomicU64,
    errors: AtomicU64,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "long: run by scripts/long"]
async fn a_minute_of_mixed_load_loses_nothing_and_gives_memory_back() {
    let backend = match std::env::var("LOAD_BACKEND").as_deref() {
        Ok("postgres") => Backend::Postgres,
        _ => Backend::Sqlite,
    };
    let seconds: u64 = std::env::var("LOAD_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let bin = std::env::var("SERVER_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_server").into());

    // Accounts and a token, made in-process; then the binary serves the same database.
    let app = TestApp::spawn(backend).await;
    let admin = app.signed_in(Role::SuperAdmin).await;
    let token: Value = app
        .call(&admin, "create_api_token", &[("name", "load")])
        .await
        .json()
        .await
        .expect("token");
    let token = token[0].as_str().expect("secret").to_string();
    let db = app.stop().await;
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut child = server_process(
        &bin,
        &db.url,
        port,
        &[
            ("API_RATE_LIMIT_PER_MINUTE", "100000000"),
            ("LEPTOS_ENV", "PROD"),
        ],
    );
    assert!(
        ready_within(&base, 300, Duration::from_millis(100)).await,
        "the server started"
    );

    // One signed-in client per admin role, shared by the connections.
    let mut clients = Vec::new();
    for role in [Role::SuperAdmin, Role::SecurityAdmin, Role::Auditor] {
        let c = reqwest::Client::builder()
            .cookie_store(true)
            .pool_max_idle_per_host(CONNECTIONS)
            .build()
            .expect("client");
        crate::faults::sign_in(&c, &base, role).await;
        clients.push(c);
    }
    // Warm up, then take the starting memory.
    for _ in 0..50 {
        let _ = clients[0]
            .post(format!("{base}/api/load_mail_security"))
            .send()
            .await;
    }
    let rss_before = rss_kib(child.id());

    let counts = Arc::new(Counts::default());
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for n in 0..CONNECTIONS {
        let client = clients[n % clients.len()].clone();
        let saver = n % clients.len() < 2; // the Auditor only reads
        let (base, token, counts) = (base.clone(), token.clone(), counts.clone());
        tasks.push(tokio::spawn(async move {
            let mut i = 0u64;
            while Instant::now() < deadline {
                i += 1;
                let result = match i % 4 {
                    0 => client.get(format!("{base}/security/mail")).send().await,
                    1 => {
                        client
                            .post(format!("{base}/api/load_mail_security"))
                            .send()
                            .await
                    }
                    2 => {
                        reqwest::Client::new()
                            .post(format!("{base}/api/v1/decisions/send"))
                            .bearer_auth(&token)
                            .json(&json!({"sender": {"kind": "member"},
                                "recipients": ["x@elsewhere.example"], "device": "pc", "sent_at": 0}))
                            .send()
                            .await
                    }
                    _ if saver => {
                        let page: Value = match client
                            .post(format!("{base}/api/load_mail_security"))
                            .send()
                            .await
                        {
                            Ok(r) => r.json().await.unwrap_or_default(),
                            Err(_) => {
                                counts.errors.fetch_add(1, Ordering::Relaxed);
                                continue;
                            }
                        };
                        let key = KEYS[n % KEYS.len()];
                        let current = page["policy"][key].as_bool().unwrap_or(true);
                        let res = client
                            .post(format!("{base}/api/save_mail_security"))
                            .json(&json!({"changes": [{"key": key, "value": !current,
                                "base_version": page["versions"][key]}]}))
                            .send()
                            .await;
                        match res.as_ref().map(|r| r.status().as_u16()) {
                            Ok(200) => {
                                counts.saves.fetch_add(1, Ordering::Relaxed);
                            }
                            Ok(409) => {
                                counts.conflicts.fetch_add(1, Ordering::Relaxed);
                                continue;
                            }
                            _ => {}
                        }
                        res
                    }
                    _ => {
                        client
                            .post(format!("{base}/api/list_audit"))
                            .json(&json!({"query": {}}))
                            .send()
                            .await
                    }
                };
                match result {
                    Ok(r) if r.status().is_success() => {
                        counts.ok.fetch_add(1, Ordering::Relaxed);
                        let _ = r.bytes().await;
                    }
                    Ok(r) => {
                        eprintln!("load: {} {}", r.status(), r.url());
                        counts.errors.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(e) => {
                        eprintln!("load: {e}");
                        counts.errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        }));
    }
    for t in tasks {
        t.await.expect("task");
    }
    let rss_peak = rss_kib(child.id());
    tokio::time::sleep(Duration::from_secs(5)).await;
    let rss_after = rss_kib(child.id());
    let (ok, saves, conflicts, errors) = (
        counts.ok.load(Ordering::Relaxed),
        counts.saves.load(Ordering::Relaxed),
        counts.conflicts.load(Ordering::Relaxed),
        counts.errors.load(Ordering::Relaxed),
    );
    println!(
        "load: {seconds} s, {CONNECTIONS} connections: {ok} ok ({:.0}/s), {saves} saves, \
         {conflicts} conflicts, {errors} errors; RSS {rss_before} KiB before, {rss_peak} KiB \
         at the end, {rss_after} KiB 5 s later",
        ok as f64 / seconds as f64
    );
    child.kill().expect("stop");
    child.wait().expect("reaped");

    assert_eq!(errors, 0, "no errors under load");
    assert!(saves > 0, "saves went through");
    let conn = Database::connect(&db.url).await.expect("connect");
    let audited = conn
        .query_one(Statement::from_sql_and_values(
            conn.get_database_backend(),
            "SELECT COUNT(*) FROM audit_log WHERE setting_key IN ($1, $2)",
            [KEYS[0].into(), KEYS[1].into()],
        ))
        .await
        .expect("count")
        .expect("row");
    let audited: i64 = audited.try_get_by_index(0).expect("count");
    assert_eq!(
        audited as u64, saves,
        "one audit record per acknowledged save: none lost"
    );
    conn.close().await.ok();
    // Memory: back within a quarter (plus allocator slack) of where it started.
    assert!(
        rss_after <= rss_before + rss_before / 4 + 16 * 1024,
        "RSS {rss_after} KiB after the load vs {rss_before} KiB before"
    );
    db.drop_now().await;
}
