//! JSON Lines bodies as a stream of typed items, decoded as bytes arrive: memory stays at one
//! line plus one network chunk, whatever the body's size.

use super::error::{DecodeError, Error};
use bytes::Bytes;
use futures_core::Stream;
use serde::de::DeserializeOwned;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

type ByteStream = Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>;

/// A stream of `T`, one per line of a JSON Lines response.
///
/// A line that does not decode yields an [`Error::Decode`] naming its line number, and the stream
/// goes on with the next line. A body that breaks off (connection lost, cut mid-line, or short of
/// its `Content-Length`) ends with an error item: the stream is never silently short.
#[must_use = "streams do nothing unless polled"]
pub struct JsonlStream<T, E = serde_json::Value> {
    operation: &'static str,
    body: Option<ByteStream>,
    /// Bytes received but not yet split into lines; `start` is where the unread part begins.
    buffer: Vec<u8>,
    start: usize,
    /// How far past `start` has been searched for a newline already, so long lines are scanned once.
    scanned: usize,
    /// Lines consumed so far (blank ones included), for error messages.
    line: u64,
    expected_length: Option<u64>,
    received: u64,
    _marker: PhantomData<fn() -> (T, E)>,
}

impl<T, E> std::fmt::Debug for JsonlStream<T, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonlStream")
            .field("operation", &self.operation)
            .field("line", &self.line)
            .field("received", &self.received)
            .field("finished", &self.body.is_none())
            .finish()
    }
}

impl<T: DeserializeOwned, E> JsonlStream<T, E> {
    pub(crate) fn new(operation: &'static str, response: reqwest::Response) -> Self {
        let expected_length = response.content_length();
        Self {
            operation,
            body: Some(Box::pin(response.bytes_stream())),
            buffer: Vec::new(),
            start: 0,
            scanned: 0,
            line: 0,
            expected_length,
            received: 0,
            _marker: PhantomData,
        }
    }

    /// Number of lines read so far (the line number of the last item yielded).
    pub fn lines_read(&self) -> u64 {
        self.line
    }

    /// Takes the next complete line out of the buffer, if there is one.
    fn next_line(&mut self) -> Option<(usize, usize)> {
        let unread = &self.buffer[self.start + self.scanned..];
        match unread.iter().position(|&byte| byte == b'\n') {
            Some(offset) => {
                let begin = self.start;
                let end = self.start + self.scanned + offset;
                self.start = end + 1;
                self.scanned = 0;
                Some((begin, end))
            }
            None => {
                self.scanned = self.buffer.len() - self.start;
                None
            }
        }
    }

    fn decode(&mut self, begin: usize, end: usize) -> Option<Result<T, Error<E>>> {
        self.line += 1;
        let mut line = &self.buffer[begin..end];
        if let [rest @ .., b'\r'] = line {
            line = rest;
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            return None;
        }
        Some(
            serde_json::from_slice(line).map_err(|error| {
                Error::Decode(DecodeError::new(self.operation, Some(self.line), &error, line))
            }),
        )
    }

    /// The body has ended: decode a last line without newline, or report what is missing.
    fn finish(&mut self) -> Option<Result<T, Error<E>>> {
        if let Some(expected) = self.expected_length {
            if self.received < expected {
                self.expected_length = None;
                self.buffer.clear();
                self.start = 0;
                return Some(Err(Error::Truncated {
                    operation: self.operation,
                    detail: format!("received {} of {expected} bytes", self.received),
                }));
            }
        }
        if self.start < self.buffer.len() {
            let (begin, end) = (self.start, self.buffer.len());
            self.start = end;
            return self.decode(begin, end);
        }
        None
    }
}

impl<T: DeserializeOwned, E> Stream for JsonlStream<T, E> {
    type Item = Result<T, Error<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        // Nothing in the stream is pinned structurally: the body is already boxed.
        let this = self.get_mut();
        loop {
            while let Some((begin, end)) = this.next_line() {
                if let Some(item) = this.decode(begin, end) {
                    return Poll::Ready(Some(item));
                }
            }
            let Some(body) = this.body.as_mut() else {
                return Poll::Ready(this.finish());
            };
            match body.as_mut().poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(chunk))) => {
                    // Drop consumed lines before growing, so the buffer holds one partial line.
                    if this.start > 0 {
                        this.buffer.drain(..this.start);
                        this.start = 0;
                    }
                    this.received += chunk.len() as u64;
                    this.buffer.extend_from_slice(&chunk);
                }
                Poll::Ready(Some(Err(error))) => {
                    this.body = None;
                    this.expected_length = None;
                    let partial = this.buffer.len() - this.start;
                    this.buffer.clear();
                    this.start = 0;
                    this.scanned = 0;
                    let operation = this.operation;
                    return Poll::Ready(Some(Err(if error.is_timeout() {
                        Error::Timeout { operation, source: error }
                    } else {
                        Error::Truncated {
                            operation,
                            detail: format!(
                                "the connection failed after line {} ({partial} bytes of a partial line dropped): {error}",
                                this.line
                            ),
                        }
                    })));
                }
                Poll::Ready(None) => {
                    this.body = None;
                }
            }
        }
    }
}
