//! The committed `generated/` is exactly what the generator makes of `spec/`, and generation is
//! deterministic. When this fails, run `cargo xtask generate` and commit the result.

use integration_tests::support::bundled::{bundled_files, bundled_files_of, bundled_spec_text};

#[test]
fn committed_client_is_fresh() {
    let files = bundled_files();
    let staleness = xtask::compare(&xtask::bundled_out(), &files).expect("generated/ is readable");
    assert!(
        staleness.is_fresh(),
        "generated/ is stale: run `cargo xtask generate` and commit the result\n{}",
        staleness.report("generated")
    );
}

#[test]
fn generating_twice_gives_identical_bytes() {
    let spec = bundled_spec_text();
    assert_eq!(bundled_files_of(spec.as_bytes()), bundled_files_of(spec.as_bytes()));
}

#[test]
fn an_edited_description_makes_the_check_fail_with_a_diff_naming_the_file() {
    let spec = bundled_spec_text();
    let marker = "Confirmation that a batch was deleted.";
    assert!(spec.contains(marker), "the spec no longer has the description this test edits");
    let edited = spec.replacen(marker, "A description edited by the freshness test.", 1);
    let files = bundled_files_of(edited.as_bytes());
    let staleness = xtask::compare(&xtask::bundled_out(), &files).expect("generated/ is readable");
    let changed: Vec<&str> = staleness.changed.iter().map(|(path, _)| path.as_str()).collect();
    assert_eq!(changed, ["src/types.rs"]);
    let report = staleness.report("generated");
    assert!(report.contains("stale: generated/src/types.rs"), "{report}");
    assert!(report.contains("+/// A description edited by the freshness test."), "{report}");
    assert!(report.contains("-/// Confirmation that a batch was deleted."), "{report}");
}
