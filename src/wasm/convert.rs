//! Every conversion between JavaScript values and the core's types.

use crate::core::client::{FieldRef, RecordRef};
use crate::core::error::{Error, ErrorCode};
use js_sys::{Object, Reflect};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Turns a core error into a JS `Error` named `KalbioError` with its fields.
pub fn error_to_js(error: Error) -> JsValue {
    let js = js_sys::Error::new(&error.message);
    js.set_name("KalbioError");
    let set = |key: &str, value: JsValue| {
        let _ = Reflect::set(&js, &JsValue::from_str(key), &value);
    };
    set("code", JsValue::from_str(error.code.as_str()));
    set(
        "status",
        error
            .status
            .map(|s| JsValue::from_f64(f64::from(s)))
            .unwrap_or(JsValue::NULL),
    );
    set(
        "method",
        error
            .method
            .map(|m| JsValue::from_str(m.as_str()))
            .unwrap_or(JsValue::NULL),
    );
    set(
        "path",
        error
            .path
            .as_deref()
            .map(JsValue::from_str)
            .unwrap_or(JsValue::NULL),
    );
    set(
        "body",
        error
            .body
            .as_deref()
            .map(JsValue::from_str)
            .unwrap_or(JsValue::NULL),
    );
    set(
        "requestId",
        error
            .request_id
            .as_deref()
            .map(JsValue::from_str)
            .unwrap_or(JsValue::NULL),
    );
    js.into()
}

/// An argument error as a JS `KalbioError`.
pub fn invalid(message: impl Into<String>) -> JsValue {
    error_to_js(Error::invalid(message))
}

/// A Rust value as a plain JS value, through JSON text and `JSON.parse`: one
/// serializer for every type keeps the wasm small, and `JSON.parse` is fast.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value).map_err(|e| {
        error_to_js(Error::new(
            ErrorCode::Decode,
            format!("could not hand the value to JavaScript: {e}"),
        ))
    })?;
    js_sys::JSON::parse(&text)
}

/// A stored content as a JS value: scalars directly, lists and objects through `JSON.parse`.
pub fn content_to_js(content: &crate::core::store::Content) -> Result<JsValue, JsValue> {
    use crate::core::store::Content;
    match content {
        Content::Null => Ok(JsValue::NULL),
        Content::Bool(b) => Ok(JsValue::from_bool(*b)),
        Content::Int(i) => Ok(JsValue::from_f64(*i as f64)),
        Content::Float(f) => Ok(JsValue::from_f64(*f)),
        Content::Short { .. } | Content::Text(_) => {
            Ok(JsValue::from_str(content.as_str().unwrap_or_default()))
        }
        _ => to_js(content),
    }
}

/// (key, value) pairs that serialize as one JSON object.
pub struct Pairs<'a, V: Serialize>(pub &'a [(&'a str, V)]);

impl<V: Serialize> Serialize for Pairs<'_, V> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// A JS value as JSON text. Fails on values JSON cannot hold (cycles, BigInt).
fn json_text(value: &JsValue, what: &str) -> Result<String, JsValue> {
    if value.is_undefined() {
        return Err(invalid(format!("{what} is required")));
    }
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|t| t.as_string())
        .ok_or_else(|| {
            invalid(format!(
                "{what} cannot be turned into JSON (a cycle or a BigInt?)"
            ))
        })
}

/// A JS value as a Rust value, read from its JSON text; a wrong shape is an
/// `invalid_argument` error naming `what`.
pub fn from_js<T: serde::de::DeserializeOwned>(value: &JsValue, what: &str) -> Result<T, JsValue> {
    let text = json_text(value, what)?;
    serde_json::from_slice(text.as_bytes()).map_err(|e| invalid(format!("{what}: {e}")))
}

/// A JS value as JSON.
pub fn json_from_js(value: &JsValue, what: &str) -> Result<serde_json::Value, JsValue> {
    from_js(value, what)
}

fn get(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// A string argument, or an `invalid_argument` error.
pub fn string_arg(value: &JsValue, what: &str) -> Result<String, JsValue> {
    match value.as_string() {
        Some(s) => non_empty(s, what),
        None => Err(invalid(format!(
            "{what} must be a string, got {}",
            type_name(value)
        ))),
    }
}

fn non_empty(text: String, what: &str) -> Result<String, JsValue> {
    if text.is_empty() {
        return Err(invalid(format!("{what} must not be empty")));
    }
    Ok(text)
}

/// A field named by an object (`{ id, is_key }`), a uuid or a name.
pub fn field_arg(value: &JsValue, what: &str) -> Result<FieldRef, JsValue> {
    // One call across the boundary for the common case, a uuid or a name.
    if let Some(text) = value.as_string() {
        return non_empty(text, what).map(FieldRef::Text);
    }
    if value.is_object() {
        let id = get(value, "id");
        let is_key = get(value, "is_key");
        if let (Some(id), Some(is_key)) = (id.as_string(), is_key.as_bool()) {
            return Ok(FieldRef::Object { id, is_key });
        }
    }
    Err(invalid(format!(
        "{what} must be a field object, a field uuid or a field name, got {}",
        type_name(value)
    )))
}

/// An activity named by an object (`{ id }`), a uuid or a title; `None` when absent.
pub fn activity_arg(value: &JsValue, what: &str) -> Result<Option<String>, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    if value.is_string() {
        return string_arg(value, what).map(Some);
    }
    if value.is_object() {
        if let Some(id) = get(value, "id").as_string() {
            return Ok(Some(id));
        }
    }
    Err(invalid(format!(
        "{what} must be an activity object, uuid or title, got {}",
        type_name(value)
    )))
}

/// A record named by a `Record`, a uuid, or `{ [field]: value }` key values.
pub fn record_arg(value: &JsValue, what: &str) -> Result<RecordRef, JsValue> {
    if value.is_string() {
        return Ok(RecordRef::Id(string_arg(value, what)?));
    }
    if value.is_object() && !js_sys::Array::is_array(value) {
        // A Record handle (of this client or another): name it by its id.
        let id = get(value, "id");
        if id.is_string() && get(value, "record_identifier").is_string() {
            return Ok(RecordRef::Id(string_arg(&id, what)?));
        }
        return Ok(RecordRef::KeyValues(key_values_arg(value, what)?));
    }
    Err(invalid(format!(
        "{what} must be a Record, a record uuid or an object of key values, got {}",
        type_name(value)
    )))
}

/// `{ [field name or uuid]: value }` as pairs.
pub fn key_values_arg(
    value: &JsValue,
    what: &str,
) -> Result<Vec<(FieldRef, serde_json::Value)>, JsValue> {
    if !value.is_object() || js_sys::Array::is_array(value) {
        return Err(invalid(format!(
            "{what} must be an object of key values, got {}",
            type_name(value)
        )));
    }
    let object: &Object = value.unchecked_ref();
    let mut pairs = Vec::new();
    for entry in Object::entries(object).iter() {
        let entry: js_sys::Array = entry.unchecked_into();
        let key = entry.get(0).as_string().unwrap_or_default();
        let content = json_from_js(&entry.get(1), &format!("the key value of {key:?}"))?;
        if !(content.is_string() || content.is_number()) {
            return Err(invalid(format!(
                "the key value of {key:?} must be a string or a number"
            )));
        }
        pairs.push((FieldRef::Text(key), content));
    }
    if pairs.is_empty() {
        return Err(invalid(format!("{what} must name at least one key field")));
    }
    Ok(pairs)
}

/// A short description of a JS value's type, for error messages.
pub fn type_name(value: &JsValue) -> String {
    if value.is_null() {
        "null".into()
    } else if js_sys::Array::is_array(value) {
        "an array".into()
    } else {
        value
            .js_typeof()
            .as_string()
            .unwrap_or_else(|| "a value".into())
    }
}

/// File data (`Blob`, `File` or `Uint8Array`) as bytes.
pub async fn file_bytes(value: &JsValue) -> Result<Vec<u8>, JsValue> {
    if let Some(array) = value.dyn_ref::<js_sys::Uint8Array>() {
        return Ok(array.to_vec());
    }
    if let Some(blob) = value.dyn_ref::<web_sys::Blob>() {
        let buffer = wasm_bindgen_futures::JsFuture::from(blob.array_buffer()).await?;
        return Ok(js_sys::Uint8Array::new(&buffer).to_vec());
    }
    Err(invalid(format!(
        "fileData must be a Blob, a File or a Uint8Array, got {}",
        type_name(value)
    )))
}

#[wasm_bindgen]
extern "C" {
    /// An optional activity argument.
    #[wasm_bindgen(typescript_type = "ActivityIdentifier")]
    pub type ActivityIdentifierArg;
    /// An optional record argument.
    #[wasm_bindgen(typescript_type = "RecordIdentifier")]
    pub type RecordIdentifierArg;
    /// An optional number argument, checked in Rust.
    #[wasm_bindgen(typescript_type = "number")]
    pub type NumberArg;
    /// An optional boolean argument, checked in Rust.
    #[wasm_bindgen(typescript_type = "boolean")]
    pub type BooleanArg;
}

#[wasm_bindgen(typescript_custom_section)]
const TS_CALL_OPTIONS: &str = r#"
/** Options every async call takes last. */
export interface CallOptions {
    /** Cancels the call: the request in flight and any backoff wait. It then rejects with code "aborted". */
    signal?: AbortSignal;
}

/** The options of `getRecordsByIds`. */
export interface BatchOptions extends CallOptions {
    /** Called once per batch with the records done so far and the records asked for. */
    onProgress?: (done: number, total: number) => void;
}
"#;

#[wasm_bindgen]
extern "C" {
    /// The optional last argument of every async call.
    #[wasm_bindgen(typescript_type = "CallOptions")]
    pub type CallOptionsArg;
    /// The optional last argument of `getRecordsByIds`.
    #[wasm_bindgen(typescript_type = "BatchOptions")]
    pub type BatchOptionsArg;
}

fn aborted() -> JsValue {
    error_to_js(Error::new(ErrorCode::Aborted, "the call was aborted"))
}

/// Runs `work` as a promise that rejects with `aborted` as soon as the call's
/// `signal` fires; dropping `work` then aborts its fetch and any backoff wait.
pub fn cancellable<F>(options: Option<CallOptionsArg>, work: F) -> js_sys::Promise
where
    F: std::future::Future<Output = Result<JsValue, JsValue>> + 'static,
{
    let options: JsValue = options.map(Into::into).unwrap_or(JsValue::UNDEFINED);
    let signal = if options.is_undefined() || options.is_null() {
        None
    } else {
        let signal = get(&options, "signal");
        if signal.is_undefined() || signal.is_null() {
            None
        } else {
            match signal.dyn_into::<web_sys::AbortSignal>() {
                Ok(s) => Some(s),
                Err(_) => {
                    return js_sys::Promise::reject(&invalid(
                        "options.signal must be an AbortSignal",
                    ))
                }
            }
        }
    };
    wasm_bindgen_futures::future_to_promise(async move {
        let Some(signal) = signal else {
            return work.await;
        };
        if signal.aborted() {
            return Err(aborted());
        }
        // The promise's own resolve function is the listener: no Rust closure to
        // leak, and it is removed when the call settles, so a signal reused for
        // many calls holds no listener and no memory afterwards.
        let mut listener: Option<js_sys::Function> = None;
        let on_abort = js_sys::Promise::new(&mut |resolve, _reject| {
            let _ = signal.add_event_listener_with_callback("abort", &resolve);
            listener = Some(resolve);
        });
        let out = Race {
            work: Box::pin(work),
            abort: wasm_bindgen_futures::JsFuture::from(on_abort),
        }
        .await;
        if let Some(listener) = listener {
            let _ = signal.remove_event_listener_with_callback("abort", &listener);
            // Settle the abort promise too: the future waiting on it frees its
            // callbacks only once the promise settles.
            let _ = listener.call0(&JsValue::UNDEFINED);
        }
        out
    })
}

/// The work's answer, or `aborted` if the signal fires first.
struct Race<F> {
    work: std::pin::Pin<Box<F>>,
    abort: wasm_bindgen_futures::JsFuture,
}

impl<F: std::future::Future<Output = Result<JsValue, JsValue>>> std::future::Future for Race<F> {
    type Output = Result<JsValue, JsValue>;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        if let std::task::Poll::Ready(out) = self.work.as_mut().poll(cx) {
            return std::task::Poll::Ready(out);
        }
        match std::pin::Pin::new(&mut self.abort).poll(cx) {
            std::task::Poll::Ready(_) => std::task::Poll::Ready(Err(aborted())),
            std::task::Poll::Pending => std::task::Poll::Pending,
        }
    }
}
