//! What `cargo xtask diff` was asked: the two descriptions (files, or files of the repository at
//! a revision), the output form, when to fail, and which operations to compare.

use std::fs;
use std::path::PathBuf;
use std::process::Command;

use crate::paths::{root, shown};

/// Where a description is read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Spec {
    /// A file, relative to the current directory.
    File(PathBuf),
    /// `git:REV:PATH`: the file at `PATH` (relative to the repository root) as it was at `REV`.
    Git {
        /// A revision as git reads one: `HEAD~1`, `main`, `6e6b255`.
        rev: String,
        /// The file's path in the repository.
        path: String,
    },
}

impl Spec {
    /// `git:REV:PATH`, or else a file path.
    pub(crate) fn parse(arg: &str) -> Result<Self, String> {
        let Some(rest) = arg.strip_prefix("git:") else {
            return Ok(Spec::File(PathBuf::from(arg)));
        };
        match rest.split_once(':') {
            // A revision starting with `-` would reach git as an option.
            Some((rev, path)) if !rev.is_empty() && !rev.starts_with('-') && !path.is_empty() => {
                Ok(Spec::Git { rev: rev.to_owned(), path: path.to_owned() })
            }
            _ => Err(format!(
                "`{arg}`: a description in git is written git:REV:PATH (git:HEAD~1:spec/openapi.yaml)"
            )),
        }
    }

    /// How the report names it: the path relative to the repository when inside it, or the
    /// `git:` form as given.
    pub(crate) fn label(&self) -> String {
        match self {
            Spec::File(path) => shown(path),
            Spec::Git { rev, path } => format!("git:{rev}:{path}"),
        }
    }

    /// Its bytes; an `Err` says why they cannot be had, in a sentence.
    /// The file's name, without its folders.
    pub(crate) fn file_name(&self) -> String {
        let path = match self {
            Spec::File(path) => path.to_string_lossy().into_owned(),
            Spec::Git { path, .. } => path.clone(),
        };
        path.rsplit(['/', '\\']).next().unwrap_or_default().to_owned()
    }

    pub(crate) fn read(&self) -> Result<Vec<u8>, String> {
        match self {
            Spec::File(path) => {
                fs::read(path).map_err(|error| format!("cannot read {}: {error}", path.display()))
            }
            Spec::Git { rev, path } => {
                let output = Command::new("git")
                    .arg("-C")
                    .arg(root())
                    .args(["show", &format!("{rev}:{path}")])
                    .output()
                    .map_err(|error| format!("cannot run git to read {}: {error}", self.label()))?;
                if output.status.success() {
                    Ok(output.stdout)
                } else {
                    let why = String::from_utf8_lossy(&output.stderr);
                    Err(format!("cannot read {} from git: {}", self.label(), why.trim()))
                }
            }
        }
    }
}

/// When the command exits 1 rather than 0.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum FailOn {
    /// Never: the report is information.
    #[default]
    Nothing,
    /// When a change is breaking (`--fail-on breaking`).
    Breaking,
    /// When anything changed (`--fail-on any`).
    Any,
}

impl FailOn {
    /// Whether a report with these changes fails.
    pub(crate) fn fails(self, report: &codegen::changes::ChangeReport) -> bool {
        match self {
            FailOn::Nothing => false,
            FailOn::Breaking => report.is_breaking(),
            FailOn::Any => !report.is_empty(),
        }
    }
}

/// What `cargo xtask diff` was asked to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct DiffArgs {
    /// The description before.
    pub(crate) old: Spec,
    /// The description after.
    pub(crate) new: Spec,
    /// Print the report as JSON.
    pub(crate) json: bool,
    /// When to exit 1.
    pub(crate) fail_on: FailOn,
    /// Path globs: when any, only the operations whose path matches one (and the types they
    /// reach) are compared.
    pub(crate) only_ops: Vec<String>,
    /// Compare the crates as `generate --skip-unused-schemas` writes them.
    pub(crate) skip_unused_schemas: bool,
}

impl DiffArgs {
    /// Reads the arguments after `diff`. An `Err` says what is wrong with them; the caller prints
    /// it above the usage, which it owns.
    pub(crate) fn parse(args: &[String]) -> Result<Self, String> {
        let mut specs = Vec::new();
        let (mut json, mut fail_on, mut only_ops, mut skip_unused_schemas) =
            (false, FailOn::Nothing, Vec::new(), false);
        let mut rest = args.iter();
        while let Some(arg) = rest.next() {
            match arg.as_str() {
                "--json" => json = true,
                "--skip-unused-schemas" => skip_unused_schemas = true,
                flag @ ("--fail-on" | "--only-ops") => {
                    let value = rest.next().ok_or_else(|| format!("{flag} needs a value"))?;
                    match (flag, value.as_str()) {
                        ("--fail-on", "breaking") => fail_on = FailOn::Breaking,
                        ("--fail-on", "any") => fail_on = FailOn::Any,
                        ("--fail-on", other) => {
                            return Err(format!("--fail-on takes `breaking` or `any`, not `{other}`"))
                        }
                        (_, glob) if glob.starts_with('/') => only_ops.push(glob.to_owned()),
                        (_, glob) => {
                            return Err(format!(
                                "--only-ops takes a path glob starting with `/` (/v1/items/**), not `{glob}`"
                            ))
                        }
                    }
                }
                flag if flag.starts_with("--") => return Err(format!("unknown option `{flag}`")),
                spec => specs.push(Spec::parse(spec)?),
            }
        }
        let [old, new] = <[Spec; 2]>::try_from(specs).map_err(|specs| {
            format!("diff compares two descriptions, OLD and NEW ({} given)", specs.len())
        })?;
        Ok(Self { old, new, json, fail_on, only_ops, skip_unused_schemas })
    }
}

#[cfg(test)]
mod tests {
    use super::{DiffArgs, FailOn, Spec};
    use std::path::PathBuf;

    fn parse(args: &[&str]) -> Result<DiffArgs, String> {
        DiffArgs::parse(&args.iter().map(|arg| arg.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn two_descriptions_and_the_options_in_any_order() {
        let args = parse(&[
            "--only-ops",
            "/v1/a/**",
            "old.yaml",
            "--json",
            "git:HEAD~1:spec/openapi.yaml",
            "--fail-on",
            "breaking",
            "--only-ops",
            "/v1/b",
        ])
        .expect("valid");
        assert_eq!(args.old, Spec::File(PathBuf::from("old.yaml")));
        assert_eq!(args.new, Spec::Git { rev: "HEAD~1".to_owned(), path: "spec/openapi.yaml".to_owned() });
        assert!(args.json);
        assert!(!args.skip_unused_schemas);
        assert_eq!(args.fail_on, FailOn::Breaking);
        assert_eq!(args.only_ops, ["/v1/a/**", "/v1/b"]);
        let plain = parse(&["a.yaml", "b.yaml", "--skip-unused-schemas"]).expect("valid");
        assert_eq!((plain.json, plain.fail_on, plain.skip_unused_schemas), (false, FailOn::Nothing, true));
        assert_eq!(parse(&["a", "b", "--fail-on", "any"]).map(|args| args.fail_on), Ok(FailOn::Any));
    }

    #[test]
    fn wrong_arguments_say_what_is_wrong() {
        let error = |args: &[&str]| parse(args).err().unwrap_or_default();
        assert_eq!(error(&["a.yaml"]), "diff compares two descriptions, OLD and NEW (1 given)");
        assert_eq!(error(&["a", "b", "c"]), "diff compares two descriptions, OLD and NEW (3 given)");
        assert_eq!(error(&["a", "b", "--fail-on"]), "--fail-on needs a value");
        assert_eq!(
            error(&["a", "b", "--fail-on", "never"]),
            "--fail-on takes `breaking` or `any`, not `never`"
        );
        assert!(error(&["a", "b", "--only-ops", "v1/**"]).starts_with("--only-ops takes a path glob"));
        assert_eq!(error(&["a", "b", "--check"]), "unknown option `--check`");
        assert!(error(&["git:HEAD", "b"]).contains("git:REV:PATH"));
    }

    #[test]
    fn the_git_form_needs_a_revision_and_a_path() {
        let git = |rev: &str, path: &str| Spec::Git { rev: rev.to_owned(), path: path.to_owned() };
        assert_eq!(Spec::parse("git:main:spec/openapi.yaml"), Ok(git("main", "spec/openapi.yaml")));
        assert_eq!(Spec::parse("git:6e6b255:a/b:c.yaml"), Ok(git("6e6b255", "a/b:c.yaml")));
        assert_eq!(Spec::parse("specs/git:x.yaml"), Ok(Spec::File(PathBuf::from("specs/git:x.yaml"))));
        for wrong in ["git:", "git:HEAD", "git::spec/openapi.yaml", "git:HEAD:", "git:--output=x:y"] {
            assert!(Spec::parse(wrong).is_err(), "{wrong} was accepted");
        }
        assert_eq!(git("HEAD~1", "spec/openapi.yaml").label(), "git:HEAD~1:spec/openapi.yaml");
    }

    #[test]
    fn a_missing_revision_or_path_is_a_sentence_naming_it() {
        let missing = Spec::Git { rev: "no-such-revision".to_owned(), path: "spec/openapi.yaml".to_owned() };
        let error = missing.read().expect_err("no such revision");
        assert!(
            error.starts_with("cannot read git:no-such-revision:spec/openapi.yaml from git: "),
            "{error}"
        );
        let missing = Spec::Git { rev: "HEAD".to_owned(), path: "spec/no-such-file.yaml".to_owned() };
        assert!(missing.read().is_err());
    }
}
