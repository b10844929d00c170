//! The company's mail-security policy as one typed value, the keys under which each setting is
//! stored and versioned, and the rules that tie settings together.

use super::languages::CompanyLanguages;
use super::menu::Page;
use super::network::{AllowedNetworks, NetworkAccess};
use super::roles::Permission;
use super::security_level::{CriticalLevel, LevelKind, LevelName, audit_level_name};
use super::warning_text::WarningTexts;
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Allowance {
    #[default]
    Allow,
    DoNotAllow,
}

impl Allowance {
    pub fn label(self) -> &'static str {
        match self {
            Allowance::Allow => "Allow",
            Allowance::DoNotAllow => "Do not allow",
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImageBlocking {
    Required,
    #[default]
    Optional,
}

impl ImageBlocking {
    pub fn label(self) -> &'static str {
        match self {
            ImageBlocking::Required => "Required - Block image/link in the mail of all members",
            ImageBlocking::Optional => "Optional - Give options to each member",
        }
    }
}

/// The conditions under which the pop-up shows when "Apply conditionally" is chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PopupCondition {
    AttachmentsIncluded,
    NotSentIndividually,
    AttachmentsAndNotSentIndividually,
}

impl PopupCondition {
    pub const ALL: [PopupCondition; 3] = [
        PopupCondition::AttachmentsIncluded,
        PopupCondition::NotSentIndividually,
        PopupCondition::AttachmentsAndNotSentIndividually,
    ];

    pub fn label(self) -> &'static str {
        match self {
            PopupCondition::AttachmentsIncluded => "Only if attachments are included",
            PopupCondition::NotSentIndividually => "Only if send \"individually\" is not checked",
            PopupCondition::AttachmentsAndNotSentIndividually => {
                "Only if there is an attachment and send \"individually\" is not checked"
            }
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            PopupCondition::AttachmentsIncluded => "attachments_included",
            PopupCondition::NotSentIndividually => "not_sent_individually",
            PopupCondition::AttachmentsAndNotSentIndividually => {
                "attachments_and_not_sent_individually"
            }
        }
    }
}

/// "Always apply" or "Apply conditionally" (which, in a draft, may lack its condition yet).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PopupApply {
    #[default]
    Always,
    Conditionally(Option<PopupCondition>),
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ExternalPopup {
    pub on: bool,
    pub apply: PopupApply,
}

impl ExternalPopup {
    pub fn describe(self) -> String {
        match (self.on, self.apply) {
            (false, _) => "OFF".into(),
            (true, PopupApply::Always) => "ON - Always apply".into(),
            (true, PopupApply::Conditionally(Some(c))) => {
                format!("ON - Apply conditionally: {}", c.label())
            }
            (true, PopupApply::Conditionally(None)) => "ON - Apply conditionally".into(),
        }
    }
}

/// A whole number of megabytes or files within bounds.
fn bounded(value: &Value, min: u32, max: u32, what: &str) -> Result<u32, String> {
    let n = value
        .as_u64()
        .or_else(|| value.as_str().and_then(|s| s.trim().parse::<u64>().ok()))
        .ok_or_else(|| format!("Enter a whole number from {min} to {max}."))?;
    if n < u64::from(min) || n > u64::from(max) {
        return Err(format!("{what} must be from {min} to {max}."));
    }
    u32::try_from(n).map_err(|_| format!("Enter a whole number from {min} to {max}."))
}

pub const ATTACHMENT_LIMIT_MB: (u32, u32) = (1, 50);
pub const LARGE_FILE_COUNT: (u32, u32) = (1, 20);
pub const LARGE_FILE_SIZE_MB: (u32, u32) = (2, 2048);
/// Files over the attachment size limit, when allowed, can be downloaded this many times...
pub const LARGE_FILE_DOWNLOADS: u32 = 100;
/// ...within this many days.
pub const LARGE_FILE_DAYS: u32 = 7;

/// Where a setting lives in the console.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Area {
    /// Security > Mail Security, first tab.
    MailSecurity,
    /// Security > Mail Security, "Security level" tab.
    SecurityLevel,
    NetworkSecurity,
    MailGeneral,
    Languages,
}

impl Area {
    pub fn page(self) -> Page {
        match self {
            Area::MailSecurity | Area::SecurityLevel => Page::MailSecurity,
            Area::NetworkSecurity => Page::NetworkSecurity,
            Area::MailGeneral => Page::MailGeneral,
            Area::Languages => Page::Languages,
        }
    }

    /// The menu name the audit log records.
    pub fn menu_name(self) -> &'static str {
        match self {
            Area::MailSecurity => "Mail Security",
            Area::SecurityLevel => "Mail Security > Security level",
            Area::NetworkSecurity => "Network Security",
            Area::MailGeneral => "Mail > General",
            Area::Languages => "Set Multi-language",
        }
    }

    pub fn edit_permission(self) -> Permission {
        self.page().entry().edit
    }

    pub fn view_permission(self) -> Permission {
        self.page().entry().view
    }

    /// Only on the Standard and Standard Plus plans.
    pub fn needs_mail_security_plan(self) -> bool {
        matches!(self, Area::MailSecurity | Area::SecurityLevel)
    }
}

/// Every stored setting. The id is the database key and the field name in errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SettingKey {
    ImportExternalEmail,
    DownloadTimeLimitFiles,
    MailBackup,
    ExternalImageBlocking,
    ExternalAlertBanner,
    ExternalPopup,
    WarningTextsPc,
    WarningTextsMobile,
    SecurityLevels,
    GeneralLevel,
    RestrictedLevel,
    ConfidentialLevel,
    NonBusinessLevel,
    NetworkAccess,
    AllowedNetworks,
    AttachmentSizeLimit,
    LargeFileMaxCount,
    LargeFileMaxSize,
    Languages,
}

impl SettingKey {
    pub const ALL: [SettingKey; 19] = [
        SettingKey::ImportExternalEmail,
        SettingKey::DownloadTimeLimitFiles,
        SettingKey::MailBackup,
        SettingKey::ExternalImageBlocking,
        SettingKey::ExternalAlertBanner,
        SettingKey::ExternalPopup,
        SettingKey::WarningTextsPc,
        SettingKey::WarningTextsMobile,
        SettingKey::SecurityLevels,
        SettingKey::GeneralLevel,
        SettingKey::RestrictedLevel,
        SettingKey::ConfidentialLevel,
        SettingKey::NonBusinessLevel,
        SettingKey::NetworkAccess,
        SettingKey::AllowedNetworks,
        SettingKey::AttachmentSizeLimit,
        SettingKey::LargeFileMaxCount,
        SettingKey::LargeFileMaxSize,
        SettingKey::Languages,
    ];

    pub fn id(self) -> &'static str {
        match self {
            SettingKey::ImportExternalEmail => "import_external_email",
            SettingKey::DownloadTimeLimitFiles => "download_time_limit_files",
            SettingKey::MailBackup => "mail_backup",
            SettingKey::ExternalImageBlocking => "external_image_blocking",
            SettingKey::ExternalAlertBanner => "external_alert_banner",
            SettingKey::ExternalPopup => "external_popup",
            SettingKey::WarningTextsPc => "warning_texts_pc",
            SettingKey::WarningTextsMobile => "warning_texts_mobile",
            SettingKey::SecurityLevels => "security_levels",
            SettingKey::GeneralLevel => "general_level",
            SettingKey::RestrictedLevel => "restricted_level",
            SettingKey::ConfidentialLevel => "confidential_level",
            SettingKey::NonBusinessLevel => "non_business_level",
            SettingKey::NetworkAccess => "network_access",
            SettingKey::AllowedNetworks => "allowed_networks",
            SettingKey::AttachmentSizeLimit => "attachment_size_limit",
            SettingKey::LargeFileMaxCount => "large_file_max_count",
            SettingKey::LargeFileMaxSize => "large_file_max_size",
            SettingKey::Languages => "languages",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.id() == id)
    }

    /// The field's name in the admin guide's words.
    pub fn label(self) -> &'static str {
        match self {
            SettingKey::ImportExternalEmail => "Import external email",
            SettingKey::DownloadTimeLimitFiles => "Files with download time limit",
            SettingKey::MailBackup => "Mail backup / Save to PC",
            SettingKey::ExternalImageBlocking => "Block images/links from external emails",
            SettingKey::ExternalAlertBanner => "Show alert banner when sending externally",
            SettingKey::ExternalPopup => "Show alert pop-up when sending externally",
            SettingKey::WarningTextsPc => "PC warning text",
            SettingKey::WarningTextsMobile => "Mobile warning text",
            SettingKey::SecurityLevels => "Security level",
            SettingKey::GeneralLevel => "General",
            SettingKey::RestrictedLevel => "Restricted",
            SettingKey::ConfidentialLevel => "Confidential",
            SettingKey::NonBusinessLevel => "Non-business",
            SettingKey::NetworkAccess => "Network access",
            SettingKey::AllowedNetworks => "Designated IPs",
            SettingKey::AttachmentSizeLimit => "Attachment size limit",
            SettingKey::LargeFileMaxCount => {
                "Files with download time limit: maximum number per email"
            }
            SettingKey::LargeFileMaxSize => "Files with download time limit: maximum size per file",
            SettingKey::Languages => "Languages",
        }
    }

    pub fn area(self) -> Area {
        use SettingKey as K;
        match self {
            K::ImportExternalEmail
            | K::DownloadTimeLimitFiles
            | K::MailBackup
            | K::ExternalImageBlocking
            | K::ExternalAlertBanner
            | K::ExternalPopup
            | K::WarningTextsPc
            | K::WarningTextsMobile => Area::MailSecurity,
            K::SecurityLevels
            | K::GeneralLevel
            | K::RestrictedLevel
            | K::ConfidentialLevel
            | K::NonBusinessLevel => Area::SecurityLevel,
            K::NetworkAccess | K::AllowedNetworks => Area::NetworkSecurity,
            K::AttachmentSizeLimit | K::LargeFileMaxCount | K::LargeFileMaxSize => {
                Area::MailGeneral
            }
            K::Languages => Area::Languages,
        }
    }

    pub fn level_kind(self) -> Option<LevelKind> {
        match self {
            SettingKey::GeneralLevel => Some(LevelKind::General),
            SettingKey::RestrictedLevel => Some(LevelKind::Restricted),
            SettingKey::ConfidentialLevel => Some(LevelKind::Confidential),
            SettingKey::NonBusinessLevel => Some(LevelKind::NonBusiness),
            _ => None,
        }
    }

    pub fn in_area(area: Area) -> impl Iterator<Item = SettingKey> {
        Self::ALL.into_iter().filter(move |k| k.area() == area)
    }
}

/// A problem with one field: shown next to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// The whole policy of one company.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub import_external_email: Allowance,
    pub download_time_limit_files: Allowance,
    pub mail_backup: bool,
    pub external_image_blocking: ImageBlocking,
    pub external_alert_banner: bool,
    pub external_popup: ExternalPopup,
    pub warning_texts_pc: WarningTexts,
    pub warning_texts_mobile: WarningTexts,
    pub security_levels: bool,
    pub general_level: bool,
    pub restricted_level: CriticalLevel,
    pub confidential_level: CriticalLevel,
    pub non_business_level: bool,
    pub network_access: NetworkAccess,
    pub allowed_networks: AllowedNetworks,
    #[serde(rename = "attachment_size_limit")]
    pub attachment_size_limit_mb: u32,
    pub large_file_max_count: u32,
    #[serde(rename = "large_file_max_size")]
    pub large_file_max_size_mb: u32,
    pub languages: CompanyLanguages,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            import_external_email: Allowance::Allow,
            download_time_limit_files: Allowance::Allow,
            mail_backup: true,
            external_image_blocking: ImageBlocking::Optional,
            external_alert_banner: false,
            external_popup: ExternalPopup::default(),
            warning_texts_pc: WarningTexts::default(),
            warning_texts_mobile: WarningTexts::default(),
            security_levels: false,
            general_level: true,
            restricted_level: CriticalLevel::default_for(LevelKind::Restricted),
            confidential_level: CriticalLevel::default_for(LevelKind::Confidential),
            non_business_level: false,
            network_access: NetworkAccess::AllowAll,
            allowed_networks: AllowedNetworks::default(),
            attachment_size_limit_mb: 20,
            large_file_max_count: 10,
            large_file_max_size_mb: 1024,
            languages: CompanyLanguages::default(),
        }
    }
}

fn json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

fn parse<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, String> {
    serde_json::from_value(value).map_err(|e| {
        // serde's messages for our own checks are already sentences; others get a generic one.
        let text = e.to_string();
        if text.starts_with("invalid type")
            || text.starts_with("unknown variant")
            || text.starts_with("missing field")
        {
            "This value is not one of the choices.".to_string()
        } else {
            text
        }
    })
}

impl Policy {
    /// The stored form of one setting.
    pub fn get_json(&self, key: SettingKey) -> Value {
        use SettingKey as K;
        match key {
            K::ImportExternalEmail => json(&self.import_external_email),
            K::DownloadTimeLimitFiles => json(&self.download_time_limit_files),
            K::MailBackup => json(&self.mail_backup),
            K::ExternalImageBlocking => json(&self.external_image_blocking),
            K::ExternalAlertBanner => json(&self.external_alert_banner),
            K::ExternalPopup => json(&self.external_popup),
            K::WarningTextsPc => json(&self.warning_texts_pc),
            K::WarningTextsMobile => json(&self.warning_texts_mobile),
            K::SecurityLevels => json(&self.security_levels),
            K::GeneralLevel => json(&self.general_level),
            K::RestrictedLevel => json(&self.restricted_level),
            K::ConfidentialLevel => json(&self.confidential_level),
            K::NonBusinessLevel => json(&self.non_business_level),
            K::NetworkAccess => json(&self.network_access),
            K::AllowedNetworks => json(&self.allowed_networks),
            K::AttachmentSizeLimit => json(&self.attachment_size_limit_mb),
            K::LargeFileMaxCount => json(&self.large_file_max_count),
            K::LargeFileMaxSize => json(&self.large_file_max_size_mb),
            K::Languages => json(&self.languages),
        }
    }

    /// Parses `value` into the setting's domain type and stores it; a bad value changes nothing
    /// and says what is wrong.
    pub fn set_json(&mut self, key: SettingKey, value: Value) -> Result<(), String> {
        use SettingKey as K;
        match key {
            K::ImportExternalEmail => self.import_external_email = parse(value)?,
            K::DownloadTimeLimitFiles => self.download_time_limit_files = parse(value)?,
            K::MailBackup => self.mail_backup = parse(value)?,
            K::ExternalImageBlocking => self.external_image_blocking = parse(value)?,
            K::ExternalAlertBanner => self.external_alert_banner = parse(value)?,
            K::ExternalPopup => self.external_popup = parse(value)?,
            K::WarningTextsPc => self.warning_texts_pc = parse(value)?,
            K::WarningTextsMobile => self.warning_texts_mobile = parse(value)?,
            K::SecurityLevels => self.security_levels = parse(value)?,
            K::GeneralLevel => self.general_level = parse(value)?,
            K::RestrictedLevel => self.restricted_level = parse(value)?,
            K::ConfidentialLevel => self.confidential_level = parse(value)?,
            K::NonBusinessLevel => self.non_business_level = parse(value)?,
            K::NetworkAccess => self.network_access = parse(value)?,
            K::AllowedNetworks => self.allowed_networks = parse(value)?,
            K::AttachmentSizeLimit => {
                self.attachment_size_limit_mb = bounded(
                    &value,
                    ATTACHMENT_LIMIT_MB.0,
                    ATTACHMENT_LIMIT_MB.1,
                    "The attachment size limit (MB)",
                )?
            }
            K::LargeFileMaxCount => {
                self.large_file_max_count = bounded(
                    &value,
                    LARGE_FILE_COUNT.0,
                    LARGE_FILE_COUNT.1,
                    "The number of files",
                )?
            }
            K::LargeFileMaxSize => {
                self.large_file_max_size_mb = bounded(
                    &value,
                    LARGE_FILE_SIZE_MB.0,
                    LARGE_FILE_SIZE_MB.1,
                    "The size per file (MB)",
                )?
            }
            K::Languages => self.languages = parse(value)?,
        }
        Ok(())
    }

    pub fn level(&self, kind: LevelKind) -> bool {
        match kind {
            LevelKind::General => self.general_level,
            LevelKind::Restricted => self.restricted_level.in_use,
            LevelKind::Confidential => self.confidential_level.in_use,
            LevelKind::NonBusiness => self.non_business_level,
        }
    }

    /// The name members and admins see for a level (Restricted and Confidential can be renamed).
    pub fn level_name(&self, kind: LevelKind) -> &str {
        match kind {
            LevelKind::Restricted => self.restricted_level.name.as_str(),
            LevelKind::Confidential => self.confidential_level.name.as_str(),
            other => other.original_name(),
        }
    }

    /// The levels members can pick; with levels not used, none (all mail is General).
    pub fn levels_in_use(&self) -> Vec<LevelKind> {
        if !self.security_levels {
            return Vec::new();
        }
        LevelKind::ALL
            .into_iter()
            .filter(|k| self.level(*k))
            .collect()
    }

    /// The target the audit log names for a setting (renamed levels show their original first).
    pub fn audit_target(&self, key: SettingKey) -> String {
        match key.level_kind() {
            Some(kind) => audit_level_name(kind, self.level_name(kind)),
            None => key.label().to_string(),
        }
    }

    /// One setting as a short text: the read-only view and the audit log's old/new values.
    pub fn display(&self, key: SettingKey) -> String {
        use SettingKey as K;
        let on_off = |b: bool| if b { "ON" } else { "OFF" }.to_string();
        let use_or_not = |b: bool| if b { "Use" } else { "Do not use" }.to_string();
        match key {
            K::ImportExternalEmail => self.import_external_email.label().into(),
            K::DownloadTimeLimitFiles => self.download_time_limit_files.label().into(),
            K::MailBackup => on_off(self.mail_backup),
            K::ExternalImageBlocking => self.external_image_blocking.label().into(),
            K::ExternalAlertBanner => on_off(self.external_alert_banner),
            K::ExternalPopup => self.external_popup.describe(),
            K::WarningTextsPc | K::WarningTextsMobile => {
                let texts = if key == K::WarningTextsPc {
                    &self.warning_texts_pc
                } else {
                    &self.warning_texts_mobile
                };
                if texts.0.is_empty() {
                    "(none: the built-in message is shown)".into()
                } else {
                    texts
                        .0
                        .iter()
                        .map(|(tab, text)| format!("{}: {}", tab.label(), text.as_str()))
                        .collect::<Vec<_>>()
                        .join(" | ")
                }
            }
            K::SecurityLevels => use_or_not(self.security_levels),
            K::GeneralLevel => use_or_not(self.general_level),
            K::NonBusinessLevel => use_or_not(self.non_business_level),
            K::RestrictedLevel | K::ConfidentialLevel => {
                let l = if key == K::RestrictedLevel {
                    &self.restricted_level
                } else {
                    &self.confidential_level
                };
                if !l.in_use {
                    return format!("Do not use (name: {})", l.name.as_str());
                }
                format!(
                    "Use - name: {}; Expires after: {}; Forwarding Prohibited: {}; Delete sent emails after expiration: {}",
                    l.name.as_str(),
                    l.expires_after.label(),
                    if l.forwarding_prohibited { "yes" } else { "no" },
                    if l.delete_sent_after_expiration {
                        "yes"
                    } else {
                        "no"
                    },
                )
            }
            K::NetworkAccess => self.network_access.label().into(),
            K::AllowedNetworks => {
                if self.allowed_networks.is_empty() {
                    "(none)".into()
                } else {
                    self.allowed_networks
                        .iter()
                        .map(|n| n.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            }
            K::AttachmentSizeLimit => format!("{} MB", self.attachment_size_limit_mb),
            K::LargeFileMaxCount => format!("{} files", self.large_file_max_count),
            K::LargeFileMaxSize => format!("{} MB", self.large_file_max_size_mb),
            K::Languages => self
                .languages
                .iter()
                .map(|l| l.label())
                .collect::<Vec<_>>()
                .join(", "),
        }
    }

    /// The rules between settings. Each error names the field it belongs next to; where a rule
    /// ties two fields, it goes to the one in `edited` if any (the admin's change caused it).
    pub fn validate(&self, edited: &[SettingKey]) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let pick = |primary: SettingKey, other: SettingKey| -> &'static str {
            if !edited.contains(&primary) && edited.contains(&other) {
                other.id()
            } else {
                primary.id()
            }
        };

        if self.network_access == NetworkAccess::DesignatedIpsOnly
            && self.import_external_email == Allowance::Allow
        {
            errors.push(FieldError::new(
                pick(SettingKey::ImportExternalEmail, SettingKey::NetworkAccess),
                "Import external email cannot be allowed while Network Security is set to \
                 'Allow access from designated IPs only'.",
            ));
        }
        if self.network_access == NetworkAccess::DesignatedIpsOnly
            && self.allowed_networks.is_empty()
        {
            errors.push(FieldError::new(
                SettingKey::AllowedNetworks.id(),
                "Add at least one IP address or range to allow.",
            ));
        }

        if let PopupApply::Conditionally(None) = self.external_popup.apply
            && self.external_popup.on
        {
            errors.push(FieldError::new(
                SettingKey::ExternalPopup.id(),
                "Choose the condition under which the pop-up is shown.",
            ));
        }

        if self.security_levels {
            let used = self.levels_in_use();
            if used.is_empty() {
                errors.push(FieldError::new(
                    SettingKey::SecurityLevels.id(),
                    "Use at least one security level.",
                ));
            } else if used == [LevelKind::NonBusiness] {
                errors.push(FieldError::new(
                    SettingKey::NonBusinessLevel.id(),
                    "Non-business cannot be the only security level in use; use it with at \
                     least one other level.",
                ));
            }
        }
        let name_taken = |key: SettingKey, name: &LevelName| {
            FieldError::new(
                format!("{}.name", key.id()),
                format!(
                    "Another security level is already named '{}'.",
                    name.as_str()
                ),
            )
        };
        let reserved = |name: &LevelName| {
            let n = name.as_str().to_lowercase();
            n == "general" || n == "non-business"
        };
        let (restricted, confidential) = (&self.restricted_level, &self.confidential_level);
        if reserved(&restricted.name) {
            errors.push(name_taken(SettingKey::RestrictedLevel, &restricted.name));
        }
        if reserved(&confidential.name) {
            errors.push(name_taken(
                SettingKey::ConfidentialLevel,
                &confidential.name,
            ));
        }
        if restricted.name.as_str().to_lowercase() == confidential.name.as_str().to_lowercase() {
            // One clash, reported once: on the level the admin renamed.
            let key = if edited.contains(&SettingKey::RestrictedLevel)
                && !edited.contains(&SettingKey::ConfidentialLevel)
            {
                SettingKey::RestrictedLevel
            } else {
                SettingKey::ConfidentialLevel
            };
            let name = if key == SettingKey::RestrictedLevel {
                &restricted.name
            } else {
                &confidential.name
            };
            errors.push(name_taken(key, name));
        }
        for (key, level) in [
            (SettingKey::RestrictedLevel, restricted),
            (SettingKey::ConfidentialLevel, confidential),
        ] {
            if level.delete_sent_after_expiration && level.expires_after.days().is_none() {
                errors.push(FieldError::new(
                    format!("{}.delete_sent_after_expiration", key.id()),
                    "'Delete sent emails after expiration' needs an expiry: choose 'Expires after' first.",
                ));
            }
        }

        if self.large_file_max_size_mb <= self.attachment_size_limit_mb {
            errors.push(FieldError::new(
                pick(
                    SettingKey::LargeFileMaxSize,
                    SettingKey::AttachmentSizeLimit,
                ),
                format!(
                    "The maximum size per file with download time limit ({} MB) must be larger \
                     than the attachment size limit ({} MB).",
                    self.large_file_max_size_mb, self.attachment_size_limit_mb
                ),
            ));
        }
        errors
    }

    /// Renames a level after checking the name's own form.
    pub fn rename_level(&mut self, kind: LevelKind, raw: &str) -> Result<(), String> {
        let name = LevelName::parse(raw)?;
        match kind {
            LevelKind::Restricted => self.restricted_level.name = name,
            LevelKind::Confidential => self.confidential_level.name = name,
            _ => return Err("Only Restricted and Confidential can be renamed.".into()),
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::field_reassign_with_default)] // tests read better as "defaults, then this change"
mod tests {
    use super::*;
    use crate::domain::languages::Language;
    use crate::domain::network::AllowedNetworks;
    use crate::domain::security_level::ExpiresAfter;
    use proptest::prelude::*;
    use serde_json::json;

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn the_defaults_follow_every_rule() {
        assert!(Policy::default().validate(&SettingKey::ALL).is_empty());
    }

    #[test]
    fn import_cannot_be_allowed_under_designated_ips_only() {
        let mut p = Policy::default();
        p.network_access = NetworkAccess::DesignatedIpsOnly;
        p.allowed_networks = AllowedNetworks::parse_lines("203.0.113.0/24").unwrap_or_default();
        assert_eq!(
            fields(&p.validate(&[SettingKey::ImportExternalEmail])),
            ["import_external_email"]
        );
        // Changed from the Network Security page: the error belongs to its field.
        assert_eq!(
            fields(&p.validate(&[SettingKey::NetworkAccess])),
            ["network_access"]
        );
        p.import_external_email = Allowance::DoNotAllow;
        assert!(p.validate(&[SettingKey::NetworkAccess]).is_empty());
    }

    #[test]
    fn designated_ips_only_needs_an_address() {
        let mut p = Policy::default();
        p.import_external_email = Allowance::DoNotAllow;
        p.network_access = NetworkAccess::DesignatedIpsOnly;
        assert_eq!(fields(&p.validate(&[])), ["allowed_networks"]);
    }

    #[test]
    fn conditional_pop_up_needs_exactly_one_condition() {
        let mut p = Policy::default();
        p.external_popup = ExternalPopup {
            on: true,
            apply: PopupApply::Conditionally(None),
        };
        assert_eq!(fields(&p.validate(&[])), ["external_popup"]);
        p.external_popup.apply =
            PopupApply::Conditionally(Some(PopupCondition::AttachmentsIncluded));
        assert!(p.validate(&[]).is_empty());
        // Turned off, an unfinished choice does not matter.
        p.external_popup = ExternalPopup {
            on: false,
            apply: PopupApply::Conditionally(None),
        };
        assert!(p.validate(&[]).is_empty());
    }

    #[test]
    fn security_levels_need_one_level_and_not_non_business_alone() {
        let mut p = Policy::default();
        p.security_levels = true;
        p.general_level = false;
        assert_eq!(fields(&p.validate(&[])), ["security_levels"]);
        p.non_business_level = true;
        assert_eq!(fields(&p.validate(&[])), ["non_business_level"]);
        p.general_level = true;
        assert!(p.validate(&[]).is_empty());
        assert_eq!(
            p.levels_in_use(),
            vec![LevelKind::General, LevelKind::NonBusiness]
        );
        // With levels not used, nothing can be picked and no level rule applies.
        p.security_levels = false;
        p.general_level = false;
        assert!(p.validate(&[]).is_empty());
        assert!(p.levels_in_use().is_empty());
    }

    #[test]
    fn level_names_are_unique_among_levels() {
        let mut p = Policy::default();
        assert!(
            p.rename_level(LevelKind::Confidential, "  restricted ")
                .is_ok()
        );
        assert_eq!(
            fields(&p.validate(&[SettingKey::ConfidentialLevel])),
            ["confidential_level.name"]
        );
        assert!(p.rename_level(LevelKind::Confidential, "General").is_ok());
        assert_eq!(fields(&p.validate(&[])), ["confidential_level.name"]);
        assert!(
            p.rename_level(LevelKind::Confidential, "Board only")
                .is_ok()
        );
        assert!(p.validate(&[]).is_empty());
        assert!(p.rename_level(LevelKind::Restricted, "   ").is_err());
        assert!(
            p.rename_level(LevelKind::Restricted, &"x".repeat(31))
                .is_err()
        );
        assert!(p.rename_level(LevelKind::General, "Open").is_err());
        assert_eq!(p.level_name(LevelKind::Confidential), "Board only");
    }

    #[test]
    fn deleting_sent_mail_after_expiration_needs_an_expiry() {
        let mut p = Policy::default();
        p.restricted_level.delete_sent_after_expiration = true;
        assert_eq!(
            fields(&p.validate(&[])),
            ["restricted_level.delete_sent_after_expiration"]
        );
        p.restricted_level.expires_after = ExpiresAfter::OneWeek;
        assert!(p.validate(&[]).is_empty());
    }

    #[test]
    fn files_with_download_time_limit_must_be_larger_than_the_attachment_limit() {
        let mut p = Policy::default();
        assert!(
            p.set_json(SettingKey::AttachmentSizeLimit, json!(30))
                .is_ok()
        );
        assert!(p.set_json(SettingKey::LargeFileMaxSize, json!(30)).is_ok());
        assert_eq!(
            fields(&p.validate(&[SettingKey::AttachmentSizeLimit])),
            ["attachment_size_limit"]
        );
        assert_eq!(
            fields(&p.validate(&[SettingKey::LargeFileMaxSize])),
            ["large_file_max_size"]
        );
    }

    #[test]
    fn bad_values_are_refused_and_change_nothing() {
        let mut p = Policy::default();
        let before = p.clone();
        for (key, value) in [
            (SettingKey::AttachmentSizeLimit, json!(0)),
            (SettingKey::AttachmentSizeLimit, json!(51)),
            (SettingKey::AttachmentSizeLimit, json!("ten")),
            (SettingKey::LargeFileMaxCount, json!(21)),
            (SettingKey::LargeFileMaxSize, json!(4096)),
            (SettingKey::ImportExternalEmail, json!("sometimes")),
            (SettingKey::MailBackup, json!("yes")),
            (SettingKey::Languages, json!([])),
            (SettingKey::Languages, json!(["xx"])),
            (SettingKey::AllowedNetworks, json!(["10.0.0.1/8"])),
            (SettingKey::AllowedNetworks, json!(["10.0.0.1", "10.0.0.1"])),
            (
                SettingKey::WarningTextsPc,
                json!({"default": "x".repeat(501)}),
            ),
            (SettingKey::WarningTextsPc, json!({"klingon": "x"})),
            (SettingKey::RestrictedLevel, json!({"in_use": true})),
        ] {
            assert!(p.set_json(key, value.clone()).is_err(), "{key:?} = {value}");
            assert_eq!(p, before);
        }
    }

    #[test]
    fn the_audit_log_names_renamed_levels_after_their_original() {
        let mut p = Policy::default();
        assert_eq!(p.audit_target(SettingKey::RestrictedLevel), "Restricted");
        assert!(
            p.rename_level(LevelKind::Restricted, "Internal only")
                .is_ok()
        );
        assert_eq!(
            p.audit_target(SettingKey::RestrictedLevel),
            "Restricted (Internal only)"
        );
        assert_eq!(
            p.audit_target(SettingKey::MailBackup),
            "Mail backup / Save to PC"
        );
    }

    #[test]
    fn every_key_belongs_to_an_area_with_an_edit_permission() {
        for key in SettingKey::ALL {
            assert_eq!(SettingKey::from_id(key.id()), Some(key));
            let area = key.area();
            assert!(SettingKey::in_area(area).any(|k| k == key));
            assert!(crate::domain::Role::SuperAdmin.grants(area.edit_permission()));
            assert!(!crate::domain::Role::Auditor.grants(area.edit_permission()));
        }
    }

    #[test]
    fn the_policy_serialises_under_the_setting_keys() {
        let json = serde_json::to_value(Policy::default()).unwrap_or_default();
        let mut names: Vec<&str> = json
            .as_object()
            .map(|o| o.keys().map(|k| k.as_str()).collect())
            .unwrap_or_default();
        let mut ids: Vec<&str> = SettingKey::ALL.iter().map(|k| k.id()).collect();
        names.sort_unstable();
        ids.sort_unstable();
        assert_eq!(names, ids);
        for key in SettingKey::ALL {
            assert_eq!(json[key.id()], Policy::default().get_json(key), "{key:?}");
        }
    }

    fn any_policy() -> impl Strategy<Value = Policy> {
        (
            any::<[bool; 10]>(),
            0usize..4,
            1u32..=50,
            2u32..=2048,
            prop::sample::subsequence(Language::ALL.to_vec(), 1..=5),
            prop::sample::select(ExpiresAfter::ALL.to_vec()),
        )
            .prop_map(|(b, cond, att, large, langs, exp)| {
                let mut p = Policy::default();
                p.import_external_email = if b[0] {
                    Allowance::Allow
                } else {
                    Allowance::DoNotAllow
                };
                p.network_access = if b[1] {
                    NetworkAccess::DesignatedIpsOnly
                } else {
                    NetworkAccess::AllowAll
                };
                p.security_levels = b[2];
                p.general_level = b[3];
                p.restricted_level.in_use = b[4];
                p.confidential_level.in_use = b[5];
                p.non_business_level = b[6];
                p.restricted_level.delete_sent_after_expiration = b[7];
                p.restricted_level.expires_after = exp;
                p.external_popup.on = b[8];
                p.external_popup.apply = match cond {
                    0 => PopupApply::Always,
                    1 => PopupApply::Conditionally(None),
                    2 => PopupApply::Conditionally(Some(PopupCondition::AttachmentsIncluded)),
                    _ => PopupApply::Conditionally(Some(PopupCondition::NotSentIndividually)),
                };
                p.mail_backup = b[9];
                p.attachment_size_limit_mb = att;
                p.large_file_max_size_mb = large;
                p.languages = CompanyLanguages::new(langs).unwrap_or_default();
                p
            })
    }

    proptest! {
        #[test]
        fn every_setting_round_trips_through_its_stored_form(p in any_policy()) {
            let mut copy = Policy::default();
            for key in SettingKey::ALL {
                prop_assert_eq!(copy.set_json(key, p.get_json(key)), Ok(()));
            }
            prop_assert_eq!(copy, p);
        }

        #[test]
        fn validation_names_real_fields_and_holds_the_level_rules(p in any_policy()) {
            let errors = p.validate(&[]);
            for e in &errors {
                let base = e.field.split('.').next().unwrap_or("");
                prop_assert!(SettingKey::from_id(base).is_some(), "unknown field {}", e.field);
            }
            if errors.is_empty() && p.security_levels {
                let used = p.levels_in_use();
                prop_assert!(!used.is_empty());
                prop_assert!(used != vec![LevelKind::NonBusiness]);
            }
            if errors.is_empty() && p.network_access == NetworkAccess::DesignatedIpsOnly {
                prop_assert_eq!(p.import_external_email, Allowance::DoNotAllow);
            }
        }
    }
}
