//! The project's tasks as a library, so tests can run the same generation and comparison that
//! `cargo xtask generate` runs.

use codegen::{GeneratedFile, Settings};
use similar::TextDiff;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The command that writes `generated/`, as named in every generated file's header.
pub const COMMAND: &str = "cargo xtask generate";

/// The repository root (the workspace directory).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
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
    let label = spec
        .strip_prefix(root())
        .unwrap_or(spec)
        .to_string_lossy()
        .replace('\\', "/");
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
                .header(
                    &format!("{} (on disk)", file.path),
                    &format!("{} (from the spec)", file.path),
                )
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
            let relative = path
                .strip_prefix(out)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
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
