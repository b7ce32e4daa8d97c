//! The bench harness (`tests/bench/main.rs`) runs end to end with tiny sizes, so it cannot rot:
//! `bench --smoke` exits 0 and prints a row for every measurement. Its numbers are not checked.

use integration_tests::support::process::{loopback_only, run};
use std::process::Command;
use std::time::Duration;

#[test]
fn bench_smoke_runs_every_measurement() {
    let finished = run(loopback_only(Command::new(env!("CARGO_BIN_EXE_bench")).arg("--smoke")), None)
        .unwrap_or_else(|error| panic!("{error}"));
    assert!(finished.success(), "bench --smoke failed: {}", finished.report());
    let stdout = &finished.stdout;

    let row = |name: &str| stdout.lines().any(|line| line.starts_with(&format!("| {name}")));
    for name in [
        "results: generated client (child process)",
        "results: generated client peak RSS",
        "results: in-memory limit",
        "results: client / in-memory limit",
        "results: network floor",
        "results: Python SDK",
        "pagination: 100 batches, limit 10",
        "generation: codegen::generate",
        "generation: xtask::bundled_plan",
        "typed decode = in-memory limit",
    ] {
        assert!(row(name), "no row {name:?} in:\n{stdout}");
    }
    assert!(stdout.contains("10 requests in every run (asserted)"), "{stdout}");
    // The generation size series: at least the bundled spec, generated in a child process.
    assert!(row("spec/openapi.yaml"), "no generation series row for spec/openapi.yaml in:\n{stdout}");
    assert!(!stdout.contains("wrote "), "--smoke must not write BENCHMARKS.md:\n{stdout}");
    assert!(finished.elapsed < Duration::from_secs(60), "bench --smoke took {:?}", finished.elapsed);
}
