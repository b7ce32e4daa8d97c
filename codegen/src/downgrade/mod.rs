//! OpenAPI 3.1 → 3.0: rewrites the loosely read tree of a 3.1 document into the equivalent 3.0
//! tree, which `openapiv3` (a 3.0 reader) then deserializes as usual.
//!
//! Design:
//! - [`crate::load`] calls [`downgrade`] only for `3.1.x` documents; 3.0 documents are read
//!   straight from their text, as before. The declared version is kept (`Loaded::version` stays
//!   `3.1.0`), so generated file headers name the version the user wrote.
//! - Input and output are `serde_yaml::Value` trees, which keep key order: properties, paths and
//!   members come out in the order the user wrote them. What needs no rewrite passes through.
//! - Every node stays at the JSON pointer it has in the user's file wherever the 3.0 form allows,
//!   so diagnostics of later stages still point into that file. The few rewrites that must move
//!   a node are marked "moves" below.
//! - A 3.1 construct with no 3.0 equivalent is an error diagnostic at its pointer saying what to
//!   write instead; nothing here panics, and the typed read only runs on a clean rewrite.
//!
//! Inside every schema (components, parameters, headers, media types, and recursively
//! `properties`, `items`, `additionalProperties`, `allOf`/`oneOf`/`anyOf` members and `not`):
//!
//! | 3.1 | 3.0 |
//! |---|---|
//! | `type: [T, "null"]` | `type: T`, `nullable: true` |
//! | `type: "null"` alone | `nullable: true` (any value, or null) |
//! | `type: [A, B]` | `oneOf: [{type: A, A's keywords}, {type: B, …}]` (moves the typed keywords) |
//! | `type: [integer, number]` | `type: number` |
//! | `oneOf`/`anyOf` with a `{type: "null"}` member | the member dropped, `nullable: true` (later members move up one) |
//! | … leaving one `$ref` member | `allOf: [{$ref}]`, `nullable: true` (moves) |
//! | … leaving one inline member | the member merged into its parent (moves) |
//! | a member that is itself nullable | the union gets `nullable: true` too |
//! | `const: v` | `enum: [v]` (plus `type` from the value's kind when none is given) |
//! | `const: null` | `nullable: true` |
//! | `$ref` with annotation siblings (`description`, `default`…) | `$ref` alone: 3.0 ignores them too |
//! | `$ref` with constraining siblings (`required`…) | `allOf: [{$ref}, {siblings}]` (moves) |
//! | `examples: [a, …]` | `example: a` |
//! | `exclusiveMinimum: n` | `minimum: n`, `exclusiveMinimum: true` (likewise maximum) |
//! | `contentEncoding: base64` / `contentMediaType` of bytes | `type: string`, `format: byte` / `binary` |
//! | `true` / `false` schemas | `{}` / an error |
//! | `$schema`, `$id`, `$comment`, `$anchor`, `$defs`, validation-only keywords | dropped |
//! | `$ref` into `$defs`, `prefixItems`, `if`/`then`/`else`, `patternProperties`, … | an error |
//!
//! Around schemas: `webhooks` is dropped (a client does not receive requests; without `paths` it
//! is an error), a missing `paths` or operation `responses` becomes an empty object,
//! `jsonSchemaDialect` is dropped, a path item `$ref` to `components/pathItems` is replaced by a
//! copy of the (already rewritten) target (moves: its operations are then reported at the path),
//! `components/pathItems` is dropped, and a `mutualTLS` security scheme becomes `type: http` with
//! `scheme: mutualTLS` (see [`MUTUAL_TLS_SCHEME`]).
//! `info.summary` and `license.identifier` stay: openapiv3 ignores fields it does not know.

mod schema;

use crate::diagnostics::{Diagnostics, Pointer};
use serde_yaml::{Mapping, Value};

/// The keys of a path item that hold operations.
const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// One rewrite of an object found at a pointer.
type Rewrite = fn(&mut Value, &Pointer, &mut Diagnostics);

/// Rewrites a 3.1 document tree into the 3.0 tree openapiv3 reads, or says what cannot be
/// rewritten (every diagnostic names the pointer in the user's file).
pub fn downgrade(mut tree: Value) -> Result<Value, Diagnostics> {
    let mut diagnostics = Diagnostics::default();
    if let Value::Mapping(root) = &mut tree {
        document(root, &mut diagnostics);
    }
    if diagnostics.has_errors() {
        Err(diagnostics)
    } else {
        Ok(tree)
    }
}

fn document(root: &mut Mapping, diagnostics: &mut Diagnostics) {
    root.shift_remove("jsonSchemaDialect");
    webhooks(root, diagnostics);
    // 3.1 made `paths` optional (a document may hold only components); 3.0 requires the object.
    if !root.contains_key("paths") {
        root.insert("paths".into(), Value::Mapping(Mapping::new()));
    }
    let shared = components(root, diagnostics);
    let Some(Value::Mapping(paths)) = root.get_mut("paths") else { return };
    let at = Pointer::root().key("paths");
    for (path, item) in paths.iter_mut() {
        let path = key_text(path);
        if !path.starts_with("x-") && !inline_shared_item(item, &shared) {
            path_item(item, &at.key(&path), diagnostics);
        }
    }
}

/// Webhooks are requests the API sends, which a client never makes: dropped, unless they are all
/// the document describes.
fn webhooks(root: &mut Mapping, diagnostics: &mut Diagnostics) {
    if root.shift_remove("webhooks").is_some() && !root.contains_key("paths") {
        diagnostics.push(
            "/webhooks",
            "this document describes only `webhooks` (requests the API sends), and a client only makes requests; add the `paths` to call, or `paths: {}` to generate just the types of `components`",
        );
    }
}

/// Rewrites everything under `components` and returns the rewritten `pathItems`, which it removes
/// (openapiv3 has no place for them; the paths that use them get copies).
fn components(root: &mut Mapping, diagnostics: &mut Diagnostics) -> Mapping {
    let Some(Value::Mapping(components)) = root.get_mut("components") else { return Mapping::new() };
    let at = Pointer::root().key("components");
    let rewrites: [(&str, Rewrite); 8] = [
        ("schemas", schema::schema),
        ("parameters", parameter),
        ("headers", parameter),
        ("responses", response),
        ("requestBodies", request_body),
        ("callbacks", callback),
        ("securitySchemes", security_scheme),
        ("pathItems", path_item),
    ];
    for (key, rewrite) in rewrites {
        each_entry(components, key, &at, diagnostics, rewrite);
    }
    match components.shift_remove("pathItems") {
        Some(Value::Mapping(items)) => items,
        _ => Mapping::new(),
    }
}

/// Replaces a `$ref: '#/components/pathItems/Name'` path item with a copy of its target (plus the
/// `summary`/`description` beside the `$ref`). False when `item` is not such a reference, or
/// its target is missing (the resolver then reports the `$ref`).
fn inline_shared_item(item: &mut Value, shared: &Mapping) -> bool {
    let Value::Mapping(reference) = item else { return false };
    let Some(name) = reference
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|target| target.strip_prefix("#/components/pathItems/"))
    else {
        return false;
    };
    let name = name.replace("~1", "/").replace("~0", "~");
    let Some(Value::Mapping(target)) = shared.get(name.as_str()) else { return false };
    let mut copy = target.clone();
    for (key, value) in reference.iter().filter(|(key, _)| key.as_str() != Some("$ref")) {
        if !copy.contains_key(key) {
            copy.insert(key.clone(), value.clone());
        }
    }
    *item = Value::Mapping(copy);
    true
}

fn path_item(value: &mut Value, at: &Pointer, diagnostics: &mut Diagnostics) {
    let Value::Mapping(item) = value else { return };
    if item.contains_key("$ref") {
        return;
    }
    each_in_list(item, "parameters", at, diagnostics, parameter);
    for method in METHODS {
        if let Some(operation) = item.get_mut(method) {
            self::operation(operation, &at.key(method), diagnostics);
        }
    }
}

fn operation(value: &mut Value, at: &Pointer, diagnostics: &mut Diagnostics) {
    let Value::Mapping(operation) = value else { return };
    each_in_list(operation, "parameters", at, diagnostics, parameter);
    if let Some(body) = operation.get_mut("requestBody") {
        request_body(body, &at.key("requestBody"), diagnostics);
    }
    match operation.get_mut("responses") {
        Some(Value::Mapping(responses)) => {
            let at = at.key("responses");
            for (status, response) in responses.iter_mut() {
                let status = key_text(status);
                if !status.starts_with("x-") {
                    self::response(response, &at.key(&status), diagnostics);
                }
            }
        }
        Some(_) => {}
        // 3.1 made `responses` optional; 3.0 (and openapiv3) require the object.
        None => {
            operation.insert("responses".into(), Value::Mapping(Mapping::new()));
        }
    }
    each_entry(operation, "callbacks", at, diagnostics, callback);
}

/// A callback: runtime expressions → path items.
fn callback(value: &mut Value, at: &Pointer, diagnostics: &mut Diagnostics) {
    let Value::Mapping(callback) = value else { return };
    for (expression, item) in callback.iter_mut() {
        let expression = key_text(expression);
        if !expression.starts_with("x-") {
            path_item(item, &at.key(&expression), diagnostics);
        }
    }
}

/// A parameter or a header: a `schema`, or a `content` map.
fn parameter(value: &mut Value, at: &Pointer, diagnostics: &mut Diagnostics) {
    let Value::Mapping(parameter) = value else { return };
    if parameter.contains_key("$ref") {
        return;
    }
    if let Some(schema) = parameter.get_mut("schema") {
        schema::schema(schema, &at.key("schema"), diagnostics);
    }
    content(parameter, at, diagnostics);
}

fn request_body(value: &mut Value, at: &Pointer, diagnostics: &mut Diagnostics) {
    let Value::Mapping(body) = value else { return };
    if !body.contains_key("$ref") {
        content(body, at, diagnostics);
    }
}

fn response(value: &mut Value, at: &Pointer, diagnostics: &mut Diagnostics) {
    let Value::Mapping(response) = value else { return };
    if response.contains_key("$ref") {
        return;
    }
    each_entry(response, "headers", at, diagnostics, parameter);
    content(response, at, diagnostics);
}

/// The `content` of `parent`: media types, each with a `schema` and `encoding` headers.
fn content(parent: &mut Mapping, at: &Pointer, diagnostics: &mut Diagnostics) {
    let Some(Value::Mapping(content)) = parent.get_mut("content") else { return };
    let at = at.key("content");
    for (media, entry) in content.iter_mut() {
        let at = at.key(&key_text(media));
        let Value::Mapping(entry) = entry else { continue };
        if let Some(schema) = entry.get_mut("schema") {
            schema::schema(schema, &at.key("schema"), diagnostics);
        }
        each_entry(entry, "encoding", &at, diagnostics, encoding);
    }
}

fn encoding(value: &mut Value, at: &Pointer, diagnostics: &mut Diagnostics) {
    if let Value::Mapping(encoding) = value {
        each_entry(encoding, "headers", at, diagnostics, parameter);
    }
}

/// A `mutualTLS` scheme (new in 3.1) becomes `type: http` with this `scheme`, which openapiv3
/// reads and `resolve` turns into a client certificate; no HTTP authentication scheme has
/// this name.
pub const MUTUAL_TLS_SCHEME: &str = "mutualTLS";

fn security_scheme(value: &mut Value, _at: &Pointer, _diagnostics: &mut Diagnostics) {
    if let Value::Mapping(scheme) = value {
        if scheme.get("type").and_then(Value::as_str) == Some("mutualTLS") {
            scheme.insert("type".into(), "http".into());
            scheme.insert("scheme".into(), MUTUAL_TLS_SCHEME.into());
        }
    }
}

/// Applies `rewrite` to every value of the map at `parent[key]`.
fn each_entry(
    parent: &mut Mapping,
    key: &str,
    at: &Pointer,
    diagnostics: &mut Diagnostics,
    rewrite: Rewrite,
) {
    let Some(Value::Mapping(entries)) = parent.get_mut(key) else { return };
    let at = at.key(key);
    for (name, value) in entries.iter_mut() {
        rewrite(value, &at.key(&key_text(name)), diagnostics);
    }
}

/// Applies `rewrite` to every item of the list at `parent[key]`. The same walk as [`each_entry`]
/// over a list instead of a map: the two containers differ in how a child's pointer is made
/// (an index, not a key), which a shared function would have to take as a closure for no gain.
fn each_in_list(
    parent: &mut Mapping,
    key: &str,
    at: &Pointer,
    diagnostics: &mut Diagnostics,
    rewrite: Rewrite,
) {
    let Some(Value::Sequence(items)) = parent.get_mut(key) else { return };
    let at = at.key(key);
    for (index, item) in items.iter_mut().enumerate() {
        rewrite(item, &at.index(index), diagnostics);
    }
}

/// A map key as it appears in a JSON pointer (YAML also allows number and boolean keys, such as
/// an unquoted `200:` status).
fn key_text(key: &Value) -> String {
    match key {
        Value::String(text) => text.clone(),
        Value::Number(number) => number.to_string(),
        Value::Bool(flag) => flag.to_string(),
        _ => String::new(),
    }
}
