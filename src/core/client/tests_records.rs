//! Searching, refetching, value history, queries over the cache, and resolving
//! names without a request, against the recording fake.

use super::fake::{client, json, token_answer};
use super::{FieldRef, RecordRef};
use crate::core::error::ErrorCode;
use crate::core::http::{HttpRequest, HttpResponse, TransportError};
use crate::core::query::SearchRecordsQuery;
use serde_json::{json as j, Value};
use std::cell::Cell;
use std::rc::Rc;

const UUID: &str = "0f8fad5b-d9cb-469f-a165-70867728950e";

fn record(id: &str, name: &str, ic50: Option<f64>) -> Value {
    let values = match ic50 {
        Some(n) => {
            j!([{ "id": format!("{id}-v"), "content": n, "created_at": "2026-01-01T00:00:00Z", "record_id": id, "operation_id": null }])
        }
        None => j!([]),
    };
    j!({
        "id": id, "created_at": "2026-01-01T00:00:00.000Z", "entity_slice_id": "slice",
        "identifier_ids": [], "record_identifier": name, "record_values": { "ic50": values },
        "initial_operation_id": null, "sub_record_ids": []
    })
}

fn query(value: Value) -> SearchRecordsQuery {
    serde_json::from_value(value).unwrap_or_default()
}

fn api(fetches: Rc<Cell<u32>>) -> impl Fn(&HttpRequest) -> Result<HttpResponse, TransportError> {
    move |req| match req.path.as_str() {
        "/auth/oauth/token" => token_answer(),
        "/records/search" => json(200, j!(["r2", "r1"])),
        "/records/r1/values" => json(
            200,
            j!([{ "id": "v1", "content": 1, "created_at": "2026-01-01T00:00:00Z", "record_id": "r1", "operation_id": null },
                { "id": "v2", "content": 2, "created_at": "2026-02-01T00:00:00Z", "record_id": "r1", "operation_id": null }]),
        ),
        "/records/r1" => {
            fetches.set(fetches.get() + 1);
            json(200, record("r1", &format!("CMP-{}", fetches.get()), None))
        }
        "/records" => json(
            200,
            j!([
                record("a", "A", Some(2.5)),
                record("b", "B", Some(7.0)),
                record("c", "C", None)
            ]),
        ),
        "/activities" => json(
            200,
            j!([{"id": UUID, "created_at": "2026-01-01T00:00:00Z", "title": "Run 1", "activity_type": "task"}]),
        ),
        "/key_fields" => json(
            200,
            j!([{"id": "kf", "created_at": "2026-01-01T00:00:00Z", "is_key": true, "field_name": "Compound ID", "field_type": "text"}]),
        ),
        "/data_fields" => json(
            200,
            j!([{"id": "ic50", "created_at": "2026-01-01T00:00:00Z", "is_key": false, "field_name": "IC50", "field_type": "number"}]),
        ),
        _ => json(404, j!({"code": "not_found", "message": "no route"})),
    }
}

type TestClient = super::Client<super::fake::FakeTransport>;

fn fresh() -> TestClient {
    client(api(Rc::new(Cell::new(0)))).0
}

fn run<F: std::future::Future>(future: F) -> F::Output {
    pollster::block_on(future)
}

/// Loads records a, b and c (the batch route's answer) into the cache.
fn load_abc(c: &TestClient) -> Vec<RecordRef> {
    let ids: Vec<RecordRef> = ["a", "b", "c"]
        .iter()
        .map(|i| RecordRef::Id(i.to_string()))
        .collect();
    run(c.get_records_by_ids(&ids, 250, &|_, _| {})).unwrap();
    ids
}

#[test]
fn a_search_answers_the_servers_ids_in_its_order() {
    let c = fresh();
    let ids = run(c.search_records(&query(j!({"limit": 2})))).unwrap();
    assert_eq!(ids, vec!["r2", "r1"]);
    assert_eq!(
        c.transport().api_calls(),
        vec!["GET /records/search?limit=2"]
    );
}

#[test]
fn a_search_can_answer_the_servers_json_text_whole() {
    let c = fresh();
    let text = run(c.search_records_json(&query(j!({"limit": 2})))).unwrap();
    assert_eq!(
        serde_json::from_str::<Vec<String>>(&text).unwrap(),
        ["r2", "r1"]
    );
    // Anything but a list of strings is a decode error, as for search_records.
    for body in [j!(["r1", 2]), j!({"ids": []}), j!("r1"), j!([null])] {
        let (c, _) = client(move |req: &HttpRequest| match req.path.as_str() {
            "/auth/oauth/token" => token_answer(),
            _ => json(200, body.clone()),
        });
        let err = run(c.search_records_json(&query(j!({})))).unwrap_err();
        assert_eq!(err.code, ErrorCode::Decode, "{err:?}");
        assert!(run(c.search_records(&query(j!({})))).is_err());
    }
    // Escaped texts are strings too, and pass through as the server wrote them.
    let (c, _) = client(|req: &HttpRequest| match req.path.as_str() {
        "/auth/oauth/token" => token_answer(),
        _ => json(200, j!(["a\"b", "é"])),
    });
    let text = run(c.search_records_json(&query(j!({})))).unwrap();
    assert_eq!(
        serde_json::from_str::<Vec<String>>(&text).unwrap(),
        ["a\"b", "é"]
    );
}

#[test]
fn a_large_load_yields_once_before_its_requests_and_a_small_one_does_not() {
    let c = fresh();
    load_abc(&c);
    assert!(c.transport().sleeps.borrow().is_empty());
    let ids: Vec<Option<crate::core::store::Id>> = (0..1_200)
        .map(|i| Some(crate::core::store::Id::new(&format!("r-{i}"))))
        .collect();
    run(c.get_records_by_id_list(ids, 250, &|_, _| {})).unwrap();
    assert_eq!(*c.transport().sleeps.borrow(), vec![0.0]);
    // All cached: nothing to fetch, no turn given.
    let again: Vec<Option<crate::core::store::Id>> = ["a", "b", "c"]
        .iter()
        .cycle()
        .take(1_200)
        .map(|i| Some(crate::core::store::Id::new(i)))
        .collect();
    run(c.get_records_by_id_list(again, 250, &|_, _| {})).unwrap();
    assert_eq!(*c.transport().sleeps.borrow(), vec![0.0]);
}

#[test]
fn a_batch_is_decoded_a_few_records_at_a_time_giving_the_page_turns() {
    // A clock that moves 10 ms each time it is read: decoding "takes" long enough
    // to give turns. Every record still arrives, in the server's order.
    let clock = super::fake::moving_clock(10);
    let names: Vec<String> = (0..100).map(|i| format!("r{i}")).collect();
    let body = Value::Array(names.iter().map(|n| record(n, n, Some(1.0))).collect());
    let c = super::fake::client_on_clock(
        move |req: &HttpRequest| match req.path.as_str() {
            "/auth/oauth/token" => token_answer(),
            _ => json(200, body.clone()),
        },
        1_000,
        false,
        clock,
    );
    let ids: Vec<RecordRef> = names.iter().map(|n| RecordRef::Id(n.clone())).collect();
    let got = run(c.get_records_by_ids(&ids, 250, &|_, _| {})).unwrap();
    let got: Vec<String> = got.iter().map(|r| r.id_string()).collect();
    assert_eq!(got, names);
    let turns = c.transport().sleeps.borrow().len();
    assert!(turns >= 5, "{turns} turns");
    // One record that does not decode: the answer is refused, as a whole body would be.
    let (c, _) = client(|req: &HttpRequest| match req.path.as_str() {
        "/auth/oauth/token" => token_answer(),
        _ => json(
            200,
            j!([record("a", "A", None), { "id": 5 }, record("b", "B", None)]),
        ),
    });
    let err = run(c.get_records_by_ids(&[RecordRef::Id("a".into())], 250, &|_, _| {})).unwrap_err();
    assert_eq!(err.code, ErrorCode::Decode, "{err:?}");
}

#[test]
fn refetch_replaces_the_cached_record() {
    let c = fresh();
    let first = run(c.get_record(&RecordRef::Id("r1".into())))
        .unwrap()
        .unwrap();
    assert_eq!(first.identifier(), Some("CMP-1"));
    let again = run(c.refetch("r1")).unwrap();
    assert_eq!(again.identifier(), Some("CMP-2"));
    assert_eq!(
        c.cached_record("r1")
            .and_then(|r| r.identifier().map(String::from)),
        Some("CMP-2".into())
    );
    assert_eq!(
        c.cached_record_counted("r1")
            .and_then(|r| r.identifier().map(String::from)),
        Some("CMP-2".into())
    );
    assert_eq!(c.cache_stats().hits, 1);
}

#[test]
fn a_records_values_come_back_as_listed() {
    let c = fresh();
    let values = run(c.get_values("r1")).unwrap();
    let contents: Vec<&Value> = values.iter().map(|v| &v.content).collect();
    assert_eq!(contents, vec![&j!(1), &j!(2)]);
}

#[test]
fn a_query_over_the_cache_filters_and_sorts_the_cached_records() {
    let c = fresh();
    load_abc(&c);
    let less = query(
        j!({"entity_field_filters": [{"field_id": "ic50", "filter_type": "is_less_than", "filter_prop": 5}]}),
    );
    assert_eq!(c.query_cached(&less, None).unwrap(), vec!["a"]);
    let sorted = |descending: bool| {
        query(j!({
            "entity_field_filters": [{"field_id": "ic50", "filter_type": "is_set"}],
            "entity_field_sorts": [{"field_id": "ic50", "descending": descending}]
        }))
    };
    assert_eq!(
        c.query_cached(&sorted(false), None).unwrap(),
        vec!["a", "b"]
    );
    assert_eq!(c.query_cached(&sorted(true), None).unwrap(), vec!["b", "a"]);
    let bad = query(
        j!({"entity_field_filters": [{"field_id": "ic50", "filter_type": "is_less_than", "filter_prop": "abc"}]}),
    );
    assert_eq!(
        c.query_cached(&bad, None).unwrap_err().code,
        ErrorCode::InvalidArgument
    );
}

#[test]
fn uuids_are_told_from_names_by_their_shape() {
    use super::records::looks_like_uuid;
    assert!(looks_like_uuid(UUID));
    assert!(looks_like_uuid(&UUID.to_uppercase()));
    for not in [
        &UUID[1..],
        "0f8fad5bd-9cb-469f-a165-70867728950e",
        "0f8fad5b-d9cb-469f-a165-70867728950g",
        "Run 1 of the kinase assay, day one!",
    ] {
        assert!(!looks_like_uuid(not), "{not}");
    }
}

#[test]
fn activities_resolve_without_a_request_once_their_list_is_loaded() {
    let c = fresh();
    // Before the list is loaded: a uuid is taken as it is, a title cannot be resolved.
    assert_eq!(c.resolve_activity_cached(UUID).unwrap(), UUID);
    assert_eq!(
        c.resolve_activity_cached("Run 1").unwrap_err().code,
        ErrorCode::InvalidArgument
    );
    run(c.activities()).unwrap();
    assert_eq!(c.resolve_activity_cached("Run 1").unwrap(), UUID);
    assert_eq!(
        c.resolve_activity_cached("Run 2").unwrap_err().code,
        ErrorCode::NotFound
    );
    let other = "1f8fad5b-d9cb-469f-a165-70867728950e";
    assert_eq!(c.resolve_activity_cached(other).unwrap(), other);
}

#[test]
fn field_names_resolve_without_a_request_once_both_lists_are_loaded() {
    let c = fresh();
    run(c.get_record(&RecordRef::Id("r1".into()))).unwrap();
    let r1 = c.cached_record("r1").unwrap();
    let name = FieldRef::Text("IC50".into());
    let error = c.field_cached(&r1, &name).unwrap_err();
    assert_eq!(error.code, ErrorCode::InvalidArgument);
    assert!(error.message.contains("getDataFields"), "{}", error.message);
    // A uuid works without the lists; so does an id the record holds values for.
    assert!(c.field_cached(&r1, &FieldRef::Text(UUID.into())).is_ok());
    assert!(c.field_cached(&r1, &FieldRef::Text("ic50".into())).is_ok());
    run(c.data_fields()).unwrap();
    assert!(c.field_cached(&r1, &name).is_ok());
    let colour = FieldRef::Text("Colour".into());
    assert_eq!(
        c.field_cached(&r1, &colour).unwrap_err().code,
        ErrorCode::InvalidArgument,
        "one list is not enough to say no"
    );
    run(c.key_fields()).unwrap();
    assert!(c.field_cached(&r1, &name).is_ok());
    let unknown = c
        .field_cached(&r1, &FieldRef::Text("Colour".into()))
        .unwrap_err();
    assert_eq!(unknown.code, ErrorCode::NotFound);
    assert!(
        unknown.message.contains("\"Colour\""),
        "{}",
        unknown.message
    );
    let by_name = run(c.resolve_data_field(&FieldRef::Text("Colour".into()))).unwrap_err();
    assert!(
        by_name.message.contains("\"Colour\""),
        "{}",
        by_name.message
    );
}

#[test]
fn a_record_reference_resolves_to_its_uuid_or_none() {
    let c = fresh();
    assert_eq!(
        run(c.resolve_record_id(&RecordRef::Id("r7".into()))).unwrap(),
        Some("r7".into())
    );
    assert!(
        c.transport().api_calls().is_empty(),
        "a uuid needs no request"
    );
    let ids: Vec<RecordRef> = ["a", "b"]
        .iter()
        .map(|i| RecordRef::Id(i.to_string()))
        .collect();
    run(c.get_records_by_ids(&ids, 250, &|_, _| {})).unwrap();
    let by_key =
        |v: &str| RecordRef::KeyValues(vec![(FieldRef::Text("Compound ID".into()), j!(v))]);
    // No record has the key value "Z": the lookup answers none.
    run(c.key_fields()).unwrap();
    assert_eq!(run(c.resolve_record_id(&by_key("Z"))).unwrap(), None);
}

#[test]
fn a_batch_load_counts_its_hits_and_misses() {
    let c = fresh();
    let ids = load_abc(&c);
    let stats = c.cache_stats();
    assert_eq!((stats.hits, stats.misses, stats.records), (0, 3, 3));
    run(c.get_records_by_ids(&ids[..2], 250, &|_, _| {})).unwrap();
    let stats = c.cache_stats();
    assert_eq!((stats.hits, stats.misses), (2, 3));
}
