//! The audit log becomes a hash chain per company (each record holds the hash of the one before;
//! the company row holds the newest), and settings records keep their stored values, so that a
//! change can be shown as a diff and reverted.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    SettingKey,
    OldJson,
    NewJson,
    SaveId,
    PrevHash,
    Hash,
}

#[derive(DeriveIden)]
enum Companies {
    Table,
    AuditHead,
}

fn columns() -> Vec<(AuditLog, ColumnDef)> {
    vec![
        (
            AuditLog::SettingKey,
            ColumnDef::new(AuditLog::SettingKey)
                .string_len(64)
                .null()
                .to_owned(),
        ),
        (
            AuditLog::OldJson,
            ColumnDef::new(AuditLog::OldJson).text().null().to_owned(),
        ),
        (
            AuditLog::NewJson,
            ColumnDef::new(AuditLog::NewJson).text().null().to_owned(),
        ),
        (
            AuditLog::SaveId,
            ColumnDef::new(AuditLog::SaveId)
                .string_len(64)
                .null()
                .to_owned(),
        ),
        (
            AuditLog::PrevHash,
            ColumnDef::new(AuditLog::PrevHash)
                .string_len(64)
                .not_null()
                .default("")
                .to_owned(),
        ),
        (
            AuditLog::Hash,
            ColumnDef::new(AuditLog::Hash)
                .string_len(64)
                .not_null()
                .default("")
                .to_owned(),
        ),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one thing at a time.
        for (_, mut column) in columns() {
            manager
                .alter_table(
                    Table::alter()
                        .table(AuditLog::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Companies::Table)
                    .add_column(
                        ColumnDef::new(Companies::AuditHead)
                            .string_len(64)
                            .not_null()
                            .default(""),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_save")
                    .table(AuditLog::Table)
                    .col(AuditLog::SaveId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_audit_save")
                    .table(AuditLog::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Companies::Table)
                    .drop_column(Companies::AuditHead)
                    .to_owned(),
            )
            .await?;
        for (name, _) in columns() {
            manager
                .alter_table(
                    Table::alter()
                        .table(AuditLog::Table)
                        .drop_column(name)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
