//! Descriptions split over several files: what goes wrong is reported at the `$ref` that asked
//! for it, or inside the other file, by file and pointer.

use std::fs;
use std::path::{Path, PathBuf};

/// A folder of its own under the system's temporary folder, holding `files`.
fn folder_with(test: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("multi-file-{test}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    for (name, text) in files {
        let path = dir.join(name);
        fs::create_dir_all(path.parent().expect("a file has a folder")).expect("folder");
        fs::write(&path, text).expect("written");
    }
    dir
}

/// The diagnostics of generating from `main.yaml` in `dir` (read from its file).
fn diagnostics_of(dir: &Path) -> Vec<String> {
    let main = dir.join("main.yaml");
    let bytes = fs::read(&main).expect("readable");
    let options =
        codegen::Options { source_name: Some(main.to_string_lossy().into_owned()), ..Default::default() };
    let diagnostics = match codegen::model_with(&bytes, options) {
        Ok(api) => api.warnings,
        Err(diagnostics) => diagnostics.0,
    };
    diagnostics.iter().map(ToString::to_string).collect()
}

const MAIN: &str = r"openapi: 3.0.3
info: {title: T, version: '1'}
paths: {}
components:
  schemas:
    A:
      type: object
      properties:
        b: {$ref: 'REF'}
";

#[test]
fn a_missing_file_is_an_error_at_the_ref_that_names_it() {
    let dir = folder_with("missing", &[("main.yaml", &MAIN.replace("REF", "parts/missing.yaml#/B"))]);
    let found = diagnostics_of(&dir);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("error at /components/schemas/A/properties/b/$ref: "), "{found:?}");
    assert!(found[0].contains("`parts/missing.yaml`, which cannot be read"), "{found:?}");
}

#[test]
fn a_pointer_to_nothing_in_another_file_names_the_file() {
    let dir = folder_with(
        "nothing",
        &[("main.yaml", &MAIN.replace("REF", "parts.yaml#/B")), ("parts.yaml", "C: {type: string}\n")],
    );
    let found = diagnostics_of(&dir);
    assert_eq!(
        found,
        ["error at /components/schemas/A/properties/b/$ref: `$ref: parts.yaml#/B` points to nothing: `parts.yaml` has no `/B`; fix the reference"]
    );
}

#[test]
fn a_url_is_an_error_and_nothing_is_fetched() {
    let dir =
        folder_with("url", &[("main.yaml", &MAIN.replace("REF", "https://example.invalid/parts.yaml#/B"))]);
    let found = diagnostics_of(&dir);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("points to a URL; the generator reads no network"), "{found:?}");
}

#[test]
fn a_problem_inside_another_file_is_reported_in_that_file() {
    // The second file's own reference is relative to it, and its fault is reported there.
    let dir = folder_with(
        "inside",
        &[
            ("main.yaml", &MAIN.replace("REF", "schemas/b.yaml")),
            ("schemas/b.yaml", "type: object\nproperties:\n  c: {$ref: 'c.yaml#/C'}\n"),
            (
                "schemas/c.yaml",
                "C:\n  type: object\n  required: [gone]\n  properties:\n    d: {type: string}\n",
            ),
        ],
    );
    let found = diagnostics_of(&dir);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("warning at schemas/c.yaml#/C/required: "), "{found:?}");
}

#[test]
fn without_a_file_a_ref_to_another_file_is_an_error() {
    let spec = MAIN.replace("REF", "parts.yaml#/B");
    let found = match codegen::model(spec.as_bytes()) {
        Ok(_) => panic!("a reference to another file was read without a file"),
        Err(diagnostics) => diagnostics.to_string(),
    };
    assert!(found.contains("the description was not read from a file"), "{found}");
}

#[test]
fn a_file_reached_twice_is_copied_once() {
    let dir = folder_with(
        "twice",
        &[
            (
                "main.yaml",
                &format!("{}        e: {{$ref: 'parts.yaml#/B'}}\n", MAIN.replace("REF", "parts.yaml#/B")),
            ),
            ("parts.yaml", "B: {type: object, properties: {x: {type: string}}}\n"),
        ],
    );
    let bytes = fs::read(dir.join("main.yaml")).expect("readable");
    let source_name = Some(dir.join("main.yaml").to_string_lossy().into_owned());
    let api = codegen::model_with(&bytes, codegen::Options { source_name, ..Default::default() })
        .unwrap_or_else(|diagnostics| panic!("{diagnostics}"));
    let copies: Vec<&str> =
        api.types.iter().filter(|def| def.pointer == "parts.yaml#/B").map(|def| def.name.as_str()).collect();
    assert_eq!(
        copies,
        ["B"],
        "{:?}",
        api.types.iter().map(|def| (&def.name, &def.pointer)).collect::<Vec<_>>()
    );
}
