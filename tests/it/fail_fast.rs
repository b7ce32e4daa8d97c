//! Bad descriptions fail fast and point at the exact place. A wrong value under nested schemas
//! is reported at its JSON pointer, with its line and column, in time linear in the document
//! (openapiv3 alone took time that doubled with every level: 24 levels took minutes); nesting past
//! the loader's limit (512 levels of objects and lists) is a diagnostic at the pointer where it
//! passes the limit. All of it on a thread with the 2 MiB stack of a spawned thread, in whatever
//! build the tests run (debug by default), within a timeout only an exponential reading could
//! exceed.

use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// Far more than a linear reading of these kilobyte documents takes, even in a debug build.
const TIMEOUT: Duration = Duration::from_secs(30);

/// The stack of a spawned thread (a test, a Tokio worker).
const DEFAULT_STACK: usize = 2 << 20;

/// The loader's limit of nested objects and lists.
const DEPTH_LIMIT: usize = 512;

#[derive(Clone, Copy, Debug)]
enum Format {
    Json,
    Yaml,
}

/// A document whose schema `Deep` nests `levels` levels of `properties: {a: …}` around `leaf`
/// (JSON text), written as JSON or as block-style YAML.
fn nested(levels: usize, leaf: &str, format: Format) -> Vec<u8> {
    let head = r#"{"openapi":"3.0.3","info":{"title":"Deep","version":"1"},"paths":{},"components":{"schemas":{"Deep":"#;
    match format {
        Format::Json => {
            let open = r#"{"type":"object","properties":{"a":"#;
            format!("{head}{}{leaf}{}}}}}}}", open.repeat(levels), "}}".repeat(levels)).into_bytes()
        }
        Format::Yaml => {
            let mut text = "openapi: 3.0.3\ninfo: {title: Deep, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Deep:\n".to_owned();
            let mut indent = "      ".to_owned();
            for _ in 0..levels {
                text.push_str(&format!("{indent}type: object\n{indent}properties:\n{indent}  a:\n"));
                indent.push_str("    ");
            }
            text.push_str(&format!("{indent}{leaf}\n"));
            text.into_bytes()
        }
    }
}

/// The pointer of the schema `levels` levels of `properties` down in `Deep`.
fn deep_pointer(levels: usize) -> String {
    format!("/components/schemas/Deep{}", "/properties/a".repeat(levels))
}

/// The model of `bytes`, built on a thread with `stack` bytes of stack; panics when there is no
/// answer within [`TIMEOUT`].
fn model_on(stack: usize, label: &str, bytes: Vec<u8>) -> (Result<usize, codegen::Diagnostics>, Duration) {
    let (sender, receiver) = mpsc::channel();
    let started = Instant::now();
    thread::Builder::new()
        .name(label.to_owned())
        .stack_size(stack)
        .spawn(move || {
            let _ = sender.send(codegen::model(&bytes).map(|api| api.types.len()));
        })
        .expect("a thread starts");
    match receiver.recv_timeout(TIMEOUT) {
        Ok(outcome) => (outcome, started.elapsed()),
        Err(_) => panic!("{label}: no answer within {TIMEOUT:?}"),
    }
}

/// The diagnostics of a document that must be rejected.
fn rejected(label: &str, bytes: Vec<u8>) -> codegen::Diagnostics {
    match model_on(DEFAULT_STACK, label, bytes) {
        (Err(diagnostics), elapsed) => {
            println!("{label}: {elapsed:.1?}");
            diagnostics
        }
        (Ok(types), _) => panic!("{label}: accepted ({types} types)"),
    }
}

/// 24 levels took minutes before; 64 and 200 levels nest deeper than `serde_yaml` and
/// `serde_json` read (128 levels of objects and lists), and are read by the deep reader.
#[test]
fn a_wrong_type_24_64_and_200_levels_down_is_reported_at_its_pointer_with_its_line() {
    for levels in [24, 64, 200] {
        for format in [Format::Json, Format::Yaml] {
            let label = format!("{levels} levels, {format:?}");
            let diagnostics = rejected(&label, nested(levels, r#"{"type": 5}"#, format));
            let [only] = diagnostics.0.as_slice() else {
                panic!("{label}: one diagnostic expected: {diagnostics}")
            };
            assert_eq!(only.pointer, format!("{}/type", deep_pointer(levels)), "{label}");
            let line = match format {
                Format::Json => 1,
                // The header's six lines, then three a level.
                Format::Yaml => 6 + 3 * levels + 1,
            };
            assert!(
                only.message.starts_with(&format!(
                    "expected one of string, number, integer, boolean, array, object; found the number 5 (line {line}, column "
                )),
                "{label}: {only}"
            );
        }
    }
}

#[test]
fn an_unknown_type_name_deep_down_is_named() {
    for format in [Format::Json, Format::Yaml] {
        let diagnostics = rejected(&format!("strng, {format:?}"), nested(24, r#"{"type": "strng"}"#, format));
        assert_eq!(diagnostics.0[0].pointer, format!("{}/type", deep_pointer(24)), "{format:?}");
        assert!(
            diagnostics.0[0].message.starts_with("unknown type `strng`; expected one of string, number"),
            "{format:?}: {diagnostics}"
        );
    }
}

/// 300 levels of `properties` nest deeper than the loader goes: the diagnostic names the exact
/// node where the document passes the limit (512 segments of pointer), and its line.
#[test]
fn nesting_past_the_limit_is_reported_where_it_passes_it() {
    // `/components/schemas/Deep` then `properties`, `a`, … up to the limit.
    let segments: Vec<&str> = ["components", "schemas", "Deep"]
        .into_iter()
        .chain(["properties", "a"].into_iter().cycle())
        .take(DEPTH_LIMIT)
        .collect();
    let limit = format!("/{}", segments.join("/"));
    for format in [Format::Json, Format::Yaml] {
        let label = format!("300 levels, {format:?}");
        let diagnostics = rejected(&label, nested(300, r#"{"type": 5}"#, format));
        let [only] = diagnostics.0.as_slice() else {
            panic!("{label}: one diagnostic expected: {diagnostics}")
        };
        assert_eq!(only.pointer, limit, "{label}");
        assert!(
            only.message.starts_with("nesting deeper than 512 levels of objects and lists (line "),
            "{label}: {only}"
        );
    }
}

/// A document as deep as it gets, built as text (a tree that deep would itself overflow the stack
/// when dropped): `levels` layers of `open … close` around `leaf` as the schema `Deep`.
fn layered(levels: usize, open: &str, leaf: &str, close: &str) -> Vec<u8> {
    let head = r#"{"openapi":"3.0.3","info":{"title":"Deep","version":"1"},"paths":{},"components":{"schemas":{"Deep":"#;
    format!("{head}{}{leaf}{}}}}}}}", open.repeat(levels), close.repeat(levels)).into_bytes()
}

#[test]
fn nesting_400_levels_deep_neither_overflows_the_stack_nor_hangs() {
    // Two levels of objects and lists a layer: past the limit.
    let layers = [
        ("properties", r#"{"type":"object","properties":{"a":"#, "}}"),
        ("allOf", r#"{"allOf":["#, "]}"),
        ("oneOf", r#"{"oneOf":[{"type":"string"},"#, "]}"),
    ];
    for (name, open, close) in layers {
        for leaf in [r#"{"type":"string"}"#, r#"{"type":5}"#] {
            let label = format!("400 × {name} around {leaf}");
            let diagnostics = rejected(&label, layered(400, open, leaf, close));
            assert!(
                diagnostics
                    .to_string()
                    .contains(": nesting deeper than 512 levels of objects and lists (line 1, column "),
                "{label}: {diagnostics}"
            );
        }
    }
    // One level a layer: within the limit, read and modelled (`Vec<Vec<…>>`), or the wrong leaf
    // reported.
    let items = |leaf: &str| layered(400, r#"{"type":"array","items":"#, leaf, "}");
    match model_on(DEFAULT_STACK, "400 × items", items(r#"{"type":"string"}"#)) {
        (Ok(types), elapsed) => println!("400 × items: {types} types in {elapsed:.1?}"),
        (Err(diagnostics), _) => panic!("400 × items: {diagnostics}"),
    }
    let diagnostics = rejected("400 × items around a wrong type", items(r#"{"type":5}"#));
    let [only] = diagnostics.0.as_slice() else { panic!("one diagnostic expected: {diagnostics}") };
    assert_eq!(only.pointer, format!("/components/schemas/Deep{}/type", "/items".repeat(400)));
}

/// Deep documents wrong at the bottom: every shape error is found before openapiv3 reads, so the
/// time stays linear (it doubled per level before).
#[test]
fn a_wrong_value_at_the_readers_limit_is_found_in_linear_time() {
    let layers = [
        ("properties", r#"{"type":"object","properties":{"a":"#, "}}", 250),
        ("allOf", r#"{"allOf":["#, "]}", 250),
        ("items", r#"{"type":"array","items":"#, "}", 500),
        ("additionalProperties", r#"{"type":"object","additionalProperties":"#, "}", 500),
    ];
    for (name, open, close, levels) in layers {
        let label = format!("{levels} × {name}");
        let diagnostics = rejected(&label, layered(levels, open, r#"{"type":"array","items":5}"#, close));
        let [only] = diagnostics.0.as_slice() else {
            panic!("{label}: one diagnostic expected: {diagnostics}")
        };
        assert!(only.pointer.ends_with("/items"), "{label}: {only}");
        assert!(
            only.message.starts_with("expected a schema (an object); found the number 5"),
            "{label}: {only}"
        );
    }
}

/// Valid documents as deep as the resolver takes (it stops at 200 levels of schemas, a diagnostic
/// at the schema past them) generate, on a thread with a 2 MiB stack: every stage (the typed
/// read, the resolver's walks, emission and formatting) runs on a thread of its own sized for the
/// loader's limit.
#[test]
fn the_deepest_valid_documents_generate_on_a_default_thread_stack() {
    let settings = codegen::Settings {
        crate_name: "deep".to_owned(),
        crate_version: "0.1.0".to_owned(),
        spec_label: "deep.json".to_owned(),
        command: "cargo test -- fail_fast::".to_owned(),
    };
    let layers = [
        ("properties", r#"{"type":"object","properties":{"a":"#, "}}", 199),
        ("allOf", r#"{"allOf":["#, "]}", 199),
        ("oneOf", r#"{"oneOf":[{"type":"string"},"#, "]}", 199),
        ("items", r#"{"type":"array","items":"#, "}", 199),
        ("additionalProperties", r#"{"type":"object","additionalProperties":"#, "}", 199),
    ];
    for (name, open, close, levels) in layers {
        let label = format!("{levels} × {name}");
        let bytes = layered(levels, open, r#"{"type":"string"}"#, close);
        let settings = settings.clone();
        let (sender, receiver) = mpsc::channel();
        let started = Instant::now();
        thread::Builder::new()
            .name(label.clone())
            .stack_size(DEFAULT_STACK)
            .spawn(move || {
                let _ = sender.send(codegen::generate(&bytes, &settings).map(|files| files.len()));
            })
            .expect("a thread starts");
        match receiver.recv_timeout(TIMEOUT * 4) {
            Ok(Ok(files)) => println!("{label}: {files} files in {:.1?}", started.elapsed()),
            Ok(Err(diagnostics)) => panic!("{label}: {diagnostics}"),
            Err(_) => panic!("{label}: no answer within {:?}", TIMEOUT * 4),
        }
    }
}

#[test]
fn an_all_of_that_reaches_itself_through_a_property_is_one_type_per_merge() {
    // Each level of this loop once made a new merge of more copies of the same two definitions,
    // in time exponential in the nesting limit (minutes); the same definitions are one merge.
    let spec = br"openapi: 3.0.3
info: {title: T, version: '1'}
paths: {}
components:
  schemas:
    Cancellation:
      type: object
      properties:
        order_id:
          allOf:
            - type: object
              properties:
                order_id: {$ref: '#/components/schemas/Cancellation'}
            - $ref: '#/components/schemas/Cancellation'
";
    let (types, took) = model_on(2 << 20, "allOf loop", spec.to_vec());
    assert_eq!(types.expect("generates"), 3, "Cancellation, its property's merge, and that merge's property");
    assert!(took < TIMEOUT);
}
