//! Serde plumbing the generated types share: open enums, discriminated unions, three-state fields
//! and parameter values.
//!
//! Generated types call each helper for one kind of schema; a crate without that kind leaves the
//! helper unused, hence their `#[allow(dead_code)]`.

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::Deserialize as _;
use std::fmt;
use std::marker::PhantomData;

/// A value that can be sent as a path, query or header parameter.
// Used by operations; a crate of types only has none.
#[allow(dead_code)]
pub trait ParamValue {
    /// The value as it goes on the wire.
    fn param_value(&self) -> String;
}

impl ParamValue for String {
    fn param_value(&self) -> String {
        self.clone()
    }
}

impl ParamValue for &str {
    fn param_value(&self) -> String {
        (*self).to_owned()
    }
}

// Numbers and booleans are written as `Display` writes them.
macro_rules! param_value_by_display {
    ($($ty:ty),*) => {$(
        impl ParamValue for $ty {
            fn param_value(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
param_value_by_display!(bool, i8, i16, i32, i64, u8, u16, u32, u64, f32, f64);

/// One member of an `anyOf`, read from the whole value; `None` when the value does not match it.
// Called for `anyOf` types.
#[allow(dead_code)]
pub(crate) fn any_of_member<T: DeserializeOwned>(value: &serde_json::Value) -> Option<T> {
    T::deserialize(value).ok()
}

/// Adds the properties of one `anyOf` member to the object being written (the first member to
/// set a property wins; matching members agree on shared ones anyway).
// Called for `anyOf` types.
#[allow(dead_code)]
pub(crate) fn merge_any_of_member<T: serde::Serialize>(
    object: &mut serde_json::Map<String, serde_json::Value>,
    member: &Option<T>,
) -> Result<(), serde_json::Error> {
    if let Some(serde_json::Value::Object(properties)) =
        member.as_ref().map(serde_json::to_value).transpose()?
    {
        for (name, value) in properties {
            object.entry(name).or_insert(value);
        }
    }
    Ok(())
}

/// Decodes a string enum without allocating for known values; anything else becomes `unknown`.
// Called for string enums.
#[allow(dead_code)]
pub(crate) fn open_enum<'de, D, T>(
    deserializer: D,
    known: fn(&str) -> Option<T>,
    unknown: fn(String) -> T,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    struct OpenEnum<T> {
        known: fn(&str) -> Option<T>,
        unknown: fn(String) -> T,
    }

    impl<T> Visitor<'_> for OpenEnum<T> {
        type Value = T;

        fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
            formatter.write_str("a string")
        }

        fn visit_str<E: de::Error>(self, value: &str) -> Result<T, E> {
            Ok((self.known)(value).unwrap_or_else(|| (self.unknown)(value.to_owned())))
        }

        fn visit_string<E: de::Error>(self, value: String) -> Result<T, E> {
            Ok(match (self.known)(&value) {
                Some(known) => known,
                None => (self.unknown)(value),
            })
        }
    }

    deserializer.deserialize_str(OpenEnum { known, unknown })
}

/// The discriminator of a union member, if the value is an object that has one.
// Called for discriminated unions.
#[allow(dead_code)]
pub(crate) fn tag_of(value: &serde_json::Value, property: &str) -> Option<String> {
    value.get(property).and_then(serde_json::Value::as_str).map(str::to_owned)
}

/// Decodes a union member from the JSON value its discriminator chose.
// Called for discriminated unions.
#[allow(dead_code)]
pub(crate) fn variant<T: DeserializeOwned, E: de::Error>(value: serde_json::Value) -> Result<T, E> {
    T::deserialize(value).map_err(E::custom)
}

/// For optional nullable fields: absent is `None` (via `#[serde(default)]`), `null` is
/// `Some(None)`, a value is `Some(Some(value))`.
// Called for optional nullable fields.
#[allow(dead_code)]
pub(crate) fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// A discriminated union whose variants ignore the tag on input, so that, when the tag is the
/// object's first key (as servers usually send it), the variant decodes straight from the input
/// with nothing buffered. Otherwise the object is buffered as JSON first.
pub(crate) trait Tagged: Sized {
    /// The discriminator property.
    const PROPERTY: &'static str;
    /// Whether `tag` names a variant this version knows.
    fn is_known(tag: &str) -> bool;
    /// Decodes the known variant `tag` from the rest of the object.
    fn decode_known<'de, D: Deserializer<'de>>(tag: &str, rest: D) -> Result<Self, D::Error>;
    /// Decodes from the whole object, buffered.
    fn from_value<E: de::Error>(value: serde_json::Value) -> Result<Self, E>;
}

/// Decodes a [`Tagged`] union.
// Called for discriminated unions whose variants ignore the tag (it also keeps `Tagged` in use).
#[allow(dead_code)]
pub(crate) fn tagged<'de, D: Deserializer<'de>, T: Tagged>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_map(TaggedVisitor(PhantomData))
}

struct TaggedVisitor<T>(PhantomData<T>);

impl<'de, T: Tagged> Visitor<'de> for TaggedVisitor<T> {
    type Value = T;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "an object with a `{}` property", T::PROPERTY)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let (key, value) = match map.next_key_seed(KeySeed(T::PROPERTY))? {
            None => return T::from_value(serde_json::Value::Object(serde_json::Map::new())),
            Some(Key::Tag) => {
                let tag: serde_json::Value = map.next_value()?;
                if let Some(name) = tag.as_str().filter(|name| T::is_known(name)) {
                    return T::decode_known(name, MapAccessDeserializer::new(map));
                }
                (T::PROPERTY.to_owned(), tag)
            }
            Some(Key::Other(key)) => (key, map.next_value()?),
        };
        let mut object = serde_json::Map::new();
        object.insert(key, value);
        while let Some((key, value)) = map.next_entry::<String, serde_json::Value>()? {
            object.insert(key, value);
        }
        T::from_value(serde_json::Value::Object(object))
    }
}

enum Key {
    Tag,
    Other(String),
}

/// Reads an object key, allocating only when it is not the tag.
struct KeySeed(&'static str);

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for KeySeed {
    type Value = Key;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a property name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
        Ok(if key == self.0 { Key::Tag } else { Key::Other(key.to_owned()) })
    }
}
