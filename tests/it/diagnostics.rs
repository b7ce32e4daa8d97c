//! Malformed and unsupported specs: each gives diagnostics that name a JSON pointer, never a panic:
//! errors, with which the command line exits non-zero (`error at <pointer>: <message>`), or
//! warnings for constructs skipped.

use integration_tests::assert_snapshot;
use integration_tests::support::fixtures::{fixture, fixture_names};
use std::fs;

#[test]
fn every_invalid_spec_gives_pointed_diagnostics() {
    let names = fixture_names("invalid", "");
    assert!(names.len() >= 10, "expected the invalid corpus, found {names:?}");
    for name in &names {
        let bytes = fs::read(fixture(&format!("invalid/{name}"))).expect("readable fixture");
        // Errors stop generation; warnings (constructs skipped, each given a looser type) do not,
        // and are what an unsupported-but-readable spec yields.
        let diagnostics = match codegen::model(&bytes) {
            Ok(api) if api.warnings.is_empty() => {
                panic!("{name}: expected diagnostics, the spec was accepted")
            }
            Ok(api) => codegen::Diagnostics(api.warnings),
            Err(diagnostics) => diagnostics,
        };
        assert!(!diagnostics.is_empty(), "{name}: an error without diagnostics");
        for diagnostic in &diagnostics.0 {
            assert!(
                diagnostic.pointer.is_empty() || diagnostic.pointer.starts_with('/'),
                "{name}: `{}` is not a JSON pointer",
                diagnostic.pointer
            );
        }
        assert_snapshot!(format!("invalid_{}", name.replace('.', "_")), diagnostics.to_string());
    }
}

#[test]
fn broken_ref_fails_the_command_with_a_pointer() {
    let spec = fixture("invalid/broken_ref.yaml");
    let out = std::env::temp_dir().join(format!("broken-ref-out-{}", std::process::id()));
    let args: Vec<String> = ["generate", "--spec", &spec.to_string_lossy(), "--out", &out.to_string_lossy()]
        .map(str::to_owned)
        .into();
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let code = xtask::run(&args, &mut stdout, &mut stderr);
    let stderr = String::from_utf8_lossy(&stderr);
    assert_eq!(code, 1, "stderr: {stderr}");
    assert!(
        stderr.contains("error at /components/schemas/Batch/properties/counts/$ref: `$ref: #/components/schemas/Counts` does not point to"),
        "stderr: {stderr}"
    );
    assert!(stderr.contains("nothing was written"), "stderr: {stderr}");
    assert!(!out.exists(), "nothing may be written for a broken spec");
}
