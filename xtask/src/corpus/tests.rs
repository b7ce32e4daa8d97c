//! The pure parts of the corpus command: list, names, outcomes, attribution, tables.

use super::report::*;
use super::specs::*;
use super::workspace::*;
use super::*;
use crate::generated_crate::CargoStep;
use crate::measure::{Ended, Generation};
use std::collections::BTreeSet;
use std::time::Duration;

#[test]
fn the_list_leaves_out_comments_and_blank_lines() {
    assert_eq!(
        parse_list("# a comment\nopenai.com.json\n\n  twitter.com/current.json  \n#skipped.json\n"),
        ["openai.com.json", "twitter.com/current.json"]
    );
}

// A table of cases, one `assert_eq!` a row: the same shape as any other such table.
#[test]
fn crate_names_come_from_the_path_without_extension() {
    assert_eq!(crate_name("openai.com.json"), "corpus-openai-com");
    assert_eq!(crate_name("twitter.com/current.json"), "corpus-twitter-com-current");
    assert_eq!(crate_name("vtex.local/Checkout-API.json"), "corpus-vtex-local-checkout-api");
    assert_eq!(crate_name("apisetu.gov.in/saralharyana.yaml"), "corpus-apisetu-gov-in-saralharyana");
    assert_eq!(crate_name("a__b--c.json"), "corpus-a-b-c");
}

fn files(paths: &[&str]) -> BTreeSet<String> {
    paths.iter().map(|p| p.to_string()).collect()
}

#[test]
fn the_api_folder_is_the_shallowest_one() {
    let package = files(&["README.md", "api/a.json", "src/api/x.ts", "api/b.com/current.json"]);
    assert_eq!(api_folder(&package).as_deref(), Some("api"));
    let moved = files(&["APIs/api/a.json", "APIs/api/b/c.json"]);
    assert_eq!(api_folder(&moved).as_deref(), Some("APIs/api"));
    assert_eq!(api_folder(&files(&["README.md", "api"])), None);
}

#[test]
fn listed_specs_are_found_directly_or_by_a_unique_suffix() {
    let package = files(&["api/a.com.json", "APIs/b.com/current.json", "x/c.json", "y/c.json"]);
    assert_eq!(locate(&package, "api", "a.com.json"), Ok("api/a.com.json".to_owned()));
    assert_eq!(locate(&package, "api", "b.com/current.json"), Ok("APIs/b.com/current.json".to_owned()));
    let several = locate(&package, "api", "c.json").unwrap_err();
    assert!(several.contains("x/c.json, y/c.json"), "{several}");
    // Whole segments: `com.json` is not the end of `a.com.json`.
    assert!(locate(&package, "api", "com.json").unwrap_err().starts_with("not in the package"));
}

fn generation(exit: i32, errors: &[&str], stderr: &str) -> Generation {
    Generation {
        wall: Duration::from_millis(1500),
        task_secs: Some(1.4),
        cpu_secs: Some(1.4),
        peak_rss_kib: Some(1024),
        exit_code: Some(exit),
        errors: errors.iter().map(|e| e.to_string()).collect(),
        warnings: Vec::new(),
        stdout: String::new(),
        stderr: stderr.to_owned(),
    }
}

#[test]
fn outcomes_tell_refusals_from_panics_crashes_and_timeouts() {
    let written = Ended::Reported(generation(0, &[], ""));
    assert_eq!(Outcome::of(&written), Outcome::Written);
    let refused = Ended::Reported(generation(1, &["error at /a: x", "error at /b: y"], ""));
    assert_eq!(Outcome::of(&refused), Outcome::Refused { errors: 2 });
    assert_eq!(Outcome::of(&refused).cell(), "refused (2 errors)");
    let unreadable = Ended::Reported(generation(1, &[], "cannot read x.json: No such file\n"));
    assert!(
        matches!(Outcome::of(&unreadable), Outcome::Failed { why } if why.contains("cannot read x.json"))
    );
    let unreported = |stderr: &str, status: &str| Ended::Unreported {
        command: "xtask".into(),
        status: status.into(),
        wall: Duration::from_secs(1),
        stderr: stderr.into(),
    };
    let cases = [
        (
            "thread 'main' panicked at codegen/src/emit/types.rs:10:5:\nno name for `x`\nnote: run with `RUST_BACKTRACE=1`\n",
            "exit status: 101",
            Outcome::Panicked { message: "no name for `x` (at codegen/src/emit/types.rs:10:5)".into() },
        ),
        (
            "\nthread 'main' has overflowed its stack\nfatal runtime error: stack overflow\n",
            "signal: 6 (SIGABRT)",
            Outcome::Crashed { why: "signal: 6 (SIGABRT): fatal runtime error: stack overflow".into() },
        ),
    ];
    for (stderr, status, expected) in cases {
        assert_eq!(Outcome::of(&unreported(stderr, status)), expected);
    }
    let late = Ended::TimedOut { command: "xtask".into(), limit: Duration::from_secs(120) };
    assert_eq!(Outcome::of(&late).cell(), "TIMEOUT (120 s)");
}

#[test]
fn old_style_panics_are_read_too() {
    let stderr = "thread 'main' panicked at 'index out of bounds', src/a.rs:1:2\n";
    assert_eq!(panic_message(stderr).as_deref(), Some("index out of bounds (at src/a.rs:1:2)"));
    assert_eq!(panic_message("error at /x: y\n"), None);
}

fn step(ok: bool, stderr: &str) -> CargoStep {
    CargoStep { command: "cargo check".into(), secs: 12.34, ok, stderr: stderr.into() }
}

#[test]
fn the_table_has_a_row_a_spec_with_aligned_columns() {
    let passes = Passes { check: true, clippy: true };
    let mut ok = SpecRun::new("a.json", "corpus-a".into(), Outcome::Written, None);
    ok.generation_secs = Some(1.5);
    ok.check = Some(step(true, ""));
    ok.clippy = Some(step(false, "error[E0119]: conflicting implementations of trait `From<A>`\n"));
    let refused = SpecRun {
        errors: vec!["error at /x: oauth2 | no".into()],
        generation_secs: Some(0.25),
        ..SpecRun::new(
            "b.com/current.json",
            "corpus-b-com-current".into(),
            Outcome::Refused { errors: 1 },
            None,
        )
    };
    let missing = SpecRun::new(
        "c.json",
        "corpus-c".into(),
        Outcome::NotFound { why: "not in the package".into() },
        None,
    );
    let text = table(&[ok, refused, missing], passes);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5, "{text}");
    assert!(lines.iter().all(|l| l.chars().count() == lines[0].chars().count()), "{text}");
    assert!(
        lines[2].contains("| ok ")
            && lines[2].contains("ok, 12.3 s")
            && lines[2].contains("FAILED, 12.3 s: E0119 × 1")
    );
    assert!(
        lines[3].contains("refused (1 error)") && lines[3].contains("0.25 s") && lines[3].contains("| –")
    );
    assert!(lines[4].contains("NOT FOUND"), "{text}");
    let no_check = table(
        &[SpecRun::new("a.json", "corpus-a".into(), Outcome::Written, None)],
        Passes { check: false, clippy: false },
    );
    assert!(no_check.contains("not run (--no-check)"), "{no_check}");
}

#[test]
fn workspace_messages_are_attributed_to_their_crates() {
    let members = ["corpus-a".to_owned(), "corpus-b".to_owned(), "corpus-c".to_owned()];
    let message = |crate_dir: &str, level: &str, text: &str| {
        serde_json::json!({
            "reason": "compiler-message",
            "manifest_path": format!("/w/crates/{crate_dir}/Cargo.toml"),
            "message": {"level": level, "message": text, "rendered": format!("{level}: {text}\n --> src/lib.rs:1:1\n")},
        })
        .to_string()
    };
    let artifact = |crate_dir: &str| {
        serde_json::json!({"reason": "compiler-artifact", "manifest_path": format!("/w/crates/{crate_dir}/Cargo.toml")})
            .to_string()
    };
    let lines: Vec<Line> = [
        (0.5, false, "    Checking serde v1.0.0".to_owned()),
        (1.0, false, "    Checking corpus-a v0.1.0 (/w/crates/corpus-a)".to_owned()),
        (1.5, false, "    Checking corpus-b v0.1.0 (/w/crates/corpus-b)".to_owned()),
        (2.0, true, message("corpus-b", "warning", "unused import")),
        (3.0, true, message("corpus-b", "error", "cannot find type `X`")),
        (3.1, true, message("corpus-b", "error", "aborting due to 1 previous error")),
        (3.2, false, "error: could not compile `corpus-b` (lib) due to 1 previous error".to_owned()),
        (4.0, true, artifact("corpus-a")),
        (4.5, false, "error: failed to load something".to_owned()),
    ]
    .into_iter()
    .map(|(secs, stdout, text)| Line { secs, stdout, text })
    .collect();
    let steps = attribute("cargo check --workspace", &lines, &members);
    let a = &steps["corpus-a"];
    assert!(a.ok && a.stderr.is_empty() && (a.secs - 3.0).abs() < 1e-9, "{a:?}");
    let b = &steps["corpus-b"];
    assert!(!b.ok && (b.secs - 1.7).abs() < 1e-9, "{b:?}");
    assert_eq!(b.error_kinds_line(), "cannot find type `…` × 1");
    assert!(b.first_errors(5).contains("could not compile `corpus-b`"), "{}", b.first_errors(5));
    let c = &steps["corpus-c"];
    assert!(
        !c.ok && c.stderr.contains("cargo did not check this crate") && c.stderr.contains("failed to load")
    );
}

#[test]
fn options_are_read() {
    let args: Vec<String> =
        ["--no-clippy", "--only", "openai", "--list", "x.txt"].map(str::to_owned).to_vec();
    let options = parse_options(&args).unwrap().unwrap();
    assert!(options.no_clippy && !options.no_check);
    assert_eq!(options.only.as_deref(), Some("openai"));
    assert_eq!(options.list, Some(PathBuf::from("x.txt")));
    assert!(parse_options(&["--only".to_owned()]).is_err());
    assert!(parse_options(&["--help".to_owned()]).unwrap().is_none());
}

#[test]
fn the_workspace_lists_the_written_crates() {
    let manifest = workspace_manifest(&["corpus-a".to_owned(), "corpus-b".to_owned()]);
    assert!(manifest.contains("[workspace]\nresolver = \"2\"\nmembers = [\n    \"crates/corpus-a\",\n    \"crates/corpus-b\",\n]\n"), "{manifest}");
    assert!(manifest.contains("[profile.dev]\nincremental = false\n"), "{manifest}");
}
