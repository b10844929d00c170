//! The settings of each company, kept in memory under the company's settings revision so that
//! the mail service's reads do not parse the settings table on every call.
//!
//! A revision is the sum of the company's setting versions. A stored change inserts a setting
//! at version 1 or raises one version by one, and rows are never deleted, so the sum grows with
//! every change. The company row keeps it (`settings_revision`, raised in the saving
//! transaction), and every replica reads it with each request, in the same query that checks the
//! API token, so an entry is never served after the settings changed.

use super::settings::{self, Snapshot};
use crate::error::AppError;
use sea_orm::ConnectionTrait;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// More companies than this and the cache starts over (it only ever holds one entry a company).
const MAX_ENTRIES: usize = 10_000;

/// One company's settings at one revision, and what is derived from them once.
#[derive(Debug)]
pub struct Entry {
    pub revision: i64,
    pub snapshot: Snapshot,
    document: OnceLock<Document>,
}

/// The API's policy document as sent: its JSON body and its ETag (a hash of the body).
#[derive(Debug)]
pub struct Document {
    pub body: bytes::Bytes,
    pub etag: String,
}

impl Entry {
    /// The serialised document (a company's domain never changes), made once per revision.
    pub fn document(&self, make: impl FnOnce(&Snapshot) -> String) -> &Document {
        self.document.get_or_init(|| {
            let body = make(&self.snapshot);
            let etag = format!("\"{}\"", &super::policy_file::sha256_hex(&body)[..32]);
            Document {
                body: bytes::Bytes::from(body),
                etag,
            }
        })
    }
}

/// The sum of a snapshot's versions: its revision.
pub fn revision_of(snapshot: &Snapshot) -> i64 {
    snapshot.versions.values().sum()
}

#[derive(Debug, Default)]
pub struct PolicyCache {
    entries: Mutex<HashMap<i64, Arc<Entry>>>,
}

impl PolicyCache {
    /// The company's settings at `revision` (read from the database just before), loading them
    /// when the cache holds another revision.
    pub async fn get<C: ConnectionTrait>(
        &self,
        db: &C,
        company_id: i64,
        revision: i64,
    ) -> Result<Arc<Entry>, AppError> {
        if let Some(entry) = self.lookup(company_id, revision) {
            return Ok(entry);
        }
        let snapshot = settings::load(db, company_id).await?;
        Ok(self.put(company_id, snapshot))
    }

    /// Keeps `snapshot` (just read or just committed) under its revision, unless a newer one is
    /// kept already.
    pub fn put(&self, company_id: i64, snapshot: Snapshot) -> Arc<Entry> {
        let entry = Arc::new(Entry {
            revision: revision_of(&snapshot),
            snapshot,
            document: OnceLock::new(),
        });
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        let keep = entries
            .get(&company_id)
            .is_none_or(|old| old.revision <= entry.revision);
        if keep {
            entries.insert(company_id, entry.clone());
        }
        entry
    }

    /// The company's settings at `revision` if they are in memory, without waiting.
    pub fn lookup(&self, company_id: i64, revision: i64) -> Option<Arc<Entry>> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(&company_id)
            .filter(|e| e.revision == revision)
            .cloned()
    }
}
