use sea_orm::entity::prelude::*;

/// One audit record. Written by the application, never updated or deleted by it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub company_id: i64,
    pub occurred_at: DateTimeUtc,
    pub actor_user_id: Option<i64>,
    pub actor_email: String,
    pub client_ip: String,
    pub channel: String,
    pub menu: String,
    pub action: String,
    pub target: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub result: String,
    /// For settings changes: the setting and its stored values before and after.
    pub setting_key: Option<String>,
    pub old_json: Option<String>,
    pub new_json: Option<String>,
    /// Records written by one save share it.
    pub save_id: Option<String>,
    /// The hash of the company's previous record ("" for the first).
    pub prev_hash: String,
    /// SHA-256 over `prev_hash` and this record's contents.
    pub hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
