//! `cargo xtask generate`: the spec through the generator into a crate directory, and the same
//! steps as a library so that tests run exactly what the command runs. [`plan`] makes every file
//! of the crate (the generator's, plus the recorded API surface and the changelog, with a version
//! bumped by semver when the API changed); [`compare`] tells how a directory differs from a plan
//! (`--check`, the freshness test); [`write()`] brings a directory up to date with it.

use codegen::changes::ChangeReport;
use codegen::surface::Surface;
use codegen::{Diagnostics, GeneratedFile, Settings};
use similar::TextDiff;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::paths::{root, shown};
use crate::text::plural;

/// The command that writes `generated/`, as named in every generated file's header.
pub const COMMAND: &str = "cargo xtask generate";

/// Where the bundled spec lives.
pub fn bundled_spec() -> PathBuf {
    root().join("spec").join("openapi.yaml")
}

/// Where the bundled client is generated.
pub fn bundled_out() -> PathBuf {
    root().join("generated")
}

/// Plans the regeneration of the bundled client (`generated/`) from these spec bytes.
pub fn bundled_plan(spec_bytes: &[u8]) -> Result<Plan, Diagnostics> {
    plan(&bundled_spec(), spec_bytes, &bundled_out(), BUNDLED_NAME, None)
}

/// The package name of the bundled client.
pub const BUNDLED_NAME: &str = "anthropic-batches";

/// The file in a generated crate that records its public API, read back at the next
/// regeneration to report what changed.
pub const SURFACE_FILE: &str = "api-surface.json";

/// The generated crate's changelog, one section per regeneration that changed the public API.
pub const CHANGELOG_FILE: &str = "CHANGELOG.md";

/// What a regeneration writes, and what it changes for the crate's users.
#[derive(Debug)]
pub struct Plan {
    /// Every file of the crate, the surface and the changelog included.
    pub files: Vec<GeneratedFile>,
    /// The crate version these files carry.
    pub version: String,
    /// The version the output directory had, if it had one.
    pub previous_version: Option<String>,
    /// The API changes against the output directory's recorded surface (none on a first run).
    pub report: Option<ChangeReport>,
    /// What the generator read more loosely than written (a construct given a looser type, a
    /// default for a missing `info.version`, a renamed duplicate operationId), each saying how.
    pub warnings: Vec<codegen::Diagnostic>,
    /// Component schemas no operation uses, left out of the crate.
    pub unused_schemas: usize,
}

/// Plans a regeneration of `out` from `spec_bytes`: the model's files, plus the API surface and
/// changelog, with a version that follows semver from the surface recorded in `out` (unless
/// `version` forces one). Same spec and same `out` give the same files.
pub fn plan(
    spec: &Path,
    spec_bytes: &[u8],
    out: &Path,
    name: &str,
    version: Option<&str>,
) -> Result<Plan, Diagnostics> {
    plan_with(spec, spec_bytes, out, name, version, codegen::Options::default())
}

/// [`plan`], with generator options.
pub fn plan_with(
    spec: &Path,
    spec_bytes: &[u8],
    out: &Path,
    name: &str,
    version: Option<&str>,
    mut options: codegen::Options,
) -> Result<Plan, Diagnostics> {
    // A spec without `info.title` is titled after its file.
    options.source_name.get_or_insert_with(|| spec.to_string_lossy().into_owned());
    let model = codegen::model_with(spec_bytes, options)?;
    let previous: Option<Surface> =
        fs::read_to_string(out.join(SURFACE_FILE)).ok().and_then(|text| serde_json::from_str(&text).ok());
    let previous_version = previous.as_ref().map(|surface| surface.version.clone());
    let report = previous
        .as_ref()
        .map(|before| codegen::changes::compare(before, &codegen::surface::surface(&model, "", "")));
    let current = previous_version.clone().unwrap_or_else(|| "0.1.0".to_owned());
    let version = match (version, &report) {
        (Some(forced), _) => forced.to_owned(),
        (None, Some(report)) => report.next_version(&current),
        (None, None) => current,
    };
    let settings = settings_for(spec, name, &version);
    let mut files = codegen::emit::emit(&model, &settings)?;

    let generated_by = format!("by `{COMMAND}` from {}; do not edit by hand", settings.spec_label);
    let surface = codegen::surface::surface(&model, &version, &generated_by);
    let surface_json = serde_json::to_string_pretty(&surface).unwrap_or_default() + "\n";
    files.push(GeneratedFile { path: SURFACE_FILE.to_owned(), contents: surface_json });
    let previous_changelog = fs::read_to_string(out.join(CHANGELOG_FILE)).unwrap_or_default();
    files.push(GeneratedFile {
        path: CHANGELOG_FILE.to_owned(),
        contents: changelog(&previous_changelog, report.as_ref(), &version, &settings.spec_label),
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Plan {
        files,
        version,
        previous_version,
        report,
        warnings: model.warnings,
        unused_schemas: model.unused_schemas,
    })
}

const CHANGELOG_TITLE: &str = "# Changelog";

/// The changelog with a section for this version on top when the API changed (the earlier
/// sections kept as they were), or as it was.
fn changelog(previous: &str, report: Option<&ChangeReport>, version: &str, spec_label: &str) -> String {
    let header = format!(
        "<!-- @generated by `{COMMAND}` from {spec_label}: one section per regeneration that changed the public API. Do not edit by hand. -->\n{CHANGELOG_TITLE}\n"
    );
    let earlier =
        previous.split_once(&format!("{CHANGELOG_TITLE}\n")).map_or("", |(_, rest)| rest).trim_start();
    let newest = match report {
        Some(report) if !report.is_empty() && !earlier.starts_with(&format!("## {version}\n")) => {
            report.changelog_entry(version)
        }
        _ if earlier.is_empty() => format!("## {version}\n\nFirst generated version.\n"),
        _ => String::new(),
    };
    let mut text = header;
    for section in [newest.as_str(), earlier].into_iter().filter(|s| !s.is_empty()) {
        text.push('\n');
        text.push_str(section.trim_end());
        text.push('\n');
    }
    text
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
            let markers: [&[u8]; 4] =
                [b"// @generated by", b"# @generated by", b"<!-- @generated by", b"{\n  \"@generated\""];
            if markers.iter().any(|marker| head.starts_with(marker)) {
                found.push(relative);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// What `cargo xtask generate` was asked to do.
pub(crate) struct GenerateArgs {
    check: bool,
    spec: PathBuf,
    out: PathBuf,
    name: String,
    version: Option<String>,
    options: codegen::Options,
}

impl GenerateArgs {
    /// Reads the options after `generate`. An `Err` says what is wrong with them; the caller
    /// prints it above the usage, which it owns.
    pub(crate) fn parse(args: &[String]) -> Result<Self, String> {
        let mut check = false;
        let mut spec = bundled_spec();
        let mut out = bundled_out();
        let mut name = BUNDLED_NAME.to_owned();
        let mut version: Option<String> = None;
        let mut options = codegen::Options::default();
        let mut rest = args.iter();
        while let Some(arg) = rest.next() {
            let flag = arg.as_str();
            if flag == "--check" {
                check = true;
                continue;
            }
            if flag == "--skip-unused-schemas" {
                options.skip_unused_schemas = true;
                continue;
            }
            let known = matches!(flag, "--spec" | "--out" | "--name" | "--version");
            let Some(value) = rest.next().filter(|_| known) else {
                return Err(if known {
                    format!("{flag} needs a value")
                } else {
                    format!("unknown option `{flag}`")
                });
            };
            match flag {
                "--spec" => spec = PathBuf::from(value),
                "--out" => out = PathBuf::from(value),
                "--name" => name = value.clone(),
                _ => version = Some(value.clone()),
            }
        }
        Ok(Self { check, spec, out, name, version, options })
    }
}

/// `cargo xtask generate`: plans the crate from the spec, then writes it, or with `--check`
/// compares it with the output directory; diagnostics, warnings and API changes are printed.
pub(crate) fn generate(args: GenerateArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    let GenerateArgs { check, spec, out, name, version, options } = args;
    let started = Instant::now();
    let bytes = match fs::read(&spec) {
        Ok(bytes) => bytes,
        Err(error) => {
            let _ = writeln!(stderr, "cannot read {}: {error}", spec.display());
            return 1;
        }
    };
    let skip_unused_schemas = options.skip_unused_schemas;
    let plan = match plan_with(&spec, &bytes, &out, &name, version.as_deref(), options) {
        Ok(plan) => plan,
        Err(diagnostics) => {
            for diagnostic in &diagnostics.0 {
                let _ = writeln!(stderr, "{diagnostic}");
            }
            let _ = writeln!(stderr, "{}: {}; nothing was written", spec.display(), diagnostics.summary());
            return 1;
        }
    };
    if plan.unused_schemas > 0 {
        let what = if skip_unused_schemas {
            "were left out"
        } else {
            "are generated anyway (--skip-unused-schemas leaves them out)"
        };
        let _ = writeln!(
            stderr,
            "{}: {} component schema(s) that no operation uses {what}",
            spec.display(),
            plan.unused_schemas
        );
    }
    for warning in &plan.warnings {
        let _ = writeln!(stderr, "{warning}");
    }
    if !plan.warnings.is_empty() {
        let count = plan.warnings.len();
        let _ = writeln!(
            stderr,
            "{}: {}: read more loosely than written (each says how); the crate is written",
            spec.display(),
            plural(count, "warning")
        );
    }
    let out_label = shown(&out);
    let spec_label = settings_for(&spec, &name, &plan.version).spec_label;
    if let Some(report) = plan.report.as_ref().filter(|report| !report.is_empty()) {
        let previous = plan.previous_version.as_deref().unwrap_or("?");
        let _ = writeln!(stdout, "{}", report.titled(previous, &plan.version));
    }
    let files = plan.files;
    if check {
        match compare(&out, &files) {
            Ok(staleness) if staleness.is_fresh() => {
                let _ =
                    writeln!(stdout, "{out_label}/ is up to date with {spec_label} ({} files)", files.len());
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
