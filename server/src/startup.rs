//! Building the application: database, migrations, state, routes and layers; then serving it
//! until SIGTERM or SIGINT.

use crate::config::Config;
use crate::middleware;
use app::backend::passwords::PasswordHasher;
use app::backend::rate_limit::SignInLimiter;
use app::backend::sessions::Store;
use app::backend::{AppState, db};
use app::ui::{App, shell};
use axum::Router;
use axum::routing::get;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

/// Requests larger than this are refused before they are read whole.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

pub const SESSION_COOKIE: &str = "console_session";

pub struct Application {
    listener: TcpListener,
    router: Router,
    pub state: AppState,
}

fn leptos_options(config: &Config, addr: SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name(
            std::env::var("LEPTOS_OUTPUT_NAME").unwrap_or_else(|_| "mail_security_console".into()),
        )
        .site_root(config.site_root.clone())
        .site_pkg_dir(std::env::var("LEPTOS_SITE_PKG_DIR").unwrap_or_else(|_| "pkg".into()))
        .site_addr(addr)
        .reload_port(
            std::env::var("LEPTOS_RELOAD_PORT")
                .ok()
                .and_then(|p| p.parse().ok())
                .unwrap_or(3001),
        )
        .env(match std::env::var("LEPTOS_ENV").as_deref() {
            Ok("PROD") | Ok("prod") | Ok("production") => leptos::config::Env::PROD,
            _ => leptos::config::Env::DEV,
        })
        .build()
}

impl Application {
    /// Connects, migrates, seeds a demo company on an empty database, and binds the listener.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let db = db::connect(&config.database_url, config.max_connections()).await?;
        db::migrate(&db).await?;
        let state = AppState {
            session_store: Store::for_database(&db)?,
            db,
            hasher: PasswordHasher::new(config.password_hash_concurrency)?,
            limiter: Arc::new(SignInLimiter::new(config.sign_in_limits())),
            sessions: config.session_rules(),
            secrets: Arc::new(config.secret_box()?),
            policies: Arc::default(),
        };
        if config.seed_demo {
            crate::seed::seed_demo_if_empty(&state).await?;
        }
        let listener = TcpListener::bind(config.bind_addr).await?;
        let addr = listener.local_addr()?;
        let router = router(&config, state.clone(), addr)?;
        Ok(Self {
            listener,
            router,
            state,
        })
    }

    pub fn local_addr(&self) -> anyhow::Result<SocketAddr> {
        Ok(self.listener.local_addr()?)
    }

    /// Serves until `shutdown` completes, finishing requests already under way.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        use axum::serve::ListenerExt;
        let limiter = self.state.limiter.clone();
        let housekeeping = tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
            loop {
                tick.tick().await;
                limiter.forget_old();
            }
        });
        // Small writes of static files otherwise wait on Nagle's algorithm.
        let listener = self.listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        let result = axum::serve(
            listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await;
        housekeeping.abort();
        Ok(result?)
    }
}

/// Completes on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}

fn router(config: &Config, state: AppState, addr: SocketAddr) -> anyhow::Result<Router> {
    let options = leptos_options(config, addr);
    let routes = generate_route_list(App);

    let store = state.session_store.clone();
    {
        use tower_sessions::ExpiredDeletion;
        let store = store.clone();
        tokio::spawn(async move {
            let _ = store
                .continuously_delete_expired(tokio::time::Duration::from_secs(300))
                .await;
        });
    }
    let idle = time::Duration::seconds(
        i64::try_from(state.sessions.idle_timeout.as_secs()).unwrap_or(i64::MAX),
    );
    let sessions = SessionManagerLayer::new(store)
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_secure(config.session_cookie_secure)
        .with_path("/")
        // A session is saved, and its idle expiry slides, when it changes; `current_actor`
        // changes it at most once per `SessionRules::touch_interval`.
        .with_expiry(Expiry::OnInactivity(idle));

    let context_state = state.clone();
    let context = move || provide_context(context_state.clone());

    let export_state = state.clone();
    let pages = Router::<LeptosOptions>::new()
        .route(
            "/audit/export.csv",
            get(move |session, addr, headers, query| {
                crate::export::audit_csv(export_state.clone(), session, addr, headers, query)
            }),
        )
        .route("/policy/export.json", {
            let state = state.clone();
            get(move |session| crate::export::policy_json(state.clone(), session))
        })
        .leptos_routes_with_context(&options, routes, context.clone(), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context(
            context, shell,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::page_guard,
        ))
        .layer(axum::middleware::from_fn(
            middleware::server_fn_error_status,
        ))
        .layer(sessions)
        .layer(axum::middleware::from_fn(middleware::refuse_cross_origin))
        .with_state(options);

    let api = crate::api_v1::router(crate::api_v1::ApiState::new(
        state.clone(),
        config.api_rate_limit_per_minute,
    ));
    let api = if config.bench_baselines {
        tracing::warn!("benchmark baseline routes are mounted (BENCH_BASELINES)");
        api.merge(crate::bench::router(state.clone()))
    } else {
        api
    };
    let health_state = state.clone();
    Ok(Router::new()
        .merge(api)
        .route("/healthz", get(|| async { "ok" }))
        .route(
            "/readyz",
            get(move || {
                let state = health_state.clone();
                async move {
                    if db::ping(&state.db).await {
                        (http::StatusCode::OK, "ready")
                    } else {
                        (
                            http::StatusCode::SERVICE_UNAVAILABLE,
                            "database unavailable",
                        )
                    }
                }
            }),
        )
        .merge(pages)
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(
            middleware::close_after_refused_body,
        ))
        .layer(TraceLayer::new_for_http()))
}
