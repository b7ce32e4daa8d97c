//! The committed `generated/` is exactly what the generator makes of `spec/`, and generation is
//! deterministic. When this fails, run `cargo xtask generate` and commit the result.

use std::fs;

#[test]
fn committed_client_is_fresh() {
    let spec = fs::read(xtask::bundled_spec()).expect("the bundled spec is readable");
    let files = xtask::bundled_plan(&spec)
        .map(|plan| plan.files)
        .unwrap_or_else(|diagnostics| panic!("{diagnostics}"));
    let staleness = xtask::compare(&xtask::bundled_out(), &files).expect("generated/ is readable");
    assert!(
        staleness.is_fresh(),
        "generated/ is stale: run `cargo xtask generate` and commit the result\n{}",
        staleness.report("generated")
    );
}

#[test]
fn generating_twice_gives_identical_bytes() {
    let spec = fs::read(xtask::bundled_spec()).expect("the bundled spec is readable");
    let first = xtask::bundled_plan(&spec).map(|plan| plan.files).expect("generates");
    let second = xtask::bundled_plan(&spec).map(|plan| plan.files).expect("generates");
    assert_eq!(first, second);
}

#[test]
fn an_edited_description_makes_the_check_fail_with_a_diff_naming_the_file() {
    let spec = fs::read_to_string(xtask::bundled_spec()).expect("the bundled spec is readable");
    let marker = "Confirmation that a batch was deleted.";
    assert!(spec.contains(marker), "the spec no longer has the description this test edits");
    let edited = spec.replacen(marker, "A description edited by the freshness test.", 1);
    let files = xtask::bundled_plan(edited.as_bytes()).map(|plan| plan.files).expect("generates");
    let staleness = xtask::compare(&xtask::bundled_out(), &files).expect("generated/ is readable");
    let changed: Vec<&str> = staleness.changed.iter().map(|(path, _)| path.as_str()).collect();
    assert_eq!(changed, ["src/types.rs"]);
    let report = staleness.report("generated");
    assert!(report.contains("stale: generated/src/types.rs"), "{report}");
    assert!(report.contains("+/// A description edited by the freshness test."), "{report}");
    assert!(report.contains("-/// Confirmation that a batch was deleted."), "{report}");
}
