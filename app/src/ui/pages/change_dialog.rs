//! The diff of one save from the audit log, with "Revert these changes".

use leptos::prelude::*;

use crate::api::history::{RevertField, change_details, revert_change};
use crate::error::AppError;
use crate::ui::page_data::{loading, page_data};
use crate::ui::time::LocalTime;

#[component]
pub fn ChangeDialog(save_id: RwSignal<Option<String>>, on_reverted: Callback<()>) -> impl IntoView {
    // Reloaded after a revert, for the values now in force.
    let reloads = RwSignal::new(0u32);
    let details = page_data(
        None,
        move || (save_id.get(), reloads.get()),
        |(id, _)| async move {
            match id {
                Some(id) => change_details(id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    let outcome = RwSignal::new(None::<Result<String, String>>);
    let busy = RwSignal::new(false);
    let close = move || {
        save_id.set(None);
        outcome.set(None);
    };
    let revert = move |id: String, fields: Vec<RevertField>| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = revert_change(id, fields).await;
            busy.set(false);
            match result {
                Ok(()) => {
                    outcome.set(Some(Ok("Reverted: these settings are back to their earlier values.".into())));
                    reloads.update(|n| *n += 1);
                    on_reverted.run(());
                }
                Err(AppError::Conflict { .. }) => outcome.set(Some(Err(
                    "Nothing was reverted: a setting changed again meanwhile. Review the current values and try again.".into(),
                ))),
                Err(e) => outcome.set(Some(Err(format!("Nothing was reverted. {e}")))),
            }
        });
    };
    view! {
        <Show when=move || save_id.with(|s| s.is_some())>
            <div class="modal-backdrop">
                <div class="modal wide" role="dialog" aria-modal="true" aria-labelledby="change-title"
                    on:keydown=move |e| if e.key() == "Escape" { close() }>
                    <div class="modal-head">
                        <h2 id="change-title">"Change details"</h2>
                        <button type="button" class="close" aria-label="Close" on:click=move |_| close()>"×"</button>
                    </div>
                    {move || outcome.get().map(|o| match o {
                        Ok(m) => view! { <p class="status saved" role="status">{m}</p> }.into_any(),
                        Err(m) => view! { <p class="status failed" role="alert">{m}</p> }.into_any(),
                    })}
                    {move || {
                        match details.get() {
                            None => loading(),
                            Some(Ok(None)) => ().into_any(),
                            Some(Err(e)) => view! { <p class="status failed" role="alert">{e.to_string()}</p> }.into_any(),
                            Some(Ok(Some(d))) => {
                                let fields: Vec<RevertField> = d.fields.iter().map(|f| RevertField { key: f.key.clone(), base_version: f.now_version }).collect();
                                let id = d.save_id.clone();
                                let rows = d.fields.into_iter().map(|f| view! {
                                    <tr>
                                        <th scope="row">{f.label}</th>
                                        <td data-label="Before">{f.before}</td>
                                        <td data-label="After">{f.after}</td>
                                        <td data-label="Now">{f.now}</td>
                                    </tr>
                                }).collect_view();
                                view! {
                                    <p class="help">{format!("{} in {}, ", d.admin, d.menu)}<LocalTime iso=d.occurred_at /></p>
                                    <div class="table-wrap">
                                        <table class="audit diff">
                                            <thead><tr>
                                                <th scope="col">"Setting"</th><th scope="col">"Before"</th>
                                                <th scope="col">"After"</th><th scope="col">"Now"</th>
                                            </tr></thead>
                                            <tbody>{rows}</tbody>
                                        </table>
                                    </div>
                                    <div class="modal-actions">
                                        {d.can_revert.then(|| view! {
                                            <button type="button" class="primary" disabled=move || busy.get()
                                                on:click=move |_| revert(id.clone(), fields.clone())>
                                                "Revert these changes"
                                            </button>
                                        })}
                                    </div>
                                }.into_any()
                            }
                        }
                    }}
                </div>
            </div>
        </Show>
    }
}
