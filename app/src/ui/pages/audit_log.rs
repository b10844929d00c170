//! The audit log: who changed what, when, from where; newest first, a page at a time.

use leptos::prelude::*;
use leptos_meta::Title;

use super::PageGuard;
use crate::api::audit::list_audit;
use crate::domain::Page;

#[component]
pub fn AuditLogPage() -> impl IntoView {
    view! {
        <PageGuard page=Page::AuditLog>
            <AuditTable />
        </PageGuard>
    }
}

#[component]
fn AuditTable() -> impl IntoView {
    let page = RwSignal::new(0u64);
    let data = Resource::new(move || page.get(), list_audit);
    view! {
        <Title text="Audit log" />
        <h1>"Audit log"</h1>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <p class="status failed" role="alert">{e.to_string()}</p> }.into_any(),
                    Ok(p) if p.rows.is_empty() => view! { <p>"No records yet."</p> }.into_any(),
                    Ok(p) => {
                        let rows = p.rows.into_iter().map(|r| view! {
                            <tr>
                                <td data-label="Time (UTC)"><time datetime=r.occurred_at.clone()>{r.occurred_at.replace('T', " ").chars().take(19).collect::<String>()}</time></td>
                                <td data-label="Admin">{r.admin}</td>
                                <td data-label="Address">{r.client_ip}</td>
                                <td data-label="Channel">{r.channel}</td>
                                <td data-label="Menu">{r.menu}</td>
                                <td data-label="Action">{r.action}</td>
                                <td data-label="Target">{r.target}</td>
                                <td data-label="Old value" class="value-cell">{r.old_value.unwrap_or_default()}</td>
                                <td data-label="New value" class="value-cell">{r.new_value.unwrap_or_default()}</td>
                                <td data-label="Result">{r.result}</td>
                            </tr>
                        }).collect_view();
                        let (current, pages, total) = (p.page, p.pages, p.total);
                        view! {
                            <p class="help">{format!("{total} records")}</p>
                            <div class="table-wrap">
                                <table class="audit">
                                    <thead>
                                        <tr>
                                            <th scope="col">"Time (UTC)"</th>
                                            <th scope="col">"Admin"</th>
                                            <th scope="col">"Address"</th>
                                            <th scope="col">"Channel"</th>
                                            <th scope="col">"Menu"</th>
                                            <th scope="col">"Action"</th>
                                            <th scope="col">"Target"</th>
                                            <th scope="col">"Old value"</th>
                                            <th scope="col">"New value"</th>
                                            <th scope="col">"Result"</th>
                                        </tr>
                                    </thead>
                                    <tbody>{rows}</tbody>
                                </table>
                            </div>
                            <nav class="pager" aria-label="Audit log pages">
                                <button type="button" disabled=current == 0 on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>"Previous"</button>
                                <span>{format!("Page {} of {}", current + 1, pages)}</span>
                                <button type="button" disabled=current + 1 >= pages on:click=move |_| page.update(|p| *p += 1)>"Next"</button>
                            </nav>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}
