//! Every conversion between JavaScript values and the core's types.
//!
//! Objects cross with serde-wasm-bindgen, both ways, in one setting:
//! [`Serializer::json_compatible`] (absent is `null`, maps are plain objects),
//! which is what tsify's `json` feature declares in the `.d.ts`. Before an
//! object is deserialized, [`check`] walks it once for what serde cannot see
//! or would hide: NaN and ±Infinity (which would become `null`), BigInts,
//! cycles, getters that throw and `Date`s; every message names the member.

use crate::core::client::{FieldRef, RecordRef};
use crate::core::error::{Error, ErrorCode};
use js_sys::{Object, Reflect};
use serde::Serialize;
use serde_wasm_bindgen::Serializer;
use std::future::Future;
use std::pin::Pin;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// A core error as a JS `Error` named `KalbioError` with its fields, so that
/// `?` converts it in every binding.
impl From<Error> for JsValue {
    fn from(error: Error) -> JsValue {
        let js = js_sys::Error::new(&error.message);
        js.set_name("KalbioError");
        let text = |t: Option<&str>| t.map(JsValue::from_str).unwrap_or(JsValue::NULL);
        let fields = [
            ("code", JsValue::from_str(error.code.as_str())),
            (
                "status",
                error
                    .status
                    .map(|s| JsValue::from_f64(f64::from(s)))
                    .unwrap_or(JsValue::NULL),
            ),
            ("method", text(error.method.map(|m| m.as_str()))),
            ("path", text(error.path.as_deref())),
            ("body", text(error.body.as_deref())),
            ("requestId", text(error.request_id.as_deref())),
            (
                "attempts",
                error
                    .attempts
                    .map(|n| JsValue::from_f64(f64::from(n)))
                    .unwrap_or(JsValue::NULL),
            ),
        ];
        for (key, value) in fields {
            let _ = Reflect::set(&js, &JsValue::from_str(key), &value);
        }
        js.into()
    }
}

/// A request event as the `onRequest` / `onRetry` hooks receive it.
pub fn request_event(event: &crate::core::client::observe::RequestEvent<'_>) -> JsValue {
    let object = Object::new();
    let number = |n: Option<f64>| n.map(JsValue::from_f64).unwrap_or(JsValue::NULL);
    let members = [
        ("method", JsValue::from_str(event.method.as_str())),
        ("path", JsValue::from_str(event.path)),
        ("attempt", JsValue::from_f64(f64::from(event.attempt))),
        ("status", number(event.status.map(f64::from))),
        (
            "error",
            event
                .error
                .map(|c| JsValue::from_str(c.as_str()))
                .unwrap_or(JsValue::NULL),
        ),
        ("durationMs", JsValue::from_f64(event.duration_ms as f64)),
    ];
    for (key, value) in members {
        let _ = Reflect::set(&object, &JsValue::from_str(key), &value);
    }
    if let Some(wait) = event.wait_ms {
        let _ = Reflect::set(
            &object,
            &JsValue::from_str("waitMs"),
            &JsValue::from_f64(wait),
        );
    }
    object.into()
}

/// What a binding answers: a JS value, or a core error that becomes a `KalbioError`.
pub type Answer = Result<JsValue, Error>;

/// An argument error.
pub fn invalid(message: impl Into<String>) -> Error {
    Error::invalid(message)
}

/// The one serializer setting for values handed to JS (see the module's doc).
const SERIALIZER: Serializer = Serializer::json_compatible();

/// A Rust value as a plain JS value, with serde-wasm-bindgen.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Answer {
    value.serialize(&SERIALIZER).map_err(|e| {
        Error::new(
            ErrorCode::Decode,
            format!("could not hand the value to JavaScript: {e}"),
        )
    })
}

/// A value as a plain JS value through JSON text and `JSON.parse`, in the
/// same shape as [`to_js`] makes (absent is `null`, maps are objects). For
/// records and lists V8's parser is faster than building the objects one
/// property at a time (docs/performance.md, "Values across the boundary").
pub fn to_js_text<T: Serialize + ?Sized>(value: &T) -> Answer {
    let text = serde_json::to_string(value).map_err(|e| {
        Error::new(
            ErrorCode::Decode,
            format!("could not hand the value to JavaScript: {e}"),
        )
    })?;
    js_sys::JSON::parse(&text)
        .map_err(|_| Error::new(ErrorCode::Decode, "could not hand the value to JavaScript"))
}

/// A stored content as a JS value: scalars directly, lists and objects with serde-wasm-bindgen.
pub fn content_to_js(content: &crate::core::store::Content) -> Answer {
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

/// What `columns()` answers: `{ ids, columns }`, built here in one go. A column
/// of numbers is one `Float64Array` (one copy out of wasm memory); the ids and a
/// column of texts cross as JSON text, which V8 parses faster than it takes
/// strings one at a time.
pub fn columns_to_js(answer: &crate::core::client::Columns) -> Answer {
    columns_with_ids(to_js_text(&answer.ids)?, &answer.columns)
}

/// `{ ids, columns }` from ids already in JavaScript and the columns.
pub fn columns_with_ids(ids: JsValue, answer: &[(String, crate::core::client::Column)]) -> Answer {
    use crate::core::client::Column;
    let columns = Object::new();
    for (name, column) in answer {
        let value: JsValue = match column {
            Column::Numbers(numbers) => js_sys::Float64Array::from(numbers.as_slice()).into(),
            Column::Texts { names, codes } => text_column(
                &names
                    .iter()
                    .map(|n| JsValue::from_str(n))
                    .collect::<js_sys::Array>(),
                &js_sys::Uint32Array::from(codes.as_slice()),
            ),
        };
        set(&columns, name, &value)?;
    }
    let out = Object::new();
    set(&out, "ids", &ids)?;
    set(&out, "columns", &columns)?;
    Ok(out.into())
}

#[wasm_bindgen(module = "/src/wasm/glue.js")]
extern "C" {
    #[wasm_bindgen(js_name = joinUuids)]
    fn join_uuids(list: &js_sys::Array) -> Option<String>;
    #[wasm_bindgen(js_name = textColumn)]
    fn text_column(names: &JsValue, codes: &js_sys::Uint32Array) -> JsValue;
}

/// A list of uuid-length strings as ids, read in one crossing (joined into one
/// text); `None` when anything in it is not such a string (the caller then reads
/// it item by item, naming what is wrong).
pub fn uuid_list(list: &js_sys::Array) -> Option<Vec<crate::core::store::Id>> {
    if list.length() == 0 {
        return None;
    }
    crate::core::store::id_list_from_joined(&join_uuids(list)?)
}

fn set(object: &Object, key: &str, value: &JsValue) -> Result<(), Error> {
    Reflect::set(object, &JsValue::from_str(key), value)
        .map(|_| ())
        .map_err(|_| Error::new(ErrorCode::Decode, "could not hand the value to JavaScript"))
}

/// A list of records named by `Record`s or uuids (no key values), read item by
/// item and the wrong one named in the error (`idsOrQuery[3] must be a Record or …`).
/// A list of uuids alone is read faster by [`uuid_list`]; callers try that first.
pub fn record_id_list(list: &js_sys::Array, what: &str) -> Result<Vec<String>, Error> {
    (0..list.length())
        .map(|i| record_id_arg(&list.get(i), &format!("{what}[{i}]")))
        .collect()
}

/// (key, value) pairs that serialize as one object.
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

/// The deepest nesting an argument may have.
const MAX_DEPTH: usize = 64;

/// The members where `Infinity` is a documented value ("never").
const INFINITY_MEANS_NEVER: &[&str] = &["options.cache.ttlMs"];

/// Walks a JS value once before serde reads it, for what serde would hide or
/// trip on. `path` names the value (`query.limit`); `ancestors` are the
/// objects above it, to tell a cycle.
fn check(value: &JsValue, path: &mut String, ancestors: &mut Vec<JsValue>) -> Result<(), Error> {
    if let Some(n) = value.as_f64() {
        let allowed = n == f64::INFINITY && INFINITY_MEANS_NEVER.contains(&path.as_str());
        if !n.is_finite() && !allowed {
            return Err(invalid(format!(
                "{path} must be a finite number, got {}",
                if n.is_nan() {
                    "NaN"
                } else if n > 0.0 {
                    "Infinity"
                } else {
                    "-Infinity"
                }
            )));
        }
        return Ok(());
    }
    if value.is_bigint() {
        return Err(invalid(format!("{path} must be a number, got a BigInt")));
    }
    if !value.is_object() {
        // Strings, booleans, null, undefined; functions and symbols are refused
        // by serde where a value is expected, with the member's name.
        return Ok(());
    }
    if ancestors.iter().any(|a| a == value) {
        return Err(invalid(format!("{path} refers back to itself (a cycle)")));
    }
    if ancestors.len() >= MAX_DEPTH {
        return Err(invalid(format!(
            "{path} is nested more than {MAX_DEPTH} deep"
        )));
    }
    if value.is_instance_of::<js_sys::Date>() {
        return Err(invalid(format!(
            "{path} must be plain data, got a Date: pass date.toISOString()"
        )));
    }
    if value.is_instance_of::<web_sys::AbortSignal>() {
        return Ok(());
    }
    let object: &Object = value.unchecked_ref();
    let keys = js_sys::Object::keys(object);
    let is_array = js_sys::Array::is_array(value);
    ancestors.push(value.clone());
    let len = path.len();
    for key in keys.iter() {
        let name = key.as_string().unwrap_or_default();
        if is_array {
            path.push('[');
            path.push_str(&name);
            path.push(']');
        } else {
            path.push('.');
            path.push_str(&name);
        }
        let member = Reflect::get(value, &key)
            .map_err(|_| invalid(format!("{path} could not be read: its getter threw")))?;
        check(&member, path, ancestors)?;
        path.truncate(len);
    }
    ancestors.pop();
    Ok(())
}

/// [`check`] over what serde will read: of a struct, only its members (the
/// others are never read, and may be anything: a DOM node, a whole store).
#[inline(never)]
fn check_members(value: &JsValue, what: &str, fields: &[&str]) -> Result<(), Error> {
    let mut path = what.to_string();
    let mut ancestors = Vec::new();
    if fields.is_empty() || !value.is_object() || js_sys::Array::is_array(value) {
        return check(value, &mut path, &mut ancestors);
    }
    ancestors.push(value.clone());
    for field in fields {
        let key = JsValue::from_str(field);
        if !Reflect::has(value, &key).unwrap_or(false) {
            continue;
        }
        path.truncate(what.len());
        path.push('.');
        path.push_str(field);
        let member = Reflect::get(value, &key)
            .map_err(|_| invalid(format!("{path} could not be read: its getter threw")))?;
        check(&member, &mut path, &mut ancestors)?;
    }
    Ok(())
}

/// An options object's members are all ones `T` reads: a misspelt option is an
/// `invalid_argument` naming it (and the options there are), not silently ignored.
#[inline(never)]
pub fn known_members<T: serde::de::DeserializeOwned>(
    value: &JsValue,
    what: &str,
) -> Result<(), Error> {
    let fields = struct_fields::<T>();
    if fields.is_empty() || !value.is_object() || js_sys::Array::is_array(value) {
        return Ok(());
    }
    let unknown: Vec<String> = Object::keys(value.unchecked_ref::<Object>())
        .iter()
        .filter_map(|key| key.as_string())
        .filter(|key| !fields.contains(&key.as_str()))
        .collect();
    if unknown.is_empty() {
        return Ok(());
    }
    let named: Vec<String> = unknown.iter().map(|key| format!("{what}.{key}")).collect();
    Err(invalid(format!(
        "{} {} not known (the options are {})",
        named.join(", "),
        if named.len() == 1 { "is" } else { "are" },
        fields.join(", ")
    )))
}

/// A JS value as a Rust value, with serde-wasm-bindgen; a wrong shape is an
/// `invalid_argument` error naming the member (`query.limit: invalid type…`).
#[inline(never)]
pub fn from_js<T: serde::de::DeserializeOwned>(value: &JsValue, what: &str) -> Result<T, Error> {
    if value.is_undefined() {
        return Err(invalid(format!("{what} is required")));
    }
    check_members(value, what, struct_fields::<T>())?;
    fn read<T: serde::de::DeserializeOwned>(v: &JsValue) -> Result<T, String> {
        T::deserialize(serde_wasm_bindgen::Deserializer::from(v.clone())).map_err(|e| e.to_string())
    }
    read::<T>(value).map_err(|e| read_error(value, what, e, &|one| read::<T>(one).err()))
}

/// The error of [`from_js`], naming the member at fault. Which member it is
/// is found again on the error path only: each member alone, in an object of
/// its own, is read by `read`; the one whose error is not a missing member is
/// the culprit. (Naming members while reading would cost the package a
/// wrapper per type it reads.)
#[inline(never)]
fn read_error(
    value: &JsValue,
    what: &str,
    message: String,
    read: &dyn Fn(&JsValue) -> Option<String>,
) -> Error {
    let message = redact(message);
    if value.is_object() && !js_sys::Array::is_array(value) {
        for key in Object::keys(value.unchecked_ref::<Object>()).iter() {
            let alone = Object::new();
            let member = Reflect::get(value, &key).unwrap_or(JsValue::UNDEFINED);
            if Reflect::set(&alone, &key, &member).is_err() {
                break;
            }
            match read(&alone) {
                Some(m) if !m.contains("missing field") => {
                    let key = key.as_string().unwrap_or_default();
                    return invalid(format!("{what}.{key}: {message}"));
                }
                _ => {}
            }
        }
    }
    invalid(format!("{what}: {message}"))
}

fn strip_error(message: String) -> String {
    match message.strip_prefix("Error: ") {
        Some(rest) => rest.to_string(),
        None => message,
    }
}

/// serde quotes a mistyped string in its message (`invalid type: string "…"`):
/// that string may be a secret put in the wrong member, so it is left out.
fn redact(message: String) -> String {
    // serde-wasm-bindgen's errors are JS `Error`s, whose text starts "Error: ".
    let message = strip_error(message);
    for kind in ["invalid type: string ", "invalid value: string "] {
        if let Some(at) = message.find(kind) {
            let (head, rest) = message.split_at(at);
            // The quoted string ends at the last `", expected `: look from the end.
            let expected = rest
                .match_indices("\", expected ")
                .last()
                .map_or("", |(i, _)| rest.get(i + 1..).unwrap_or(""));
            let kind = kind.trim_end_matches("string ");
            return format!("{head}{kind}a string{expected}");
        }
    }
    message
}

/// The members a struct reads, asked of its `Deserialize` impl.
fn struct_fields<T: serde::de::DeserializeOwned>() -> &'static [&'static str] {
    #[derive(Debug)]
    struct Found(Option<&'static [&'static str]>);
    impl std::fmt::Display for Found {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("fields")
        }
    }
    impl std::error::Error for Found {}
    impl serde::de::Error for Found {
        fn custom<M: std::fmt::Display>(_: M) -> Self {
            Found(None)
        }
    }
    struct Ask;
    impl<'de> serde::Deserializer<'de> for Ask {
        type Error = Found;
        fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Found> {
            Err(Found(None))
        }
        fn deserialize_struct<V: serde::de::Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Found> {
            Err(Found(Some(fields)))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
            identifier ignored_any
        }
    }
    match T::deserialize(Ask) {
        Err(Found(Some(fields))) => fields,
        _ => &[],
    }
}

/// serde-wasm-bindgen reads a struct's members by name and never sees the
/// others: for a type that denies unknown members, this does.
pub fn reject_unknown_members<T: serde::de::DeserializeOwned>(
    value: &JsValue,
    what: &str,
) -> Result<(), Error> {
    if !value.is_object() {
        return Ok(());
    }
    let fields = struct_fields::<T>();
    for key in Object::keys(value.unchecked_ref::<Object>()).iter() {
        let key = key.as_string().unwrap_or_default();
        if !fields.contains(&key.as_str()) {
            let mut message = format!("{what}.{key} is not a member; expected one of");
            for field in fields {
                message.push(' ');
                message.push_str(field);
            }
            return Err(invalid(message));
        }
    }
    Ok(())
}

/// An optional object argument: `undefined` and `null` are the default.
pub fn optional_from_js<T: serde::de::DeserializeOwned + Default>(
    value: &JsValue,
    what: &str,
) -> Result<T, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    from_js(value, what)
}

/// A JS value as JSON data.
pub fn json_from_js(value: &JsValue, what: &str) -> Result<serde_json::Value, Error> {
    from_js(value, what)
}

/// An object's member, `undefined` when it cannot be read.
pub fn get(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// A string argument, or an `invalid_argument` error.
pub fn string_arg(value: &JsValue, what: &str) -> Result<String, Error> {
    match value.as_string() {
        Some(s) => non_empty(s, what),
        None => Err(invalid(format!(
            "{what} must be a string, got {}",
            type_name(value)
        ))),
    }
}

fn non_empty(text: String, what: &str) -> Result<String, Error> {
    if text.is_empty() {
        return Err(invalid(format!("{what} must not be empty")));
    }
    Ok(text)
}

/// A field named by an object (`{ id, is_key }`), a uuid or a name.
pub fn field_arg(value: &JsValue, what: &str) -> Result<FieldRef, Error> {
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
pub fn activity_arg(value: &JsValue, what: &str) -> Result<Option<String>, Error> {
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
pub fn record_arg(value: &JsValue, what: &str) -> Result<RecordRef, Error> {
    if value.is_string() {
        return Ok(RecordRef::Id(string_arg(value, what)?));
    }
    if value.is_object() && !js_sys::Array::is_array(value) {
        if let Some(id) = record_handle_id(value, what)? {
            return Ok(RecordRef::Id(id));
        }
        return Ok(RecordRef::KeyValues(key_values_arg(value, what)?));
    }
    Err(invalid(format!(
        "{what} must be a Record, a record uuid or an object of key values, got {}",
        type_name(value)
    )))
}

/// A record named by a `Record` or a uuid only (no key values).
pub fn record_id_arg(value: &JsValue, what: &str) -> Result<String, Error> {
    if value.is_string() {
        return string_arg(value, what);
    }
    if value.is_object() {
        if let Some(id) = record_handle_id(value, what)? {
            return Ok(id);
        }
    }
    Err(invalid(format!(
        "{what} must be a Record or a record uuid, got {}",
        type_name(value)
    )))
}

/// The id of a `Record` handle (of this client or another).
fn record_handle_id(value: &JsValue, what: &str) -> Result<Option<String>, Error> {
    let id = get(value, "id");
    if id.is_string() && get(value, "record_identifier").is_string() {
        return string_arg(&id, what).map(Some);
    }
    Ok(None)
}

/// `{ [field name or uuid]: value }` as pairs.
pub fn key_values_arg(
    value: &JsValue,
    what: &str,
) -> Result<Vec<(FieldRef, serde_json::Value)>, Error> {
    if !value.is_object() || js_sys::Array::is_array(value) {
        return Err(invalid(format!(
            "{what} must be an object of key values, got {}",
            type_name(value)
        )));
    }
    let mut pairs = Vec::new();
    for entry in Object::entries(value.unchecked_ref()).iter() {
        let entry: js_sys::Array = entry.unchecked_into();
        let key = entry.get(0).as_string().unwrap_or_default();
        let content = json_from_js(&entry.get(1), &format!("{what}.{key}"))?;
        if !(content.is_string() || content.is_number()) {
            return Err(invalid(format!(
                "{what}.{key} must be a string or a number"
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

/// A whole number from `low` to `high`, or `default` when absent.
pub fn whole_number(
    value: Option<f64>,
    what: &str,
    default: usize,
    low: usize,
    high: usize,
) -> Result<usize, Error> {
    match value {
        None => Ok(default),
        Some(n) if n.fract() == 0.0 && (low as f64..=high as f64).contains(&n) => Ok(n as usize),
        Some(_) => Err(invalid(format!(
            "{what} must be a whole number from {low} to {high}"
        ))),
    }
}

/// The arguments of an upload (`createRecordValueFile`, `updateFieldFile`), read once.
pub struct Upload {
    /// The field the file goes into.
    pub field: FieldRef,
    /// The file's name.
    pub name: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// Its MIME type.
    pub mime: String,
    /// The activity it is written in, if any.
    pub activity: Option<String>,
    /// The record view of the activity it is written to, if any.
    pub record_view: Option<String>,
}

impl Upload {
    /// Reads and checks the upload arguments; the file's bytes are read last.
    pub async fn read(
        field: &JsValue,
        name: &JsValue,
        data: &JsValue,
        mime: &JsValue,
        activity: &JsValue,
        record_view: &JsValue,
    ) -> Result<Upload, Error> {
        let field = field_arg(field, "fieldId")?;
        let record_view = record_view_arg(record_view)?;
        let name = string_arg(name, "fileName")?;
        let mime = mime
            .as_string()
            .ok_or_else(|| invalid("fileType must be a MIME type string"))?;
        let activity = activity_arg(activity, "activityId")?;
        let bytes = file_bytes(data).await?;
        Ok(Upload {
            field,
            name,
            bytes,
            mime,
            activity,
            record_view,
        })
    }
}

/// An optional `recordViewId` argument: a record view's uuid (as in the Python client).
pub fn record_view_arg(value: &JsValue) -> Result<Option<String>, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    string_arg(value, "recordViewId").map(Some)
}

/// File data (`Blob`, `File` or `Uint8Array`) as bytes.
async fn file_bytes(value: &JsValue) -> Result<Vec<u8>, Error> {
    if let Some(array) = value.dyn_ref::<js_sys::Uint8Array>() {
        return Ok(array.to_vec());
    }
    if let Some(blob) = value.dyn_ref::<web_sys::Blob>() {
        let buffer = wasm_bindgen_futures::JsFuture::from(blob.array_buffer())
            .await
            .map_err(|_| invalid("fileData could not be read"))?;
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
    /// An optional number argument, checked in Rust.
    #[wasm_bindgen(typescript_type = "number")]
    pub type NumberArg;
    /// An optional boolean argument, checked in Rust.
    #[wasm_bindgen(typescript_type = "boolean")]
    pub type BooleanArg;
    /// An optional string argument, checked in Rust.
    #[wasm_bindgen(typescript_type = "string")]
    pub type StringArg;
    /// An optional record argument named by a `Record` or a uuid.
    #[wasm_bindgen(typescript_type = "Record | string")]
    pub type RecordOrIdArg;
    /// The optional last argument of every async call.
    #[wasm_bindgen(typescript_type = "CallOptions")]
    pub type CallOptionsArg;
    /// The optional last argument of `getRecordsByIds`.
    #[wasm_bindgen(typescript_type = "BatchOptions")]
    pub type BatchOptionsArg;
    /// The optional last argument of the list getters.
    #[wasm_bindgen(typescript_type = "ListOptions")]
    pub type ListOptionsArg;
    /// The optional last argument of the cached reads.
    #[wasm_bindgen(typescript_type = "ReadOptions")]
    pub type ReadOptionsArg;
}

/// An optional argument as a plain `JsValue` (`undefined` when absent).
pub fn arg<T: Into<JsValue>>(value: Option<T>) -> JsValue {
    value.map(Into::into).unwrap_or(JsValue::UNDEFINED)
}

/// Options every async call takes last.
#[derive(serde::Deserialize, Default, tsify::Tsify)]
#[serde(default)]
pub struct CallOptions {
    /// Cancels the call: the request in flight and any backoff wait. It then rejects with code "aborted".
    #[serde(with = "serde_wasm_bindgen::preserve")]
    #[tsify(type = "AbortSignal")]
    pub signal: JsValue,
}

/// The options of the list getters (`getKeyFields`, `getDataFields`,
/// `getActivities`, `entityTypes.getTypes` …).
#[derive(serde::Deserialize, Default, tsify::Tsify)]
#[serde(default, rename_all = "camelCase")]
pub struct ListOptions {
    /// Cancels the call: the request in flight and any backoff wait. It then rejects with code "aborted".
    #[serde(with = "serde_wasm_bindgen::preserve")]
    #[tsify(type = "AbortSignal")]
    pub signal: JsValue,
    /// `false` asks the server even when the list is cached and fresh (by a request
    /// of its own), and caches what it returns; as kalbio 0.7.0's `use_cache=False`.
    pub use_cache: Option<bool>,
    /// `true` is `useCache: false` (its older name).
    pub refresh: Option<bool>,
}

/// Runs a list getter's work, given whether the options ask the server anew.
pub fn list_promise<F: Future<Output = Answer> + 'static>(
    options: Option<ListOptionsArg>,
    work: impl FnOnce(bool) -> F,
) -> js_sys::Promise {
    let options = optional_from_js::<ListOptions>(&arg(options), "options");
    let refresh = matches!(
        &options,
        Ok(ListOptions {
            refresh: Some(true),
            ..
        }) | Ok(ListOptions {
            use_cache: Some(false),
            ..
        })
    );
    run(
        options.and_then(|o| signal_of(o.signal)),
        Box::pin(work(refresh)),
    )
}

/// The options of the cached reads (`getRecordById`, `getOrCreateRecord`,
/// `getActivitiesWithRecord`, `Record.getActivities`), declared as `ReadOptions`:
/// read as the list getters' options, which hold the same members, so that the
/// wasm carries one reader for both.
#[wasm_bindgen(typescript_custom_section)]
const READ_OPTIONS: &str = r#"
/**
 * The options of the cached reads: `getRecordById`, `getOrCreateRecord`,
 * `getActivitiesWithRecord`, `Record.getActivities`.
 */
export interface ReadOptions {
    /**
     * Cancels the call: the request in flight and any backoff wait. It then rejects with code "aborted".
     */
    signal?: AbortSignal;
    /**
     * `false` skips the cache: the server is asked by a request of its own (never
     * one already under way), and its answer replaces the cached entry; record
     * handles JS holds show it. As kalbio 0.7.0's `use_cache=False`.
     */
    useCache?: boolean | null;
}
"#;

/// Runs a cached read's work, given whether it may use the cache.
pub fn read_promise<F: Future<Output = Answer> + 'static>(
    options: Option<ReadOptionsArg>,
    work: impl FnOnce(bool) -> F,
) -> js_sys::Promise {
    let options = optional_from_js::<ListOptions>(&arg(options), "options");
    let use_cache = !matches!(
        &options,
        Ok(ListOptions {
            use_cache: Some(false),
            ..
        }) | Ok(ListOptions {
            refresh: Some(true),
            ..
        })
    );
    run(
        options.and_then(|o| signal_of(o.signal)),
        Box::pin(work(use_cache)),
    )
}

/// The options of `getRecordsByIds`.
#[derive(serde::Deserialize, Default, tsify::Tsify)]
#[serde(default, rename_all = "camelCase")]
pub struct BatchOptions {
    /// Cancels the call: the request in flight and any backoff wait. It then rejects with code "aborted".
    #[serde(with = "serde_wasm_bindgen::preserve")]
    #[tsify(type = "AbortSignal")]
    pub signal: JsValue,
    /// Called once per batch as it lands, with the records done so far and the
    /// records asked for; a callback with a third parameter also receives the
    /// batch's records (so a table can fill while a large load runs).
    #[serde(with = "serde_wasm_bindgen::preserve")]
    #[tsify(type = "(done: number, total: number, records?: Record[]) => void")]
    pub on_progress: JsValue,
    /// `false` fetches every record anew (cached ones too) and drops the cached
    /// entries of the ids asked first, so one the server no longer has is left
    /// out; as kalbio 0.7.0's `use_cache=False`.
    pub use_cache: Option<bool>,
}

/// A call's abort signal, if it has one.
fn signal_of(signal: JsValue) -> Result<Option<web_sys::AbortSignal>, Error> {
    if signal.is_undefined() || signal.is_null() {
        return Ok(None);
    }
    signal
        .dyn_into::<web_sys::AbortSignal>()
        .map(Some)
        .map_err(|_| invalid("options.signal must be an AbortSignal"))
}

/// The work of one async binding.
type Work = Pin<Box<dyn Future<Output = Answer>>>;

/// Runs a binding's work as a promise; `options.signal` cancels it.
pub fn promise(
    options: Option<CallOptionsArg>,
    work: impl Future<Output = Answer> + 'static,
) -> js_sys::Promise {
    let signal =
        optional_from_js::<CallOptions>(&arg(options), "options").and_then(|o| signal_of(o.signal));
    run(signal, Box::pin(work))
}

/// Like [`promise`], with a signal already read (the batch options).
pub fn promise_with_signal(
    signal: JsValue,
    work: impl Future<Output = Answer> + 'static,
) -> js_sys::Promise {
    run(signal_of(signal), Box::pin(work))
}

fn aborted() -> Error {
    Error::new(ErrorCode::Aborted, "the call was aborted")
}

/// The one promise maker: rejects with `aborted` as soon as the signal fires;
/// dropping `work` then aborts its fetch and any backoff wait.
fn run(signal: Result<Option<web_sys::AbortSignal>, Error>, work: Work) -> js_sys::Promise {
    let signal = match signal {
        Ok(signal) => signal,
        Err(e) => return js_sys::Promise::reject(&e.into()),
    };
    wasm_bindgen_futures::future_to_promise(async move {
        let Some(signal) = signal else {
            return work.await.map_err(JsValue::from);
        };
        if signal.aborted() {
            return Err(aborted().into());
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
            work,
            abort: wasm_bindgen_futures::JsFuture::from(on_abort),
        }
        .await;
        if let Some(listener) = listener {
            let _ = signal.remove_event_listener_with_callback("abort", &listener);
            // Settle the abort promise too: the future waiting on it frees its
            // callbacks only once the promise settles.
            let _ = listener.call0(&JsValue::UNDEFINED);
        }
        out.map_err(JsValue::from)
    })
}

/// The work's answer, or `aborted` if the signal fires first.
struct Race {
    work: Work,
    abort: wasm_bindgen_futures::JsFuture,
}

impl Future for Race {
    type Output = Answer;

    fn poll(mut self: Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Answer> {
        if let std::task::Poll::Ready(out) = self.work.as_mut().poll(cx) {
            return std::task::Poll::Ready(out);
        }
        match Pin::new(&mut self.abort).poll(cx) {
            std::task::Poll::Ready(_) => std::task::Poll::Ready(Err(aborted())),
            std::task::Poll::Pending => std::task::Poll::Pending,
        }
    }
}
