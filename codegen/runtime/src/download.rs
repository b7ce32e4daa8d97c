//! Downloads of JSON Lines bodies by the command-line tool: each line checked against its type
//! and written as received, resumed after the last complete line of an existing file, with
//! progress on stderr.
//!
//! Only crates built with their `cli` feature get this module, beside `cli`.

use super::cli::{exit, Failure, ProgressMode};
use super::client::Client;
use super::error::{DecodeError, Error, FromResponse};
use super::request::RequestParts;
use reqwest::header::{CONTENT_LENGTH, CONTENT_RANGE};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::time::{Duration, Instant};

/// How often plain progress lines are written.
const LINE_EVERY: Duration = Duration::from_secs(2);

/// Progress of a download on stderr: lines, bytes, rate, and ETA when the length is known.
struct Progress {
    mode: ProgressMode,
    bar: Option<indicatif::ProgressBar>,
    started: Instant,
    last_line: Instant,
    /// Bytes already in the file before this run.
    resumed_from: u64,
    total: Option<u64>,
}

impl Progress {
    fn new(mode: ProgressMode, resumed_from: u64, total: Option<u64>) -> Self {
        let bar = (mode == ProgressMode::Live).then(|| {
            let bar = match total {
                Some(total) => indicatif::ProgressBar::new(total),
                None => indicatif::ProgressBar::new_spinner(),
            };
            let template = match total {
                Some(_) => "{bar:30} {bytes}/{total_bytes} {binary_bytes_per_sec} eta {eta} {msg}",
                None => "{spinner} {bytes} {binary_bytes_per_sec} {msg}",
            };
            if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
                bar.set_style(style);
            }
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            bar.set_position(resumed_from);
            bar
        });
        let now = Instant::now();
        Self { mode, bar, started: now, last_line: now, resumed_from, total }
    }

    fn update(&mut self, bytes: u64, lines: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(bytes);
            bar.set_message(format!("{lines} lines"));
        } else if self.mode == ProgressMode::Lines && self.last_line.elapsed() >= LINE_EVERY {
            self.last_line = Instant::now();
            eprintln!("progress: {}", self.summary(bytes, lines));
        }
    }

    fn summary(&self, bytes: u64, lines: u64) -> String {
        let seconds = self.started.elapsed().as_secs_f64().max(1e-3);
        let rate = (bytes - self.resumed_from.min(bytes)) as f64 / seconds;
        let mut text = format!("{lines} lines, {} bytes, {}/s", bytes, human_bytes(rate));
        if let Some(total) = self.total.filter(|total| *total > 0) {
            let percent = bytes as f64 * 100.0 / total as f64;
            text.push_str(&format!(", {percent:.0}%"));
            if rate > 0.0 && bytes < total {
                text.push_str(&format!(", eta {:.0} s", (total - bytes) as f64 / rate));
            }
        }
        text
    }

    fn finish(&mut self, bytes: u64, lines: u64) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        if self.mode != ProgressMode::Quiet {
            let seconds = self.started.elapsed().as_secs_f64();
            eprintln!("done: {} in {seconds:.1} s", self.summary(bytes, lines));
        }
    }
}

/// `1536.0` → `1.5 KiB`.
fn human_bytes(bytes: f64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// The part of a file to keep when a download resumes: every complete line. A partial last
/// line (the process was stopped mid-line) is cut off and fetched again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Resume {
    /// Bytes kept: the body offset to continue from.
    pub offset: u64,
    /// Complete lines kept.
    pub lines: u64,
}

/// Cuts `file` back to its last complete line and says what is kept.
fn keep_complete_lines(file: &mut File) -> io::Result<Resume> {
    let length = file.seek(SeekFrom::End(0))?;
    file.seek(SeekFrom::Start(0))?;
    let mut reader = io::BufReader::with_capacity(1 << 20, &mut *file);
    let (mut lines, mut offset, mut position) = (0u64, 0u64, 0u64);
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let read = reader.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        for (index, byte) in buffer[..read].iter().enumerate() {
            if *byte == b'\n' {
                lines += 1;
                offset = position + index as u64 + 1;
            }
        }
        position += read as u64;
    }
    drop(reader);
    if offset < length {
        file.set_len(offset)?;
    }
    file.seek(SeekFrom::Start(offset))?;
    Ok(Resume { offset, lines })
}

/// Downloads a JSON Lines body: every line checked against `T` and written as received, so the
/// file is byte for byte the body. Into a file, an existing file is continued after its last
/// complete line (with a `Range` request, or by skipping what it already holds when the server
/// sends the whole body again), so a download stopped at any point and run again ends
/// identical to one never stopped. A connection that breaks is resumed the same way, up to the
/// client's retry budget; a body that stays short is [`exit::TRUNCATED`], with every complete
/// line kept for the next run.
pub async fn download_lines<T: DeserializeOwned, E: FromResponse>(
    client: &Client,
    parts: RequestParts,
    path: Option<&Path>,
    mode: ProgressMode,
) -> Result<(), Failure> {
    let (mut sink, resume): (Box<dyn Write>, Resume) = match path {
        Some(path) => {
            let mut file =
                OpenOptions::new().read(true).write(true).create(true).truncate(false).open(path)?;
            let resume = keep_complete_lines(&mut file)?;
            (Box::new(io::BufWriter::with_capacity(WRITE_BUFFER, file)), resume)
        }
        None => (
            Box::new(io::BufWriter::with_capacity(WRITE_BUFFER, io::stdout().lock())),
            Resume { offset: 0, lines: 0 },
        ),
    };
    let mut state = Download { offset: resume.offset, lines: resume.lines, partial: Vec::new() };
    let mut attempts_left = client.inner.retry.max_retries;
    let mut progress: Option<Progress> = None;
    loop {
        let mut request = parts.clone();
        request.streaming = true;
        if state.offset > 0 {
            request.options.header("range".to_owned(), format!("bytes={}-", state.offset));
        }
        let response = client
            .call::<_, E, _, _>(&request, |response| async { Ok((response, bytes::Bytes::new())) })
            .await
            .map_err(Failure::from)?;
        let response: reqwest::Response = response.value;
        let mut skip = match response.status() {
            StatusCode::PARTIAL_CONTENT => {
                let start = content_range_start(&response);
                if start != Some(state.offset) {
                    return Err(Failure::new(
                        exit::TRUNCATED,
                        format!(
                            "{}: the server resumed at the wrong place ({start:?} for byte {})",
                            parts.operation, state.offset
                        ),
                    ));
                }
                0
            }
            // The whole body again: skip what is already written.
            _ => state.offset,
        };
        let length =
            response.headers().get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
        let expected_end = length.map(|length| if skip == 0 { state.offset + length } else { length });
        let progress = progress.get_or_insert_with(|| Progress::new(mode, resume.offset, expected_end));
        let broke =
            copy_lines::<T, E>(response, &mut skip, &mut state, &mut sink, progress, parts.operation).await?;
        sink.flush()?;
        let short = expected_end.is_some_and(|end| state.offset + state.partial.len() as u64 != end);
        match broke {
            None if !short => {
                // A last line without a newline is still a line.
                if !state.partial.is_empty() {
                    state.check::<T, E>(parts.operation, &state.partial)?;
                    sink.write_all(&std::mem::take(&mut state.partial))?;
                    sink.flush()?;
                }
                progress.finish(state.offset, state.lines);
                return Ok(());
            }
            why => {
                let why = why.unwrap_or_else(|| "the body ended short of its length".to_owned());
                state.partial.clear();
                if attempts_left == 0 {
                    return Err(Failure::new(
                        exit::TRUNCATED,
                        format!("{}: the download was cut off after line {} ({why}); run the same command again to continue", parts.operation, state.lines),
                    ));
                }
                attempts_left -= 1;
                tokio::time::sleep(client.inner.retry.delay(0, None)).await;
            }
        }
    }
}

/// Bytes gathered before a write to the output: whole lines only ever reach it, so a file
/// stopped at any moment ends in complete lines or in a part of one that a rerun cuts off.
const WRITE_BUFFER: usize = 1 << 20;

/// Where a download stands: body bytes and lines written, and a line not complete yet.
struct Download {
    offset: u64,
    lines: u64,
    partial: Vec<u8>,
}

impl Download {
    /// Checks that `line` (the next one) decodes as `T` (blank lines pass as they are).
    fn check<T: DeserializeOwned, E>(&self, operation: &'static str, line: &[u8]) -> Result<(), Failure> {
        let mut line = line;
        if let [rest @ .., b'\n'] = line {
            line = rest;
        }
        if let [rest @ .., b'\r'] = line {
            line = rest;
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            return Ok(());
        }
        serde_json::from_slice::<T>(line).map(drop).map_err(|error| {
            Failure::from(Error::<E>::Decode(DecodeError::new(operation, Some(self.lines + 1), &error, line)))
        })
    }
}

/// Reads one response body into the sink, line by line. `Some(why)` when the connection broke.
async fn copy_lines<T: DeserializeOwned, E>(
    mut response: reqwest::Response,
    skip: &mut u64,
    state: &mut Download,
    sink: &mut Box<dyn Write>,
    progress: &mut Progress,
    operation: &'static str,
) -> Result<Option<String>, Failure> {
    loop {
        let chunk = match response.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => return Ok(None),
            Err(error) => return Ok(Some(format!("the connection failed: {error}"))),
        };
        let mut chunk: &[u8] = &chunk;
        if *skip > 0 {
            let skipped = (*skip).min(chunk.len() as u64);
            chunk = &chunk[skipped as usize..];
            *skip -= skipped;
        }
        // First the end of a line the previous chunk began.
        if !state.partial.is_empty() {
            let Some(end) = chunk.iter().position(|byte| *byte == b'\n') else {
                state.partial.extend_from_slice(chunk);
                continue;
            };
            state.partial.extend_from_slice(&chunk[..=end]);
            chunk = &chunk[end + 1..];
            state.check::<T, E>(operation, &state.partial)?;
            sink.write_all(&state.partial)?;
            state.offset += state.partial.len() as u64;
            state.lines += 1;
            state.partial.clear();
        }
        // Then the chunk's complete lines, checked where they lie and written at once; a line
        // it ends in the middle of waits for the next chunk.
        let complete = chunk.iter().rposition(|byte| *byte == b'\n').map_or(0, |end| end + 1);
        for line in chunk[..complete].split_inclusive(|byte| *byte == b'\n') {
            state.check::<T, E>(operation, line)?;
            state.lines += 1;
        }
        sink.write_all(&chunk[..complete])?;
        state.offset += complete as u64;
        state.partial.extend_from_slice(&chunk[complete..]);
        progress.update(state.offset, state.lines);
    }
}

/// The first byte a `206` response holds, from its `Content-Range`.
fn content_range_start(response: &reqwest::Response) -> Option<u64> {
    let range = response.headers().get(CONTENT_RANGE)?.to_str().ok()?;
    range.strip_prefix("bytes ")?.split('-').next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partial_last_line_is_cut_and_complete_lines_are_counted() {
        let path = std::env::temp_dir().join(format!("cli-resume-{}", std::process::id()));
        std::fs::write(&path, b"{\"a\":1}\n{\"a\":2}\n{\"a\":").expect("written");
        let mut file = OpenOptions::new().read(true).write(true).open(&path).expect("opened");
        assert_eq!(keep_complete_lines(&mut file).expect("read"), Resume { offset: 16, lines: 2 });
        assert_eq!(std::fs::read(&path).expect("read"), b"{\"a\":1}\n{\"a\":2}\n");
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn sizes_read_like_a_person_writes_them() {
        assert_eq!(human_bytes(1536.0), "1.5 KiB");
        assert_eq!(human_bytes(12.0), "12.0 B");
    }
}
