//! End-to-end tests of the generated client's `tracing` instrumentation against a scripted local
//! server: the `api_call` span and its fields (operation, method, path template, attempt, status,
//! request id), the `retrying` debug event, and that neither the API key nor an id leaks into
//! what is recorded.
//!
//! A small capturing subscriber (no `tracing-subscriber`) is installed per test as the thread's
//! default; `#[tokio::test]` runs on the current thread, so the client's spans and events reach it.
//! The other tests of the binary run the same client on their own threads, where no subscriber is
//! installed; see [`Nowhere`] for why that needs a global default that records nothing.
//! It cannot implement `Subscriber::current_span` (its return type, `tracing_core::span::Current`,
//! is not re-exported by `tracing`), so it reports the current span as unknown, which the
//! `Subscriber` contract allows: `Span::current()` is then a disabled span.

use anthropic_batches::Client;
use integration_tests::support::fixtures::example;
use integration_tests::support::server::{RecordedRequest, Reply, TestServer};
use serde_json::json;
use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Once};
use std::time::Duration;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

const KEY: &str = "sk-secret-key";
const BATCH_ID: &str = "msgbatch_123";
const TEMPLATE: &str = "/v1/messages/batches/{message_batch_id}";

// ---------------------------------------------------------------------------------------------
// A capturing subscriber
// ---------------------------------------------------------------------------------------------

/// One recorded field value, kept with its type so tests can tell `200` from `"200"`.
#[derive(Clone, Debug, PartialEq)]
enum FieldValue {
    Str(String),
    U64(u64),
    I64(i64),
    F64(f64),
    Bool(bool),
    /// Anything recorded through `record_debug` (including `%display` values), as its text.
    Debug(String),
}

impl FieldValue {
    /// The value as text, however it was recorded.
    fn text(&self) -> String {
        match self {
            FieldValue::Str(text) | FieldValue::Debug(text) => text.clone(),
            FieldValue::U64(value) => value.to_string(),
            FieldValue::I64(value) => value.to_string(),
            FieldValue::F64(value) => value.to_string(),
            FieldValue::Bool(value) => value.to_string(),
        }
    }

    /// Every rendering of the value a log line could show (`Display`-like and `Debug`).
    fn renderings(&self) -> [String; 2] {
        [self.text(), format!("{self:?}")]
    }

    /// The value as an unsigned integer, whichever integer type it was recorded as.
    fn as_u64(&self) -> Option<u64> {
        match self {
            FieldValue::U64(value) => Some(*value),
            FieldValue::I64(value) => u64::try_from(*value).ok(),
            _ => None,
        }
    }
}

#[derive(Default)]
struct FieldMap(Vec<(String, FieldValue)>);

impl FieldMap {
    /// Inserts or replaces (a later `record` overwrites an earlier value).
    fn set(&mut self, name: &str, value: FieldValue) {
        match self.0.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value,
            None => self.0.push((name.to_owned(), value)),
        }
    }
}

impl Visit for FieldMap {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.set(field.name(), FieldValue::Str(value.to_owned()));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.set(field.name(), FieldValue::U64(value));
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.set(field.name(), FieldValue::I64(value));
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.set(field.name(), FieldValue::F64(value));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.set(field.name(), FieldValue::Bool(value));
    }
    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.set(field.name(), FieldValue::Debug(format!("{value} / {value:?}")));
    }
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.set(field.name(), FieldValue::Debug(format!("{value:?}")));
    }
}

#[derive(Debug)]
struct CapturedSpan {
    id: u64,
    name: &'static str,
    fields: Vec<(String, FieldValue)>,
}

impl CapturedSpan {
    fn field(&self, name: &str) -> Option<&FieldValue> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }
}

#[derive(Clone, Debug)]
struct CapturedEvent {
    level: tracing::Level,
    target: String,
    fields: Vec<(String, FieldValue)>,
    /// The span the event happened in (explicit parent, else the innermost entered span).
    parent: Option<u64>,
}

impl CapturedEvent {
    fn field(&self, name: &str) -> Option<&FieldValue> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    fn message(&self) -> Option<String> {
        self.field("message").map(FieldValue::text)
    }
}

#[derive(Default)]
struct State {
    /// Spans in creation order; a span's id is its index + 1.
    spans: Vec<(&'static str, FieldMap)>,
    events: Vec<CapturedEvent>,
    /// Entered spans per thread, innermost last.
    stacks: HashMap<std::thread::ThreadId, Vec<u64>>,
}

/// Records every span (name and fields, updated on `record`) and every event.
#[derive(Clone, Default)]
struct Capture {
    state: Arc<Mutex<State>>,
}

impl Capture {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Installs a fresh capture as this thread's default subscriber until the guard drops.
    fn install() -> (Capture, tracing::subscriber::DefaultGuard) {
        static GLOBAL: Once = Once::new();
        GLOBAL.call_once(|| {
            tracing::subscriber::set_global_default(Nowhere).expect("no other test sets a global subscriber");
        });
        let capture = Capture::default();
        let guard = tracing::subscriber::set_default(capture.clone());
        (capture, guard)
    }

    fn spans(&self) -> Vec<CapturedSpan> {
        self.lock()
            .spans
            .iter()
            .enumerate()
            .map(|(index, (name, fields))| CapturedSpan {
                id: index as u64 + 1,
                name,
                fields: fields.0.clone(),
            })
            .collect()
    }

    fn api_call_spans(&self) -> Vec<CapturedSpan> {
        self.spans().into_iter().filter(|span| span.name == "api_call").collect()
    }

    /// The one `api_call` span; fails when there is not exactly one.
    fn only_api_call(&self) -> CapturedSpan {
        let mut spans = self.api_call_spans();
        assert_eq!(spans.len(), 1, "expected exactly one api_call span, got {spans:#?}");
        spans.remove(0)
    }

    fn events(&self) -> Vec<CapturedEvent> {
        self.lock().events.clone()
    }

    fn retrying_events(&self) -> Vec<CapturedEvent> {
        self.events().into_iter().filter(|event| event.message().as_deref() == Some("retrying")).collect()
    }

    /// Every recorded value (span fields and event fields) with where it came from.
    fn all_values(&self) -> Vec<(String, FieldValue)> {
        let state = self.lock();
        let spans = state.spans.iter().flat_map(|(name, fields)| {
            fields.0.iter().map(move |(n, v)| (format!("span {name}.{n}"), v.clone()))
        });
        let events = state.events.iter().flat_map(|event| {
            event.fields.iter().map(move |(n, v)| (format!("event {}.{n}", event.target), v.clone()))
        });
        spans.chain(events).collect()
    }
}

impl Subscriber for Capture {
    fn register_callsite(&self, _metadata: &'static Metadata<'static>) -> tracing::subscriber::Interest {
        // Always interested, so a callsite first hit under another test's subscriber is not
        // cached as uninteresting for this one.
        tracing::subscriber::Interest::always()
    }

    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::TRACE)
    }

    fn enabled(&self, _metadata: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut fields = FieldMap::default();
        span.record(&mut fields);
        let mut state = self.lock();
        state.spans.push((span.metadata().name(), fields));
        Id::from_u64(state.spans.len() as u64)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut state = self.lock();
        if let Some((_, fields)) = state.spans.get_mut(span.into_u64() as usize - 1) {
            values.record(fields);
        }
    }

    fn record_follows_from(&self, _span: &Id, _follows: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = FieldMap::default();
        event.record(&mut fields);
        let mut state = self.lock();
        let parent = match event.parent() {
            Some(id) => Some(id.into_u64()),
            None if event.is_contextual() => {
                state.stacks.get(&std::thread::current().id()).and_then(|stack| stack.last().copied())
            }
            None => None,
        };
        state.events.push(CapturedEvent {
            level: *event.metadata().level(),
            target: event.metadata().target().to_owned(),
            fields: fields.0,
            parent,
        });
    }

    fn enter(&self, span: &Id) {
        self.lock().stacks.entry(std::thread::current().id()).or_default().push(span.into_u64());
    }

    fn exit(&self, span: &Id) {
        let mut state = self.lock();
        if let Some(stack) = state.stacks.get_mut(&std::thread::current().id()) {
            if let Some(position) = stack.iter().rposition(|id| *id == span.into_u64()) {
                stack.remove(position);
            }
        }
    }
}

/// The global default subscriber, for every thread without a capture: it records nothing.
///
/// tracing-core asks subscribers about a callsite once, when it is first hit, and caches the
/// answer for the whole process. While at most one subscriber is registered it asks only the
/// current thread's default, so a callsite first hit by another test of this binary (on a thread
/// without a subscriber, whose answer is "never") while a single capture is installed would stay
/// disabled for that capture too. With this subscriber registered for good, tracing-core asks
/// every registered subscriber, and its `sometimes` makes the cached interest `sometimes`: "ask
/// the current thread's subscriber each time".
struct Nowhere;

// The same trait methods as `Capture`'s implementation above (the `Subscriber` signatures), each
// answering "nothing": there is no body to share.
impl Subscriber for Nowhere {
    fn register_callsite(&self, _metadata: &'static Metadata<'static>) -> tracing::subscriber::Interest {
        tracing::subscriber::Interest::sometimes()
    }

    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::OFF)
    }

    fn enabled(&self, _metadata: &Metadata<'_>) -> bool {
        false
    }

    fn new_span(&self, _span: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _span: &Id, _values: &Record<'_>) {}

    fn record_follows_from(&self, _span: &Id, _follows: &Id) {}

    fn event(&self, _event: &Event<'_>) {}

    fn enter(&self, _span: &Id) {}

    fn exit(&self, _span: &Id) {}
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn ok() -> Reply {
    Reply::json(200, &example("MessageBatch.ended.json")).header("request-id", "req_1")
}

fn client(server: &TestServer) -> Client {
    Client::builder()
        .base_url(server.url())
        .api_key(KEY)
        .retry_delays(Duration::from_millis(5), Duration::from_millis(20), Duration::from_secs(1))
        .build()
        .expect("the client builds")
}

/// A server answering its requests in turn with `replies` (the last one repeated).
async fn scripted(replies: Vec<Reply>) -> TestServer {
    let count = AtomicU64::new(0);
    TestServer::start(move |_req: &RecordedRequest| {
        let index = count.fetch_add(1, Ordering::SeqCst) as usize;
        replies[index.min(replies.len() - 1)].clone()
    })
    .await
}

/// Installs a capture, then makes one retrieve call (it must succeed, `why`) against a server
/// answering with `replies` in turn; returns what was captured and the server.
async fn traced_retrieve(replies: Vec<Reply>, why: &str) -> (Capture, TestServer) {
    let (capture, _guard) = Capture::install();
    let server = scripted(replies).await;
    client(&server).retrieve_message_batch(BATCH_ID).await.expect(why);
    (capture, server)
}

fn assert_str(span: &CapturedSpan, name: &str, expected: &str) {
    match span.field(name) {
        Some(value) => assert_eq!(value.text(), expected, "api_call.{name} in {span:#?}"),
        None => panic!("api_call.{name} was not recorded: {span:#?}"),
    }
}

fn assert_u64(span: &CapturedSpan, name: &str, expected: u64) {
    match span.field(name).map(|value| (value, value.as_u64())) {
        Some((_, Some(value))) => assert_eq!(value, expected, "api_call.{name} in {span:#?}"),
        Some((value, None)) => panic!("api_call.{name} is {value:?}, not an integer: {span:#?}"),
        None => panic!("api_call.{name} was not recorded: {span:#?}"),
    }
}

/// Fails naming every recorded value whose text contains `needle`.
fn assert_nowhere(capture: &Capture, needle: &str) {
    let values = capture.all_values();
    assert!(!values.is_empty(), "nothing was recorded, so the check would be vacuous");
    let leaks: Vec<_> = values
        .iter()
        .filter(|(_, value)| value.renderings().iter().any(|text| text.contains(needle)))
        .collect();
    assert!(leaks.is_empty(), "{needle:?} appears in recorded values: {leaks:#?}");
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

/// The capture itself: fields declared `Empty` and filled in later through the span's handle are
/// recorded, and an event inside an entered span gets that span as its parent. (So when the
/// client's deferred fields are missing below, it is not the capture's doing.)
#[test]
fn the_capture_records_fields_filled_in_later_and_event_parents() {
    let (capture, _guard) = Capture::install();
    let span = tracing::info_span!(
        "api_call",
        operation = "probe",
        attempt = tracing::field::Empty,
        status = tracing::field::Empty
    );
    span.record("attempt", 2_u32);
    span.record("status", 503_u16);
    span.record("status", 200_u16);
    span.in_scope(|| tracing::debug!(wait_ms = 7_u64, "retrying"));

    let captured = capture.only_api_call();
    assert_str(&captured, "operation", "probe");
    assert_u64(&captured, "attempt", 2);
    assert_u64(&captured, "status", 200);
    let events = capture.retrying_events();
    assert_eq!(events.len(), 1, "{events:#?}");
    assert_eq!(events[0].field("wait_ms").and_then(FieldValue::as_u64), Some(7));
    assert_eq!(events[0].parent, Some(captured.id));
}

#[tokio::test]
async fn a_successful_retrieve_records_one_api_call_span_with_operation_method_and_path_template() {
    let (capture, server) = traced_retrieve(vec![ok()], "the retrieve succeeds").await;

    assert_eq!(server.request_count(), 1);
    let span = capture.only_api_call();
    assert_str(&span, "operation", "retrieveMessageBatch");
    assert_str(&span, "method", "GET");
    assert_str(&span, "path", TEMPLATE);
    assert!(capture.retrying_events().is_empty(), "a first-try success logs no retry");
}

#[tokio::test]
async fn a_successful_retrieve_records_attempt_1_status_200_and_the_request_id() {
    let (capture, _server) = traced_retrieve(vec![ok()], "the retrieve succeeds").await;

    let span = capture.only_api_call();
    assert_u64(&span, "attempt", 1);
    assert_u64(&span, "status", 200);
    assert_str(&span, "request_id", "req_1");
}

fn unavailable() -> Reply {
    Reply::json(503, &json!({"type": "error", "error": {"type": "api_error", "message": "busy"}}))
        .header("request-id", "req_0")
}

#[tokio::test]
async fn a_503_then_200_records_attempt_2_and_status_200_on_the_span() {
    let (capture, server) = traced_retrieve(vec![unavailable(), ok()], "the retry succeeds").await;

    assert_eq!(server.request_count(), 2, "one retry after the 503");
    let span = capture.only_api_call();
    assert_u64(&span, "attempt", 2);
    assert_u64(&span, "status", 200);
    assert_str(&span, "request_id", "req_1");
}

#[tokio::test]
async fn a_503_then_200_emits_one_retrying_debug_event_with_wait_ms_inside_the_span() {
    let (capture, server) = traced_retrieve(vec![unavailable(), ok()], "the retry succeeds").await;

    assert_eq!(server.request_count(), 2, "one retry after the 503");
    let span = capture.only_api_call();
    let retrying = capture.retrying_events();
    assert_eq!(retrying.len(), 1, "expected one retrying event, got {retrying:#?}");
    let event = &retrying[0];
    assert_eq!(event.level, tracing::Level::DEBUG, "{event:#?}");
    assert_eq!(event.field("retry").and_then(FieldValue::as_u64), Some(1), "{event:#?}");
    // The first wait is the initial 5 ms with jitter in [0.75, 1], so 3 to 5 whole milliseconds.
    let wait_ms = event.field("wait_ms").and_then(FieldValue::as_u64);
    assert!(matches!(wait_ms, Some(3..=5)), "wait_ms should be 3..=5, got {wait_ms:?} in {event:#?}");
    let error = event.field("error").map(FieldValue::text).unwrap_or_default();
    assert!(error.contains("503"), "the error field names the status: {event:#?}");
    assert_eq!(event.parent, Some(span.id), "the retrying event is inside the api_call span: {event:#?}");
}

#[tokio::test]
async fn the_api_key_is_in_no_span_or_event_field_on_success_retry_or_401() {
    let (capture, _guard) = Capture::install();
    let unauthorized = Reply::json(
        401,
        &json!({"type": "error", "error": {"type": "authentication_error", "message": "invalid x-api-key"}}),
    )
    .header("request-id", "req_401");
    let overloaded = Reply::json(
        529,
        &json!({"type": "error", "error": {"type": "overloaded_error", "message": "later"}}),
    )
    .header("request-id", "req_529");
    // First call: 529 then 200 (a retry event carrying the error); second call: 401.
    let server = scripted(vec![overloaded, ok(), unauthorized]).await;
    let client = client(&server);

    client.retrieve_message_batch(BATCH_ID).await.expect("the retry succeeds");
    let error = client.retrieve_message_batch(BATCH_ID).await.expect_err("a 401 is an error");
    assert!(error.to_string().contains("401"), "{error}");

    // The key was really sent, so its absence from the records means something.
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert!(requests.iter().all(|req| req.header("x-api-key") == Some(KEY)), "{requests:#?}");

    assert_eq!(capture.api_call_spans().len(), 2, "one span per call");
    let retrying = capture.retrying_events();
    assert_eq!(retrying.len(), 1, "the 529 was retried once, the 401 not at all: {retrying:#?}");
    assert!(retrying[0].field("error").is_some(), "the retry event carries the error: {retrying:#?}");
    assert_nowhere(&capture, KEY);
}

#[tokio::test]
async fn the_span_path_is_the_template_and_never_the_batch_id() {
    let (capture, server) = traced_retrieve(vec![ok()], "the retrieve succeeds").await;

    // The request itself did carry the id.
    assert_eq!(server.requests()[0].path, format!("/v1/messages/batches/{BATCH_ID}"));
    let span = capture.only_api_call();
    let path = span.field("path").map(FieldValue::text).expect("api_call.path is recorded");
    assert!(!path.contains(BATCH_ID), "api_call.path contains the batch id: {path:?}");
    assert_eq!(path, TEMPLATE);
    let leaks: Vec<_> = span.fields.iter().filter(|(_, value)| value.text().contains(BATCH_ID)).collect();
    assert!(leaks.is_empty(), "the batch id appears in api_call fields: {leaks:#?}");
}
