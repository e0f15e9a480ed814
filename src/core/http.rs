//! Requests and responses as plain data, and the one trait a transport implements.

use std::future::Future;

/// An HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
    /// PUT
    Put,
    /// DELETE
    Delete,
}

impl Method {
    /// The method's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
}

/// A request body.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// No body.
    Empty,
    /// A JSON document.
    Json(Vec<u8>),
    /// `application/x-www-form-urlencoded` text.
    Form(String),
    /// `multipart/form-data` with a `file` part and a JSON `body` part.
    Multipart {
        /// The file's name.
        file_name: String,
        /// The file's MIME type.
        mime_type: String,
        /// The file's bytes.
        bytes: Vec<u8>,
        /// The JSON text of the `body` part.
        json: String,
    },
}

/// A request ready to send.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpRequest {
    /// The method.
    pub method: Method,
    /// The absolute URL, query string included.
    pub url: String,
    /// The path relative to the base URL, without the query (for errors and logs).
    pub path: String,
    /// Headers to send.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Body,
}

impl HttpRequest {
    /// A short fingerprint of the body, for telling identical requests apart
    /// without keeping the body (it may hold a secret) as a key.
    pub fn body_key(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        match &self.body {
            Body::Empty => 0u8.hash(&mut hasher),
            Body::Json(b) => b.hash(&mut hasher),
            Body::Form(f) => f.hash(&mut hasher),
            Body::Multipart { bytes, json, .. } => {
                bytes.hash(&mut hasher);
                json.hash(&mut hasher);
            }
        }
        hasher.finish()
    }
}

/// An answer from the server.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// Response headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body's bytes.
    pub body: Vec<u8>,
    /// Which attempt of its call this answer came to (set by the client; 1 from a transport).
    pub attempts: u32,
}

impl HttpResponse {
    /// The first header of that (lower-case) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Why a request got no answer.
#[derive(Debug, Clone, PartialEq)]
pub enum TransportError {
    /// The network failed (offline, refused, reset, CORS).
    Network(String),
    /// The attempt ran past its timeout and was aborted.
    Timeout,
    /// The caller aborted.
    Aborted,
}

/// Sends one request. The browser implements it with `fetch`; tests with a
/// fake that records requests and replays answers.
pub trait Transport {
    /// Sends the request and answers the response, whatever its status.
    fn send(
        &self,
        request: HttpRequest,
    ) -> impl Future<Output = Result<HttpResponse, TransportError>>;

    /// Waits before a retry; fails with `Aborted` when the caller cancels.
    fn sleep(&self, ms: f64) -> impl Future<Output = Result<(), TransportError>>;
}

const UNRESERVED: &[u8] = b"-_.~";

/// Percent-encodes a query component (spaces as `%20`).
pub fn encode_component(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len());
    // Runs of characters that need no encoding are copied whole.
    for run in text.as_bytes().split_inclusive(|&b| !unreserved(b)) {
        match run.split_last() {
            Some((&last, head)) if !unreserved(last) => {
                out.extend_from_slice(head);
                out.extend_from_slice(&[b'%', hex_digit(last >> 4), hex_digit(last & 15)]);
            }
            _ => out.extend_from_slice(run),
        }
    }
    // Only ASCII was written.
    String::from_utf8(out).unwrap_or_default()
}

fn unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || UNRESERVED.contains(&b)
}

fn hex_digit(n: u8) -> u8 {
    if n < 10 {
        b'0' + n
    } else {
        b'A' - 10 + n
    }
}

/// Builds `a=1&b=2` from pairs.
pub fn encode_query(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode_component(k), encode_component(v)))
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_json_in_query() {
        let q = encode_query(&[
            ("f".into(), r#"[{"a":"b c"}]"#.into()),
            ("t".into(), "ü&=".into()),
        ]);
        assert_eq!(q, "f=%5B%7B%22a%22%3A%22b%20c%22%7D%5D&t=%C3%BC%26%3D");
    }

    #[test]
    fn a_component_is_encoded_byte_by_byte_as_the_rfc_says() {
        let reference = |text: &str| -> String {
            text.bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                        char::from(b).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect()
        };
        let pieces = [
            "",
            "a",
            " ",
            ",",
            "0f8fad5b-d9cb",
            "ü",
            "%",
            "~._-",
            "/?#",
            "\u{1F600}",
        ];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let text = format!("{a}{b}{c}");
                    assert_eq!(encode_component(&text), reference(&text), "{text:?}");
                }
            }
        }
    }
}
