use super::super::{Caches, Expiry, Listed};
use super::*;
use crate::core::filter::FilterRuleType;
use crate::core::model::{Activity, EntityField};
use crate::core::query::SearchRecordsQuery;
use crate::core::search::CompiledSearch;
use crate::core::store::columns::Cell as ColumnCell;
use crate::core::store::{CompactRecord, Content, Decoder, Id, RecordJson};
use serde_json::{json, Value};
use std::cell::Cell;

/// A uuid for record `i`, or a text id for one in seven.
fn id_of(i: u64) -> String {
    if i % 7 == 0 {
        format!("rec-{i}")
    } else {
        format!("00000000-0000-4000-8000-{i:012x}")
    }
}

/// Record `i` in version `v`: numbers, categories, texts, lists and objects, some
/// written on a sub-record, created in an order that is not the arrival order.
fn record_json(i: u64, v: u64) -> Value {
    let id = id_of(i);
    let sub = format!("sub-{i}");
    let pick = |k: u64| (i * 31 + v * 17 + k * 7) % 23;
    let content = |k: u64| match pick(k) % 6 {
        0 => json!((pick(k) as f64 - 11.0) * 2.5),
        1 => json!(format!("c{}", pick(k) % 5)),
        2 => json!(["SPR", pick(k)]),
        3 => json!({ "file_id": format!("f{i}"), "file_name": "plate.csv" }),
        4 => json!(null),
        _ => json!(pick(k) as i64 - 10),
    };
    json!({
        "id": id, "created_at": format!("2026-01-{:02}T00:00:{:02}Z", 1 + (i * 7) % 28, i % 60),
        "entity_slice_id": if i % 3 == 0 { "assays" } else { "compounds" },
        "identifier_ids": [format!("k-{i}")], "record_identifier": format!("CMP-{:04}", i % 40),
        "record_values": {
            "key": [{ "id": format!("k-{i}"), "content": format!("CMP-{i}"), "created_at": null,
                      "record_id": null, "operation_id": null }],
            "num": [{ "id": format!("n-{i}-{v}"), "content": (i % 13) as f64 + v as f64,
                      "created_at": "2026-02-01T00:00:00Z", "record_id": id, "operation_id": "op" }],
            "mix": (0..1 + i % 3).map(|k| json!({ "id": format!("m-{i}-{k}"), "content": content(k),
                      "created_at": format!("2026-02-0{}T00:00:00Z", 1 + k),
                      "record_id": if k == 2 { json!(sub) } else { json!(id) },
                      "operation_id": null })).collect::<Vec<_>>(),
        },
        "initial_operation_id": "op", "sub_record_ids": [sub],
    })
}

fn decoded(c: &mut Caches, json: &Value) -> CompactRecord {
    Decoder::new(&mut c.symbols)
        .record(json.to_string().as_bytes())
        .unwrap()
}

/// Caches holding at most `max` records, on a clock the test moves, with a TTL.
fn caches(max: usize, clock: &Rc<Cell<i64>>, ttl_ms: i64) -> Caches {
    let clock = clock.clone();
    Caches::with_expiry(
        max,
        Expiry {
            ttl_ms: Some(ttl_ms),
            clock: Rc::new(move || clock.get()),
        },
    )
}

fn lists() -> (Vec<EntityField>, Vec<Activity>) {
    let field: EntityField =
        serde_json::from_value(json!({ "id": "num", "created_at": "2026-01-01T00:00:00Z",
        "is_key": false, "field_name": "Potency", "field_type": "number" }))
        .unwrap();
    let activity: Activity = serde_json::from_value(json!({ "id": "op", "created_at": "2026-01-01T00:00:00Z",
        "parent_id": null, "definition_id": null, "activity_type": "experiment", "title": "Assay" }))
    .unwrap();
    (vec![field], vec![activity])
}

/// A store that has seen evictions, refetches, a drop, a 404 and an expired record.
fn busy_store(clock: &Rc<Cell<i64>>) -> Caches {
    let mut c = caches(60, clock, 100_000);
    for i in 0..100 {
        clock.set(1_000 + i as i64);
        let r = decoded(&mut c, &record_json(i, 0));
        c.put_record(r);
    }
    for i in (50..100).step_by(4) {
        let r = decoded(&mut c, &record_json(i, 1));
        c.put_record(r);
    }
    c.drop_record(&id_of(61));
    c.put_missing(&id_of(62));
    c.expire_record(&id_of(63));
    let _ = c.record(&id_of(41)); // used last: the last to be evicted
    let (fields, activities) = lists();
    c.data_fields = Some(Listed {
        fetched_at: 500,
        list: Rc::new(fields),
    });
    c.activities = Some(Listed {
        fetched_at: 600,
        list: Rc::new(activities),
    });
    c
}

/// Whether a record (not a remembered 404) is held and fresh.
fn fresh(c: &mut Caches, id: &str) -> bool {
    matches!(c.record(id), Some(Some(_)))
}

fn answers(c: &mut Caches, query: &Value) -> Vec<String> {
    let query: SearchRecordsQuery = serde_json::from_value(query.clone()).unwrap();
    let Ok(search) = CompiledSearch::new(&query, 0) else {
        return vec!["refused".into()];
    };
    c.sort_order();
    let rows = c.rows();
    search.run(&rows, None)
}

#[test]
fn a_restored_store_answers_the_same_queries_and_reads() {
    let clock = Rc::new(Cell::new(0));
    let mut original = busy_store(&clock);
    assert!(
        original.stats().evictions > 30,
        "records were evicted before the snapshot"
    );
    let encoded = original.snapshot(2_000);
    let mut restored = caches(60, &clock, 100_000);
    let summary = restored.restore(encoded.bytes()).unwrap();
    assert_eq!(
        summary,
        RestoreSummary {
            records: 58,
            saved_at: 2_000
        }
    );
    assert_eq!(restored.stats().records, original.stats().records);
    let mut compared = 0;
    for rule in FilterRuleType::ALL {
        for prop in [
            json!(null),
            json!(5),
            json!("c1"),
            json!(["SPR", 3]),
            json!(-10),
            json!("CMP-1"),
        ] {
            for field in ["num", "mix", "key", "none"] {
                let mut query = json!({ "entity_field_filters": [
                    { "field_id": field, "filter_type": rule.as_str(), "filter_prop": prop }
                ], "entity_slice_id": if compared % 2 == 0 { json!(null) } else { json!("compounds") } });
                if compared % 3 == 0 {
                    query["entity_field_sorts"] =
                        json!([{ "field_id": field, "descending": true }]);
                }
                assert_eq!(
                    answers(&mut restored, &query),
                    answers(&mut original, &query),
                    "{query}"
                );
                compared += 1;
            }
        }
    }
    assert!(compared > 200);
    assert_eq!(answers(&mut restored, &json!({})).len(), 58);
    // Every record reads back alike, fresh or expired, and the 404 and the dropped record are not held.
    for i in 0..100 {
        let id = id_of(i);
        let (a, b) = (original.peek_record(&id), restored.peek_record(&id));
        match (a, b) {
            (Some(Some(a)), Some(Some(b))) => assert_eq!(
                serde_json::to_value(RecordJson {
                    record: &a,
                    symbols: &original.symbols
                })
                .unwrap(),
                serde_json::to_value(RecordJson {
                    record: &b,
                    symbols: &restored.symbols
                })
                .unwrap()
            ),
            (Some(None), None) | (None, None) => {}
            other => panic!("{id}: {:?}", (other.0.is_some(), other.1.is_some())),
        }
        assert_eq!(
            fresh(&mut original, &id),
            fresh(&mut restored, &id),
            "{id} fresh alike"
        );
    }
    assert!(
        restored.record(&id_of(63)).is_none(),
        "an expired record stays to be fetched again"
    );
    assert!(restored.peek_record(&id_of(63)).is_some());
    // Lookups by key values, and the columns the queries read.
    for i in [41, 90, 99] {
        let key = super::super::record_key(
            &original.peek_record(&id_of(i)).unwrap().unwrap(),
            &original.symbols,
        );
        assert_eq!(
            restored
                .record_by_key(&key)
                .map(|r| r.map(|r| r.id_string())),
            Some(Some(id_of(i)))
        );
    }
    let mut cells = 0;
    for field in ["num", "mix"] {
        let (fa, fb) = (original.symbols.find(field), restored.symbols.find(field));
        let (ca, cb) = (
            original.columns().column(fa).unwrap(),
            restored.columns().column(fb).unwrap(),
        );
        for i in 0..100 {
            let (Some((_, a)), Some((_, b))) = (
                original.peek_record_slot(&Id::new(&id_of(i))),
                restored.peek_record_slot(&Id::new(&id_of(i))),
            ) else {
                continue;
            };
            // The category codes are the store's own; what they name must agree.
            let content = |cell: Option<ColumnCell<'_>>| match cell {
                Some(ColumnCell::Number(n)) => Some(Content::Float(n)),
                Some(ColumnCell::Named(_, named)) => Some(named.clone()),
                None => None,
            };
            assert_eq!(content(ca.cell(a)), content(cb.cell(b)), "{field} of {i}");
            cells += usize::from(ca.cell(a).is_some());
        }
    }
    assert!(cells > 60, "{cells}");
    // The lists, with their fetch times.
    assert_eq!(
        restored
            .data_fields
            .as_ref()
            .map(|l| (l.fetched_at, l.list.clone())),
        original
            .data_fields
            .as_ref()
            .map(|l| (l.fetched_at, l.list.clone()))
    );
    assert_eq!(
        restored.activities.as_ref().map(|l| l.fetched_at),
        Some(600)
    );
    assert!(restored.key_fields.is_none());
}

#[test]
fn restored_records_keep_their_age_and_their_recency() {
    let clock = Rc::new(Cell::new(0));
    let mut original = busy_store(&clock);
    // A snapshot leaves remembered 404s out: without one, both bounds hold the same.
    original.drop_record(&id_of(62));
    let encoded = original.snapshot(clock.get());
    let mut restored = caches(60, &clock, 100_000);
    restored.restore(encoded.bytes()).unwrap();
    let recency = |c: &Caches| -> Vec<String> {
        c.records
            .lru
            .oldest_first()
            .filter_map(|e| Some(e.record.as_ref()?.id_string()))
            .collect()
    };
    assert_eq!(recency(&restored), recency(&original));
    assert_eq!(
        recency(&restored).last(),
        Some(&id_of(41)),
        "the record used last"
    );
    // Records fetched at 1000 + i age out at 101_000 + i, on both.
    clock.set(101_050);
    for i in 0..100 {
        assert_eq!(
            fresh(&mut original, &id_of(i)),
            fresh(&mut restored, &id_of(i)),
            "{i}"
        );
    }
    for c in [&mut original, &mut restored] {
        assert!(!fresh(c, &id_of(45)) && fresh(c, &id_of(90)));
    }
    // The least recently used go first, in the same order as they would have.
    for i in 200..230 {
        let (a, b) = (
            decoded(&mut original, &record_json(i, 0)),
            decoded(&mut restored, &record_json(i, 0)),
        );
        original.put_record(a);
        restored.put_record(b);
    }
    let held = |c: &Caches| {
        let mut ids: Vec<String> = (0..230)
            .map(id_of)
            .filter(|id| matches!(c.peek_record(id), Some(Some(_))))
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(held(&restored), held(&original));
}

#[test]
fn a_restore_keeps_what_was_fetched_since_and_a_discarded_one_changes_nothing() {
    let clock = Rc::new(Cell::new(0));
    let original = busy_store(&clock);
    let encoded = original.snapshot(clock.get());
    let mut c = caches(60, &clock, 100_000);
    clock.set(5_000);
    let newer = decoded(&mut c, &record_json(90, 7));
    c.put_record(newer);
    c.put_missing(&id_of(91));
    let fields = Listed {
        fetched_at: 4_000,
        list: Rc::new(lists().0),
    };
    c.data_fields = Some(fields);
    let summary = c.restore(encoded.bytes()).unwrap();
    assert_eq!(summary.records, 56, "the two fetched since are kept");
    let kept = c.peek_record(&id_of(90)).unwrap().unwrap();
    let printed = serde_json::to_value(RecordJson {
        record: &kept,
        symbols: &c.symbols,
    })
    .unwrap();
    assert_eq!(printed["record_values"]["num"][0]["id"], json!("n-90-7"));
    assert_eq!(c.peek_record(&id_of(91)), Some(None), "the 404 since stays");
    assert_eq!(c.data_fields.as_ref().map(|l| l.fetched_at), Some(4_000));
    assert_eq!(c.activities.as_ref().map(|l| l.fetched_at), Some(600));
    // A snapshot cut short is discarded whole.
    let mut other = caches(60, &clock, 100_000);
    let r = decoded(&mut other, &record_json(1, 0));
    other.put_record(r);
    let cut = &encoded.bytes()[..encoded.len() - 1];
    assert_eq!(other.restore(cut).unwrap_err().reason(), "corrupt");
    assert_eq!(other.stats().records, 1);
    assert!(other.data_fields.is_none() && other.activities.is_none());
}

#[test]
fn a_snapshot_larger_than_the_bound_restores_its_most_recently_used() {
    let clock = Rc::new(Cell::new(0));
    let mut source = caches(10, &clock, 100_000);
    for i in 1..=3 {
        let r = decoded(&mut source, &record_json(i, 0));
        source.put_record(r);
    }
    let mut c = caches(2, &clock, 100_000);
    let summary = c.restore(source.snapshot(0).bytes()).unwrap();
    assert_eq!(summary.records, 2);
    assert_eq!(
        c.stats().evictions,
        0,
        "nothing is restored only to be evicted"
    );
    assert!(c.peek_record(&id_of(1)).is_none());
    assert!(c.peek_record(&id_of(2)).is_some() && c.peek_record(&id_of(3)).is_some());
}
