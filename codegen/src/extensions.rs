//! The `x-` vendor extensions this generator reads, in one place. OpenAPI has no word for these
//! behaviours, so a spec opts into them explicitly; the generator never guesses from names.
//!
//! | extension | where | value | effect |
//! |---|---|---|---|
//! | `x-request-id-header` | document root | header name | errors and responses expose this response header as the request id |
//! | `x-error-message` | document root | JSON pointer | where a human-readable message sits in error bodies; shown in `Display` of API errors |
//! | `x-env` | a server, a security scheme | variable name | `Client::from_env()` reads the base URL or the credential from it (required when every operation needs that credential; a scheme whose credential is not one string, HTTP basic or a client certificate, gets a warning) |
//! | `x-pagination` | a list operation | see [`PaginationExt`] | the request builder gets `items()`: a stream of every item, page after page |
//! | `x-waiters` | an operation | map of name → [`WaiterExt`] | `wait_until_<name>()`: poll the operation until a field has an awaited value (`progress`: counters the command-line tool shows while waiting) |
//! | `x-url-from` | an operation | see [`UrlFromExt`] | call another operation first and send this request to the URL in a field of its result |
//! | `x-enum-varnames` (or `x-enumNames`) | an integer enum | a name per value, in order | the Rust variant names (else `V1`, `V2`…); a list of another length or shape is a warning and is ignored |
//!
//! JSON Lines responses need no extension: a response media type of `application/jsonl`,
//! `application/x-jsonl` or `application/x-ndjson` is read as a stream whose `schema` describes
//! each line (what OpenAPI 3.2 calls `itemSchema`).

use crate::diagnostics::{Diagnostics, Pointer};
use indexmap::IndexMap;
use serde::Deserialize;
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

/// `x-pagination`: which fields and parameters make up a cursor-paginated listing.
///
/// ```yaml
/// x-pagination:
///   items: data            # the array of items in the response
///   has-more: has_more     # optional boolean: another page exists
///   forward: {parameter: after_id, cursor: last_id}
///   backward: {parameter: before_id, cursor: first_id}
/// ```
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PaginationExt {
    /// Response property holding the page's items (an array).
    pub items: String,
    /// Response property (boolean) that says another page exists.
    pub has_more: Option<String>,
    /// Paging forward.
    pub forward: Option<CursorExt>,
    /// Paging backward.
    pub backward: Option<CursorExt>,
}

/// One paging direction: pass the response's `cursor` property as the request's `parameter`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CursorExt {
    /// Query parameter that takes the cursor.
    pub parameter: String,
    /// Response property that gives the next cursor.
    pub cursor: String,
}

/// One entry of `x-waiters`: `{field: processing_status, until: [ended]}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct WaiterExt {
    /// Response property to watch (a string or string enum).
    pub field: String,
    /// Values that end the wait.
    pub until: Vec<String>,
    /// How far the resource is, for progress shown while waiting (the generated command-line
    /// tool's status line): `{done: [/counts/succeeded, …], pending: [/counts/processing]}`.
    #[serde(default)]
    pub progress: Option<WaiterProgressExt>,
}

/// `progress` of a waiter: JSON pointers into the resource to counters, summed. Done of total,
/// where the total is done plus pending.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct WaiterProgressExt {
    /// Counters of what is finished.
    pub done: Vec<String>,
    /// Counters of what is not finished yet.
    #[serde(default)]
    pub pending: Vec<String>,
}

/// `x-url-from`: `{operation: retrieveThing, field: results_url}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct UrlFromExt {
    /// `operationId` of the operation whose result holds the URL.
    pub operation: String,
    /// Property of that result with the URL (a string, possibly null until ready).
    pub field: String,
}

/// The extensions of one operation.
#[derive(Debug, Default)]
pub struct OperationExtensions {
    /// `x-pagination`.
    pub pagination: Option<PaginationExt>,
    /// `x-waiters`, in spec order.
    pub waiters: Vec<(String, WaiterExt)>,
    /// `x-url-from`.
    pub url_from: Option<UrlFromExt>,
}

/// Reads an operation's extensions, reporting any of the wrong shape.
pub fn operation(
    extensions: &IndexMap<String, Value>,
    at: &Pointer,
    diagnostics: &mut Diagnostics,
) -> OperationExtensions {
    OperationExtensions {
        pagination: typed(extensions, "x-pagination", at, diagnostics),
        waiters: typed::<IndexMap<String, WaiterExt>>(extensions, "x-waiters", at, diagnostics)
            .map(|waiters| waiters.into_iter().collect())
            .unwrap_or_default(),
        url_from: typed(extensions, "x-url-from", at, diagnostics),
    }
}

/// `x-env` of a server or security scheme.
pub fn env(
    extensions: &IndexMap<String, Value>,
    at: &Pointer,
    diagnostics: &mut Diagnostics,
) -> Option<String> {
    let value = typed::<String>(extensions, "x-env", at, diagnostics)?;
    let valid = !value.is_empty() && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        diagnostics.push(at.key("x-env").as_str(), "must be an environment variable name such as `API_KEY`");
    }
    valid.then_some(value)
}

fn typed<T: serde::de::DeserializeOwned>(
    extensions: &IndexMap<String, Value>,
    key: &str,
    at: &Pointer,
    diagnostics: &mut Diagnostics,
) -> Option<T> {
    let value = extensions.get(key)?;
    match T::deserialize(value) {
        Ok(typed) => Some(typed),
        Err(error) => {
            diagnostics
                .push(at.key(key).as_str(), format!("`{key}` is not of the documented shape: {error}"));
            None
        }
    }
}

/// The variant names an integer enum gives its values (`x-enum-varnames`, or `x-enumNames` as
/// some generators spell it), one per value of `enum`, in order. A list of another length or
/// shape would name the wrong values: a warning, and the names are not used.
pub fn enum_varnames(
    extensions: &IndexMap<String, Value>,
    values: usize,
    at: &Pointer,
    diagnostics: &mut Diagnostics,
) -> Option<Vec<String>> {
    let (key, value) =
        ["x-enum-varnames", "x-enumNames"].into_iter().find_map(|key| Some((key, extensions.get(key)?)))?;
    match Vec::<String>::deserialize(value) {
        Ok(names) if names.len() == values => Some(names),
        Ok(names) => {
            diagnostics.warn(
                at.key(key).as_str(),
                format!("`{key}` has {} names for {values} values, so it is ignored; give one name per value of `enum`", names.len()),
            );
            None
        }
        Err(_) => {
            diagnostics.warn(
                at.key(key).as_str(),
                format!(
                    "`{key}` is not a list of names, so it is ignored; give one name per value of `enum`"
                ),
            );
            None
        }
    }
}
