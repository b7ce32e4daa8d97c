//! Parameter encoding: path segments that cannot change the path, lists and objects in the
//! parameter styles of OpenAPI, and cookie values.
//!
//! Generated operations call the functions below for the parameters that need them; a crate
//! whose parameters need none (or that has no operations) leaves them unused, hence their
//! `#[allow(dead_code)]`.

use super::wire::ParamValue;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use std::borrow::Cow;

/// Everything but RFC 3986's unreserved characters is escaped, so a value can never add a `/`,
/// `?` or `#` to the path it is placed in.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// Encodes one path parameter. Empty, `.` and `..` are refused: URL parsers would collapse them
/// (even percent-encoded) into a different path.
// Called for path parameters.
#[allow(dead_code)]
pub(crate) fn path_segment<'v>(name: &'static str, value: &'v str) -> Result<Cow<'v, str>, String> {
    match value {
        "" => Err(format!("path parameter `{name}` is empty")),
        "." | ".." => Err(format!("path parameter `{name}` is `{value}`, which would change the path")),
        _ => Ok(utf8_percent_encode(value, SEGMENT).into()),
    }
}

/// How a list or object parameter is written (OpenAPI's `style`).
// Generated code names the styles its parameters have, and no more.
#[allow(dead_code)]
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
// Called for list parameters that are not exploded.
#[allow(dead_code)]
pub(crate) fn join_values<T: ParamValue>(values: &[T], style: ParamStyle) -> String {
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
// Called for query and cookie parameters whose values are objects, unions or JSON text.
#[allow(dead_code)]
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
// Called for path and header parameters whose values are objects, unions or JSON text.
#[allow(dead_code)]
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

/// A scalar's text as a parameter or form field carries it (strings without quotes, `null` empty).
pub(crate) fn scalar_text(value: &serde_json::Value) -> String {
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

#[cfg(test)]
mod tests {
    use super::{join_values, json_pairs, json_text, path_segment, ParamStyle};
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
    fn lists_are_joined_with_the_separator_of_their_style() {
        let items = ["a b", "c"];
        assert_eq!(join_values(&items, ParamStyle::Comma), "a b,c");
        assert_eq!(join_values(&items, ParamStyle::SpaceDelimited), "a b c");
        assert_eq!(join_values(&items, ParamStyle::PipeDelimited), "a b|c");
        assert_eq!(join_values(&[1i64, 2, 3], ParamStyle::Comma), "1,2,3");
        assert_eq!(join_values::<bool>(&[], ParamStyle::Comma), "");
    }

    #[test]
    fn cookie_values_cannot_end_the_cookie() {
        assert_eq!(super::cookie_value("abc-1.2"), "abc-1.2");
        assert_eq!(super::cookie_value("a; b=c, \"d\""), "a%3B%20b=c%2C%20%22d%22");
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
