//! Reading the audit log: the filters, a page of records, and the CSV export.

use super::auth::internal;
use super::entities::audit_entry;
use crate::api::audit::{AuditPage, AuditQuery, AuditRow, PAGE_SIZE};
use crate::error::AppError;
use chrono::{DateTime, Days, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, Func, LikeExpr, SimpleExpr};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Select,
};

fn day(field: &str, raw: &str) -> Result<Option<NaiveDate>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| AppError::validation(field, "Enter a date as YYYY-MM-DD."))
}

fn start_of(d: NaiveDate) -> DateTime<Utc> {
    d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

/// `%text%`, matched case-insensitively, with the user's `%`, `_` and `\` taken literally.
fn contains(column: audit_entry::Column, text: &str) -> SimpleExpr {
    let escaped = text
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    Expr::expr(Func::lower(Expr::col(column)))
        .like(LikeExpr::new(format!("%{escaped}%")).escape('\\'))
}

/// The company's records matching `q`, newest first.
pub fn select(company_id: i64, q: &AuditQuery) -> Result<Select<audit_entry::Entity>, AppError> {
    use audit_entry::Column as C;
    let mut cond = Condition::all().add(C::CompanyId.eq(company_id));
    let from = day("from", &q.from)?;
    let to = day("to", &q.to)?;
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        return Err(AppError::validation(
            "to",
            "The last day is before the first day.",
        ));
    }
    if let Some(f) = from {
        cond = cond.add(C::OccurredAt.gte(start_of(f)));
    }
    if let Some(t) = to.and_then(|t| t.checked_add_days(Days::new(1))) {
        cond = cond.add(C::OccurredAt.lt(start_of(t)));
    }
    if !q.admin.trim().is_empty() {
        cond = cond.add(contains(C::ActorEmail, q.admin.trim()));
    }
    if !q.menu.is_empty() {
        cond = cond.add(C::Menu.eq(q.menu.as_str()));
    }
    if !q.action.is_empty() {
        cond = cond.add(C::Action.eq(q.action.as_str()));
    }
    match q.result.as_str() {
        "" => {}
        "success" => cond = cond.add(C::Result.eq("Success")),
        "failure" => cond = cond.add(C::Result.ne("Success")),
        _ => return Err(AppError::validation("result", "Choose success or failure.")),
    }
    let text = q.text.trim();
    if !text.is_empty() {
        if text.chars().count() > 200 {
            return Err(AppError::validation(
                "text",
                "Search for at most 200 characters.",
            ));
        }
        cond = cond.add(
            Condition::any()
                .add(contains(C::Target, text))
                .add(contains(C::OldValue, text))
                .add(contains(C::NewValue, text)),
        );
    }
    Ok(audit_entry::Entity::find()
        .filter(cond)
        .order_by_desc(C::Id))
}

pub fn row(r: audit_entry::Model) -> AuditRow {
    AuditRow {
        id: r.id,
        occurred_at: r
            .occurred_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        admin: r.actor_email,
        client_ip: r.client_ip,
        channel: r.channel,
        menu: r.menu,
        action: r.action,
        target: r.target,
        old_value: r.old_value,
        new_value: r.new_value,
        result: r.result,
        setting_key: r.setting_key,
        save_id: r.save_id,
    }
}

async fn distinct<C: ConnectionTrait>(
    db: &C,
    company_id: i64,
    column: audit_entry::Column,
) -> Result<Vec<String>, AppError> {
    audit_entry::Entity::find()
        .select_only()
        .column(column)
        .distinct()
        .filter(audit_entry::Column::CompanyId.eq(company_id))
        .order_by_asc(column)
        .into_tuple::<String>()
        .all(db)
        .await
        .map_err(|e| internal("listing audit facets failed", e))
}

pub async fn page(
    db: &DatabaseConnection,
    company_id: i64,
    q: &AuditQuery,
) -> Result<AuditPage, AppError> {
    let paginator = select(company_id, q)?.paginate(db, PAGE_SIZE);
    let counts = paginator
        .num_items_and_pages()
        .await
        .map_err(|e| internal("counting audit records failed", e))?;
    let page = q.page.min(counts.number_of_pages.saturating_sub(1));
    let rows = paginator
        .fetch_page(page)
        .await
        .map_err(|e| internal("reading audit records failed", e))?
        .into_iter()
        .map(row)
        .collect();
    Ok(AuditPage {
        rows,
        page,
        pages: counts.number_of_pages.max(1),
        total: counts.number_of_items,
        menus: distinct(db, company_id, audit_entry::Column::Menu).await?,
        actions: distinct(db, company_id, audit_entry::Column::Action).await?,
    })
}

/// A cell that a spreadsheet would run as a formula gets a leading apostrophe.
pub fn neutralise(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

pub const CSV_HEADER: [&str; 11] = [
    "Time (UTC)",
    "Admin",
    "Client address",
    "Channel",
    "Menu",
    "Action",
    "Target",
    "Old value",
    "New value",
    "Result",
    "Record",
];

/// The whole filtered log as CSV (RFC 4180 quoting by the csv crate).
pub async fn csv(
    db: &DatabaseConnection,
    company_id: i64,
    q: &AuditQuery,
) -> Result<Vec<u8>, AppError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(CSV_HEADER)
        .map_err(|e| internal("writing CSV failed", e))?;
    let mut pages = select(company_id, q)?.paginate(db, 1000);
    while let Some(batch) = pages
        .fetch_and_next()
        .await
        .map_err(|e| internal("reading audit records failed", e))?
    {
        for r in batch.into_iter().map(row) {
            let cells = [
                r.occurred_at,
                r.admin,
                r.client_ip,
                r.channel,
                r.menu,
                r.action,
                r.target,
                r.old_value.unwrap_or_default(),
                r.new_value.unwrap_or_default(),
                r.result,
                r.id.to_string(),
            ];
            out.write_record(cells.iter().map(|c| neutralise(c)))
                .map_err(|e| internal("writing CSV failed", e))?;
        }
    }
    out.into_inner()
        .map_err(|e| internal("writing CSV failed", e))
}

#[cfg(test)]
mod tests {
    use super::neutralise;

    #[test]
    fn formula_cells_are_neutralised_and_others_kept() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("+1"), "'+1");
        assert_eq!(neutralise("-1"), "'-1");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(
            neutralise("plain, with \"quotes\"\nand lines"),
            "plain, with \"quotes\"\nand lines"
        );
    }
}
