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
        interval = options.next_interval(interval);
    }
}

impl WaitOptions {
    /// The wait after `interval`: longer by the backoff factor (a factor under 1 counts as 1, so
    /// waits never shrink), up to the cap.
    fn next_interval(&self, interval: Duration) -> Duration {
        interval.mul_f64(self.backoff.max(1.0)).min(self.max_interval)
    }
}

#[cfg(test)]
mod tests {
    use super::{wait_until, WaitOptions};
    use crate::error::Error;
    use crate::test_support::ready;
    use std::cell::Cell;
    use std::time::Duration;

    #[test]
    fn waits_grow_by_the_backoff_factor_up_to_the_cap() {
        let options = WaitOptions::default();
        let mut interval = options.interval;
        let mut waits = Vec::new();
        for _ in 0..8 {
            waits.push(interval.as_secs_f64());
            interval = options.next_interval(interval);
        }
        assert_eq!(waits, [5.0, 7.5, 11.25, 16.875, 25.3125, 37.96875, 56.953125, 60.0]);
        let shrinking = WaitOptions { backoff: 0.5, ..WaitOptions::default() };
        assert_eq!(shrinking.next_interval(Duration::from_secs(3)), Duration::from_secs(3));
    }

    #[test]
    fn a_value_already_there_returns_after_one_poll() {
        let polls = Cell::new(0);
        let poll = || {
            polls.set(polls.get() + 1);
            async { Ok::<_, Error>("ended") }
        };
        let value = ready(wait_until("get", &WaitOptions::default(), poll, |state| *state == "ended"));
        assert_eq!(value.unwrap(), "ended");
        assert_eq!(polls.get(), 1);
    }

    #[test]
    fn a_passed_deadline_ends_the_wait_with_wait_timeout() {
        let options = WaitOptions { deadline: Duration::ZERO, ..WaitOptions::default() };
        let poll = || async { Ok::<_, Error>("in_progress") };
        match ready(wait_until("get_batch", &options, poll, |state| *state == "ended")) {
            Err(Error::WaitTimeout { operation, .. }) => assert_eq!(operation, "get_batch"),
            other => panic!("expected a wait timeout, got {other:?}"),
        }
    }

    #[test]
    fn an_error_of_a_poll_ends_the_wait() {
        let poll = || async { Err::<&str, _>(Error::<serde_json::Value>::Timeout { operation: "get" }) };
        let result = ready(wait_until("get", &WaitOptions::default(), poll, |_| true));
        assert!(matches!(result, Err(Error::Timeout { operation: "get" })), "{result:?}");
    }
}
