//! The warning texts of the pop-up shown before mail goes outside the company: per device (PC,
//! mobile) and per language tab ("Default" plus each company language), and which one a member
//! sees.

use super::languages::{CompanyLanguages, Language};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The message shown when neither the member's language tab nor the Default tab has text.
pub const BUILT_IN_WARNING: &str = "You are sending this email to an external address outside \
your company. Check the recipients and attachments before sending.";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Device {
    Pc,
    Mobile,
}

impl Device {
    pub fn label(self) -> &'static str {
        match self {
            Device::Pc => "PC",
            Device::Mobile => "Mobile",
        }
    }
}

/// A tab of the warning-text dialog. Serialised as its id ("default", "en", "ko", ...), so it can
/// key a JSON object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum TextTab {
    Default,
    Language(Language),
}

impl TextTab {
    pub fn label(self) -> &'static str {
        match self {
            TextTab::Default => "Default",
            TextTab::Language(l) => l.label(),
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            TextTab::Default => "default",
            TextTab::Language(l) => l.code(),
        }
    }
}

impl TryFrom<String> for TextTab {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        if value == "default" {
            return Ok(TextTab::Default);
        }
        Language::from_code(&value)
            .map(TextTab::Language)
            .ok_or_else(|| format!("unknown language tab '{value}'"))
    }
}

impl From<TextTab> for String {
    fn from(value: TextTab) -> Self {
        value.id().to_string()
    }
}

/// One warning text: plain text, at most `MAX_CHARS` characters. Stored and shown exactly as
/// typed (never interpreted as markup).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct WarningText(String);

impl WarningText {
    pub const MAX_CHARS: usize = 500;

    pub fn parse(raw: &str) -> Result<Self, String> {
        let count = raw.chars().count();
        if count > Self::MAX_CHARS {
            return Err(format!(
                "A warning text has at most {} characters ({count} entered).",
                Self::MAX_CHARS
            ));
        }
        if raw
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
        {
            return Err("A warning text cannot contain control characters.".into());
        }
        Ok(Self(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whitespace-only texts count as not written.
    pub fn is_blank(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl TryFrom<String> for WarningText {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<WarningText> for String {
    fn from(value: WarningText) -> Self {
        value.0
    }
}

/// The texts of one device, by tab. Texts of languages the company removed stay stored.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WarningTexts(pub BTreeMap<TextTab, WarningText>);

impl WarningTexts {
    pub fn get(&self, tab: TextTab) -> &str {
        self.0.get(&tab).map(|t| t.as_str()).unwrap_or("")
    }

    /// Sets a tab's text; an empty text removes the tab's entry.
    pub fn set(&mut self, tab: TextTab, text: WarningText) {
        if text.as_str().is_empty() {
            self.0.remove(&tab);
        } else {
            self.0.insert(tab, text);
        }
    }

    /// Tabs with text that the dialog shows for these company languages.
    pub fn written_tabs(&self, languages: &CompanyLanguages) -> usize {
        self.0
            .iter()
            .filter(|(tab, text)| {
                !text.is_blank()
                    && match tab {
                        TextTab::Default => true,
                        TextTab::Language(l) => languages.contains(*l),
                    }
            })
            .count()
    }
}

/// Where the text a member sees came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum TextSource {
    /// The tab of the member's own language.
    MemberLanguage(Language),
    /// The Default tab.
    DefaultTab,
    /// Nothing written: the built-in English message.
    BuiltIn,
}

impl TextSource {
    pub fn explain(self) -> String {
        match self {
            TextSource::MemberLanguage(l) => format!("the {} tab", l.label()),
            TextSource::DefaultTab => "the Default tab".to_string(),
            TextSource::BuiltIn => "the built-in English message".to_string(),
        }
    }
}

/// The text a member sees: their language's tab if the company offers that language and the tab
/// is written; else the Default tab if written; else the built-in English message.
pub fn resolve_warning_text<'a>(
    texts: &'a WarningTexts,
    member_language: Option<Language>,
    company_languages: &CompanyLanguages,
) -> (&'a str, TextSource) {
    if let Some(lang) = member_language
        && company_languages.contains(lang)
        && let Some(text) = texts.0.get(&TextTab::Language(lang))
        && !text.is_blank()
    {
        return (text.as_str(), TextSource::MemberLanguage(lang));
    }
    match texts.0.get(&TextTab::Default) {
        Some(text) if !text.is_blank() => (text.as_str(), TextSource::DefaultTab),
        _ => (BUILT_IN_WARNING, TextSource::BuiltIn),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn text(s: &str) -> WarningText {
        WarningText::parse(s).unwrap_or_else(|e| panic!("{e}"))
    }

    fn langs(l: &[Language]) -> CompanyLanguages {
        CompanyLanguages::new(l.iter().copied()).unwrap_or_default()
    }

    #[test]
    fn member_language_tab_wins_when_offered_and_written() {
        let mut t = WarningTexts::default();
        t.set(TextTab::Default, text("Default text"));
        t.set(TextTab::Language(Language::Korean), text("외부 메일입니다"));
        let company = langs(&[Language::English, Language::Korean]);
        assert_eq!(
            resolve_warning_text(&t, Some(Language::Korean), &company),
            (
                "외부 메일입니다",
                TextSource::MemberLanguage(Language::Korean)
            )
        );
    }

    #[test]
    fn a_language_the_company_removed_falls_back_to_default() {
        let mut t = WarningTexts::default();
        t.set(TextTab::Default, text("Default text"));
        t.set(TextTab::Language(Language::Korean), text("외부 메일입니다"));
        let company = langs(&[Language::English]);
        assert_eq!(
            resolve_warning_text(&t, Some(Language::Korean), &company),
            ("Default text", TextSource::DefaultTab)
        );
        // Adding it back shows the stored text again.
        let company = company.toggled(Language::Korean);
        assert_eq!(
            resolve_warning_text(&t, Some(Language::Korean), &company).1,
            TextSource::MemberLanguage(Language::Korean)
        );
    }

    #[test]
    fn an_empty_language_tab_falls_back_to_default_then_built_in() {
        let mut t = WarningTexts::default();
        t.set(TextTab::Language(Language::Japanese), text("   "));
        let company = langs(&[Language::Japanese]);
        assert_eq!(
            resolve_warning_text(&t, Some(Language::Japanese), &company),
            (BUILT_IN_WARNING, TextSource::BuiltIn)
        );
        t.set(TextTab::Default, text("Be careful"));
        assert_eq!(
            resolve_warning_text(&t, Some(Language::Japanese), &company),
            ("Be careful", TextSource::DefaultTab)
        );
        assert_eq!(
            resolve_warning_text(&t, None, &company),
            ("Be careful", TextSource::DefaultTab)
        );
    }

    #[test]
    fn texts_are_bounded_plain_text() {
        assert!(WarningText::parse(&"가".repeat(500)).is_ok());
        assert!(WarningText::parse(&"가".repeat(501)).is_err());
        assert!(WarningText::parse("line one\nline two").is_ok());
        assert!(WarningText::parse("bell\u{7}").is_err());
        // Markup is just text.
        assert_eq!(
            WarningText::parse("<script>alert(1)</script>").map(|t| t.as_str().to_string()),
            Ok("<script>alert(1)</script>".to_string())
        );
    }

    #[test]
    fn setting_an_empty_text_clears_the_tab() {
        let mut t = WarningTexts::default();
        t.set(TextTab::Default, text("x"));
        t.set(TextTab::Default, text(""));
        assert!(t.0.is_empty());
    }

    fn any_language() -> impl Strategy<Value = Language> {
        prop::sample::select(Language::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn resolution_never_returns_blank_text(
            default in proptest::option::of("[ a-z]{0,12}"),
            tabs in proptest::collection::vec((any_language(), "[ a-z]{0,12}"), 0..5),
            company in proptest::collection::vec(any_language(), 1..5),
            member in proptest::option::of(any_language()),
        ) {
            let mut t = WarningTexts::default();
            if let Some(d) = default { t.set(TextTab::Default, text(&d)); }
            for (l, s) in tabs { t.set(TextTab::Language(l), text(&s)); }
            let company = langs(&company);
            let (shown, source) = resolve_warning_text(&t, member, &company);
            prop_assert!(!shown.trim().is_empty());
            match source {
                TextSource::MemberLanguage(l) => {
                    prop_assert_eq!(Some(l), member);
                    prop_assert!(company.contains(l));
                    prop_assert_eq!(shown, t.get(TextTab::Language(l)));
                }
                TextSource::DefaultTab => prop_assert_eq!(shown, t.get(TextTab::Default)),
                TextSource::BuiltIn => {
                    prop_assert!(t.get(TextTab::Default).trim().is_empty());
                    prop_assert_eq!(shown, BUILT_IN_WARNING);
                }
            }
        }

        #[test]
        fn warning_text_parse_never_panics(raw in "\\PC{0,600}") {
            if let Ok(t) = WarningText::parse(&raw) {
                prop_assert!(t.as_str().chars().count() <= WarningText::MAX_CHARS);
            }
        }
    }
}
