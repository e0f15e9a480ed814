//! `SearchRecordsQuery` and its query-string form.
//!
//! On the wire each parameter whose value is a string travels as is, and every
//! other value JSON-encoded (lists, objects, numbers, booleans), as the
//! reference client sends it.

use crate::core::filter::FilterRuleType;
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[cfg(target_arch = "wasm32")]
use tsify::Tsify;

/// Filter on a field's latest value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct FieldFilter {
    /// The field to filter on (uuid).
    #[serde(default)]
    pub field_id: Option<String>,
    /// The rule to apply.
    pub filter_type: FilterRuleType,
    /// What the rule compares against; its shape depends on the rule (the filter rules are in the package, `kalbio/docs/filters.md`).
    #[serde(default)]
    #[cfg_attr(target_arch = "wasm32", tsify(optional, type = "unknown"))]
    pub filter_prop: Value,
}

/// Sort on a field's latest value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct FieldSort {
    /// The field to sort by (uuid).
    #[serde(default)]
    pub field_id: Option<String>,
    /// Largest first when true.
    #[serde(default)]
    pub descending: bool,
}

/// Filter through a view field. `kalbio-sandbox` takes `key_field_id` (or else
/// `view_field_id`) as the field's uuid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct ViewFieldFilter {
    /// The key (or data) field's uuid.
    #[serde(default)]
    pub key_field_id: Option<String>,
    /// The view field's uuid.
    #[serde(default)]
    pub view_field_id: Option<String>,
    /// The rule to apply.
    pub filter_type: FilterRuleType,
    /// What the rule compares against.
    #[serde(default)]
    #[cfg_attr(target_arch = "wasm32", tsify(optional, type = "unknown"))]
    pub filter_prop: Value,
}

/// Sort through a view field; the field is named as in [`ViewFieldFilter`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct ViewFieldSort {
    /// The key (or data) field's uuid.
    #[serde(default)]
    pub key_field_id: Option<String>,
    /// The view field's uuid.
    #[serde(default)]
    pub view_field_id: Option<String>,
    /// Largest first when true.
    #[serde(default)]
    pub descending: bool,
}

/// Declares [`SearchRecordsQuery`]: every member optional, left out of the JSON
/// when `None`, optional in TypeScript.
macro_rules! search_records_query {
    ($($(#[$doc:meta])* $name:ident: $ty:ty,)*) => {
        /// A record search. Every member is optional; the filters all have to match.
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        #[cfg_attr(target_arch = "wasm32", derive(Tsify))]
        #[serde(deny_unknown_fields)]
        pub struct SearchRecordsQuery {
            $(
                $(#[$doc])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                #[cfg_attr(target_arch = "wasm32", tsify(optional))]
                pub $name: Option<$ty>,
            )*
        }
    };
}

search_records_query! {
    /// Only records of this record set.
    record_set_id: String,
    /// Only records in any of these record sets: ids separated by commas
    /// (the name the Python client uses).
    record_set_ids: String,
    /// Only records of this program.
    program_id: String,
    /// Only records of this entity slice (type).
    entity_slice_id: String,
    /// Only records that the activity contains.
    operation_id: String,
    /// Only records with one of these ids, or with a key value of one of these ids.
    identifier_ids: Vec<String>,
    /// Record-set filters (`kalbio-sandbox` ignores them).
    record_set_filters: Vec<String>,
    /// Filters through view fields.
    view_field_filters: Vec<ViewFieldFilter>,
    /// Sorts through view fields, applied before the entity-field sorts.
    view_field_sorts: Vec<ViewFieldSort>,
    /// Filters on fields.
    entity_field_filters: Vec<FieldFilter>,
    /// Sorts on fields, the first one deciding first.
    entity_field_sorts: Vec<FieldSort>,
    /// Case-insensitive text over the record identifier and text values.
    search_text: String,
    /// At most this many ids (1 to 1,000,000).
    limit: u32,
}

/// The largest `limit` a search accepts.
pub const MAX_LIMIT: u64 = 1_000_000;

/// A query string that could not be read as a `SearchRecordsQuery`.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryParamError {
    /// The parameter at fault.
    pub param: String,
    /// What is wrong with it.
    pub message: String,
}

impl std::fmt::Display for QueryParamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.param, self.message)
    }
}

const STRING_PARAMS: &[&str] = &[
    "record_set_id",
    "record_set_ids",
    "program_id",
    "entity_slice_id",
    "operation_id",
    "search_text",
];
const JSON_PARAMS: &[&str] = &[
    "identifier_ids",
    "record_set_filters",
    "view_field_filters",
    "view_field_sorts",
    "entity_field_filters",
    "entity_field_sorts",
    "limit",
];

impl SearchRecordsQuery {
    /// The query as `(name, value)` pairs, before percent-encoding.
    pub fn to_params(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if let Ok(Value::Object(map)) = serde_json::to_value(self) {
            for (name, value) in map {
                match value {
                    Value::Null => {}
                    Value::String(s) => out.push((name, s)),
                    other => out.push((name, other.to_string())),
                }
            }
        }
        out
    }

    /// Reads a query from decoded `(name, value)` pairs. A JSON `null` (or the
    /// text `null`) means "not given"; unknown names are errors.
    pub fn from_params<'a>(
        params: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, QueryParamError> {
        let mut object = serde_json::Map::new();
        for (name, raw) in params {
            let err = |message: String| QueryParamError {
                param: name.to_string(),
                message,
            };
            if object.contains_key(name) {
                return Err(err("given more than once".into()));
            }
            let value = if STRING_PARAMS.contains(&name) {
                if raw == "null" {
                    continue;
                }
                Value::String(raw.to_string())
            } else if JSON_PARAMS.contains(&name) {
                let value: Value = serde_json::from_str(raw)
                    .map_err(|e| err(format!("is not valid JSON ({e})")))?;
                if value.is_null() {
                    continue;
                }
                value
            } else {
                return Err(err("is not a search parameter".into()));
            };
            if name == "record_set_ids" {
                parse_id_list(raw).map_err(err)?;
            }
            if name == "limit" {
                match value.as_u64() {
                    Some(n) if (1..=MAX_LIMIT).contains(&n) => {}
                    _ => return Err(err(format!("must be a whole number from 1 to {MAX_LIMIT}"))),
                }
            }
            let check: Result<SearchRecordsQuery, _> = serde_json::from_value(Value::Object(
                [(name.to_string(), value.clone())].into_iter().collect(),
            ));
            if let Err(e) = check {
                return Err(err(describe_shape_error(&e.to_string())));
            }
            object.insert(name.to_string(), value);
        }
        serde_json::from_value(Value::Object(object)).map_err(|e| QueryParamError {
            param: "query".into(),
            message: describe_shape_error(&e.to_string()),
        })
    }
}

impl SearchRecordsQuery {
    /// The record sets of `record_set_ids`, read as [`parse_id_list`] reads them
    /// (`None` when the query names none).
    pub fn record_set_id_list(&self) -> Result<Option<Vec<String>>, QueryParamError> {
        self.record_set_ids
            .as_deref()
            .map(parse_id_list)
            .transpose()
            .map_err(|message| QueryParamError {
                param: "record_set_ids".into(),
                message,
            })
    }
}

/// A list of ids as `record_set_ids` carries it: separated by commas, spaces
/// around each id ignored, or a JSON list of strings (what the reference client
/// sends when it is given a list). An empty id is an error.
pub fn parse_id_list(raw: &str) -> Result<Vec<String>, String> {
    let ids: Vec<String> = if raw.trim_start().starts_with('[') {
        serde_json::from_str(raw)
            .map_err(|_| "must be ids separated by commas, or a JSON list of strings".to_string())?
    } else {
        raw.split(',').map(|id| id.trim().to_string()).collect()
    };
    if ids.iter().any(|id| id.trim().is_empty()) {
        return Err("names an empty id; give ids separated by commas".into());
    }
    Ok(ids)
}

fn describe_shape_error(serde_message: &str) -> String {
    if let Some(start) = serde_message.find("unknown variant `") {
        let rest = serde_message.get(start + 17..).unwrap_or_default();
        let name = rest.split('`').next().unwrap_or_default();
        return format!("unknown filter_type \"{name}\"; see FilterRuleType for the 38 rules");
    }
    format!("has the wrong shape: {serde_message}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strings_travel_as_is_and_the_rest_as_json() {
        let q = SearchRecordsQuery {
            entity_slice_id: Some("slice".into()),
            search_text: Some("kinase 5".into()),
            limit: Some(5),
            entity_field_filters: Some(vec![FieldFilter {
                field_id: Some("f".into()),
                filter_type: FilterRuleType::IsLessThan,
                filter_prop: json!(10),
            }]),
            ..Default::default()
        };
        let params = q.to_params();
        assert!(params.contains(&("entity_slice_id".into(), "slice".into())));
        assert!(params.contains(&("search_text".into(), "kinase 5".into())));
        assert!(params.contains(&("limit".into(), "5".into())));
        let filters = params
            .iter()
            .find(|(k, _)| k == "entity_field_filters")
            .map(|(_, v)| v)
            .unwrap();
        let filters: Value = serde_json::from_str(filters).unwrap();
        assert_eq!(
            filters,
            json!([{"field_id": "f", "filter_type": "is_less_than", "filter_prop": 10}])
        );
        assert_eq!(params.len(), 4);
        let back =
            SearchRecordsQuery::from_params(params.iter().map(|(a, b)| (a.as_str(), b.as_str())))
                .unwrap();
        assert_eq!(back, q);
    }

    #[test]
    fn null_means_not_given() {
        let q =
            SearchRecordsQuery::from_params([("search_text", "null"), ("limit", "null")]).unwrap();
        assert_eq!(q, SearchRecordsQuery::default());
    }

    #[test]
    fn bad_params_say_which_and_why() {
        let cases = [
            (("limit", "-1"), "limit"),
            (("limit", "1e12"), "limit"),
            (("limit", "abc"), "limit"),
            (
                (
                    "entity_field_filters",
                    "[{\"field_id\":\"f\",\"filter_type\":\"is_equals\"}]",
                ),
                "unknown filter_type \"is_equals\"",
            ),
            (("entity_field_filters", "{\"a\":1}"), "wrong shape"),
            (("colour", "red"), "not a search parameter"),
        ];
        for ((name, raw), expected) in cases {
            let err = SearchRecordsQuery::from_params([(name, raw)]).unwrap_err();
            assert!(err.to_string().contains(expected), "{name}={raw}: {err}");
        }
    }

    #[test]
    fn record_sets_and_program_travel_as_strings() {
        let q = SearchRecordsQuery {
            record_set_id: Some("set-a".into()),
            record_set_ids: Some("set-a,set-b".into()),
            program_id: Some("prog".into()),
            ..Default::default()
        };
        let mut params = q.to_params();
        params.sort();
        assert_eq!(
            params,
            vec![
                ("program_id".to_string(), "prog".to_string()),
                ("record_set_id".to_string(), "set-a".to_string()),
                ("record_set_ids".to_string(), "set-a,set-b".to_string()),
            ]
        );
        let back =
            SearchRecordsQuery::from_params(params.iter().map(|(a, b)| (a.as_str(), b.as_str())))
                .unwrap();
        assert_eq!(back, q);
        assert_eq!(
            back.record_set_id_list().unwrap(),
            Some(vec!["set-a".to_string(), "set-b".to_string()])
        );
        assert_eq!(SearchRecordsQuery::default().record_set_id_list(), Ok(None));
    }

    #[test]
    fn record_set_ids_are_read_from_commas_or_a_json_list() {
        let list = |raw| parse_id_list(raw);
        assert_eq!(list("a"), Ok(vec!["a".to_string()]));
        assert_eq!(list(" a , b "), Ok(vec!["a".to_string(), "b".to_string()]));
        assert_eq!(
            list(r#"["a", "b"]"#),
            Ok(vec!["a".to_string(), "b".to_string()])
        );
        for bad in ["", "a,,b", "a,", " ", "[1]", "[\"a\"", "[\"\"]"] {
            assert!(list(bad).is_err(), "{bad:?}");
            let err = SearchRecordsQuery::from_params([("record_set_ids", bad)]).unwrap_err();
            assert_eq!(err.param, "record_set_ids", "{bad:?}");
        }
        // null means not given, as for every string parameter.
        let q = SearchRecordsQuery::from_params([("record_set_ids", "null")]).unwrap();
        assert_eq!(q.record_set_ids, None);
    }
}
