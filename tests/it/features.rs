//! Cargo features per group of operations: which group each operation and type falls in, what
//! the generated `Cargo.toml` says, and that the crate compiles clippy-clean with one group on,
//! with a group that turns on another, with none, and with every feature.
//!
//! The fixture is `fixtures/specs/feature_groups.yaml` (its snapshots and round trips run with
//! the other fixtures); its crate is written to `target/features/feature-groups/`, a workspace
//! of its own built in the fixture workspace's target directory, so the dependencies compiled
//! for the fixtures serve here too.

use integration_tests::support::fixtures::{fixture, fixture_options, fixture_settings};
use integration_tests::support::process::run;
use std::fs;
use std::path::PathBuf;
use std::process::Command;

const FIXTURE: &str = "feature_groups";
const CRATE: &str = "feature-groups";

fn spec() -> Vec<u8> {
    fs::read(fixture(&format!("specs/{FIXTURE}.yaml"))).expect("readable fixture")
}

fn model() -> codegen::model::Api {
    codegen::model_with(&spec(), fixture_options(FIXTURE))
        .unwrap_or_else(|diagnostics| panic!("{diagnostics}"))
}

/// The features that compile type `name`.
fn type_features(api: &codegen::model::Api, name: &str) -> Vec<String> {
    let def = api.type_def(name).unwrap_or_else(|| panic!("no type {name}"));
    def.groups.iter().map(|at| api.groups[*at].feature.clone()).collect()
}

#[test]
fn operations_fall_in_the_group_of_their_first_tag_or_path_segment() {
    let api = model();
    let groups: Vec<(&str, &str)> = api
        .operations
        .iter()
        .map(|op| (op.operation_id.as_str(), api.groups[op.group].feature.as_str()))
        .collect();
    assert_eq!(groups, [("listPets", "pets"), ("getStore", "stores"), ("getReceipt", "orders")]);
    let features: Vec<&str> = api.groups.iter().map(|group| group.feature.as_str()).collect();
    assert_eq!(features, ["pets", "stores", "orders", "other-schemas"]);
    assert_eq!(api.groups[0].description.as_deref(), Some("The animals for sale."));
    // `getReceipt` reads its URL from `getStore`'s result.
    let requires: Vec<Vec<usize>> = api.groups.iter().map(|group| group.requires.clone()).collect();
    assert_eq!(requires, [vec![], vec![], vec![1], vec![]]);
    assert!(api.all_groups_by_default, "a small API is all on by default");
}

#[test]
fn a_type_is_compiled_by_the_groups_that_reach_it() {
    let api = model();
    assert_eq!(type_features(&api, "Region"), Vec::<String>::new(), "the client builder's: always compiled");
    assert_eq!(type_features(&api, "Problem"), ["pets", "stores", "orders"]);
    assert_eq!(type_features(&api, "Kind"), ["pets", "stores", "other-schemas"]);
    assert_eq!(type_features(&api, "Pet"), ["pets", "stores", "other-schemas"]);
    assert_eq!(type_features(&api, "Store"), ["stores"]);
    assert_eq!(type_features(&api, "Receipt"), ["orders"]);
    assert_eq!(type_features(&api, "Adoption"), ["other-schemas"]);
}

#[test]
fn skipping_unused_schemas_leaves_no_group_for_them() {
    let options = codegen::Options { skip_unused_schemas: true, ..fixture_options(FIXTURE) };
    let api = codegen::model_with(&spec(), options).unwrap_or_else(|diagnostics| panic!("{diagnostics}"));
    assert!(api.groups.iter().all(|group| group.feature != "other-schemas"));
    assert!(api.type_def("Adoption").is_none());
    assert_eq!(type_features(&api, "Pet"), ["pets", "stores"]);
}

/// The crate, written into its own workspace; returns the workspace.
fn write_crate() -> PathBuf {
    let files = codegen::generate_with(
        &spec(),
        &fixture_settings(FIXTURE, CRATE.to_owned()),
        fixture_options(FIXTURE),
    )
    .unwrap_or_else(|diagnostics| panic!("{diagnostics}"));
    let workspace = xtask::root().join("target").join("features");
    let dir = workspace.join(CRATE);
    let _ = fs::remove_dir_all(&dir);
    for file in &files {
        let path = dir.join(&file.path);
        fs::create_dir_all(path.parent().expect("a file has a folder")).expect("create folder");
        fs::write(&path, &file.contents).expect("write file");
    }
    // The fixture workspace's profile, so that its compiled dependencies are reused.
    let manifest =
        format!("[workspace]\nresolver = \"2\"\nmembers = [\"{CRATE}\"]\n\n[profile.dev]\ndebug = false\n");
    fs::write(workspace.join("Cargo.toml"), manifest).expect("write workspace");
    fs::copy(xtask::root().join("Cargo.lock"), workspace.join("Cargo.lock")).expect("copy Cargo.lock");
    workspace
}

#[test]
fn the_manifest_lists_each_group_and_what_it_turns_on() {
    let files = codegen::generate_with(
        &spec(),
        &fixture_settings(FIXTURE, CRATE.to_owned()),
        fixture_options(FIXTURE),
    )
    .unwrap_or_else(|diagnostics| panic!("{diagnostics}"));
    let manifest = &files.iter().find(|file| file.path == "Cargo.toml").expect("a manifest").contents;
    for line in [
        "default = [\"full\"]\n",
        "full = [\"pets\", \"stores\", \"orders\", \"other-schemas\"]\n",
        "pets = []\n",
        "orders = [\"stores\"]\n",
        "other-schemas = []\n",
        "[package.metadata.docs.rs]\nall-features = true\n",
    ] {
        assert!(manifest.contains(line), "no `{}` in\n{manifest}", line.trim_end());
    }
    let types = &files.iter().find(|file| file.path == "src/types.rs").expect("types").contents;
    for (gate, item) in [
        ("#[cfg(feature = \"stores\")]", "pub struct Store {"),
        (
            "#[cfg(any(feature = \"pets\", feature = \"stores\", feature = \"other-schemas\"))]",
            "pub struct Pet {",
        ),
    ] {
        let at = types.find(item).unwrap_or_else(|| panic!("no `{item}`"));
        // The item's doc comment and attributes: what follows the blank line before it.
        let header = types[..at].rsplit("\n\n").next().unwrap_or_default();
        assert!(header.lines().any(|line| line == gate), "`{item}` is not behind `{gate}`:\n{header}");
    }
    let region = types.find("pub enum Region {").expect("Region");
    assert!(!types[..region].rsplit("\n\n").next().unwrap_or_default().contains("#[cfg("), "Region is gated");
    let lib = &files.iter().find(|file| file.path == "src/lib.rs").expect("lib").contents;
    assert!(lib.contains("//! | `orders` | 1 | Operations without tags under `/orders`. Turns on `stores` (its operations call theirs). |"), "{lib}");
}

#[test]
fn the_crate_is_clippy_clean_with_one_group_with_none_and_with_every_feature() {
    let workspace = write_crate();
    let target = xtask::root().join("target").join("constructs").join("target");
    let selections: [&[&str]; 5] = [
        &["--no-default-features", "--features", "pets"],
        &["--no-default-features", "--features", "orders"],
        &["--no-default-features"],
        &["--no-default-features", "--features", "stores,cli"],
        &["--all-features"],
    ];
    let mut failures = Vec::new();
    for features in selections {
        let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        command
            .args(["clippy", "--offline", "--quiet", "--all-targets"])
            .args(features)
            .args(["--", "-D", "warnings"])
            .current_dir(&workspace)
            .env("CARGO_TARGET_DIR", &target)
            .env("CARGO_TERM_COLOR", "never")
            .env_remove("RUSTC_WORKSPACE_WRAPPER");
        let finished = run(&mut command, None).unwrap_or_else(|error| panic!("{error}"));
        if !finished.success() || finished.stderr.contains("warning") {
            failures.push(format!("cargo clippy {}:\n{}", features.join(" "), finished.stderr));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
