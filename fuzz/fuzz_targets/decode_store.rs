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
    let whole = Decoder::new(&mut symbols).records(data);
    // A list split into its elements (how `getRecordsByIds` reads a batch) decodes
    // as the whole list does: the same records when every element decodes, and an
    // error for the whole when an element does not.
    if let Some(parts) = kalbio::core::store::array_elements(data) {
        let one_by_one: Result<Vec<_>, _> = parts
            .iter()
            .map(|&(from, to)| Decoder::new(&mut symbols).record(&data[from..to]))
            .collect();
        match (&whole, one_by_one) {
            (Ok(all), Ok(each)) => assert_eq!(*all, each, "split and whole decode alike"),
            (Err(_), Err(_)) => {}
            (Ok(_), Err(e)) => panic!("the whole list decodes, an element does not: {e}"),
            // One level less of nesting: an element at the depth limit decodes alone.
            (Err(e), Ok(_)) if e.to_string().contains("recursion limit") => {}
            (Err(e), Ok(_)) => panic!("every element decodes, the whole list does not: {e}"),
        }
    }
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
