//! What a page shows first, loaded by the page guard before the page's server-side render starts.
//!
//! A page that waited for its data inside a `Suspense` during a server-side render would be
//! walked again by a task of the framework's own for every check of what is still loading, and
//! such a task can still touch the page's signals after a request that went away has taken them
//! down (a panic on the request path). So the page guard loads the data first, through the page's
//! own server function (the same permission checks, the same audit of refusals), and the render
//! takes it from the request ready-made: see `ui::page_data`. For a settings page it loads the
//! company's settings into memory instead, from which the page renders
//! (`settings::page_resolved_for_render`).

use super::administrators::UserRow;
use super::api_tokens::TokenList;
use super::audit::{AuditPage, AuditQuery};
use super::two_step::TwoStepState;
use crate::error::AppError;

/// The path of My account > Two-step verification, which is not in the menu.
pub const TWO_STEP_PATH: &str = "/account/two-step";

/// A page's first data, as its server function answered it. One per request, behind an `Arc`,
/// so the size of the largest variant costs nothing worth boxing it for.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
pub enum Preloaded {
    /// The audit log, for the filters in the page's address.
    AuditLog(AuditQuery, Result<AuditPage, AppError>),
    Administrators(Result<Vec<UserRow>, AppError>),
    ApiTokens(Result<TokenList, AppError>),
    TwoStep(Result<TwoStepState, AppError>),
}

/// The first data of the page being rendered on the server, when the page guard loaded it and
/// `pick` finds it is the data wanted. `None` in the browser.
pub fn preloaded<T>(pick: impl FnOnce(&Preloaded) -> Option<T>) -> Option<T> {
    #[cfg(feature = "ssr")]
    {
        server::with_preloaded(pick)
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = pick;
        None
    }
}

#[cfg(feature = "ssr")]
pub use server::{PagePreload, for_request};

#[cfg(feature = "ssr")]
mod server {
    use std::sync::Arc;

    use leptos::prelude::{Owner, provide_context};
    use leptos::reactive::computed::ScopedFuture;

    use super::*;
    use crate::api::settings::SettingsView;
    use crate::backend::AppState;
    use crate::backend::auth::Actor;
    use crate::domain::Page;

    /// The pages whose first data is their server function's answer, and that answer.
    const PAGES: [(Page, Answer); 3] = [
        (Page::AuditLog, Answer::AuditLog),
        (Page::Administrators, Answer::Administrators),
        (Page::ApiTokens, Answer::ApiTokens),
    ];

    /// What the page at a path needs before its render.
    enum Needs {
        /// The company's settings in memory at the admin's revision.
        Settings,
        /// A server function's answer.
        Answer(Answer),
    }

    /// The server function whose answer a page renders from first.
    #[derive(Clone, Copy)]
    enum Answer {
        /// My account > Two-step verification (also where the page guard sends an admin who must
        /// set it up, so no other page is loaded for them).
        TwoStep,
        AuditLog,
        Administrators,
        ApiTokens,
    }

    /// What the page at `path` needs for `actor`; nothing for the sign-in page, for pages that
    /// show nothing from the server, and for a page the admin's role does not open (it says "No
    /// permission" without asking the server, so no refusal is recorded for opening it).
    fn needs(actor: &Actor, path: &str) -> Option<Needs> {
        let may_open = |page: Page| actor.role.grants(page.entry().view);
        if path == "/login" {
            None
        } else if path == TWO_STEP_PATH {
            Some(Needs::Answer(Answer::TwoStep))
        } else if let Some(view) = SettingsView::for_path(path) {
            may_open(view.page()).then_some(Needs::Settings)
        } else {
            PAGES
                .into_iter()
                .find(|(page, _)| page.entry().path == path && may_open(*page))
                .map(|(_, answer)| Needs::Answer(answer))
        }
    }

    /// Loads what the page the request `parts` asks for shows first, for the signed-in `actor`.
    /// A settings page renders from the settings in memory (`page_resolved_for_render`), so they
    /// are loaded there and nothing is returned; a failure is left to the page, whose own load
    /// reports it. Other pages get their server function's answer, run with the request's
    /// context.
    pub async fn for_request(
        state: &AppState,
        actor: &Actor,
        parts: &http::request::Parts,
    ) -> Option<PagePreload> {
        let wanted = match needs(actor, parts.uri.path())? {
            Needs::Answer(wanted) => wanted,
            Needs::Settings => {
                let loaded = state
                    .policies
                    .get(&state.db, actor.company_id, actor.settings_revision)
                    .await;
                if let Err(e) = loaded {
                    tracing::warn!(error = %e, "loading the settings for a page failed");
                }
                return None;
            }
        };
        let owner = Owner::new();
        let loading = owner.with(|| {
            provide_context(state.clone());
            provide_context(parts.clone());
            ScopedFuture::new_untracked(answer(wanted, &parts.uri))
        });
        let loaded = loading.await;
        owner.cleanup();
        loaded.map(|p| PagePreload(Arc::new(p)))
    }

    /// The page guard's answer, in the request's extensions.
    #[derive(Clone, Debug)]
    pub struct PagePreload(pub Arc<Preloaded>);

    pub(super) fn with_preloaded<T>(pick: impl FnOnce(&Preloaded) -> Option<T>) -> Option<T> {
        leptos::prelude::with_context::<http::request::Parts, _>(|parts| {
            parts
                .extensions
                .get::<PagePreload>()
                .and_then(|p| pick(&p.0))
        })
        .flatten()
    }

    /// The `wanted` server function's answer for the page at `uri`. Must be polled with the
    /// request's context (the application state and the request's head) provided.
    async fn answer(wanted: Answer, uri: &http::Uri) -> Option<Preloaded> {
        use crate::api::{administrators, api_tokens, audit, two_step};
        match wanted {
            Answer::TwoStep => Some(Preloaded::TwoStep(two_step::two_step_status().await)),
            Answer::AuditLog => {
                // Filters the page cannot read are left to the page, which then loads in the
                // browser.
                let axum::extract::Query(query) =
                    axum::extract::Query::<AuditQuery>::try_from_uri(uri).ok()?;
                let page = audit::list_audit(query.clone()).await;
                Some(Preloaded::AuditLog(query, page))
            }
            Answer::Administrators => Some(Preloaded::Administrators(
                administrators::list_administrators().await,
            )),
            Answer::ApiTokens => Some(Preloaded::ApiTokens(api_tokens::list_api_tokens().await)),
        }
    }
}
