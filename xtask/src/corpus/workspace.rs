//! The throwaway workspace of generated crates: its manifest, and one cargo pass over it with
//! each message attributed to the crate it is about.

use std::collections::BTreeMap;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Instant;

use crate::generated_crate::{cargo_command, CargoStep};
use crate::paths::shown;
use crate::text::{secs, tail};

/// The manifest of the throwaway workspace whose members are the written crates.
///
/// Without incremental compilation: its cache would make a second run re-check a crate that the
/// generator wrote again unchanged in a fraction of the time, so times would depend on the run
/// before (and the cache of every crate takes disk space). Each run checks each crate from
/// scratch, as its user's first build would.
pub(super) fn workspace_manifest(members: &[String]) -> String {
    let members: Vec<String> = members.iter().map(|name| format!("    \"crates/{name}\",\n")).collect();
    format!(
        "# Written by `cargo xtask corpus`: the crates generated from the corpus, checked together.\n\
         [workspace]\nresolver = \"2\"\nmembers = [\n{}]\n\n\
         [profile.dev]\nincremental = false\n",
        members.concat()
    )
}

/// A line cargo printed, with when it was read.
#[derive(Clone, Debug)]
pub(super) struct Line {
    /// Seconds since cargo started.
    pub(super) secs: f64,
    /// True for stdout (the JSON messages), false for stderr (`Checking …`, `could not compile`).
    pub(super) stdout: bool,
    pub(super) text: String,
}

/// A crate's progress, as cargo's status lines on stderr tell it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Status {
    /// `Checking NAME v0.1.0 (…)`.
    Started,
    /// `error: could not compile `NAME` (lib) due to …`.
    Failed,
}

/// The crate a cargo status line is about, and what it says.
pub(super) fn status(line: &str) -> Option<(Status, &str)> {
    let line = line.trim_start();
    if let Some(rest) = line.strip_prefix("Checking ") {
        return Some((Status::Started, rest.split(' ').next()?));
    }
    let rest = line.strip_prefix("error: could not compile `")?;
    Some((Status::Failed, rest.split('`').next()?))
}

/// Splits one workspace-wide cargo run into a step per member. A member's messages are those whose
/// `manifest_path` is in its folder; its time runs from cargo's `Checking NAME` line to its
/// artifact or its `could not compile` line (other crates may be checked meanwhile).
pub(super) fn attribute(command: &str, lines: &[Line], members: &[String]) -> BTreeMap<String, CargoStep> {
    #[derive(Default)]
    struct Seen {
        started: Option<f64>,
        ended: Option<f64>,
        failed: Option<String>,
        errors: Vec<String>,
    }
    let mut seen: BTreeMap<&str, Seen> = members.iter().map(|m| (m.as_str(), Seen::default())).collect();
    for line in lines {
        if line.stdout {
            let Ok(message) = serde_json::from_str::<serde_json::Value>(&line.text) else { continue };
            let member = message["manifest_path"]
                .as_str()
                .and_then(|manifest| Path::new(manifest).parent()?.file_name()?.to_str());
            let Some(member) = member.and_then(|name| seen.get_mut(name)) else { continue };
            match message["reason"].as_str() {
                Some("compiler-artifact") => member.ended = Some(line.secs),
                Some("compiler-message") => {
                    let diagnostic = &message["message"];
                    let error = diagnostic["level"].as_str().is_some_and(|level| level.starts_with("error"));
                    let closing = diagnostic["message"]
                        .as_str()
                        .is_some_and(|text| text.starts_with("aborting due to"));
                    if error && !closing {
                        member
                            .errors
                            .push(diagnostic["rendered"].as_str().unwrap_or_default().trim_end().to_owned());
                    }
                }
                _ => {}
            }
            continue;
        }
        match status(&line.text) {
            Some((Status::Started, name)) => {
                if let Some(member) = seen.get_mut(name) {
                    member.started = Some(line.secs);
                }
            }
            Some((Status::Failed, name)) => {
                if let Some(member) = seen.get_mut(name) {
                    member.ended = Some(line.secs);
                    member.failed = Some(line.text.trim().to_owned());
                }
            }
            None => {}
        }
    }
    // A member cargo never got to (its dependencies failed, or the workspace did not load) fails
    // with what cargo said.
    let cargo_said = || {
        let stderr: Vec<&str> = lines.iter().filter(|l| !l.stdout).map(|l| l.text.as_str()).collect();
        format!("error: cargo did not check this crate; it said:\n{}\n", tail(&stderr.join("\n"), 20))
    };
    seen.into_iter()
        .map(|(name, member)| {
            let ok = member.ended.is_some() && member.failed.is_none() && member.errors.is_empty();
            let mut stderr: String = member.errors.iter().map(|e| format!("{e}\n\n")).collect();
            match (&member.failed, member.ended) {
                (Some(closing), _) => stderr.push_str(closing),
                (None, None) => stderr.push_str(&cargo_said()),
                (None, Some(_)) => {}
            }
            let secs = match (member.started, member.ended) {
                (Some(start), Some(end)) => end - start,
                _ => 0.0,
            };
            (name.to_owned(), CargoStep { command: command.to_owned(), secs, ok, stderr })
        })
        .collect()
}

/// One `cargo SUBCOMMAND --workspace --keep-going --message-format json` over the members of the
/// throwaway workspace in `work` (the `excluded` left out), and each member's part of it. Cargo's
/// status lines (`Checking …`) are echoed to `log` as they come.
///
/// One run for the whole workspace rather than one per crate: cargo loads the workspace and
/// builds the dependencies once, and runs two crates' checks side by side on two cores, where a
/// run per crate would leave one core idle (a crate's check is mostly one thread) and pay cargo's
/// start each time. `--keep-going` lets the other crates finish when one does not compile, and
/// the JSON messages say which crate each error is in.
pub(super) fn workspace_pass(
    work: &Path,
    subcommand: &str,
    members: &[String],
    excluded: &[String],
    passed: &[&str],
    log: &mut dyn Write,
) -> Result<(f64, BTreeMap<String, CargoStep>), String> {
    // `--all-features`: each crate's command-line tool (its `cli` feature) is checked too.
    let mut args =
        vec![subcommand, "--workspace", "--all-features", "--keep-going", "--message-format", "json"];
    for name in excluded {
        args.extend(["--exclude", name.as_str()]);
    }
    args.extend(passed);
    let (mut command, shown_command) = cargo_command(work, &work.join("target"), &args);
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let _ = writeln!(log, "\n$ {shown_command}   (in {}/)", shown(work));
    let start = Instant::now();
    let mut child = command.spawn().map_err(|e| format!("cannot run {shown_command}: {e}"))?;
    let (sender, receiver) = mpsc::channel();
    let streams: [(bool, Option<Box<dyn Read + Send>>); 2] = [
        (true, child.stdout.take().map(|s| Box::new(s) as Box<dyn Read + Send>)),
        (false, child.stderr.take().map(|s| Box::new(s) as Box<dyn Read + Send>)),
    ];
    for (stdout, stream) in streams {
        let sender = sender.clone();
        std::thread::spawn(move || {
            for text in stream.into_iter().flat_map(|s| BufReader::new(s).lines().map_while(Result::ok)) {
                let _ = sender.send(Line { secs: start.elapsed().as_secs_f64(), stdout, text });
            }
        });
    }
    drop(sender);
    let mut lines = Vec::new();
    for line in receiver {
        // The members' status lines, not the dependencies': progress a reader can follow.
        let member = status(&line.text).filter(|(_, name)| members.iter().any(|m| m == name));
        if !line.stdout && member.is_some() {
            let _ = writeln!(log, "  {:>6}  {}", secs(line.secs), line.text.trim());
        }
        lines.push(line);
    }
    let status = child.wait().map_err(|e| format!("{shown_command}: {e}"))?;
    let total = start.elapsed().as_secs_f64();
    let _ = writeln!(log, "  {:>6}  done ({status})", secs(total));
    let included: Vec<String> = members.iter().filter(|m| !excluded.contains(m)).cloned().collect();
    Ok((total, attribute(&shown_command, &lines, &included)))
}
