//! Failing fast (`bench --only failfast`): the time from a broken description to its diagnostic,
//! in process, against the depth of the fault (1 to 200 levels of nested `properties`, then past
//! the loader's limit) and against the size of the description with one fault planted at its end
//! (synthetic descriptions of growing size, and GitHub's description when it was downloaded);
//! beside each, the time to read the same description without the fault. Linear means the time
//! per level (per MB) stays flat.

use std::fmt::Write as _;
use std::time::{Instant, SystemTime};

use integration_tests::support::time::utc_minute;
use serde_json::{json, Map, Value};

use crate::report::{self, Stats};

/// The heading of this section in `BENCHMARKS.md`.
pub const HEADING: &str = "## Failing fast: time to a diagnostic";

/// Nesting depths measured (levels of `properties`).
const DEPTHS: &[usize] = &[1, 2, 4, 8, 16, 24, 32, 64, 128, 200, 300];

/// Extra schemas added to the bundled spec for the size series.
const SIZES: &[usize] = &[0, 1_000, 2_000, 4_000, 8_000, 16_000];

/// A fault as a new user makes it: a number where a type name belongs.
const FAULT: &str = r#"{"type": 5}"#;
const VALID: &str = r#"{"type": "string"}"#;

/// What the check costs a valid description, measured apart (a record, written with every run of
/// the section): the generator before the shape check (commit deaf967) against this one, both
/// release builds, `xtask measure generate`, five runs each, alternating, on a loaded 2-CPU machine.
const COST: &[&str] = &[
    "before the shape check (issue #15, release build) the same fault took 7.5 s at 20 levels, 35 s at 22 and more than 2 minutes at 24 (time doubling per level); now a fraction of a millisecond at 24 levels, and 200 levels take milliseconds; past 32 levels the time per level rises from about 8 to 25–40 µs: JSON past serde_json's 128 levels of objects (64 levels of `properties`) leaves the streaming check for the general path and the deep reader",
    "the shape check on valid descriptions, before (deaf967) → after, median CPU time of 5 alternating runs of `xtask measure generate` (release): `api.github.com.json` (13 MB JSON, `--skip-unused-schemas`) 1.60 s → 1.64 s, peak RSS 127.6 → 126.8 MB; the bundled `spec/openapi.yaml` 0.02–0.03 s either way; the written files identical",
    "a JSON description is checked as its text streams past (no tree); a first try that built a tree of GitHub's description cost +0.24 s of CPU and +95 MB of peak memory, and running every document on a thread of its own another +45 MB (the thread's own allocator arena), hence the stream and the caller's thread for JSON that nests at most 32 levels",
    "a fault sends a JSON description down the general path (the YAML parser builds the tree, then the walk, then a second reading of the text for the line and column), about three times the time of a valid read, linear in the size; past 128 levels (JSON) the deep reader takes over from serde_yaml, which is the step in the depth series",
];

/// Runs per measurement.
fn runs(smoke: bool) -> usize {
    if smoke {
        1
    } else {
        5
    }
}

/// Seconds `codegen::load::load` takes on `bytes`, median of `runs`, and the first diagnostic's
/// pointer (`None`: read without error).
fn time_load(bytes: &[u8], runs: usize) -> (Stats, Option<String>) {
    let mut secs = Vec::new();
    let mut pointer = None;
    for _ in 0..runs {
        let start = Instant::now();
        let outcome = codegen::load::load(bytes);
        secs.push(start.elapsed().as_secs_f64());
        pointer = outcome
            .err()
            .map(|diagnostics| diagnostics.0.first().map(|d| d.pointer.clone()).unwrap_or_default());
    }
    (Stats::of(&secs).unwrap_or(Stats { median: f64::NAN, min: f64::NAN, max: f64::NAN, runs: 0 }), pointer)
}

/// A description whose schema `Deep` nests `levels` levels of `properties` around `leaf`, as JSON
/// text or block-style YAML.
fn nested(levels: usize, leaf: &str, yaml: bool) -> Vec<u8> {
    if yaml {
        let mut text = "openapi: 3.0.3\ninfo: {title: Deep, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Deep:\n".to_owned();
        let mut indent = "      ".to_owned();
        for _ in 0..levels {
            let _ = write!(text, "{indent}type: object\n{indent}properties:\n{indent}  a:\n");
            indent.push_str("    ");
        }
        let _ = writeln!(text, "{indent}{leaf}");
        return text.into_bytes();
    }
    let head = r#"{"openapi":"3.0.3","info":{"title":"Deep","version":"1"},"paths":{},"components":{"schemas":{"Deep":"#;
    let open = r#"{"type":"object","properties":{"a":"#;
    format!("{head}{}{leaf}{}}}}}}}", open.repeat(levels), "}}".repeat(levels)).into_bytes()
}

/// The bundled spec with `extra` schemas of a dozen properties each; the last one's last property
/// is `leaf`.
fn sized(extra: usize, leaf: &Value) -> Vec<u8> {
    let spec = std::fs::read(xtask::bundled_spec()).unwrap_or_default();
    let mut doc: Value = serde_yaml::from_slice(&spec).unwrap_or(Value::Null);
    let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut) else {
        return Vec::new();
    };
    for index in 0..extra {
        let mut properties = Map::new();
        for field in 0..12 {
            properties.insert(
                format!("field_{field}"),
                json!({"type": "string", "description": "A field of a generated schema."}),
            );
        }
        properties.insert(
            "next".into(),
            json!({"$ref": format!("#/components/schemas/Extra{}", (index + 1) % extra)}),
        );
        schemas.insert(format!("Extra{index}"), json!({"type": "object", "properties": properties}));
    }
    let last = schemas
        .values_mut()
        .last()
        .and_then(|schema| schema.get_mut("properties"))
        .and_then(Value::as_object_mut);
    if let Some(properties) = last {
        properties.insert("planted".into(), leaf.clone());
    }
    serde_json::to_vec(&doc).unwrap_or_default()
}

/// GitHub's description with `leaf` as a new property of its last schema, if it was downloaded.
fn github(leaf: &Value) -> Option<(Vec<u8>, Vec<u8>)> {
    let path = xtask::github::downloaded()?.join(xtask::github::SPEC_FILE);
    let mut doc: Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    // Both written the same way (compact), so that only the fault differs.
    let valid = serde_json::to_vec(&doc).ok()?;
    let schemas = doc.pointer_mut("/components/schemas")?.as_object_mut()?;
    let last = schemas.values_mut().rev().find_map(|schema| schema.get_mut("properties")?.as_object_mut())?;
    last.insert("planted".into(), leaf.clone());
    Some((valid, serde_json::to_vec(&doc).ok()?))
}

fn ms(stats: &Stats) -> String {
    format!("{:.2}", stats.median * 1e3)
}

/// Measures both series and returns the section for `BENCHMARKS.md`.
pub fn run(smoke: bool, machine: &report::Machine) -> Result<String, String> {
    let runs = runs(smoke);
    let mut out = format!("{HEADING}\n\n");
    let _ = writeln!(
        out,
        "- measured: {} by `cargo xtask bench --only failfast`; {} CPUs, {}; {}; in process, `codegen::load::load` (read, shape check, typed read), median of {runs} runs",
        utc_minute(SystemTime::now()),
        machine.cpus,
        machine.cpu_model,
        machine.rustc
    );
    let _ = writeln!(out, "- the fault: `{FAULT}` where a schema belongs; the diagnostic names its pointer (`…/type`) with line and column\n");
    out.push_str("### Against nesting depth\n\nLevels of `properties` around the fault (a level is two of objects: the schema and its `properties`); past 255 levels the loader's limit of 512 nested objects and lists is the diagnostic.\n\n");
    out.push_str("| levels | JSON bytes | JSON: fault, ms | JSON: valid, ms | YAML: fault, ms | YAML: valid, ms | µs per level (JSON fault) |\n|---:|---:|---:|---:|---:|---:|---:|\n");
    for &levels in DEPTHS {
        let json = nested(levels, FAULT, false);
        let (fault, pointer) = time_load(&json, runs);
        let expected = format!("/components/schemas/Deep{}/type", "/properties/a".repeat(levels));
        if levels < 250 && pointer.as_deref() != Some(expected.as_str()) {
            return Err(format!("{levels} levels: the diagnostic is at {pointer:?}, not {expected}"));
        }
        let (valid, _) = time_load(&nested(levels, VALID, false), runs);
        let (yaml_fault, _) = time_load(&nested(levels, FAULT, true), runs);
        let (yaml_valid, _) = time_load(&nested(levels, VALID, true), runs);
        let _ = writeln!(
            out,
            "| {levels} | {} | {} | {} | {} | {} | {:.1} |",
            json.len(),
            ms(&fault),
            ms(&valid),
            ms(&yaml_fault),
            ms(&yaml_valid),
            fault.median * 1e6 / levels as f64
        );
        println!("depth {levels}: fault {} ms, valid {} ms (JSON)", ms(&fault), ms(&valid));
    }
    out.push_str("\n### Against size, one fault at the end\n\nThe bundled spec with generated schemas (a dozen properties each), the fault a property of the last; then GitHub's description with the fault a property of its last schema.\n\n");
    out.push_str(
        "| description | MB | fault, ms | valid, ms | MB/s to the diagnostic |\n|---|---:|---:|---:|---:|\n",
    );
    let fault: Value = serde_json::from_str(FAULT).map_err(|e| e.to_string())?;
    let valid: Value = serde_json::from_str(VALID).map_err(|e| e.to_string())?;
    let sizes = if smoke { &SIZES[..2] } else { SIZES };
    for &extra in sizes {
        let broken = sized(extra, &fault);
        let mb = broken.len() as f64 / 1e6;
        let (with_fault, pointer) = time_load(&broken, runs);
        if pointer.as_deref().is_none_or(|pointer| !pointer.ends_with("/planted/type")) {
            return Err(format!("{extra} schemas: the diagnostic is at {pointer:?}"));
        }
        let (without, _) = time_load(&sized(extra, &valid), runs);
        let _ = writeln!(
            out,
            "| bundled + {extra} schemas | {mb:.2} | {} | {} | {:.1} |",
            ms(&with_fault),
            ms(&without),
            mb / with_fault.median
        );
        println!("{extra} schemas, {mb:.2} MB: fault {} ms, valid {} ms", ms(&with_fault), ms(&without));
    }
    match github(&fault) {
        Some((valid, broken)) => {
            let mb = broken.len() as f64 / 1e6;
            let (with_fault, pointer) = time_load(&broken, runs);
            let (without, _) = time_load(&valid, runs);
            let _ = writeln!(
                out,
                "| `{}` (compact) | {mb:.2} | {} | {} | {:.1} |",
                xtask::github::SPEC_FILE,
                ms(&with_fault),
                ms(&without),
                mb / with_fault.median
            );
            println!(
                "GitHub, {mb:.2} MB: fault {} ms at {pointer:?}, valid {} ms",
                ms(&with_fault),
                ms(&without)
            );
        }
        None => {
            out.push_str("\n(GitHub's description was not downloaded: `cargo xtask github` fetches it.)\n")
        }
    }
    out.push('\n');
    for note in COST {
        let _ = writeln!(out, "- {note}");
    }
    Ok(out)
}
