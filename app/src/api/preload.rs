//! What a page shows first, loaded by the page guard before the page's server-side render starts.
//!
//! A page that waited for its data inside a `Suspense` during a server-side render would be
//! walked again by a task of the framework's own for every check of what is still loading, and
//! such a task can still touch the page's signals after a request that went away has taken them
//! down (a panic on the request path). So the page guard loads the data first, through the page's
//! own server function (the same permission checks, the same audit of refusals), and the render
//! takes it from the request ready-made: see `ui::page_data`. The settings pages have their own
//! way to the same end (`settings::page_resolved_for_render`).

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
    use crate::backend::AppState;
    use crate::backend::auth::Actor;
    use crate::domain::Page;

    /// The pages loaded this way, besides the two-step set-up that stands in for every page
    /// until the admin has set it up.
    const PAGES: [Page; 3] = [Page::AuditLog, Page::Administrators, Page::ApiTokens];

    /// The first data of the page the request `parts` asks for, loaded for the signed-in `actor`
    /// with the request's context, as the page's server function would answer the page.
    pub async fn for_request(
        state: &AppState,
        actor: &Actor,
        parts: &http::request::Parts,
    ) -> Option<PagePreload> {
        let path = parts.uri.path();
        let wanted = actor.two_step_missing
            || path == TWO_STEP_PATH
            || PAGES.iter().any(|page| page.entry().path == path);
        if !wanted {
            return None;
        }
        let owner = Owner::new();
        let loading = owner.with(|| {
            provide_context(state.clone());
            provide_context(parts.clone());
            ScopedFuture::new_untracked(for_page(actor, &parts.uri))
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

    /// Loads the first data of the page at `uri` for the signed-in `actor`, or `None` for a page
    /// that loads nothing this way (or that `actor` may not open: the page shows that without
    /// asking the server). Runs the page's server function, so it must be polled with the
    /// request's context (the application state and the request's head) provided.
    async fn for_page(actor: &Actor, uri: &http::Uri) -> Option<Preloaded> {
        let path = uri.path();
        // Until they set up two-step verification an admin sees its set-up on every page.
        if actor.two_step_missing || path == TWO_STEP_PATH {
            return Some(Preloaded::TwoStep(
                super::super::two_step::two_step_status().await,
            ));
        }
        let may_open =
            |page: Page| page.entry().path == path && actor.role.grants(page.entry().view);
        if may_open(Page::AuditLog) {
            // Filters the page cannot read are left to the page, which then loads in the browser.
            let axum::extract::Query(query) =
                axum::extract::Query::<AuditQuery>::try_from_uri(uri).ok()?;
            let page = super::super::audit::list_audit(query.clone()).await;
            Some(Preloaded::AuditLog(query, page))
        } else if may_open(Page::Administrators) {
            Some(Preloaded::Administrators(
                super::super::administrators::list_administrators().await,
            ))
        } else if may_open(Page::ApiTokens) {
            Some(Preloaded::ApiTokens(
                super::super::api_tokens::list_api_tokens().await,
            ))
        } else {
            None
        }
    }
}
