//! The languages a company offers ("Company > Set Multi-language") and a member's language.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Language {
    #[serde(rename = "en")]
    English,
    #[serde(rename = "ko")]
    Korean,
    #[serde(rename = "ja")]
    Japanese,
    #[serde(rename = "zh-Hans")]
    ChineseSimplified,
    #[serde(rename = "zh-Hant")]
    ChineseTraditional,
}

impl Language {
    pub const ALL: [Language; 5] = [
        Language::English,
        Language::Korean,
        Language::Japanese,
        Language::ChineseSimplified,
        Language::ChineseTraditional,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::Korean => "ko",
            Language::Japanese => "ja",
            Language::ChineseSimplified => "zh-Hans",
            Language::ChineseTraditional => "zh-Hant",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Language::English => "English",
            Language::Korean => "Korean",
            Language::Japanese => "Japanese",
            Language::ChineseSimplified => "Chinese (Simplified)",
            Language::ChineseTraditional => "Chinese (Traditional)",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Language::ALL.into_iter().find(|l| l.code() == code)
    }
}

/// The company's languages: at least one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<Language>", into = "Vec<Language>")]
pub struct CompanyLanguages(BTreeSet<Language>);

impl CompanyLanguages {
    pub fn new(languages: impl IntoIterator<Item = Language>) -> Result<Self, String> {
        let set: BTreeSet<Language> = languages.into_iter().collect();
        if set.is_empty() {
            return Err("Keep at least one language.".into());
        }
        Ok(Self(set))
    }

    pub fn contains(&self, language: Language) -> bool {
        self.0.contains(&language)
    }

    pub fn iter(&self) -> impl Iterator<Item = Language> + '_ {
        self.0.iter().copied()
    }

    pub fn toggled(&self, language: Language) -> Self {
        let mut set = self.0.clone();
        if !set.remove(&language) {
            set.insert(language);
        }
        Self(set)
    }

    /// Toggling may leave the set empty in a draft; this reports it.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Default for CompanyLanguages {
    fn default() -> Self {
        Self(BTreeSet::from([Language::English]))
    }
}

impl TryFrom<Vec<Language>> for CompanyLanguages {
    type Error = String;
    fn try_from(value: Vec<Language>) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<CompanyLanguages> for Vec<Language> {
    fn from(value: CompanyLanguages) -> Self {
        value.0.into_iter().collect()
    }
}
