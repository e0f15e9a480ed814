//! The browser transport: gloo-net's `Request` over the global `fetch` (a page's,
//! a worker's or Node 20's), bodies read as bytes. What gloo-net leaves to us:
//! each attempt's timeout, and telling a timeout, a caller's abort and a network
//! failure apart.

use crate::core::http::{Body, HttpRequest, HttpResponse, Method, Transport, TransportError};
use gloo_net::http::{Headers, RequestBuilder};
use js_sys::{Promise, Uint8Array};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &js_sys::Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
}

/// One attempt's abort signal: aborted when the timer fires (a timeout) or when
/// the attempt is dropped before its answer (the caller aborted: `cancellable`
/// drops the work). Clears its timer on drop.
struct AttemptGuard {
    controller: web_sys::AbortController,
    timed_out: Rc<Cell<bool>>,
    timer: JsValue,
    _callback: Closure<dyn FnMut()>,
}

impl AttemptGuard {
    fn new(ms: f64) -> Result<Self, TransportError> {
        let controller = web_sys::AbortController::new()
            .map_err(|_| TransportError::Network("AbortController is missing".into()))?;
        let timed_out = Rc::new(Cell::new(false));
        let (to_abort, flag) = (controller.clone(), timed_out.clone());
        let callback = Closure::<dyn FnMut()>::new(move || {
            flag.set(true);
            to_abort.abort();
        });
        let timer = set_timeout(callback.as_ref().unchecked_ref(), ms);
        Ok(AttemptGuard {
            controller,
            timed_out,
            timer,
            _callback: callback,
        })
    }

    /// What a failed fetch or body read means: our timer fired, the signal was
    /// aborted otherwise, or the network failed.
    fn failure(&self, error: gloo_net::Error) -> TransportError {
        if self.timed_out.get() {
            TransportError::Timeout
        } else if self.controller.signal().aborted() {
            TransportError::Aborted
        } else {
            TransportError::Network(match error {
                gloo_net::Error::JsError(e) => e.message,
                other => other.to_string(),
            })
        }
    }
}

impl Drop for AttemptGuard {
    fn drop(&mut self) {
        clear_timeout(&self.timer);
        // A send dropped before its answer (a cancelled call) stops its fetch too;
        // after the body has been read this does nothing.
        self.controller.abort();
    }
}

/// `fetch` through gloo-net with a per-attempt timeout.
pub struct FetchTransport {
    /// Milliseconds an attempt may take, body included.
    pub timeout_ms: f64,
}

fn js_failure(e: JsValue) -> TransportError {
    let text = js_sys::Reflect::get(&e, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| "fetch failed".into());
    TransportError::Network(text)
}

/// The request's headers. Built here rather than with gloo-net's `header()`, which
/// throws (skipping Rust's unwinding) on a name or value `fetch` rejects, such as a
/// caller's `additionalHeaders` value with a line break; here that is an error that
/// names the header but not its value, which may hold a token.
fn headers(request: &HttpRequest) -> Result<Headers, TransportError> {
    let raw = web_sys::Headers::new().map_err(js_failure)?;
    for (name, value) in &request.headers {
        raw.append(name, value).map_err(|_| {
            TransportError::Network(format!(
                "the header {name:?} has a name or value that fetch rejects"
            ))
        })?;
    }
    Ok(Headers::from_raw(raw))
}

fn method(method: Method) -> gloo_net::http::Method {
    match method {
        Method::Get => gloo_net::http::Method::GET,
        Method::Post => gloo_net::http::Method::POST,
        Method::Put => gloo_net::http::Method::PUT,
        Method::Delete => gloo_net::http::Method::DELETE,
    }
}

/// A multipart body: the file under `file`, the JSON under `body`.
fn multipart(
    file_name: &str,
    mime_type: &str,
    bytes: &[u8],
    json: &str,
) -> Result<web_sys::FormData, JsValue> {
    let form = web_sys::FormData::new()?;
    let parts = js_sys::Array::of1(&Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime_type);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)?;
    form.append_with_blob_and_filename("file", &blob, file_name)?;
    form.append_with_str("body", json)?;
    Ok(form)
}

/// `scheduler.yield()` where the browser has it: a turn for the page that
/// comes back at once, without the 4 ms that nested zero-delay timers wait.
fn scheduler_yield() -> Option<Promise> {
    let scheduler = js_sys::Reflect::get(&js_sys::global(), &"scheduler".into()).ok()?;
    let turn = js_sys::Reflect::get(&scheduler, &"yield".into()).ok()?;
    let turn = turn.dyn_ref::<js_sys::Function>()?;
    turn.call0(&scheduler).ok()?.dyn_into::<Promise>().ok()
}

impl Transport for FetchTransport {
    async fn sleep(&self, ms: f64) -> Result<(), TransportError> {
        // Zero milliseconds is a turn for the page (see `scheduler_yield`).
        if ms <= 0.0 {
            if let Some(turn) = scheduler_yield() {
                return JsFuture::from(turn)
                    .await
                    .map(|_| ())
                    .map_err(|_| TransportError::Aborted);
            }
        }
        let wait = Promise::new(&mut |resolve, _reject| {
            set_timeout(&resolve, ms);
        });
        JsFuture::from(wait)
            .await
            .map(|_| ())
            .map_err(|_| TransportError::Aborted)
    }

    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let guard = AttemptGuard::new(self.timeout_ms)?;
        let builder = RequestBuilder::new(&request.url)
            .method(method(request.method))
            .headers(headers(&request)?)
            .abort_signal(Some(&guard.controller.signal()));
        let built = match &request.body {
            Body::Empty if request.method == Method::Delete => builder.body("{}"),
            Body::Empty => builder.build(),
            Body::Json(bytes) => builder.body(Uint8Array::from(bytes.as_slice())),
            Body::Form(text) => builder.body(text.as_str()),
            Body::Multipart {
                file_name,
                mime_type,
                bytes,
                json,
            } => builder.body(multipart(file_name, mime_type, bytes, json).map_err(js_failure)?),
        }
        .map_err(|e| guard.failure(e))?;
        let response = built.send().await.map_err(|e| guard.failure(e))?;
        let body = response.binary().await.map_err(|e| guard.failure(e))?;
        let response_headers = response.headers();
        let headers = ["x-request-id", "retry-after", "content-type"]
            .into_iter()
            .filter_map(|name| Some((name.to_string(), response_headers.get(name)?)))
            .collect();
        Ok(HttpResponse {
            status: response.status(),
            headers,
            body,
            attempts: 1,
        })
    }
}
