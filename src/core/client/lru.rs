//! A least-recently-used map from record id to cache entry. A lookup marks the entry used
//! without allocating: entries sit in a slab linked newest to oldest. Each slot
//! carries the serial number of the entry stored in it, so that a place remembered
//! elsewhere (the store's creation order) can tell a reused slot from its own entry.

use crate::core::hash::FastMap;
use std::hash::Hash;

/// No slot: the end of the list.
const NONE: usize = usize::MAX;

struct Slot<K, V> {
    key: K,
    value: V,
    serial: u32,
    newer: usize,
    older: usize,
}

/// id → value, the least recently used dropped first when over `max`.
pub(super) struct Lru<K, V> {
    index: FastMap<K, usize>,
    slots: Vec<Option<Slot<K, V>>>,
    next_serial: u32,
    free: Vec<usize>,
    newest: usize,
    oldest: usize,
    pub max: usize,
}

impl<K: Hash + Eq + Clone, V> Lru<K, V> {
    pub fn new(max: usize) -> Self {
        Lru {
            index: FastMap::default(),
            slots: Vec::new(),
            next_serial: 0,
            free: Vec::new(),
            newest: NONE,
            oldest: NONE,
            max: max.max(1),
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.index.len()
    }

    fn slot(&mut self, at: usize) -> Option<&mut Slot<K, V>> {
        self.slots.get_mut(at).and_then(Option::as_mut)
    }

    /// Takes a slot out of the newest-to-oldest list.
    fn unlink(&mut self, at: usize) {
        let Some((newer, older)) = self.slot(at).map(|s| (s.newer, s.older)) else {
            return;
        };
        match self.slot(newer) {
            Some(s) => s.older = older,
            None => self.newest = older,
        }
        match self.slot(older) {
            Some(s) => s.newer = newer,
            None => self.oldest = newer,
        }
    }

    /// Puts a slot at the newest end of the list.
    fn link_newest(&mut self, at: usize) {
        let previous = self.newest;
        if let Some(s) = self.slot(at) {
            s.newer = NONE;
            s.older = previous;
        }
        match self.slot(previous) {
            Some(s) => s.newer = at,
            None => self.oldest = at,
        }
        self.newest = at;
    }

    /// The value, marked as just used.
    pub fn get(&mut self, key: &K) -> Option<&V> {
        let at = *self.index.get(key)?;
        if self.newest != at {
            self.unlink(at);
            self.link_newest(at);
        }
        self.slots.get(at)?.as_ref().map(|s| &s.value)
    }

    /// The value, without marking it used.
    pub fn peek(&self, key: &K) -> Option<&V> {
        let at = *self.index.get(key)?;
        self.slots.get(at)?.as_ref().map(|s| &s.value)
    }

    /// The value, to change in place, without marking it used.
    pub fn peek_mut(&mut self, key: &K) -> Option<&mut V> {
        let at = *self.index.get(key)?;
        self.slots.get_mut(at)?.as_mut().map(|s| &mut s.value)
    }

    /// Where a key's entry is: its slot and serial number.
    pub fn place(&self, key: &K) -> Option<(u32, u32)> {
        let at = *self.index.get(key)?;
        let serial = self.slots.get(at)?.as_ref()?.serial;
        Some((at as u32, serial))
    }

    /// The value at a place, if the slot still holds that entry.
    pub fn at_place(&self, (at, serial): (u32, u32)) -> Option<&V> {
        self.slots
            .get(at as usize)?
            .as_ref()
            .filter(|s| s.serial == serial)
            .map(|s| &s.value)
    }

    /// Stores a value as the newest; answers the values dropped to stay within `max`.
    pub fn insert(&mut self, key: &K, value: V) -> Vec<V> {
        if let Some(&at) = self.index.get(key) {
            if let Some(s) = self.slot(at) {
                s.value = value;
            }
            self.unlink(at);
            self.link_newest(at);
            return Vec::new();
        }
        let key = key.clone();
        self.next_serial = self.next_serial.wrapping_add(1);
        let slot = Slot {
            key: key.clone(),
            value,
            serial: self.next_serial,
            newer: NONE,
            older: NONE,
        };
        let at = match self.free.pop() {
            Some(at) => {
                if let Some(place) = self.slots.get_mut(at) {
                    *place = Some(slot);
                }
                at
            }
            None => {
                self.slots.push(Some(slot));
                self.slots.len() - 1
            }
        };
        self.index.insert(key, at);
        self.link_newest(at);
        let mut evicted = Vec::new();
        while self.index.len() > self.max {
            let oldest = self.oldest;
            match self.take(oldest) {
                Some(v) => evicted.push(v),
                None => break,
            }
        }
        evicted
    }

    /// Empties a slot and answers its value.
    fn take(&mut self, at: usize) -> Option<V> {
        self.unlink(at);
        let slot = self.slots.get_mut(at)?.take()?;
        self.index.remove(&slot.key);
        self.free.push(at);
        Some(slot.value)
    }

    pub fn remove(&mut self, key: &K) -> Option<V> {
        let at = *self.index.get(key)?;
        self.take(at)
    }

    pub fn clear(&mut self) {
        self.index.clear();
        self.slots.clear();
        self.free.clear();
        self.newest = NONE;
        self.oldest = NONE;
    }

    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.slots.iter().flatten().map(|s| &s.value)
    }

    /// The values from the least to the most recently used.
    pub fn oldest_first(&self) -> impl Iterator<Item = &V> + '_ {
        let mut at = self.oldest;
        std::iter::from_fn(move || {
            let slot = self.slots.get(at)?.as_ref()?;
            at = slot.newer;
            Some(&slot.value)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys_oldest_first(lru: &Lru<&str, u32>) -> Vec<String> {
        let mut out = Vec::new();
        let mut at = lru.oldest;
        while let Some(Some(s)) = lru.slots.get(at) {
            out.push(s.key.to_string());
            at = s.newer;
        }
        out
    }

    #[test]
    fn drops_the_least_recently_used() {
        let mut lru = Lru::new(3);
        for (i, k) in ["a", "b", "c"].iter().enumerate() {
            assert!(lru.insert(k, i as u32).is_empty());
        }
        assert_eq!(lru.get(&"a"), Some(&0));
        assert_eq!(
            lru.insert(&"d", 3),
            vec![1],
            "b was the least recently used"
        );
        assert_eq!(keys_oldest_first(&lru), ["c", "a", "d"]);
        assert_eq!(lru.peek(&"c"), Some(&2));
        assert_eq!(
            keys_oldest_first(&lru),
            ["c", "a", "d"],
            "peek does not mark"
        );
        assert_eq!(lru.insert(&"e", 4), vec![2]);
        assert_eq!(lru.len(), 3);
    }

    #[test]
    fn replaces_removes_and_reuses_slots() {
        let mut lru = Lru::new(2);
        lru.insert(&"a", 1);
        lru.insert(&"b", 2);
        assert!(
            lru.insert(&"a", 10).is_empty(),
            "a replacement drops nothing"
        );
        assert_eq!(keys_oldest_first(&lru), ["b", "a"]);
        assert_eq!(lru.remove(&"b"), Some(2));
        assert_eq!(lru.remove(&"b"), None);
        lru.insert(&"c", 3);
        assert_eq!(lru.slots.len(), 2, "the freed slot is reused");
        assert_eq!(keys_oldest_first(&lru), ["a", "c"]);
        let mut values: Vec<u32> = lru.values().copied().collect();
        values.sort();
        assert_eq!(values, [3, 10]);
        lru.clear();
        assert_eq!(lru.len(), 0);
        assert_eq!(lru.get(&"a"), None);
        lru.insert(&"z", 26);
        assert_eq!(keys_oldest_first(&lru), ["z"]);
    }

    #[test]
    fn a_single_entry_bound_keeps_the_newest() {
        let mut lru = Lru::new(0);
        lru.insert(&"a", 1);
        assert_eq!(lru.insert(&"b", 2), vec![1]);
        assert_eq!(lru.get(&"b"), Some(&2));
        assert_eq!(lru.get(&"a"), None);
    }
}
