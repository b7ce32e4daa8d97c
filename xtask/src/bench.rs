//! `cargo xtask bench`: the benchmark harness is a binary of the tests crate (`tests/bench/`,
//! it needs the local test server), so this command only builds and runs it in release mode. The
//! harness in turn borrows the generator's measured child, the crate check and the GitHub download
//! from this crate (see [`crate::github`]).

use std::io::Write;

use crate::paths::root;

/// `cargo xtask bench ARGS…`: `cargo run --release -p integration-tests --bin bench -- ARGS…` in
/// the repository.
pub(crate) fn bench(args: &[String], stderr: &mut dyn Write) -> u8 {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = std::process::Command::new(cargo)
        .current_dir(root())
        .args(["run", "--release", "--quiet", "-p", "integration-tests", "--bin", "bench", "--"])
        .args(args)
        .status();
    match status {
        Ok(status) if status.success() => 0,
        Ok(status) => {
            let _ = writeln!(stderr, "the benchmark harness failed ({status})");
            1
        }
        Err(error) => {
            let _ = writeln!(stderr, "cannot run cargo: {error}");
            1
        }
    }
}
