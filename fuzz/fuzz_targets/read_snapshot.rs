//! Any bytes as a snapshot: reading answers the restored store or a reason and
//! never panics, both as they come (the checksums refuse nearly all) and framed
//! with good checksums (`snapshot::seal`), which reaches the body reader. What is
//! read writes back into a snapshot that reads back alike (the same records,
//! fetch times, fields and values; JSON objects are compared by shape only, since
//! serde_json may read a float of 17 digits to within one ulp), and its records
//! print and answer reads.
#![no_main]
use kalbio::core::store::snapshot::{self, ListsRef};
use kalbio::core::store::{RecordJson, Scope, Symbols};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = snapshot::read(data, &mut Symbols::default());
    let sealed = snapshot::seal(0, data);
    let mut symbols = Symbols::default();
    let Ok(restored) = snapshot::read(sealed.bytes(), &mut symbols) else {
        return;
    };
    for (_, record) in &restored.records {
        serde_json::to_string(&RecordJson { record, symbols: &symbols }).expect("a restored record prints");
        for field in record.fields() {
            let scope = Scope { include_sub_record_values: true, ..Scope::default() };
            let _ = record.latest(field, scope);
            let _ = record.current(field).map(|v| record.written_ms(v));
        }
    }
    let lists = ListsRef {
        key_fields: restored.key_fields.as_ref().map(|l| (l.fetched_at, l.list.as_slice())),
        data_fields: restored.data_fields.as_ref().map(|l| (l.fetched_at, l.list.as_slice())),
        activities: restored.activities.as_ref().map(|l| (l.fetched_at, l.list.as_slice())),
    };
    let again = snapshot::write(0, &symbols, restored.records.iter().map(|(at, r)| (*at, r)), lists);
    let mut symbols_again = Symbols::default();
    let reread = snapshot::read(again.bytes(), &mut symbols_again).expect("a snapshot written reads back");
    assert_eq!(reread.records.len(), restored.records.len());
    for ((a, x), (b, y)) in reread.records.iter().zip(&restored.records) {
        assert_eq!(a, b);
        assert_eq!((x.id(), x.identifier(), x.created_at()), (y.id(), y.identifier(), y.created_at()));
        let fields = |r: &kalbio::core::store::CompactRecord, s: &Symbols| -> Vec<(String, usize)> {
            r.fields().map(|f| (s.name(f).to_string(), r.values_of(f).len())).collect()
        };
        assert_eq!(fields(x, &symbols_again), fields(y, &symbols));
    }
    assert_eq!(reread.key_fields.map(|l| l.list.len()), restored.key_fields.map(|l| l.list.len()));
    assert_eq!(reread.data_fields.map(|l| l.list.len()), restored.data_fields.map(|l| l.list.len()));
    assert_eq!(reread.activities.map(|l| l.list.len()), restored.activities.map(|l| l.list.len()));
});
