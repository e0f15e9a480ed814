//! The caches to and from a snapshot (`store::snapshot`): what a page keeps so
//! that it can answer from the records it held without the network.
//!
//! A snapshot holds the records (not the remembered 404s, nor the short-lived
//! activities of one record), each with the time it was fetched, so that a read
//! that honours a TTL treats a restored record as any record of that age; and
//! the key-field, data-field and activity lists, each with its fetch time.

use super::{Caches, Listed};
use crate::core::client::{Client, Transport};
use crate::core::store::snapshot::{self, Discarded, Encoded, HeldList, ListsRef};
use std::rc::Rc;

/// What a restore brought back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RestoreSummary {
    /// How many records the snapshot put in the cache.
    pub records: usize,
    /// When the snapshot was written, ms since the epoch.
    pub saved_at: i64,
}

fn listed<T>(held: Option<HeldList<T>>) -> Option<Listed<T>> {
    held.map(|h| Listed {
        fetched_at: h.fetched_at,
        list: Rc::new(h.list),
    })
}

/// Keeps the list fetched last: a restore never replaces a newer one.
fn newer<T>(held: Option<Listed<T>>, restored: Option<Listed<T>>) -> Option<Listed<T>> {
    match (held, restored) {
        (Some(h), Some(r)) if r.fetched_at > h.fetched_at => Some(r),
        (Some(h), _) => Some(h),
        (None, r) => r,
    }
}

impl Caches {
    /// A snapshot of the held records and lists, written at `saved_at` (ms since the epoch).
    pub fn snapshot(&self, saved_at: i64) -> Encoded {
        let records = self
            .records
            .lru
            .oldest_first()
            .filter_map(|e| Some((e.fetched_at, e.record.as_deref()?)));
        let lists = ListsRef {
            key_fields: self
                .key_fields
                .as_ref()
                .map(|l| (l.fetched_at, l.list.as_slice())),
            data_fields: self
                .data_fields
                .as_ref()
                .map(|l| (l.fetched_at, l.list.as_slice())),
            activities: self
                .activities
                .as_ref()
                .map(|l| (l.fetched_at, l.list.as_slice())),
        };
        snapshot::write(saved_at, &self.symbols, records, lists)
    }

    /// Puts a snapshot's records and lists into the caches, each with the time it
    /// was fetched; what the caches hold from a later fetch stays. Rejects with the
    /// reason when the snapshot is discarded, and then the caches are as they were.
    pub fn restore(&mut self, bytes: &[u8]) -> Result<RestoreSummary, Discarded> {
        let restored = snapshot::read(bytes, &mut self.symbols)?;
        let mut records = 0;
        // The oldest records beyond the bound would only be evicted again.
        let beyond = restored.records.len().saturating_sub(self.records.lru.max);
        for (fetched_at, record) in restored.records.into_iter().skip(beyond) {
            let id = record.id().clone();
            // A record (or a 404) fetched since the snapshot was written is newer.
            let held = self.records.peek(&id).map(|e| e.fetched_at);
            if held.is_some_and(|at| at != super::STALE && at >= fetched_at) {
                continue;
            }
            self.put_record(record);
            if let Some(entry) = self.records.peek_mut(&id) {
                entry.fetched_at = fetched_at;
            }
            records += 1;
        }
        self.key_fields = newer(self.key_fields.take(), listed(restored.key_fields));
        self.data_fields = newer(self.data_fields.take(), listed(restored.data_fields));
        self.activities = newer(self.activities.take(), listed(restored.activities));
        Ok(RestoreSummary {
            records,
            saved_at: restored.saved_at,
        })
    }
}

impl<T: Transport> Client<T> {
    /// A snapshot of the records and lists the client holds, written now.
    pub fn snapshot(&self) -> Encoded {
        self.cache.borrow().snapshot(self.now())
    }

    /// Restores a snapshot into the client's caches (see [`Caches::restore`]);
    /// answers how many records it brought back, or why it was discarded.
    pub fn restore(&self, bytes: &[u8]) -> Result<RestoreSummary, Discarded> {
        self.cache.borrow_mut().restore(bytes)
    }
}

#[cfg(test)]
mod tests;
