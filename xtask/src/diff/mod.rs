//! `cargo xtask diff OLD NEW`: the API changes between any two descriptions, found the way
//! regeneration finds them (each description's model, its public surface, the two compared) and
//! printed the way `cargo xtask generate` prints them, with the version bump they call for.
//! `--only-ops` narrows both sides to the operations whose path matches a glob and the types
//! those reach, so that a small description can be held against the part of a large one it covers.
//!
//! Exit codes: 0 once both descriptions were read and compared (unless `--fail-on`), 1 when
//! `--fail-on` finds what it names, 2 when the arguments are wrong, a description cannot be read,
//! or one does not generate.

mod args;
mod glob;

pub(crate) use args::DiffArgs;

use codegen::changes::ChangeReport;
use codegen::model::Api;
use codegen::surface::Surface;
use std::io::Write;

use crate::text::plural;

/// `cargo xtask diff`: both descriptions through the generator's model, their surfaces compared,
/// the report printed as text or JSON on `stdout`; problems go to `stderr`.
pub(crate) fn diff(args: DiffArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    let old = model("old", &args.old, args.skip_unused_schemas, stderr);
    let new = model("new", &args.new, args.skip_unused_schemas, stderr);
    let (Some(old), Some(new)) = (old, new) else { return 2 };
    let unmatched: Vec<&String> = args
        .only_ops
        .iter()
        .filter(|pattern| {
            ![&old, &new].iter().any(|api| api.operations.iter().any(|op| glob::matches(pattern, &op.path)))
        })
        .collect();
    for pattern in &unmatched {
        let _ = writeln!(stderr, "--only-ops {pattern} matches no operation of either description");
    }
    if !unmatched.is_empty() {
        return 2;
    }
    let (old_label, new_label) = (args.old.label(), args.new.label());
    let report = codegen::changes::compare(
        &surface("old", &old_label, &old, &args.only_ops, stderr),
        &surface("new", &new_label, &new, &args.only_ops, stderr),
    );
    if args.json {
        let json = serde_json::json!({
            "old": old_label,
            "new": new_label,
            "only_ops": args.only_ops,
            "breaking": report.is_breaking(),
            "changes": report.changes,
        });
        let _ = writeln!(stdout, "{}", serde_json::to_string_pretty(&json).unwrap_or_default());
    } else {
        // Generate's heading, the two descriptions in place of the versions.
        let _ = writeln!(stdout, "{}", report.titled(&old_label, &new_label));
        let _ = writeln!(stdout, "{}", consequence(&report));
    }
    u8::from(args.fail_on.fails(&report))
}

/// The model of one side's description; `None` once the reason has been printed (it cannot be
/// read, or it has errors, each printed with its pointer).
fn model(side: &str, spec: &args::Spec, skip_unused_schemas: bool, stderr: &mut dyn Write) -> Option<Api> {
    // A description without `info.title` is titled after its file, as `generate` does.
    let source_name = Some(spec.file_name());
    let options = codegen::Options { skip_unused_schemas, source_name };
    let bytes = match spec.read() {
        Ok(bytes) => bytes,
        Err(why) => {
            let _ = writeln!(stderr, "{side}: {why}");
            return None;
        }
    };
    match codegen::model_with(&bytes, options) {
        Ok(api) => {
            if !api.warnings.is_empty() {
                let warnings = plural(api.warnings.len(), "warning");
                let _ = writeln!(
                    stderr,
                    "{side} ({}): {warnings}: construct(s) skipped, each generated as a looser type",
                    spec.label()
                );
            }
            Some(api)
        }
        Err(diagnostics) => {
            for diagnostic in &diagnostics.0 {
                let _ = writeln!(stderr, "{diagnostic}");
            }
            let _ = writeln!(
                stderr,
                "{side} ({}): {}; the description does not generate, nothing was compared",
                spec.label(),
                diagnostics.summary()
            );
            None
        }
    }
}

/// The public API a crate generated from `api` has: all of it, or with `only_ops` the operations
/// whose path matches one of those globs and the types they reach (how much of the whole that is
/// goes to `stderr`).
fn surface(side: &str, label: &str, api: &Api, only_ops: &[String], stderr: &mut dyn Write) -> Surface {
    if only_ops.is_empty() {
        return codegen::surface::surface(api, "", "");
    }
    let part = codegen::surface::surface_of_operations(api, "", "", |op| {
        only_ops.iter().any(|pattern| glob::matches(pattern, &op.path))
    });
    let _ = writeln!(
        stderr,
        "{side} ({label}): {} of {} match --only-ops, reaching {} of {}",
        part.operations.len(),
        plural(api.operations.len(), "operation"),
        part.types.len(),
        plural(api.types.len(), "type"),
    );
    part
}

/// What the changes mean for the crate's version, as [`ChangeReport::next_version`] bumps it.
fn consequence(report: &ChangeReport) -> String {
    let breaking = report.changes.iter().filter(|change| change.breaking).count();
    let counts = format!("{breaking} breaking, {} compatible", report.changes.len() - breaking);
    match (report.is_empty(), breaking > 0) {
        (true, _) => "no change: the version stays".to_owned(),
        (false, true) => {
            format!("{counts}: a breaking release (the minor version below 1.0, the major from 1.0)")
        }
        (false, false) => {
            format!("{counts}: a compatible release (the patch version below 1.0, the minor from 1.0)")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::consequence;
    use codegen::changes::{Change, ChangeReport};

    fn report(breaking: &[bool]) -> ChangeReport {
        let change = |&breaking: &bool| Change { breaking, subject: "s".to_owned(), what: "w".to_owned() };
        ChangeReport { changes: breaking.iter().map(change).collect() }
    }

    /// The words say what `next_version` does: a breaking change bumps the minor version below 1.0
    /// and the major one from 1.0; a compatible one the patch and the minor.
    #[test]
    fn the_consequence_names_the_bump_next_version_makes() {
        let cases: [(&[bool], [&str; 2], &str); 3] = [
            (
                &[true, false, false],
                ["0.4.0", "2.0.0"],
                "1 breaking, 2 compatible: a breaking release (the minor version below 1.0, the major from 1.0)",
            ),
            (
                &[false],
                ["0.3.2", "1.3.0"],
                "0 breaking, 1 compatible: a compatible release (the patch version below 1.0, the minor from 1.0)",
            ),
            (&[], ["0.3.1", "1.2.3"], "no change: the version stays"),
        ];
        for (breaking, versions, words) in cases {
            let report = report(breaking);
            assert_eq!([report.next_version("0.3.1"), report.next_version("1.2.3")], versions);
            assert_eq!(consequence(&report), words);
        }
    }
}
