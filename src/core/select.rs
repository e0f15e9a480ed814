//! Choosing which of a field's values a record shows: the rules of the
//! reference client's `get_value_content`.

use crate::core::model::{Record, RecordValue};
use crate::core::time;
use std::cmp::Ordering;

/// Which values of a field to consider.
#[derive(Debug, Clone, Copy, Default)]
pub struct ValueScope<'a> {
    /// Keep only values written in this activity (plus key values).
    pub activity_id: Option<&'a str>,
    /// Also consider values written on sub-records.
    pub include_sub_record_values: bool,
    /// Keep only values written on this sub-record.
    pub sub_record_id: Option<&'a str>,
    /// Keep only values written to this record view (as in the Python client): key values,
    /// and values written to no view, are left out.
    pub record_view_id: Option<&'a str>,
}

/// Orders two `created_at` stamps; a missing stamp is the oldest.
pub fn compare_created(a: Option<&str>, b: Option<&str>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => {
            // Stamps in one UTC format order as text; parse only when they differ in
            // form, to the API's microseconds (a millisecond tie is not a tie).
            if x.len() == y.len() && x.ends_with('Z') && y.ends_with('Z') {
                x.cmp(y)
            } else {
                let px = time::parse_iso_micros(x).unwrap_or(i64::MIN);
                let py = time::parse_iso_micros(y).unwrap_or(i64::MIN);
                px.cmp(&py)
            }
        }
    }
}

/// The value a record shows for a field in a scope: the newest by `created_at`
/// (the first one listed wins a tie), or `None`.
pub fn latest_value<'r>(
    record: &'r Record,
    field_id: &str,
    scope: ValueScope<'_>,
) -> Option<&'r RecordValue> {
    latest_of(record, record.record_values.get(field_id)?, scope)
}

/// [`latest_value`] among `values`, one field's list of the record's values.
pub fn latest_of<'r>(
    record: &Record,
    values: &'r [RecordValue],
    scope: ValueScope<'_>,
) -> Option<&'r RecordValue> {
    let mut best: Option<&RecordValue> = None;
    for value in values {
        let own = value.record_id.as_deref();
        if let Some(activity) = scope.activity_id {
            if value.operation_id.as_deref() != Some(activity) && own.is_some() {
                continue;
            }
        }
        // A sub-record asked for selects its values alone (kalbio 0.7.0).
        if !scope.include_sub_record_values
            && scope.sub_record_id.is_none()
            && own.is_some()
            && own != Some(record.id.as_str())
        {
            continue;
        }
        if let Some(sub) = scope.sub_record_id {
            if own != Some(sub) {
                continue;
            }
        }
        if scope.record_view_id.is_some() && value.record_view() != scope.record_view_id {
            continue;
        }
        let newer = match best {
            None => true,
            Some(b) => {
                compare_created(value.created_at.as_deref(), b.created_at.as_deref())
                    == Ordering::Greater
            }
        };
        if newer {
            best = Some(value);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn value(
        id: &str,
        content: &str,
        at: Option<&str>,
        record: Option<&str>,
        op: Option<&str>,
    ) -> RecordValue {
        RecordValue {
            id: id.into(),
            content: json!(content),
            created_at: at.map(Into::into),
            record_id: record.map(Into::into),
            operation_id: op.map(Into::into),
            record_view_id: None,
        }
    }

    fn in_view(mut v: RecordValue, view: Option<&str>) -> RecordValue {
        v.record_view_id = Some(view.map(Into::into));
        v
    }

    fn record() -> Record {
        let values = vec![
            value(
                "v1",
                "old",
                Some("2026-01-01T00:00:00.000Z"),
                Some("r"),
                None,
            ),
            value(
                "v2",
                "in exp",
                Some("2026-02-01T00:00:00.000Z"),
                Some("r"),
                Some("exp"),
            ),
            value(
                "v3",
                "newest",
                Some("2026-03-01T00:00:00.000Z"),
                Some("r"),
                None,
            ),
            value(
                "v4",
                "batch",
                Some("2026-04-01T00:00:00.000Z"),
                Some("sub"),
                Some("exp"),
            ),
            value("v5", "undated", None, Some("r"), Some("exp")),
        ];
        Record {
            id: "r".into(),
            created_at: Some("2026-01-01T00:00:00.000Z".into()),
            entity_slice_id: Some("s".into()),
            identifier_ids: vec![],
            record_identifier: Some("CMP-1".into()),
            record_values: [("f".to_string(), values)].into_iter().collect(),
            initial_operation_id: None,
            sub_record_ids: vec!["sub".into()],
        }
    }

    fn content(scope: ValueScope<'_>) -> Option<String> {
        let r = record();
        latest_value(&r, "f", scope).and_then(|v| v.content.as_str().map(String::from))
    }

    #[test]
    fn newest_own_value_by_default() {
        assert_eq!(content(ValueScope::default()).as_deref(), Some("newest"));
    }

    #[test]
    fn activity_keeps_its_values_only() {
        let scope = ValueScope {
            activity_id: Some("exp"),
            ..Default::default()
        };
        assert_eq!(content(scope).as_deref(), Some("in exp"));
    }

    #[test]
    fn sub_record_values_only_when_included() {
        let scope = ValueScope {
            include_sub_record_values: true,
            ..Default::default()
        };
        assert_eq!(content(scope).as_deref(), Some("batch"));
        let scope = ValueScope {
            include_sub_record_values: true,
            sub_record_id: Some("sub"),
            ..Default::default()
        };
        assert_eq!(content(scope).as_deref(), Some("batch"));
        // A sub-record alone selects its values, as kalbio 0.7.0 does (0.5.0 answered nothing).
        let scope = ValueScope {
            sub_record_id: Some("sub"),
            ..Default::default()
        };
        assert_eq!(content(scope).as_deref(), Some("batch"));
        // Key values are not the sub-record's.
        let scope = ValueScope {
            sub_record_id: Some("nobody"),
            ..Default::default()
        };
        assert_eq!(content(scope), None);
    }

    #[test]
    fn missing_time_sorts_oldest_and_ties_keep_the_first() {
        assert_eq!(
            compare_created(None, Some("2020-01-01T00:00:00Z")),
            Ordering::Less
        );
        let mut r = record();
        r.record_values.insert(
            "g".into(),
            vec![
                value("a", "first", None, Some("r"), None),
                value("b", "second", None, Some("r"), None),
            ],
        );
        assert_eq!(
            latest_value(&r, "g", ValueScope::default()).unwrap().id,
            "a"
        );
        assert!(latest_value(&r, "missing", ValueScope::default()).is_none());
    }

    #[test]
    fn stamps_in_different_forms_compare_to_the_microsecond() {
        // The same millisecond, 100 µs apart, written in two forms.
        let (earlier, later) = (
            "2026-01-01T00:00:00.000100Z",
            "2026-01-01T00:00:00.0002+00:00",
        );
        assert_eq!(compare_created(Some(earlier), Some(later)), Ordering::Less);
        assert_eq!(
            compare_created(Some(later), Some(earlier)),
            Ordering::Greater
        );
        assert_eq!(
            compare_created(
                Some("2026-01-01T00:00:00.5Z"),
                Some("2026-01-01T00:00:00.500000Z")
            ),
            Ordering::Equal
        );
        let mut r = record();
        r.record_values.insert(
            "g".into(),
            vec![
                value("later", "later", Some(later), Some("r"), None),
                value("earlier", "earlier", Some(earlier), Some("r"), None),
            ],
        );
        assert_eq!(
            latest_value(&r, "g", ValueScope::default()).unwrap().id,
            "later"
        );
        r.record_values.get_mut("g").unwrap().reverse();
        assert_eq!(
            latest_value(&r, "g", ValueScope::default()).unwrap().id,
            "later"
        );
    }

    #[test]
    fn key_values_count_in_every_activity() {
        let mut r = record();
        r.record_values
            .insert("k".into(), vec![value("kv", "CMP-1", None, None, None)]);
        let scope = ValueScope {
            activity_id: Some("other"),
            ..Default::default()
        };
        assert_eq!(latest_value(&r, "k", scope).unwrap().id, "kv");
    }

    #[test]
    fn a_record_view_keeps_only_the_values_written_to_it() {
        let mut r = record();
        r.record_values.insert(
            "g".into(),
            vec![
                value("kv", "key", Some("2026-06-01T00:00:00Z"), None, None),
                in_view(
                    value(
                        "a",
                        "view a",
                        Some("2026-01-01T00:00:00Z"),
                        Some("r"),
                        Some("exp"),
                    ),
                    Some("va"),
                ),
                in_view(
                    value(
                        "b",
                        "view b",
                        Some("2026-02-01T00:00:00Z"),
                        Some("r"),
                        Some("exp"),
                    ),
                    Some("vb"),
                ),
                in_view(
                    value(
                        "n",
                        "no view",
                        Some("2026-03-01T00:00:00Z"),
                        Some("r"),
                        Some("exp"),
                    ),
                    None,
                ),
                in_view(
                    value(
                        "s",
                        "sub in a",
                        Some("2026-04-01T00:00:00Z"),
                        Some("sub"),
                        Some("exp"),
                    ),
                    Some("va"),
                ),
            ],
        );
        let pick = |scope: ValueScope<'_>| latest_value(&r, "g", scope).map(|v| v.id.clone());
        // Without a view: the newest, the key value included.
        assert_eq!(pick(ValueScope::default()).as_deref(), Some("kv"));
        let view = |id| ValueScope {
            record_view_id: Some(id),
            ..Default::default()
        };
        // The key value (no view) is left out, as the reference leaves it out.
        assert_eq!(pick(view("va")).as_deref(), Some("a"));
        assert_eq!(pick(view("vb")).as_deref(), Some("b"));
        assert_eq!(pick(view("unknown")), None);
        // With the activity too, and with sub-record values.
        let scope = ValueScope {
            activity_id: Some("exp"),
            include_sub_record_values: true,
            record_view_id: Some("va"),
            ..Default::default()
        };
        assert_eq!(pick(scope).as_deref(), Some("s"));
        let scope = ValueScope {
            activity_id: Some("other"),
            record_view_id: Some("va"),
            ..Default::default()
        };
        assert_eq!(pick(scope), None);
    }

    #[test]
    fn record_view_id_is_read_as_it_travels() {
        let absent: RecordValue = serde_json::from_value(json!({"id": "v", "content": 1})).unwrap();
        assert_eq!(absent.record_view_id, None);
        assert_eq!(
            serde_json::to_value(&absent).unwrap().get("record_view_id"),
            None
        );
        let null: RecordValue =
            serde_json::from_value(json!({"id": "v", "content": 1, "record_view_id": null}))
                .unwrap();
        assert_eq!(null.record_view_id, Some(None));
        assert_eq!(null.record_view(), None);
        assert_eq!(
            serde_json::to_value(&null).unwrap()["record_view_id"],
            serde_json::Value::Null
        );
        let set: RecordValue =
            serde_json::from_value(json!({"id": "v", "content": 1, "record_view_id": "rv"}))
                .unwrap();
        assert_eq!(set.record_view(), Some("rv"));
        assert_eq!(serde_json::to_value(&set).unwrap()["record_view_id"], "rv");
        let bad = serde_json::from_value::<RecordValue>(
            json!({"id": "v", "content": 1, "record_view_id": 5}),
        );
        assert!(bad.is_err());
    }
}
