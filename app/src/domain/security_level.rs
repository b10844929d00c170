//! Security levels: General, Restricted, Confidential and Non-business, which of them members
//! may pick, and the settings of Restricted and Confidential.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum LevelKind {
    General,
    Restricted,
    Confidential,
    NonBusiness,
}

impl LevelKind {
    pub const ALL: [LevelKind; 4] = [
        LevelKind::General,
        LevelKind::Restricted,
        LevelKind::Confidential,
        LevelKind::NonBusiness,
    ];

    /// The level's original name, which the audit log puts before a renamed level's new name.
    pub fn original_name(self) -> &'static str {
        match self {
            LevelKind::General => "General",
            LevelKind::Restricted => "Restricted",
            LevelKind::Confidential => "Confidential",
            LevelKind::NonBusiness => "Non-business",
        }
    }
}

/// How long after sending a Restricted or Confidential mail can still be read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExpiresAfter {
    #[default]
    None,
    OneDay,
    OneWeek,
    OneMonth,
    ThreeMonths,
}

impl ExpiresAfter {
    pub const ALL: [ExpiresAfter; 5] = [
        ExpiresAfter::None,
        ExpiresAfter::OneDay,
        ExpiresAfter::OneWeek,
        ExpiresAfter::OneMonth,
        ExpiresAfter::ThreeMonths,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ExpiresAfter::None => "None",
            ExpiresAfter::OneDay => "1 day",
            ExpiresAfter::OneWeek => "1 week",
            ExpiresAfter::OneMonth => "1 month",
            ExpiresAfter::ThreeMonths => "3 months",
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            ExpiresAfter::None => "none",
            ExpiresAfter::OneDay => "one_day",
            ExpiresAfter::OneWeek => "one_week",
            ExpiresAfter::OneMonth => "one_month",
            ExpiresAfter::ThreeMonths => "three_months",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.id() == id)
    }

    /// The length in days (a month counts as 30 days), or `None` for no expiry.
    pub fn days(self) -> Option<u32> {
        match self {
            ExpiresAfter::None => None,
            ExpiresAfter::OneDay => Some(1),
            ExpiresAfter::OneWeek => Some(7),
            ExpiresAfter::OneMonth => Some(30),
            ExpiresAfter::ThreeMonths => Some(90),
        }
    }
}

/// A renamable level's name: trimmed, 1 to `MAX_CHARS` characters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LevelName(String);

impl LevelName {
    pub const MAX_CHARS: usize = 30;

    pub fn parse(raw: &str) -> Result<Self, String> {
        let name = raw.trim();
        if name.is_empty() {
            return Err("Enter a level name.".into());
        }
        if name.chars().count() > Self::MAX_CHARS {
            return Err(format!(
                "A level name has at most {} characters.",
                Self::MAX_CHARS
            ));
        }
        if name.chars().any(char::is_control) {
            return Err("A level name cannot contain control characters.".into());
        }
        Ok(Self(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for LevelName {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<LevelName> for String {
    fn from(value: LevelName) -> Self {
        value.0
    }
}

/// The settings of Restricted or Confidential.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriticalLevel {
    pub in_use: bool,
    pub name: LevelName,
    pub expires_after: ExpiresAfter,
    pub forwarding_prohibited: bool,
    /// Only meaningful with an expiry.
    pub delete_sent_after_expiration: bool,
}

impl CriticalLevel {
    pub fn default_for(kind: LevelKind) -> Self {
        Self {
            in_use: false,
            name: LevelName(kind.original_name().to_string()),
            expires_after: ExpiresAfter::None,
            forwarding_prohibited: false,
            delete_sent_after_expiration: false,
        }
    }
}

/// Name shown in the audit log for a level: the original level first when renamed,
/// e.g. "Restricted (Internal only)".
pub fn audit_level_name(kind: LevelKind, current_name: &str) -> String {
    if current_name == kind.original_name() {
        current_name.to_string()
    } else {
        format!("{} ({current_name})", kind.original_name())
    }
}
