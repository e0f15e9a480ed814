//! A fast hasher for maps keyed by ids the client already trusts (record uuids from
//! its own server). The standard SipHash is built to resist crafted keys and costs
//! several times more per lookup in wasm; lookups by uuid sit on the hottest paths.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// The multiply-rotate hash of rustc's `FxHasher`, over 8 bytes at a time.
#[derive(Clone, Copy)]
pub struct FastHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl Default for FastHasher {
    /// Starts from a non-zero state, so that leading zero words still change the hash.
    fn default() -> Self {
        FastHasher { hash: SEED }
    }
}

impl FastHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FastHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            for (slot, byte) in word.iter_mut().zip(rest) {
                *slot = *byte;
            }
            // The last byte is free (at most 7 remain): tag it with the length.
            word[7] = 0x80 | rest.len() as u8;
            self.add(u64::from_le_bytes(word));
        }
    }

    #[inline]
    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    /// Mixes the high bits into the low ones (MurmurHash3's finaliser): the
    /// multiply-rotate rounds leave the low bits depending on few input bits, and
    /// hash tables pick buckets by the low bits.
    #[inline]
    fn finish(&self) -> u64 {
        let mut h = self.hash;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

/// A `HashMap` with [`FastHasher`].
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::{BuildHasher, Hash};

    fn hash<T: Hash + ?Sized>(value: &T) -> u64 {
        BuildHasherDefault::<FastHasher>::default().hash_one(value)
    }

    #[test]
    fn equal_keys_hash_equal_and_near_keys_differ() {
        let a = "3f2b6c1e-9a4d-4e8f-b1c2-0d9e8f7a6b5c";
        assert_eq!(hash(a), hash(&a.to_string()));
        assert_ne!(hash(a), hash("3f2b6c1e-9a4d-4e8f-b1c2-0d9e8f7a6b5d"));
        assert_ne!(hash("ab"), hash("ba"));
        assert_ne!(hash(""), hash("\0"));
        assert_ne!(hash(""), hash("\0\0\0\0\0\0\0\0"));
        assert_ne!(hash("a"), hash("a\0"));
    }

    #[test]
    fn similar_keys_spread_over_the_low_bits() {
        // Keys that differ only past their first bytes, as record ids do.
        let buckets: std::collections::HashSet<u64> =
            (0..4096).map(|i| hash(&format!("r-{i}")) & 1023).collect();
        assert!(
            buckets.len() > 900,
            "only {} of 1024 buckets used",
            buckets.len()
        );
    }

    #[test]
    fn a_map_finds_what_it_holds() {
        let mut map: FastMap<String, usize> = FastMap::default();
        for i in 0..10_000 {
            map.insert(format!("id-{i}"), i);
        }
        assert_eq!(map.len(), 10_000);
        assert!((0..10_000).all(|i| map.get(&format!("id-{i}")) == Some(&i)));
        assert_eq!(map.get("id-10000"), None);
    }
}
