//! Running a `SearchRecordsQuery` over records in memory: the sandbox's search
//! and the client's `queryCached` are this one function.

use crate::core::filter::{CompiledFilter, FilterPropError, SortKey};
use crate::core::model::Record;
use crate::core::query::SearchRecordsQuery;
use crate::core::select::{latest_value, ValueScope};
use crate::core::time;
use serde_json::Value;
use std::cmp::Ordering;
use std::collections::HashSet;

/// Why a query cannot run.
#[derive(Debug, Clone, PartialEq)]
pub enum SearchError {
    /// A filter's `filter_prop` has the wrong shape for its rule.
    FilterProp(FilterPropError),
    /// A filter or sort names no field.
    MissingField(&'static str),
    /// The query uses a parameter this engine does not evaluate.
    Unsupported(&'static str),
}

impl std::fmt::Display for SearchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SearchError::FilterProp(e) => e.fmt(f),
            SearchError::MissingField(what) => write!(f, "each of {what} needs a field id"),
            SearchError::Unsupported(what) => write!(f, "{what} is not supported"),
        }
    }
}

struct Filter {
    field_id: String,
    compiled: CompiledFilter,
}

struct Sort {
    field_id: String,
    descending: bool,
}

/// A query checked and ready to run many times.
pub struct CompiledSearch {
    filters: Vec<Filter>,
    sorts: Vec<Sort>,
    entity_slice_id: Option<String>,
    identifier_ids: Option<HashSet<String>>,
    search_text: Option<String>,
    limit: Option<usize>,
    operation_id: Option<String>,
}

impl CompiledSearch {
    /// Checks the query. Relative date rules are fixed against `now_ms`.
    pub fn new(query: &SearchRecordsQuery, now_ms: i64) -> Result<Self, SearchError> {
        if query.record_set_id.is_some() {
            return Err(SearchError::Unsupported("record_set_id"));
        }
        if query.program_id.is_some() {
            return Err(SearchError::Unsupported("program_id"));
        }
        if query
            .record_set_filters
            .as_ref()
            .is_some_and(|f| !f.is_empty())
        {
            return Err(SearchError::Unsupported("record_set_filters"));
        }
        let mut filters = Vec::new();
        for f in query.view_field_filters.iter().flatten() {
            let field_id = f
                .key_field_id
                .clone()
                .or_else(|| f.view_field_id.clone())
                .ok_or(SearchError::MissingField("view_field_filters"))?;
            let compiled = CompiledFilter::new(f.filter_type, &f.filter_prop, now_ms)
                .map_err(SearchError::FilterProp)?;
            filters.push(Filter { field_id, compiled });
        }
        for f in query.entity_field_filters.iter().flatten() {
            let field_id = f
                .field_id
                .clone()
                .ok_or(SearchError::MissingField("entity_field_filters"))?;
            let compiled = CompiledFilter::new(f.filter_type, &f.filter_prop, now_ms)
                .map_err(SearchError::FilterProp)?;
            filters.push(Filter { field_id, compiled });
        }
        let mut sorts = Vec::new();
        for s in query.view_field_sorts.iter().flatten() {
            let field_id = s
                .key_field_id
                .clone()
                .or_else(|| s.view_field_id.clone())
                .ok_or(SearchError::MissingField("view_field_sorts"))?;
            sorts.push(Sort {
                field_id,
                descending: s.descending,
            });
        }
        for s in query.entity_field_sorts.iter().flatten() {
            let field_id = s
                .field_id
                .clone()
                .ok_or(SearchError::MissingField("entity_field_sorts"))?;
            sorts.push(Sort {
                field_id,
                descending: s.descending,
            });
        }
        Ok(CompiledSearch {
            filters,
            sorts,
            entity_slice_id: query.entity_slice_id.clone(),
            identifier_ids: query
                .identifier_ids
                .as_ref()
                .map(|ids| ids.iter().cloned().collect()),
            search_text: query
                .search_text
                .as_ref()
                .map(|t| t.to_lowercase())
                .filter(|t| !t.is_empty()),
            limit: query.limit.map(|n| n as usize),
            operation_id: query.operation_id.clone(),
        })
    }

    /// The activity whose records the query is limited to, if any. The caller
    /// passes that activity's record ids to [`CompiledSearch::run`].
    pub fn operation_id(&self) -> Option<&str> {
        self.operation_id.as_deref()
    }

    /// Whether one record passes every filter of the query.
    pub fn matches(&self, record: &Record, operation_records: Option<&HashSet<String>>) -> bool {
        if self
            .entity_slice_id
            .as_ref()
            .is_some_and(|s| *s != record.entity_slice_id)
        {
            return false;
        }
        if self.operation_id.is_some()
            && !operation_records.is_some_and(|ids| ids.contains(&record.id))
        {
            return false;
        }
        if let Some(ids) = &self.identifier_ids {
            if !ids.contains(&record.id) && !record.identifier_ids.iter().any(|i| ids.contains(i)) {
                return false;
            }
        }
        for filter in &self.filters {
            let latest = latest_value(record, &filter.field_id, ValueScope::default());
            let content = latest.map(|v| &v.content);
            let updated = if filter.compiled.needs_update_time() {
                latest
                    .and_then(|v| v.created_at.as_deref())
                    .and_then(time::parse_iso)
            } else {
                None
            };
            if !filter.compiled.matches(content, updated) {
                return false;
            }
        }
        if let Some(needle) = &self.search_text {
            if !record
                .record_identifier
                .to_lowercase()
                .contains(needle.as_str())
                && !text_values_contain(record, needle)
            {
                return false;
            }
        }
        true
    }

    /// The ids of the matching records, sorted, at most `limit` of them.
    /// Without sorts the records keep the order they were given in.
    pub fn run<'r>(
        &self,
        records: impl IntoIterator<Item = &'r Record>,
        operation_records: Option<&HashSet<String>>,
    ) -> Vec<String> {
        let matching = records
            .into_iter()
            .filter(|r| self.matches(r, operation_records));
        if self.sorts.is_empty() {
            return matching
                .take(self.limit.unwrap_or(usize::MAX))
                .map(|r| r.id.clone())
                .collect();
        }
        let mut keyed: Vec<(&Record, Vec<Option<SortKey>>)> = matching
            .map(|r| {
                let keys = self
                    .sorts
                    .iter()
                    .map(|s| {
                        latest_value(r, &s.field_id, ValueScope::default())
                            .map(|v| &v.content)
                            .filter(|v| !v.is_null())
                            .map(SortKey::of)
                    })
                    .collect();
                (r, keys)
            })
            .collect();
        keyed.sort_by(|(ra, ka), (rb, kb)| {
            for (sort, (a, b)) in self.sorts.iter().zip(ka.iter().zip(kb.iter())) {
                let order = match (a, b) {
                    (None, None) => Ordering::Equal,
                    // Records without a value come last in both directions.
                    (None, Some(_)) => Ordering::Greater,
                    (Some(_), None) => Ordering::Less,
                    (Some(x), Some(y)) => {
                        let o = x.cmp(y);
                        if sort.descending {
                            o.reverse()
                        } else {
                            o
                        }
                    }
                };
                if order != Ordering::Equal {
                    return order;
                }
            }
            ra.record_identifier
                .cmp(&rb.record_identifier)
                .then_with(|| ra.id.cmp(&rb.id))
        });
        keyed
            .into_iter()
            .take(self.limit.unwrap_or(usize::MAX))
            .map(|(r, _)| r.id.clone())
            .collect()
    }
}

fn text_values_contain(record: &Record, needle: &str) -> bool {
    record.record_values.keys().any(|field_id| {
        match latest_value(record, field_id, ValueScope::default()).map(|v| &v.content) {
            Some(Value::String(s)) => s.to_lowercase().contains(needle),
            Some(Value::Array(items)) => items.iter().any(|i| {
                i.as_str()
                    .is_some_and(|s| s.to_lowercase().contains(needle))
            }),
            _ => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::filter::FilterRuleType;
    use crate::core::model::RecordValue;
    use crate::core::query::{FieldFilter, FieldSort};
    use serde_json::json;

    fn rec(n: u32, ic50: Option<f64>, assay: &str) -> Record {
        let mut values = std::collections::BTreeMap::new();
        if let Some(v) = ic50 {
            values.insert(
                "ic50".to_string(),
                vec![RecordValue {
                    id: format!("v{n}"),
                    content: json!(v),
                    created_at: Some("2026-01-01T00:00:00.000Z".into()),
                    record_id: Some(format!("r{n}")),
                    operation_id: None,
                }],
            );
        }
        values.insert(
            "assay".to_string(),
            vec![RecordValue {
                id: format!("a{n}"),
                content: json!(assay),
                created_at: None,
                record_id: Some(format!("r{n}")),
                operation_id: None,
            }],
        );
        Record {
            id: format!("r{n}"),
            created_at: "2026-01-01T00:00:00.000Z".into(),
            entity_slice_id: "s".into(),
            identifier_ids: vec![],
            record_identifier: format!("CMP-{n:04}"),
            record_values: values,
            initial_operation_id: None,
            sub_record_ids: vec![],
        }
    }

    #[test]
    fn filters_sort_and_limit() {
        let records = vec![
            rec(1, Some(30.0), "Kinase"),
            rec(2, Some(5.0), "Kinase"),
            rec(3, None, "Kinase"),
            rec(4, Some(1.0), "Binding"),
        ];
        let query = SearchRecordsQuery {
            entity_field_filters: Some(vec![FieldFilter {
                field_id: Some("assay".into()),
                filter_type: FilterRuleType::IsEqual,
                filter_prop: json!("Kinase"),
            }]),
            entity_field_sorts: Some(vec![FieldSort {
                field_id: Some("ic50".into()),
                descending: true,
            }]),
            ..Default::default()
        };
        let search = CompiledSearch::new(&query, 0).unwrap();
        assert_eq!(search.run(&records, None), vec!["r1", "r2", "r3"]);
        let limited = CompiledSearch::new(
            &SearchRecordsQuery {
                limit: Some(1),
                ..query
            },
            0,
        )
        .unwrap();
        assert_eq!(limited.run(&records, None), vec!["r1"]);
    }

    #[test]
    fn search_text_reads_identifiers_and_text_values() {
        let records = vec![rec(1, None, "Kinase"), rec(2, None, "Binding")];
        let by_text = SearchRecordsQuery {
            search_text: Some("BIND".into()),
            ..Default::default()
        };
        assert_eq!(
            CompiledSearch::new(&by_text, 0)
                .unwrap()
                .run(&records, None),
            vec!["r2"]
        );
        let by_name = SearchRecordsQuery {
            search_text: Some("cmp-0001".into()),
            ..Default::default()
        };
        assert_eq!(
            CompiledSearch::new(&by_name, 0)
                .unwrap()
                .run(&records, None),
            vec!["r1"]
        );
    }

    #[test]
    fn operation_scope_needs_the_activity_members() {
        let records = vec![rec(1, None, "x"), rec(2, None, "x")];
        let query = SearchRecordsQuery {
            operation_id: Some("op".into()),
            ..Default::default()
        };
        let search = CompiledSearch::new(&query, 0).unwrap();
        let members: HashSet<String> = ["r2".to_string()].into_iter().collect();
        assert_eq!(search.run(&records, Some(&members)), vec!["r2"]);
        assert!(search.run(&records, None).is_empty());
    }

    #[test]
    fn unsupported_and_fieldless_queries_are_errors() {
        let q = SearchRecordsQuery {
            program_id: Some("p".into()),
            ..Default::default()
        };
        assert!(matches!(
            CompiledSearch::new(&q, 0),
            Err(SearchError::Unsupported("program_id"))
        ));
        let q = SearchRecordsQuery {
            entity_field_sorts: Some(vec![FieldSort {
                field_id: None,
                descending: false,
            }]),
            ..Default::default()
        };
        assert!(matches!(
            CompiledSearch::new(&q, 0),
            Err(SearchError::MissingField(_))
        ));
    }
}
