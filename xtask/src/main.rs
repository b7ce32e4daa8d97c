//! `cargo xtask generate [--check] [--spec FILE --out DIR --name CRATE --version V]`

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage: cargo xtask generate [--check] [--spec FILE] [--out DIR] [--name CRATE] [--version VERSION]

  --check     write nothing; exit 1 with a diff when the output directory is stale
  --spec      the OpenAPI 3.0 file (YAML or JSON) [default: spec/openapi.yaml]
  --out       the crate directory to write [default: generated]
  --name      the crate's package name [default: anthropic-batches]
  --version   the crate's version [default: 0.1.0]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("generate") => generate(&args[1..]),
        Some("-h" | "--help") | None => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("unknown task `{other}`\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn generate(args: &[String]) -> ExitCode {
    let mut check = false;
    let mut spec = xtask::bundled_spec();
    let mut out = xtask::bundled_out();
    let mut name = "anthropic-batches".to_owned();
    let mut version = "0.1.0".to_owned();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let mut value = |flag: &str| match rest.next() {
            Some(value) => Some(value.clone()),
            None => {
                eprintln!("{flag} needs a value\n\n{USAGE}");
                None
            }
        };
        let parsed = match arg.as_str() {
            "--check" => {
                check = true;
                Some(())
            }
            "--spec" => value("--spec").map(|v| spec = PathBuf::from(v)),
            "--out" => value("--out").map(|v| out = PathBuf::from(v)),
            "--name" => value("--name").map(|v| name = v),
            "--version" => value("--version").map(|v| version = v),
            other => {
                eprintln!("unknown option `{other}`\n\n{USAGE}");
                None
            }
        };
        if parsed.is_none() {
            return ExitCode::from(2);
        }
    }

    let started = Instant::now();
    let bytes = match std::fs::read(&spec) {
        Ok(bytes) => bytes,
        Err(error) => {
            eprintln!("cannot read {}: {error}", spec.display());
            return ExitCode::FAILURE;
        }
    };
    let settings = xtask::settings_for(&spec, &name, &version);
    let files = match codegen::generate(&bytes, &settings) {
        Ok(files) => files,
        Err(diagnostics) => {
            for diagnostic in &diagnostics.0 {
                eprintln!("{diagnostic}");
            }
            eprintln!(
                "{}: {} problem(s); nothing was written",
                spec.display(),
                diagnostics.0.len()
            );
            return ExitCode::FAILURE;
        }
    };
    let out_label = out
        .strip_prefix(xtask::root())
        .unwrap_or(&out)
        .display()
        .to_string();
    if check {
        match xtask::compare(&out, &files) {
            Ok(staleness) if staleness.is_fresh() => {
                println!(
                    "{out_label}/ is up to date with {} ({} files)",
                    settings.spec_label,
                    files.len()
                );
                ExitCode::SUCCESS
            }
            Ok(staleness) => {
                eprint!("{}", staleness.report(&out_label));
                eprintln!(
                    "{out_label}/ is stale: run `cargo xtask generate` and commit the result"
                );
                ExitCode::FAILURE
            }
            Err(error) => {
                eprintln!("cannot read {out_label}/: {error}");
                ExitCode::FAILURE
            }
        }
    } else {
        match xtask::write(&out, &files) {
            Ok((written, deleted)) => {
                println!(
                    "{out_label}/: {written} written, {deleted} deleted, {} unchanged ({} ms)",
                    files.len() - written,
                    started.elapsed().as_millis()
                );
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("cannot write {out_label}/: {error}");
                ExitCode::FAILURE
            }
        }
    }
}
