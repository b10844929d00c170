//! Writing and reading policy files on the server (the format is in `domain::policy_file`).

use crate::domain::policy::Policy;
use crate::domain::policy_file::{self, FORMAT, PolicyFile, VERSION};
use sha2::{Digest, Sha256};

pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// The file for `policy`, pretty-printed.
pub fn export(policy: &Policy, company_domain: &str) -> String {
    let settings = policy_file::settings_of(policy);
    let file = PolicyFile {
        format: FORMAT.into(),
        version: VERSION,
        exported_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        company: company_domain.to_string(),
        sha256: sha256_hex(&policy_file::canonical(&settings)),
        settings,
    };
    serde_json::to_string_pretty(&file).unwrap_or_default()
}

pub fn parse(text: &str, base: &Policy) -> Result<Policy, Vec<String>> {
    policy_file::parse(text, base, sha256_hex)
}
