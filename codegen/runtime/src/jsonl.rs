//! JSON Lines bodies as a stream of typed items, decoded as bytes arrive: memory stays at one
//! line plus one network chunk, whatever the body's size. A connection that breaks mid-body is
//! resumed, so the caller sees every line exactly once or an error that says what is missing.
//!
//! Only crates with a streamed operation get this module; it builds on `request`, never the
//! reverse.

use super::client::Client;
use super::error::{DecodeError, Error, FromResponse};
use super::lines::{Line, Lines};
use super::raw::Raw;
use super::request::{ApiResponse, RequestParts};
use bytes::Bytes;
use futures_core::Stream;
use reqwest::header::CONTENT_RANGE;
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

impl Client {
    /// Calls an operation whose success body is JSON Lines; the stream re-requests the rest of
    /// the body if the connection breaks (see [`JsonlStream`]).
    pub(crate) async fn call_jsonl<T: DeserializeOwned, E: FromResponse + Send + 'static>(
        &self,
        mut parts: RequestParts,
    ) -> Result<ApiResponse<JsonlStream<T, E>>, Error<E>> {
        parts.streaming = true;
        let response = self.call(&parts, |response| async { Ok((response, Bytes::new())) }).await?;
        let ApiResponse { value, status, headers, request_id, body } = response;
        let stream = JsonlStream::new(self.clone(), parts, value);
        Ok(ApiResponse { value: stream, status, headers, request_id, body })
    }

    /// Re-sends a streaming request (with extra headers such as `Range`), retrying as usual.
    async fn reopen<E: FromResponse>(&self, parts: RequestParts) -> Result<reqwest::Response, Error<E>> {
        let response = self.call(&parts, |response| async { Ok((response, Bytes::new())) }).await?;
        Ok(response.value)
    }
}

type ByteStream = Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>;
type Reopening<E> = Pin<Box<dyn Future<Output = Result<reqwest::Response, Error<E>>> + Send>>;

enum State<E> {
    /// Reading a body; the timer fires when no data came for the request's timeout.
    Body(ByteStream, Pin<Box<tokio::time::Sleep>>),
    Reopening(Reopening<E>),
    Done,
}

/// A stream of `T`, one per line of a JSON Lines response.
///
/// - A line that does not decode yields an [`Error::Decode`] naming its line number, and the
///   stream goes on with the next line.
/// - If the connection breaks (or the body ends short of its `Content-Length`), the stream asks
///   again from the end of the last complete line: with a `Range` request, or, when the server
///   ignores `Range`, with a fresh request whose lines already yielded are skipped. It does so up
///   to the request's retry budget.
/// - When it cannot resume, the last item is an [`Error::Truncated`]: the stream is never silently
///   short.
#[must_use = "streams do nothing unless polled"]
pub struct JsonlStream<T, E = serde_json::Value> {
    client: Client,
    parts: RequestParts,
    state: State<E>,
    /// The body split into lines as it arrives.
    lines: Lines,
    /// Complete lines consumed so far (blank ones included), for error messages and resuming.
    line: u64,
    /// After a restart from the beginning, lines up to this number were already yielded.
    skip_through: u64,
    /// Body offset where the body should end, when the server said.
    expected_end: Option<u64>,
    reopens_left: u32,
    reopens: u32,
    /// Longest wait for the next piece of the body.
    idle: Duration,
    /// The caller asked for lines with their text ([`JsonlStream::next_with_raw`]): the text of
    /// the line just decoded is kept in `raw`.
    keep_raw: bool,
    raw: Bytes,
    _marker: PhantomData<fn() -> T>,
}

impl<T, E> std::fmt::Debug for JsonlStream<T, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonlStream")
            .field("operation", &self.parts.operation)
            .field("line", &self.line)
            .field("reopens", &self.reopens)
            .field("finished", &matches!(self.state, State::Done))
            .finish()
    }
}

impl<T: DeserializeOwned, E: FromResponse + Send + 'static> JsonlStream<T, E> {
    fn new(client: Client, parts: RequestParts, response: reqwest::Response) -> Self {
        let expected_end = response.content_length();
        let retries = parts.options.max_retries.unwrap_or(client.inner.retry.max_retries);
        // Only a repeatable request can be asked again.
        let reopens_left = if parts.method == Method::GET { retries } else { 0 };
        let idle = parts.options.timeout.unwrap_or(client.inner.timeout);
        Self {
            state: Self::body(response, idle),
            client,
            parts,
            lines: Lines::default(),
            line: 0,
            skip_through: 0,
            expected_end,
            reopens_left,
            reopens: 0,
            idle,
            keep_raw: false,
            raw: Bytes::new(),
            _marker: PhantomData,
        }
    }

    fn body(response: reqwest::Response, idle: Duration) -> State<E> {
        State::Body(Box::pin(response.bytes_stream()), Box::pin(tokio::time::sleep(idle)))
    }

    /// The next line, or `None` at the end: `while let Some(line) = stream.next().await`.
    /// (The same as `StreamExt::next`, without needing the trait.)
    pub async fn next(&mut self) -> Option<Result<T, Error<E>>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// The next line with its JSON text beside the decoded value, or `None` at the end. The text
    /// keeps what this version of the types does not name ([`Raw::unknown_fields`] lists it); it
    /// is a shared slice of the network chunk, so keeping it costs no copy for most lines.
    pub async fn next_with_raw(&mut self) -> Option<Result<Raw<T>, Error<E>>> {
        self.keep_raw = true;
        let item = self.next().await?;
        let raw = std::mem::take(&mut self.raw);
        Some(item.map(|value| Raw::new(value, raw)))
    }

    /// Number of lines read so far (the line number of the last item yielded).
    pub fn lines_read(&self) -> u64 {
        self.line
    }

    /// How many times the stream had to ask for the rest of the body after a broken connection.
    pub fn resumptions(&self) -> u32 {
        self.reopens
    }

    fn decode(&mut self, line: Line) -> Option<Result<T, Error<E>>> {
        self.line += 1;
        if self.line <= self.skip_through {
            return None;
        }
        let mut bytes = self.lines.bytes(line);
        if let [rest @ .., b'\r'] = bytes {
            bytes = rest;
        }
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return None;
        }
        if self.keep_raw {
            let text = self.lines.shared(line);
            self.raw = text.slice(..bytes.len().min(text.len()));
        }
        let operation = self.parts.operation;
        Some(
            serde_json::from_slice(bytes)
                .map_err(|error| Error::Decode(DecodeError::new(operation, Some(self.line), &error, bytes))),
        )
    }

    /// Ends the stream with an [`Error::Truncated`] that says what is missing.
    fn end_truncated(&mut self, detail: String) -> Option<Result<T, Error<E>>> {
        self.state = State::Done;
        Some(Err(Error::Truncated { operation: self.parts.operation, detail }))
    }

    /// The body broke off: ask for the rest, or end with an error that says what is missing.
    fn broken(&mut self, why: String) -> Option<Result<T, Error<E>>> {
        let partial = self.lines.discard_partial();
        if self.reopens_left == 0 {
            let line = self.line;
            return self.end_truncated(format!(
                "{why} after line {line} ({partial} bytes of a partial line dropped), and it could not be resumed"
            ));
        }
        self.reopens_left -= 1;
        let mut parts = self.parts.clone();
        parts.options.header("range".to_owned(), format!("bytes={}-", self.lines.consumed()));
        // Each reopen is one attempt; the stream's own budget bounds how many there are.
        parts.options.max_retries = Some(0);
        let client = self.client.clone();
        let wait = client.inner.retry.delay(self.reopens, None);
        tracing::debug!(
            operation = parts.operation,
            line = self.line,
            offset = self.lines.consumed(),
            "resuming stream"
        );
        self.reopens += 1;
        self.state = State::Reopening(Box::pin(async move {
            tokio::time::sleep(wait).await;
            client.reopen(parts).await
        }));
        None
    }

    /// A reopened body arrived: continue from where the last complete line ended.
    fn resumed(&mut self, response: reqwest::Response) -> Option<Result<T, Error<E>>> {
        let offset = self.lines.consumed();
        let length = response.content_length();
        match response.status() {
            StatusCode::PARTIAL_CONTENT => {
                let range = response.headers().get(CONTENT_RANGE).and_then(|value| value.to_str().ok());
                let start = range
                    .and_then(|range| range.strip_prefix("bytes ")?.split('-').next()?.parse::<u64>().ok());
                if start != Some(offset) {
                    let line = self.line;
                    return self.end_truncated(format!(
                        "the connection broke after line {line}, and the server resumed at the wrong place ({range:?} for byte {offset})"
                    ));
                }
                self.expected_end = length.map(|length| offset + length);
            }
            _ => {
                // The server sent the whole body again: skip what was already yielded (a replay
                // that broke early must not lower the mark).
                self.skip_through = self.skip_through.max(self.line);
                self.line = 0;
                self.lines.restart_at(0);
                self.expected_end = length;
            }
        }
        self.state = Self::body(response, self.idle);
        None
    }

    /// The body ended cleanly: decode a last line without newline, or notice it came up short.
    fn ended(&mut self) -> Option<Result<T, Error<E>>> {
        let received = self.lines.received();
        if let Some(expected) = self.expected_end {
            if received < expected {
                return self.broken(format!("the body ended at byte {received} of {expected}"));
            }
        }
        self.state = State::Done;
        let line = self.lines.last_line()?;
        self.decode(line)
    }
}

impl<T: DeserializeOwned, E: FromResponse + Send + 'static> Stream for JsonlStream<T, E> {
    type Item = Result<T, Error<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        // Nothing here is pinned structurally: the body and the reopen future are boxed.
        let this = self.get_mut();
        loop {
            while let Some(line) = this.lines.next_line() {
                if let Some(item) = this.decode(line) {
                    return Poll::Ready(Some(item));
                }
            }
            let step = match &mut this.state {
                State::Done => return Poll::Ready(None),
                State::Reopening(future) => match future.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Ok(response)) => this.resumed(response),
                    Poll::Ready(Err(error)) => {
                        let line = this.line;
                        this.end_truncated(format!(
                            "the connection broke after line {line} and asking for the rest failed: {error}"
                        ))
                    }
                },
                State::Body(body, idle) => match body.as_mut().poll_next(cx) {
                    Poll::Pending => match idle.as_mut().poll(cx) {
                        Poll::Pending => return Poll::Pending,
                        Poll::Ready(()) => {
                            let waited = this.idle.as_secs_f64();
                            this.broken(format!("no data arrived for {waited:.1} s"))
                        }
                    },
                    Poll::Ready(Some(Ok(chunk))) => {
                        idle.as_mut().reset(tokio::time::Instant::now() + this.idle);
                        this.lines.push(chunk);
                        None
                    }
                    Poll::Ready(Some(Err(error))) => this.broken(format!("the connection failed ({error})")),
                    Poll::Ready(None) => this.ended(),
                },
            };
            if let Some(item) = step {
                return Poll::Ready(Some(item));
            }
        }
    }
}
