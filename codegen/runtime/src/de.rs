//! Decoding of the structs generated for objects, written by hand instead of serde's derive.
//!
//! The derive expands to some 280 lines per struct, most of a large crate's compile time. A
//! generated struct instead implements [`Object`]: its name, its fields' wire names, and a
//! `visit_map` that matches each key to a field by its index in that list ([`Field`]) and fills
//! the field ([`value`]). What is left is here, once. It decodes as the derive does: unknown keys
//! skipped, a missing required field or a repeated one an error, `expected struct Name` in errors;
//! but only from an object (the derive also takes a JSON array of the values in order, which no
//! server sends).
//!
//! The items are used by generated structs; a crate built without the features of all of its
//! structs leaves them unused, hence their `#[allow(dead_code)]`.

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

/// A struct decoded from a JSON object by [`object`].
#[allow(dead_code)]
pub(crate) trait Object<'de>: Sized {
    /// The name errors give: `expected struct {NAME}`.
    const NAME: &'static str;
    /// The wire names of the fields, in order.
    const FIELDS: &'static [&'static str];
    /// The index in [`FIELDS`](Object::FIELDS) of the field named `key`, or their number for any
    /// other key (a `match` on the key, which rustc compiles to a few comparisons).
    fn field(key: &str) -> usize;
    /// Reads the object's entries and builds the struct.
    fn visit_map<A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// Decodes an [`Object`] (the body of its `Deserialize` impl).
#[allow(dead_code)]
pub(crate) fn object<'de, D: Deserializer<'de>, T: Object<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_struct(T::NAME, T::FIELDS, ObjectVisitor(PhantomData))
}

struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: Object<'de>> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "struct {}", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::visit_map(map)
    }
}

/// Reads an object key as [`Object::field`] does; nothing is allocated.
#[allow(dead_code)]
pub(crate) struct Field<T>(PhantomData<T>);

#[allow(dead_code)]
impl<T> Field<T> {
    /// The seed for `map.next_key_seed`.
    pub(crate) fn new() -> Self {
        Self(PhantomData)
    }
}

impl<'de, T: Object<'de>> DeserializeSeed<'de> for Field<T> {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de, T: Object<'de>> Visitor<'de> for Field<T> {
    type Value = usize;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("field identifier")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<usize, E> {
        Ok(T::field(key))
    }

    fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<usize, E> {
        Ok(std::str::from_utf8(key).map_or(T::FIELDS.len(), T::field))
    }

    // Formats that write fields by position (not JSON) give their index, as serde's derive reads.
    fn visit_u64<E: de::Error>(self, index: u64) -> Result<usize, E> {
        Ok(usize::try_from(index).map_or(T::FIELDS.len(), |index| index.min(T::FIELDS.len())))
    }
}

/// An object key as [`FieldOrKey`] reads it.
#[allow(dead_code)]
pub(crate) enum Key {
    /// The index of the field it names.
    Field(usize),
    /// A key no field has, for the struct's map of unlisted properties.
    Other(String),
}

/// Reads an object key for a struct that keeps unlisted properties: like [`Field`], but a key
/// no field names is kept (allocated only then).
#[allow(dead_code)]
pub(crate) struct FieldOrKey<T>(PhantomData<T>);

#[allow(dead_code)]
impl<'de, T: Object<'de>> FieldOrKey<T> {
    /// The seed for `map.next_key_seed`.
    pub(crate) fn new() -> Self {
        Self(PhantomData)
    }

    fn index(key: &str) -> Option<usize> {
        Some(T::field(key)).filter(|index| *index < T::FIELDS.len())
    }
}

impl<'de, T: Object<'de>> DeserializeSeed<'de> for FieldOrKey<T> {
    type Value = Key;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de, T: Object<'de>> Visitor<'de> for FieldOrKey<T> {
    type Value = Key;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("field identifier")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
        Ok(Self::index(key).map_or_else(|| Key::Other(key.to_owned()), Key::Field))
    }

    fn visit_string<E: de::Error>(self, key: String) -> Result<Key, E> {
        Ok(Self::index(&key).map_or(Key::Other(key), Key::Field))
    }

    fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<Key, E> {
        match std::str::from_utf8(key) {
            Ok(key) => self.visit_str(key),
            Err(_) => Err(E::invalid_value(de::Unexpected::Bytes(key), &self)),
        }
    }
}

/// Reads the value of a field into `slot`; a second value for the same field is an error.
#[allow(dead_code)]
pub(crate) fn value<'de, A: MapAccess<'de>, T: de::Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// A required field's value, or serde's `missing field` error naming its wire name. A function
/// rather than a closure per field: one body for the compiler to check, however many fields.
/// `_map` only names the error type, so that a call needs no type annotation.
#[allow(dead_code)]
pub(crate) fn required<'de, A: MapAccess<'de>, T>(
    _map: &A,
    slot: Option<T>,
    name: &'static str,
) -> Result<T, A::Error> {
    slot.ok_or_else(|| de::Error::missing_field(name))
}

/// Reads an unlisted property's value into the struct's map of them.
#[allow(dead_code)]
pub(crate) fn keep<'de, A: MapAccess<'de>, T: de::Deserialize<'de>>(
    map: &mut A,
    extra: &mut BTreeMap<String, T>,
    key: String,
) -> Result<(), A::Error> {
    extra.insert(key, map.next_value()?);
    Ok(())
}

/// Skips the value of a key no field has.
#[allow(dead_code)]
pub(crate) fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    /// What a generated struct looks like: required, optional, optional and nullable fields.
    #[derive(Debug, PartialEq)]
    struct Item {
        id: String,
        note: Option<String>,
        parent: Option<Option<u32>>,
    }

    impl<'de> Deserialize<'de> for Item {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            object(deserializer)
        }
    }

    impl<'de> Object<'de> for Item {
        const NAME: &'static str = "Item";
        const FIELDS: &'static [&'static str] = &["id", "note", "parent"];

        fn field(key: &str) -> usize {
            match key {
                "id" => 0,
                "note" => 1,
                "parent" => 2,
                _ => 3,
            }
        }

        fn visit_map<A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
            let mut id = None;
            let mut note = None;
            let mut parent = None;
            while let Some(field) = map.next_key_seed(Field::<Self>::new())? {
                match field {
                    0 => value(&mut map, &mut id, "id")?,
                    1 => value(&mut map, &mut note, "note")?,
                    2 => value(&mut map, &mut parent, "parent")?,
                    _ => skip(&mut map)?,
                }
            }
            let Some(id) = id else { return Err(de::Error::missing_field("id")) };
            Ok(Self { id, note: note.flatten(), parent })
        }
    }

    /// A struct that keeps unlisted properties.
    #[derive(Debug, PartialEq)]
    struct Open {
        id: u32,
        extra: BTreeMap<String, u32>,
    }

    impl<'de> Deserialize<'de> for Open {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            object(deserializer)
        }
    }

    impl<'de> Object<'de> for Open {
        const NAME: &'static str = "Open";
        const FIELDS: &'static [&'static str] = &["id"];

        fn field(key: &str) -> usize {
            match key {
                "id" => 0,
                _ => 1,
            }
        }

        fn visit_map<A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
            let mut id = None;
            let mut extra = BTreeMap::new();
            while let Some(key) = map.next_key_seed(FieldOrKey::<Self>::new())? {
                match key {
                    Key::Field(0) => value(&mut map, &mut id, "id")?,
                    Key::Other(key) => keep(&mut map, &mut extra, key)?,
                    Key::Field(_) => skip(&mut map)?,
                }
            }
            let Some(id) = id else { return Err(de::Error::missing_field("id")) };
            Ok(Self { id, extra })
        }
    }

    fn item(json: &str) -> Result<Item, String> {
        serde_json::from_str(json).map_err(|error| error.to_string())
    }

    #[test]
    fn absent_null_and_a_value_are_kept_apart() {
        let item = |json| item(json).unwrap();
        assert_eq!(item(r#"{"id": "a"}"#), Item { id: "a".into(), note: None, parent: None });
        assert_eq!(
            item(r#"{"id": "a", "note": null, "parent": null}"#),
            Item { id: "a".into(), note: None, parent: Some(None) }
        );
        assert_eq!(
            item(r#"{"parent": 7, "note": "n", "id": "a"}"#),
            Item { id: "a".into(), note: Some("n".into()), parent: Some(Some(7)) }
        );
    }

    #[test]
    fn unknown_keys_are_skipped_whatever_their_value() {
        let json = r#"{"other": {"deep": [1, {"x": null}]}, "id": "a", "more": "text"}"#;
        assert_eq!(item(json).unwrap().id, "a");
    }

    /// The struct serde's derive would have made of `Item`.
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Derived {
        id: String,
        #[serde(default)]
        note: Option<String>,
        #[serde(default, deserialize_with = "super::super::wire::nullable")]
        parent: Option<Option<u32>>,
    }

    #[test]
    fn errors_say_what_serde_derive_says() {
        for json in [
            "{}",
            r#"{"id": "a", "id": "b"}"#,
            r#"{"note": null, "note": null, "id": "a"}"#,
            r#"{"id": 1}"#,
            r#"{"id": "a", "parent": "x"}"#,
            "3",
            "null",
            r#"{"id": "a""#,
        ] {
            let derived =
                serde_json::from_str::<Derived>(json).unwrap_err().to_string().replace("Derived", "Item");
            assert_eq!(item(json).unwrap_err(), derived, "{json}");
        }
        // Only the derive reads an array of the values in order.
        assert!(serde_json::from_str::<Derived>(r#"["a", null, null]"#).is_ok());
        assert_eq!(
            item(r#"["a", null, null]"#).unwrap_err(),
            "invalid type: sequence, expected struct Item at line 1 column 1"
        );
    }

    #[test]
    fn decodes_from_buffered_values_too() {
        // serde_json::Value, and serde's buffer of an untagged enum (owned and borrowed keys).
        let value = serde_json::json!({"id": "a", "parent": 1, "x": true});
        assert_eq!(Item::deserialize(&value).unwrap().parent, Some(Some(1)));
        assert_eq!(Item::deserialize(value).unwrap().parent, Some(Some(1)));

        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Number(u32),
            Item(Item),
        }
        let either: Either = serde_json::from_str(r#"{"x": 1, "id": "a"}"#).unwrap();
        assert!(matches!(either, Either::Item(Item { ref id, .. }) if id == "a"));
        assert!(matches!(serde_json::from_str("3").unwrap(), Either::Number(3)));
    }

    #[test]
    fn unlisted_properties_are_kept_and_must_decode() {
        let open: Open = serde_json::from_str(r#"{"b": 2, "id": 1, "a": 3}"#).unwrap();
        assert_eq!(open, Open { id: 1, extra: BTreeMap::from([("a".into(), 3), ("b".into(), 2)]) });
        let open = Open::deserialize(serde_json::json!({"id": 1, "c": 4})).unwrap();
        assert_eq!(open.extra, BTreeMap::from([("c".into(), 4)]));
        assert!(serde_json::from_str::<Open>(r#"{"id": 1, "a": "text"}"#).is_err());
    }

    #[test]
    fn field_indexes_match_serde_derive() {
        let index = |key: &[u8]| Visitor::visit_bytes::<de::value::Error>(Field::<Item>::new(), key).unwrap();
        assert_eq!(index(b"note"), 1);
        assert_eq!(index(b"other"), 3);
        assert_eq!(index(b"\xff"), 3);
        let index = |at: u64| Visitor::visit_u64::<de::value::Error>(Field::<Item>::new(), at).unwrap();
        assert_eq!(index(2), 2);
        assert_eq!(index(9), 3);
    }
}
