//! How long cached answers are reused, lists fetched again for what they lack,
//! the names loaded beside the first record fetch, and writes answered once
//! they landed, against a fake server whose state the tests change.

use super::fake::{client, client_loading_names, json, token_answer};
use super::{FieldRef, RecordRef};
use crate::core::error::ErrorCode;
use crate::core::http::{HttpRequest, HttpResponse, Method, TransportError};
use serde_json::{json as j, Value};
use std::cell::RefCell;
use std::rc::Rc;

/// What the fake server holds; tests change it as another user would.
#[derive(Default)]
struct Server {
    /// (record id, its Notes value) of the records that exist.
    records: Vec<(String, String)>,
    /// (id, title) of the activities.
    activities: Vec<(String, String)>,
    /// How many GETs of a record to fail with 503 from now on.
    failing_gets: u32,
}

fn record(id: &str, notes: &str) -> Value {
    j!({
        "id": id, "created_at": "2026-01-01T00:00:00.000Z", "entity_slice_id": "slice",
        "identifier_ids": [format!("{id}-k")], "record_identifier": id,
        "record_values": {
            "kf": [{ "id": format!("{id}-k"), "content": id, "created_at": "2026-01-01T00:00:00Z", "record_id": id }],
            "notes": [{ "id": format!("{id}-n"), "content": notes, "created_at": "2026-01-01T00:00:00Z", "record_id": id }]
        },
        "initial_operation_id": null, "sub_record_ids": []
    })
}

fn api(
    server: Rc<RefCell<Server>>,
) -> impl Fn(&HttpRequest) -> Result<HttpResponse, TransportError> {
    move |req| {
        let mut s = server.borrow_mut();
        let path = req.path.as_str();
        match (req.method, path) {
            (_, "/auth/oauth/token") => token_answer(),
            (Method::Get, "/key_fields") => json(
                200,
                j!([{"id": "kf", "created_at": "2026-01-01T00:00:00Z", "is_key": true, "field_name": "Compound ID", "field_type": "text"}]),
            ),
            (Method::Get, "/data_fields") => json(
                200,
                j!([{"id": "notes", "created_at": "2026-01-01T00:00:00Z", "is_key": false, "field_name": "Notes", "field_type": "text"}]),
            ),
            (Method::Get, "/activities") => json(
                200,
                Value::Array(
                    s.activities
                        .iter()
                        .map(|(id, title)| j!({"id": id, "created_at": "2026-01-01T00:00:00Z", "title": title, "activity_type": "task"}))
                        .collect(),
                ),
            ),
            (Method::Get, "/records/identifiers") => {
                let asked = req.url.contains("CMP-NEW");
                let found: Vec<Value> = s
                    .records
                    .iter()
                    .filter(|(id, _)| asked && id == "CMP-NEW")
                    .map(|(id, notes)| j!({ "record": record(id, notes) }))
                    .collect();
                json(200, Value::Array(found))
            }
            (Method::Post, p) if p.ends_with("/values") => {
                let id = p.trim_start_matches("/records/").trim_end_matches("/values");
                let body: Value = match &req.body {
                    crate::core::http::Body::Json(b) => serde_json::from_slice(b).unwrap_or_default(),
                    _ => Value::Null,
                };
                let content = body["content"].as_str().unwrap_or_default().to_string();
                if let Some(r) = s.records.iter_mut().find(|(rid, _)| rid == id) {
                    r.1 = content.clone();
                }
                json(
                    200,
                    j!({ "resource": { "id": "v-new", "content": content, "created_at": "2026-02-01T00:00:00Z", "record_id": id, "operation_id": body["operation_id"] } }),
                )
            }
            (Method::Get, "/records") => json(
                200,
                Value::Array(
                    s.records
                        .iter()
                        .filter(|(id, _)| req.url.contains(&format!("record_ids={id}")))
                        .map(|(id, notes)| record(id, notes))
                        .collect(),
                ),
            ),
            (Method::Get, p) if p.starts_with("/records/") => {
                if s.failing_gets > 0 {
                    s.failing_gets -= 1;
                    return json(503, j!({"code": "unavailable", "message": "busy"}));
                }
                let id = p.trim_start_matches("/records/");
                match s.records.iter().find(|(rid, _)| rid == id) {
                    Some((id, notes)) => json(200, record(id, notes)),
                    None => json(404, j!({"code": "not_found", "message": "no record"})),
                }
            }
            _ => json(404, j!({"code": "not_found", "message": "no route"})),
        }
    }
}

fn server() -> Rc<RefCell<Server>> {
    Rc::new(RefCell::new(Server {
        records: vec![("r1".into(), "first".into())],
        activities: vec![("a1".into(), "Run 1".into())],
        failing_gets: 0,
    }))
}

fn run<F: std::future::Future>(future: F) -> F::Output {
    pollster::block_on(future)
}

type TestClient = super::Client<super::fake::FakeTransport>;

fn notes(c: &TestClient, id: &str) -> Option<String> {
    let record = run(c.get_record(&RecordRef::Id(id.into()))).unwrap()?;
    let field = c
        .field_cached(&record, &FieldRef::Text("notes".into()))
        .unwrap();
    let value = record.latest(field, Default::default())?;
    value.content.as_str().map(String::from)
}

fn gets(c: &TestClient, path: &str) -> usize {
    c.transport()
        .api_calls()
        .iter()
        .filter(|call| call.as_str() == format!("GET {path}"))
        .count()
}

#[test]
fn a_record_is_reused_for_the_ttl_then_fetched_again() {
    let s = server();
    let (c, now) = client(api(s.clone()));
    assert_eq!(notes(&c, "r1").as_deref(), Some("first"));
    s.borrow_mut().records[0].1 = "changed elsewhere".into();
    now.set(now.get() + 59_999);
    assert_eq!(notes(&c, "r1").as_deref(), Some("first"), "still fresh");
    assert_eq!(gets(&c, "/records/r1"), 1);
    now.set(now.get() + 1);
    assert_eq!(notes(&c, "r1").as_deref(), Some("changed elsewhere"));
    assert_eq!(gets(&c, "/records/r1"), 2);
    // getRecordsByIds fetches an expired record again too.
    s.borrow_mut().records[0].1 = "third".into();
    now.set(now.get() + 60_000);
    let got = run(c.get_records_by_ids(&[RecordRef::Id("r1".into())], 250, &|_, _| {})).unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(
        c.transport().api_calls().last().map(String::as_str),
        Some("GET /records?record_ids=r1")
    );
}

#[test]
fn a_not_found_is_remembered_for_the_ttl_then_asked_again() {
    let s = server();
    let (c, now) = client(api(s.clone()));
    assert_eq!(notes(&c, "r2"), None);
    s.borrow_mut()
        .records
        .push(("r2".into(), "made elsewhere".into()));
    now.set(now.get() + 30_000);
    assert_eq!(notes(&c, "r2"), None, "the 404 is remembered");
    assert_eq!(gets(&c, "/records/r2"), 1);
    now.set(now.get() + 30_000);
    assert_eq!(notes(&c, "r2").as_deref(), Some("made elsewhere"));
    assert_eq!(gets(&c, "/records/r2"), 2);
    // The same for key values nobody had.
    let by_key = RecordRef::KeyValues(vec![(FieldRef::Text("Compound ID".into()), j!("CMP-NEW"))]);
    assert!(run(c.get_record(&by_key)).unwrap().is_none());
    s.borrow_mut()
        .records
        .push(("CMP-NEW".into(), "new".into()));
    assert!(run(c.get_record(&by_key)).unwrap().is_none(), "remembered");
    now.set(now.get() + 60_000);
    assert!(run(c.get_record(&by_key)).unwrap().is_some());
}

#[test]
fn an_infinite_ttl_keeps_records_until_evicted() {
    let s = server();
    let (c, now) = client(api(s.clone()));
    c.cache.borrow_mut().expiry.ttl_ms = None;
    notes(&c, "r1");
    now.set(now.get() + 10_000_000_000);
    notes(&c, "r1");
    assert_eq!(gets(&c, "/records/r1"), 1);
}

#[test]
fn lists_expire_and_a_title_they_lack_fetches_them_again_once() {
    let s = server();
    let (c, now) = client(api(s.clone()));
    assert_eq!(run(c.resolve_activity("Run 1")).unwrap(), "a1");
    // Another client creates an activity: found by title and by uuid, one fetch each time it is missing.
    s.borrow_mut()
        .activities
        .push(("a2".into(), "Run 2".into()));
    assert_eq!(run(c.resolve_activity("Run 2")).unwrap(), "a2");
    assert_eq!(run(c.resolve_activity("a2")).unwrap(), "a2");
    assert_eq!(gets(&c, "/activities"), 2);
    // A title nobody has: one fetch, then not_found.
    let missing = run(c.resolve_activity("Run 9")).unwrap_err();
    assert_eq!(missing.code, ErrorCode::NotFound);
    assert_eq!(gets(&c, "/activities"), 3);
    // Expired: the next use fetches the list again.
    run(c.activities()).unwrap();
    assert_eq!(gets(&c, "/activities"), 3);
    now.set(now.get() + 60_000);
    run(c.activities()).unwrap();
    assert_eq!(gets(&c, "/activities"), 4);
    // An explicit refresh asks the server at once.
    run(c.activities_listed(true)).unwrap();
    assert_eq!(gets(&c, "/activities"), 5);
}

#[test]
fn a_write_made_in_another_clients_activity_resolves_by_uuid_and_title() {
    let s = server();
    let (c, _) = client(api(s.clone()));
    run(c.activities()).unwrap();
    s.borrow_mut()
        .activities
        .push(("a3".into(), "Made elsewhere".into()));
    for activity in ["a3", "Made elsewhere"] {
        let value = run(c.add_value(
            "r1",
            &FieldRef::Text("notes".into()),
            j!("x"),
            Some(activity),
        ))
        .unwrap();
        assert_eq!(value.operation_id.as_deref(), Some("a3"));
    }
}

#[test]
fn the_first_record_fetch_loads_the_names_once_before_it() {
    let s = server();
    let (c, _) = client_loading_names(api(s.clone()));
    let record = run(c.get_record(&RecordRef::Id("r1".into())))
        .unwrap()
        .unwrap();
    // Names and titles now resolve without a request.
    let before = c.transport().api_calls().len();
    let field = c
        .field_cached(&record, &FieldRef::Text("Notes".into()))
        .unwrap();
    assert!(record.latest(field, Default::default()).is_some());
    assert_eq!(c.resolve_activity_cached("Run 1").unwrap(), "a1");
    assert_eq!(c.transport().api_calls().len(), before);
    let mut calls = c.transport().api_calls();
    calls.sort();
    assert_eq!(
        calls,
        vec![
            "GET /activities",
            "GET /data_fields",
            "GET /key_fields",
            "GET /records/r1"
        ]
    );
    // Only the first time.
    c.clear_record_caches();
    run(c.get_record(&RecordRef::Id("r1".into()))).unwrap();
    assert_eq!(c.transport().api_calls().len(), 5);
}

#[test]
fn a_record_fetch_succeeds_when_the_names_fail_to_load() {
    let inner = api(server());
    let (c, _) = client_loading_names(move |req: &HttpRequest| {
        if req.path == "/data_fields" {
            return json(500, j!({"code": "boom", "message": "down"}));
        }
        inner(req)
    });
    let record = run(c.get_record(&RecordRef::Id("r1".into()))).unwrap();
    assert!(record.is_some());
}

#[test]
fn a_write_that_landed_is_answered_even_when_its_refetch_fails() {
    let s = server();
    let (c, _) = client(api(s.clone()));
    notes(&c, "r1");
    // Every GET of the record fails: the first try and both retries.
    s.borrow_mut().failing_gets = 3;
    let value =
        run(c.add_value("r1", &FieldRef::Text("notes".into()), j!("second"), None)).unwrap();
    assert_eq!(value.content, j!("second"));
    let posts = c
        .transport()
        .api_calls()
        .iter()
        .filter(|call| call.starts_with("POST "))
        .count();
    assert_eq!(posts, 1, "written once");
    // The record was left out of the cache: the next read fetches the new value.
    assert_eq!(notes(&c, "r1").as_deref(), Some("second"));
}

#[test]
fn refetching_a_deleted_record_is_not_found() {
    let s = server();
    let (c, _) = client(api(s.clone()));
    notes(&c, "r1");
    s.borrow_mut().records.clear();
    let error = run(c.refetch("r1")).unwrap_err();
    assert_eq!(error.code, ErrorCode::NotFound);
    assert!(c.cached_record("r1").is_none());
}

#[test]
fn activity_data_leaves_out_fields_whose_newest_content_is_null() {
    let record_with_null = j!({
        "id": "r9", "created_at": "2026-01-01T00:00:00.000Z", "entity_slice_id": "slice",
        "identifier_ids": ["k"], "record_identifier": "CMP-9",
        "record_values": {
            "kf": [{ "id": "k", "content": "CMP-9", "created_at": "2026-01-01T00:00:00Z" }],
            "notes": [
                { "id": "n1", "content": "old", "created_at": "2026-01-01T00:00:00Z", "record_id": "r9", "operation_id": "a1" },
                { "id": "n2", "content": null, "created_at": "2026-01-02T00:00:00Z", "record_id": "r9", "operation_id": "a1" }
            ],
            "ic50": [{ "id": "i1", "content": 4.5, "created_at": "2026-01-01T00:00:00Z", "record_id": "r9", "operation_id": "a1" }],
            "other": [{ "id": "o1", "content": 1, "created_at": "2026-01-01T00:00:00Z", "record_id": "r9", "operation_id": "a2" }]
        },
        "initial_operation_id": null, "sub_record_ids": []
    });
    let inner = api(server());
    let (c, _) = client(move |req: &HttpRequest| {
        if req.path == "/records/r9" {
            return json(200, record_with_null.clone());
        }
        inner(req)
    });
    run(c.activities()).unwrap();
    let record = run(c.get_record(&RecordRef::Id("r9".into())))
        .unwrap()
        .unwrap();
    let mut data: Vec<String> = c
        .activity_data_cached(&record, "Run 1")
        .unwrap()
        .into_iter()
        .map(|(field, _)| field)
        .collect();
    data.sort();
    assert_eq!(data, vec!["ic50", "kf"]);
}

#[test]
fn concurrent_first_fetches_wait_for_the_names_together_and_share_their_requests() {
    let (c, _) = client_loading_names(api(server()));
    let ids = [RecordRef::Id("r1".into())];
    let both = super::join::join2(
        c.get_records_by_ids(&ids, 250, &|_, _| {}),
        c.get_records_by_ids(&ids, 250, &|_, _| {}),
    );
    let (a, b) = run(both);
    assert_eq!((a.unwrap().len(), b.unwrap().len()), (1, 1));
    let calls = c.transport().api_calls();
    let count = |path: &str| calls.iter().filter(|call| call.starts_with(path)).count();
    assert_eq!(
        (
            count("GET /records?"),
            count("GET /key_fields"),
            count("GET /activities")
        ),
        (1, 1, 1),
        "{calls:?}"
    );
}

#[test]
fn an_unknown_name_fetches_a_list_again_only_when_it_was_not_just_fetched() {
    let gets_of = |c: &TestClient| {
        let calls = c.transport().api_calls();
        let count = |p: &str| calls.iter().filter(|call| call.as_str() == p).count();
        (count("GET /data_fields"), count("GET /key_fields"))
    };
    // Both lists fetched by this very lookup: not fetched a second time.
    let (c, _) = client(api(server()));
    let missing = run(c.resolve_data_field(&FieldRef::Text("Colour".into()))).unwrap_err();
    assert_eq!(missing.code, ErrorCode::NotFound);
    assert_eq!(gets_of(&c), (1, 1));
    // The data fields were cached, the key fields fetched now: both are asked again once.
    let (c, _) = client(api(server()));
    run(c.data_fields()).unwrap();
    let missing = run(c.resolve_data_field(&FieldRef::Text("Colour".into()))).unwrap_err();
    assert_eq!(missing.code, ErrorCode::NotFound);
    assert_eq!(gets_of(&c), (2, 2));
}

#[test]
fn clearing_the_field_caches_loads_the_names_again_with_the_next_record() {
    let (c, _) = client_loading_names(api(server()));
    run(c.get_record(&RecordRef::Id("r1".into()))).unwrap();
    c.clear_field_caches();
    c.clear_record_caches();
    run(c.get_record(&RecordRef::Id("r1".into()))).unwrap();
    let calls = c.transport().api_calls();
    let data_gets = calls
        .iter()
        .filter(|call| call.as_str() == "GET /data_fields")
        .count();
    assert_eq!(data_gets, 2, "{calls:?}");
}
