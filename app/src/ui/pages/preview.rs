//! "Preview as member": what a member would see with the settings as they are being edited,
//! computed in the browser by the same decision engine the mail service's API uses. The panel
//! opens on request; its code (with the decision engine) is fetched then (`on_demand`).

use leptos::prelude::*;

use crate::domain::decide::{Attachment, SendSituation, Sender, Treatment, decide_send};
use crate::domain::languages::Language;
use crate::domain::security_level::LevelKind;
use crate::domain::warning_text::Device;
use crate::ui::layout::SignedInAdmin;
use crate::ui::on_demand::{on_demand, on_demand_code};
use crate::ui::settings::Form;

const MB: f64 = 1024.0 * 1024.0;
const DAY: i64 = 24 * 60 * 60;

/// "5, 30.5" → sizes in bytes; anything unreadable is skipped and reported.
pub fn parse_sizes(text: &str) -> (Vec<u64>, Vec<String>) {
    let mut sizes = Vec::new();
    let mut bad = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match part.parse::<f64>() {
            Ok(mb) if mb.is_finite() && (0.0..=1_000_000.0).contains(&mb) => {
                sizes.push((mb * MB) as u64)
            }
            _ => bad.push(part.to_string()),
        }
    }
    (sizes, bad)
}

fn days(from: i64, to: i64) -> String {
    let d = (to - from) / DAY;
    format!("{d} day{} after sending", if d == 1 { "" } else { "s" })
}

/// The preview's section of the page: its heading and the button that opens it.
#[component]
pub fn PreviewSection(form: Form) -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <section class="preview" aria-labelledby="preview-title">
            <div class="preview-head">
                <h2 id="preview-title">"Preview as member"</h2>
                <button
                    type="button"
                    aria-expanded=move || open.get().to_string()
                    aria-controls="preview-body"
                    on:click=move |_| open.update(|o| *o = !*o)
                >
                    {move || if open.get() { "Hide preview" } else { "Show preview" }}
                </button>
            </div>
            <p class="help">"What a member would see with the settings as they are now on this page, before saving."</p>
            <div id="preview-body" hidden=move || !open.get()>
                {on_demand(open.into(), form, preview_code, Some("Loading the preview…"))}
            </div>
        </section>
    }
}

on_demand_code!(preview_code, Form, |form| view! { <PreviewPanel form /> }
    .into_any());

#[component]
fn PreviewPanel(form: Form) -> impl IntoView {
    let domain = SignedInAdmin::current()
        .map(|m| m.company_domain)
        .unwrap_or_default();
    let domains = vec![domain];

    let device = RwSignal::new(Device::Pc);
    let language = RwSignal::new(Language::English);
    let list = RwSignal::new(false);
    let list_external = RwSignal::new(true);
    let recipients = RwSignal::new("partner@example.net".to_string());
    let sizes = RwSignal::new(String::new());
    let individually = RwSignal::new(false);
    let level = RwSignal::new(None::<LevelKind>);

    let decision = Memo::new(move |_| {
        let (bytes, _) = parse_sizes(&sizes.get());
        let situation = SendSituation {
            sender: if list.get() {
                Sender::MailingList {
                    includes_external: list_external.get(),
                }
            } else {
                Sender::Member
            },
            recipients: recipients
                .get()
                .split([',', '\n'])
                .map(|r| r.trim().to_string())
                .filter(|r| !r.is_empty())
                .collect(),
            attachments: bytes
                .into_iter()
                .enumerate()
                .map(|(i, b)| Attachment {
                    name: format!("Attachment {}", i + 1),
                    size_bytes: b,
                })
                .collect(),
            individually: individually.get(),
            device: device.get(),
            language: Some(language.get()),
            security_level: level.get(),
            sent_at: 0,
        };
        form.draft.with(|p| decide_send(p, &domains, &situation))
    });
    let bad_sizes = move || parse_sizes(&sizes.get()).1;
    let level_names = move || {
        form.draft
            .with(|p| LevelKind::ALL.map(|k| (k, p.level_name(k).to_string())))
    };

    view! {
        <div class="preview-grid">
            <fieldset class="preview-inputs">
                <legend class="visually-hidden">"Test message"</legend>
                <div class="field">
                    <span class="label">"Device"</span>
                    <label class="choice"><input type="radio" name="pv-device" prop:checked=move || device.get() == Device::Pc on:change=move |_| device.set(Device::Pc) /><span>"PC"</span></label>
                    <label class="choice"><input type="radio" name="pv-device" prop:checked=move || device.get() == Device::Mobile on:change=move |_| device.set(Device::Mobile) /><span>"Mobile"</span></label>
                </div>
                <div class="field">
                    <label for="pv-language">"Member's language"</label>
                    <select id="pv-language" on:change=move |e| if let Some(l) = Language::from_code(&event_target_value(&e)) { language.set(l) }>
                        {Language::ALL.into_iter().map(|l| view! { <option value=l.code() selected=move || language.get() == l>{l.label()}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <span class="label">"Sender"</span>
                    <label class="choice"><input type="radio" name="pv-sender" prop:checked=move || !list.get() on:change=move |_| list.set(false) /><span>"A member"</span></label>
                    <label class="choice"><input type="radio" name="pv-sender" prop:checked=move || list.get() on:change=move |_| list.set(true) /><span>"A mailing list (DL)"</span></label>
                    <label class="check"><input type="checkbox" disabled=move || !list.get() prop:checked=move || list_external.get() on:change=move |e| list_external.set(event_target_checked(&e)) /><span>"The mailing list includes external addresses"</span></label>
                </div>
                <div class="field">
                    <label for="pv-recipients">"Recipients"</label>
                    <textarea id="pv-recipients" rows="2" prop:value=move || recipients.get() on:input=move |e| recipients.set(event_target_value(&e))></textarea>
                </div>
                <div class="field">
                    <label for="pv-sizes">"Attachment sizes in MB (comma-separated)"</label>
                    <input id="pv-sizes" type="text" inputmode="decimal" prop:value=move || sizes.get() on:input=move |e| sizes.set(event_target_value(&e)) />
                    <p class="field-error" role="alert">{move || { let b = bad_sizes(); (!b.is_empty()).then(|| format!("Not a size: {}", b.join(", "))) }}</p>
                </div>
                <label class="check"><input type="checkbox" prop:checked=move || individually.get() on:change=move |e| individually.set(event_target_checked(&e)) /><span>"Send individually"</span></label>
                <div class="field">
                    <label for="pv-level">"Security level"</label>
                    <select id="pv-level" on:change=move |e| level.set(LevelKind::ALL.into_iter().find(|k| format!("{k:?}") == event_target_value(&e)))>
                        <option value="">"(none)"</option>
                        {move || level_names().into_iter().map(|(k, name)| view! { <option value=format!("{k:?}") selected=move || level.get() == Some(k)>{name}</option> }).collect_view()}
                    </select>
                </div>
            </fieldset>
            <div class="preview-output">
                {move || {
                    let d = decision.get();
                    let banner = if d.banner.value {
                        view! { <div class="mock-banner" role="note" aria-label="Alert banner">{format!("You are sending this email outside the company: {}", d.external_recipients.join(", "))}</div> }.into_any()
                    } else {
                        view! { <p class="muted">"No alert banner."</p> }.into_any()
                    };
                    let popup = match &d.popup.value {
                        Some(p) => view! {
                            <div class="mock-popup" role="note" aria-label="Security pop-up">
                                <p class="mock-popup-text">{p.text.clone()}</p>
                                <p class="help">{format!("Text from {}", p.source.explain())}</p>
                            </div>
                        }.into_any(),
                        None => view! { <p class="muted">"No security pop-up."</p> }.into_any(),
                    };
                    let attachments = d.attachments.iter().map(|a| {
                        let what = match &a.treatment.value {
                            Treatment::Normal => "Attached normally".to_string(),
                            Treatment::DownloadTimeLimit { max_downloads, expires_at } => format!("File with download time limit: up to {max_downloads} downloads, until {}", days(0, *expires_at)),
                            Treatment::Refused => "Cannot be attached".to_string(),
                        };
                        view! { <li><strong>{format!("{} ({:.1} MB): ", a.name, a.size_bytes as f64 / MB)}</strong>{what}<span class="rule">{a.treatment.rule.clone()}</span></li> }
                    }).collect_view();
                    let expires = d.expires_at.value.map(|t| days(0, t)).unwrap_or_else(|| "Never".into());
                    let levels = if d.levels_available.is_empty() {
                        "None (all mail is General)".to_string()
                    } else {
                        form.draft.with(|p| d.levels_available.iter().map(|k| p.level_name(*k).to_string()).collect::<Vec<_>>().join(", "))
                    };
                    let yes = |b: bool| if b { "Yes" } else { "No" };
                    view! {
                        <h3>"Sending screen"</h3>
                        {banner}
                        <h3>"Before sending"</h3>
                        {popup}
                        <h3>"Decisions"</h3>
                        <dl class="decisions">
                            <dt>"Alert banner"</dt><dd>{yes(d.banner.value)}<span class="rule">{d.banner.rule.clone()}</span></dd>
                            <dt>"Security pop-up"</dt><dd>{yes(d.popup.value.is_some())}<span class="rule">{d.popup.rule.clone()}</span></dd>
                            <dt>"Levels the member can pick"</dt><dd>{levels}</dd>
                            <dt>"Security level"</dt><dd>{d.level_name.clone()}<span class="rule">{d.level.rule.clone()}</span></dd>
                            <dt>"Expires"</dt><dd>{expires}<span class="rule">{d.expires_at.rule.clone()}</span></dd>
                            <dt>"Forwarding prohibited"</dt><dd>{yes(d.forwarding_prohibited.value)}<span class="rule">{d.forwarding_prohibited.rule.clone()}</span></dd>
                            <dt>"Deleted from Sent after expiry"</dt><dd>{yes(d.delete_from_sent_after_expiry.value)}<span class="rule">{d.delete_from_sent_after_expiry.rule.clone()}</span></dd>
                            <dt>"Sent-mail monitoring"</dt><dd>{yes(d.sent_mail_monitoring.value)}<span class="rule">{d.sent_mail_monitoring.rule.clone()}</span></dd>
                            <dt>"Audit and archiving"</dt><dd>{yes(d.audit.value && d.archiving.value)}<span class="rule">{d.audit.rule.clone()}</span></dd>
                        </dl>
                        {(!d.attachments.is_empty()).then(|| view! { <h3>"Attachments"</h3><ul class="attachment-decisions">{attachments}</ul> })}
                    }
                }}
            </div>
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::parse_sizes;

    #[test]
    fn sizes_are_read_in_megabytes_and_bad_ones_named() {
        let (sizes, bad) = parse_sizes("1, 2.5, x, -3, ");
        assert_eq!(sizes, vec![1024 * 1024, 2_621_440]);
        assert_eq!(bad, vec!["x".to_string(), "-3".to_string()]);
    }
}
