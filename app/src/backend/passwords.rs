//! Password hashing with argon2id at the OWASP parameters (19 MiB, t=2, p=1), run on the blocking
//! pool with a cap on concurrent hashes so that a storm of sign-ins cannot starve the server.

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::Arc;
use tokio::sync::Semaphore;

#[derive(Clone)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
    /// A real hash of a random secret: unknown e-mail addresses are checked against it so that
    /// they cost the same time as a wrong password.
    dummy_hash: Arc<str>,
}

fn argon2() -> Argon2<'static> {
    // OWASP: m=19456 KiB, t=2, p=1. These constants are valid, so `Params::new` cannot fail.
    let params = Params::new(19_456, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn hash_now(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))
}

fn verify_now(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

impl PasswordHasher {
    /// `max_concurrent` hashes run at once; further ones wait their turn.
    pub fn new(max_concurrent: usize) -> anyhow::Result<Self> {
        use rand::Rng;
        let secret: [u8; 16] = rand::thread_rng().r#gen();
        let dummy = hash_now(&format!("{secret:?}"))?;
        Ok(Self {
            permits: Arc::new(Semaphore::new(max_concurrent.max(1))),
            dummy_hash: dummy.into(),
        })
    }

    pub async fn hash(&self, password: &str) -> anyhow::Result<String> {
        let _permit = self.permits.acquire().await?;
        let password = password.to_string();
        tokio::task::spawn_blocking(move || hash_now(&password)).await?
    }

    /// Checks `password` against `hash`, or against the dummy hash when there is no account.
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> anyhow::Result<bool> {
        let _permit = self.permits.acquire().await?;
        let password = password.to_string();
        let known = hash.is_some();
        let hash = hash
            .map(str::to_string)
            .unwrap_or_else(|| self.dummy_hash.to_string());
        let ok = tokio::task::spawn_blocking(move || verify_now(&password, &hash)).await?;
        Ok(ok && known)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_wrong_passwords_fail() -> anyhow::Result<()> {
        let hasher = PasswordHasher::new(2)?;
        let hash = hasher.hash("correct horse battery").await?;
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(hasher.verify("correct horse battery", Some(&hash)).await?);
        assert!(!hasher.verify("wrong horse battery", Some(&hash)).await?);
        // No account: never succeeds, even with the dummy's own secret unknown to the caller.
        assert!(!hasher.verify("anything", None).await?);
        Ok(())
    }
}
