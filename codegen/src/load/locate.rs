//! Lines and columns for diagnostics. The loose tree (`serde_yaml::Value`) keeps no positions, so
//! the place of a wrong node is found by reading the text once more, following its JSON pointer
//! and skipping every other branch: linear in the size of the text, and done only when there is
//! something to report (for the first [`LOCATED`] diagnostics of a run).
//!
//! The same reading names the place where a document nests deeper than the YAML and JSON readers
//! go ([`DEPTH_LIMIT`] levels of objects and lists): a diagnostic at that pointer instead of a
//! stack overflow, in every later stage too, whose recursion the limit bounds.

use crate::diagnostics::{Diagnostic, Pointer};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// How deep objects and lists may nest: the fixed limit of `serde_yaml` (and of `serde_json`).
pub(crate) const DEPTH_LIMIT: usize = 128;

/// How many diagnostics of one run get a line and column (each costs a reading of the text).
const LOCATED: usize = 10;

/// What the seeking reader fails with when it reaches the node it looks for.
const FOUND: &str = "\u{0}found";

/// Appends ` (line L, column C)` to the message of each of the first [`LOCATED`] diagnostics
/// whose node the text has.
pub(super) fn annotate(bytes: &[u8], diagnostics: &mut [Diagnostic]) {
    for diagnostic in diagnostics.iter_mut().take(LOCATED) {
        if let Some((line, column)) = position(bytes, &diagnostic.pointer) {
            diagnostic.message = format!("{} (line {line}, column {column})", diagnostic.message);
        }
    }
}

/// The line and column (from 1) where the node at `pointer` starts in the YAML or JSON text.
pub(super) fn position(bytes: &[u8], pointer: &str) -> Option<(usize, usize)> {
    let segments: Vec<String> = match pointer.strip_prefix('/') {
        Some(rest) => rest.split('/').map(|segment| segment.replace("~1", "/").replace("~0", "~")).collect(),
        None if pointer.is_empty() => Vec::new(),
        None => return None,
    };
    let error = match Seek(&segments).deserialize(serde_yaml::Deserializer::from_slice(bytes)) {
        Ok(()) => return None,
        Err(error) => error,
    };
    let location = error.location().filter(|_| error.to_string().contains(FOUND))?;
    Some((location.line(), location.column()))
}

/// Where a document nests deeper than the readers go, when that is why it could not be read.
pub(super) fn too_deep(bytes: &[u8], error: &serde_yaml::Error) -> Option<Diagnostic> {
    if !error.to_string().starts_with("recursion limit exceeded") {
        return None;
    }
    // A tree is read again (skipping would not count levels), keeping the path to where it fails.
    let reading =
        serde_path_to_error::deserialize::<_, serde_yaml::Value>(serde_yaml::Deserializer::from_slice(bytes));
    let pointer = match reading {
        Err(error) => super::pointer_of(&Pointer::root(), error.path()),
        Ok(_) => Pointer::root(),
    };
    let place = error
        .location()
        .map(|at| format!(" (line {}, column {})", at.line(), at.column()))
        .unwrap_or_default();
    Some(Diagnostic::new(
        pointer.as_str(),
        format!("nesting deeper than {DEPTH_LIMIT} levels of objects and lists{place}; move the inner part into a schema of its own under `components/schemas` and refer to it with `$ref`"),
    ))
}

/// Follows the remaining segments of a pointer; fails with [`FOUND`] at the node they lead to.
struct Seek<'s>(&'s [String]);

impl<'de> DeserializeSeed<'de> for Seek<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        // Failing inside the reader's call makes it attach the position of this node.
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seek<'_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("any value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some((next, rest)) = self.0.split_first() else { return Err(de::Error::custom(FOUND)) };
        while let Some(key) = map.next_key::<Key>()? {
            if key.0.as_deref() == Some(next.as_str()) {
                return map.next_value_seed(Seek(rest));
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Some((next, rest)) = self.0.split_first() else { return Err(de::Error::custom(FOUND)) };
        let wanted = next.parse::<usize>().ok();
        let mut index = 0;
        loop {
            if Some(index) == wanted {
                return seq.next_element_seed(Seek(rest)).map(drop);
            }
            if seq.next_element::<IgnoredAny>()?.is_none() {
                return Ok(());
            }
            index += 1;
        }
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.scalar()
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.scalar()
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.scalar()
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.scalar()
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.scalar()
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.scalar()
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.scalar()
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        self.scalar()
    }
}

impl Seek<'_> {
    /// A scalar is the node looked for when no segment is left, else the pointer leads nowhere.
    fn scalar<E: de::Error>(&self) -> Result<(), E> {
        if self.0.is_empty() {
            Err(E::custom(FOUND))
        } else {
            Ok(())
        }
    }
}

/// A key as text, whatever scalar it is written as (`200` or `"200"`); other keys are `None`.
struct Key(Option<String>);

impl<'de> de::Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Key, E> {
        Ok(Key(Some(text.to_owned())))
    }

    fn visit_bool<E: de::Error>(self, flag: bool) -> Result<Key, E> {
        Ok(Key(Some(flag.to_string())))
    }

    fn visit_i64<E: de::Error>(self, number: i64) -> Result<Key, E> {
        Ok(Key(Some(number.to_string())))
    }

    fn visit_u64<E: de::Error>(self, number: u64) -> Result<Key, E> {
        Ok(Key(Some(number.to_string())))
    }

    fn visit_f64<E: de::Error>(self, number: f64) -> Result<Key, E> {
        Ok(Key(Some(serde_yaml::Number::from(number).to_string())))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Key, E> {
        Ok(Key(Some("null".to_owned())))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Key, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Key(None))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Key, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Key(None))
    }
}

#[cfg(test)]
mod tests {
    use super::position;

    #[test]
    fn a_node_is_found_by_its_pointer_in_yaml_and_json() {
        let yaml = b"a:\n  b:\n    - x\n    - {c: 5}\n  200: {d: true}\n";
        assert_eq!(position(yaml, "/a/b/1/c"), Some((4, 11)));
        assert_eq!(position(yaml, "/a/200/d"), Some((5, 12)));
        assert_eq!(position(yaml, "/a/b/2"), None);
        let json = b"{\"a\": {\"b~c/d\": [1, 2]}}";
        assert_eq!(position(json, "/a/b~0c~1d/1"), Some((1, 21)));
    }
}
