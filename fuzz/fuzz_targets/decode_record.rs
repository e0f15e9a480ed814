//! Any bytes as a record, a record list, a value answer or a token answer:
//! decoding answers Ok or Err, and a decoded record survives a round trip.
#![no_main]
use kalbio::core::model::{Record, RecordValue, TokenResponse, ValueResource};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(record) = serde_json::from_slice::<Record>(data) {
        let text = serde_json::to_vec(&record).unwrap_or_default();
        let again: Record = serde_json::from_slice(&text).expect("a decoded record encodes and decodes again");
        assert_eq!(again, record);
    }
    let _ = serde_json::from_slice::<Vec<Record>>(data);
    let _ = serde_json::from_slice::<Vec<RecordValue>>(data);
    let _ = serde_json::from_slice::<ValueResource>(data);
    let _ = serde_json::from_slice::<TokenResponse>(data);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = kalbio::core::time::parse_iso(text);
        let _ = kalbio::core::time::parse_http_date(text);
        let _ = kalbio::core::retry::retry_after_ms(text, 0);
    }
});
