//! The audit log: filtered, paginated on the server, exported as CSV with the same filters.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub id: i64,
    /// RFC 3339, UTC.
    pub occurred_at: String,
    pub admin: String,
    pub client_ip: String,
    pub channel: String,
    pub menu: String,
    pub action: String,
    pub target: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub result: String,
    /// For settings changes: the setting's key, and the save it was part of.
    pub setting_key: Option<String>,
    pub save_id: Option<String>,
}

/// The filters of the audit log. Empty fields do not filter.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    /// First day, `YYYY-MM-DD` (UTC), inclusive.
    pub from: String,
    /// Last day, `YYYY-MM-DD` (UTC), inclusive.
    pub to: String,
    /// Part of the admin's email address.
    pub admin: String,
    pub menu: String,
    pub action: String,
    /// `success` or `failure` (anything that is not a success).
    pub result: String,
    /// Searched in the target and the old and new values.
    pub text: String,
    pub page: u64,
}

impl AuditQuery {
    /// The query as URL parameters (for links to the page and to the CSV export).
    pub fn to_query_string(&self) -> String {
        use crate::ui::nav::encode_query_value as enc;
        let mut parts = Vec::new();
        for (k, v) in [
            ("from", &self.from),
            ("to", &self.to),
            ("admin", &self.admin),
            ("menu", &self.menu),
            ("action", &self.action),
            ("result", &self.result),
            ("text", &self.text),
        ] {
            if !v.is_empty() {
                parts.push(format!("{k}={}", enc(v)));
            }
        }
        if self.page > 0 {
            parts.push(format!("page={}", self.page));
        }
        parts.join("&")
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub rows: Vec<AuditRow>,
    pub page: u64,
    pub pages: u64,
    pub total: u64,
    /// The menus and actions present in the log, for the filter lists.
    pub menus: Vec<String>,
    pub actions: Vec<String>,
}

pub const PAGE_SIZE: u64 = 50;

#[server(endpoint = "list_audit", input = server_fn::codec::Json)]
pub async fn list_audit(query: AuditQuery) -> Result<AuditPage, AppError> {
    use crate::backend::audit_query;
    let state = super::guard::state()?;
    let actor = super::guard::require_with(&state, crate::domain::Permission::ViewAuditLog).await?;
    audit_query::page(&state.db, actor.company_id, &query).await
}
