//! Any bytes as records for the compact store: decoding answers Ok or Err and
//! never panics; what it accepts, the wire-shaped decoder accepts too, and the
//! store prints it back exactly as that decoder does; the current value of
//! each field is the one `select::latest_value` picks.
#![no_main]
use kalbio::core::model::Record;
use kalbio::core::select::{latest_value, ValueScope};
use kalbio::core::store::{Decoder, RecordJson, Symbols};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut symbols = Symbols::default();
    let _ = Decoder::new(&mut symbols).records(data);
    let Ok(record) = Decoder::new(&mut symbols).record(data) else {
        return;
    };
    let wire: Record = serde_json::from_slice(data).expect("the wire decoder accepts what the store accepts");
    let printed = serde_json::to_value(RecordJson { record: &record, symbols: &symbols }).expect("a stored record prints");
    let expected = serde_json::to_value(&wire).expect("a wire record prints");
    assert_eq!(printed, expected);
    for field in record.fields() {
        let name = symbols.name(field).to_string();
        let want = latest_value(&wire, &name, ValueScope::default()).map(|v| v.id.clone());
        let got = record.current(field).map(|v| record.value_id(v).to_string());
        assert_eq!(got, want, "the current value of {name}");
    }
});
