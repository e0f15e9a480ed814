//! What frontends rely on: field names in searches, the request observer and
//! the attempt count on errors.

use super::fake::{json, token_answer, FakeTransport};
use super::observe::{EventKind, RequestEvent};
use super::{Client, ClientConfig, Credentials};
use crate::core::error::ErrorCode;
use crate::core::http::{HttpRequest, HttpResponse, TransportError};
use crate::core::query::SearchRecordsQuery;
use serde_json::json as j;
use std::cell::RefCell;
use std::rc::Rc;

type Answer = Result<HttpResponse, TransportError>;

/// Token, key-field and data-field requests answered; everything else by `other`.
fn api(other: impl Fn(&HttpRequest) -> Answer + 'static) -> impl Fn(&HttpRequest) -> Answer {
    move |req| match req.path.as_str() {
        "/auth/oauth/token" => token_answer(),
        "/key_fields" => json(
            200,
            j!([{"id": "kf", "created_at": "2026-01-01T00:00:00Z", "is_key": true, "field_name": "Compound ID", "field_type": "text"}]),
        ),
        "/data_fields" => json(
            200,
            j!([{"id": "df", "created_at": "2026-01-01T00:00:00Z", "is_key": false, "field_name": "IC50", "field_type": "number"}]),
        ),
        _ => other(req),
    }
}

/// Every event as (kind, path, attempt, status).
type Seen = Rc<RefCell<Vec<(EventKind, String, u32, Option<u16>)>>>;

fn observed(handler: impl Fn(&HttpRequest) -> Answer + 'static) -> (Client<FakeTransport>, Seen) {
    let seen: Seen = Rc::default();
    let log = seen.clone();
    let config = ClientConfig {
        url: "http://api.test".into(),
        credentials: Credentials::ClientSecret {
            client_id: "id".into(),
            client_secret: "s3cret".into(),
        },
        additional_headers: vec![],
        clock: Rc::new(|| 1_800_000_000_000),
        random: Rc::new(|| 0.5),
        retry: crate::core::retry::RetryPolicy::default(),
        max_records: 100,
        ttl_ms: Some(60_000),
        load_names: false,
        concurrency: 1,
        observer: Some(Rc::new(move |e: &RequestEvent<'_>| {
            log.borrow_mut()
                .push((e.kind, e.path.to_string(), e.attempt, e.status));
        })),
    };
    let client = Client::new(FakeTransport::new(handler), config).unwrap();
    (client, seen)
}

/// A URL with its `%XX` escapes decoded (`+` left as it is).
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let hex = text
            .get(i + 1..i + 3)
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn query(value: serde_json::Value) -> SearchRecordsQuery {
    serde_json::from_value(value).unwrap()
}

#[test]
fn each_attempt_and_retry_reaches_the_observer_and_the_error_counts_attempts() {
    let (c, seen) = observed(api(|_| json(503, j!({"code": "unavailable"}))));
    let id = super::RecordRef::Id("r1".into());
    let error = pollster::block_on(c.get_record(&id)).unwrap_err();
    assert_eq!(
        (error.code, error.status, error.attempts),
        (ErrorCode::Http, Some(503), Some(3))
    );
    let on_record: Vec<_> = seen
        .borrow()
        .iter()
        .filter(|(_, path, _, _)| path == "/records/r1")
        .map(|(kind, _, attempt, status)| (*kind, *attempt, *status))
        .collect();
    use EventKind::{Attempt, Retry};
    assert_eq!(
        on_record,
        vec![
            (Attempt, 1, Some(503)),
            (Retry, 1, Some(503)),
            (Attempt, 2, Some(503)),
            (Retry, 2, Some(503)),
            (Attempt, 3, Some(503)),
        ]
    );
}

#[test]
fn field_names_in_a_search_are_sent_as_uuids_and_unknown_names_as_they_are() {
    let (c, _) = observed(api(|_| json(200, j!([]))));
    let named = query(j!({
        "entity_field_filters": [{"field_id": "IC50", "filter_type": "is_set"}],
        "entity_field_sorts": [{"field_id": "Compound ID"}, {"field_id": "Colour"}],
    }));
    pollster::block_on(c.search_records(&named)).unwrap();
    let calls = c.transport().api_calls();
    let search = calls
        .iter()
        .find(|c| c.starts_with("GET /records/search"))
        .unwrap();
    let decoded = percent_decoded(search);
    assert!(
        decoded.contains("\"df\"") && decoded.contains("\"kf\""),
        "{decoded}"
    );
    assert!(
        !decoded.contains("IC50") && !decoded.contains("Compound ID"),
        "{decoded}"
    );
    assert!(
        decoded.contains("Colour"),
        "an unknown name reaches the server: {decoded}"
    );
}

#[test]
fn the_cached_engine_takes_names_and_refuses_fields_it_does_not_know() {
    let (c, _) = observed(api(|_| json(200, j!([]))));
    pollster::block_on(c.key_fields()).unwrap();
    pollster::block_on(c.data_fields()).unwrap();
    let by_name = query(j!({"entity_field_sorts": [{"field_id": "IC50", "descending": true}]}));
    assert_eq!(
        c.query_cached(&by_name, None).unwrap(),
        Vec::<String>::new()
    );
    for unknown in ["Colour", "00000000-0000-4000-8000-00000000abcd"] {
        let q =
            query(j!({"entity_field_filters": [{"field_id": unknown, "filter_type": "is_set"}]}));
        let error = c.query_cached(&q, None).unwrap_err();
        assert_eq!(
            error.code,
            ErrorCode::NotFound,
            "{unknown}: {}",
            error.message
        );
        assert!(error.message.contains(unknown), "{}", error.message);
    }
}
