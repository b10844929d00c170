//! The REST API for a company's mail service (`/api/v1`): the effective policy (with an ETag, so
//! an unchanged policy costs a 304) and the decisions of the policy engine. Authenticated by API
//! tokens, rate limited per token, described by the OpenAPI document generated from this code.

use app::backend::AppState;
use app::backend::api_tokens::{self, Caller};
use app::backend::policy_cache;
use app::domain::decide::{
    self, MemberFeatures, ReceiveDecision, ReceiveSituation, SendDecision, SendSituation,
};
use app::domain::policy_file;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Json, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use http::{HeaderMap, HeaderValue, StatusCode, header};
use serde::Serialize;
use std::num::NonZeroU32;
use std::sync::Arc;
use utoipa::{OpenApi, ToSchema};

#[derive(Clone)]
pub struct ApiState {
    pub app: AppState,
    pub limiter: Arc<DefaultKeyedRateLimiter<i64>>,
}

impl ApiState {
    pub fn new(app: AppState, per_minute: u32) -> Self {
        let quota =
            Quota::per_minute(NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN));
        Self {
            app,
            limiter: Arc::new(RateLimiter::keyed(quota)),
        }
    }
}

/// Every refusal: a code to act on, a sentence to read, and the field it concerns.
#[derive(Serialize, ToSchema)]
pub struct ApiError {
    pub code: String,
    pub message: String,
    pub field: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ApiError,
}

fn error(
    status: StatusCode,
    code: &str,
    message: impl Into<String>,
    field: Option<String>,
) -> Response {
    (
        status,
        Json(ErrorBody {
            error: ApiError {
                code: code.into(),
                message: message.into(),
                field,
            },
        }),
    )
        .into_response()
}

/// The company's whole mail-security policy as the mail service reads it.
#[derive(Serialize, ToSchema)]
pub struct PolicyDocument {
    /// The company's mail domain.
    pub company: String,
    /// Every setting under its key, in the form of the policy file (`/policy/export.json`).
    #[schema(value_type = Object)]
    pub settings: serde_json::Map<String, serde_json::Value>,
}

/// Maps a JSON body rejection to a 4xx that names the field where it can.
fn bad_body(rejection: JsonRejection) -> Response {
    match rejection {
        JsonRejection::JsonDataError(e) => {
            let text = e.body_text();
            let detail = text
                .strip_prefix("Failed to deserialize the JSON body into the target type: ")
                .unwrap_or(&text)
                .to_string();
            let field = if let Some(missing) = detail.split("missing field `").nth(1) {
                missing.split('`').next().map(str::to_string)
            } else {
                detail
                    .split_once(": ")
                    .map(|(path, _)| path.to_string())
                    .filter(|p| !p.contains(' ') && p != ".")
            };
            error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_field",
                detail,
                field,
            )
        }
        JsonRejection::JsonSyntaxError(e) => error(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            format!("The body is not valid JSON: {}", e.body_text()),
            None,
        ),
        JsonRejection::MissingJsonContentType(_) => error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Send the body as application/json.",
            None,
        ),
        other => error(other.status(), "bad_request", other.body_text(), None),
    }
}

/// The token's company, or the refusal to send.
async fn authenticate(state: &ApiState, headers: &HeaderMap) -> Result<Caller, Response> {
    let secret = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let Some(secret) = secret else {
        return Err(error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Send an API token as 'Authorization: Bearer <token>'.",
            None,
        ));
    };
    let found = api_tokens::authenticate(&state.app.db, secret)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "checking an API token failed");
            error(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "The service is temporarily unavailable.",
                None,
            )
        })?;
    let Some(caller) = found else {
        return Err(error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "The API token is unknown or revoked.",
            None,
        ));
    };
    if let Err(not_until) = state.limiter.check_key(&caller.token_id) {
        use governor::clock::{Clock, DefaultClock};
        let wait = not_until
            .wait_time_from(DefaultClock::default().now())
            .as_secs()
            .max(1);
        let mut res = error(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "Too many requests for this token. Try again later.",
            None,
        );
        if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return Err(res);
    }
    if caller.scope != api_tokens::READ_SCOPE {
        return Err(error(
            StatusCode::FORBIDDEN,
            "forbidden",
            "This token's scope does not allow this.",
            None,
        ));
    }
    let plan: app::domain::Plan = caller.plan.parse().unwrap_or(app::domain::Plan::Free);
    if !plan.includes_mail_security() {
        return Err(error(
            StatusCode::PAYMENT_REQUIRED,
            "plan_required",
            "Mail Security is available on the Standard and Standard Plus plans.",
            None,
        ));
    }
    Ok(caller)
}

/// The caller's company's settings at the revision read with the token.
async fn policy_of(
    state: &ApiState,
    caller: &Caller,
) -> Result<Arc<policy_cache::Entry>, Response> {
    state
        .app
        .policies
        .get(&state.app.db, caller.company_id, caller.revision)
        .await
        .map_err(|_| {
            error(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "The service is temporarily unavailable.",
                None,
            )
        })
}

/// The effective policy. Send the last `ETag` as `If-None-Match` to get a 304 while it is unchanged.
#[utoipa::path(
    get,
    path = "/api/v1/policy",
    responses(
        (status = 200, description = "The policy", body = PolicyDocument, headers(("ETag" = String, description = "The policy's version"))),
        (status = 304, description = "Unchanged since the ETag sent in If-None-Match"),
        (status = 401, body = ErrorBody), (status = 402, body = ErrorBody), (status = 429, body = ErrorBody),
    ),
    security(("api_token" = []))
)]
pub async fn get_policy(State(state): State<ApiState>, headers: HeaderMap) -> Response {
    let caller = match authenticate(&state, &headers).await {
        Ok(found) => found,
        Err(res) => return res,
    };
    let entry = match policy_of(&state, &caller).await {
        Ok(p) => p,
        Err(res) => return res,
    };
    let document = entry.document(|snapshot| {
        serde_json::to_string(&PolicyDocument {
            company: caller.domain.clone(),
            settings: policy_file::settings_of(&snapshot.policy),
        })
        .unwrap_or_default()
    });
    let etag = &document.etag;
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let etag_header = HeaderValue::from_str(etag).unwrap_or(HeaderValue::from_static("\"\""));
    if matches {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag_header)]).into_response();
    }
    let body = document.body.clone();
    (
        StatusCode::OK,
        [
            (header::ETAG, etag_header),
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
        .into_response()
}

const MAX_RECIPIENTS: usize = 1000;
const MAX_ATTACHMENTS: usize = 200;

/// What happens when a member (or a mailing list) sends this mail.
#[utoipa::path(
    post,
    path = "/api/v1/decisions/send",
    request_body = SendSituation,
    responses(
        (status = 200, body = SendDecision),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 402, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody),
    ),
    security(("api_token" = []))
)]
pub async fn post_send(
    State(state): State<ApiState>,
    headers: HeaderMap,
    body: Result<Json<SendSituation>, JsonRejection>,
) -> Response {
    let caller = match authenticate(&state, &headers).await {
        Ok(found) => found,
        Err(res) => return res,
    };
    let Json(situation) = match body {
        Ok(b) => b,
        Err(r) => return bad_body(r),
    };
    if situation.recipients.len() > MAX_RECIPIENTS {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            format!("At most {MAX_RECIPIENTS} recipients."),
            Some("recipients".into()),
        );
    }
    if let Some(i) = situation
        .recipients
        .iter()
        .position(|r| r.len() > 320 || r.trim().is_empty())
    {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "A recipient must be an address of at most 320 characters.",
            Some(format!("recipients[{i}]")),
        );
    }
    if situation.attachments.len() > MAX_ATTACHMENTS {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            format!("At most {MAX_ATTACHMENTS} attachments."),
            Some("attachments".into()),
        );
    }
    let policy = match policy_of(&state, &caller).await {
        Ok(entry) => entry,
        Err(res) => return res,
    };
    let policy = &policy.snapshot.policy;
    Json(decide::decide_send(
        policy,
        std::slice::from_ref(&caller.domain),
        &situation,
    ))
    .into_response()
}

/// Whether images and links of a received mail are blocked.
#[utoipa::path(
    post,
    path = "/api/v1/decisions/receive",
    request_body = ReceiveSituation,
    responses(
        (status = 200, body = ReceiveDecision),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody),
    ),
    security(("api_token" = []))
)]
pub async fn post_receive(
    State(state): State<ApiState>,
    headers: HeaderMap,
    body: Result<Json<ReceiveSituation>, JsonRejection>,
) -> Response {
    let caller = match authenticate(&state, &headers).await {
        Ok(found) => found,
        Err(res) => return res,
    };
    let Json(situation) = match body {
        Ok(b) => b,
        Err(r) => return bad_body(r),
    };
    if situation.from.len() > 320 {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "The sender address is too long.",
            Some("from".into()),
        );
    }
    let policy = match policy_of(&state, &caller).await {
        Ok(entry) => entry,
        Err(res) => return res,
    };
    let policy = &policy.snapshot.policy;
    Json(decide::decide_receive(
        policy,
        std::slice::from_ref(&caller.domain),
        &situation,
    ))
    .into_response()
}

/// Whether members may import external email and back up their mail.
#[utoipa::path(
    get,
    path = "/api/v1/members/features",
    responses((status = 200, body = MemberFeatures), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("api_token" = []))
)]
pub async fn get_features(State(state): State<ApiState>, headers: HeaderMap) -> Response {
    let caller = match authenticate(&state, &headers).await {
        Ok(found) => found,
        Err(res) => return res,
    };
    match policy_of(&state, &caller).await {
        Ok(entry) => Json(decide::member_features(&entry.snapshot.policy)).into_response(),
        Err(res) => res,
    }
}

struct TokenAuth;

impl utoipa::Modify for TokenAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API token created in Security > API tokens"))
                    .build(),
            ),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Mail security policy API", version = "1", description = "Read a company's mail-security policy and the decisions it makes, as the company's mail service."),
    paths(get_policy, post_send, post_receive, get_features),
    modifiers(&TokenAuth)
)]
pub struct ApiDoc;

/// The routes of `/api/v1`, each with the method the OpenAPI document gives it.
pub const ROUTES: [(&str, &str); 4] = [
    ("get", "/api/v1/policy"),
    ("post", "/api/v1/decisions/send"),
    ("post", "/api/v1/decisions/receive"),
    ("get", "/api/v1/members/features"),
];

pub fn router(state: ApiState) -> axum::Router {
    axum::Router::new()
        .route(ROUTES[0].1, get(get_policy))
        .route(ROUTES[1].1, post(post_send))
        .route(ROUTES[2].1, post(post_receive))
        .route(ROUTES[3].1, get(get_features))
        .route(
            "/api/v1/openapi.json",
            get(|| async { Json(ApiDoc::openapi()) }),
        )
        .route(
            "/api/v1/{*rest}",
            axum::routing::any(|| async {
                error(
                    StatusCode::NOT_FOUND,
                    "not_found",
                    "No such API endpoint.",
                    None,
                )
            }),
        )
        .with_state(state)
}
