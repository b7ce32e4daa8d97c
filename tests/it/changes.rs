//! The API-change report: pairs of specs (before, after) and what regenerating from one to the
//! other tells the crate's users, breaking or not; and the version and changelog that follow.

use integration_tests::assert_snapshot;
use integration_tests::support::fixtures::fixture;
use std::fs;

fn surface(case: &str, side: &str) -> codegen::surface::Surface {
    let bytes = fs::read(fixture(&format!("changes/{case}/{side}.yaml"))).expect("readable fixture");
    let model = codegen::model(&bytes).unwrap_or_else(|diagnostics| panic!("{case}/{side}: {diagnostics}"));
    codegen::surface::surface(&model, "0.3.1", "test")
}

fn report_text(case: &str) -> String {
    let report = codegen::changes::compare(&surface(case, "before"), &surface(case, "after"));
    format!(
        "{report}\nnext version after 0.3.1: {}\n\nchangelog entry:\n{}",
        report.next_version("0.3.1"),
        report.changelog_entry(&report.next_version("0.3.1"))
    )
}

#[test]
fn operation_changes_are_reported() {
    let text = report_text("operations");
    assert_snapshot!("changes_operations", text);
}

#[test]
fn type_field_variant_and_requiredness_changes_are_reported() {
    let text = report_text("types");
    assert_snapshot!("changes_types", text);
}

#[test]
fn a_documentation_edit_changes_nothing() {
    let report = codegen::changes::compare(&surface("docs_only", "before"), &surface("docs_only", "after"));
    assert!(report.is_empty(), "{report}");
    assert_eq!(report.next_version("0.3.1"), "0.3.1");
}

#[test]
fn regenerating_bumps_the_version_and_prepends_the_changelog() {
    let out = std::env::temp_dir().join(format!("changes-plan-{}", std::process::id()));
    let _ = fs::remove_dir_all(&out);
    let before = fixture("changes/types/before.yaml");
    let after = fixture("changes/types/after.yaml");

    let first = xtask::plan(&before, &fs::read(&before).unwrap(), &out, "zoo", None).expect("plans");
    assert_eq!(first.version, "0.1.0");
    assert!(first.report.is_none(), "nothing to compare with on a first run");
    xtask::write(&out, &first.files).expect("writes");

    let second = xtask::plan(&after, &fs::read(&after).unwrap(), &out, "zoo", None).expect("plans");
    let report = second.report.as_ref().expect("compared with the recorded surface");
    assert!(report.is_breaking());
    assert_eq!(second.previous_version.as_deref(), Some("0.1.0"));
    assert_eq!(second.version, "0.2.0");
    let file = |name: &str| second.files.iter().find(|f| f.path == name).map(|f| f.contents.clone()).unwrap();
    assert!(file("Cargo.toml").contains("version = \"0.2.0\""));
    let changelog = file("CHANGELOG.md");
    let newest = changelog.find("## 0.2.0").expect("a section for the new version");
    let oldest = changelog.find("## 0.1.0").expect("the first section is kept");
    assert!(newest < oldest, "the newest section comes first:\n{changelog}");
    assert!(changelog.contains("- type Animal: variant `dog (Dog)` removed"), "{changelog}");
    assert!(file("api-surface.json").contains("\"version\": \"0.2.0\""));

    // Once written, regenerating from the same spec changes nothing: the plan is a fixed point.
    xtask::write(&out, &second.files).expect("writes");
    let third = xtask::plan(&after, &fs::read(&after).unwrap(), &out, "zoo", None).expect("plans");
    assert_eq!(third.version, "0.2.0");
    assert!(third.report.as_ref().is_some_and(|r| r.is_empty()));
    assert!(xtask::compare(&out, &third.files).expect("readable").is_fresh());
    let _ = fs::remove_dir_all(&out);
}
