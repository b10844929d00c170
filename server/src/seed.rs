//! The demo company created on a first start with an empty database, so that a newcomer can sign
//! in at once. Its Super admin's password is random and printed once; none is shipped in code.

use app::backend::AppState;
use app::backend::accounts::{self, NewUser};
use app::domain::{Plan, Role};
use rand::Rng;
use rand::distributions::Alphanumeric;

pub const DEMO_DOMAIN: &str = "demo.example";
pub const DEMO_ADMIN: &str = "admin@demo.example";

/// A random password of 20 letters and digits.
pub fn random_password() -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(20)
        .map(char::from)
        .collect()
}

pub async fn seed_demo_if_empty(state: &AppState) -> anyhow::Result<()> {
    if accounts::company_count(&state.db).await? > 0 {
        return Ok(());
    }
    accounts::create_company(&state.db, "Demo Company", DEMO_DOMAIN, Plan::Standard).await?;
    let password = random_password();
    accounts::create_user(
        &state.db,
        &state.hasher,
        NewUser {
            company_domain: DEMO_DOMAIN,
            email: DEMO_ADMIN,
            display_name: "Demo Admin",
            role: Role::SuperAdmin,
            language: "en",
            password: &password,
        },
    )
    .await?;
    // Members, some of whom import mail from other providers, so that the consequences of the
    // Mail Security settings can be seen.
    for (email, name, import) in [
        (
            "kim@demo.example",
            "Kim Min-jun",
            Some(("kim.minjun@old-mail.example", "pop.old-mail.example")),
        ),
        (
            "lee@demo.example",
            "Lee Seo-yeon",
            Some(("seoyeon@webmail.example", "imap.webmail.example")),
        ),
        ("park@demo.example", "Park Ji-ho", None),
    ] {
        accounts::create_user(
            &state.db,
            &state.hasher,
            NewUser {
                company_domain: DEMO_DOMAIN,
                email,
                display_name: name,
                role: Role::Member,
                language: "ko",
                password: &random_password(),
            },
        )
        .await?;
        if let Some((address, host)) = import {
            accounts::add_import_setting(&state.db, email, address, host).await?;
        }
    }
    println!();
    println!("  A demo company was created (Standard plan). Sign in with:");
    println!("    email:    {DEMO_ADMIN}");
    println!("    password: {password}");
    println!("  This password is shown only now. To set another one later:");
    println!("    echo 'a new long password' | server user reset-password --email {DEMO_ADMIN}");
    println!();
    Ok(())
}
