//! How many members of the company have import settings, kept beside the company so that the
//! settings pages read it with the signed-in admin instead of counting on every load. Adding an
//! import setting recounts it under the company's lock; deleting them all sets it to 0 in the
//! same transaction.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Companies {
    Table,
    ImportMembers,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Companies::Table)
                    .add_column(
                        ColumnDef::new(Companies::ImportMembers)
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
                "UPDATE companies SET import_members = \
                 (SELECT COUNT(DISTINCT import_settings.user_id) FROM import_settings \
                  WHERE import_settings.company_id = companies.id)",
            )
            .await
            .map(|_| ())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Companies::Table)
                    .drop_column(Companies::ImportMembers)
                    .to_owned(),
            )
            .await
    }
}
