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
//! - A 3.1 construct with no 3.0 equivalent gets the nearest 3.0 form that loses no value on
//!   decoding, with a warning where the generated type checks less than the schema says; what
//!   cannot become a Rust type at all is an error diagnostic at its pointer saying what to write
//!   instead. Nothing here panics, and the typed read only runs on a rewrite without errors.
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
//! | `const` object or array | `type: object`/`array`, unchecked (a warning) |
//! | `$ref` with annotation siblings (`description`, `default`…) | `$ref` alone: 3.0 ignores them too |
//! | `$ref` with constraining siblings (`required`…) | `allOf: [{$ref}, {siblings}]` (moves) |
//! | `examples: [a, …]` | `example: a` |
//! | `exclusiveMinimum: n` | `minimum: n`, `exclusiveMinimum: true` (likewise maximum) |
//! | `contentEncoding: base64` / `contentMediaType` of bytes | `type: string`, `format: byte` / `binary` |
//! | `true` schema | `{}` (any value) |
//! | `false` property / `oneOf` member | left out (a warning: it can never be present or match) |
//! | `false` elsewhere, `items: false` | `{}` (a warning) / `maxItems: 0` |
//! | `prefixItems: [A, B]` (+ `items`) | `type: array`, the rest in `items`, the positions in [`PREFIX_ITEMS`]: a tuple |
//! | `patternProperties` | `additionalProperties` of its schema (a `oneOf` of several); keys unchecked |
//! | `$defs` | moved to `components/schemas` as `Parent.Name`, `$ref`s rewritten (`defs`, moves) |
//! | `$schema`, `$id`, `$comment`, `$anchor`, validation-only keywords | dropped |
//! | `if`/`then`/`else`, `dependentSchemas`, `unevaluated*` with a schema, `$dynamicRef` | an error |
//!
//! Around schemas: `webhooks` are rewritten like paths (the loader reads them apart: their
//! payloads get types), a missing `paths` or operation `responses` becomes an empty object,
//! `jsonSchemaDialect` is dropped, `components/pathItems` is rewritten (the loader replaces the
//! path items that refer to it with copies), and a `mutualTLS` security scheme becomes
//! `type: http` with `scheme: mutualTLS` (see [`MUTUAL_TLS_SCHEME`]).
//! `info.summary` and `license.identifier` stay: openapiv3 ignores fields it does not know.

mod defs;
mod schema;

use crate::diagnostics::{Diagnostic, Diagnostics, Pointer, Relocations};
use serde_yaml::{Mapping, Value};

pub use schema::PREFIX_ITEMS;

/// The keys of a path item that hold operations.
const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// One rewrite of an object found at a pointer.
type Rewrite = fn(&mut Value, &Pointer, &mut Diagnostics);

/// A 3.1 document in 3.0 form.
pub struct Downgraded {
    /// The rewritten tree.
    pub tree: Value,
    /// Constructs given a looser form than the schema says, in document order.
    pub warnings: Vec<Diagnostic>,
    /// Schemas that moved (`$defs`), to report diagnostics where the user wrote them.
    pub relocations: Relocations,
}

/// Rewrites a 3.1 document tree into the 3.0 tree openapiv3 reads, or says what cannot be
/// rewritten (every diagnostic names the pointer in the user's file).
pub fn downgrade(mut tree: Value) -> Result<Downgraded, Diagnostics> {
    let mut diagnostics = Diagnostics::default();
    let mut relocations = Relocations::default();
    if let Value::Mapping(root) = &mut tree {
        defs::hoist(root, &mut relocations);
        document(root, &mut diagnostics);
    }
    relocations.restore(&mut diagnostics.0);
    if diagnostics.has_errors() {
        Err(diagnostics)
    } else {
        Ok(Downgraded { tree, warnings: diagnostics.0, relocations })
    }
}

fn document(root: &mut Mapping, diagnostics: &mut Diagnostics) {
    root.shift_remove("jsonSchemaDialect");
    // 3.1 made `paths` optional (a document may hold only components or webhooks); 3.0 requires
    // the object.
    if !root.contains_key("paths") {
        root.insert("paths".into(), Value::Mapping(Mapping::new()));
    }
    components(root, diagnostics);
    for section in ["paths", "webhooks"] {
        let Some(Value::Mapping(items)) = root.get_mut(section) else { continue };
        let at = Pointer::root().key(section);
        for (key, item) in items.iter_mut() {
            let key = key_text(key);
            if !key.starts_with("x-") {
                path_item(item, &at.key(&key), diagnostics);
            }
        }
    }
}

/// Rewrites everything under `components`.
fn components(root: &mut Mapping, diagnostics: &mut Diagnostics) {
    let Some(Value::Mapping(components)) = root.get_mut("components") else { return };
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
pub(crate) fn key_text(key: &Value) -> String {
    match key {
        Value::String(text) => text.clone(),
        Value::Number(number) => number.to_string(),
        Value::Bool(flag) => flag.to_string(),
        _ => String::new(),
    }
}
