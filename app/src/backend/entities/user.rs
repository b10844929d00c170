use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub company_id: i64,
    #[sea_orm(unique)]
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub language: String,
    pub active: bool,
    /// Bumped whenever every session of the user must end (password change, deactivation).
    pub auth_epoch: i64,
    /// The TOTP secret of two-step verification, encrypted (`backend::secrets`); none when off.
    pub totp_secret: Option<String>,
    /// A secret shown for enrolment and not yet confirmed by a code, encrypted.
    pub totp_pending: Option<String>,
    /// The last TOTP time step accepted: a code of this step or an earlier one is refused.
    pub totp_last_step: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::company::Entity",
        from = "Column::CompanyId",
        to = "super::company::Column::Id"
    )]
    Company,
}

impl Related<super::company::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Company.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
