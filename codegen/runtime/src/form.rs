//! `application/x-www-form-urlencoded` request bodies. Only crates with an operation that sends
//! one get this module.

use super::encode::scalar_text;
use super::error::Error;
use super::request::RequestParts;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

impl RequestParts {
    /// Encodes an `application/x-www-form-urlencoded` body from the properties of `body`.
    pub fn form_body<T: serde::Serialize, E>(&mut self, body: &T) -> Result<(), Error<E>> {
        let value = self.object_body(body)?;
        self.set_body(form_encode(&value).into_bytes(), "application/x-www-form-urlencoded".to_owned());
        Ok(())
    }
}

/// Characters left as they are in `application/x-www-form-urlencoded` (space becomes `+`).
const FORM: &AsciiSet = &NON_ALPHANUMERIC.remove(b'*').remove(b'-').remove(b'.').remove(b'_').remove(b' ');

/// An object's properties as `application/x-www-form-urlencoded` text; arrays repeat the name,
/// nested objects are written as JSON text, nulls are left out.
pub(crate) fn form_encode(object: &serde_json::Value) -> String {
    let mut pairs = Vec::new();
    if let serde_json::Value::Object(object) = object {
        for (name, value) in object {
            match value {
                serde_json::Value::Null => {}
                serde_json::Value::Array(items) => {
                    pairs.extend(items.iter().map(|item| (name, scalar_text(item))))
                }
                other => pairs.push((name, scalar_text(other))),
            }
        }
    }
    let encode = |text: &str| utf8_percent_encode(text, FORM).to_string().replace(' ', "+");
    pairs
        .iter()
        .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::form_encode;
    use serde_json::json;

    #[test]
    fn form_bodies_escape_names_and_values_and_repeat_arrays() {
        let body = form_encode(&json!({"a b": "x&y=z", "tags": ["1", "2"], "gone": null}));
        assert_eq!(body, "a+b=x%26y%3Dz&tags=1&tags=2");
    }
}
