//! A count-min sketch (Cormode and Muthukrishnan, 2005): how many first-window events the groups
//! that did not fit in memory had, by a hash of their key, in a fixed amount of memory.
//!
//! Each of [`DEPTH`] rows is an array of counters; a key adds its events to one counter per row,
//! chosen by its hash, and its estimate is the least of its counters. Other keys only ever add to
//! a counter, so an estimate is never below the key's true count, which is what lets a second
//! pass keep every group whose count could reach a threshold. The counters are plain sums: a
//! sketch is the same whatever the order of the rows, the chunks or the threads that filled it,
//! and the sketches of the parts of a log add up to the sketch of the whole.
//!
//! Counters are 32 bits, to halve the memory; one that reaches its largest value stays there
//! and reads as "more than any count", so that an estimate is still never below the truth.

/// Counters per key.
const DEPTH: usize = 4;

/// Fewest counters in a row.
const MIN_WIDTH: usize = 1 << 10;

/// Most counters in a row: with [`DEPTH`], 16 MiB in all.
const MAX_WIDTH: usize = 1 << 20;

/// Counters per row for each group the sketch is sized for (see [`CountMinSketch::new`]).
const WIDTH_PER_GROUP: usize = 2;

/// A count-min sketch over 64-bit key hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct CountMinSketch {
    /// [`DEPTH`] rows of `width` counters, one row after the other.
    counters: Box<[u32]>,
    /// Counters per row: a power of two.
    width: usize,
}

impl CountMinSketch {
    /// An empty sketch for telling apart up to `groups` busy keys from the rest: `2 × groups`
    /// counters per row (rounded up to a power of two, at least 2¹⁰ and at most 2²⁰), so that
    /// the counters of `groups` keys over a threshold fill at most about half of each row, and
    /// a key under it is rarely estimated over it.
    pub fn new(groups: usize) -> CountMinSketch {
        let width = groups
            .saturating_mul(WIDTH_PER_GROUP)
            .clamp(MIN_WIDTH, MAX_WIDTH)
            .next_power_of_two();
        CountMinSketch {
            counters: vec![0; DEPTH * width].into_boxed_slice(),
            width,
        }
    }

    /// A sketch for `groups` whose every counter holds `events`: one by which every key seems
    /// busy, as no real log makes one.
    #[cfg(test)]
    pub fn filled(groups: usize, events: u32) -> CountMinSketch {
        let mut sketch = CountMinSketch::new(groups);
        sketch.counters.fill(events);
        sketch
    }

    /// The memory the counters take, in bytes.
    #[cfg(test)]
    pub fn bytes(&self) -> usize {
        std::mem::size_of_val(&*self.counters)
    }

    /// The counter of each row for a key whose hash is `hash`. The rows take their counters
    /// from a second hash of `hash` by double hashing (Kirsch and Mitzenmacher, 2006): the bits
    /// of `hash` itself also decide which groups are sampled, and must not decide the columns.
    fn cells(&self, hash: u64) -> [usize; DEPTH] {
        // SplitMix64's finaliser.
        let mut mixed = hash.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mixed = (mixed ^ (mixed >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        mixed = (mixed ^ (mixed >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        mixed ^= mixed >> 31;
        let first = mixed & 0xffff_ffff;
        let step = (mixed >> 32) | 1;
        let mask = self.width as u64 - 1;
        std::array::from_fn(|row| {
            let column = first.wrapping_add((row as u64).wrapping_mul(step)) & mask;
            // `column` is below `width`, a usize.
            row * self.width + usize::try_from(column).unwrap_or(0)
        })
    }

    /// Adds `events` to the key whose hash is `hash`.
    pub fn add(&mut self, hash: u64, events: u64) {
        let events = u32::try_from(events).unwrap_or(u32::MAX);
        for cell in self.cells(hash) {
            self.counters[cell] = self.counters[cell].saturating_add(events);
        }
    }

    /// What a counter says: its count, or more than any count once it is full.
    fn read(counter: u32) -> u64 {
        if counter == u32::MAX {
            u64::MAX
        } else {
            u64::from(counter)
        }
    }

    /// At least the events added for the key whose hash is `hash`; more when other keys share
    /// its counters.
    pub fn estimate(&self, hash: u64) -> u64 {
        self.cells(hash)
            .into_iter()
            .map(|cell| Self::read(self.counters[cell]))
            .min()
            .unwrap_or(0)
    }

    /// The most events any one key added to this sketch can have had: no key's estimate is
    /// above the largest counter of any row.
    pub fn bound(&self) -> u64 {
        self.counters
            .chunks_exact(self.width)
            .map(|row| Self::read(row.iter().copied().max().unwrap_or(0)))
            .min()
            .unwrap_or(0)
    }

    /// Adds the counts of a sketch of the same size.
    pub fn merge(&mut self, other: &CountMinSketch) {
        debug_assert_eq!(self.width, other.width, "sketches of one plan");
        for (mine, theirs) in self.counters.iter_mut().zip(other.counters.iter()) {
            *mine = mine.saturating_add(*theirs);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn its_size_is_fixed_by_the_groups_it_is_for() {
        // 2 counters per row and group, rounded up to a power of two, 4 rows of 4 bytes.
        assert_eq!(CountMinSketch::new(40_000).bytes(), 4 * (1 << 17) * 4);
        assert_eq!(CountMinSketch::new(4096).bytes(), 4 * (1 << 13) * 4);
        assert_eq!(CountMinSketch::new(1).bytes(), 4 * (1 << 10) * 4);
        // Whatever --max-groups says, at most 2^20 counters a row: 16 MiB.
        assert_eq!(CountMinSketch::new(u32::MAX as usize).bytes(), 16 << 20);
        assert_eq!(CountMinSketch::new(usize::MAX).bytes(), 16 << 20);
        // Counting does not make it grow.
        let mut sketch = CountMinSketch::new(100);
        let before = sketch.bytes();
        for hash in 0..1_000_000u64 {
            sketch.add(hash.wrapping_mul(0x9e37_79b9_7f4a_7c15), 1);
        }
        assert_eq!(sketch.bytes(), before);
    }

    #[test]
    fn estimates_are_never_below_the_truth_and_bound_every_key() {
        let mut sketch = CountMinSketch::new(10);
        let keys: Vec<u64> = (0..5000u64)
            .map(|k| k.wrapping_mul(0xff51_afd7_ed55_8ccd))
            .collect();
        for (i, &key) in keys.iter().enumerate() {
            sketch.add(key, (i % 7) as u64 + 1);
        }
        sketch.add(keys[3], 10_000);
        let bound = sketch.bound();
        for (i, &key) in keys.iter().enumerate() {
            let truth = (i % 7) as u64 + 1 + if i == 3 { 10_000 } else { 0 };
            let estimate = sketch.estimate(key);
            assert!(estimate >= truth, "key {i}: {estimate} < {truth}");
            assert!(estimate <= bound, "key {i}: {estimate} > {bound}");
        }
        // The busy key stands out: the bound is its counters, not far above its count.
        assert!((10_004..10_004 + 200).contains(&bound), "{bound}");
        // A key never added has a small estimate: its counters hold only the others' share.
        assert!(sketch.estimate(12345) < 200);
    }

    #[test]
    fn a_full_counter_reads_as_more_than_any_count() {
        let mut sketch = CountMinSketch::new(10);
        sketch.add(7, u64::from(u32::MAX) - 1);
        assert_eq!(sketch.estimate(7), u64::from(u32::MAX) - 1);
        sketch.add(7, 5);
        assert_eq!(sketch.estimate(7), u64::MAX);
        assert_eq!(sketch.bound(), u64::MAX);
        let mut other = CountMinSketch::new(10);
        other.add(7, 1 << 40);
        assert_eq!(other.estimate(7), u64::MAX);
        sketch.merge(&other);
        assert_eq!(sketch.estimate(7), u64::MAX);
    }

    #[test]
    fn sketches_of_parts_add_up_to_the_sketch_of_the_whole() {
        let events: Vec<(u64, u64)> = (0..3000u64).map(|i| (i % 257 * 0x9e37, i % 5)).collect();
        let mut whole = CountMinSketch::new(50);
        for &(hash, n) in &events {
            whole.add(hash, n);
        }
        for parts in [2, 3, 7] {
            let mut merged = CountMinSketch::new(50);
            for part in events.chunks(events.len() / parts + 1).rev() {
                let mut sketch = CountMinSketch::new(50);
                for &(hash, n) in part {
                    sketch.add(hash, n);
                }
                merged.merge(&sketch);
            }
            assert_eq!(merged, whole);
        }
    }
}
