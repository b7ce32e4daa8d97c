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
//!    workspace's `Cargo.lock` and their own target directory ([`check_crate`]).
//! 5. A summary table is printed and written to `target/github/summary.md`.
//!
//! The bench harness (`tests/bench/generation.rs`) reuses the download, the measured child and the
//! crate check.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::root;

/// The npm package that publishes GitHub's descriptions, pinned.
pub const PACKAGE: &str = "@octokit/openapi@23.0.2";

/// The file `npm pack` writes for [`PACKAGE`].
pub const TARBALL: &str = "octokit-openapi-23.0.2.tgz";

/// The description of api.github.com (OpenAPI 3.0.3), inside the package's `generated/` folder.
pub const SPEC_FILE: &str = "api.github.com.json";

/// The package name of the crate generated from [`SPEC_FILE`].
pub const CRATE_NAME: &str = "github-api";

/// The hidden task that runs another task and reports its time and peak RSS:
/// `xtask measure generate --spec …`.
pub const MEASURE_TASK: &str = "measure";

/// The prefix of the line (on stderr, last) on which [`measure`] reports.
pub const MEASURE_PREFIX: &str = "xtask-measure: ";

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
    let tools = tools_dir();
    fs::create_dir_all(&tools).map_err(|e| format!("cannot create {}: {e}", tools.display()))?;
    let tarball = tools.join(TARBALL);
    if tarball.is_file() {
        let _ = writeln!(log, "{PACKAGE}: {} already downloaded", shown(&tarball));
    } else {
        let _ = writeln!(log, "{PACKAGE}: npm pack into {}/", shown(&tools));
        let output = Command::new("npm")
            .args(["pack", PACKAGE, "--silent"])
            .current_dir(&tools)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run npm (Node 20+ with npm is needed): {e}"))?;
        if !output.status.success() || !tarball.is_file() {
            return Err(format!(
                "npm pack {PACKAGE} failed ({}):\n{}{}",
                output.status,
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ));
        }
    }
    if let Some(dir) = downloaded() {
        return Ok(dir);
    }
    // Extract next to the final place and rename, so an interrupted extraction never leaves a
    // truncated description that a later run would take as complete.
    let staging = tools.join("extracting");
    let _ = fs::remove_dir_all(&staging);
    fs::create_dir_all(&staging).map_err(|e| format!("cannot create {}: {e}", staging.display()))?;
    let output = Command::new("tar")
        .arg("-xzf")
        .arg(&tarball)
        .arg("-C")
        .arg(&staging)
        .output()
        .map_err(|e| format!("cannot run tar: {e}"))?;
    if !output.status.success() {
        // A damaged download: remove it so that the next run downloads it again.
        let _ = fs::remove_file(&tarball);
        return Err(format!(
            "cannot extract {} (deleted; run again to download it again): {}",
            shown(&tarball),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let package = tools.join("package");
    let _ = fs::remove_dir_all(&package);
    fs::rename(staging.join("package"), &package)
        .map_err(|e| format!("cannot move the extracted package to {}: {e}", package.display()))?;
    let _ = fs::remove_dir_all(&staging);
    let _ = writeln!(log, "{PACKAGE}: extracted into {}/", shown(&package));
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

/// A path as the reader knows it: relative to the repository when inside it.
pub fn shown(path: &Path) -> String {
    path.strip_prefix(root()).unwrap_or(path).display().to_string()
}

// -------------------------------------------------------------------------------------------
// The generator in a child process
// -------------------------------------------------------------------------------------------

/// `xtask measure TASK…`: runs the task, then reports on stderr, as the last line,
/// `xtask-measure: {"exit": …, "secs": …, "peak_rss_kib": …, "cpu_secs": …}`.
///
/// The child reads its own peak RSS (`VmHWM`) because the parent cannot: `wait4`'s `ru_maxrss`
/// starts from the parent's peak when the child is spawned with `vfork` (as `posix_spawn`, and so
/// `std::process::Command`, does), so a parent larger than the generator would hide it.
pub fn measure(args: &[String], stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    let start = Instant::now();
    let code = crate::run(args, stdout, stderr);
    let secs = start.elapsed().as_secs_f64();
    let report = serde_json::json!({
        "exit": code,
        "secs": secs,
        "peak_rss_kib": proc_status_kib("VmHWM"),
        "cpu_secs": cpu_secs(),
    });
    let _ = writeln!(stderr, "{MEASURE_PREFIX}{report}");
    code
}

/// A field of `/proc/self/status` in KiB (`VmHWM` is the peak resident set size).
fn proc_status_kib(field: &str) -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field) && l[field.len()..].starts_with(':'))?;
    line[field.len() + 1..].trim().trim_end_matches("kB").trim().parse().ok()
}

/// CPU time (user + system) this process has used, from `/proc/self/stat` (clock ticks of
/// 1/100 s): unlike wall time, it does not grow when other work shares the machine.
fn cpu_secs() -> Option<f64> {
    let stat = fs::read_to_string("/proc/self/stat").ok()?;
    let (_, after_name) = stat.rsplit_once(')')?;
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// One run of the generator in a child process.
#[derive(Clone, Debug)]
pub struct Generation {
    /// From spawn to exit, as measured by the parent.
    pub wall: Duration,
    /// Inside the child, from the start of the task to its end (reading, generating, writing).
    pub task_secs: Option<f64>,
    /// The child's CPU time (user + system).
    pub cpu_secs: Option<f64>,
    /// The child's own peak RSS (`VmHWM`), in KiB.
    pub peak_rss_kib: Option<u64>,
    /// The task's exit code (0: the crate was written).
    pub exit_code: Option<i32>,
    /// Every `error at <pointer>: …` line, in the order printed.
    pub errors: Vec<String>,
    /// Every `warning at <pointer>: …` line, in the order printed.
    pub warnings: Vec<String>,
    /// What the child printed, the report line left out.
    pub stdout: String,
    /// See `stdout`.
    pub stderr: String,
}

impl Generation {
    /// True when the crate was written.
    pub fn succeeded(&self) -> bool {
        self.exit_code == Some(0)
    }

    /// `written`, `failed (402 errors)`, or why the child failed when it printed no diagnostic.
    pub fn outcome(&self) -> String {
        if self.succeeded() {
            return "written".to_owned();
        }
        if !self.errors.is_empty() {
            return format!("failed ({})", plural(self.errors.len(), "error"));
        }
        let last = self.stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("no output");
        format!("failed (exit {:?}: {last})", self.exit_code)
    }
}

/// Runs `program` (the xtask binary, or any program whose arguments go to `xtask::run`) as
/// `program measure generate --spec SPEC --out OUT --name NAME`, with `timeout` if given, and
/// returns what it reported. A generation that fails is an `Ok` with a non-zero `exit_code`; an
/// `Err` means the child could not be run or measured.
pub fn run_generation(
    mut program: Command,
    spec: &Path,
    out: &Path,
    name: &str,
    timeout: Option<Duration>,
) -> Result<Generation, String> {
    program
        .arg(MEASURE_TASK)
        .arg("generate")
        .arg("--spec")
        .arg(spec)
        .arg("--out")
        .arg(out)
        .args(["--name", name])
        // A client needs the types its operations use; GitHub's description also defines
        // thousands of webhook payloads that none does.
        .arg("--skip-unused-schemas")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let what = format!("{program:?}");
    let start = Instant::now();
    let mut child = program.spawn().map_err(|e| format!("cannot start {what}: {e}"))?;
    let pipe = |r: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut r) = r {
                let _ = r.read_to_end(&mut bytes);
            }
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let stdout = pipe(child.stdout.take().map(|s| Box::new(s) as Box<dyn Read + Send>));
    let stderr = pipe(child.stderr.take().map(|s| Box::new(s) as Box<dyn Read + Send>));
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if timeout.is_some_and(|limit| start.elapsed() > limit) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("{what} did not finish within {timeout:?}"));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(1)),
            Err(e) => return Err(format!("{what}: {e}")),
        }
    };
    let wall = start.elapsed();
    let stdout = stdout.join().unwrap_or_default();
    let mut stderr = stderr.join().unwrap_or_default();
    let report = stderr
        .lines()
        .rev()
        .find_map(|line| line.strip_prefix(MEASURE_PREFIX))
        .and_then(|json| serde_json::from_str::<serde_json::Value>(json).ok());
    let Some(report) = report else {
        return Err(format!("{what} exited ({status}) without its report line:\n{}", tail(&stderr, 10)));
    };
    if let Some(at) = stderr.rfind(MEASURE_PREFIX) {
        stderr.truncate(at);
    }
    let lines_with = |prefix: &str| -> Vec<String> {
        stderr.lines().filter(|l| l.starts_with(prefix)).map(str::to_owned).collect()
    };
    Ok(Generation {
        wall,
        task_secs: report["secs"].as_f64(),
        cpu_secs: report["cpu_secs"].as_f64(),
        peak_rss_kib: report["peak_rss_kib"].as_u64(),
        exit_code: report["exit"].as_i64().and_then(|code| i32::try_from(code).ok()).or(status.code()),
        errors: lines_with("error at "),
        warnings: lines_with("warning at "),
        stdout,
        stderr,
    })
}

/// The last `n` lines of `text`.
pub fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// Diagnostics grouped by kind: the message with every `quoted` name replaced by `…`. Largest
/// group first; within a group, the lines in the order given.
pub fn group(lines: &[String]) -> Vec<(String, Vec<&String>)> {
    let mut groups: BTreeMap<String, Vec<&String>> = BTreeMap::new();
    for line in lines {
        groups.entry(kind(line)).or_default().push(line);
    }
    let mut groups: Vec<(String, Vec<&String>)> = groups.into_iter().collect();
    groups.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
    groups
}

/// `error at /x: field `id` is …` → `field `…` is …`.
fn kind(line: &str) -> String {
    // The pointer is escaped (RFC 6901) and so holds no `: `.
    let message = line.split_once(": ").map_or(line, |(_, message)| message);
    let mut kind = String::new();
    for (index, part) in message.split('`').enumerate() {
        kind.push_str(if index % 2 == 1 { "`…`" } else { part });
    }
    kind
}

/// Prints diagnostics grouped by kind, every line of every group.
fn print_groups(out: &mut dyn Write, what: &str, lines: &[String]) {
    if lines.is_empty() {
        let _ = writeln!(out, "\nno {what}s");
        return;
    }
    let groups = group(lines);
    let _ = writeln!(out, "\n{} ({} kinds):", plural(lines.len(), what), groups.len());
    for (kind, members) in &groups {
        let _ = writeln!(out, "\n  {} × {kind}", members.len());
        for line in members {
            let _ = writeln!(out, "    {line}");
        }
    }
}

/// `1 error`, `2 errors`.
pub fn plural(count: usize, word: &str) -> String {
    format!("{count} {word}{}", if count == 1 { "" } else { "s" })
}

// -------------------------------------------------------------------------------------------
// The generated crate
// -------------------------------------------------------------------------------------------

/// What a generated crate holds.
#[derive(Clone, Debug, Default)]
pub struct CrateSize {
    /// Operations in its recorded API surface (`api-surface.json`).
    pub operations: Option<usize>,
    /// Types in its recorded API surface.
    pub types: Option<usize>,
    /// Files written.
    pub files: usize,
    /// Lines of Rust (`*.rs`).
    pub rust_lines: usize,
    /// Bytes of every file.
    pub bytes: u64,
}

/// Counts what the generator wrote into `dir` (the `target/` folder left out).
pub fn crate_size(dir: &Path) -> CrateSize {
    let surface = fs::read_to_string(dir.join(crate::SURFACE_FILE))
        .ok()
        .and_then(|text| serde_json::from_str::<codegen::surface::Surface>(&text).ok());
    let mut size = CrateSize {
        operations: surface.as_ref().map(|s| s.operations.len()),
        types: surface.as_ref().map(|s| s.types.len()),
        ..CrateSize::default()
    };
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        for path in entries.filter_map(|entry| entry.ok().map(|e| e.path())) {
            if path.is_dir() {
                if path.file_name().is_some_and(|name| name != "target") {
                    pending.push(path);
                }
                continue;
            }
            size.files += 1;
            size.bytes += fs::metadata(&path).map_or(0, |m| m.len());
            if path.extension().is_some_and(|ext| ext == "rs") {
                size.rust_lines += fs::read_to_string(&path).map_or(0, |text| text.lines().count());
            }
        }
    }
    size
}

/// Makes a generated crate under the repository checkable on its own: an empty `[workspace]`
/// table (else Cargo takes it for a member of the repository's workspace) and a copy of the
/// workspace's `Cargo.lock` (the same dependency versions, so `--offline` finds them all).
pub fn prepare_crate(dir: &Path) -> Result<(), String> {
    let manifest = dir.join("Cargo.toml");
    let text =
        fs::read_to_string(&manifest).map_err(|e| format!("cannot read {}: {e}", manifest.display()))?;
    if !text.lines().any(|line| line.trim() == "[workspace]") {
        let patched = format!(
            "{}\n# Added by `cargo xtask github`: a workspace of its own, apart from the repository's.\n[workspace]\n",
            text.trim_end()
        );
        fs::write(&manifest, patched).map_err(|e| format!("cannot write {}: {e}", manifest.display()))?;
    }
    fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock"))
        .map_err(|e| format!("cannot copy Cargo.lock into {}: {e}", dir.display()))?;
    Ok(())
}

/// One cargo command on the generated crate.
#[derive(Clone, Debug)]
pub struct CargoStep {
    /// What ran, e.g. `cargo clippy --offline -- -D warnings`.
    pub command: String,
    /// Its wall time.
    pub secs: f64,
    /// True when it exited 0.
    pub ok: bool,
    /// Its stderr (cargo's progress and the compiler's messages).
    pub stderr: String,
}

impl CargoStep {
    /// The compiler's error messages, each from its `error…` line to the next blank line.
    fn error_blocks(&self) -> Vec<String> {
        let mut blocks: Vec<String> = Vec::new();
        let mut current: Option<String> = None;
        for line in self.stderr.lines() {
            if line.starts_with("error") && current.is_none() {
                current = Some(String::new());
            }
            if let Some(block) = current.as_mut() {
                if line.trim().is_empty() {
                    blocks.push(std::mem::take(block));
                    current = None;
                } else {
                    block.push_str(line);
                    block.push('\n');
                }
            }
        }
        blocks.extend(current);
        blocks
    }

    /// The errors by kind, most frequent first: the clippy lint (`clippy::redundant_field_names`),
    /// else the error code (`E0412`), else the message with names left out
    /// (`unused import: `…``).
    pub fn error_kinds(&self) -> Vec<(String, usize)> {
        let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
        for block in self.error_blocks() {
            let first = block.lines().next().unwrap_or_default();
            if first.starts_with("error: could not compile") || first.starts_with("error: aborting") {
                continue;
            }
            let lint = block.split("index.html#").nth(1).map(|rest| {
                let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                format!("clippy::{name}")
            });
            let code = first
                .strip_prefix("error[")
                .and_then(|rest| rest.split_once(']'))
                .map(|(code, _)| code.to_owned());
            let kind = lint.or(code).unwrap_or_else(|| kind(first).chars().take(80).collect());
            *kinds.entry(kind).or_default() += 1;
        }
        let mut kinds: Vec<(String, usize)> = kinds.into_iter().collect();
        kinds.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        kinds
    }

    /// `clippy::redundant_field_names × 300, E0412 × 2, …`
    pub fn error_kinds_line(&self) -> String {
        self.error_kinds().iter().map(|(kind, n)| format!("{kind} × {n}")).collect::<Vec<_>>().join(", ")
    }

    /// The first `n` compiler messages that are errors (`error…` up to the next blank line), and
    /// cargo's closing line; or the output's tail when there is no such message.
    pub fn first_errors(&self, n: usize) -> String {
        let blocks = self.error_blocks();
        if blocks.is_empty() {
            return tail(&self.stderr, 20);
        }
        let closing = blocks.iter().rev().find(|b| b.starts_with("error: could not compile")).cloned();
        let mut text: String = blocks.iter().take(n).map(|b| format!("{b}\n")).collect();
        if let Some(closing) = closing.filter(|c| !text.contains(c.as_str())) {
            text.push_str(&closing);
        }
        text
    }
}

/// Runs `cargo ARGS --offline` in `dir` with `CARGO_TARGET_DIR=target_dir`, timed.
pub fn cargo(dir: &Path, target_dir: &Path, args: &[&str]) -> Result<CargoStep, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    // `--offline` goes before a `--` that passes arguments on to the compiler.
    let (ours, passed) = args.split_at(args.iter().position(|a| *a == "--").unwrap_or(args.len()));
    let mut command = Command::new(&cargo);
    command
        .args(ours)
        .arg("--offline")
        .args(passed)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target_dir)
        .env("CARGO_TERM_COLOR", "never")
        .stdin(Stdio::null());
    let shown_command = format!(
        "cargo {} --offline{}",
        ours.join(" "),
        passed.iter().map(|a| format!(" {a}")).collect::<String>()
    );
    let start = Instant::now();
    let output = command.output().map_err(|e| format!("cannot run {cargo}: {e}"))?;
    Ok(CargoStep {
        command: shown_command,
        secs: start.elapsed().as_secs_f64(),
        ok: output.status.success(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    })
}

/// The cargo commands run on a generated crate.
#[derive(Clone, Debug)]
pub struct Checked {
    /// `cargo check -p …` of the crate's dependencies alone (near zero once compiled). When it
    /// fails (say, a dependency name that is ambiguous in the lock file), the check below
    /// compiles them instead and decides.
    pub dependencies: CargoStep,
    /// `cargo check` of the crate alone (its previous artifacts removed first).
    pub check: CargoStep,
    /// `cargo clippy -- -D warnings`, when asked for and the check passed.
    pub clippy: Option<CargoStep>,
}

/// Checks the generated crate in `dir` ([`prepare_crate`] first): its dependencies on their own,
/// so that the crate's time is its own, then the crate from scratch, then clippy if `clippy`.
pub fn check_crate(dir: &Path, target_dir: &Path, clippy: bool) -> Result<Checked, String> {
    prepare_crate(dir)?;
    let manifest = fs::read_to_string(dir.join("Cargo.toml")).unwrap_or_default();
    let mut args = vec!["check".to_owned(), "--quiet".to_owned()];
    for dependency in dependencies(&manifest) {
        args.push("-p".to_owned());
        args.push(dependency);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let dependencies = cargo(dir, target_dir, &args)?;
    let name = package_name(&manifest).unwrap_or_else(|| CRATE_NAME.to_owned());
    let clean = cargo(dir, target_dir, &["clean", "--quiet", "-p", &name])?;
    if !clean.ok {
        return Err(format!("{} failed:\n{}", clean.command, clean.stderr));
    }
    let check = cargo(dir, target_dir, &["check", "--quiet"])?;
    let clippy = (clippy && check.ok)
        .then(|| cargo(dir, target_dir, &["clippy", "--quiet", "--", "-D", "warnings"]))
        .transpose()?;
    Ok(Checked { dependencies, check, clippy })
}

/// The keys of a manifest's `[dependencies]` table.
fn dependencies(manifest: &str) -> Vec<String> {
    let mut in_table = false;
    let mut names = Vec::new();
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_table = line == "[dependencies]";
        } else if in_table {
            if let Some((key, _)) = line.split_once('=').filter(|_| !line.starts_with('#')) {
                names.push(key.trim().trim_matches('"').to_owned());
            }
        }
    }
    names
}

/// The manifest's `package.name`.
fn package_name(manifest: &str) -> Option<String> {
    let mut in_package = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if let Some(value) = line.strip_prefix("name").filter(|_| in_package) {
            return Some(value.trim_start().strip_prefix('=')?.trim().trim_matches('"').to_owned());
        }
    }
    None
}

// -------------------------------------------------------------------------------------------
// `cargo xtask github`
// -------------------------------------------------------------------------------------------

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

/// Builds the release `xtask` binary (a no-op when fresh) and returns its path, so that the
/// generator measured is the optimised one whatever profile runs this task.
fn release_xtask() -> Result<PathBuf, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = Command::new(&cargo)
        .current_dir(root())
        .args(["build", "--release", "--quiet", "-p", "xtask", "--bin", "xtask"])
        .status()
        .map_err(|e| format!("cannot run {cargo}: {e}"))?;
    if !status.success() {
        return Err(format!("cargo build --release -p xtask failed ({status})"));
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|dir| if dir.is_absolute() { dir } else { root().join(dir) })
        .unwrap_or_else(|| root().join("target"));
    let exe = target.join("release").join(format!("xtask{}", std::env::consts::EXE_SUFFIX));
    exe.is_file().then_some(exe.clone()).ok_or_else(|| format!("no {} after the build", exe.display()))
}

const USAGE: &str = "usage: cargo xtask github [--no-clippy]

Downloads GitHub's description (npm pack @octokit/openapi@23.0.2 into .tools/github/, once),
generates target/github/github-api/ from api.github.com.json with the release generator, prints
every diagnostic grouped by kind, runs cargo check and cargo clippy -D warnings on the crate
(offline, target dir target/github/target), and writes target/github/summary.md.
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
    let xtask = release_xtask()?;
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
    let checked = if generation.succeeded() {
        let _ = writeln!(out, "\nchecking {}/ (cargo check, then clippy; offline)", shown(&crate_dir));
        Some(check_crate(&crate_dir, &check_target_dir(), clippy)?)
    } else {
        None
    };
    if let Some(checked) = &checked {
        let steps = [
            ("dependencies", Some(&checked.dependencies)),
            ("check", Some(&checked.check)),
            ("clippy", checked.clippy.as_ref()),
        ];
        for (name, step) in steps {
            let Some(step) = step else { continue };
            // The whole output, for the errors past the first ten.
            let log = work.join(format!("{name}.log"));
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
        checked.as_ref().and_then(|c| {
            [Some(&c.check), c.clippy.as_ref()]
                .into_iter()
                .flatten()
                .find(|s| !s.ok)
                .map(|s| format!("`{}`", s.command))
        })
    };
    let ok = failed.is_none();
    let summary =
        summary(&spec, &facts, &generation, &size, checked.as_ref(), clippy, failed, started.elapsed());
    let path = work.join("summary.md");
    fs::write(&path, &summary).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let _ = writeln!(out, "\n{summary}\nwrote {}", shown(&path));
    Ok(ok)
}

fn secs(secs: f64) -> String {
    if secs < 10.0 {
        format!("{secs:.2} s")
    } else {
        format!("{secs:.1} s")
    }
}

/// The summary: a table, then the diagnostics by kind.
#[allow(clippy::too_many_arguments)]
fn summary(
    spec: &Path,
    facts: &SpecFacts,
    generation: &Generation,
    size: &CrateSize,
    checked: Option<&Checked>,
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
    } else if checked.is_some() {
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
        ("dependencies check", step(checked.map(|c| &c.dependencies), not_run) + " (0 once compiled)"),
        ("cargo check (the crate alone)", step(checked.map(|c| &c.check), not_run)),
        ("cargo clippy -- -D warnings", step(checked.and_then(|c| c.clippy.as_ref()), clippy_skipped)),
    ];
    // Cargo's own verdict when a step failed, e.g. "could not compile … due to 12 previous errors".
    let failures: Vec<String> = checked
        .into_iter()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostics_group_by_message_with_names_left_out() {
        let lines: Vec<String> = [
            "error at /a: `x` is defined differently by two `allOf` members; make them agree",
            "error at /b: optional request bodies are not supported yet",
            "error at /c: `y` is defined differently by two `allOf` members; make them agree",
        ]
        .map(str::to_owned)
        .to_vec();
        let groups = group(&lines);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].0, "`…` is defined differently by two `…` members; make them agree");
        assert_eq!(groups[0].1, [&lines[0], &lines[2]]);
        assert_eq!(groups[1].1, [&lines[1]]);
    }

    #[test]
    fn manifest_dependencies_and_name_are_read() {
        let manifest = "# header\n[package]\nname = \"github-api\"\nversion = \"0.1.0\"\n\n[dependencies]\nbytes = \"1\"\nserde = { version = \"1\" }\n\n[dev-dependencies]\nx = \"1\"\n";
        assert_eq!(dependencies(manifest), ["bytes", "serde"]);
        assert_eq!(package_name(manifest).as_deref(), Some("github-api"));
    }

    #[test]
    fn first_errors_are_whole_messages() {
        let step = CargoStep {
            command: "cargo check".into(),
            secs: 1.0,
            ok: false,
            stderr: "    Checking x\nerror[E0412]: cannot find type `A`\n --> src/lib.rs:1:1\n\nwarning: unused\n\nerror: could not compile `x` (lib) due to 1 previous error\n".into(),
        };
        let text = step.first_errors(5);
        assert!(text.starts_with("error[E0412]: cannot find type `A`\n --> src/lib.rs:1:1\n"), "{text}");
        assert!(text.contains("could not compile"), "{text}");
        assert!(!text.contains("warning"), "{text}");
        assert_eq!(step.error_kinds(), [("E0412".to_owned(), 1)]);
    }

    #[test]
    fn clippy_errors_are_counted_by_lint() {
        let block = "error: redundant field names\n  --> src/a.rs:1:1\n   = help: for further information visit https://rust-lang.github.io/rust-clippy/rust-1.95.0/index.html#redundant_field_names\n\n";
        let step = CargoStep {
            command: "cargo clippy".into(),
            secs: 1.0,
            ok: false,
            stderr: format!("{block}{block}error: could not compile `x` (lib) due to 2 previous errors\n"),
        };
        assert_eq!(step.error_kinds_line(), "clippy::redundant_field_names × 2");
        let unused = CargoStep {
            stderr: "error: unused import: `a::B`\n\nerror: unused import: `c::D`\n".into(),
            ..step
        };
        assert_eq!(unused.error_kinds(), [("unused import: `…`".to_owned(), 2)]);
    }
}
