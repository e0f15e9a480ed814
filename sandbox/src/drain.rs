//! Every request's body is read before it is answered. A server that answers
//! (413, 401) while the client is still sending, then closes, resets the
//! connection under the unread bytes: Chromium still reads the answer, but
//! WebKit always and Firefox usually report a network error instead, so a
//! client cannot tell a refused write from a lost one. Reading first costs a
//! sandbox nothing, and the limits still hold: a body over `keep` is read to
//! its end (up to `drain`, then the connection is given up) and answered 413.

use crate::error::ApiError;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use std::time::Duration;

/// How much of a body is kept, how much more is read to be thrown away, and how
/// long reading may take.
#[derive(Clone, Copy)]
pub struct BodyBounds {
    /// The largest body passed on to the routes (their own limits apply after).
    pub keep: usize,
    /// The largest body read at all; beyond it the answer comes before the body ends.
    pub drain: usize,
    /// How long a body may take to arrive, as the request timeout.
    pub timeout: Duration,
}

/// What reading a body came to.
enum Read {
    Kept(Vec<u8>),
    TooLarge { read_to_end: bool },
    Failed,
}

async fn read(body: Body, bounds: BodyBounds) -> Read {
    let mut stream = body.into_data_stream();
    let mut kept = Vec::new();
    let mut seen = 0usize;
    while let Some(chunk) = stream.next().await {
        let Ok(chunk) = chunk else {
            return Read::Failed;
        };
        seen = seen.saturating_add(chunk.len());
        if seen > bounds.drain {
            return Read::TooLarge { read_to_end: false };
        }
        if seen <= bounds.keep {
            kept.extend_from_slice(&chunk);
        } else if !kept.is_empty() {
            kept = Vec::new();
        }
    }
    if seen > bounds.keep {
        Read::TooLarge { read_to_end: true }
    } else {
        Read::Kept(kept)
    }
}

/// Reads the body, then hands the request on with the body in memory.
pub async fn read_body_first(
    State(bounds): State<BodyBounds>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    let read = tokio::time::timeout(bounds.timeout, read(body, bounds)).await;
    let refuse = |status, code, message: &str, close: bool| {
        let mut answer = ApiError::new(status, code, message.to_string()).into_response();
        if close {
            answer
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        answer
    };
    match read {
        Ok(Read::Kept(bytes)) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Ok(Read::TooLarge { read_to_end }) => refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            "the body is larger than the sandbox accepts",
            !read_to_end,
        ),
        Ok(Read::Failed) => refuse(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "the request's body could not be read",
            true,
        ),
        Err(_) => refuse(
            StatusCode::REQUEST_TIMEOUT,
            "timeout",
            "the request took too long (a body shorter than its Content-Length?)",
            true,
        ),
    }
}
