//! SQL text for the queries every request runs, written once per database kind.
//!
//! sea-orm builds a query's SQL text anew on each call (quoting every identifier, aliasing every
//! column); for a join of two tables that is more work than the database's own part of a cached
//! lookup. The few queries on every request's path are built here once, from the same sea-orm
//! query as before, and then only their values change. The database's prepared-statement cache
//! is keyed by this text, so it is reused there too.

use sea_orm::{DbBackend, Statement, Value};
use std::sync::OnceLock;

/// A query's SQL text per database kind, built on first use by `build`.
pub struct CachedSql {
    build: fn(DbBackend) -> Statement,
    sqlite: OnceLock<String>,
    postgres: OnceLock<String>,
    /// Only because `DbBackend` has the variant; the console is not built for MySQL.
    mysql: OnceLock<String>,
}

impl CachedSql {
    /// `build` returns the query with placeholder values; only its SQL text is kept, so every
    /// value must be a bound parameter (see `parameters_of`).
    pub const fn new(build: fn(DbBackend) -> Statement) -> Self {
        Self {
            build,
            sqlite: OnceLock::new(),
            postgres: OnceLock::new(),
            mysql: OnceLock::new(),
        }
    }

    pub fn sql(&self, backend: DbBackend) -> &str {
        let cell = match backend {
            DbBackend::Sqlite => &self.sqlite,
            DbBackend::Postgres => &self.postgres,
            DbBackend::MySql => &self.mysql,
        };
        cell.get_or_init(|| (self.build)(backend).sql)
    }

    /// The statement with these values, in the order the query binds them.
    pub fn statement(
        &self,
        backend: DbBackend,
        values: impl IntoIterator<Item = Value>,
    ) -> Statement {
        Statement::from_sql_and_values(backend, self.sql(backend), values)
    }

    /// Asserts that the query binds `count` values on each database kind the console runs on:
    /// each kept query's tests call it, so that no value is written into the kept text.
    #[cfg(test)]
    pub fn assert_binds(&self, count: usize) {
        for backend in [DbBackend::Sqlite, DbBackend::Postgres] {
            let bound = (self.build)(backend).values.map_or(0, |v| v.0.len());
            assert_eq!(bound, count, "values bound on {backend:?}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::entities::user;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryTrait};

    static BY_EMAIL: CachedSql = CachedSql::new(|backend| {
        user::Entity::find()
            .filter(user::Column::Email.eq(""))
            .build(backend)
    });

    #[test]
    fn the_text_is_built_once_and_takes_new_values() {
        for backend in [DbBackend::Sqlite, DbBackend::Postgres] {
            let first = BY_EMAIL.sql(backend).as_ptr();
            let statement = BY_EMAIL.statement(backend, ["a@example.com".into()]);
            assert_eq!(BY_EMAIL.sql(backend).as_ptr(), first, "built again");
            let per_call = user::Entity::find()
                .filter(user::Column::Email.eq("a@example.com"))
                .build(backend);
            assert_eq!(statement.sql, per_call.sql);
            assert_eq!(statement.values, per_call.values);
        }
        BY_EMAIL.assert_binds(1);
        assert_ne!(
            BY_EMAIL.sql(DbBackend::Sqlite),
            BY_EMAIL.sql(DbBackend::Postgres),
            "each database kind has its own placeholders"
        );
    }
}
