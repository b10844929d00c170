//! API tokens: created (shown once) and revoked by Security admins and the Super admin, stored
//! only as SHA-256 hashes, each bound to one company and a read-only scope.

use super::audit::{self, Author, Record, Who};
use super::auth::internal;
use super::entities::{api_token, company};
use super::prepared::CachedSql;
use crate::error::AppError;
use chrono::Utc;
use sea_orm::prelude::DateTimeUtc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    FromQueryResult, JoinType, QueryFilter, QueryOrder, QuerySelect, QueryTrait, RelationTrait,
    Set,
};
use sha2::{Digest, Sha256};

pub const MENU: &str = "API tokens";
/// The only scope: read the policy and ask for decisions (which change nothing).
pub const READ_SCOPE: &str = "policy:read";
const TOKEN_PREFIX: &str = "mst_";

pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn new_secret() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{TOKEN_PREFIX}{}", hex::encode(bytes))
}

pub async fn list(
    db: &DatabaseConnection,
    company_id: i64,
) -> Result<Vec<api_token::Model>, AppError> {
    api_token::Entity::find()
        .filter(api_token::Column::CompanyId.eq(company_id))
        .order_by_desc(api_token::Column::Id)
        .all(db)
        .await
        .map_err(|e| internal("listing API tokens failed", e))
}

/// Creates a token and returns its secret, which is never shown again.
pub async fn create(
    db: &DatabaseConnection,
    who: &Who,
    name: &str,
) -> Result<(String, api_token::Model), AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::validation(
            "name",
            "Name the token (1 to 100 characters), e.g. after the mail server that uses it.",
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(AppError::validation(
            "name",
            "A token name cannot contain control characters.",
        ));
    }
    let secret = new_secret();
    let txn = audit::begin_locked(db, who.actor.company_id).await?;
    let model = api_token::ActiveModel {
        company_id: Set(who.actor.company_id),
        name: Set(name.to_string()),
        prefix: Set(secret.chars().take(12).collect()),
        token_hash: Set(hash(&secret)),
        scope: Set(READ_SCOPE.to_string()),
        created_by: Set(Some(who.actor.user_id)),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| internal("creating an API token failed", e))?;
    let mut record = Record::event(MENU, "Create API token", name.to_string(), "Success");
    record.new_value = Some(format!("{} ({READ_SCOPE})", model.prefix));
    audit::commit_with(txn, &Author::from(who), record).await?;
    Ok((secret, model))
}

pub async fn revoke(db: &DatabaseConnection, who: &Who, id: i64) -> Result<(), AppError> {
    let txn = audit::begin_locked(db, who.actor.company_id).await?;
    let token = api_token::Entity::find_by_id(id)
        .filter(api_token::Column::CompanyId.eq(who.actor.company_id))
        .one(&txn)
        .await
        .map_err(|e| internal("loading an API token failed", e))?
        .ok_or(AppError::NotFound)?;
    if token.revoked_at.is_some() {
        return Ok(());
    }
    let mut model: api_token::ActiveModel = token.clone().into();
    model.revoked_at = Set(Some(Utc::now()));
    model
        .update(&txn)
        .await
        .map_err(|e| internal("revoking an API token failed", e))?;
    let mut record = Record::event(MENU, "Revoke API token", token.name.clone(), "Success");
    record.old_value = Some(token.prefix.clone());
    audit::commit_with(txn, &Author::from(who), record).await
}

/// Who presents a live token: the token, its company, and the company's settings revision
/// (see `policy_cache`), all read by one query.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct Caller {
    pub token_id: i64,
    pub scope: String,
    pub last_used_at: Option<DateTimeUtc>,
    pub company_id: i64,
    pub domain: String,
    pub plan: String,
    pub revision: i64,
}

/// The query behind `authenticate` (every API call runs it); its one value is the token's hash,
/// unique, so at most one row.
static CALLER_BY_HASH: CachedSql = CachedSql::new(|backend| {
    api_token::Entity::find()
        .select_only()
        .column_as(api_token::Column::Id, "token_id")
        .column(api_token::Column::Scope)
        .column(api_token::Column::LastUsedAt)
        .column(api_token::Column::CompanyId)
        .column_as(company::Column::Domain, "domain")
        .column_as(company::Column::Plan, "plan")
        .column_as(company::Column::SettingsRevision, "revision")
        .join(JoinType::InnerJoin, api_token::Relation::Company.def())
        .filter(api_token::Column::TokenHash.eq(""))
        .filter(api_token::Column::RevokedAt.is_null())
        .build(backend)
});

/// The caller for a presented secret, if it names a live token.
pub async fn authenticate(
    db: &DatabaseConnection,
    secret: &str,
) -> Result<Option<Caller>, sea_orm::DbErr> {
    if !secret.starts_with(TOKEN_PREFIX) || secret.len() > 200 {
        return Ok(None);
    }
    let statement = CALLER_BY_HASH.statement(db.get_database_backend(), [hash(secret).into()]);
    let Some(caller) = Caller::find_by_statement(statement).one(db).await? else {
        return Ok(None);
    };
    // "Last used" to the minute: one write a minute per token at most.
    let now = Utc::now();
    if caller
        .last_used_at
        .is_none_or(|t| now - t > chrono::Duration::minutes(1))
    {
        api_token::Entity::update_many()
            .col_expr(api_token::Column::LastUsedAt, Expr::value(now))
            .filter(api_token::Column::Id.eq(caller.token_id))
            .exec(db)
            .await?;
    }
    Ok(Some(caller))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kept_query_binds_its_one_value() {
        CALLER_BY_HASH.assert_binds(1);
    }
}
