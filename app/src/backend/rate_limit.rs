//! Limits on failed sign-ins, per account and per client address. The counting is governor's
//! GCRA: `max_failures` failures per `window`, refilled evenly. When a key runs out, it is locked
//! until governor says another attempt would conform; attempts while locked are refused before
//! any password is checked.
//!
//! Limits are kept in the memory of each server process; with several replicas each replica
//! counts on its own (documented in the README).

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Clone, Copy, Debug)]
pub struct SignInLimits {
    pub max_failures_per_account: u32,
    pub max_failures_per_client: u32,
    pub window: Duration,
}

impl Default for SignInLimits {
    fn default() -> Self {
        Self {
            max_failures_per_account: 5,
            max_failures_per_client: 20,
            window: Duration::from_secs(15 * 60),
        }
    }
}

struct KeyedLimit<K: Hash + Eq + Clone> {
    limiter: DefaultKeyedRateLimiter<K>,
    locked_until: Mutex<HashMap<K, Instant>>,
    /// When each key last failed, kept for one window.
    last_failure: Mutex<HashMap<K, Instant>>,
    window: Duration,
}

impl<K: Hash + Eq + Clone> KeyedLimit<K> {
    fn new(max_failures: u32, window: Duration) -> Self {
        // The lock falls on the `max_failures`-th failure: the burst allows one fewer, and the
        // failure that finds the bucket empty locks the key.
        let max = max_failures.max(2);
        let burst = NonZeroU32::new(max - 1).unwrap_or(NonZeroU32::MIN);
        let period = window / max;
        let quota = Quota::with_period(period.max(Duration::from_millis(1)))
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(burst);
        Self {
            limiter: RateLimiter::keyed(quota),
            locked_until: Mutex::new(HashMap::new()),
            last_failure: Mutex::new(HashMap::new()),
            window,
        }
    }

    fn retry_after(&self, key: &K) -> Option<Duration> {
        let now = Instant::now();
        let mut locked = self.locked_until.lock().unwrap_or_else(|p| p.into_inner());
        match locked.get(key) {
            Some(until) if *until > now => Some(*until - now),
            Some(_) => {
                locked.remove(key);
                None
            }
            None => None,
        }
    }

    fn failed_recently(&self, key: &K) -> bool {
        let failures = self.last_failure.lock().unwrap_or_else(|p| p.into_inner());
        failures
            .get(key)
            .is_some_and(|at| at.elapsed() < self.window)
    }

    fn record_failure(&self, key: K) {
        self.last_failure
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(key.clone(), Instant::now());
        if let Err(not_until) = self.limiter.check_key(&key) {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            let mut locked = self.locked_until.lock().unwrap_or_else(|p| p.into_inner());
            locked.insert(key, Instant::now() + wait.max(Duration::from_secs(1)));
        }
    }

    fn forget_old(&self) {
        self.limiter.retain_recent();
        let now = Instant::now();
        let mut locked = self.locked_until.lock().unwrap_or_else(|p| p.into_inner());
        locked.retain(|_, until| *until > now);
        drop(locked);
        let mut failures = self.last_failure.lock().unwrap_or_else(|p| p.into_inner());
        failures.retain(|_, at| at.elapsed() < self.window);
    }
}

pub struct SignInLimiter {
    accounts: KeyedLimit<String>,
    clients: KeyedLimit<IpAddr>,
}

impl SignInLimiter {
    pub fn new(limits: SignInLimits) -> Self {
        Self {
            accounts: KeyedLimit::new(limits.max_failures_per_account, limits.window),
            clients: KeyedLimit::new(limits.max_failures_per_client, limits.window),
        }
    }

    /// `Some(wait)` when sign-ins for this account or from this address are locked.
    pub fn retry_after(&self, account: &str, client: IpAddr) -> Option<Duration> {
        let a = self.accounts.retry_after(&account.to_lowercase());
        let c = self.clients.retry_after(&client);
        a.into_iter().chain(c).max()
    }

    /// Whether this account or this address has had a failed sign-in within the window, locked or
    /// not: its next password check waits for idle time (see `passwords::Lane`).
    pub fn failed_recently(&self, account: &str, client: IpAddr) -> bool {
        self.accounts.failed_recently(&account.to_lowercase())
            || self.clients.failed_recently(&client)
    }

    pub fn record_failure(&self, account: &str, client: IpAddr) {
        self.accounts.record_failure(account.to_lowercase());
        self.clients.record_failure(client);
    }

    /// Drops state of keys that have fully recovered; called periodically.
    pub fn forget_old(&self) {
        self.accounts.forget_old();
        self.clients.forget_old();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    const IP: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

    #[test]
    fn locks_an_account_after_its_limit_of_failures() {
        let limiter = SignInLimiter::new(SignInLimits {
            max_failures_per_account: 3,
            max_failures_per_client: 100,
            window: Duration::from_secs(300),
        });
        for _ in 0..2 {
            limiter.record_failure("kim@example.com", IP);
            assert!(limiter.retry_after("kim@example.com", IP).is_none());
        }
        limiter.record_failure("KIM@example.com", IP);
        let wait = limiter.retry_after("kim@example.com", IP);
        assert!(wait.is_some_and(|w| w > Duration::from_secs(30)));
        // Another account from the same address is not affected.
        assert!(limiter.retry_after("lee@example.com", IP).is_none());
    }

    #[test]
    fn remembers_recent_failures_per_account_and_per_address() {
        let limiter = SignInLimiter::new(SignInLimits::default());
        let other = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));
        assert!(!limiter.failed_recently("kim@example.com", IP));
        limiter.record_failure("Kim@example.com", IP);
        assert!(limiter.failed_recently("kim@example.com", other));
        assert!(limiter.failed_recently("lee@example.com", IP));
        assert!(!limiter.failed_recently("lee@example.com", other));
        limiter.forget_old();
        assert!(limiter.failed_recently("kim@example.com", other));

        let brief = SignInLimiter::new(SignInLimits {
            window: Duration::from_millis(1),
            ..SignInLimits::default()
        });
        brief.record_failure("kim@example.com", IP);
        std::thread::sleep(Duration::from_millis(5));
        assert!(!brief.failed_recently("kim@example.com", IP));
        brief.forget_old();
        assert!(
            brief
                .accounts
                .last_failure
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .is_empty()
        );
    }

    #[test]
    fn locks_a_client_address_across_accounts() {
        let limiter = SignInLimiter::new(SignInLimits {
            max_failures_per_account: 100,
            max_failures_per_client: 4,
            window: Duration::from_secs(300),
        });
        for i in 0..4 {
            limiter.record_failure(&format!("user{i}@example.com"), IP);
        }
        assert!(
            limiter
                .retry_after("someone-else@example.com", IP)
                .is_some()
        );
        let other = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));
        assert!(
            limiter
                .retry_after("someone-else@example.com", other)
                .is_none()
        );
    }
}
