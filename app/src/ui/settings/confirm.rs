//! A confirmation dialog for choices with consequences (e.g. deleting members' settings).

use leptos::prelude::*;

#[derive(Clone)]
pub struct Confirm {
    pub title: String,
    pub message: String,
    pub confirm_label: &'static str,
    pub cancel_label: &'static str,
    pub on_confirm: Callback<()>,
}

#[component]
pub fn ConfirmDialog(request: RwSignal<Option<Confirm>>) -> impl IntoView {
    let close = move || request.set(None);
    view! {
        <Show when=move || request.with(|r| r.is_some())>
            {move || {
                request
                    .get()
                    .map(|r| {
                        let on_confirm = r.on_confirm;
                        view! {
                            <div class="modal-backdrop">
                                <div
                                    class="modal"
                                    role="alertdialog"
                                    aria-modal="true"
                                    aria-labelledby="confirm-title"
                                    aria-describedby="confirm-message"
                                    on:keydown=move |e| {
                                        if e.key() == "Escape" {
                                            close();
                                        }
                                    }
                                >
                                    <h2 id="confirm-title">{r.title.clone()}</h2>
                                    <p id="confirm-message">{r.message.clone()}</p>
                                    <div class="modal-actions">
                                        <button type="button" on:click=move |_| close()>
                                            {r.cancel_label}
                                        </button>
                                        <button
                                            type="button"
                                            class="primary"
                                            autofocus
                                            on:click=move |_| {
                                                close();
                                                on_confirm.run(());
                                            }
                                        >
                                            {r.confirm_label}
                                        </button>
                                    </div>
                                </div>
                            </div>
                        }
                    })
            }}
        </Show>
    }
}
