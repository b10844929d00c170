//! The policy file: the company's whole mail-security policy as versioned JSON.
//!
//! ```json
//! {
//!   "format": "mail-security-policy",
//!   "version": 1,
//!   "exported_at": "2026-11-27T10:00:00Z",
//!   "company": "acme.example",
//!   "settings": { "<setting key>": <value>, ... },
//!   "sha256": "<hex SHA-256 of the settings object, keys sorted, no spaces>"
//! }
//! ```
//!
//! `settings` holds every setting under its key (see `SettingKey::id`), in the form the settings
//! API uses. A file whose checksum does not match its settings was changed after export and is
//! refused; so is any unknown key or invalid value.

use super::policy::{Policy, SettingKey};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub const FORMAT: &str = "mail-security-policy";
pub const VERSION: u32 = 1;
/// At most this many problems are listed when a file is refused.
pub const MAX_PROBLEMS: usize = 10;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PolicyFile {
    pub format: String,
    pub version: u32,
    pub exported_at: String,
    pub company: String,
    pub settings: Map<String, Value>,
    pub sha256: String,
}

/// The settings object in canonical form (serde_json sorts object keys), as hashed.
pub fn canonical(settings: &Map<String, Value>) -> String {
    Value::Object(settings.clone()).to_string()
}

pub fn settings_of(policy: &Policy) -> Map<String, Value> {
    SettingKey::ALL
        .iter()
        .map(|k| (k.id().to_string(), policy.get_json(*k)))
        .collect()
}

/// Reads a file into a policy, starting from `base` (for settings the file does not carry).
/// `checksum` computes the SHA-256 hex of a string (the domain does no hashing itself).
pub fn parse(
    text: &str,
    base: &Policy,
    checksum: impl Fn(&str) -> String,
) -> Result<Policy, Vec<String>> {
    let file: PolicyFile = serde_json::from_str(text)
        .map_err(|e| vec![format!("The file is not a policy file: {e}.")])?;
    if file.format != FORMAT {
        return Err(vec![format!(
            "The file's format is '{}', not '{FORMAT}'.",
            file.format
        )]);
    }
    if file.version != VERSION {
        return Err(vec![format!(
            "The file is version {} of the format; this console reads version {VERSION}.",
            file.version
        )]);
    }
    if checksum(&canonical(&file.settings)) != file.sha256 {
        return Err(vec![
            "The file's checksum does not match its settings: it was changed after export.".into(),
        ]);
    }
    let mut policy = base.clone();
    let mut problems = Vec::new();
    for (key, value) in &file.settings {
        match SettingKey::from_id(key) {
            None => problems.push(format!("'{key}' is not a setting.")),
            Some(k) => {
                if let Err(e) = policy.set_json(k, value.clone()) {
                    problems.push(format!("{}: {e}", k.label()));
                }
            }
        }
    }
    if problems.is_empty() {
        problems.extend(
            policy
                .validate(&SettingKey::ALL)
                .into_iter()
                .map(|e| format!("{}: {}", field_label(&e.field), e.message)),
        );
    }
    if problems.is_empty() {
        Ok(policy)
    } else {
        problems.truncate(MAX_PROBLEMS);
        Err(problems)
    }
}

fn field_label(field: &str) -> String {
    let base = field.split('.').next().unwrap_or(field);
    SettingKey::from_id(base)
        .map(|k| k.label().to_string())
        .unwrap_or_else(|| field.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::policy::Allowance;

    fn fake_sha(s: &str) -> String {
        format!(
            "{:x}",
            s.len() * 31 + s.bytes().map(usize::from).sum::<usize>()
        )
    }

    fn file_for(policy: &Policy) -> String {
        let settings = settings_of(policy);
        let sha = fake_sha(&canonical(&settings));
        serde_json::to_string(&PolicyFile {
            format: FORMAT.into(),
            version: VERSION,
            exported_at: "2026-11-27T10:00:00Z".into(),
            company: "acme.example".into(),
            settings,
            sha256: sha,
        })
        .unwrap_or_default()
    }

    #[test]
    fn a_file_reproduces_its_policy() {
        let p = Policy {
            import_external_email: Allowance::DoNotAllow,
            mail_backup: false,
            ..Policy::default()
        };
        let text = file_for(&p);
        assert_eq!(parse(&text, &Policy::default(), fake_sha), Ok(p));
    }

    #[test]
    fn a_changed_file_is_refused() {
        let text =
            file_for(&Policy::default()).replace("\"mail_backup\":true", "\"mail_backup\":false");
        let err = parse(&text, &Policy::default(), fake_sha)
            .err()
            .unwrap_or_default();
        assert!(err[0].contains("changed after export"), "{err:?}");
    }

    #[test]
    fn invalid_files_list_their_problems() {
        assert!(parse("not json", &Policy::default(), fake_sha).is_err());
        let mut settings = settings_of(&Policy::default());
        settings.insert("attachment_size_limit".into(), Value::from(0));
        settings.insert("mystery".into(), Value::from(1));
        let sha = fake_sha(&canonical(&settings));
        let text = serde_json::json!({"format": FORMAT, "version": 1, "exported_at": "", "company": "", "settings": settings, "sha256": sha}).to_string();
        let err = parse(&text, &Policy::default(), fake_sha)
            .err()
            .unwrap_or_default();
        assert_eq!(err.len(), 2, "{err:?}");
        assert!(err.iter().any(|e| e.starts_with("Attachment size limit:")));
        assert!(err.iter().any(|e| e.contains("'mystery' is not a setting")));
        let other = serde_json::json!({"format": "other", "version": 1, "exported_at": "", "company": "", "settings": {}, "sha256": ""}).to_string();
        assert!(parse(&other, &Policy::default(), fake_sha).is_err());
    }
}
