#![allow(dead_code)]
//! A small scripted HTTP/1.1 server for end-to-end tests of the generated client.
//!
//! It is written on tokio and std only (no hyper), so a test can shape the reply byte by byte:
//! delay it, send it chunked, cut it short after announcing its full length, or close the
//! connection without answering at all.
//!
//! ```ignore
//! let server = TestServer::start(|req| {
//!     assert_eq!(req.path, "/v1/messages/batches");
//!     Reply::json(200, &serde_json::json!({"ok": true})).header("request-id", "req_1")
//! })
//! .await;
//! // ... point the client at server.url() ...
//! assert_eq!(server.requests().len(), 1);
//! ```
//!
//! Behaviour:
//! - binds `127.0.0.1:0`; every connection is served in its own task; dropping the server aborts
//!   the accept task, and with it every connection task.
//! - keep-alive: requests on one connection are served in a loop until the client closes it, asks
//!   for `Connection: close` (or speaks HTTP/1.0 without `keep-alive`), or a fault reply
//!   (`cut_after`, `close_without_response`) or a handler panic ends it.
//! - each request is recorded before the handler is called, so it is in `requests()` by the
//!   time the client sees any reply.
//! - a handler that panics yields a `500` with the panic message as a `text/plain` body.
//! - write errors (the client went away) end the connection quietly.

use std::fmt::Write as _;
use std::io;
use std::net::SocketAddr;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt, BufWriter};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

type Handler = dyn Fn(&RecordedRequest) -> Reply + Send + Sync + 'static;
type Recorded = Arc<Mutex<Vec<RecordedRequest>>>;

/// Largest request head (request line + headers) accepted; larger heads get a 431 and a close.
const MAX_HEAD: usize = 1024 * 1024;
/// Bytes asked of the socket per read.
const READ_CHUNK: usize = 64 * 1024;
/// Size of the write buffer; body slices at least this long are written straight from the body.
const WRITE_BUFFER: usize = 64 * 1024;

/// A running scripted server. It stops when dropped.
pub struct TestServer {
    addr: SocketAddr,
    requests: Recorded,
    connections: Arc<AtomicUsize>,
    accept_task: JoinHandle<()>,
}

impl TestServer {
    /// Binds `127.0.0.1:0` and serves every request with `handler`. Needs a tokio runtime.
    pub async fn start<F>(handler: F) -> TestServer
    where
        F: Fn(&RecordedRequest) -> Reply + Send + Sync + 'static,
    {
        let listener =
            TcpListener::bind(("127.0.0.1", 0)).await.expect("test server: cannot bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("test server: no local address");
        let requests: Recorded = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let connections = Arc::new(AtomicUsize::new(0));
        let accept_task =
            tokio::spawn(accept_loop(listener, handler, Arc::clone(&requests), Arc::clone(&connections)));
        TestServer { addr, requests, connections, accept_task }
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every request received so far, in the order they were read.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.requests).clone()
    }

    /// How many requests were received so far.
    pub fn request_count(&self) -> usize {
        lock(&self.requests).len()
    }

    /// How many TCP connections were accepted so far (to check connection reuse).
    pub fn connection_count(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        // Dropping the accept task's future drops its JoinSet, which aborts every connection.
        self.accept_task.abort();
    }
}

/// One request as the server read it.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    pub method: String,
    /// Raw request target as sent, e.g. `/v1/x?limit=2`.
    pub target: String,
    /// The target before `?`, still percent-encoded as sent.
    pub path: String,
    /// Percent-decoded query pairs, in order (`+` is a space; a key without `=` has value "").
    pub query: Vec<(String, String)>,
    /// Header names lower-cased, in order, repeated headers kept.
    pub headers: Vec<(String, String)>,
    /// The body, de-chunked if it was sent chunked.
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// First value of the header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Every value of the header `name` (case-insensitive), in order.
    pub fn header_all(&self, name: &str) -> Vec<&str> {
        self.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str()).collect()
    }

    /// First value of the (decoded) query parameter `name`.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// Where a `range: bytes=N-` header asks the body to start; `None` without a `range` header.
    /// Panics on any other form: the generated client only asks for open-ended byte ranges.
    pub fn range_start(&self) -> Option<usize> {
        let range = self.header("range")?;
        let start = range
            .strip_prefix("bytes=")
            .and_then(|rest| rest.strip_suffix('-'))
            .and_then(|start| start.parse().ok());
        Some(start.unwrap_or_else(|| panic!("test server: unexpected range header {range:?}")))
    }

    /// The body as text (lossy UTF-8).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as JSON; panics with the request line and a body preview if it is not JSON.
    pub fn json(&self) -> serde_json::Value {
        match serde_json::from_slice(&self.body) {
            Ok(value) => value,
            Err(err) => {
                let text = String::from_utf8_lossy(&self.body);
                let preview: String = text.chars().take(500).collect();
                panic!(
                    "test server: body of {} {} is not JSON ({err}); {} bytes: {preview:?}",
                    self.method,
                    self.target,
                    self.body.len()
                )
            }
        }
    }

    fn keep_alive(&self, version: &str) -> bool {
        let tokens = self.header_all("connection");
        let has = |token: &str| {
            tokens.iter().flat_map(|v| v.split(',')).any(|t| t.trim().eq_ignore_ascii_case(token))
        };
        if has("close") {
            false
        } else if version.eq_ignore_ascii_case("HTTP/1.0") {
            has("keep-alive")
        } else {
            true
        }
    }
}

/// What the server sends back for one request.
#[derive(Clone, Debug)]
pub struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    delay: Option<Duration>,
    chunk_size: Option<usize>,
    /// A pause after each chunk, for a body that arrives slowly.
    chunk_pause: Option<Duration>,
    cut_after: Option<usize>,
    close_without_response: bool,
}

impl Reply {
    /// `status` with `value` as the body and `content-type: application/json`.
    pub fn json(status: u16, value: &serde_json::Value) -> Reply {
        let body = serde_json::to_vec(value).expect("test server: JSON value serializes");
        Reply::bytes(status, "application/json", body)
    }

    /// `status` with `body` and the given content type (no content-type header when it is "").
    pub fn bytes(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        let mut headers = Vec::new();
        if !content_type.is_empty() {
            headers.push(("content-type".to_owned(), content_type.to_owned()));
        }
        Reply {
            status,
            headers,
            body: body.into(),
            delay: None,
            chunk_size: None,
            chunk_pause: None,
            cut_after: None,
            close_without_response: false,
        }
    }

    /// `206 Partial Content`: `body` from byte `start` on, with the `content-range` that says so.
    pub fn partial(content_type: &str, body: &[u8], start: usize) -> Reply {
        assert!(start <= body.len(), "test server: range start {start} past the end {}", body.len());
        let range = format!("bytes {start}-{}/{}", body.len().max(1) - 1, body.len());
        Reply::bytes(206, content_type, body[start..].to_vec()).header("content-range", &range)
    }

    /// `status` with an empty body and no content type.
    pub fn empty(status: u16) -> Reply {
        Reply::bytes(status, "", Vec::new())
    }

    /// Adds a header (appended; repeat the call to send a header several times).
    ///
    /// Setting `content-length`, `transfer-encoding` or `connection` yourself replaces the
    /// value the server would add (the framing stays what the reply mode says, so a lying
    /// `content-length` is sent as is).
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Waits `d` after the request was read, before sending anything.
    pub fn delay(mut self, d: Duration) -> Reply {
        self.delay = Some(d);
        self
    }

    /// Sends the body with `Transfer-Encoding: chunked`, in chunks of `chunk_size` bytes
    /// (at least 1).
    pub fn chunked(mut self, chunk_size: usize) -> Reply {
        self.chunk_size = Some(chunk_size.max(1));
        self
    }

    /// Like [`Reply::chunked`], pausing `pause` after each chunk: a body that takes a while, for
    /// a client stopped halfway through it.
    pub fn paced(mut self, chunk_size: usize, pause: Duration) -> Reply {
        self.chunk_size = Some(chunk_size.max(1));
        self.chunk_pause = Some(pause);
        self
    }

    /// Announces the full length but sends only the first `n` body bytes, then closes the
    /// connection. With `chunked`, sends the chunks of the first `n` bytes and no last chunk.
    pub fn cut_after(mut self, n: usize) -> Reply {
        self.cut_after = Some(n);
        self
    }

    /// Reads the request, then closes the connection without writing a byte.
    pub fn close_without_response() -> Reply {
        let mut reply = Reply::empty(0);
        reply.close_without_response = true;
        reply
    }

    fn is_fault(&self) -> bool {
        self.close_without_response || self.cut_after.is_some()
    }

    fn has_header(&self, name: &str) -> bool {
        self.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name))
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

async fn accept_loop(
    listener: TcpListener,
    handler: Arc<Handler>,
    recorded: Recorded,
    accepted: Arc<AtomicUsize>,
) {
    let mut connections = JoinSet::new();
    loop {
        match listener.accept().await {
            Ok((stream, _peer)) => {
                accepted.fetch_add(1, Ordering::SeqCst);
                connections.spawn(serve_connection(stream, Arc::clone(&handler), Arc::clone(&recorded)));
            }
            // For example out of file descriptors: back off a little and go on.
            Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
        }
        // Reap finished connections so the set does not grow without bound.
        while connections.try_join_next().is_some() {}
    }
}

async fn serve_connection(stream: TcpStream, handler: Arc<Handler>, recorded: Recorded) {
    let _ = stream.set_nodelay(true);
    let mut conn = Conn { stream, buf: Vec::new() };
    loop {
        let (request, version) = match conn.read_request().await {
            Ok(Some(parsed)) => parsed,
            Ok(None) => return,
            Err(ReadError::HeadTooLarge) => {
                let reply = Reply::bytes(431, "text/plain", "request head too large");
                let _ = conn.write_reply("GET", &reply, false).await;
                let _ = conn.stream.shutdown().await;
                return;
            }
            Err(ReadError::Io(_)) => return,
        };
        lock(&recorded).push(request.clone());

        let reply = match catch_unwind(AssertUnwindSafe(|| handler(&request))) {
            Ok(reply) => reply,
            Err(panic) => {
                let message = panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "non-string panic payload".to_owned());
                Reply::bytes(500, "text/plain", format!("test server: handler panicked: {message}"))
                    .header("connection", "close")
            }
        };

        let user_close = reply
            .headers
            .iter()
            .any(|(n, v)| n.eq_ignore_ascii_case("connection") && v.eq_ignore_ascii_case("close"));
        let keep_alive = request.keep_alive(&version) && !reply.is_fault() && !user_close;

        if conn.write_reply(&request.method, &reply, keep_alive).await.is_err() {
            return;
        }
        if !keep_alive {
            let _ = conn.stream.shutdown().await;
            return;
        }
    }
}

enum ReadError {
    HeadTooLarge,
    Io(io::Error),
}

impl From<io::Error> for ReadError {
    fn from(err: io::Error) -> Self {
        ReadError::Io(err)
    }
}

fn invalid(msg: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.to_owned())
}

struct Conn {
    stream: TcpStream,
    /// Bytes read from the socket and not yet consumed.
    buf: Vec<u8>,
}

impl Conn {
    /// Reads more bytes into `buf`; returns how many (0 at end of stream).
    async fn fill(&mut self) -> io::Result<usize> {
        self.buf.reserve(READ_CHUNK);
        self.stream.read_buf(&mut self.buf).await
    }

    /// Reads one request; `Ok(None)` when the client closed the connection between requests.
    async fn read_request(&mut self) -> Result<Option<(RecordedRequest, String)>, ReadError> {
        // The head: request line and headers, up to an empty line.
        let mut scanned = 0;
        let head_end = loop {
            // Tolerate empty lines before the request line.
            let leading = self.buf.iter().take_while(|b| **b == b'\r' || **b == b'\n').count();
            if leading > 0 {
                self.buf.drain(..leading);
                scanned = 0;
            }
            if let Some(end) = find_head_end(&self.buf, scanned) {
                break end;
            }
            scanned = self.buf.len().saturating_sub(3);
            if self.buf.len() > MAX_HEAD {
                return Err(ReadError::HeadTooLarge);
            }
            if self.fill().await? == 0 {
                if self.buf.is_empty() {
                    return Ok(None);
                }
                return Err(invalid("connection closed inside a request head").into());
            }
        };
        let head: Vec<u8> = self.buf.drain(..head_end).collect();
        let head = String::from_utf8_lossy(&head);
        let mut lines = head.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));

        let request_line = lines.next().unwrap_or("");
        let mut parts = request_line.split_whitespace();
        let method = parts.next().unwrap_or("").to_owned();
        let target = parts.next().unwrap_or("").to_owned();
        let version = parts.next().unwrap_or("HTTP/1.1").to_owned();

        let mut headers: Vec<(String, String)> = Vec::new();
        for line in lines {
            if line.is_empty() {
                continue;
            }
            if line.starts_with(' ') || line.starts_with('\t') {
                // Obsolete line folding: continues the previous header's value.
                if let Some((_, value)) = headers.last_mut() {
                    if !value.is_empty() {
                        value.push(' ');
                    }
                    value.push_str(line.trim());
                    continue;
                }
            }
            match line.split_once(':') {
                Some((name, value)) => {
                    headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()))
                }
                None => headers.push((line.trim().to_ascii_lowercase(), String::new())),
            }
        }

        let (path, query) = match target.split_once('?') {
            Some((path, query)) => (path.to_owned(), parse_query(query)),
            None => (target.clone(), Vec::new()),
        };

        let mut request = RecordedRequest { method, target, path, query, headers, body: Vec::new() };

        if request.header("expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue")) {
            self.stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").await?;
        }

        let chunked = request
            .header_all("transfer-encoding")
            .iter()
            .flat_map(|v| v.split(','))
            .any(|t| t.trim().eq_ignore_ascii_case("chunked"));
        if chunked {
            request.body = self.read_chunked_body().await?;
        } else if let Some(len) = request.header("content-length") {
            let len: usize = len.trim().parse().map_err(|_| invalid("bad content-length"))?;
            request.body = self.read_exact(len).await?;
        }
        Ok(Some((request, version)))
    }

    /// Takes exactly `n` bytes, first from `buf`, then straight from the socket.
    async fn read_exact(&mut self, n: usize) -> io::Result<Vec<u8>> {
        let from_buf = n.min(self.buf.len());
        let mut out = Vec::with_capacity(n);
        out.extend(self.buf.drain(..from_buf));
        if out.len() < n {
            let start = out.len();
            out.resize(n, 0);
            self.stream.read_exact(&mut out[start..]).await?;
        }
        Ok(out)
    }

    /// Reads one line (without its `\r\n` or `\n`).
    async fn read_line(&mut self) -> io::Result<String> {
        let mut scanned = 0;
        loop {
            if let Some(pos) = self.buf[scanned..].iter().position(|b| *b == b'\n') {
                let end = scanned + pos;
                let line: Vec<u8> = self.buf.drain(..=end).collect();
                let line = &line[..line.len() - 1];
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                return Ok(String::from_utf8_lossy(line).into_owned());
            }
            scanned = self.buf.len();
            if self.buf.len() > MAX_HEAD {
                return Err(invalid("line too long"));
            }
            if self.fill().await? == 0 {
                return Err(invalid("connection closed inside a chunked body"));
            }
        }
    }

    async fn read_chunked_body(&mut self) -> io::Result<Vec<u8>> {
        let mut body = Vec::new();
        loop {
            let line = self.read_line().await?;
            let size = line.split(';').next().unwrap_or("").trim();
            let size = usize::from_str_radix(size, 16).map_err(|_| invalid("bad chunk size line"))?;
            if size == 0 {
                // Trailers, up to an empty line; ignored.
                while !self.read_line().await?.is_empty() {}
                return Ok(body);
            }
            let chunk = self.read_exact(size).await?;
            body.extend_from_slice(&chunk);
            // The CRLF after the chunk data.
            self.read_line().await?;
        }
    }

    async fn write_reply(&mut self, method: &str, reply: &Reply, keep_alive: bool) -> io::Result<()> {
        if let Some(d) = reply.delay {
            tokio::time::sleep(d).await;
        }
        if reply.close_without_response {
            return Ok(());
        }

        let status = reply.status;
        // 1xx, 204 and 304 never carry a body; a HEAD reply carries the headers only.
        let bodiless_status = status < 200 || status == 204 || status == 304;
        let send_body = !bodiless_status && !method.eq_ignore_ascii_case("HEAD");
        let body = &reply.body[..];
        let sent = &body[..reply.cut_after.map_or(body.len(), |n| n.min(body.len()))];

        let mut head = String::with_capacity(256);
        let _ = write!(head, "HTTP/1.1 {} {}\r\n", status, reason_phrase(status));
        for (name, value) in &reply.headers {
            let _ = write!(head, "{name}: {value}\r\n");
        }
        if !bodiless_status {
            if reply.chunk_size.is_some() {
                if !reply.has_header("transfer-encoding") {
                    head.push_str("transfer-encoding: chunked\r\n");
                }
            } else if !reply.has_header("content-length") {
                let _ = write!(head, "content-length: {}\r\n", body.len());
            }
        }
        if !keep_alive && !reply.has_header("connection") {
            head.push_str("connection: close\r\n");
        }
        head.push_str("\r\n");

        let mut out = BufWriter::with_capacity(WRITE_BUFFER, &mut self.stream);
        out.write_all(head.as_bytes()).await?;
        if send_body {
            match reply.chunk_size {
                Some(size) => {
                    for chunk in sent.chunks(size) {
                        out.write_all(format!("{:x}\r\n", chunk.len()).as_bytes()).await?;
                        out.write_all(chunk).await?;
                        out.write_all(b"\r\n").await?;
                        if let Some(pause) = reply.chunk_pause {
                            out.flush().await?;
                            tokio::time::sleep(pause).await;
                        }
                    }
                    if reply.cut_after.is_none() {
                        out.write_all(b"0\r\n\r\n").await?;
                    }
                }
                // Slices longer than the buffer go straight from `body` to the socket.
                None => out.write_all(sent).await?,
            }
        }
        out.flush().await
    }
}

/// Index just past the empty line that ends a request head (`\r\n\r\n` or bare `\n\n`).
fn find_head_end(buf: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i < buf.len() {
        if buf[i] == b'\n' {
            match buf.get(i + 1) {
                Some(b'\n') => return Some(i + 2),
                Some(b'\r') if buf.get(i + 2) == Some(&b'\n') => return Some(i + 3),
                _ => {}
            }
        }
        i += 1;
    }
    None
}

fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) => (percent_decode(k), percent_decode(v)),
            None => (percent_decode(pair), String::new()),
        })
        .collect()
}

/// Decodes `%XX` escapes and `+` (a space); a malformed escape is kept as it is.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex_val(bytes[i + 1]), hex_val(bytes[i + 2])) {
                (Some(hi), Some(lo)) => {
                    out.push(hi << 4 | lo);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Payload Too Large",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        529 => "Overloaded",
        _ => "Status",
    }
}
