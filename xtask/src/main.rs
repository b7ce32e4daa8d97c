//! `cargo xtask generate [--check] [--spec FILE --out DIR --name CRATE --version V]`; the work is
//! in the library so tests can run it.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    ExitCode::from(xtask::run(&args, &mut std::io::stdout(), &mut std::io::stderr()))
}
