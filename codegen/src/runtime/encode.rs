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

/// Joins list items with commas (OpenAPI's `style: simple` / `form` without explode).
pub(crate) fn join_values<T: super::ParamValue>(values: &[T]) -> String {
    let mut joined = String::new();
    for (index, value) in values.iter().enumerate() {
        if index > 0 {
            joined.push(',');
        }
        joined.push_str(&value.param_value());
    }
    joined
}

#[cfg(test)]
mod tests {
    use super::path_segment;

    #[test]
    fn path_segments_cannot_escape_their_place() {
        assert_eq!(path_segment("id", "msgbatch_01").unwrap(), "msgbatch_01");
        assert_eq!(path_segment("id", "../x").unwrap(), "..%2Fx");
        assert_eq!(path_segment("id", "a/b?c#d").unwrap(), "a%2Fb%3Fc%23d");
        assert!(path_segment("id", "..").is_err());
        assert!(path_segment("id", "").is_err());
    }
}
