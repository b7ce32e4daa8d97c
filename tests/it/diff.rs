//! `cargo xtask diff OLD NEW`: the API-change report between two descriptions, through the
//! command's entry point (`xtask::run`), on the fixture pairs in `tests/fixtures/diff/<case>/`:
//! what it prints, as text and JSON, and how it exits (`--fail-on`, `--only-ops`, a description
//! that does not generate, the `git:REV:PATH` form).

use integration_tests::assert_snapshot;
use integration_tests::support::fixtures::fixture;
use std::fs;

/// What a run printed and how it exited.
struct Run {
    code: u8,
    stdout: String,
    stderr: String,
}

fn diff(args: &[&str]) -> Run {
    let args: Vec<String> = std::iter::once("diff").chain(args.iter().copied()).map(str::to_owned).collect();
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let code = xtask::run(&args, &mut stdout, &mut stderr);
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).expect("UTF-8 output");
    Run { code, stdout: text(stdout), stderr: text(stderr) }
}

/// `tests/fixtures/diff/<case>/<side>.yaml`, as an argument.
fn spec(case: &str, side: &str) -> String {
    fixture(&format!("diff/{case}/{side}.yaml")).to_string_lossy().into_owned()
}

#[test]
fn compatible_additions_pass_fail_on_breaking() {
    let run = diff(&[&spec("compatible", "old"), &spec("compatible", "new"), "--fail-on", "breaking"]);
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    assert!(!run.stdout.lines().any(|line| line.starts_with("breaking ")), "{}", run.stdout);
    assert_snapshot!("compatible", run.stdout);
    let any = diff(&[&spec("compatible", "old"), &spec("compatible", "new"), "--fail-on", "any"]);
    assert_eq!(any.code, 1, "--fail-on any fails on a compatible change");
}

#[test]
fn a_breaking_change_fails_only_with_fail_on_breaking() {
    let informed = diff(&[&spec("breaking", "old"), &spec("breaking", "new")]);
    assert_eq!(informed.code, 0, "stderr: {}", informed.stderr);
    let failed = diff(&[&spec("breaking", "old"), &spec("breaking", "new"), "--fail-on", "breaking"]);
    assert_eq!(failed.code, 1, "stderr: {}", failed.stderr);
    assert_eq!(failed.stdout, informed.stdout, "--fail-on changes the exit code only");
    assert_snapshot!("breaking", failed.stdout);
}

#[test]
fn json_output_has_the_verdict_and_every_change() {
    let run = diff(&["--json", &spec("breaking", "old"), &spec("breaking", "new")]);
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("the output is JSON");
    assert_eq!(json["breaking"], true);
    assert_eq!(json["old"], "tests/fixtures/diff/breaking/old.yaml");
    assert_eq!(json["new"], "tests/fixtures/diff/breaking/new.yaml");
    assert_eq!(json["only_ops"], serde_json::json!([]));
    let changes = json["changes"].as_array().expect("a list of changes");
    assert_eq!(changes.len(), 5);
    assert_eq!(
        changes[0],
        serde_json::json!({
            "breaking": true,
            "subject": "operation listPets",
            "what": "required parameter `owner` added (a new method argument)",
        })
    );
    let breaking: Vec<bool> = changes.iter().map(|change| change["breaking"] == true).collect();
    assert_eq!(breaking, [true, true, true, true, false], "breaking changes first");
    assert_snapshot!("breaking_json", run.stdout);

    let compatible = diff(&["--json", &spec("compatible", "old"), &spec("compatible", "new")]);
    let json: serde_json::Value = serde_json::from_str(&compatible.stdout).expect("the output is JSON");
    assert_eq!(json["breaking"], false);
}

#[test]
fn only_ops_ignores_breaking_changes_outside_the_glob() {
    let (old, new) = (spec("only_ops", "old"), spec("only_ops", "new"));
    let whole = diff(&[&old, &new, "--fail-on", "breaking"]);
    assert_eq!(whole.code, 1, "the store and leftover changes are breaking: {}", whole.stdout);

    let pets = diff(&[&old, &new, "--fail-on", "breaking", "--only-ops", "/v1/pets/**"]);
    assert_eq!(pets.code, 0, "stdout: {}\nstderr: {}", pets.stdout, pets.stderr);
    assert!(
        pets.stdout.contains("type Tag: optional field `color: Option<String>` added"),
        "{}",
        pets.stdout
    );
    for outside in ["getStore", "type Store", "type Leftover"] {
        assert!(!pets.stdout.contains(outside), "{outside} is outside /v1/pets/**: {}", pets.stdout);
    }
    assert!(pets.stderr.contains("1 of 2 operations match --only-ops"), "{}", pets.stderr);
    assert_snapshot!("only_ops", pets.stdout);
    let json = diff(&[&old, &new, "--json", "--only-ops", "/v1/pets/**"]);
    let json: serde_json::Value = serde_json::from_str(&json.stdout).expect("the output is JSON");
    assert_eq!(
        (&json["breaking"], &json["only_ops"]),
        (&serde_json::json!(false), &serde_json::json!(["/v1/pets/**"]))
    );

    let stores = diff(&[&old, &new, "--only-ops", "/v1/pets/*", "--only-ops", "/v1/*/{store_id}"]);
    assert!(stores.stdout.contains("type Store: field `address` removed"), "{}", stores.stdout);
    assert!(!stores.stdout.contains("Leftover"), "no operation reaches it: {}", stores.stdout);
}

#[test]
fn only_ops_matching_nothing_is_an_error() {
    let run = diff(&[&spec("only_ops", "old"), &spec("only_ops", "new"), "--only-ops", "/v2/**"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("--only-ops /v2/** matches no operation of either description"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
}

#[test]
fn a_description_that_does_not_generate_is_named_with_its_errors() {
    let run = diff(&[&spec("broken", "old"), &spec("broken", "new"), "--fail-on", "breaking"]);
    assert_eq!(run.code, 2, "stdout: {}", run.stdout);
    assert!(run.stdout.is_empty(), "nothing is compared: {}", run.stdout);
    assert!(
        run.stderr.contains("error at /components/schemas/PetList/properties/data/items/$ref"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("new (tests/fixtures/diff/broken/new.yaml): 1 error"), "{}", run.stderr);
    assert!(!run.stderr.contains("old ("), "the old side generates: {}", run.stderr);
    assert_snapshot!("broken_stderr", run.stderr);
}

#[test]
fn wrong_arguments_and_unreadable_descriptions_exit_2() {
    let one = diff(&[&spec("broken", "old")]);
    assert_eq!(one.code, 2);
    assert!(
        one.stderr.starts_with("diff compares two descriptions, OLD and NEW (1 given)\n\nusage:"),
        "{}",
        one.stderr
    );
    let missing = diff(&["tests/fixtures/diff/no-such/old.yaml", &spec("broken", "old")]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.starts_with("old: cannot read tests/fixtures/diff/no-such/old.yaml: "),
        "{}",
        missing.stderr
    );
    let no_rev = diff(&["git:no-such-revision:spec/openapi.yaml", "spec/openapi.yaml"]);
    assert_eq!(no_rev.code, 2);
    assert!(
        no_rev.stderr.starts_with("old: cannot read git:no-such-revision:spec/openapi.yaml from git: "),
        "{}",
        no_rev.stderr
    );
}

#[test]
fn the_committed_spec_against_the_working_one_changes_nothing() {
    let working = xtask::bundled_spec().to_string_lossy().into_owned();
    let run = diff(&["git:HEAD:spec/openapi.yaml", &working, "--fail-on", "any"]);
    assert_eq!(run.code, 0, "stdout: {}\nstderr: {}", run.stdout, run.stderr);
    assert_eq!(
        run.stdout,
        concat!(
            "API changes (git:HEAD:spec/openapi.yaml → spec/openapi.yaml, unchanged):\n",
            "no change to the public API\n",
            "\n",
            "no change: the version stays\n",
        )
    );
}

/// `diff` prints the very report regeneration computes for the same pair (`changes::compare` of
/// the two models' surfaces, shown by the report's `Display`), under generate's heading.
#[test]
fn diff_prints_the_report_regeneration_computes() {
    let (before, after) = (fixture("changes/types/before.yaml"), fixture("changes/types/after.yaml"));
    let surface = |path: &std::path::Path| {
        let model = codegen::model(&fs::read(path).expect("readable fixture")).expect("generates");
        codegen::surface::surface(&model, "0.3.1", "test")
    };
    let report = codegen::changes::compare(&surface(&before), &surface(&after));
    let run = diff(&[&before.to_string_lossy(), &after.to_string_lossy()]);
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    let heading = concat!(
        "API changes (tests/fixtures/changes/types/before.yaml → ",
        "tests/fixtures/changes/types/after.yaml, breaking):\n"
    );
    let body =
        run.stdout.strip_prefix(heading).unwrap_or_else(|| panic!("generate's heading:\n{}", run.stdout));
    assert!(body.starts_with(&format!("{report}\n")), "diff:\n{body}\ncompare:\n{report}");
    assert_eq!(
        body.lines().last(),
        Some(
            "10 breaking, 5 compatible: a breaking release (the minor version below 1.0, the major from 1.0)"
        )
    );
}
