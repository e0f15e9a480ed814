//! Tier 2: the wasm bindings in headless Chromium and Firefox ESR against a live sandbox.
//! `tests/run.sh` starts the sandbox and passes its URL in `KALBIO_SANDBOX_URL`.
#![cfg(target_arch = "wasm32")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use js_sys::{Object, Promise, Reflect};
use kalbio::wasm::{KaleidoscopeClient, Record};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const SANDBOX: &str = match option_env!("KALBIO_SANDBOX_URL") {
    Some(url) => url,
    None => "http://127.0.0.1:8787",
};

fn options(pairs: &[(&str, &str)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &JsValue::from_str(k), &JsValue::from_str(v)).unwrap();
    }
    o.into()
}

fn client() -> KaleidoscopeClient {
    let o = options(&[
        ("url", SANDBOX),
        ("clientId", "sandbox"),
        ("clientSecret", "sandbox-secret"),
    ]);
    KaleidoscopeClient::new(o.unchecked_into()).unwrap()
}

async fn wait(p: Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(p).await
}

fn key(name: &str) -> JsValue {
    let o = Object::new();
    Reflect::set(&o, &"Compound ID".into(), &name.into()).unwrap();
    o.into()
}

fn get(v: &JsValue, k: &str) -> JsValue {
    Reflect::get(v, &k.into()).unwrap()
}

async fn requests_seen(path: &str) -> usize {
    let window = web_sys::window().unwrap();
    let response: web_sys::Response =
        wait(window.fetch_with_str(&format!("{SANDBOX}/_sandbox/requests")))
            .await
            .unwrap()
            .unchecked_into();
    let list: js_sys::Array = wait(response.json().unwrap())
        .await
        .unwrap()
        .unchecked_into();
    list.iter()
        .filter(|e| get(e, "path").as_string().as_deref() == Some(path))
        .count()
}

#[wasm_bindgen_test]
async fn reads_a_record_by_key_values_from_the_sandbox() {
    let c = client();
    let record = wait(c.records_service().get_record_by_id(key("CMP-0042"), None))
        .await
        .unwrap();
    let record = unsafe_record(record);
    assert_eq!(
        record.record_identifier().as_string().as_deref(),
        Some("CMP-0042")
    );
    let values = record.record_values().unwrap();
    let fields: js_sys::Array = Object::keys(values.unchecked_ref::<Object>());
    assert!(fields.length() >= 8);
}

/// A Record handle from a promise's JS value.
fn unsafe_record(value: JsValue) -> Record {
    // The binding's own conversion: a Record crosses as its JS wrapper.
    <Record as wasm_bindgen::convert::TryFromJsValue>::try_from_js_value(value)
        .map_err(|_| "not a Record")
        .unwrap()
}

#[wasm_bindgen_test]
async fn a_cached_record_sends_no_second_request() {
    let c = client();
    let first = wait(c.records_service().get_record_by_id(key("CMP-0100"), None))
        .await
        .unwrap();
    let id = get(&first, "id").as_string().unwrap();
    let path = format!("/records/{id}");
    let before = requests_seen(&path).await;
    let again = wait(
        c.records_service()
            .get_record_by_id(JsValue::from_str(&id), None),
    )
    .await
    .unwrap();
    assert!(Object::is(&again, &first), "the same handle answers again");
    assert_eq!(requests_seen(&path).await, before);
}

#[wasm_bindgen_test]
async fn an_unknown_uuid_answers_null() {
    let c = client();
    let got = wait(
        c.records_service()
            .get_record_by_id("00000000-0000-4000-8000-000000000000".into(), None),
    )
    .await
    .unwrap();
    assert!(got.is_null());
}

#[wasm_bindgen_test]
async fn a_wrong_secret_rejects_with_a_kalbio_error_that_hides_it() {
    let o = options(&[
        ("url", SANDBOX),
        ("clientId", "sandbox"),
        ("clientSecret", "not-the-secret-xyz"),
    ]);
    let c = KaleidoscopeClient::new(o.unchecked_into()).unwrap();
    let err = wait(c.records_service().get_record_by_id(key("CMP-0001"), None))
        .await
        .unwrap_err();
    assert!(err.is_instance_of::<js_sys::Error>());
    assert_eq!(
        get(&err, "name").as_string().as_deref(),
        Some("KalbioError")
    );
    assert_eq!(get(&err, "code").as_string().as_deref(), Some("auth_error"));
    assert_eq!(get(&err, "status").as_f64(), Some(401.0));
    let text = format!(
        "{:?} {:?}",
        get(&err, "message").as_string(),
        get(&err, "body").as_string()
    );
    assert!(!text.contains("not-the-secret-xyz"), "{text}");
}

#[wasm_bindgen_test]
async fn reads_values_with_names_after_loading_the_field_list() {
    let c = client();
    wait(c.entity_fields_service().get_data_fields(None))
        .await
        .unwrap();
    wait(c.entity_fields_service().get_key_fields(None))
        .await
        .unwrap();
    let record = unsafe_record(
        wait(c.records_service().get_record_by_id(key("CMP-0007"), None))
            .await
            .unwrap(),
    );
    let notes = record
        .get_value_content("Notes".into(), None, None, None, None)
        .unwrap();
    assert_eq!(
        notes.as_string().as_deref(),
        Some("<img src=x onerror=alert(1)>")
    );
    let missing = record.get_value_content("Colour".into(), None, None, None, None);
    assert_eq!(
        get(&missing.unwrap_err(), "code").as_string().as_deref(),
        Some("not_found")
    );
}
