//! Lines and columns for diagnostics. The loose tree (`serde_yaml::Value`) keeps no positions, so
//! the place of a wrong node is found by reading the text's parse events once more, following
//! the node's JSON pointer: linear in the size of the text, at any depth, and done only when
//! there is something to report (for the first [`LOCATED`] diagnostics of a run).

use super::events::{Boundary, Event, Events, Mark};
use crate::diagnostics::Diagnostic;

/// How many diagnostics of one run get a line and column (each costs a reading of the text).
const LOCATED: usize = 10;

/// Appends ` (line L, column C)` to the message of each of the first [`LOCATED`] diagnostics
/// whose node the text has.
pub(super) fn annotate(bytes: &[u8], diagnostics: &mut [Diagnostic]) {
    for diagnostic in diagnostics.iter_mut().take(LOCATED) {
        if let Some(Mark { line, column }) = position(bytes, &diagnostic.pointer) {
            diagnostic.message = format!("{} (line {line}, column {column})", diagnostic.message);
        }
    }
}

/// An object or list the reading is inside.
struct Open {
    mapping: bool,
    /// In an object: whether the next node is a key (else the value of `key`).
    at_key: bool,
    key: Option<String>,
    /// In a list: the index of the next item.
    index: usize,
    /// Whether the pointer so far leads here.
    on_path: bool,
}

/// Where the node at `pointer` starts in the YAML or JSON text (line and column from 1).
pub(super) fn position(bytes: &[u8], pointer: &str) -> Option<Mark> {
    let segments: Vec<String> = match pointer.strip_prefix('/') {
        Some(rest) => rest.split('/').map(|segment| segment.replace("~1", "/").replace("~0", "~")).collect(),
        None if pointer.is_empty() => Vec::new(),
        None => return None,
    };
    let mut events = Events::new(bytes);
    let mut open: Vec<Open> = Vec::new();
    loop {
        let (event, mark) = events.next().ok()?;
        let mapping = match event {
            Event::Boundary(Boundary::StreamEnd) => return None,
            Event::Boundary(_) => continue,
            Event::End => {
                open.pop();
                continue;
            }
            Event::Start { mapping, .. } => Some(mapping),
            Event::Scalar { .. } | Event::Alias(_) => None,
        };
        // A node: a key, or a value whose pointer is its parent's and one segment more.
        let depth = open.len();
        let on_path = match open.last_mut() {
            Some(parent) if parent.mapping && parent.at_key => {
                parent.at_key = false;
                parent.key = match &event {
                    Event::Scalar { text, .. } => Some(text.clone()),
                    _ => None,
                };
                // Nothing inside a key is on any pointer.
                false
            }
            Some(parent) => {
                let segment = if parent.mapping {
                    parent.at_key = true;
                    parent.key.take()
                } else {
                    parent.index += 1;
                    Some((parent.index - 1).to_string())
                };
                parent.on_path
                    && segments.get(depth - 1).is_some_and(|wanted| Some(wanted) == segment.as_ref())
            }
            None => true,
        };
        if on_path && open.len() == segments.len() {
            return Some(mark);
        }
        if let Some(mapping) = mapping {
            open.push(Open { mapping, at_key: mapping, key: None, index: 0, on_path });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::position;
    use crate::load::events::Mark;

    #[test]
    fn a_node_is_found_by_its_pointer_in_yaml_and_json() {
        let yaml = b"a:\n  b:\n    - x\n    - {c: 5}\n  200: {d: true}\n";
        assert_eq!(position(yaml, "/a/b/1/c"), Some(Mark { line: 4, column: 11 }));
        assert_eq!(position(yaml, "/a/200/d"), Some(Mark { line: 5, column: 12 }));
        assert_eq!(position(yaml, "/a/b/2"), None);
        let json = b"{\"a\": {\"b~c/d\": [1, 2]}}";
        assert_eq!(position(json, "/a/b~0c~1d/1"), Some(Mark { line: 1, column: 21 }));
    }
}
