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
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
