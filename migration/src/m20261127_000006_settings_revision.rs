//! The company's settings revision: the sum of its settings' versions, kept beside the company so
//! that the mail service's API can tell whether the policy changed by reading one row. Every save
//! raises it by the number of settings it changed, in the same transaction.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Companies {
    Table,
    SettingsRevision,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Companies::Table)
                    .add_column(
                        ColumnDef::new(Companies::SettingsRevision)
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE companies SET settings_revision = \
                 (SELECT COALESCE(SUM(settings.version), 0) FROM settings \
                  WHERE settings.company_id = companies.id)",
            )
            .await
            .map(|_| ())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Companies::Table)
                    .drop_column(Companies::SettingsRevision)
                    .to_owned(),
            )
            .await
    }
}
