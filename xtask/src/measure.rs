//! Measuring a child process: the generator run in a child of its own, its wall time, CPU time
//! and peak RSS. The child is this crate's own command line run as the hidden task
//! `measure generate …` ([`measure`]), which reads its figures from `/proc/self` and reports them
//! on its last line of stderr; the parent ([`run_generation`]) spawns it, waits with an optional
//! timeout and reads the report back, or tells why there is none ([`Ended`]: a panic, a crash, the
//! time limit). [`release_generator`] builds the optimised binary that is measured. Used by
//! `cargo xtask github`, `cargo xtask corpus` and the bench harness (`tests/bench/generation.rs`).

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::paths::root;
use crate::text::{plural, tail};

/// The hidden task that runs another task and reports its time and peak RSS:
/// `xtask measure generate --spec …`.
pub const MEASURE_TASK: &str = "measure";

/// The prefix of the line (on stderr, last) on which [`measure`] reports.
pub const MEASURE_PREFIX: &str = "xtask-measure: ";

/// `xtask measure TASK…`: runs the task with `run` (the dispatch, [`crate::run`]), then reports
/// on stderr, as the last line,
/// `xtask-measure: {"exit": …, "secs": …, "peak_rss_kib": …, "cpu_secs": …}`.
///
/// The child reads its own peak RSS (`VmHWM`) because the parent cannot: `wait4`'s `ru_maxrss`
/// starts from the parent's peak when the child is spawned with `vfork` (as `posix_spawn`, and so
/// `std::process::Command`, does), so a parent larger than the generator would hide it.
pub fn measure(
    args: &[String],
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
    // Passed in rather than called by name, so that this module does not depend on the dispatch
    // that depends on it.
    run: fn(&[String], &mut dyn Write, &mut dyn Write) -> u8,
) -> u8 {
    let start = Instant::now();
    let code = run(args, stdout, stderr);
    let secs = start.elapsed().as_secs_f64();
    let report = serde_json::json!({
        "exit": code,
        "secs": secs,
        "peak_rss_kib": proc_status_kib("VmHWM"),
        "cpu_secs": cpu_secs(),
    });
    let _ = writeln!(stderr, "{MEASURE_PREFIX}{report}");
    code
}

/// A field of `/proc/self/status` in KiB (`VmHWM` is the peak resident set size).
fn proc_status_kib(field: &str) -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field) && l[field.len()..].starts_with(':'))?;
    line[field.len() + 1..].trim().trim_end_matches("kB").trim().parse().ok()
}

/// CPU time (user + system) this process has used, from `/proc/self/stat` (clock ticks of
/// 1/100 s): unlike wall time, it does not grow when other work shares the machine.
fn cpu_secs() -> Option<f64> {
    let stat = fs::read_to_string("/proc/self/stat").ok()?;
    let (_, after_name) = stat.rsplit_once(')')?;
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// One run of the generator in a child process.
#[derive(Clone, Debug)]
pub struct Generation {
    /// From spawn to exit, as measured by the parent.
    pub wall: Duration,
    /// Inside the child, from the start of the task to its end (reading, generating, writing).
    pub task_secs: Option<f64>,
    /// The child's CPU time (user + system).
    pub cpu_secs: Option<f64>,
    /// The child's own peak RSS (`VmHWM`), in KiB.
    pub peak_rss_kib: Option<u64>,
    /// The task's exit code (0: the crate was written).
    pub exit_code: Option<i32>,
    /// Every `error at <pointer>: …` line, in the order printed.
    pub errors: Vec<String>,
    /// Every `warning at <pointer>: …` line, in the order printed.
    pub warnings: Vec<String>,
    /// What the child printed, the report line left out.
    pub stdout: String,
    /// See `stdout`.
    pub stderr: String,
}

impl Generation {
    /// True when the crate was written.
    pub fn succeeded(&self) -> bool {
        self.exit_code == Some(0)
    }

    /// `written`, `failed (402 errors)`, or why the child failed when it printed no diagnostic.
    pub fn outcome(&self) -> String {
        if self.succeeded() {
            return "written".to_owned();
        }
        if !self.errors.is_empty() {
            return format!("failed ({})", plural(self.errors.len(), "error"));
        }
        let last = self.stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("no output");
        format!("failed (exit {:?}: {last})", self.exit_code)
    }
}

/// How a child generator ended.
#[derive(Clone, Debug)]
pub enum Ended {
    /// It ran to the end and reported, whether or not it wrote the crate.
    Reported(Generation),
    /// It exited without its report line: a panic, or killed by a signal (a stack overflow
    /// aborts).
    Unreported {
        /// The command line, for messages.
        command: String,
        /// Its exit status as printed, e.g. `exit status: 101` or `signal: 6 (SIGABRT)`.
        status: String,
        /// From spawn to exit.
        wall: Duration,
        /// Everything it printed on stderr (a panic's message is there).
        stderr: String,
    },
    /// It was killed when it ran past the time limit.
    TimedOut {
        /// The command line, for messages.
        command: String,
        /// The limit it ran past.
        limit: Duration,
    },
}

impl Ended {
    /// The child's report, or why it has none, as an error.
    pub fn reported(self) -> Result<Generation, String> {
        match self {
            Ended::Reported(generation) => Ok(generation),
            Ended::Unreported { command, status, stderr, .. } => {
                Err(format!("{command} exited ({status}) without its report line:\n{}", tail(&stderr, 10)))
            }
            Ended::TimedOut { command, limit } => Err(format!("{command} did not finish within {limit:?}")),
        }
    }
}

/// Runs `program` (the xtask binary, or any program whose arguments go to `xtask::run`) as
/// `program measure generate --spec SPEC --out OUT --name NAME`, with `timeout` if given, and
/// returns what it reported. A generation that fails is an `Ok` with a non-zero `exit_code`; an
/// `Err` means the child could not be run, finished late, or did not report (see
/// [`run_generation_ended`] to tell these apart).
pub fn run_generation(
    program: Command,
    spec: &Path,
    out: &Path,
    name: &str,
    timeout: Option<Duration>,
) -> Result<Generation, String> {
    run_generation_ended(program, spec, out, name, timeout)?.reported()
}

/// [`run_generation`], telling a child that reported from one that panicked, crashed or ran out
/// of time; an `Err` means the child could not be run or waited for.
pub fn run_generation_ended(
    program: Command,
    spec: &Path,
    out: &Path,
    name: &str,
    timeout: Option<Duration>,
) -> Result<Ended, String> {
    // A client needs the types its operations use; GitHub's description also defines
    // thousands of webhook payloads that none does.
    run_generation_with(program, spec, out, name, timeout, &["--skip-unused-schemas"])
}

/// [`run_generation_ended`] with these `generate` options instead (`&[]`: none, every component
/// schema kept behind the crate's `other-schemas` feature, as a user who runs `generate` without
/// flags gets it).
pub fn run_generation_with(
    mut program: Command,
    spec: &Path,
    out: &Path,
    name: &str,
    timeout: Option<Duration>,
    options: &[&str],
) -> Result<Ended, String> {
    program
        .arg(MEASURE_TASK)
        .arg("generate")
        .arg("--spec")
        .arg(spec)
        .arg("--out")
        .arg(out)
        .args(["--name", name])
        .args(options)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let what = format!("{program:?}");
    let start = Instant::now();
    let mut child = program.spawn().map_err(|e| format!("cannot start {what}: {e}"))?;
    let pipe = |r: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut r) = r {
                let _ = r.read_to_end(&mut bytes);
            }
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let stdout = pipe(child.stdout.take().map(|s| Box::new(s) as Box<dyn Read + Send>));
    let stderr = pipe(child.stderr.take().map(|s| Box::new(s) as Box<dyn Read + Send>));
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if timeout.is_some_and(|limit| start.elapsed() > limit) => {
                let _ = child.kill();
                let _ = child.wait();
                return Ok(Ended::TimedOut { command: what, limit: timeout.unwrap_or_default() });
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(1)),
            Err(e) => return Err(format!("{what}: {e}")),
        }
    };
    let wall = start.elapsed();
    let stdout = stdout.join().unwrap_or_default();
    let mut stderr = stderr.join().unwrap_or_default();
    let report = stderr
        .lines()
        .rev()
        .find_map(|line| line.strip_prefix(MEASURE_PREFIX))
        .and_then(|json| serde_json::from_str::<serde_json::Value>(json).ok());
    let Some(report) = report else {
        return Ok(Ended::Unreported { command: what, status: status.to_string(), wall, stderr });
    };
    if let Some(at) = stderr.rfind(MEASURE_PREFIX) {
        stderr.truncate(at);
    }
    let lines_with = |prefix: &str| -> Vec<String> {
        stderr.lines().filter(|l| l.starts_with(prefix)).map(str::to_owned).collect()
    };
    Ok(Ended::Reported(Generation {
        wall,
        task_secs: report["secs"].as_f64(),
        cpu_secs: report["cpu_secs"].as_f64(),
        peak_rss_kib: report["peak_rss_kib"].as_u64(),
        exit_code: report["exit"].as_i64().and_then(|code| i32::try_from(code).ok()).or(status.code()),
        errors: lines_with("error at "),
        warnings: lines_with("warning at "),
        stdout,
        stderr,
    }))
}

/// Builds the release `xtask` binary (a no-op when fresh) and returns its path, so that the
/// generator measured is the optimised one whatever profile runs the task.
pub fn release_generator() -> Result<PathBuf, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = Command::new(&cargo)
        .current_dir(root())
        .args(["build", "--release", "--quiet", "-p", "xtask", "--bin", "xtask"])
        .status()
        .map_err(|e| format!("cannot run {cargo}: {e}"))?;
    if !status.success() {
        return Err(format!("cargo build --release -p xtask failed ({status})"));
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|dir| if dir.is_absolute() { dir } else { root().join(dir) })
        .unwrap_or_else(|| root().join("target"));
    let exe = target.join("release").join(format!("xtask{}", std::env::consts::EXE_SUFFIX));
    exe.is_file().then_some(exe.clone()).ok_or_else(|| format!("no {} after the build", exe.display()))
}
