//! Companies, their users, and the sessions table used by the session store.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Companies {
    Table,
    Id,
    Name,
    Domain,
    Plan,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    CompanyId,
    Email,
    DisplayName,
    PasswordHash,
    Role,
    Language,
    Active,
    AuthEpoch,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Companies::Table)
                    .col(
                        ColumnDef::new(Companies::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Companies::Name).string_len(200).not_null())
                    .col(
                        ColumnDef::new(Companies::Domain)
                            .string_len(253)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Companies::Plan).string_len(32).not_null())
                    .col(
                        ColumnDef::new(Companies::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(
                        ColumnDef::new(Users::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Users::CompanyId).big_integer().not_null())
                    .col(
                        ColumnDef::new(Users::Email)
                            .string_len(254)
                            .not_null()
                            .unique_key(),
                    )
                    .col(
                        ColumnDef::new(Users::DisplayName)
                            .string_len(200)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Users::PasswordHash)
                            .string_len(255)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Users::Role).string_len(32).not_null())
                    .col(
                        ColumnDef::new(Users::Language)
                            .string_len(16)
                            .not_null()
                            .default("en"),
                    )
                    .col(
                        ColumnDef::new(Users::Active)
                            .boolean()
                            .not_null()
                            .default(true),
                    )
                    .col(
                        ColumnDef::new(Users::AuthEpoch)
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .col(
                        ColumnDef::new(Users::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Users::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_users_company")
                            .from(Users::Table, Users::CompanyId)
                            .to(Companies::Table, Companies::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_index(
                Index::create()
                    .name("idx_users_company")
                    .table(Users::Table)
                    .col(Users::CompanyId)
                    .to_owned(),
            )
            .await?;

        let db = manager.get_connection();
        // Exactly one Super admin per company: a partial unique index (SQLite and Postgres).
        db.execute_unprepared(
            "CREATE UNIQUE INDEX idx_users_one_super_admin ON users (company_id) \
             WHERE role = 'super_admin'",
        )
        .await?;

        // The session table, in the shape the tower-sessions sqlx stores read and write.
        let sessions = match manager.get_database_backend() {
            DbBackend::Postgres => {
                "CREATE TABLE sessions (id TEXT PRIMARY KEY NOT NULL, data BYTEA NOT NULL, \
                 expiry_date TIMESTAMPTZ NOT NULL)"
            }
            _ => {
                "CREATE TABLE sessions (id TEXT PRIMARY KEY NOT NULL, data BLOB NOT NULL, \
                 expiry_date INTEGER NOT NULL)"
            }
        };
        db.execute_unprepared(sessions).await?;
        db.execute_unprepared("CREATE INDEX idx_sessions_expiry ON sessions (expiry_date)")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Alias::new("sessions")).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Users::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Companies::Table).to_owned())
            .await?;
        Ok(())
    }
}
