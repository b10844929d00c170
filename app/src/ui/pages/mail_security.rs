//! Security > Mail Security: the "Settings" tab (import, files with download time limit, backup,
//! external images/links, alert banner, alert pop-up with its warning texts) and the "Security
//! level" tab.

use leptos::prelude::*;

use super::PageGuard;
use super::level_editor::LevelRow;
use super::policy_tools::PolicyTools;
use super::preview::PreviewSection;
use super::warning_dialog::WarningTextDialogOnDemand;
use crate::api::settings::SettingsView;
use crate::domain::Page;
use crate::domain::network::NetworkAccess;
use crate::domain::policy::{
    Allowance, LARGE_FILE_DAYS, LARGE_FILE_DOWNLOADS, PopupApply, PopupCondition, SettingKey,
};
use crate::domain::security_level::LevelKind;
use crate::domain::warning_text::Device;
use crate::ui::on_demand::{on_demand, on_demand_code};
use crate::ui::settings::{Confirm, FieldRow, Form, Opt, SettingsFrame, choice_editor};

const ALLOW: &[Opt] = &[
    Opt {
        value: "allow",
        label: "Allow",
    },
    Opt {
        value: "do_not_allow",
        label: "Do not allow",
    },
];
const ON_OFF: &[Opt] = &[
    Opt {
        value: "true",
        label: "ON",
    },
    Opt {
        value: "false",
        label: "OFF",
    },
];
const USE: &[Opt] = &[
    Opt {
        value: "true",
        label: "Use",
    },
    Opt {
        value: "false",
        label: "Do not use",
    },
];
const IMAGE_BLOCKING: &[Opt] = &[
    Opt {
        value: "required",
        label: "Required - Block image/link in the mail of all members",
    },
    Opt {
        value: "optional",
        label: "Optional - Give options to each member",
    },
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Settings,
    Levels,
}

#[component]
pub fn MailSecurityPage() -> impl IntoView {
    view! {
        <PageGuard page=Page::MailSecurity>
            <MailSecurityForm />
        </PageGuard>
    }
}

#[component]
fn MailSecurityForm() -> impl IntoView {
    let form = Form::new(SettingsView::MailSecurity);
    let tab = RwSignal::new(Tab::Settings);
    let tab_button = move |t: Tab, id: &'static str, panel: &'static str, label: &'static str| {
        view! {
            <button
                type="button"
                role="tab"
                id=id
                aria-controls=panel
                aria-selected=move || (tab.get() == t).to_string()
                tabindex=move || if tab.get() == t { "0" } else { "-1" }
                on:click=move |_| tab.set(t)
                on:keydown=move |e| {
                    if e.key() == "ArrowRight" || e.key() == "ArrowLeft" {
                        tab.update(|v| *v = if *v == Tab::Settings { Tab::Levels } else { Tab::Settings });
                    }
                }
            >
                {label}
            </button>
        }
    };
    view! {
        <SettingsFrame form title="Mail Security">
            {view! { <PolicyTools /> }.into_any()}
            <div class="tabs" role="tablist" aria-label="Mail Security">
                {tab_button(Tab::Settings, "tab-settings", "panel-settings", "Settings")}
                {tab_button(Tab::Levels, "tab-levels", "panel-levels", "Security level")}
            </div>
            <div
                role="tabpanel"
                id="panel-settings"
                aria-labelledby="tab-settings"
                hidden=move || tab.get() != Tab::Settings
            >
                {view! { <SettingsTab form /> }.into_any()}
            </div>
            <div
                role="tabpanel"
                id="panel-levels"
                aria-labelledby="tab-levels"
                hidden=move || tab.get() != Tab::Levels
            >
                {on_demand(
                    Signal::derive(move || tab.get() == Tab::Levels),
                    form,
                    levels_tab_code,
                    Some("Loading the security levels…"),
                )}
            </div>
            {view! { <PreviewSection form /> }.into_any()}
        </SettingsFrame>
    }
}

#[component]
fn SettingsTab(form: Form) -> impl IntoView {
    let members = move || {
        form.saved
            .with(|s| s.as_ref().map(|p| p.import_member_count).unwrap_or(0))
    };
    let designated = move || {
        form.draft
            .with(|p| p.network_access == NetworkAccess::DesignatedIpsOnly)
    };

    // "Do not allow" deletes members' import settings: ask first, naming how many.
    let pick_import = Callback::new(move |value: &'static str| {
        let apply = move || {
            form.update(SettingKey::ImportExternalEmail, |p| {
                p.import_external_email = if value == "allow" {
                    Allowance::Allow
                } else {
                    Allowance::DoNotAllow
                };
            })
        };
        let stored_allow = form.stored().import_external_email == Allowance::Allow;
        let n = members();
        if value == "do_not_allow" && stored_allow && n > 0 {
            form.confirm.set(Some(Confirm {
                title: "Delete members' import settings?".into(),
                message: format!(
                    "If you choose 'Do not allow', the import settings of {n} member{} will be deleted when you save. This cannot be undone.",
                    if n == 1 { "" } else { "s" }
                ),
                confirm_label: "Choose 'Do not allow'",
                cancel_label: "Keep 'Allow'",
                on_confirm: Callback::new(move |_| apply()),
            }));
        } else {
            apply();
        }
    });
    let import_note = move || {
        let n = members();
        let will_delete = form.is_editing(SettingKey::ImportExternalEmail)
            && form.stored().import_external_email == Allowance::Allow
            && form
                .draft
                .with(|p| p.import_external_email == Allowance::DoNotAllow)
            && n > 0;
        will_delete.then(|| {
            view! {
                <p class="warning-note">
                    {format!("On Save, the import settings of {n} member{} will be deleted.", if n == 1 { "" } else { "s" })}
                </p>
            }
        })
    };

    let dialog = RwSignal::new(None::<Device>);
    view! {
        <FieldRow
            form
            key=SettingKey::ImportExternalEmail
            help="Lets members view mail sent to their addresses at other mail services in this mailbox."
            editor=move || {
                choice_editor(
                    form,
                    SettingKey::ImportExternalEmail,
                    ALLOW,
                    Some(|p: &crate::domain::Policy, v: &str| {
                        v == "allow" && p.network_access == NetworkAccess::DesignatedIpsOnly
                    }),
                    Some(pick_import),
                )
                .into_any()
            }
        >
            {move || designated().then(|| view! {
                <p class="locked-note">
                    "'Allow' is not available while "
                    <a href="/security/network">"Network Security"</a>
                    " is set to 'Allow access from designated IPs only': external email cannot be imported then."
                </p>
            })}
            {import_note}
        </FieldRow>

        <FieldRow
            form
            key=SettingKey::DownloadTimeLimitFiles
            editor=move || choice_editor(form, SettingKey::DownloadTimeLimitFiles, ALLOW, None, None).into_any()
        >
            <p class="help">
                {format!(
                    "Allow: a file over the attachment size limit can be sent as a file with download time limit, which can be downloaded up to {LARGE_FILE_DOWNLOADS} times in {LARGE_FILE_DAYS} days. Do not allow: files larger than the attachment size limit cannot be attached."
                )}
            </p>
            <p class="help">
                "The attachment size limit, and the number and size of files with download time limit per email, are set in "
                <a href="/service/mail/general">"Service > Mail > General"</a>
                "."
            </p>
        </FieldRow>

        <FieldRow
            form
            key=SettingKey::MailBackup
            help="ON: all members can back up their mailboxes and save original emails to their PC. OFF: no member can."
            editor=move || choice_editor(form, SettingKey::MailBackup, ON_OFF, None, None).into_any()
        />

        <FieldRow
            form
            key=SettingKey::ExternalImageBlocking
            help="Blocks images and links in the body of mail received from outside the company. Even when they are blocked, members can press 'Display images/links' to view them."
            editor=move || choice_editor(form, SettingKey::ExternalImageBlocking, IMAGE_BLOCKING, None, None).into_any()
        />

        <FieldRow
            form
            key=SettingKey::ExternalAlertBanner
            help="Shows an alert banner on the sending screen when a member writes to an address outside the company."
            editor=move || choice_editor(form, SettingKey::ExternalAlertBanner, ON_OFF, None, None).into_any()
        />

        <FieldRow
            form
            key=SettingKey::ExternalPopup
            help="Shows a security warning right before sending when a member sends to an address outside the company."
            editor=move || view! { <PopupEditor form dialog /> }.into_any()
            readonly=move || view! { <PopupReadonly form /> }.into_any()
        >
            <p class="help">
                "No pop-up is shown when the sender is a mailing list (DL) that includes external addresses."
            </p>
        </FieldRow>
        <WarningTextDialogOnDemand form device=dialog />
    }
    .into_any()
}

#[component]
fn PopupReadonly(form: Form) -> impl IntoView {
    let summary = move |device: Device| {
        form.draft.with(|_| ());
        let p = form.stored();
        let texts = if device == Device::Pc {
            &p.warning_texts_pc
        } else {
            &p.warning_texts_mobile
        };
        let n = texts.written_tabs(&p.languages);
        format!(
            "{} warning text: {}",
            device.label(),
            if n == 0 {
                "the built-in message".to_string()
            } else {
                format!("{n} tab{} written", if n == 1 { "" } else { "s" })
            }
        )
    };
    view! {
        <p class="value">{move || form.stored().external_popup.describe()}</p>
        <p class="value-detail">{move || summary(Device::Pc)}</p>
        <p class="value-detail">{move || summary(Device::Mobile)}</p>
    }
}

#[component]
fn PopupEditor(form: Form, dialog: RwSignal<Option<Device>>) -> impl IntoView {
    let key = SettingKey::ExternalPopup;
    let popup = move || form.draft.with(|p| p.external_popup);
    let set = move |f: fn(&mut crate::domain::policy::ExternalPopup, Option<PopupCondition>),
                    c: Option<PopupCondition>| {
        form.update(key, |p| f(&mut p.external_popup, c));
    };
    let conditional = move || matches!(popup().apply, PopupApply::Conditionally(_));
    view! {
        <fieldset class="choices">
            <legend class="visually-hidden">"Show alert pop-up when sending externally"</legend>
            <label class="choice">
                <input type="radio" name="popup_on" prop:checked=move || popup().on
                    on:change=move |_| set(|p, _| p.on = true, None) />
                <span>"ON"</span>
            </label>
            <label class="choice">
                <input type="radio" name="popup_on" prop:checked=move || !popup().on
                    on:change=move |_| set(|p, _| p.on = false, None) />
                <span>"OFF"</span>
            </label>
        </fieldset>
        <Show when=move || popup().on>
            <fieldset class="choices nested">
                <legend>"When to show the pop-up"</legend>
                <label class="choice">
                    <input type="radio" name="popup_apply" prop:checked=move || !conditional()
                        on:change=move |_| set(|p, _| p.apply = PopupApply::Always, None) />
                    <span>"Always apply"</span>
                </label>
                <label class="choice">
                    <input type="radio" name="popup_apply" prop:checked=conditional
                        on:change=move |_| set(|p, _| {
                            if !matches!(p.apply, PopupApply::Conditionally(_)) {
                                p.apply = PopupApply::Conditionally(None);
                            }
                        }, None) />
                    <span>"Apply conditionally"</span>
                </label>
                <fieldset class="choices nested" disabled=move || !conditional()>
                    <legend class="visually-hidden">"Condition"</legend>
                    {PopupCondition::ALL
                        .into_iter()
                        .map(|c| view! {
                            <label class="choice">
                                <input
                                    type="radio"
                                    name="popup_condition"
                                    value=c.id()
                                    prop:checked=move || popup().apply == PopupApply::Conditionally(Some(c))
                                    on:change=move |_| set(|p, c| p.apply = PopupApply::Conditionally(c), Some(c))
                                />
                                <span>{c.label()}</span>
                            </label>
                        })
                        .collect_view()}
                </fieldset>
            </fieldset>
            <div class="text-buttons">
                <button type="button" on:click=move |_| dialog.set(Some(Device::Pc))>"PC warning text settings"</button>
                <button type="button" on:click=move |_| dialog.set(Some(Device::Mobile))>"Mobile warning text settings"</button>
            </div>
        </Show>
    }
}

// The tab's code is fetched when it is first opened: the page opens on "Settings", and the
// levels are the rarer visit.
on_demand_code!(levels_tab_code, Form, |form| {
    view! { <LevelsTab form /> }.into_any()
});

#[component]
fn LevelsTab(form: Form) -> impl IntoView {
    let levels_off = move || form.draft.with(|p| !p.security_levels);
    view! {
        <p class="help">
            "Members can send mail with one of the security levels in use. 'General' mail never expires and can always be forwarded; mail for which a member picks no level is 'General'. 'Non-business' mail is excluded from sent-mail monitoring policies but included in Audit and Archiving."
        </p>
        <FieldRow
            form
            key=SettingKey::SecurityLevels
            help="Use: members can specify a security level when sending. Do not use: members cannot, and all mail is treated as 'General'."
            editor=move || choice_editor(form, SettingKey::SecurityLevels, USE, None, None).into_any()
        />
        <Show when=levels_off>
            <p class="note">"Security levels are not used: members cannot pick a level and all mail is treated as 'General'. The levels below apply once 'Security level' is set to Use."</p>
        </Show>
        <FieldRow
            form
            key=SettingKey::GeneralLevel
            help="No expiry; forwarding is always allowed."
            editor=move || choice_editor(form, SettingKey::GeneralLevel, USE, None, None).into_any()
        />
        <LevelRow form kind=LevelKind::Restricted />
        <LevelRow form kind=LevelKind::Confidential />
        <FieldRow
            form
            key=SettingKey::NonBusinessLevel
            help="For mail sent for non-business purposes. It cannot be the only level in use."
            editor=move || choice_editor(form, SettingKey::NonBusinessLevel, USE, None, None).into_any()
        />
    }
    .into_any()
}
