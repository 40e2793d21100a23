//! The groups of a grouped SLO by key: what every row of a grouped SLO searches.
//!
//! With 100 000 groups, a row's search for its group waits for memory, and that wait was most
//! of what grouping cost. So the map is laid out for it:
//! - a hash table of small slots (a group's number and a tag from its key's hash): a search
//!   reads only it until it has a candidate;
//! - the groups side by side in a vector, each with its key and table hash.
//!
//! The table is our own (open addressing, linear probing, at most half full) rather than a
//! library's, because a caller with many searches to make (see `Counter::count_pending`)
//! must know where each search will read before it reads: [`GroupMap::prefetch_slot`],
//! [`GroupMap::candidate`] and the other `prefetch_` methods let it ask the processor for all
//! the memory of a batch of searches first, so that the waits overlap. A prefetch is only a
//! hint: it reads nothing the program sees, and the results are the same without it.

use prefetch_index::prefetch_index;

use super::{key_hash, GroupTally};

/// The groups of one grouped SLO, found by key.
#[derive(Debug, Clone, Default)]
pub(super) struct GroupMap {
    slots: SlotTable,
    entries: Vec<Entry>,
}

/// A group with its key and its table hash (see [`table_hash`]), which the table's growth and
/// removals find its slot by.
#[derive(Debug, Clone)]
struct Entry {
    key: Box<[u8]>,
    hash: u64,
    group: GroupTally,
}

/// The high half of a table hash; the table picks a key's first slot by the low bits.
fn tag(hash: u64) -> u32 {
    (hash >> 32) as u32
}

/// The table's hash of a key whose [`key_hash`] is `hash`. The top bits of `key_hash` decide
/// which groups the hash sample keeps (they are all zero in every group kept at a high sample
/// level), and the tag is taken from the top: remixed, the keys of a sample spread over the
/// tags as any keys do. The low bits of `key_hash` are free of the sample, and a
/// multiplication carries them up into every bit above.
fn table_hash(hash: u64) -> u64 {
    hash.wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// `at`, a position in `entries`, as a slot holds it.
fn entry_number(at: usize) -> u32 {
    u32::try_from(at)
        .ok()
        .filter(|&at| at != Slot::EMPTY.entry)
        .expect("the groups in memory are bounded far below 2^32")
}

impl GroupMap {
    /// How many groups it holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The position in `entries` of the group with `key`, whose table hash is `hash`.
    fn position(&self, key: &[u8], hash: u64) -> Option<usize> {
        let entries = &self.entries;
        let (_, slot) = self.slots.find(hash, |slot| {
            slot.tag == tag(hash) && *entries[slot.entry as usize].key == *key
        })?;
        Some(slot.entry as usize)
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
        let entry = entry_number(self.entries.len());
        self.entries.push(Entry { key, hash, group });
        if self.slots.has_room_for(self.entries.len()) {
            self.slots.insert(hash, entry);
        } else {
            self.rebuild_slots();
        }
    }

    /// Makes the table anew from the entries, of a size for them.
    fn rebuild_slots(&mut self) {
        self.slots = SlotTable::for_groups(self.entries.len());
        for (at, entry) in self.entries.iter().enumerate() {
            self.slots.insert(entry.hash, entry_number(at));
        }
    }

    /// Takes the group with `key` out of the map.
    pub fn remove(&mut self, key: &[u8]) -> Option<GroupTally> {
        let hash = table_hash(key_hash(key));
        let entries = &self.entries;
        let (bucket, slot) = self.slots.find(hash, |slot| {
            slot.tag == tag(hash) && *entries[slot.entry as usize].key == *key
        })?;
        self.slots
            .remove(bucket, |slot| entries[slot.entry as usize].hash);
        let at = slot.entry as usize;
        let removed = self.entries.swap_remove(at);
        if let Some(moved) = self.entries.get(at) {
            // The last group took the place of the one removed: its slot follows it.
            let from = entry_number(self.entries.len());
            let (bucket, _) = self
                .slots
                .find(moved.hash, |slot| slot.entry == from)
                .expect("every group has a slot");
            self.slots.set(bucket, moved.hash, entry_number(at));
        }
        Some(removed.group)
    }

    /// Keeps only the groups for which `keep` holds.
    pub fn retain(&mut self, mut keep: impl FnMut(&GroupTally) -> bool) {
        self.entries.retain(|entry| keep(&entry.group));
        self.rebuild_slots();
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

    /// Asks for the table's memory that a search for a key whose [`key_hash`] is `key_hash`
    /// reads first.
    #[inline]
    pub fn prefetch_slot(&self, key_hash: u64) {
        let hash = table_hash(key_hash);
        if !self.slots.slots.is_empty() {
            prefetch_index(&self.slots.slots, self.slots.home(hash));
        }
    }

    /// A search for the group of a key whose [`key_hash`] is `key_hash`, by the table alone:
    /// the group it may be, the first with the key's tag. Confirm it with
    /// [`GroupMap::get_at`].
    #[inline]
    pub fn candidate(&self, key_hash: u64) -> Option<u32> {
        let hash = table_hash(key_hash);
        let (_, slot) = self.slots.find(hash, |slot| slot.tag == tag(hash))?;
        Some(slot.entry)
    }

    /// Asks for candidate `at`'s entry, which [`GroupMap::prefetch_contents`] reads.
    #[inline]
    pub fn prefetch_entry(&self, at: u32) {
        prefetch_index(&self.entries, at as usize);
    }

    /// Asks for what candidate `at`'s entry points to, its key and its counts, which
    /// [`GroupMap::get_at`] reads.
    #[inline]
    pub fn prefetch_contents(&self, at: u32) {
        if let Some(entry) = self.entries.get(at as usize) {
            prefetch_index(&entry.key, 0);
            entry.group.prefetch_counts();
        }
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

/// A group in the table: where it is in `entries`, and the [`tag`] of its table hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Slot {
    entry: u32,
    tag: u32,
}

impl Slot {
    /// A slot that holds no group.
    const EMPTY: Slot = Slot {
        entry: u32::MAX,
        tag: 0,
    };

    fn is_empty(self) -> bool {
        self == Slot::EMPTY
    }
}

/// Slots by open addressing: a key's slot is the first free one from its home (the low bits
/// of its table hash) on. At most half the slots are taken, so that a search meets a free
/// slot soon.
#[derive(Debug, Clone, Default)]
struct SlotTable {
    /// A power of two of them, or none.
    slots: Vec<Slot>,
}

impl SlotTable {
    /// An empty table with room for `groups` groups, and for some more before it is rebuilt:
    /// from a quarter to half full.
    fn for_groups(groups: usize) -> SlotTable {
        SlotTable {
            slots: vec![Slot::EMPTY; (groups * 2).next_power_of_two().max(16)],
        }
    }

    /// Whether `groups` groups can be held with the table at most half full.
    fn has_room_for(&self, groups: usize) -> bool {
        groups * 2 <= self.slots.len()
    }

    fn mask(&self) -> usize {
        self.slots.len().wrapping_sub(1)
    }

    /// The first slot searched for a table hash.
    #[allow(
        clippy::cast_possible_truncation,
        reason = "only the low bits are wanted, and the mask keeps fewer"
    )]
    fn home(&self, hash: u64) -> usize {
        (hash as usize) & self.mask()
    }

    /// The first slot from `hash`'s home on for which `is` holds, before a free slot.
    #[inline]
    fn find(&self, hash: u64, mut is: impl FnMut(Slot) -> bool) -> Option<(usize, Slot)> {
        if self.slots.is_empty() {
            return None;
        }
        let mut bucket = self.home(hash);
        loop {
            let slot = self.slots[bucket];
            if slot.is_empty() {
                return None;
            }
            if is(slot) {
                return Some((bucket, slot));
            }
            bucket = (bucket + 1) & self.mask();
        }
    }

    /// Puts group `entry`, of table hash `hash`, in the first free slot from its home.
    fn insert(&mut self, hash: u64, entry: u32) {
        debug_assert!(self.slots.iter().any(|slot| slot.is_empty()));
        let mut bucket = self.home(hash);
        while !self.slots[bucket].is_empty() {
            bucket = (bucket + 1) & self.mask();
        }
        self.set(bucket, hash, entry);
    }

    fn set(&mut self, bucket: usize, hash: u64, entry: u32) {
        self.slots[bucket] = Slot {
            entry,
            tag: tag(hash),
        };
    }

    /// Frees slot `bucket`. The slots after it, up to a free one, are moved back into the
    /// hole where their search passes through it, so that every search still finds its slot
    /// before a free one. `hash_of` is a slot's table hash.
    fn remove(&mut self, bucket: usize, hash_of: impl Fn(Slot) -> u64) {
        let mask = self.mask();
        let mut hole = bucket;
        let mut next = (hole + 1) & mask;
        while !self.slots[next].is_empty() {
            let home = self.home(hash_of(self.slots[next]));
            // How far `next` is from its home and from the hole, going forward: when its
            // home is not after the hole, its search passes through the hole.
            if next.wrapping_sub(home) & mask >= next.wrapping_sub(hole) & mask {
                self.slots[hole] = self.slots[next];
                hole = next;
            }
            next = (next + 1) & mask;
        }
        self.slots[hole] = Slot::EMPTY;
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

    /// Pseudo-random numbers from `seed`, the same on every run.
    fn xorshift(mut state: u64) -> impl FnMut() -> u64 {
        move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        }
    }

    fn group(n: u64) -> GroupTally {
        let mut group = GroupTally::new(Vec::new(), 1);
        group.bands[0].total = n;
        group
    }

    /// Inserts, removes and retains at random against a `HashMap`, and checks that every key
    /// is found where it should be, by `get` and by `candidate` then `get_at`.
    #[test]
    fn behaves_as_a_hash_map() {
        let mut next = xorshift(0x2545_f491_4f6c_dd1d_u64);
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

    /// Slots whose homes crowd a few buckets, the last ones among them (so that runs of taken
    /// slots wrap around), put in and taken out at random: every slot left is found from its
    /// home, and none taken out is.
    #[test]
    fn slots_crowded_and_wrapping_are_found_after_removals() {
        let mut next = xorshift(0x9e37_79b9_7f4a_7c15_u64);
        for _ in 0..200 {
            let mut table = SlotTable::for_groups(8);
            let buckets = table.slots.len() as u64;
            // Entry `e` has table hash `hashes[e]`: home one of the first two or last three
            // buckets.
            let hashes: Vec<u64> = (0..8)
                .map(|_| {
                    let home = [0, 1, buckets - 3, buckets - 2, buckets - 1][(next() % 5) as usize];
                    (next() << 32) | home
                })
                .collect();
            let mut held = Vec::new();
            for _ in 0..40 {
                let entry = (next() % 8) as u32;
                let hash = hashes[entry as usize];
                if held.contains(&entry) {
                    let (bucket, _) = table
                        .find(hash, |slot| slot.entry == entry)
                        .expect("a held slot is found");
                    table.remove(bucket, |slot| hashes[slot.entry as usize]);
                    held.retain(|&e| e != entry);
                } else {
                    table.insert(hash, entry);
                    held.push(entry);
                }
                for entry in 0..8 {
                    let found = table.find(hashes[entry as usize], |slot| slot.entry == entry);
                    assert_eq!(found.is_some(), held.contains(&entry), "entry {entry}");
                }
                let taken = table.slots.iter().filter(|slot| !slot.is_empty()).count();
                assert_eq!(taken, held.len());
            }
        }
    }
}
