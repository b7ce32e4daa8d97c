//! `cargo xtask github`: GitHub's published OpenAPI description through the generator, as a
//! repeatable test at scale.
//!
//! 1. [`fetch`] downloads `@octokit/openapi` with `npm pack` into `.tools/github/` (git-ignored)
//!    and extracts it, once.
//! 2. The release `xtask` binary generates `target/github/github-api/` from
//!    `api.github.com.json` in a child process ([`run_generation`]), which reports its own wall
//!    time and peak RSS.
//! 3. Every diagnostic is printed, grouped by kind ([`group`]).
//! 4. `cargo check` and `cargo clippy -- -D warnings` run on the written crate, offline, with the
//!    workspace's `Cargo.lock` and their own target directory ([`check_crate`]): with every
//!    feature, then with the largest group of operations alone ([`SELECTIONS`]).
//! 5. A summary table is printed and written to `target/github/summary.md`.
//!
//! This module holds GitHub's package and the command; downloading it is [`crate::npm`]'s job,
//! measuring the child [`crate::measure`]'s, checking the crate [`crate::generated_crate`]'s.
//! The bench harness (`tests/bench/generation.rs`) reuses the download, the measured child and
//! the crate check, and imports them all from here, hence the re-exports below.

use std::fmt::Write as _;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

pub use crate::generated_crate::{
    cargo, cargo_command, check_crate, compile_dependencies, crate_size, prepare_crate, CargoStep, Checked,
    CrateSize,
};
pub use crate::measure::{
    measure, run_generation, run_generation_with, Generation, MEASURE_PREFIX, MEASURE_TASK,
};
pub use crate::paths::shown;
pub use crate::text::{group, plural, tail};

use crate::measure::release_generator;
use crate::npm;
use crate::paths::root;
use crate::text::{print_groups, secs};

/// The npm package that publishes GitHub's descriptions, pinned.
pub const PACKAGE: &str = "@octokit/openapi@23.0.2";

/// The file `npm pack` writes for [`PACKAGE`].
pub const TARBALL: &str = "octokit-openapi-23.0.2.tgz";

const NPM_PACKAGE: npm::Package = npm::Package { spec: PACKAGE, tarball: TARBALL };

/// The description of api.github.com (OpenAPI 3.0.3), inside the package's `generated/` folder.
pub const SPEC_FILE: &str = "api.github.com.json";

/// The package name of the crate generated from [`SPEC_FILE`].
pub const CRATE_NAME: &str = "github-api";

/// Where the package is downloaded and extracted (`.tools/github/`, git-ignored).
pub fn tools_dir() -> PathBuf {
    root().join(".tools").join("github")
}

/// The package's `generated/` folder, holding every description it publishes.
pub fn specs_dir() -> PathBuf {
    tools_dir().join("package").join("generated")
}

/// Where `cargo xtask github` writes: the crate, its target directory and `summary.md`.
pub fn work_dir() -> PathBuf {
    root().join("target").join("github")
}

/// The target directory the GitHub crate is checked in, apart from the workspace's so that a
/// check never waits for the workspace's build lock.
pub fn check_target_dir() -> PathBuf {
    work_dir().join("target")
}

/// The package's `generated/` folder when it was already downloaded and extracted; never touches
/// the network.
pub fn downloaded() -> Option<PathBuf> {
    let dir = specs_dir();
    dir.join(SPEC_FILE).is_file().then_some(dir)
}

/// Downloads [`PACKAGE`] with `npm pack` into [`tools_dir`] unless the tarball is already there,
/// extracts it unless already extracted, and returns its `generated/` folder. Progress goes to
/// `log`.
pub fn fetch(log: &mut dyn Write) -> Result<PathBuf, String> {
    NPM_PACKAGE.fetch(&tools_dir(), log)?;
    downloaded().ok_or_else(|| format!("{TARBALL} has no package/generated/{SPEC_FILE}"))
}

/// Every description in the package's `generated/` folder (`*.json`), by name.
pub fn spec_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    Ok(files)
}

/// What the description holds, read from its JSON.
struct SpecFacts {
    bytes: u64,
    openapi: String,
    paths: usize,
    operations: usize,
}

fn spec_facts(spec: &Path) -> Result<SpecFacts, String> {
    let bytes = fs::read(spec).map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let document: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| format!("{} is not JSON: {e}", spec.display()))?;
    let paths = document["paths"].as_object();
    let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
    let operations = paths.map_or(0, |paths| {
        paths.values().map(|item| methods.iter().filter(|m| item.get(**m).is_some()).count()).sum()
    });
    Ok(SpecFacts {
        bytes: bytes.len() as u64,
        openapi: document["openapi"].as_str().unwrap_or("?").to_owned(),
        paths: paths.map_or(0, serde_json::Map::len),
        operations,
    })
}

const USAGE: &str = "usage: cargo xtask github [--no-clippy]

Downloads GitHub's description (npm pack @octokit/openapi@23.0.2 into .tools/github/, once),
generates target/github/github-api/ from api.github.com.json with the release generator, prints
every diagnostic grouped by kind, runs cargo check and cargo clippy -D warnings on the crate
with all features, then with the `repos` feature alone (offline, target dir
target/github/target), and writes target/github/summary.md.
Exits 1 when generation, check or clippy fails.";

/// `cargo xtask github [--no-clippy]`.
pub fn github(args: &[String], stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    let mut clippy = true;
    for arg in args {
        match arg.as_str() {
            "--no-clippy" => clippy = false,
            "-h" | "--help" => {
                let _ = writeln!(stdout, "{USAGE}");
                return 0;
            }
            other => {
                let _ = writeln!(stderr, "unknown option `{other}`\n\n{USAGE}");
                return 2;
            }
        }
    }
    match github_run(clippy, stdout) {
        Ok(true) => 0,
        Ok(false) => 1,
        Err(error) => {
            let _ = writeln!(stderr, "github: {error}");
            1
        }
    }
}

/// The task's steps; `Ok(false)` when generation, check or clippy failed (the summary is still
/// written).
fn github_run(clippy: bool, out: &mut dyn Write) -> Result<bool, String> {
    let started = Instant::now();
    let specs = fetch(out)?;
    let spec = specs.join(SPEC_FILE);
    let work = work_dir();
    let crate_dir = work.join(CRATE_NAME);
    // A fresh directory each time: the same command gives the same crate (no change report
    // against an earlier run, version 0.1.0), and nothing stale survives a failed generation.
    if crate_dir.exists() {
        fs::remove_dir_all(&crate_dir).map_err(|e| format!("cannot remove {}: {e}", crate_dir.display()))?;
    }
    fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;

    let _ = writeln!(out, "building the release generator (cargo build --release -p xtask)");
    let xtask = release_generator()?;
    let _ = writeln!(out, "generating {}/ from {}", shown(&crate_dir), shown(&spec));
    let generation = run_generation(Command::new(&xtask), &spec, &crate_dir, CRATE_NAME, None)?;
    let facts = spec_facts(&spec)?;

    print_groups(out, "error", &generation.errors);
    print_groups(out, "warning", &generation.warnings);
    let other: Vec<&str> = generation
        .stderr
        .lines()
        .filter(|l| !l.starts_with("error at ") && !l.starts_with("warning at ") && !l.trim().is_empty())
        .collect();
    if !other.is_empty() {
        let _ = writeln!(out, "\nthe generator also said:\n{}", other.join("\n"));
    }
    let _ = writeln!(out, "{}", generation.stdout.trim_end());

    let size = crate_size(&crate_dir);
    // Every feature (every group of operations and the command-line tool), then one group alone:
    // the two ways a user compiles the crate. `checks[i]` is `SELECTIONS[i]`'s, up to the first
    // that failed.
    let mut checks: Vec<Checked> = Vec::new();
    if generation.succeeded() {
        for selection in SELECTIONS {
            let _ = writeln!(
                out,
                "\nchecking {}/ with {} (cargo check, then clippy; offline)",
                shown(&crate_dir),
                selection.label
            );
            let checked = check_crate(&crate_dir, &check_target_dir(), clippy, selection.args)?;
            let failed = !checked.check.ok || checked.clippy.as_ref().is_some_and(|step| !step.ok);
            checks.push(checked);
            if failed {
                break;
            }
        }
    }
    for (selection, checked) in SELECTIONS.iter().zip(&checks) {
        let steps = [
            ("dependencies", Some(&checked.dependencies)),
            ("check", Some(&checked.check)),
            ("clippy", checked.clippy.as_ref()),
        ];
        for (name, step) in steps {
            let Some(step) = step else { continue };
            // The whole output, for the errors past the first ten.
            let log = work.join(format!("{name}-{}.log", selection.file_suffix));
            let _ = fs::write(&log, format!("$ {}\n{}", step.command, step.stderr));
            if !step.ok {
                let _ = writeln!(
                    out,
                    "\n{} FAILED ({}; all of it in {}); its first errors:\n\n{}",
                    step.command,
                    step.error_kinds_line(),
                    shown(&log),
                    step.first_errors(10)
                );
            }
        }
    }

    let failed = if !generation.succeeded() {
        Some(format!("generation {}", generation.outcome()))
    } else {
        checks.iter().find_map(|c| {
            [Some(&c.check), c.clippy.as_ref()]
                .into_iter()
                .flatten()
                .find(|s| !s.ok)
                .map(|s| format!("`{}`", s.command))
        })
    };
    let ok = failed.is_none();
    let summary = summary(&spec, &facts, &generation, &size, &checks, clippy, failed, started.elapsed());
    let path = work.join("summary.md");
    fs::write(&path, &summary).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let _ = writeln!(out, "\n{summary}\nwrote {}", shown(&path));
    Ok(ok)
}

/// A choice of the crate's features to check it with.
pub struct Selection {
    /// How the summary names it.
    pub label: &'static str,
    /// Cargo's arguments for it.
    pub args: &'static [&'static str],
    /// What its log files are named after.
    pub file_suffix: &'static str,
}

/// The largest group of GitHub's operations (tag `repos`).
pub const LARGEST_GROUP: &str = "repos";

/// What the crate is checked with: every feature, and the largest group alone.
pub const SELECTIONS: [Selection; 2] = [
    Selection { label: "all features", args: &["--all-features"], file_suffix: "all-features" },
    Selection {
        label: "tag `repos` only",
        args: &["--no-default-features", "--features", LARGEST_GROUP],
        file_suffix: "repos",
    },
];

/// The summary: a table, then the diagnostics by kind.
#[allow(clippy::too_many_arguments)]
fn summary(
    spec: &Path,
    facts: &SpecFacts,
    generation: &Generation,
    size: &CrateSize,
    checks: &[Checked],
    clippy: bool,
    failed: Option<String>,
    elapsed: Duration,
) -> String {
    let count = |n: Option<usize>| n.map_or_else(|| "–".to_owned(), |n| n.to_string());
    let not_run = if generation.succeeded() { "not run" } else { "not run: generation failed" };
    let step = |step: Option<&CargoStep>, skipped: &str| match step {
        Some(step) if step.ok => secs(step.secs),
        Some(step) => format!("FAILED after {}", secs(step.secs)),
        None => skipped.to_owned(),
    };
    let clippy_skipped = if !clippy {
        "not run (--no-clippy)"
    } else if !checks.is_empty() {
        "not run: cargo check failed"
    } else {
        not_run
    };
    let rows: Vec<(&str, String)> = vec![
        ("outcome", failed.map_or_else(|| "ok".to_owned(), |what| format!("FAILED: {what}"))),
        (
            "generation wall time",
            format!(
                "{} (child process; {} inside the task, {} of CPU)",
                secs(generation.wall.as_secs_f64()),
                generation.task_secs.map_or_else(|| "?".to_owned(), secs),
                generation.cpu_secs.map_or_else(|| "?".to_owned(), secs)
            ),
        ),
        (
            "generator peak RSS",
            generation.peak_rss_kib.map_or_else(
                || "?".to_owned(),
                |kib| format!("{:.1} MiB (VmHWM of the child)", kib as f64 / 1024.0),
            ),
        ),
        ("errors", generation.errors.len().to_string()),
        ("warnings", generation.warnings.len().to_string()),
        ("operations generated", format!("{} (the spec has {})", count(size.operations), facts.operations)),
        ("types generated", count(size.types)),
        (
            "generated code",
            if size.files == 0 {
                "nothing written".to_owned()
            } else {
                format!(
                    "{} lines of Rust; {} files, {:.1} MB",
                    size.rust_lines,
                    size.files,
                    size.bytes as f64 / 1e6
                )
            },
        ),
    ];
    let mut rows: Vec<(String, String)> =
        rows.into_iter().map(|(name, value)| (name.to_owned(), value)).collect();
    for (at, selection) in SELECTIONS.iter().enumerate() {
        let checked = checks.get(at);
        let skipped = if checks.is_empty() { not_run } else { "not run: an earlier step failed" };
        let label = selection.label;
        rows.push((
            format!("dependencies check, {label}"),
            step(checked.map(|c| &c.dependencies), skipped) + " (0 once compiled)",
        ));
        rows.push((
            format!("cargo check, {label} (the crate alone)"),
            step(checked.map(|c| &c.check), skipped),
        ));
        let clippy_skipped = if checked.is_some() { clippy_skipped } else { skipped };
        rows.push((
            format!("cargo clippy -D warnings, {label}"),
            step(checked.and_then(|c| c.clippy.as_ref()), clippy_skipped),
        ));
    }
    // Cargo's own verdict when a step failed, e.g. "could not compile … due to 12 previous errors".
    let failures: Vec<String> = checks
        .iter()
        .flat_map(|c| [Some(&c.dependencies), Some(&c.check), c.clippy.as_ref()])
        .flatten()
        .filter(|s| !s.ok)
        .map(|s| {
            let verdict = s.stderr.lines().rev().find(|l| l.starts_with("error")).unwrap_or("failed");
            format!("- `{}`: {verdict}; by kind: {}\n", s.command, s.error_kinds_line())
        })
        .collect();

    let mut text = String::new();
    let _ = writeln!(text, "# GitHub's description through the generator\n");
    let _ = writeln!(
        text,
        "Written by `cargo xtask github` ({} in all). Spec: `{}` from `{PACKAGE}` ({:.1} MB, OpenAPI {}, {} paths, {} operations); crate: `{}`.\n",
        secs(elapsed.as_secs_f64()),
        shown(spec),
        facts.bytes as f64 / 1e6,
        facts.openapi,
        facts.paths,
        facts.operations,
        shown(&work_dir().join(CRATE_NAME)),
    );
    let width = rows.iter().map(|(name, _)| name.chars().count()).max().unwrap_or(0);
    let _ = writeln!(text, "| {:width$} | value |", "measurement");
    let _ = writeln!(text, "|{}|-------|", "-".repeat(width + 2));
    for (name, value) in &rows {
        let _ = writeln!(text, "| {name:width$} | {} |", value.replace('|', "\\|"));
    }
    if !failures.is_empty() {
        let _ = writeln!(text, "\nFailed steps:\n\n{}", failures.concat().trim_end());
    }
    for (what, lines) in [("Errors", &generation.errors), ("Warnings", &generation.warnings)] {
        if lines.is_empty() {
            continue;
        }
        let _ = writeln!(text, "\n{what} by kind (count, kind, first place):\n");
        for (kind, members) in group(lines) {
            let first = members[0].split_once(": ").map_or(members[0].as_str(), |(at, _)| at);
            let _ = writeln!(text, "- {} × {kind} ({first})", members.len());
        }
    }
    text
}
