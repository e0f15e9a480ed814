//! The field and activity lists, a record's activities, remembered misses and
//! the cache's counters, against the recording fake.

use super::fake::{client, json, token_answer};
use super::{FieldRef, RecordRef};
use crate::core::error::ErrorCode;
use crate::core::http::{Body, HttpRequest, HttpResponse, Method, TransportError};
use serde_json::{json as j, Value};

type TestClient = super::Client<super::fake::FakeTransport>;

fn field(id: &str, name: &str, is_key: bool, field_type: &str) -> Value {
    j!({"id": id, "created_at": "2026-01-01T00:00:00Z", "is_key": is_key, "field_name": name, "field_type": field_type})
}

fn activity(id: &str, title: &str, kind: &str) -> Value {
    j!({"id": id, "created_at": "2026-01-01T00:00:00Z", "title": title, "activity_type": kind})
}

fn record(id: &str) -> Value {
    j!({
        "id": id, "created_at": "2026-01-01T00:00:00.000Z", "entity_slice_id": "slice",
        "identifier_ids": [], "record_identifier": format!("N-{id}"), "record_values": {},
        "initial_operation_id": null, "sub_record_ids": []
    })
}

fn body(req: &HttpRequest) -> Value {
    match &req.body {
        Body::Json(bytes) => serde_json::from_slice(bytes).unwrap_or(Value::Null),
        _ => Value::Null,
    }
}

fn api(req: &HttpRequest) -> Result<HttpResponse, TransportError> {
    let path = req.path.as_str();
    match (req.method, path) {
        (_, "/auth/oauth/token") => token_answer(),
        (Method::Get, "/key_fields") => json(200, j!([field("kf", "Compound ID", true, "text")])),
        (Method::Get, "/data_fields") => json(
            200,
            j!([
                field("df-ic50", "IC50", false, "number"),
                field("df-notes", "Notes", false, "text")
            ]),
        ),
        (Method::Post, "/key_fields/") => {
            let name = body(req)["field_name"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            json(200, field("kf-new", &name, true, "text"))
        }
        (Method::Post, "/data_fields/") => {
            let b = body(req);
            let name = b["field_name"].as_str().unwrap_or_default();
            json(
                200,
                field(
                    "df-new",
                    name,
                    false,
                    b["field_type"].as_str().unwrap_or_default(),
                ),
            )
        }
        (Method::Get, "/activities") => json(
            200,
            j!([
                activity("a1", "Run 1", "experiment"),
                activity("a2", "Run 2", "task")
            ]),
        ),
        (Method::Post, "/activities") => {
            let b = body(req);
            json(
                200,
                j!([activity(
                    "a-new",
                    b["title"].as_str().unwrap_or_default(),
                    b["activity_type"].as_str().unwrap_or_default()
                )]),
            )
        }
        (Method::Put, "/operations/a1/records") => json(200, j!({})),
        (Method::Get, "/operations/a1/records") => json(200, j!([record("r1"), record("r2")])),
        (Method::Get, p) if p.starts_with("/records/") && p.ends_with("/operations") => {
            json(200, j!([activity("a1", "Run 1", "experiment")]))
        }
        (Method::Get, "/records/identifiers") => json(200, j!([])),
        (Method::Get, "/records") => json(200, j!([record("r1")])),
        (Method::Get, p) if p.starts_with("/records/") => {
            json(200, record(p.trim_start_matches("/records/")))
        }
        _ => json(404, j!({"code": "not_found", "message": "no route"})),
    }
}

fn calls(c: &TestClient) -> Vec<String> {
    c.transport().api_calls()
}

fn run<F: std::future::Future>(future: F) -> F::Output {
    pollster::block_on(future)
}

#[test]
fn field_lists_are_fetched_once_and_found_by_name_or_uuid() {
    let (c, _) = client(api);
    assert_eq!(run(c.key_fields()).unwrap().len(), 1);
    assert_eq!(run(c.data_fields()).unwrap().len(), 2);
    for name in ["Compound ID", "kf"] {
        assert_eq!(run(c.get_or_create_key_field(name)).unwrap().id, "kf");
    }
    for name in ["IC50", "df-ic50"] {
        assert_eq!(
            run(c.get_or_create_data_field(name, "number")).unwrap().id,
            "df-ic50"
        );
    }
    assert_eq!(
        run(c.resolve_data_field(&FieldRef::Text("Notes".into()))).unwrap(),
        "df-notes"
    );
    // A key field's name resolves too: records hold key values under its id.
    assert_eq!(
        run(c.resolve_data_field(&FieldRef::Text("Compound ID".into()))).unwrap(),
        "kf"
    );
    assert_eq!(calls(&c), vec!["GET /key_fields", "GET /data_fields"]);
    // A name neither list holds may be a field made since: both lists are fetched again, once.
    let error = run(c.resolve_data_field(&FieldRef::Text("Colour".into()))).unwrap_err();
    assert_eq!(error.code, ErrorCode::NotFound);
    assert_eq!(
        calls(&c),
        vec![
            "GET /key_fields",
            "GET /data_fields",
            "GET /data_fields",
            "GET /key_fields"
        ]
    );
    c.clear_field_caches();
    run(c.resolve_data_field(&FieldRef::Text("IC50".into()))).unwrap();
    run(c.resolve_key_field(&FieldRef::Text("kf".into()))).unwrap();
    assert_eq!(calls(&c).len(), 6, "cleared lists are fetched again");
}

#[test]
fn a_missing_field_is_created_once_and_the_list_fetched_again() {
    let (c, _) = client(api);
    let made = run(c.get_or_create_key_field("Batch ID")).unwrap();
    assert_eq!(
        (
            made.id.as_str(),
            made.field_name.as_deref().unwrap_or_default()
        ),
        ("kf-new", "Batch ID")
    );
    let data = run(c.get_or_create_data_field("Yield", "number")).unwrap();
    assert_eq!(
        (
            data.id.as_str(),
            data.field_type.as_deref().unwrap_or_default()
        ),
        ("df-new", "number")
    );
    // The created fields join their lists: no list is fetched again.
    assert!(run(c.key_fields())
        .unwrap()
        .iter()
        .any(|f| f.id == "kf-new"));
    assert!(run(c.data_fields())
        .unwrap()
        .iter()
        .any(|f| f.id == "df-new"));
    assert_eq!(
        run(c.resolve_data_field(&FieldRef::Text("Yield".into()))).unwrap(),
        "df-new"
    );
    assert_eq!(
        calls(&c),
        vec![
            "GET /key_fields",
            "POST /key_fields/",
            "GET /data_fields",
            "POST /data_fields/",
        ]
    );
    let requests = c.transport().requests.borrow();
    let posted: Vec<Value> = requests
        .iter()
        .filter(|r| r.method == Method::Post && r.path != "/auth/oauth/token")
        .map(body)
        .collect();
    assert_eq!(posted[0], j!({"field_name": "Batch ID"}));
    assert_eq!(
        posted[1],
        j!({"field_name": "Yield", "field_type": "number", "attrs": {}})
    );
}

#[test]
fn activities_are_found_by_uuid_then_title() {
    let (c, _) = client(api);
    assert_eq!(run(c.resolve_activity("a2")).unwrap(), "a2");
    assert_eq!(run(c.resolve_activity("Run 1")).unwrap(), "a1");
    assert_eq!(run(c.resolve_activity("Run 2")).unwrap(), "a2");
    assert_eq!(
        run(c.activity_by_id("a1")).unwrap().and_then(|a| a.title),
        Some("Run 1".into())
    );
    assert_eq!(run(c.activity_by_id("Run 9")).unwrap(), None);
    assert_eq!(
        run(c.resolve_activity("Run 9")).unwrap_err().code,
        ErrorCode::NotFound
    );
    assert_eq!(run(c.activities()).unwrap().len(), 2);
    // Each lookup of an unknown title fetched the list again, once.
    assert_eq!(
        calls(&c),
        vec!["GET /activities", "GET /activities", "GET /activities"]
    );
}

#[test]
fn adding_records_to_an_activity_forgets_what_it_changed() {
    let (c, _) = client(api);
    assert_eq!(run(c.activities_with_record("r1")).unwrap().len(), 1);
    run(c.add_records_to_activity("Run 1", &["r1".to_string()])).unwrap();
    let put = c
        .transport()
        .requests
        .borrow()
        .iter()
        .find(|r| r.method == Method::Put)
        .map(body);
    assert_eq!(put, Some(j!({"record_ids": ["r1"]})));
    run(c.activities_with_record("r1")).unwrap();
    run(c.activities()).unwrap();
    assert_eq!(
        calls(&c),
        vec![
            "GET /records/r1/operations",
            "GET /activities",
            "PUT /operations/a1/records",
            "GET /records/r1/operations",
            "GET /activities"
        ]
    );
}

#[test]
fn an_activitys_records_are_cached_on_the_way() {
    let (c, _) = client(api);
    let records = run(c.activity_records("a1")).unwrap();
    assert_eq!(
        records.iter().map(|r| r.id_string()).collect::<Vec<_>>(),
        vec!["r1", "r2"]
    );
    let before = calls(&c).len();
    assert!(run(c.get_record(&RecordRef::Id("r2".into())))
        .unwrap()
        .is_some());
    assert_eq!(calls(&c).len(), before, "r2 came from the cache");
}

#[test]
fn a_new_activity_needs_a_title_and_a_type_and_joins_the_list() {
    let (c, _) = client(api);
    for payload in [
        j!({"title": "T"}),
        j!({"activity_type": "task"}),
        j!({"title": "", "activity_type": "task"}),
    ] {
        let error = run(c.create_activity(&payload)).unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidArgument, "{payload}");
    }
    assert!(calls(&c).is_empty());
    run(c.activities()).unwrap();
    let made =
        run(c.create_activity(&j!({"title": "Run 3", "activity_type": "task", "status": "to do"})))
            .unwrap();
    assert_eq!(
        (made.id.as_str(), made.title.as_deref().unwrap_or_default()),
        ("a-new", "Run 3")
    );
    // The new activity joins the cached list at once.
    assert_eq!(run(c.resolve_activity("Run 3")).unwrap(), "a-new");
    assert_eq!(run(c.activities()).unwrap().len(), 3);
    assert_eq!(calls(&c), vec!["GET /activities", "POST /activities"]);
    let sent = c
        .transport()
        .requests
        .borrow()
        .iter()
        .find(|r| r.path == "/activities" && r.method == Method::Post)
        .map(body)
        .unwrap_or_default();
    assert_eq!(sent["status"], "to do");
    assert_eq!(sent["program_ids"], j!([]));
}

#[test]
fn a_records_activities_are_reused_for_ten_seconds() {
    let (c, now) = client(api);
    let start = now.get();
    run(c.activities_with_record("r1")).unwrap();
    now.set(start + 9_999);
    run(c.activities_with_record("r1")).unwrap();
    assert_eq!(calls(&c).len(), 1);
    // Another record's list does not push out a fresh one.
    run(c.activities_with_record("r2")).unwrap();
    run(c.activities_with_record("r1")).unwrap();
    assert_eq!(calls(&c).len(), 2);
    now.set(start + 10_000);
    run(c.activities_with_record("r1")).unwrap();
    assert_eq!(calls(&c).len(), 3);
}

#[test]
fn at_most_128_records_activity_lists_are_kept_the_oldest_going_first() {
    let (c, now) = client(api);
    let start = now.get();
    for i in 0..129 {
        now.set(start + i);
        run(c.activities_with_record(&format!("r{i}"))).unwrap();
    }
    assert_eq!(calls(&c).len(), 129);
    run(c.activities_with_record("r1")).unwrap();
    assert_eq!(calls(&c).len(), 129, "r1 is still kept");
    run(c.activities_with_record("r0")).unwrap();
    assert_eq!(calls(&c).len(), 130, "r0 was the oldest");
}

#[test]
fn several_missing_key_values_are_remembered() {
    let (c, _) = client(api);
    let by_key =
        |v: &str| RecordRef::KeyValues(vec![(FieldRef::Text("Compound ID".into()), j!(v))]);
    for _ in 0..2 {
        assert!(run(c.get_record(&by_key("NONE-1"))).unwrap().is_none());
        assert!(run(c.get_record(&by_key("NONE-2"))).unwrap().is_none());
    }
    let lookups = calls(&c)
        .iter()
        .filter(|p| p.starts_with("GET /records/identifiers"))
        .count();
    assert_eq!(lookups, 2);
}

#[test]
fn the_cache_counts_hits_and_misses() {
    let (c, _) = client(api);
    let id = |v: &str| RecordRef::Id(v.into());
    run(c.get_record(&id("r1"))).unwrap();
    run(c.get_record(&id("r1"))).unwrap();
    run(c.get_record(&id("r1"))).unwrap();
    run(c.get_record(&id("r2"))).unwrap();
    let stats = c.cache_stats();
    assert_eq!((stats.hits, stats.misses, stats.records), (2, 2, 2));
}

#[test]
fn batch_sizes_from_1_to_10000_are_accepted() {
    let (c, _) = client(api);
    let ids = [RecordRef::Id("r1".into())];
    for size in [1, 10_000] {
        assert!(
            run(c.get_records_by_ids(&ids, size, &|_, _| {})).is_ok(),
            "{size}"
        );
    }
    for size in [0, 10_001] {
        let error = run(c.get_records_by_ids(&ids, size, &|_, _| {})).unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidArgument, "{size}");
    }
}

#[test]
fn ids_up_to_200_characters_go_into_paths() {
    use super::ident::path_segment;
    assert!(path_segment(&"a".repeat(200)).is_ok());
    assert!(path_segment(&"a".repeat(201)).is_err());
    for bad in ["", "a/b", "a?b", "a#b", "a%2F", "a\\b", "a b"] {
        assert!(path_segment(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn a_long_list_is_decoded_an_item_at_a_time_giving_the_page_turns() {
    // A clock that moves 10 ms each time it is read: decoding "takes" long enough
    // to give turns. Every activity still arrives, in the server's order.
    let clock = super::fake::moving_clock(10);
    let titles: Vec<String> = (0..100).map(|i| format!("Assay run {i}")).collect();
    let list = Value::Array(
        titles
            .iter()
            .enumerate()
            .map(|(i, t)| activity(&format!("op-{i}"), t, "experiment"))
            .collect(),
    );
    let c = super::fake::client_on_clock(
        move |req: &HttpRequest| match req.path.as_str() {
            "/auth/oauth/token" => token_answer(),
            _ => json(200, list.clone()),
        },
        1_000,
        false,
        clock,
    );
    let (got, fetched) = pollster::block_on(c.activities_listed(false)).unwrap();
    assert!(fetched);
    let got: Vec<&str> = got
        .iter()
        .map(|a| a.title.as_deref().unwrap_or_default())
        .collect();
    assert_eq!(got, titles);
    let turns = c.transport().sleeps.borrow().len();
    assert!(turns >= 5, "{turns} turns");
    // One activity that does not decode: the list is refused, as a whole body would
    // be, and nothing is cached.
    let (c, _) = client(|req: &HttpRequest| match req.path.as_str() {
        "/auth/oauth/token" => token_answer(),
        _ => json(200, j!([activity("a", "A", "task"), { "id": 5 }])),
    });
    let err = pollster::block_on(c.activities_listed(false)).unwrap_err();
    assert_eq!(err.code, ErrorCode::Decode, "{err:?}");
    assert!(
        err.message
            .contains("GET /activities answered JSON of the wrong shape"),
        "{}",
        err.message
    );
    // An empty list is a list.
    let (c, _) = client(|req: &HttpRequest| match req.path.as_str() {
        "/auth/oauth/token" => token_answer(),
        _ => json(200, j!([])),
    });
    assert!(pollster::block_on(c.activities_listed(false))
        .unwrap()
        .0
        .is_empty());
}
