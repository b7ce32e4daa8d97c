//! Problems found in a spec, each tied to the place in the document that causes it.

use std::fmt;

/// One problem in the input spec: where it is (a JSON pointer into the document) and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// RFC 6901 JSON pointer into the spec, e.g. `/paths/~1v1~1items/get/parameters/2`.
    pub pointer: String,
    /// What is wrong and, where possible, what to change.
    pub message: String,
    /// Whether generation stops.
    pub severity: Severity,
}

/// How bad a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The spec cannot be turned into a crate until this is fixed.
    Error,
    /// Something read more loosely than written: the crate is written, with a looser type (such as
    /// `serde_json::Value`) in place of a construct, or a default for what the document leaves
    /// out (a missing `info.version`), or a new name for a duplicate operationId.
    Warning,
}

impl Diagnostic {
    /// An error at `pointer`.
    pub fn new(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self { pointer: pointer.into(), message: message.into(), severity: Severity::Error }
    }

    /// A warning at `pointer`.
    pub fn warning(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self { severity: Severity::Warning, ..Self::new(pointer, message) }
    }

    /// True for an error (generation stops), false for a warning.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pointer = if self.pointer.is_empty() { "/" } else { &self.pointer };
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{severity} at {pointer}: {}", self.message)
    }
}

impl std::error::Error for Diagnostic {}

/// Every diagnostic a run produced, in document order; generation fails when one is an error.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Records a problem at `pointer`.
    pub fn push(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.0.push(Diagnostic::new(pointer, message));
    }

    /// Records a construct that was skipped (generation goes on) at `pointer`.
    pub fn warn(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.0.push(Diagnostic::warning(pointer, message));
    }

    /// True when nothing was reported.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// True when at least one problem stops generation.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// How many errors and how many warnings, as a reader would say it: `2 errors, 1 warning`.
    pub fn summary(&self) -> String {
        let errors = self.0.iter().filter(|d| d.is_error()).count();
        let warnings = self.0.len() - errors;
        let plural =
            |count: usize, word: &str| format!("{count} {word}{}", if count == 1 { "" } else { "s" });
        format!("{}, {}", plural(errors, "error"), plural(warnings, "warning"))
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, diagnostic) in self.0.iter().enumerate() {
            if index > 0 {
                writeln!(f)?;
            }
            write!(f, "{diagnostic}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// Where schemas moved to on their way to the typed document (`$defs` hoisted into
/// `components/schemas`), so that diagnostics and docs name the place in the user's file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Relocations(Vec<(String, String)>);

impl Relocations {
    /// Records that what the user wrote at `original` is read at `moved`.
    pub fn record(&mut self, moved: impl Into<String>, original: impl Into<String>) {
        self.0.push((moved.into(), original.into()));
    }

    /// The pointer in the user's file of what is read at `pointer` (itself when nothing moved).
    pub fn original(&self, pointer: &str) -> String {
        for (moved, original) in &self.0 {
            if let Some(rest) = pointer.strip_prefix(moved.as_str()) {
                if rest.is_empty() || rest.starts_with('/') {
                    return format!("{original}{rest}");
                }
            }
        }
        pointer.to_owned()
    }

    /// The relocations of two stages, this one first: a pointer this stage moved is traced
    /// back through `earlier` too, and one it did not is looked up in `earlier` alone.
    pub fn then_from(self, earlier: Relocations) -> Relocations {
        let mut moves: Vec<(String, String)> =
            self.0.into_iter().map(|(moved, original)| (moved, earlier.original(&original))).collect();
        moves.extend(earlier.0);
        Relocations(moves)
    }

    /// Every diagnostic's pointer, as [`Relocations::original`] gives it.
    pub fn restore(&self, diagnostics: &mut [Diagnostic]) {
        if self.0.is_empty() {
            return;
        }
        for diagnostic in diagnostics {
            diagnostic.pointer = self.original(&diagnostic.pointer);
        }
    }
}

/// A JSON pointer under construction: `Pointer::root().key("paths").key("/v1/x")`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pointer(String);

impl Pointer {
    /// The whole document.
    pub fn root() -> Self {
        Self(String::new())
    }

    /// Parses the fragment of a local `$ref` (`#/components/schemas/X`) into a pointer.
    pub fn from_fragment(fragment: &str) -> Self {
        Self(fragment.to_owned())
    }

    /// The pointer one object key deeper, escaping `~` and `/` as RFC 6901 asks.
    pub fn key(&self, key: &str) -> Self {
        let escaped = key.replace('~', "~0").replace('/', "~1");
        Self(format!("{}/{escaped}", self.0))
    }

    /// The pointer one array index deeper.
    pub fn index(&self, index: usize) -> Self {
        Self(format!("{}/{index}", self.0))
    }

    /// The pointer as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `%7B` → `{`: a pointer in a URI fragment escapes what a URI may not hold. A `%` not followed by
/// two hex digits stays as written.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = |at: usize| bytes.get(at).and_then(|byte| (*byte as char).to_digit(16));
        match (bytes[index], hex(index + 1), hex(index + 2)) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                index += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    // A table of cases, one `assert_eq!` a row, shaped like every other such table.
    #[test]
    fn percent_escapes_are_decoded() {
        assert_eq!(percent_decode("~1items~1%7Bid%7D"), "~1items~1{id}");
        assert_eq!(percent_decode("100%"), "100%");
    }

    #[test]
    fn moved_pointers_are_restored_only_on_whole_segments() {
        let mut relocations = Relocations::default();
        relocations.record("/components/schemas/A.B", "/components/schemas/A/$defs/B");
        assert_eq!(
            relocations.original("/components/schemas/A.B/properties/x"),
            "/components/schemas/A/$defs/B/properties/x"
        );
        assert_eq!(relocations.original("/components/schemas/A.BC"), "/components/schemas/A.BC");
    }
}
