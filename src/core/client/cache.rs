//! The caches of one client: records by uuid and by key values, a record's
//! activities for a short while, and the field and activity lists.

use crate::core::client::ident::key_values_key;
use crate::core::client::lru::Lru;
use crate::core::model::{Activity, EntityField, Record};
use crate::core::search::SearchIndex;
use std::collections::HashMap;
use std::rc::Rc;

/// How long a record's activity list is reused.
pub const RECORD_ACTIVITIES_TTL_MS: i64 = 10_000;
/// How many records' activity lists are kept.
pub const RECORD_ACTIVITIES_MAX: usize = 128;

/// Counters a caller can read to see the cache at work.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Lookups answered from the cache (a remembered "not found" counts).
    pub hits: u64,
    /// Lookups that needed a request.
    pub misses: u64,
    /// Records dropped to stay within the bound.
    pub evictions: u64,
    /// Records held now.
    pub records: u64,
}

type Entry = Option<Rc<Record>>;

pub(super) struct Caches {
    /// uuid → the record, or `None` when the server said 404.
    records: Lru<Entry>,
    /// key-values key → record uuid, or `None` when no record has those values.
    by_key: HashMap<String, Option<String>>,
    record_activities: HashMap<String, (i64, Rc<Vec<Activity>>)>,
    pub key_fields: Option<Rc<Vec<EntityField>>>,
    pub data_fields: Option<Rc<Vec<EntityField>>>,
    pub activities: Option<Rc<Vec<Activity>>>,
    pub stats: CacheStats,
    /// How many entries of `records` hold a record (not a remembered 404).
    held: usize,
    /// The cached records laid out for `queryCached`; rebuilt after the records change.
    index: Option<SearchIndex>,
}

impl Caches {
    /// Empty caches holding at most `max_records` records.
    pub fn new(max_records: usize) -> Self {
        Caches {
            records: Lru::new(max_records),
            held: 0,
            by_key: HashMap::new(),
            record_activities: HashMap::new(),
            key_fields: None,
            data_fields: None,
            activities: None,
            stats: CacheStats::default(),
            index: None,
        }
    }
}

/// The key values of a record as a cache key: the first value of each field
/// that holds one of its identifier values.
pub fn record_key(record: &Record) -> String {
    let pairs: Vec<(String, serde_json::Value)> = record
        .record_values
        .iter()
        .filter_map(|(field_id, values)| {
            let first = values.first()?;
            record
                .identifier_ids
                .contains(&first.id)
                .then(|| (field_id.clone(), first.content.clone()))
        })
        .collect();
    key_values_key(&pairs)
}

impl Caches {
    /// `Some(entry)` when the uuid is cached (the entry is `None` for a remembered 404).
    pub fn record(&mut self, id: &str) -> Option<Option<Rc<Record>>> {
        let found = self.records.get(id).cloned();
        self.count(found.is_some());
        found
    }

    /// A cached record (not a remembered 404), counted as a hit and marked used;
    /// nothing is counted when it is not there.
    pub fn cached_record(&mut self, id: &str) -> Option<Rc<Record>> {
        let record = self.records.get(id)?.clone()?;
        self.count(true);
        Some(record)
    }

    /// Marks a cached record used (last to be evicted), without counting a lookup.
    pub fn touch(&mut self, id: &str) {
        let _ = self.records.get(id);
    }

    /// A cached entry without counting a lookup or marking it used.
    pub fn peek_record(&self, id: &str) -> Option<Option<Rc<Record>>> {
        self.records.peek(id).cloned()
    }

    /// Looks up a record by its key-values key.
    pub fn record_by_key(&mut self, key: &str) -> Option<Option<Rc<Record>>> {
        let found = match self.by_key.get(key) {
            None => None,
            Some(None) => Some(None),
            Some(Some(id)) => {
                let id = id.clone();
                self.records.get(&id).cloned()
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
    pub fn put_record(&mut self, record: Record) -> Rc<Record> {
        let record = Rc::new(record);
        // A record the index already has a row for (a refetch after a write) is
        // updated in place; a new one needs its place in creation order: rebuild.
        match self.index.as_mut() {
            Some(index) if index.has_row(&record.id) => index.upsert(&record),
            _ => self.index = None,
        }
        self.by_key
            .insert(record_key(&record), Some(record.id.clone()));
        if !self.holds(&record.id) {
            self.held += 1;
        }
        let evicted = self.records.insert(&record.id, Some(record.clone()));
        self.forget_evicted(evicted);
        record
    }

    /// Takes a record out of the search index; rebuilds later once more than half
    /// of the rows are left from removed records.
    fn unindex(&mut self, id: &str) {
        if let Some(index) = self.index.as_mut() {
            index.remove(id);
            if index.removed_rows() > index.len() {
                self.index = None;
            }
        }
    }

    fn holds(&self, id: &str) -> bool {
        matches!(self.records.peek(id), Some(Some(_)))
    }

    /// Remembers that a uuid does not exist.
    pub fn put_missing(&mut self, id: &str) {
        self.unindex(id);
        if self.holds(id) {
            self.held = self.held.saturating_sub(1);
        }
        let evicted = self.records.insert(id, None);
        self.forget_evicted(evicted);
    }

    /// Drops the key-values entries of evicted records and counts them.
    fn forget_evicted(&mut self, evicted: Vec<Entry>) {
        for entry in evicted {
            self.stats.evictions += 1;
            if let Some(record) = entry {
                self.held = self.held.saturating_sub(1);
                self.unindex(&record.id);
                let key = record_key(&record);
                if self.by_key.get(&key).and_then(|v| v.as_deref()) == Some(record.id.as_str()) {
                    self.by_key.remove(&key);
                }
            }
        }
    }

    /// Remembers that no record has these key values (within the same bound).
    pub fn put_missing_key(&mut self, key: String) {
        if self.by_key.len() >= self.records.max {
            self.by_key.retain(|_, v| v.is_some());
        }
        self.by_key.insert(key, None);
    }

    /// Drops one record (before a refetch).
    pub fn drop_record(&mut self, id: &str) {
        if let Some(Some(record)) = self.records.remove(id) {
            self.held = self.held.saturating_sub(1);
            self.unindex(id);
            self.by_key.remove(&record_key(&record));
        }
        self.record_activities.remove(id);
    }

    /// The cached records as a search index, in creation order (as the sandbox
    /// lists them), built on first use after any change.
    pub fn search_index(&mut self) -> &SearchIndex {
        let records = &self.records;
        self.index.get_or_insert_with(|| {
            let mut list: Vec<&Record> = records.values().flatten().map(|r| r.as_ref()).collect();
            list.sort_by(|a, b| {
                a.created_at
                    .cmp(&b.created_at)
                    .then_with(|| a.id.cmp(&b.id))
            });
            SearchIndex::from_records(list)
        })
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

    /// Empties the record caches and the record-activities cache.
    pub fn clear_records(&mut self) {
        self.index = None;
        self.records.clear();
        self.held = 0;
        self.by_key.clear();
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

    fn record(id: &str) -> Record {
        serde_json::from_value(serde_json::json!({
            "id": id, "created_at": "2026-01-01T00:00:00Z", "entity_slice_id": "s",
            "identifier_ids": [format!("k-{id}")], "record_identifier": id,
            "record_values": { "kf": [{ "id": format!("k-{id}"), "content": id }] }, "sub_record_ids": []
        }))
        .unwrap()
    }

    #[test]
    fn the_least_recently_used_record_goes_first() {
        let mut c = Caches::new(3);
        for id in ["a", "b", "c"] {
            c.put_record(record(id));
        }
        assert!(c.record("a").is_some()); // a is now the most recent
        c.put_record(record("d"));
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
        assert!(c.record_by_key(&record_key(&record("b"))).is_none());
        assert!(c.record_by_key(&record_key(&record("a"))).is_some());
    }

    fn with_note(id: &str, created: &str, note: &str) -> Record {
        serde_json::from_value(serde_json::json!({
            "id": id, "created_at": created, "entity_slice_id": "s",
            "identifier_ids": [], "record_identifier": id, "sub_record_ids": [],
            "record_values": { "notes": [{ "id": format!("v-{id}"), "content": note, "record_id": id }] }
        }))
        .unwrap()
    }

    fn notes_equal(c: &mut Caches, note: &str) -> Vec<String> {
        let query: crate::core::query::SearchRecordsQuery = serde_json::from_value(serde_json::json!({
            "entity_field_filters": [{ "field_id": "notes", "filter_type": "is_equal", "filter_prop": note }]
        }))
        .unwrap();
        let search = crate::core::search::CompiledSearch::new(&query, 0).unwrap();
        search.run(c.search_index(), None)
    }

    #[test]
    fn the_search_index_follows_refetches_and_drops_without_a_rebuild() {
        let mut c = Caches::new(10);
        c.put_record(with_note("a", "2026-01-01T00:00:00Z", "x"));
        c.put_record(with_note("b", "2026-01-02T00:00:00Z", "x"));
        c.put_record(with_note("c", "2026-01-03T00:00:00Z", "x"));
        assert_eq!(notes_equal(&mut c, "x"), ["a", "b", "c"]);
        // A write's refetch: dropped, then stored again with the new value.
        c.drop_record("b");
        assert!(c.index.is_some(), "a drop keeps the index");
        assert_eq!(notes_equal(&mut c, "x"), ["a", "c"]);
        c.put_record(with_note("b", "2026-01-02T00:00:00Z", "y"));
        assert!(
            c.index.is_some(),
            "a known record updates the index in place"
        );
        assert_eq!(notes_equal(&mut c, "x"), ["a", "c"]);
        assert_eq!(notes_equal(&mut c, "y"), ["b"]);
        c.put_record(with_note("b", "2026-01-02T00:00:00Z", "x"));
        assert_eq!(
            notes_equal(&mut c, "x"),
            ["a", "b", "c"],
            "b keeps its place in creation order"
        );
        // A record the index has never seen makes it rebuild, in creation order.
        c.put_record(with_note("0", "2025-12-31T00:00:00Z", "x"));
        assert!(c.index.is_none());
        assert_eq!(notes_equal(&mut c, "x"), ["0", "a", "b", "c"]);
        // A 404 over a held record and many drops: answers stay right, and a mostly
        // removed index is rebuilt.
        c.put_missing("a");
        assert_eq!(notes_equal(&mut c, "x"), ["0", "b", "c"]);
        c.drop_record("b");
        c.drop_record("c");
        assert!(
            c.index.is_none(),
            "three of four rows removed: rebuilt on next use"
        );
        assert_eq!(notes_equal(&mut c, "x"), ["0"]);
    }

    #[test]
    fn the_held_count_follows_every_change() {
        let mut c = Caches::new(3);
        let count = |c: &Caches| c.records.values().filter(|e| e.is_some()).count() as u64;
        c.put_record(record("a"));
        c.put_record(record("a"));
        c.put_missing("x");
        assert_eq!(
            (c.stats().records, count(&c)),
            (1, 1),
            "a replaced, x is a 404"
        );
        c.put_record(record("b"));
        c.put_record(record("c"));
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
        c.put_record(record("d"));
        c.clear_records();
        assert_eq!(c.stats().records, 0);
    }

    #[test]
    fn a_bounded_cache_stays_bounded_under_load() {
        let mut c = Caches::new(1_000);
        for i in 0..20_000 {
            c.put_record(record(&format!("r{i}")));
        }
        let stats = c.stats();
        assert_eq!((stats.records, stats.evictions), (1_000, 19_000));
        assert!(c.by_key.len() <= 1_000);
        assert_eq!(c.search_index().len(), 1_000);
    }
}
