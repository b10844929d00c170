//! Security > Network Security: access from all, or from designated IPs only, with the list.

use leptos::prelude::*;

use super::PageGuard;
use crate::api::settings::SettingsView;
use crate::domain::Page;
use crate::domain::network::NetworkAccess;
use crate::domain::policy::{Allowance, SettingKey};
use crate::ui::settings::{Confirm, FieldRow, Form, Opt, SettingsFrame, choice_editor};

const ACCESS: &[Opt] = &[
    Opt {
        value: "allow_all",
        label: "Allow access from all",
    },
    Opt {
        value: "designated_ips_only",
        label: "Allow access from designated IPs only",
    },
];

#[component]
pub fn NetworkSecurityPage() -> impl IntoView {
    view! {
        <PageGuard page=Page::NetworkSecurity>
            <NetworkSecurityForm />
        </PageGuard>
    }
}

#[component]
fn NetworkSecurityForm() -> impl IntoView {
    let form = Form::new(SettingsView::NetworkSecurity);
    let members = move || {
        form.saved
            .with(|s| s.as_ref().map(|p| p.import_member_count).unwrap_or(0))
    };
    let plan = move || {
        form.saved
            .with(|s| s.as_ref().is_some_and(|p| p.mail_security_plan))
    };

    // Designated IPs only forbids importing external mail: turning it on turns import off in the
    // same save, after saying so.
    let pick = Callback::new(move |value: &'static str| {
        let designated = value == "designated_ips_only";
        let set_access = move || {
            form.update(SettingKey::NetworkAccess, |p| {
                p.network_access = if designated {
                    NetworkAccess::DesignatedIpsOnly
                } else {
                    NetworkAccess::AllowAll
                };
            });
        };
        let import_on = form
            .draft
            .with_untracked(|p| p.import_external_email == Allowance::Allow);
        if designated && plan() && import_on {
            let n = members();
            let deletion = if n > 0 {
                format!(
                    ", and the import settings of {n} member{} will be deleted",
                    if n == 1 { "" } else { "s" }
                )
            } else {
                String::new()
            };
            form.confirm.set(Some(Confirm {
                title: "Turn off Import external email?".into(),
                message: format!(
                    "'Import external email' is set to Allow. With access from designated IPs only, external email cannot be imported: when you save, it will be set to 'Do not allow'{deletion}."
                ),
                confirm_label: "Continue",
                cancel_label: "Keep 'Allow access from all'",
                on_confirm: Callback::new(move |_| {
                    set_access();
                    form.edit(SettingKey::ImportExternalEmail);
                    form.update(SettingKey::ImportExternalEmail, |p| {
                        p.import_external_email = Allowance::DoNotAllow;
                    });
                }),
            }));
        } else {
            set_access();
        }
    });
    let import_note = move || {
        let turning_off = form.is_editing(SettingKey::ImportExternalEmail)
            && form
                .draft
                .with(|p| p.import_external_email == Allowance::DoNotAllow)
            && form.stored().import_external_email == Allowance::Allow;
        turning_off.then(|| {
            let n = members();
            view! {
                <p class="warning-note">
                    "On Save, 'Import external email' will be set to 'Do not allow'"
                    {if n > 0 { format!(" and the import settings of {n} member{} will be deleted.", if n == 1 { "" } else { "s" }) } else { ".".to_string() }}
                </p>
            }
        })
    };

    let list_text = move || {
        form.raw_or("allowed_networks", || {
            form.draft.with(|p| p.allowed_networks.to_lines())
        })
    };
    view! {
        <SettingsFrame form title="Network Security">
            <FieldRow
                form
                key=SettingKey::NetworkAccess
                help="Whether the services can be used from any network, or only from the addresses listed below."
                editor=move || choice_editor(form, SettingKey::NetworkAccess, ACCESS, None, Some(pick)).into_any()
            >
                {import_note}
            </FieldRow>
            <FieldRow
                form
                key=SettingKey::AllowedNetworks
                help="IPv4 or IPv6 addresses and CIDR ranges (like 203.0.113.0/24 or 2001:db8::/32), one per line."
                editor=move || view! {
                    <textarea
                        id="input-allowed_networks"
                        rows="6"
                        aria-labelledby="label-allowed_networks"
                        aria-describedby="error-allowed_networks"
                        aria-invalid=move || form.error("allowed_networks").is_some().to_string()
                        prop:value=list_text
                        on:input=move |e| form.set_raw("allowed_networks", event_target_value(&e))
                    ></textarea>
                }.into_any()
                readonly=move || view! {
                    <ul class="value-list">
                        {move || {
                            let list = form.stored().allowed_networks;
                            if list.is_empty() {
                                view! { <li class="muted">"None"</li> }.into_any()
                            } else {
                                list.iter().map(|n| view! { <li>{n.to_string()}</li> }).collect_view().into_any()
                            }
                        }}
                    </ul>
                }.into_any()
            />
        </SettingsFrame>
    }
}
