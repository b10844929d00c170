//! What every request handler and server function can reach: the database pool, the password
//! hasher, the sign-in limiter, the session rules and the key that seals stored secrets.

use super::passwords::PasswordHasher;
use super::policy_cache::PolicyCache;
use super::rate_limit::SignInLimiter;
use super::secrets::SecretBox;
use super::sessions::Store;
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone, Copy, Debug)]
pub struct SessionRules {
    /// A session unused this long ends.
    pub idle_timeout: Duration,
    /// A session ends this long after sign-in, however busy.
    pub absolute_lifetime: Duration,
}

impl SessionRules {
    /// How stale a session's idle expiry may get before a request pushes it back. Writing the
    /// session on every request would make every read a database write; a twentieth of the idle
    /// timeout (at most a minute) keeps the timeout that exact while most requests only read.
    pub fn touch_interval(&self) -> Duration {
        (self.idle_timeout / 20).min(Duration::from_secs(60))
    }
}

impl Default for SessionRules {
    fn default() -> Self {
        Self {
            idle_timeout: Duration::from_secs(30 * 60),
            absolute_lifetime: Duration::from_secs(12 * 60 * 60),
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub hasher: PasswordHasher,
    pub limiter: Arc<SignInLimiter>,
    pub sessions: SessionRules,
    /// Seals the secrets of two-step verification.
    pub secrets: Arc<SecretBox>,
    /// Each company's settings under its current revision, for the policy API.
    pub policies: Arc<PolicyCache>,
    /// Where sessions are kept (the session layer's store).
    pub session_store: Store,
}
