//! `--only compile`: what GitHub's crate costs a user to compile, by the features they turn on,
//! and what generating it costs.
//!
//! The crate is generated from `api.github.com.json` without flags (every component schema kept,
//! the unused ones behind `other-schemas`), as a new user gets it. Its dependencies are compiled
//! first, apart (`xtask::generated_crate::compile_dependencies`), so each measured step is the
//! crate alone: `cargo clean -p github-api`, then `cargo check` (or `build`) with a selection of
//! features, under `/usr/bin/time`, whose peak RSS of cargo's process tree is rustc's (cargo
//! waits for rustc, and the kernel reports the largest of the waited-for processes).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Instant, SystemTime};

use integration_tests::support::process;
use integration_tests::support::time::utc_minute;
use xtask::github;

use crate::report::{self, markdown_table, mib, verdict, Row, Stats};

pub const HEADING: &str = "## Compiling the generated crate";

/// What was optimised and what dominates what is left, measured on this machine while the work
/// was done (the table above is the state after it).
const NOTES: &[&str] = &[
    "Optimised: one Cargo feature per group of operations (README, \"Cargo features per group of operations\"). A user compiles the groups they call: GitHub's crate has 48 tag features and `other-schemas` (the 350 component schemas no operation uses, webhook payloads), none on by default. Before, every user compiled everything: `cargo check` of the crate generated without flags took 407 s (and with `--skip-unused-schemas`, 131.5 s; BENCHMARKS.md of 2026-11-27 14:06, same machine).",
    "Optimised: object structs decode through a written-out `Deserialize` (`runtime::de::Object`: a `match` from key to field, shared reading functions) instead of serde's derive, which expanded to 282 lines per struct (115,187 of about 180,000 expanded lines with `repos` on, `-Z macro-stats`). `cargo check` with `repos` alone: 21.2 s → 14.6 s (medians of 3, measured before and after the change on its branch). The same decoding behaviour (but serde's array form of a struct), and the results stream decodes as fast as before.",
    "Optimised: the xtask binary allocates with mimalloc (malloc and free were a third of generation's profile). Tried and left out: formatting the types (most of the text) in two halves on two threads beside the other modules gave no gain in wall time on two CPUs (2.9–3.2 s against 3.0–3.1 s) for 30 % more CPU time and 40 MiB more memory.",
    "What dominates what is left: rustc's memory and time grow with the size of the one crate; with every feature on (7,500 types, 1,223 operations and the 1,223-subcommand tool) it holds about 8 GiB. Splitting the crate (one crate per group, as the AWS SDK does per service) would bound it; within one crate, features are what keeps a user's build small.",
    "Generation got slower: the written-out `Deserialize` impls make `types.rs` about twice as long, and formatting (quote → syn → prettyplease) is most of the generator's time; compile time, paid by every user on every clean build, was chosen over generation time, paid once per spec change.",
];

/// One way to compile the crate.
struct Step {
    name: &'static str,
    /// `check` or `build`.
    command: &'static str,
    features: &'static [&'static str],
    runs: usize,
    /// The goal on its median wall time, in seconds, and on its peak memory, in GiB.
    goal_secs: Option<f64>,
    goal_gib: Option<f64>,
}

const STEPS: [Step; 5] = [
    Step {
        name: "cargo check, default features",
        command: "check",
        features: &[],
        runs: 3,
        goal_secs: Some(60.0),
        goal_gib: None,
    },
    Step {
        name: "cargo check, tag `emojis` only (1 operation)",
        command: "check",
        features: &["--no-default-features", "--features", "emojis"],
        runs: 3,
        goal_secs: Some(5.0),
        goal_gib: None,
    },
    Step {
        name: "cargo check, tag `repos` only (the largest: 201 operations)",
        command: "check",
        features: REPOS_ONLY,
        runs: 3,
        goal_secs: Some(20.0),
        goal_gib: None,
    },
    Step {
        name: "cargo check, all features",
        command: "check",
        features: &["--all-features"],
        runs: 2,
        goal_secs: Some(60.0),
        goal_gib: Some(3.0),
    },
    Step {
        name: "cargo build (debug), all features",
        command: "build",
        features: &["--all-features"],
        runs: 1,
        goal_secs: None,
        goal_gib: None,
    },
];

/// The features of the largest group alone, as `cargo xtask github` checks it.
const REPOS_ONLY: &[&str] = github::SELECTIONS[1].args;

/// `cargo clean -p` of the crate: the next step compiles it from scratch.
fn clean(dir: &Path, target: &Path) -> Result<(), String> {
    let clean = github::cargo(dir, target, &["clean", "--quiet", "-p", github::CRATE_NAME])?;
    match clean.ok {
        true => Ok(()),
        false => Err(format!("{} failed:\n{}", clean.command, github::tail(&clean.stderr, 20))),
    }
}

/// One timed cargo command: wall time and peak RSS of its process tree.
struct Timed {
    secs: f64,
    peak_kib: Option<f64>,
}

fn timed_cargo(dir: &Path, target: &Path, args: &[&str]) -> Result<Timed, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let gnu_time = Path::new("/usr/bin/time");
    let mut command = if gnu_time.is_file() {
        let mut command = Command::new(gnu_time);
        command.args(["-f", "xtask-time %e %M", &cargo]);
        command
    } else {
        Command::new(&cargo)
    };
    command
        .args(args)
        .args(["--offline", "--quiet"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_TERM_COLOR", "never");
    let start = Instant::now();
    let finished = process::run(&mut command, None).map_err(|e| e.to_string())?;
    let secs = start.elapsed().as_secs_f64();
    if !finished.success() {
        return Err(format!("cargo {} failed:\n{}", args.join(" "), github::tail(&finished.stderr, 20)));
    }
    let peak_kib = finished
        .stderr
        .lines()
        .rev()
        .find_map(|line| line.strip_prefix("xtask-time "))
        .and_then(|figures| figures.split_whitespace().nth(1)?.parse().ok());
    Ok(Timed { secs, peak_kib })
}

/// Generates the crate `runs` times (the last run's output is kept), measuring each run.
fn generations(
    generator: &Path,
    spec: &Path,
    out: &Path,
    name: &str,
    runs: usize,
) -> Result<Vec<github::Generation>, String> {
    let mut all = Vec::new();
    for run in 0..runs {
        if out.exists() {
            std::fs::remove_dir_all(out).map_err(|e| format!("cannot empty {}: {e}", out.display()))?;
        }
        let generation =
            github::run_generation_with(Command::new(generator), spec, out, name, None, &[])?.reported()?;
        if !generation.succeeded() {
            return Err(format!("generating {} {}", spec.display(), generation.outcome()));
        }
        println!(
            "  generation {}/{runs} {}: {:.3} s, {:.0} MiB",
            run + 1,
            spec.display(),
            generation.wall.as_secs_f64(),
            generation.peak_rss_kib.map_or(f64::NAN, |kib| kib as f64 / 1024.0)
        );
        all.push(generation);
    }
    Ok(all)
}

fn generation_rows(
    label: &str,
    runs: &[github::Generation],
    goal_secs: f64,
    goal_mib: Option<f64>,
) -> Vec<Row> {
    let wall: Vec<f64> = runs.iter().map(|g| g.wall.as_secs_f64()).collect();
    let cpu: Vec<f64> = runs.iter().filter_map(|g| g.cpu_secs).collect();
    let rss: Vec<f64> = runs.iter().filter_map(|g| g.peak_rss_kib.map(|kib| mib(kib as f64))).collect();
    let (wall, cpu, rss) = (Stats::of(&wall), Stats::of(&cpu), Stats::of(&rss));
    let mut rows = Vec::new();
    let digits = if goal_secs < 0.1 { 3 } else { 2 };
    let met = wall.as_ref().is_some_and(|s| s.median <= goal_secs);
    rows.push(
        Row::new(&format!("generation wall time: {label}"))
            .stats(wall.as_ref(), digits, "s")
            .notes(format!(
                "release `xtask generate` without flags in a child process, spawn to exit; CPU time {}",
                cpu.as_ref().map_or_else(
                    || "?".to_owned(),
                    |s| format!("{} ({})", s.show(digits, "s"), s.spread(digits))
                )
            ))
            .goal(format!("≤ {goal_secs} s: {}", verdict(met))),
    );
    let rss_goal = goal_mib.map(|goal| {
        let met = rss.as_ref().is_some_and(|s| s.median <= goal);
        format!("≤ {goal} MiB: {}", verdict(met))
    });
    rows.push(
        Row::new(&format!("generation peak RSS: {label}"))
            .stats(rss.as_ref(), 0, "MiB")
            .notes("VmHWM of the child")
            .goal(rss_goal.unwrap_or_default()),
    );
    rows
}

/// Measures everything and returns the section for `BENCHMARKS.md`.
pub fn run(smoke: bool, machine: &report::Machine) -> Result<String, String> {
    // The generator users run: the release `xtask` binary, with its allocator.
    let exe = xtask::measure::release_generator()?;
    let exe = exe.as_path();
    let specs = github::downloaded()
        .ok_or("GitHub's description is not downloaded: run `cargo xtask github` once")?;
    let spec = specs.join(github::SPEC_FILE);
    let work: PathBuf = xtask::root().join("target").join("bench").join("compile");
    let crate_dir = work.join(github::CRATE_NAME);
    let target = work.join("target");
    let load_start = report::load_average();
    let started = Instant::now();
    let generation_runs = if smoke { 1 } else { 5 };

    println!("Generating {} without flags ...", github::SPEC_FILE);
    let github_runs = generations(exe, &spec, &crate_dir, github::CRATE_NAME, generation_runs)?;
    let bundled = xtask::root().join("spec").join("openapi.yaml");
    let bundled_runs =
        generations(exe, &bundled, &work.join("anthropic-batches"), "anthropic-batches", generation_runs)?;
    let size = github::crate_size(&crate_dir);
    let mut rows = generation_rows(github::SPEC_FILE, &github_runs, 0.7, Some(100.0));
    rows.extend(generation_rows("spec/openapi.yaml (bundled)", &bundled_runs, 0.03, None));

    github::prepare_crate(&crate_dir)?;
    let steps: &[Step] = if smoke { &STEPS[..2] } else { &STEPS };
    for step in steps {
        println!("{} ...", step.name);
        let dependencies = github::compile_dependencies(
            &crate_dir,
            &target,
            &[&[step.command, "--quiet"], step.features].concat(),
        )?;
        if !dependencies.ok {
            return Err(format!(
                "{} failed:\n{}",
                dependencies.command,
                github::tail(&dependencies.stderr, 20)
            ));
        }
        let mut secs = Vec::new();
        let mut peaks = Vec::new();
        for run in 0..step.runs {
            clean(&crate_dir, &target)?;
            let timed = timed_cargo(&crate_dir, &target, &[&[step.command], step.features].concat())?;
            println!(
                "  run {}/{}: {:.1} s, peak {:.2} GiB",
                run + 1,
                step.runs,
                timed.secs,
                timed.peak_kib.map_or(f64::NAN, |kib| kib / 1024.0 / 1024.0)
            );
            secs.push(timed.secs);
            peaks.extend(timed.peak_kib.map(|kib| kib / 1024.0 / 1024.0));
        }
        let (secs, peak) = (Stats::of(&secs), Stats::of(&peaks));
        let mut goals = Vec::new();
        if let (Some(goal), Some(stats)) = (step.goal_secs, &secs) {
            goals.push(format!("≤ {goal} s: {}", verdict(stats.median <= goal)));
        }
        if let (Some(goal), Some(stats)) = (step.goal_gib, &peak) {
            goals.push(format!("≤ {goal} GB peak: {}", verdict(stats.median * 1.073_741_824 <= goal)));
        }
        let features = if step.features.is_empty() { "(none)".to_owned() } else { step.features.join(" ") };
        rows.push(Row::new(step.name).stats(secs.as_ref(), 1, "s").goal(goals.join("; ")).notes(format!(
                "`cargo {} {features}` after `cargo clean -p {}`; rustc peak RSS {}",
                step.command,
                github::CRATE_NAME,
                peak.as_ref()
                    .map_or_else(|| "?".to_owned(), |s| format!("{} ({})", s.show(2, "GiB"), s.spread(2)))
            )));
    }

    let expansion = if smoke { None } else { macro_stats(&crate_dir, &target, REPOS_ONLY) };

    let mut out = format!("{HEADING}\n\n");
    let _ = writeln!(
        out,
        "- measured: {} by `cargo xtask bench --only compile` ({:.0} s in all); {} CPUs, {}; {}; load average at the start {load_start}",
        utc_minute(SystemTime::now()),
        started.elapsed().as_secs_f64(),
        machine.cpus,
        machine.cpu_model,
        machine.rustc
    );
    let _ = writeln!(
        out,
        "- the crate: `{}` from `{}` generated without flags: {} operations, {} types, {} lines of Rust; its dependencies compiled beforehand, apart, with the same features; each step after `cargo clean -p {}`, wall time and the peak RSS of cargo's process tree (rustc's) from `/usr/bin/time`",
        github::CRATE_NAME,
        github::SPEC_FILE,
        size.operations.map_or_else(|| "?".to_owned(), |n| n.to_string()),
        size.types.map_or_else(|| "?".to_owned(), |n| n.to_string()),
        size.rust_lines,
        github::CRATE_NAME,
    );
    out.push('\n');
    out.push_str(&markdown_table(&rows));
    out.push('\n');
    for note in NOTES {
        let _ = writeln!(out, "- {note}");
    }
    if let Some(expansion) = expansion {
        out.push_str("\nWhat rustc expands, by macro, for tag `repos` alone (`RUSTC_BOOTSTRAP=1 cargo rustc --profile check --no-default-features --features repos --lib -- -Z macro-stats`; the largest, by lines of code they expand to):\n\n");
        out.push_str(&expansion);
    }
    Ok(out)
}

/// The largest macro expansions of the crate (`-Z macro-stats`, through `RUSTC_BOOTSTRAP`):
/// a Markdown table of the first rows, or `None` when rustc does not give them.
fn macro_stats(dir: &Path, target: &Path, features: &[&str]) -> Option<String> {
    clean(dir, target).ok()?;
    let args = [&["rustc", "--quiet", "--profile", "check", "--lib"], features, &["--", "-Z", "macro-stats"]]
        .concat();
    let (mut command, _) = github::cargo_command(dir, target, &args);
    command.env("RUSTC_BOOTSTRAP", "1");
    let finished = process::run(&mut command, None).ok()?;
    // Rows: `macro-stats #[derive(serde::Deserialize)]   409   115_187   281.6 ...`.
    let mut rows: Vec<(String, u64, u64)> = finished
        .stderr
        .lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.strip_prefix("macro-stats ")?.split_whitespace().collect();
            let [name, uses, lines, ..] = fields.as_slice() else { return None };
            let number = |text: &str| text.replace('_', "").parse::<u64>().ok();
            Some(((*name).to_owned(), number(uses)?, number(lines)?))
        })
        .collect();
    rows.sort_by_key(|row| std::cmp::Reverse(row.2));
    let total: u64 = rows.iter().map(|row| row.2).sum();
    if total == 0 {
        return None;
    }
    let mut text =
        "| macro | uses | lines | lines per use | share of all expanded lines |\n|---|---:|---:|---:|---:|\n"
            .to_owned();
    for (name, uses, lines) in rows.iter().take(8) {
        let _ = writeln!(
            text,
            "| `{}` | {uses} | {lines} | {:.1} | {:.1} % |",
            name.replace('|', "\\|"),
            *lines as f64 / (*uses).max(1) as f64,
            *lines as f64 * 100.0 / total as f64
        );
    }
    Some(text)
}
