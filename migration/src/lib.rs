//! Database migrations, one timestamped file each, applied by the server at start-up and by the
//! `migration` command-line tool (`up`, `down`, `status`, `fresh`).

pub use sea_orm_migration::prelude::*;

mod m20261127_000001_foundation;
mod m20261127_000002_settings_and_audit;
mod m20261127_000003_audit_chain;
mod m20261127_000004_api_tokens;
mod m20261127_000005_two_step;
mod m20261127_000006_settings_revision;
mod m20261128_000007_import_members;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_foundation::Migration),
            Box::new(m20261127_000002_settings_and_audit::Migration),
            Box::new(m20261127_000003_audit_chain::Migration),
            Box::new(m20261127_000004_api_tokens::Migration),
            Box::new(m20261127_000005_two_step::Migration),
            Box::new(m20261127_000006_settings_revision::Migration),
            Box::new(m20261128_000007_import_members::Migration),
        ]
    }
}
