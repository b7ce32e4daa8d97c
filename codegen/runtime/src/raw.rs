//! A decoded value kept beside the JSON text it was decoded from, so that what the description
//! does not name (a field added to the API after this crate was generated) is not lost: the text
//! is there as it came, and [`Raw::unknown_fields`] lists what the typed value left out.
//!
//! Keeping the text costs no copy when the line lies inside one network chunk (the text is a
//! shared slice of that chunk), and nothing at all unless it is asked for.

use bytes::Bytes;
use serde_json::Value;

/// A value of type `T` and the JSON text it was decoded from. It dereferences to the value.
#[derive(Clone, Debug, PartialEq)]
pub struct Raw<T> {
    /// The decoded value.
    pub value: T,
    raw: Bytes,
}

impl<T> Raw<T> {
    /// Pairs a value with the JSON text it was decoded from.
    pub fn new(value: T, raw: Bytes) -> Self {
        Self { value, raw }
    }

    /// The JSON text exactly as it came (one line, without its line break).
    pub fn json(&self) -> &[u8] {
        &self.raw
    }

    /// The value and the text, apart.
    pub fn into_parts(self) -> (T, Bytes) {
        (self.value, self.raw)
    }
}

impl<T: serde::Serialize> Raw<T> {
    /// What the text holds that the typed value does not: each field that the description does
    /// not name, as the JSON pointer where it was (`/result/message/new_field`) and its value,
    /// each object's keys in sorted order. Values the types keep whole (an `Unknown` union variant or enum value, a
    /// free-form object) are not repeated here. A field that is `null` is left out, since the
    /// types read `null` and absent alike for an optional field.
    pub fn unknown_fields(&self) -> Vec<(String, Value)> {
        unknown_fields(&self.raw, &self.value)
    }
}

/// What the JSON text `json` holds that `value` (decoded from it) does not; see
/// [`Raw::unknown_fields`]. Nothing when the text is not JSON.
pub(crate) fn unknown_fields<T: serde::Serialize>(json: &[u8], value: &T) -> Vec<(String, Value)> {
    let (Ok(raw), Ok(typed)) = (serde_json::from_slice::<Value>(json), serde_json::to_value(value)) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    left_out(&raw, &typed, &mut String::new(), &mut found);
    found
}

impl<T> std::ops::Deref for Raw<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

/// Walks `raw` beside `typed` (the typed value encoded again) and collects what only `raw` has.
fn left_out(raw: &Value, typed: &Value, at: &mut String, found: &mut Vec<(String, Value)>) {
    let before = at.len();
    match (raw, typed) {
        (Value::Object(raw), Value::Object(typed)) => {
            for (key, value) in raw {
                at.push('/');
                at.push_str(&key.replace('~', "~0").replace('/', "~1"));
                match typed.get(key) {
                    Some(kept) => left_out(value, kept, at, found),
                    None if !value.is_null() => found.push((at.clone(), value.clone())),
                    None => {}
                }
                at.truncate(before);
            }
        }
        (Value::Array(raw), Value::Array(typed)) if raw.len() == typed.len() => {
            for (index, (value, kept)) in raw.iter().zip(typed).enumerate() {
                at.push_str(&format!("/{index}"));
                left_out(value, kept, at, found);
                at.truncate(before);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::Raw;
    use bytes::Bytes;
    use serde_json::json;

    #[derive(Debug, serde::Serialize, serde::Deserialize)]
    struct Known {
        id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
        items: Vec<Item>,
    }

    #[derive(Debug, serde::Serialize, serde::Deserialize)]
    struct Item {
        n: i64,
    }

    fn raw(text: &'static str) -> Raw<Known> {
        Raw::new(serde_json::from_str(text).expect("decodes"), Bytes::from_static(text.as_bytes()))
    }

    #[test]
    fn fields_the_types_do_not_name_are_listed_with_their_pointers() {
        let line =
            raw(r#"{"id": "a", "new": {"x": 1}, "items": [{"n": 1}, {"n": 2, "a/b": true}], "note": null}"#);
        assert_eq!(line.id, "a");
        assert_eq!(
            line.unknown_fields(),
            [("/items/1/a~1b".to_owned(), json!(true)), ("/new".to_owned(), json!({"x": 1}))]
        );
        assert_eq!(
            line.json(),
            br#"{"id": "a", "new": {"x": 1}, "items": [{"n": 1}, {"n": 2, "a/b": true}], "note": null}"#
        );
    }

    #[test]
    fn a_line_the_types_cover_has_no_unknown_fields() {
        assert!(raw(r#"{"id": "a", "note": "n", "items": []}"#).unknown_fields().is_empty());
    }
}
