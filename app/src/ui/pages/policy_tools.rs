//! "Export policy" (a download) and "Import policy" (a file, previewed field by field, applied
//! after confirmation) on the Mail Security page. The import's dialog is drawn by code fetched
//! when a file is first chosen (`on_demand`).

use leptos::prelude::*;

use crate::api::policy_file::{ImportPreview, apply_policy_import, preview_policy_import};
use crate::ui::nav::hard_navigate;
use crate::ui::on_demand::{on_demand, on_demand_code};

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

/// The state of an import, shared by the buttons and the dialog.
#[derive(Clone, Copy)]
struct Import {
    /// A chosen file's text that the server has not read yet.
    chosen: RwSignal<Option<String>>,
    /// The chosen file's text, sent again with the changes to apply.
    text: RwSignal<Option<String>>,
    /// The server's reading of the file, field by field.
    preview: RwSignal<Option<ImportPreview>>,
    problem: RwSignal<Option<String>>,
    busy: RwSignal<bool>,
}

impl Import {
    fn close(self) {
        self.preview.set(None);
        self.text.set(None);
    }

    /// Has the server read a chosen file, for the dialog to show what importing it would change.
    fn read_chosen(self, content: String) {
        self.busy.set(true);
        leptos::task::spawn_local(async move {
            match preview_policy_import(content.clone()).await {
                Ok(p) => {
                    self.text.set(Some(content));
                    self.preview.set(Some(p));
                }
                Err(e) => self.problem.set(Some(e.to_string())),
            }
            self.busy.set(false);
        });
    }

    fn apply(self) {
        let (Some(content), Some(p)) = (self.text.get_untracked(), self.preview.get_untracked())
        else {
            return;
        };
        self.busy.set(true);
        leptos::task::spawn_local(async move {
            match apply_policy_import(content, p.changes).await {
                Ok(_) => hard_navigate("/security/mail"),
                Err(e) => {
                    self.problem.set(Some(format!("Nothing was imported. {e}")));
                    self.close();
                }
            }
            self.busy.set(false);
        });
    }
}

#[component]
pub fn PolicyTools() -> impl IntoView {
    let import = Import {
        chosen: RwSignal::new(None),
        text: RwSignal::new(None),
        preview: RwSignal::new(None),
        problem: RwSignal::new(None),
        busy: RwSignal::new(false),
    };
    let on_file = move |_ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            let input: web_sys::HtmlInputElement = event_target(&_ev);
            leptos::task::spawn_local(async move {
                let Some(content) = read_file(input).await else {
                    return;
                };
                import.problem.set(None);
                import.chosen.set(Some(content));
            });
        }
    };
    // A chosen file brings the dialog's code, which has the server read the file and shows what
    // it would change (so the call and its answer's reading are not in the page's first load).
    let wanted = Signal::derive(move || {
        import.chosen.with(Option::is_some)
            || import.busy.get()
            || import.preview.with(Option::is_some)
    });
    view! {
        <div class="policy-tools">
            <a class="button" href="/policy/export.json" download>"Export policy"</a>
            <label class="button file-button">
                "Import policy"
                <input type="file" accept=".json,application/json" class="visually-hidden" on:change=on_file />
            </label>
        </div>
        {move || import.problem.get().map(|p| view! { <p class="status failed" role="alert">{p}</p> })}
        {on_demand(wanted, import, import_dialog_code, None)}
    }
}

on_demand_code!(import_dialog_code, Import, |import| {
    view! { <ImportDialog import /> }.into_any()
});

#[component]
fn ImportDialog(import: Import) -> impl IntoView {
    let Import {
        chosen,
        preview,
        busy,
        ..
    } = import;
    Effect::new(move || {
        if let Some(content) = chosen.get() {
            chosen.set(None);
            import.read_chosen(content);
        }
    });
    let close = move || import.close();
    let apply = move || import.apply();
    view! {
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
