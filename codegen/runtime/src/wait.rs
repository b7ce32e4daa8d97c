//! Waiters: poll an operation until a field of its result reaches one of the awaited values.

use super::error::Error;
use std::future::Future;
use std::time::{Duration, Instant};

/// How a waiter polls: first interval, growth, cap, and an overall deadline.
#[derive(Clone, Debug)]
pub struct WaitOptions {
    /// Wait between the first two polls (default 5 s).
    pub interval: Duration,
    /// Each wait is the previous one times this factor (default 1.5)…
    pub backoff: f64,
    /// …up to this (default 60 s).
    pub max_interval: Duration,
    /// Give up with [`Error::WaitTimeout`] after this long (default 25 hours: a batch ends within
    /// 24 hours of creation).
    pub deadline: Duration,
}

impl Default for WaitOptions {
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(5),
            backoff: 1.5,
            max_interval: Duration::from_secs(60),
            deadline: Duration::from_secs(25 * 60 * 60),
        }
    }
}

/// Calls `poll` until `done` holds for its result, sleeping between calls as `options` say.
/// Errors from `poll` end the wait (each call already retried what is worth retrying).
pub(crate) async fn wait_until<T, E, F, Fut>(
    operation: &'static str,
    options: &WaitOptions,
    mut poll: F,
    done: impl Fn(&T) -> bool,
) -> Result<T, Error<E>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Error<E>>>,
{
    let started = Instant::now();
    let mut interval = options.interval;
    let mut polls = 0u32;
    loop {
        let value = poll().await?;
        polls += 1;
        if done(&value) {
            return Ok(value);
        }
        let waited = started.elapsed();
        let Some(left) = options.deadline.checked_sub(waited).filter(|left| !left.is_zero()) else {
            return Err(Error::WaitTimeout { operation, waited });
        };
        tracing::debug!(operation, polls, wait_ms = interval.min(left).as_millis() as u64, "not there yet");
        tokio::time::sleep(interval.min(left)).await;
        interval = interval.mul_f64(options.backoff.max(1.0)).min(options.max_interval);
    }
}
