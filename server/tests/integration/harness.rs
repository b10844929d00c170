//! `TestApp::spawn`: the server on 127.0.0.1:0 with a fresh database and one account per role.

use app::backend::accounts::{self, NewUser};
use app::domain::{Plan, Role};
use sea_orm::{ConnectionTrait, Database, Statement};
use server::config::Config;
use server::startup::Application;
use std::net::SocketAddr;
use tokio::sync::oneshot;

pub const PASSWORD: &str = "integration test password";
pub const COMPANY: &str = "acme.example";
pub const FREE_COMPANY: &str = "free.example";
pub const FREE_ADMIN: &str = "super-admin@free.example";
/// Members of the Standard company with import settings (one has two).
pub const IMPORTING_MEMBERS: u64 = 2;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs one async test body once per database backend: `both!(name, body_fn);`
#[macro_export]
macro_rules! both {
    ($name:ident, $body:path) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $body($crate::harness::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $body($crate::harness::Backend::Postgres).await
            }
        }
    };
}

pub fn email(role: Role) -> String {
    format!("{}@{COMPANY}", role.as_str().replace('_', "-"))
}

fn unique_name() -> String {
    use rand::Rng;
    let n: u64 = rand::thread_rng().r#gen();
    format!("console_test_{}_{n:016x}", std::process::id())
}

fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

/// A fresh, empty database of the given kind; dropped by `TestDb::drop_now`.
#[derive(Clone)]
pub struct TestDb {
    pub url: String,
    backend: Backend,
    name: String,
}

impl TestDb {
    pub async fn create(backend: Backend) -> Self {
        let name = unique_name();
        match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(&name);
                std::fs::create_dir_all(&dir).expect("temp dir");
                let url = format!("sqlite://{}/console.db?mode=rwc", dir.display());
                Self { url, backend, name }
            }
            Backend::Postgres => {
                let admin = postgres_admin_url();
                let db = Database::connect(&admin).await.unwrap_or_else(|e| {
                    panic!("Postgres is required for these tests but {admin} is unreachable: {e}")
                });
                db.execute(Statement::from_string(
                    db.get_database_backend(),
                    format!("CREATE DATABASE \"{name}\""),
                ))
                .await
                .expect("create test database");
                db.close().await.ok();
                let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
                Self {
                    url: format!("{base}/{name}"),
                    backend,
                    name,
                }
            }
        }
    }

    pub async fn drop_now(&self) {
        match self.backend {
            Backend::Sqlite => {
                let _ = std::fs::remove_dir_all(std::env::temp_dir().join(&self.name));
            }
            Backend::Postgres => {
                if let Ok(db) = Database::connect(&postgres_admin_url()).await {
                    let _ = db
                        .execute(Statement::from_string(
                            db.get_database_backend(),
                            format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name),
                        ))
                        .await;
                    db.close().await.ok();
                }
            }
        }
    }
}

pub struct TestApp {
    pub addr: SocketAddr,
    pub db: TestDb,
    pub config: Config,
    pub state: app::backend::AppState,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

pub fn test_config(url: &str) -> Config {
    let mut config = Config::for_database(url);
    config.bind_addr = "127.0.0.1:0".parse().expect("addr");
    config.seed_demo = false;
    config.session_cookie_secure = false;
    config.db_max_connections = Some(5);
    config.log_filter = "warn".into();
    config.secret_key = Some("5e".repeat(32));
    config
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_with(backend, |_| {}).await
    }

    pub async fn spawn_with(backend: Backend, tweak: impl FnOnce(&mut Config)) -> Self {
        let db = TestDb::create(backend).await;
        let mut config = test_config(&db.url);
        tweak(&mut config);
        let mut app = Self::start(db, config).await;
        app.provision().await;
        app
    }

    async fn start(db: TestDb, config: Config) -> Self {
        let application = Application::build(config.clone())
            .await
            .expect("the server starts");
        let addr = application.local_addr().expect("bound");
        let state = application.state.clone();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(application.run_until(async move {
            let _ = stopped.await;
        }));
        Self {
            addr,
            db,
            config,
            state,
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// One company on the Standard plan with a user per role, all with `PASSWORD`.
    async fn provision(&mut self) {
        let db = &self.state.db;
        accounts::create_company(db, "Acme", COMPANY, Plan::Standard)
            .await
            .expect("company");
        for role in Role::ALL {
            accounts::create_user(
                db,
                &self.state.hasher,
                NewUser {
                    company_domain: COMPANY,
                    email: &email(role),
                    display_name: role.label(),
                    role,
                    language: "en",
                    password: PASSWORD,
                },
            )
            .await
            .expect("user");
        }
        accounts::create_user(
            db,
            &self.state.hasher,
            NewUser {
                company_domain: COMPANY,
                email: "member2@acme.example",
                display_name: "Second member",
                role: Role::Member,
                language: "ko",
                password: PASSWORD,
            },
        )
        .await
        .expect("user");
        for (who, address) in [
            (email(Role::Member), "one@old-mail.example"),
            (email(Role::Member), "two@old-mail.example"),
            ("member2@acme.example".to_string(), "three@old-mail.example"),
        ] {
            accounts::add_import_setting(db, &who, address, "pop.old-mail.example")
                .await
                .expect("import setting");
        }
        accounts::create_company(db, "Freebie", FREE_COMPANY, Plan::Free)
            .await
            .expect("free company");
        accounts::create_user(
            db,
            &self.state.hasher,
            NewUser {
                company_domain: FREE_COMPANY,
                email: FREE_ADMIN,
                display_name: "Free admin",
                role: Role::SuperAdmin,
                language: "en",
                password: PASSWORD,
            },
        )
        .await
        .expect("free admin");
    }

    /// A client signed in as `email`.
    pub async fn signed_in_as(&self, email: &str) -> reqwest::Client {
        let client = self.client();
        let res = self.sign_in(&client, email, PASSWORD).await;
        assert_eq!(res.status(), 200, "sign-in as {email}");
        client
    }

    /// Calls a server function that takes JSON.
    pub async fn call_json(
        &self,
        client: &reqwest::Client,
        endpoint: &str,
        body: serde_json::Value,
    ) -> reqwest::Response {
        client
            .post(self.url(&format!("/api/{endpoint}")))
            .json(&body)
            .send()
            .await
            .expect("request")
    }

    /// The HTML of the page at `path` as `client` gets it (a page that must answer 200).
    pub async fn page_html(&self, client: &reqwest::Client, path: &str) -> String {
        let res = client.get(self.url(path)).send().await.expect("page");
        assert_eq!(res.status(), 200, "{path}");
        res.text().await.expect("html")
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// A client with its own cookie jar that does not follow redirects.
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
    }

    /// Calls a server function with form-encoded arguments.
    pub async fn call(
        &self,
        client: &reqwest::Client,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        client
            .post(self.url(&format!("/api/{endpoint}")))
            .form(form)
            .send()
            .await
            .expect("request")
    }

    /// Signs `client` in with `email` and `password` (the answer is the test's to check).
    pub async fn sign_in(
        &self,
        client: &reqwest::Client,
        email: &str,
        password: &str,
    ) -> reqwest::Response {
        self.call(
            client,
            "sign_in",
            &[("email", email), ("password", password)],
        )
        .await
    }

    /// A client signed in as the user with `role`.
    pub async fn signed_in(&self, role: Role) -> reqwest::Client {
        self.signed_in_as(&email(role)).await
    }

    /// Stops the server and starts it again on the same database and port.
    pub async fn restart(mut self) -> Self {
        self.stop_server().await;
        let db = TestDb {
            url: self.db.url.clone(),
            backend: self.db.backend,
            name: self.db.name.clone(),
        };
        let mut config = self.config.clone();
        config.bind_addr = self.addr;
        Self::start(db, config).await
    }

    /// Another server on the same database, on its own port (a second replica).
    pub async fn replica(&self) -> TestApp {
        let mut config = self.config.clone();
        config.bind_addr = "127.0.0.1:0".parse().expect("addr");
        Self::start(self.db.clone(), config).await
    }

    /// Stops the server and keeps its database (for replicas, and to hand it to a process).
    pub async fn stop(mut self) -> TestDb {
        self.stop_server().await;
        self.db.clone()
    }

    async fn stop_server(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        self.state.db.clone().close().await.ok();
    }

    /// Stops the server and drops its database.
    pub async fn finish(mut self) {
        self.stop_server().await;
        self.db.drop_now().await;
    }
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// The server binary `bin` as a process of its own on `port`, on the database at `url`.
pub fn server_process(
    bin: &str,
    url: &str,
    port: u16,
    extra_env: &[(&str, &str)],
) -> std::process::Child {
    server_command(bin, url, port, extra_env)
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the server starts")
}

/// `server_process`, with what the server writes to its standard error (errors and panics) in
/// `log`.
pub fn server_process_logging(
    bin: &str,
    url: &str,
    port: u16,
    extra_env: &[(&str, &str)],
    log: std::fs::File,
) -> std::process::Child {
    server_command(bin, url, port, extra_env)
        .stderr(log)
        .spawn()
        .expect("the server starts")
}

fn server_command(
    bin: &str,
    url: &str,
    port: u16,
    extra_env: &[(&str, &str)],
) -> std::process::Command {
    let mut command = std::process::Command::new(bin);
    command
        .env("DATABASE_URL", url)
        .env("BIND_ADDR", format!("127.0.0.1:{port}"))
        .env("SEED_DEMO", "false")
        .env("SESSION_COOKIE_SECURE", "false")
        .env("SECRET_KEY", "5e".repeat(32))
        .env("RUST_LOG", "error")
        .envs(extra_env.iter().copied())
        .stdout(std::process::Stdio::null());
    command
}

/// Whether `base` answers `/readyz` with 200 within `tries` polls `every` apart.
pub async fn ready_within(base: &str, tries: u32, every: std::time::Duration) -> bool {
    for _ in 0..tries {
        if reqwest::get(format!("{base}/readyz"))
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            return true;
        }
        tokio::time::sleep(every).await;
    }
    false
}
