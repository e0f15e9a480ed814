//! Client behaviour against the recording fake.

use super::fake::{client, json, token_answer};
use super::{ColumnsScope, FieldRef, RecordRef};
use crate::core::error::ErrorCode;
use crate::core::http::{Body, HttpRequest};
use serde_json::{json as j, Value};

fn record_json(id: &str, name: &str) -> Value {
    j!({
        "id": id, "created_at": "2026-01-01T00:00:00.000Z", "entity_slice_id": "slice",
        "identifier_ids": [format!("kv-{id}")], "record_identifier": name,
        "record_values": { "kf": [{ "id": format!("kv-{id}"), "content": name, "created_at": null, "record_id": null, "operation_id": null }] },
        "initial_operation_id": null, "sub_record_ids": []
    })
}

fn api(
    req: &HttpRequest,
) -> Result<crate::core::http::HttpResponse, crate::core::http::TransportError> {
    let path = req.url.trim_start_matches("http://api.test");
    match path {
        "/auth/oauth/token" => token_answer(),
        "/key_fields" => json(
            200,
            j!([{"id": "kf", "created_at": "2026-01-01T00:00:00Z", "is_key": true, "field_name": "Compound ID", "field_type": "text"}]),
        ),
        p if p.starts_with("/records/identifiers") => {
            if p.contains("CMP-1") {
                json(200, j!([{ "record": record_json("r1", "CMP-1") }]))
            } else {
                json(200, j!([]))
            }
        }
        p if p.starts_with("/records?record_ids=") => {
            let ids = p
                .trim_start_matches("/records?record_ids=")
                .split("%2C")
                .filter(|id| *id != "missing")
                .map(|id| record_json(id, &format!("N-{id}")))
                .collect::<Vec<_>>();
            json(200, Value::Array(ids))
        }
        "/records/r1" => json(200, record_json("r1", "CMP-1")),
        "/records/gone" => json(404, j!({"code": "not_found", "message": "no such record"})),
        "/records/boom" => json(500, j!({"code": "internal", "message": "kaput"})),
        _ => json(404, j!({})),
    }
}

#[test]
fn a_cache_hit_sends_no_request_and_404_is_remembered() {
    let (c, _) = client(api);
    pollster::block_on(async {
        assert_eq!(
            c.get_record(&RecordRef::Id("r1".into()))
                .await
                .unwrap()
                .unwrap()
                .identifier(),
            Some("CMP-1")
        );
        assert!(c
            .get_record(&RecordRef::Id("r1".into()))
            .await
            .unwrap()
            .is_some());
        assert!(c
            .get_record(&RecordRef::Id("gone".into()))
            .await
            .unwrap()
            .is_none());
        assert!(c
            .get_record(&RecordRef::Id("gone".into()))
            .await
            .unwrap()
            .is_none());
    });
    assert_eq!(
        c.transport().api_calls(),
        vec!["GET /records/r1", "GET /records/gone"]
    );
    c.clear_record_caches();
    pollster::block_on(async { c.get_record(&RecordRef::Id("gone".into())).await.unwrap() });
    assert_eq!(c.transport().api_calls().len(), 3);
}

#[test]
fn requests_carry_the_token_and_extra_headers() {
    let (c, _) = client(api);
    pollster::block_on(c.get_record(&RecordRef::Id("r1".into()))).unwrap();
    let requests = c.transport().requests.borrow();
    let token = &requests[0];
    assert_eq!(token.path, "/auth/oauth/token");
    assert_eq!(
        token.body,
        Body::Form("grant_type=client_credentials&client_id=id&client_secret=s3cret".into())
    );
    let get = &requests[1];
    assert!(get
        .headers
        .contains(&("X-Kal-Authorization".into(), "Bearer tok-1".into())));
    assert!(get
        .headers
        .contains(&("Authorization".into(), "Bearer proxy".into())));
}

#[test]
fn the_token_is_refreshed_ten_minutes_before_expiry() {
    let (c, now) = client(api);
    pollster::block_on(c.get_record(&RecordRef::Id("r1".into()))).unwrap();
    c.clear_record_caches();
    now.set(now.get() + 49 * 60 * 1000);
    pollster::block_on(c.get_record(&RecordRef::Id("r1".into()))).unwrap();
    c.clear_record_caches();
    now.set(now.get() + 2 * 60 * 1000);
    pollster::block_on(c.get_record(&RecordRef::Id("r1".into()))).unwrap();
    let requests = c.transport().requests.borrow();
    let tokens: Vec<&HttpRequest> = requests
        .iter()
        .filter(|r| r.path == "/auth/oauth/token")
        .collect();
    assert_eq!(tokens.len(), 2);
    assert_eq!(
        tokens[1].body,
        Body::Form("grant_type=refresh_token&refresh_token=ref-1".into())
    );
}

#[test]
fn records_by_ids_keep_order_drop_unknown_and_batch() {
    let (c, _) = client(api);
    let ids: Vec<RecordRef> = ["a", "b", "missing", "a", "c"]
        .iter()
        .map(|i| RecordRef::Id(i.to_string()))
        .collect();
    let got = pollster::block_on(c.get_records_by_ids(&ids, 2, &|_, _| {})).unwrap();
    let names: Vec<String> = got.iter().map(|r| r.id_string()).collect();
    assert_eq!(names, vec!["a", "b", "a", "c"]);
    // The second batch asks only for what the first did not bring.
    assert_eq!(
        c.transport().api_calls(),
        vec![
            "GET /records?record_ids=a%2Cb",
            "GET /records?record_ids=missing",
            "GET /records?record_ids=c"
        ]
    );
    // All cached now: no request.
    pollster::block_on(c.get_records_by_ids(&ids[..2], 250, &|_, _| {})).unwrap();
    assert_eq!(c.transport().api_calls().len(), 3);
}

#[test]
fn key_values_resolve_by_name_and_are_cached() {
    let (c, _) = client(api);
    let by_name = RecordRef::KeyValues(vec![(FieldRef::Text("Compound ID".into()), j!("CMP-1"))]);
    let by_uuid = RecordRef::KeyValues(vec![(FieldRef::Text("kf".into()), j!("CMP-1"))]);
    pollster::block_on(async {
        assert_eq!(
            c.get_record(&by_name).await.unwrap().unwrap().id_string(),
            "r1"
        );
        assert_eq!(
            c.get_record(&by_uuid).await.unwrap().unwrap().id_string(),
            "r1"
        );
        let none = RecordRef::KeyValues(vec![(FieldRef::Text("kf".into()), j!("CMP-9"))]);
        assert!(c.get_record(&none).await.unwrap().is_none());
        let err = c
            .get_record(&RecordRef::KeyValues(vec![(
                FieldRef::Text("Colour".into()),
                j!("x"),
            )]))
            .await
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::NotFound);
    });
    let calls = c.transport().api_calls();
    assert_eq!(
        calls
            .iter()
            .filter(|c| c.starts_with("GET /records/identifiers"))
            .count(),
        2
    );
    assert_eq!(
        calls
            .iter()
            .filter(|c| c.as_str() == "GET /key_fields")
            .count(),
        2,
        "an unknown name fetches the key fields again, once"
    );
}

#[test]
fn server_errors_carry_status_path_body_and_request_id_but_no_secret() {
    let (c, _) = client(api);
    let err = pollster::block_on(c.get_record(&RecordRef::Id("boom".into()))).unwrap_err();
    assert_eq!(err.code, ErrorCode::Http);
    assert_eq!(err.status, Some(500));
    assert_eq!(err.path.as_deref(), Some("/records/boom"));
    assert_eq!(err.request_id.as_deref(), Some("req-1"));
    assert!(err.body.unwrap().contains("kaput"));
    assert!(!err.message.contains("s3cret"));
}

#[test]
fn a_refused_token_request_never_echoes_the_secret() {
    let (c, _) = client(|req: &HttpRequest| {
        if req.path == "/auth/oauth/token" {
            json(401, j!({"message": "bad client_secret s3cret"}))
        } else {
            json(200, j!({}))
        }
    });
    let err = pollster::block_on(c.get_record(&RecordRef::Id("r1".into()))).unwrap_err();
    assert_eq!(err.code, ErrorCode::Auth);
    assert!(!err.message.contains("s3cret"));
}

#[test]
fn bad_ids_are_refused_before_any_request() {
    let (c, _) = client(api);
    let err = pollster::block_on(c.get_record(&RecordRef::Id("../key_fields".into()))).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidArgument);
    assert!(c.transport().requests.borrow().is_empty());
}

#[test]
fn a_refused_refresh_falls_back_to_client_credentials() {
    let (c, now) = client(|req: &HttpRequest| match (&req.path[..], &req.body) {
        ("/auth/oauth/token", Body::Form(form)) if form.starts_with("grant_type=refresh_token") => {
            json(401, j!({"code": "invalid_grant", "message": "expired"}))
        }
        ("/auth/oauth/token", _) => token_answer(),
        _ => json(200, record_json("r1", "CMP-1")),
    });
    pollster::block_on(c.get_record(&RecordRef::Id("r1".into()))).unwrap();
    c.clear_record_caches();
    now.set(now.get() + 55 * 60 * 1000);
    pollster::block_on(c.get_record(&RecordRef::Id("r1".into()))).unwrap();
    let requests = c.transport().requests.borrow();
    let grants: Vec<String> = requests
        .iter()
        .filter(|r| r.path == "/auth/oauth/token")
        .map(|r| match &r.body {
            Body::Form(f) => f.split('&').next().unwrap().to_string(),
            _ => String::new(),
        })
        .collect();
    assert_eq!(
        grants,
        vec![
            "grant_type=client_credentials",
            "grant_type=refresh_token",
            "grant_type=client_credentials"
        ]
    );
}

#[test]
fn a_token_provider_is_asked_again_near_expiry_and_after_a_401_only_once() {
    use crate::core::client::{Client, ClientConfig, Credentials, TokenFuture};
    use crate::core::model::TokenResponse;
    use std::cell::Cell;
    use std::rc::Rc;
    let calls = Rc::new(Cell::new(0));
    let counter = calls.clone();
    let provider = Rc::new(move || {
        counter.set(counter.get() + 1);
        let n = counter.get();
        Box::pin(async move {
            Ok(TokenResponse {
                access_token: format!("tok-{n}"),
                refresh_token: None,
                expires_in: 1200.0,
            })
        }) as TokenFuture
    });
    let now = Rc::new(Cell::new(0i64));
    let clock = now.clone();
    let transport = super::fake::FakeTransport::new(|req: &HttpRequest| {
        let token = req
            .headers
            .iter()
            .find(|(n, _)| n == "X-Kal-Authorization")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        if token == "Bearer tok-3" || token == "Bearer tok-4" {
            json(401, j!({"code": "unauthorized", "message": "no"}))
        } else {
            json(200, record_json("r1", "CMP-1"))
        }
    });
    let config = ClientConfig {
        url: "http://api.test".into(),
        credentials: Credentials::Provider(provider),
        additional_headers: vec![],
        clock: Rc::new(move || clock.get()),
        random: Rc::new(|| 0.5),
        retry: crate::core::retry::RetryPolicy::default(),
        max_records: crate::core::client::DEFAULT_MAX_RECORDS,
        ttl_ms: None,
        load_names: false,
        concurrency: crate::core::client::DEFAULT_CONCURRENCY,
        observer: None,
    };
    let c = Client::new(transport, config).unwrap();
    pollster::block_on(c.get_record(&RecordRef::Id("r1".into()))).unwrap();
    assert_eq!(calls.get(), 1);
    // 20-minute tokens are renewed after 10 minutes (the 10-minute margin).
    c.clear_record_caches();
    now.set(9 * 60 * 1000);
    pollster::block_on(c.get_record(&RecordRef::Id("r1".into()))).unwrap();
    assert_eq!(calls.get(), 1);
    c.clear_record_caches();
    now.set(11 * 60 * 1000);
    pollster::block_on(c.get_record(&RecordRef::Id("r1".into()))).unwrap();
    assert_eq!(calls.get(), 2);
    // tok-3 and tok-4 are refused: one renewal, one retry, then the 401 is the answer.
    c.clear_record_caches();
    now.set(22 * 60 * 1000);
    let err = pollster::block_on(c.get_record(&RecordRef::Id("r1".into()))).unwrap_err();
    assert_eq!((err.code, err.status), (ErrorCode::Http, Some(401)));
    assert_eq!(calls.get(), 4);
    assert!(!err.message.contains("tok-"));
}

fn flaky(
    statuses: Vec<(u16, Option<&'static str>)>,
) -> impl Fn(&HttpRequest) -> Result<crate::core::http::HttpResponse, crate::core::http::TransportError>
{
    let left = std::cell::RefCell::new(statuses);
    move |req: &HttpRequest| {
        if req.path == "/auth/oauth/token" {
            return token_answer();
        }
        let next = {
            let mut l = left.borrow_mut();
            if l.is_empty() {
                None
            } else {
                Some(l.remove(0))
            }
        };
        match next {
            Some((status, retry_after)) => {
                let mut r = json(status, j!({"code": "x", "message": "injected"}))?;
                if let Some(v) = retry_after {
                    r.headers.push(("retry-after".into(), v.into()));
                }
                Ok(r)
            }
            None if req.method == crate::core::http::Method::Post => json(
                200,
                j!({"resource": {"id": "v1", "content": 1, "created_at": null, "record_id": "r1", "operation_id": null}}),
            ),
            None => json(200, record_json("r1", "CMP-1")),
        }
    }
}

#[test]
fn reads_are_retried_with_backoff_then_succeed() {
    let (c, _) = client(flaky(vec![(503, None), (502, None)]));
    let got = pollster::block_on(c.get_record(&RecordRef::Id("r1".into()))).unwrap();
    assert!(got.is_some());
    assert_eq!(c.transport().api_calls().len(), 3);
    // Full jitter at random = 0.5: half of 500 ms, then half of 1000 ms.
    assert_eq!(*c.transport().sleeps.borrow(), vec![250.0, 500.0]);
}

#[test]
fn reads_give_up_after_two_retries_with_the_last_status() {
    let (c, _) = client(flaky(vec![
        (503, None),
        (503, None),
        (503, None),
        (503, None),
    ]));
    let err = pollster::block_on(c.get_record(&RecordRef::Id("r1".into()))).unwrap_err();
    assert_eq!((err.code, err.status), (ErrorCode::Http, Some(503)));
    assert_eq!(c.transport().api_calls().len(), 3);
}

#[test]
fn writes_are_retried_only_when_not_processed_and_say_when_the_outcome_is_unknown() {
    let value_write = |c: &super::Client<super::fake::FakeTransport>| {
        pollster::block_on(
            c.post::<serde_json::Value>("/records/r1/values", &j!({"field_id": "f", "content": 1})),
        )
    };
    let (c, _) = client(flaky(vec![(429, Some("1")), (503, Some("2"))]));
    assert!(value_write(&c).is_ok());
    assert_eq!(*c.transport().sleeps.borrow(), vec![1000.0, 2000.0]);
    let (c, _) = client(flaky(vec![(500, None)]));
    let err = value_write(&c).unwrap_err();
    assert_eq!(
        (err.code, err.status),
        (ErrorCode::WriteOutcomeUnknown, Some(500))
    );
    assert_eq!(c.transport().api_calls().len(), 1);
    let (c, _) = client(flaky(vec![(400, None)]));
    assert_eq!(value_write(&c).unwrap_err().code, ErrorCode::Http);
}

#[test]
fn concurrent_identical_reads_share_one_request() {
    let (c, _) = client(api);
    let id = RecordRef::Id("r1".into());
    let calls: Vec<_> = (0..100).map(|_| c.get_record(&id)).collect();
    let answers = super::fake::join_all(calls);
    assert!(answers
        .iter()
        .all(|a| a.as_ref().unwrap().as_ref().unwrap().id_string() == "r1"));
    assert_eq!(c.transport().api_calls(), vec!["GET /records/r1"]);
    // They shared the token request too.
    assert_eq!(c.transport().requests.borrow().len(), 2);
}

#[test]
fn two_concurrent_batch_loads_make_the_requests_of_one() {
    let (c, _) = client(api);
    let ids: Vec<RecordRef> = (0..1000).map(|i| RecordRef::Id(format!("id{i}"))).collect();
    let answers = super::fake::join_all(vec![
        c.get_records_by_ids(&ids, 250, &|_, _| {}),
        c.get_records_by_ids(&ids, 250, &|_, _| {}),
    ]);
    assert!(answers.iter().all(|a| a.as_ref().unwrap().len() == 1000));
    assert_eq!(c.transport().api_calls().len(), 4);
}

#[test]
fn batches_run_side_by_side_and_report_progress_once_each() {
    let (c, _) = client(api);
    let ids: Vec<RecordRef> = (0..10).map(|i| RecordRef::Id(format!("id{i}"))).collect();
    let seen = std::cell::RefCell::new(Vec::new());
    let got = pollster::block_on(c.get_records_by_ids(&ids, 3, &|done, total| {
        seen.borrow_mut().push((done, total))
    }))
    .unwrap();
    assert_eq!(got.len(), 10);
    assert_eq!(*seen.borrow(), vec![(3, 10), (6, 10), (9, 10), (10, 10)]);
    // Again, all cached: no request, progress still once per batch.
    seen.borrow_mut().clear();
    pollster::block_on(c.get_records_by_ids(&ids, 5, &|done, total| {
        seen.borrow_mut().push((done, total))
    }))
    .unwrap();
    assert_eq!(*seen.borrow(), vec![(5, 10), (10, 10)]);
    assert_eq!(c.transport().api_calls().len(), 4);
}

#[test]
fn an_answer_larger_than_the_cache_bound_is_whole() {
    use crate::core::client::{Client, ClientConfig, Credentials};
    use std::rc::Rc;
    let config = ClientConfig {
        url: "http://api.test".into(),
        credentials: Credentials::ClientSecret {
            client_id: "id".into(),
            client_secret: "s".into(),
        },
        additional_headers: vec![],
        clock: Rc::new(|| 0),
        random: Rc::new(|| 0.5),
        retry: crate::core::retry::RetryPolicy::default(),
        max_records: 5,
        ttl_ms: None,
        load_names: false,
        concurrency: 2,
        observer: None,
    };
    let c = Client::new(super::fake::FakeTransport::new(api), config).unwrap();
    let ids: Vec<RecordRef> = (0..20).map(|i| RecordRef::Id(format!("id{i}"))).collect();
    let got = pollster::block_on(c.get_records_by_ids(&ids, 4, &|_, _| {})).unwrap();
    assert_eq!(
        got.iter().map(|r| r.id_string()).collect::<Vec<_>>(),
        (0..20).map(|i| format!("id{i}")).collect::<Vec<_>>()
    );
    assert_eq!(c.cache_stats().records, 5);
}

#[test]
fn batches_are_fetched_concurrency_at_a_time() {
    let (c, _) = client(api);
    let ids: Vec<RecordRef> = (0..10).map(|i| RecordRef::Id(format!("id{i}"))).collect();
    pollster::block_on(c.get_records_by_ids(&ids, 1, &|_, _| {})).unwrap();
    assert_eq!(c.transport().api_calls().len(), 10);
    assert_eq!(
        c.transport().max_in_flight.get(),
        crate::core::client::DEFAULT_CONCURRENCY
    );
}

/// `api` plus `POST /records`, which makes a record named by its key value.
fn api_that_creates(
    req: &HttpRequest,
) -> Result<crate::core::http::HttpResponse, crate::core::http::TransportError> {
    if req.method == crate::core::http::Method::Post && req.path == "/records" {
        let name = match &req.body {
            Body::Json(body) => serde_json::from_slice::<Value>(body)
                .ok()
                .and_then(|b| b["key_field_to_value"]["kf"].as_str().map(String::from)),
            _ => None,
        }
        .unwrap_or_default();
        return json(200, record_json(&format!("made-{name}"), &name));
    }
    api(req)
}

#[test]
fn get_or_create_answers_a_cached_record_without_a_request_and_creates_once() {
    let (c, _) = client(api_that_creates);
    let keys = vec![(FieldRef::Text("Compound ID".into()), j!("NEW-1"))];
    let made = pollster::block_on(c.get_or_create_record(&keys)).unwrap();
    assert_eq!(made.id_string(), "made-NEW-1");
    let calls = c.transport().api_calls();
    assert_eq!(calls, vec!["GET /key_fields", "POST /records"]);
    let again = pollster::block_on(c.get_or_create_record(&keys)).unwrap();
    assert!(std::rc::Rc::ptr_eq(&made, &again));
    assert_eq!(
        c.transport().api_calls(),
        calls,
        "a cached record sends nothing"
    );
    let by_id = pollster::block_on(c.get_record(&RecordRef::Id("made-NEW-1".into()))).unwrap();
    assert!(by_id.is_some_and(|r| std::rc::Rc::ptr_eq(&r, &made)));
    assert_eq!(c.transport().api_calls(), calls);
}

/// Fills a cache of 3 with a, b, c (a used least recently), reads `a` through
/// `read`, loads d, and answers which of a and b the cache still holds.
fn after_reading_a(read: impl Fn(&super::Client<super::fake::FakeTransport>)) -> (bool, bool) {
    let (c, _) = super::fake::client_holding(api, 3);
    let ids: Vec<RecordRef> = ["a", "b", "c"]
        .iter()
        .map(|i| RecordRef::Id(i.to_string()))
        .collect();
    pollster::block_on(c.get_records_by_ids(&ids, 1, &|_, _| {})).unwrap();
    // Key fields loaded first, so that reading by key values sends nothing else.
    pollster::block_on(c.key_fields()).unwrap();
    read(&c);
    pollster::block_on(c.get_records_by_ids(&[RecordRef::Id("d".into())], 1, &|_, _| {})).unwrap();
    let held = |id: &str| c.cached_record(id).is_some();
    assert!(held("d") && held("c"));
    (held("a"), held("b"))
}

/// One way to read a record.
type ReadPath = dyn Fn(&super::Client<super::fake::FakeTransport>);

#[test]
fn every_read_path_marks_a_record_used() {
    let by_key = || RecordRef::KeyValues(vec![(FieldRef::Text("Compound ID".into()), j!("N-a"))]);
    // Without a read, a is the least recently used and goes first.
    assert_eq!(after_reading_a(|_| {}), (false, true));
    let paths: Vec<(&str, Box<ReadPath>)> = vec![
        (
            "getRecordById(uuid)",
            Box::new(|c| {
                pollster::block_on(c.get_record(&RecordRef::Id("a".into()))).unwrap();
            }),
        ),
        (
            "getRecordById(key values)",
            Box::new(move |c| {
                pollster::block_on(c.get_record(&by_key())).unwrap();
            }),
        ),
        (
            "getRecordsByIds",
            Box::new(|c| {
                pollster::block_on(c.get_records_by_ids(
                    &[RecordRef::Id("a".into())],
                    250,
                    &|_, _| {},
                ))
                .unwrap();
            }),
        ),
        (
            "getOrCreateRecord",
            Box::new(|c| {
                let keys = vec![(FieldRef::Text("Compound ID".into()), j!("N-a"))];
                pollster::block_on(c.get_or_create_record(&keys)).unwrap();
            }),
        ),
        (
            "a Record's readers",
            Box::new(|c| c.touch_record(&crate::core::store::Id::new("a"))),
        ),
    ];
    for (name, read) in paths {
        assert_eq!(
            after_reading_a(read),
            (true, false),
            "{name} did not mark the record used"
        );
    }
}

fn measured(
    req: &HttpRequest,
) -> Result<crate::core::http::HttpResponse, crate::core::http::TransportError> {
    let path = req.url.trim_start_matches("http://api.test");
    match path {
        "/auth/oauth/token" => token_answer(),
        "/data_fields" => json(200, j!([])),
        "/key_fields" => json(
            200,
            j!([{"id": "kf", "created_at": "2026-01-01T00:00:00Z", "is_key": true, "field_name": "Compound ID", "field_type": "text"}]),
        ),
        p if p.starts_with("/records?record_ids=") => {
            let ids = p
                .trim_start_matches("/records?record_ids=")
                .split("%2C")
                .map(|id| {
                    let mut r = record_json(id, &format!("N-{id}"));
                    let v = |vid: &str, content: Value, at: &str| j!({ "id": vid, "content": content, "created_at": at, "record_id": id, "operation_id": null });
                    // a1 was written to a record view: only `recordViewId` "view-1" sees it alone.
                    let mut a1 = v("a1", j!(10), "2026-01-01T00:00:00Z");
                    a1["record_view_id"] = j!("view-1");
                    let ic50 = match id {
                        "a" => vec![a1, v("a2", j!(2.5), "2026-02-01T00:00:00Z")],
                        "b" => vec![v("b1", j!(7), "2026-01-01T00:00:00Z")],
                        _ => vec![],
                    };
                    r["record_values"]["ic50"] = Value::Array(ic50);
                    r["record_values"]["assay"] = j!([v(&format!("{id}-s"), j!("SPR"), "2026-01-01T00:00:00Z")]);
                    r
                })
                .collect::<Vec<_>>();
            json(200, Value::Array(ids))
        }
        _ => json(404, j!({})),
    }
}

#[test]
fn columns_hold_each_records_current_value_in_one_pass() {
    let (c, _) = client(measured);
    let refs: Vec<RecordRef> = ["a", "b", "c"]
        .iter()
        .map(|id| RecordRef::Id(id.to_string()))
        .collect();
    pollster::block_on(c.get_records_by_ids(&refs, 250, &|_, _| {})).unwrap();
    let ids: Vec<String> = ["a", "b", "c", "not-cached"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let fields = [
        FieldRef::Text("ic50".into()),
        FieldRef::Text("assay".into()),
        FieldRef::Text("kf".into()),
    ];
    let answer = c
        .columns_cached(&ids, &fields, ColumnsScope::default())
        .unwrap();
    assert_eq!(
        answer.ids,
        ["a", "b", "c"],
        "records not cached are left out"
    );
    // By parsed ids: the places of the records held, duplicates kept, and the same columns.
    let parsed: Vec<crate::core::store::Id> = ["x", "b", "a", "b"]
        .iter()
        .map(|s| crate::core::store::Id::new(s))
        .collect();
    let (found, columns) = c
        .columns_cached_at(&parsed, &fields, ColumnsScope::default())
        .unwrap();
    assert_eq!(found, [1, 2, 3]);
    let again = c
        .columns_cached(
            &["b".into(), "a".into(), "b".into()],
            &fields,
            ColumnsScope::default(),
        )
        .unwrap();
    assert_eq!(format!("{columns:?}"), format!("{:?}", again.columns));
    // A query reads the rows it finds: the same columns as its ids would give.
    for query in [
        crate::core::query::SearchRecordsQuery::default(),
        serde_json::from_value(serde_json::json!({
            "entity_field_sorts": [{ "field_id": "ic50", "descending": true }]
        }))
        .unwrap(),
    ] {
        let by_query = c
            .columns_for_query(&query, &fields, ColumnsScope::default())
            .unwrap();
        let found = c.query_cached(&query, None).unwrap();
        assert_eq!(by_query.ids, found);
        assert_eq!(
            format!("{:?}", by_query),
            format!(
                "{:?}",
                c.columns_cached(&found, &fields, ColumnsScope::default())
                    .unwrap()
            )
        );
    }
    let (name, ic50) = &answer.columns[0];
    assert_eq!(name, "ic50");
    match ic50 {
        super::Column::Numbers(n) => {
            assert_eq!(&n[..2], &[2.5, 7.0], "the newest value");
            assert!(n[2].is_nan(), "no value: NaN");
        }
        other => panic!("{other:?}"),
    }
    // A text shared by every record is named once.
    assert_eq!(answer.columns[1].1.texts(), vec![Some("SPR"); 3]);
    assert_eq!(
        answer.columns[1].1,
        super::Column::Texts {
            names: vec!["SPR".into()],
            codes: vec![1, 1, 1]
        }
    );
    assert_eq!(
        answer.columns[2].1.texts(),
        vec![Some("N-a"), Some("N-b"), Some("N-c")]
    );
    // A field name needs the field lists; an unknown uuid is an empty column.
    assert!(c
        .columns_cached(
            &ids,
            &[FieldRef::Text("IC50".into())],
            ColumnsScope::default()
        )
        .is_err());
    let empty = c
        .columns_cached(
            &ids,
            &[FieldRef::Text(
                "0f8fad5b-d9cb-469f-a165-70867728950e".into(),
            )],
            ColumnsScope::default(),
        )
        .unwrap();
    assert!(
        matches!(&empty.columns[0].1, super::Column::Numbers(n) if n.iter().all(|x| x.is_nan()))
    );
}

#[test]
fn columns_scope_values_to_a_record_view_as_get_value_content_does() {
    let (c, now) = client(measured);
    let refs: Vec<RecordRef> = ["a", "b"]
        .iter()
        .map(|id| RecordRef::Id(id.to_string()))
        .collect();
    pollster::block_on(c.get_records_by_ids(&refs, 250, &|_, _| {})).unwrap();
    let ids = vec!["a".to_string(), "b".to_string()];
    let fields = [FieldRef::Text("ic50".into()), FieldRef::Text("kf".into())];
    let in_view = |view: &str| {
        c.columns_cached(
            &ids,
            &fields,
            ColumnsScope {
                record_view: Some(view),
                ..Default::default()
            },
        )
        .unwrap()
    };
    let view = in_view("view-1");
    match &view.columns[0].1 {
        super::Column::Numbers(n) => {
            assert_eq!(n[0], 10.0, "the newest value written to the view, not 2.5");
            assert!(n[1].is_nan(), "b has no value in the view");
        }
        other => panic!("{other:?}"),
    }
    match &view.columns[1].1 {
        super::Column::Numbers(n) => {
            assert!(n.iter().all(|x| x.is_nan()), "key values belong to no view")
        }
        other => panic!("{other:?}"),
    }
    match &in_view("view-unknown").columns[0].1 {
        super::Column::Numbers(n) => assert!(n.iter().all(|x| x.is_nan())),
        other => panic!("{other:?}"),
    }
    // Records past the TTL are still held: answered, as queryCached answers them.
    now.set(now.get() + 10 * crate::core::defaults::CACHE_TTL_MS);
    let stale = c
        .columns_cached(&ids, &fields, ColumnsScope::default())
        .unwrap();
    assert_eq!(stale.ids, ["a", "b"]);
    assert_eq!(stale.columns[0].1, super::Column::Numbers(vec![2.5, 7.0]));
}
