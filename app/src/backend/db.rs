//! Connecting to the database and bringing its schema up to date.

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, Statement, TransactionTrait,
};
use std::time::Duration;

/// An arbitrary constant that names the migration lock among Postgres advisory locks.
const MIGRATION_LOCK_KEY: i64 = 0x006d_6169_6c73_6563; // "mailsec"

/// Whether `url` names a SQLite database.
pub fn is_sqlite(url: &str) -> bool {
    url.starts_with("sqlite:")
}

/// The pool size for `url` unless configured: 3 on SQLite (one writer at a time, and each
/// connection is a thread whose queries keep about 300 kB in the C library's allocator; 3 instead
/// of 4 kept 0.1 to 0.6 MB less after the benchmark's load at the same throughput); on Postgres
/// twice the cores this process may use, and at least 4. The console's queries are short, so
/// connections beyond what the cores can run only queue inside the database server: on 2 cores
/// with the database beside the console, 4 connections instead of 10 brought the page's p99 at
/// 32 connections from 22 to 19 ms and the saves' from 4.6-5.0 to 4.2 ms (bench/FINDINGS.md).
pub fn default_pool_size(url: &str) -> u32 {
    if is_sqlite(url) {
        return 3;
    }
    postgres_pool_size(std::thread::available_parallelism().map_or(2, |n| n.get()))
}

/// Twice `cores`, at least 4 (see `default_pool_size`).
fn postgres_pool_size(cores: usize) -> u32 {
    u32::try_from(cores.saturating_mul(2))
        .unwrap_or(u32::MAX)
        .max(4)
}

/// A pooled Postgres connection idle for longer than this is checked with a round trip before
/// it is handed out: the server may have restarted meanwhile. Busier connections are used at
/// once; sqlx also checks every connection when it is given back, so one left broken by an error
/// never returns to the pool.
const CHECK_IF_IDLE_FOR: Duration = Duration::from_secs(1);

/// How long a request waits for a pooled connection before it fails.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// Opens a pool. SQLite gets WAL, foreign keys and a busy timeout; its file's folder is created.
pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<DatabaseConnection> {
    if !is_sqlite(url) {
        return connect_postgres(url, max_connections).await;
    }
    if let Some(path) = sqlite_file(url)
        && let Some(dir) = std::path::Path::new(&path).parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = ConnectOptions::new(url.to_string());
    options
        .max_connections(max_connections)
        .min_connections(1)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .sqlx_logging(false)
        // A pooled SQLite connection is a file handle that cannot go stale; checking it with a
        // round trip to its worker thread before every query only doubled each query's cost.
        .test_before_acquire(false)
        .map_sqlx_sqlite_opts(|o| {
            o.create_if_missing(true)
                .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sqlx::sqlite::SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
        });
    Ok(Database::connect(options).await?)
}

/// A Postgres pool that checks only connections that sat idle (`CHECK_IF_IDLE_FOR`): checking
/// each one before every query was a second round trip per query.
async fn connect_postgres(url: &str, max_connections: u32) -> anyhow::Result<DatabaseConnection> {
    use sqlx::{ConnectOptions as _, Connection as _};
    let options = url
        .parse::<sqlx::postgres::PgConnectOptions>()?
        .disable_statement_logging();
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(max_connections)
        .min_connections(1)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for >= CHECK_IF_IDLE_FOR {
                    conn.ping().await?;
                }
                Ok(true)
            })
        })
        .connect_with(options)
        .await?;
    Ok(sea_orm::SqlxPostgresConnector::from_sqlx_postgres_pool(
        pool,
    ))
}

/// The file behind a `sqlite://` URL, if it names one.
fn sqlite_file(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or("");
    (!path.is_empty() && path != ":memory:").then(|| path.to_string())
}

/// Applies pending migrations. On Postgres this happens in one transaction under an advisory
/// lock, so replicas starting together take turns instead of racing.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    match db.get_database_backend() {
        DbBackend::Postgres => {
            let txn = db.begin().await?;
            txn.execute(Statement::from_string(
                DbBackend::Postgres,
                format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})"),
            ))
            .await?;
            Migrator::up(&txn, None).await?;
            txn.commit().await?;
        }
        _ => Migrator::up(db, None).await?,
    }
    Ok(())
}

/// Write transactions of this process on SQLite take turns here, in arrival order. SQLite has
/// one writer; without this queue a transaction that finds the file locked polls it from
/// SQLite's busy handler, which sleeps 1, 2, 5, ... up to 100 ms between tries, so under
/// concurrent saves an unlucky one waited hundreds of milliseconds while the lock sat free.
/// (One process serves one SQLite database; several replicas need Postgres.)
static SQLITE_WRITER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A write transaction: on SQLite it holds the process's writer turn until it ends.
pub struct WriteTxn {
    txn: DatabaseTransaction,
    _turn: Option<tokio::sync::MutexGuard<'static, ()>>,
}

impl WriteTxn {
    /// The transaction, to run statements in.
    pub fn txn(&self) -> &DatabaseTransaction {
        &self.txn
    }

    pub async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await
    }
}

/// Begins a transaction that will write; see `SQLITE_WRITER`.
pub async fn begin_write(db: &DatabaseConnection) -> Result<WriteTxn, DbErr> {
    let turn = match db.get_database_backend() {
        DbBackend::Sqlite => Some(SQLITE_WRITER.lock().await),
        _ => None,
    };
    Ok(WriteTxn {
        txn: db.begin().await?,
        _turn: turn,
    })
}

/// `/readyz`: can the database answer?
pub async fn ping(db: &DatabaseConnection) -> bool {
    db.ping().await.is_ok()
}

#[cfg(test)]
mod tests {
    use super::{default_pool_size, postgres_pool_size, sqlite_file};

    #[test]
    fn pools_are_sized_for_the_database() {
        assert_eq!(default_pool_size("sqlite://data/console.db?mode=rwc"), 3);
        assert!(default_pool_size("postgres://localhost/console") >= 4);
        assert_eq!(postgres_pool_size(1), 4);
        assert_eq!(postgres_pool_size(2), 4);
        assert_eq!(postgres_pool_size(3), 6);
        assert_eq!(postgres_pool_size(16), 32);
        assert_eq!(postgres_pool_size(usize::MAX), u32::MAX);
    }

    #[test]
    fn finds_the_sqlite_file() {
        assert_eq!(
            sqlite_file("sqlite://data/console.db?mode=rwc").as_deref(),
            Some("data/console.db")
        );
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://localhost/x"), None);
    }
}
