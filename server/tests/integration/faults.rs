//! Faults: the server killed (-9) in the middle of saves, the database going away and coming
//! back, and two replicas on one Postgres.

use crate::both;
use crate::harness::{
    Backend, PASSWORD, TestApp, TestDb, email, free_port, ready_within, server_process, test_config,
};
use crate::sessions;
use app::domain::Role;
use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};
use serde_json::{Value, json};
use server::startup::Application;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};

/// The three Mail > General values of save number `i`: all derived from `i`, so a stored mix of
/// two saves shows.
fn values_of(i: i64) -> [(&'static str, i64); 3] {
    [
        ("attachment_size_limit", 1 + i % 50),
        ("large_file_max_count", 1 + i % 20),
        ("large_file_max_size", 100 + i),
    ]
}

fn start_process(url: &str, port: u16) -> std::process::Child {
    server_process(env!("CARGO_BIN_EXE_server"), url, port, &[])
}

async fn wait_until_ready(base: &str) {
    assert!(
        ready_within(base, 300, Duration::from_millis(100)).await,
        "{base} did not become ready"
    );
}

pub async fn sign_in(client: &reqwest::Client, base: &str, role: Role) {
    let res = client
        .post(format!("{base}/api/sign_in"))
        .form(&[("email", email(role).as_str()), ("password", PASSWORD)])
        .send()
        .await
        .expect("sign in");
    assert_eq!(res.status(), 200);
}

async fn save_general(
    client: &reqwest::Client,
    base: &str,
    i: i64,
    versions: &Value,
) -> reqwest::Result<(u16, Value)> {
    let changes: Vec<Value> = values_of(i)
        .iter()
        .map(|(k, v)| json!({"key": k, "value": v, "base_version": versions[k]}))
        .collect();
    let res = client
        .post(format!("{base}/api/save_mail_general"))
        .json(&json!({"changes": changes}))
        .send()
        .await?;
    let status = res.status().as_u16();
    Ok((status, res.json().await.unwrap_or_default()))
}

async fn a_kill_in_the_middle_of_saves_loses_nothing_acknowledged(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.stop().await;
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut child = start_process(&db.url, port);
    wait_until_ready(&base).await;
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    sign_in(&client, &base, Role::MailAdmin).await;
    let page: Value = client
        .post(format!("{base}/api/load_mail_general"))
        .send()
        .await
        .expect("load")
        .json()
        .await
        .expect("json");
    let mut versions = page["versions"].clone();

    // Kill -9 after a while, whatever is in flight.
    let pid = child.id();
    let killer = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(1500 + u64::from(pid % 1000))).await;
        child.kill().expect("kill -9");
        child.wait().expect("reaped");
    });
    let mut acknowledged = 0;
    for i in 1..1500 {
        match save_general(&client, &base, i, &versions).await {
            Ok((200, page)) => {
                acknowledged = i;
                versions = page["versions"].clone();
            }
            Ok((status, body)) => panic!("save {i} refused: {status} {body}"),
            Err(_) => break,
        }
    }
    killer.await.expect("killer");
    assert!(
        acknowledged > 0,
        "some saves were acknowledged before the kill"
    );

    // Restarted: the last acknowledged save or the one in flight, never a mix.
    let mut child = start_process(&db.url, port);
    wait_until_ready(&base).await;
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    sign_in(&client, &base, Role::MailAdmin).await;
    let page: Value = client
        .post(format!("{base}/api/load_mail_general"))
        .send()
        .await
        .expect("load")
        .json()
        .await
        .expect("json");
    let stored = page["policy"]["large_file_max_size"]
        .as_i64()
        .expect("size")
        - 100;
    assert!(
        stored == acknowledged || stored == acknowledged + 1,
        "stored save {stored}, last acknowledged {acknowledged}"
    );
    let [(_, attachment), (_, count), _] = values_of(stored);
    assert_eq!(
        page["policy"]["attachment_size_limit"], attachment,
        "no mix"
    );
    assert_eq!(page["policy"]["large_file_max_count"], count, "no mix");
    child.kill().expect("stop");
    child.wait().expect("reaped");

    // The database is sound and the audit chain verifies, with one record per stored change.
    let conn = Database::connect(&db.url).await.expect("connect");
    if conn.get_database_backend() == DbBackend::Sqlite {
        let row = conn
            .query_one(Statement::from_string(
                DbBackend::Sqlite,
                "PRAGMA integrity_check",
            ))
            .await
            .expect("integrity check")
            .expect("a row");
        let verdict: String = row.try_get_by_index(0).expect("text");
        assert_eq!(verdict, "ok");
    }
    let company = app::backend::accounts::find_company(&conn, crate::harness::COMPANY)
        .await
        .expect("company")
        .id;
    let verified = app::backend::audit::verify(&conn, company)
        .await
        .expect("read the chain");
    assert!(verified.is_ok(), "audit chain: {verified:?}");
    let audited = conn
        .query_one(Statement::from_sql_and_values(
            conn.get_database_backend(),
            "SELECT COUNT(*) FROM audit_log WHERE setting_key = $1",
            ["large_file_max_size".into()],
        ))
        .await
        .expect("count")
        .expect("row");
    let audited: i64 = audited.try_get_by_index(0).expect("count");
    assert_eq!(audited, stored, "one audit record per stored save");
    conn.close().await.ok();
    db.drop_now().await;
}
both!(
    a_kill_in_the_middle_of_saves_loses_nothing_acknowledged,
    a_kill_in_the_middle_of_saves_loses_nothing_acknowledged
);

/// A TCP proxy in front of Postgres that can cut every connection and refuse new ones.
struct Proxy {
    addr: SocketAddr,
    up: Arc<AtomicBool>,
    connections: Arc<std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl Proxy {
    async fn start(upstream: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let up = Arc::new(AtomicBool::new(true));
        let connections = Arc::new(std::sync::Mutex::new(Vec::new()));
        let (flag, list) = (up.clone(), connections.clone());
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if !flag.load(Ordering::SeqCst) {
                    drop(inbound);
                    continue;
                }
                let upstream = upstream.clone();
                let task = tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(&upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                list.lock().expect("lock").push(task);
            }
        });
        Self {
            addr,
            up,
            connections,
        }
    }

    fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        for task in self.connections.lock().expect("lock").drain(..) {
            task.abort();
        }
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

/// `postgres://user@host:port/db` → (`host:port`, the URL with `addr` instead).
fn through(url: &str, addr: SocketAddr) -> (String, String) {
    let (scheme_user, rest) = url.split_once('@').expect("user@host");
    let (host, db) = rest.split_once('/').expect("host/db");
    (host.to_string(), format!("{scheme_user}@{addr}/{db}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_outage_answers_503_and_service_resumes_by_itself() {
    let db = TestDb::create(Backend::Postgres).await;
    let (upstream, _) = through(&db.url, "127.0.0.1:1".parse().expect("addr"));
    let proxy = Proxy::start(upstream).await;
    db.drop_now().await;
    let addr = proxy.addr;
    let app = TestApp::spawn_with(Backend::Postgres, move |c| {
        c.database_url = through(&c.database_url, addr).1;
    })
    .await;
    let admin = app.signed_in(Role::SecurityAdmin).await;
    assert_eq!(
        app.call(&admin, "load_mail_security", &[]).await.status(),
        200
    );

    proxy.cut();
    let ready = reqwest::get(app.url("/readyz")).await.expect("readyz");
    assert_eq!(ready.status(), 503, "not ready without the database");
    let res = app.call(&admin, "load_mail_security", &[]).await;
    assert_eq!(res.status(), 503);
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["kind"], "unavailable", "{body}");
    let page = admin
        .get(app.url("/security/mail"))
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), 503);
    assert!(
        page.text()
            .await
            .unwrap_or_default()
            .contains("temporarily unavailable")
    );

    proxy.restore();
    let recovered = ready_within(&app.url(""), 60, Duration::from_millis(250)).await;
    assert!(recovered, "ready again once the database is back");
    // The same session works again: nothing was lost while the database was away.
    assert_eq!(
        app.call(&admin, "load_mail_security", &[]).await.status(),
        200
    );
    app.finish().await;
}

/// Connections the database server ended (a restart, a failover) are replaced before they are
/// used again: after a pause, every request succeeds, none is answered with an error first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_ended_by_the_database_server_are_replaced_unseen() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let admin = app.signed_in(Role::SecurityAdmin).await;
    // Several requests at once, so that the pool holds several connections.
    let load = || app.call(&admin, "load_mail_security", &[]);
    let (a, b, c, d) = tokio::join!(load(), load(), load(), load());
    for res in [a, b, c, d] {
        assert_eq!(res.status(), 200);
    }

    // From outside the pool: end every connection the server holds.
    let outside = Database::connect(&app.db.url).await.expect("connect");
    let ended = outside
        .query_one(Statement::from_string(
            DbBackend::Postgres,
            "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        ))
        .await
        .expect("terminate")
        .expect("row");
    let ended: i64 = ended.try_get_by_index(0).expect("count");
    assert!(ended >= 1, "the server held connections");
    outside.close().await.expect("close");

    tokio::time::sleep(Duration::from_millis(1500)).await;
    for i in 0..6 {
        let res = app.call(&admin, "load_mail_security", &[]).await;
        assert_eq!(res.status(), 200, "request {i} after the connections ended");
    }
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_start_together_and_share_sessions_conflicts_and_the_audit_chain() {
    // Two servers migrating one fresh database at the same moment: both start.
    let db = TestDb::create(Backend::Postgres).await;
    let (a, b) = tokio::join!(
        Application::build(test_config(&db.url)),
        Application::build(test_config(&db.url))
    );
    let (a, b) = (a.expect("first replica"), b.expect("second replica"));
    a.state.db.clone().close().await.ok();
    b.state.db.clone().close().await.ok();
    drop((a, b));
    db.drop_now().await;

    let first = TestApp::spawn(Backend::Postgres).await;
    let second = first.replica().await;
    // A session made on one replica is good on the other.
    let admin = first.signed_in(Role::SecurityAdmin).await;
    assert_eq!(
        second.call(&admin, "current_admin", &[]).await.status(),
        200
    );
    // A sign-out on one replica ends the session on the other at once (with Postgres no replica
    // keeps sessions in memory), even for a replica that has just served it.
    let leaving = sessions::cookie_value(&sessions::sign_in_raw(&first, Role::Auditor, None).await);
    assert_eq!(sessions::whoami_status(&second, &leaving).await, 200);
    let res = sessions::call_with_session(&first, "sign_out", &leaving).await;
    assert_eq!(res.status(), 200);
    assert_eq!(sessions::whoami_status(&second, &leaving).await, 401);

    // A stale save on one replica conflicts with a save made on the other.
    let page: Value = first
        .call(&admin, "load_mail_security", &[])
        .await
        .json()
        .await
        .expect("page");
    let version = page["versions"]["mail_backup"].clone();
    let boss = second.signed_in(Role::SuperAdmin).await;
    let res = second
        .call_json(
            &boss,
            "save_mail_security",
            json!({"changes": [{"key": "mail_backup", "value": false, "base_version": version}]}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = first
        .call_json(
            &admin,
            "save_mail_security",
            json!({"changes": [{"key": "external_alert_banner", "value": false, "base_version": page["versions"]["external_alert_banner"]},
                               {"key": "mail_backup", "value": true, "base_version": version}]}),
        )
        .await;
    assert_eq!(
        res.status(),
        409,
        "the stale save conflicts across replicas"
    );

    // Saves racing on both replicas: each success audited once, the chain intact.
    let mut tasks = Vec::new();
    for n in 0..16 {
        let (app_url, client) = if n % 2 == 0 {
            (first.url(""), admin.clone())
        } else {
            (second.url(""), boss.clone())
        };
        tasks.push(tokio::spawn(async move {
            let page: Value = client
                .post(format!("{app_url}/api/load_mail_security"))
                .send()
                .await
                .expect("load")
                .json()
                .await
                .expect("json");
            let res = client
                .post(format!("{app_url}/api/save_mail_security"))
                .json(
                    &json!({"changes": [{"key": "mail_backup", "value": n % 3 == 0,
                    "base_version": page["versions"]["mail_backup"]}]}),
                )
                .send()
                .await
                .expect("save");
            res.status().as_u16()
        }));
    }
    let mut saved = 0;
    for t in tasks {
        let status = t.await.expect("task");
        assert!(status == 200 || status == 409, "{status}");
        saved += i64::from(status == 200);
    }
    let db = &first.state.db;
    let company = app::backend::accounts::find_company(db, crate::harness::COMPANY)
        .await
        .expect("company")
        .id;
    let verified = app::backend::audit::verify(db, company)
        .await
        .expect("chain");
    assert!(verified.is_ok(), "{verified:?}");
    let audited = db
        .query_one(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT COUNT(*) FROM audit_log WHERE setting_key = $1",
            ["mail_backup".into()],
        ))
        .await
        .expect("count")
        .expect("row");
    let audited: i64 = audited.try_get_by_index(0).expect("count");
    // The first save of `false` above, plus each racing save that stored a change. A save that
    // stores the value already there changes nothing and records nothing, so `<=`.
    assert!(
        audited >= 1 && audited <= 1 + saved,
        "{audited} records, {saved} saves"
    );
    second.stop().await;
    first.finish().await;
}
