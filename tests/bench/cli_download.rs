//! `--only cli`: downloading the ~1 GiB results body to a file with the generated command-line
//! tool (release build), with `curl -o` of the same URL, and with the official Python SDK writing
//! the same lines, in the same run. Throughput is the body's size over each program's wall time
//! (start to exit, the tool's and the SDK's one request for the batch included); peak RSS is
//! `/usr/bin/time`'s maximum resident set size of the program itself. Every file is checked: the
//! tool's and curl's equal the body byte for byte, the SDK's has one line per result.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use integration_tests::support::process;
use serde_json::Value;

use crate::data::BATCH_ID;
use crate::report::{mib, Row, Stats};
use crate::{bench_dir, ResultsServer};

/// The section of `BENCHMARKS.md` this run writes.
pub const HEADING: &str = "## Command-line download";

/// What one program did over the runs.
#[derive(Default)]
pub struct Series {
    pub secs: Vec<f64>,
    pub rss_kib: Vec<f64>,
}

/// Builds the tool with its `cli` feature, optimised, into a target folder of its own.
pub fn build_tool() -> Result<PathBuf, String> {
    let target = bench_dir().join("cli-tool");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut build = Command::new(cargo);
    build
        .current_dir(xtask::root())
        .args(["build", "--release", "--quiet", "-p", "anthropic-batches", "--features", "cli"])
        .env("CARGO_TARGET_DIR", &target);
    let built = process::run(&mut build, Some(Duration::from_secs(1800))).map_err(|e| e.to_string())?;
    if !built.success() {
        return Err(format!("building the tool failed:\n{}", built.report()));
    }
    Ok(target.join("release").join("anthropic-batches"))
}

/// Runs `program args…` under `/usr/bin/time`, returning its wall seconds and peak RSS (KiB)
/// and what it printed.
fn timed(
    program: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    timeout: Duration,
) -> Result<(f64, f64, String), String> {
    let mut command = Command::new("/usr/bin/time");
    command.args(["-f", "bench-time %e %M"]).arg(program).args(args);
    for (key, value) in env {
        command.env(key, value);
    }
    let finished =
        process::run(process::loopback_only(&mut command), Some(timeout)).map_err(|e| e.to_string())?;
    if !finished.success() {
        return Err(format!("{} failed:\n{}", program.display(), finished.report()));
    }
    let line = finished
        .stderr
        .lines()
        .rev()
        .find_map(|line| line.strip_prefix("bench-time "))
        .ok_or_else(|| format!("/usr/bin/time printed no figures:\n{}", finished.report()))?;
    let mut fields = line.split_whitespace().map(str::parse::<f64>);
    match (fields.next(), fields.next()) {
        (Some(Ok(secs)), Some(Ok(rss))) => Ok((secs.max(1e-3), rss, finished.stdout)),
        _ => Err(format!("cannot read /usr/bin/time's figures: {line}")),
    }
}

/// One run of each program, each output checked.
pub fn run_once(
    tool: &Path,
    python: Option<&Path>,
    server: &ResultsServer,
    lines: usize,
    series: &mut [Series; 3],
    timeout: Duration,
) -> Result<(), String> {
    let dir = bench_dir().join("cli-download");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let file = dir.join("results.jsonl");
    let file_arg = file.to_string_lossy().into_owned();
    let same_as_body = |who: &str| -> Result<(), String> {
        let written = std::fs::read(&file).map_err(|e| format!("{who}: {e}"))?;
        if written != *server.body {
            return Err(format!(
                "{who}: the file differs from the body ({} vs {} bytes)",
                written.len(),
                server.body.len()
            ));
        }
        Ok(())
    };

    let _ = std::fs::remove_file(&file);
    server.refill();
    let args = ["--base-url", &server.url, "--quiet", "retrieve-results", BATCH_ID, "--output", &file_arg];
    let (secs, rss, _) = timed(tool, &args, &[("ANTHROPIC_API_KEY", "sk-bench")], timeout)?;
    same_as_body("the tool")?;
    series[0].secs.push(secs);
    series[0].rss_kib.push(rss);

    let _ = std::fs::remove_file(&file);
    server.refill();
    let curl = Path::new("curl");
    let (secs, rss, _) = timed(curl, &["-sS", "-o", &file_arg, &server.results_url], &[], timeout)?;
    same_as_body("curl")?;
    series[1].secs.push(secs);
    series[1].rss_kib.push(rss);

    if let Some(python) = python {
        let _ = std::fs::remove_file(&file);
        server.refill();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench").join("python_download.py");
        let script = script.to_string_lossy().into_owned();
        let (secs, rss, stdout) = timed(
            python,
            &[&script, &server.url, BATCH_ID, &file_arg],
            &[("PYTHONDONTWRITEBYTECODE", "1")],
            timeout * 4,
        )?;
        let report: Value = stdout
            .lines()
            .find_map(|line| line.strip_prefix("BENCH_RESULT "))
            .and_then(|json| serde_json::from_str(json).ok())
            .ok_or_else(|| format!("the Python SDK script printed no result:\n{stdout}"))?;
        if report["lines"].as_u64() != Some(lines as u64) {
            return Err(format!("the Python SDK wrote {} lines of {lines}", report["lines"]));
        }
        series[2].secs.push(secs);
        series[2].rss_kib.push(rss);
    }
    let _ = std::fs::remove_file(&file);
    Ok(())
}

/// The rows of the section.
pub fn rows(series: &[Series; 3], body_len: usize, sdk: &str) -> Vec<Row> {
    let sdk_name = format!("Python SDK ({sdk}), writing each line");
    let names = ["the generated tool (release)", "curl -o", sdk_name.as_str()];
    let mut rows = Vec::new();
    for (name, series) in names.iter().zip(series) {
        let rates: Vec<f64> = series.secs.iter().map(|secs| body_len as f64 / secs / 1e6).collect();
        let (Some(rss), Some(wall)) = (Stats::of(&series.rss_kib), Stats::of(&series.secs)) else { continue };
        let notes = format!(
            "peak RSS {:.1} MiB ({:.1}–{:.1}); {:.2} s wall",
            mib(rss.median),
            mib(rss.min),
            mib(rss.max),
            wall.median
        );
        rows.push(
            Row::new(&format!("download: {name}")).stats(Stats::of(&rates).as_ref(), 0, "MB/s").notes(notes),
        );
    }
    rows
}

/// The section: the table, how it was measured, and the command.
pub fn markdown(rows: &[Row], machine: &str, body: &str) -> String {
    format!(
        "{HEADING}\n\n`cargo xtask bench --only cli`, on {machine}: the results body ({body}) from the local \
         server to a file, each program in a child process, one after the other, run after run. \
         Throughput is the body's size over the program's wall time (start to exit; the tool and the \
         SDK first ask for the batch, as they must to find the results URL); peak RSS is \
         `/usr/bin/time`'s. The tool's and curl's files are checked to equal the body byte for byte, \
         the SDK's to hold one line per result.\n\n{}\n",
        crate::report::markdown_table(rows)
    )
}
