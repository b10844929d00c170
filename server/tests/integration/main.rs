//! Integration tests: each starts the real server on a free port with a fresh database, once on
//! SQLite and once on Postgres (`TEST_POSTGRES_URL`, default the local server; never skipped).

mod harness;

mod history;
mod load;
mod policy_file;
mod rendered_pages;

mod access;
mod administrators;
mod api_v1;
mod audit;
mod auth;
mod faults;
mod sessions;
mod settings;
mod two_step;
