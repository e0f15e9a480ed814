//! What kalbio 0.7.0 changed, against the recording fake: members left out decode
//! as null, `use_cache` bypasses, `clear_caches`, the key index, entity types.

use super::fake::{client, json, token_answer};
use super::{FieldRef, RecordRef};
use crate::core::http::{HttpRequest, HttpResponse, TransportError};
use crate::core::store::{Id, RecordJson};
use serde_json::{json as j, Value};
use std::cell::Cell;
use std::rc::Rc;

fn run<F: std::future::Future>(future: F) -> F::Output {
    pollster::block_on(future)
}

fn full(id: &str, name: &str) -> Value {
    j!({
        "id": id, "created_at": "2026-01-01T00:00:00.000Z", "entity_slice_id": "slice",
        "identifier_ids": [format!("{id}-k")], "record_identifier": name,
        "record_values": { "kf": [{ "id": format!("{id}-k"), "content": name, "created_at": null, "record_id": null, "operation_id": null }] },
        "initial_operation_id": null, "sub_record_ids": []
    })
}

/// A server whose batch answer has one record without `created_at` (and without
/// most other members), and whose answers change on each fetch (`version`).
fn api(version: Rc<Cell<u32>>) -> impl Fn(&HttpRequest) -> Result<HttpResponse, TransportError> {
    move |req| match req.path.as_str() {
        "/auth/oauth/token" => token_answer(),
        "/records" => {
            version.set(version.get() + 1);
            // From the second batch on, the server no longer has "b".
            match version.get() {
                1 => json(
                    200,
                    j!([full("a", "A"), { "id": "b", "record_values": { "ic50": [{ "id": "bv" }] } }, full("c", "C")]),
                ),
                _ => json(200, j!([full("a", "A2"), full("c", "C")])),
            }
        }
        "/records/a" => {
            version.set(version.get() + 1);
            json(200, full("a", &format!("A{}", version.get())))
        }
        "/records/a/operations" => json(200, j!([{ "id": "op" }])),
        "/key_fields" => json(
            200,
            j!([{ "id": "kf", "field_name": "Compound ID", "is_key": true }]),
        ),
        "/data_fields" => json(200, j!([{ "id": "ic50" }])),
        "/activities" => json(200, j!([{ "id": "op", "title": null }])),
        "/entity_slices" => json(
            200,
            j!([{ "id": "s1", "key_field_ids": ["kf"], "slice_name": "Compound" },
                { "id": "s2", "key_field_ids": ["kf", "batch"], "slice_name": "Batch" },
                { "id": "s3" }]),
        ),
        "/records/search" => json(200, j!(["a", "c"])),
        _ => json(404, j!({"code": "not_found", "message": "no route"})),
    }
}

fn ids(list: &[&str]) -> Vec<Option<Id>> {
    list.iter().map(|i| Some(Id::new(i))).collect()
}

#[test]
fn a_batch_with_one_record_missing_created_at_decodes_with_it_null() {
    let (c, _) = client(api(Rc::new(Cell::new(0))));
    let got = run(c.get_records_by_id_list(ids(&["a", "b", "c"]), 250, &|_, _| {})).unwrap();
    assert_eq!(got.len(), 3);
    let b = got.iter().find(|r| r.id_string() == "b").unwrap();
    assert_eq!(b.created_at(), None);
    assert_eq!(b.identifier(), None);
    assert_eq!(
        got[0].created_at().as_deref(),
        Some("2026-01-01T00:00:00.000Z")
    );
    let symbols = c.symbols();
    let shown = serde_json::to_value(RecordJson {
        record: b,
        symbols: &symbols,
    })
    .unwrap();
    assert_eq!(shown["created_at"], Value::Null);
    assert_eq!(shown["entity_slice_id"], Value::Null);
    assert_eq!(shown["record_identifier"], Value::Null);
    // A value without content holds null.
    assert_eq!(shown["record_values"]["ic50"][0]["content"], Value::Null);
    // The wire model agrees.
    let wire: crate::core::model::Record = serde_json::from_value(j!({ "id": "b" })).unwrap();
    assert_eq!((wire.created_at, wire.record_identifier), (None, None));
}

#[test]
fn lists_decode_with_members_missing() {
    let (c, _) = client(api(Rc::new(Cell::new(0))));
    let fields = run(c.data_fields()).unwrap();
    assert_eq!(fields[0].field_name, None);
    assert_eq!(fields[0].is_key, None);
    let activities = run(c.activities()).unwrap();
    assert_eq!(activities[0].title, None);
    assert!(activities[0].subscriber_ids.is_empty());
    assert_eq!(activities[0].registration_staging_record_view_id, None);
}

#[test]
fn use_cache_false_fetches_a_cached_record_again_and_replaces_it() {
    let version = Rc::new(Cell::new(0));
    let (c, _) = client(api(version.clone()));
    let by_id = RecordRef::Id("a".into());
    let first = run(c.get_record(&by_id)).unwrap().unwrap();
    assert_eq!(first.identifier(), Some("A1"));
    assert_eq!(
        run(c.get_record(&by_id)).unwrap().unwrap().identifier(),
        Some("A1")
    );
    assert_eq!(c.transport().api_calls(), ["GET /records/a"]);
    let again = run(c.read_record(&by_id, false)).unwrap().unwrap();
    assert_eq!(again.identifier(), Some("A2"));
    assert_eq!(c.transport().api_calls().len(), 2);
    // The cache holds the fresh record now.
    assert_eq!(c.cached_record("a").unwrap().identifier(), Some("A2"));
}

#[test]
fn a_bypassing_read_is_not_answered_by_a_request_already_under_way() {
    let version = Rc::new(Cell::new(0));
    let (c, _) = client(api(version));
    let by_id = RecordRef::Id("a".into());
    let (cached, fresh) = run(super::join::join2(
        c.get_record(&by_id),
        c.read_record(&by_id, false),
    ));
    // Two requests: the bypassing call sent its own.
    assert_eq!(
        c.transport().api_calls(),
        ["GET /records/a", "GET /records/a"]
    );
    let names = [cached.unwrap().unwrap(), fresh.unwrap().unwrap()];
    assert_ne!(names[0].identifier(), names[1].identifier());
}

#[test]
fn use_cache_false_on_a_batch_drops_what_the_server_no_longer_has() {
    let (c, _) = client(api(Rc::new(Cell::new(0))));
    let asked = ["a", "b", "c"];
    assert_eq!(
        run(c.get_records_by_id_list(ids(&asked), 250, &|_, _| {}))
            .unwrap()
            .len(),
        3
    );
    assert_eq!(
        run(c.get_records_by_id_list(ids(&asked), 250, &|_, _| {}))
            .unwrap()
            .len(),
        3
    );
    assert_eq!(c.transport().api_calls().len(), 1);
    let got = run(c.read_records_by_id_list(ids(&asked), 250, &|_, _, _| {}, false)).unwrap();
    let names: Vec<_> = got
        .iter()
        .map(|r| r.identifier().map(String::from))
        .collect();
    assert_eq!(names, [Some("A2".to_string()), Some("C".to_string())]);
    assert_eq!(c.transport().api_calls().len(), 2);
    assert!(c.cached_record("b").is_none());
}

#[test]
fn use_cache_false_on_a_records_activities() {
    let (c, _) = client(api(Rc::new(Cell::new(0))));
    run(c.activities_with_record("a")).unwrap();
    run(c.activities_with_record("a")).unwrap();
    assert_eq!(c.transport().api_calls(), ["GET /records/a/operations"]);
    run(c.activities_with_record_read("a", false)).unwrap();
    assert_eq!(c.transport().api_calls().len(), 2);
}

#[test]
fn clear_caches_empties_the_records_and_every_list() {
    let (c, _) = client(api(Rc::new(Cell::new(0))));
    run(c.get_record(&RecordRef::Id("a".into()))).unwrap();
    run(c.key_fields()).unwrap();
    run(c.data_fields()).unwrap();
    run(c.activities()).unwrap();
    run(c.entity_types(false)).unwrap();
    run(c.activities_with_record("a")).unwrap();
    let before = c.transport().api_calls().len();
    c.clear_caches();
    assert!(c.cached_record("a").is_none());
    run(c.key_fields()).unwrap();
    run(c.data_fields()).unwrap();
    run(c.activities()).unwrap();
    run(c.entity_types(false)).unwrap();
    run(c.activities_with_record("a")).unwrap();
    assert_eq!(c.transport().api_calls().len(), before + 5);
    // clear_record_caches leaves the lists.
    c.clear_record_caches();
    run(c.key_fields()).unwrap();
    assert_eq!(c.transport().api_calls().len(), before + 5);
}

#[test]
fn the_key_index_finds_the_identifier_value_at_any_position() {
    let record = j!({
        "id": "k", "identifier_ids": ["k-key"], "record_values": { "kf": [
            { "id": "k-old", "content": "not the key", "created_at": "2026-01-02T00:00:00Z", "record_id": "k", "operation_id": null },
            { "id": "k-key", "content": 51567, "created_at": null, "record_id": null, "operation_id": null }
        ] }
    });
    let answer = j!([{ "record": record }]);
    let (c, _) = client(move |req: &HttpRequest| match req.path.as_str() {
        "/auth/oauth/token" => token_answer(),
        "/key_fields" => json(
            200,
            j!([{ "id": "kf", "field_name": "Compound ID", "is_key": true }]),
        ),
        "/records/identifiers" => json(200, answer.clone()),
        _ => json(404, j!({"code": "not_found", "message": "no route"})),
    });
    let by_key = |v: Value| RecordRef::KeyValues(vec![(FieldRef::Text("Compound ID".into()), v)]);
    let found = run(c.get_record(&by_key(j!("51567")))).unwrap().unwrap();
    assert_eq!(found.id_string(), "k");
    // Compared as text: the number and its text are one key, served from the index.
    let calls = c.transport().api_calls().len();
    assert_eq!(
        run(c.get_record(&by_key(j!(51567))))
            .unwrap()
            .unwrap()
            .id_string(),
        "k"
    );
    assert_eq!(c.transport().api_calls().len(), calls);
}

#[test]
fn entity_types_are_listed_once_and_looked_up() {
    let (c, _) = client(api(Rc::new(Cell::new(0))));
    use super::entity_types::{type_by_name, type_exact_keys, types_with_key_fields};
    let types = run(c.entity_types(false)).unwrap();
    assert_eq!(types.len(), 3);
    let ids = |list: Vec<&crate::core::model::EntitySlice>| -> Vec<String> {
        list.into_iter().map(|t| t.id.clone()).collect()
    };
    assert_eq!(
        type_by_name(&types, "Batch").map(|t| t.id.as_str()),
        Some("s2")
    );
    assert_eq!(type_by_name(&types, "Nothing"), None);
    assert_eq!(
        ids(types_with_key_fields(&types, &["kf".into()])),
        ["s1", "s2"]
    );
    assert!(types_with_key_fields(&types, &[]).is_empty());
    let exact = type_exact_keys(&types, &["batch".into(), "kf".into()]);
    assert_eq!(exact.map(|t| t.id.as_str()), Some("s2"));
    assert_eq!(
        type_exact_keys(&types, &["kf".into(), "kf".into()]).map(|t| t.id.as_str()),
        Some("s1")
    );
    run(c.entity_types(false)).unwrap();
    // One request for all of those; the list is asked anew only on refresh.
    assert_eq!(c.transport().api_calls(), ["GET /entity_slices"]);
    run(c.entity_types(true)).unwrap();
    assert_eq!(c.transport().api_calls().len(), 2);
    let ids: Vec<String> =
        serde_json::from_str(&run(c.entity_type_record_ids("s1")).unwrap()).unwrap();
    assert_eq!(ids, ["a", "c"]);
    let last = c.transport().api_calls().pop().unwrap();
    assert_eq!(last, "GET /records/search?entity_slice_id=s1");
}

#[test]
fn create_activity_sends_subscriber_ids_empty_unless_given() {
    let (c, _) = client(|req: &HttpRequest| match req.path.as_str() {
        "/auth/oauth/token" => token_answer(),
        "/activities" => json(
            200,
            j!([{ "id": "new", "title": "T", "subscriber_ids": ["u1"] }]),
        ),
        _ => json(404, j!({"code": "not_found", "message": "no route"})),
    });
    let made = run(c.create_activity(&j!({ "title": "T", "activity_type": "task" }))).unwrap();
    assert_eq!(made.subscriber_ids, ["u1"]);
    run(c.create_activity(&j!({ "title": "U", "activity_type": "task", "subscriber_ids": ["u2"] }))).unwrap();
    let sent: Vec<Value> = c
        .transport()
        .requests
        .borrow()
        .iter()
        .filter(|r| r.path == "/activities")
        .filter_map(|r| match &r.body {
            crate::core::http::Body::Json(bytes) => serde_json::from_slice(bytes).ok(),
            _ => None,
        })
        .collect();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0]["subscriber_ids"], j!([]));
    assert_eq!(sent[1]["subscriber_ids"], j!(["u2"]));
}

#[test]
fn an_entity_slice_needs_only_its_id_and_refuses_wrong_types() {
    use crate::core::model::EntitySlice;
    let bare: EntitySlice = serde_json::from_value(j!({ "id": "s" })).unwrap();
    assert_eq!((bare.key_field_ids.len(), bare.slice_name), (0, None));
    for bad in [
        j!({}),
        j!({ "id": 5 }),
        j!({ "id": "s", "key_field_ids": "k" }),
        j!({ "id": "s", "slice_name": 1 }),
        j!([1]),
    ] {
        assert!(
            serde_json::from_value::<EntitySlice>(bad.clone()).is_err(),
            "{bad}"
        );
    }
}
