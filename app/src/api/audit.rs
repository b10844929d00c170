//! The audit log: a read-only, paginated list of the company's records.

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
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub rows: Vec<AuditRow>,
    pub page: u64,
    pub pages: u64,
    pub total: u64,
}

pub const PAGE_SIZE: u64 = 50;

#[server(endpoint = "list_audit")]
pub async fn list_audit(page: u64) -> Result<AuditPage, AppError> {
    use crate::backend::auth::internal;
    use crate::backend::entities::audit_entry;
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

    let state = super::guard::state()?;
    let actor = super::guard::require_with(&state, crate::domain::Permission::ViewAuditLog).await?;
    let paginator = audit_entry::Entity::find()
        .filter(audit_entry::Column::CompanyId.eq(actor.company_id))
        .order_by_desc(audit_entry::Column::Id)
        .paginate(&state.db, PAGE_SIZE);
    let counts = paginator
        .num_items_and_pages()
        .await
        .map_err(|e| internal("counting audit records failed", e))?;
    let page = page.min(counts.number_of_pages.saturating_sub(1));
    let rows = paginator
        .fetch_page(page)
        .await
        .map_err(|e| internal("reading audit records failed", e))?
        .into_iter()
        .map(|r| AuditRow {
            id: r.id,
            occurred_at: r.occurred_at.to_rfc3339(),
            admin: r.actor_email,
            client_ip: r.client_ip,
            channel: r.channel,
            menu: r.menu,
            action: r.action,
            target: r.target,
            old_value: r.old_value,
            new_value: r.new_value,
            result: r.result,
        })
        .collect();
    Ok(AuditPage {
        rows,
        page,
        pages: counts.number_of_pages.max(1),
        total: counts.number_of_items,
    })
}
