//! The browser transport: the global `fetch` (also Node 20's), bodies read as
//! bytes, each attempt aborted after its timeout.

use crate::core::http::{Body, HttpRequest, HttpResponse, Method, Transport, TransportError};
use js_sys::{Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(input: &web_sys::Request) -> Promise;
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &js_sys::Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
}

/// Aborts its controller when dropped or when the timer fires; clears the timer on drop.
struct TimeoutGuard {
    controller: web_sys::AbortController,
    timer: JsValue,
    _callback: Closure<dyn FnMut()>,
}

impl TimeoutGuard {
    fn new(ms: f64) -> Result<Self, TransportError> {
        let controller = web_sys::AbortController::new()
            .map_err(|_| TransportError::Network("AbortController is missing".into()))?;
        let to_abort = controller.clone();
        let callback = Closure::<dyn FnMut()>::new(move || to_abort.abort());
        let timer = set_timeout(callback.as_ref().unchecked_ref(), ms);
        Ok(TimeoutGuard {
            controller,
            timer,
            _callback: callback,
        })
    }
}

impl Drop for TimeoutGuard {
    fn drop(&mut self) {
        clear_timeout(&self.timer);
        // A send dropped before its answer (a cancelled call) stops its fetch too;
        // after the body has been read this does nothing.
        self.controller.abort();
    }
}

/// `fetch` with a per-attempt timeout.
pub struct FetchTransport {
    /// Milliseconds an attempt may take, body included.
    pub timeout_ms: f64,
}

fn network(e: JsValue) -> TransportError {
    let text = js_sys::Reflect::get(&e, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| "fetch failed".into());
    TransportError::Network(text)
}

impl Transport for FetchTransport {
    async fn sleep(&self, ms: f64) -> Result<(), TransportError> {
        let wait = Promise::new(&mut |resolve, _reject| {
            set_timeout(&resolve, ms);
        });
        JsFuture::from(wait)
            .await
            .map(|_| ())
            .map_err(|_| TransportError::Aborted)
    }

    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let guard = TimeoutGuard::new(self.timeout_ms)?;
        let init = web_sys::RequestInit::new();
        init.set_method(request.method.as_str());
        init.set_signal(Some(&guard.controller.signal()));
        let headers = web_sys::Headers::new().map_err(network)?;
        for (name, value) in &request.headers {
            headers.append(name, value).map_err(network)?;
        }
        match &request.body {
            Body::Empty => {
                if request.method == Method::Delete {
                    init.set_body(&JsValue::from_str("{}"));
                }
            }
            Body::Json(bytes) => init.set_body(&Uint8Array::from(bytes.as_slice())),
            Body::Form(text) => init.set_body(&JsValue::from_str(text)),
            Body::Multipart {
                file_name,
                mime_type,
                bytes,
                json,
            } => {
                let form = web_sys::FormData::new().map_err(network)?;
                let parts = js_sys::Array::of1(&Uint8Array::from(bytes.as_slice()));
                let options = web_sys::BlobPropertyBag::new();
                options.set_type(mime_type);
                let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
                    .map_err(network)?;
                form.append_with_blob_and_filename("file", &blob, file_name)
                    .map_err(network)?;
                form.append_with_str("body", json).map_err(network)?;
                init.set_body(&form);
            }
        }
        init.set_headers(&headers);
        let req = web_sys::Request::new_with_str_and_init(&request.url, &init).map_err(network)?;
        let aborted = |e: JsValue| {
            if guard.controller.signal().aborted() {
                TransportError::Timeout
            } else {
                network(e)
            }
        };
        let response: web_sys::Response = JsFuture::from(global_fetch(&req))
            .await
            .map_err(aborted)?
            .unchecked_into();
        let body = JsFuture::from(response.array_buffer().map_err(network)?)
            .await
            .map_err(aborted)?;
        let body = Uint8Array::new(&body).to_vec();
        let mut out_headers = Vec::new();
        for name in ["x-request-id", "retry-after", "content-type"] {
            if let Ok(Some(value)) = response.headers().get(name) {
                out_headers.push((name.to_string(), value));
            }
        }
        Ok(HttpResponse {
            status: response.status(),
            headers: out_headers,
            body,
        })
    }
}
