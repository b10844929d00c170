//! Provisioning companies and users: used by the operator commands and by the first-start seed.

use super::entities::{company, user};
use super::passwords::PasswordHasher;
use crate::domain::{EmailAddress, Password, Plan, Role, account::is_domain_name};
use anyhow::{Context, bail};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};

pub struct NewUser<'a> {
    pub company_domain: &'a str,
    pub email: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub language: &'a str,
    pub password: &'a str,
}

pub async fn find_company(db: &DatabaseConnection, domain: &str) -> anyhow::Result<company::Model> {
    company::Entity::find()
        .filter(company::Column::Domain.eq(domain.trim().to_lowercase()))
        .one(db)
        .await?
        .with_context(|| format!("no company with the domain '{}'", domain.trim()))
}

pub async fn create_company(
    db: &DatabaseConnection,
    name: &str,
    domain: &str,
    plan: Plan,
) -> anyhow::Result<company::Model> {
    let name = name.trim();
    let domain = domain.trim().to_lowercase();
    if name.is_empty() || name.chars().count() > 200 {
        bail!("the company name must be 1 to 200 characters");
    }
    if !is_domain_name(&domain) {
        bail!("'{domain}' is not a valid mail domain (like example.com)");
    }
    if company::Entity::find()
        .filter(company::Column::Domain.eq(domain.as_str()))
        .one(db)
        .await?
        .is_some()
    {
        bail!("a company with the domain '{domain}' already exists");
    }
    let model = company::ActiveModel {
        name: Set(name.to_string()),
        domain: Set(domain),
        plan: Set(plan.as_str().to_string()),
        created_at: Set(chrono::Utc::now()),
        audit_head: Set(String::new()),
        ..Default::default()
    };
    Ok(model.insert(db).await?)
}

pub async fn create_user(
    db: &DatabaseConnection,
    hasher: &PasswordHasher,
    new: NewUser<'_>,
) -> anyhow::Result<user::Model> {
    let company = find_company(db, new.company_domain).await?;
    let email = EmailAddress::parse(new.email).map_err(anyhow::Error::msg)?;
    let password =
        Password::parse(new.password, Some(&email)).map_err(|p| anyhow::anyhow!("{p}"))?;
    let display_name = new.display_name.trim();
    if display_name.is_empty() || display_name.chars().count() > 200 {
        bail!("the display name must be 1 to 200 characters");
    }
    if user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(db)
        .await?
        .is_some()
    {
        bail!("a user with the email '{email}' already exists");
    }
    if new.role == Role::SuperAdmin
        && user::Entity::find()
            .filter(user::Column::CompanyId.eq(company.id))
            .filter(user::Column::Role.eq(Role::SuperAdmin.as_str()))
            .count(db)
            .await?
            > 0
    {
        bail!(
            "the company '{}' already has a Super admin; there is exactly one per company",
            company.domain
        );
    }
    let hash = hasher.hash(password.expose()).await?;
    let now = chrono::Utc::now();
    let model = user::ActiveModel {
        company_id: Set(company.id),
        email: Set(email.to_string()),
        display_name: Set(display_name.to_string()),
        password_hash: Set(hash),
        role: Set(new.role.as_str().to_string()),
        language: Set(new.language.to_string()),
        active: Set(true),
        auth_epoch: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    Ok(model.insert(db).await?)
}

async fn find_user(db: &DatabaseConnection, email: &str) -> anyhow::Result<user::Model> {
    let email = EmailAddress::parse(email).map_err(anyhow::Error::msg)?;
    user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(db)
        .await?
        .with_context(|| format!("no user with the email '{email}'"))
}

/// Sets a new password and ends every session of the user.
pub async fn reset_password(
    db: &DatabaseConnection,
    hasher: &PasswordHasher,
    email: &str,
    password: &str,
) -> anyhow::Result<()> {
    let found = find_user(db, email).await?;
    let address = EmailAddress::parse(&found.email).map_err(anyhow::Error::msg)?;
    let password = Password::parse(password, Some(&address)).map_err(|p| anyhow::anyhow!("{p}"))?;
    let hash = hasher.hash(password.expose()).await?;
    let epoch = found.auth_epoch + 1;
    let mut model: user::ActiveModel = found.into();
    model.password_hash = Set(hash);
    model.auth_epoch = Set(epoch);
    model.updated_at = Set(chrono::Utc::now());
    model.update(db).await?;
    Ok(())
}

/// Ends every session of a user: they must sign in again.
pub async fn end_sessions(db: &DatabaseConnection, email: &str) -> anyhow::Result<()> {
    let found = find_user(db, email).await?;
    let epoch = found.auth_epoch + 1;
    let mut model: user::ActiveModel = found.into();
    model.auth_epoch = Set(epoch);
    model.updated_at = Set(chrono::Utc::now());
    model.update(db).await?;
    Ok(())
}

/// Activates or deactivates a user; deactivation ends all their sessions.
pub async fn set_active(db: &DatabaseConnection, email: &str, active: bool) -> anyhow::Result<()> {
    let txn = db.begin().await?;
    let found = find_user(db, email).await?;
    if !active && found.role == Role::SuperAdmin.as_str() {
        bail!("the Super admin cannot be deactivated; hand the role over first");
    }
    let epoch = found.auth_epoch + if active { 0 } else { 1 };
    let mut model: user::ActiveModel = found.into();
    model.active = Set(active);
    model.auth_epoch = Set(epoch);
    model.updated_at = Set(chrono::Utc::now());
    model.update(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// Users, with their company's domain, optionally of one company.
pub async fn list_users(
    db: &DatabaseConnection,
    company_domain: Option<&str>,
) -> anyhow::Result<Vec<(user::Model, String)>> {
    let mut query = user::Entity::find()
        .find_also_related(company::Entity)
        .order_by_asc(user::Column::CompanyId)
        .order_by_asc(user::Column::Email);
    if let Some(domain) = company_domain {
        let company = find_company(db, domain).await?;
        query = query.filter(user::Column::CompanyId.eq(company.id));
    }
    Ok(query
        .all(db)
        .await?
        .into_iter()
        .map(|(u, c)| (u, c.map(|c| c.domain).unwrap_or_default()))
        .collect())
}

pub async fn company_count(db: &DatabaseConnection) -> anyhow::Result<u64> {
    Ok(company::Entity::find().count(db).await?)
}

/// Adds an "Import external email" setting to a user (operator command and demo data).
pub async fn add_import_setting(
    db: &DatabaseConnection,
    email: &str,
    address: &str,
    host: &str,
) -> anyhow::Result<()> {
    let user = find_user(db, email).await?;
    let address = EmailAddress::parse(address).map_err(anyhow::Error::msg)?;
    let host = host.trim().to_lowercase();
    if !is_domain_name(&host) {
        bail!("'{host}' is not a valid mail server name");
    }
    super::settings::add_import_setting(db, user.company_id, user.id, address.as_str(), &host)
        .await?;
    Ok(())
}

pub async fn list_companies(db: &DatabaseConnection) -> anyhow::Result<Vec<company::Model>> {
    Ok(company::Entity::find()
        .order_by_asc(company::Column::Id)
        .all(db)
        .await?)
}

/// Creates `count` members (`member<N>@<domain>`) sharing one password (hashed once).
pub async fn create_members(
    db: &DatabaseConnection,
    hasher: &PasswordHasher,
    company_domain: &str,
    count: u32,
    password: &str,
) -> anyhow::Result<u32> {
    let company = find_company(db, company_domain).await?;
    let hash = hasher.hash(password).await?;
    let now = chrono::Utc::now();
    let txn = db.begin().await?;
    let mut created = 0;
    for i in 1..=count {
        let email = format!("member{i}@{}", company.domain);
        if user::Entity::find()
            .filter(user::Column::Email.eq(email.as_str()))
            .one(&txn)
            .await?
            .is_some()
        {
            continue;
        }
        user::ActiveModel {
            company_id: Set(company.id),
            email: Set(email),
            display_name: Set(format!("Member {i}")),
            password_hash: Set(hash.clone()),
            role: Set(Role::Member.as_str().to_string()),
            language: Set("en".into()),
            active: Set(true),
            auth_epoch: Set(0),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        created += 1;
    }
    txn.commit().await?;
    Ok(created)
}
