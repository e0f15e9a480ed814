//! The caches of one client: records by uuid and by key values, a record's
//! activities for a short while, and the field and activity lists.
//!
//! Records are held in their compact form (`store::CompactRecord`), and the
//! record cache is also what `queryCached` searches: it keeps the records'
//! creation order as it goes, so a query needs no index of its own.

use crate::core::client::ident::{canonical_float_text, key_part};
use crate::core::client::lru::Lru;
use crate::core::hash::FastMap;
use crate::core::model::{Activity, EntityField};
use crate::core::store::columns::Columns;
use crate::core::store::{compare_ids, CompactRecord, Content, Id, StoreRows, Symbols};
use std::collections::HashMap;
use std::rc::Rc;

mod persist;
pub use persist::RestoreSummary;

/// How long a record's activity list is reused.
pub const RECORD_ACTIVITIES_TTL_MS: i64 = 10_000;
/// How many records' activity lists are kept.
pub const RECORD_ACTIVITIES_MAX: usize = 128;

/// Counters a caller can read to see the cache at work.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct CacheStats {
    /// Lookups served from the cache (a remembered "not found" counts).
    pub hits: u64,
    /// Lookups that needed a request.
    pub misses: u64,
    /// Records dropped to stay within the bound.
    pub evictions: u64,
    /// Records held now.
    pub records: u64,
}

/// A cached record, or a remembered 404 (`record: None`, with the uuid that was not
/// found), with when it was fetched.
#[derive(Clone)]
struct Entry {
    fetched_at: i64,
    record: Option<Rc<CompactRecord>>,
    missing: Option<Box<Id>>,
}

impl Entry {
    /// Whether this is the entry of `id`.
    fn is(&self, id: &Id) -> bool {
        match &self.record {
            Some(record) => record.id() == id,
            None => self.missing.as_deref() == Some(id),
        }
    }
}

/// The record entries: a least-recently-used map keyed by a 64-bit digest of the
/// uuid rather than a copy of it, since the entry holds the uuid (its record's, or
/// the 404's). Every lookup checks the entry's uuid: two uuids with one digest
/// cost a miss, never a wrong answer.
struct RecordSlots {
    lru: Lru<u64, Entry>,
}

impl RecordSlots {
    fn get(&mut self, id: &Id) -> Option<&Entry> {
        self.lru.get(&id.digest()).filter(|e| e.is(id))
    }

    fn peek(&self, id: &Id) -> Option<&Entry> {
        self.lru.peek(&id.digest()).filter(|e| e.is(id))
    }

    fn peek_mut(&mut self, id: &Id) -> Option<&mut Entry> {
        self.lru.peek_mut(&id.digest()).filter(|e| e.is(id))
    }

    fn remove(&mut self, id: &Id) -> Option<Entry> {
        self.peek(id)?;
        self.lru.remove(&id.digest())
    }

    /// Stores an entry as the newest; answers the entries dropped to stay within
    /// the bound, and the entry of another uuid with the same digest.
    fn insert(&mut self, id: &Id, entry: Entry) -> Vec<Entry> {
        let digest = id.digest();
        let other = match self.lru.peek(&digest) {
            Some(e) if !e.is(id) => self.lru.remove(&digest),
            _ => None,
        };
        let mut dropped = self.lru.insert(&digest, entry);
        dropped.extend(other);
        dropped
    }

    fn place(&self, id: &Id) -> Option<(u32, u32)> {
        self.peek(id)?;
        self.lru.place(&id.digest())
    }

    fn at_place(&self, place: (u32, u32)) -> Option<&Entry> {
        self.lru.at_place(place)
    }

    fn values(&self) -> impl Iterator<Item = &Entry> {
        self.lru.values()
    }

    fn clear(&mut self) {
        self.lru.clear();
    }
}

/// The fetch time of an entry that must be fetched again before it is answered.
const STALE: i64 = i64::MIN;

/// How long cached answers are reused, and the clock they are measured by.
#[derive(Clone)]
pub struct Expiry {
    /// Milliseconds an answer is reused; `None` keeps it until it is evicted.
    pub ttl_ms: Option<i64>,
    /// Milliseconds since the epoch, now.
    pub clock: Rc<dyn Fn() -> i64>,
}

impl Expiry {
    /// Answers that never expire (tests of the bookkeeping alone).
    #[cfg(test)]
    pub fn never() -> Self {
        Expiry {
            ttl_ms: None,
            clock: Rc::new(|| 0),
        }
    }

    pub fn now(&self) -> i64 {
        (self.clock)()
    }

    /// Whether something fetched at `at` may still be answered ([`STALE`] never is).
    pub fn fresh(&self, at: i64) -> bool {
        at != STALE
            && self
                .ttl_ms
                .is_none_or(|ttl| self.now().saturating_sub(at) < ttl)
    }
}

/// A list (fields, activities) with when it was fetched.
#[derive(Clone)]
pub struct Listed<T> {
    pub fetched_at: i64,
    pub list: Rc<Vec<T>>,
}

pub(super) struct Caches {
    /// uuid → the record, or `None` when the server said 404.
    records: RecordSlots,
    /// Hash of a key-values key → the uuid of the record with those key values
    /// (checked against the record on a hit, so a collision is only a miss).
    /// Built on the first lookup by key values, kept up to date from then on: a
    /// client that never asks by key values pays for it neither in time nor memory.
    by_key: Option<FastMap<u64, Id>>,
    /// Key-values keys no record has, with when the server said so.
    missing_keys: HashMap<String, i64>,
    record_activities: HashMap<String, (i64, Rc<Vec<Activity>>)>,
    pub key_fields: Option<Listed<EntityField>>,
    pub data_fields: Option<Listed<EntityField>>,
    pub activities: Option<Listed<Activity>>,
    /// The entity types (`GET /entity_slices`).
    pub entity_types: Option<Listed<crate::core::model::EntitySlice>>,
    /// How long records, 404s and lists are reused.
    pub expiry: Expiry,
    pub stats: CacheStats,
    /// How many entries of `records` hold a record (not a remembered 404).
    held: usize,
    /// The ids of fields, activities and slices the records use.
    pub symbols: Symbols,
    /// The held records' places in `records`, in creation order once sorted;
    /// places whose entry is gone are skipped and dropped at the next sort.
    order: Vec<(u32, u32)>,
    /// Whether `order` is in creation order (appends usually keep it so).
    order_sorted: bool,
    /// Each field's current value by slot of `records`, for queries.
    columns: Columns,
    /// The creation stamp and id of the last record appended to `order`.
    order_last: Option<(i64, Id)>,
}

impl Caches {
    /// Empty caches holding at most `max_records` records, kept until evicted.
    #[cfg(test)]
    pub fn new(max_records: usize) -> Self {
        Self::with_expiry(max_records, Expiry::never())
    }

    /// Empty caches holding at most `max_records` records, each reused as `expiry` says.
    pub fn with_expiry(max_records: usize, expiry: Expiry) -> Self {
        Caches {
            expiry,
            records: RecordSlots {
                lru: Lru::new(max_records),
            },
            held: 0,
            by_key: None,
            missing_keys: HashMap::new(),
            record_activities: HashMap::new(),
            key_fields: None,
            data_fields: None,
            activities: None,
            entity_types: None,
            stats: CacheStats::default(),
            symbols: Symbols::default(),
            order: Vec::new(),
            order_sorted: true,
            order_last: None,
            columns: Columns::default(),
        }
    }
}

/// The key values of a record as a cache key: of each field, the first value that
/// is one of its identifier values.
pub fn record_key(record: &CompactRecord, symbols: &Symbols) -> String {
    // The same text as `key_values_key` makes of (field, JSON value) pairs.
    let mut parts: Vec<String> = record
        .key_pairs(symbols)
        .into_iter()
        .map(|(field, content)| {
            // Numbers as their canonical decimal text, as `canonical_key_value` makes them.
            let json = match content {
                Content::Int(i) => serde_json::to_string(&i.to_string()),
                Content::Float(f) => serde_json::to_string(&canonical_float_text(*f)),
                _ => serde_json::to_string(content),
            };
            key_part(field, &json.unwrap_or_default())
        })
        .collect();
    parts.sort();
    parts.join("\u{1e}")
}

/// A 64-bit digest of a key-values key: FNV-1a with a final mix. Not the fast
/// table hasher: the digest stands for the key itself, and the fast hasher's 64
/// bits collide on keys a few characters apart.
fn key_hash(key: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ (h >> 33)
}

impl Caches {
    /// `Some(entry)` when the uuid is cached and fresh (the entry is `None` for a
    /// remembered 404). An expired entry is a miss; the refetch replaces it.
    pub fn record(&mut self, id: &str) -> Option<Option<Rc<CompactRecord>>> {
        let found = self
            .records
            .get(&Id::new(id))
            .filter(|e| self.expiry.fresh(e.fetched_at))
            .map(|e| e.record.clone());
        self.count(found.is_some());
        found
    }

    /// A fresh cached record (not a remembered 404), counted as a hit and marked
    /// used; nothing is counted when it is not there.
    pub fn cached_record(&mut self, id: &str) -> Option<Rc<CompactRecord>> {
        self.cached_record_id(&Id::new(id))
    }

    /// [`Caches::cached_record`] by a parsed id.
    pub fn cached_record_id(&mut self, id: &Id) -> Option<Rc<CompactRecord>> {
        let record = self
            .records
            .get(id)
            .filter(|e| self.expiry.fresh(e.fetched_at))?
            .record
            .clone()?;
        self.count(true);
        Some(record)
    }

    /// Marks a cached record used (last to be evicted), without counting a lookup.
    pub fn touch(&mut self, id: &Id) {
        let _ = self.records.get(id);
    }

    /// A cached entry, fresh or not, without counting a lookup or marking it used.
    pub fn peek_record(&self, id: &str) -> Option<Option<Rc<CompactRecord>>> {
        self.peek_record_id(&Id::new(id))
    }

    /// [`Caches::peek_record`] by a parsed id.
    pub fn peek_record_id(&self, id: &Id) -> Option<Option<Rc<CompactRecord>>> {
        self.records.peek(id).map(|e| e.record.clone())
    }

    /// The record held under `id`, whatever its age, with its slot in the columns.
    /// A uuid is checked against the columns' copy, so the record is not read.
    pub fn peek_record_slot(&self, id: &Id) -> Option<(&CompactRecord, usize)> {
        let place = self.records.lru.place(&id.digest())?;
        let slot = place.0 as usize;
        let entry = self.records.at_place(place)?;
        let record = entry.record.as_deref()?;
        let same = match (id, self.columns.uuid(slot)) {
            (Id::Uuid(bytes), Some(held)) => bytes == held,
            _ => entry.is(id),
        };
        same.then_some((record, slot))
    }

    /// Each field's current values by slot, and each slot's uuid.
    pub fn columns(&self) -> &Columns {
        &self.columns
    }

    /// Looks up a record by its key-values key.
    pub fn record_by_key(&mut self, key: &str) -> Option<Option<Rc<CompactRecord>>> {
        let missing_at = self.missing_keys.get(key).copied();
        let found = if missing_at.is_some_and(|at| self.expiry.fresh(at)) {
            Some(None)
        } else {
            let by_key = match &mut self.by_key {
                Some(map) => map,
                None => {
                    let mut map = FastMap::default();
                    for record in self.records.values().filter_map(|e| e.record.as_ref()) {
                        map.insert(
                            key_hash(&record_key(record, &self.symbols)),
                            record.id().clone(),
                        );
                    }
                    self.by_key.insert(map)
                }
            };
            match by_key.get(&key_hash(key)).cloned() {
                None => None,
                Some(id) => match self.records.get(&id).cloned() {
                    Some(Entry {
                        fetched_at,
                        record: Some(record),
                        ..
                    }) if self.expiry.fresh(fetched_at)
                        && record_key(&record, &self.symbols) == key =>
                    {
                        Some(Some(record))
                    }
                    _ => None,
                },
            }
        };
        self.count(found.is_some());
        found
    }

    fn count(&mut self, hit: bool) {
        if hit {
            self.stats.hits += 1;
        } else {
            self.stats.misses += 1;
        }
    }

    /// Stores a record under its uuid and its key values.
    pub fn put_record(&mut self, record: CompactRecord) -> Rc<CompactRecord> {
        let record = Rc::new(record);
        let id = record.id().clone();
        if self.by_key.is_some() || !self.missing_keys.is_empty() {
            let key = record_key(&record, &self.symbols);
            self.missing_keys.remove(&key);
            if let Some(map) = &mut self.by_key {
                map.insert(key_hash(&key), id.clone());
            }
        }
        // A record already held keeps its place in the creation order; a new one
        // (or one remembered as a 404) gets a fresh slot at the end.
        let was_held = matches!(
            self.records.peek(&id),
            Some(Entry {
                record: Some(_),
                ..
            })
        );
        if !was_held {
            self.records.remove(&id);
            self.held += 1;
        }
        let entry = Entry {
            fetched_at: self.expiry.now(),
            record: Some(record.clone()),
            missing: None,
        };
        let evicted = self.records.insert(&id, entry);
        if let Some(place) = self.records.place(&id) {
            self.columns.set(place.0 as usize, &record);
            if !was_held {
                self.append_order(place, &record);
            }
        }
        self.forget_evicted(evicted);
        record
    }

    /// Adds a new record's place at the end of the creation order.
    fn append_order(&mut self, place: (u32, u32), record: &CompactRecord) {
        let key = (record.created_micros(), record.id().clone());
        if let Some((created, id)) = &self.order_last {
            let later = match key.0.cmp(created) {
                std::cmp::Ordering::Equal => compare_ids(&key.1, id).is_gt(),
                o => o == std::cmp::Ordering::Greater,
            };
            if !later {
                self.order_sorted = false;
            }
        }
        self.order_last = Some(key);
        self.order.push(place);
        // Places left by evicted records are dropped once they are as many as the live ones.
        if self.order.len() > 64 && self.order.len() > 2 * self.held.max(1) {
            let records = &self.records;
            self.order.retain(|&p| {
                matches!(
                    records.at_place(p),
                    Some(Entry {
                        record: Some(_),
                        ..
                    })
                )
            });
        }
    }

    /// Puts the held records in creation order (as the sandbox lists them). The order is
    /// kept as records arrive; it is sorted here only when a record arrived out of
    /// order (a refetch after a write), mostly a short merge of sorted runs.
    pub fn sort_order(&mut self) {
        if self.order_sorted {
            return;
        }
        let records = &self.records;
        // Each live place with its record's creation stamp, read once.
        let mut keyed: Vec<(i64, (u32, u32))> = self
            .order
            .iter()
            .filter_map(|&p| {
                let r = records.at_place(p)?.record.as_ref()?;
                Some((r.created_micros(), p))
            })
            .collect();
        // Stable, and quick on the few sorted runs that concurrent batches leave.
        keyed.sort_by(|a, b| {
            a.0.cmp(&b.0).then_with(|| {
                let x = records.at_place(a.1).and_then(|e| e.record.as_ref());
                let y = records.at_place(b.1).and_then(|e| e.record.as_ref());
                match (x, y) {
                    (Some(x), Some(y)) => compare_ids(x.id(), y.id()),
                    _ => std::cmp::Ordering::Equal,
                }
            })
        });
        self.order = keyed.into_iter().map(|(_, p)| p).collect();
        self.order_last = self
            .order
            .last()
            .and_then(|&p| records.at_place(p).and_then(|e| e.record.clone()))
            .map(|r| (r.created_micros(), r.id().clone()));
        self.order_sorted = true;
    }

    /// The held records, fresh or not, in the order of `order` (sorted by
    /// [`Caches::sort_order`]), as rows the search engine reads, with their cells.
    pub fn rows(&self) -> StoreRows<'_> {
        let records = &self.records;
        let mut rows = Vec::with_capacity(self.held);
        let mut slots = Vec::with_capacity(self.held);
        for &place in &self.order {
            if let Some(record) = records.at_place(place).and_then(|e| e.record.as_deref()) {
                rows.push(record);
                slots.push(place.0);
            }
        }
        StoreRows {
            rows,
            symbols: &self.symbols,
            cells: Some((&self.columns, slots)),
        }
    }

    /// The held records, fresh or not, in the order of `order` (sorted by
    /// [`Caches::sort_order`]).
    #[cfg(test)]
    pub fn ordered(&self) -> Vec<&CompactRecord> {
        let records = &self.records;
        self.order
            .iter()
            .filter_map(|&p| records.at_place(p).and_then(|e| e.record.as_deref()))
            .collect()
    }

    /// Remembers that a uuid does not exist.
    pub fn put_missing(&mut self, id: &str) {
        let id = Id::new(id);
        if let Some(Entry {
            record: Some(record),
            ..
        }) = self.records.remove(&id)
        {
            self.held = self.held.saturating_sub(1);
            self.forget_key(&record);
        }
        let entry = Entry {
            fetched_at: self.expiry.now(),
            record: None,
            missing: Some(Box::new(id.clone())),
        };
        let evicted = self.records.insert(&id, entry);
        self.forget_evicted(evicted);
    }

    fn forget_key(&mut self, record: &CompactRecord) {
        let Some(map) = &mut self.by_key else {
            return;
        };
        let hash = key_hash(&record_key(record, &self.symbols));
        if map.get(&hash) == Some(record.id()) {
            map.remove(&hash);
        }
    }

    /// Drops the key-values entries of evicted records and counts them.
    fn forget_evicted(&mut self, evicted: Vec<Entry>) {
        for entry in evicted {
            self.stats.evictions += 1;
            if let Some(record) = entry.record {
                self.held = self.held.saturating_sub(1);
                self.forget_key(&record);
            }
        }
    }

    /// Remembers that no record has these key values (within the same bound).
    pub fn put_missing_key(&mut self, key: String) {
        if self.missing_keys.len() >= self.records.lru.max {
            self.missing_keys.clear();
        }
        self.missing_keys.insert(key, self.expiry.now());
    }

    /// Marks a held record to be fetched again before any read answers it (a
    /// refetch): it keeps its slot and its place in the creation order, so the
    /// record fetched replaces it where it is, and queries need no re-sorting.
    pub fn expire_record(&mut self, text: &str) {
        if let Some(entry) = self.records.peek_mut(&Id::new(text)) {
            entry.fetched_at = STALE;
        }
        self.record_activities.remove(text);
    }

    /// Drops one record (before a refetch).
    pub fn drop_record(&mut self, id: &str) {
        if let Some(Entry {
            record: Some(record),
            ..
        }) = self.records.remove(&Id::new(id))
        {
            self.held = self.held.saturating_sub(1);
            self.forget_key(&record);
        }
        self.record_activities.remove(id);
    }

    /// A record's activities, if fetched less than the TTL ago.
    pub fn record_activities(&mut self, id: &str, now_ms: i64) -> Option<Rc<Vec<Activity>>> {
        let found = match self.record_activities.get(id) {
            Some((at, list)) if now_ms - at < RECORD_ACTIVITIES_TTL_MS => Some(list.clone()),
            _ => None,
        };
        self.count(found.is_some());
        found
    }

    /// Stores a record's activities, dropping expired or oldest entries beyond the bound.
    pub fn put_record_activities(&mut self, id: &str, now_ms: i64, list: Rc<Vec<Activity>>) {
        self.record_activities
            .retain(|_, (at, _)| now_ms - *at < RECORD_ACTIVITIES_TTL_MS);
        while self.record_activities.len() >= RECORD_ACTIVITIES_MAX {
            let oldest = self
                .record_activities
                .iter()
                .min_by_key(|(_, (at, _))| *at)
                .map(|(k, _)| k.clone());
            match oldest {
                Some(k) => self.record_activities.remove(&k),
                None => break,
            };
        }
        self.record_activities
            .insert(id.to_string(), (now_ms, list));
    }

    /// Forgets one record's activity list.
    pub fn drop_record_activities(&mut self, id: &str) {
        self.record_activities.remove(id);
    }

    /// Empties the record caches and the record-activities cache. The symbols
    /// stay: records JS still holds keep naming their fields.
    pub fn clear_records(&mut self) {
        self.records.clear();
        self.order.clear();
        self.order_sorted = true;
        self.order_last = None;
        self.columns.clear();
        self.held = 0;
        self.by_key = None;
        self.missing_keys.clear();
        self.record_activities.clear();
    }

    /// The counters, with the number of records held now.
    pub fn stats(&self) -> CacheStats {
        CacheStats {
            records: self.held as u64,
            ..self.stats
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::client::ident::key_values_key;
    use crate::core::store::Decoder;

    pub(super) fn decode(c: &mut Caches, json: serde_json::Value) -> CompactRecord {
        Decoder::new(&mut c.symbols)
            .record(json.to_string().as_bytes())
            .unwrap()
    }

    fn record(c: &mut Caches, id: &str) -> CompactRecord {
        decode(
            c,
            serde_json::json!({
                "id": id, "created_at": "2026-01-01T00:00:00Z", "entity_slice_id": "s",
                "identifier_ids": [format!("k-{id}")], "record_identifier": id,
                "record_values": { "kf": [{ "id": format!("k-{id}"), "content": id }] }, "sub_record_ids": []
            }),
        )
    }

    fn key(c: &mut Caches, id: &str) -> String {
        let r = record(c, id);
        record_key(&r, &c.symbols)
    }

    #[test]
    fn the_record_key_is_the_key_values_key_of_its_key_values() {
        let mut c = Caches::new(3);
        let r = decode(
            &mut c,
            serde_json::json!({
                "id": "r", "created_at": "2026-01-01T00:00:00Z", "entity_slice_id": "s",
                "identifier_ids": ["k1", "k2", "k3"], "record_identifier": "R",
                "record_values": {
                    "kb": [{ "id": "k2", "content": 5 }],
                    "ka": [{ "id": "k1", "content": "CMP-\"1\"" }],
                    "kc": [{ "id": "k3", "content": 2.5 }],
                    "data": [{ "id": "d", "content": 1 }]
                }
            }),
        );
        // Numbers as the server compares them: 5 and "5", 2.5 and "2.5" are one key.
        for pairs in [
            vec![
                ("ka".to_string(), serde_json::json!("CMP-\"1\"")),
                ("kb".to_string(), serde_json::json!(5)),
                ("kc".to_string(), serde_json::json!(2.5)),
            ],
            vec![
                ("kc".to_string(), serde_json::json!("2.5")),
                ("ka".to_string(), serde_json::json!("CMP-\"1\"")),
                ("kb".to_string(), serde_json::json!("5")),
            ],
        ] {
            assert_eq!(record_key(&r, &c.symbols), key_values_key(&pairs));
        }
    }

    #[test]
    fn the_least_recently_used_record_goes_first() {
        let mut c = Caches::new(3);
        for id in ["a", "b", "c"] {
            let r = record(&mut c, id);
            c.put_record(r);
        }
        assert!(c.record("a").is_some()); // a is now the most recent
        let d = record(&mut c, "d");
        c.put_record(d);
        assert!(
            c.peek_record("b").is_none(),
            "b was the least recently used"
        );
        assert!(
            c.peek_record("a").is_some()
                && c.peek_record("c").is_some()
                && c.peek_record("d").is_some()
        );
        assert_eq!(c.stats().evictions, 1);
        assert_eq!(c.stats().records, 3);
        // The evicted record's key values no longer answer.
        let (kb, ka) = (key(&mut c, "b"), key(&mut c, "a"));
        assert!(c.record_by_key(&kb).is_none());
        assert!(c.record_by_key(&ka).is_some());
        c.put_missing_key(kb.clone());
        assert_eq!(c.record_by_key(&kb), Some(None), "a remembered miss");
    }

    fn with_note(c: &mut Caches, id: &str, created: &str, note: &str) -> CompactRecord {
        decode(
            c,
            serde_json::json!({
                "id": id, "created_at": created, "entity_slice_id": "s",
                "identifier_ids": [], "record_identifier": id, "sub_record_ids": [],
                "record_values": { "notes": [{ "id": format!("v-{id}"), "content": note, "record_id": id }] }
            }),
        )
    }

    fn notes_equal(c: &mut Caches, note: &str) -> Vec<String> {
        let query: crate::core::query::SearchRecordsQuery = serde_json::from_value(serde_json::json!({
            "entity_field_filters": [{ "field_id": "notes", "filter_type": "is_equal", "filter_prop": note }]
        }))
        .unwrap();
        let search = crate::core::search::CompiledSearch::new(&query, 0).unwrap();
        c.sort_order();
        let rows = c.rows();
        search.run(&rows, None)
    }

    /// A cache holding records a, b and c, created a day apart, each noted "x".
    fn three_noted() -> Caches {
        let mut c = Caches::new(10);
        for (id, at) in [
            ("a", "2026-01-01T00:00:00Z"),
            ("b", "2026-01-02T00:00:00Z"),
            ("c", "2026-01-03T00:00:00Z"),
        ] {
            let r = with_note(&mut c, id, at, "x");
            c.put_record(r);
        }
        c
    }

    #[test]
    fn an_expired_record_is_no_answer_yet_its_refetch_takes_its_place() {
        let mut c = three_noted();
        let place = c.records.place(&Id::new("b"));
        c.expire_record("b");
        assert!(c.record("b").is_none(), "no read answers it");
        assert!(c.cached_record("b").is_none());
        assert!(c.peek_record("b").is_some(), "it is still held");
        let r = with_note(&mut c, "b", "2026-01-02T00:00:00Z", "y");
        c.put_record(r);
        assert!(c.record("b").is_some_and(|e| e.is_some()));
        assert_eq!(c.records.place(&Id::new("b")), place, "same slot");
        assert!(c.order_sorted, "no re-sort needed");
        assert_eq!(notes_equal(&mut c, "y"), ["b"]);
        assert_eq!(ids_in_order(&mut c), ["a", "b", "c"]);
        // Expiring what is not held does nothing.
        c.expire_record("nothing");
        assert_eq!(c.stats().records, 3);
    }

    fn ids_in_order(c: &mut Caches) -> Vec<String> {
        c.sort_order();
        c.ordered().iter().map(|r| r.id_string()).collect()
    }

    #[test]
    fn queries_read_the_store_in_creation_order_through_refetches_and_drops() {
        let mut c = three_noted();
        assert!(
            c.order_sorted,
            "records arriving in creation order need no sort"
        );
        assert_eq!(notes_equal(&mut c, "x"), ["a", "b", "c"]);
        // A write's refetch: dropped, then stored again with the new value.
        c.drop_record("b");
        assert_eq!(notes_equal(&mut c, "x"), ["a", "c"]);
        let b = with_note(&mut c, "b", "2026-01-02T00:00:00Z", "y");
        c.put_record(b);
        assert_eq!(notes_equal(&mut c, "x"), ["a", "c"]);
        assert_eq!(notes_equal(&mut c, "y"), ["b"]);
        // A record already held is replaced where it stands.
        let b = with_note(&mut c, "b", "2026-01-02T00:00:00Z", "x");
        c.put_record(b);
        assert_eq!(
            notes_equal(&mut c, "x"),
            ["a", "b", "c"],
            "b keeps its place in creation order"
        );
        let zero = with_note(&mut c, "0", "2025-12-31T00:00:00Z", "x");
        c.put_record(zero);
        assert_eq!(notes_equal(&mut c, "x"), ["0", "a", "b", "c"]);
        // A 404 over a held record, and drops.
        c.put_missing("a");
        assert_eq!(notes_equal(&mut c, "x"), ["0", "b", "c"]);
        let a = with_note(&mut c, "a", "2026-01-01T00:00:00Z", "x");
        c.put_record(a);
        assert_eq!(
            notes_equal(&mut c, "x"),
            ["0", "a", "b", "c"],
            "a 404 that comes back"
        );
        c.drop_record("b");
        c.drop_record("c");
        assert_eq!(notes_equal(&mut c, "x"), ["0", "a"]);
    }

    #[test]
    fn the_held_count_follows_every_change() {
        let mut c = Caches::new(3);
        let count = |c: &Caches| c.records.values().filter(|e| e.record.is_some()).count() as u64;
        let a = record(&mut c, "a");
        c.put_record(a.clone());
        c.put_record(a);
        c.put_missing("x");
        assert_eq!(
            (c.stats().records, count(&c)),
            (1, 1),
            "a replaced, x is a 404"
        );
        let b = record(&mut c, "b");
        c.put_record(b);
        let r = record(&mut c, "c");
        c.put_record(r);
        assert_eq!(
            (c.stats().records, count(&c)),
            (2, 2),
            "a, the oldest, was evicted; x stays a 404"
        );
        c.put_missing("b");
        assert_eq!((c.stats().records, count(&c)), (1, 1), "b is now a 404");
        c.drop_record("c");
        c.drop_record("nothing");
        assert_eq!((c.stats().records, count(&c)), (0, 0));
        let d = record(&mut c, "d");
        c.put_record(d);
        c.clear_records();
        assert_eq!(c.stats().records, 0);
    }

    #[test]
    fn a_bounded_cache_stays_bounded_under_load_and_frees_what_it_evicts() {
        let mut c = Caches::new(1_000);
        let mut weak = Vec::new();
        for i in 0..20_000 {
            let r = record(&mut c, &format!("r{i}"));
            let held = c.put_record(r);
            if i < 100 {
                weak.push(Rc::downgrade(&held));
            }
        }
        let stats = c.stats();
        assert_eq!((stats.records, stats.evictions), (1_000, 19_000));
        assert!(c.by_key.is_none(), "no lookup by key values, no key map");
        let k = key(&mut c, "r19999");
        assert!(c.record_by_key(&k).is_some());
        assert_eq!(c.by_key.as_ref().map(|m| m.len()), Some(1_000));
        assert!(
            c.order.len() <= 2_000,
            "the order list is compacted as records go"
        );
        assert!(
            weak.iter().all(|w| w.upgrade().is_none()),
            "evicted records are freed"
        );
        c.sort_order();
        assert_eq!(c.ordered().len(), 1_000);
    }
}

#[cfg(test)]
mod bookkeeping_tests {
    use super::*;

    fn record(c: &mut Caches, id: &str, created: &str, name: &str) -> CompactRecord {
        super::tests::decode(
            c,
            serde_json::json!({
                "id": id, "created_at": created, "entity_slice_id": "s",
                "identifier_ids": [format!("k-{id}")], "record_identifier": name,
                "record_values": { "kf": [{ "id": format!("k-{id}"), "content": name }] }, "sub_record_ids": []
            }),
        )
    }

    fn ids(c: &mut Caches) -> Vec<String> {
        c.sort_order();
        c.ordered().iter().map(|r| r.id_string()).collect()
    }

    #[test]
    fn records_stream_through_a_bounded_cache_without_the_order_growing() {
        let mut c = Caches::new(10);
        for i in 0..1000 {
            let r = record(
                &mut c,
                &format!("r{i}"),
                "2026-01-01T00:00:00Z",
                &format!("N{i}"),
            );
            c.put_record(r);
            assert!(
                c.order.len() <= 64.max(2 * c.held) + 1,
                "order holds {} places",
                c.order.len()
            );
        }
        assert_eq!(c.held, 10);
        assert_eq!(ids(&mut c).len(), 10);
    }

    #[test]
    fn the_creation_order_puts_ties_in_id_order() {
        let mut c = Caches::new(10);
        for (id, created) in [
            ("x", "2026-01-02T00:00:00Z"),
            ("b", "2026-01-01T00:00:00Z"),
            ("a", "2026-01-01T00:00:00Z"),
        ] {
            let r = record(&mut c, id, created, id);
            c.put_record(r);
        }
        assert_eq!(ids(&mut c), vec!["a", "b", "x"]);
    }

    #[test]
    fn a_record_stored_again_keeps_one_place() {
        let mut c = Caches::new(10);
        for _ in 0..3 {
            let r = record(&mut c, "a", "2026-01-01T00:00:00Z", "A");
            c.put_record(r);
        }
        assert_eq!(c.held, 1);
        assert_eq!(ids(&mut c), vec!["a"]);
    }

    #[test]
    fn a_renamed_record_is_not_found_by_its_old_key_values() {
        let mut c = Caches::new(10);
        let old = record(&mut c, "a", "2026-01-01T00:00:00Z", "CMP-1");
        let old_key = record_key(&old, &c.symbols);
        c.put_record(old);
        assert!(matches!(c.record_by_key(&old_key), Some(Some(_))));
        let renamed = record(&mut c, "a", "2026-01-01T00:00:00Z", "CMP-9");
        let new_key = record_key(&renamed, &c.symbols);
        c.put_record(renamed);
        assert!(
            c.record_by_key(&old_key).is_none(),
            "the old key values name no record now"
        );
        assert!(matches!(c.record_by_key(&new_key), Some(Some(_))));
    }
}

#[cfg(test)]
mod column_tests {
    use super::*;
    use crate::core::filter::FilterRuleType;
    use crate::core::query::SearchRecordsQuery;
    use crate::core::search::CompiledSearch;
    use crate::core::store::columns::Cell;
    use crate::core::store::Content;
    use serde_json::{json, Value};

    /// What a field may hold: floats, integers, numeric and other short texts (more
    /// distinct ones than a column names), long texts, lists, objects, null.
    fn content(n: u64) -> Value {
        match n % 16 {
            0..=3 => json!((n as f64 - 300.0) / 8.0),
            4 => json!(n % 7),
            5 => json!(["5", " 7.5 ", "1e3"][(n % 3) as usize]),
            6..=8 => json!(["SPR", "spr", "TR-FRET", "failed", "", "µM ≥ 5"][(n % 6) as usize]),
            9 | 10 => json!(format!("c{}", n % 400)),
            11 => json!("a text longer than fourteen bytes"),
            12 => json!(["SPR", 5]),
            13 => Value::Null,
            14 => json!({ "value": 3 }),
            _ => json!(1e300),
        }
    }

    /// A generated record's id: a uuid, or a text for one in five.
    fn id_of(i: u64) -> String {
        if i % 5 == 0 {
            format!("r{i}")
        } else {
            format!("00000000-0000-4000-8000-{i:012x}")
        }
    }

    fn generated(c: &mut Caches, i: u64, seed: u64) -> CompactRecord {
        let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ i;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut values = serde_json::Map::new();
        for field in ["num", "cat", "mix"] {
            if next() % 4 == 0 {
                continue;
            }
            let list: Vec<Value> = (0..1 + next() % 3)
                .map(|k| {
                    let pick = next();
                    let content = match field {
                        "num" if pick % 5 != 0 => json!((pick % 80) as f64 * 2.5 - 100.0),
                        "cat" if pick % 5 != 0 => json!(format!("c{}", pick % 900)),
                        _ => content(pick),
                    };
                    json!({ "id": format!("v{i}-{field}-{k}"), "content": content,
                            "created_at": format!("2026-01-0{}T00:00:00Z", 1 + next() % 9),
                            "record_id": id_of(i) })
                })
                .collect();
            values.insert(field.to_string(), Value::Array(list));
        }
        super::tests::decode(
            c,
            json!({
                "id": id_of(i), "created_at": "2026-01-01T00:00:00Z", "entity_slice_id": "s",
                "identifier_ids": [], "record_identifier": format!("CMP-{:04}", i % 50), "sub_record_ids": [],
                "record_values": values
            }),
        )
    }

    #[test]
    fn queries_answer_alike_from_the_columns_and_from_the_records() {
        let mut c = Caches::new(400);
        // More records than the bound (evictions), then refetches with other values in
        // the same slots, drops, and new records in the freed slots.
        for i in 0..600 {
            let r = generated(&mut c, i, 1);
            c.put_record(r);
        }
        for i in (300..600).step_by(3) {
            let r = generated(&mut c, i, 2);
            c.put_record(r);
        }
        for i in (400..600).step_by(7) {
            c.drop_record(&id_of(i));
        }
        for i in 600..640 {
            let r = generated(&mut c, i, 3);
            c.put_record(r);
        }
        c.sort_order();
        let props = [
            Value::Null,
            json!(5),
            json!(-12.5),
            json!("5"),
            json!("SPR"),
            json!("c7"),
            json!(["spr", "c12", "TR-FRET"]),
            json!(["SPR", 5]),
            json!([-100, 5]),
            json!(-100),
            json!("2026-01-05"),
            json!(3),
        ];
        let (mut compared, mut from_cells) = (0, 0);
        for rule in FilterRuleType::ALL {
            for prop in &props {
                for field in ["num", "cat", "mix", "none"] {
                    for sort in [false, true] {
                        let mut query = json!({ "entity_field_filters": [
                            { "field_id": field, "filter_type": rule.as_str(), "filter_prop": prop }
                        ] });
                        if sort {
                            query["entity_field_sorts"] =
                                json!([{ "field_id": field, "descending": true }]);
                        }
                        let query: SearchRecordsQuery = serde_json::from_value(query).unwrap();
                        let Ok(search) = CompiledSearch::new(&query, 0) else {
                            continue;
                        };
                        let with_cells = c.rows();
                        let without = StoreRows {
                            rows: c.ordered(),
                            symbols: &c.symbols,
                            cells: None,
                        };
                        let answer = search.run(&with_cells, None);
                        assert_eq!(
                            answer,
                            search.run(&without, None),
                            "{rule:?} {prop} on {field}, sorted: {sort}"
                        );
                        compared += 1;
                        from_cells += usize::from(!answer.is_empty());
                    }
                }
            }
        }
        assert!(
            compared > 1_000 && from_cells > 300,
            "{compared} {from_cells}"
        );
        // Every cell that holds a value holds the record's current one (what
        // `columns()` reads in its place), and a uuid is found at its record's slot.
        let rows = c.rows();
        let mut cells_read = 0;
        for field in ["num", "cat", "mix", "none"] {
            let sym = c.symbols.find(field);
            let column = c.columns().column(sym);
            for at in 0..rows.rows.len() {
                let (record, slot) = (rows.rows[at], rows.slot(at).unwrap());
                let current = record.current(sym).map(|v| &v.content);
                match column.and_then(|col| col.cell(slot)) {
                    Some(Cell::Number(n)) => assert_eq!(current, Some(&Content::Float(n))),
                    Some(Cell::Named(_, named)) => assert_eq!(current, Some(named)),
                    None => continue,
                }
                cells_read += 1;
            }
            for record in &rows.rows {
                let (found, slot) = c.peek_record_slot(record.id()).unwrap();
                assert!(std::ptr::eq(found, *record));
                assert_eq!(
                    c.columns().uuid(slot).is_some(),
                    !record.id_string().starts_with('r')
                );
            }
        }
        assert!(cells_read > 400, "{cells_read}");
        // The ids handed to JavaScript, read from the uuid column, are the records' own.
        let rows = c.rows();
        let without = StoreRows {
            rows: c.ordered(),
            symbols: &c.symbols,
            cells: None,
        };
        let every: Vec<usize> = (0..rows.rows.len()).rev().collect();
        let ids: Vec<String> = without.rows.iter().rev().map(|r| r.id_string()).collect();
        assert!(ids.iter().filter(|id| id.starts_with('r')).count() > 50);
        assert_eq!(rows.ids_json(&every), serde_json::to_string(&ids).unwrap());
        // The columns hold cells: numbers for "num", codes for "cat", a full name table.
        let num = rows
            .cells
            .as_ref()
            .and_then(|(cols, _)| cols.column(c.symbols.find("num")))
            .unwrap();
        assert!(num.numbers.iter().filter(|n| !n.is_nan()).count() > 100);
        let cat = rows
            .cells
            .as_ref()
            .and_then(|(cols, _)| cols.column(c.symbols.find("cat")))
            .unwrap();
        assert_eq!(cat.names.len(), crate::core::store::columns::MAX_CATEGORIES);
        assert!(cat.categories.iter().filter(|&&code| code != 0).count() > 100);
    }
}

#[cfg(test)]
mod slot_tests {
    use super::*;

    #[test]
    fn two_uuids_with_one_digest_cost_a_miss_never_a_wrong_answer() {
        let mut c = Caches::new(10);
        let a = super::tests::decode(
            &mut c,
            serde_json::json!({ "id": "a", "created_at": "2026-01-01T00:00:00Z", "entity_slice_id": "s",
                "identifier_ids": [], "record_identifier": "A", "sub_record_ids": [], "record_values": {} }),
        );
        let (a_id, b_id) = (a.id().clone(), Id::new("b"));
        // What a collision would leave: a's entry under b's digest.
        let entry = Entry {
            fetched_at: 0,
            record: Some(Rc::new(a)),
            missing: None,
        };
        c.records.lru.insert(&b_id.digest(), entry);
        assert!(
            c.records.get(&b_id).is_none(),
            "a's entry does not answer for b"
        );
        assert!(c.records.peek(&b_id).is_none());
        assert!(c.records.place(&b_id).is_none());
        assert!(c.records.remove(&b_id).is_none(), "nor is it removed for b");
        // Storing b takes the digest over and hands a's entry back as dropped.
        let missing_b = Entry {
            fetched_at: 0,
            record: None,
            missing: Some(Box::new(b_id.clone())),
        };
        let dropped = c.records.insert(&b_id, missing_b);
        assert!(dropped.len() == 1 && dropped.iter().all(|e| e.is(&a_id)));
        assert!(c.records.get(&b_id).is_some_and(|e| e.record.is_none()));
        assert!(c.records.get(&a_id).is_none());
    }
}
