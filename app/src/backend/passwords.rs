//! Password hashing with argon2id at the OWASP parameters (19 MiB, t=2, p=1), on a fixed number
//! of hashing threads at a lower priority, so that a storm of sign-ins cannot starve the server.
//! Sign-ins for accounts or from addresses that failed recently go to one more thread, which runs
//! only in idle time (`Lane::AfterFailures`): a storm of wrong passwords then neither slows the
//! console's other requests nor queues ahead of other people's sign-ins.
//!
//! Each hashing thread owns its 19 MiB of working memory, allocated (and written, so resident)
//! when the hasher is made and reused by every hash after. Allocating it per hash let the
//! allocator keep one copy per thread after a sign-in storm (hundreds of MB); with the memory
//! owned by the threads the process's footprint is the same before and after one.

use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, mpsc};
use std::time::Instant;

/// OWASP: m=19456 KiB, t=2, p=1.
const M_COST_KIB: u32 = 19_456;
const T_COST: u32 = 2;
const P_COST: u32 = 1;
/// How many recent hash durations are kept for `recent_hash_millis`.
const TIMINGS_KEPT: usize = 1024;

fn params() -> Params {
    // These constants are valid, so `Params::new` cannot fail.
    Params::new(M_COST_KIB, T_COST, P_COST, None).unwrap_or_default()
}

/// Working memory for one hash at a time.
type Memory = Vec<Block>;

fn new_memory() -> Memory {
    vec![Block::default(); params().block_count()]
}

/// The argon2 output of `password` under `params` and `salt`, computed in `memory` (grown if a
/// stored hash asks for more than the current parameters).
fn compute(
    password: &[u8],
    algorithm: Algorithm,
    version: Version,
    params: Params,
    salt: &[u8],
    memory: &mut Memory,
) -> argon2::password_hash::Result<Output> {
    let needed = params.block_count();
    if memory.len() < needed {
        memory.resize(needed, Block::default());
    }
    let len = params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
    let argon2 = Argon2::new(algorithm, version, params);
    Output::init_with(len, |out| {
        Ok(argon2.hash_password_into_with_memory(password, salt, out, &mut memory[..needed])?)
    })
}

fn hash_now(password: &str, memory: &mut Memory) -> anyhow::Result<String> {
    let fail = |e: argon2::password_hash::Error| anyhow::anyhow!("hashing failed: {e}");
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    let mut salt_bytes = [0u8; 64];
    let raw_salt = salt.as_salt().decode_b64(&mut salt_bytes).map_err(fail)?;
    let params = params();
    let output = compute(
        password.as_bytes(),
        Algorithm::Argon2id,
        Version::V0x13,
        params.clone(),
        raw_salt,
        memory,
    )
    .map_err(fail)?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(fail)?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    };
    Ok(phc.to_string())
}

fn verify_now(password: &str, hash: &str, memory: &mut Memory) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(version), Ok(params)) = (
        Algorithm::try_from(parsed.algorithm),
        Version::try_from(parsed.version.unwrap_or(0x13)),
        Params::try_from(&parsed),
    ) else {
        return false;
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(raw_salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    // `Output`'s equality is constant-time.
    compute(
        password.as_bytes(),
        algorithm,
        version,
        params,
        raw_salt,
        memory,
    )
    .is_ok_and(|computed| computed == expected)
}

/// A hash to compute on a hashing thread, with the thread's working memory.
type Job = Box<dyn FnOnce(&mut Memory) + Send>;

/// Below the niceness of the threads that serve requests: while a hash and other work compete
/// for a core, the other work goes first, so a storm of sign-ins slows sign-ins, not the console.
const HASHING_PRIORITY: u8 = 23; // of 0..=99, niceness 9 on Linux

/// Which hashing thread checks a password.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lane {
    /// At a lower priority than serving requests, but never waiting for a core to be idle.
    Usual,
    /// A sign-in for an account or from an address with a failure in the sign-in limits' window:
    /// on its own thread in the idle scheduling class, which runs only when a core has nothing
    /// else to do. A storm of wrong passwords lands here after its first failures.
    AfterFailures,
}

#[derive(Clone)]
pub struct PasswordHasher {
    /// The queue of the usual hashing threads (one per concurrent hash), first come first served.
    jobs: mpsc::Sender<Job>,
    /// The queue of the idle-time thread (`Lane::AfterFailures`).
    after_failures: mpsc::Sender<Job>,
    /// A real hash of a random secret: unknown e-mail addresses are checked against it so that
    /// they cost the same time as a wrong password.
    dummy_hash: Arc<str>,
    /// How long recent hashes took (ms), newest last.
    timings: Arc<Mutex<VecDeque<f64>>>,
}

/// Lowers the calling thread's priority below that of the threads that serve requests.
fn lower_priority() {
    use thread_priority::{ThreadPriority, ThreadPriorityValue, set_current_thread_priority};
    if let Ok(value) = ThreadPriorityValue::try_from(HASHING_PRIORITY)
        && let Err(e) = set_current_thread_priority(ThreadPriority::Crossplatform(value))
    {
        tracing::warn!(error = ?e, "could not lower the priority of a password hashing thread");
    }
}

/// Puts the calling thread in the idle scheduling class (or, where there is none, lowers it as
/// `lower_priority` does).
fn run_in_idle_time() {
    #[cfg(target_os = "linux")]
    {
        use thread_priority::unix::{
            NormalThreadSchedulePolicy, ThreadSchedulePolicy, set_thread_priority_and_policy,
            thread_native_id,
        };
        let idle = ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Idle);
        match set_thread_priority_and_policy(
            thread_native_id(),
            thread_priority::ThreadPriority::Min,
            idle,
        ) {
            Ok(()) => return,
            Err(e) => {
                tracing::warn!(error = ?e, "could not move a password hashing thread to idle time")
            }
        }
    }
    lower_priority();
}

/// Runs one job, so that a panic fails this hash (its caller sees the reply dropped), not the
/// thread.
fn run(job: Job, memory: &mut Memory) {
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(memory)));
}

/// A usual hashing thread: runs jobs from the queue with its own memory until the hasher is
/// dropped.
fn hashing_thread(jobs: Arc<Mutex<mpsc::Receiver<Job>>>, mut memory: Memory) {
    lower_priority();
    loop {
        let job = jobs.lock().unwrap_or_else(|e| e.into_inner()).recv();
        let Ok(job) = job else {
            return;
        };
        run(job, &mut memory);
    }
}

/// The idle-time thread (`Lane::AfterFailures`). It holds working memory only while it has
/// hashes to do and gives it back whenever its queue is empty, so a storm leaves nothing
/// resident behind it.
fn idle_time_thread(jobs: mpsc::Receiver<Job>) {
    run_in_idle_time();
    let mut memory: Option<Memory> = None;
    loop {
        let job = match jobs.try_recv() {
            Ok(job) => job,
            Err(mpsc::TryRecvError::Disconnected) => return,
            Err(mpsc::TryRecvError::Empty) => {
                memory = None;
                let Ok(job) = jobs.recv() else {
                    return;
                };
                job
            }
        };
        run(job, memory.get_or_insert_with(new_memory));
    }
}

impl PasswordHasher {
    /// `max_concurrent` hashes run at once, each on its own thread; further ones wait their turn.
    pub fn new(max_concurrent: usize) -> anyhow::Result<Self> {
        use rand::Rng;
        let mut first = new_memory();
        let secret: [u8; 16] = rand::thread_rng().r#gen();
        let dummy = hash_now(&format!("{secret:?}"), &mut first)?;
        let (sender, receiver) = mpsc::channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        let timings = Arc::new(Mutex::new(VecDeque::with_capacity(TIMINGS_KEPT)));
        for slot in 0..max_concurrent.max(1) {
            let memory = if slot == 0 {
                std::mem::take(&mut first)
            } else {
                new_memory()
            };
            let receiver = receiver.clone();
            std::thread::Builder::new()
                .name(format!("password-hash-{slot}"))
                .spawn(move || hashing_thread(receiver, memory))?;
        }
        let (after_failures, idle_jobs) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("password-idle".into())
            .spawn(move || idle_time_thread(idle_jobs))?;
        Ok(Self {
            jobs: sender,
            after_failures,
            dummy_hash: dummy.into(),
            timings,
        })
    }

    /// Runs `work` on a hashing thread of `lane`, once one is free.
    async fn on_hashing_thread<T: Send + 'static>(
        &self,
        lane: Lane,
        work: impl FnOnce(&mut Memory) -> T + Send + 'static,
    ) -> anyhow::Result<T> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let timings = self.timings.clone();
        let job: Job = Box::new(move |memory| {
            // The request has gone (its client hung up while it waited): nothing to check. After
            // a storm this empties the queue at once instead of hashing for no one.
            if reply.is_closed() {
                return;
            }
            let started = Instant::now();
            let result = work(memory);
            let took = started.elapsed().as_secs_f64() * 1000.0;
            {
                let mut timings = timings.lock().unwrap_or_else(|e| e.into_inner());
                if timings.len() == TIMINGS_KEPT {
                    timings.pop_front();
                }
                timings.push_back(took);
            }
            let _ = reply.send(result);
        });
        let queue = match lane {
            Lane::Usual => &self.jobs,
            Lane::AfterFailures => &self.after_failures,
        };
        queue
            .send(job)
            .map_err(|_| anyhow::anyhow!("the password hashing threads have stopped"))?;
        answer
            .await
            .map_err(|_| anyhow::anyhow!("a password hash failed"))
    }

    pub async fn hash(&self, password: &str) -> anyhow::Result<String> {
        let password = password.to_string();
        self.on_hashing_thread(Lane::Usual, move |memory| hash_now(&password, memory))
            .await?
    }

    /// Checks `password` against `hash`, or against the dummy hash when there is no account, on a
    /// thread of `lane`.
    pub async fn verify(
        &self,
        lane: Lane,
        password: &str,
        hash: Option<&str>,
    ) -> anyhow::Result<bool> {
        let password = password.to_string();
        let known = hash.is_some();
        let hash = hash
            .map(str::to_string)
            .unwrap_or_else(|| self.dummy_hash.to_string());
        let ok = self
            .on_hashing_thread(lane, move |memory| verify_now(&password, &hash, memory))
            .await?;
        Ok(ok && known)
    }

    /// How long the most recent hashes took to compute, in milliseconds (without the wait for a
    /// slot), oldest first.
    pub fn recent_hash_millis(&self) -> Vec<f64> {
        self.timings
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .copied()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::PasswordVerifier;

    #[tokio::test]
    async fn hashes_verify_and_wrong_passwords_fail() -> anyhow::Result<()> {
        let hasher = PasswordHasher::new(2)?;
        let hash = hasher.hash("correct horse battery").await?;
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        for lane in [Lane::Usual, Lane::AfterFailures] {
            assert!(
                hasher
                    .verify(lane, "correct horse battery", Some(&hash))
                    .await?
            );
            assert!(
                !hasher
                    .verify(lane, "wrong horse battery", Some(&hash))
                    .await?
            );
            // No account: never succeeds, even with the dummy's own secret unknown to the caller.
            assert!(!hasher.verify(lane, "anything", None).await?);
        }
        assert_eq!(hasher.recent_hash_millis().len(), 7);
        Ok(())
    }

    #[tokio::test]
    async fn hashes_agree_with_the_reference_implementation() -> anyhow::Result<()> {
        let hasher = PasswordHasher::new(1)?;
        // Ours verifies under the argon2 crate's own verifier ...
        let ours = hasher.hash("tr0ub4dor&3").await?;
        let parsed = PasswordHash::new(&ours).map_err(|e| anyhow::anyhow!("{e}"))?;
        assert!(
            Argon2::default()
                .verify_password(b"tr0ub4dor&3", &parsed)
                .is_ok()
        );
        // ... and a hash made by it with other (larger) parameters verifies under ours.
        use argon2::password_hash::PasswordHasher as _;
        let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
        let bigger = Params::new(24_576, 1, 1, None).map_err(|e| anyhow::anyhow!("{e}"))?;
        let theirs = Argon2::new(Algorithm::Argon2id, Version::V0x13, bigger)
            .hash_password(b"another secret", &salt)
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .to_string();
        assert!(
            hasher
                .verify(Lane::Usual, "another secret", Some(&theirs))
                .await?
        );
        assert!(
            !hasher
                .verify(Lane::Usual, "another secreT", Some(&theirs))
                .await?
        );
        // The slot's memory is back in its place and still works at the usual size.
        assert!(
            hasher
                .verify(Lane::Usual, "tr0ub4dor&3", Some(&ours))
                .await?
        );
        Ok(())
    }

    #[tokio::test]
    async fn a_sign_in_without_failures_does_not_wait_behind_a_storm() -> anyhow::Result<()> {
        let hasher = PasswordHasher::new(1)?;
        let hash = hasher.hash("correct horse battery").await?;
        let finished = Arc::new(Mutex::new(Vec::new()));
        let mut storm = Vec::new();
        for i in 0..8 {
            let (hasher, hash, finished) = (hasher.clone(), hash.clone(), finished.clone());
            storm.push(tokio::spawn(async move {
                let ok = hasher
                    .verify(Lane::AfterFailures, "wrong password", Some(&hash))
                    .await;
                finished
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(format!("storm {i}"));
                ok
            }));
        }
        tokio::task::yield_now().await;
        assert!(
            hasher
                .verify(Lane::Usual, "correct horse battery", Some(&hash))
                .await?
        );
        finished
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push("usual".into());
        for attempt in storm {
            assert!(!attempt.await??);
        }
        // Eight hashes queued on the idle-time thread take eight hashes' time; the usual sign-in
        // took one, on its own thread.
        let order = finished.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let usual = order.iter().position(|s| s == "usual");
        assert!(
            usual.is_some_and(|at| at < 4),
            "finished in this order: {order:?}"
        );
        Ok(())
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn the_thread_after_failures_runs_in_idle_time() -> anyhow::Result<()> {
        let hasher = PasswordHasher::new(1)?;
        // The scheduling policy of the thread that runs a job, read by the job itself: the 41st
        // field of the thread's stat (5 is SCHED_IDLE, 0 the normal class).
        let policy_on = |lane| {
            hasher.on_hashing_thread(lane, |_| {
                let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
                let after_name = stat.rsplit_once(')')?.1;
                after_name.split_whitespace().nth(38).map(str::to_string)
            })
        };
        assert_eq!(policy_on(Lane::AfterFailures).await?.as_deref(), Some("5"));
        assert_eq!(policy_on(Lane::Usual).await?.as_deref(), Some("0"));
        Ok(())
    }

    #[tokio::test]
    async fn a_check_whose_request_has_gone_is_skipped() -> anyhow::Result<()> {
        let hasher = PasswordHasher::new(1)?;
        let hash = hasher.hash("correct horse battery").await?;
        // Hold the hashing thread until the abandoned checks are queued behind it.
        let (open, gate) = mpsc::channel::<()>();
        let held = {
            let hasher = hasher.clone();
            tokio::spawn(async move {
                hasher
                    .on_hashing_thread(Lane::Usual, move |_| gate.recv())
                    .await
            })
        };
        let mut abandoned = Vec::new();
        for _ in 0..4 {
            let (hasher, hash) = (hasher.clone(), hash.clone());
            abandoned.push(tokio::spawn(async move {
                hasher
                    .verify(Lane::Usual, "wrong password", Some(&hash))
                    .await
            }));
        }
        tokio::task::yield_now().await;
        for attempt in &abandoned {
            attempt.abort();
        }
        for attempt in abandoned {
            assert!(attempt.await.is_err_and(|e| e.is_cancelled()));
        }
        open.send(())?;
        held.await??.map_err(|e| anyhow::anyhow!("{e}"))?;
        assert!(
            hasher
                .verify(Lane::Usual, "correct horse battery", Some(&hash))
                .await?
        );
        // Hashed: the first hash, the gate's job and the last check; not the four abandoned ones.
        assert_eq!(hasher.recent_hash_millis().len(), 3);
        Ok(())
    }
}
