//! Service > Mail > General: the attachment size limit and the limits of files with download
//! time limit.

use leptos::prelude::*;

use super::PageGuard;
use crate::api::settings::SettingsView;
use crate::domain::Page;
use crate::domain::policy::{
    ATTACHMENT_LIMIT_MB, Allowance, LARGE_FILE_COUNT, LARGE_FILE_DAYS, LARGE_FILE_DOWNLOADS,
    LARGE_FILE_SIZE_MB, SettingKey,
};
use crate::ui::settings::{FieldRow, Form, SettingsFrame, number_editor};

#[component]
pub fn MailGeneralPage() -> impl IntoView {
    view! {
        <PageGuard page=Page::MailGeneral>
            <MailGeneralForm />
        </PageGuard>
    }
}

#[component]
fn MailGeneralForm() -> impl IntoView {
    let form = Form::new(SettingsView::MailGeneral);
    let locked = Signal::derive(move || {
        let page = form.saved.get()?;
        if !page.mail_security_plan {
            Some("Files with download time limit are part of Mail Security, available on the Standard and Standard Plus plans.".to_string())
        } else if page.policy.download_time_limit_files == Allowance::DoNotAllow {
            Some("Not in effect: 'Files with download time limit' is set to 'Do not allow' in Security > Mail Security.".to_string())
        } else {
            None
        }
    });
    view! {
        <SettingsFrame form title="Mail > General">
            <FieldRow
                form
                key=SettingKey::AttachmentSizeLimit
                help="Attachments up to this size can be downloaded without restriction."
                editor=move || number_editor(form, SettingKey::AttachmentSizeLimit, "MB", ATTACHMENT_LIMIT_MB.0, ATTACHMENT_LIMIT_MB.1).into_any()
            />
            <h2>"Files with download time limit"</h2>
            <p class="help">
                {format!("When allowed in Security > Mail Security, a file larger than the attachment size limit is sent as a file with download time limit: it can be downloaded up to {LARGE_FILE_DOWNLOADS} times in {LARGE_FILE_DAYS} days.")}
                " "
                <a href="/security/mail">"Mail Security"</a>
            </p>
            <FieldRow
                form
                key=SettingKey::LargeFileMaxCount
                help="How many such files a member can attach to one email."
                locked
                editor=move || number_editor(form, SettingKey::LargeFileMaxCount, "files", LARGE_FILE_COUNT.0, LARGE_FILE_COUNT.1).into_any()
            />
            <FieldRow
                form
                key=SettingKey::LargeFileMaxSize
                help="The largest such file; it must be larger than the attachment size limit."
                locked
                editor=move || number_editor(form, SettingKey::LargeFileMaxSize, "MB", LARGE_FILE_SIZE_MB.0, LARGE_FILE_SIZE_MB.1).into_any()
            />
        </SettingsFrame>
    }
}
