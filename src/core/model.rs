//! The API's objects, exactly as they travel on the wire.

use crate::core::store::Id;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

#[cfg(target_arch = "wasm32")]
use tsify::Tsify;

/// One value written to a record's field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self")]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct RecordValue {
    /// The value's uuid.
    pub id: String,
    /// The value itself: any JSON value (null when the server left it out).
    #[serde(default)]
    #[cfg_attr(target_arch = "wasm32", tsify(type = "unknown"))]
    pub content: Value,
    /// When the value was written (ISO-8601), or null.
    pub created_at: Option<String>,
    /// Null for key values; otherwise the record (or sub-record) it was written on.
    pub record_id: Option<String>,
    /// The activity (operation) the value was written in, or null.
    pub operation_id: Option<String>,
    /// The record view on the activity the value was written to (as in the Python client);
    /// null, or absent when the server left it out (kept as it came).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present_or_null"
    )]
    #[cfg_attr(target_arch = "wasm32", tsify(optional, type = "string | null"))]
    pub record_view_id: Option<Option<String>>,
}

impl RecordValue {
    /// The record view the value was written to, if any (absent and null alike).
    pub fn record_view(&self) -> Option<&str> {
        self.record_view_id.as_ref()?.as_deref()
    }
}

/// A member that is present: `Some(None)` when it is null.
fn present_or_null<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(deserializer).map(Some)
}

/// A record: a compound, a sample, a batch…, named by its key values. In
/// TypeScript `RecordJSON`, the shape of `Record.toJSON()`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify), tsify(rename = "RecordJSON"))]
pub struct Record {
    /// The record's uuid.
    pub id: String,
    /// When the record was created (ISO-8601), or null when the server left it out.
    pub created_at: Option<String>,
    /// The entity type (set of key fields) the record belongs to, or null.
    pub entity_slice_id: Option<String>,
    /// Ids of the record values that hold its key values.
    #[serde(default, deserialize_with = "crate::core::exact::exact_list")]
    pub identifier_ids: Vec<String>,
    /// Human-readable name, e.g. `CMP-0042`, or null.
    pub record_identifier: Option<String>,
    /// Field id → every value written to that field.
    #[serde(default, deserialize_with = "crate::core::exact::exact_record_values")]
    // An index signature: the package's `Record` class shadows TypeScript's `Record<K, V>`.
    #[cfg_attr(
        target_arch = "wasm32",
        tsify(type = "{ [field_id: string]: RecordValue[] }")
    )]
    pub record_values: BTreeMap<String, Vec<RecordValue>>,
    /// The activity the record was created in, or null.
    pub initial_operation_id: Option<String>,
    /// Ids of the record's sub-records (batches, aliquots…).
    #[serde(default, deserialize_with = "crate::core::exact::exact_list")]
    pub sub_record_ids: Vec<String>,
}

/// A key field or a data field; `is_key` tells which.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self")]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct EntityField {
    /// The field's uuid.
    pub id: String,
    /// When the field was created (ISO-8601), or null.
    pub created_at: Option<String>,
    /// True for key fields, false for data fields, null when the server left it out.
    pub is_key: Option<bool>,
    /// The field's unique name, e.g. `IC50`, or null.
    pub field_name: Option<String>,
    /// Free text describing the field.
    #[serde(default)]
    pub field_description: String,
    /// Free text with example values.
    #[serde(default)]
    pub field_examples: String,
    /// The field's type, e.g. `number`, `text`, `file`, or null.
    pub field_type: Option<String>,
    /// For record references: the entity slice referred to.
    pub ref_slice_id: Option<String>,
    /// A regular expression values must match, if any.
    pub regex_format: Option<String>,
}

impl EntityField {
    /// Whether the field is a key field (absent counts as not).
    pub fn key(&self) -> bool {
        self.is_key == Some(true)
    }

    /// Whether the field is named `name`.
    pub fn named(&self, name: &str) -> bool {
        self.field_name.as_deref() == Some(name)
    }
}

/// An activity (also called an operation): an experiment, a task…
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self")]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct Activity {
    /// The activity's uuid.
    pub id: String,
    /// When it was created (ISO-8601), or null.
    pub created_at: Option<String>,
    /// The parent activity, if any.
    pub parent_id: Option<String>,
    /// Child activity ids.
    #[serde(default)]
    pub child_ids: Vec<String>,
    /// The activity definition (template) it was made from, if any.
    pub definition_id: Option<String>,
    /// Programs the activity belongs to.
    #[serde(default)]
    pub program_ids: Vec<String>,
    /// `task`, `experiment`, `project`, `stage`, `milestone` or `cycle`, or null.
    pub activity_type: Option<String>,
    /// The activity's title, also usable as its name; or null.
    pub title: Option<String>,
    /// Free-form description.
    #[serde(default)]
    #[cfg_attr(target_arch = "wasm32", tsify(type = "unknown"))]
    pub description: Value,
    /// Status, e.g. `in progress`, or null.
    pub status: Option<String>,
    /// Users assigned to it.
    #[serde(default)]
    pub assigned_user_ids: Vec<String>,
    /// Groups assigned to it.
    #[serde(default)]
    pub assigned_group_ids: Vec<String>,
    /// Users who get its notifications (kalbio 0.7.0).
    #[serde(default)]
    pub subscriber_ids: Vec<String>,
    /// Due date (ISO-8601), if any.
    pub due_date: Option<String>,
    /// Start date (ISO-8601), if any.
    pub start_date: Option<String>,
    /// Planned duration in days, if any.
    pub duration: Option<i64>,
    /// When it was completed (ISO-8601), if it was.
    pub completed_at_date: Option<String>,
    /// Ids of activities this one depends on.
    #[serde(default)]
    pub dependencies: Vec<String>,
    /// Label ids.
    #[serde(default)]
    pub label_ids: Vec<String>,
    /// Whether the activity is a draft, or null.
    pub is_draft: Option<bool>,
    /// Activity properties.
    #[serde(default)]
    #[cfg_attr(target_arch = "wasm32", tsify(type = "unknown[]"))]
    pub properties: Vec<Value>,
    /// An id in an external system, if any.
    pub external_id: Option<String>,
    /// Every record the activity contains.
    // Held as `Id`s: a cached activity list of a large project names every record,
    // and a uuid takes 20 bytes this way instead of a string's 52.
    #[serde(default)]
    #[cfg_attr(target_arch = "wasm32", tsify(type = "string[]"))]
    pub all_record_ids: Vec<Id>,
    /// View id → record ids shown in that data table.
    #[serde(default)]
    // An index signature: the package's `Record` class shadows TypeScript's `Record<K, V>`.
    #[cfg_attr(
        target_arch = "wasm32",
        tsify(type = "{ [view_id: string]: string[] }")
    )]
    pub data_table_record_mapping: BTreeMap<String, Vec<String>>,
    /// Registration drafts staged on the activity and not yet registered (kalbio 0.7.0).
    #[serde(default)]
    pub data_table_draft_record_ids: Vec<String>,
    /// The activity's registration staging view, where drafts are uploaded, or null
    /// (kalbio 0.7.0).
    pub registration_staging_record_view_id: Option<String>,
}

impl Activity {
    /// Whether the activity is titled `title`.
    pub fn titled(&self, title: &str) -> bool {
        self.title.as_deref() == Some(title)
    }
}

/// What `createActivity` takes: a new activity's title, type and optional details.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct NewActivity {
    /// The activity's title; unique among activities.
    pub title: String,
    /// What kind of activity it is.
    #[cfg_attr(
        target_arch = "wasm32",
        tsify(type = r#""task" | "experiment" | "project" | "stage" | "milestone" | "cycle""#)
    )]
    pub activity_type: String,
    /// The activity definition (template) to make it from.
    #[serde(default)]
    pub definition_id: Option<String>,
    /// Programs the activity belongs to.
    #[serde(default)]
    pub program_ids: Vec<String>,
    /// Users assigned to it.
    #[serde(default)]
    pub assigned_user_ids: Vec<String>,
    /// Start date (ISO-8601).
    #[serde(default)]
    pub start_date: Option<String>,
    /// Planned duration in days.
    #[serde(default)]
    pub duration: Option<i64>,
    /// Users who get the activity's notifications (sent as `[]` when not given).
    #[serde(default)]
    pub subscriber_ids: Vec<String>,
}

impl NewActivity {
    /// The body of `POST /operations`.
    pub fn payload(&self) -> Value {
        serde_json::json!({
            "title": self.title, "activity_type": self.activity_type,
            "definition_id": self.definition_id, "program_ids": self.program_ids,
            "assigned_user_ids": self.assigned_user_ids, "start_date": self.start_date,
            "duration": self.duration, "subscriber_ids": self.subscriber_ids,
        })
    }
}

/// An entity slice (kalbio 0.7.0: an entity type): the set of key fields that names
/// one type of record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self")]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct EntitySlice {
    /// The slice's uuid.
    pub id: String,
    /// The key fields that make up the slice.
    #[serde(default)]
    pub key_field_ids: Vec<String>,
    /// A readable name, e.g. `Compound`, or null.
    pub slice_name: Option<String>,
}

/// The answer of `POST /records/{id}/values`: `{ "resource": RecordValue }`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ValueResource {
    /// The value just written.
    pub resource: RecordValue,
}

/// One element of the answer of `GET /records/identifiers`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IdentifiedRecord {
    /// The record that matched the key values.
    pub record: Record,
}

/// The answer of `POST /auth/oauth/token`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TokenResponse {
    /// Bearer token for `X-Kal-Authorization`.
    pub access_token: String,
    /// Token that buys a new access token.
    pub refresh_token: Option<String>,
    /// Lifetime of the access token, in seconds.
    pub expires_in: f64,
}

/// What a file value's `content` holds (this project's definition).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct FileContent {
    /// Id to download the bytes from `GET /files/{file_id}`.
    pub file_id: String,
    /// The file's name as uploaded.
    pub file_name: String,
    /// The MIME type given at upload.
    pub mime_type: String,
    /// Size in bytes.
    pub size: u64,
}

/// The serde impls of a wire type derived with `#[serde(remote = "Self")]`: as
/// derived, except that the type is read from an object only ([`ObjectOnly`]).
macro_rules! object_only {
    ($($t:ident),*) => {$(
        impl Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                $t::serialize(self, s)
            }
        }

        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $t::deserialize(ObjectOnly(d))
            }
        }
    )*};
}

object_only!(RecordValue, EntityField, Activity, EntitySlice);

/// A deserializer that reads a struct only from an object (`deserialize_map`):
/// derived code reads a struct from a list of its members too, which no answer
/// of the API is, and which the wasm would otherwise hold once per type.
struct ObjectOnly<D>(D);

impl<'de, D: serde::Deserializer<'de>> serde::Deserializer<'de> for ObjectOnly<D> {
    type Error = D::Error;
    fn deserialize_any<V: serde::de::Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_any(v)
    }
    fn deserialize_struct<V: serde::de::Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(v)
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
        byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
        identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_types_read_from_objects_only() {
        let slice: EntitySlice =
            serde_json::from_str(r#"{"id": "s", "key_field_ids": ["k"], "slice_name": null}"#)
                .unwrap();
        assert_eq!(slice.key_field_ids, ["k"]);
        assert_eq!(slice.slice_name, None);
        let value: RecordValue = serde_json::from_value(serde_json::json!({"id": "v"})).unwrap();
        assert_eq!((value.id.as_str(), value.record_view_id), ("v", None));
        let error = serde_json::from_str::<EntitySlice>(r#"["s", ["k"], null]"#).unwrap_err();
        assert!(
            error.to_string().contains("expected struct EntitySlice"),
            "{error}"
        );
        assert!(serde_json::from_str::<Activity>(r#"["a"]"#).is_err());
        // What is written is as derived.
        let text = serde_json::to_string(&slice).unwrap();
        assert_eq!(
            text,
            r#"{"id":"s","key_field_ids":["k"],"slice_name":null}"#
        );
    }
}
