//! What every request handler and server function can reach: the database pool, the password
//! hasher, the sign-in limiter, the session rules and the key that seals stored secrets.

use super::passwords::PasswordHasher;
use super::rate_limit::SignInLimiter;
use super::secrets::SecretBox;
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
}
