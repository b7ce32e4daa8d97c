//! Parameter encoding: path segments that cannot change the path, and comma-joined lists.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use std::borrow::Cow;

/// Everything but RFC 3986's unreserved characters is escaped, so a value can never add a `/`,
/// `?` or `#` to the path it is placed in.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// Encodes one path parameter. Empty, `.` and `..` are refused: URL parsers would collapse them
/// (even percent-encoded) into a different path.
pub(crate) fn path_segment<'v>(name: &'static str, value: &'v str) -> Result<Cow<'v, str>, String> {
    match value {
        "" => Err(format!("path parameter `{name}` is empty")),
        "." | ".." => Err(format!("path parameter `{name}` is `{value}`, which would change the path")),
        _ => Ok(utf8_percent_encode(value, SEGMENT).into()),
    }
}

/// How a list or object parameter is written (OpenAPI's `style`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ParamStyle {
    /// Items joined by commas (`simple`, and `form` without explode).
    Comma,
    /// Items joined by spaces.
    SpaceDelimited,
    /// Items joined by `|`.
    PipeDelimited,
    /// `name[property]=value` per property.
    DeepObject,
    /// The value's JSON text.
    Json,
}

impl ParamStyle {
    fn separator(self) -> &'static str {
        match self {
            ParamStyle::SpaceDelimited => " ",
            ParamStyle::PipeDelimited => "|",
            _ => ",",
        }
    }
}

/// Joins list items (OpenAPI's array styles without explode).
pub(crate) fn join_values<T: super::ParamValue>(values: &[T], style: ParamStyle) -> String {
    let mut joined = String::new();
    for (index, value) in values.iter().enumerate() {
        if index > 0 {
            joined.push_str(style.separator());
        }
        joined.push_str(&value.param_value());
    }
    joined
}

/// The `name=value` pairs of a parameter whose value is not a plain scalar, from its JSON form:
/// exploded arrays repeat the name, exploded objects give a pair per property (`deepObject`:
/// `name[property]`), anything else is one pair with the items or properties joined.
pub(crate) fn json_pairs(
    name: &'static str,
    value: &serde_json::Value,
    style: ParamStyle,
    explode: bool,
) -> Vec<(Cow<'static, str>, String)> {
    use serde_json::Value;
    match value {
        Value::Null => Vec::new(),
        _ if style == ParamStyle::Json => vec![(name.into(), value.to_string())],
        Value::Object(object) if style == ParamStyle::DeepObject => object
            .iter()
            .map(|(property, value)| (format!("{name}[{property}]").into(), scalar_text(value)))
            .collect(),
        Value::Object(object) if explode => {
            object.iter().map(|(property, value)| (property.clone().into(), scalar_text(value))).collect()
        }
        Value::Array(items) if explode => items.iter().map(|item| (name.into(), scalar_text(item))).collect(),
        _ => vec![(name.into(), json_text(value, style))],
    }
}

/// One text for a parameter value from its JSON form: scalars as they are, arrays with their
/// items joined, objects as `property,value,…`.
pub(crate) fn json_text(value: &serde_json::Value, style: ParamStyle) -> String {
    use serde_json::Value;
    match value {
        _ if style == ParamStyle::Json => value.to_string(),
        Value::Array(items) => items.iter().map(scalar_text).collect::<Vec<_>>().join(style.separator()),
        Value::Object(object) => object
            .iter()
            .flat_map(|(property, value)| [property.clone(), scalar_text(value)])
            .collect::<Vec<_>>()
            .join(style.separator()),
        scalar => scalar_text(scalar),
    }
}

fn scalar_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Characters a cookie value may not hold as they are (RFC 6265: no controls, whitespace, `"`,
/// `,`, `;` or a backslash), plus `%` so that encoded values stay unambiguous.
const COOKIE: &AsciiSet =
    &percent_encoding::CONTROLS.add(b' ').add(b'"').add(b',').add(b';').add(b'\\').add(b'%');

/// A cookie value, percent-encoded where it would otherwise end the cookie or the header.
pub(crate) fn cookie_value(value: &str) -> Cow<'_, str> {
    utf8_percent_encode(value, COOKIE).into()
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

/// An object's properties as `multipart/form-data` parts (strings as text, the properties named
/// in `files` as `application/octet-stream` file parts, anything else as JSON), and the content
/// type with the boundary.
pub(crate) fn multipart_encode(object: &serde_json::Value, files: &[&str]) -> (Vec<u8>, String) {
    let mut parts: Vec<(&str, String, &str)> = Vec::new();
    if let serde_json::Value::Object(object) = object {
        for (name, value) in object {
            match value {
                serde_json::Value::Null => {}
                serde_json::Value::String(text) if files.contains(&name.as_str()) => {
                    parts.push((name, text.clone(), "application/octet-stream"))
                }
                serde_json::Value::String(text) => {
                    parts.push((name, text.clone(), "text/plain; charset=utf-8"))
                }
                other => parts.push((name, other.to_string(), "application/json")),
            }
        }
    }
    // A boundary that occurs in no part; counting up from a fixed start keeps bodies reproducible.
    let mut counter = 0u32;
    let boundary = loop {
        let candidate = format!("----client-boundary-{counter:08x}");
        if !parts.iter().any(|(name, value, _)| value.contains(&candidate) || name.contains(&candidate)) {
            break candidate;
        }
        counter += 1;
    };
    let mut body = Vec::new();
    for (name, value, content_type) in &parts {
        let name = name.replace('"', "%22").replace('\r', "%0D").replace('\n', "%0A");
        // Servers tell file parts by their file name; the property's name serves as one.
        let filename = if *content_type == "application/octet-stream" {
            format!("; filename=\"{name}\"")
        } else {
            String::new()
        };
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"{filename}\r\nContent-Type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(value.as_bytes());
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (body, format!("multipart/form-data; boundary={boundary}"))
}

#[cfg(test)]
mod tests {
    use super::{form_encode, json_pairs, json_text, multipart_encode, path_segment, ParamStyle};
    use serde_json::json;

    #[test]
    fn object_parameters_follow_their_style() {
        let value = json!({"state": "open", "labels": 2});
        let deep = json_pairs("filter", &value, ParamStyle::DeepObject, true);
        assert_eq!(
            deep,
            vec![("filter[labels]".into(), "2".to_owned()), ("filter[state]".into(), "open".to_owned())]
        );
        let exploded = json_pairs("filter", &value, ParamStyle::Comma, true);
        assert_eq!(exploded, vec![("labels".into(), "2".to_owned()), ("state".into(), "open".to_owned())]);
        assert_eq!(json_text(&value, ParamStyle::Comma), "labels,2,state,open");
        assert_eq!(json_text(&json!([1, 2]), ParamStyle::PipeDelimited), "1|2");
        assert_eq!(
            json_pairs("q", &json!({"a": 1}), ParamStyle::Json, true),
            vec![("q".into(), "{\"a\":1}".to_owned())]
        );
        assert!(json_pairs("q", &json!(null), ParamStyle::Comma, true).is_empty());
    }

    #[test]
    fn cookie_values_cannot_end_the_cookie() {
        assert_eq!(super::cookie_value("abc-1.2"), "abc-1.2");
        assert_eq!(super::cookie_value("a; b=c, \"d\""), "a%3B%20b=c%2C%20%22d%22");
    }

    #[test]
    fn form_bodies_escape_names_and_values_and_repeat_arrays() {
        let body = form_encode(&json!({"a b": "x&y=z", "tags": ["1", "2"], "gone": null}));
        assert_eq!(body, "a+b=x%26y%3Dz&tags=1&tags=2");
    }

    #[test]
    fn multipart_bodies_have_one_part_per_property_and_a_boundary_found_in_none() {
        let (body, content_type) = multipart_encode(
            &json!({"name": "----client-boundary-00000000", "n": 1, "file": "x"}),
            &["file"],
        );
        let text = String::from_utf8(body).unwrap();
        let boundary = content_type.strip_prefix("multipart/form-data; boundary=").unwrap();
        assert_eq!(boundary, "----client-boundary-00000001");
        assert_eq!(text.matches(&format!("--{boundary}\r\n")).count(), 3);
        assert!(
            text.contains("name=\"file\"; filename=\"file\"\r\nContent-Type: application/octet-stream\r\n"),
            "{text}"
        );
        assert!(text.contains("name=\"n\"\r\nContent-Type: application/json\r\n\r\n1\r\n"), "{text}");
        assert!(text.ends_with(&format!("--{boundary}--\r\n")));
    }

    #[test]
    fn path_segments_cannot_escape_their_place() {
        assert_eq!(path_segment("id", "msgbatch_01").unwrap(), "msgbatch_01");
        assert_eq!(path_segment("id", "../x").unwrap(), "..%2Fx");
        assert_eq!(path_segment("id", "a/b?c#d").unwrap(), "a%2Fb%3Fc%23d");
        assert!(path_segment("id", "..").is_err());
        assert!(path_segment("id", "").is_err());
    }
}
