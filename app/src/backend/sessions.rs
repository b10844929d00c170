//! Sessions in the console's own database, through the tower-sessions sqlx stores (one for
//! SQLite, one for Postgres, sharing sea-orm's connection pool). The table is created by the
//! migrations, so both stores are pointed at `sessions`.

use async_trait::async_trait;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend};
use serde::{Deserialize, Serialize};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
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
}

pub const AUTH_KEY: &str = "auth";
/// The password step of a sign-in that waits for its two-step code.
pub const PENDING_KEY: &str = "pending_two_step";

/// The session store for whichever database the console runs on.
#[derive(Clone, Debug)]
pub enum Store {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl Store {
    pub fn for_database(db: &DatabaseConnection) -> anyhow::Result<Self> {
        match db.get_database_backend() {
            DbBackend::Sqlite => Ok(Store::Sqlite(
                SqliteStore::new(db.get_sqlite_connection_pool().clone())
                    .with_table_name("sessions")
                    .map_err(anyhow::Error::msg)?,
            )),
            DbBackend::Postgres => Ok(Store::Postgres(
                PostgresStore::new(db.get_postgres_connection_pool().clone())
                    .with_schema_name("public")
                    .map_err(anyhow::Error::msg)?
                    .with_table_name("sessions")
                    .map_err(anyhow::Error::msg)?,
            )),
            other => anyhow::bail!("unsupported database backend {other:?}"),
        }
    }
}

#[async_trait]
impl SessionStore for Store {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            Store::Sqlite(s) => s.create(record).await,
            Store::Postgres(s) => s.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            Store::Sqlite(s) => s.save(record).await,
            Store::Postgres(s) => s.save(record).await,
        }
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            Store::Sqlite(s) => s.load(id).await,
            Store::Postgres(s) => s.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match self {
            Store::Sqlite(s) => s.delete(id).await,
            Store::Postgres(s) => s.delete(id).await,
        }
    }
}

#[async_trait]
impl ExpiredDeletion for Store {
    async fn delete_expired(&self) -> session_store::Result<()> {
        match self {
            Store::Sqlite(s) => s.delete_expired().await,
            Store::Postgres(s) => s.delete_expired().await,
        }
    }
}
