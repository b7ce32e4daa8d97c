//! Where the repository is, and how a path in it is shown to a reader. Every task reads or writes
//! somewhere under the repository; this depends on nothing else in xtask.

use std::path::{Path, PathBuf};

/// The repository root (the workspace directory).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// A path as the reader knows it: relative to the repository when inside it.
pub fn shown(path: &Path) -> String {
    path.strip_prefix(root()).unwrap_or(path).display().to_string()
}
