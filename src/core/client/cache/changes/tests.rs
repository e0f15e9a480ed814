use super::super::Caches;
use super::*;
use crate::core::client::fake::{client, json, token_answer};
use crate::core::client::{FieldRef, RecordRef};
use crate::core::http::{Body, HttpRequest, HttpResponse, Method, TransportError};
use crate::core::store::{CompactRecord, Decoder};
use serde_json::{json as j, Value};
use std::cell::RefCell;
use std::rc::Rc;

fn record_json(id: &str, note: &str) -> Value {
    j!({
        "id": id, "created_at": "2026-01-01T00:00:00Z", "entity_slice_id": "s",
        "identifier_ids": [], "record_identifier": id, "sub_record_ids": [],
        "record_values": { "notes": [{ "id": format!("v-{id}"), "content": note, "record_id": id }] }
    })
}

fn record(c: &mut Caches, id: &str, note: &str) -> CompactRecord {
    Decoder::new(&mut c.symbols)
        .record(record_json(id, note).to_string().as_bytes())
        .unwrap()
}

fn put(c: &mut Caches, id: &str, note: &str) {
    let r = record(c, id, note);
    c.put_record(r);
}

/// The batches as (reason, ids) pairs, checking that each batch's version is
/// the version after its changes and that versions only grow.
fn batches(c: &mut Caches) -> Vec<(&'static str, Vec<String>)> {
    let taken = c.changes().take();
    let mut last = 0;
    for b in &taken {
        assert!(b.version > last, "versions grow: {taken:?}");
        last = b.version;
    }
    if let Some(b) = taken.last() {
        assert_eq!(
            b.version,
            c.changes().version(),
            "the last batch is at the version now"
        );
    }
    taken
        .into_iter()
        .map(|b| (b.reason.as_str(), b.ids))
        .collect()
}

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn the_version_moves_exactly_when_held_records_change() {
    let mut c = Caches::new(10);
    c.changes().listen(true);
    let v0 = c.changes().version();
    put(&mut c, "a", "x");
    put(&mut c, "b", "x");
    let v1 = c.changes().version();
    assert!(v1 > v0);
    assert_eq!(batches(&mut c), [("loaded", ids(&["a", "b"]))]);
    // The same record fetched again as it was: nothing held changed.
    put(&mut c, "a", "x");
    c.expire_record("b");
    c.drop_record("nothing held");
    c.put_missing("never held");
    let _ = c.record("a");
    assert_eq!(
        c.changes().version(),
        v1,
        "reads, expiry and unknown ids change nothing"
    );
    assert!(batches(&mut c).is_empty());
    put(&mut c, "a", "y");
    assert!(c.changes().version() > v1);
    assert_eq!(batches(&mut c), [("refreshed", ids(&["a"]))]);
    // Removed: a 404 over a held record, and a drop.
    c.put_missing("a");
    c.drop_record("b");
    assert_eq!(batches(&mut c), [("removed", ids(&["a", "b"]))]);
    c.clear_records();
    assert!(
        batches(&mut c).is_empty(),
        "clearing nothing changes nothing"
    );
}

#[test]
fn evictions_writes_and_clears_come_in_batches_of_their_reason() {
    let mut c = Caches::new(2);
    c.changes().listen(true);
    put(&mut c, "a", "x");
    put(&mut c, "b", "x");
    put(&mut c, "c", "x");
    put(&mut c, "c", "x");
    assert_eq!(
        batches(&mut c),
        [("loaded", ids(&["a", "b", "c"])), ("evicted", ids(&["a"])),]
    );
    // A write: its refetch, or the drop when that fails, is "written" once.
    c.changes().expect_write("b");
    put(&mut c, "b", "written");
    put(&mut c, "b", "again");
    c.changes().expect_write("c");
    c.drop_record("c");
    assert_eq!(
        batches(&mut c),
        [
            ("written", ids(&["b"])),
            ("refreshed", ids(&["b"])),
            ("written", ids(&["c"])),
        ]
    );
    put(&mut c, "d", "x");
    c.clear_records();
    assert_eq!(
        batches(&mut c),
        [("loaded", ids(&["d"])), ("cleared", ids(&["b", "d"]))]
    );
    // Nobody listening: the version still moves, nothing is kept.
    c.changes().listen(false);
    let before = c.changes().version();
    put(&mut c, "e", "x");
    assert!(c.changes().version() > before);
    c.changes().listen(true);
    assert!(batches(&mut c).is_empty());
}

#[test]
fn a_restore_is_one_batch_and_names_what_it_evicted() {
    let mut source = Caches::new(10);
    for id in ["a", "b", "c"] {
        put(&mut source, id, "x");
    }
    let snapshot = source.snapshot(0);
    let mut c = Caches::new(2);
    c.changes().listen(true);
    put(&mut c, "z", "x");
    let _ = batches(&mut c);
    let before = c.changes().version();
    c.restore(snapshot.bytes()).unwrap();
    assert!(c.changes().version() > before);
    assert_eq!(
        batches(&mut c),
        [("restored", ids(&["b", "c"])), ("evicted", ids(&["z"]))],
        "the most recently used records fill the bound; what was held before makes room"
    );
    assert_eq!(
        c.stats().evictions,
        1,
        "records beyond the bound are not restored to be evicted"
    );
    // A discarded snapshot changes nothing.
    let before = c.changes().version();
    assert!(c.restore(&snapshot.bytes()[1..]).is_err());
    assert_eq!(c.changes().version(), before);
    assert!(batches(&mut c).is_empty());
    // Records loaded after a restore are loads again.
    put(&mut c, "d", "x");
    assert_eq!(batches(&mut c)[0].0, "loaded");
}

/// A server with record r1 that takes values on it.
fn api(note: Rc<RefCell<String>>) -> impl Fn(&HttpRequest) -> Result<HttpResponse, TransportError> {
    move |req| match (req.method, req.path.as_str()) {
        (_, "/auth/oauth/token") => token_answer(),
        (Method::Get, "/data_fields") => json(
            200,
            j!([{"id": "notes", "created_at": "2026-01-01T00:00:00Z", "is_key": false, "field_name": "Notes", "field_type": "text"}]),
        ),
        (Method::Post, "/records/r1/values") => {
            let body: Value = match &req.body {
                Body::Json(b) => serde_json::from_slice(b).unwrap_or_default(),
                _ => Value::Null,
            };
            *note.borrow_mut() = body["content"].as_str().unwrap_or_default().to_string();
            json(
                200,
                j!({ "resource": { "id": "v-new", "content": body["content"], "created_at": "2026-02-01T00:00:00Z", "record_id": "r1", "operation_id": null } }),
            )
        }
        (Method::Get, "/records/r1") => json(200, record_json("r1", &note.borrow())),
        _ => json(404, j!({"code": "not_found", "message": "no route"})),
    }
}

#[test]
fn the_client_hands_over_loads_and_writes_as_batches() {
    let note = Rc::new(RefCell::new("first".to_string()));
    let (c, _) = client(api(note.clone()));
    c.listen_for_changes(true);
    let v0 = c.records_version();
    pollster::block_on(c.get_record(&RecordRef::Id("r1".into()))).unwrap();
    let v1 = c.records_version();
    assert!(v1 > v0);
    let taken = c.take_changes();
    assert_eq!(taken.len(), 1);
    assert_eq!(
        (taken[0].reason, taken[0].ids.clone(), taken[0].version),
        (ChangeReason::Loaded, ids(&["r1"]), v1)
    );
    // A read from the cache changes nothing.
    pollster::block_on(c.get_record(&RecordRef::Id("r1".into()))).unwrap();
    assert_eq!(c.records_version(), v1);
    assert!(c.take_changes().is_empty());
    pollster::block_on(c.add_value("r1", &FieldRef::Text("notes".into()), j!("second"), None))
        .unwrap();
    let taken = c.take_changes();
    assert_eq!(
        taken
            .iter()
            .map(|b| (b.reason, b.ids.clone()))
            .collect::<Vec<_>>(),
        [(ChangeReason::Written, ids(&["r1"]))]
    );
    assert!(c.records_version() > v1);
    c.clear_record_caches();
    assert_eq!(c.take_changes()[0].reason, ChangeReason::Cleared);
}
