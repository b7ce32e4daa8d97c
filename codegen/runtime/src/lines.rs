//! Splitting a body that arrives in chunks into lines without copying it: a line that lies
//! inside one chunk is handed out as a slice of that chunk; only a line split across chunks is
//! gathered into a small buffer. Memory: one chunk plus one partial line.

use bytes::Bytes;

/// Where the line handed out by [`Lines::next_line`] lies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Line {
    /// `chunk[start..end]`.
    InChunk(usize, usize),
    /// The gathered partial-line buffer.
    Gathered,
}

#[derive(Debug, Default)]
pub(crate) struct Lines {
    /// The current network chunk and how far into it lines have been taken.
    chunk: Bytes,
    pos: usize,
    /// Body offset of `chunk[0]`.
    base: u64,
    /// The start of a line whose newline has not arrived yet.
    partial: Vec<u8>,
    /// The last line handed out was `partial`, to be cleared before the next one.
    partial_handed_out: bool,
}

impl Lines {
    /// Takes the next chunk of the body; the current one must be used up.
    pub fn push(&mut self, chunk: Bytes) {
        self.base += self.chunk.len() as u64;
        self.chunk = chunk;
        self.pos = 0;
    }

    /// The next complete line (without its `\n`), or `None` when more data is needed.
    pub fn next_line(&mut self) -> Option<Line> {
        if self.partial_handed_out {
            self.partial.clear();
            self.partial_handed_out = false;
        }
        let rest = self.chunk.get(self.pos..)?;
        if rest.is_empty() {
            return None;
        }
        match find_newline(rest) {
            Some(offset) => {
                let (start, end) = (self.pos, self.pos + offset);
                self.pos = end + 1;
                if self.partial.is_empty() {
                    Some(Line::InChunk(start, end))
                } else {
                    self.partial.extend_from_slice(&self.chunk[start..end]);
                    self.partial_handed_out = true;
                    Some(Line::Gathered)
                }
            }
            None => {
                self.partial.extend_from_slice(rest);
                self.pos = self.chunk.len();
                None
            }
        }
    }

    /// At the end of the body: the last line when it has no `\n`.
    pub fn last_line(&mut self) -> Option<Line> {
        if self.partial_handed_out {
            self.partial.clear();
            self.partial_handed_out = false;
        }
        if self.partial.is_empty() {
            return None;
        }
        self.partial_handed_out = true;
        Some(Line::Gathered)
    }

    /// The bytes of a line handed out by `next_line` or `last_line`.
    pub fn bytes(&self, line: Line) -> &[u8] {
        match line {
            Line::InChunk(start, end) => self.chunk.get(start..end).unwrap_or_default(),
            Line::Gathered => &self.partial,
        }
    }

    /// The bytes of a line as shared `Bytes`: a slice of the chunk (no copy) when the line lies
    /// inside it, a copy of the gathered buffer otherwise.
    pub fn shared(&self, line: Line) -> Bytes {
        match line {
            Line::InChunk(start, end) if end <= self.chunk.len() => self.chunk.slice(start..end),
            Line::InChunk(..) => Bytes::new(),
            Line::Gathered => Bytes::copy_from_slice(&self.partial),
        }
    }

    /// Body offset just past the last complete line.
    pub fn consumed(&self) -> u64 {
        let pending = if self.partial_handed_out { 0 } else { self.partial.len() as u64 };
        (self.base + self.pos as u64).saturating_sub(pending)
    }

    /// Body bytes received so far.
    pub fn received(&self) -> u64 {
        self.base + self.chunk.len() as u64
    }

    /// Drops the partial line (the body broke off) and continues at `consumed()`; returns how
    /// many bytes were dropped.
    pub fn discard_partial(&mut self) -> usize {
        let dropped = if self.partial_handed_out { 0 } else { self.partial.len() };
        self.restart_at(self.consumed());
        dropped
    }

    /// Continues as if the next chunk starts at body offset `offset`.
    pub fn restart_at(&mut self, offset: u64) {
        self.chunk = Bytes::new();
        self.pos = 0;
        self.base = offset;
        self.partial.clear();
        self.partial_handed_out = false;
    }
}

/// The first `\n` in `bytes`, eight bytes at a time (what `memchr` does, without SIMD).
fn find_newline(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    const NEWLINES: u64 = u64::from_ne_bytes([b'\n'; 8]);
    let words = bytes.chunks_exact(8);
    let tail = words.remainder();
    for (index, word) in words.enumerate() {
        let mut array = [0u8; 8];
        array.copy_from_slice(word);
        let x = u64::from_le_bytes(array) ^ NEWLINES;
        // A zero byte of `x` is a newline; the lowest flagged byte is the first one.
        let found = x.wrapping_sub(ONES) & !x & HIGHS;
        if found != 0 {
            return Some(index * 8 + (found.trailing_zeros() / 8) as usize);
        }
    }
    tail.iter().position(|&byte| byte == b'\n').map(|offset| bytes.len() - tail.len() + offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_lines(chunks: &[&[u8]]) -> (Vec<Vec<u8>>, u64) {
        let mut lines = Lines::default();
        let mut out = Vec::new();
        for chunk in chunks {
            lines.push(Bytes::copy_from_slice(chunk));
            while let Some(line) = lines.next_line() {
                out.push(lines.bytes(line).to_vec());
            }
        }
        if let Some(line) = lines.last_line() {
            out.push(lines.bytes(line).to_vec());
        }
        (out, lines.consumed())
    }

    #[test]
    fn newlines_are_found_at_every_position() {
        for length in 0..40 {
            for at in 0..length {
                let mut bytes = vec![b'x'; length];
                bytes[at] = b'\n';
                assert_eq!(find_newline(&bytes), Some(at), "length {length}, newline at {at}");
            }
            assert_eq!(find_newline(&vec![b'x'; length]), None);
        }
        // Bytes just above and below '\n', and high bytes, are not newlines.
        assert_eq!(find_newline(&[0x0b, 0x09, 0x8a, 0xff, 0x0a]), Some(4));
    }

    #[test]
    fn lines_split_across_chunks_are_whole() {
        let body = b"{\"a\":1}\n{\"b\":22}\n\n{\"c\":333}";
        for size in 1..body.len() {
            let chunks: Vec<&[u8]> = body.chunks(size).collect();
            let (lines, _) = all_lines(&chunks);
            let expected: Vec<&[u8]> = vec![b"{\"a\":1}", b"{\"b\":22}", b"", b"{\"c\":333}"];
            assert_eq!(lines, expected, "chunk size {size}");
        }
    }

    #[test]
    fn consumed_counts_complete_lines_only() {
        let mut lines = Lines::default();
        lines.push(Bytes::from_static(b"one\ntw"));
        assert!(matches!(lines.next_line(), Some(Line::InChunk(0, 3))));
        assert_eq!(lines.next_line(), None);
        assert_eq!(lines.consumed(), 4);
        assert_eq!(lines.received(), 6);
        assert_eq!(lines.discard_partial(), 2);
        assert_eq!(lines.consumed(), 4);
        lines.push(Bytes::from_static(b"two\n"));
        let line = lines.next_line().expect("a line");
        assert_eq!(lines.bytes(line), b"two");
        assert_eq!(lines.consumed(), 8);
    }
}
