//! Baselines for the benchmark (`bench/run`): bare handlers doing the same work as the console's
//! endpoints without sessions, permission checks or the framework around server functions. Only
//! mounted when `BENCH_BASELINES=1`; never in a normal run.

use app::backend::{AppState, settings};
use app::domain::decide::{self, SendSituation};
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http::StatusCode;

async fn company_id(State(state): State<AppState>, Path(domain): Path<String>) -> Response {
    match app::backend::accounts::find_company(&state.db, &domain).await {
        Ok(c) => Json(serde_json::json!({ "id": c.id })).into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

/// What `load_mail_security` shows, read directly: the settings, and the company row with its
/// kept count of members with import settings.
async fn bare_settings(State(state): State<AppState>, Path(id): Path<i64>) -> Response {
    use app::backend::entities::company;
    use sea_orm::EntityTrait;
    let loaded = match settings::load(&state.db, id).await {
        Ok(s) => s,
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    match company::Entity::find_by_id(id).one(&state.db).await {
        Ok(Some(c)) => Json(serde_json::json!({
            "policy": loaded.policy,
            "versions": loaded.versions,
            "import_member_count": c.import_members,
        }))
        .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

async fn bare_policy(State(state): State<AppState>, Path(id): Path<i64>) -> Response {
    match settings::load(&state.db, id).await {
        Ok(s) => Json(app::domain::policy_file::settings_of(&s.policy)).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

async fn bare_send(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(s): Json<SendSituation>,
) -> Response {
    match settings::load(&state.db, id).await {
        Ok(snapshot) => Json(decide::decide_send(
            &snapshot.policy,
            &["bench.example".to_string()],
            &s,
        ))
        .into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// How long recent argon2 hashes took to compute (ms), without their wait for a hashing slot.
async fn argon2_timings(State(state): State<AppState>) -> Response {
    Json(state.hasher.recent_hash_millis()).into_response()
}

/// What the allocator holds, in bytes: in use by the program (`allocated`), in pages with objects
/// in use (`active`), resident (its pages in memory, its own metadata included), mapped, and kept
/// unmapped for reuse (`retained`), and what the threads' caches hold (`tcache`). For the memory
/// rows, which tell the program's live data from the pages the allocator keeps around it.
async fn memory() -> Response {
    use tikv_jemalloc_ctl::{Access, AsName, epoch, stats};
    let read = || -> Result<serde_json::Value, tikv_jemalloc_ctl::Error> {
        // The counters are a snapshot taken at each new epoch.
        epoch::advance()?;
        // Arena index 4096 is jemalloc's "all arenas merged".
        let tcache: usize = b"stats.arenas.4096.tcache_bytes\0"[..].name().read()?;
        Ok(serde_json::json!({
            "allocated": stats::allocated::read()?,
            "active": stats::active::read()?,
            "metadata": stats::metadata::read()?,
            "resident": stats::resident::read()?,
            "mapped": stats::mapped::read()?,
            "retained": stats::retained::read()?,
            "tcache": tcache,
        }))
    };
    match read() {
        Ok(v) => Json(v).into_response(),
        Err(e) => {
            tracing::error!("reading the allocator's counters: {e}");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

pub fn router(state: AppState) -> axum::Router {
    axum::Router::new()
        .route("/bench/company-id/{domain}", get(company_id))
        .route("/bench/bare/settings/{id}", get(bare_settings))
        .route("/bench/bare/policy/{id}", get(bare_policy))
        .route("/bench/bare/send/{id}", post(bare_send))
        .route("/bench/argon2", get(argon2_timings))
        .route("/bench/memory", get(memory))
        .with_state(state)
}
