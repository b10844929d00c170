//! Configuration, from the environment (and an optional `.env`) or the command line.

use app::backend::rate_limit::SignInLimits;
use app::backend::state::SessionRules;
use clap::Args;
use std::net::SocketAddr;
use std::time::Duration;

#[derive(Args, Clone, Debug)]
pub struct Config {
    /// `sqlite://path?mode=rwc` (the embedded default) or `postgres://user@host/db`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/console.db?mode=rwc",
        global = true
    )]
    pub database_url: String,

    /// Address and port to listen on.
    #[arg(
        long,
        env = "BIND_ADDR",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub bind_addr: SocketAddr,

    /// Log filter, e.g. `info` or `server=debug,app=debug,info`.
    #[arg(long, env = "RUST_LOG", default_value = "info", global = true)]
    pub log_filter: String,

    /// Mark the session cookie `Secure` (HTTPS only). Turn off only for plain-http local runs.
    #[arg(long, env = "SESSION_COOKIE_SECURE", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub session_cookie_secure: bool,

    /// A session unused for this many seconds ends.
    #[arg(long, env = "SESSION_IDLE_TIMEOUT_SECS", default_value_t = 30 * 60, global = true)]
    pub session_idle_timeout_secs: u64,

    /// A session ends this many seconds after sign-in, however busy.
    #[arg(long, env = "SESSION_ABSOLUTE_LIFETIME_SECS", default_value_t = 12 * 60 * 60, global = true)]
    pub session_absolute_lifetime_secs: u64,

    /// Failed sign-ins allowed per account within the window before it is locked.
    #[arg(
        long,
        env = "SIGNIN_MAX_FAILURES_PER_ACCOUNT",
        default_value_t = 5,
        global = true
    )]
    pub signin_max_failures_per_account: u32,

    /// Failed sign-ins allowed per client address within the window before it is locked.
    #[arg(
        long,
        env = "SIGNIN_MAX_FAILURES_PER_CLIENT",
        default_value_t = 20,
        global = true
    )]
    pub signin_max_failures_per_client: u32,

    /// The window, in seconds, over which failed sign-ins are counted.
    #[arg(long, env = "SIGNIN_FAILURE_WINDOW_SECS", default_value_t = 15 * 60, global = true)]
    pub signin_failure_window_secs: u64,

    /// Console-wide, password checks for accounts or addresses that failed within the window run
    /// one per this many milliseconds once their burst is used up.
    #[arg(
        long,
        env = "SIGNIN_AFTER_FAILURES_INTERVAL_MS",
        default_value_t = 3_000,
        global = true
    )]
    pub signin_after_failures_interval_ms: u64,

    /// Password checks after failures that run at once before that pace applies.
    #[arg(
        long,
        env = "SIGNIN_AFTER_FAILURES_BURST",
        default_value_t = 30,
        global = true
    )]
    pub signin_after_failures_burst: u32,

    /// How long, in milliseconds, a sign-in after failures waits for its turn before it is
    /// refused with a "try again".
    #[arg(
        long,
        env = "SIGNIN_AFTER_FAILURES_WAIT_MS",
        default_value_t = 5_000,
        global = true
    )]
    pub signin_after_failures_wait_ms: u64,

    /// Database connections in the pool. Default: 3 on SQLite; on Postgres twice the cores, at
    /// least 4 (`app::backend::db::default_pool_size`).
    #[arg(long, env = "DB_MAX_CONNECTIONS", global = true)]
    pub db_max_connections: Option<u32>,

    /// Password hashes computed at once (each slot holds 19 MiB and takes one core for tens
    /// of ms while it hashes). One leaves the other cores to the rest of the console during a
    /// storm of sign-ins; raise it on machines with many cores.
    #[arg(
        long,
        env = "PASSWORD_HASH_CONCURRENCY",
        default_value_t = 1,
        global = true
    )]
    pub password_hash_concurrency: usize,

    /// On a first start with an empty database, create a demo company and print how to sign in.
    #[arg(long, env = "SEED_DEMO", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub seed_demo: bool,

    /// Requests per minute each API token may make.
    #[arg(
        long,
        env = "API_RATE_LIMIT_PER_MINUTE",
        default_value_t = 600,
        global = true
    )]
    pub api_rate_limit_per_minute: u32,

    /// Read in at start the program code that serving runs (release builds of `scripts/build`),
    /// so that the first requests do not wait for it and memory does not grow by it under load.
    #[arg(long, env = "PRELOAD_CODE", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub preload_code: bool,

    /// Mount the benchmark's baseline handlers (`bench/run` sets it; never in production).
    #[arg(long, env = "BENCH_BASELINES", default_value_t = false, action = clap::ArgAction::Set, global = true)]
    pub bench_baselines: bool,

    /// The key that seals stored secrets (two-step verification), as 64 hex digits. Every
    /// replica of one deployment needs the same key. When unset, `SECRET_KEY_FILE` is used.
    #[arg(long, env = "SECRET_KEY", hide_env_values = true, global = true)]
    pub secret_key: Option<String>,

    /// Where the key is kept when `SECRET_KEY` is unset; created on first start.
    #[arg(
        long,
        env = "SECRET_KEY_FILE",
        default_value = "data/secret.key",
        global = true
    )]
    pub secret_key_file: String,

    /// The folder holding the built `pkg/` assets.
    #[arg(
        long,
        env = "LEPTOS_SITE_ROOT",
        default_value = "target/site",
        global = true
    )]
    pub site_root: String,
}

impl Config {
    /// The database pool's size: as configured, or the default for the database in the URL.
    pub fn max_connections(&self) -> u32 {
        self.db_max_connections
            .unwrap_or_else(|| app::backend::db::default_pool_size(&self.database_url))
    }

    pub fn session_rules(&self) -> SessionRules {
        SessionRules {
            idle_timeout: Duration::from_secs(self.session_idle_timeout_secs.max(1)),
            absolute_lifetime: Duration::from_secs(self.session_absolute_lifetime_secs.max(1)),
        }
    }

    pub fn sign_in_limits(&self) -> SignInLimits {
        SignInLimits {
            max_failures_per_account: self.signin_max_failures_per_account,
            max_failures_per_client: self.signin_max_failures_per_client,
            window: Duration::from_secs(self.signin_failure_window_secs.max(1)),
            after_failures_interval: Duration::from_millis(self.signin_after_failures_interval_ms),
            after_failures_burst: self.signin_after_failures_burst,
            after_failures_wait: Duration::from_millis(self.signin_after_failures_wait_ms),
        }
    }

    pub fn secret_box(&self) -> anyhow::Result<app::backend::secrets::SecretBox> {
        use app::backend::secrets::SecretBox;
        match self.secret_key.as_deref().filter(|k| !k.trim().is_empty()) {
            Some(key) => SecretBox::from_hex(key),
            None => SecretBox::load_or_create(std::path::Path::new(&self.secret_key_file)),
        }
    }

    /// The defaults with another database: what tests start from.
    pub fn for_database(url: &str) -> Self {
        use clap::Parser;
        #[derive(clap::Parser)]
        struct Wrapper {
            #[command(flatten)]
            config: Config,
        }
        let mut config = Wrapper::parse_from(["server"]).config;
        config.database_url = url.to_string();
        config
    }
}
