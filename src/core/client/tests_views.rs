//! Writes to a record view (`record_view_id`, kalbio 0.5.0): what each write sends.

use super::fake::{client, json, token_answer};
use super::{FieldRef, FileUpload};
use crate::core::error::ErrorCode;
use crate::core::http::{Body, HttpRequest, HttpResponse, TransportError};
use serde_json::{json as j, Value};

fn api(req: &HttpRequest) -> Result<HttpResponse, TransportError> {
    match req.path.as_str() {
        "/auth/oauth/token" => token_answer(),
        "/data_fields" => json(
            200,
            j!([{"id": "f-ic50", "created_at": "2026-01-01T00:00:00Z", "is_key": false, "field_name": "IC50", "field_type": "number"}]),
        ),
        "/activities" => json(
            200,
            j!([{"id": OP, "created_at": "2026-01-01T00:00:00Z", "activity_type": "experiment", "title": "Run 1"}]),
        ),
        "/records/r1/values" | "/records/r1/values/file" => json(
            200,
            j!({"resource": {"id": "v1", "content": 1, "created_at": null, "record_id": "r1",
                "operation_id": "op", "record_view_id": "view-1"}}),
        ),
        _ => json(
            200,
            j!({"id": "r1", "created_at": "2026-01-01T00:00:00.000Z", "entity_slice_id": "s",
                "identifier_ids": [], "record_identifier": "CMP-1", "record_values": {},
                "initial_operation_id": null, "sub_record_ids": []}),
        ),
    }
}

/// The JSON bodies of the value writes sent (the multipart's `body` part for uploads).
fn write_bodies(c: &super::Client<super::fake::FakeTransport>) -> Vec<Value> {
    c.transport()
        .requests
        .borrow()
        .iter()
        .filter(|r| r.path.ends_with("/values") || r.path.ends_with("/values/file"))
        .filter_map(|r| match &r.body {
            Body::Json(bytes) => serde_json::from_slice(bytes).ok(),
            Body::Multipart { json, .. } => serde_json::from_str(json).ok(),
            _ => None,
        })
        .collect()
}

fn file(bytes: &[u8]) -> FileUpload<'static> {
    FileUpload {
        file_name: "a.csv",
        bytes: bytes.to_vec(),
        mime_type: "text/csv",
    }
}

const OP: &str = "0190c1d2-0000-4000-8000-000000000001";
const IC50: &str = "IC50";

#[test]
fn add_value_sends_record_view_id_and_null_without_one() {
    let (c, _) = client(api);
    let field = FieldRef::Text(IC50.into());
    let value =
        pollster::block_on(c.add_value_in_view("r1", &field, j!(5), Some(OP), Some("view-1")))
            .unwrap();
    assert_eq!(value.record_view(), Some("view-1"));
    pollster::block_on(c.add_value("r1", &field, j!(6), Some(OP))).unwrap();
    let bodies = write_bodies(&c);
    assert_eq!(bodies.len(), 2);
    assert_eq!(bodies[0]["record_view_id"], "view-1");
    assert_eq!(bodies[0]["operation_id"], OP);
    // The reference sends the member always, null when no view is named.
    assert_eq!(bodies[1].get("record_view_id"), Some(&Value::Null));
}

#[test]
fn file_uploads_carry_record_view_id_in_the_body_part_only_when_given() {
    let (c, _) = client(api);
    let field = FieldRef::Text(IC50.into());
    let upload = |view| c.add_file_value_in_view("r1", &field, file(b"x"), Some(OP), view);
    pollster::block_on(upload(Some("view-1"))).unwrap();
    pollster::block_on(upload(None)).unwrap();
    let bodies = write_bodies(&c);
    assert_eq!(bodies.len(), 2);
    assert_eq!(bodies[0]["record_view_id"], "view-1");
    assert_eq!(bodies[1].get("record_view_id"), None);
}

#[test]
fn an_empty_record_view_id_is_refused_before_any_request() {
    let (c, _) = client(api);
    let field = FieldRef::Text(IC50.into());
    let err = pollster::block_on(c.add_value_in_view("r1", &field, j!(5), Some(OP), Some(" ")))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidArgument);
    let err = pollster::block_on(c.add_file_value_in_view("r1", &field, file(b""), None, Some("")))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidArgument);
    assert!(write_bodies(&c).is_empty());
}
