//! Stage 1: bytes → `openapiv3::OpenAPI`. Parse errors become diagnostics with a JSON pointer
//! (and the YAML line and column where the text itself is broken).

use crate::diagnostics::{Diagnostics, Pointer};
use serde_path_to_error::Segment;

/// A parsed spec: the typed document and the raw tree it came from.
pub struct Loaded {
    /// The typed OpenAPI 3.0 document.
    pub document: openapiv3::OpenAPI,
    /// The `openapi` version string the file declares.
    pub version: String,
}

/// Parses a YAML or JSON OpenAPI 3.0 document (JSON is a subset of YAML, so one parser reads both).
pub fn load(bytes: &[u8]) -> Result<Loaded, Diagnostics> {
    let mut diagnostics = Diagnostics::default();
    // A UTF-8 byte order mark is allowed by editors, not by the YAML parser.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        diagnostics.push("", "the file is empty; expected an OpenAPI 3.0 document");
        return Err(diagnostics);
    }
    // A loose first read, only to check the version: the typed read below would report a 2.0 or
    // 3.1 document as a pile of unrelated field errors.
    // (serde_yaml's own `Value` also refuses duplicate keys, which openapiv3 cannot report.)
    let tree: serde_yaml::Value = match serde_yaml::from_slice(bytes) {
        Ok(tree) => tree,
        Err(error) => {
            let place = error
                .location()
                .map(|at| format!(" (line {}, column {})", at.line(), at.column()))
                .unwrap_or_default();
            diagnostics.push("", format!("the file is not valid YAML or JSON{place}: {error}"));
            return Err(diagnostics);
        }
    };
    let Some(root) = tree.as_mapping() else {
        diagnostics.push("", "the document must be an object with `openapi`, `info` and `paths`");
        return Err(diagnostics);
    };
    let version = match (root.get("openapi"), root.get("swagger")) {
        (Some(serde_yaml::Value::String(version)), _) => version.clone(),
        (None, Some(_)) => {
            diagnostics.push(
                "/swagger",
                "this is a Swagger 2.0 document; convert it to OpenAPI 3.0 (for example with swagger2openapi) and generate from that",
            );
            return Err(diagnostics);
        }
        (Some(other), _) => {
            diagnostics.push(
                "/openapi",
                format!(
                    "`openapi` must be a version string such as \"3.0.3\" (quoted), found {}",
                    describe(other)
                ),
            );
            return Err(diagnostics);
        }
        (None, None) => {
            diagnostics.push("", "missing the `openapi` field; add `openapi: 3.0.3` at the top");
            return Err(diagnostics);
        }
    };
    if !version.starts_with("3.0.") && version != "3.0" {
        diagnostics.push(
            "/openapi",
            format!("OpenAPI {version} is not supported; this generator reads OpenAPI 3.0.x documents"),
        );
        return Err(diagnostics);
    }
    // The typed read goes straight from the YAML text, which keeps the order of properties and
    // paths (a `serde_json::Value` would sort them).
    let typed = std::panic::catch_unwind(|| {
        serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(serde_yaml::Deserializer::from_slice(bytes))
    });
    match typed {
        Ok(Ok(document)) => Ok(Loaded { document, version }),
        // openapiv3 re-reads a failed `$ref`-or-schema and asserts it fails again; a document
        // serde reads inconsistently (such as one with odd duplicate keys) trips that assertion.
        Err(_) => {
            diagnostics.push(
                "",
                "openapiv3 could not read this document consistently (a key given twice in one object is the usual cause); check the file with a YAML linter",
            );
            Err(diagnostics)
        }
        Ok(Err(error)) => {
            let pointer = pointer_of(error.path());
            diagnostics
                .push(pointer.as_str(), format!("not a valid OpenAPI 3.0 object here: {}", error.inner()));
            Err(diagnostics)
        }
    }
}

/// A YAML value as a reader would name it.
fn describe(value: &serde_yaml::Value) -> String {
    match value {
        serde_yaml::Value::Number(number) => format!("the number {number}"),
        serde_yaml::Value::Bool(flag) => format!("`{flag}`"),
        serde_yaml::Value::Null => "null".to_owned(),
        _ => "a list or an object".to_owned(),
    }
}

fn pointer_of(path: &serde_path_to_error::Path) -> Pointer {
    path.iter().fold(Pointer::root(), |pointer, segment| match segment {
        Segment::Seq { index } => pointer.index(*index),
        Segment::Map { key } => pointer.key(key),
        Segment::Enum { .. } | Segment::Unknown => pointer,
    })
}

#[cfg(test)]
mod tests {
    use super::load;

    #[test]
    fn a_byte_order_mark_is_ignored() {
        let spec = b"\xEF\xBB\xBFopenapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\n";
        let loaded = load(spec).unwrap_or_else(|diagnostics| panic!("{diagnostics}"));
        assert_eq!(loaded.version, "3.0.3");
    }

    #[test]
    fn a_duplicate_key_deep_inside_is_a_diagnostic_with_its_line() {
        let spec = b"openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n      type: string\n";
        let Err(diagnostics) = load(spec) else { panic!("a duplicate key was accepted") };
        let text = diagnostics.to_string();
        assert!(text.contains("duplicate entry with key \"type\""), "{text}");
        assert!(text.contains("components.schemas.A") && text.contains("line 7"), "{text}");
    }
}
