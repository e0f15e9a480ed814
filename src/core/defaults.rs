//! What a client uses when its options leave a setting out: the one place these
//! numbers are defined. The root README and the npm README document them, and a
//! test reads both files to check they say the same.

/// The API the client talks to without a `url` option.
pub const URL: &str = "https://api.kaleidoscope.bio";
/// Retries after the first attempt (`maxRetries`).
pub const MAX_RETRIES: u32 = 2;
/// The first backoff's ceiling in milliseconds (`retryBaseMs`).
pub const RETRY_BASE_MS: f64 = 500.0;
/// The longest wait between attempts in milliseconds (`retryMaxMs`).
pub const RETRY_MAX_MS: f64 = 8_000.0;
/// How long one attempt may take, in milliseconds (`timeoutMs`).
pub const TIMEOUT_MS: f64 = 30_000.0;
/// The bound on cached records (`cache.maxRecords`).
pub const MAX_RECORDS: usize = 50_000;
/// How long a cached record, "not found", or field or activity list is reused,
/// in milliseconds (`cache.ttlMs`), as the reference client does.
pub const CACHE_TTL_MS: i64 = 60_000;
/// Batches `getRecordsByIds` fetches side by side (`concurrency`).
pub const CONCURRENCY: usize = 4;
/// Records per request in `getRecordsByIds` (the reference client's batch size).
pub const BATCH_SIZE: usize = 250;

#[cfg(test)]
mod tests {
    use super::*;

    fn read(path: &str) -> String {
        let root = env!("CARGO_MANIFEST_DIR");
        std::fs::read_to_string(format!("{root}/{path}")).unwrap_or_default()
    }

    /// Every phrase a README must hold for the shipped defaults.
    fn documented(file: &str, phrases: &[String]) {
        let text = read(file).split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(!text.is_empty(), "{file} is missing");
        for phrase in phrases {
            assert!(
                text.contains(phrase.as_str()),
                "{file} does not say {phrase:?}"
            );
        }
    }

    /// The rows of a README's options table: `| `option` | default |`.
    fn option_rows() -> Vec<String> {
        [
            ("url", format!("`{URL}`")),
            ("timeoutMs", TIMEOUT_MS.to_string()),
            ("maxRetries", MAX_RETRIES.to_string()),
            ("retryBaseMs", RETRY_BASE_MS.to_string()),
            ("retryMaxMs", RETRY_MAX_MS.to_string()),
            ("cache.maxRecords", MAX_RECORDS.to_string()),
            ("cache.ttlMs", CACHE_TTL_MS.to_string()),
            ("concurrency", CONCURRENCY.to_string()),
        ]
        .into_iter()
        .map(|(option, default)| format!("| `{option}` | {default} |"))
        .collect()
    }

    #[test]
    fn the_readmes_document_the_shipped_defaults() {
        let mut root = option_rows();
        root.extend([
            format!("`maxRetries` {MAX_RETRIES}"),
            format!("`retryBaseMs` {RETRY_BASE_MS}"),
            format!("`retryMaxMs` {RETRY_MAX_MS}"),
            format!("`timeoutMs` ({TIMEOUT_MS})"),
            format!("`cache: {{ maxRecords }}` ({MAX_RECORDS})"),
            format!("`cache: {{ ttlMs }}` ({CACHE_TTL_MS})"),
            format!("fetched in batches of {BATCH_SIZE}"),
        ]);
        documented("README.md", &root);
        documented("pkg-template/README.md", &option_rows());
    }

    #[test]
    fn the_retry_policy_starts_from_the_defaults() {
        let policy = crate::core::retry::RetryPolicy::default();
        assert_eq!(policy.max_retries, MAX_RETRIES);
        assert_eq!(policy.base_ms, RETRY_BASE_MS);
        assert_eq!(policy.max_ms, RETRY_MAX_MS);
    }
}
