//! The audit writer: one record per change, written in the same transaction as the change.

use super::auth::Actor;
use super::entities::audit_entry;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// How the change reached the console.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Channel {
    PcWeb,
    MobileWeb,
    Api,
}

impl Channel {
    pub fn label(self) -> &'static str {
        match self {
            Channel::PcWeb => "PC web",
            Channel::MobileWeb => "Mobile web",
            Channel::Api => "API",
        }
    }

    /// PC or mobile web, from the browser's User-Agent.
    pub fn from_user_agent(ua: Option<&str>) -> Self {
        match ua {
            Some(ua) if ua.contains("Mobi") || ua.contains("Android") => Channel::MobileWeb,
            _ => Channel::PcWeb,
        }
    }
}

/// Who did it, from where.
#[derive(Clone, Debug)]
pub struct Who {
    pub actor: Actor,
    pub client_ip: IpAddr,
    pub channel: Channel,
}

pub struct Record<'a> {
    pub menu: &'a str,
    pub action: &'a str,
    pub target: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub result: &'a str,
}

pub async fn write<C: ConnectionTrait>(db: &C, who: &Who, record: Record<'_>) -> Result<(), DbErr> {
    audit_entry::ActiveModel {
        company_id: Set(who.actor.company_id),
        occurred_at: Set(chrono::Utc::now()),
        actor_user_id: Set(Some(who.actor.user_id)),
        actor_email: Set(who.actor.email.clone()),
        client_ip: Set(who.client_ip.to_string()),
        channel: Set(who.channel.label().to_string()),
        menu: Set(record.menu.to_string()),
        action: Set(record.action.to_string()),
        target: Set(record.target),
        old_value: Set(record.old_value),
        new_value: Set(record.new_value),
        result: Set(record.result.to_string()),
        ..Default::default()
    }
    .insert(db)
    .await
    .map(|_| ())
}
