//! What a run found: one record per spec, the table, the logs of failing specs, the summary.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use std::path::Path;

use crate::generated_crate::CargoStep;
use crate::measure::Ended;
use crate::paths::shown;
use crate::text::{message_kind, plural, secs};

use super::specs::*;
/// One listed spec, from generation to clippy.
#[derive(Clone, Debug)]
pub(super) struct SpecRun {
    /// As listed, e.g. `twitter.com/current.json`.
    pub(super) spec: String,
    /// The crate's package name.
    pub(super) name: String,
    pub(super) outcome: Outcome,
    /// The child's wall time; none when the spec was not found.
    pub(super) generation_secs: Option<f64>,
    pub(super) errors: Vec<String>,
    pub(super) warnings: Vec<String>,
    /// What the generator printed on stderr, the diagnostics left out (a panic's backtrace note,
    /// the summary line).
    pub(super) other_stderr: String,
    /// This crate's part of the workspace's `cargo check`, when it ran.
    pub(super) check: Option<CargoStep>,
    /// This crate's part of the workspace's `cargo clippy`, when it ran.
    pub(super) clippy: Option<CargoStep>,
}

impl SpecRun {
    pub(super) fn new(spec: &str, name: String, outcome: Outcome, ended: Option<&Ended>) -> SpecRun {
        let (generation_secs, errors, warnings, stderr) = match ended {
            Some(Ended::Reported(g)) => {
                (Some(g.wall.as_secs_f64()), g.errors.clone(), g.warnings.clone(), g.stderr.as_str())
            }
            Some(Ended::Unreported { wall, stderr, .. }) => {
                (Some(wall.as_secs_f64()), Vec::new(), Vec::new(), stderr.as_str())
            }
            Some(Ended::TimedOut { limit, .. }) => (Some(limit.as_secs_f64()), Vec::new(), Vec::new(), ""),
            None => (None, Vec::new(), Vec::new(), ""),
        };
        let other_stderr = stderr
            .lines()
            .filter(|l| !l.starts_with("error at ") && !l.starts_with("warning at ") && !l.trim().is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        SpecRun {
            spec: spec.to_owned(),
            name,
            outcome,
            generation_secs,
            errors,
            warnings,
            other_stderr,
            check: None,
            clippy: None,
        }
    }

    /// What failed first: the outcome when the crate was not written, else the cargo step.
    pub(super) fn verdict(&self) -> String {
        match (&self.check, &self.clippy) {
            _ if self.outcome != Outcome::Written => self.outcome.cell(),
            (Some(check), _) if !check.ok => "written; `cargo check` FAILED".to_owned(),
            (_, Some(clippy)) if !clippy.ok => "written; `cargo clippy -- -D warnings` FAILED".to_owned(),
            _ => "ok".to_owned(),
        }
    }

    /// True when nothing failed: written, and passed the check and clippy where they ran.
    pub(super) fn passed(&self) -> bool {
        self.outcome == Outcome::Written && [&self.check, &self.clippy].into_iter().flatten().all(|s| s.ok)
    }
}

/// Which cargo passes were asked for.
#[derive(Clone, Copy, Debug)]
pub(super) struct Passes {
    pub(super) check: bool,
    pub(super) clippy: bool,
}

/// A check or clippy cell: `ok, 12.3 s`, `FAILED, 3.1 s: E0119 × 2`, or why it did not run.
pub(super) fn step_cell(step: Option<&CargoStep>, not_run: &str) -> String {
    match step {
        Some(step) if step.ok => format!("ok, {}", secs(step.secs)),
        Some(step) => format!("FAILED, {}: {}", secs(step.secs), step.error_kinds_line()),
        None => not_run.to_owned(),
    }
}

/// The table, one row a spec, in Markdown with aligned columns.
pub(super) fn table(runs: &[SpecRun], passes: Passes) -> String {
    let header = ["spec", "outcome", "errors", "warnings", "generation", "cargo check", "clippy -D warnings"];
    let rows: Vec<[String; 7]> = runs
        .iter()
        .map(|run| {
            let written = run.outcome == Outcome::Written;
            let check_skipped = match (written, passes.check) {
                (false, _) => "–",
                (true, false) => "not run (--no-check)",
                (true, true) => "not run",
            };
            let clippy_skipped = if !written {
                "–"
            } else if !passes.check {
                "not run (--no-check)"
            } else if !passes.clippy {
                "not run (--no-clippy)"
            } else if run.check.as_ref().is_some_and(|c| !c.ok) {
                "not run: check failed"
            } else {
                "not run"
            };
            let found = !matches!(run.outcome, Outcome::NotFound { .. });
            let count = |n: usize| if found { n.to_string() } else { "–".to_owned() };
            [
                format!("`{}`", run.spec),
                run.outcome.cell(),
                count(run.errors.len()),
                count(run.warnings.len()),
                run.generation_secs.map_or_else(|| "–".to_owned(), secs),
                step_cell(run.check.as_ref(), check_skipped),
                step_cell(run.clippy.as_ref(), clippy_skipped),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.replace('|', "\\|").chars().count());
        }
    }
    let line = |cells: &mut dyn Iterator<Item = String>| {
        let padded: Vec<String> = cells.zip(widths).map(|(cell, width)| format!(" {cell:width$} ")).collect();
        format!("|{}|\n", padded.join("|"))
    };
    let mut text = line(&mut header.iter().map(|h| h.to_string()));
    text.push_str(&format!("|{}|\n", widths.map(|w| "-".repeat(w + 2)).join("|")));
    for row in &rows {
        text.push_str(&line(&mut row.iter().map(|cell| cell.replace('|', "\\|"))));
    }
    text
}

/// What a failing spec's log holds: the generator's diagnostics and other output, then the first
/// compiler errors of the check and of clippy.
pub(super) fn log_text(run: &SpecRun, list_dir: &str) -> String {
    let mut text = format!("# {} → {}: {}\n", run.spec, run.name, run.verdict());
    if let Some(detail) = run.outcome.detail() {
        let _ = writeln!(text, "\n{detail}");
    }
    let _ = writeln!(text, "\nspec: {list_dir}/{}", run.spec);
    for (what, lines) in [("errors", &run.errors), ("warnings", &run.warnings)] {
        if !lines.is_empty() {
            let _ = writeln!(text, "\n## The generator's {what} ({})\n\n{}", lines.len(), lines.join("\n"));
        }
    }
    if !run.other_stderr.is_empty() {
        let _ = writeln!(text, "\n## The generator also said\n\n{}", run.other_stderr);
    }
    text.push_str(&compiler_errors(run, 10, "##"));
    text
}

/// The first `n` compiler errors of each failing cargo step of a spec's crate, each step under a
/// heading of this level.
pub(super) fn compiler_errors(run: &SpecRun, n: usize, heading: &str) -> String {
    let mut text = String::new();
    for step in [&run.check, &run.clippy].into_iter().flatten().filter(|s| !s.ok) {
        let _ = writeln!(
            text,
            "\n{heading} `{}`: this crate's first errors (by kind: {})\n\n```text\n{}\n```",
            step.command,
            step.error_kinds_line(),
            step.first_errors(n).trim_end()
        );
    }
    text
}

/// The failures' section and the errors by kind across the corpus, for `summary.md`.
pub(super) fn failures(runs: &[SpecRun]) -> String {
    let mut text = String::new();
    let failing: Vec<&SpecRun> = runs.iter().filter(|r| !r.passed()).collect();
    if failing.is_empty() {
        return text;
    }
    let _ = writeln!(text, "\n## Failures (first errors; all of them in `target/corpus/<crate>.log`)");
    for run in &failing {
        let _ = writeln!(text, "\n### `{}` (`{}`): {}\n", run.spec, run.name, run.verdict());
        if let Some(detail) = run.outcome.detail() {
            let _ = writeln!(text, "{detail}\n");
        }
        for line in run.errors.iter().take(10) {
            let _ = writeln!(text, "- {line}");
        }
        if run.errors.len() > 10 {
            let _ = writeln!(text, "- … {} more", run.errors.len() - 10);
        }
        text.push_str(&compiler_errors(run, 3, "####"));
    }
    // The same kind of error across specs: where to start.
    let mut generator: Kinds = BTreeMap::new();
    let mut compiler: Kinds = BTreeMap::new();
    for run in runs {
        for line in &run.errors {
            *generator.entry(message_kind(line)).or_default().entry(&run.spec).or_default() += 1;
        }
        for step in [&run.check, &run.clippy].into_iter().flatten() {
            for (kind, count) in step.error_kinds() {
                *compiler.entry(kind).or_default().entry(&run.spec).or_default() += count;
            }
        }
    }
    text.push_str(&by_kind("The generator's errors", generator));
    text.push_str(&by_kind("Compiler errors", compiler));
    text
}

/// Errors by kind, then by spec: how many of each.
type Kinds<'a> = BTreeMap<String, BTreeMap<&'a str, usize>>;

/// A section listing `kinds`, the kinds found in the most specs first: `- kind: 369 in 3 specs
/// (linode.com.json 343, openai.com.json 24, telstra.com.json 2)`.
pub(super) fn by_kind(title: &str, kinds: Kinds) -> String {
    if kinds.is_empty() {
        return String::new();
    }
    let total = |specs: &BTreeMap<&str, usize>| specs.values().sum::<usize>();
    let mut kinds: Vec<_> = kinds.into_iter().collect();
    kinds.sort_by(|(a, a_specs), (b, b_specs)| {
        (b_specs.len(), total(b_specs)).cmp(&(a_specs.len(), total(a_specs))).then_with(|| a.cmp(b))
    });
    let mut text = format!("\n## {title} by kind\n\n");
    for (kind, specs) in &kinds {
        let mut counts: Vec<(&&str, &usize)> = specs.iter().collect();
        counts.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        let counts: Vec<String> = counts.iter().map(|(spec, n)| format!("{spec} {n}")).collect();
        let _ = writeln!(
            text,
            "- {kind}: {} in {} ({})",
            total(specs),
            plural(specs.len(), "spec"),
            counts.join(", ")
        );
    }
    text
}

/// `summary.md`: the counts, the table, the timings, then the failures.
pub(super) fn summary(
    runs: &[SpecRun],
    passes: Passes,
    list: &Path,
    api_dir: &str,
    timings: &[(String, f64)],
) -> String {
    let written = runs.iter().filter(|r| r.outcome == Outcome::Written).count();
    let mut counts = format!("{written} of {} specs generate", runs.len());
    for (what, steps) in [
        ("pass `cargo check`", runs.iter().filter_map(|r| r.check.as_ref()).collect::<Vec<_>>()),
        ("pass `cargo clippy -- -D warnings`", runs.iter().filter_map(|r| r.clippy.as_ref()).collect()),
    ] {
        if !steps.is_empty() {
            let _ = write!(counts, "; {} of {} {what}", steps.iter().filter(|s| s.ok).count(), steps.len());
        }
    }
    let mut text = String::from("# The corpus through the generator\n\n");
    let _ = writeln!(
        text,
        "Written by `cargo xtask corpus`: the specs listed in `{}`, from `{PACKAGE}` (`{api_dir}/`); crates in `target/corpus/crates/`, checked as one workspace (`target/corpus/Cargo.toml`, target dir `target/corpus/target`, offline, the repository's `Cargo.lock`).\n",
        shown(list)
    );
    let _ = writeln!(text, "**{counts}.**\n");
    text.push_str(&table(runs, passes));
    let _ = writeln!(
        text,
        "\nGeneration: the release generator's wall time in a child process (timeout {} s). Check and clippy: from cargo's `Checking` line for the crate to its end, in one `cargo … --workspace` run that checks as many crates at a time as the machine has CPUs.\n",
        GENERATION_TIMEOUT.as_secs()
    );
    let _ = writeln!(
        text,
        "Wall time: {}.",
        timings.iter().map(|(what, s)| format!("{what} {}", secs(*s))).collect::<Vec<_>>().join(", ")
    );
    text.push_str(&failures(runs));
    text
}
