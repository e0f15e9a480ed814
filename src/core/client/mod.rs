//! The records client's logic over any [`Transport`]: authentication, requests,
//! decoding, caches, identifier resolution and the records operations. The
//! wasm bindings wrap it; native tests drive it with a recording fake.

mod auth;
mod cache;
pub mod entity_types;
mod field_names;
pub mod ident;
mod inflight;
mod join;
mod lru;
pub mod observe;
mod records;

pub use auth::{Credentials, TokenFuture, TokenProvider};
pub use cache::{CacheStats, RestoreSummary};
pub use ident::{FieldRef, RecordRef};

/// The default bound on cached records.
pub const DEFAULT_MAX_RECORDS: usize = crate::core::defaults::MAX_RECORDS;
/// The default time a cached answer is reused, in milliseconds.
pub const DEFAULT_CACHE_TTL_MS: i64 = crate::core::defaults::CACHE_TTL_MS;
/// The default number of batches fetched at once.
pub const DEFAULT_CONCURRENCY: usize = crate::core::defaults::CONCURRENCY;
/// The reference client's batch size for `getRecordsByIds`.
pub const DEFAULT_BATCH_SIZE: usize = crate::core::defaults::BATCH_SIZE;
pub use records::{Column, Columns, ColumnsScope, FileUpload};

use crate::core::error::{Error, ErrorCode};
use crate::core::http::{
    encode_query, Body, HttpRequest, HttpResponse, Method, Transport, TransportError,
};
use crate::core::retry::{Outcome, RetryPolicy};
use serde::de::DeserializeOwned;
use std::cell::RefCell;
use std::rc::Rc;

/// The production API.
pub const DEFAULT_URL: &str = crate::core::defaults::URL;

/// How a client is set up.
pub struct ClientConfig {
    /// The API's base URL, without a trailing slash.
    pub url: String,
    /// How the client gets its tokens.
    pub credentials: Credentials,
    /// Headers added to every request (for example a proxy's `Authorization`).
    pub additional_headers: Vec<(String, String)>,
    /// Milliseconds since the epoch, now.
    pub clock: Rc<dyn Fn() -> i64>,
    /// A uniform random number in `[0, 1)`, for backoff jitter.
    pub random: Rc<dyn Fn() -> f64>,
    /// When to retry.
    pub retry: RetryPolicy,
    /// The most records the cache holds; the least recently used go first.
    pub max_records: usize,
    /// How long a cached record, "not found" or list is reused; `None`: until evicted.
    pub ttl_ms: Option<i64>,
    /// Whether the first record fetch also loads the field and activity lists, so
    /// that names resolve in readers that cannot ask the server (the browser
    /// client does; tests that count requests turn it off).
    pub load_names: bool,
    /// How many batches `get_records_by_ids` fetches at once.
    pub concurrency: usize,
    /// Told about every attempt and retry (the `onRequest` / `onRetry` hooks).
    pub observer: Option<observe::Observer>,
}

/// A Kaleidoscope client over a transport. Cheap to share through `Rc`.
pub struct Client<T: Transport> {
    transport: T,
    url: String,
    additional_headers: Vec<(String, String)>,
    clock: Rc<dyn Fn() -> i64>,
    random: Rc<dyn Fn() -> f64>,
    retry: RetryPolicy,
    concurrency: usize,
    observer: Option<observe::Observer>,
    auth: auth::Auth,
    cache: RefCell<cache::Caches>,
    inflight: inflight::InFlight,
    /// Whether the field and activity lists were loaded for the names (or failed to).
    names_loaded: std::cell::Cell<bool>,
    load_names: bool,
}

impl<T: Transport> Client<T> {
    /// A client with empty caches. Nothing is sent until the first call.
    pub fn new(transport: T, config: ClientConfig) -> Result<Self, Error> {
        let url = config.url.trim_end_matches('/').to_string();
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(Error::invalid(format!(
                "url must start with http:// or https://, got {url:?}"
            )));
        }
        Ok(Client {
            transport,
            url,
            additional_headers: config.additional_headers,
            clock: config.clock.clone(),
            random: config.random,
            retry: config.retry,
            concurrency: config.concurrency,
            observer: config.observer,
            auth: auth::Auth::new(config.credentials),
            cache: RefCell::new(cache::Caches::with_expiry(
                config.max_records,
                cache::Expiry {
                    ttl_ms: config.ttl_ms,
                    clock: config.clock.clone(),
                },
            )),
            inflight: inflight::InFlight::default(),
            names_loaded: std::cell::Cell::new(!config.load_names),
            load_names: config.load_names,
        })
    }

    /// The transport, for tests that inspect it.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    fn now(&self) -> i64 {
        (self.clock)()
    }

    /// Sends one API request with a fresh token and answers the response,
    /// whatever its status. A 401 renews the token and tries once more.
    async fn send(
        &self,
        method: Method,
        path: &str,
        query: &[(String, String)],
        body: Body,
    ) -> Result<HttpResponse, Error> {
        if method != Method::Get {
            return self.send_now(method, path, query, body).await;
        }
        // Concurrent identical reads share one request.
        let key = format!("{path}?{}", encode_query(query));
        let shared = self
            .inflight
            .share(&key, self.send_now(method, path, query, body.clone()));
        match shared.await {
            // The caller that was sending for everyone gave up: ask for ourselves.
            Err(e) if e.code == ErrorCode::Aborted => {
                self.send_now(method, path, query, body).await
            }
            other => other,
        }
    }

    async fn send_now(
        &self,
        method: Method,
        path: &str,
        query: &[(String, String)],
        body: Body,
    ) -> Result<HttpResponse, Error> {
        let mut renewed = false;
        let mut retries = 0;
        let mut attempt: u32 = 0;
        loop {
            let token = self.auth.token(self).await?;
            let mut url = format!("{}{}", self.url, path);
            if !query.is_empty() {
                url.push('?');
                url.push_str(&encode_query(query));
            }
            let mut headers = vec![("X-Kal-Authorization".to_string(), format!("Bearer {token}"))];
            if matches!(body, Body::Json(_)) {
                headers.push(("Content-Type".to_string(), "application/json".to_string()));
            }
            headers.extend(self.additional_headers.iter().cloned());
            let request = HttpRequest {
                method,
                url,
                path: path.to_string(),
                headers,
                body: body.clone(),
            };
            attempt += 1;
            let started = self.now();
            let mut outcome = self.transport.send(request).await;
            if let Ok(response) = &mut outcome {
                response.attempts = attempt;
            }
            let event = |kind, wait_ms| observe::RequestEvent {
                kind,
                method,
                path,
                attempt,
                status: outcome.as_ref().ok().map(|r| r.status),
                error: outcome.as_ref().err().map(|e| match e {
                    TransportError::Network(_) => ErrorCode::Network,
                    TransportError::Timeout => ErrorCode::Timeout,
                    TransportError::Aborted => ErrorCode::Aborted,
                }),
                duration_ms: self.now() - started,
                wait_ms,
            };
            if let Some(observer) = &self.observer {
                observer(&event(observe::EventKind::Attempt, None));
            }
            if let Ok(response) = &outcome {
                if response.status == 401 && !renewed {
                    renewed = true;
                    self.auth.invalidate(&token);
                    continue;
                }
            }
            let seen = match &outcome {
                Ok(response) => Outcome::Answered(response),
                Err(error) => Outcome::Failed(error),
            };
            if let Some(wait) =
                self.retry
                    .wait_ms(method, seen, retries, self.now(), (self.random)())
            {
                retries += 1;
                if let Some(observer) = &self.observer {
                    observer(&event(observe::EventKind::Retry, Some(wait)));
                }
                self.transport
                    .sleep(wait)
                    .await
                    .map_err(|e| transport_error(e, method, path, false))?;
                continue;
            }
            return outcome.map_err(|e| {
                let mut error = transport_error(e, method, path, method != Method::Get);
                error.attempts = Some(attempt);
                error
            });
        }
    }

    /// Sends a request and decodes a 2xx JSON answer; every other status is an error.
    async fn call<R: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(String, String)],
        body: Body,
    ) -> Result<R, Error> {
        self.call_with(method, path, query, body, |bytes| {
            crate::core::store::from_json(bytes)
        })
        .await
    }

    /// [`Client::call`] with the answer's bytes read by `read`.
    async fn call_with<R>(
        &self,
        method: Method,
        path: &str,
        query: &[(String, String)],
        body: Body,
        read: impl FnOnce(&[u8]) -> Result<R, serde_json::Error>,
    ) -> Result<R, Error> {
        let response = self.send(method, path, query, body).await?;
        decode_with(method, path, response, read).map_err(|mut error| {
            // A write that a server or proxy failed on may still have been applied.
            if method != Method::Get && matches!(error.status, Some(500 | 502 | 503 | 504)) {
                error.code = ErrorCode::WriteOutcomeUnknown;
                error
                    .message
                    .push_str("; the write may or may not have been applied");
            }
            error
        })
    }

    /// A GET that answers `None` for 404.
    async fn get_optional<R: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(String, String)],
    ) -> Result<Option<R>, Error> {
        let response = self.send(Method::Get, path, query, Body::Empty).await?;
        optional_with(path, response, |bytes| crate::core::store::from_json(bytes))
    }

    /// A POST with a JSON body.
    async fn post<R: DeserializeOwned>(
        &self,
        path: &str,
        json: &serde_json::Value,
    ) -> Result<R, Error> {
        self.send_json(Method::Post, path, json).await
    }

    /// A write (`POST`, `PUT`) with a JSON body.
    async fn send_json<R: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        json: &serde_json::Value,
    ) -> Result<R, Error> {
        self.call(method, path, &[], Body::Json(json.to_string().into_bytes()))
            .await
    }

    /// Downloads a file's bytes (`GET /files/{id}`, or through an activity).
    pub async fn download_file(
        &self,
        file_id: &str,
        activity_id: Option<&str>,
    ) -> Result<Option<Vec<u8>>, Error> {
        let path = match activity_id {
            Some(a) => format!(
                "/activities/{}/file/{}",
                ident::path_segment(a)?,
                ident::path_segment(file_id)?
            ),
            None => format!("/files/{}", ident::path_segment(file_id)?),
        };
        let response = self.send(Method::Get, &path, &[], Body::Empty).await?;
        match response.status {
            404 => Ok(None),
            200..=299 => Ok(Some(response.body)),
            _ => Err(http_error(Method::Get, &path, &response)),
        }
    }
}

/// The error for a request that got no answer. For a write (`is_write`) the
/// outcome is unknown: the server may have applied it.
fn transport_error(error: TransportError, method: Method, path: &str, is_write: bool) -> Error {
    let (code, message) = match error {
        TransportError::Network(detail) => (
            ErrorCode::Network,
            format!("{} {path} got no answer: {detail}", method.as_str()),
        ),
        TransportError::Timeout => (
            ErrorCode::Timeout,
            format!("{} {path} timed out", method.as_str()),
        ),
        TransportError::Aborted => (
            ErrorCode::Aborted,
            format!("{} {path} was aborted", method.as_str()),
        ),
    };
    let code = if is_write && code != ErrorCode::Aborted {
        ErrorCode::WriteOutcomeUnknown
    } else {
        code
    };
    let message = if code == ErrorCode::WriteOutcomeUnknown {
        format!("{message}; the write may or may not have been applied")
    } else {
        message
    };
    Error::new(code, message).on(method, path)
}

/// The error for an answer with a status >= 400.
pub fn http_error(method: Method, path: &str, response: &HttpResponse) -> Error {
    let body = String::from_utf8_lossy(&response.body).into_owned();
    let detail = serde_json::from_str::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v.get("message").and_then(|m| m.as_str()).map(String::from))
        .unwrap_or_else(|| body.chars().take(200).collect());
    let mut error = Error::new(
        ErrorCode::Http,
        format!(
            "{} {path} failed with status {}: {detail}",
            method.as_str(),
            response.status
        ),
    )
    .on(method, path);
    error.status = Some(response.status);
    error.body = Some(body);
    error.request_id = response.header("x-request-id").map(String::from);
    error.attempts = Some(response.attempts);
    error
}

/// A GET's answer: `None` for 404, else [`decode_with`].
fn optional_with<R>(
    path: &str,
    response: HttpResponse,
    read: impl FnOnce(&[u8]) -> Result<R, serde_json::Error>,
) -> Result<Option<R>, Error> {
    if response.status == 404 {
        return Ok(None);
    }
    decode_with(Method::Get, path, response, read).map(Some)
}

/// Decodes a 2xx answer's bytes with `read`; every other status is an error.
fn decode_with<R>(
    method: Method,
    path: &str,
    response: HttpResponse,
    read: impl FnOnce(&[u8]) -> Result<R, serde_json::Error>,
) -> Result<R, Error> {
    if !(200..300).contains(&response.status) {
        return Err(http_error(method, path, &response));
    }
    read(&response.body).map_err(|e| decode_error(method, path, &response, e))
}

/// The error for a 2xx answer whose JSON has the wrong shape (one copy for every
/// type decoded: it is most of what each decoding call would otherwise repeat).
fn decode_error(
    method: Method,
    path: &str,
    response: &HttpResponse,
    e: serde_json::Error,
) -> Error {
    let mut error = Error::new(
        ErrorCode::Decode,
        format!(
            "{} {path} answered JSON of the wrong shape: {e}",
            method.as_str()
        ),
    )
    .on(method, path);
    error.status = Some(response.status);
    error.request_id = response.header("x-request-id").map(String::from);
    error.attempts = Some(response.attempts);
    error.body = Some(
        String::from_utf8_lossy(&response.body)
            .chars()
            .take(1000)
            .collect(),
    );
    error
}

#[cfg(test)]
pub mod fake;

#[cfg(test)]
mod tests;

#[cfg(test)]
mod tests_requests;

#[cfg(test)]
mod tests_lists;

#[cfg(test)]
mod tests_records;

#[cfg(test)]
mod tests_freshness;

#[cfg(test)]
mod tests_frontends;
#[cfg(test)]
mod tests_views;

#[cfg(test)]
mod tests_parity;
