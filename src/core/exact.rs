//! Lists decoded at their exact length. Serde grows a decoded `Vec` by doubling
//! from four, and most of a record's fields hold one or two values: decoding into
//! a reused scratch list and copying out the exact length keeps a cached record
//! about a third smaller, without the fragmentation that shrinking afterwards
//! leaves behind when records come and go.

use crate::core::model::RecordValue;
use serde::de::{DeserializeOwned, Deserializer, MapAccess, SeqAccess, Visitor};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

thread_local! {
    /// One scratch list for record values, reused by every decode on this thread.
    static VALUES_SCRATCH: RefCell<Vec<RecordValue>> = const { RefCell::new(Vec::new()) };
}

/// Reads a list's items into `scratch`, then moves them into a list of exactly
/// their number; the scratch keeps its room for the next list.
fn read_exact<'de, A: SeqAccess<'de>, T: DeserializeOwned>(
    mut seq: A,
    scratch: &mut Vec<T>,
) -> Result<Vec<T>, A::Error> {
    scratch.clear();
    while let Some(item) = seq.next_element()? {
        scratch.push(item);
    }
    let mut exact = Vec::with_capacity(scratch.len());
    exact.append(scratch);
    Ok(exact)
}

struct ExactList<T>(PhantomData<T>);

impl<'de, T: DeserializeOwned> Visitor<'de> for ExactList<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Vec<T>, A::Error> {
        read_exact(seq, &mut Vec::with_capacity(8))
    }
}

/// A list of anything, allocated at its exact length.
pub fn exact_list<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    deserializer.deserialize_seq(ExactList(PhantomData))
}

struct ExactValues;

impl<'de> Visitor<'de> for ExactValues {
    type Value = Vec<RecordValue>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of record values")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Vec<RecordValue>, A::Error> {
        // Taken out of the thread-local so that no borrow is held while decoding.
        let mut scratch = VALUES_SCRATCH.with(|s| std::mem::take(&mut *s.borrow_mut()));
        let exact = read_exact(seq, &mut scratch)?;
        VALUES_SCRATCH.with(|s| *s.borrow_mut() = scratch);
        Ok(exact)
    }
}

struct ValuesSeed;

impl<'de> serde::de::DeserializeSeed<'de> for ValuesSeed {
    type Value = Vec<RecordValue>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(ExactValues)
    }
}

struct ExactValueMap;

impl<'de> Visitor<'de> for ExactValueMap {
    type Value = BTreeMap<String, Vec<RecordValue>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a map from field id to record values")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = BTreeMap::new();
        while let Some(field) = map.next_key::<String>()? {
            let values = map.next_value_seed(ValuesSeed)?;
            out.insert(field, values);
        }
        Ok(out)
    }
}

/// `record_values`, each field's list allocated at its exact length.
pub fn exact_record_values<'de, D>(
    deserializer: D,
) -> Result<BTreeMap<String, Vec<RecordValue>>, D::Error>
where
    D: Deserializer<'de>,
{
    deserializer.deserialize_map(ExactValueMap)
}

#[cfg(test)]
mod tests {
    use crate::core::model::Record;

    #[test]
    fn decoded_lists_have_no_spare_room_and_the_same_content() {
        let json = r#"{"id":"r1","created_at":"2026-01-05T09:00:00Z","entity_slice_id":"s",
            "identifier_ids":["k1"],"record_identifier":"CMP-1","sub_record_ids":["s1","s2","s3"],
            "record_values":{"f1":[{"id":"v1","content":5,"created_at":null,"record_id":"r1","operation_id":null}],
                             "f2":[],
                             "f3":[{"id":"v2","content":"a"},{"id":"v3","content":"b"},{"id":"v4","content":"c"},
                                   {"id":"v5","content":"d"},{"id":"v6","content":"e"},{"id":"v7","content":"f"},
                                   {"id":"v8","content":"g"},{"id":"v9","content":"h"},{"id":"v10","content":"i"}]}}"#;
        let record: Record = serde_json::from_str(json).unwrap();
        for (field, len) in [("f1", 1), ("f2", 0), ("f3", 9)] {
            let values = record.record_values.get(field).unwrap();
            assert_eq!((values.len(), values.capacity()), (len, len), "{field}");
        }
        let f3: Vec<&str> = record.record_values["f3"]
            .iter()
            .map(|v| v.id.as_str())
            .collect();
        assert_eq!(f3, ["v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10"]);
        assert_eq!(record.identifier_ids.capacity(), 1);
        assert_eq!(record.sub_record_ids, ["s1", "s2", "s3"]);
        assert_eq!(record.sub_record_ids.capacity(), 3);
        // A missing list is still an empty one, and a bad one is still an error.
        let bare: Record = serde_json::from_str(
            r#"{"id":"r","created_at":"t","entity_slice_id":"s","record_identifier":"R"}"#,
        )
        .unwrap();
        assert!(bare.record_values.is_empty() && bare.identifier_ids.is_empty());
        assert!(serde_json::from_str::<Record>(
            r#"{"id":"r","created_at":"t","entity_slice_id":"s","record_identifier":"R","record_values":{"f":[{"nope":1}]}}"#
        )
        .is_err());
    }
}
