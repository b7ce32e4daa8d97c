//! Child processes run to their end: stdin closed, stdout and stderr captured as text, an
//! optional time limit.

use std::io::{self, Read};
use std::process::{Command, ExitStatus, Stdio};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// A child process that ran to its end.
#[derive(Debug)]
pub struct Finished {
    /// The program and its arguments, for messages.
    pub command: String,
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
    /// From the start of the process to its end.
    pub elapsed: Duration,
}

impl Finished {
    pub fn success(&self) -> bool {
        self.status.success()
    }

    /// The command, how it ended and everything it printed, for an assertion message.
    pub fn report(&self) -> String {
        format!("{} ({}):\nstdout:\n{}\nstderr:\n{}", self.command, self.status, self.stdout, self.stderr)
    }
}

/// Runs `command` to its end with stdin closed and its output captured, read on threads of their
/// own so that a child that prints a lot never waits on a full pipe. After `timeout` the child is
/// killed and the error's kind is `TimedOut`; a program that cannot start keeps the kind of the
/// failure (`NotFound` when it is not on `PATH`).
pub fn run(command: &mut Command, timeout: Option<Duration>) -> io::Result<Finished> {
    let shown = shown(command);
    command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = command
        .spawn()
        .map_err(|error| io::Error::new(error.kind(), format!("cannot run {shown}: {error}")))?;
    let stdout = read_to_end(child.stdout.take());
    let stderr = read_to_end(child.stderr.take());
    let status = match timeout {
        None => child.wait()?,
        Some(limit) => loop {
            if let Some(status) = child.try_wait()? {
                break status;
            }
            if started.elapsed() > limit {
                let _ = child.kill();
                let _ = child.wait();
                let message = format!("{shown} did not finish within {limit:?}");
                return Err(io::Error::new(io::ErrorKind::TimedOut, message));
            }
            thread::sleep(Duration::from_millis(2));
        },
    };
    let elapsed = started.elapsed();
    let text = |reader: JoinHandle<String>| reader.join().unwrap_or_default();
    Ok(Finished { command: shown, status, stdout: text(stdout), stderr: text(stderr), elapsed })
}

/// Keeps a proxy from the environment away from the child's connections to 127.0.0.1.
pub fn loopback_only(command: &mut Command) -> &mut Command {
    command.env("NO_PROXY", "127.0.0.1,localhost").env("no_proxy", "127.0.0.1,localhost")
}

/// Set, to the test's name, in the child that [`alone_in_child_process`] starts.
const ALONE: &str = "INTEGRATION_TESTS_ALONE";

/// For a test that needs the process to itself, because it changes what every thread shares (the
/// environment variables): in the test binary, runs the binary again as a child with that one
/// test, `name` (`module::test_function`), checks that it passed, and returns `false`; in that
/// child, returns `true`, and the test does its work.
pub fn alone_in_child_process(name: &str) -> bool {
    if std::env::var_os(ALONE).is_some_and(|value| value == name) {
        return true;
    }
    let binary = std::env::current_exe().expect("the test binary knows its path");
    let finished = run(
        Command::new(binary).args([name, "--exact", "--test-threads=1"]).env(ALONE, name),
        Some(Duration::from_secs(120)),
    )
    .unwrap_or_else(|error| panic!("{error}"));
    assert!(finished.success(), "{}", finished.report());
    assert!(finished.stdout.contains("test result: ok. 1 passed"), "not one test: {}", finished.report());
    false
}

/// `program arg …`, each part quoted when it holds a space.
fn shown(command: &Command) -> String {
    let parts = std::iter::once(command.get_program()).chain(command.get_args());
    let quoted = parts.map(|part| {
        let part = part.to_string_lossy();
        if part.contains(' ') {
            format!("{part:?}")
        } else {
            part.into_owned()
        }
    });
    quoted.collect::<Vec<_>>().join(" ")
}

fn read_to_end(pipe: Option<impl Read + Send + 'static>) -> JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}
