use super::*;
use crate::core::filter::{CompiledFilter, FilterRuleType};
use crate::core::model::Record;
use crate::core::select::{latest_value, ValueScope};
use serde_json::json;

/// A small deterministic generator for records of every shape the wire allows.
pub(super) struct Rng(pub(super) u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn uuid(&mut self) -> String {
        let a = self.next();
        let b = self.next();
        format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xffff,
            b >> 48,
            b & 0xffff_ffff_ffff
        )
    }
    fn id(&mut self) -> String {
        match self.below(6) {
            0 => format!("rec-{}", self.below(100)),
            1 => self.uuid().to_uppercase(),
            _ => self.uuid(),
        }
    }
    fn stamp(&mut self) -> Value {
        let ms = 1_700_000_000_000i64 + self.below(100_000_000_000) as i64;
        let base = time::format_iso(ms);
        match self.below(12) {
            0 => Value::Null,
            1 => json!(base.replace(".", "").get(..19).map(|s| format!("{s}Z"))),
            2 => json!(format!(
                "{}123456+00:00",
                base.get(..20).unwrap_or_default()
            )),
            3 => json!(base.get(..10)),
            4 => json!(format!("{}+02:00", base.get(..19).unwrap_or_default())),
            5 => json!("not a date"),
            6 => json!(format!("{}5", base.trim_end_matches('Z'))),
            7 => json!(base.get(..19)),
            8 => json!("2026-02-29T00:00:00Z"),
            _ => json!(base),
        }
    }
    fn content(&mut self, depth: u32) -> Value {
        match self.below(if depth > 1 { 8 } else { 11 }) {
            0 => Value::Null,
            1 => json!(self.below(2) == 0),
            2 => json!(self.below(1_000_000) as i64 - 500_000),
            // Up to 15 significant digits: serde_json without `float_roundtrip` (7 KB
            // gzipped, over the package's size guard) reads longer ones to within one ulp.
            3 => json!((self.below(100_000_000) as f64 - 5e7) / 1000.0),
            4 => json!(
                ["SPR", "TR-FRET", "µM ≥ 5", "", "in design", "a\"quote\\\n"]
                    [self.below(6) as usize]
            ),
            5 => json!("CC(=O)Oc1ccccc1C(=O)O and a longer text"),
            6 => json!(u64::MAX - self.below(10)),
            7 => json!(self.below(100).to_string()),
            8 => Value::Array(
                (0..self.below(4))
                    .map(|_| self.content(depth + 1))
                    .collect(),
            ),
            9 => json!({ "value": self.below(100), "qualifier": ">" }),
            _ => {
                json!({ "file_id": self.uuid(), "file_name": "plate.csv", "mime_type": "text/csv", "size": 42 })
            }
        }
    }
    pub(super) fn record(&mut self) -> Value {
        let id = self.id();
        let sub = self.id();
        let ops = [Value::Null, json!(self.uuid()), json!(self.uuid())];
        let views = [self.uuid(), self.uuid()];
        let fields: Vec<String> = (0..1 + self.below(8)).map(|_| self.uuid()).collect();
        let mut values = serde_json::Map::new();
        let mut key_ids = Vec::new();
        for field in &fields {
            let list: Vec<Value> = (0..self.below(4))
                .map(|_| {
                    let vid = self.id();
                    if self.below(5) == 0 {
                        key_ids.push(json!(vid));
                    }
                    let owner = match self.below(5) {
                        0 => Value::Null,
                        1 => json!(sub),
                        _ => json!(id),
                    };
                    let mut value = json!({
                        "id": vid, "content": self.content(0), "created_at": self.stamp(),
                        "record_id": owner, "operation_id": ops[self.below(3) as usize].clone()
                    });
                    // record_view_id (kalbio 0.5.0): absent, null, or one of two views.
                    match self.below(4) {
                        0 => {}
                        1 => value["record_view_id"] = Value::Null,
                        k => value["record_view_id"] = json!(views[k as usize - 2]),
                    }
                    value
                })
                .collect();
            values.insert(field.clone(), Value::Array(list));
        }
        json!({
            "id": id, "created_at": self.stamp().as_str().unwrap_or("2026-01-05T09:00:00Z"),
            "entity_slice_id": self.uuid(), "identifier_ids": key_ids,
            "record_identifier": format!("CMP-{:04}", self.below(10_000)),
            "record_values": values, "initial_operation_id": ops[self.below(3) as usize].clone(),
            "sub_record_ids": if self.below(3) == 0 { vec![json!(sub)] } else { vec![] },
        })
    }
}

fn printed(record: &CompactRecord, symbols: &Symbols) -> Value {
    serde_json::to_value(RecordJson { record, symbols }).unwrap()
}

#[test]
fn uuids_are_sixteen_bytes_and_print_back() {
    let text = "0f8fad5b-d9cb-469f-a165-70867728950e";
    let id = Id::new(text);
    assert!(matches!(id, Id::Uuid(_)));
    assert_eq!(id.to_string(), text);
    assert!(id.is(text) && !id.is("x"));
    for other in [
        "0F8FAD5B-D9CB-469F-A165-70867728950E",
        "0f8fad5b-d9cb-469f-a165-70867728950",
        "0f8fad5bxd9cb-469f-a165-70867728950e",
        "r1",
        "",
    ] {
        let id = Id::new(other);
        assert!(matches!(id, Id::Text(_)), "{other}");
        assert_eq!(id.to_string(), other);
    }
    // Every character at every digit's place: only lower-case hex digits make a
    // uuid, and one that does prints back as it was.
    for place in (0..36).filter(|p| ![8, 13, 18, 23].contains(p)) {
        for c in (0u8..128).map(char::from) {
            let mut chars: Vec<char> = text.chars().collect();
            chars[place] = c;
            let other: String = chars.into_iter().collect();
            let hex = c.is_ascii_digit() || ('a'..='f').contains(&c);
            assert_eq!(parse_uuid(&other).is_some(), hex, "{other:?}");
            assert_eq!(Id::new(&other).to_string(), other);
        }
    }
}

#[test]
fn stamps_print_back_exactly_and_order_in_time() {
    for text in [
        "2026-01-05T09:00:00Z",
        "2026-01-05T09:00:00.000Z",
        "2026-01-05T09:00:00.1Z",
        "2026-01-05T09:00:00.123456Z",
        "2026-01-05T09:00:00.123456+00:00",
        "2026-01-05T09:00:00+00:00",
        "2026-01-05T09:00:00",
        "2026-01-05",
        "1969-12-31T23:59:59.999Z",
        "0001-01-01T00:00:00Z",
    ] {
        let stamp = parse_stamp(text).unwrap_or_else(|| panic!("{text}"));
        let mut out = String::new();
        write_stamp(stamp, &mut out);
        assert_eq!(out, text);
        let ms = time::parse_iso(text).unwrap();
        assert_eq!(stamp.micros.div_euclid(1000), ms, "{text}");
    }
    for text in [
        "2026-01-05T09:00:00+02:00",
        "2026-01-05T09:00:00.1234567Z",
        "2026-02-29",
        "2026-01-05t09:00:00Z",
        "2026-01-05T24:00:00Z",
        "2026-01-05T09:00:60Z",
        "2026-01-05T09:00Z",
        "yesterday",
        "",
    ] {
        assert!(parse_stamp(text).is_none(), "{text}");
    }
}

#[test]
fn interning_stores_each_id_once() {
    let mut symbols = Symbols::default();
    let a = symbols.intern("field-a");
    assert_eq!(symbols.intern("field-a"), a);
    assert_ne!(symbols.intern("field-b"), a);
    assert_eq!(symbols.name(a), "field-a");
    assert_eq!(symbols.find("never"), UNKNOWN_SYM);
    let mut rng = Rng(7);
    let list: Vec<Value> = (0..50).map(|_| rng.record()).collect();
    let bytes = serde_json::to_vec(&list).unwrap();
    let before = symbols.names.len();
    let records = decode_records(&bytes, &mut symbols).unwrap();
    let after = symbols.names.len();
    decode_records(&bytes, &mut symbols).unwrap();
    assert_eq!(
        symbols.names.len(),
        after,
        "decoding the same records again interns nothing new"
    );
    assert!(after > before);
    assert_eq!(records.len(), 50);
}

#[test]
fn fuzzed_records_round_trip_exactly_and_agree_with_the_wire_decoder() {
    let mut rng = Rng(0x5eed);
    let mut symbols = Symbols::default();
    for _ in 0..2_000 {
        let wire = rng.record();
        let bytes = serde_json::to_vec(&wire).unwrap();
        let record = Decoder::new(&mut symbols).record(&bytes).unwrap();
        assert_eq!(printed(&record, &symbols), wire);
        // The same as the wire-shaped decoder prints.
        let old: Record = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(serde_json::to_value(&old).unwrap(), wire);
        // Current values and scoped values: the rules of `select`.
        for field in record.fields() {
            let name = symbols.name(field).to_string();
            let subs: Vec<String> = old.sub_record_ids.clone();
            let ops: Vec<Option<String>> = old
                .record_values
                .values()
                .flatten()
                .map(|v| v.operation_id.clone())
                .collect();
            let mut scopes = vec![(ValueScope::default(), Scope::default())];
            for op in ops.iter().flatten() {
                scopes.push((
                    ValueScope {
                        activity_id: Some(op),
                        ..Default::default()
                    },
                    Scope {
                        activity: Some(symbols.find(op)),
                        ..Default::default()
                    },
                ));
            }
            let views: Vec<String> = old
                .record_values
                .values()
                .flatten()
                .filter_map(|v| v.record_view().map(String::from))
                .chain(["no such view".to_string()])
                .collect();
            for view in &views {
                for activity in ops.iter().flatten().map(Some).chain([None]) {
                    scopes.push((
                        ValueScope {
                            activity_id: activity.map(String::as_str),
                            record_view_id: Some(view),
                            ..Default::default()
                        },
                        Scope {
                            activity: activity.map(|op| symbols.find(op)),
                            ..Default::default()
                        },
                    ));
                }
            }
            for sub in &subs {
                scopes.push((
                    ValueScope {
                        include_sub_record_values: true,
                        sub_record_id: Some(sub),
                        ..Default::default()
                    },
                    Scope {
                        include_sub_record_values: true,
                        sub_record_id: Some(sub),
                        ..Default::default()
                    },
                ));
            }
            scopes.push((
                ValueScope {
                    include_sub_record_values: true,
                    ..Default::default()
                },
                Scope {
                    include_sub_record_values: true,
                    ..Default::default()
                },
            ));
            for (wire_scope, scope) in scopes {
                let want = latest_value(&old, &name, wire_scope).map(|v| v.id.clone());
                let view = wire_scope.record_view_id.map(|v| symbols.find(v));
                let got = record
                    .latest_in_view(field, scope, view)
                    .map(|v| record.value_id(v).to_string());
                assert_eq!(got, want, "field {name} in {wire_scope:?}");
            }
        }
    }
}

#[test]
fn bad_records_are_errors_as_before() {
    let mut symbols = Symbols::default();
    for bad in [
        r#"{"created_at":"t","entity_slice_id":"s","record_identifier":"R"}"#,
        r#"{"id":"r","created_at":"t","entity_slice_id":"s","record_identifier":"R","record_values":{"f":[{"nope":1}]}}"#,
        r#"{"id":"r","created_at":7,"entity_slice_id":"s","record_identifier":"R"}"#,
        r#"{"id":"r","id":"r","created_at":"t","entity_slice_id":"s","record_identifier":"R"}"#,
        r#"{"id":"r","created_at":"t","entity_slice_id":"s","record_identifier":"R","identifier_ids":null}"#,
        r#"{"id":1,"created_at":"t","entity_slice_id":"s","record_identifier":"R"}"#,
        r#"[1]"#,
        r#"{"id":"r","created_at":"t","entity_slice_id":"s","record_identifier":"R"} x"#,
    ] {
        assert!(
            Decoder::new(&mut symbols).record(bad.as_bytes()).is_err(),
            "{bad}"
        );
        assert!(serde_json::from_str::<Record>(bad).is_err(), "{bad}");
    }
    let bare = Decoder::new(&mut symbols)
        .record(br#"{"id":"r","created_at":"t","entity_slice_id":"s","record_identifier":"R","extra":[1,{}]}"#)
        .unwrap();
    assert_eq!(bare.fields().count(), 0);
    assert_eq!(bare.created_at().as_deref(), Some("t"));
    // Only the id is required (kalbio 0.7.0): members left out, or null, read as null.
    for sparse in [
        r#"{"id":"r","created_at":"t","entity_slice_id":"s"}"#,
        r#"{"id":"r","created_at":null,"entity_slice_id":null,"record_identifier":null}"#,
        r#"{"id":"r","record_values":{"f":[{"id":"v"}]}}"#,
    ] {
        let record = Decoder::new(&mut symbols)
            .record(sparse.as_bytes())
            .unwrap();
        assert_eq!(record.identifier(), None, "{sparse}");
        assert!(serde_json::from_str::<Record>(sparse).is_ok(), "{sparse}");
    }
}

#[test]
fn every_filter_rule_reads_the_store_as_it_reads_json() {
    let now = time::parse_iso("2026-11-28T15:00:00Z").unwrap();
    let props: Vec<Value> = vec![
        Value::Null,
        json!("kin"),
        json!("SPR"),
        json!(5),
        json!("50"),
        json!(["SPR", "a", 5]),
        json!(["a", "b"]),
        json!("2026-11-20"),
        json!(-1),
        json!([-2, 0]),
        json!(["2026-11-01", "2026-11-28"]),
        json!([1, 100]),
    ];
    let mut rng = Rng(99);
    let mut contents: Vec<Value> = (0..300).map(|_| rng.content(0)).collect();
    contents.extend([
        json!("2026-11-25"),
        json!("2026-11-28T10:00:00Z"),
        json!(["a", "b"]),
        json!("Kinase"),
        json!(5.0),
        json!(""),
        json!([]),
        json!({}),
    ]);
    let mut checked = 0;
    for rule in FilterRuleType::ALL {
        for prop in &props {
            let Ok(filter) = CompiledFilter::new(*rule, prop, now) else {
                continue;
            };
            for value in &contents {
                let stored = Content::from_value(value);
                assert_eq!(stored.to_value(), *value);
                // The number columns' shortcut answers as the stored float does.
                if let (Content::Float(n), true) = (&stored, filter.matches_float(0.0).is_some()) {
                    assert_eq!(
                        filter.matches_float(*n),
                        Some(filter.matches(Some(&stored), None)),
                        "{rule:?} {prop} {value}"
                    );
                }
                for updated in [None, Some(now)] {
                    assert_eq!(
                        filter.matches(Some(&stored), updated),
                        filter.matches(Some(value), updated),
                        "{rule:?} {prop} {value}"
                    );
                }
                checked += 1;
            }
            assert_eq!(
                filter.matches::<Content>(None, None),
                filter.matches::<Value>(None, None)
            );
        }
    }
    assert!(checked > 10_000, "{checked}");
}

#[test]
fn short_texts_are_inline_and_contents_are_small() {
    assert!(matches!(Content::text("TR-FRET"), Content::Short { .. }));
    assert!(matches!(
        Content::text("14 bytes exact"),
        Content::Short { .. }
    ));
    assert!(matches!(Content::text("fifteen bytes!!"), Content::Text(_)));
    assert_eq!(Content::text("µM ≥ 5").as_str(), Some("µM ≥ 5"));
    #[cfg(target_pointer_width = "32")]
    assert_eq!(std::mem::size_of::<Content>(), 16);
    #[cfg(target_pointer_width = "32")]
    assert_eq!(std::mem::size_of::<StoredValue>(), 48);
    assert!(std::mem::size_of::<Content>() <= 24);
}

#[test]
fn the_current_value_is_decided_to_the_microsecond_whatever_the_stamps_form() {
    let mut symbols = Symbols::default();
    // One millisecond, 100 µs apart, in two forms; listed in both orders.
    for (first, second) in [
        (
            "2026-01-01T00:00:00.000100Z",
            "2026-01-01T00:00:00.0002+00:00",
        ),
        (
            "2026-01-01T00:00:00.0002+00:00",
            "2026-01-01T00:00:00.000100Z",
        ),
    ] {
        let bytes = json!({
            "id": "r", "created_at": "2026-01-01T00:00:00Z", "entity_slice_id": "s",
            "identifier_ids": [], "record_identifier": "R", "sub_record_ids": [],
            "record_values": { "f": [
                { "id": "a", "content": first, "created_at": first, "record_id": "r" },
                { "id": "b", "content": second, "created_at": second, "record_id": "r" }
            ] }
        })
        .to_string();
        let record = Decoder::new(&mut symbols).record(bytes.as_bytes()).unwrap();
        let field = symbols.find("f");
        let newest = record.latest(field, Scope::default()).unwrap();
        assert_eq!(
            newest.content.as_str(),
            Some("2026-01-01T00:00:00.0002+00:00")
        );
    }
}

#[test]
fn the_ids_list_written_for_javascript_is_the_json_of_the_ids() {
    use crate::core::search::Rows as _;
    let mut rng = Rng(0x1d5);
    let mut symbols = Symbols::default();
    let mut records = Vec::new();
    for _ in 0..300 {
        let mut wire = rng.record();
        // Ids of every form: canonical uuids, upper-case ones, and texts to escape.
        if rng.below(10) == 0 {
            wire["id"] = json!(format!("odd \"id\" \\ {}\n", rng.below(1000)));
        }
        let bytes = serde_json::to_vec(&wire).unwrap();
        records.push(Decoder::new(&mut symbols).record(&bytes).unwrap());
    }
    let rows = StoreRows {
        rows: records.iter().collect(),
        symbols: &symbols,
        cells: None,
    };
    let found: Vec<usize> = (0..records.len()).rev().step_by(2).collect();
    let ids: Vec<String> = found.iter().map(|&at| rows.id_string(at)).collect();
    assert_eq!(rows.ids_json(&found), serde_json::to_string(&ids).unwrap());
    assert_eq!(rows.ids_json(&[]), "[]");
}

#[test]
fn a_body_that_is_not_utf8_is_an_error_naming_the_byte() {
    let mut symbols = Symbols::default();
    let mut bytes = br#"[{"id": "r1", "record_identifier": "CMP-1"}]"#.to_vec();
    bytes[10] = 0xFF;
    let err = Decoder::new(&mut symbols).records(&bytes).unwrap_err();
    assert!(
        err.to_string().contains("invalid UTF-8 at byte 10"),
        "{err}"
    );
    assert!(Decoder::new(&mut symbols).record(&bytes[1..]).is_err());
}

#[test]
fn an_activitys_record_ids_read_and_print_back_as_the_server_wrote_them() {
    let ids = json!([
        "0f8fad5b-d9cb-469f-a165-70867728950e",
        "0F8FAD5B-D9CB-469F-A165-70867728950E",
        "rec-1",
        "a \"quoted\" id"
    ]);
    let wire = json!({
        "id": "a1", "created_at": "2026-01-01T00:00:00Z", "parent_id": null,
        "definition_id": null, "activity_type": "task", "title": "Run 1",
        "due_date": null, "start_date": null, "duration": null,
        "completed_at_date": null, "external_id": null, "all_record_ids": ids
    });
    let activity: crate::core::model::Activity = serde_json::from_value(wire).unwrap();
    assert!(matches!(activity.all_record_ids.first(), Some(Id::Uuid(_))));
    assert!(matches!(activity.all_record_ids.get(1), Some(Id::Text(_))));
    assert_eq!(
        serde_json::to_value(&activity).unwrap()["all_record_ids"],
        ids
    );
    let not_ids = json!({ "id": "a1", "created_at": "", "activity_type": "task", "title": "t",
        "all_record_ids": [5] });
    assert!(serde_json::from_value::<crate::core::model::Activity>(not_ids).is_err());
}

#[test]
fn a_json_list_splits_into_its_elements_as_serde_reads_them() {
    let mut rng = Rng(7);
    for n in 0..300 {
        // Lists of records and of odd values: strings with brackets, quotes and
        // escapes, nested lists and objects, numbers, with and without blanks.
        let list: Vec<Value> = (0..rng.below(6))
            .map(|_| match rng.below(4) {
                0 => rng.record(),
                1 => json!(["a]b", "c\\\"}{", {"k": "[,]"}, [[]], -1.5e3, null]),
                2 => rng.content(0),
                _ => json!("\\\\"),
            })
            .collect();
        let text = if n % 2 == 0 {
            serde_json::to_string(&list).unwrap()
        } else {
            format!(" \n{}\t", serde_json::to_string_pretty(&list).unwrap())
        };
        let parts = array_elements(text.as_bytes()).unwrap();
        let read: Vec<Value> = parts
            .iter()
            .map(|&(from, to)| serde_json::from_str(&text[from..to]).unwrap())
            .collect();
        assert_eq!(read, list, "{text}");
    }
    // Not one array: no split, so the whole text is decoded and refused as before.
    for bad in [
        "", "{}", "[1", "[1,]", "[,1]", "[1] x", "[\"a]", "[1,,2]", "x[1]",
    ] {
        assert_eq!(array_elements(bad.as_bytes()), None, "{bad:?}");
    }
    // Elements that are not JSON are left to their decoder.
    let parts = array_elements(b"[1 2, tru]").unwrap();
    assert_eq!(parts.len(), 2);
    assert!(serde_json::from_slice::<Value>(&b"[1 2, tru]"[parts[0].0..parts[0].1]).is_err());
}

#[test]
fn joined_uuid_length_ids_are_read_a_chunk_at_a_time() {
    let ids = [
        "0f8fad5b-d9cb-469f-a165-70867728950e",
        "0F8FAD5B-D9CB-469F-A165-70867728950E",
        "not a uuid but thirty-six characters",
        "7c9e6679-7425-40de-944b-e07fc1f90ae7",
    ];
    let read = id_list_from_joined(&ids.concat()).unwrap();
    assert_eq!(read, ids.iter().map(|id| Id::new(id)).collect::<Vec<_>>());
    assert!(matches!(read[0], Id::Uuid(_)));
    assert_eq!(read[2].text(), ids[2]);
    assert_eq!(id_list_from_joined(""), Some(Vec::new()));
    // Not a run of 36-character ids: another length, or a character beyond ASCII
    // (whose bytes would shift every id after it).
    assert_eq!(id_list_from_joined(&ids.concat()[1..]), None);
    let wide = format!("é{}", &ids[0][2..]);
    assert_eq!(wide.chars().count(), 35);
    assert_eq!(
        id_list_from_joined(&format!("{wide}{}", &ids[3][..1])),
        None
    );
}
