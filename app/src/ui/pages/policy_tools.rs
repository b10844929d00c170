//! "Export policy" (a download) and "Import policy" (a file, previewed field by field, applied
//! after confirmation) on the Mail Security page.

use leptos::prelude::*;

use crate::api::policy_file::{ImportPreview, apply_policy_import};
use crate::ui::nav::hard_navigate;

/// Reads the chosen file's text.
#[cfg(feature = "hydrate")]
async fn read_file(input: web_sys::HtmlInputElement) -> Option<String> {
    let file = input.files()?.get(0)?;
    let text = wasm_bindgen_futures::JsFuture::from(file.text())
        .await
        .ok()?;
    input.set_value("");
    text.as_string()
}

#[component]
pub fn PolicyTools() -> impl IntoView {
    let text = RwSignal::new(None::<String>);
    let preview = RwSignal::new(None::<ImportPreview>);
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let close = move || {
        preview.set(None);
        text.set(None);
    };
    let on_file = move |_ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            let input: web_sys::HtmlInputElement = event_target(&_ev);
            use crate::api::policy_file::preview_policy_import;
            leptos::task::spawn_local(async move {
                let Some(content) = read_file(input).await else {
                    return;
                };
                problem.set(None);
                busy.set(true);
                match preview_policy_import(content.clone()).await {
                    Ok(p) => {
                        text.set(Some(content));
                        preview.set(Some(p));
                    }
                    Err(e) => problem.set(Some(e.to_string())),
                }
                busy.set(false);
            });
        }
    };
    let apply = move || {
        let (Some(content), Some(p)) = (text.get_untracked(), preview.get_untracked()) else {
            return;
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            match apply_policy_import(content, p.changes).await {
                Ok(_) => hard_navigate("/security/mail"),
                Err(e) => {
                    problem.set(Some(format!("Nothing was imported. {e}")));
                    close();
                }
            }
            busy.set(false);
        });
    };
    view! {
        <div class="policy-tools">
            <a class="button" href="/policy/export.json" download>"Export policy"</a>
            <label class="button file-button">
                "Import policy"
                <input type="file" accept=".json,application/json" class="visually-hidden" on:change=on_file />
            </label>
        </div>
        {move || problem.get().map(|p| view! { <p class="status failed" role="alert">{p}</p> })}
        <Show when=move || preview.with(|p| p.is_some())>
            <div class="modal-backdrop">
                <div class="modal wide" role="dialog" aria-modal="true" aria-labelledby="import-title"
                    on:keydown=move |e| if e.key() == "Escape" { close() }>
                    <div class="modal-head">
                        <h2 id="import-title">"Import policy"</h2>
                        <button type="button" class="close" aria-label="Close" on:click=move |_| close()>"×"</button>
                    </div>
                    {move || preview.get().map(|p| {
                        let n = p.changes.len();
                        if n == 0 {
                            return view! { <p>"The file matches the current policy: there is nothing to import."</p> }.into_any();
                        }
                        let rows = p.changes.into_iter().map(|c| view! {
                            <tr>
                                <th scope="row">{c.label}</th>
                                <td data-label="Current">{c.current}</td>
                                <td data-label="In the file">{c.incoming}</td>
                            </tr>
                        }).collect_view();
                        view! {
                            <p>{format!("Importing changes {n} setting{}:", if n == 1 { "" } else { "s" })}</p>
                            <div class="table-wrap">
                                <table class="audit diff">
                                    <thead><tr><th scope="col">"Setting"</th><th scope="col">"Current"</th><th scope="col">"In the file"</th></tr></thead>
                                    <tbody>{rows}</tbody>
                                </table>
                            </div>
                            <div class="modal-actions">
                                <button type="button" on:click=move |_| close()>"Cancel"</button>
                                {p.can_apply.then(|| view! {
                                    <button type="button" class="primary" disabled=move || busy.get() on:click=move |_| apply()>
                                        {format!("Apply {n} change{}", if n == 1 { "" } else { "s" })}
                                    </button>
                                })}
                                {(!p.can_apply).then(|| view! {
                                    <p class="note">"Some of these settings belong to pages you cannot change."</p>
                                })}
                            </div>
                        }.into_any()
                    })}
                </div>
            </div>
        </Show>
    }
}
