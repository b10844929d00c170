//! The audit log: one record per change, sign-in and refused attempt, written in the same
//! transaction as what it records. Records form a hash chain per company: each holds the hash of
//! the previous one, and the company row holds the newest, so `verify` finds any record that was
//! altered, removed or moved. The application never updates or deletes records.

use super::auth::Actor;
use super::entities::{audit_entry, company};
use chrono::{SubsecRound, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::net::IpAddr;

/// How the change reached the console.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Channel {
    PcWeb,
    MobileWeb,
    Api,
}

impl Channel {
    pub fn label(self) -> &'static str {
        match self {
            Channel::PcWeb => "PC web",
            Channel::MobileWeb => "Mobile web",
            Channel::Api => "API",
        }
    }

    /// PC or mobile web, from the browser's User-Agent.
    pub fn from_user_agent(ua: Option<&str>) -> Self {
        match ua {
            Some(ua) if ua.contains("Mobi") || ua.contains("Android") => Channel::MobileWeb,
            _ => Channel::PcWeb,
        }
    }
}

/// Who did it, from where.
#[derive(Clone, Debug)]
pub struct Who {
    pub actor: Actor,
    pub client_ip: IpAddr,
    pub channel: Channel,
}

/// The author of a record: an admin, or (for failed sign-ins) whoever tried an account.
#[derive(Clone, Debug)]
pub struct Author {
    pub company_id: i64,
    pub user_id: Option<i64>,
    pub email: String,
    pub client_ip: IpAddr,
    pub channel: Channel,
}

impl From<&Who> for Author {
    fn from(who: &Who) -> Self {
        Self {
            company_id: who.actor.company_id,
            user_id: Some(who.actor.user_id),
            email: who.actor.email.clone(),
            client_ip: who.client_ip,
            channel: who.channel,
        }
    }
}

/// A setting's stored values before and after a change.
#[derive(Clone, Debug)]
pub struct SettingChange {
    pub key: String,
    pub old_json: String,
    pub new_json: String,
}

pub struct Record<'a> {
    pub menu: &'a str,
    pub action: &'a str,
    pub target: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub result: &'a str,
    pub setting: Option<SettingChange>,
    pub save_id: Option<String>,
}

impl<'a> Record<'a> {
    pub fn event(
        menu: &'a str,
        action: &'a str,
        target: impl Into<String>,
        result: &'a str,
    ) -> Self {
        Self {
            menu,
            action,
            target: target.into(),
            old_value: None,
            new_value: None,
            result,
            setting: None,
            save_id: None,
        }
    }
}

/// Serialises saves and audit appends of one company (a row lock on the company) and reads what
/// the transaction needs under it. On SQLite it also takes the write lock up front.
async fn lock_company<C: ConnectionTrait>(db: &C, company_id: i64) -> Result<LockRead, DbErr> {
    let update = Query::update()
        .table(company::Entity)
        .value(company::Column::Plan, Expr::col(company::Column::Plan))
        .and_where(company::Column::Id.eq(company_id))
        .returning(Query::returning().columns([
            company::Column::AuditHead,
            company::Column::SettingsRevision,
        ]))
        .to_owned();
    let row = db
        .query_one(db.get_database_backend().build(&update))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("company {company_id}")))?;
    Ok(LockRead {
        head: row.try_get("", "audit_head")?,
        revision: row.try_get("", "settings_revision")?,
    })
}

/// What the company lock read: the newest record's hash and the settings revision.
struct LockRead {
    head: String,
    revision: i64,
}

/// The hash of a record: SHA-256 over the previous hash and the record's contents.
pub fn record_hash(prev_hash: &str, m: &audit_entry::Model) -> String {
    let contents = serde_json::json!([
        m.company_id,
        m.occurred_at
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        m.actor_user_id,
        m.actor_email,
        m.client_ip,
        m.channel,
        m.menu,
        m.action,
        m.target,
        m.old_value,
        m.new_value,
        m.result,
        m.setting_key,
        m.old_json,
        m.new_json,
        m.save_id,
    ]);
    let mut hasher = Sha256::new();
    hasher.update(prev_hash.as_bytes());
    hasher.update(b"\n");
    hasher.update(contents.to_string().as_bytes());
    hex::encode(hasher.finalize())
}

/// Inserts a record after the one whose hash is `head`; returns the new record's hash.
async fn insert_record<C: ConnectionTrait>(
    db: &C,
    author: &Author,
    head: &str,
    record: Record<'_>,
) -> Result<String, DbErr> {
    let (setting_key, old_json, new_json) = match record.setting {
        Some(s) => (Some(s.key), Some(s.old_json), Some(s.new_json)),
        None => (None, None, None),
    };
    let mut model = audit_entry::Model {
        id: 0,
        company_id: author.company_id,
        // Microseconds: what both databases keep, so the hash survives the round trip.
        occurred_at: Utc::now().trunc_subsecs(6),
        actor_user_id: author.user_id,
        actor_email: author.email.clone(),
        client_ip: author.client_ip.to_string(),
        channel: author.channel.label().to_string(),
        menu: record.menu.to_string(),
        action: record.action.to_string(),
        target: record.target,
        old_value: record.old_value,
        new_value: record.new_value,
        result: record.result.to_string(),
        setting_key,
        old_json,
        new_json,
        save_id: record.save_id,
        prev_hash: head.to_string(),
        hash: String::new(),
    };
    model.hash = record_hash(head, &model);
    let hash = model.hash.clone();
    let mut active: audit_entry::ActiveModel = model.into();
    active.id = sea_orm::ActiveValue::NotSet;
    active.insert(db).await?;
    Ok(hash)
}

/// A write transaction holding its company's lock: the first write of any transaction that
/// appends to the company's audit log, so saves and appends of one company queue there. It keeps
/// what the lock read (the newest record's hash, the settings revision); records are appended with
/// `append`, and `commit` stores the new head and any raised revision in one update, then commits.
pub struct Locked {
    txn: super::db::WriteTxn,
    company_id: i64,
    head: String,
    head_moved: bool,
    revision: i64,
    revision_raised_by: i64,
}

impl Locked {
    /// Begins a write transaction on `db` and takes the company's lock.
    pub async fn begin(db: &DatabaseConnection, company_id: i64) -> Result<Self, DbErr> {
        let txn = super::db::begin_write(db).await?;
        let read = lock_company(txn.txn(), company_id).await?;
        Ok(Self {
            txn,
            company_id,
            head: read.head,
            head_moved: false,
            revision: read.revision,
            revision_raised_by: 0,
        })
    }

    /// The company's settings revision, as of the lock (nothing else can change it meanwhile).
    pub fn settings_revision(&self) -> i64 {
        self.revision
    }

    /// Records that this transaction raised setting versions by `by` in all.
    pub fn raise_settings_revision(&mut self, by: i64) {
        self.revision_raised_by += by;
    }

    /// Appends `record` to the company's audit log in this transaction.
    pub async fn append(&mut self, author: &Author, record: Record<'_>) -> Result<(), DbErr> {
        self.head = insert_record(self.txn.txn(), author, &self.head, record).await?;
        self.head_moved = true;
        Ok(())
    }

    /// Stores the new head and revision, and commits.
    pub async fn commit(self) -> Result<(), DbErr> {
        if self.head_moved || self.revision_raised_by != 0 {
            let mut update = company::Entity::update_many()
                .col_expr(company::Column::AuditHead, Expr::value(self.head))
                .filter(company::Column::Id.eq(self.company_id));
            if self.revision_raised_by != 0 {
                update = update.col_expr(
                    company::Column::SettingsRevision,
                    Expr::col(company::Column::SettingsRevision).add(self.revision_raised_by),
                );
            }
            update.exec(self.txn.txn()).await?;
        }
        self.txn.commit().await
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for Locked {
    fn get_database_backend(&self) -> sea_orm::DbBackend {
        self.txn.txn().get_database_backend()
    }

    async fn execute(&self, stmt: sea_orm::Statement) -> Result<sea_orm::ExecResult, DbErr> {
        self.txn.txn().execute(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<sea_orm::ExecResult, DbErr> {
        self.txn.txn().execute_unprepared(sql).await
    }

    async fn query_one(
        &self,
        stmt: sea_orm::Statement,
    ) -> Result<Option<sea_orm::QueryResult>, DbErr> {
        self.txn.txn().query_one(stmt).await
    }

    async fn query_all(
        &self,
        stmt: sea_orm::Statement,
    ) -> Result<Vec<sea_orm::QueryResult>, DbErr> {
        self.txn.txn().query_all(stmt).await
    }
}

/// Starts a change of `company_id`'s data that ends with an audit record: a transaction holding
/// the company lock. Finish it with `commit_with`.
pub async fn begin_locked(
    db: &DatabaseConnection,
    company_id: i64,
) -> Result<Locked, crate::error::AppError> {
    Locked::begin(db, company_id)
        .await
        .map_err(|e| super::auth::internal("starting a change failed", e))
}

/// Writes the change's audit record and commits: both or neither.
pub async fn commit_with(
    mut txn: Locked,
    author: &Author,
    record: Record<'_>,
) -> Result<(), crate::error::AppError> {
    use super::auth::internal;
    txn.append(author, record)
        .await
        .map_err(|e| internal("writing the audit record failed", e))?;
    txn.commit()
        .await
        .map_err(|e| internal("committing a change failed", e))
}

/// Appends a record in a transaction of its own (sign-ins, refused attempts).
pub async fn append(
    db: &DatabaseConnection,
    author: &Author,
    record: Record<'_>,
) -> Result<(), DbErr> {
    let mut txn = Locked::begin(db, author.company_id).await?;
    txn.append(author, record).await?;
    txn.commit().await
}

/// What `verify` found wrong, naming the record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChainProblem {
    /// The record's contents no longer match its hash.
    Altered { id: i64 },
    /// The record does not follow the one before it: a record between them was removed, or the
    /// records were reordered.
    Broken { id: i64, after: Option<i64> },
    /// The newest record is not the one the company row points to: records at the end were
    /// removed.
    TailMissing { last_id: Option<i64> },
}

impl std::fmt::Display for ChainProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChainProblem::Altered { id } => {
                write!(
                    f,
                    "record #{id} was altered: its contents do not match its hash"
                )
            }
            ChainProblem::Broken {
                id,
                after: Some(prev),
            } => write!(
                f,
                "record #{id} does not follow record #{prev}: a record between them was removed or the records were reordered"
            ),
            ChainProblem::Broken { id, after: None } => write!(
                f,
                "record #{id} is the first record but does not start the chain: earlier records were removed"
            ),
            ChainProblem::TailMissing { last_id: Some(id) } => write!(
                f,
                "the log ends at record #{id}, but newer records existed: they were removed"
            ),
            ChainProblem::TailMissing { last_id: None } => {
                write!(
                    f,
                    "the log is empty, but records existed: they were removed"
                )
            }
        }
    }
}

/// Checks a company's whole chain; `Ok(n)` is the number of records verified.
pub async fn verify(
    db: &DatabaseConnection,
    company_id: i64,
) -> Result<Result<u64, ChainProblem>, DbErr> {
    let head = company::Entity::find_by_id(company_id)
        .one(db)
        .await?
        .map(|c| c.audit_head)
        .unwrap_or_default();
    let mut prev_hash = String::new();
    let mut prev_id: Option<i64> = None;
    let mut count = 0u64;
    let mut after_id = 0i64;
    loop {
        let batch = audit_entry::Entity::find()
            .filter(audit_entry::Column::CompanyId.eq(company_id))
            .filter(audit_entry::Column::Id.gt(after_id))
            .order_by_asc(audit_entry::Column::Id)
            .limit(1000)
            .all(db)
            .await?;
        if batch.is_empty() {
            break;
        }
        for record in batch {
            if record.prev_hash != prev_hash {
                return Ok(Err(ChainProblem::Broken {
                    id: record.id,
                    after: prev_id,
                }));
            }
            if record_hash(&record.prev_hash, &record) != record.hash {
                return Ok(Err(ChainProblem::Altered { id: record.id }));
            }
            prev_hash = record.hash.clone();
            prev_id = Some(record.id);
            after_id = record.id;
            count += 1;
        }
    }
    if prev_hash != head {
        return Ok(Err(ChainProblem::TailMissing { last_id: prev_id }));
    }
    Ok(Ok(count))
}
