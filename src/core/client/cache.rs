//! The caches of one client: records by uuid and by key values, a record's
//! activities for a short while, and the field and activity lists.

use crate::core::client::ident::key_values_key;
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

#[derive(Default)]
pub(super) struct Caches {
    /// uuid → the record, or `None` when the server said 404.
    records: HashMap<String, Option<Rc<Record>>>,
    /// key-values key → record uuid, or `None` when no record has those values.
    by_key: HashMap<String, Option<String>>,
    record_activities: HashMap<String, (i64, Rc<Vec<Activity>>)>,
    pub key_fields: Option<Rc<Vec<EntityField>>>,
    pub data_fields: Option<Rc<Vec<EntityField>>>,
    pub activities: Option<Rc<Vec<Activity>>>,
    pub stats: CacheStats,
    /// The cached records laid out for `queryCached`; rebuilt after the records change.
    index: Option<SearchIndex>,
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

    /// A cached entry without counting a lookup.
    pub fn peek_record(&self, id: &str) -> Option<Option<Rc<Record>>> {
        self.records.get(id).cloned()
    }

    /// Whether the uuid is cached, without counting a lookup.
    pub fn has_record(&self, id: &str) -> bool {
        self.records.contains_key(id)
    }

    /// Looks up a record by its key-values key.
    pub fn record_by_key(&mut self, key: &str) -> Option<Option<Rc<Record>>> {
        let found = match self.by_key.get(key) {
            None => None,
            Some(None) => Some(None),
            Some(Some(id)) => self.records.get(id).cloned(),
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
        self.index = None;
        self.by_key
            .insert(record_key(&record), Some(record.id.clone()));
        self.records.insert(record.id.clone(), Some(record.clone()));
        record
    }

    /// Remembers that a uuid does not exist.
    pub fn put_missing(&mut self, id: &str) {
        if let Some(Some(_)) = self.records.insert(id.to_string(), None) {
            self.index = None;
        }
    }

    /// Remembers that no record has these key values.
    pub fn put_missing_key(&mut self, key: String) {
        self.by_key.insert(key, None);
    }

    /// Drops one record (before a refetch).
    pub fn drop_record(&mut self, id: &str) {
        if let Some(Some(record)) = self.records.remove(id) {
            self.index = None;
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
        self.by_key.clear();
        self.record_activities.clear();
    }

    /// The counters, with the number of records held now.
    pub fn stats(&self) -> CacheStats {
        CacheStats {
            records: self.records.values().flatten().count() as u64,
            ..self.stats
        }
    }
}
