//! The reader of documents nested deeper than `serde_yaml` goes (it stops at 128 levels of
//! objects and lists): the same `serde_yaml::Value` tree, built from libyaml's events without
//! recursion, up to [`DEPTH_LIMIT`] levels. Past the limit it names the exact place: the pointer
//! of the first node too deep, with its line and column.
//!
//! It is used only when `serde_yaml` refused a document for its depth, so every document that
//! reader takes is read exactly as before. Scalars are resolved as `serde_yaml` resolves them
//! (YAML 1.2's core schema: `null`, `~`, booleans, integers in decimal, `0x`, `0o` and `0b`,
//! floats with `.inf` and `.nan`; quoted text stays text; `!!str` and the other standard tags
//! apply; any other tag is kept as a tagged value), integers past 64 bits are read as floats.

use super::events::{Boundary, Event, Events, Mark};
use crate::diagnostics::{Diagnostic, Pointer};
use serde_yaml::value::{Tag, TaggedValue};
use serde_yaml::{Mapping, Number, Value};
use std::collections::HashMap;

/// How deep objects and lists may nest. 200 levels of `properties` (two levels each) fit; the
/// stages after loading recurse as deep as this and are sized for it (`crate::STACK`).
pub(crate) const DEPTH_LIMIT: usize = 512;

/// How many nodes `*alias`es may add, at least: a document of a few aliased anchors that refer
/// to each other must not expand into a tree too large to hold (a "billion laughs").
const ALIAS_NODES: usize = 1_000_000;

/// A list or object being read.
struct Open {
    value: Value,
    /// For an object, its key, once read and until its value is.
    key: Option<Value>,
    tag: Option<String>,
    anchor: Option<String>,
    /// Nodes inside, for the alias budget.
    nodes: usize,
}

/// Reads the one document of `text`, or says why not (at the pointer of the problem).
pub(super) fn read(text: &[u8]) -> Result<Value, Diagnostic> {
    let mut events = Events::new(text);
    let mut open: Vec<Open> = Vec::new();
    let mut anchors: HashMap<String, (Value, usize)> = HashMap::new();
    let mut root = None;
    let mut alias_nodes = 0usize;
    let budget = ALIAS_NODES.max(text.len());
    let broken =
        |message: String| Diagnostic::new("", format!("the file is not valid YAML or JSON: {message}"));
    loop {
        let (event, mark) = events.next().map_err(broken)?;
        let (value, anchor, nodes) = match event {
            Event::Boundary(Boundary::StreamEnd) => break,
            Event::Boundary(Boundary::DocumentStart) if root.is_some() => {
                return Err(broken("more than one document in the file; keep one".to_owned()));
            }
            Event::Boundary(_) => continue,
            Event::Start { mapping, tag, anchor } => {
                if open.len() >= DEPTH_LIMIT {
                    return Err(too_deep(&open, mark));
                }
                let value =
                    if mapping { Value::Mapping(Mapping::new()) } else { Value::Sequence(Vec::new()) };
                open.push(Open { value, key: None, tag, anchor, nodes: 1 });
                continue;
            }
            Event::End => {
                let Some(done) = open.pop() else { continue };
                (tagged(done.value, done.tag.as_deref()), done.anchor, done.nodes)
            }
            Event::Scalar { text, tag, plain, anchor } => (scalar(text, tag.as_deref(), plain), anchor, 1),
            Event::Alias(name) => {
                let Some((value, nodes)) = anchors.get(&name) else {
                    return Err(broken(format!(
                        "unknown anchor `*{name}` at line {} column {}",
                        mark.line, mark.column
                    )));
                };
                alias_nodes += nodes;
                if alias_nodes > budget {
                    return Err(broken("repetition limit exceeded".to_owned()));
                }
                (value.clone(), None, *nodes)
            }
        };
        if let Some(anchor) = anchor {
            anchors.insert(anchor, (value.clone(), nodes));
        }
        let Some(parent) = open.last_mut() else {
            root = Some(value);
            continue;
        };
        parent.nodes += nodes;
        match (&mut parent.value, parent.key.take()) {
            (Value::Sequence(items), _) => items.push(value),
            (Value::Mapping(_), None) => parent.key = Some(value),
            (Value::Mapping(entries), Some(key)) => {
                if entries.contains_key(&key) {
                    let key = serde_yaml::to_string(&key).unwrap_or_default();
                    return Err(broken(format!("duplicate entry with key {:?}", key.trim_end())));
                }
                entries.insert(key, value);
            }
            _ => {}
        }
    }
    root.ok_or_else(|| broken("the file holds no document".to_owned()))
}

/// The diagnostic for a list or object that starts at `mark` inside the `open` ones.
fn too_deep(open: &[Open], mark: Mark) -> Diagnostic {
    let pointer = open.iter().fold(Pointer::root(), |pointer, open| match (&open.value, &open.key) {
        (Value::Sequence(items), _) => pointer.index(items.len()),
        (_, Some(key)) => pointer.key(&super::shape::key_text(key)),
        // Inside a key: no pointer goes deeper.
        (_, None) => pointer,
    });
    Diagnostic::new(
        pointer.as_str(),
        format!(
            "nesting deeper than {DEPTH_LIMIT} levels of objects and lists (line {}, column {}); move the inner part into a schema of its own under `components/schemas` and refer to it with `$ref`",
            mark.line, mark.column
        ),
    )
}

/// A list or object with its tag: the standard ones (`!!map`, `!!seq`) change nothing.
fn tagged(value: Value, tag: Option<&str>) -> Value {
    match tag {
        None | Some("tag:yaml.org,2002:map" | "tag:yaml.org,2002:seq") => value,
        Some(tag) => Value::Tagged(Box::new(TaggedValue { tag: Tag::new(tag), value })),
    }
}

/// A scalar as `serde_yaml` reads it.
fn scalar(text: String, tag: Option<&str>, plain: bool) -> Value {
    match tag {
        None if plain => plain_scalar(text),
        None | Some("tag:yaml.org,2002:str" | "!") => Value::String(text),
        Some(
            "tag:yaml.org,2002:null"
            | "tag:yaml.org,2002:bool"
            | "tag:yaml.org,2002:int"
            | "tag:yaml.org,2002:float",
        ) => plain_scalar(text),
        Some(tag) => Value::Tagged(Box::new(TaggedValue { tag: Tag::new(tag), value: plain_scalar(text) })),
    }
}

/// An unquoted scalar: null, a boolean, a number, else text.
fn plain_scalar(text: String) -> Value {
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let unsigned = text.strip_prefix('+').unwrap_or(&text);
    let leading_zero = {
        let digits = text.strip_prefix(['-', '+']).unwrap_or(&text);
        digits.len() > 1 && digits.starts_with('0') && digits.bytes().all(|byte| byte.is_ascii_digit())
    };
    let radix = [("0x", 16), ("0o", 8), ("0b", 2)]
        .into_iter()
        .find_map(|(prefix, radix)| Some((unsigned.strip_prefix(prefix)?, radix)))
        .filter(|(digits, _)| !digits.starts_with(['+', '-']))
        .and_then(|(digits, radix)| u64::from_str_radix(digits, radix).ok());
    if let Some(number) = radix {
        return Value::Number(number.into());
    }
    if leading_zero {
        return Value::String(text);
    }
    if !unsigned.starts_with(['+', '-']) {
        if let Ok(number) = unsigned.parse::<u64>() {
            return Value::Number(number.into());
        }
    }
    if let Ok(number) = text.parse::<i64>() {
        return Value::Number(number.into());
    }
    let float = match (text.as_str(), unsigned) {
        (_, ".inf" | ".Inf" | ".INF") => Some(f64::INFINITY),
        ("-.inf" | "-.Inf" | "-.INF", _) => Some(f64::NEG_INFINITY),
        (".nan" | ".NaN" | ".NAN", _) => Some(f64::NAN),
        _ if text.starts_with('+') && unsigned.starts_with(['+', '-']) => None,
        _ => unsigned.parse::<f64>().ok().filter(|float| float.is_finite()),
    };
    match float {
        Some(float) => Value::Number(Number::from(float)),
        None => Value::String(text),
    }
}

#[cfg(test)]
mod tests {
    use super::{read, DEPTH_LIMIT};
    use serde_yaml::Value;

    /// The deep reader reads what `serde_yaml` reads the same way.
    #[test]
    fn documents_read_as_serde_yaml_reads_them() {
        let text = "a: [1, -2, 0x1F, 0o17, 1.5, -.inf, 007, '1', ~, '', true, False, x]\nb: &anchor {c: !!str 5, d: !custom e}\nf: *anchor\n\"g\": |\n  text\n";
        let expected: Value = serde_yaml::from_str(text).unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(read(text.as_bytes()), Ok(expected));
        let json = br#"{"x": [{"y": null}, 1e3, "z"]}"#;
        let expected: Value = serde_yaml::from_slice(json).unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(read(json), Ok(expected));
    }

    #[test]
    fn nesting_past_the_limit_is_named_at_its_pointer() {
        let text = format!("{}1{}", "[".repeat(DEPTH_LIMIT + 10), "]".repeat(DEPTH_LIMIT + 10));
        let Err(diagnostic) = read(text.as_bytes()) else { panic!("read past the limit") };
        assert_eq!(diagnostic.pointer, "/0".repeat(DEPTH_LIMIT));
        assert!(
            diagnostic.message.starts_with(&format!(
                "nesting deeper than {DEPTH_LIMIT} levels of objects and lists (line 1, column {})",
                DEPTH_LIMIT + 1
            )),
            "{diagnostic}"
        );
        let deep = format!("{}1{}", "[".repeat(DEPTH_LIMIT - 1), "]".repeat(DEPTH_LIMIT - 1));
        assert!(read(deep.as_bytes()).is_ok());
    }

    #[test]
    fn duplicate_keys_and_alias_bombs_are_refused() {
        let Err(duplicate) = read(b"a: 1\na: 2\n") else { panic!("a duplicate key was read") };
        assert!(duplicate.message.contains("duplicate entry with key \"a\""), "{duplicate}");
        let mut bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n".to_owned();
        for level in 1..12 {
            let previous = format!("*a{}", level - 1);
            bomb.push_str(&format!("a{level}: &a{level} [{}]\n", vec![previous; 10].join(", ")));
        }
        let Err(bomb) = read(bomb.as_bytes()) else { panic!("an alias bomb was read") };
        assert!(bomb.message.contains("repetition limit exceeded"), "{bomb}");
    }
}
