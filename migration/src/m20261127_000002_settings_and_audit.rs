//! Versioned settings per company and key, members' external-mail import settings, and the
//! audit log.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Companies {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Settings {
    Table,
    CompanyId,
    Key,
    Value,
    Version,
    UpdatedBy,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ImportSettings {
    Table,
    Id,
    CompanyId,
    UserId,
    Address,
    Host,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    CompanyId,
    OccurredAt,
    ActorUserId,
    ActorEmail,
    ClientIp,
    Channel,
    Menu,
    Action,
    Target,
    OldValue,
    NewValue,
    Result,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Settings::Table)
                    .col(ColumnDef::new(Settings::CompanyId).big_integer().not_null())
                    .col(ColumnDef::new(Settings::Key).string_len(64).not_null())
                    .col(ColumnDef::new(Settings::Value).text().not_null())
                    .col(ColumnDef::new(Settings::Version).big_integer().not_null())
                    .col(ColumnDef::new(Settings::UpdatedBy).big_integer().null())
                    .col(
                        ColumnDef::new(Settings::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(Index::create().col(Settings::CompanyId).col(Settings::Key))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_settings_company")
                            .from(Settings::Table, Settings::CompanyId)
                            .to(Companies::Table, Companies::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ImportSettings::Table)
                    .col(
                        ColumnDef::new(ImportSettings::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(ImportSettings::CompanyId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ImportSettings::UserId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ImportSettings::Address)
                            .string_len(254)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ImportSettings::Host)
                            .string_len(253)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ImportSettings::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_import_settings_company")
                            .from(ImportSettings::Table, ImportSettings::CompanyId)
                            .to(Companies::Table, Companies::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_import_settings_user")
                            .from(ImportSettings::Table, ImportSettings::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_import_settings_company")
                    .table(ImportSettings::Table)
                    .col(ImportSettings::CompanyId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(
                        ColumnDef::new(AuditLog::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(AuditLog::CompanyId).big_integer().not_null())
                    .col(
                        ColumnDef::new(AuditLog::OccurredAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new(AuditLog::ActorUserId).big_integer().null())
                    .col(
                        ColumnDef::new(AuditLog::ActorEmail)
                            .string_len(254)
                            .not_null(),
                    )
                    .col(ColumnDef::new(AuditLog::ClientIp).string_len(64).not_null())
                    .col(ColumnDef::new(AuditLog::Channel).string_len(32).not_null())
                    .col(ColumnDef::new(AuditLog::Menu).string_len(64).not_null())
                    .col(ColumnDef::new(AuditLog::Action).string_len(64).not_null())
                    .col(ColumnDef::new(AuditLog::Target).string_len(300).not_null())
                    .col(ColumnDef::new(AuditLog::OldValue).text().null())
                    .col(ColumnDef::new(AuditLog::NewValue).text().null())
                    .col(ColumnDef::new(AuditLog::Result).string_len(32).not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_audit_company")
                            .from(AuditLog::Table, AuditLog::CompanyId)
                            .to(Companies::Table, Companies::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_company_time")
                    .table(AuditLog::Table)
                    .col(AuditLog::CompanyId)
                    .col(AuditLog::OccurredAt)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AuditLog::Table.into_iden(),
            ImportSettings::Table.into_iden(),
            Settings::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
