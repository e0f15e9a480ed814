//! Any record: choosing a field's value in every scope, laying records out for
//! search and running a query over them never panics, and the search answers
//! only ids it was given.
#![no_main]
use kalbio::core::model::Record;
use kalbio::core::query::{FieldSort, SearchRecordsQuery};
use kalbio::core::search::{CompiledSearch, SearchIndex};
use kalbio::core::select::{latest_value, ValueScope};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(records) = serde_json::from_slice::<Vec<Record>>(data) else { return };
    for record in &records {
        for field in record.record_values.keys() {
            for value in record.record_values.values().flatten() {
                let scopes = [
                    ValueScope::default(),
                    ValueScope { activity_id: value.operation_id.as_deref(), ..Default::default() },
                    ValueScope { include_sub_record_values: true, sub_record_id: value.record_id.as_deref(), ..Default::default() },
                ];
                for scope in scopes {
                    let _ = latest_value(record, field, scope);
                }
            }
        }
    }
    let index = SearchIndex::from_records(&records);
    let field = records.iter().flat_map(|r| r.record_values.keys()).next().cloned();
    let query = SearchRecordsQuery {
        entity_field_sorts: Some(vec![FieldSort { field_id: field, descending: true }]),
        search_text: Some("a".into()),
        limit: Some(3),
        ..Default::default()
    };
    if let Ok(search) = CompiledSearch::new(&query, 0) {
        for id in search.run(&index, None) {
            assert!(records.iter().any(|r| r.id == id));
        }
    }
});
