//! Request ids, the request log and injected faults (`--test-hooks`).

use crate::error::ApiError;
use crate::store::{now_ms, random_hex};
use crate::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use kalbio::core::time::format_iso;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::sync::Arc;

/// The most log entries kept; older ones are dropped.
const LOG_MAX: usize = 200_000;
/// The most bytes the log's entries may hold; older ones are dropped.
const LOG_MAX_BYTES: usize = 16 * 1024 * 1024;

/// One served request.
#[derive(Clone, Serialize)]
pub struct LogEntry {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    /// The status answered; 0 when the connection was reset.
    pub status: u16,
    pub time: String,
    pub request_id: String,
    pub duration_ms: u64,
}

/// A fault queued for the next matching requests.
#[derive(Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    #[serde(default)]
    pub method: Option<String>,
    pub path_prefix: String,
    pub times: u32,
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(default)]
    pub retry_after_s: Option<u64>,
    #[serde(default)]
    pub delay_ms: Option<u64>,
    #[serde(default)]
    pub reset_connection: bool,
    #[serde(default)]
    pub body: Option<String>,
}

impl LogEntry {
    /// Roughly what the entry takes in memory.
    fn bytes(&self) -> usize {
        std::mem::size_of::<LogEntry>()
            + self.method.len()
            + self.path.len()
            + self.query.as_ref().map_or(0, String::len)
            + self.time.len()
            + self.request_id.len()
    }
}

/// The request log (kept only with `--test-hooks`) and the queued faults.
#[derive(Default)]
pub struct Hooks {
    log: VecDeque<LogEntry>,
    log_bytes: usize,
    pub faults: Vec<Fault>,
}

impl Hooks {
    /// Adds an entry, dropping the oldest ones past [`LOG_MAX`] entries or [`LOG_MAX_BYTES`].
    fn record(&mut self, entry: LogEntry) {
        self.log_bytes += entry.bytes();
        self.log.push_back(entry);
        while self.log.len() > LOG_MAX || self.log_bytes > LOG_MAX_BYTES {
            let Some(old) = self.log.pop_front() else {
                break;
            };
            self.log_bytes = self.log_bytes.saturating_sub(old.bytes());
        }
    }
}

fn lock(state: &AppState) -> std::sync::MutexGuard<'_, Hooks> {
    state
        .hooks
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Gives every answer an `X-Request-Id` and logs it.
pub async fn request_log(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let started = now_ms();
    let request_id = format!("req-{}", random_hex(8));
    let method = request.method().to_string();
    let path = request.uri().path().to_string();
    // Without --test-hooks nothing is kept: a stream of requests cannot grow the process.
    let keep = state.config.test_hooks && !path.starts_with("/_sandbox");
    let query = request.uri().query().filter(|_| keep).map(String::from);
    let mut response = next.run(request).await;
    let reset = response.extensions().get::<ResetMarker>().is_some();
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-request-id", v);
    }
    if keep {
        lock(&state).record(LogEntry {
            method,
            path,
            query,
            status: if reset { 0 } else { response.status().as_u16() },
            time: format_iso(started),
            request_id,
            duration_ms: (now_ms() - started).max(0) as u64,
        });
    }
    response
}

#[derive(Clone)]
struct ResetMarker;

/// Applies the first queued fault that matches the request.
pub async fn inject_faults(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_string();
    if path.starts_with("/_sandbox") {
        return next.run(request).await;
    }
    let method = request.method().as_str().to_string();
    let fault = {
        let mut hooks = lock(&state);
        let found = hooks.faults.iter().position(|f| {
            f.times > 0
                && path.starts_with(&f.path_prefix)
                && f.method
                    .as_ref()
                    .is_none_or(|m| m.eq_ignore_ascii_case(&method))
        });
        found.and_then(|i| {
            let f = hooks.faults.get_mut(i)?;
            f.times -= 1;
            let copy = f.clone();
            if f.times == 0 {
                hooks.faults.remove(i);
            }
            Some(copy)
        })
    };
    let Some(fault) = fault else {
        return next.run(request).await;
    };
    if let Some(ms) = fault.delay_ms {
        tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
    }
    if fault.reset_connection {
        let stream = futures_util::stream::once(async {
            Err::<bytes::Bytes, std::io::Error>(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "injected reset",
            ))
        });
        let mut response = Response::new(Body::from_stream(stream));
        response.extensions_mut().insert(ResetMarker);
        return response;
    }
    let Some(status) = fault.status else {
        return next.run(request).await;
    };
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = fault.body.clone().unwrap_or_else(|| {
        serde_json::json!({ "code": "injected_fault", "message": format!("fault injected by the sandbox ({})", status.as_u16()) }).to_string()
    });
    let mut response = (status, body).into_response();
    response
        .headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    if let Some(s) = fault.retry_after_s {
        if let Ok(v) = HeaderValue::from_str(&s.to_string()) {
            response.headers_mut().insert("retry-after", v);
        }
    }
    response
}

pub async fn add_fault(
    State(state): State<Arc<AppState>>,
    body: bytes::Bytes,
) -> Result<Response, ApiError> {
    let fault: Fault = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request("invalid_fault", format!("not a fault: {e}")))?;
    if fault.times == 0 || !fault.path_prefix.starts_with('/') {
        return Err(ApiError::bad_request(
            "invalid_fault",
            "times must be at least 1 and path_prefix must start with /",
        ));
    }
    lock(&state).faults.push(fault);
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn clear_faults(State(state): State<Arc<AppState>>) -> StatusCode {
    lock(&state).faults.clear();
    StatusCode::NO_CONTENT
}

pub async fn list_requests(State(state): State<Arc<AppState>>) -> Json<VecDeque<LogEntry>> {
    Json(lock(&state).log.clone())
}

pub async fn clear_requests(State(state): State<Arc<AppState>>) -> StatusCode {
    let mut hooks = lock(&state);
    hooks.log.clear();
    hooks.log_bytes = 0;
    StatusCode::NO_CONTENT
}
