//! How callers name records, fields and activities, and how those names
//! resolve to uuids.

use crate::core::error::Error;
use crate::core::model::EntityField;
use serde_json::Value;

/// A field as a caller names it.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldRef {
    /// A field object: its id, and whether it is a key field.
    Object {
        /// The field's uuid.
        id: String,
        /// Whether the object is a key field.
        is_key: bool,
    },
    /// A uuid or a field name.
    Text(String),
}

/// A record as a caller names it.
#[derive(Debug, Clone, PartialEq)]
pub enum RecordRef {
    /// A record uuid (a `Record` object is named by its id).
    Id(String),
    /// Key values: `{ field: value }`, each field a name, a uuid or an object.
    KeyValues(Vec<(FieldRef, Value)>),
}

/// Resolves a field among `fields` (already the key or the data fields): an
/// object of the right kind by its id, a text first as a uuid, then as a name.
pub fn resolve_field(fields: &[EntityField], field: &FieldRef, want_key: bool) -> Option<String> {
    match field {
        FieldRef::Object { id, is_key } => (*is_key == want_key).then(|| id.clone()),
        FieldRef::Text(text) => fields
            .iter()
            .find(|f| f.id == *text)
            .or_else(|| fields.iter().find(|f| f.named(text)))
            .map(|f| f.id.clone()),
    }
}

/// The cache key of a set of resolved key values: independent of their order,
/// and comparing values as the server does (see [`canonical_key_value`]).
pub fn key_values_key(pairs: &[(String, Value)]) -> String {
    let mut parts: Vec<String> = pairs
        .iter()
        .map(|(k, v)| key_part(k, &canonical_key_value(v).to_string()))
        .collect();
    parts.sort();
    parts.join("\u{1e}")
}

/// One (field, value) part of a key-values key, the value as canonical JSON text.
pub fn key_part(field: &str, canonical_json: &str) -> String {
    let mut part = String::with_capacity(field.len() + 1 + canonical_json.len());
    part.push_str(field);
    part.push('\u{1f}');
    part.push_str(canonical_json);
    part
}

/// The largest integer a key number may be: beyond 2^53 a JSON number is no longer exact.
pub const MAX_EXACT_INTEGER: f64 = 9_007_199_254_740_992.0;

/// A key value as lookups compare it: a number as its canonical decimal string,
/// so that `51567`, `51567.0` and `"51567"` name one record, as on the server.
pub fn canonical_key_value(value: &Value) -> Value {
    let Value::Number(n) = value else {
        return value.clone();
    };
    // Integers print as their digits; floats as a whole number when they are one.
    let text = match n.as_f64() {
        Some(f) if n.is_f64() => canonical_float_text(f),
        _ => n.to_string(),
    };
    Value::String(text)
}

/// A float key value's canonical text: a whole number up to 2^53 as an integer, else its JSON text.
pub fn canonical_float_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() <= MAX_EXACT_INTEGER {
        (f as i64).to_string()
    } else {
        serde_json::Number::from_f64(f).map_or_else(|| "null".into(), |n| n.to_string())
    }
}

/// Checks an id before it goes into a URL path: no empty ids, no separators.
pub fn path_segment(id: &str) -> Result<&str, Error> {
    if id.is_empty()
        || id.len() > 200
        || id.contains(['/', '?', '#', '%', '\\'])
        || id.chars().any(char::is_whitespace)
    {
        return Err(Error::invalid(format!(
            "{:?} is not a valid id",
            id.chars().take(60).collect::<String>()
        )));
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_and_their_decimal_strings_are_one_key() {
        let key = |v: Value| key_values_key(&[("kf".to_string(), v)]);
        assert_eq!(key(json!(51567)), key(json!("51567")));
        assert_eq!(key(json!(51567.0)), key(json!("51567")));
        assert_eq!(key(json!(2.5)), key(json!("2.5")));
        assert_ne!(key(json!("051567")), key(json!(51567)));
        assert_ne!(key(json!("CMP-1")), key(json!("CMP-2")));
        // An integer keeps its digits, even beyond 2^53.
        assert_eq!(
            key(json!(1_152_921_504_606_846_976u64)),
            key(json!("1152921504606846976"))
        );
        assert_eq!(key(json!(-7)), key(json!("-7")));
        // Beyond 2^53 a float keeps its own text.
        assert_eq!(key(json!(1e300)), key(json!("1e+300")));
    }

    fn field(id: &str, name: &str, is_key: bool) -> EntityField {
        EntityField {
            id: id.into(),
            created_at: Some("2026-01-01T00:00:00Z".into()),
            is_key: Some(is_key),
            field_name: Some(name.into()),
            field_description: String::new(),
            field_examples: String::new(),
            field_type: Some("text".into()),
            ref_slice_id: None,
            regex_format: None,
        }
    }

    #[test]
    fn resolves_by_uuid_then_name() {
        let fields = vec![field("u1", "Compound ID", true), field("u2", "u1", true)];
        assert_eq!(
            resolve_field(&fields, &FieldRef::Text("u1".into()), true).as_deref(),
            Some("u1")
        );
        assert_eq!(
            resolve_field(&fields, &FieldRef::Text("Compound ID".into()), true).as_deref(),
            Some("u1")
        );
        assert_eq!(
            resolve_field(&fields, &FieldRef::Text("nope".into()), true),
            None
        );
    }

    #[test]
    fn objects_of_the_wrong_kind_do_not_resolve() {
        let data_field = FieldRef::Object {
            id: "d".into(),
            is_key: false,
        };
        assert_eq!(resolve_field(&[], &data_field, true), None);
        assert_eq!(resolve_field(&[], &data_field, false).as_deref(), Some("d"));
    }

    #[test]
    fn key_order_does_not_matter() {
        let a = key_values_key(&[("x".into(), json!("1")), ("y".into(), json!("2"))]);
        let b = key_values_key(&[("y".into(), json!("2")), ("x".into(), json!("1"))]);
        assert_eq!(a, b);
        assert_ne!(a, key_values_key(&[("x".into(), json!("1"))]));
    }

    #[test]
    fn ids_with_separators_are_refused() {
        assert!(path_segment("abc-123").is_ok());
        for bad in ["", "a/b", "../x", "a?b", "a b", "%2e"] {
            assert!(path_segment(bad).is_err(), "{bad}");
        }
    }
}
