//! The decision engine: what the policy does to a member's mail. Given the company's policy and
//! a situation (a mail being sent, a mail received from outside, a member's features), it answers
//! every question the admin guide settles, each answer with the rule that produced it. The browser
//! preview and the mail service's API run this same code.

use super::languages::Language;
use super::policy::{
    Allowance, ImageBlocking, LARGE_FILE_DAYS, LARGE_FILE_DOWNLOADS, Policy, PopupApply,
    PopupCondition,
};
use super::security_level::LevelKind;
use super::warning_text::{Device, TextSource, resolve_warning_text};
use serde::{Deserialize, Serialize};

/// Who sends the mail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Sender {
    /// A member writing the mail themselves.
    Member,
    /// A mailing list (DL), and whether it includes external addresses.
    MailingList { includes_external: bool },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Attachment {
    pub name: String,
    pub size_bytes: u64,
}

/// A mail about to be sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SendSituation {
    pub sender: Sender,
    pub recipients: Vec<String>,
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    /// Whether "send individually" is checked.
    #[serde(default)]
    pub individually: bool,
    pub device: Device,
    /// The member's language (their "My Info > Language").
    #[serde(default)]
    pub language: Option<Language>,
    /// The level the member chose; none means General.
    #[serde(default)]
    pub security_level: Option<LevelKind>,
    /// When the mail is sent (Unix seconds), for expiry times.
    pub sent_at: i64,
}

/// An answer and the rule that produced it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Because<T> {
    pub value: T,
    pub rule: String,
}

fn because<T>(value: T, rule: impl Into<String>) -> Because<T> {
    Because {
        value,
        rule: rule.into(),
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Popup {
    pub text: String,
    pub source: TextSource,
}

/// How one attachment goes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Treatment {
    /// Attached as usual.
    Normal,
    /// Sent as a file with download time limit.
    DownloadTimeLimit { max_downloads: u32, expires_at: i64 },
    /// Cannot be sent.
    Refused,
}

impl Treatment {
    /// Higher is more restrictive.
    pub fn strictness(&self) -> u8 {
        match self {
            Treatment::Normal => 0,
            Treatment::DownloadTimeLimit { .. } => 1,
            Treatment::Refused => 2,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AttachmentDecision {
    pub name: String,
    pub size_bytes: u64,
    pub treatment: Because<Treatment>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SendDecision {
    pub external_recipients: Vec<String>,
    pub banner: Because<bool>,
    pub popup: Because<Option<Popup>>,
    pub attachments: Vec<AttachmentDecision>,
    /// The levels the member may choose from (empty when levels are not used: all mail is General).
    pub levels_available: Vec<LevelKind>,
    /// The level the mail is treated as, and its name as members see it.
    pub level: Because<LevelKind>,
    pub level_name: String,
    pub expires_at: Because<Option<i64>>,
    pub forwarding_prohibited: Because<bool>,
    pub delete_from_sent_after_expiry: Because<bool>,
    pub sent_mail_monitoring: Because<bool>,
    pub audit: Because<bool>,
    pub archiving: Because<bool>,
}

const MB: u64 = 1024 * 1024;
const DAY: i64 = 24 * 60 * 60;

/// The domain of an address, lower-cased ("" when it has none).
fn domain_of(address: &str) -> String {
    address
        .trim()
        .rsplit_once('@')
        .map(|(_, d)| d.trim_end_matches('>').to_lowercase())
        .unwrap_or_default()
}

/// Whether an address is outside the company: its domain is neither one of the company's domains
/// nor a subdomain of one.
pub fn is_external(address: &str, company_domains: &[String]) -> bool {
    let d = domain_of(address);
    !company_domains.iter().any(|c| {
        let c = c.to_lowercase();
        d == c || d.ends_with(&format!(".{c}"))
    })
}

fn attachment_decisions(policy: &Policy, s: &SendSituation) -> Vec<AttachmentDecision> {
    let limit = u64::from(policy.attachment_size_limit_mb) * MB;
    let large_max = u64::from(policy.large_file_max_size_mb) * MB;
    let large_allowed = policy.download_time_limit_files == Allowance::Allow;
    // The smallest large files take the available slots first, so that a larger file is never
    // treated more permissively than a smaller one.
    let mut large: Vec<usize> = s
        .attachments
        .iter()
        .enumerate()
        .filter(|(_, a)| a.size_bytes > limit && a.size_bytes <= large_max)
        .map(|(i, _)| i)
        .collect();
    large.sort_by_key(|i| (s.attachments[*i].size_bytes, *i));
    let slots = policy.large_file_max_count as usize;
    let within_count: Vec<usize> = large.iter().copied().take(slots).collect();
    s.attachments
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let treatment = if a.size_bytes <= limit {
                because(
                    Treatment::Normal,
                    format!("Within the attachment size limit ({} MB).", policy.attachment_size_limit_mb),
                )
            } else if !large_allowed {
                because(
                    Treatment::Refused,
                    format!(
                        "Larger than the attachment size limit ({} MB), and files with download time limit are not allowed.",
                        policy.attachment_size_limit_mb
                    ),
                )
            } else if a.size_bytes > large_max {
                because(
                    Treatment::Refused,
                    format!(
                        "Larger than the maximum size per file with download time limit ({} MB).",
                        policy.large_file_max_size_mb
                    ),
                )
            } else if within_count.contains(&i) {
                because(
                    Treatment::DownloadTimeLimit {
                        max_downloads: LARGE_FILE_DOWNLOADS,
                        expires_at: s.sent_at + i64::from(LARGE_FILE_DAYS) * DAY,
                    },
                    format!(
                        "Larger than the attachment size limit ({} MB): sent as a file with download time limit, downloadable up to {LARGE_FILE_DOWNLOADS} times in {LARGE_FILE_DAYS} days.",
                        policy.attachment_size_limit_mb
                    ),
                )
            } else {
                because(
                    Treatment::Refused,
                    format!(
                        "More than {} files with download time limit in one email.",
                        policy.large_file_max_count
                    ),
                )
            };
            AttachmentDecision {
                name: a.name.clone(),
                size_bytes: a.size_bytes,
                treatment,
            }
        })
        .collect()
}

fn popup_decision(policy: &Policy, s: &SendSituation, external: bool) -> Because<Option<Popup>> {
    let p = policy.external_popup;
    if !p.on {
        return because(None, "'Show alert pop-up when sending externally' is off.");
    }
    if !external {
        return because(None, "No recipient is outside the company.");
    }
    if let Sender::MailingList {
        includes_external: true,
    } = s.sender
    {
        return because(
            None,
            "The sender is a mailing list that includes external addresses: no pop-up is shown.",
        );
    }
    let has_attachment = !s.attachments.is_empty();
    let (shows, why) = match p.apply {
        PopupApply::Always => (true, "Always apply.".to_string()),
        PopupApply::Conditionally(Some(c)) => {
            let met = match c {
                PopupCondition::AttachmentsIncluded => has_attachment,
                PopupCondition::NotSentIndividually => !s.individually,
                PopupCondition::AttachmentsAndNotSentIndividually => {
                    has_attachment && !s.individually
                }
            };
            let verdict = if met { "met" } else { "not met" };
            (
                met,
                format!("Apply conditionally: '{}' is {verdict}.", c.label()),
            )
        }
        PopupApply::Conditionally(None) => (
            false,
            "Apply conditionally, with no condition chosen.".to_string(),
        ),
    };
    if !shows {
        return because(None, why);
    }
    let texts = match s.device {
        Device::Pc => &policy.warning_texts_pc,
        Device::Mobile => &policy.warning_texts_mobile,
    };
    let (text, source) = resolve_warning_text(texts, s.language, &policy.languages);
    because(
        Some(Popup {
            text: text.to_string(),
            source,
        }),
        format!(
            "{why} The {} text comes from {}.",
            s.device.label(),
            source.explain()
        ),
    )
}

/// What happens when this mail is sent.
pub fn decide_send(policy: &Policy, company_domains: &[String], s: &SendSituation) -> SendDecision {
    let external_recipients: Vec<String> = s
        .recipients
        .iter()
        .filter(|r| is_external(r, company_domains))
        .cloned()
        .collect();
    let external = !external_recipients.is_empty();

    let banner = match (policy.external_alert_banner, external) {
        (false, _) => because(false, "'Show alert banner when sending externally' is off."),
        (true, false) => because(false, "No recipient is outside the company."),
        (true, true) => because(
            true,
            "A recipient is outside the company and the banner is on.",
        ),
    };
    let popup = popup_decision(policy, s, external);

    let levels_available = policy.levels_in_use();
    let level = match s.security_level {
        _ if !policy.security_levels => because(
            LevelKind::General,
            "Security levels are not used: all mail is treated as General.",
        ),
        None => because(LevelKind::General, "No level chosen: the mail is General."),
        Some(l) if levels_available.contains(&l) => {
            because(l, format!("The member chose {}.", policy.level_name(l)))
        }
        Some(l) => because(
            LevelKind::General,
            format!(
                "{} is not in use: the mail is treated as General.",
                l.original_name()
            ),
        ),
    };
    let level_name = policy.level_name(level.value).to_string();
    let critical = match level.value {
        LevelKind::Restricted => Some(&policy.restricted_level),
        LevelKind::Confidential => Some(&policy.confidential_level),
        _ => None,
    };
    let (expires_at, forwarding_prohibited, delete_from_sent) = match critical {
        None => (
            because(None, format!("{level_name} mail never expires.")),
            because(false, format!("{level_name} mail can always be forwarded.")),
            because(false, "The mail does not expire."),
        ),
        Some(c) => {
            let expiry = c
                .expires_after
                .days()
                .map(|d| s.sent_at + i64::from(d) * DAY);
            (
                because(
                    expiry,
                    format!("{level_name}: Expires after {}.", c.expires_after.label()),
                ),
                because(
                    c.forwarding_prohibited,
                    format!(
                        "{level_name}: Forwarding Prohibited is {}.",
                        if c.forwarding_prohibited { "on" } else { "off" }
                    ),
                ),
                because(
                    c.delete_sent_after_expiration && expiry.is_some(),
                    format!(
                        "{level_name}: Delete sent emails after expiration is {}.",
                        if c.delete_sent_after_expiration && expiry.is_some() {
                            "on"
                        } else {
                            "off"
                        }
                    ),
                ),
            )
        }
    };
    let monitoring = if level.value == LevelKind::NonBusiness {
        because(
            false,
            "Non-business mail is excluded from sent-mail monitoring policies.",
        )
    } else {
        because(true, "Sent-mail monitoring policies apply.")
    };
    SendDecision {
        external_recipients,
        banner,
        popup,
        attachments: attachment_decisions(policy, s),
        levels_available,
        level,
        level_name,
        expires_at,
        forwarding_prohibited,
        delete_from_sent_after_expiry: delete_from_sent,
        sent_mail_monitoring: monitoring,
        audit: because(true, "All mail is in the scope of Audit."),
        archiving: because(true, "All mail is in the scope of Archiving."),
    }
}

/// A mail arriving from outside the company.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReceiveSituation {
    pub from: String,
    /// The member's own choice, used when the company leaves it to members.
    #[serde(default)]
    pub member_blocks: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReceiveDecision {
    pub external: bool,
    pub block_images_links: Because<bool>,
    /// Members can always press "Display images/links".
    pub member_can_display: bool,
}

pub fn decide_receive(
    policy: &Policy,
    company_domains: &[String],
    r: &ReceiveSituation,
) -> ReceiveDecision {
    let external = is_external(&r.from, company_domains);
    let block = if !external {
        because(false, "The mail is from inside the company.")
    } else {
        match policy.external_image_blocking {
            ImageBlocking::Required => because(
                true,
                "Required: images and links of external mail are blocked for all members.",
            ),
            ImageBlocking::Optional => because(
                r.member_blocks,
                format!(
                    "Optional: the member's own setting ({}).",
                    if r.member_blocks { "block" } else { "show" }
                ),
            ),
        }
    };
    ReceiveDecision {
        external,
        block_images_links: block,
        member_can_display: true,
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MemberFeatures {
    pub import_external_email: Because<bool>,
    pub mail_backup: Because<bool>,
}

pub fn member_features(policy: &Policy) -> MemberFeatures {
    use super::network::NetworkAccess;
    let import = if policy.network_access == NetworkAccess::DesignatedIpsOnly {
        because(
            false,
            "Network Security allows access from designated IPs only.",
        )
    } else if policy.import_external_email == Allowance::Allow {
        because(true, "Import external email is allowed.")
    } else {
        because(false, "Import external email is not allowed.")
    };
    MemberFeatures {
        import_external_email: import,
        mail_backup: because(
            policy.mail_backup,
            format!(
                "Mail backup / Save to PC is {}.",
                if policy.mail_backup { "ON" } else { "OFF" }
            ),
        ),
    }
}

#[cfg(test)]
#[allow(clippy::field_reassign_with_default)] // "defaults, then this change" reads best here
mod tests {
    use super::*;
    use crate::domain::network::{AllowedNetworks, NetworkAccess};
    use crate::domain::policy::ExternalPopup;
    use crate::domain::security_level::ExpiresAfter;
    use crate::domain::warning_text::{BUILT_IN_WARNING, TextTab, WarningText};
    use proptest::prelude::*;

    const T0: i64 = 1_800_000_000;

    fn company() -> Vec<String> {
        vec!["acme.example".to_string()]
    }

    fn mail(recipients: &[&str]) -> SendSituation {
        SendSituation {
            sender: Sender::Member,
            recipients: recipients.iter().map(|r| r.to_string()).collect(),
            attachments: vec![],
            individually: false,
            device: Device::Pc,
            language: None,
            security_level: None,
            sent_at: T0,
        }
    }

    fn file(name: &str, mb: u64) -> Attachment {
        Attachment {
            name: name.into(),
            size_bytes: mb * MB,
        }
    }

    #[test]
    fn addresses_outside_the_company_domains_are_external() {
        let c = company();
        assert!(!is_external("kim@acme.example", &c));
        assert!(!is_external("Kim <KIM@Sales.ACME.example>", &c));
        assert!(is_external("kim@acme.example.evil.example", &c));
        assert!(is_external("kim@notacme.example", &c));
        assert!(is_external("no-at-sign", &c));
    }

    #[test]
    fn the_banner_shows_only_when_on_and_someone_is_external() {
        let mut p = Policy::default();
        assert!(
            !decide_send(&p, &company(), &mail(&["x@other.example"]))
                .banner
                .value
        );
        p.external_alert_banner = true;
        assert!(
            decide_send(&p, &company(), &mail(&["x@other.example"]))
                .banner
                .value
        );
        assert!(
            !decide_send(&p, &company(), &mail(&["y@acme.example"]))
                .banner
                .value
        );
    }

    #[test]
    fn the_pop_up_follows_its_conditions() {
        let mut p = Policy::default();
        p.external_popup = ExternalPopup {
            on: true,
            apply: PopupApply::Always,
        };
        let mut m = mail(&["x@other.example"]);
        assert_eq!(
            decide_send(&p, &company(), &m).popup.value.map(|x| x.text),
            Some(BUILT_IN_WARNING.to_string())
        );
        p.external_popup.apply =
            PopupApply::Conditionally(Some(PopupCondition::AttachmentsIncluded));
        assert!(decide_send(&p, &company(), &m).popup.value.is_none());
        m.attachments.push(file("a.pdf", 1));
        assert!(decide_send(&p, &company(), &m).popup.value.is_some());
        p.external_popup.apply =
            PopupApply::Conditionally(Some(PopupCondition::NotSentIndividually));
        m.individually = true;
        assert!(decide_send(&p, &company(), &m).popup.value.is_none());
        m.individually = false;
        assert!(decide_send(&p, &company(), &m).popup.value.is_some());
        p.external_popup.apply =
            PopupApply::Conditionally(Some(PopupCondition::AttachmentsAndNotSentIndividually));
        assert!(decide_send(&p, &company(), &m).popup.value.is_some());
        m.attachments.clear();
        assert!(decide_send(&p, &company(), &m).popup.value.is_none());
        // Internal mail never gets it.
        assert!(
            decide_send(&p, &company(), &mail(&["y@acme.example"]))
                .popup
                .value
                .is_none()
        );
    }

    #[test]
    fn no_pop_up_for_a_mailing_list_with_external_addresses() {
        let mut p = Policy::default();
        p.external_popup = ExternalPopup {
            on: true,
            apply: PopupApply::Always,
        };
        let mut m = mail(&["x@other.example"]);
        m.sender = Sender::MailingList {
            includes_external: true,
        };
        let d = decide_send(&p, &company(), &m);
        assert!(d.popup.value.is_none());
        assert!(d.popup.rule.contains("mailing list"));
        m.sender = Sender::MailingList {
            includes_external: false,
        };
        assert!(decide_send(&p, &company(), &m).popup.value.is_some());
    }

    #[test]
    fn the_pop_up_text_depends_on_device_and_language() {
        let mut p = Policy::default();
        p.external_popup = ExternalPopup {
            on: true,
            apply: PopupApply::Always,
        };
        p.warning_texts_pc.set(
            TextTab::Default,
            WarningText::parse("PC default").unwrap_or_else(|e| panic!("{e}")),
        );
        p.warning_texts_mobile.set(
            TextTab::Language(Language::Korean),
            WarningText::parse("모바일").unwrap_or_else(|e| panic!("{e}")),
        );
        p.languages = p.languages.toggled(Language::Korean);
        let mut m = mail(&["x@other.example"]);
        m.language = Some(Language::Korean);
        let pc = decide_send(&p, &company(), &m)
            .popup
            .value
            .map(|x| (x.text, x.source));
        assert_eq!(pc, Some(("PC default".to_string(), TextSource::DefaultTab)));
        m.device = Device::Mobile;
        let mobile = decide_send(&p, &company(), &m)
            .popup
            .value
            .map(|x| (x.text, x.source));
        assert_eq!(
            mobile,
            Some((
                "모바일".to_string(),
                TextSource::MemberLanguage(Language::Korean)
            ))
        );
    }

    #[test]
    fn attachments_go_normally_with_a_download_time_limit_or_not_at_all() {
        let mut p = Policy::default();
        p.attachment_size_limit_mb = 10;
        p.large_file_max_count = 1;
        p.large_file_max_size_mb = 100;
        let mut m = mail(&["x@other.example"]);
        m.attachments = vec![
            file("small", 10),
            file("big", 60),
            file("bigger", 80),
            file("huge", 101),
        ];
        let d = decide_send(&p, &company(), &m);
        let t: Vec<Treatment> = d
            .attachments
            .iter()
            .map(|a| a.treatment.value.clone())
            .collect();
        assert_eq!(t[0], Treatment::Normal);
        assert_eq!(
            t[1],
            Treatment::DownloadTimeLimit {
                max_downloads: 100,
                expires_at: T0 + 7 * DAY
            }
        );
        assert_eq!(
            t[2],
            Treatment::Refused,
            "over the count of files with download time limit"
        );
        assert_eq!(t[3], Treatment::Refused);
        assert!(
            d.attachments[3]
                .treatment
                .rule
                .contains("maximum size per file")
        );
        p.download_time_limit_files = Allowance::DoNotAllow;
        let d = decide_send(&p, &company(), &m);
        assert_eq!(d.attachments[1].treatment.value, Treatment::Refused);
        assert_eq!(d.attachments[0].treatment.value, Treatment::Normal);
    }

    #[test]
    fn levels_decide_expiry_forwarding_and_deletion() {
        let mut p = Policy::default();
        let mut m = mail(&["x@other.example"]);
        m.security_level = Some(LevelKind::Restricted);
        let d = decide_send(&p, &company(), &m);
        assert_eq!(d.level.value, LevelKind::General, "levels not used");
        assert!(d.levels_available.is_empty());
        p.security_levels = true;
        p.restricted_level.in_use = true;
        p.restricted_level.expires_after = ExpiresAfter::OneWeek;
        p.restricted_level.forwarding_prohibited = true;
        p.restricted_level.delete_sent_after_expiration = true;
        assert!(
            p.rename_level(LevelKind::Restricted, "Internal only")
                .is_ok()
        );
        let d = decide_send(&p, &company(), &m);
        assert_eq!(d.level.value, LevelKind::Restricted);
        assert_eq!(d.level_name, "Internal only");
        assert_eq!(d.expires_at.value, Some(T0 + 7 * DAY));
        assert!(d.forwarding_prohibited.value);
        assert!(d.delete_from_sent_after_expiry.value);
        m.security_level = Some(LevelKind::Confidential);
        assert_eq!(
            decide_send(&p, &company(), &m).level.value,
            LevelKind::General,
            "not in use"
        );
    }

    #[test]
    fn non_business_mail_is_not_monitored_but_audited_and_archived() {
        let mut p = Policy::default();
        p.security_levels = true;
        p.non_business_level = true;
        let mut m = mail(&["x@other.example"]);
        m.security_level = Some(LevelKind::NonBusiness);
        let d = decide_send(&p, &company(), &m);
        assert!(!d.sent_mail_monitoring.value);
        assert!(d.audit.value && d.archiving.value);
    }

    #[test]
    fn receiving_external_mail_blocks_images_as_the_company_or_member_says() {
        let mut p = Policy::default();
        let outside = ReceiveSituation {
            from: "x@other.example".into(),
            member_blocks: false,
        };
        assert!(
            !decide_receive(&p, &company(), &outside)
                .block_images_links
                .value
        );
        let choosing = ReceiveSituation {
            member_blocks: true,
            ..outside.clone()
        };
        assert!(
            decide_receive(&p, &company(), &choosing)
                .block_images_links
                .value
        );
        p.external_image_blocking = ImageBlocking::Required;
        let d = decide_receive(&p, &company(), &outside);
        assert!(d.block_images_links.value && d.member_can_display);
        let inside = ReceiveSituation {
            from: "y@acme.example".into(),
            member_blocks: true,
        };
        assert!(
            !decide_receive(&p, &company(), &inside)
                .block_images_links
                .value
        );
    }

    #[test]
    fn member_features_follow_the_settings_and_network_security() {
        let mut p = Policy::default();
        assert!(member_features(&p).import_external_email.value);
        p.network_access = NetworkAccess::DesignatedIpsOnly;
        p.allowed_networks = AllowedNetworks::parse_lines("203.0.113.0/24").unwrap_or_default();
        assert!(!member_features(&p).import_external_email.value);
        p.mail_backup = false;
        assert!(!member_features(&p).mail_backup.value);
    }

    fn any_level() -> impl Strategy<Value = Option<LevelKind>> {
        proptest::option::of(prop::sample::select(LevelKind::ALL.to_vec()))
    }

    fn any_policy() -> impl Strategy<Value = Policy> {
        (
            any::<[bool; 9]>(),
            0usize..4,
            1u32..=50,
            1u32..=20,
            2u32..=2048,
            prop::sample::select(ExpiresAfter::ALL.to_vec()),
        )
            .prop_map(|(b, c, att, count, large, exp)| {
                let mut p = Policy::default();
                p.external_alert_banner = b[0];
                p.external_popup.on = b[1];
                p.external_popup.apply = match c {
                    0 => PopupApply::Always,
                    1 => PopupApply::Conditionally(Some(PopupCondition::AttachmentsIncluded)),
                    2 => PopupApply::Conditionally(Some(PopupCondition::NotSentIndividually)),
                    _ => PopupApply::Conditionally(Some(
                        PopupCondition::AttachmentsAndNotSentIndividually,
                    )),
                };
                p.security_levels = b[2];
                p.general_level = b[3];
                p.restricted_level.in_use = b[4];
                p.restricted_level.expires_after = exp;
                p.restricted_level.delete_sent_after_expiration = b[5];
                p.confidential_level.in_use = b[6];
                p.non_business_level = b[7];
                p.download_time_limit_files = if b[8] {
                    Allowance::Allow
                } else {
                    Allowance::DoNotAllow
                };
                p.attachment_size_limit_mb = att;
                p.large_file_max_count = count;
                p.large_file_max_size_mb = large;
                p
            })
    }

    fn any_mail() -> impl Strategy<Value = SendSituation> {
        (
            proptest::collection::vec(
                prop::sample::select(vec![
                    "a@acme.example",
                    "b@other.example",
                    "c@sub.acme.example",
                ]),
                0..4,
            ),
            proptest::collection::vec(0u64..3000 * MB, 0..6),
            any::<bool>(),
            any::<[bool; 2]>(),
            any_level(),
        )
            .prop_map(|(r, sizes, individually, flags, level)| SendSituation {
                sender: if flags[0] {
                    Sender::MailingList {
                        includes_external: flags[1],
                    }
                } else {
                    Sender::Member
                },
                recipients: r.into_iter().map(String::from).collect(),
                attachments: sizes
                    .into_iter()
                    .enumerate()
                    .map(|(i, s)| Attachment {
                        name: format!("f{i}"),
                        size_bytes: s,
                    })
                    .collect(),
                individually,
                device: if flags[1] { Device::Mobile } else { Device::Pc },
                language: None,
                security_level: level,
                sent_at: T0,
            })
    }

    proptest! {
        #[test]
        fn a_mailing_list_with_external_addresses_never_gets_the_pop_up(p in any_policy(), mut m in any_mail()) {
            m.sender = Sender::MailingList { includes_external: true };
            prop_assert!(decide_send(&p, &company(), &m).popup.value.is_none());
        }

        #[test]
        fn general_mail_never_expires_and_can_always_be_forwarded(p in any_policy(), m in any_mail()) {
            let d = decide_send(&p, &company(), &m);
            if d.level.value == LevelKind::General {
                prop_assert_eq!(d.expires_at.value, None);
                prop_assert!(!d.forwarding_prohibited.value);
                prop_assert!(!d.delete_from_sent_after_expiry.value);
            }
            prop_assert!(d.audit.value && d.archiving.value);
            prop_assert!(d.delete_from_sent_after_expiry.value <= d.expires_at.value.is_some());
            prop_assert_eq!(d.sent_mail_monitoring.value, d.level.value != LevelKind::NonBusiness);
        }

        #[test]
        fn a_larger_attachment_is_never_treated_more_permissively(p in any_policy(), m in any_mail()) {
            let d = decide_send(&p, &company(), &m);
            for a in &d.attachments {
                for b in &d.attachments {
                    if a.size_bytes > b.size_bytes {
                        prop_assert!(a.treatment.value.strictness() >= b.treatment.value.strictness(),
                            "{} ({}) vs {} ({})", a.size_bytes, a.treatment.rule, b.size_bytes, b.treatment.rule);
                    }
                }
            }
        }

        #[test]
        fn nothing_external_means_no_banner_and_no_pop_up(p in any_policy(), mut m in any_mail()) {
            m.recipients.retain(|r| r.ends_with("acme.example"));
            let d = decide_send(&p, &company(), &m);
            prop_assert!(!d.banner.value);
            prop_assert!(d.popup.value.is_none());
        }
    }
}
