//! How requests fail and what the caller is told: shared reads after an abort,
//! errors for requests that got no answer, file downloads.

use super::fake::{client, json, token_answer};
use super::{FieldRef, RecordRef};
use crate::core::error::ErrorCode;
use crate::core::http::{HttpRequest, HttpResponse, Method, TransportError};
use serde_json::json as j;
use std::cell::Cell;
use std::rc::Rc;

type Answer = Result<HttpResponse, TransportError>;
type TestClient = super::Client<super::fake::FakeTransport>;

fn record() -> serde_json::Value {
    j!({
        "id": "r1", "created_at": "2026-01-01T00:00:00.000Z", "entity_slice_id": "slice",
        "identifier_ids": [], "record_identifier": "CMP-1", "record_values": {},
        "initial_operation_id": null, "sub_record_ids": []
    })
}

fn key_fields() -> Answer {
    json(
        200,
        j!([{"id": "kf", "created_at": "2026-01-01T00:00:00Z", "is_key": true, "field_name": "Compound ID", "field_type": "text"}]),
    )
}

fn bytes(status: u16, body: &[u8]) -> Answer {
    Ok(HttpResponse {
        status,
        headers: vec![],
        body: body.to_vec(),
        attempts: 1,
    })
}

/// Answers token and key-field requests, and everything else with `other`.
fn api(other: impl Fn(&HttpRequest) -> Answer + 'static) -> impl Fn(&HttpRequest) -> Answer {
    move |req| match req.path.as_str() {
        "/auth/oauth/token" => token_answer(),
        "/key_fields" => key_fields(),
        _ => other(req),
    }
}

#[test]
fn readers_sharing_a_request_the_sender_gave_up_on_ask_again_for_themselves() {
    let aborted = Rc::new(Cell::new(false));
    let once = aborted.clone();
    let (c, _) = client(api(move |_| {
        if once.replace(true) {
            json(200, record())
        } else {
            Err(TransportError::Aborted)
        }
    }));
    let id = RecordRef::Id("r1".into());
    let answers = super::fake::join_all(vec![c.get_record(&id), c.get_record(&id)]);
    assert!(aborted.get());
    for answer in answers {
        assert_eq!(answer.unwrap().unwrap().id_string(), "r1");
    }
}

#[test]
fn a_shared_read_that_failed_otherwise_is_not_sent_again() {
    let (c, _) = client(api(|_| Err(TransportError::Timeout)));
    let error = pollster::block_on(c.get_record(&RecordRef::Id("r1".into()))).unwrap_err();
    assert_eq!(error.code, ErrorCode::Timeout);
    assert!(
        !error.message.contains("may or may not"),
        "{}",
        error.message
    );
    // The first attempt and the two retries, nothing more.
    assert_eq!(c.transport().api_calls().len(), 3);
}

#[test]
fn a_read_without_an_answer_is_a_network_error() {
    let (c, _) = client(api(|_| Err(TransportError::Network("reset".into()))));
    let error = pollster::block_on(c.get_record(&RecordRef::Id("r1".into()))).unwrap_err();
    assert_eq!(error.code, ErrorCode::Network);
    assert!(
        error.message.contains("GET /records/r1"),
        "{}",
        error.message
    );
    assert!(
        !error.message.contains("may or may not"),
        "{}",
        error.message
    );
}

fn create(answer: fn() -> Answer) -> crate::core::error::Error {
    let (c, _) = client(api(move |req| {
        assert_eq!(req.method, Method::Post);
        answer()
    }));
    let keys = vec![(FieldRef::Text("Compound ID".into()), j!("NEW-1"))];
    let error = pollster::block_on(c.get_or_create_record(&keys)).unwrap_err();
    // A write without an answer is never sent twice.
    assert_eq!(
        c.transport().api_calls(),
        vec!["GET /key_fields", "POST /records"]
    );
    error
}

#[test]
fn a_write_without_an_answer_may_have_been_applied() {
    for answer in [
        (|| Err(TransportError::Network("reset".into()))) as fn() -> Answer,
        || Err(TransportError::Timeout),
    ] {
        let error = create(answer);
        assert_eq!(error.code, ErrorCode::WriteOutcomeUnknown);
        assert!(
            error.message.contains("may or may not have been applied"),
            "{}",
            error.message
        );
    }
}

#[test]
fn an_aborted_write_says_aborted() {
    let error = create(|| Err(TransportError::Aborted));
    assert_eq!(error.code, ErrorCode::Aborted);
    assert!(
        !error.message.contains("may or may not"),
        "{}",
        error.message
    );
}

#[test]
fn files_download_as_bytes_and_a_missing_one_is_none() {
    let (c, _) = client(api(|req| match req.path.as_str() {
        "/files/f1" => bytes(200, b"plate,map"),
        "/activities/a1/file/f1" => bytes(200, b"in the run"),
        "/files/gone" => bytes(404, b"{}"),
        "/files/teapot" => bytes(418, b"{\"code\":\"teapot\"}"),
        _ => bytes(500, b""),
    }));
    pollster::block_on(async {
        assert_eq!(
            c.download_file("f1", None).await.unwrap().unwrap(),
            b"plate,map"
        );
        assert_eq!(
            c.download_file("f1", Some("a1")).await.unwrap().unwrap(),
            b"in the run"
        );
        assert_eq!(c.download_file("gone", None).await.unwrap(), None);
        let error = c.download_file("teapot", None).await.unwrap_err();
        assert_eq!((error.code, error.status), (ErrorCode::Http, Some(418)));
        assert!(c.download_file("a/b", None).await.is_err());
    });
}

/// A client whose token answers last `expires_in` seconds; `tokens()` counts
/// the token requests sent so far.
fn client_with_tokens_for(
    expires_in: f64,
) -> (TestClient, Rc<Cell<i64>>, impl Fn(&TestClient) -> usize) {
    let (c, now) = client(move |req| match req.path.as_str() {
        "/auth/oauth/token" => json(
            200,
            j!({"access_token": "tok", "refresh_token": "ref", "expires_in": expires_in}),
        ),
        _ => json(200, record()),
    });
    let tokens = |c: &TestClient| {
        c.transport()
            .requests
            .borrow()
            .iter()
            .filter(|r| r.path == "/auth/oauth/token")
            .count()
    };
    (c, now, tokens)
}

fn read(c: &TestClient) {
    c.clear_record_caches();
    pollster::block_on(c.get_record(&RecordRef::Id("r1".into()))).unwrap();
}

#[test]
fn an_hour_long_token_is_renewed_exactly_ten_minutes_before_it_expires() {
    let (c, now, tokens) = client_with_tokens_for(3600.0);
    let start = now.get();
    read(&c);
    assert_eq!(tokens(&c), 1);
    for (minutes_ms, expected) in [(30 * 60_000, 1), (50 * 60_000 - 1, 1), (50 * 60_000, 2)] {
        now.set(start + minutes_ms);
        read(&c);
        assert_eq!(tokens(&c), expected, "at {minutes_ms} ms");
    }
}

#[test]
fn a_short_token_is_renewed_half_way_through_its_life() {
    let (c, now, tokens) = client_with_tokens_for(60.0);
    let start = now.get();
    read(&c);
    read(&c);
    now.set(start + 29_999);
    read(&c);
    assert_eq!(tokens(&c), 1);
    now.set(start + 30_000);
    read(&c);
    assert_eq!(tokens(&c), 2);
}

#[test]
fn a_token_answer_without_an_access_token_is_an_auth_error() {
    for answer in [
        j!({"access_token": "", "expires_in": 3600}),
        j!({"access_token": "tok", "expires_in": null}),
    ] {
        let (c, _) = client(move |req| match req.path.as_str() {
            "/auth/oauth/token" => json(200, answer.clone()),
            _ => json(200, record()),
        });
        let result = pollster::block_on(c.get_record(&RecordRef::Id("r1".into())));
        assert_eq!(result.map(|_| ()).unwrap_err().code, ErrorCode::Auth);
        assert!(c.transport().api_calls().is_empty());
    }
}

#[test]
fn created_stamps_of_different_forms_compare_by_time() {
    use crate::core::select::compare_created;
    use std::cmp::Ordering::{Equal, Greater, Less};
    let cases = [
        // Different lengths, both UTC: text order would say Greater.
        ("2026-01-01T00:00:00Z", "2026-01-01T00:00:00.500Z", Less),
        // Same length, only one in UTC: text order would say Greater.
        (
            "2026-01-01T01:00:00+01:00",
            "2026-01-01T00:30:00.0000Z",
            Less,
        ),
        (
            "2026-01-01T00:30:00.0000Z",
            "2026-01-01T01:00:00+01:00",
            Greater,
        ),
        (
            "2026-01-01T00:00:00.000Z",
            "2026-01-01T00:00:00.000Z",
            Equal,
        ),
        (
            "2026-01-01T00:00:00.001Z",
            "2026-01-01T00:00:00.000Z",
            Greater,
        ),
    ];
    for (a, b, expected) in cases {
        assert_eq!(compare_created(Some(a), Some(b)), expected, "{a} vs {b}");
    }
    assert_eq!(compare_created(None, Some("2026-01-01T00:00:00Z")), Less);
    assert_eq!(compare_created(Some("2026-01-01T00:00:00Z"), None), Greater);
    assert_eq!(compare_created(None, None), Equal);
}

#[test]
fn readers_left_by_a_cancelled_sender_ask_for_themselves() {
    use std::future::Future;
    use std::task::{Context, Poll, Waker};
    let (c, _) = client(api(|_| json(200, record())));
    let id = RecordRef::Id("r1".into());
    let mut cx = Context::from_waker(Waker::noop());
    let mut leader = Box::pin(c.get_record(&id));
    let mut follower = Box::pin(c.get_record(&id));
    assert!(leader.as_mut().poll(&mut cx).is_pending());
    assert!(follower.as_mut().poll(&mut cx).is_pending());
    // The caller that was sending for both goes away (an aborted call drops its future).
    drop(leader);
    for _ in 0..50 {
        if let Poll::Ready(answer) = follower.as_mut().poll(&mut cx) {
            assert_eq!(answer.unwrap().unwrap().id_string(), "r1");
            return;
        }
    }
    panic!("the remaining reader was left waiting");
}
