//! Accounts: e-mail addresses, passwords, plans, and the "return to" path after sign-in.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A syntactically valid e-mail address, stored lower-cased.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

impl EmailAddress {
    pub const MAX_LEN: usize = 254;

    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim().to_lowercase();
        if s.is_empty() {
            return Err("Enter an email address.".into());
        }
        if s.chars().count() > Self::MAX_LEN {
            return Err(format!(
                "An email address has at most {} characters.",
                Self::MAX_LEN
            ));
        }
        let Some((local, domain)) = s.rsplit_once('@') else {
            return Err("Enter an email address like name@example.com.".into());
        };
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
        if !local_ok || !is_domain_name(domain) {
            return Err("Enter an email address like name@example.com.".into());
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn local_part(&self) -> &str {
        self.0.rsplit_once('@').map(|(l, _)| l).unwrap_or(&self.0)
    }

    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map(|(_, d)| d).unwrap_or("")
    }
}

/// A DNS name with at least two labels (e.g. `example.com`).
pub fn is_domain_name(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    domain.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.chars().any(|c| c.is_ascii_alphabetic()))
}

impl TryFrom<String> for EmailAddress {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<EmailAddress> for String {
    fn from(value: EmailAddress) -> Self {
        value.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why a password was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PasswordProblem {
    TooShort,
    TooLong,
    TooCommon,
    ContainsEmailName,
    OneCharacterRepeated,
}

impl fmt::Display for PasswordProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            PasswordProblem::TooShort => "The password is too short: use at least 12 characters.",
            PasswordProblem::TooLong => "The password is too long: use at most 128 characters.",
            PasswordProblem::TooCommon => "The password is too common; choose another one.",
            PasswordProblem::ContainsEmailName => {
                "The password must not contain the name part of the email address."
            }
            PasswordProblem::OneCharacterRepeated => {
                "The password must not be a single character repeated."
            }
        };
        f.write_str(text)
    }
}

/// A new password that meets the policy. Existing passwords are checked only against their hash.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

impl Password {
    pub const MIN_CHARS: usize = 12;
    pub const MAX_CHARS: usize = 128;

    const COMMON: [&'static str; 12] = [
        "password1234",
        "123456789012",
        "qwertyuiopas",
        "passwordpassword",
        "administrator",
        "adminadmin123",
        "letmein12345",
        "welcome12345",
        "iloveyou1234",
        "qwerty123456",
        "changeme1234",
        "password123!",
    ];

    /// Checks a new password against the policy; `email` is the account it is for.
    pub fn parse(raw: &str, email: Option<&EmailAddress>) -> Result<Self, PasswordProblem> {
        let count = raw.chars().count();
        if count < Self::MIN_CHARS {
            return Err(PasswordProblem::TooShort);
        }
        if count > Self::MAX_CHARS {
            return Err(PasswordProblem::TooLong);
        }
        let mut chars = raw.chars();
        let first = chars.next();
        if chars.all(|c| Some(c) == first) {
            return Err(PasswordProblem::OneCharacterRepeated);
        }
        let lower = raw.to_lowercase();
        if Self::COMMON.contains(&lower.as_str()) {
            return Err(PasswordProblem::TooCommon);
        }
        if let Some(email) = email {
            let name = email.local_part();
            if name.chars().count() >= 3 && lower.contains(name) {
                return Err(PasswordProblem::ContainsEmailName);
            }
        }
        Ok(Self(raw.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// The company's subscription plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Plan {
    Free,
    Standard,
    StandardPlus,
}

impl Plan {
    pub const ALL: [Plan; 3] = [Plan::Free, Plan::Standard, Plan::StandardPlus];

    pub fn as_str(self) -> &'static str {
        match self {
            Plan::Free => "free",
            Plan::Standard => "standard",
            Plan::StandardPlus => "standard_plus",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Plan::Free => "Free",
            Plan::Standard => "Standard",
            Plan::StandardPlus => "Standard Plus",
        }
    }

    /// Mail Security is available on the Standard and Standard Plus plans only.
    pub fn includes_mail_security(self) -> bool {
        matches!(self, Plan::Standard | Plan::StandardPlus)
    }
}

impl FromStr for Plan {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Plan::ALL
            .into_iter()
            .find(|p| p.as_str() == s.trim())
            .ok_or_else(|| format!("unknown plan '{s}'; expected free, standard or standard_plus"))
    }
}

/// A local path to return to after sign-in. Anything that could leave the site is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NextPath(String);

impl NextPath {
    pub fn parse(raw: &str) -> Option<Self> {
        let ok = raw.starts_with('/')
            && !raw.starts_with("//")
            && !raw.starts_with("/\\")
            && raw.len() <= 512
            && !raw.starts_with("/login")
            && !raw.starts_with("/api/")
            && raw.chars().all(|c| !c.is_control() && c != '\\');
        ok.then(|| Self(raw.to_string()))
    }

    /// `raw` if it is a safe local path, else the console's home.
    pub fn or_home(raw: Option<&str>) -> String {
        raw.and_then(Self::parse)
            .map(|p| p.0)
            .unwrap_or_else(|| "/".to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            EmailAddress::parse("  Admin@Example.COM ").map(|e| e.to_string()),
            Ok("admin@example.com".to_string())
        );
        for bad in [
            "",
            "admin",
            "@example.com",
            "admin@",
            "admin@localhost",
            "a..b@example.com",
            "admin@-example.com",
            "admin@example..com",
            "ad min@example.com",
            "admin@example.123",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn password_policy() {
        let email = EmailAddress::parse("kim@example.com").ok();
        assert!(Password::parse("correct horse battery", email.as_ref()).is_ok());
        assert_eq!(
            Password::parse("short", None),
            Err(PasswordProblem::TooShort)
        );
        assert_eq!(
            Password::parse(&"ab".repeat(65), None),
            Err(PasswordProblem::TooLong)
        );
        assert_eq!(
            Password::parse("Password1234", None),
            Err(PasswordProblem::TooCommon)
        );
        assert_eq!(
            Password::parse("aaaaaaaaaaaaaa", None),
            Err(PasswordProblem::OneCharacterRepeated)
        );
        assert_eq!(
            Password::parse("my-KIM-password", email.as_ref()),
            Err(PasswordProblem::ContainsEmailName)
        );
    }

    #[test]
    fn password_debug_never_shows_the_secret() {
        let p = Password::parse("a secret phrase here", None).map(|p| format!("{p:?}"));
        assert_eq!(p, Ok("Password(***)".to_string()));
    }

    #[test]
    fn next_path_stays_on_site() {
        assert_eq!(NextPath::or_home(Some("/security/mail")), "/security/mail");
        assert_eq!(NextPath::or_home(Some("/audit?page=2")), "/audit?page=2");
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "/login",
            "javascript:alert(1)",
            "",
        ] {
            assert_eq!(NextPath::or_home(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(NextPath::or_home(None), "/");
    }

    #[test]
    fn only_standard_plans_include_mail_security() {
        assert!(!Plan::Free.includes_mail_security());
        assert!(Plan::Standard.includes_mail_security());
        assert!(Plan::StandardPlus.includes_mail_security());
    }

    proptest! {
        #[test]
        fn parsed_emails_reparse_to_themselves(local in "[a-z0-9][a-z0-9._%+-]{0,20}[a-z0-9]", domain in "[a-z0-9]{1,10}\\.[a-z]{2,6}") {
            let raw = format!("{local}@{domain}");
            if let Ok(email) = EmailAddress::parse(&raw) {
                prop_assert_eq!(EmailAddress::parse(email.as_str()), Ok(email.clone()));
                prop_assert_eq!(email.domain(), domain.as_str());
            } else {
                prop_assert!(local.contains(".."));
            }
        }

        #[test]
        fn email_parse_never_panics(raw in ".{0,300}") {
            let _ = EmailAddress::parse(&raw);
        }

        #[test]
        fn accepted_passwords_meet_the_length_rule(raw in ".{0,140}") {
            if let Ok(p) = Password::parse(&raw, None) {
                let n = p.expose().chars().count();
                prop_assert!((Password::MIN_CHARS..=Password::MAX_CHARS).contains(&n));
            }
        }

        #[test]
        fn next_path_never_leaves_the_site(raw in ".{0,80}") {
            let p = NextPath::or_home(Some(&raw));
            prop_assert!(p.starts_with('/'));
            prop_assert!(!p.starts_with("//"));
            prop_assert!(!p.contains('\\'));
        }
    }
}
