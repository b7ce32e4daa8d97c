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
    if bytes.iter().all(u8::is_ascii_whitespace) {
        diagnostics.push("", "the file is empty; expected an OpenAPI 3.0 document");
        return Err(diagnostics);
    }
    // A loose first read, only to check the version: the typed read below would report a 2.0 or
    // 3.1 document as a pile of unrelated field errors.
    let tree: serde_json::Value = match serde_yaml::from_slice(bytes) {
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
    let Some(root) = tree.as_object() else {
        diagnostics.push("", "the document must be an object with `openapi`, `info` and `paths`");
        return Err(diagnostics);
    };
    let version = match (root.get("openapi"), root.get("swagger")) {
        (Some(serde_json::Value::String(version)), _) => version.clone(),
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
                format!("`openapi` must be a version string such as \"3.0.3\", found {other}"),
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
    match serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(serde_yaml::Deserializer::from_slice(
        bytes,
    )) {
        Ok(document) => Ok(Loaded { document, version }),
        Err(error) => {
            let pointer = pointer_of(error.path());
            diagnostics
                .push(pointer.as_str(), format!("not a valid OpenAPI 3.0 object here: {}", error.inner()));
            Err(diagnostics)
        }
    }
}

fn pointer_of(path: &serde_path_to_error::Path) -> Pointer {
    path.iter().fold(Pointer::root(), |pointer, segment| match segment {
        Segment::Seq { index } => pointer.index(*index),
        Segment::Map { key } => pointer.key(key),
        Segment::Enum { .. } | Segment::Unknown => pointer,
    })
}
