//! Limits on failed sign-ins, per account and per client address. The counting is governor's
//! GCRA: `max_failures` failures per `window`, refilled evenly. When a key runs out, it is locked
//! until governor says another attempt would conform; attempts while locked are refused before
//! any password is checked.
//!
//! Besides those, password checks after failures (for an account or from an address that failed
//! within the window) keep a console-wide pace: a burst of them is checked at once, then one per
//! interval. A sign-in that finds no turn within a few seconds is refused with a "try again",
//! without a password check. A storm of wrong passwords from many addresses, which the limits per
//! address cannot stop, then costs the console a few hashes a minute, not a core; the price is that
//! an owner whose account or address failed recently may be asked to try again while a storm lasts.
//!
//! Refusals are written to the account's audit log (by `auth`): a failure that begins a lock says
//! so, and a refusal without a password check is written once per account and kind per window, so
//! that a storm of refused sign-ins cannot fill the log or cost a write each; and for at most
//! `NOTED_MAX` addresses per window, so that one inventing addresses cannot fill the memory.
//!
//! Limits are kept in the memory of each server process; with several replicas each replica
//! counts on its own (documented in the README).

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

#[derive(Clone, Copy, Debug)]
pub struct SignInLimits {
    pub max_failures_per_account: u32,
    pub max_failures_per_client: u32,
    pub window: Duration,
    /// Password checks after failures, console-wide: one per this interval once the burst is used.
    pub after_failures_interval: Duration,
    /// Password checks after failures that may run at once before the pace applies.
    pub after_failures_burst: u32,
    /// How long a sign-in after failures waits for its turn before it is refused.
    pub after_failures_wait: Duration,
}

impl Default for SignInLimits {
    fn default() -> Self {
        Self {
            max_failures_per_account: 5,
            max_failures_per_client: 20,
            window: Duration::from_secs(15 * 60),
            after_failures_interval: Duration::from_secs(3),
            after_failures_burst: 30,
            after_failures_wait: Duration::from_secs(5),
        }
    }
}

/// Why a sign-in was refused before its password was checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Refusal {
    /// The account or the address is locked after its limit of failures.
    Locked,
    /// No turn came for a check after failures (the console-wide pace).
    NoTurn,
}

/// The locks a failure began, with how long each lasts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NewLocks {
    pub account: Option<Duration>,
    pub client: Option<Duration>,
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

    /// Counts a failure; `Some(lock)` when it began a lock of the key.
    fn record_failure(&self, key: K) -> Option<Duration> {
        self.last_failure
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(key.clone(), Instant::now());
        let not_until = self.limiter.check_key(&key).err()?;
        let wait = not_until
            .wait_time_from(DefaultClock::default().now())
            .max(Duration::from_secs(1));
        let mut locked = self.locked_until.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let already = locked.get(&key).is_some_and(|until| *until > now);
        locked.insert(key, now + wait);
        (!already).then_some(wait)
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
    /// The console-wide pace of password checks after failures.
    after_failures: DefaultDirectRateLimiter,
    after_failures_interval: Duration,
    after_failures_wait: Duration,
    /// Refusals already written to an account's audit log, by account and kind, kept one window.
    noted: Mutex<HashMap<(String, Refusal), Instant>>,
    /// Whether `noted` was found full within the current window (logged once).
    noted_full: AtomicBool,
    window: Duration,
}

/// Refusals noted at most, by account and kind, within a window (see `first_refusal_in_window`).
const NOTED_MAX: usize = 4096;

impl SignInLimiter {
    pub fn new(limits: SignInLimits) -> Self {
        let interval = limits.after_failures_interval.max(Duration::from_millis(1));
        let burst = NonZeroU32::new(limits.after_failures_burst).unwrap_or(NonZeroU32::MIN);
        let pace = Quota::with_period(interval)
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(burst);
        Self {
            accounts: KeyedLimit::new(limits.max_failures_per_account, limits.window),
            clients: KeyedLimit::new(limits.max_failures_per_client, limits.window),
            after_failures: RateLimiter::direct(pace),
            after_failures_interval: interval,
            after_failures_wait: limits.after_failures_wait,
            noted: Mutex::new(HashMap::new()),
            noted_full: AtomicBool::new(false),
            window: limits.window,
        }
    }

    /// Waits for a turn to check a password after failures (see the module's text). `Err` holds
    /// when to try again, after a wait that found no turn: the wait is what keeps a storm's
    /// clients from asking again at once.
    pub async fn turn_after_failures(&self) -> Result<(), Duration> {
        tokio::time::timeout(self.after_failures_wait, self.after_failures.until_ready())
            .await
            .map_err(|_| self.after_failures_interval)
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

    /// How long failures are remembered, and refusals noted once.
    pub fn window(&self) -> Duration {
        self.window
    }

    /// Counts a failure for the account and the address; says which locks it began.
    pub fn record_failure(&self, account: &str, client: IpAddr) -> NewLocks {
        NewLocks {
            account: self.accounts.record_failure(account.to_lowercase()),
            client: self.clients.record_failure(client),
        }
    }

    /// Whether a refusal of this kind for this account is the first within the window, and so is
    /// to be written to the account's audit log; later ones within the window are not. The
    /// addresses come from the caller, who may send a new one with each refused attempt, so at
    /// most `NOTED_MAX` are kept: beyond that, refusals for further addresses within the window
    /// are not written (and the server logs that once per window).
    pub fn first_refusal_in_window(&self, account: &str, why: Refusal) -> bool {
        let mut noted = self.noted.lock().unwrap_or_else(|p| p.into_inner());
        let key = (account.to_lowercase(), why);
        if noted.get(&key).is_some_and(|at| at.elapsed() < self.window) {
            return false;
        }
        if noted.len() >= NOTED_MAX && !noted.contains_key(&key) {
            noted.retain(|_, at| at.elapsed() < self.window);
            if noted.len() >= NOTED_MAX {
                if !self.noted_full.swap(true, Ordering::Relaxed) {
                    tracing::warn!(
                        kept = NOTED_MAX,
                        "refused sign-ins for more addresses than are kept: further ones within the window are not written to the audit log"
                    );
                }
                return false;
            }
        }
        noted.insert(key, Instant::now());
        true
    }

    /// Drops state of keys that have fully recovered; called periodically.
    pub fn forget_old(&self) {
        self.accounts.forget_old();
        self.clients.forget_old();
        let mut noted = self.noted.lock().unwrap_or_else(|p| p.into_inner());
        noted.retain(|_, at| at.elapsed() < self.window);
        if noted.len() < NOTED_MAX {
            self.noted_full.store(false, Ordering::Relaxed);
        }
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
            ..SignInLimits::default()
        });
        for _ in 0..2 {
            assert_eq!(
                limiter.record_failure("kim@example.com", IP),
                NewLocks::default()
            );
            assert!(limiter.retry_after("kim@example.com", IP).is_none());
        }
        let began = limiter.record_failure("KIM@example.com", IP);
        assert!(began.client.is_none());
        assert!(began.account.is_some_and(|w| w > Duration::from_secs(30)));
        let wait = limiter.retry_after("kim@example.com", IP);
        assert!(wait.is_some_and(|w| w > Duration::from_secs(30)));
        // Another account from the same address is not affected.
        assert!(limiter.retry_after("lee@example.com", IP).is_none());
    }

    #[test]
    fn notes_each_kind_of_refusal_once_per_account_and_window() {
        let limiter = SignInLimiter::new(SignInLimits {
            window: Duration::from_millis(50),
            ..SignInLimits::default()
        });
        assert!(limiter.first_refusal_in_window("kim@example.com", Refusal::Locked));
        assert!(!limiter.first_refusal_in_window("KIM@example.com", Refusal::Locked));
        assert!(limiter.first_refusal_in_window("kim@example.com", Refusal::NoTurn));
        assert!(limiter.first_refusal_in_window("lee@example.com", Refusal::Locked));
        std::thread::sleep(Duration::from_millis(60));
        limiter.forget_old();
        assert!(limiter.first_refusal_in_window("kim@example.com", Refusal::Locked));
    }

    #[test]
    fn keeps_a_bounded_number_of_noted_refusals() {
        let limiter = SignInLimiter::new(SignInLimits::default());
        for i in 0..NOTED_MAX {
            assert!(limiter.first_refusal_in_window(&format!("u{i}@example.com"), Refusal::Locked));
        }
        // A caller inventing a new address for each attempt stops being noted, and the map stops
        // growing; those already noted stay noted.
        assert!(!limiter.first_refusal_in_window("new@example.com", Refusal::Locked));
        assert!(!limiter.first_refusal_in_window("u0@example.com", Refusal::Locked));
        assert_eq!(
            limiter
                .noted
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .len(),
            NOTED_MAX
        );
    }

    #[tokio::test]
    async fn checks_after_failures_take_turns_console_wide() {
        let limiter = SignInLimiter::new(SignInLimits {
            after_failures_interval: Duration::from_secs(10),
            after_failures_burst: 2,
            after_failures_wait: Duration::from_millis(50),
            ..SignInLimits::default()
        });
        assert_eq!(limiter.turn_after_failures().await, Ok(()));
        assert_eq!(limiter.turn_after_failures().await, Ok(()));
        // The burst is used and no turn comes within the wait: try again after the interval.
        assert_eq!(
            limiter.turn_after_failures().await,
            Err(Duration::from_secs(10))
        );
        // With a wait longer than the interval, the next check waits for its turn and runs.
        let patient = SignInLimiter::new(SignInLimits {
            after_failures_interval: Duration::from_millis(100),
            after_failures_burst: 1,
            after_failures_wait: Duration::from_secs(30),
            ..SignInLimits::default()
        });
        assert_eq!(patient.turn_after_failures().await, Ok(()));
        let started = Instant::now();
        assert_eq!(patient.turn_after_failures().await, Ok(()));
        assert!(started.elapsed() >= Duration::from_millis(50));
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
            ..SignInLimits::default()
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
