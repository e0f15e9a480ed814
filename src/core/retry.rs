//! When to try a request again, and how long to wait first: plain logic, with
//! the clock and the randomness passed in.
//!
//! - Reads (GET) are retried after a network error, a timeout, or 408, 429,
//!   500, 502, 503, 504.
//! - Writes (POST, PUT, DELETE) only when the server says it did not process
//!   them: 429, or 503 with `Retry-After`.
//! - Waits grow exponentially with full jitter (`random × min(cap, base × 2^n)`);
//!   a `Retry-After` (seconds or an HTTP date) is honoured up to the cap.

use crate::core::http::{HttpResponse, Method, TransportError};
use crate::core::{defaults, time};

/// How many times and how patiently to retry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// The first backoff's ceiling, in milliseconds.
    pub base_ms: f64,
    /// No wait is longer than this, in milliseconds.
    pub max_ms: f64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: defaults::MAX_RETRIES,
            base_ms: defaults::RETRY_BASE_MS,
            max_ms: defaults::RETRY_MAX_MS,
        }
    }
}

/// What one attempt came to.
#[derive(Debug, Clone, Copy)]
pub enum Outcome<'a> {
    /// The server answered.
    Answered(&'a HttpResponse),
    /// No answer.
    Failed(&'a TransportError),
}

/// Whether a status tells that the server did not process a write.
fn write_not_processed(response: &HttpResponse) -> bool {
    response.status == 429 || (response.status == 503 && response.header("retry-after").is_some())
}

impl RetryPolicy {
    /// Whether an outcome may be retried at all for this method.
    pub fn is_retryable(method: Method, outcome: Outcome<'_>) -> bool {
        match (method, outcome) {
            (_, Outcome::Failed(TransportError::Aborted)) => false,
            (Method::Get, Outcome::Failed(_)) => true,
            (Method::Get, Outcome::Answered(r)) => {
                matches!(r.status, 408 | 429 | 500 | 502 | 503 | 504)
            }
            (_, Outcome::Failed(_)) => false,
            (_, Outcome::Answered(r)) => write_not_processed(r),
        }
    }

    /// How long to wait before retry number `retry` (0 for the first retry), or
    /// `None` when the call should give up. `random` is uniform in `[0, 1)`.
    pub fn wait_ms(
        &self,
        method: Method,
        outcome: Outcome<'_>,
        retry: u32,
        now_ms: i64,
        random: f64,
    ) -> Option<f64> {
        if retry >= self.max_retries || !Self::is_retryable(method, outcome) {
            return None;
        }
        if let Outcome::Answered(response) = outcome {
            if let Some(after) = response
                .header("retry-after")
                .and_then(|v| retry_after_ms(v, now_ms))
            {
                return Some(after.min(self.max_ms));
            }
        }
        let ceiling = (self.base_ms * 2f64.powi(retry.min(30) as i32)).min(self.max_ms);
        Some(random.clamp(0.0, 1.0) * ceiling)
    }
}

/// A `Retry-After` value in milliseconds from now: delay-seconds or an HTTP date.
pub fn retry_after_ms(value: &str, now_ms: i64) -> Option<f64> {
    let value = value.trim();
    if let Some(seconds) = crate::core::number::parse_decimal(value) {
        return (seconds.is_finite() && seconds >= 0.0).then_some(seconds * 1000.0);
    }
    let at = time::parse_http_date(value)?;
    Some((at - now_ms).max(0) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, retry_after: Option<&str>) -> HttpResponse {
        HttpResponse {
            status,
            headers: retry_after
                .map(|v| vec![("retry-after".to_string(), v.to_string())])
                .unwrap_or_default(),
            body: Vec::new(),
            attempts: 1,
        }
    }

    #[test]
    fn reads_retry_on_transient_failures_only() {
        for status in [408, 429, 500, 502, 503, 504] {
            assert!(
                RetryPolicy::is_retryable(Method::Get, Outcome::Answered(&answer(status, None))),
                "{status}"
            );
        }
        for status in [400, 401, 403, 404, 409, 413, 501] {
            assert!(
                !RetryPolicy::is_retryable(Method::Get, Outcome::Answered(&answer(status, None))),
                "{status}"
            );
        }
        assert!(RetryPolicy::is_retryable(
            Method::Get,
            Outcome::Failed(&TransportError::Network("reset".into()))
        ));
        assert!(RetryPolicy::is_retryable(
            Method::Get,
            Outcome::Failed(&TransportError::Timeout)
        ));
        assert!(!RetryPolicy::is_retryable(
            Method::Get,
            Outcome::Failed(&TransportError::Aborted)
        ));
    }

    #[test]
    fn writes_retry_only_when_the_server_did_not_process_them() {
        assert!(RetryPolicy::is_retryable(
            Method::Post,
            Outcome::Answered(&answer(429, None))
        ));
        assert!(RetryPolicy::is_retryable(
            Method::Post,
            Outcome::Answered(&answer(503, Some("1")))
        ));
        assert!(!RetryPolicy::is_retryable(
            Method::Post,
            Outcome::Answered(&answer(503, None))
        ));
        assert!(!RetryPolicy::is_retryable(
            Method::Put,
            Outcome::Answered(&answer(500, None))
        ));
        assert!(!RetryPolicy::is_retryable(
            Method::Post,
            Outcome::Answered(&answer(502, None))
        ));
        assert!(!RetryPolicy::is_retryable(
            Method::Post,
            Outcome::Failed(&TransportError::Network("x".into()))
        ));
        assert!(!RetryPolicy::is_retryable(
            Method::Post,
            Outcome::Failed(&TransportError::Timeout)
        ));
    }

    #[test]
    fn backoff_is_capped_exponential_with_full_jitter() {
        let p = RetryPolicy {
            max_retries: 10,
            base_ms: 500.0,
            max_ms: 8_000.0,
        };
        let fail = answer(503, None);
        let wait = |retry, random| {
            p.wait_ms(Method::Get, Outcome::Answered(&fail), retry, 0, random)
                .unwrap()
        };
        assert_eq!(wait(0, 0.999_999).round(), 500.0);
        assert_eq!(wait(1, 0.5), 500.0);
        assert_eq!(wait(3, 1.0), 4_000.0);
        assert_eq!(wait(6, 1.0), 8_000.0);
        assert_eq!(wait(2, 0.0), 0.0);
        assert_eq!(
            p.wait_ms(Method::Get, Outcome::Answered(&fail), 10, 0, 0.5),
            None
        );
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_cap() {
        let p = RetryPolicy::default();
        let now = time::parse_iso("2026-11-28T10:00:00Z").unwrap();
        let wait = |v: &str| {
            p.wait_ms(
                Method::Get,
                Outcome::Answered(&answer(429, Some(v))),
                0,
                now,
                0.1,
            )
        };
        assert_eq!(wait("1"), Some(1_000.0));
        assert_eq!(wait("120"), Some(8_000.0));
        assert_eq!(wait("Sat, 28 Nov 2026 10:00:03 GMT"), Some(3_000.0));
        assert_eq!(wait("Sat, 28 Nov 2026 09:00:00 GMT"), Some(0.0));
        // An unreadable Retry-After falls back to the backoff.
        assert_eq!(wait("soon"), Some(50.0));
    }
}
