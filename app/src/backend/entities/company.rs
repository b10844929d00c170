use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "companies")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    #[sea_orm(unique)]
    pub domain: String,
    pub plan: String,
    pub created_at: DateTimeUtc,
    /// The hash of the company's newest audit record.
    pub audit_head: String,
    /// Every admin of the company must use two-step verification.
    pub require_two_step: bool,
    /// The sum of the company's setting versions (see `policy_cache`).
    pub settings_revision: i64,
    /// Members with at least one import setting (kept by `settings::add_import_setting` and the
    /// save that deletes them).
    pub import_members: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::user::Entity")]
    User,
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
