//! The filter engine alone, in process: a query with two filters and a sort over
//! synthetic records shaped like the sandbox's demo data. `make bench` runs it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use kalbio::core::filter::FilterRuleType;
use kalbio::core::model::{Record, RecordValue};
use kalbio::core::query::{FieldFilter, FieldSort, SearchRecordsQuery};
use kalbio::core::search::{CompiledSearch, SearchIndex};
use kalbio::core::store::{decode_records, StoreRows, Symbols};
use kalbio::core::time::format_iso;
use serde_json::json;
use std::collections::BTreeMap;
use std::time::Instant;

fn record(i: u64) -> Record {
    let mut values = BTreeMap::new();
    let at = |k: u64| Some(format_iso(1_767_600_000_000 + (i * 10 + k) as i64 * 1000));
    let value = |k: u64, content: serde_json::Value| RecordValue {
        id: format!("v-{i}-{k}"),
        content,
        created_at: at(k),
        record_id: Some(format!("r-{i}")),
        operation_id: None,
        record_view_id: None,
    };
    let assays = ["Kinase-Glo", "TR-FRET", "SPR", "Cell viability"];
    values.insert(
        "f-ic50".to_string(),
        (0..(1 + i % 3))
            .map(|k| value(k, json!(((i * 7919 + k * 104_729) % 10_000) as f64 / 3.0)))
            .collect(),
    );
    values.insert(
        "f-assay".to_string(),
        vec![value(4, json!(assays[(i % 4) as usize]))],
    );
    values.insert(
        "f-notes".to_string(),
        vec![value(5, json!("Recrystallised from EtOH; clean by LCMS."))],
    );
    values.insert(
        "f-targets".to_string(),
        vec![value(6, json!(["EGFR", "KRAS"]))],
    );
    values.insert(
        "f-status".to_string(),
        vec![value(7, json!("complete")), value(8, json!("in test"))],
    );
    values.insert(
        "f-smiles".to_string(),
        vec![value(9, json!("CC(=O)Oc1ccccc1C(=O)O"))],
    );
    Record {
        id: format!("r-{i}"),
        created_at: Some(format_iso(1_767_600_000_000 + i as i64 * 60_000)),
        entity_slice_id: Some("slice".into()),
        identifier_ids: vec![],
        record_identifier: Some(format!("CMP-{i:06}")),
        record_values: values,
        initial_operation_id: None,
        sub_record_ids: vec![],
    }
}

fn main() {
    let n: u64 = std::env::var("BENCH_RECORDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let records: Vec<Record> = (0..n).map(record).collect();
    let query = SearchRecordsQuery {
        entity_field_filters: Some(vec![
            FieldFilter {
                field_id: Some("f-ic50".into()),
                filter_type: FilterRuleType::IsLessThan,
                filter_prop: json!(1000),
            },
            FieldFilter {
                field_id: Some("f-assay".into()),
                filter_type: FilterRuleType::IsAnyOfText,
                filter_prop: json!(["SPR", "TR-FRET"]),
            },
        ]),
        entity_field_sorts: Some(vec![FieldSort {
            field_id: Some("f-ic50".into()),
            descending: false,
        }]),
        limit: Some(100),
        ..Default::default()
    };
    let search = CompiledSearch::new(&query, 0).unwrap();
    let t = Instant::now();
    let index = SearchIndex::from_records(&records);
    let build_ms = t.elapsed().as_secs_f64() * 1000.0;
    let mut times = Vec::new();
    let mut answered = 0;
    for _ in 0..15 {
        let t = Instant::now();
        answered = search.run(&index, None).len();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    println!("| engine_search_{}k | {n} records | 2 filters + sort, limit 100 | median {median:.1} ms | min {:.1} ms | index built in {build_ms:.0} ms |", n / 1000, times[0]);
    println!(
        "{}",
        json!({"name": format!("engine_search_{}k", n / 1000), "records": n, "median_ms": (median * 100.0).round() / 100.0, "index_build_ms": build_ms.round(), "answered": answered})
    );
    // The same query over the client's compact store: the records as decoded from
    // their bytes, read in place (no index).
    let mut symbols = Symbols::default();
    let bytes = serde_json::to_vec(&records).unwrap();
    let t = Instant::now();
    // Held as the client's cache holds them: each record behind an `Rc`.
    let stored: Vec<std::rc::Rc<_>> = decode_records(&bytes, &mut symbols)
        .unwrap()
        .into_iter()
        .map(std::rc::Rc::new)
        .collect();
    let decode_ms = t.elapsed().as_secs_f64() * 1000.0;
    let t = Instant::now();
    let parsed: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let value_ms = t.elapsed().as_secs_f64() * 1000.0;
    drop(parsed);
    // With each field's current values in columns, as the client's cache keeps them.
    let mut columns = kalbio::core::store::columns::Columns::default();
    for (slot, record) in stored.iter().enumerate() {
        columns.set(slot, record);
    }
    let rows = StoreRows {
        rows: stored.iter().map(|r| &**r).collect(),
        symbols: &symbols,
        cells: Some((&columns, (0..stored.len() as u32).collect())),
    };
    let mut times = Vec::new();
    let mut same = true;
    let loops = std::env::var("BENCH_STORE_LOOPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(15);
    for _ in 0..loops {
        let t = Instant::now();
        let ids = search.run(&rows, None);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        same &= ids.len() == answered;
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    println!("| engine_store_search_{}k | {n} records | the same over the compact store | median {median:.1} ms | min {:.1} ms | decoded in {decode_ms:.0} ms ({value_ms:.0} ms as serde_json::Value) |", n / 1000, times[0]);
    println!(
        "{}",
        json!({"name": format!("engine_store_search_{}k", n / 1000), "records": n, "median_ms": (median * 100.0).round() / 100.0, "decode_ms": decode_ms.round(), "same_answer": same})
    );
    assert!(same, "the store and the index answer the same");
}
