//! Finding bytes sixteen at a time.
//!
//! Log values are short, so a search often ends in its first few bytes: the set-up of a general
//! SIMD search (`memchr`) costs more than the search. This compares one 16-byte block with the
//! bytes sought in a few instructions (SSE2 on x86-64, NEON on ARM, through `wide`), and the
//! last block of a text without reading past it.

use wide::u8x16;

/// Two bytes to search for, and optionally any byte that is not ASCII.
#[derive(Debug, Clone, Copy)]
pub(super) struct TwoBytes {
    first: u8x16,
    second: u8x16,
    non_ascii: bool,
}

impl TwoBytes {
    pub(super) const fn new(first: u8, second: u8) -> TwoBytes {
        TwoBytes {
            first: u8x16::new([first; 16]),
            second: u8x16::new([second; 16]),
            non_ascii: false,
        }
    }

    /// The same search, stopping also at any byte from 0x80 up: one more instruction per
    /// block, so that a JSON string's UTF-8 is checked only where it is not ASCII.
    pub(super) const fn or_non_ascii(self) -> TwoBytes {
        TwoBytes {
            non_ascii: true,
            ..self
        }
    }

    /// Bit `i` is set when byte `i` of the 16-byte `block` is one of those sought.
    #[inline(always)]
    fn block_mask(&self, block: &[u8]) -> u32 {
        let bytes = u8x16::new(block.try_into().unwrap_or([0; 16]));
        let mut found = bytes.cmp_eq(self.first) | bytes.cmp_eq(self.second);
        if self.non_ascii {
            // `move_mask` takes each byte's high bit: set in a match, or in a non-ASCII byte.
            found |= bytes;
        }
        found.move_mask().cast_unsigned()
    }

    /// Bit `i` is set when `text[from + i]` is one of the two, for the (up to) sixteen bytes
    /// from `from` on.
    #[inline(always)]
    fn mask_from(&self, text: &[u8], from: usize) -> u32 {
        if let Some(block) = text.get(from..from + 16) {
            return self.block_mask(block);
        }
        let rest = text.get(from..).unwrap_or_default();
        match text.len().checked_sub(16) {
            // The text's last sixteen bytes, with the bits of those before `from` shifted out.
            Some(last) => self.block_mask(&text[last..]) >> (16 - rest.len()),
            // A text shorter than a block: a zero-padded copy, the padding's bits cleared.
            None => {
                let mut block = [0; 16];
                block[..rest.len()].copy_from_slice(rest);
                self.block_mask(&block) & ((1 << rest.len()) - 1)
            }
        }
    }

    /// The first position at or after `from` that holds one of the two bytes.
    #[inline(always)]
    pub(super) fn find(&self, text: &[u8], mut from: usize) -> Option<usize> {
        while from < text.len() {
            let mask = self.mask_from(text, from);
            if mask != 0 {
                return Some(from + mask.trailing_zeros() as usize);
            }
            from += 16;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn naive(text: &[u8], from: usize, a: u8, b: u8) -> Option<usize> {
        (from..text.len()).find(|&i| text[i] == a || text[i] == b)
    }

    fn naive_or_non_ascii(text: &[u8], from: usize, a: u8, b: u8) -> Option<usize> {
        (from..text.len()).find(|&i| text[i] == a || text[i] == b || text[i] >= 0x80)
    }

    proptest! {
        #[test]
        fn finds_what_a_byte_by_byte_search_finds(
            text in proptest::collection::vec(prop_oneof![Just(b'"'), Just(b','), Just(b'x'), any::<u8>()], 0..70),
            froms in proptest::collection::vec(0usize..75, 1..12),
        ) {
            let bytes = TwoBytes::new(b'"', b',');
            let or_non_ascii = bytes.or_non_ascii();
            for &from in &froms {
                prop_assert_eq!(bytes.find(&text, from), naive(&text, from, b'"', b','));
                prop_assert_eq!(
                    or_non_ascii.find(&text, from),
                    naive_or_non_ascii(&text, from, b'"', b',')
                );
            }
        }
    }

    #[test]
    fn every_offset_of_short_and_long_texts() {
        for length in 0..40 {
            let mut text = vec![b'x'; length];
            text.extend_from_slice(b",\x80\"");
            let bytes = TwoBytes::new(b',', b'"');
            for from in 0..=length {
                assert_eq!(bytes.find(&text, from), Some(length));
            }
            assert_eq!(bytes.find(&text, length + 1), Some(length + 2));
            assert_eq!(bytes.find(&text[..length], 0), None);
            let or_non_ascii = bytes.or_non_ascii();
            assert_eq!(or_non_ascii.find(&text, length + 1), Some(length + 1));
            for from in 0..=length {
                assert_eq!(or_non_ascii.find(&text, from), Some(length));
            }
        }
    }
}
