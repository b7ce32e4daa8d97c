//! Generation at scale: the generator on specs from 0.08 to 78 MB, so a reader can judge whether
//! its cost grows linearly with the spec.
//!
//! Each measurement is `xtask generate` (read, model, emit, write the crate) in a child process
//! of its own: the bench binary run again as `bench --xtask measure generate …`, which is the
//! xtask binary's code (`xtask::run`) and reports the child's own peak RSS (`VmHWM`). The specs:
//! the bundled `spec/openapi.yaml` and every description in `@octokit/openapi`'s `generated/`
//! folder (api.github.com, ghec, ghes-3.x, each also as `.deref` with every `$ref` inlined),
//! downloaded by `xtask::github::fetch` (what `cargo xtask github` uses). A full run also times
//! `cargo check` of the crate generated from `api.github.com.json`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

use integration_tests::support::time::utc_minute;
use xtask::github::{self, CargoStep, CrateSize, Generation};

use crate::report::{self, Stats};

/// The heading of this section in `BENCHMARKS.md`; `--only generation` replaces the section it
/// opens.
pub const HEADING: &str = "## Generation: size series";

/// How many runs, and on which specs.
pub struct SeriesConfig {
    pub runs: usize,
    pub timeout: Duration,
    /// `--smoke`: never download; GitHub's specs only when already downloaded, and then only
    /// `api.github.com.json` in a release build (a debug build takes too long for the smoke test).
    pub smoke: bool,
}

impl SeriesConfig {
    pub fn for_mode(smoke: bool) -> SeriesConfig {
        if smoke {
            SeriesConfig { runs: 1, timeout: Duration::from_secs(120), smoke }
        } else {
            SeriesConfig { runs: 5, timeout: Duration::from_secs(900), smoke }
        }
    }
}

/// One spec's runs.
pub struct SpecRuns {
    /// How the table names it: `spec/openapi.yaml`, `ghes-3.17.deref.json`.
    pub label: String,
    pub bytes: u64,
    pub runs: Vec<Generation>,
    /// What the last run wrote.
    pub size: CrateSize,
}

impl SpecRuns {
    fn mb(&self) -> f64 {
        self.bytes as f64 / 1e6
    }

    fn wall(&self) -> Option<Stats> {
        Stats::of(&self.runs.iter().map(|r| r.wall.as_secs_f64()).collect::<Vec<_>>())
    }

    fn cpu(&self) -> Option<Stats> {
        Stats::of(&self.runs.iter().filter_map(|r| r.cpu_secs).collect::<Vec<_>>())
    }

    fn peak_mib(&self) -> Option<Stats> {
        Stats::of(
            &self
                .runs
                .iter()
                .filter_map(|r| r.peak_rss_kib)
                .map(|kib| kib as f64 / 1024.0)
                .collect::<Vec<_>>(),
        )
    }

    fn succeeded(&self) -> bool {
        self.runs.last().is_some_and(Generation::succeeded)
    }

    /// `written`, `written (3 warnings)`, `failed (402 diagnostics)`.
    fn outcome(&self) -> String {
        let Some(last) = self.runs.last() else { return "not run".to_owned() };
        let diagnostics = last.errors.len() + last.warnings.len();
        if last.succeeded() && last.warnings.is_empty() {
            "written".to_owned()
        } else if last.succeeded() {
            format!("written ({})", github::plural(last.warnings.len(), "warning"))
        } else if diagnostics > 0 {
            format!("failed ({diagnostics} diagnostics)")
        } else {
            last.outcome()
        }
    }

    fn is_github(&self) -> bool {
        self.label.ends_with(".json")
    }
}

/// The `cargo check` of the GitHub crate (full runs).
pub enum CrateCheck {
    NotRun(String),
    Ran { dependencies: CargoStep, check: CargoStep },
}

/// Everything the section reports.
// A record of plain documented fields, shaped like xtask's `CrateSize` only as such records are;
// there is no helper of xtask's to call instead.
pub struct Series {
    pub specs: Vec<SpecRuns>,
    /// Why GitHub's specs are not in the series, when they are not (all or some).
    pub github_note: Option<String>,
    pub check: CrateCheck,
    pub runs: usize,
    /// The load average when the series started (other work on the machine lengthens wall times).
    pub load_start: String,
}

fn github_label(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// Runs the series. `exe` is the bench binary (it serves `--xtask`), `work` the folder the crates
/// are written into (each run writes into an emptied folder).
pub fn run(exe: &Path, config: &SeriesConfig, work: &Path) -> Result<Series, String> {
    // The full run measures the generator users run, the release `xtask` binary (with its
    // allocator); the smoke test, the bench binary itself (building another would take minutes).
    let generator: Option<PathBuf> =
        if config.smoke { None } else { Some(xtask::measure::release_generator()?) };
    let load_start = report::load_average();
    let mut specs: Vec<(String, PathBuf, String)> = vec![(
        xtask::github::shown(&xtask::bundled_spec()),
        xtask::bundled_spec(),
        xtask::BUNDLED_NAME.to_owned(),
    )];
    let mut github_note = None;
    let dir = if config.smoke {
        github::downloaded().ok_or_else(|| {
            format!("GitHub's specs skipped in --smoke: not downloaded (`cargo xtask github` or a full bench run downloads {})", github::PACKAGE)
        })
    } else {
        github::fetch(&mut std::io::stdout()).map_err(|e| format!("GitHub's specs: download FAILED: {e}"))
    };
    match dir {
        Ok(dir) => {
            let mut files = github::spec_files(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            if config.smoke {
                files.retain(|f| f.ends_with(github::SPEC_FILE));
                github_note = Some(if cfg!(debug_assertions) {
                    files.clear();
                    "GitHub's specs skipped in --smoke with a debug build (too slow for the smoke test)"
                        .to_owned()
                } else {
                    format!("--smoke: of GitHub's specs, only {} (the full run has all)", github::SPEC_FILE)
                });
            }
            for file in files {
                specs.push((github_label(&file), file, github::CRATE_NAME.to_owned()));
            }
        }
        Err(note) => github_note = Some(note),
    }

    let mut results: Vec<SpecRuns> = specs
        .iter()
        .map(|(label, path, _)| SpecRuns {
            label: label.clone(),
            bytes: std::fs::metadata(path).map_or(0, |m| m.len()),
            runs: Vec::new(),
            size: CrateSize::default(),
        })
        .collect();
    let out_dir = |label: &str| work.join(label.replace('/', "_"));
    // Round after round over every spec, so a drift in the machine's load touches every spec alike.
    for round in 0..config.runs {
        for ((label, path, name), result) in specs.iter().zip(&mut results) {
            let out = out_dir(label);
            if out.exists() {
                std::fs::remove_dir_all(&out).map_err(|e| format!("cannot empty {}: {e}", out.display()))?;
            }
            let program = match &generator {
                Some(xtask) => Command::new(xtask),
                None => {
                    let mut program = Command::new(exe);
                    program.arg("--xtask");
                    program
                }
            };
            let generation = github::run_generation(program, path, &out, name, Some(config.timeout))?;
            println!(
                "  generation {}/{} {label}: {:.2} s, {:.0} MiB peak RSS, {}",
                round + 1,
                config.runs,
                generation.wall.as_secs_f64(),
                generation.peak_rss_kib.map_or(f64::NAN, |kib| kib as f64 / 1024.0),
                generation.outcome()
            );
            if round + 1 == config.runs {
                result.size = github::crate_size(&out);
            }
            result.runs.push(generation);
        }
    }

    let check = if config.smoke {
        CrateCheck::NotRun("not in --smoke".to_owned())
    } else {
        match results.iter().find(|r| r.label == github::SPEC_FILE) {
            None => CrateCheck::NotRun("no GitHub spec in the series".to_owned()),
            Some(spec) if !spec.succeeded() => {
                CrateCheck::NotRun(format!("not measured: its generation {}", spec.outcome()))
            }
            Some(spec) => {
                println!("  cargo check of the {} crate ...", spec.label);
                let checked = github::check_crate(
                    &out_dir(&spec.label),
                    &github::check_target_dir(),
                    false,
                    &["--all-features"],
                )?;
                CrateCheck::Ran { dependencies: checked.dependencies, check: checked.check }
            }
        }
    };
    Ok(Series { specs: results, github_note, check, runs: config.runs, load_start })
}

/// Least squares `y ≈ a + b·x` over the points, with R².
fn fit(points: &[(f64, f64)]) -> Option<(f64, f64, f64)> {
    let n = points.len() as f64;
    if points.len() < 3 {
        return None;
    }
    let (mx, my) = (points.iter().map(|p| p.0).sum::<f64>() / n, points.iter().map(|p| p.1).sum::<f64>() / n);
    let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let syy: f64 = points.iter().map(|p| (p.1 - my).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    if sxx == 0.0 || syy == 0.0 {
        return None;
    }
    let b = sxy / sxx;
    Some((my - b * mx, b, sxy * sxy / (sxx * syy)))
}

fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut s = String::from("|");
        for (cell, w) in cells.zip(&widths) {
            let _ = write!(s, " {cell}{} |", " ".repeat(w - cell.chars().count()));
        }
        s.push('\n');
        s
    };
    let mut out = line(&mut headers.iter().copied());
    out.push('|');
    for w in &widths {
        out.push_str(&"-".repeat(w + 2));
        out.push('|');
    }
    out.push('\n');
    for row in rows {
        out.push_str(&line(&mut row.iter().map(String::as_str)));
    }
    out
}

fn secs(s: f64) -> String {
    if s < 1.0 {
        format!("{:.0} ms", s * 1e3)
    } else {
        format!("{s:.2} s")
    }
}

fn count(n: Option<usize>) -> String {
    n.map_or_else(|| "–".to_owned(), |n| n.to_string())
}

impl Series {
    /// The table, one row per spec, smallest first.
    pub fn table(&self) -> String {
        let mut specs: Vec<&SpecRuns> = self.specs.iter().collect();
        specs.sort_by_key(|s| s.bytes);
        let rows: Vec<Vec<String>> = specs
            .iter()
            .map(|s| {
                let wall = s.wall();
                let cpu = s.cpu();
                let peak = s.peak_mib();
                vec![
                    s.label.clone(),
                    format!("{:.2} MB", s.mb()),
                    s.outcome(),
                    wall.as_ref().map_or("–".into(), |w| secs(w.median)),
                    wall.as_ref().map_or("–".into(), |w| format!("{}–{}", secs(w.min), secs(w.max))),
                    s.runs.len().to_string(),
                    wall.as_ref().map_or("–".into(), |w| format!("{:.3} s/MB", w.median / s.mb())),
                    cpu.as_ref().map_or("–".into(), |c| secs(c.median)),
                    peak.as_ref().map_or("–".into(), |p| format!("{:.0} MiB", p.median)),
                    peak.as_ref().map_or("–".into(), |p| format!("{:.1} MiB/MB", p.median / s.mb())),
                    count(s.size.operations),
                    count(s.size.types),
                    if s.size.files == 0 {
                        "nothing written".to_owned()
                    } else {
                        format!("{} lines of Rust, {:.1} MB", s.size.rust_lines, s.size.bytes as f64 / 1e6)
                    },
                ]
            })
            .collect();
        table(
            &[
                "spec",
                "size",
                "outcome",
                "wall time (median)",
                "spread (min–max)",
                "runs",
                "time per MB",
                "CPU time (median)",
                "peak RSS",
                "RSS per MB",
                "operations",
                "types",
                "output",
            ],
            &rows,
        )
    }

    /// What the series says about linearity, the GitHub crate's check, and what was skipped.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        let github: Vec<&SpecRuns> = self.specs.iter().filter(|s| s.is_github()).collect();
        // Time and memory per MB, for plain specs and `.deref` ones apart: inlining every `$ref`
        // makes a spec larger without making its API larger in proportion.
        for (family, deref) in [("plain", false), ("`.deref`", true)] {
            let members: Vec<&&SpecRuns> =
                github.iter().filter(|s| s.label.contains(".deref.") == deref).collect();
            let per_mb = |value: &dyn Fn(&SpecRuns) -> Option<f64>| -> Option<(f64, f64)> {
                let ratios: Vec<f64> = members.iter().filter_map(|s| Some(value(s)? / s.mb())).collect();
                let stats = Stats::of(&ratios)?;
                Some((stats.min, stats.max))
            };
            let (Some(wall), Some(cpu), Some(rss)) = (
                per_mb(&|s| Some(s.wall()?.median)),
                per_mb(&|s| Some(s.cpu()?.median)),
                per_mb(&|s| Some(s.peak_mib()?.median)),
            ) else {
                continue;
            };
            notes.push(format!(
                "Per MB, GitHub's {} {family} specs: wall time {:.3}–{:.3} s/MB, CPU time {:.3}–{:.3} s/MB, peak RSS {:.1}–{:.1} MiB/MB.",
                members.len(),
                wall.0,
                wall.1,
                cpu.0,
                cpu.1,
                rss.0,
                rss.1
            ));
        }
        // Least squares over every GitHub spec, against the spec's size and against the number of
        // types generated (the output grows with types, and `.deref` specs have more of them).
        let points = |x: &dyn Fn(&SpecRuns) -> Option<f64>, y: &dyn Fn(&SpecRuns) -> Option<f64>| {
            github.iter().filter_map(|s| Some((x(s)?, y(s)?))).collect::<Vec<(f64, f64)>>()
        };
        let size = |s: &SpecRuns| Some(s.mb());
        let types = |s: &SpecRuns| s.size.types.map(|t| t as f64 / 1000.0);
        let cpu = |s: &SpecRuns| Some(s.cpu()?.median);
        let rss = |s: &SpecRuns| Some(s.peak_mib()?.median);
        if let (Some((ca, cb, cr2)), Some((ra, rb, rr2))) =
            (fit(&points(&size, &cpu)), fit(&points(&size, &rss)))
        {
            let mut note = format!(
                "Least squares over GitHub's {} specs, against size: CPU time ≈ {ca:.2} s + {cb:.3} s/MB (R² = {cr2:.3}), peak RSS ≈ {ra:.0} MiB + {rb:.1} MiB/MB (R² = {rr2:.3})",
                github.len()
            );
            if let (Some((ta, tb, tr2)), Some((ua, ub, ur2))) =
                (fit(&points(&types, &cpu)), fit(&points(&types, &rss)))
            {
                let _ = write!(
                    note,
                    "; against types generated: CPU time ≈ {ta:.2} s + {:.2} ms/type (R² = {tr2:.3}), peak RSS ≈ {ua:.0} MiB + {:.1} KiB/type (R² = {ur2:.3})",
                    tb,
                    ub * 1024.0 / 1000.0
                );
            }
            note.push_str(". R² near 1: cost linear in that measure. CPU time (user + system) is used because wall time also counts other work on the machine.");
            notes.push(note);
        }
        let outcomes: std::collections::BTreeSet<bool> = github.iter().map(|s| s.succeeded()).collect();
        if outcomes.len() > 1 {
            notes.push(
                "Some specs fail and others do not: a failed generation stops after the model (no emit, nothing written), so its time is not comparable with a written one.".to_owned(),
            );
        } else if outcomes.contains(&false) {
            notes.push(
                "Every GitHub spec fails: the times are of reading the spec and building the model up to its diagnostics (nothing is emitted or written).".to_owned(),
            );
        }
        match &self.check {
            CrateCheck::NotRun(reason) => {
                notes.push(format!("`cargo check` of the crate from {}: {reason}.", github::SPEC_FILE))
            }
            CrateCheck::Ran { dependencies, check } => notes.push(format!(
                "`cargo check` of the crate from {}: {} for the crate alone (`cargo clean -p` first; offline, its own target dir `target/github/target`); its dependencies took {} more (near zero once compiled).{}",
                github::SPEC_FILE,
                if check.ok { secs(check.secs) } else { format!("FAILED after {}", secs(check.secs)) },
                secs(dependencies.secs),
                if check.ok {
                    String::new()
                } else {
                    format!(
                        " Its last error: {}",
                        check.stderr.lines().rev().find(|l| l.starts_with("error")).unwrap_or("?")
                    )
                }
            )),
        }
        if let Some(note) = &self.github_note {
            notes.push(format!("{note}."));
        }
        notes.extend(OPTIMISED.iter().map(|line| (*line).to_owned()));
        notes
    }

    /// The section for `BENCHMARKS.md`.
    pub fn markdown(&self, machine: &report::Machine, command: &str) -> String {
        let mut out = format!("{HEADING}\n\n");
        let _ = writeln!(
            out,
            "- measured: {} by `{command}`; {} CPUs, {}; {}; load average at the start {}",
            utc_minute(SystemTime::now()),
            machine.cpus,
            machine.cpu_model,
            machine.rustc,
            self.load_start
        );
        let _ = writeln!(
            out,
            "- each run is the release `xtask generate --skip-unused-schemas` (read the spec, build the model, emit, write the crate into an emptied folder) in a child process of its own, so peak RSS (`VmHWM`) is that spec's alone; wall time from spawn to exit, median of {} runs, spread min–max; CPU time (user + system) as the child reports it; runs go round after round over every spec",
            self.runs
        );
        let _ = writeln!(
            out,
            "- specs: the bundled `spec/openapi.yaml` and every description in `{}`'s `generated/` folder (`.deref`: every `$ref` inlined); MB = 10^6 bytes; operations and types as recorded in the written crate's `api-surface.json`\n",
            github::PACKAGE
        );
        out.push_str(&self.table());
        out.push('\n');
        for note in self.notes() {
            let _ = writeln!(out, "- {note}");
        }
        out
    }
}

/// `text` with its section under `heading` replaced by `section` (or appended when it has none).
pub fn replace_section(text: &str, heading: &str, section: &str) -> String {
    let Some(start) = text.find(&format!("\n{heading}\n")).map(|at| at + 1) else {
        return format!("{}\n\n{}", text.trim_end(), section);
    };
    let end =
        text[start + heading.len()..].find("\n## ").map_or(text.len(), |at| start + heading.len() + at + 1);
    format!(
        "{}{}{}",
        &text[..start],
        section.trim_end(),
        if end < text.len() { format!("\n\n{}", &text[end..]) } else { "\n".to_owned() }
    )
}

/// What was changed to get the numbers above, measured on `api.github.com.json` (a record, so it is
/// written with every run of the section).
const OPTIMISED: &[&str] = &[
    "Goals (issue #13): GitHub's spec in 0.7 s and 100 MiB, the bundled spec in 30 ms; neither is met (the table above; \"Compiling the generated crate\" has the same without flags). Generation got slower when object structs gained written-out `Deserialize` impls (about twice the text in `types.rs`, which cut `cargo check` of every user's build by about a third), and faster with mimalloc as the xtask binary's allocator (malloc and free were a third of the profile).",
    "`cargo check` of the crate above has every feature on: every group of operations and the command-line tool, the tool's 1,223 subcommands included.",
    "Optimised: emission formats item by item instead of building each module's whole token tree and syntax tree first (peak RSS 663 → 148 MiB); the resolver borrows the component schemas instead of cloning them twice (→ 119 MiB); a JSON 3.0 document is read by serde_json (the version without building a tree, then the typed read from the text) instead of the YAML parser; types and operations are formatted on two threads.",
    "Optimised: `--skip-unused-schemas` leaves out the 350 component schemas no operation uses (webhook payloads): 7,544 → 3,198 types, 502k → 282k lines, and `cargo check` 407 s → about 100 s. The `.deref` specs inline every `$ref`, so the same types are emitted once per use: 5–6× the types of the plain spec.",
    "Profile (perf) of what is left, with mimalloc: the kernel zeroing fresh pages 13 %, the allocator about 13 %, and most of the rest in quote → syn → prettyplease (tokens, syntax tree, text), the pipeline the generator is built on; formatting the types in two halves on two threads gave no gain on two CPUs.",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_straight_line_fits_exactly() {
        let (a, b, r2) = fit(&[(1.0, 3.0), (2.0, 5.0), (4.0, 9.0)]).expect("a fit");
        assert!((a - 1.0).abs() < 1e-9 && (b - 2.0).abs() < 1e-9 && (r2 - 1.0).abs() < 1e-9);
    }

    #[test]
    fn the_section_is_replaced_in_place_or_appended() {
        let section = format!("{HEADING}\n\nnew\n");
        let text = format!("# B\n\n## Results\n\nx\n\n{HEADING}\n\nold\n\n## After\n\ny\n");
        assert_eq!(
            replace_section(&text, HEADING, &section),
            format!("# B\n\n## Results\n\nx\n\n{HEADING}\n\nnew\n\n## After\n\ny\n")
        );
        let last = format!("# B\n\n{HEADING}\n\nold\n");
        assert_eq!(replace_section(&last, HEADING, &section), format!("# B\n\n{HEADING}\n\nnew\n"));
        assert_eq!(replace_section("# B\n", HEADING, &section), format!("# B\n\n{HEADING}\n\nnew\n"));
    }
}
