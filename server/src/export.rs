//! `GET /audit/export.csv`: the filtered audit log as a CSV download, for admins who may read it.

use app::api::audit::AuditQuery;
use app::backend::AppState;
use app::backend::audit::{self, Author, Channel, Record};
use app::backend::audit_query;
use app::backend::auth::current_actor;
use app::domain::Permission;
use axum::extract::{ConnectInfo, Query};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode, header};
use std::net::SocketAddr;
use tower_sessions::Session;

pub async fn audit_csv(
    state: AppState,
    session: Session,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(query): Query<AuditQuery>,
) -> Response {
    let actor = match current_actor(&session, &state).await {
        Ok(Some(actor)) => actor,
        Ok(None) => {
            return (StatusCode::UNAUTHORIZED, "Sign in to export the audit log.").into_response();
        }
        Err(_) => {
            return (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong.").into_response();
        }
    };
    let channel = Channel::from_user_agent(
        headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok()),
    );
    if !actor.role.grants(Permission::ViewAuditLog) {
        let author = Author {
            company_id: actor.company_id,
            user_id: Some(actor.user_id),
            email: actor.email.clone(),
            client_ip: addr.ip(),
            channel,
        };
        let record = Record::event(
            "Console",
            "Refused call",
            "/audit/export.csv",
            "Refused: no permission",
        );
        if let Err(e) = audit::append(&state.db, &author, record).await {
            tracing::error!(error = %e, "writing a refused export to the audit log failed");
        }
        return (
            StatusCode::FORBIDDEN,
            "You do not have permission to export the audit log.",
        )
            .into_response();
    }
    match audit_query::csv(&state.db, actor.company_id, &query).await {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"audit-log.csv\"",
                ),
                (header::CACHE_CONTROL, "no-store"),
            ],
            body,
        )
            .into_response(),
        Err(app::AppError::Validation { message, .. }) => {
            (StatusCode::UNPROCESSABLE_ENTITY, message).into_response()
        }
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong.").into_response(),
    }
}

/// `GET /policy/export.json`: the company's whole mail-security policy as a policy file.
pub async fn policy_json(state: AppState, session: Session) -> Response {
    let actor = match current_actor(&session, &state).await {
        Ok(Some(actor)) => actor,
        Ok(None) => {
            return (StatusCode::UNAUTHORIZED, "Sign in to export the policy.").into_response();
        }
        Err(_) => {
            return (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong.").into_response();
        }
    };
    if !actor.role.grants(Permission::ViewSecurity) {
        return (
            StatusCode::FORBIDDEN,
            "You do not have permission to export the policy.",
        )
            .into_response();
    }
    if !actor.plan.includes_mail_security() {
        return (
            StatusCode::PAYMENT_REQUIRED,
            "Mail Security is available on the Standard and Standard Plus plans.",
        )
            .into_response();
    }
    match app::backend::settings::load(&state.db, actor.company_id).await {
        Ok(snapshot) => {
            let body = app::backend::policy_file::export(&snapshot.policy, &actor.company_domain);
            let name = format!(
                "attachment; filename=\"mail-security-policy-{}-{}.json\"",
                actor.company_domain,
                chrono::Utc::now().format("%Y%m%d")
            );
            (
                [
                    (header::CONTENT_TYPE, "application/json".to_string()),
                    (header::CONTENT_DISPOSITION, name),
                    (header::CACHE_CONTROL, "no-store".to_string()),
                ],
                body,
            )
                .into_response()
        }
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong.").into_response(),
    }
}
