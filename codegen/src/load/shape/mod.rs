//! The shape check: one walk over the loosely read tree (a 3.1 document already rewritten into
//! 3.0 form) that knows the OpenAPI 3.0 object kinds and what each of their fields holds, run
//! before openapiv3 reads the tree.
//!
//! openapiv3 tells a `$ref` from an inline value (and the kinds of schema apart) by trying each
//! in turn and, when all fail, reading the node once more for its error message: a wrong value
//! under nested schemas costs twice as much per level (24 levels took minutes). This walk reports
//! every wrong node at its exact pointer, with what was expected and what was found, so that the
//! typed read only ever meets a tree it accepts, and the time to a diagnostic is linear in the
//! size of the document whatever is wrong with it. It mirrors the fields of openapiv3 2.2's types
//! (what is required, what is a list, a map, a flag, a count, a reference-or-object), checked by
//! a test that runs both on mutated documents.
//!
//! Where a reader of the text was lenient, the walk keeps it so by rewriting the tree (which is
//! then what the typed read reads): a number or boolean where text is expected (`description: 5`,
//! a key `200`) becomes its text, and `null` for a field with a default (a list, a map, a flag)
//! is the default. The walk recurses as deep as the tree nests, which the YAML and JSON readers
//! bound (see `deep::DEPTH_LIMIT`).

use crate::diagnostics::{Diagnostics, Pointer};
use serde_yaml::{Mapping, Value};

mod kinds;
mod stream;

use kinds::{status_code, Kind, Need, Shape, CALLBACK};
pub(super) use stream::clean_json;
use Need::{Defaulted as D, Required as R};
use Shape::{Any, Bool, Count, Number, Text};

/// Checks a whole document (3.0 form, `webhooks` taken out). Problems are errors in `problems`;
/// returns whether the tree was rewritten where a text reader is lenient.
pub(super) fn document(tree: &mut Value, problems: &mut Diagnostics) -> bool {
    let mut walk = Walk { problems, changed: false };
    walk.object(tree, Kind::Document, &Pointer::root());
    walk.changed
}

/// Checks `webhooks` (3.0 form): a path item per name, `x-` entries any value.
pub(super) fn webhooks(webhooks: &mut Value, problems: &mut Diagnostics) {
    let at = Pointer::root().key("webhooks");
    let mut walk = Walk { problems, changed: false };
    let Value::Mapping(entries) = webhooks else { return };
    walk.keys(entries, &at);
    for (key, value) in entries.iter_mut() {
        let name = key.as_str().unwrap_or_default();
        let shape = if name.starts_with("x-") { Any } else { Shape::RefOr(Kind::PathItem) };
        walk.value(value, shape, &at.key(name));
    }
}

/// The walk: problems found so far, and whether the tree was rewritten.
struct Walk<'p> {
    problems: &'p mut Diagnostics,
    changed: bool,
}

impl Walk<'_> {
    fn value(&mut self, value: &mut Value, shape: Shape, at: &Pointer) {
        if let Value::Tagged(tagged) = value {
            let message = format!(
                "the YAML tag `{}` is not read here; remove it (OpenAPI values are plain JSON)",
                tagged.tag
            );
            return self.problems.push(at.as_str(), message);
        }
        match shape {
            Text => match value {
                Value::String(_) => {}
                Value::Number(_) | Value::Bool(_) => self.as_text(value),
                _ => self.wrong(at, "text", value),
            },
            Bool if value.is_bool() => {}
            Bool => self.wrong(at, "`true` or `false`", value),
            Count if value.as_u64().is_some() => {}
            Count => self.wrong(at, "a whole number, 0 or more", value),
            Number if value.as_f64().is_some_and(f64::is_finite) => {}
            Number => self.wrong(at, "a number", value),
            Any => self.any(value, at),
            Shape::Choice(noun, names) => match value {
                Value::String(name) if names.contains(&name.as_str()) => {}
                Value::String(name) => {
                    let message = format!("unknown {noun} `{name}`; expected one of {}", names.join(", "));
                    self.problems.push(at.as_str(), message);
                }
                other => self.wrong(at, &format!("one of {}", names.join(", ")), other),
            },
            Shape::Object(kind) => self.object(value, kind, at),
            Shape::RefOr(kind) => self.reference_or(value, kind, at),
            Shape::BoolOrSchema if value.is_bool() => {}
            Shape::BoolOrSchema if !value.is_mapping() => {
                self.wrong(at, "`true`, `false` or a schema", value)
            }
            Shape::BoolOrSchema => self.reference_or(value, Kind::Schema, at),
            Shape::List(item) => match value {
                Value::Sequence(items) => {
                    for (index, value) in items.iter_mut().enumerate() {
                        self.value(value, *item, &at.index(index));
                    }
                }
                other => self.wrong(at, "a list", other),
            },
            Shape::Map(entry) => match value {
                Value::Mapping(entries) => {
                    self.keys(entries, at);
                    for (key, value) in entries.iter_mut() {
                        self.value(value, *entry, &at.key(key.as_str().unwrap_or_default()));
                    }
                }
                other => self.wrong(at, "an object", other),
            },
        }
    }

    /// A `$ref` (its siblings ignored, as openapiv3 does), else an object of `kind`.
    fn reference_or(&mut self, value: &mut Value, kind: Kind, at: &Pointer) {
        if let Value::Mapping(object) = value {
            match object.get("$ref") {
                Some(Value::String(_)) => return self.any(value, at),
                Some(other) => {
                    let message = format!(
                        "expected a reference (text such as `#/components/schemas/Name`); found {}",
                        describe(other)
                    );
                    return self.problems.push(at.key("$ref").as_str(), message);
                }
                None => {}
            }
        }
        self.object(value, kind, at);
    }

    fn object(&mut self, value: &mut Value, kind: Kind, at: &Pointer) {
        if kind == Kind::Callback {
            return self.value(value, CALLBACK, at);
        }
        let Value::Mapping(object) = value else {
            return self.wrong(at, &format!("{} (an object)", kind.noun()), value);
        };
        self.keys(object, at);
        match kind {
            Kind::Paths => return self.entries(object, at, |key| key.starts_with('/'), Kind::PathItem),
            Kind::Responses => return self.entries(object, at, status_code, Kind::Response),
            _ => {}
        }
        let fields = kind.fields(object);
        let field = |name: &str| fields.iter().flat_map(|fields| fields.iter()).find(|field| field.0 == name);
        for &(name, shape, need) in fields.iter().flat_map(|fields| fields.iter()) {
            if need == R && object.get(name).is_none_or(Value::is_null) {
                let choices = match shape {
                    Shape::Choice(_, names) => format!(" (one of {})", names.join(", ")),
                    _ => String::new(),
                };
                self.problems.push(at.as_str(), format!("{} needs `{name}`{choices}; add it", kind.noun()));
            }
        }
        if let Some((one, other)) = kind.either() {
            let present = |name: &str| object.get(name).is_some_and(|value| !value.is_null());
            if !present(one) && !present(other) {
                self.problems
                    .push(at.as_str(), format!("{} needs `{one}` or `{other}`; add one", kind.noun()));
            }
        }
        let mut defaulted = Vec::new();
        for (key, value) in object.iter_mut() {
            let name = key.as_str().unwrap_or_default();
            match field(name) {
                Some(&(_, _, need)) if value.is_null() => {
                    if need == D {
                        defaulted.push(key.clone());
                    }
                }
                Some(&(_, shape, _)) => self.value(value, shape, &at.key(name)),
                // Extensions, and fields openapiv3 ignores: any JSON value.
                None => self.any(value, &at.key(name)),
            }
        }
        for key in &defaulted {
            object.shift_remove(key);
            self.changed = true;
        }
    }

    /// `paths` or `responses`: the entries whose key `reads` are objects of `kind`; the others
    /// (extensions, keys openapiv3 ignores) any JSON value.
    fn entries(&mut self, object: &mut Mapping, at: &Pointer, reads: fn(&str) -> bool, kind: Kind) {
        for (key, value) in object.iter_mut() {
            let name = key.as_str().unwrap_or_default();
            let here = at.key(name);
            // `responses/default` may be `null` (no default response).
            if reads(name) || (kind == Kind::Response && name == "default" && !value.is_null()) {
                self.reference_or(value, kind, &here);
            } else {
                self.any(value, &here);
            }
        }
    }

    /// Any JSON value: no YAML tags, text keys.
    fn any(&mut self, value: &mut Value, at: &Pointer) {
        match value {
            Value::Sequence(items) => {
                for (index, value) in items.iter_mut().enumerate() {
                    self.any(value, &at.index(index));
                }
            }
            Value::Mapping(entries) => {
                self.keys(entries, at);
                for (key, value) in entries.iter_mut() {
                    self.any(value, &at.key(key.as_str().unwrap_or_default()));
                }
            }
            Value::Tagged(_) => self.value(value, Any, at),
            Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => {}
        }
    }

    /// Makes every key of `object` text: a number, boolean or `null` key is its text (as a text
    /// reader reads it); a list or object as a key is an error.
    fn keys(&mut self, object: &mut Mapping, at: &Pointer) {
        if object.keys().all(Value::is_string) {
            return;
        }
        let mut rewritten = Mapping::with_capacity(object.len());
        for (key, value) in std::mem::take(object) {
            if matches!(key, Value::Sequence(_) | Value::Mapping(_) | Value::Tagged(_)) {
                let message = format!("a key here is {}; keys must be text", describe(&key));
                self.problems.push(at.as_str(), message);
                continue;
            }
            rewritten.insert(Value::String(key_text(&key)), value);
        }
        *object = rewritten;
        self.changed = true;
    }

    fn as_text(&mut self, value: &mut Value) {
        let text = match value {
            Value::Number(number) => number.to_string(),
            Value::Bool(flag) => flag.to_string(),
            _ => return,
        };
        *value = Value::String(text);
        self.changed = true;
    }

    fn wrong(&mut self, at: &Pointer, expected: &str, found: &Value) {
        self.problems.push(at.as_str(), format!("expected {expected}; found {}", describe(found)));
    }
}

/// A key as a text reader reads it: a number, boolean or `null` is its text (a list, an object or
/// a tagged value, which no reader takes as a key, is empty text).
pub(super) fn key_text(key: &Value) -> String {
    match key {
        Value::String(text) => text.clone(),
        Value::Number(number) => number.to_string(),
        Value::Bool(flag) => flag.to_string(),
        Value::Null => "null".to_owned(),
        Value::Sequence(_) | Value::Mapping(_) | Value::Tagged(_) => String::new(),
    }
}

/// A YAML value as a reader would name it.
pub(super) fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(flag) => format!("`{flag}`"),
        Value::Number(number) => format!("the number {number}"),
        Value::String(text) => format!("the text {text:?}"),
        Value::Sequence(_) => "a list".to_owned(),
        Value::Mapping(_) => "an object".to_owned(),
        Value::Tagged(tagged) => format!("a value tagged `{}`", tagged.tag),
    }
}
