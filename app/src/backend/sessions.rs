//! Sessions in the console's own database, through the tower-sessions sqlx stores (one for
//! SQLite, one for Postgres, sharing sea-orm's connection pool), with an in-memory copy on
//! SQLite (see `Store`). The table is created by the migrations, so both stores are pointed at
//! `sessions`.

use async_trait::async_trait;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend};
use serde::{Deserialize, Serialize};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions_moka_store::MokaStore;
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

/// What the session holds about the signed-in admin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionAuth {
    pub user_id: i64,
    pub company_id: i64,
    /// The user's `auth_epoch` at sign-in; a later bump ends this session.
    pub epoch: i64,
    /// Unix seconds of sign-in, for the absolute lifetime.
    pub signed_in_at: i64,
    /// Unix seconds at which the session's idle expiry was last pushed back (see
    /// `SessionRules::touch_interval`).
    #[serde(default)]
    pub seen_at: i64,
}

pub const AUTH_KEY: &str = "auth";
/// The password step of a sign-in that waits for its two-step code.
pub const PENDING_KEY: &str = "pending_two_step";

/// The session table of whichever database the console runs on.
#[derive(Clone, Debug)]
enum Table {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

/// The session store: the database's table and, on SQLite, an in-memory copy in front of it.
///
/// SQLite means one console process, which makes every change to a session here, so the copy is
/// always current and a request reads its session without a query. With Postgres several
/// replicas share the table, and a session ended on one (a sign-out) must end on all at once, so
/// every request reads the table. Either way the signed-in user is checked in the database on
/// every request (`auth::current_actor`).
#[derive(Clone, Debug)]
pub struct Store {
    table: Table,
    memory: Option<MokaStore>,
}

/// Sessions kept in memory at most (the least used beyond this are read from the table again).
const IN_MEMORY_SESSIONS: u64 = 10_000;

impl Store {
    pub fn for_database(db: &DatabaseConnection) -> anyhow::Result<Self> {
        match db.get_database_backend() {
            DbBackend::Sqlite => Ok(Store {
                table: Table::Sqlite(
                    SqliteStore::new(db.get_sqlite_connection_pool().clone())
                        .with_table_name("sessions")
                        .map_err(anyhow::Error::msg)?,
                ),
                memory: Some(MokaStore::new(Some(IN_MEMORY_SESSIONS))),
            }),
            DbBackend::Postgres => Ok(Store {
                table: Table::Postgres(
                    PostgresStore::new(db.get_postgres_connection_pool().clone())
                        .with_schema_name("public")
                        .map_err(anyhow::Error::msg)?
                        .with_table_name("sessions")
                        .map_err(anyhow::Error::msg)?,
                ),
                memory: None,
            }),
            other => anyhow::bail!("unsupported database backend {other:?}"),
        }
    }

    fn table(&self) -> &dyn SessionStore {
        match &self.table {
            Table::Sqlite(s) => s,
            Table::Postgres(s) => s,
        }
    }
}

#[async_trait]
impl SessionStore for Store {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        self.table().create(record).await?;
        if let Some(memory) = &self.memory {
            memory.save(record).await?;
        }
        Ok(())
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.table().save(record).await?;
        if let Some(memory) = &self.memory {
            memory.save(record).await?;
        }
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        if let Some(memory) = &self.memory
            && let Some(record) = memory.load(id).await?
        {
            return Ok(Some(record));
        }
        let record = self.table().load(id).await?;
        if let (Some(memory), Some(record)) = (&self.memory, &record) {
            memory.save(record).await?;
        }
        Ok(record)
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        if let Some(memory) = &self.memory {
            memory.delete(id).await?;
        }
        self.table().delete(id).await
    }
}

#[async_trait]
impl ExpiredDeletion for Store {
    async fn delete_expired(&self) -> session_store::Result<()> {
        // The in-memory copies expire on their own, at the same time.
        match &self.table {
            Table::Sqlite(s) => s.delete_expired().await,
            Table::Postgres(s) => s.delete_expired().await,
        }
    }
}
