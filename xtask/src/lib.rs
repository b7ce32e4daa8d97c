//! The project's tasks as a library, so tests can run the same generation and comparison that
//! `cargo xtask generate` runs.

use codegen::{GeneratedFile, Settings};
use similar::TextDiff;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The command that writes `generated/`, as named in every generated file's header.
pub const COMMAND: &str = "cargo xtask generate";

/// The repository root (the workspace directory).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Where the bundled spec lives.
pub fn bundled_spec() -> PathBuf {
    root().join("spec").join("openapi.yaml")
}

/// Where the bundled client is generated.
pub fn bundled_out() -> PathBuf {
    root().join("generated")
}

/// The settings that produce the committed `generated/` crate.
pub fn bundled_settings() -> Settings {
    settings_for(&bundled_spec(), "anthropic-batches", "0.1.0")
}

/// Settings for any spec; the header names the spec relative to the repository when it is inside.
pub fn settings_for(spec: &Path, crate_name: &str, crate_version: &str) -> Settings {
    let label = spec.strip_prefix(root()).unwrap_or(spec).to_string_lossy().replace('\\', "/");
    Settings {
        crate_name: crate_name.to_owned(),
        crate_version: crate_version.to_owned(),
        spec_label: label,
        command: COMMAND.to_owned(),
    }
}

/// How the files on disk differ from what the generator makes.
#[derive(Debug, Default)]
pub struct Staleness {
    /// Files whose contents differ or that are missing, with a unified diff each.
    pub changed: Vec<(String, String)>,
    /// Generated files on disk that the generator no longer writes.
    pub extra: Vec<String>,
}

impl Staleness {
    /// True when disk and generator agree.
    pub fn is_fresh(&self) -> bool {
        self.changed.is_empty() && self.extra.is_empty()
    }

    /// A readable report: one unified diff per stale file.
    pub fn report(&self, out_label: &str) -> String {
        let mut text = String::new();
        for (path, diff) in &self.changed {
            text.push_str(&format!("stale: {out_label}/{path}\n{diff}\n"));
        }
        for path in &self.extra {
            text.push_str(&format!(
                "stale: {out_label}/{path} is no longer generated and would be deleted\n"
            ));
        }
        text
    }
}

/// Compares generated files with the directory `out`, writing nothing.
pub fn compare(out: &Path, files: &[GeneratedFile]) -> io::Result<Staleness> {
    let mut staleness = Staleness::default();
    for file in files {
        let on_disk = match fs::read_to_string(out.join(&file.path)) {
            Ok(text) => text,
            Err(error) if error.kind() == io::ErrorKind::NotFound => String::new(),
            Err(error) => return Err(error),
        };
        if on_disk != file.contents {
            let diff = TextDiff::from_lines(&on_disk, &file.contents)
                .unified_diff()
                .context_radius(3)
                .header(&format!("{} (on disk)", file.path), &format!("{} (from the spec)", file.path))
                .to_string();
            staleness.changed.push((file.path.clone(), diff));
        }
    }
    staleness.extra = leftover_generated(out, files)?;
    Ok(staleness)
}

/// Writes the files that changed and deletes generated files no longer produced. Returns how many
/// files were written and deleted.
pub fn write(out: &Path, files: &[GeneratedFile]) -> io::Result<(usize, usize)> {
    let mut written = 0;
    for file in files {
        let path = out.join(&file.path);
        if fs::read_to_string(&path).ok().as_deref() == Some(file.contents.as_str()) {
            continue;
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, &file.contents)?;
        written += 1;
    }
    let extra = leftover_generated(out, files)?;
    for path in &extra {
        fs::remove_file(out.join(path))?;
    }
    Ok((written, extra.len()))
}

/// Files under `out` that carry the generator's header but are not in `files`. Files without the
/// header are never touched, so a mistaken `--out` cannot delete anyone's work.
fn leftover_generated(out: &Path, files: &[GeneratedFile]) -> io::Result<Vec<String>> {
    let mut found = Vec::new();
    let mut pending = vec![out.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(error) if error.kind() == io::ErrorKind::NotFound => continue,
            Err(error) => return Err(error),
        };
        for entry in entries {
            let path = entry?.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|name| name != "target") {
                    pending.push(path);
                }
                continue;
            }
            let relative = path.strip_prefix(out).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            if files.iter().any(|file| file.path == relative) {
                continue;
            }
            let head = fs::read(&path)
                .map(|bytes| bytes.into_iter().take(64).collect::<Vec<u8>>())
                .unwrap_or_default();
            if head.starts_with(b"// @generated by") || head.starts_with(b"# @generated by") {
                found.push(relative);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// The command line: `run(&["generate", "--check"], …)`. Output goes to the given writers so tests
/// can read it; the result is the process exit code.
pub fn run(args: &[String], stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    // Write errors on the terminal are not worth failing a generation for.
    match args.first().map(String::as_str) {
        Some("generate") => generate(&args[1..], stdout, stderr),
        Some("-h" | "--help") | None => {
            let _ = writeln!(stdout, "{USAGE}");
            0
        }
        Some(other) => {
            let _ = writeln!(stderr, "unknown task `{other}`\n\n{USAGE}");
            2
        }
    }
}

const USAGE: &str =
    "usage: cargo xtask generate [--check] [--spec FILE] [--out DIR] [--name CRATE] [--version VERSION]

  --check     write nothing; exit 1 with a diff when the output directory is stale
  --spec      the OpenAPI 3.0 file (YAML or JSON) [default: spec/openapi.yaml]
  --out       the crate directory to write [default: generated]
  --name      the crate's package name [default: anthropic-batches]
  --version   the crate's version [default: 0.1.0]";

fn generate(args: &[String], stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    let mut check = false;
    let mut spec = bundled_spec();
    let mut out = bundled_out();
    let mut name = "anthropic-batches".to_owned();
    let mut version = "0.1.0".to_owned();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let flag = arg.as_str();
        if flag == "--check" {
            check = true;
            continue;
        }
        let known = matches!(flag, "--spec" | "--out" | "--name" | "--version");
        let Some(value) = rest.next().filter(|_| known) else {
            let problem =
                if known { format!("{flag} needs a value") } else { format!("unknown option `{flag}`") };
            let _ = writeln!(stderr, "{problem}\n\n{USAGE}");
            return 2;
        };
        match flag {
            "--spec" => spec = PathBuf::from(value),
            "--out" => out = PathBuf::from(value),
            "--name" => name = value.clone(),
            _ => version = value.clone(),
        }
    }

    let started = Instant::now();
    let bytes = match fs::read(&spec) {
        Ok(bytes) => bytes,
        Err(error) => {
            let _ = writeln!(stderr, "cannot read {}: {error}", spec.display());
            return 1;
        }
    };
    let settings = settings_for(&spec, &name, &version);
    let files = match codegen::generate(&bytes, &settings) {
        Ok(files) => files,
        Err(diagnostics) => {
            for diagnostic in &diagnostics.0 {
                let _ = writeln!(stderr, "{diagnostic}");
            }
            let _ = writeln!(
                stderr,
                "{}: {} problem(s); nothing was written",
                spec.display(),
                diagnostics.0.len()
            );
            return 1;
        }
    };
    let out_label = out.strip_prefix(root()).unwrap_or(&out).display().to_string();
    if check {
        match compare(&out, &files) {
            Ok(staleness) if staleness.is_fresh() => {
                let _ = writeln!(
                    stdout,
                    "{out_label}/ is up to date with {} ({} files)",
                    settings.spec_label,
                    files.len()
                );
                0
            }
            Ok(staleness) => {
                let _ = write!(stderr, "{}", staleness.report(&out_label));
                let _ = writeln!(
                    stderr,
                    "{out_label}/ is stale: run `cargo xtask generate` and commit the result"
                );
                1
            }
            Err(error) => {
                let _ = writeln!(stderr, "cannot read {out_label}/: {error}");
                1
            }
        }
    } else {
        match write(&out, &files) {
            Ok((written, deleted)) => {
                let _ = writeln!(
                    stdout,
                    "{out_label}/: {written} written, {deleted} deleted, {} unchanged ({} ms)",
                    files.len() - written,
                    started.elapsed().as_millis()
                );
                0
            }
            Err(error) => {
                let _ = writeln!(stderr, "cannot write {out_label}/: {error}");
                1
            }
        }
    }
}
