//! The practical limit: the same body, already in memory, split into lines and decoded with
//! `serde_json::from_slice` into the same types, with no network. Also the stages on their own
//! (splitting; parsing without building values; parsing into `serde_json::Value`), to see
//! where the time goes.

use std::hint::black_box;
use std::time::{Duration, Instant};

use anthropic_batches::types::{MessageBatchIndividualResponse, MessageBatchResult};

use crate::data::Counts;

/// Index of the first `\n` in `hay`, a machine word at a time (what `memchr` does without SIMD).
pub fn find_newline(hay: &[u8]) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    const NL: u64 = LO * b'\n' as u64;
    let has_nl = |word: u64| {
        let x = word ^ NL;
        x.wrapping_sub(LO) & !x & HI
    };
    let mut i = 0;
    let mut words = hay.chunks_exact(16);
    for pair in &mut words {
        let (a, b) = pair.split_at(8);
        let a = u64::from_le_bytes(a.try_into().unwrap_or([0; 8]));
        let b = u64::from_le_bytes(b.try_into().unwrap_or([0; 8]));
        let (za, zb) = (has_nl(a), has_nl(b));
        if za | zb != 0 {
            // The lowest flagged byte is exact (borrows only run towards higher bytes).
            return Some(if za != 0 {
                i + (za.trailing_zeros() / 8) as usize
            } else {
                i + 8 + (zb.trailing_zeros() / 8) as usize
            });
        }
        i += 16;
    }
    words.remainder().iter().position(|&b| b == b'\n').map(|p| i + p)
}

/// Calls `f` with every line of `body` (without its `\n`), using `find`.
fn for_each_line(body: &[u8], find: impl Fn(&[u8]) -> Option<usize>, mut f: impl FnMut(&[u8])) {
    let mut rest = body;
    while !rest.is_empty() {
        match find(rest) {
            Some(n) => {
                f(&rest[..n]);
                rest = &rest[n + 1..];
            }
            None => {
                f(rest);
                break;
            }
        }
    }
}

/// What one in-memory pass measured.
pub struct Pass {
    pub elapsed: Duration,
    /// CPU time of the thread that decoded, when it could be read.
    pub cpu_secs: Option<f64>,
    pub lines: u64,
    pub failed: u64,
    pub counts: Counts,
}

pub fn count(counts: &mut Counts, result: &MessageBatchResult) -> bool {
    match result {
        MessageBatchResult::Succeeded(_) => counts.succeeded += 1,
        MessageBatchResult::Errored(_) => counts.errored += 1,
        MessageBatchResult::Canceled(_) => counts.canceled += 1,
        MessageBatchResult::Expired(_) => counts.expired += 1,
        _ => return false,
    }
    true
}

/// The practical limit: split with a word-at-a-time scan, decode each line into
/// `MessageBatchIndividualResponse`.
pub fn typed(body: &[u8]) -> Pass {
    let mut pass =
        Pass { elapsed: Duration::ZERO, cpu_secs: None, lines: 0, failed: 0, counts: Counts::default() };
    let cpu_start = crate::child::cpu_secs("thread-self");
    let start = Instant::now();
    for_each_line(body, find_newline, |line| {
        pass.lines += 1;
        match serde_json::from_slice::<MessageBatchIndividualResponse>(line) {
            Ok(item) => {
                if !count(&mut pass.counts, &item.result) {
                    pass.failed += 1;
                }
                black_box(item);
            }
            Err(_) => pass.failed += 1,
        }
    });
    pass.elapsed = start.elapsed();
    pass.cpu_secs = crate::child::cpu_secs("thread-self").zip(cpu_start).map(|(end, start)| end - start);
    pass
}

/// Splitting only, with the word-at-a-time scan.
pub fn split_words(body: &[u8]) -> Duration {
    let start = Instant::now();
    let mut n = 0u64;
    for_each_line(body, find_newline, |line| n += black_box(line).len() as u64);
    black_box(n);
    start.elapsed()
}

/// Splitting only, a byte at a time with `iter().position` (as the client's stream does).
pub fn split_bytes(body: &[u8]) -> Duration {
    let start = Instant::now();
    let mut n = 0u64;
    for_each_line(body, |hay| hay.iter().position(|&b| b == b'\n'), |line| n += black_box(line).len() as u64);
    black_box(n);
    start.elapsed()
}

/// Parsing and validating every line without building anything (`IgnoredAny`).
pub fn parse_only(body: &[u8]) -> Duration {
    let start = Instant::now();
    for_each_line(body, find_newline, |line| {
        let _ = black_box(serde_json::from_slice::<serde::de::IgnoredAny>(line));
    });
    start.elapsed()
}

/// Parsing every line into a `serde_json::Value` (the tree the generated unions decode through).
pub fn to_value(body: &[u8]) -> Duration {
    let start = Instant::now();
    for_each_line(body, find_newline, |line| {
        let _ = black_box(serde_json::from_slice::<serde_json::Value>(line));
    });
    start.elapsed()
}

#[cfg(test)]
mod tests {
    use super::find_newline;

    #[test]
    fn finds_the_first_newline_anywhere() {
        for len in 0..70 {
            for at in 0..=len {
                let mut hay = vec![b'a'; len];
                if at < len {
                    hay[at] = b'\n';
                    if at + 3 < len {
                        hay[at + 3] = b'\n';
                    }
                }
                let expected = hay.iter().position(|&b| b == b'\n');
                assert_eq!(find_newline(&hay), expected, "len {len}, newline at {at}");
            }
        }
        // Bytes that differ from '\n' by one bit or that borrow.
        let hay = [0x0b, 0x09, 0x8a, 0x00, 0x0a, 0x0a, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(find_newline(&hay), Some(4));
    }
}
