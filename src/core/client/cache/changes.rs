//! What changed in the held records, for user interfaces that redraw on change:
//! a version that moves exactly when the held records change, and the changes
//! in batches `{ version, ids, reason }`, one per run of changes of one reason.
//!
//! The caches note each change as it happens; the client hands the batches
//! over after each operation ([`Changes::take`]), so that a load of a thousand
//! records is one batch. Batches are kept only while someone listens
//! ([`Changes::listen`]).
//!
//! The caches reach the log through a trait object made the first time the
//! client asks for the version or the changes: until then the caches pay one
//! check per change, and a package that never asks carries none of this code.

use crate::core::store::{CompactRecord, Id};

/// What the caches tell the change log.
pub(super) trait ChangeLog {
    /// A record was stored over `before` (`None`: it was not held).
    fn stored(&mut self, id: &Id, before: Option<&CompactRecord>, after: &CompactRecord);
    /// A held record was dropped for `reason` (a write's drop is "written").
    fn dropped(&mut self, id: &Id, reason: ChangeReason);
    /// A record a write is about to fetch again or drop.
    fn expect_write(&mut self, id: &str);
    /// Whether what is stored now comes from a snapshot.
    fn set_restoring(&mut self, on: bool);
    /// The log itself, for the version and the batches.
    fn changes(&mut self) -> &mut Changes;
}

impl ChangeLog for Changes {
    fn stored(&mut self, id: &Id, before: Option<&CompactRecord>, after: &CompactRecord) {
        // A refresh that brings the record back as it was changes nothing held.
        if before != Some(after) {
            let reason = self.stored_reason(id, before.is_some());
            self.note(reason, id);
        }
    }

    fn dropped(&mut self, id: &Id, reason: ChangeReason) {
        let reason = match reason {
            ChangeReason::Removed => self.dropped_reason(id, reason),
            other => other,
        };
        self.note(reason, id);
    }

    fn expect_write(&mut self, id: &str) {
        Changes::expect_write(self, id);
    }

    fn set_restoring(&mut self, on: bool) {
        self.restoring = on;
    }

    fn changes(&mut self) -> &mut Changes {
        self
    }
}

/// Why held records changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeReason {
    /// Records fetched that were not held.
    Loaded,
    /// Held records fetched again with other contents.
    Refreshed,
    /// Records written through this client, fetched again or dropped after the write.
    Written,
    /// Records dropped to stay within the cache's bound.
    Evicted,
    /// Records dropped because the server no longer has them, or to be fetched again.
    Removed,
    /// Records put back from a snapshot.
    Restored,
    /// Every record dropped at once.
    Cleared,
}

impl ChangeReason {
    /// The reason as change events name it: `"loaded"`, `"refreshed"`, …
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeReason::Loaded => "loaded",
            ChangeReason::Refreshed => "refreshed",
            ChangeReason::Written => "written",
            ChangeReason::Evicted => "evicted",
            ChangeReason::Removed => "removed",
            ChangeReason::Restored => "restored",
            ChangeReason::Cleared => "cleared",
        }
    }
}

/// One batch of changes of one reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeBatch {
    /// The version after the batch's last change.
    pub version: u64,
    /// The records that changed, in the order they changed (each once).
    pub ids: Vec<String>,
    /// Why they changed.
    pub reason: ChangeReason,
}

/// The version, and the batches not yet handed over.
#[derive(Debug, Default)]
pub struct Changes {
    version: u64,
    listening: bool,
    pending: Vec<(u64, ChangeReason, Vec<Id>)>,
    /// Records a write through this client is about to fetch again or drop, by
    /// digest: a collision costs a change named "written" that was a refresh.
    writing: Vec<u64>,
    /// What every stored record is, while a restore puts records back.
    restoring: bool,
}

impl Changes {
    /// A number that changes exactly when the held records change.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Starts or stops keeping batches; stopping drops those not handed over.
    pub fn listen(&mut self, on: bool) {
        self.listening = on;
        if !on {
            self.pending.clear();
        }
    }

    /// Marks a record a write is about to change: its next change is [`ChangeReason::Written`].
    pub fn expect_write(&mut self, id: &str) {
        let digest = Id::new(id).digest();
        if !self.writing.contains(&digest) {
            self.writing.push(digest);
        }
    }

    /// The batches since the last call, oldest first.
    pub fn take(&mut self) -> Vec<ChangeBatch> {
        std::mem::take(&mut self.pending)
            .into_iter()
            .map(|(version, reason, ids)| {
                // A record that changed twice in one batch is named once.
                let mut seen = std::collections::HashSet::with_capacity(ids.len());
                ChangeBatch {
                    version,
                    ids: ids
                        .iter()
                        .filter(|id| seen.insert(*id))
                        .map(Id::text)
                        .collect(),
                    reason,
                }
            })
            .collect()
    }

    /// The reason a stored record changed: a restore, a write, or else a load or a refresh.
    fn stored_reason(&mut self, id: &Id, was_held: bool) -> ChangeReason {
        if self.restoring {
            ChangeReason::Restored
        } else if self.take_write(id) {
            ChangeReason::Written
        } else if was_held {
            ChangeReason::Refreshed
        } else {
            ChangeReason::Loaded
        }
    }

    /// The reason a held record was dropped (a write's, or `otherwise`).
    fn dropped_reason(&mut self, id: &Id, otherwise: ChangeReason) -> ChangeReason {
        if self.take_write(id) {
            ChangeReason::Written
        } else {
            otherwise
        }
    }

    fn take_write(&mut self, id: &Id) -> bool {
        if self.writing.is_empty() {
            return false;
        }
        let digest = id.digest();
        match self.writing.iter().position(|w| *w == digest) {
            Some(at) => {
                self.writing.swap_remove(at);
                true
            }
            None => false,
        }
    }

    /// Notes that a held record changed: the version moves, and the record joins
    /// the last batch when that batch has the same reason.
    fn note(&mut self, reason: ChangeReason, id: &Id) {
        self.version += 1;
        if !self.listening {
            return;
        }
        match self.pending.last_mut() {
            Some((version, last, ids)) if *last == reason => {
                *version = self.version;
                ids.push(id.clone());
            }
            _ => self.pending.push((self.version, reason, vec![id.clone()])),
        }
    }
}

impl<T: crate::core::client::Transport> crate::core::client::Client<T> {
    /// A number that changes exactly when the records the client holds change.
    pub fn records_version(&self) -> u64 {
        self.cache.borrow_mut().changes().version()
    }

    /// Starts or stops keeping change batches (for a first or last listener).
    pub fn listen_for_changes(&self, on: bool) {
        self.cache.borrow_mut().changes().listen(on);
    }

    /// The change batches since the last call, oldest first: what listeners receive
    /// after each operation.
    pub fn take_changes(&self) -> Vec<ChangeBatch> {
        self.cache.borrow_mut().changes().take()
    }
}

#[cfg(test)]
mod tests;
