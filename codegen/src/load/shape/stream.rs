//! The shape check on JSON text as it streams past, for the fast path of a large JSON document:
//! whether the typed read takes the text as it is, found without building a tree (a tree of
//! GitHub's 13 MB description costs a tenth of its whole generation, and doubles the memory).
//!
//! It follows the tree walk's tables and is stricter where the stream has not seen the whole
//! object yet: whatever it is unsure of (a value the walk would rewrite, a problem, a path item
//! given by `$ref`, `webhooks`) sends the document down the general path, which reads the tree
//! and says what is wrong. It stops at the first doubt.

use super::kinds::{status_code, Kind, Need, Shape, CALLBACK};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_yaml::{Mapping, Value};
use std::fmt;

/// Whether the typed read takes this JSON text as it is (3.0 form, nothing to settle first).
pub(in crate::load) fn clean_json(bytes: &[u8]) -> bool {
    let mut reader = serde_json::Deserializer::from_slice(bytes);
    Check(Shape::Object(Kind::Document)).deserialize(&mut reader).is_ok() && reader.end().is_ok()
}

/// The error that ends the stream: the general path decides.
fn unsure<E: de::Error>() -> E {
    E::custom("not for the fast path")
}

/// A value of this shape; a choice gives the name it matched.
#[derive(Clone, Copy)]
struct Check(Shape);

impl<'de> DeserializeSeed<'de> for Check {
    type Value = Option<&'static str>;

    fn deserialize<D: Deserializer<'de>>(self, reader: D) -> Result<Self::Value, D::Error> {
        match self.0 {
            Shape::Any => reader.deserialize_ignored_any(IgnoredAny).map(|_| None),
            Shape::Object(Kind::Callback) => Check(CALLBACK).deserialize(reader),
            Shape::Object(kind) => reader.deserialize_map(Object { kind, reference: false }),
            Shape::RefOr(kind) => reader.deserialize_map(Object { kind, reference: true }),
            Shape::List(_) => reader.deserialize_seq(self),
            Shape::Map(_) => reader.deserialize_map(self),
            _ => reader.deserialize_any(self),
        }
    }
}

impl<'de> Visitor<'de> for Check {
    type Value = Option<&'static str>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a value of the expected shape")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        matches!(self.0, Shape::Bool | Shape::BoolOrSchema).then_some(None).ok_or_else(unsure)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        matches!(self.0, Shape::Count | Shape::Number).then_some(None).ok_or_else(unsure)
    }

    fn visit_i64<E: de::Error>(self, number: i64) -> Result<Self::Value, E> {
        let fits = matches!(self.0, Shape::Number) || (matches!(self.0, Shape::Count) && number >= 0);
        fits.then_some(None).ok_or_else(unsure)
    }

    fn visit_f64<E: de::Error>(self, number: f64) -> Result<Self::Value, E> {
        (matches!(self.0, Shape::Number) && number.is_finite()).then_some(None).ok_or_else(unsure)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        match self.0 {
            Shape::Text => Ok(None),
            Shape::Choice(_, names) => {
                names.iter().find(|name| **name == text).map(|name| Some(*name)).ok_or_else(unsure)
            }
            _ => Err(unsure()),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Self::Value, A::Error> {
        let Shape::List(item) = self.0 else { return Err(unsure()) };
        while items.next_element_seed(Check(*item))?.is_some() {}
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<Self::Value, A::Error> {
        match self.0 {
            Shape::Map(entry) => {
                while entries.next_key::<IgnoredAny>()?.is_some() {
                    entries.next_value_seed(Check(*entry))?;
                }
                Ok(None)
            }
            Shape::BoolOrSchema => Object { kind: Kind::Schema, reference: true }.visit_map(entries),
            _ => Err(unsure()),
        }
    }
}

/// An object of `kind`, or (`reference`) a `$ref`.
struct Object {
    kind: Kind,
    reference: bool,
}

impl<'de> Visitor<'de> for Object {
    type Value = Option<&'static str>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.kind.noun())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<Self::Value, A::Error> {
        let (tables, tag) = self.kind.streamed_fields();
        let fields = || tables.iter().flat_map(|table| table.iter());
        // Which fields were seen, by their place in `fields()` (no kind has 64).
        let mut seen = 0u64;
        let mut tag_value = None;
        let mut choices: Vec<(&str, &str)> = Vec::new();
        let mut referred = false;
        while let Some(key) = entries.next_key_seed(KeyOf { kind: self.kind, reference: self.reference })? {
            match key {
                Key::Reference => {
                    entries.next_value_seed(Check(Shape::Text))?;
                    referred = true;
                }
                Key::Field(index) => {
                    let Some(&(name, shape, need)) = fields().nth(index) else { return Err(unsure()) };
                    seen |= 1 << index;
                    if let Some(choice) = entries.next_value_seed(FieldValue(shape, need))? {
                        if Some(name) == tag {
                            tag_value = Some(choice);
                        }
                        choices.push((name, choice));
                    }
                }
                Key::Entry(shape, need) => drop(entries.next_value_seed(FieldValue(shape, need))?),
                Key::Other => drop(entries.next_value::<IgnoredAny>()?),
            }
        }
        if referred {
            return Ok(None);
        }
        let present = |wanted: &str| {
            fields().position(|(name, _, _)| *name == wanted).is_some_and(|at| seen & (1 << at) != 0)
        };
        if fields().any(|(name, _, need)| *need == Need::Required && !present(name)) {
            return Err(unsure());
        }
        if let Some((one, other)) = self.kind.either() {
            if !present(one) && !present(other) {
                return Err(unsure());
            }
        }
        // What the tag asks: its own required fields, and its choices (`style` by `in`).
        if let (Some(tag), Some(value)) = (tag, tag_value) {
            let mut tagged = Mapping::new();
            tagged.insert(Value::from(tag), Value::from(value));
            let [_, own] = self.kind.fields(&tagged);
            for &(name, shape, need) in own {
                let chosen = choices.iter().find(|(field, _)| *field == name).map(|(_, choice)| *choice);
                let fits = match (shape, chosen) {
                    (Shape::Choice(_, names), Some(chosen)) => names.contains(&chosen),
                    _ => true,
                };
                if !fits || (need == Need::Required && !present(name)) {
                    return Err(unsure());
                }
            }
        }
        Ok(None)
    }
}

/// A field's value: `null` is fine where the field may be `null` as it is.
struct FieldValue(Shape, Need);

impl<'de> DeserializeSeed<'de> for FieldValue {
    type Value = Option<&'static str>;

    fn deserialize<D: Deserializer<'de>>(self, reader: D) -> Result<Self::Value, D::Error> {
        match self.0 {
            Shape::Any => reader.deserialize_ignored_any(IgnoredAny).map(|_| None),
            _ => reader.deserialize_option(self),
        }
    }
}

impl<'de> Visitor<'de> for FieldValue {
    type Value = Option<&'static str>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a field's value")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        (self.1 == Need::Optional).then_some(None).ok_or_else(unsure)
    }

    fn visit_some<D: Deserializer<'de>>(self, reader: D) -> Result<Self::Value, D::Error> {
        Check(self.0).deserialize(reader)
    }
}

/// What a key of an object stands for.
enum Key {
    Reference,
    /// The field at this place of the kind's fields.
    Field(usize),
    /// An entry of `paths` or `responses`.
    Entry(Shape, Need),
    /// An extension, or a field openapiv3 ignores.
    Other,
}

/// Reads a key of an object of `kind` without keeping its text.
struct KeyOf {
    kind: Kind,
    reference: bool,
}

impl<'de> DeserializeSeed<'de> for KeyOf {
    type Value = Key;

    fn deserialize<D: Deserializer<'de>>(self, reader: D) -> Result<Key, D::Error> {
        reader.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyOf {
    type Value = Key;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
        if key == "$ref" && self.reference {
            // A path item by reference is settled on the tree first.
            return if self.kind == Kind::PathItem { Err(unsure()) } else { Ok(Key::Reference) };
        }
        let key = match self.kind {
            Kind::Paths if key.starts_with('/') => Key::Entry(Shape::RefOr(Kind::PathItem), Need::Required),
            Kind::Responses if key == "default" => Key::Entry(Shape::RefOr(Kind::Response), Need::Optional),
            Kind::Responses if status_code(key) => Key::Entry(Shape::RefOr(Kind::Response), Need::Required),
            Kind::Paths | Kind::Responses => Key::Other,
            // Read apart, from the tree.
            Kind::Document if key == "webhooks" => return Err(unsure()),
            kind => {
                let (tables, _) = kind.streamed_fields();
                match tables.iter().flat_map(|table| table.iter()).position(|(name, _, _)| *name == key) {
                    Some(index) => Key::Field(index),
                    None => Key::Other,
                }
            }
        };
        Ok(key)
    }
}

#[cfg(test)]
mod tests {
    use super::clean_json;

    #[test]
    fn the_stream_passes_what_the_typed_read_takes_and_doubts_the_rest() {
        let head = r##""openapi":"3.0.3","info":{"title":"T","version":"1"}"##;
        let clean = [
            format!(
                r##"{{{head},"paths":{{"/a":{{"get":{{"parameters":[{{"name":"q","in":"query","style":"form","schema":{{"type":"string"}}}}],"responses":{{"200":{{"description":"ok"}},"default":null}}}}}}}}}}"##
            ),
            format!(
                r##"{{{head},"paths":{{}},"components":{{"schemas":{{"A":{{"type":"object","properties":{{"b":{{"$ref":"#/components/schemas/A"}}}},"additionalProperties":false,"minProperties":1}}}},"securitySchemes":{{"K":{{"type":"apiKey","in":"header","name":"K"}}}}}}}}"##
            ),
        ];
        for text in &clean {
            assert!(clean_json(text.as_bytes()), "{text}");
        }
        let doubtful = [
            // No paths; a wrong type deep down; a style its location does not take; a scheme
            // without what its type needs; a path item by reference; `null` for a list.
            format!(r##"{{{head}}}"##),
            format!(
                r##"{{{head},"paths":{{}},"components":{{"schemas":{{"A":{{"properties":{{"b":{{"items":{{"type":5}}}}}}}}}}}}}}"##
            ),
            format!(
                r##"{{{head},"paths":{{"/a":{{"get":{{"parameters":[{{"name":"q","in":"path","style":"form","schema":{{}}}}],"responses":{{}}}}}}}}}}"##
            ),
            format!(
                r##"{{{head},"paths":{{}},"components":{{"securitySchemes":{{"K":{{"type":"http"}}}}}}}}"##
            ),
            format!(r##"{{{head},"paths":{{"/a":{{"$ref":"#/paths/~1b"}}}}}}"##),
            format!(r##"{{{head},"paths":{{}},"tags":null}}"##),
        ];
        for text in &doubtful {
            assert!(!clean_json(text.as_bytes()), "{text}");
        }
    }
}
