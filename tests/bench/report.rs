//! Summaries of repeated measurements, the machine's description, and the table.

use std::process::Command;

use integration_tests::support::process;

/// Median, min and max of a series of measurements.
#[derive(Clone, Debug)]
pub struct Stats {
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub runs: usize,
}

impl Stats {
    pub fn of(values: &[f64]) -> Option<Stats> {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        let n = v.len();
        let median = if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 };
        Some(Stats { median, min: v[0], max: v[n - 1], runs: n })
    }

    /// `median (min–max)` with `digits` decimals and a unit.
    pub fn show(&self, digits: usize, unit: &str) -> String {
        format!("{:.d$} {unit}", self.median, d = digits)
    }

    pub fn spread(&self, digits: usize) -> String {
        format!("{:.d$}–{:.d$}", self.min, self.max, d = digits)
    }
}

/// One row of the results table.
pub struct Row {
    pub name: String,
    pub median: String,
    pub spread: String,
    pub runs: String,
    pub notes: String,
    pub goal: String,
}

impl Row {
    pub fn new(name: &str) -> Row {
        Row {
            name: name.to_owned(),
            median: "–".into(),
            spread: "–".into(),
            runs: "0".into(),
            notes: String::new(),
            goal: String::new(),
        }
    }

    pub fn stats(mut self, stats: Option<&Stats>, digits: usize, unit: &str) -> Row {
        if let Some(s) = stats {
            self.median = s.show(digits, unit);
            self.spread = s.spread(digits);
            self.runs = s.runs.to_string();
        }
        self
    }

    pub fn notes(mut self, notes: impl Into<String>) -> Row {
        self.notes = notes.into();
        self
    }

    pub fn goal(mut self, goal: impl Into<String>) -> Row {
        self.goal = goal.into();
        self
    }
}

pub const HEADERS: [&str; 6] = ["measurement", "median", "spread (min–max)", "runs", "details", "goal"];

/// The row's cells, with `|` escaped so that a cell cannot split a Markdown table.
fn cells(row: &Row) -> [String; 6] {
    [&row.name, &row.median, &row.spread, &row.runs, &row.notes, &row.goal].map(|c| c.replace('|', "\\|"))
}

/// The table as Markdown (which also reads fine in a terminal).
pub fn markdown_table(rows: &[Row]) -> String {
    let mut widths = HEADERS.map(|h| h.chars().count());
    for row in rows {
        for (w, c) in widths.iter_mut().zip(&cells(row)) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cols: [String; 6]| {
        let mut s = String::from("|");
        for (c, w) in cols.iter().zip(widths) {
            s.push(' ');
            s.push_str(c);
            s.push_str(&" ".repeat(w - c.chars().count()));
            s.push_str(" |");
        }
        s.push('\n');
        s
    };
    let mut out = line(HEADERS.map(str::to_owned));
    out.push('|');
    for w in widths {
        out.push_str(&"-".repeat(w + 2));
        out.push('|');
    }
    out.push('\n');
    for row in rows {
        out.push_str(&line(cells(row)));
    }
    out
}

/// What the report says about the machine.
pub struct Machine {
    pub cpus: String,
    pub memory: String,
    pub cpu_model: String,
    pub kernel: String,
    pub rustc: String,
}

pub fn machine() -> Machine {
    let cpus = std::thread::available_parallelism().map_or_else(|_| "?".to_owned(), |n| n.to_string());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory = meminfo
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kib| kib.parse::<f64>().ok())
        .map_or_else(|| "?".to_owned(), |kib| format!("{:.1} GiB", kib / 1024.0 / 1024.0));
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu_model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map_or_else(|| "?".to_owned(), |(_, v)| v.trim().to_owned());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map_or_else(|_| "?".to_owned(), |s| format!("Linux {}", s.trim()));
    let mut rustc = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned()));
    let rustc = process::run(rustc.arg("-V"), None)
        .ok()
        .filter(|finished| finished.success())
        .map_or_else(|| "?".to_owned(), |finished| finished.stdout.trim().to_owned());
    Machine { cpus, memory, cpu_model, kernel, rustc }
}

pub fn mib(kib: f64) -> f64 {
    kib / 1024.0
}

/// `met` / `NOT met`.
pub fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "NOT met"
    }
}

/// CPU seconds used so far by the whole machine (all CPUs, not idle) and by this process with
/// its waited-for children, to tell how busy the machine was with other work.
#[derive(Clone, Copy)]
pub struct CpuUse {
    machine: f64,
    own: f64,
}

pub fn cpu_use() -> Option<CpuUse> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let cpu: Vec<f64> =
        stat.lines().next()?.split_whitespace().skip(1).filter_map(|v| v.parse().ok()).collect();
    // user nice system idle iowait irq softirq steal ...
    let total: f64 = cpu.iter().take(8).sum();
    let idle = cpu.get(3)? + cpu.get(4)?;
    let own = std::fs::read_to_string("/proc/self/stat").ok()?;
    let (_, after_name) = own.rsplit_once(')')?;
    let fields: Vec<f64> = after_name.split_whitespace().filter_map(|v| v.parse().ok()).collect();
    // After the state (not numeric, so filtered out): utime is the 11th number, then stime,
    // cutime, cstime.
    let own: f64 = fields.get(10..14)?.iter().sum();
    Some(CpuUse { machine: (total - idle) / 100.0, own: own / 100.0 })
}

impl CpuUse {
    /// CPU seconds other processes used since `self`.
    pub fn others_since(&self, now: &CpuUse) -> f64 {
        ((now.machine - self.machine) - (now.own - self.own)).max(0.0)
    }
}

pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "?".to_owned())
}
