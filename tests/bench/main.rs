//! The benchmark harness: `cargo run --release -p integration-tests --bin bench -- [--smoke]`
//! (what `cargo xtask bench [--smoke]` runs).
//!
//! It measures, against a local server on 127.0.0.1 (the scripted `TestServer`):
//! 1. results streaming: the generated client (in a child process, so its peak RSS is its own)
//!    over a ~1 GiB JSON Lines body of ~100,000 realistic results, next to the practical limit
//!    (the same bytes, in memory, decoded line by line with `serde_json::from_slice` into the
//!    same types), the network floor (plain reqwest, bytes only) and the stages of decoding;
//! 2. the same body through the official Python SDK (`anthropic`, in `target/bench/venv`);
//! 3. auto-pagination over 10,000 batches with limit 1,000 (exactly 10 requests, asserted);
//! 4. generation of the bundled client from `spec/openapi.yaml`, in process;
//! 5. generation at scale (`generation.rs`): `xtask generate` in a child process on the bundled
//!    spec and on every GitHub description (0.08 to 78 MB), and `cargo check` of GitHub's crate;
//! 6. failing fast (`failfast.rs`, only with `--only failfast`): the time to a diagnostic against
//!    the depth of the fault and against the size of the description.
//!
//! Every timing is reported (median, min–max, runs), never asserted; what is asserted is what
//! must hold whatever the machine: every line decodes, counts match, the page count. The full
//! run writes `BENCHMARKS.md` at the repository root; `--smoke` runs everything with tiny sizes,
//! prints the table and writes nothing.

mod child;
mod cli_download;
mod compile;
mod data;
mod failfast;
mod generation;
mod inmemory;
mod report;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime};

use anthropic_batches::Client;
use integration_tests::support::fixtures::try_example;
use integration_tests::support::process;
use integration_tests::support::server::{RecordedRequest, Reply, TestServer};
use integration_tests::support::time::utc_minute;
use serde_json::Value;
use xtask::github::tail;

use crate::data::{Counts, BATCH_ID};
use crate::report::{mib, verdict, Row, Stats};

/// The pinned version of the official Python SDK compared against.
const PYTHON_SDK: &str = "anthropic==2.12.0";

const USAGE: &str = "\
usage: bench [--smoke] [--no-python] [--no-perf] [--only generation|failfast|cli|compile]

  --smoke      every measurement with tiny sizes, in a few seconds; prints the table and writes
               nothing (the Python SDK only if target/bench/venv already has it)
  --no-python  skip the Python SDK comparison
  --no-perf    skip the `perf` profile of one client run (full run only)
  --only generation
               only the generation size series (GitHub's specs downloaded with npm on a full run);
               a full run rewrites only its section of BENCHMARKS.md
  --only failfast
               only the time to a diagnostic against nesting depth and against size (in
               process; GitHub's description when downloaded); a full run rewrites only its
               section of BENCHMARKS.md
  --only cli   only the download of the results body to a file: the generated command-line
               tool, curl -o and the Python SDK; a full run rewrites only its section
  --only compile
               only what GitHub's crate (generated without flags) costs to compile by feature
               selection, and generation without flags (GitHub's and the bundled spec); about
               25 minutes; a full run rewrites only its section

The full run (no --smoke) serves a ~1 GiB body, takes a few minutes on 2 cores, creates
target/bench/venv for the Python SDK if needed, and writes BENCHMARKS.md. Its generation series
downloads GitHub's descriptions (npm) once, and adds about ten minutes: five runs on each of
eleven specs, then `cargo check` of the half-million-line crate generated from api.github.com.";

struct Options {
    smoke: bool,
    python: bool,
    perf: bool,
    only_generation: bool,
    only_cli: bool,
    only_failfast: bool,
    only_compile: bool,
}

impl Options {
    fn parse(args: &[String]) -> Result<Option<Options>, String> {
        let mut options = Options {
            smoke: false,
            python: true,
            perf: true,
            only_generation: false,
            only_failfast: false,
            only_cli: false,
            only_compile: false,
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--smoke" => options.smoke = true,
                "--only" => match args.next().map(String::as_str) {
                    Some("generation") => options.only_generation = true,
                    Some("failfast") => options.only_failfast = true,
                    Some("cli") => options.only_cli = true,
                    Some("compile") => options.only_compile = true,
                    other => {
                        return Err(format!(
                        "--only takes `generation`, `failfast`, `cli` or `compile`, not {other:?}\n{USAGE}"
                    ))
                    }
                },
                "--no-python" => options.python = false,
                "--no-perf" => options.perf = false,
                "-h" | "--help" => return Ok(None),
                other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
            }
        }
        Ok(Some(options))
    }
}

/// Sizes and repetitions of one mode.
struct Config {
    lines: usize,
    body_bytes: usize,
    runs: usize,
    breakdown_runs: usize,
    python_runs: usize,
    batches: usize,
    page_limit: usize,
    pagination_runs: usize,
    generation_runs: usize,
    child_timeout: Duration,
}

impl Config {
    fn for_mode(smoke: bool) -> Config {
        if smoke {
            Config {
                lines: 200,
                body_bytes: 200 * 10 * 1024,
                runs: 2,
                breakdown_runs: 2,
                python_runs: 1,
                batches: 100,
                page_limit: 10,
                pagination_runs: 2,
                generation_runs: 2,
                child_timeout: Duration::from_secs(60),
            }
        } else {
            Config {
                lines: 100_000,
                body_bytes: 1 << 30,
                runs: 9,
                breakdown_runs: 3,
                python_runs: 3,
                batches: 10_000,
                page_limit: 1000,
                pagination_runs: 7,
                generation_runs: 15,
                child_timeout: Duration::from_secs(300),
            }
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--xtask") {
        // Hidden mode: the xtask binary's code, so the generation series runs the generator in a
        // child process without a second build (`bench --xtask measure generate …`).
        return ExitCode::from(xtask::run(&args[1..], &mut std::io::stdout(), &mut std::io::stderr()));
    }
    let outcome = match args.first().map(String::as_str) {
        // Hidden modes: the client side of the results benchmark, in its own process.
        Some("--client-results") if args.len() == 3 => child::results(&args[1], &args[2], false),
        Some("--client-results-text") if args.len() == 3 => child::results(&args[1], &args[2], true),
        Some("--client-raw") if args.len() == 2 => child::raw(&args[1]),
        _ => match Options::parse(&args) {
            Ok(Some(options)) => run(&options),
            Ok(None) => {
                println!("{USAGE}");
                Ok(())
            }
            Err(error) => Err(error),
        },
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("bench: {error}");
            ExitCode::FAILURE
        }
    }
}

fn bench_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .unwrap_or_else(|| xtask::root().join("target"))
        .join("bench")
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Everything the results measurements produced.
#[derive(Default)]
struct ResultsRuns {
    client_secs: Vec<f64>,
    client_wall_secs: Vec<f64>,
    client_first_response_secs: Vec<f64>,
    client_rss_kib: Vec<f64>,
    client_rss_start_kib: Vec<f64>,
    client_cpu_secs: Vec<f64>,
    limit_secs: Vec<f64>,
    limit_cpu_secs: Vec<f64>,
    ratio: Vec<f64>,
    /// The client with each line's JSON text kept (`next_with_raw`), right after the pair.
    text_secs: Vec<f64>,
    text_cpu_secs: Vec<f64>,
    text_ratio: Vec<f64>,
    /// Share of the machine's CPUs other processes used during each pair.
    others: Vec<f64>,
    raw_secs: Vec<f64>,
    raw_rss_kib: Vec<f64>,
    raw_chunks: Vec<f64>,
    split_words_secs: Vec<f64>,
    split_bytes_secs: Vec<f64>,
    parse_only_secs: Vec<f64>,
    to_value_secs: Vec<f64>,
}

enum PythonOutcome {
    Skipped(String),
    Failed(String),
    Ran { secs: Vec<f64>, rss_kib: Vec<f64>, import_secs: Vec<f64>, version: String, python: String },
}

fn run(options: &Options) -> Result<(), String> {
    let started = Instant::now();
    let cpu_start = report::cpu_use();
    let load_start = report::load_average();
    let config = Config::for_mode(options.smoke);
    let machine = report::machine();
    let mode = if options.smoke { "smoke" } else { "full" };
    let build = if cfg!(debug_assertions) { "debug build" } else { "release build" };
    println!(
        "bench ({mode}, {build}): {} CPUs, {} memory, {}; {}",
        machine.cpus, machine.memory, machine.cpu_model, machine.rustc
    );
    if !options.smoke && cfg!(debug_assertions) {
        println!("warning: a debug build; run `cargo xtask bench` (release) for meaningful numbers");
    }

    let cpus: f64 = machine.cpus.parse().unwrap_or(1.0);
    let exe = std::env::current_exe().map_err(|e| format!("cannot find the bench binary: {e}"))?;
    let series_config = generation::SeriesConfig::for_mode(options.smoke);
    let series_dir = bench_dir().join("generation");
    if options.only_generation {
        return generation_only(&exe, &series_config, &series_dir, &machine, options.smoke);
    }
    if options.only_compile {
        let section = compile::run(options.smoke, &machine)?;
        println!("\n{section}");
        return if options.smoke { Ok(()) } else { write_section(compile::HEADING, &section) };
    }
    if options.only_failfast {
        let section = failfast::run(options.smoke, &machine)?;
        println!("\n{section}");
        return if options.smoke { Ok(()) } else { write_section(failfast::HEADING, &section) };
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("tokio runtime: {e}"))?;
    if options.only_cli {
        return cli_only(&rt, &config, options, &machine);
    }

    // ---- Data -----------------------------------------------------------------------------
    let t = Instant::now();
    let body = data::results_body(config.lines, config.body_bytes)?;
    println!(
        "results body: {} lines ({}), {:.1} MiB, built in memory in {:.1} s",
        body.lines,
        body.counts,
        body.bytes.len() as f64 / (1 << 20) as f64,
        t.elapsed().as_secs_f64()
    );
    let lines = body.lines;
    let server = ResultsServer::start(&rt, body)?;
    let body = Arc::clone(&server.body);
    let expected = server.counts;
    let body_len = body.len() as f64;

    // ---- Python environment (set up before timing anything) ------------------------------
    let python =
        if !options.python { Err("skipped (--no-python)".to_owned()) } else { python_env(!options.smoke) };

    // ---- Results: client, limit and network floor, side by side, run after run -----------
    let mut runs = ResultsRuns::default();
    for run in 0..config.runs {
        // Each run is a pair, limit and client, in alternating order so a drift favours neither.
        let limit_first = run % 2 == 0;
        let mut limit_secs = f64::NAN;
        let (pair_start, pair_cpu) = (Instant::now(), report::cpu_use());
        if limit_first {
            limit_secs = measure_limit(&body, lines, expected, &mut runs)?;
        }
        // The client keeping each line's text runs next to the plain client, before it in odd
        // runs and after it in even ones.
        let kept_first =
            if run % 2 == 1 { Some(text_child(&exe, &server, &config, lines, expected)?) } else { None };
        server.refill();
        let (child, wall) = run_child(
            Command::new(&exe).args(["--client-results", &server.url, BATCH_ID]),
            config.child_timeout,
        )?;
        check_child("generated client", &child, lines, expected)?;
        if !limit_first {
            limit_secs = measure_limit(&body, lines, expected, &mut runs)?;
        }
        let others = pair_cpu.zip(report::cpu_use()).map_or(f64::NAN, |(start, end)| {
            start.others_since(&end) / (pair_start.elapsed().as_secs_f64() * cpus)
        });
        runs.others.push(others);
        let secs = num(&child, "secs");
        runs.client_secs.push(secs);
        runs.client_wall_secs.push(wall.as_secs_f64());
        runs.client_first_response_secs.push(num(&child, "first_response_secs"));
        runs.client_rss_kib.push(num(&child, "peak_rss_kib"));
        runs.client_rss_start_kib.push(num(&child, "rss_start_kib"));
        runs.client_cpu_secs.push(num(&child, "cpu_secs"));
        runs.ratio.push(limit_secs / secs);
        let kept = match kept_first {
            Some(kept) => kept,
            None => text_child(&exe, &server, &config, lines, expected)?,
        };
        runs.text_secs.push(num(&kept, "secs"));
        runs.text_cpu_secs.push(num(&kept, "cpu_secs"));
        runs.text_ratio.push(limit_secs / num(&kept, "secs"));

        server.refill();
        let (raw, _) =
            run_child(Command::new(&exe).args(["--client-raw", &server.results_url]), config.child_timeout)?;
        if num(&raw, "bytes") as usize != body.len() {
            return Err(format!("network floor: read {} of {} bytes", raw["bytes"], body.len()));
        }
        runs.raw_secs.push(num(&raw, "secs"));
        runs.raw_rss_kib.push(num(&raw, "peak_rss_kib"));
        runs.raw_chunks.push(num(&raw, "chunks"));
        println!(
            "  results run {}/{}: client {:.0} MB/s ({:.1} MiB peak RSS), limit {:.0} MB/s, network floor {:.0} MB/s; other processes {:.0} % of the CPUs",
            run + 1,
            config.runs,
            body_len / secs / 1e6,
            mib(num(&child, "peak_rss_kib")),
            body_len / limit_secs / 1e6,
            body_len / num(&raw, "secs") / 1e6,
            others * 100.0,
        );
    }
    for _ in 0..config.breakdown_runs {
        runs.split_words_secs.push(inmemory::split_words(&body).as_secs_f64());
        runs.split_bytes_secs.push(inmemory::split_bytes(&body).as_secs_f64());
        runs.parse_only_secs.push(inmemory::parse_only(&body).as_secs_f64());
        runs.to_value_secs.push(inmemory::to_value(&body).as_secs_f64());
    }

    // ---- Python SDK --------------------------------------------------------------------------
    let python = match python {
        Err(reason) if reason.starts_with("skipped") => PythonOutcome::Skipped(reason),
        Err(reason) => PythonOutcome::Failed(reason),
        Ok(interpreter) => run_python(&interpreter, &server, &config, lines, expected),
    };

    // ---- Profile of one client run ------------------------------------------------------------
    let profile = if options.smoke {
        Err("not in --smoke".to_owned())
    } else if !options.perf {
        Err("skipped (--no-perf)".to_owned())
    } else {
        server.refill();
        perf_profile(&exe, &server.url, &config)
    };
    if let Err(reason) = &profile {
        println!("perf profile: {reason}");
    }
    let body_mib = body_len / (1 << 20) as f64;
    drop(body);
    drop(server);

    // ---- Pagination -------------------------------------------------------------------------
    let pagination = pagination(&rt, &config)?;

    // ---- Generation ----------------------------------------------------------------------
    let generation = generation(&config)?;
    let series = generation::run(&exe, &series_config, &series_dir)?;

    // ---- Report --------------------------------------------------------------------------
    let others = cpu_start.zip(report::cpu_use()).map(|(start, end)| start.others_since(&end));
    let elapsed = started.elapsed().as_secs_f64();
    let load = match others {
        Some(others) => format!(
            "other processes used {others:.0} CPU-seconds during the {elapsed:.0} s run ({:.0} % of the {cpus:.0} CPUs); load average at the start {load_start}",
            others / (elapsed * cpus) * 100.0
        ),
        None => format!("load average at the start {load_start}"),
    };
    let summary =
        Summary { config: &config, body_len, body_mib, expected, runs, python, pagination, generation };
    let rows = summary.rows();
    let breakdown = summary.breakdown_rows();
    println!();
    println!("{}", report::markdown_table(&rows));
    println!("Where the client's time goes (each row one pass over the same {body_mib:.0} MiB):\n");
    println!("{}", report::markdown_table(&breakdown));
    if let Ok(profile) = &profile {
        println!("{}", profile.markdown());
    }
    println!("What dominates:");
    for line in summary.observations(profile.as_ref().ok()) {
        println!("- {line}");
    }
    println!("\nGeneration: size series\n\n{}", series.table());
    for note in series.notes() {
        println!("- {note}");
    }
    println!("total bench time: {elapsed:.0} s; {load}");

    if !options.smoke {
        let mut text =
            summary.markdown(&machine, &load, &rows, &breakdown, profile.as_ref(), started.elapsed());
        text.push('\n');
        text.push_str(&series.markdown(&machine, "cargo xtask bench"));
        let path = xtask::root().join("BENCHMARKS.md");
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

/// `--only generation`: the size series alone; a full run rewrites only its section of
/// `BENCHMARKS.md`.
fn generation_only(
    exe: &Path,
    config: &generation::SeriesConfig,
    dir: &Path,
    machine: &report::Machine,
    smoke: bool,
) -> Result<(), String> {
    let series = generation::run(exe, config, dir)?;
    println!("\nGeneration: size series\n\n{}", series.table());
    for note in series.notes() {
        println!("- {note}");
    }
    if !smoke {
        write_section(generation::HEADING, &series.markdown(machine, "cargo xtask bench --only generation"))?;
    }
    Ok(())
}

/// `--only cli`: the download to a file by the tool, curl and the Python SDK; a full run
/// rewrites only its section of `BENCHMARKS.md`.
fn cli_only(
    rt: &tokio::runtime::Runtime,
    config: &Config,
    options: &Options,
    machine: &report::Machine,
) -> Result<(), String> {
    let tool = cli_download::build_tool()?;
    let body = data::results_body(config.lines, config.body_bytes)?;
    let lines = body.lines;
    let server = ResultsServer::start(rt, body)?;
    let python =
        if !options.python { Err("skipped (--no-python)".to_owned()) } else { python_env(!options.smoke) };
    if let Err(reason) = &python {
        println!("Python SDK: {reason}");
    }
    let mut series: [cli_download::Series; 3] = Default::default();
    let runs = if options.smoke { 1 } else { 3 };
    for run in 0..runs {
        cli_download::run_once(
            &tool,
            python.as_deref().ok(),
            &server,
            lines,
            &mut series,
            config.child_timeout,
        )?;
        println!("  download run {}/{runs} done", run + 1);
    }
    let rows = cli_download::rows(&series, server.body.len(), PYTHON_SDK);
    println!("\n{}", report::markdown_table(&rows));
    if !options.smoke {
        let body = format!("{lines} lines, {:.0} MiB", server.body.len() as f64 / (1 << 20) as f64);
        let where_ = format!("{} CPUs, {}", machine.cpus, machine.cpu_model);
        write_section(cli_download::HEADING, &cli_download::markdown(&rows, &where_, &body))?;
    }
    Ok(())
}

/// Replaces the section under `heading` of `BENCHMARKS.md` (appends it when there is none).
fn write_section(heading: &str, section: &str) -> Result<(), String> {
    let path = xtask::root().join("BENCHMARKS.md");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|_| "# Benchmarks\n".to_owned());
    std::fs::write(&path, generation::replace_section(&text, heading, section))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("wrote the section `{heading}` of {}", path.display());
    Ok(())
}

// -------------------------------------------------------------------------------------------
// The results server
// -------------------------------------------------------------------------------------------

/// The scripted server answering `GET /v1/messages/batches/{id}` with the ended batch and
/// `GET /v1/messages/batches/{id}/results` with the body. The body's reply (a 1 GiB copy, as
/// `Reply` owns its bytes) is prepared between runs, so no run waits for a copy.
struct ResultsServer {
    _server: TestServer,
    body: Arc<Vec<u8>>,
    counts: Counts,
    ready: Arc<Mutex<Option<Reply>>>,
    url: String,
    results_url: String,
}

fn results_reply(body: &[u8]) -> Reply {
    Reply::bytes(200, "application/binary", body.to_vec()).header("request-id", "req_bench_results")
}

impl ResultsServer {
    fn start(rt: &tokio::runtime::Runtime, body: data::Body) -> Result<ResultsServer, String> {
        let counts = body.counts;
        let body = Arc::new(body.bytes);
        let ready: Arc<Mutex<Option<Reply>>> = Arc::new(Mutex::new(None));
        let batch: Arc<OnceLock<Vec<u8>>> = Arc::new(OnceLock::new());
        let batch_path = format!("/v1/messages/batches/{BATCH_ID}");
        let results_path = format!("{batch_path}/results");
        let not_found = try_example("ErrorResponse.not_found.json")?;

        let handler = {
            let (body, ready, batch) = (Arc::clone(&body), Arc::clone(&ready), Arc::clone(&batch));
            let results_path = results_path.clone();
            move |req: &RecordedRequest| {
                if req.method == "GET" && req.path == batch_path {
                    let json = batch.get().cloned().unwrap_or_default();
                    Reply::bytes(200, "application/json", json).header("request-id", "req_bench_batch")
                } else if req.method == "GET" && req.path == results_path {
                    // A request the harness did not prepare for (a retry) gets a fresh copy.
                    lock(&ready).take().unwrap_or_else(|| results_reply(&body))
                } else {
                    Reply::json(404, &not_found)
                }
            }
        };
        let server = rt.block_on(TestServer::start(handler));
        let url = server.url();
        let results_url = format!("{url}{results_path}");
        let json = serde_json::to_vec(&data::ended_batch(BATCH_ID, &results_url, counts)?)
            .map_err(|e| e.to_string())?;
        let _ = batch.set(json);
        Ok(ResultsServer { _server: server, body, counts, ready, url, results_url })
    }

    /// Prepares the reply for the next results request.
    fn refill(&self) {
        let mut ready = lock(&self.ready);
        if ready.is_none() {
            *ready = Some(results_reply(&self.body));
        }
    }
}

// -------------------------------------------------------------------------------------------
// Child processes
// -------------------------------------------------------------------------------------------

/// Runs a child to its end (killing it after `timeout`) and returns its `BENCH_RESULT` JSON and
/// its wall time.
fn run_child(command: &mut Command, timeout: Duration) -> Result<(Value, Duration), String> {
    let finished = process::run(process::loopback_only(command), Some(timeout)).map_err(|e| e.to_string())?;
    let what = &finished.command;
    let output = || format!("{}\n{}", tail(&finished.stdout, 8), tail(&finished.stderr, 8));
    if !finished.success() {
        return Err(format!("{what} failed ({}):\n{}", finished.status, output()));
    }
    let line = finished
        .stdout
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix(child::RESULT_PREFIX))
        .ok_or_else(|| format!("{what} printed no result:\n{}", output()))?;
    let value = serde_json::from_str(line).map_err(|e| format!("{what}: bad result line ({e}): {line}"))?;
    Ok((value, finished.elapsed))
}

/// One pass of the in-memory limit, checked and recorded; returns its time in seconds.
fn measure_limit(body: &[u8], lines: usize, expected: Counts, runs: &mut ResultsRuns) -> Result<f64, String> {
    let pass = inmemory::typed(body);
    check_pass("in-memory limit", &pass, lines, expected)?;
    let secs = pass.elapsed.as_secs_f64();
    runs.limit_secs.push(secs);
    runs.limit_cpu_secs.push(pass.cpu_secs.unwrap_or(f64::NAN));
    Ok(secs)
}

fn num(value: &Value, key: &str) -> f64 {
    value.get(key).and_then(Value::as_f64).unwrap_or(f64::NAN)
}

fn check_pass(what: &str, pass: &inmemory::Pass, lines: usize, expected: Counts) -> Result<(), String> {
    if pass.lines != lines as u64 || pass.failed != 0 || pass.counts != expected {
        return Err(format!(
            "{what}: {} lines, {} failed, {} (expected {lines} lines: {expected})",
            pass.lines, pass.failed, pass.counts
        ));
    }
    Ok(())
}

/// One run of the client keeping each line's JSON text (`--client-results-text`), checked: every
/// line decoded, and the text kept is the body less its line breaks.
fn text_child(
    exe: &Path,
    server: &ResultsServer,
    config: &Config,
    lines: usize,
    expected: Counts,
) -> Result<Value, String> {
    server.refill();
    let (kept, _) = run_child(
        Command::new(exe).args(["--client-results-text", &server.url, BATCH_ID]),
        config.child_timeout,
    )?;
    check_child("generated client keeping each line's text", &kept, lines, expected)?;
    // The last line may lack its line break.
    let breaks = server.body.len().saturating_sub(num(&kept, "text_bytes") as usize);
    if breaks != lines && breaks + 1 != lines {
        return Err(format!(
            "the kept text is {} bytes for {lines} lines in {} bytes",
            kept["text_bytes"],
            server.body.len()
        ));
    }
    Ok(kept)
}

fn check_child(what: &str, report: &Value, lines: usize, expected: Counts) -> Result<(), String> {
    let counts = Counts::from_json(&report["counts"]);
    if num(report, "lines") as usize != lines || num(report, "failed") != 0.0 || counts != expected {
        return Err(format!(
            "{what}: {} lines, {} failed (first error: {}), {counts} (expected {lines} lines: {expected})",
            report["lines"], report["failed"], report["first_error"]
        ));
    }
    Ok(())
}

// -------------------------------------------------------------------------------------------
// Python SDK
// -------------------------------------------------------------------------------------------

/// The venv's interpreter with the pinned SDK, creating the venv if `install` (else a reason
/// starting with "skipped").
fn python_env(install: bool) -> Result<PathBuf, String> {
    let venv = bench_dir().join("venv");
    let python = venv.join("bin").join("python");
    let pinned = PYTHON_SDK.split_once("==").map_or(PYTHON_SDK, |(_, v)| v);
    let installed = |python: &Path| {
        process::run(
            Command::new(python).args(["-c", "import anthropic; print(anthropic.__version__)"]),
            None,
        )
        .ok()
        .filter(|finished| finished.success())
        .map(|finished| finished.stdout.trim().to_owned())
    };
    match installed(&python) {
        Some(version) if version == pinned => return Ok(python),
        _ if !install => {
            return Err(format!("skipped: no {PYTHON_SDK} in {} (the full run creates it)", venv.display()))
        }
        _ => {}
    }
    println!("setting up {} with {PYTHON_SDK} ...", venv.display());
    let step = |program: &Path, args: &[&str], what: &str| -> Result<(), String> {
        let out = process::run(Command::new(program).args(args), None)
            .map_err(|e| format!("{what} failed: {e}"))?;
        if out.success() {
            return Ok(());
        }
        let last = out.stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim();
        Err(format!("{what} failed ({}): {last}", out.status))
    };
    let system_python = std::env::var_os("PYTHON").map_or_else(|| PathBuf::from("python3"), PathBuf::from);
    let venv_arg = venv.to_string_lossy().into_owned();
    step(&system_python, &["-m", "venv", "--clear", &venv_arg], "python3 -m venv")?;
    step(
        &python,
        &["-m", "pip", "install", "--disable-pip-version-check", "-q", PYTHON_SDK],
        &format!("pip install {PYTHON_SDK}"),
    )?;
    match installed(&python) {
        Some(version) if version == pinned => Ok(python),
        other => Err(format!("pip install {PYTHON_SDK} left version {other:?}")),
    }
}

fn run_python(
    python: &Path,
    server: &ResultsServer,
    config: &Config,
    lines: usize,
    expected: Counts,
) -> PythonOutcome {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench").join("python_results.py");
    let (mut secs, mut rss_kib, mut import_secs) = (Vec::new(), Vec::new(), Vec::new());
    let (mut version, mut interpreter) = (String::new(), String::new());
    for run in 0..config.python_runs {
        server.refill();
        let mut command = Command::new(python);
        command.arg(&script).args([&server.url, BATCH_ID]).env("PYTHONDONTWRITEBYTECODE", "1");
        let outcome = run_child(&mut command, config.child_timeout * 4)
            .and_then(|(report, _)| check_child("Python SDK", &report, lines, expected).map(|()| report));
        match outcome {
            Ok(report) => {
                let s = num(&report, "secs");
                println!(
                    "  Python run {}/{}: {:.0} MB/s, {:.1} MiB peak RSS",
                    run + 1,
                    config.python_runs,
                    server.body.len() as f64 / s / 1e6,
                    mib(num(&report, "peak_rss_kib"))
                );
                secs.push(s);
                rss_kib.push(num(&report, "peak_rss_kib"));
                import_secs.push(num(&report, "import_secs"));
                version = report["sdk_version"].as_str().unwrap_or("?").to_owned();
                interpreter = report["python"].as_str().unwrap_or("?").to_owned();
            }
            Err(error) => return PythonOutcome::Failed(format!("run failed: {error}")),
        }
    }
    PythonOutcome::Ran { secs, rss_kib, import_secs, version, python: interpreter }
}

// -------------------------------------------------------------------------------------------
// perf
// -------------------------------------------------------------------------------------------

struct Profile {
    samples_note: String,
    by_dso: Vec<(f64, String)>,
    by_symbol: Vec<(f64, String)>,
    /// Every symbol of at least 0.8 %, for shares by name.
    all_symbols: Vec<(f64, String)>,
    /// The client runtime's own symbols (`anthropic_batches::runtime`): self time (%), name, and
    /// the share of all samples (%) in a byte-at-a-time newline loop, when `perf annotate` finds
    /// one in it.
    runtime: Vec<(f64, String, Option<f64>)>,
}

impl Profile {
    /// Summed self time (%) of the symbols whose name satisfies `pred` (among those of at least
    /// 0.8 %, so a lower bound).
    fn share(&self, pred: impl Fn(&str) -> bool) -> f64 {
        self.all_symbols.iter().filter(|(_, name)| pred(name)).map(|(pct, _)| pct).sum()
    }
}

/// The samples (% of the symbol's own) in the hottest loop that compares bytes with `\n`
/// (`cmpb $0xa`) and jumps back to that compare, in `perf annotate` output; `None` unless that
/// loop holds at least 30 % of the symbol's samples (a word-at-a-time search still has small
/// byte loops for its tail, which do not count).
fn newline_loop_share(annotate: &str) -> Option<f64> {
    let lines: Vec<(f64, u64, &str)> = annotate
        .lines()
        .filter_map(|line| {
            let (pct, rest) = line.split_once(':')?;
            let pct: f64 = pct.trim().parse().ok()?;
            let (addr, instr) = rest.trim().split_once(':')?;
            let addr = u64::from_str_radix(addr.trim(), 16).ok()?;
            Some((pct, addr, instr.trim()))
        })
        .collect();
    let loop_share = |start: usize| -> Option<f64> {
        let target = lines[start].1;
        let end = (start..lines.len().min(start + 12)).find(|&i| {
            let instr = lines[i].2;
            instr.starts_with('j')
                && instr.split_whitespace().nth(1).and_then(|a| u64::from_str_radix(a, 16).ok())
                    == Some(target)
        })?;
        Some(lines[start..=end].iter().map(|(pct, _, _)| pct).sum())
    };
    (0..lines.len())
        .filter(|&i| lines[i].2.starts_with("cmpb") && lines[i].2.contains("$0xa,"))
        .filter_map(loop_share)
        .fold(None, |best: Option<f64>, share| Some(best.map_or(share, |b| b.max(share))))
        .filter(|share| *share >= 30.0)
}

impl Profile {
    fn markdown(&self) -> String {
        let mut out = format!("`perf record` of one client run ({}):\n\n", self.samples_note);
        out.push_str("| self time | where |\n|---|---|\n");
        for (pct, dso) in &self.by_dso {
            out.push_str(&format!("| {pct:.1} % | {dso} |\n"));
        }
        out.push_str("\nTop symbols (self time):\n\n| self time | symbol |\n|---|---|\n");
        for (pct, symbol) in &self.by_symbol {
            out.push_str(&format!("| {pct:.1} % | `{symbol}` |\n"));
        }
        out
    }
}

fn perf_profile(exe: &Path, url: &str, config: &Config) -> Result<Profile, String> {
    let data = bench_dir().join("perf.data");
    let data_arg = data.to_string_lossy().into_owned();
    let mut record = Command::new("perf");
    record.args(["record", "-F", "999", "-q", "-o", &data_arg, "--"]).arg(exe).args([
        "--client-results",
        url,
        BATCH_ID,
    ]);
    run_child(&mut record, config.child_timeout).map_err(|e| format!("perf unavailable: {e}"))?;
    // (self %, dso, symbol) rows of `perf report`.
    let report = |fields: &str| -> Result<Vec<(f64, String, Option<String>)>, String> {
        let mut command = Command::new("perf");
        command
            .args(["report", "-i", &data_arg, "--stdio", "--no-children", "-q", "--percent-limit", "0.8"])
            .args(["-F", fields, "-t", "\t"]);
        let out = process::run(&mut command, None).map_err(|e| format!("perf report: {e}"))?;
        if !out.success() {
            return Err(format!("perf report failed ({})", out.status));
        }
        Ok(out
            .stdout
            .lines()
            .filter_map(|line| {
                let mut fields = line.split('\t').map(str::trim);
                let pct: f64 = fields.next()?.trim_end_matches('%').trim().parse().ok()?;
                let dso = fields.next()?.to_owned();
                let symbol = fields.next().map(|symbol| {
                    let (kind, symbol) = symbol.split_once(' ').unwrap_or(("", symbol));
                    (kind, symbol.trim().to_owned())
                });
                Some(match symbol {
                    Some(("[k]", symbol)) => (pct, "kernel".to_owned(), Some(symbol)),
                    Some((_, symbol)) => (pct, dso, Some(symbol)),
                    None => (pct, dso, None),
                })
            })
            .collect())
    };
    let by_dso: Vec<(f64, String)> =
        report("overhead,dso")?.into_iter().take(16).map(|(pct, dso, _)| (pct, dso)).collect();
    let symbols = report("overhead,dso,sym")?;
    let runtime = symbols
        .iter()
        .filter_map(|(pct, _, symbol)| Some((*pct, symbol.as_ref()?)))
        .filter(|(pct, symbol)| *pct >= 1.0 && symbol.contains("anthropic_batches::runtime"))
        .take(4)
        .map(|(pct, symbol)| {
            let annotate = process::run(
                Command::new("perf").args(["annotate", "-i", &data_arg, "--stdio", "-s", symbol]),
                None,
            )
            .ok();
            let share =
                annotate.and_then(|out| newline_loop_share(&out.stdout)).map(|share| pct * share / 100.0);
            (pct, symbol.clone(), share)
        })
        .collect();
    let all_symbols: Vec<(f64, String)> = symbols
        .into_iter()
        .map(|(pct, dso, symbol)| match symbol {
            Some(symbol) => (pct, format!("{symbol} ({dso})")),
            None => (pct, dso),
        })
        .collect();
    let by_symbol = all_symbols.iter().take(16).map(|(pct, name)| (*pct, shorten_symbol(name))).collect();
    Ok(Profile {
        samples_note: format!(
            "999 Hz, all threads, kernel included; kept in `{}`",
            data.strip_prefix(xtask::root()).unwrap_or(&data).display()
        ),
        by_dso,
        by_symbol,
        all_symbols,
        runtime,
    })
}

/// `symbol (dso)` with the symbol cut to 110 characters.
fn shorten_symbol(name: &str) -> String {
    match name.rsplit_once(" (") {
        Some((symbol, dso)) => format!("{} ({dso}", shorten(symbol, 110)),
        None => shorten(name, 110),
    }
}

fn shorten(symbol: &str, max: usize) -> String {
    if symbol.chars().count() <= max {
        symbol.to_owned()
    } else {
        let cut: String = symbol.chars().take(max).collect();
        format!("{cut}…")
    }
}

// -------------------------------------------------------------------------------------------
// Pagination and generation
// -------------------------------------------------------------------------------------------

struct Pagination {
    secs: Vec<f64>,
    requests: usize,
}

fn pagination(rt: &tokio::runtime::Runtime, config: &Config) -> Result<Pagination, String> {
    let pages = Arc::new(data::list_pages(config.batches, config.page_limit)?);
    let served = Arc::clone(&pages);
    let server = rt.block_on(TestServer::start(move |req: &RecordedRequest| {
        let key = req.query_param("after_id").unwrap_or("");
        match served.get(key) {
            Some(page) if req.path == "/v1/messages/batches" && req.query_param("before_id").is_none() => {
                Reply::bytes(200, "application/json", page.clone())
            }
            _ => Reply::empty(400),
        }
    }));
    let expected_requests = config.batches.div_ceil(config.page_limit);
    let limit = i32::try_from(config.page_limit).map_err(|e| e.to_string())?;
    let mut secs = Vec::new();
    for _ in 0..config.pagination_runs {
        let client =
            Client::builder().base_url(server.url()).api_key("x").build().map_err(|e| e.to_string())?;
        let before = server.request_count();
        let (elapsed, items, pages_fetched) = rt.block_on(async {
            let start = Instant::now();
            let mut stream = client.list_message_batches().limit(limit).items();
            let mut items = 0usize;
            while let Some(item) = stream.next().await {
                item.map_err(|e| format!("pagination: {e}"))?;
                items += 1;
            }
            Ok::<_, String>((start.elapsed(), items, stream.pages_fetched()))
        })?;
        let requests = server.request_count() - before;
        if items != config.batches || requests != expected_requests || pages_fetched as usize != requests {
            return Err(format!(
                "pagination: {items} items in {requests} requests ({pages_fetched} pages), expected {} in exactly {expected_requests}",
                config.batches
            ));
        }
        secs.push(elapsed.as_secs_f64());
    }
    Ok(Pagination { secs, requests: expected_requests })
}

struct Generation {
    generate_secs: Vec<f64>,
    plan_secs: Vec<f64>,
    files: usize,
    bytes: usize,
}

fn generation(config: &Config) -> Result<Generation, String> {
    let spec_path = xtask::bundled_spec();
    let spec = std::fs::read(&spec_path).map_err(|e| format!("{}: {e}", spec_path.display()))?;
    let settings = xtask::settings_for(&spec_path, xtask::BUNDLED_NAME, "0.0.0");
    let (mut generate_secs, mut plan_secs) = (Vec::new(), Vec::new());
    let (mut files, mut bytes) = (0, 0);
    for _ in 0..config.generation_runs {
        let start = Instant::now();
        let generated =
            codegen::generate(&spec, &settings).map_err(|d| format!("codegen::generate: {d:?}"))?;
        generate_secs.push(start.elapsed().as_secs_f64());
        files = generated.len();
        bytes = generated.iter().map(|f| f.contents.len()).sum();
        std::hint::black_box(generated);

        let start = Instant::now();
        let plan = xtask::bundled_plan(&spec).map_err(|d| format!("xtask::bundled_plan: {d:?}"))?;
        plan_secs.push(start.elapsed().as_secs_f64());
        std::hint::black_box(plan);
    }
    Ok(Generation { generate_secs, plan_secs, files, bytes })
}

// -------------------------------------------------------------------------------------------
// Summary
// -------------------------------------------------------------------------------------------

struct Summary<'a> {
    config: &'a Config,
    body_len: f64,
    body_mib: f64,
    expected: Counts,
    runs: ResultsRuns,
    python: PythonOutcome,
    pagination: Pagination,
    generation: Generation,
}

/// Goals from the issue.
const GOAL_RATIO: f64 = 0.90;
const GOAL_RSS_MIB: f64 = 32.0;
const GOAL_PYTHON_SPEEDUP: f64 = 10.0;
const GOAL_PYTHON_RSS_FRACTION: f64 = 0.5;
/// A pair is "quiet" when other processes used less than this share of the CPUs meanwhile.
const QUIET: f64 = 0.10;

impl Summary<'_> {
    fn mbps(&self, secs: &[f64]) -> Option<Stats> {
        Stats::of(&secs.iter().map(|s| self.body_len / s / 1e6).collect::<Vec<_>>())
    }

    fn lines_per_sec(&self, secs: &[f64]) -> Option<Stats> {
        let lines = self.config.lines as f64;
        Stats::of(&secs.iter().map(|s| lines / s).collect::<Vec<_>>())
    }

    fn secs(v: &[f64]) -> Option<Stats> {
        Stats::of(v)
    }

    fn mib_stats(kib: &[f64]) -> Option<Stats> {
        Stats::of(&kib.iter().map(|k| mib(*k)).collect::<Vec<_>>())
    }

    fn client_mbps(&self) -> Option<Stats> {
        self.mbps(&self.runs.client_secs)
    }

    fn python_stats(&self) -> Option<(Stats, Stats)> {
        match &self.python {
            PythonOutcome::Ran { secs, rss_kib, .. } => Some((self.mbps(secs)?, Self::mib_stats(rss_kib)?)),
            _ => None,
        }
    }

    /// The client / limit ratio over the pairs during which other processes used less than
    /// `QUIET` of the CPUs.
    fn quiet_pairs(&self) -> String {
        let r = &self.runs;
        let quiet: Vec<f64> =
            r.ratio.iter().zip(&r.others).filter(|(_, o)| **o < QUIET).map(|(x, _)| x * 100.0).collect();
        match Stats::of(&quiet) {
            Some(s) => format!(
                "{} of {} pairs ran while other processes used < {:.0} % of the CPUs: median {:.1} % ({}) over those",
                s.runs,
                r.ratio.len(),
                QUIET * 100.0,
                s.median,
                s.spread(1)
            ),
            None => format!(
                "no pair ran while other processes used < {:.0} % of the CPUs (busiest pair {:.0} %)",
                QUIET * 100.0,
                r.others.iter().copied().fold(0.0, f64::max) * 100.0
            ),
        }
    }

    fn rows(&self) -> Vec<Row> {
        let r = &self.runs;
        let mut rows = Vec::new();
        let client = self.client_mbps();
        let client_lps = self.lines_per_sec(&r.client_secs);
        let wall = Self::secs(&r.client_wall_secs);
        let first = Self::secs(&r.client_first_response_secs);
        rows.push(
            Row::new("results: generated client (child process)").stats(client.as_ref(), 0, "MB/s").notes(
                format!(
                    "{} lines/s; {} lines, {:.0} MiB; {:.2} s stream, {:.2} s process wall; first response {:.1} ms; multi-thread runtime as `#[tokio::main]`",
                    client_lps.as_ref().map_or("?".into(), |s| format!("{:.0}", s.median)),
                    self.config.lines,
                    self.body_mib,
                    Self::secs(&r.client_secs).map_or(f64::NAN, |s| s.median),
                    wall.map_or(f64::NAN, |s| s.median),
                    first.map_or(f64::NAN, |s| s.median * 1e3),
                ),
            ),
        );
        let rss = Self::mib_stats(&r.client_rss_kib);
        let rss_start = Self::mib_stats(&r.client_rss_start_kib);
        let rss_max = rss.as_ref().map_or(f64::NAN, |s| s.max);
        rows.push(
            Row::new("results: generated client peak RSS")
                .stats(rss.as_ref(), 1, "MiB")
                .notes(format!(
                    "VmHWM of the child at its end; {:.1} MiB before the runtime started",
                    rss_start.map_or(f64::NAN, |s| s.median)
                ))
                .goal(format!("≤ {GOAL_RSS_MIB:.0} MiB (worst run): {}", verdict(rss_max <= GOAL_RSS_MIB))),
        );
        let limit = self.mbps(&r.limit_secs);
        rows.push(
            Row::new("results: in-memory limit (from_slice, same types)").stats(limit.as_ref(), 0, "MB/s").notes(
                format!(
                    "{} lines/s; word-at-a-time line split + serde_json::from_slice::<MessageBatchIndividualResponse>, no network",
                    self.lines_per_sec(&r.limit_secs).map_or("?".into(), |s| format!("{:.0}", s.median)),
                ),
            ),
        );
        let ratio = Stats::of(&r.ratio.iter().map(|x| x * 100.0).collect::<Vec<_>>());
        rows.push(
            Row::new("results: client / in-memory limit")
                .stats(ratio.as_ref(), 1, "%")
                .notes(format!(
                    "throughput ratio within each run's pair (limit and client back to back, order alternating); {}; CPU time: client {:.2} s (all threads) vs limit {:.2} s",
                    self.quiet_pairs(),
                    Stats::of(&r.client_cpu_secs).map_or(f64::NAN, |s| s.median),
                    Stats::of(&r.limit_cpu_secs).map_or(f64::NAN, |s| s.median),
                ))
                .goal(format!(
                    "≥ {:.0} %: {}",
                    GOAL_RATIO * 100.0,
                    verdict(ratio.as_ref().is_some_and(|s| s.median >= GOAL_RATIO * 100.0))
                )),
        );
        let kept = self.mbps(&r.text_secs);
        rows.push(
            Row::new("results: client keeping each line's text (next_with_raw)").stats(kept.as_ref(), 0, "MB/s").notes(
                format!(
                    "child process, next to the plain client (before it in odd runs, after it in even ones); every line's JSON text kept beside its value (`Raw<T>`, a shared slice of the network chunk), its length summed; CPU time {:.2} s (all threads) vs {:.2} s for the plain client",
                    Stats::of(&r.text_cpu_secs).map_or(f64::NAN, |s| s.median),
                    Stats::of(&r.client_cpu_secs).map_or(f64::NAN, |s| s.median),
                ),
            ),
        );
        let text_ratio = Stats::of(&r.text_ratio.iter().map(|x| x * 100.0).collect::<Vec<_>>());
        rows.push(
            Row::new("results: client keeping text / in-memory limit")
                .stats(text_ratio.as_ref(), 1, "%")
                .notes("throughput ratio to the limit of the same run's pair")
                .goal(format!(
                    "≥ {:.0} %: {}",
                    GOAL_RATIO * 100.0,
                    verdict(text_ratio.as_ref().is_some_and(|s| s.median >= GOAL_RATIO * 100.0))
                )),
        );
        let raw = self.mbps(&r.raw_secs);
        rows.push(Row::new("results: network floor (reqwest, bytes only)").stats(raw.as_ref(), 0, "MB/s").notes(
            format!(
                "child process, body read and dropped; {:.1} MiB peak RSS; {:.0} chunks of {:.1} KiB on average",
                Self::mib_stats(&r.raw_rss_kib).map_or(f64::NAN, |s| s.median),
                Stats::of(&r.raw_chunks).map_or(f64::NAN, |s| s.median),
                Stats::of(&r.raw_chunks).map_or(f64::NAN, |s| self.body_len / s.median / 1024.0),
            ),
        ));
        match &self.python {
            PythonOutcome::Ran { secs, import_secs, version, python, .. } => {
                let (py, py_rss) = self.python_stats().map_or((None, None), |(a, b)| (Some(a), Some(b)));
                rows.push(Row::new(&format!("results: Python SDK (anthropic {version})")).stats(py.as_ref(), 1, "MB/s").notes(format!(
                    "{} lines/s; {:.1} s stream; peak RSS {:.1} MiB (min–max {}); Python {python}, import {:.2} s not counted",
                    self.lines_per_sec(secs).map_or("?".into(), |s| format!("{:.0}", s.median)),
                    Self::secs(secs).map_or(f64::NAN, |s| s.median),
                    py_rss.as_ref().map_or(f64::NAN, |s| s.median),
                    py_rss.as_ref().map_or("?".into(), |s| s.spread(1)),
                    Self::secs(import_secs).map_or(f64::NAN, |s| s.median),
                )));
                if let (Some(client), Some(py), Some(py_rss), Some(rss)) = (&client, &py, &py_rss, &rss) {
                    let speedup = client.median / py.median;
                    let runs = format!("{} / {}", client.runs, py.runs);
                    rows.push(Row {
                        name: "results: client / Python SDK throughput".to_owned(),
                        median: format!("{speedup:.1} ×"),
                        spread: format!("{:.1}–{:.1}", client.min / py.max, client.max / py.min),
                        runs: runs.clone(),
                        notes: format!(
                            "ratio of the medians ({:.0} vs {:.1} MB/s); spread: slowest client / fastest Python to fastest / slowest",
                            client.median, py.median
                        ),
                        goal: format!("≥ {GOAL_PYTHON_SPEEDUP:.0}×: {}", verdict(speedup >= GOAL_PYTHON_SPEEDUP)),
                    });
                    let fraction = rss.max / py_rss.median;
                    rows.push(Row {
                        name: "results: client / Python SDK peak RSS".to_owned(),
                        median: format!("{:.1} %", fraction * 100.0),
                        spread: format!(
                            "{:.1}–{:.1}",
                            rss.min / py_rss.max * 100.0,
                            rss.max / py_rss.min * 100.0
                        ),
                        runs,
                        notes: format!(
                            "client worst run {:.1} MiB vs Python median {:.1} MiB",
                            rss.max, py_rss.median
                        ),
                        goal: format!(
                            "a fraction (≤ {:.0} %): {}",
                            GOAL_PYTHON_RSS_FRACTION * 100.0,
                            verdict(fraction <= GOAL_PYTHON_RSS_FRACTION)
                        ),
                    });
                }
            }
            PythonOutcome::Skipped(reason) => {
                rows.push(Row::new("results: Python SDK").notes(reason.clone()).goal("not measured"))
            }
            PythonOutcome::Failed(reason) => rows.push(
                Row::new("results: Python SDK")
                    .notes(format!("FAILED: {}", reason.replace('\n', " ").replace('|', "/")))
                    .goal("not measured"),
            ),
        }
        let p = &self.pagination;
        rows.push(
            Row::new(&format!(
                "pagination: {} batches, limit {}",
                self.config.batches, self.config.page_limit
            ))
            .stats(Self::secs(&p.secs).map(|s| scale(s, 1e3)).as_ref(), 1, "ms")
            .notes(format!(
                "list_message_batches().limit({}).items(); {} requests in every run (asserted)",
                self.config.page_limit, p.requests
            ))
            .goal(format!("exactly {} requests: met", p.requests)),
        );
        let g = &self.generation;
        rows.push(
            Row::new("generation: codegen::generate(spec/openapi.yaml)")
                .stats(Self::secs(&g.generate_secs).map(|s| scale(s, 1e3)).as_ref(), 1, "ms")
                .notes(format!(
                    "in process; {} files, {:.0} KiB of output",
                    g.files,
                    g.bytes as f64 / 1024.0
                )),
        );
        rows.push(
            Row::new("generation: xtask::bundled_plan")
                .stats(Self::secs(&g.plan_secs).map(|s| scale(s, 1e3)).as_ref(), 1, "ms")
                .notes("generate + API surface, change report against generated/, changelog"),
        );
        rows
    }

    fn breakdown_rows(&self) -> Vec<Row> {
        let r = &self.runs;
        let stage = |name: &str, secs: &[f64], notes: &str| {
            let s = Self::secs(secs);
            let mbps = self.mbps(secs);
            Row::new(name)
                .stats(s.as_ref(), 3, "s")
                .notes(format!("{} MB/s; {notes}", mbps.map_or("?".into(), |m| format!("{:.0}", m.median))))
        };
        vec![
            stage("split lines, word at a time", &r.split_words_secs, "what memchr does without SIMD"),
            stage(
                "split lines, byte at a time",
                &r.split_bytes_secs,
                "`iter().position(|b| b == b'\\n')`, for comparison",
            ),
            stage(
                "parse only (IgnoredAny)",
                &r.parse_only_secs,
                "JSON syntax and string validation, nothing built",
            ),
            stage(
                "parse into serde_json::Value",
                &r.to_value_secs,
                "what decoding through a JSON tree would cost (unions now skip it when the tag comes first)",
            ),
            stage(
                "typed decode = in-memory limit",
                &r.limit_secs,
                "split + from_slice::<MessageBatchIndividualResponse>",
            ),
            stage(
                "network floor (reqwest, bytes only)",
                &r.raw_secs,
                "child process, loopback TCP, HTTP/1.1",
            ),
            stage("generated client", &r.client_secs, "child process, everything"),
        ]
    }

    fn markdown(
        &self,
        machine: &report::Machine,
        load: &str,
        rows: &[Row],
        breakdown: &[Row],
        profile: Result<&Profile, &String>,
        elapsed: Duration,
    ) -> String {
        let r = &self.runs;
        let med = |v: &[f64]| Stats::of(v).map_or(f64::NAN, |s| s.median);
        let (client, limit, raw) = (med(&r.client_secs), med(&r.limit_secs), med(&r.raw_secs));
        let (parse, value, words, bytes) = (
            med(&r.parse_only_secs),
            med(&r.to_value_secs),
            med(&r.split_words_secs),
            med(&r.split_bytes_secs),
        );
        let pct = |part: f64, whole: f64| part / whole * 100.0;
        let python_line = match &self.python {
            PythonOutcome::Ran { version, python, .. } => {
                format!(
                    "official Python SDK `anthropic` {version} on Python {python}, in `target/bench/venv`"
                )
            }
            PythonOutcome::Skipped(reason) => format!("Python SDK: {reason}"),
            PythonOutcome::Failed(reason) => format!("Python SDK: FAILED — {}", reason.replace('\n', " ")),
        };
        let mut out = String::new();
        out.push_str("# Benchmarks\n\n");
        out.push_str(
            "Written by the bench harness (`tests/bench/main.rs`); do not edit by hand, run it again.\n\n",
        );
        out.push_str(&format!(
            "- date: {}\n- command: `cargo xtask bench` (= `cargo run --release -p integration-tests --bin bench`), {:.0} s in all\n- machine: {} CPUs (`nproc`), {} memory, {}; {}; {}\n- other work on the machine: {load} (the client needs both CPUs, for itself and the server, while the in-memory limit needs one, so load from elsewhere lowers the client / limit ratio most)\n- data: {} result lines ({}), {:.0} MiB, built in memory from `tests/fixtures/examples/MessageBatchIndividualResponse.*.json` with unique `custom_id`s and succeeded messages padded with generated prose; served from memory by `tests/support/server.rs` on 127.0.0.1 after `GET /v1/messages/batches/{{id}}` (`MessageBatch.ended.json` with a local `results_url`)\n- compared with: {python_line}\n- MB = 10^6 bytes; medians of several runs, spread is min–max; the client, the network floor and Python each run in a child process so that peak RSS (`VmHWM`) is theirs alone\n\n",
            utc_minute(SystemTime::now()),
            elapsed.as_secs_f64(),
            machine.cpus,
            machine.memory,
            machine.cpu_model,
            machine.kernel,
            machine.rustc,
            self.config.lines,
            self.expected,
            self.body_mib,
        ));
        out.push_str("## Results\n\n");
        out.push_str(&report::markdown_table(rows));
        out.push_str("\n## Goals\n\n");
        for row in rows.iter().filter(|row| !row.goal.is_empty() && row.goal != "not measured") {
            out.push_str(&format!("- {}: {} → **{}**\n", row.name, row.median, row.goal));
        }
        if !matches!(self.python, PythonOutcome::Ran { .. }) {
            out.push_str("- Python SDK comparison (≥ 10× its throughput, a fraction of its memory): **not measured** (see the table)\n");
        }
        out.push_str(&format!(
            "\n## Where the client's time goes\n\nEach row is one pass over the same {:.0} MiB body (median of its runs).\n\n",
            self.body_mib
        ));
        out.push_str(&report::markdown_table(breakdown));
        out.push('\n');
        match profile {
            Ok(profile) => out.push_str(&profile.markdown()),
            Err(reason) => out.push_str(&format!("No `perf` profile: {reason}.\n")),
        }
        out.push_str("\n## What dominates, what was optimised\n\n");
        out.push_str(&format!(
            "- Decoding dominates. The in-memory limit (split + typed decode) takes {limit:.2} s of the client's {client:.2} s ({:.0} %). Within it, parsing alone (`IgnoredAny`) takes {parse:.2} s and parsing into a `serde_json::Value` {value:.2} s; splitting lines takes {words:.3} s word at a time and {bytes:.3} s byte at a time.\n",
            pct(limit, client)
        ));
        let overlap = if client - limit < raw {
            "less than that floor, so part of the transfer overlaps with decoding (hyper reads the socket on its own task while the consumer decodes), but on 2 cores the server's writes and the kernel's loopback copies still take CPU from decoding"
        } else {
            "at least that floor: on 2 cores the server's writes, the kernel's loopback copies and the client's decoding share the machine, so the transfer adds to decoding instead of overlapping with it"
        };
        out.push_str(&format!(
            "- The rest of the client's time, {:.2} s ({:.0} %), is the network and the stream's own work. Reading the body with plain reqwest and dropping it takes {raw:.2} s; the client's extra time is {overlap}.\n",
            client - limit,
            pct(client - limit, client)
        ));
        for line in self.observations(profile.ok()) {
            out.push_str(&format!("- {line}\n"));
        }
        out
    }

    /// What the measurements and the profile say about the client, for the report.
    fn observations(&self, profile: Option<&Profile>) -> Vec<String> {
        let r = &self.runs;
        let med = |v: &[f64]| Stats::of(v).map_or(f64::NAN, |s| s.median);
        let (limit, parse, value) = (med(&r.limit_secs), med(&r.parse_only_secs), med(&r.to_value_secs));
        let (words, bytes) = (med(&r.split_words_secs), med(&r.split_bytes_secs));
        let mut notes = Vec::new();
        let Some(p) = profile else {
            notes.push(format!(
                "No profile: see the stages above (parse only {parse:.2} s, into `Value` {value:.2} s, typed {limit:.2} s)."
            ));
            return notes;
        };
        let own: f64 = p.runtime.iter().map(|(pct, _, _)| pct).sum();
        let names: Vec<String> = p
            .runtime
            .iter()
            .map(|(pct, name, _)| {
                format!("`{}` {pct:.1} %", shorten(name.rsplit("::").next().unwrap_or(name), 40))
            })
            .collect();
        let mut stream = format!(
            "The client's own code (`anthropic_batches::runtime`, symbols of ≥ 1 %) holds {own:.1} % of the samples{}.",
            if names.is_empty() { String::new() } else { format!(": {}", names.join(", ")) }
        );
        for (_, name, loop_share) in &p.runtime {
            if let Some(share) = loop_share {
                stream.push_str(&format!(
                    " `{}` searches for `\\n` a byte at a time (that loop holds {share:.1} % of all samples); a word-at-a-time scan or `memchr` is about {:.1}× faster over this body ({bytes:.2} s against {words:.2} s).",
                    shorten(name, 60),
                    bytes / words
                ));
            }
        }
        notes.push(stream);
        let value_de = p.share(|n| n.contains("serde_json::value::de") || n.contains("btree"));
        let alloc = p.share(|n| {
            ["malloc ", "_int_malloc", "_int_free", "free ", "cfree", "malloc_consolidate"]
                .iter()
                .any(|prefix| n.starts_with(prefix))
        });
        let utf8 = p.share(|n| n.starts_with("core::str::converts::from_utf8") || n.contains("SliceRead"));
        let copies = p.share(|n| n.contains("memmove") || n.contains("memcpy"));
        let kernel: f64 = p.by_dso.iter().filter(|(_, d)| d.contains("kernel")).map(|(pct, _)| pct).sum();
        notes.push(format!(
            "Inside decoding (symbols of ≥ 0.8 % summed): string scanning and UTF-8 validation in serde_json (`from_utf8`, `SliceRead`) hold {utf8:.1} % of the samples, malloc/free {alloc:.1} %, `memmove`/`memcpy` {copies:.1} %. All of it is in the in-memory limit as well."
        ));
        if value_de >= 1.0 {
            notes.push(format!(
                "Union decoding through `Value`: `serde_json::Value`'s `Deserialize` and its BTreeMap inserts hold {value_de:.1} % of the samples, because the generated tagged unions (`MessageBatchResult`, `ContentBlock`, …) parse into a `Value` first and decode the variant from that tree. Parsing alone takes {parse:.2} s, parsing into `Value` {value:.2} s, the typed decode {limit:.2} s. Reading the tag first (the API writes `type` first; buffer only when it is not) would lower the limit itself, and the client's time with it, by up to {:.2} s here.",
                (limit - parse).max(0.0)
            ));
        }
        notes.push(format!(
            "Kernel: {kernel:.1} % (the copy out of the socket, and task switches: with the multi-thread runtime the chunks pass from hyper's connection task to the consuming task across threads)."
        ));
        notes.push(
            "The harness measures the generated crate as it is and changes nothing in it. The server's reply (a copy of the 1 GiB body, as `Reply` owns its bytes) is prepared before each run, outside the timed part; the body is built from the minified fixture text, so keys keep the API's order (`custom_id` first, `type` first in each union)."
                .to_owned(),
        );
        notes
    }
}

fn scale(stats: Stats, factor: f64) -> Stats {
    Stats { median: stats.median * factor, min: stats.min * factor, max: stats.max * factor, ..stats }
}

#[cfg(test)]
mod tests {
    use super::newline_loop_share;

    #[test]
    fn a_hot_byte_loop_counts_and_a_cold_tail_loop_does_not() {
        let hot = "\
    1.00 :   2a6a40: mov    %rax,%rdx
   13.77 :   2a6a50: cmpb   $0xa,(%rdi,%rcx,1)
   31.83 :   2a6a54: je     2a6c30 <poll_next+0x2c0>
   28.89 :   2a6a5a: dec    %r8
    2.71 :   2a6a5d: inc    %rdi
   22.35 :   2a6a60: cmp    %r8,%rsi
    0.00 :   2a6a63: jne    2a6a50 <poll_next+0xe0>
";
        let share = newline_loop_share(hot).expect("a loop");
        assert!((share - 99.55).abs() < 0.01, "{share}");
        let cold = "\
   60.00 :   64ea94: mov    %r11,%r12
    0.50 :   64eb00: cmpb   $0xa,(%rdi)
    0.10 :   64eb04: je     64eb20 <next_line+0x90>
    0.10 :   64eb06: inc    %rdi
    0.00 :   64eb09: jne    64eb00 <next_line+0x70>
";
        assert_eq!(newline_loop_share(cold), None);
    }
}
