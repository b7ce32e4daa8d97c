//! `cargo xtask generate | bench | github …`: a thin shell over [`xtask::run`]; the work is in the
//! library so that tests can run it.

use std::process::ExitCode;

// The generator allocates and frees many small token trees and strings; mimalloc does that in
// about half the time of glibc's allocator (BENCHMARKS.md, "Compiling the generated crate").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    ExitCode::from(xtask::run(&args, &mut std::io::stdout(), &mut std::io::stderr()))
}
