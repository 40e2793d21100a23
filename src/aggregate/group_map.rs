//! The groups of a grouped SLO by key: what every row of a grouped SLO searches.
//!
//! With 100 000 groups, a row's search for its group waits for memory, and that wait was most
//! of what grouping cost. So the map is laid out for it:
//! - a hash table of small slots (a group's number and a tag from its key's hash), which
//!   stays in the processor's cache: a search reads only it until it has a candidate;
//! - the groups side by side in a vector, each with its key and table hash.
//!
//! [`GroupMap::candidate`] and the `touch_` methods let a caller with many searches to make
//! (see `Counter::count_pending`) start all of them before it needs any: the reads of the
//! groups' memory then overlap instead of waiting one after the other.

use hashbrown::HashTable;

use super::{key_hash, GroupTally};

/// The groups of one grouped SLO, found by key.
#[derive(Debug, Clone, Default)]
pub(super) struct GroupMap {
    slots: HashTable<Slot>,
    entries: Vec<Entry>,
}

/// A group in the table: where it is in `entries`, and the [`tag`] of its table hash.
#[derive(Debug, Clone, Copy)]
struct Slot {
    entry: u32,
    tag: u32,
}

/// A group with its key and its table hash (see [`table_hash`]), which the table's growth and
/// removals find its slot by.
#[derive(Debug, Clone)]
struct Entry {
    key: Box<[u8]>,
    hash: u64,
    group: GroupTally,
}

/// The high half of a table hash, which the table's own probing uses least.
fn tag(hash: u64) -> u32 {
    (hash >> 32) as u32
}

/// The table's hash of a key whose [`key_hash`] is `hash`. The top bits of `key_hash` decide
/// which groups the hash sample keeps (they are all zero in every group kept at a high sample
/// level), and the table tells slots apart by its hash's top seven bits: remixed, the keys of
/// a sample spread over those as any keys do. The low bits of `key_hash` are free of the
/// sample, and a multiplication carries them up into every bit above.
fn table_hash(hash: u64) -> u64 {
    hash.wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// `at`, a position in `entries`, as a slot holds it.
fn entry_number(at: usize) -> u32 {
    u32::try_from(at).expect("the groups in memory are bounded far below 2^32")
}

impl GroupMap {
    /// How many groups it holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The position in `entries` of the group with `key`, whose table hash is `hash`.
    fn position(&self, key: &[u8], hash: u64) -> Option<usize> {
        let entries = &self.entries;
        self.slots
            .find(hash, |slot| {
                slot.tag == tag(hash) && *entries[slot.entry as usize].key == *key
            })
            .map(|slot| slot.entry as usize)
    }

    /// Whether a group has `key`.
    pub fn contains_key(&self, key: &[u8]) -> bool {
        self.position(key, table_hash(key_hash(key))).is_some()
    }

    /// The group with `key`.
    pub fn get(&self, key: &[u8]) -> Option<&GroupTally> {
        let at = self.position(key, table_hash(key_hash(key)))?;
        Some(&self.entries[at].group)
    }

    /// The group with `key`, to count in.
    pub fn get_mut(&mut self, key: &[u8]) -> Option<&mut GroupTally> {
        let at = self.position(key, table_hash(key_hash(key)))?;
        Some(&mut self.entries[at].group)
    }

    /// Keeps `group` under `key`, which no group has yet.
    pub fn insert_new(&mut self, key: Box<[u8]>, group: GroupTally) {
        let hash = table_hash(key_hash(&key));
        debug_assert!(self.position(&key, hash).is_none(), "a key is kept once");
        let entry =
            u32::try_from(self.entries.len()).expect("groups in memory are bounded far below 2^32");
        self.entries.push(Entry { key, hash, group });
        let entries = &self.entries;
        self.slots.insert_unique(
            hash,
            Slot {
                entry,
                tag: tag(hash),
            },
            |slot| entries[slot.entry as usize].hash,
        );
    }

    /// Takes the group with `key` out of the map.
    pub fn remove(&mut self, key: &[u8]) -> Option<GroupTally> {
        let hash = table_hash(key_hash(key));
        let entries = &self.entries;
        let found = self
            .slots
            .find_entry(hash, |slot| {
                slot.tag == tag(hash) && *entries[slot.entry as usize].key == *key
            })
            .ok()?;
        let at = found.remove().0.entry as usize;
        let removed = self.entries.swap_remove(at);
        if let Some(moved) = self.entries.get(at) {
            // The last group took the place of the one removed: its slot follows it.
            let from = entry_number(self.entries.len());
            self.slots
                .find_mut(moved.hash, |slot| slot.entry == from)
                .expect("every group has a slot")
                .entry = entry_number(at);
        }
        Some(removed.group)
    }

    /// Keeps only the groups for which `keep` holds.
    pub fn retain(&mut self, mut keep: impl FnMut(&GroupTally) -> bool) {
        self.entries.retain(|entry| keep(&entry.group));
        self.slots.clear();
        let entries = &self.entries;
        for (at, entry) in entries.iter().enumerate() {
            self.slots.insert_unique(
                entry.hash,
                Slot {
                    entry: entry_number(at),
                    tag: tag(entry.hash),
                },
                |slot| entries[slot.entry as usize].hash,
            );
        }
    }

    /// The keys, in no particular order.
    pub fn keys(&self) -> impl Iterator<Item = &[u8]> {
        self.entries.iter().map(|entry| &*entry.key)
    }

    /// The groups, in no particular order.
    pub fn values(&self) -> impl Iterator<Item = &GroupTally> {
        self.entries.iter().map(|entry| &entry.group)
    }

    /// The groups, to change, in no particular order.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut GroupTally> {
        self.entries.iter_mut().map(|entry| &mut entry.group)
    }

    /// The keys and groups, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &GroupTally)> {
        self.entries.iter().map(|entry| (&*entry.key, &entry.group))
    }

    /// The keys and groups, the groups to change, in no particular order.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&[u8], &mut GroupTally)> {
        self.entries
            .iter_mut()
            .map(|entry| (&*entry.key, &mut entry.group))
    }

    /// The keys and groups, taken out, in no particular order.
    pub fn into_groups(self) -> impl Iterator<Item = (Box<[u8]>, GroupTally)> {
        self.entries
            .into_iter()
            .map(|entry| (entry.key, entry.group))
    }

    /// The first step of a search for the group of a key whose [`key_hash`] is `key_hash`:
    /// the group it may be, by the table alone. Confirm it with [`GroupMap::get_at`].
    #[inline]
    pub fn candidate(&self, key_hash: u64) -> Option<u32> {
        let hash = table_hash(key_hash);
        self.slots
            .find(hash, |slot| slot.tag == tag(hash))
            .map(|slot| slot.entry)
    }

    /// Reads candidate `at`'s entry, so that it is in cache when [`GroupMap::touch_contents`]
    /// wants it; what is read means nothing. Reading many candidates in a row, the processor
    /// waits for all of those reads at once.
    #[inline]
    pub fn touch_entry(&self, at: u32) -> u64 {
        self.entries.get(at as usize).map_or(0, |entry| entry.hash)
    }

    /// Reads what candidate `at`'s entry points to, its key and its counts, as
    /// [`GroupMap::touch_entry`] reads the entry.
    #[inline]
    pub fn touch_contents(&self, at: u32) -> u64 {
        self.entries.get(at as usize).map_or(0, |entry| {
            u64::from(entry.key.first().copied().unwrap_or(0)) ^ entry.group.first_band_total()
        })
    }

    /// The group at candidate `at` when its key is `key`: `None` when it is not (a tag shared
    /// with another key, or a candidate found before the map changed).
    #[inline]
    pub fn get_at(&mut self, at: u32, key: &[u8]) -> Option<&mut GroupTally> {
        self.entries
            .get_mut(at as usize)
            .filter(|entry| *entry.key == *key)
            .map(|entry| &mut entry.group)
    }
}

impl FromIterator<(Box<[u8]>, GroupTally)> for GroupMap {
    fn from_iter<I: IntoIterator<Item = (Box<[u8]>, GroupTally)>>(groups: I) -> GroupMap {
        let mut map = GroupMap::default();
        for (key, group) in groups {
            map.insert_new(key, group);
        }
        map
    }
}

impl std::ops::Index<&[u8]> for GroupMap {
    type Output = GroupTally;

    fn index(&self, key: &[u8]) -> &GroupTally {
        self.get(key).expect("a group with this key")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn group(n: u64) -> GroupTally {
        let mut group = GroupTally::new(Vec::new(), 1);
        group.bands[0].total = n;
        group
    }

    /// Inserts, removes and retains at random against a `HashMap`, and checks that every key
    /// is found where it should be, by `get` and by `candidate` then `get_at`.
    #[test]
    fn behaves_as_a_hash_map() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut map = GroupMap::default();
        let mut model: HashMap<Vec<u8>, u64> = HashMap::new();
        for step in 0..20_000u64 {
            let key = format!("k{}", next() % 3_000).into_bytes();
            match next() % 10 {
                0..=5 => {
                    if let Some(group) = map.get_mut(&key) {
                        group.bands[0].total += 1;
                        *model.get_mut(&key).expect("in the model") += 1;
                    } else {
                        map.insert_new(key.clone().into(), group(step));
                        model.insert(key, step);
                    }
                }
                6..=8 => {
                    let removed = map.remove(&key).map(|g| g.bands[0].total);
                    assert_eq!(removed, model.remove(&key));
                }
                _ => {
                    let odd = |n: u64| n % 2 == 1;
                    map.retain(|group| odd(group.bands[0].total));
                    model.retain(|_, n| odd(*n));
                }
            }
        }
        assert_eq!(map.len(), model.len());
        for (key, n) in &model {
            assert_eq!(map[key.as_slice()].bands[0].total, *n);
            let at = map.candidate(key_hash(key)).expect("a candidate");
            assert_eq!(map.get_at(at, key).map(|g| g.bands[0].total), Some(*n));
        }
        for key in map.keys() {
            assert!(model.contains_key(key));
        }
        assert!(!map.contains_key(b"absent"));
    }
}
