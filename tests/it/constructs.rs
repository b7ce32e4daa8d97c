//! Every fixture spec's generated crate compiles without a warning (clippy's included), and its
//! types decode and re-encode the example values of `fixtures/roundtrip/<fixture>.json`.
//!
//! A sidecar maps component schema names (or the JSON pointer of any schema that defines a type)
//! to `{"accept": [values that decode and re-encode to equal JSON], "reject": [values that must
//! not decode]}`. A fixture whose constructs are read more loosely than written lists the
//! generator's warnings in `fixtures/warnings/<fixture>.txt`; any other fixture must give none.
//! Each fixture's crate is written to `target/constructs/<fixture>/`, with a `tests/roundtrip.rs`
//! made from its sidecar; all of them are members of one workspace at `target/constructs/`, built
//! with its own target dir (the outer `cargo test` holds the lock of `target/`), so the
//! dependencies are compiled once for all.
//!
//! A fixture with `fixtures/e2e/<fixture>.rs` also gets that file as `tests/e2e.rs`: end-to-end tests
//! of its client against the local server of `support/server.rs`, run with the round trips.

use integration_tests::support::fixtures::{fixture, fixture_options, fixture_settings, fixture_specs};
use integration_tests::support::process::{run, Finished};
use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use xtask::github::plural;

/// Also lint the fixture crates with clippy (as `cargo clippy -- -D warnings` would).
const CLIPPY: bool = true;

/// How many lines of compiler or test output a failure shows.
const SHOWN_LINES: usize = 200;

/// One schema's values in a sidecar.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Cases {
    #[serde(default)]
    accept: Vec<Value>,
    #[serde(default)]
    reject: Vec<Value>,
}

/// The package name of a fixture's crate: one that cannot be a keyword (`enum`).
fn crate_name(fixture: &str) -> String {
    format!("fixture-{}", fixture.replace('_', "-"))
}

/// Writes `contents` unless the file already holds exactly that, so a warm run rebuilds nothing.
fn write_if_changed(path: &Path, contents: &str) {
    if fs::read_to_string(path).is_ok_and(|existing| existing == contents) {
        return;
    }
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap_or_else(|error| panic!("create {}: {error}", parent.display()));
    }
    fs::write(path, contents).unwrap_or_else(|error| panic!("write {}: {error}", path.display()));
}

/// Removes files under `dir` that are not in `keep` (relative paths with `/`), e.g. a runtime file
/// the generator no longer writes.
fn remove_stale(dir: &Path, relative: &str, keep: &BTreeSet<String>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = if relative.is_empty() { name } else { format!("{relative}/{name}") };
        if path.is_dir() {
            remove_stale(&path, &rel, keep);
        } else if !keep.contains(&rel) {
            fs::remove_file(&path).unwrap_or_else(|error| panic!("remove {}: {error}", path.display()));
        }
    }
}

/// The generated manifest, plus what `tests/roundtrip.rs` uses (`serde`, `serde_json`) as
/// dev-dependencies where the crate does not depend on it already.
fn with_test_dependencies(manifest: &str) -> String {
    let has = |name: &str| manifest.lines().any(|line| line.trim_start().starts_with(&format!("{name} ")));
    let missing: String = [("serde", "1"), ("serde_json", "1")]
        .iter()
        .filter(|(name, _)| !has(name))
        .map(|(name, version)| format!("{name} = \"{version}\"\n"))
        .collect();
    match (missing.is_empty(), manifest.contains("\n[dev-dependencies]\n")) {
        (true, _) => manifest.to_owned(),
        (false, true) => {
            manifest.replacen("\n[dev-dependencies]\n", &format!("\n[dev-dependencies]\n{missing}"), 1)
        }
        (false, false) => format!("{}\n[dev-dependencies]\n{missing}", manifest.trim_end()),
    }
}

/// End-to-end tests of a fixture's client, when `tests/fixtures/e2e/<fixture>.rs` exists: that
/// file as the crate's `tests/e2e.rs`, with the scripted server of `tests/support/server.rs` as
/// its `server` module (both run on tokio, a dev-dependency then).
fn e2e_files(name: &str) -> Vec<(String, String)> {
    let Ok(tests) = fs::read_to_string(fixture(&format!("e2e/{name}.rs"))) else {
        return Vec::new();
    };
    let server = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("support").join("server.rs");
    let server = fs::read_to_string(&server).unwrap_or_else(|error| panic!("{}: {error}", server.display()));
    vec![("tests/e2e.rs".to_owned(), tests), ("tests/server/mod.rs".to_owned(), server)]
}

/// `manifest` with tokio as a dev-dependency, with what the end-to-end tests and their server use.
fn with_e2e_dependencies(manifest: &str) -> String {
    let tokio =
        "tokio = { version = \"1\", features = [\"rt\", \"macros\", \"net\", \"io-util\", \"time\"] }\n";
    if manifest.contains("\n[dev-dependencies]\n") {
        manifest.replacen("\n[dev-dependencies]\n", &format!("\n[dev-dependencies]\n{tokio}"), 1)
    } else {
        format!("{}\n[dev-dependencies]\n{tokio}", manifest.trim_end())
    }
}

/// `FooBar2` → `foo_bar2`, for test function names.
fn snake(name: &str) -> String {
    let mut out = String::new();
    for (index, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if index > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
        } else {
            out.push('_');
        }
    }
    out
}

/// A Rust string literal holding `value` as compact JSON.
fn json_literal(value: &Value) -> String {
    format!("{:?}", serde_json::to_string(value).expect("JSON encodes"))
}

/// `tests/roundtrip.rs` of one fixture crate: a test per schema of the sidecar.
fn roundtrip_test(fixture: &str, cases: &[(String, String, Cases)]) -> String {
    if cases.is_empty() {
        return format!(
            "//! Written by tests/it/constructs.rs: tests/fixtures/roundtrip/{fixture}.json names no schema.\n"
        );
    }
    let lib = crate_name(fixture).replace('-', "_");
    let mut text = format!(
        "//! Written by tests/it/constructs.rs from tests/fixtures/roundtrip/{fixture}.json: every `accept` value\n\
         //! decodes and re-encodes to equal JSON, no `reject` value decodes.\n\
         #![allow(deprecated)]\n\nconst FIXTURE: &str = {fixture:?};\n\n{HELPERS}"
    );
    for (schema, rust, case) in cases {
        let list = |values: &[Value]| values.iter().map(json_literal).collect::<Vec<_>>().join(",\n        ");
        text.push_str(&format!(
            "\n#[test]\nfn round_trip_{fn_name}() {{\n    check::<{lib}::types::{rust}>(\n        {schema:?},\n        &[\n        {accept}\n        ],\n        &[\n        {reject}\n        ],\n    );\n}}\n",
            fn_name = snake(rust.trim_start_matches("r#")),
            accept = list(&case.accept),
            reject = list(&case.reject),
        ));
    }
    text
}

/// The shared part of every generated `tests/roundtrip.rs`.
const HELPERS: &str = r#"use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::fmt::Debug;

/// Equal JSON, where numbers are equal by value (`2` and `2.0`), integers exactly.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64(), x.as_u64(), y.as_u64()) {
            (Some(x), Some(y), _, _) => x == y,
            (_, _, Some(x), Some(y)) => x == y,
            _ => x.as_f64() == y.as_f64(),
        },
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(key, x)| y.get(key).is_some_and(|y| same(x, y)))
        }
        _ => a == b,
    }
}

/// Decodes every `accept` value from text and from a `Value` (the two serde paths), re-encodes
/// it, and compares; no `reject` value may decode on either path.
fn check<T: DeserializeOwned + Serialize + Debug>(schema: &str, accept: &[&str], reject: &[&str]) {
    let mut failures = Vec::new();
    for text in accept {
        let json: Value = serde_json::from_str(text).expect("sidecar values are JSON");
        for (path, decoded) in [
            ("from text", serde_json::from_str::<T>(text)),
            ("from a Value", serde_json::from_value::<T>(json.clone())),
        ] {
            match decoded.map(|decoded| serde_json::to_value(&decoded)) {
                Err(error) => failures.push(format!("accept {text}: does not decode ({path}): {error}")),
                Ok(Err(error)) => failures.push(format!("accept {text}: does not encode: {error}")),
                Ok(Ok(encoded)) if same(&json, &encoded) => {}
                Ok(Ok(encoded)) => failures.push(format!("accept {text}: re-encodes ({path}) as {encoded}")),
            }
        }
    }
    for text in reject {
        let json: Value = serde_json::from_str(text).expect("sidecar values are JSON");
        if let Ok(decoded) = serde_json::from_str::<T>(text) {
            failures.push(format!("reject {text}: decodes (from text) as {decoded:?}"));
        } else if let Ok(decoded) = serde_json::from_value::<T>(json) {
            failures.push(format!("reject {text}: decodes (from a Value) as {decoded:?}"));
        }
    }
    assert!(failures.is_empty(), "{FIXTURE}.json, schema `{schema}`:\n  {}\n", failures.join("\n  "));
}
"#;

/// Compiler messages of a cargo run, errors first, each distinct message once (the fixture crates
/// share their runtime, so the same warning comes once per crate), cut at `SHOWN_LINES` lines.
fn compiler_messages(stderr: &str, errors_only: bool) -> String {
    // (message with the crate folder taken out of its location, its text, crates it came from)
    let mut messages: Vec<(String, String, Vec<String>)> = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    let mut flush = |lines: &mut Vec<&str>| {
        let Some(header) = lines.first().copied() else { return };
        let summary = header.starts_with("error: could not compile")
            || (header.starts_with("warning: `") && header.contains("generated"))
            || header.starts_with("error: build failed")
            || header.starts_with("error: aborting")
            || header.starts_with("error: test failed")
            || (header.starts_with("error: ") && header.contains(" targets failed"));
        let skipped = summary || (errors_only && header.starts_with("warning"));
        if !skipped {
            let location = lines.iter().find_map(|line| line.trim_start().strip_prefix("--> ")).unwrap_or("");
            let (krate, path) = location.split_once('/').unwrap_or(("", location));
            let key = format!("{header} {path}");
            match messages.iter_mut().find(|(existing, _, _)| *existing == key) {
                Some((_, _, crates)) if crates.iter().any(|known| known == krate) => {}
                Some((_, _, crates)) => crates.push(krate.to_owned()),
                None => messages.push((key, lines.join("\n"), vec![krate.to_owned()])),
            }
        }
        lines.clear();
    };
    for line in stderr.lines() {
        if line.starts_with("error") || line.starts_with("warning") {
            flush(&mut current);
        }
        if !current.is_empty() || line.starts_with("error") || line.starts_with("warning") {
            current.push(line);
        }
    }
    flush(&mut current);
    messages.sort_by_key(|(_, text, _)| !text.starts_with("error"));
    let text: Vec<String> = messages
        .iter()
        .map(|(_, text, crates)| match crates.len() {
            0 | 1 => text.clone(),
            _ => format!("{text}\n  (the same in {} crates: {})", crates.len(), crates.join(", ")),
        })
        .collect();
    first_lines(&text.join("\n\n"))
}

fn first_lines(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut shown = lines.iter().take(SHOWN_LINES).copied().collect::<Vec<_>>().join("\n");
    if lines.len() > SHOWN_LINES {
        shown.push_str(&format!("\n… {} more lines", lines.len() - SHOWN_LINES));
    }
    shown
}

/// Packages named by `could not compile `NAME``.
fn not_compiled(stderr: &str) -> BTreeSet<String> {
    stderr
        .lines()
        .filter_map(|line| line.strip_prefix("error: could not compile `"))
        .filter_map(|rest| rest.split('`').next())
        .map(str::to_owned)
        .collect()
}

fn cargo_path() -> PathBuf {
    std::env::var_os("CARGO").map_or_else(|| PathBuf::from("cargo"), PathBuf::from)
}

/// `clippy-driver` of the toolchain running this test, when it is installed (`rustup component add
/// clippy`) and `CLIPPY` asks for it.
fn clippy_driver() -> Option<PathBuf> {
    let driver = cargo_path().with_file_name(format!("clippy-driver{}", std::env::consts::EXE_SUFFIX));
    (CLIPPY && driver.is_file()).then_some(driver)
}

/// Builds the fixture crates (linted by clippy), then runs their round trips and doc examples.
/// The build uses `--keep-going`, so a crate that does not compile does not hide the round trips
/// of the others. Warnings are read from the output rather than made errors with `-D warnings`,
/// which would stop the build of that crate, and with it its round trips.
fn check_crates(workspace: &Path, members: &[String], problems: &mut Vec<String>) {
    let has_e2e = |member: &String| workspace.join(member).join("tests/e2e.rs").is_file();
    let e2e: &[&str] = if members.iter().any(has_e2e) { &["--test", "e2e"] } else { &[] };
    // `--all-features`: each crate's command-line tool (its `cli` feature) is checked too.
    let mut build_args = vec![
        "build",
        "--offline",
        "--quiet",
        "--workspace",
        "--all-features",
        "--lib",
        "--test",
        "roundtrip",
    ];
    build_args.extend(e2e);
    build_args.push("--keep-going");
    let build = cargo(workspace, &build_args);
    let linted = if clippy_driver().is_some() { ", linted by clippy" } else { ", clippy not found" };
    let seconds = build.elapsed.as_secs_f64();
    eprintln!("cargo build of {} fixture crates{linted}: {seconds:.1} s", members.len());
    let stderr = &build.stderr;
    let broken = not_compiled(stderr);
    if !build.success() || stderr.lines().any(|line| line.starts_with("warning")) {
        problems.push(format!(
            "the fixture crates do not compile without warnings ({} do not compile at all: {broken:?}):\n{}",
            broken.len(),
            compiler_messages(stderr, false)
        ));
    }
    if broken.len() == members.len() {
        return;
    }
    let excluded: Vec<&str> = broken.iter().flat_map(|name| ["--exclude", name.as_str()]).collect();
    let e2e_runs = members.iter().any(|member| has_e2e(member) && !broken.contains(&crate_name(member)));
    let e2e: &[&str] = if e2e_runs { e2e } else { &[] };
    for target in ["--test", "--doc"] {
        let mut args =
            vec!["test", "--offline", "--quiet", "--workspace", "--all-features", "--no-fail-fast", target];
        if target == "--test" {
            args.push("roundtrip");
            args.extend(e2e);
        }
        args.extend(&excluded);
        let test = cargo(workspace, &args);
        let seconds = test.elapsed.as_secs_f64();
        eprintln!("cargo test {target} of {} fixture crates: {seconds:.1} s", members.len() - broken.len());
        if !test.success() {
            let failures: Vec<&str> = test
                .stdout
                .split("\n---- ")
                .skip(1)
                .map(|failure| failure.split("\n\nfailures:").next().unwrap_or(failure))
                .collect();
            problems.push(format!(
                "cargo test {target} of the fixture crates failed:\n---- {}\n{}",
                first_lines(&failures.join("\n---- ").replace("\n\n", "\n")),
                // The build's warnings were reported above; cargo repeats them here.
                compiler_messages(&test.stderr, true)
            ));
        }
    }
}

/// Runs cargo in the fixture workspace with its own target dir, without the variables the outer
/// `cargo test` set for this test binary (they would make cargo see a changed environment).
fn cargo(workspace: &Path, args: &[&str]) -> Finished {
    let mut command = Command::new(cargo_path());
    command.args(args).current_dir(workspace);
    // Clippy lints the fixture crates while they are compiled for the tests (`cargo clippy` does
    // exactly this, in check mode): one build of the dependencies instead of two.
    match clippy_driver() {
        Some(driver) => command.env("RUSTC_WORKSPACE_WRAPPER", driver),
        None => command.env_remove("RUSTC_WORKSPACE_WRAPPER"),
    };
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        if key.starts_with("CARGO_PKG_")
            || key.starts_with("CARGO_BIN_")
            || matches!(
                key.as_ref(),
                "CARGO_MANIFEST_DIR"
                    | "CARGO_MANIFEST_PATH"
                    | "CARGO_CRATE_NAME"
                    | "CARGO_PRIMARY_PACKAGE"
                    | "CARGO_TARGET_TMPDIR"
                    | "CARGO_RUSTC_CURRENT_DIR"
                    | "OUT_DIR"
            )
        {
            command.env_remove(key.as_ref());
        }
    }
    command
        .env("CARGO_TARGET_DIR", workspace.join("target"))
        .env("CARGO_TERM_COLOR", "never")
        .env("RUST_BACKTRACE", "0");
    run(&mut command, None).unwrap_or_else(|error| panic!("{error}"))
}

#[test]
fn every_fixture_compiles_without_warnings_and_round_trips_its_examples() {
    let root = xtask::root();
    let workspace = root.join("target").join("constructs");
    let names = fixture_specs();
    assert!(names.len() >= 7, "expected the fixture specs, found {names:?}");
    // `CONSTRUCTS_ONLY=a,b` checks only those fixtures, for a quick loop while working on them.
    let only = std::env::var("CONSTRUCTS_ONLY").ok();
    let names: Vec<String> = match only.as_deref() {
        Some(only) => names.into_iter().filter(|name| only.split(',').any(|wanted| wanted == name)).collect(),
        None => names,
    };

    let mut problems = Vec::new();
    let mut members = Vec::new();
    for name in &names {
        let spec = fs::read(fixture(&format!("specs/{name}.yaml"))).expect("readable fixture");
        let sidecar_path = fixture(&format!("roundtrip/{name}.json"));
        let sidecar: BTreeMap<String, Cases> = match fs::read_to_string(&sidecar_path) {
            Ok(text) => serde_json::from_str(&text)
                .unwrap_or_else(|error| panic!("{}: not a sidecar: {error}", sidecar_path.display())),
            Err(error) => {
                problems.push(format!("{name}: no sidecar {} ({error})", sidecar_path.display()));
                BTreeMap::new()
            }
        };
        if sidecar.values().all(|cases| cases.accept.is_empty()) {
            problems.push(format!("{name}: the sidecar has no `accept` value; add at least one"));
        }
        let api = match codegen::model_with(&spec, fixture_options(name)) {
            Ok(api) => api,
            Err(diagnostics) => {
                problems.push(format!("{name}: the generator reports\n{diagnostics}"));
                continue;
            }
        };
        // A fixture of a construct read more loosely than written lists its warnings, exactly.
        let warnings: Vec<String> = api.warnings.iter().map(ToString::to_string).collect();
        let expected: Vec<String> = fs::read_to_string(fixture(&format!("warnings/{name}.txt")))
            .map(|text| text.lines().map(str::to_owned).collect())
            .unwrap_or_default();
        if warnings != expected {
            problems.push(format!(
                "{name}: the generator warns\n{}\nwhere tests/fixtures/warnings/{name}.txt expects\n{}",
                warnings.join("\n"),
                expected.join("\n")
            ));
        }
        // A sidecar names a component schema (`Pet`), or any type by the pointer of its schema.
        let rust_names: BTreeMap<String, String> = api
            .types
            .iter()
            .flat_map(|def| {
                let schema = def.pointer.strip_prefix("/components/schemas/");
                let schema = schema.map(|schema| schema.replace("~1", "/").replace("~0", "~"));
                [schema, Some(def.pointer.clone())].into_iter().flatten().map(|key| (key, def.name.clone()))
            })
            .collect();
        let mut cases = Vec::new();
        for (schema, case) in sidecar {
            match rust_names.get(&schema) {
                Some(rust) => cases.push((schema, rust.clone(), case)),
                None => problems.push(format!(
                    "{name}: the sidecar names schema `{schema}`, which the model does not have (it has {:?})",
                    rust_names.keys().collect::<Vec<_>>()
                )),
            }
        }
        let files = match codegen::generate_with(
            &spec,
            &fixture_settings(name, crate_name(name)),
            fixture_options(name),
        ) {
            Ok(files) => files,
            Err(diagnostics) => {
                problems.push(format!("{name}: the generator reports\n{diagnostics}"));
                continue;
            }
        };
        let dir = workspace.join(name);
        let mut keep = BTreeSet::new();
        let e2e = e2e_files(name);
        for file in &files {
            let contents = match file.path.as_str() {
                "Cargo.toml" if e2e.is_empty() => with_test_dependencies(&file.contents),
                "Cargo.toml" => with_e2e_dependencies(&with_test_dependencies(&file.contents)),
                _ => file.contents.clone(),
            };
            write_if_changed(&dir.join(&file.path), &contents);
            keep.insert(file.path.clone());
        }
        write_if_changed(&dir.join("tests/roundtrip.rs"), &roundtrip_test(name, &cases));
        keep.insert("tests/roundtrip.rs".to_owned());
        for (path, contents) in e2e {
            write_if_changed(&dir.join(&path), &contents);
            keep.insert(path);
        }
        remove_stale(&dir, "", &keep);
        members.push(name.clone());
    }
    // Crates of fixtures that are gone (or no longer generate) leave the workspace.
    if let Ok(entries) = fs::read_dir(&workspace) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.path().join("Cargo.toml").exists() && !members.contains(&name) {
                fs::remove_dir_all(entry.path()).unwrap_or_else(|error| panic!("remove {name}: {error}"));
            }
        }
    }

    let manifest = format!(
        "# Written by tests/it/constructs.rs: one crate per fixture spec.\n\
         [workspace]\nresolver = \"2\"\nmembers = [\n{}]\n\n\
         [profile.dev]\ndebug = false\n",
        members.iter().map(|name| format!("    \"{name}\",\n")).collect::<String>()
    );
    write_if_changed(&workspace.join("Cargo.toml"), &manifest);
    let lock = fs::read_to_string(root.join("Cargo.lock")).expect("the repository has a Cargo.lock");
    write_if_changed(&workspace.join("Cargo.lock"), &lock);

    if !members.is_empty() {
        check_crates(&workspace, &members, &mut problems);
    }
    assert!(problems.is_empty(), "{}:\n\n{}", plural(problems.len(), "problem"), problems.join("\n\n"));
}
