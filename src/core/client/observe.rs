//! What a client tells its observer about each request it sends: one event per
//! attempt as it ends, and one before each retry's wait. Events carry the
//! method, the path (no query string) and counts, never a header or a token.

use crate::core::error::ErrorCode;
use crate::core::http::Method;
use std::rc::Rc;

/// One attempt's end, or a retry about to wait.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestEvent<'a> {
    /// `Attempt` when an attempt ended, `Retry` before the wait for the next one.
    pub kind: EventKind,
    /// The request's method.
    pub method: Method,
    /// The request's path, without its query string.
    pub path: &'a str,
    /// Which attempt of the call this is (1 for the first), or ended before the retry.
    pub attempt: u32,
    /// The answer's status, when the server answered.
    pub status: Option<u16>,
    /// What failed, when no answer came (a network error, a timeout).
    pub error: Option<ErrorCode>,
    /// How long the attempt took, in milliseconds.
    pub duration_ms: i64,
    /// For a retry: how long the client waits before it, in milliseconds.
    pub wait_ms: Option<f64>,
}

/// Which event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// An attempt ended.
    Attempt,
    /// A retry is about to wait.
    Retry,
}

/// Receives a client's request events.
pub type Observer = Rc<dyn Fn(&RequestEvent<'_>)>;
