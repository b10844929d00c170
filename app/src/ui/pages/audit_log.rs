//! The audit log: who changed what, when, from where; filtered and paged on the server, newest
//! first. The filters live in the address, so a filtered view can be shared and Back works.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use super::PageGuard;
use super::change_dialog::ChangeDialog;
use crate::api::audit::{AuditQuery, AuditRow, list_audit};
use crate::api::preload::{Preloaded, preloaded};
use crate::domain::Page;
use crate::ui::page_data::{loading, page_data};
use crate::ui::time::LocalTime;

#[component]
pub fn AuditLogPage() -> impl IntoView {
    view! {
        <PageGuard page=Page::AuditLog>
            <AuditLog />
        </PageGuard>
    }
}

fn row_view(r: AuditRow, open: RwSignal<Option<String>>) -> impl IntoView {
    let details = r.setting_key.is_some().then(|| r.save_id.clone()).flatten().map(|id| {
        view! {
            <button type="button" class="link" aria-label=format!("Details of the change to {}", r.target)
                on:click=move |_| open.set(Some(id.clone()))>"Details"</button>
        }
    });
    // An empty value is left out rather than drawn as an empty text (which Leptos writes as a
    // space), so that its cell matches `:empty` and a phone's card of the row leaves out its line.
    let present = |v: Option<String>| v.filter(|v| !v.is_empty());
    view! {
        <tr>
            <td data-label="Time"><LocalTime iso=r.occurred_at /></td>
            <td data-label="Admin">{r.admin}</td>
            <td data-label="Address">{r.client_ip}</td>
            <td data-label="Channel">{r.channel}</td>
            <td data-label="Menu">{r.menu}</td>
            <td data-label="Action">{r.action}</td>
            <td data-label="Target">{r.target}</td>
            <td data-label="Old value" class="value-cell">{present(r.old_value)}</td>
            <td data-label="New value" class="value-cell">{present(r.new_value)}</td>
            <td data-label="Result">{r.result}</td>
            <td data-label="">{details}</td>
        </tr>
    }
}

#[component]
fn AuditLog() -> impl IntoView {
    let params = use_query_map();
    let query = Memo::new(move |_| {
        params.with(|p| AuditQuery {
            from: p.get("from").unwrap_or_default(),
            to: p.get("to").unwrap_or_default(),
            admin: p.get("admin").unwrap_or_default(),
            menu: p.get("menu").unwrap_or_default(),
            action: p.get("action").unwrap_or_default(),
            result: p.get("result").unwrap_or_default(),
            text: p.get("text").unwrap_or_default(),
            page: p.get("page").and_then(|n| n.parse().ok()).unwrap_or(0),
        })
    });
    let refresh = RwSignal::new(0u32);
    let first = SharedValue::new(|| {
        preloaded(|p| match p {
            Preloaded::AuditLog(loaded_for, page) if *loaded_for == query.get_untracked() => {
                Some(page.clone())
            }
            _ => None,
        })
    });
    let data = page_data(
        first.into_inner(),
        move || (query.get(), refresh.get()),
        |(q, _)| list_audit(q),
    );
    let open = RwSignal::new(None::<String>);
    let q = move || query.get();
    let page_link =
        move |page: u64| format!("/audit?{}", AuditQuery { page, ..q() }.to_query_string());
    let export = move || {
        format!(
            "/audit/export.csv?{}",
            AuditQuery { page: 0, ..q() }.to_query_string()
        )
    };

    view! {
        <Title text="Audit log" />
        <div class="page-head">
            <h1>"Audit log"</h1>
            <a class="button" href=export download="audit-log.csv">"Export CSV"</a>
        </div>
        <Form method="GET" action="/audit" attr:class="filters" attr:aria-label="Filter the audit log">
            <div class="filter">
                <label for="f-from">"From"</label>
                <input id="f-from" type="date" name="from" value=move || q().from />
            </div>
            <div class="filter">
                <label for="f-to">"To"</label>
                <input id="f-to" type="date" name="to" value=move || q().to />
            </div>
            <div class="filter">
                <label for="f-admin">"Admin"</label>
                <input id="f-admin" type="text" name="admin" value=move || q().admin />
            </div>
            {move || {
                let (menus, actions) = data.with(|d| match d {
                    Some(Ok(p)) => (p.menus.clone(), p.actions.clone()),
                    _ => Default::default(),
                });
                let options = |list: Vec<String>, selected: String| {
                    list.into_iter()
                        .map(|m| {
                            let is = m == selected;
                            let label = m.clone();
                            view! { <option value=m selected=is>{label}</option> }
                        })
                        .collect_view()
                };
                view! {
                    <div class="filter">
                        <label for="f-menu">"Menu"</label>
                        <select id="f-menu" name="menu">
                            <option value="">"All"</option>
                            {options(menus, q().menu)}
                        </select>
                    </div>
                    <div class="filter">
                        <label for="f-action">"Action"</label>
                        <select id="f-action" name="action">
                            <option value="">"All"</option>
                            {options(actions, q().action)}
                        </select>
                    </div>
                }
            }}
            <div class="filter">
                <label for="f-result">"Result"</label>
                <select id="f-result" name="result">
                    <option value="" selected=move || q().result.is_empty()>"All"</option>
                    <option value="success" selected=move || q().result == "success">"Success"</option>
                    <option value="failure" selected=move || q().result == "failure">"Failure or refusal"</option>
                </select>
            </div>
            <div class="filter wide">
                <label for="f-text">"Search target and values"</label>
                <input id="f-text" type="search" name="text" value=move || q().text />
            </div>
            <div class="filter-actions">
                <button type="submit" class="primary">"Apply filters"</button>
                <a href="/audit">"Clear"</a>
            </div>
        </Form>
        {move || {
            match data.get() {
                None => loading(),
                Some(Err(e)) => view! { <p class="status failed" role="alert">{e.to_string()}</p> }.into_any(),
                Some(Ok(p)) if p.rows.is_empty() => view! { <p>"No records match."</p> }.into_any(),
                Some(Ok(p)) => {
                    let (current, pages, total) = (p.page, p.pages, p.total);
                    let rows = p.rows.into_iter().map(|r| row_view(r, open)).collect_view();
                    view! {
                        <p class="help" role="status">{format!("{total} records")}</p>
                        <div class="table-wrap">
                            <table class="audit">
                                <thead>
                                    <tr>
                                        <th scope="col">"Time"</th>
                                        <th scope="col">"Admin"</th>
                                        <th scope="col">"Address"</th>
                                        <th scope="col">"Channel"</th>
                                        <th scope="col">"Menu"</th>
                                        <th scope="col">"Action"</th>
                                        <th scope="col">"Target"</th>
                                        <th scope="col">"Old value"</th>
                                        <th scope="col">"New value"</th>
                                        <th scope="col">"Result"</th>
                                        <th scope="col"><span class="visually-hidden">"Details"</span></th>
                                    </tr>
                                </thead>
                                <tbody>{rows}</tbody>
                            </table>
                        </div>
                        <nav class="pager" aria-label="Audit log pages">
                            {(current > 0).then(|| view! { <a href=page_link(current - 1)>"Previous"</a> })}
                            <span>{format!("Page {} of {}", current + 1, pages)}</span>
                            {(current + 1 < pages).then(|| view! { <a href=page_link(current + 1)>"Next"</a> })}
                        </nav>
                    }
                    .into_any()
                }
            }
        }}
        <ChangeDialog save_id=open on_reverted=Callback::new(move |_| refresh.update(|n| *n += 1)) />
    }
}
