//! The fixtures under `tests/fixtures/`: paths, listings and the JSON examples.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// `tests/fixtures/<relative>`.
pub fn fixture(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(relative)
}

/// The names of the files in `tests/fixtures/<dir>` that end in `suffix` (`""`: every file),
/// sorted.
pub fn fixture_names(dir: &str, suffix: &str) -> Vec<String> {
    let path = fixture(dir);
    let mut names: Vec<String> = std::fs::read_dir(&path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()))
        .map(|entry| entry.unwrap_or_else(|error| panic!("{}: {error}", path.display())))
        .filter(|entry| entry.path().is_file())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(suffix))
        .collect();
    names.sort();
    names
}

/// The fixture specs, one construct each: the names of `tests/fixtures/specs/*.yaml` without
/// `.yaml`, sorted.
pub fn fixture_specs() -> Vec<String> {
    fixture_names("specs", ".yaml").iter().map(|name| name.trim_end_matches(".yaml").to_owned()).collect()
}

/// The settings fixture spec `name` is generated with, as the crate `crate_name`.
pub fn fixture_settings(name: &str, crate_name: String) -> codegen::Settings {
    codegen::Settings {
        crate_name,
        crate_version: "0.1.0".to_owned(),
        spec_label: format!("tests/fixtures/specs/{name}.yaml"),
        command: xtask::COMMAND.to_owned(),
    }
}

/// The options fixture spec `name` is read with: from its file, so that a `$ref` to a file
/// beside it is found.
pub fn fixture_options(name: &str) -> codegen::Options {
    let path = fixture(&format!("specs/{name}.yaml"));
    codegen::Options { source_name: Some(path.to_string_lossy().into_owned()), ..codegen::Options::default() }
}

/// The JSON in `path`; the error names the file.
pub fn read_json(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|error| format!("{}: {error}", path.display()))?;
    serde_json::from_str(&text).map_err(|error| format!("{}: not JSON: {error}", path.display()))
}

/// `tests/fixtures/examples/<name>` (`MessageBatch.ended.json`), parsed.
pub fn try_example(name: &str) -> Result<Value, String> {
    read_json(&fixture(&format!("examples/{name}")))
}

/// `tests/fixtures/examples/<name>` (`MessageBatch.ended.json`), parsed; panics naming the file.
pub fn example(name: &str) -> Value {
    try_example(name).unwrap_or_else(|error| panic!("{error}"))
}

/// Every `tests/fixtures/examples/<schema>.<case>.json`, as (case, JSON), sorted by file name;
/// panics when there is none.
pub fn examples_of(schema: &str) -> Vec<(String, Value)> {
    let prefix = format!("{schema}.");
    let found: Vec<(String, Value)> = fixture_names("examples", ".json")
        .into_iter()
        .filter_map(|name| {
            let case = name.strip_prefix(&prefix)?.strip_suffix(".json")?.to_owned();
            Some((case, example(&name)))
        })
        .collect();
    assert!(!found.is_empty(), "no fixtures examples/{schema}.*.json");
    found
}
