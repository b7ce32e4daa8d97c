//! Robustness of the generator: whatever the input, `codegen::generate` returns files or
//! diagnostics. It never panics, never overflows the stack and never runs for unbounded time.
//!
//! `mutated_specs_never_panic` takes the bundled spec and every `tests/fixtures/specs/*.yaml`,
//! applies one to four random mutations (dropped keys, values of another type, `$ref`s to
//! anywhere, copied subtrees, random keys, empty containers, nesting, and well-formed but odd
//! schemas, parameters, responses and `x-` extensions) and generates from the result, as JSON
//! or now and then as YAML. Every case has its own seed, derived from a fixed base seed and the
//! case number, so a failure reproduces:
//!
//! ```text
//! NO_PANIC_SEED=0x1234abcd cargo test -p integration-tests --test it -- no_panic::mutated_specs_never_panic
//! NO_PANIC_ITERATIONS=20000 cargo test -p integration-tests --release --test it -- no_panic:: --nocapture
//! ```
//!
//! `NO_PANIC_ITERATIONS` sets the number of cases (2,500 by default), `NO_PANIC_FIRST` the
//! number of the first one (to resume a long run after a stack overflow ended it).
//!
//! A failing input is written to `target/no_panic_failures/<seed>.json` (or `.yaml`) with a
//! `<seed>.txt` beside it that says what failed and which mutations made the input. A stack
//! overflow aborts the process instead (the whole test binary, with the tests of every other
//! module that had not finished); its message names the thread, `generate-<seed>`, and
//! with `NO_PANIC_SEED` the input is saved before it runs. Inputs with the shape of a known
//! stack overflow (the `#[ignore]`d tests at the end) are counted and not run, so that one known
//! bug does not end every run.

use integration_tests::support::fixtures::{fixture, fixture_specs};
use serde_json::{json, Map, Value};
use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::{mpsc, Once};
use std::thread;
use std::time::{Duration, Instant};

/// Cases per default run: about 17 s of a debug build.
const DEFAULT_ITERATIONS: u64 = 2_500;
/// Every case seed derives from this and the case number.
const BASE_SEED: u64 = 0x6e6f_5f70_616e_6963;
/// A case running longer than this counts as a hang.
const CASE_TIMEOUT: Duration = Duration::from_secs(30);
/// The stack of a spawned thread unless told otherwise (`RUST_MIN_STACK`).
const DEFAULT_STACK: usize = 2 << 20;
/// The stack of a main thread on Linux (`ulimit -s`), which the command line runs on.
const MAIN_STACK: usize = 8 << 20;

// ---------------------------------------------------------------------------------------------
// Deterministic randomness.

fn splitmix64(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// xorshift64*: small, fast, and the same sequence on every platform.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(splitmix64(seed) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True `numerator` times in `denominator`.
    fn chance(&mut self, numerator: u64, denominator: u64) -> bool {
        self.next() % denominator < numerator
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn case_seed(iteration: u64) -> u64 {
    splitmix64(BASE_SEED ^ iteration.wrapping_mul(0x9e37_79b9_7f4a_7c15))
}

// ---------------------------------------------------------------------------------------------
// The documents mutations start from.

/// The bundled spec and every fixture spec, as JSON trees.
fn corpus() -> Vec<(String, Value)> {
    let mut files = vec![xtask::bundled_spec()];
    files.extend(fixture_specs().iter().map(|name| fixture(&format!("specs/{name}.yaml"))));
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read(&path).expect("readable spec");
            let tree: Value = serde_yaml::from_slice(&text)
                .unwrap_or_else(|error| panic!("{} is not YAML: {error}", path.display()));
            (path.file_name().unwrap().to_string_lossy().into_owned(), tree)
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Mutations.

/// Keys the generator reads, so that random insertions reach its code rather than being ignored.
const KEYS: &[&str] = &[
    "$ref",
    "type",
    "format",
    "properties",
    "required",
    "items",
    "enum",
    "nullable",
    "oneOf",
    "allOf",
    "anyOf",
    "not",
    "discriminator",
    "propertyName",
    "mapping",
    "additionalProperties",
    "default",
    "description",
    "title",
    "deprecated",
    "parameters",
    "name",
    "in",
    "schema",
    "content",
    "application/json",
    "application/x-ndjson",
    "text/plain",
    "*/*",
    "requestBody",
    "responses",
    "200",
    "201",
    "2XX",
    "404",
    "default",
    "operationId",
    "get",
    "post",
    "delete",
    "security",
    "securitySchemes",
    "x-env",
    "x-pagination",
    "x-waiters",
    "x-url-from",
    "x-error-message",
    "x-request-id-header",
    "has-more",
    "forward",
    "backward",
    "cursor",
    "parameter",
    "field",
    "until",
    "operation",
    "/new/{id}",
    "/{a}/{a}",
    "{",
    "",
    "~",
    "/",
    "type ",
    "r#type",
    "self",
    "Self",
    "super",
    "_",
    "0",
    "Unknown",
    "Result",
    "Client",
    "é中文🦀",
];

/// Strings that trip up naming, path templates, references and pointers.
const STRINGS: &[&str] = &[
    "",
    " ",
    "_",
    "{",
    "}",
    "{}",
    "{id}",
    "/{id}/{id}",
    "/a/{b",
    "/a/b}",
    "#",
    "#/",
    "#/components",
    "#/components/schemas/",
    "#/components/schemas/a/b",
    "#/components/schemas/~1~0",
    "other.yaml#/components/schemas/X",
    "https://example.com/x.json",
    "~",
    "~1",
    "/",
    "string",
    "integer",
    "number",
    "boolean",
    "array",
    "object",
    "null",
    "date-time",
    "int32",
    "int64",
    "binary",
    "query",
    "path",
    "header",
    "cookie",
    "bearer",
    "basic",
    "apiKey",
    "http",
    "oauth2",
    "3.0.0",
    "3.1.0",
    "type",
    "self",
    "Self",
    "r#type",
    "crate",
    "123",
    "-1",
    "1e400",
    "9999999999999999999999",
    "a b-c.d@e",
    "é中文🦀",
    "\u{0}",
    "\n",
    "\"",
    "'",
    "\\",
    "*/",
    "/*",
    "//",
    "]]",
    "Unknown",
    "Empty",
    "Value",
    "Box",
    "Option",
];

fn random_string(rng: &mut Rng) -> String {
    match rng.below(5) {
        0 => {
            let len = rng.below(12);
            (0..len).map(|_| (b' ' + rng.below(95) as u8) as char).collect()
        }
        1 => "a".repeat(1 + rng.below(3_000)),
        2 => format!("{}{}", rng.pick(STRINGS), rng.pick(STRINGS)),
        _ => (*rng.pick(STRINGS)).to_owned(),
    }
}

fn random_key(rng: &mut Rng) -> String {
    if rng.chance(3, 4) {
        (*rng.pick(KEYS)).to_owned()
    } else {
        random_string(rng)
    }
}

fn random_number(rng: &mut Rng) -> Value {
    match rng.below(9) {
        0 => json!(0),
        1 => json!(-1),
        2 => json!(1.5),
        3 => json!(u64::MAX),
        4 => json!(i64::MIN),
        5 => json!(1e308),
        6 => json!(200),
        7 => json!(-0.0),
        _ => json!(rng.next() as i64),
    }
}

/// A small value of any type; `budget` bounds how deep it gets.
fn random_value(rng: &mut Rng, budget: usize) -> Value {
    match rng.below(if budget == 0 { 5 } else { 8 }) {
        0 => Value::Null,
        1 => Value::Bool(rng.chance(1, 2)),
        2 => random_number(rng),
        3 | 4 => Value::String(random_string(rng)),
        5 => Value::Array((0..rng.below(4)).map(|_| random_value(rng, budget - 1)).collect()),
        _ => Value::Object(
            (0..rng.below(4)).map(|_| (random_key(rng), random_value(rng, budget - 1))).collect(),
        ),
    }
}

/// A value of another JSON type than `old`.
fn other_type(rng: &mut Rng, old: &Value) -> Value {
    loop {
        let new = random_value(rng, 2);
        if std::mem::discriminant(&new) != std::mem::discriminant(old) {
            return new;
        }
    }
}

fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// The JSON pointer of every node, the root (`""`) first.
fn pointers(value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![(String::new(), value)];
    while let Some((pointer, node)) = stack.pop() {
        match node {
            Value::Object(map) => {
                for (key, child) in map {
                    stack.push((format!("{pointer}/{}", escape(key)), child));
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter().enumerate() {
                    stack.push((format!("{pointer}/{index}"), child));
                }
            }
            _ => {}
        }
        out.push(pointer);
    }
    out
}

/// The parent's pointer and the last segment, unescaped.
fn split_pointer(pointer: &str) -> Option<(&str, String)> {
    let (parent, last) = pointer.rsplit_once('/')?;
    Some((parent, last.replace("~1", "/").replace("~0", "~")))
}

/// Names already present in `components/*`, for references that resolve.
fn component_names(doc: &Value) -> Vec<(String, String)> {
    let mut names = Vec::new();
    if let Some(components) = doc.get("components").and_then(Value::as_object) {
        for (kind, entries) in components {
            if let Some(entries) = entries.as_object() {
                names.extend(entries.keys().map(|name| (kind.clone(), name.clone())));
            }
        }
    }
    names
}

fn random_reference(rng: &mut Rng, doc: &Value, all: &[String], own: &str) -> String {
    let components = component_names(doc);
    match rng.below(6) {
        0 => format!("#{}", rng.pick(all)),
        1 => format!("#{own}"),
        2 if !components.is_empty() => {
            // An existing name under a random kind: often the wrong kind.
            let (_, name) = rng.pick(&components);
            let kinds = ["schemas", "parameters", "responses", "requestBodies", "securitySchemes", "headers"];
            format!("#/components/{}/{}", rng.pick(&kinds), escape(name))
        }
        3 => format!("#/components/schemas/{}", escape(&random_string(rng))),
        4 => (*rng.pick(STRINGS)).to_owned(),
        _ if !components.is_empty() => {
            let (kind, name) = rng.pick(&components);
            format!("#/components/{kind}/{}", escape(name))
        }
        _ => "#/components/schemas/DoesNotExist".to_owned(),
    }
}

/// Wraps `inner` in `levels` schema layers.
fn nest(rng: &mut Rng, mut inner: Value, levels: usize) -> Value {
    for _ in 0..levels {
        inner = match rng.below(7) {
            0 => json!({"type": "array", "items": inner}),
            1 => json!({"allOf": [inner]}),
            2 => json!({"oneOf": [inner, {"type": "string"}]}),
            3 => json!({"type": "object", "properties": {"nested": inner}, "required": ["nested"]}),
            4 => json!({"type": "object", "additionalProperties": inner}),
            5 => json!({"allOf": [{"type": "object", "properties": {"a": {"type": "string"}}}, inner]}),
            _ => json!({"nullable": true, "allOf": [inner]}),
        };
    }
    inner
}

/// Applies one random mutation; returns what it did. Two in three are structural (any node, any
/// change: most make the document unreadable as OpenAPI); one in three change a schema, a
/// parameter, a response or an extension into something well-formed but odd, which gets past the
/// parser to the resolver and the emitter.
fn mutate(rng: &mut Rng, doc: &mut Value) -> String {
    let all = pointers(doc);
    let target = rng.pick(&all).clone();
    match rng.below(18) {
        0 | 1 => {
            // Drop a key or an array element.
            let Some((parent, last)) = split_pointer(&target) else {
                return "drop: skipped the root".to_owned();
            };
            match doc.pointer_mut(parent) {
                Some(Value::Object(map)) => {
                    map.remove(&last);
                }
                Some(Value::Array(items)) => {
                    if let Ok(index) = last.parse::<usize>() {
                        if index < items.len() {
                            items.remove(index);
                        }
                    }
                }
                _ => {}
            }
            format!("drop {target}")
        }
        2 => {
            let node = doc.pointer_mut(&target).expect("pointer from the document");
            *node = other_type(rng, node);
            format!("retype {target} to {}", short(node))
        }
        3 | 4 => {
            let reference = random_reference(rng, doc, &all, &target);
            let node = doc.pointer_mut(&target).expect("pointer from the document");
            match node {
                Value::Object(map) if rng.chance(1, 2) => {
                    map.insert("$ref".to_owned(), Value::String(reference.clone()));
                    format!("add $ref {reference} to {target}")
                }
                _ => {
                    *node = json!({ "$ref": reference });
                    format!("replace {target} by $ref {reference}")
                }
            }
        }
        5 => {
            // Copy a subtree somewhere else.
            let source = rng.pick(&all).clone();
            let copy = doc.pointer(&source).cloned().expect("pointer from the document");
            let node = doc.pointer_mut(&target).expect("pointer from the document");
            match node {
                Value::Object(map) if rng.chance(2, 3) => {
                    let key = match map.keys().nth(rng.below(map.len() + 1)) {
                        Some(existing) if rng.chance(1, 2) => existing.clone(),
                        _ => random_key(rng),
                    };
                    map.insert(key.clone(), copy);
                    format!("copy {source} to {target}/{}", escape(&key))
                }
                Value::Array(items) => {
                    let at = rng.below(items.len() + 1);
                    items.insert(at, copy);
                    format!("copy {source} into {target} at {at}")
                }
                _ => {
                    *node = copy;
                    format!("copy {source} over {target}")
                }
            }
        }
        6 => {
            // A random key with a random value.
            let key = random_key(rng);
            let value = random_value(rng, 3);
            let described = short(&value);
            match doc.pointer_mut(&target) {
                Some(Value::Object(map)) => {
                    map.insert(key.clone(), value);
                    format!("insert {key:?}: {described} at {target}")
                }
                Some(node) => {
                    *node = json!({ key.clone(): value });
                    format!("replace {target} by {{{key:?}: {described}}}")
                }
                None => "insert: skipped".to_owned(),
            }
        }
        7 => {
            let node = doc.pointer_mut(&target).expect("pointer from the document");
            *node = match rng.below(3) {
                0 => json!({}),
                1 => json!([]),
                _ => json!(""),
            };
            format!("empty {target}")
        }
        8 => {
            // Nest a few levels. Deliberately shallow: see `deeply_nested_invalid_schema_is_parsed_in_bounded_time`.
            let levels = 1 + rng.below(4);
            let node = doc.pointer_mut(&target).expect("pointer from the document");
            *node = nest(rng, node.take(), levels);
            format!("nest {target} {levels} levels")
        }
        9 => {
            // Rename a key.
            let new_key = random_key(rng);
            let Some((parent, last)) = split_pointer(&target) else {
                return "rename: skipped the root".to_owned();
            };
            if let Some(Value::Object(map)) = doc.pointer_mut(parent) {
                if let Some(value) = map.remove(&last) {
                    map.insert(new_key.clone(), value);
                }
            }
            format!("rename {target} to {new_key:?}")
        }
        10 => {
            let node = doc.pointer_mut(&target).expect("pointer from the document");
            *node = if rng.chance(1, 3) { random_number(rng) } else { Value::String(random_string(rng)) };
            format!("set {target} to {}", short(node))
        }
        12..=14 => splice_schema(rng, doc, &all),
        15 => add_parameter(rng, doc),
        16 => add_extension(rng, doc),
        17 => set_response(rng, doc),
        _ => {
            // Swap two subtrees (if one holds the other, the second write may find nothing).
            let other = rng.pick(&all).clone();
            let first = doc.pointer(&target).cloned().expect("pointer from the document");
            let second = doc.pointer(&other).cloned().expect("pointer from the document");
            if let Some(node) = doc.pointer_mut(&target) {
                *node = second;
            }
            if let Some(node) = doc.pointer_mut(&other) {
                *node = first;
            }
            format!("swap {target} and {other}")
        }
    }
}

/// Names the document uses, for mutations that refer to things that exist.
#[derive(Default)]
struct Names {
    properties: Vec<String>,
    operation_ids: Vec<String>,
    parameters: Vec<String>,
    schemas: Vec<String>,
}

fn names(doc: &Value) -> Names {
    let mut names = Names::default();
    let mut stack = vec![doc];
    while let Some(node) = stack.pop() {
        match node {
            Value::Object(map) => {
                if let Some(Value::Object(properties)) = map.get("properties") {
                    names.properties.extend(properties.keys().cloned());
                }
                if let Some(Value::String(id)) = map.get("operationId") {
                    names.operation_ids.push(id.clone());
                }
                if let (Some(Value::String(name)), Some(_)) = (map.get("name"), map.get("in")) {
                    names.parameters.push(name.clone());
                }
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    if let Some(Value::Object(schemas)) = doc.pointer("/components/schemas") {
        names.schemas.extend(schemas.keys().cloned());
    }
    names
}

/// One of `known`, now and then a random name.
fn name_from(rng: &mut Rng, known: &[String]) -> String {
    if known.is_empty() || rng.chance(1, 5) {
        random_key(rng)
    } else {
        rng.pick(known).clone()
    }
}

fn schema_ref(rng: &mut Rng, names: &Names) -> Value {
    json!({ "$ref": format!("#/components/schemas/{}", escape(&name_from(rng, &names.schemas))) })
}

/// A well-formed schema of a random shape, with names from the document.
fn random_schema(rng: &mut Rng, names: &Names, depth: usize) -> Value {
    let mut schema = match rng.below(if depth == 0 { 6 } else { 13 }) {
        0 => {
            let mut schema = json!({"type": "string"});
            if rng.chance(1, 3) {
                schema["format"] = json!(rng.pick(&["date-time", "date", "binary", "uuid", "byte", ""]));
            }
            if rng.chance(1, 2) {
                let values: Vec<Value> =
                    (0..rng.below(5)).map(|_| Value::String(random_string(rng))).collect();
                schema["enum"] = Value::Array(values);
            }
            schema
        }
        1 => {
            let mut schema = json!({"type": "integer"});
            if rng.chance(1, 2) {
                schema["format"] = json!(rng.pick(&["int32", "int64", "uint8", ""]));
            }
            if rng.chance(1, 3) {
                schema["minimum"] = random_number(rng);
                schema["maximum"] = random_number(rng);
            }
            schema
        }
        2 => json!({"type": rng.pick(&["number", "boolean"])}),
        3 => schema_ref(rng, names),
        4 => match rng.below(3) {
            0 => json!({}),
            1 => json!({"nullable": true}),
            _ => json!({"description": random_string(rng)}),
        },
        5 => json!({"type": "object", "additionalProperties": rng.chance(1, 2)}),
        6 | 7 => {
            let mut properties = Map::new();
            for _ in 0..1 + rng.below(4) {
                properties.insert(name_from(rng, &names.properties), random_schema(rng, names, depth - 1));
            }
            let mut required: Vec<Value> =
                properties.keys().filter(|_| rng.chance(1, 2)).map(|key| json!(key)).collect();
            if rng.chance(1, 6) {
                required.push(json!(name_from(rng, &names.properties)));
            }
            let mut schema = json!({"type": "object", "properties": properties, "required": required});
            if rng.chance(1, 4) {
                schema["additionalProperties"] =
                    if rng.chance(1, 2) { json!(true) } else { random_schema(rng, names, depth - 1) };
            }
            schema
        }
        8 if rng.chance(1, 6) => json!({"type": "array"}),
        8 => json!({"type": "array", "items": random_schema(rng, names, depth - 1)}),
        9 | 10 => {
            let members: Vec<Value> = (0..1 + rng.below(3))
                .map(|_| {
                    if rng.chance(2, 3) {
                        schema_ref(rng, names)
                    } else {
                        random_schema(rng, names, depth - 1)
                    }
                })
                .collect();
            let mut schema = json!({"oneOf": members});
            if rng.chance(1, 2) {
                let mut discriminator = json!({"propertyName": name_from(rng, &names.properties)});
                if rng.chance(1, 2) {
                    let mapping: Map<String, Value> = (0..1 + rng.below(3))
                        .map(|_| (random_string(rng), schema_ref(rng, names)["$ref"].clone()))
                        .collect();
                    discriminator["mapping"] = Value::Object(mapping);
                }
                schema["discriminator"] = discriminator;
            }
            schema
        }
        11 => {
            let members: Vec<Value> =
                (0..1 + rng.below(3)).map(|_| random_schema(rng, names, depth - 1)).collect();
            json!({"allOf": members})
        }
        _ => {
            let key = rng.pick(&["anyOf", "not", "oneOf", "allOf"]);
            let member = random_schema(rng, names, depth - 1);
            let mut schema = json!({"type": rng.pick(&["string", "object", "array"])});
            schema[key] = if *key == "not" { member } else { json!([member]) };
            schema
        }
    };
    if rng.chance(1, 6) {
        schema["nullable"] = json!(true);
    }
    if rng.chance(1, 10) {
        schema["default"] = random_value(rng, 1);
    }
    schema
}

/// Whether a pointer is a place that holds a schema.
fn is_schema_position(pointer: &str) -> bool {
    let segments: Vec<&str> = pointer.rsplit('/').take(3).collect();
    let (last, parent, grandparent) = (
        segments.first().copied().unwrap_or(""),
        segments.get(1).copied().unwrap_or(""),
        segments.get(2).copied().unwrap_or(""),
    );
    matches!(last, "schema" | "items" | "additionalProperties" | "not")
        || matches!(parent, "properties" | "oneOf" | "allOf" | "anyOf")
        || (parent == "schemas" && grandparent == "components")
}

/// Replaces a schema by a random one, or mixes a random one's keywords into it.
fn splice_schema(rng: &mut Rng, doc: &mut Value, all: &[String]) -> String {
    let positions: Vec<&String> = all.iter().filter(|p| is_schema_position(p)).collect();
    let Some(&target) = positions.get(rng.below(positions.len().max(1))) else {
        return "splice: no schema".to_owned();
    };
    let names = names(doc);
    let schema = random_schema(rng, &names, 3);
    let described = short(&schema);
    let node = doc.pointer_mut(target).expect("pointer from the document");
    match (node, schema) {
        (Value::Object(existing), Value::Object(extra)) if rng.chance(1, 2) => {
            existing.extend(extra);
            format!("mix {described} into {target}")
        }
        (node, schema) => {
            *node = schema;
            format!("replace {target} by {described}")
        }
    }
}

/// The pointers of every operation.
fn operations(doc: &Value) -> Vec<String> {
    let mut found = Vec::new();
    if let Some(Value::Object(paths)) = doc.get("paths") {
        for (path, item) in paths {
            if let Value::Object(item) = item {
                for (method, operation) in item {
                    let is_method = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
                        .contains(&method.as_str());
                    if is_method && operation.is_object() {
                        found.push(format!("/paths/{}/{method}", escape(path)));
                    }
                }
            }
        }
    }
    found
}

/// The pointer of an operation picked at random; `None` when the document has none.
fn pick_operation(rng: &mut Rng, doc: &Value) -> Option<String> {
    let operations = operations(doc);
    (!operations.is_empty()).then(|| rng.pick(&operations).clone())
}

fn add_parameter(rng: &mut Rng, doc: &mut Value) -> String {
    let Some(operation) = pick_operation(rng, doc) else {
        return "parameter: no operation".to_owned();
    };
    let names = names(doc);
    // Now and then on the path item, which every operation under it shares.
    let target = if rng.chance(1, 5) {
        operation.rsplit_once('/').map(|(item, _)| item.to_owned()).unwrap_or_default()
    } else {
        operation
    };
    let parameter = if rng.chance(1, 5) {
        json!({"$ref": format!("#/components/parameters/{}", escape(&name_from(rng, &names.parameters)))})
    } else {
        let mut parameter = json!({
            "name": name_from(rng, &names.parameters),
            "in": rng.pick(&["query", "query", "path", "header", "cookie"]),
            "schema": random_schema(rng, &names, 1),
        });
        if rng.chance(1, 2) {
            parameter["required"] = json!(rng.chance(1, 2));
        }
        if rng.chance(1, 8) {
            parameter["explode"] = json!(rng.chance(1, 2));
        }
        parameter
    };
    let described = short(&parameter);
    let Some(Value::Object(holder)) = doc.pointer_mut(&target) else {
        return "parameter: skipped".to_owned();
    };
    match holder.entry("parameters").or_insert_with(|| json!([])) {
        Value::Array(parameters) => parameters.push(parameter),
        other => *other = json!([parameter]),
    }
    format!("add parameter {described} to {target}")
}

fn add_extension(rng: &mut Rng, doc: &mut Value) -> String {
    let names = names(doc);
    let cursor = |rng: &mut Rng| json!({"parameter": name_from(rng, &names.parameters), "cursor": name_from(rng, &names.properties)});
    let (key, mut value) = match rng.below(7) {
        0 | 1 => {
            let mut pagination = json!({"items": name_from(rng, &names.properties)});
            if rng.chance(1, 2) {
                pagination["has-more"] = json!(name_from(rng, &names.properties));
            }
            if rng.chance(3, 4) {
                pagination["forward"] = cursor(rng);
            }
            if rng.chance(1, 2) {
                pagination["backward"] = cursor(rng);
            }
            ("x-pagination", pagination)
        }
        2 | 3 => {
            let until: Vec<Value> = (0..rng.below(3)).map(|_| json!(random_string(rng))).collect();
            let waiter = json!({"field": name_from(rng, &names.properties), "until": until});
            ("x-waiters", json!({ random_key(rng): waiter }))
        }
        4 | 5 => (
            "x-url-from",
            json!({"operation": name_from(rng, &names.operation_ids), "field": name_from(rng, &names.properties)}),
        ),
        _ => {
            // One of the document-level ones.
            let (at, key) = *rng.pick(&[
                ("", "x-error-message"),
                ("", "x-request-id-header"),
                ("/servers/0", "x-env"),
                ("/components/securitySchemes/ApiKeyAuth", "x-env"),
            ]);
            let value = json!(random_string(rng));
            let described = short(&value);
            if let Some(Value::Object(holder)) = doc.pointer_mut(at) {
                holder.insert(key.to_owned(), value);
            }
            return format!("set {at}/{key} to {described}");
        }
    };
    if rng.chance(1, 8) {
        // A field the extension does not define.
        value[random_key(rng)] = random_value(rng, 1);
    }
    let Some(target) = pick_operation(rng, doc) else {
        return "extension: no operation".to_owned();
    };
    let described = short(&value);
    if let Some(Value::Object(operation)) = doc.pointer_mut(&target) {
        operation.insert(key.to_owned(), value);
    }
    format!("set {target}/{key} to {described}")
}

fn set_response(rng: &mut Rng, doc: &mut Value) -> String {
    let Some(target) = pick_operation(rng, doc) else {
        return "response: no operation".to_owned();
    };
    let names = names(doc);
    let media = *rng.pick(&[
        "application/json",
        "application/json",
        "application/x-ndjson",
        "application/jsonl",
        "application/problem+json",
        "text/plain",
        "*/*",
        "application/octet-stream",
        "application/json; charset=utf-8",
    ]);
    let mut content = json!({ media: {} });
    if rng.chance(5, 6) {
        content[media]["schema"] = random_schema(rng, &names, 2);
    }
    let (key, value) = if rng.chance(1, 4) {
        ("requestBody".to_owned(), json!({"required": rng.chance(3, 4), "content": content}))
    } else {
        let status = match rng.below(12) {
            0 => random_string(rng),
            n => (*["200", "201", "204", "2XX", "400", "404", "4XX", "500", "5XX", "default", "302"][n - 1])
                .to_owned(),
        };
        let response = if rng.chance(1, 6) {
            json!({"$ref": format!("#/components/responses/{}", escape(&random_key(rng)))})
        } else {
            json!({"description": "mutated", "content": content})
        };
        (status, response)
    };
    let described = short(&value);
    let Some(Value::Object(operation)) = doc.pointer_mut(&target) else {
        return "response: skipped".to_owned();
    };
    if key == "requestBody" {
        operation.insert(key, value);
        return format!("set {target}/requestBody to {described}");
    }
    match operation.entry("responses").or_insert_with(|| json!({})) {
        Value::Object(responses) => {
            responses.insert(key.clone(), value);
        }
        other => *other = json!({ key.clone(): value }),
    }
    format!("set {target}/responses/{} to {described}", escape(&key))
}

fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.len() > 60 {
        let end = (0..=60).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
        format!("{}…", &text[..end])
    } else {
        text
    }
}

/// One generated input: the bytes and how they were made.
struct Case {
    seed: u64,
    base: String,
    mutations: Vec<String>,
    yaml: bool,
    bytes: Vec<u8>,
    /// The input has the shape of a known bug that aborts the process; it is not run.
    known_bug: Option<&'static str>,
}

fn make_case(corpus: &[(String, Value)], seed: u64) -> Case {
    let mut rng = Rng::new(seed);
    let (base, tree) = rng.pick(corpus);
    let mut doc = tree.clone();
    let count = 1 + rng.below(4);
    let mutations = (0..count).map(|_| mutate(&mut rng, &mut doc)).collect();
    let yaml = rng.chance(1, 8);
    let bytes = if yaml {
        serde_yaml::to_string(&doc).expect("a JSON tree serializes as YAML").into_bytes()
    } else {
        serde_json::to_vec(&doc).expect("a JSON tree serializes")
    };
    // The two recursions that used to abort the process (an `allOf` merge cycle, an empty
    // `allOf`) are fixed and have their own tests below; every input runs.
    let known_bug = None;
    Case { seed, base: base.clone(), mutations, yaml, bytes, known_bug }
}

// ---------------------------------------------------------------------------------------------
// Running the generator, with panics caught and time bounded.

#[derive(Debug)]
enum Outcome {
    Generated(usize),
    Rejected(codegen::Diagnostics),
    Panicked(String),
    TimedOut,
}

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Records panics of the generator's threads (named `generate-…`) instead of printing them.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !thread::current().name().is_some_and(|name| name.starts_with("generate-")) {
                return default(info);
            }
            let payload = info.payload();
            let message = payload
                .downcast_ref::<&str>()
                .map(|text| (*text).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "(a non-string payload)".to_owned());
            let location = info
                .location()
                .map(|at| format!("{}:{}:{}", at.file(), at.line(), at.column()))
                .unwrap_or_else(|| "an unknown location".to_owned());
            LAST_PANIC.with(|last| *last.borrow_mut() = Some(format!("`{message}` at {location}")));
        }));
    });
}

fn settings() -> codegen::Settings {
    codegen::Settings {
        crate_name: "fuzzed-client".to_owned(),
        crate_version: "0.1.0".to_owned(),
        spec_label: "fuzzed.json".to_owned(),
        command: "cargo test --test it -- no_panic::".to_owned(),
    }
}

/// Generates from `bytes` on a thread of its own with `stack` bytes of stack (named after
/// `label`, which a stack overflow message then names), catching panics; gives up waiting after
/// `timeout`.
fn generate(label: &str, bytes: Vec<u8>, stack: usize, timeout: Duration) -> (Outcome, Duration) {
    install_panic_hook();
    let (sender, receiver) = mpsc::channel();
    let started = Instant::now();
    let worker = thread::Builder::new()
        .name(format!("generate-{label}"))
        .stack_size(stack)
        .spawn(move || {
            let result = panic::catch_unwind(AssertUnwindSafe(|| codegen::generate(&bytes, &settings())));
            let outcome = match result {
                Ok(Ok(files)) => Outcome::Generated(files.len()),
                Ok(Err(diagnostics)) => Outcome::Rejected(diagnostics),
                Err(_) => {
                    Outcome::Panicked(LAST_PANIC.with(|last| last.borrow_mut().take()).unwrap_or_default())
                }
            };
            // The receiver is gone only after a timeout; nobody waits for this result then.
            let _ = sender.send(outcome);
        })
        .expect("a thread starts");
    match receiver.recv_timeout(timeout) {
        Ok(outcome) => {
            let elapsed = started.elapsed();
            worker.join().expect("the worker catches its panics");
            (outcome, elapsed)
        }
        // The worker keeps running; it is left behind and ends with the test process.
        Err(_) => (Outcome::TimedOut, started.elapsed()),
    }
}

/// Each input generated as `generate` does on the main thread's stack size, labelled
/// `<label>-<index>`; the outcomes, in order.
fn generate_each(label: &str, inputs: &[&str]) -> Vec<Outcome> {
    inputs
        .iter()
        .enumerate()
        .map(|(index, input)| {
            generate(&format!("{label}-{index}"), input.as_bytes().to_vec(), MAIN_STACK, CASE_TIMEOUT).0
        })
        .collect()
}

fn failures_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| xtask::root().join("target"));
    target.join("no_panic_failures")
}

/// Saves a failing case; returns the path of the input.
fn save(case: &Case, problem: &str) -> PathBuf {
    let dir = failures_dir();
    std::fs::create_dir_all(&dir).expect("the failures directory can be made");
    let input = dir.join(format!("{:#018x}.{}", case.seed, if case.yaml { "yaml" } else { "json" }));
    std::fs::write(&input, &case.bytes).expect("the failing input can be saved");
    let report = format!(
        "seed: {:#018x}\nbase: {}\nproblem: {problem}\nmutations:\n  {}\n",
        case.seed,
        case.base,
        case.mutations.join("\n  ")
    );
    std::fs::write(input.with_extension("txt"), report).expect("the report can be saved");
    input
}

/// Every diagnostic must name a JSON pointer (or the whole document).
fn bad_pointers(diagnostics: &codegen::Diagnostics) -> Vec<String> {
    diagnostics
        .0
        .iter()
        .filter(|d| !(d.pointer.is_empty() || d.pointer.starts_with('/')) || d.message.is_empty())
        .map(ToString::to_string)
        .collect()
}

fn parse_seed(text: &str) -> u64 {
    let text = text.trim();
    match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => text.parse(),
    }
    .unwrap_or_else(|_| panic!("NO_PANIC_SEED must be a number, found {text:?}"))
}

#[test]
fn mutated_specs_never_panic() {
    let corpus = corpus();
    let single = std::env::var("NO_PANIC_SEED").ok();
    let seeds: Vec<u64> = match &single {
        Some(seed) => vec![parse_seed(seed)],
        None => {
            let number = |name: &str, default: u64| {
                std::env::var(name)
                    .map(|n| n.trim().parse().unwrap_or_else(|_| panic!("{name} must be a number")))
                    .unwrap_or(default)
            };
            let first = number("NO_PANIC_FIRST", 0);
            (first..first + number("NO_PANIC_ITERATIONS", DEFAULT_ITERATIONS)).map(case_seed).collect()
        }
    };
    let started = Instant::now();
    let (mut generated, mut rejected, mut unparsed, mut slowest) = (0u64, 0u64, 0u64, (Duration::ZERO, 0u64));
    let mut failures = Vec::new();
    let mut timeouts = 0;
    let mut skipped = std::collections::BTreeMap::new();
    for (done, &seed) in seeds.iter().enumerate() {
        if done > 0 && done % 10_000 == 0 {
            // Where to resume (NO_PANIC_FIRST) when a stack overflow ends a long run.
            println!("{done} cases done in {:.1?}, {} failures so far", started.elapsed(), failures.len());
        }
        let case = make_case(&corpus, seed);
        if let (Some(bug), None) = (case.known_bug, &single) {
            *skipped.entry(bug).or_insert(0u64) += 1;
            continue;
        }
        if single.is_some() {
            // Saved first: a stack overflow aborts the process before any report.
            let input = save(&case, "saved before running, as NO_PANIC_SEED asked");
            println!("seed {seed:#018x}: input in {}", input.display());
            if let Some(bug) = case.known_bug {
                println!("seed {seed:#018x} has the shape of a known bug ({bug}); running it anyway");
            }
        }
        let (outcome, elapsed) =
            generate(&format!("{seed:#018x}"), case.bytes.clone(), MAIN_STACK, CASE_TIMEOUT);
        if elapsed > slowest.0 {
            slowest = (elapsed, seed);
        }
        let problem = match outcome {
            Outcome::Generated(_) => {
                generated += 1;
                None
            }
            Outcome::Rejected(diagnostics) => {
                rejected += 1;
                let unread = diagnostics.0.iter().find(|d| {
                    d.message.starts_with("not a valid OpenAPI")
                        || d.message.starts_with("openapiv3 could not read")
                });
                if unread.is_some() {
                    unparsed += 1;
                }
                let bad = bad_pointers(&diagnostics);
                // The shape check is to find every shape error before openapiv3 reads: one it
                // missed could take time exponential in its depth.
                match unread {
                    Some(unread) => Some(format!("the shape check missed what openapiv3 refused: {unread}")),
                    None => (!bad.is_empty())
                        .then(|| format!("diagnostics without a pointer: {}", bad.join(" | "))),
                }
            }
            Outcome::Panicked(message) => Some(format!("panicked: {message}")),
            Outcome::TimedOut => {
                timeouts += 1;
                Some(format!("no answer within {CASE_TIMEOUT:?}"))
            }
        };
        if let Some(problem) = problem {
            let input = save(&case, &problem);
            failures.push(format!(
                "seed {seed:#018x} (from {}, {}): {problem}\n    input: {}\n    reproduce: NO_PANIC_SEED={seed:#x} cargo test -p integration-tests --test it -- no_panic::mutated_specs_never_panic",
                case.base,
                case.mutations.join("; "),
                input.display()
            ));
        }
        if timeouts >= 2 {
            // Every hung case keeps a core busy; stop before the rest of the run crawls.
            failures.push("stopped after two hangs".to_owned());
            break;
        }
    }
    println!(
        "{} cases in {:.1?}: {generated} generated, {rejected} rejected with diagnostics ({unparsed} of them \
         by the parser), slowest {:.1?} (seed {:#018x}), {} failures; not run, having the shape of a known \
         bug: {skipped:?}",
        seeds.len(),
        started.elapsed(),
        slowest.0,
        slowest.1,
        failures.len()
    );
    assert!(failures.is_empty(), "{} failing cases:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn the_mutator_is_deterministic() {
    let corpus = corpus();
    for iteration in 0..20 {
        let seed = case_seed(iteration);
        let (first, second) = (make_case(&corpus, seed), make_case(&corpus, seed));
        assert_eq!(first.mutations, second.mutations, "seed {seed:#x}");
        assert_eq!(first.bytes, second.bytes, "seed {seed:#x}");
    }
}

// ---------------------------------------------------------------------------------------------
// Large and deep documents.

fn bundled() -> Value {
    serde_yaml::from_slice(&std::fs::read(xtask::bundled_spec()).expect("readable spec"))
        .expect("the bundled spec is YAML")
}

/// The bundled spec with 5,000 extra schemas that refer to each other (one cycle through all of
/// them, so every one needs a boxed field): about 50 MB of JSON.
fn huge_document() -> Vec<u8> {
    const SCHEMAS: usize = 5_000;
    let mut doc = bundled();
    let schemas = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .expect("the bundled spec has components/schemas");
    let prose = "Generated to make the document large; the words carry no meaning. ".repeat(16);
    for index in 0..SCHEMAS {
        let mut properties = Map::new();
        let described = |schema: Value| {
            let mut schema = schema;
            schema["description"] = Value::String(prose.clone());
            schema
        };
        properties.insert("id".into(), described(json!({"type": "string"})));
        properties.insert("count".into(), described(json!({"type": "integer", "format": "int32"})));
        properties.insert("ratio".into(), described(json!({"type": "number", "nullable": true})));
        properties.insert("flag".into(), described(json!({"type": "boolean"})));
        properties.insert("tags".into(), described(json!({"type": "array", "items": {"type": "string"}})));
        properties.insert(
            "state".into(),
            described(json!({"type": "string", "enum": ["queued", "running", format!("state_{index}")]})),
        );
        properties.insert(
            "next".into(),
            json!({"$ref": format!("#/components/schemas/Generated{}", (index + 1) % SCHEMAS)}),
        );
        properties.insert(
            "children".into(),
            described(json!({"type": "array", "items": {"$ref": format!("#/components/schemas/Generated{}", index / 2)}})),
        );
        properties.insert(
            "labels".into(),
            described(json!({"type": "object", "additionalProperties": {"type": "string"}})),
        );
        schemas.insert(
            format!("Generated{index}"),
            json!({
                "type": "object",
                "description": prose,
                "required": ["id", "next"],
                "properties": properties,
            }),
        );
    }
    serde_json::to_vec(&doc).expect("a JSON tree serializes")
}

#[test]
fn a_50_mb_document_is_generated_in_bounded_time() {
    let bytes = huge_document();
    let size = bytes.len();
    assert!(size >= 50_000_000, "the document is only {size} bytes");
    let (outcome, elapsed) = generate("huge", bytes, MAIN_STACK, Duration::from_secs(600));
    println!("{:.1} MB: {outcome:?} in {elapsed:.1?}", size as f64 / 1e6);
    match outcome {
        Outcome::Generated(files) => assert!(files > 0),
        Outcome::Rejected(diagnostics) => panic!("the document is valid, yet: {diagnostics}"),
        Outcome::Panicked(message) => panic!("panicked: {message}"),
        Outcome::TimedOut => panic!("no answer within 10 minutes"),
    }
}

const HEAD: &str =
    r#"{"openapi":"3.0.3","info":{"title":"Deep","version":"1"},"paths":{},"components":{"schemas":{"Deep":"#;
const TAIL: &str = "}}}";

/// A document whose schema `Deep` is `levels` layers of `open … close` around `leaf`, written as
/// text (a `serde_json::Value` that deep would itself overflow the stack when dropped).
fn nested(levels: usize, open: &str, leaf: &str, close: &str) -> Vec<u8> {
    let mut text = String::with_capacity(HEAD.len() + levels * (open.len() + close.len()) + leaf.len() + 4);
    text.push_str(HEAD);
    for _ in 0..levels {
        text.push_str(open);
    }
    text.push_str(leaf);
    for _ in 0..levels {
        text.push_str(close);
    }
    text.push_str(TAIL);
    text.into_bytes()
}

/// The layers deep documents are made of: (name, opening, closing, the most layers the parser
/// takes: `serde_yaml` stops at 128 levels of nesting).
const LAYERS: &[(&str, &str, &str, usize)] = &[
    ("items", r#"{"type":"array","items":"#, "}", 120),
    ("properties", r#"{"type":"object","properties":{"a":"#, "}}", 60),
    ("allOf", r#"{"allOf":["#, "]}", 60),
    ("oneOf", r#"{"oneOf":[{"type":"string"},"#, "]}", 60),
    ("additionalProperties", r#"{"type":"object","additionalProperties":"#, "}", 120),
];

const LEAF: &str = r#"{"type":"string"}"#;

/// Runs each `(layer, levels)` document on a thread with `stack` bytes of stack; a summary line each.
fn run_nested(cases: &[(&str, &str, &str, usize)], stack: usize) -> Vec<String> {
    let mut report = Vec::new();
    for &(name, open, close, levels) in cases {
        let label = format!("{levels} × {name} on {} MiB", stack >> 20);
        let bytes = nested(levels, open, LEAF, close);
        let (outcome, elapsed) = generate(&label, bytes, stack, Duration::from_secs(120));
        let summary = match &outcome {
            Outcome::Generated(files) => format!("{files} files"),
            Outcome::Rejected(diagnostics) => diagnostics.to_string(),
            Outcome::Panicked(message) => panic!("{label}: panicked: {message}"),
            Outcome::TimedOut => panic!("{label}: no answer within 2 minutes"),
        };
        report.push(format!("{label}: {elapsed:.1?}: {summary}"));
    }
    println!("{}", report.join("\n"));
    report
}

#[test]
fn deeply_nested_schemas_do_not_overflow_the_stack() {
    // Far past the parser's depth limit, on a thread with the default stack (2 MiB): a diagnostic.
    let mut beyond: Vec<_> =
        LAYERS.iter().map(|&(name, open, close, _)| (name, open, close, 1_000)).collect();
    beyond[0].3 = 10_000;
    for line in run_nested(&beyond, DEFAULT_STACK) {
        assert!(line.contains("nesting deeper than 512 levels"), "{line}");
    }
    // As deep as the parser takes, on a stack the size of a main thread's (what the command
    // line runs on): the types are generated.
    for line in run_nested(LAYERS, MAIN_STACK) {
        assert!(line.ends_with(" files"), "{line}");
    }
}

/// On a thread with the default 2 MiB stack (a `std::thread::spawn`ed thread, a Tokio worker, a
/// test), every depth up to the parser's limit is generated: the stages run on a thread of their
/// own with a 64 MiB stack (`codegen::generate`). Before, a debug build overflowed the stack at 40
/// levels of `allOf` or `oneOf` (openapiv3's `Content` buffering) and 55 of `items` (`syn::parse2`
/// of the generated `Vec<Vec<…>>` alias).
#[test]
fn deeply_nested_schemas_fit_a_default_thread_stack() {
    for line in run_nested(LAYERS, DEFAULT_STACK) {
        assert!(line.ends_with(" files"), "{line}");
    }
}

// ---------------------------------------------------------------------------------------------
// Known bugs, kept as failing cases.

/// A key repeated inside any object that `openapiv3` reads as `ReferenceOr<T>` (a schema, an
/// operation's parameter, a response…) makes its `Deserialize` panic: the first read of the
/// object fails with "duplicate field", the fallback re-read from a `serde_json::Value` (where the
/// later key has silently replaced the earlier) succeeds, and
/// `.expect("somehow this parsed successfully the second time")` fires at
/// openapiv3-2.2.0/src/reference.rs:56, called from `codegen::load::load` (codegen/src/load.rs,
/// the typed `serde_path_to_error::deserialize`). A duplicate key at the top level or in `info`
/// gives a diagnostic instead.
#[test]
fn duplicate_key_inside_a_schema_gives_a_diagnostic() {
    let inputs = [
        // In a component schema.
        "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Item: {type: object, type: string}\n",
        // In an operation's response.
        "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: a\n      responses:\n        '200': {description: ok, description: fine}\n",
        // The same in JSON.
        r#"{"openapi":"3.0.3","info":{"title":"T","version":"1"},"paths":{},"components":{"schemas":{"Item":{"type":"string","type":"integer"}}}}"#,
    ];
    for (index, outcome) in generate_each("duplicate", &inputs).into_iter().enumerate() {
        match outcome {
            Outcome::Rejected(diagnostics) => {
                assert!(diagnostics.to_string().contains("duplicate"), "input {index}: {diagnostics}")
            }
            other => panic!("input {index}: expected a diagnostic about the duplicate key, got {other:?}"),
        }
    }
}

/// A schema nested `levels` deep whose innermost part is not a schema was parsed in time
/// exponential in the depth: on each level `openapiv3`'s untagged `ReferenceOr` tries its
/// variants and, after all fail, parses the subtree once more for its error message
/// (reference.rs:52-56), about ×2 per level. The shape check (codegen/src/load/shape.rs) now finds
/// the wrong node before openapiv3 reads; more in `fail_fast`.
#[test]
fn deeply_nested_invalid_schema_is_parsed_in_bounded_time() {
    let levels = 24;
    let bytes = nested(levels, LAYERS[0].1, r#"{"type":"array","items":5}"#, LAYERS[0].2);
    let (outcome, elapsed) = generate("deep-invalid", bytes, MAIN_STACK, Duration::from_secs(10));
    match outcome {
        Outcome::Rejected(_) => {}
        other => {
            panic!("{levels} levels: expected diagnostics within 10 s, got {other:?} after {elapsed:.1?}")
        }
    }
}

/// An inline `allOf` that merges a component whose own properties merge the first one back,
/// the common "reference plus a description" idiom on a recursive type, recurses without end:
/// `merge_all_of` (codegen/src/resolve/schemas.rs:394) copies the referenced component's
/// properties and lowers them with `structure` (:224) → `lower` (:85) → `define_inline` (:137)
/// → `shape` (:178) → `merge_all_of` again, with no guard against cycles. The stack overflows and
/// the process aborts (also `cargo xtask generate`, on its 8 MiB main thread). Found by
/// `mutated_specs_never_panic` with seed 0x87c1fd157b77a37d (from keyword_fields.yaml); the
/// inputs below are the smallest forms. Fixed: the idiom reads as a reference, and a real merge
/// cycle is a diagnostic.
#[test]
fn all_of_cycle_through_properties_gives_a_diagnostic() {
    let inputs = [
        // A node whose parent is the same type, made nullable through allOf.
        "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Node:\n      type: object\n      properties:\n        parent:\n          allOf:\n            - $ref: '#/components/schemas/Node'\n            - nullable: true\n",
        // Two types that refer to each other, each reference with a description.
        "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Team:\n      type: object\n      properties:\n        lead:\n          allOf:\n            - $ref: '#/components/schemas/Person'\n            - description: Who leads the team.\n    Person:\n      type: object\n      properties:\n        team:\n          allOf:\n            - $ref: '#/components/schemas/Team'\n            - description: The team of the person.\n",
    ];
    for (index, outcome) in generate_each("all-of-cycle", &inputs).iter().enumerate() {
        assert!(
            matches!(outcome, Outcome::Generated(_) | Outcome::Rejected(_)),
            "input {index}: {outcome:?}"
        );
    }
}

/// A schema that is only `allOf: []` (as left behind when the last member is removed) recurses
/// without end: `lower` (codegen/src/resolve/schemas.rs:85) sends a multi-member-or-empty
/// `allOf` to `define_inline` (:137) → `shape`, whose fallback arm for "single-member allOf"
/// (:184) lowers the same schema again → `define_inline` → … The stack overflows and the process
/// aborts (also `cargo xtask generate`). Found by `mutated_specs_never_panic` with seed
/// 0x6ce75cc6f43966bc (nullable.yaml with `allOf/0` dropped). Fixed: an empty `allOf` is a diagnostic; this used to abort the test
/// process.
// The same steps as `all_of_cycle_through_properties_gives_a_diagnostic`, with other inputs: kept
// apart so that each bug keeps its own test and its own story above.
#[test]
fn empty_all_of_gives_a_diagnostic() {
    let inputs = [
        // As a component.
        "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Empty:\n      allOf: []\n",
        // As a property, with keywords beside it (the shape the fuzzer found).
        "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Profile:\n      type: object\n      properties:\n        manager:\n          description: A nullable reference.\n          nullable: true\n          allOf: []\n",
    ];
    for (index, outcome) in generate_each("empty-all-of", &inputs).iter().enumerate() {
        assert!(matches!(outcome, Outcome::Rejected(_)), "input {index}: {outcome:?}");
    }
}
