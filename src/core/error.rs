//! The one error type of the client. The wasm layer turns it into a JS
//! `KalbioError` with the same fields.

use crate::core::http::Method;

/// What went wrong, as a stable string a caller can branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// The server answered with a status >= 400.
    Http,
    /// The request did not get an answer (offline, DNS, CORS, reset).
    Network,
    /// An attempt took longer than `timeoutMs`.
    Timeout,
    /// The caller's `AbortSignal` fired.
    Aborted,
    /// The answer was not the JSON the contract promises.
    Decode,
    /// An argument was of the wrong type or shape; nothing was sent.
    InvalidArgument,
    /// A field, activity or record named by the caller does not exist.
    NotFound,
    /// Getting a token failed.
    Auth,
    /// A write may or may not have reached the server: check before writing again.
    WriteOutcomeUnknown,
}

impl ErrorCode {
    /// The code's wire string, e.g. `"http_error"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Http => "http_error",
            ErrorCode::Network => "network_error",
            ErrorCode::Timeout => "timeout",
            ErrorCode::Aborted => "aborted",
            ErrorCode::Decode => "decode_error",
            ErrorCode::InvalidArgument => "invalid_argument",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Auth => "auth_error",
            ErrorCode::WriteOutcomeUnknown => "write_outcome_unknown",
        }
    }
}

/// A failed call, with what a caller needs to act on it. It never holds a
/// secret or a token.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    /// What went wrong.
    pub code: ErrorCode,
    /// A sentence for people.
    pub message: String,
    /// The HTTP status, when the server answered.
    pub status: Option<u16>,
    /// The request's method, when a request was made.
    pub method: Option<Method>,
    /// The request's path (no query string), when a request was made.
    pub path: Option<String>,
    /// The response body as text, when there was one.
    pub body: Option<String>,
    /// The server's `X-Request-Id`, when it sent one.
    pub request_id: Option<String>,
    /// How many requests the call sent (retries included), when it sent any.
    pub attempts: Option<u32>,
}

impl Error {
    /// An error with only a code and a message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
            status: None,
            method: None,
            path: None,
            body: None,
            request_id: None,
            attempts: None,
        }
    }

    /// An argument error: nothing was sent.
    pub fn invalid(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::InvalidArgument, message)
    }

    /// Attaches the request this error is about.
    pub fn on(mut self, method: Method, path: &str) -> Self {
        self.method = Some(method);
        self.path = Some(path.to_string());
        self
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}
