use super::*;
use crate::core::store::tests::Rng;
use crate::core::store::{Decoder, RecordJson};
use serde_json::json;

/// A record with every kind of value the store holds: each content type (texts
/// held inline and not, nested lists, objects, a file, an integer beyond i64),
/// key values, values on the record, on a sub-record and on nothing, every stamp
/// form (parsed, kept as text, null), ids that are no uuids, and record views
/// absent, null and set.
fn every_kind() -> Value {
    let contents = [
        json!(null),
        json!(true),
        json!(false),
        json!(42),
        json!(-7),
        json!(2.5),
        json!("short"),
        json!(""),
        json!("µM ≥ 5"),
        json!("a text longer than fourteen bytes"),
        json!([1, "two", [3.5, [null, false]], []]),
        json!({ "value": 3, "qualifier": ">" }),
        json!({ "file_id": "6d1f5d0e-3b2a-4c4e-9f0a-1b2c3d4e5f60", "file_name": "plate.csv",
                "mime_type": "text/csv", "size": 42 }),
        json!(u64::MAX),
    ];
    let stamps = [
        json!("2026-01-05T09:00:00Z"),
        json!("2026-01-05T09:00:00.123456+00:00"),
        json!("2026-01-05"),
        json!("2026-01-05T09:00:00.5"),
        json!("2026-01-05T11:00:00+02:00"),
        json!("not a date"),
        json!(null),
    ];
    let owners = [
        json!("0f8fad5b-d9cb-469f-a165-70867728950e"),
        json!("sub-1"),
        json!(null),
    ];
    let kinds: Vec<Value> = contents
        .iter()
        .enumerate()
        .map(|(i, content)| {
            let mut v = json!({
                "id": if i % 4 == 0 { json!(format!("value-{i}")) }
                      else { json!(format!("00000000-0000-4000-8000-{i:012x}")) },
                "content": content,
                "created_at": stamps[i % stamps.len()],
                "record_id": owners[i % owners.len()],
                "operation_id": if i % 2 == 0 { json!("op-a") } else { json!(null) },
            });
            match i % 3 {
                0 => {}
                1 => v["record_view_id"] = json!(null),
                _ => v["record_view_id"] = json!("view-1"),
            }
            v
        })
        .collect();
    json!({
        "id": "0f8fad5b-d9cb-469f-a165-70867728950e",
        "created_at": "2026-01-05T09:00:00.123Z",
        "entity_slice_id": "compounds",
        "identifier_ids": ["k1"],
        "record_identifier": "CMP-0001",
        "record_values": {
            "key": [{ "id": "k1", "content": "CMP-0001", "created_at": null, "record_id": null, "operation_id": null }],
            "kinds": kinds,
            "empty": [],
        },
        "initial_operation_id": "op-a",
        "sub_record_ids": ["sub-1", "7c9e6679-7425-40de-944b-e07fc1f90ae7"],
    })
}

fn a_bare_record() -> Value {
    json!({ "id": "bare", "created_at": "not a date either", "entity_slice_id": "compounds",
            "identifier_ids": [], "record_identifier": "", "record_values": {}, "initial_operation_id": null,
            "sub_record_ids": [] })
}

fn decode(symbols: &mut Symbols, json: &Value) -> CompactRecord {
    Decoder::new(symbols)
        .record(json.to_string().as_bytes())
        .unwrap()
}

fn lists() -> (Vec<EntityField>, Vec<EntityField>, Vec<Activity>) {
    let field = |id: &str, is_key: bool| -> EntityField {
        serde_json::from_value(
            json!({ "id": id, "created_at": "2026-01-01T00:00:00Z", "is_key": is_key,
            "field_name": format!("Field {id}"), "field_type": "text" }),
        )
        .unwrap()
    };
    let activity: Activity = serde_json::from_value(json!({
        "id": "op-a", "created_at": "2026-01-01T00:00:00Z", "parent_id": null, "child_ids": [],
        "definition_id": null, "program_ids": [], "activity_type": "experiment", "title": "Assay",
        "description": { "text": "x" }, "status": "in progress", "assigned_user_ids": [],
        "assigned_group_ids": [], "record_ids": ["0f8fad5b-d9cb-469f-a165-70867728950e"]
    }))
    .unwrap();
    (
        vec![field("key", true)],
        vec![field("kinds", false), field("empty", false)],
        vec![activity],
    )
}

/// The records and lists of a small store, with a snapshot of them.
struct Fixture {
    symbols: Symbols,
    records: Vec<CompactRecord>,
    lists: (Vec<EntityField>, Vec<EntityField>, Vec<Activity>),
}

impl Fixture {
    fn new(generated: usize) -> Self {
        let mut symbols = Symbols::default();
        let mut records = vec![
            decode(&mut symbols, &every_kind()),
            decode(&mut symbols, &a_bare_record()),
            // Every member the wire may leave out, left out: null once read.
            decode(&mut symbols, &json!({ "id": "only-an-id" })),
            decode(
                &mut symbols,
                &json!({ "id": "nulls", "created_at": null, "entity_slice_id": null,
                         "record_identifier": null, "record_values": { "f": [{ "id": "v" }] } }),
            ),
        ];
        let mut rng = Rng(7);
        for _ in 0..generated {
            let json = rng.record();
            records.push(decode(&mut symbols, &json));
        }
        Fixture {
            symbols,
            records,
            lists: lists(),
        }
    }

    fn write(&self, chunk_size: usize) -> Encoded {
        let lists = ListsRef {
            key_fields: Some((11, &self.lists.0)),
            data_fields: Some((12, &self.lists.1)),
            activities: Some((13, &self.lists.2)),
        };
        let held = self
            .records
            .iter()
            .enumerate()
            .map(|(i, r)| (1_000 + i as i64, r));
        write_chunked(1_765_000_000_000, &self.symbols, held, lists, chunk_size)
    }
}

fn printed(record: &CompactRecord, symbols: &Symbols) -> Value {
    serde_json::to_value(RecordJson { record, symbols }).unwrap()
}

#[test]
fn every_kind_of_record_and_value_comes_back_as_it_was() {
    let fixture = Fixture::new(300);
    let encoded = fixture.write(MAX_CHUNK);
    // Into an empty store: the same symbols, so the very same records.
    let mut symbols = Symbols::default();
    let restored = read(encoded.bytes(), &mut symbols).unwrap();
    assert_eq!(restored.saved_at, 1_765_000_000_000);
    assert_eq!(restored.records.len(), fixture.records.len());
    for (i, ((fetched_at, got), want)) in restored.records.iter().zip(&fixture.records).enumerate()
    {
        assert_eq!(
            *fetched_at,
            1_000 + i as i64,
            "each record keeps its fetch time"
        );
        assert_eq!(got, want, "record {i}");
        assert_eq!(printed(got, &symbols), printed(want, &fixture.symbols));
    }
    let (key, data, activities) = &fixture.lists;
    assert_eq!(
        restored.key_fields,
        Some(HeldList {
            fetched_at: 11,
            list: key.clone()
        })
    );
    assert_eq!(
        restored.data_fields,
        Some(HeldList {
            fetched_at: 12,
            list: data.clone()
        })
    );
    assert_eq!(
        restored.activities,
        Some(HeldList {
            fetched_at: 13,
            list: activities.clone()
        })
    );
    // The record of every kind prints back the wire JSON it was decoded from.
    let wire: crate::core::model::Record = serde_json::from_value(every_kind()).unwrap();
    assert_eq!(
        printed(&restored.records[0].1, &symbols),
        serde_json::to_value(&wire).unwrap()
    );
    // Into a store that already names other ids: the ids are mapped, the records read alike.
    let mut other = Symbols::default();
    for name in ["something", "else", "kinds"] {
        other.intern(name);
    }
    let remapped = read(encoded.bytes(), &mut other).unwrap();
    assert_ne!(other.find("compounds"), fixture.symbols.find("compounds"));
    for ((_, got), want) in remapped.records.iter().zip(&fixture.records) {
        assert_eq!(printed(got, &other), printed(want, &fixture.symbols));
        for field in want.fields() {
            let name = fixture.symbols.name(field);
            assert_eq!(
                got.current(other.find(name)).map(|v| got.value_id(v)),
                want.current(field).map(|v| want.value_id(v)),
                "the current value of {name}"
            );
        }
    }
}

#[test]
fn a_store_without_records_or_lists_comes_back_empty() {
    let encoded = write(5, &Symbols::default(), [], ListsRef::default());
    let restored = read(encoded.bytes(), &mut Symbols::default()).unwrap();
    assert_eq!(
        restored,
        Restored {
            saved_at: 5,
            records: vec![],
            key_fields: None,
            data_fields: None,
            activities: None
        }
    );
}

#[test]
fn chunks_are_at_most_the_limit_and_join_into_the_snapshot() {
    let fixture = Fixture::new(40);
    for size in [1, 7, 64, 4096, MAX_CHUNK, MAX_CHUNK * 3] {
        let encoded = fixture.write(size);
        let chunks: Vec<&[u8]> = encoded.chunks().collect();
        assert!(chunks
            .iter()
            .skip(1)
            .all(|c| c.len() <= size.min(MAX_CHUNK)));
        assert_eq!(chunks.concat(), encoded.bytes());
        assert!(chunks.len() >= 2, "the header, then the body");
        let restored = read(&chunks.concat(), &mut Symbols::default()).unwrap();
        assert_eq!(restored.records.len(), fixture.records.len());
    }
    // A body over the limit is cut into chunks under it (no record this large is needed:
    // the framing does not look inside the body).
    let body = vec![0u8; 2 * MAX_CHUNK + 5];
    let sealed = seal(0, &body);
    let lens: Vec<usize> = sealed.chunks().skip(1).map(<[u8]>::len).collect();
    assert_eq!(lens, [MAX_CHUNK, MAX_CHUNK, 5]);
    // Every check passes, so the body is read, and refused.
    assert!(matches!(
        read(sealed.bytes(), &mut Symbols::default()),
        Err(Discarded::Corrupt(_))
    ));
}

#[test]
fn every_truncation_and_every_single_byte_change_is_discarded() {
    let mut symbols = Symbols::default();
    let record = decode(&mut symbols, &every_kind());
    let encoded = write_chunked(9, &symbols, [(1, &record)], ListsRef::default(), 256);
    let bytes = encoded.bytes().to_vec();
    assert!(encoded.chunks().count() > 3, "several chunks");
    assert!(read(&bytes, &mut Symbols::default()).is_ok());
    for len in 0..bytes.len() {
        let got = read(&bytes[..len], &mut Symbols::default());
        assert!(got.is_err(), "cut to {len} bytes");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert_eq!(
        read(&longer, &mut Symbols::default()),
        Err(Discarded::Corrupt("length"))
    );
    let mut changed = bytes.clone();
    let mut reasons = std::collections::BTreeMap::new();
    for at in 0..bytes.len() {
        for delta in 1..=255u8 {
            changed[at] = bytes[at] ^ delta;
            let got = read(&changed, &mut Symbols::default());
            let Err(why) = got else {
                panic!("byte {at} changed by {delta} was read");
            };
            *reasons.entry(why.reason()).or_insert(0) += 1;
        }
        changed[at] = bytes[at];
    }
    // Only the version field's bytes can say "version".
    assert_eq!(reasons.get("version"), Some(&(4 * 255)));
    assert_eq!(reasons.values().sum::<usize>(), bytes.len() * 255);
}

#[test]
fn chunks_out_of_place_are_discarded() {
    let mut symbols = Symbols::default();
    let record = decode(&mut symbols, &every_kind());
    let encoded = write_chunked(9, &symbols, [(1, &record)], ListsRef::default(), 64);
    let mut chunks: Vec<Vec<u8>> = encoded.chunks().map(<[u8]>::to_vec).collect();
    chunks.swap(1, 2);
    assert_eq!(
        read(&chunks.concat(), &mut Symbols::default()),
        Err(Discarded::Corrupt("chunk checksum"))
    );
    // A chunk left out.
    let chunks: Vec<&[u8]> = encoded
        .chunks()
        .enumerate()
        .filter(|(i, _)| *i != 2)
        .map(|(_, c)| c)
        .collect();
    assert!(read(&chunks.concat(), &mut Symbols::default()).is_err());
}

/// The snapshot with its version field set to `version`, its header checksum made good.
fn with_version(encoded: &Encoded, version: u32) -> Vec<u8> {
    let mut bytes = encoded.bytes().to_vec();
    bytes[8..12].copy_from_slice(&version.to_le_bytes());
    let header_len = encoded.chunks().next().unwrap().len();
    let crc = crc32c(&bytes[..header_len - 4]);
    bytes[header_len - 4..header_len].copy_from_slice(&crc.to_le_bytes());
    bytes
}

#[test]
fn a_snapshot_of_another_format_version_is_discarded_as_version() {
    let fixture = Fixture::new(3);
    let encoded = fixture.write(MAX_CHUNK);
    for version in [0, VERSION + 1, u32::MAX] {
        let bytes = with_version(&encoded, version);
        let got = read(&bytes, &mut Symbols::default());
        assert_eq!(got, Err(Discarded::Version(version)));
        assert_eq!(got.unwrap_err().reason(), "version");
        // Whatever another version lays out after its version, it is not read.
        assert_eq!(
            read(&bytes[..12], &mut Symbols::default()),
            Err(Discarded::Version(version))
        );
    }
    assert_eq!(
        read(&with_version(&encoded, VERSION), &mut Symbols::default()).map(|r| r.records.len()),
        Ok(fixture.records.len())
    );
    let mut foreign = encoded.bytes().to_vec();
    foreign[0] = b'k';
    assert_eq!(
        read(&foreign, &mut Symbols::default()),
        Err(Discarded::Corrupt("not a snapshot"))
    );
    assert_eq!(
        read(b"", &mut Symbols::default()).unwrap_err().reason(),
        "corrupt"
    );
}

#[test]
fn lists_the_models_no_longer_read_are_discarded_as_version() {
    let mut w = Writer::default();
    w.uint(0);
    w.list(Some((1, Ok(br#"[{"id": 5}]"#.to_vec()))));
    let sealed = seal(0, &w.out);
    assert_eq!(
        read(sealed.bytes(), &mut Symbols::default()),
        Err(Discarded::Version(VERSION))
    );
}

/// A body naming one symbol, no lists, and `rest` after it.
fn body(rest: impl FnOnce(&mut Writer)) -> Vec<u8> {
    let mut w = Writer::default();
    w.uint(1);
    w.text("compounds");
    for _ in 0..3 {
        w.byte(0);
    }
    rest(&mut w);
    w.out
}

#[test]
fn counts_beyond_the_input_allocate_nothing_and_are_discarded() {
    for huge in [u64::MAX, 1 << 40, 1_000] {
        let records = body(|w| w.uint(huge));
        let got = read(seal(0, &records).bytes(), &mut Symbols::default());
        assert_eq!(
            got,
            Err(Discarded::Corrupt("a count beyond the body")),
            "{huge}"
        );
        let mut w = Writer::default();
        w.uint(huge);
        let got = read(seal(0, &w.out).bytes(), &mut Symbols::default());
        assert_eq!(got, Err(Discarded::Corrupt("a count beyond the body")));
    }
    // A chunk table longer than the input is not read.
    let mut bytes = seal(0, b"").bytes().to_vec();
    bytes[12..16].copy_from_slice(&u32::MAX.to_le_bytes());
    assert_eq!(
        read(&bytes, &mut Symbols::default()),
        Err(Discarded::Corrupt("truncated header"))
    );
    // An overlong varint.
    let got = read(seal(0, &[0xff; 11]).bytes(), &mut Symbols::default());
    assert_eq!(got, Err(Discarded::Corrupt("varint overflow")));
}

#[test]
fn records_whose_places_point_outside_them_are_discarded() {
    let mut symbols = Symbols::default();
    let good = decode(&mut symbols, &every_kind());
    type Damage = Box<dyn Fn(&mut CompactRecord)>;
    let broken: Vec<(&str, Damage)> = vec![
        ("a field's values", Box::new(|r| r.groups[0].len = 1_000)),
        ("a field's values", Box::new(|r| r.groups[2].current = 0)),
        ("a record's id counts", Box::new(|r| r.sub_count = 9)),
        ("a value's owner", Box::new(|r| r.values[1].owner = 40)),
        (
            "a value's stamp",
            Box::new(|r| r.values[1].created_style = 31),
        ),
        (
            "a value's stamp",
            Box::new(|r| r.values[1].created = i64::MAX),
        ),
        (
            "a record's creation stamp",
            Box::new(|r| r.created_style = STYLE_NONE),
        ),
        (
            "a record's views",
            Box::new(|r| r.rare.as_mut().unwrap().views = Box::new([])),
        ),
        ("a value's flags", Box::new(|r| r.values[1].flags = 0x80)),
        (
            "lists nested too deeply",
            Box::new(|r| {
                let mut deep = Content::Null;
                for _ in 0..=MAX_DEPTH {
                    deep = Content::List(Box::new([deep]));
                }
                r.values[1].content = deep;
            }),
        ),
    ];
    for (why, damage) in broken {
        let mut record = good.clone();
        damage(&mut record);
        let encoded = write(0, &symbols, [(0, &record)], ListsRef::default());
        assert_eq!(
            read(encoded.bytes(), &mut Symbols::default()),
            Err(Discarded::Corrupt(why))
        );
    }
    // Nesting up to the limit is read.
    let mut record = good.clone();
    let mut deep = Content::Null;
    for _ in 0..MAX_DEPTH {
        deep = Content::List(Box::new([deep]));
    }
    record.values[1].content = deep;
    let encoded = write(0, &symbols, [(0, &record)], ListsRef::default());
    assert_eq!(
        read(encoded.bytes(), &mut Symbols::default())
            .unwrap()
            .records[0]
            .1,
        record
    );
}

#[test]
fn the_checksum_is_crc32c() {
    // The check value of the CRC-32C catalogue, and the eight-byte path against the one-byte path.
    assert_eq!(crc32c(b"123456789"), 0xe306_9283);
    assert_eq!(crc32c(b""), 0);
    let bytes: Vec<u8> = (0..1_000u32).map(|i| (i * 7 + i / 3) as u8).collect();
    for len in [1, 7, 8, 9, 63, 64, 65, 999] {
        let one_at_a_time = bytes[..len].iter().fold(!0u32, |crc, &b| {
            (crc >> 8) ^ CRC_TABLES[0][((crc ^ u32::from(b)) & 0xff) as usize]
        });
        assert_eq!(crc32c(&bytes[..len]), !one_at_a_time, "{len} bytes");
    }
}

#[test]
fn the_smallest_record_comes_back() {
    // An empty text id and every other member absent: 14 bytes (found by the fuzz target).
    let mut symbols = Symbols::default();
    let record = decode(&mut symbols, &json!({ "id": "" }));
    let encoded = write(0, &symbols, [(0, &record)], ListsRef::default());
    let restored = read(encoded.bytes(), &mut Symbols::default()).unwrap();
    assert_eq!(restored.records, [(0, record)]);
}
