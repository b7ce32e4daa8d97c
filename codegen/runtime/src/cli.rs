//! What a generated command-line tool does the same way for every API: exit codes, output,
//! progress on stderr, reading a request body, resumable downloads of JSON Lines bodies and the
//! status line of a waiter. The generated `cli` module only wires operations to these.
//!
//! Only crates built with their `cli` feature get this module.

use super::client::Client;
use super::error::Error;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt;
use std::fs::File;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The tool's exit codes, one per kind of failure, so that scripts can tell them apart.
pub mod exit {
    /// Success.
    pub const OK: i32 = 0;
    /// The API refused the request for another reason (400, 409, 413, 422, …), or anything else.
    pub const FAILED: i32 = 1;
    /// The command line or a request body is wrong; nothing was sent.
    pub const USAGE: i32 = 2;
    /// 401 or 403, or a credential is missing.
    pub const AUTHENTICATION: i32 = 3;
    /// 404.
    pub const NOT_FOUND: i32 = 4;
    /// 429, after the retries.
    pub const RATE_LIMITED: i32 = 5;
    /// 5xx or 529, after the retries.
    pub const SERVER: i32 = 6;
    /// The connection could not be made or broke.
    pub const NETWORK: i32 = 7;
    /// A request, a body or a wait took longer than allowed.
    pub const TIMEOUT: i32 = 8;
    /// A response is not what the description promises.
    pub const DECODE: i32 = 9;
    /// A streamed body was cut off and could not be resumed; run the command again to continue.
    pub const TRUNCATED: i32 = 10;
    /// The output could not be written.
    pub const OUTPUT: i32 = 11;

    /// The table printed in `--help`.
    pub const TABLE: &str =
        "Exit codes: 0 success, 1 request refused (other errors), 2 usage, 3 authentication, \
4 not found, 5 rate limited, 6 server error, 7 network, 8 timeout, 9 response does not decode, \
10 download cut off (run again to resume), 11 output not writable.";
}

/// A failure, with the exit code that says its kind and a message a person can act on.
#[derive(Debug)]
pub struct Failure {
    /// One of [`exit`]'s codes.
    pub code: i32,
    /// What went wrong.
    pub message: String,
}

impl Failure {
    /// A failure of kind `code`.
    pub fn new(code: i32, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }

    /// A command line that cannot be run.
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(exit::USAGE, message)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl<E> From<Error<E>> for Failure {
    fn from(error: Error<E>) -> Self {
        let code = match &error {
            Error::Authentication(_) | Error::PermissionDenied(_) | Error::MissingCredentials { .. } => {
                exit::AUTHENTICATION
            }
            Error::TokenProvider { .. } => exit::AUTHENTICATION,
            Error::NotFound(_) => exit::NOT_FOUND,
            Error::RateLimited(_) => exit::RATE_LIMITED,
            Error::Server(_) | Error::Overloaded(_) => exit::SERVER,
            Error::Connection { .. } => exit::NETWORK,
            Error::Timeout { .. } | Error::WaitTimeout { .. } => exit::TIMEOUT,
            Error::Decode(_) => exit::DECODE,
            Error::Truncated { .. } => exit::TRUNCATED,
            Error::InvalidParameter { .. } | Error::Encode { .. } => exit::USAGE,
            _ => exit::FAILED,
        };
        Self::new(code, error.to_string())
    }
}

impl From<io::Error> for Failure {
    fn from(error: io::Error) -> Self {
        Self::new(exit::OUTPUT, format!("cannot write the output: {error}"))
    }
}

/// What every command runs with: the client, where its result goes, how progress shows.
pub struct Context {
    /// The configured client.
    pub client: Client,
    /// `--output`: a file instead of stdout.
    pub output: Option<PathBuf>,
    /// Progress on stderr.
    pub mode: ProgressMode,
}

impl Context {
    /// The output the result is written to.
    pub fn output(&self) -> Result<Output, Failure> {
        Output::open(self.output.as_deref())
    }

    /// Writes a command's result, one JSON document, to the output.
    pub fn print<T: Serialize>(&self, value: &T) -> Result<(), Failure> {
        let mut out = self.output()?;
        out.value(value)?;
        out.finish()
    }
}

/// Prints the completion script of `command` for `shell`.
pub fn completions(shell: clap_complete::Shell, command: &mut clap::Command, name: &str) {
    clap_complete::generate(shell, command, name, &mut io::stdout());
}

/// Runs a command on a small runtime and turns its outcome into an exit code, printing a
/// failure on stderr.
pub fn run(command: impl std::future::Future<Output = Result<(), Failure>>) -> i32 {
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return exit::FAILED;
        }
    };
    match runtime.block_on(command) {
        Ok(()) => exit::OK,
        Err(failure) => {
            eprintln!("error: {failure}");
            failure.code
        }
    }
}

/// A command-line value read as `T`: as a JSON string first (text, enums, dates), else as JSON
/// (numbers, booleans, objects).
pub fn parse<T: DeserializeOwned>(flag: &str, text: &str) -> Result<T, Failure> {
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .or_else(|_| serde_json::from_str(text))
        .map_err(|error| Failure::usage(format!("{flag}: `{text}` is not a valid value: {error}")))
}

/// The value of argument `id` read as `T` ([`parse`]), if given; `shown` names it in errors.
pub fn one<T: DeserializeOwned>(
    matches: &clap::ArgMatches,
    id: &str,
    shown: &str,
) -> Result<Option<T>, Failure> {
    matches.get_one::<String>(id).map(|text| parse(shown, text)).transpose()
}

/// The values of a repeatable argument `id`, each read as `T`, if given.
pub fn many<T: DeserializeOwned>(
    matches: &clap::ArgMatches,
    id: &str,
    shown: &str,
) -> Result<Option<Vec<T>>, Failure> {
    matches.get_many::<String>(id).map(|texts| texts.map(|text| parse(shown, text)).collect()).transpose()
}

/// The bytes of a file (`-` is stdin), for a request body sent as it is.
pub fn read_bytes(source: &str) -> Result<Vec<u8>, Failure> {
    let mut bytes = Vec::new();
    let read = match source {
        "-" => io::stdin().read_to_end(&mut bytes),
        path => File::open(path).and_then(|mut file| file.read_to_end(&mut bytes)),
    };
    read.map_err(|error| Failure::usage(format!("--body {source}: cannot read it: {error}")))?;
    Ok(bytes)
}

/// The text of a file (`-` is stdin), for a text request body.
pub fn read_text(source: &str) -> Result<String, Failure> {
    String::from_utf8(read_bytes(source)?)
        .map_err(|_| Failure::usage(format!("--body {source}: the file is not UTF-8 text")))
}

/// A request body from a file (`-` is stdin), checked against its type before anything is sent;
/// the error names the place in the JSON that is wrong.
pub fn read_body<T: DeserializeOwned>(source: &str) -> Result<T, Failure> {
    let text = read_text(source)?;
    let mut deserializer = serde_json::Deserializer::from_str(&text);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let at = if path == "." { String::new() } else { format!(" at `{path}`") };
        Failure::usage(format!("--body {source}: not a valid request body{at}: {}", error.inner()))
    })
}

/// Where results go: stdout (pretty JSON on a terminal, compact when piped) or a file
/// (compact).
pub struct Output {
    writer: io::BufWriter<Box<dyn Write>>,
    pretty: bool,
}

impl Output {
    /// Opens the output: `path`, else stdout.
    pub fn open(path: Option<&Path>) -> Result<Self, Failure> {
        let (writer, pretty): (Box<dyn Write>, bool) = match path {
            Some(path) => (Box::new(File::create(path)?), false),
            None => (Box::new(io::stdout()), io::stdout().is_terminal()),
        };
        Ok(Self { writer: io::BufWriter::new(writer), pretty })
    }

    /// Writes one value as a JSON document.
    pub fn value<T: Serialize>(&mut self, value: &T) -> Result<(), Failure> {
        let written = if self.pretty {
            serde_json::to_writer_pretty(&mut self.writer, value)
        } else {
            serde_json::to_writer(&mut self.writer, value)
        };
        written.map_err(|error| Failure::new(exit::OUTPUT, format!("cannot write the output: {error}")))?;
        self.writer.write_all(b"\n")?;
        Ok(())
    }

    /// Writes one value as one line of JSON Lines.
    pub fn line<T: Serialize>(&mut self, value: &T) -> Result<(), Failure> {
        serde_json::to_writer(&mut self.writer, value)
            .map_err(|error| Failure::new(exit::OUTPUT, format!("cannot write the output: {error}")))?;
        self.writer.write_all(b"\n")?;
        Ok(())
    }

    /// Flushes what is buffered.
    pub fn finish(mut self) -> Result<(), Failure> {
        self.writer.flush()?;
        Ok(())
    }
}

/// Writes a body as it is, to `path` or stdout.
pub fn write_bytes(path: Option<&Path>, bytes: &[u8]) -> Result<(), Failure> {
    match path {
        Some(path) => std::fs::write(path, bytes)?,
        None => {
            let mut stdout = io::stdout().lock();
            stdout.write_all(bytes)?;
            stdout.flush()?;
        }
    }
    Ok(())
}

/// How progress is shown on stderr.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProgressMode {
    /// A live line on a terminal.
    Live,
    /// Plain lines now and then, for logs.
    Lines,
    /// Nothing.
    Quiet,
}

impl ProgressMode {
    /// Live on a terminal, plain lines otherwise, nothing when `quiet`.
    pub fn detect(quiet: bool) -> Self {
        match (quiet, io::stderr().is_terminal()) {
            (true, _) => Self::Quiet,
            (false, true) => Self::Live,
            (false, false) => Self::Lines,
        }
    }
}

/// The status line of a waiter: the awaited field, polls, time, and progress counted from the
/// resource where the description says how (`done` and `pending` JSON pointers).
pub struct WaitStatus {
    mode: ProgressMode,
    started: Instant,
    polls: u32,
    done: &'static [&'static str],
    pending: &'static [&'static str],
}

impl WaitStatus {
    /// A status line; `done`/`pending` point at counters in the resource, summed.
    pub fn new(mode: ProgressMode, done: &'static [&'static str], pending: &'static [&'static str]) -> Self {
        Self { mode, started: Instant::now(), polls: 0, done, pending }
    }

    /// Reports one poll's result; `state` is the awaited field's value.
    pub fn poll<T: Serialize>(&mut self, resource: &T, state: &str) {
        self.polls += 1;
        if self.mode == ProgressMode::Quiet {
            return;
        }
        let mut line = format!(
            "state: {state}, polls: {}, elapsed: {:.0} s",
            self.polls,
            self.started.elapsed().as_secs_f64()
        );
        if !self.done.is_empty() {
            if let Ok(value) = serde_json::to_value(resource) {
                let sum = |pointers: &[&str]| {
                    pointers.iter().filter_map(|p| value.pointer(p)?.as_u64()).sum::<u64>()
                };
                let done = sum(self.done);
                let total = done + sum(self.pending);
                line.push_str(&format!(", {done} of {total} done"));
            }
        }
        match self.mode {
            ProgressMode::Live => {
                eprint!("\r\x1b[2K{line}");
                let _ = io::stderr().flush();
            }
            _ => eprintln!("{line}"),
        }
    }

    /// Ends the live line.
    pub fn finish(&self) {
        if self.mode == ProgressMode::Live {
            eprintln!();
        }
    }
}

/// A waiter run from the command line: polls until the field at `field` (a JSON pointer into
/// the result) has one of the `until` values, showing each poll on the status line.
pub struct Wait {
    /// The waiter, for errors.
    pub operation: &'static str,
    /// JSON pointer to the watched field.
    pub field: &'static str,
    /// The values that end the wait.
    pub until: &'static [&'static str],
    /// Seconds between the first two polls; each wait is half as long again, up to a minute.
    pub interval: f64,
    /// Seconds after which to give up.
    pub deadline: Option<f64>,
}

impl Wait {
    /// Polls with `poll` until done; the last result.
    pub async fn run<T, E, F, Fut>(self, mut status: WaitStatus, mut poll: F) -> Result<T, Failure>
    where
        T: Serialize,
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, Error<E>>>,
    {
        let started = Instant::now();
        let deadline = self
            .deadline
            .filter(|seconds| seconds.is_finite() && *seconds >= 0.0)
            .map(Duration::from_secs_f64);
        let mut interval = Duration::from_secs_f64(self.interval.clamp(0.0, 3600.0));
        loop {
            let value = poll().await?;
            let state = serde_json::to_value(&value)
                .ok()
                .and_then(|json| json.pointer(self.field).and_then(|field| field.as_str().map(str::to_owned)))
                .unwrap_or_default();
            status.poll(&value, &state);
            if self.until.contains(&state.as_str()) {
                status.finish();
                return Ok(value);
            }
            let mut wait = interval;
            if let Some(deadline) = deadline {
                let Some(left) = deadline.checked_sub(started.elapsed()).filter(|left| !left.is_zero())
                else {
                    status.finish();
                    return Err(Failure::from(Error::<E>::WaitTimeout {
                        operation: self.operation,
                        waited: started.elapsed(),
                    }));
                };
                wait = wait.min(left);
            }
            tokio::time::sleep(wait).await;
            interval = interval.mul_f64(1.5).min(Duration::from_secs(60).max(interval));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_read_as_text_first_then_as_json() {
        assert_eq!(parse::<String>("--id", "42").expect("text"), "42");
        assert_eq!(parse::<i64>("--limit", "42").expect("number"), 42);
        assert!(parse::<bool>("--beta", "true").expect("bool"));
        let failure = parse::<i64>("--limit", "many").expect_err("not a number");
        assert_eq!(failure.code, exit::USAGE);
        assert!(failure.message.starts_with("--limit: `many` is not a valid value"), "{}", failure.message);
    }

    #[test]
    fn arguments_are_read_as_their_types_and_a_bad_one_is_a_usage_error() {
        let command = clap::Command::new("tool")
            .arg(clap::Arg::new("limit").long("limit"))
            .arg(clap::Arg::new("ids").long("ids").action(clap::ArgAction::Append).value_delimiter(','));
        let matches = command.clone().get_matches_from(["tool", "--limit", "5", "--ids", "1,2"]);
        assert_eq!(one::<i64>(&matches, "limit", "--limit").expect("a number"), Some(5));
        assert_eq!(many::<i64>(&matches, "ids", "--ids").expect("numbers"), Some(vec![1, 2]));
        let matches = command.clone().get_matches_from(["tool"]);
        assert_eq!(one::<i64>(&matches, "limit", "--limit").expect("absent"), None);
        let matches = command.get_matches_from(["tool", "--limit", "five"]);
        assert_eq!(one::<i64>(&matches, "limit", "--limit").expect_err("not a number").code, exit::USAGE);
    }

    #[test]
    fn errors_map_to_their_exit_codes() {
        let timeout: Error = Error::Timeout { operation: "op" };
        assert_eq!(Failure::from(timeout).code, exit::TIMEOUT);
        let truncated: Error = Error::Truncated { operation: "op", detail: "x".into() };
        assert_eq!(Failure::from(truncated).code, exit::TRUNCATED);
    }
}
