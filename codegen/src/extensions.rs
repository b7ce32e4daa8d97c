//! The `x-` vendor extensions this generator reads, in one place. OpenAPI has no word for these
//! behaviours, so a spec opts into them explicitly; the generator never guesses from names.
//!
//! | extension | where | value | effect |
//! |---|---|---|---|
//! | `x-request-id-header` | document root | header name | errors and responses expose this response header as the request id |
//! | `x-error-message` | document root | JSON pointer | where a human-readable message sits in error bodies; shown in `Display` of API errors |
//!
//! JSON Lines responses need no extension: a response media type of `application/jsonl`,
//! `application/x-jsonl` or `application/x-ndjson` is read as a stream whose `schema` describes
//! each line (what OpenAPI 3.2 calls `itemSchema`).

use crate::diagnostics::{Diagnostics, Pointer};
use indexmap::IndexMap;
use serde_json::Value;

/// Extensions read from the document root.
#[derive(Debug, Default)]
pub struct RootExtensions {
    /// `x-request-id-header`.
    pub request_id_header: Option<String>,
    /// `x-error-message`.
    pub error_message_pointer: Option<String>,
}

/// Reads the root extensions, reporting values of the wrong shape.
pub fn root(extensions: &IndexMap<String, Value>, diagnostics: &mut Diagnostics) -> RootExtensions {
    RootExtensions {
        request_id_header: string(extensions, "x-request-id-header", diagnostics),
        error_message_pointer: string(extensions, "x-error-message", diagnostics).filter(|pointer| {
            let valid = pointer.is_empty() || pointer.starts_with('/');
            if !valid {
                diagnostics.push(
                    Pointer::root().key("x-error-message").as_str(),
                    "must be a JSON pointer into the error body, such as `/error/message`",
                );
            }
            valid
        }),
    }
}

fn string(extensions: &IndexMap<String, Value>, key: &str, diagnostics: &mut Diagnostics) -> Option<String> {
    match extensions.get(key)? {
        Value::String(text) if !text.is_empty() => Some(text.clone()),
        _ => {
            diagnostics.push(Pointer::root().key(key).as_str(), "must be a non-empty string");
            None
        }
    }
}
