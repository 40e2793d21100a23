//! Telling text that is not UTF-8 by its first bytes, for the readers of logs and of specs.

/// Whether `head`, a file's first bytes, is UTF-16 text: a byte-order mark (`FF FE` or
/// `FE FF`, as PowerShell's `>` and Windows' Notepad write), or, without one, ASCII text's NUL
/// in every other byte and only there.
pub fn is_utf16(head: &[u8]) -> bool {
    let sample = &head[..head.len().min(512) & !1];
    let lane = |start: usize| sample.iter().skip(start).step_by(2);
    let nul_lane = |start: usize| lane(start).all(|&b| b == 0) && lane(1 - start).all(|&b| b != 0);
    head.starts_with(b"\xff\xfe")
        || head.starts_with(b"\xfe\xff")
        || (sample.len() >= 8 && (nul_lane(0) || nul_lane(1)))
}
