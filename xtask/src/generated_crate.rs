//! A generated crate on disk: what it holds ([`crate_size`]) and whether it compiles on its own
//! ([`check_crate`]: `cargo check`, then `cargo clippy`, offline, in a target directory of its
//! own), with the compiler's errors counted by kind ([`CargoStep`]). Used by `cargo xtask github`
//! and by the bench harness (`tests/bench/generation.rs`).

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::generate::SURFACE_FILE;
use crate::paths::root;
use crate::text::{message_kind, tail};

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
    let surface = fs::read_to_string(dir.join(SURFACE_FILE))
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
            let kind = lint.or(code).unwrap_or_else(|| message_kind(first).chars().take(80).collect());
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
    let (mut command, shown_command) = cargo_command(dir, target_dir, args);
    let start = Instant::now();
    let output = command.output().map_err(|e| format!("cannot run {shown_command}: {e}"))?;
    Ok(CargoStep {
        command: shown_command,
        secs: start.elapsed().as_secs_f64(),
        ok: output.status.success(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    })
}

/// The command `cargo ARGS --offline`, in `dir`, with `CARGO_TARGET_DIR=target_dir`, not started;
/// and how it is shown to a reader (`cargo clippy --offline -- -D warnings`).
pub fn cargo_command(dir: &Path, target_dir: &Path, args: &[&str]) -> (Command, String) {
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
    (command, shown_command)
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
/// `features` selects the crate's features for the check and clippy (`["--all-features"]`,
/// `["--no-default-features", "--features", "repos"]`; none: its defaults).
pub fn check_crate(
    dir: &Path,
    target_dir: &Path,
    clippy: bool,
    features: &[&str],
) -> Result<Checked, String> {
    prepare_crate(dir)?;
    let manifest = fs::read_to_string(dir.join("Cargo.toml")).unwrap_or_default();
    let dependencies = compile_dependencies(dir, target_dir, &[&["check", "--quiet"], features].concat())?;
    // Every manifest the generator writes names its package; one that does not is no crate of ours.
    let name = package_name(&manifest)
        .ok_or_else(|| format!("{} names no package", dir.join("Cargo.toml").display()))?;
    let clean = cargo(dir, target_dir, &["clean", "--quiet", "-p", &name])?;
    if !clean.ok {
        return Err(format!("{} failed:\n{}", clean.command, clean.stderr));
    }
    let check = cargo(dir, target_dir, &[&["check", "--quiet"], features].concat())?;
    let clippy = (clippy && check.ok)
        .then(|| {
            cargo(dir, target_dir, &[&["clippy", "--quiet"], features, &["--", "-D", "warnings"]].concat())
        })
        .transpose()?;
    Ok(Checked { dependencies, check, clippy })
}

/// Compiles the dependencies of the crate in `dir` (prepared) with `args` (`check --quiet
/// --all-features`), and nothing of the crate itself, so that a later step's time is the
/// crate's alone: a copy of its manifest with an empty library (and no binaries) is compiled in
/// `<dir>.deps/`, into the same target directory, where the dependencies' artifacts are the
/// same (their features come from the same manifest and arguments).
pub fn compile_dependencies(dir: &Path, target_dir: &Path, args: &[&str]) -> Result<CargoStep, String> {
    let manifest = fs::read_to_string(dir.join("Cargo.toml"))
        .map_err(|e| format!("cannot read {}: {e}", dir.join("Cargo.toml").display()))?;
    let deps_dir = dir.with_extension("deps");
    let src = deps_dir.join("src");
    fs::create_dir_all(&src).map_err(|e| format!("cannot create {}: {e}", src.display()))?;
    fs::write(deps_dir.join("Cargo.toml"), without_binaries(&manifest))
        .and_then(|()| fs::write(src.join("lib.rs"), "//! Nothing: only the dependencies are compiled.\n"))
        .and_then(|()| fs::copy(root().join("Cargo.lock"), deps_dir.join("Cargo.lock")).map(drop))
        .map_err(|e| format!("cannot write {}: {e}", deps_dir.display()))?;
    cargo(&deps_dir, target_dir, args)
}

/// A manifest without its `[[bin]]` tables.
fn without_binaries(manifest: &str) -> String {
    let mut kept = String::new();
    let mut in_bin = false;
    for line in manifest.lines() {
        if line.trim_start().starts_with('[') {
            in_bin = line.trim() == "[[bin]]";
        }
        if !in_bin {
            kept.push_str(line);
            kept.push('\n');
        }
    }
    kept
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_is_read_and_binaries_are_left_out_of_the_dependencies_manifest() {
        let manifest = "# header\n[package]\nname = \"github-api\"\nversion = \"0.1.0\"\n\n[dependencies]\nbytes = \"1\"\n\n[[bin]]\nname = \"github-api\"\npath = \"src/bin/github-api.rs\"\n\n[package.metadata.docs.rs]\nall-features = true\n";
        assert_eq!(package_name(manifest).as_deref(), Some("github-api"));
        let kept = without_binaries(manifest);
        assert!(!kept.contains("[[bin]]") && !kept.contains("src/bin"), "{kept}");
        assert!(
            kept.contains("bytes = \"1\"\n\n[package.metadata.docs.rs]\nall-features = true\n"),
            "{kept}"
        );
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
