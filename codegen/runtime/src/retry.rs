//! When to try a request again and how long to wait first: the official clients' rules, with the
//! server's own word (`x-should-retry`, `retry-after-ms`, `retry-after`) taking precedence.

use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, SystemTime};

/// Retry settings of a client.
#[derive(Clone, Debug)]
pub(crate) struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// Wait before the first retry, doubled for each further one.
    pub initial_delay: Duration,
    /// Longest computed wait.
    pub max_delay: Duration,
    /// Longest wait a server may ask for; a longer request falls back to the computed wait.
    pub max_server_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            max_server_delay: Duration::from_secs(60),
        }
    }
}

/// Whether a response with this status and these headers should be tried again.
pub(crate) fn should_retry_status(status: StatusCode, headers: &HeaderMap) -> bool {
    match headers.get("x-should-retry").and_then(|value| value.to_str().ok()) {
        Some("true") => return true,
        Some("false") => return false,
        _ => {}
    }
    matches!(status.as_u16(), 408 | 409 | 429) || status.is_server_error()
}

impl RetryPolicy {
    /// How long to wait before retry number `retry` (0 for the first retry).
    pub fn delay(&self, retry: u32, headers: Option<&HeaderMap>) -> Duration {
        if let Some(requested) = headers.and_then(server_delay) {
            if requested <= self.max_server_delay {
                return requested;
            }
        }
        let doubled = self.initial_delay.saturating_mul(2u32.saturating_pow(retry.min(16)));
        let capped = doubled.min(self.max_delay);
        // Jitter in [0.75, 1] spreads out clients that failed together.
        capped.mul_f64(1.0 - 0.25 * random_fraction())
    }
}

/// The wait a server asked for: `retry-after-ms`, else `retry-after` in seconds or as an HTTP date.
fn server_delay(headers: &HeaderMap) -> Option<Duration> {
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok()).map(str::trim);
    if let Some(millis) = header("retry-after-ms").and_then(|text| text.parse::<f64>().ok()) {
        if millis.is_finite() && millis >= 0.0 {
            return Some(Duration::from_secs_f64(millis / 1000.0));
        }
    }
    let text = header("retry-after")?;
    if let Ok(seconds) = text.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds));
    }
    let when = httpdate::parse_http_date(text).ok()?;
    Some(when.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO))
}

/// A number in [0, 1) from the standard library's per-process random keys; no RNG crate needed
/// for jitter.
fn random_fraction() -> f64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(
        SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64),
    );
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn statuses_and_the_server_override() {
        let none = HeaderMap::new();
        for status in [408, 409, 429, 500, 502, 503, 529] {
            assert!(should_retry_status(StatusCode::from_u16(status).unwrap(), &none), "{status}");
        }
        for status in [400, 401, 403, 404, 413, 422] {
            assert!(!should_retry_status(StatusCode::from_u16(status).unwrap(), &none), "{status}");
        }
        assert!(should_retry_status(StatusCode::BAD_REQUEST, &headers(&[("x-should-retry", "true")])));
        assert!(!should_retry_status(
            StatusCode::SERVICE_UNAVAILABLE,
            &headers(&[("x-should-retry", "false")])
        ));
    }

    #[test]
    fn waits_follow_the_server_then_back_off_with_jitter() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.delay(0, Some(&headers(&[("retry-after-ms", "250")]))), Duration::from_millis(250));
        assert_eq!(policy.delay(0, Some(&headers(&[("retry-after", "3")]))), Duration::from_secs(3));
        let long = policy.delay(0, Some(&headers(&[("retry-after", "3600")])));
        assert!(long <= Duration::from_millis(500), "a wait over the cap falls back to backoff: {long:?}");
        for retry in 0..8 {
            let wait = policy.delay(retry, None);
            let full = Duration::from_millis(500).saturating_mul(1 << retry).min(Duration::from_secs(8));
            assert!(wait <= full && wait >= full.mul_f64(0.75), "retry {retry}: {wait:?} vs {full:?}");
        }
    }
}
