//! The command line: `serve` (the default) and the operator commands for companies and users.
//! Passwords come from standard input or `ACCOUNT_PASSWORD`, never from arguments, so that they
//! stay out of shell history and process lists.

use crate::config::Config;
use crate::startup::{Application, shutdown_signal};
use anyhow::Context;
use app::backend::accounts::{self, NewUser};
use app::backend::db;
use app::backend::passwords::PasswordHasher;
use app::domain::{Plan, Role};
use clap::{Parser, Subcommand};
use std::io::BufRead;

#[derive(Parser, Debug)]
#[command(name = "server", about = "The mail-security admin console", version)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the console (the default).
    Serve,
    /// Manage companies.
    #[command(subcommand)]
    Company(CompanyCommand),
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Check the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Verify the hash chain of the audit log: detects records that were altered, removed or
    /// reordered directly in the database. Exits with 1 if any company's log fails.
    Verify {
        /// Only this company (its domain); by default every company.
        #[arg(long)]
        company: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum CompanyCommand {
    /// Create a company.
    Create {
        #[arg(long)]
        name: String,
        /// The company's mail domain, e.g. example.com.
        #[arg(long)]
        domain: String,
        /// free, standard or standard_plus.
        #[arg(long, default_value = "standard")]
        plan: Plan,
    },
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create a user; the password is read from standard input or ACCOUNT_PASSWORD.
    Create {
        /// The company's domain.
        #[arg(long)]
        company: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// super_admin, security_admin, mail_admin, auditor or member.
        #[arg(long)]
        role: Role,
        #[arg(long, default_value = "en")]
        language: String,
    },
    /// Set a new password and end the user's sessions.
    ResetPassword {
        #[arg(long)]
        email: String,
    },
    /// End every session of a user (they must sign in again).
    EndSessions {
        #[arg(long)]
        email: String,
    },
    /// Deactivate a user and end their sessions.
    Deactivate {
        #[arg(long)]
        email: String,
    },
    /// Reactivate a user.
    Activate {
        #[arg(long)]
        email: String,
    },
    /// Create COUNT members (member1@DOMAIN ...) sharing one password from standard input or
    /// ACCOUNT_PASSWORD: demo and benchmark data.
    CreateMembers {
        #[arg(long)]
        company: String,
        #[arg(long)]
        count: u32,
    },
    /// Add an "Import external email" setting to a member (a mailbox at another provider).
    AddImportSetting {
        #[arg(long)]
        email: String,
        /// The other provider's address to import from.
        #[arg(long)]
        address: String,
        /// The other provider's mail server.
        #[arg(long)]
        host: String,
    },
    /// List users, optionally of one company.
    List {
        #[arg(long)]
        company: Option<String>,
    },
}

fn read_password() -> anyhow::Result<String> {
    if let Ok(p) = std::env::var("ACCOUNT_PASSWORD") {
        return Ok(p);
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    let password = line.trim_end_matches(['\r', '\n']).to_string();
    if password.is_empty() {
        anyhow::bail!("give the password on standard input or in ACCOUNT_PASSWORD");
    }
    Ok(password)
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = cli.config;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            if config.preload_code {
                crate::preload::executed_code();
            }
            let app = Application::build(config).await?;
            let addr = app.local_addr()?;
            tracing::info!("listening on http://{addr}");
            println!("The admin console is at http://{addr}");
            app.run_until(shutdown_signal()).await
        }
        Command::Company(CompanyCommand::Create { name, domain, plan }) => {
            let db = connect(&config).await?;
            let company = accounts::create_company(&db, &name, &domain, plan).await?;
            println!(
                "created company {} ({}, {} plan)",
                company.name,
                company.domain,
                plan.label()
            );
            Ok(())
        }
        Command::User(cmd) => user_command(&config, cmd).await,
        Command::Audit(AuditCommand::Verify { company }) => {
            let db = connect(&config).await?;
            let companies = match company {
                Some(domain) => vec![accounts::find_company(&db, &domain).await?],
                None => accounts::list_companies(&db).await?,
            };
            let mut failed = 0;
            for c in companies {
                match app::backend::audit::verify(&db, c.id).await? {
                    Ok(n) => println!("{}: {n} records, chain intact", c.domain),
                    Err(problem) => {
                        failed += 1;
                        println!("{}: FAILED: {problem}", c.domain);
                    }
                }
            }
            if failed > 0 {
                anyhow::bail!(
                    "the audit log of {failed} compan{} failed verification",
                    if failed == 1 { "y" } else { "ies" }
                );
            }
            Ok(())
        }
    }
}

async fn connect(config: &Config) -> anyhow::Result<sea_orm::DatabaseConnection> {
    let db = db::connect(&config.database_url, 2).await?;
    db::migrate(&db).await?;
    Ok(db)
}

async fn user_command(config: &Config, cmd: UserCommand) -> anyhow::Result<()> {
    let db = connect(config).await?;
    let hasher = || PasswordHasher::new(1);
    match cmd {
        UserCommand::Create {
            company,
            email,
            name,
            role,
            language,
        } => {
            let password = read_password()?;
            let user = accounts::create_user(
                &db,
                &hasher()?,
                NewUser {
                    company_domain: &company,
                    email: &email,
                    display_name: &name,
                    role,
                    language: &language,
                    password: &password,
                },
            )
            .await?;
            println!("created {} ({})", user.email, role.label());
        }
        UserCommand::ResetPassword { email } => {
            let password = read_password()?;
            accounts::reset_password(&db, &hasher()?, &email, &password).await?;
            println!("password of {email} changed; their sessions have ended");
        }
        UserCommand::EndSessions { email } => {
            accounts::end_sessions(&db, &email).await?;
            println!("every session of {email} has ended");
        }
        UserCommand::Deactivate { email } => {
            accounts::set_active(&db, &email, false).await?;
            println!("{email} deactivated; their sessions have ended");
        }
        UserCommand::Activate { email } => {
            accounts::set_active(&db, &email, true).await?;
            println!("{email} activated");
        }
        UserCommand::CreateMembers { company, count } => {
            let password = read_password()?;
            let n = accounts::create_members(&db, &hasher()?, &company, count, &password).await?;
            println!("created {n} members in {company}");
        }
        UserCommand::AddImportSetting {
            email,
            address,
            host,
        } => {
            accounts::add_import_setting(&db, &email, &address, &host).await?;
            println!("import setting added for {email}: {address} via {host}");
        }
        UserCommand::List { company } => {
            let users = accounts::list_users(&db, company.as_deref()).await?;
            println!(
                "{:<20} {:<32} {:<16} {:<8} NAME",
                "COMPANY", "EMAIL", "ROLE", "ACTIVE"
            );
            for (u, domain) in users {
                let role = u.role.parse::<Role>().map(|r| r.label()).unwrap_or("?");
                println!(
                    "{:<20} {:<32} {:<16} {:<8} {}",
                    domain,
                    u.email,
                    role,
                    if u.active { "yes" } else { "no" },
                    u.display_name
                );
            }
        }
    }
    Ok(())
}
