//! Serde plumbing the generated types share: open enums, discriminated unions, three-state fields
//! and parameter values.

use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde::Deserialize as _;
use std::fmt;

/// A value that can be sent as a path, query or header parameter.
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

impl ParamValue for bool {
    fn param_value(&self) -> String {
        self.to_string()
    }
}

impl ParamValue for i32 {
    fn param_value(&self) -> String {
        self.to_string()
    }
}

impl ParamValue for i64 {
    fn param_value(&self) -> String {
        self.to_string()
    }
}

impl ParamValue for f64 {
    fn param_value(&self) -> String {
        self.to_string()
    }
}

/// Decodes a string enum without allocating for known values; anything else becomes `unknown`.
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
pub(crate) fn tag_of(value: &serde_json::Value, property: &str) -> Option<String> {
    value.get(property).and_then(serde_json::Value::as_str).map(str::to_owned)
}

/// Decodes a union member from the JSON value its discriminator chose.
pub(crate) fn variant<T: DeserializeOwned, E: de::Error>(value: serde_json::Value) -> Result<T, E> {
    T::deserialize(value).map_err(E::custom)
}

/// For optional nullable fields: absent is `None` (via `#[serde(default)]`), `null` is
/// `Some(None)`, a value is `Some(Some(value))`.
pub(crate) fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}
