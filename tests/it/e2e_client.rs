//! End-to-end tests of the generated client's transport behaviour against a scripted local
//! server: retries (statuses, `x-should-retry`, server-requested waits, backoff), connection
//! failures, timeouts, per-call options, raw responses, configuration, secrets and error text.

use anthropic_batches::types::{CreateMessageBatchParams, MessageBatch};
use anthropic_batches::{Client, ClientBuilder, ConfigError, Error};
use integration_tests::support::fixtures::example;
use integration_tests::support::process::alone_in_child_process;
use integration_tests::support::server::{RecordedRequest, Reply, TestServer};
use integration_tests::support::time::http_date;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const KEY: &str = "sk-test";
const BATCH_ID: &str = "msgbatch_01Bd7QpLmN3sVwXyZ4aHcE9u";
const BATCH_PATH: &str = "/v1/messages/batches/msgbatch_01Bd7QpLmN3sVwXyZ4aHcE9u";

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn batch_json() -> Value {
    example("MessageBatch.ended.json")
}

fn expected_batch() -> MessageBatch {
    serde_json::from_value(batch_json()).expect("the fixture decodes as a MessageBatch")
}

/// The call returned the fixture batch, and the server saw exactly `requests` requests.
fn assert_batch_after(server: &TestServer, batch: &MessageBatch, requests: usize) {
    assert_eq!(*batch, expected_batch());
    assert_eq!(server.request_count(), requests);
}

fn create_params() -> CreateMessageBatchParams {
    serde_json::from_value(example("CreateMessageBatchParams.minimal.json"))
        .expect("the fixture decodes as CreateMessageBatchParams")
}

/// The success reply of retrieve/create/cancel.
fn ok() -> Reply {
    Reply::json(200, &batch_json()).header("request-id", "req_ok")
}

/// An error reply shaped like the API's, with the request id in the header and the body.
fn api_error(status: u16, message: &str, request_id: &str) -> Reply {
    let kind = match status {
        400 | 413 | 422 => "invalid_request_error",
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        429 => "rate_limit_error",
        529 => "overloaded_error",
        _ => "api_error",
    };
    let body = json!({
        "type": "error",
        "error": { "type": kind, "message": message },
        "request_id": request_id,
    });
    Reply::json(status, &body).header("request-id", request_id)
}

/// A client on `server` with short retry waits (10 ms first, 40 ms at most, server waits up to 2 s).
fn fast(server: &TestServer) -> ClientBuilder {
    Client::builder().base_url(server.url()).api_key(KEY).retry_delays(
        Duration::from_millis(10),
        Duration::from_millis(40),
        Duration::from_secs(2),
    )
}

fn fast_client(server: &TestServer) -> Client {
    fast(server).build().expect("client builds")
}

/// A server answering with `handler`, and a `fast_client` on it.
async fn serve(handler: impl Fn(&RecordedRequest) -> Reply + Send + Sync + 'static) -> (TestServer, Client) {
    let server = TestServer::start(handler).await;
    let client = fast_client(&server);
    (server, client)
}

/// A handler that answers the `n`th request with `script[n]`, and with `then()` once the script
/// is used up.
fn scripted(
    script: Vec<Reply>,
    then: impl Fn() -> Reply + Send + Sync + 'static,
) -> impl Fn(&RecordedRequest) -> Reply + Send + Sync + 'static {
    let counter = AtomicUsize::new(0);
    move |_req: &RecordedRequest| {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        script.get(n).cloned().unwrap_or_else(&then)
    }
}

/// `failures` copies of `reply`, then success.
fn fail_then_ok(failures: usize, reply: Reply) -> impl Fn(&RecordedRequest) -> Reply + Send + Sync + 'static {
    scripted(vec![reply; failures], ok)
}

type Arrivals = Arc<Mutex<Vec<Instant>>>;

/// Wraps `handler`, recording when each request arrived.
fn timed(
    handler: impl Fn(&RecordedRequest) -> Reply + Send + Sync + 'static,
) -> (Arrivals, impl Fn(&RecordedRequest) -> Reply + Send + Sync + 'static) {
    let arrivals: Arrivals = Arc::new(Mutex::new(Vec::new()));
    let recorder = Arc::clone(&arrivals);
    let wrapped = move |req: &RecordedRequest| {
        recorder.lock().unwrap().push(Instant::now());
        handler(req)
    };
    (arrivals, wrapped)
}

/// The gaps between successive arrivals.
fn gaps(arrivals: &Arrivals) -> Vec<Duration> {
    let arrivals = arrivals.lock().unwrap();
    arrivals.windows(2).map(|pair| pair[1] - pair[0]).collect()
}

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// Serves `reply` once, then the batch, to one retrieve call of `fast_client`; returns how long
/// the client waited before its retry.
async fn wait_before_retry(reply: Reply) -> Duration {
    let (arrivals, handler) = timed(fail_then_ok(1, reply));
    let server = TestServer::start(handler).await;
    fast_client(&server).retrieve_message_batch(BATCH_ID).send().await.expect("success after one retry");
    assert_eq!(server.request_count(), 2);
    gaps(&arrivals)[0]
}

#[test]
fn http_date_helper_formats_imf_fixdate() {
    assert_eq!(http_date(UNIX_EPOCH + Duration::from_secs(784_111_777)), "Sun, 06 Nov 1994 08:49:37 GMT");
    assert_eq!(http_date(UNIX_EPOCH), "Thu, 01 Jan 1970 00:00:00 GMT");
    assert_eq!(http_date(UNIX_EPOCH + Duration::from_secs(951_782_400)), "Tue, 29 Feb 2000 00:00:00 GMT");
}

// ---------------------------------------------------------------------------------------------
// Retried statuses
// ---------------------------------------------------------------------------------------------

/// `status` twice, then success: three requests, the success decoded.
async fn retried_then_succeeds(status: u16) {
    let (server, client) = serve(fail_then_ok(2, api_error(status, "try again", "req_fail"))).await;
    let batch = client
        .retrieve_message_batch(BATCH_ID)
        .send()
        .await
        .unwrap_or_else(|e| panic!("status {status}: expected success after retries, got {e}"));
    assert_eq!(batch, expected_batch(), "status {status}");
    assert_eq!(server.request_count(), 3, "status {status}: 2 failures + 1 success");
    for req in server.requests() {
        assert_eq!(req.method, "GET");
        assert_eq!(req.path, BATCH_PATH);
    }
}

// One test per retried status, each a call of `retried_then_succeeds`: kept apart so that a
// failure names the status.
#[tokio::test]
async fn status_408_is_retried() {
    retried_then_succeeds(408).await;
}

#[tokio::test]
async fn status_409_is_retried() {
    retried_then_succeeds(409).await;
}

#[tokio::test]
async fn status_429_is_retried() {
    retried_then_succeeds(429).await;
}

#[tokio::test]
async fn status_500_is_retried() {
    retried_then_succeeds(500).await;
}

#[tokio::test]
async fn status_503_is_retried() {
    retried_then_succeeds(503).await;
}

#[tokio::test]
async fn status_529_is_retried() {
    retried_then_succeeds(529).await;
}

#[tokio::test]
async fn default_retry_budget_returns_the_last_error_after_three_requests() {
    let (server, client) = serve(scripted(
        vec![
            api_error(500, "first failure", "req_1"),
            api_error(503, "second failure", "req_2"),
            api_error(529, "third failure", "req_3"),
        ],
        ok,
    ))
    .await;
    let error =
        client.retrieve_message_batch(BATCH_ID).send().await.expect_err("three failures exhaust 2 retries");
    assert_eq!(server.request_count(), 3);
    let Error::Overloaded(api) = &error else { panic!("expected the last (529) error, got {error:?}") };
    assert_eq!(api.status.as_u16(), 529);
    assert_eq!(api.message.as_deref(), Some("third failure"));
    assert_eq!(error.request_id(), Some("req_3"));
    let body = api.body.as_ref().expect("the error body decodes as ErrorResponse");
    assert_eq!(body.error.message, "third failure");
}

#[tokio::test]
async fn client_max_retries_zero_sends_once() {
    let server = TestServer::start(fail_then_ok(1, api_error(503, "unavailable", "req_1"))).await;
    let client = fast(&server).max_retries(0).build().unwrap();
    let error = client.retrieve_message_batch(BATCH_ID).send().await.expect_err("no retry");
    assert!(matches!(error, Error::Server(_)), "{error:?}");
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn client_max_retries_raises_the_budget() {
    let server = TestServer::start(fail_then_ok(4, api_error(503, "unavailable", "req_1"))).await;
    let client = fast(&server).max_retries(4).build().unwrap();
    let batch = client.retrieve_message_batch(BATCH_ID).send().await.expect("4 retries cover 4 failures");
    assert_batch_after(&server, &batch, 5);
}

#[tokio::test]
async fn per_call_max_retries_overrides_the_client() {
    let server = TestServer::start(fail_then_ok(5, api_error(503, "unavailable", "req_1"))).await;
    let client = fast(&server).max_retries(0).build().unwrap();
    let batch = client
        .retrieve_message_batch(BATCH_ID)
        .max_retries(5)
        .send()
        .await
        .expect("5 retries cover 5 failures");
    assert_batch_after(&server, &batch, 6);
}

#[tokio::test]
async fn per_call_max_retries_zero_overrides_the_default() {
    let (server, client) = serve(fail_then_ok(1, api_error(529, "overloaded", "req_1"))).await;
    let error = client.retrieve_message_batch(BATCH_ID).max_retries(0).send().await.expect_err("no retry");
    assert!(matches!(error, Error::Overloaded(_)), "{error:?}");
    assert_eq!(server.request_count(), 1);
}

// ---------------------------------------------------------------------------------------------
// Statuses that are not retried
// ---------------------------------------------------------------------------------------------

async fn not_retried(status: u16) -> Error<anthropic_batches::types::ErrorResponse> {
    let server = TestServer::start(fail_then_ok(5, api_error(status, "no good", "req_no"))).await;
    let client = fast(&server).max_retries(3).build().unwrap();
    let error = client
        .retrieve_message_batch(BATCH_ID)
        .send()
        .await
        .expect_err(&format!("status {status} is returned as an error"));
    assert_eq!(server.request_count(), 1, "status {status} must not be retried");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
    error
}

// One test per status that is not retried, each a call of `not_retried` and the error kind it
// must give: kept apart so that a failure names the status.
#[tokio::test]
async fn status_400_is_not_retried() {
    assert!(matches!(not_retried(400).await, Error::BadRequest(_)));
}

#[tokio::test]
async fn status_401_is_not_retried() {
    assert!(matches!(not_retried(401).await, Error::Authentication(_)));
}

#[tokio::test]
async fn status_403_is_not_retried() {
    assert!(matches!(not_retried(403).await, Error::PermissionDenied(_)));
}

#[tokio::test]
async fn status_404_is_not_retried() {
    assert!(matches!(not_retried(404).await, Error::NotFound(_)));
}

#[tokio::test]
async fn status_413_is_not_retried() {
    assert!(matches!(not_retried(413).await, Error::RequestTooLarge(_)));
}

#[tokio::test]
async fn status_422_is_not_retried() {
    assert!(matches!(not_retried(422).await, Error::Unprocessable(_)));
}

// ---------------------------------------------------------------------------------------------
// x-should-retry
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn x_should_retry_true_retries_a_400() {
    let reply = api_error(400, "flaky validation", "req_1").header("x-should-retry", "true");
    let (server, client) = serve(fail_then_ok(2, reply)).await;
    let batch = client.retrieve_message_batch(BATCH_ID).send().await.expect("the 400s are retried");
    assert_batch_after(&server, &batch, 3);
}

#[tokio::test]
async fn x_should_retry_false_stops_a_503() {
    let reply = api_error(503, "do not come back", "req_1").header("x-should-retry", "false");
    let (server, client) = serve(fail_then_ok(2, reply)).await;
    let error = client.retrieve_message_batch(BATCH_ID).send().await.expect_err("not retried");
    assert!(matches!(error, Error::Server(_)), "{error:?}");
    assert_eq!(server.request_count(), 1);
}

// ---------------------------------------------------------------------------------------------
// Waits between attempts
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn retry_after_ms_is_honoured() {
    let gap = wait_before_retry(api_error(429, "slow down", "req_1").header("retry-after-ms", "300")).await;
    assert!(gap >= ms(300), "retry came {gap:?} after the first request, before 300 ms");
    assert!(gap < ms(1500), "retry came late: {gap:?}");
}

#[tokio::test]
async fn retry_after_seconds_is_honoured() {
    let gap = wait_before_retry(api_error(503, "back in a second", "req_1").header("retry-after", "1")).await;
    assert!(gap >= ms(1000), "retry came {gap:?} after the first request, before 1 s");
    assert!(gap < ms(2500), "retry came late: {gap:?}");
}

#[tokio::test]
async fn retry_after_http_date_is_honoured() {
    // The date is whole seconds, so "now + 2 s" truncated lies 1 to 2 s ahead.
    let target: Arc<Mutex<Option<SystemTime>>> = Arc::new(Mutex::new(None));
    let arrivals: Arc<Mutex<Vec<SystemTime>>> = Arc::new(Mutex::new(Vec::new()));
    let (target_in, arrivals_in) = (Arc::clone(&target), Arc::clone(&arrivals));
    let counter = AtomicUsize::new(0);
    let (server, client) = serve(move |_req: &RecordedRequest| {
        let now = SystemTime::now();
        arrivals_in.lock().unwrap().push(now);
        if counter.fetch_add(1, Ordering::SeqCst) > 0 {
            return ok();
        }
        let ahead = now + Duration::from_secs(2);
        let whole = UNIX_EPOCH + Duration::from_secs(ahead.duration_since(UNIX_EPOCH).unwrap().as_secs());
        *target_in.lock().unwrap() = Some(whole);
        api_error(503, "come back later", "req_1").header("retry-after", &http_date(whole))
    })
    .await;
    client.retrieve_message_batch(BATCH_ID).send().await.expect("success after one retry");
    assert_eq!(server.request_count(), 2);
    let target = target.lock().unwrap().expect("the date was sent");
    let arrivals = arrivals.lock().unwrap();
    let gap = arrivals[1].duration_since(arrivals[0]).unwrap_or_default();
    assert!(arrivals[1] >= target, "retry came before the requested date (gap {gap:?})");
    assert!(gap >= ms(990), "the date was at least 1 s ahead, the retry came after {gap:?}");
    assert!(gap < ms(3500), "retry came late: {gap:?}");
}

#[tokio::test]
async fn retry_after_ms_above_max_server_delay_is_ignored() {
    // The client accepts server waits up to 2 s; 60 s falls back to the 10 ms backoff.
    let reply = api_error(529, "overloaded", "req_1").header("retry-after-ms", "60000");
    let started = Instant::now();
    let gap = wait_before_retry(reply).await;
    assert!(gap >= ms(7), "backoff of 10 ms (jitter floor 7.5 ms): {gap:?}");
    assert!(gap < ms(1000), "the too-long server wait was honoured: {gap:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn backoff_grows_between_attempts_and_is_capped() {
    let (arrivals, handler) = timed(fail_then_ok(4, api_error(500, "boom", "req_1")));
    let server = TestServer::start(handler).await;
    let client = Client::builder()
        .base_url(server.url())
        .api_key(KEY)
        .max_retries(4)
        .retry_delays(ms(50), ms(200), Duration::from_secs(2))
        .build()
        .unwrap();
    client.retrieve_message_batch(BATCH_ID).send().await.expect("4 retries cover 4 failures");
    assert_eq!(server.request_count(), 5);
    let gaps = gaps(&arrivals);
    // Full waits 50, 100, 200, 200 (capped) ms, each times a jitter in [0.75, 1].
    let expected = [(37.5, 50.0), (75.0, 100.0), (150.0, 200.0), (150.0, 200.0)];
    for (i, (gap, (low, high))) in gaps.iter().zip(expected).enumerate() {
        let millis = gap.as_secs_f64() * 1000.0;
        assert!(millis >= low, "gap {i}: {millis:.1} ms < {low} ms; gaps {gaps:?}");
        assert!(millis < high + 90.0, "gap {i}: {millis:.1} ms, far above {high} ms; gaps {gaps:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Request bodies on retries
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn create_is_retried_with_the_identical_body() {
    let (server, client) = serve(fail_then_ok(2, api_error(529, "overloaded", "req_1"))).await;
    let batch = client.create_message_batch(create_params()).send().await.expect("success after retries");
    assert_eq!(batch, expected_batch());
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    let first = &requests[0];
    assert!(!first.body.is_empty());
    assert_eq!(first.json(), example("CreateMessageBatchParams.minimal.json"));
    for (i, req) in requests.iter().enumerate() {
        assert_eq!(req.method, "POST", "attempt {i}");
        assert_eq!(req.path, "/v1/messages/batches", "attempt {i}");
        assert_eq!(req.header("content-type"), Some("application/json"), "attempt {i}");
        assert_eq!(req.body, first.body, "attempt {i} sent a different body");
    }
}

// ---------------------------------------------------------------------------------------------
// Connection failures
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn closed_connections_are_retried() {
    let (server, client) =
        serve(scripted(vec![Reply::close_without_response(), Reply::close_without_response()], ok)).await;
    let batch = client.retrieve_message_batch(BATCH_ID).send().await.expect("success on the third attempt");
    assert_batch_after(&server, &batch, 3);
}

#[tokio::test]
async fn a_connection_that_always_closes_is_a_connection_error() {
    let server = TestServer::start(|_req: &RecordedRequest| Reply::close_without_response()).await;
    let client = fast(&server).max_retries(3).build().unwrap();
    let error = client.retrieve_message_batch(BATCH_ID).send().await.expect_err("never answered");
    let Error::Connection { operation, .. } = &error else {
        panic!("expected Error::Connection, got {error:?}")
    };
    assert_eq!(*operation, "retrieveMessageBatch");
    assert_eq!(server.request_count(), 4, "max_retries 3: four attempts");
    assert!(error.to_string().starts_with("retrieveMessageBatch: connection failed"), "{error}");
}

#[tokio::test]
async fn an_unreachable_server_is_a_connection_error() {
    // Bind a port, then free it: nothing listens there any more.
    let addr = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let client = Client::builder()
        .base_url(format!("http://{addr}"))
        .api_key(KEY)
        .retry_delays(ms(10), ms(40), Duration::from_secs(2))
        .build()
        .unwrap();
    let error = client.retrieve_message_batch(BATCH_ID).send().await.expect_err("nothing listens");
    assert!(matches!(error, Error::Connection { .. }), "{error:?}");
}

// ---------------------------------------------------------------------------------------------
// Timeouts
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn client_timeout_gives_timeout_after_retries() {
    let server = TestServer::start(|_req: &RecordedRequest| ok().delay(ms(1000))).await;
    let client = fast(&server).timeout(ms(200)).build().unwrap();
    let started = Instant::now();
    let error = client.retrieve_message_batch(BATCH_ID).send().await.expect_err("every attempt times out");
    let elapsed = started.elapsed();
    let Error::Timeout { operation } = &error else { panic!("expected Error::Timeout, got {error:?}") };
    assert_eq!(*operation, "retrieveMessageBatch");
    assert_eq!(server.request_count(), 3, "a timeout is retried (default max_retries 2)");
    assert!(elapsed >= ms(600), "three attempts of 200 ms each took only {elapsed:?}");
    assert!(elapsed < ms(2000), "the timeout did not cut the attempts short: {elapsed:?}");
}

#[tokio::test]
async fn per_call_timeout_applies_on_a_default_client() {
    let (server, client) = serve(|_req: &RecordedRequest| ok().delay(ms(1000))).await;
    let started = Instant::now();
    let error = client
        .retrieve_message_batch(BATCH_ID)
        .timeout(ms(200))
        .max_retries(0)
        .send()
        .await
        .expect_err("the attempt times out");
    assert!(matches!(error, Error::Timeout { operation: "retrieveMessageBatch" }), "{error:?}");
    assert_eq!(server.request_count(), 1);
    assert!(started.elapsed() < ms(900), "took {:?}", started.elapsed());
}

/// The reqwest client is built with `read_timeout(<client timeout>)`, so a silent wait longer
/// than the client's timeout fails even when the call's own timeout allows it.
// Its steps look like `per_call_max_retries_overrides_the_client`'s (a client-wide value, the
// call's own, the batch after N requests): kept apart so that each names the option it checks.
#[tokio::test]
async fn per_call_timeout_can_be_longer_than_the_client_timeout() {
    let server = TestServer::start(|_req: &RecordedRequest| ok().delay(ms(500))).await;
    let client = fast(&server).timeout(ms(100)).build().unwrap();
    let batch = client
        .retrieve_message_batch(BATCH_ID)
        .timeout(Duration::from_secs(3))
        .send()
        .await
        .expect("3 s is enough for a 500 ms reply");
    assert_batch_after(&server, &batch, 1);
}

// ---------------------------------------------------------------------------------------------
// Per-call options
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn default_headers_are_sent() {
    let (server, client) = serve(|_req: &RecordedRequest| ok()).await;
    client.retrieve_message_batch(BATCH_ID).send().await.unwrap();
    let req = &server.requests()[0];
    assert_eq!(req.header_all("x-api-key"), vec![KEY]);
    assert_eq!(req.header_all("anthropic-version"), vec!["2023-06-01"]);
    assert_eq!(req.header("accept"), Some("application/json"));
    assert!(req.header("user-agent").is_some_and(|ua| ua.starts_with("anthropic-batches/")), "{req:?}");
}

#[tokio::test]
async fn extra_header_is_sent() {
    let (server, client) = serve(|_req: &RecordedRequest| ok()).await;
    client.retrieve_message_batch(BATCH_ID).extra_header("x-trace", "1").send().await.unwrap();
    let req = &server.requests()[0];
    assert_eq!(req.header_all("x-trace"), vec!["1"]);
    assert_eq!(req.header_all("x-api-key"), vec![KEY], "the credential is still sent");
}

#[tokio::test]
async fn extra_header_replaces_a_default_header() {
    let (server, client) = serve(|_req: &RecordedRequest| ok()).await;
    client
        .retrieve_message_batch(BATCH_ID)
        .extra_header("anthropic-version", "2099-01-01")
        .send()
        .await
        .unwrap();
    let req = &server.requests()[0];
    assert_eq!(req.header_all("anthropic-version"), vec!["2099-01-01"]);
}

#[tokio::test]
async fn extra_query_is_sent_with_the_operation_query() {
    let list =
        json!({ "data": [batch_json()], "has_more": false, "first_id": BATCH_ID, "last_id": BATCH_ID });
    let (server, client) = serve(move |_req: &RecordedRequest| Reply::json(200, &list)).await;
    let page = client.list_message_batches().limit(5).extra_query("foo", "bar").send().await.unwrap();
    assert_eq!(page.data.len(), 1);
    let req = &server.requests()[0];
    assert_eq!(req.path, "/v1/messages/batches");
    assert_eq!(req.query_param("limit"), Some("5"));
    assert_eq!(req.query_param("foo"), Some("bar"));
    assert_eq!(req.query.len(), 2, "{:?}", req.query);
}

#[tokio::test]
async fn extra_body_field_is_merged_into_the_create_body() {
    let (server, client) = serve(|_req: &RecordedRequest| ok()).await;
    client
        .create_message_batch(create_params())
        .extra_body_field("speculative", json!(true))
        .send()
        .await
        .unwrap();
    let body = server.requests()[0].json();
    let fixture = example("CreateMessageBatchParams.minimal.json");
    assert_eq!(body["speculative"], json!(true));
    assert_eq!(body["requests"], fixture["requests"]);
    assert_eq!(body.as_object().unwrap().len(), 2, "{body}");
}

// ---------------------------------------------------------------------------------------------
// Raw responses
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn send_with_response_exposes_status_headers_and_request_id() {
    let (_server, client) = serve(|_req: &RecordedRequest| {
        Reply::json(200, &batch_json()).header("request-id", "req_raw_1").header("x-custom", "custom-value")
    })
    .await;
    let response = client.retrieve_message_batch(BATCH_ID).send_with_response().await.unwrap();
    assert_eq!(response.status.as_u16(), 200);
    assert_eq!(response.headers.get("x-custom").and_then(|v| v.to_str().ok()), Some("custom-value"));
    assert_eq!(response.request_id.as_deref(), Some("req_raw_1"));
    assert_eq!(response.value, expected_batch());
}

#[tokio::test]
async fn send_with_response_without_request_id() {
    let (_server, client) = serve(|_req: &RecordedRequest| Reply::json(200, &batch_json())).await;
    let response = client.retrieve_message_batch(BATCH_ID).send_with_response().await.unwrap();
    assert_eq!(response.request_id, None);
}

#[tokio::test]
async fn awaiting_the_builder_sends_it() {
    let (server, client) = serve(|_req: &RecordedRequest| ok()).await;
    let batch = client.retrieve_message_batch(BATCH_ID).await.unwrap();
    assert_batch_after(&server, &batch, 1);
}

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------

#[test]
fn building_without_an_api_key_fails() {
    let error = Client::builder().build().expect_err("no api key");
    assert!(matches!(error, ConfigError::MissingCredential { setter: "api_key" }), "{error:?}");
    assert!(error.to_string().contains("api_key"), "{error}");
}

#[test]
fn invalid_base_urls_are_rejected() {
    for url in ["not a url", "ftp://example.com", "http://example.com/?x=1", ""] {
        let error = Client::builder().base_url(url).api_key(KEY).build().expect_err(url);
        assert!(matches!(error, ConfigError::InvalidBaseUrl { .. }), "{url:?}: {error:?}");
    }
}

#[test]
fn base_url_trailing_slash_is_trimmed_and_default_is_the_spec_server() {
    let client = Client::builder().base_url("http://127.0.0.1:9/prefix/").api_key(KEY).build().unwrap();
    assert_eq!(client.base_url(), "http://127.0.0.1:9/prefix");
    let client = Client::builder().api_key(KEY).build().unwrap();
    assert_eq!(client.base_url(), "https://api.anthropic.com");
}

/// The only test that changes the environment. The environment belongs to the whole process,
/// which every test of the binary shares, so this test runs in a child process of its own.
#[tokio::test]
async fn from_env_reads_the_key_and_the_base_url() {
    if !alone_in_child_process("e2e_client::from_env_reads_the_key_and_the_base_url") {
        return;
    }
    std::env::remove_var("ANTHROPIC_API_KEY");
    std::env::remove_var("ANTHROPIC_BASE_URL");
    let error = Client::from_env().expect_err("no key in the environment");
    assert!(matches!(error, ConfigError::MissingEnv { variable: "ANTHROPIC_API_KEY" }), "{error:?}");

    std::env::set_var("ANTHROPIC_API_KEY", "   ");
    let error = Client::from_env().expect_err("a blank key counts as unset");
    assert!(matches!(error, ConfigError::MissingEnv { variable: "ANTHROPIC_API_KEY" }), "{error:?}");

    let server = TestServer::start(|_req: &RecordedRequest| ok()).await;
    std::env::set_var("ANTHROPIC_API_KEY", "sk-from-env");
    std::env::set_var("ANTHROPIC_BASE_URL", server.url());
    let client = Client::from_env().expect("configured from the environment");
    assert_eq!(client.base_url(), server.url());
    let batch = client.retrieve_message_batch(BATCH_ID).send().await.expect("reaches the local server");
    assert_eq!(batch, expected_batch());
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].header_all("x-api-key"), vec!["sk-from-env"]);

    std::env::set_var("ANTHROPIC_BASE_URL", "not a url");
    let error = Client::from_env().expect_err("invalid base URL from the environment");
    assert!(matches!(error, ConfigError::InvalidBaseUrl { .. }), "{error:?}");
}

// ---------------------------------------------------------------------------------------------
// Secrets
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn the_api_key_never_shows_in_debug_or_errors() {
    const SECRET: &str = "sk-ant-very-secret-0123456789";
    let server =
        TestServer::start(|_req: &RecordedRequest| api_error(401, "invalid x-api-key", "req_auth")).await;
    let builder = fast(&server).api_key(SECRET);
    let builder_debug = format!("{builder:?}");
    assert!(!builder_debug.contains(SECRET), "ClientBuilder Debug leaks the key: {builder_debug}");
    let client = builder.build().unwrap();
    let client_debug = format!("{client:?}");
    assert!(!client_debug.contains(SECRET), "Client Debug leaks the key: {client_debug}");

    let error = client.retrieve_message_batch(BATCH_ID).send().await.expect_err("401");
    assert!(matches!(error, Error::Authentication(_)), "{error:?}");
    assert_eq!(server.requests()[0].header("x-api-key"), Some(SECRET), "the key was sent");
    let debug = format!("{error:?}");
    let display = error.to_string();
    assert!(!debug.contains(SECRET), "error Debug leaks the key: {debug}");
    assert!(!display.contains(SECRET), "error Display leaks the key: {display}");
}

// ---------------------------------------------------------------------------------------------
// Error messages
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn every_api_error_display_names_operation_status_message_and_request_id() {
    let statuses: [u16; 12] = [400, 401, 403, 404, 409, 413, 422, 429, 500, 503, 529, 418];
    let server = TestServer::start(|req: &RecordedRequest| {
        let status: u16 = req.header("x-status").and_then(|s| s.parse().ok()).unwrap_or(500);
        api_error(status, &format!("message for {status}"), &format!("req_{status}"))
    })
    .await;
    let client = fast(&server).max_retries(0).build().unwrap();
    for status in statuses {
        let error = client
            .retrieve_message_batch(BATCH_ID)
            .extra_header("x-status", status.to_string())
            .send()
            .await
            .expect_err("an error status");
        let kind_ok = match status {
            400 => matches!(error, Error::BadRequest(_)),
            401 => matches!(error, Error::Authentication(_)),
            403 => matches!(error, Error::PermissionDenied(_)),
            404 => matches!(error, Error::NotFound(_)),
            409 => matches!(error, Error::Conflict(_)),
            413 => matches!(error, Error::RequestTooLarge(_)),
            422 => matches!(error, Error::Unprocessable(_)),
            429 => matches!(error, Error::RateLimited(_)),
            529 => matches!(error, Error::Overloaded(_)),
            500 | 503 => matches!(error, Error::Server(_)),
            _ => matches!(error, Error::Status(_)),
        };
        assert!(kind_ok, "status {status} sorted as {error:?}");
        let text = error.to_string();
        assert!(text.contains("retrieveMessageBatch"), "{status}: no operation in {text:?}");
        assert!(text.contains(&status.to_string()), "{status}: no status in {text:?}");
        assert!(text.contains(&format!("message for {status}")), "{status}: no message in {text:?}");
        assert!(text.contains(&format!("req_{status}")), "{status}: no request id in {text:?}");
        assert_eq!(error.request_id(), Some(format!("req_{status}").as_str()));
        let api = error.api_error().expect("an API error");
        assert_eq!(api.operation, "retrieveMessageBatch");
        assert_eq!(api.message.as_deref(), Some(format!("message for {status}").as_str()));
    }
    assert_eq!(server.request_count(), statuses.len());
}

#[tokio::test]
async fn an_error_body_without_a_message_is_quoted() {
    let server = TestServer::start(|_req: &RecordedRequest| {
        Reply::bytes(502, "text/html", "<html>bad gateway</html>").header("request-id", "req_gw")
    })
    .await;
    let client = fast(&server).max_retries(0).build().unwrap();
    let error = client.cancel_message_batch(BATCH_ID).send().await.expect_err("502");
    assert!(matches!(error, Error::Server(_)), "{error:?}");
    let text = error.to_string();
    assert!(text.contains("cancelMessageBatch"), "{text}");
    assert!(text.contains("502"), "{text}");
    assert!(text.contains("<html>bad gateway</html>"), "{text}");
    assert!(text.contains("req_gw"), "{text}");
    let api = error.api_error().unwrap();
    assert!(api.body.is_none());
    assert_eq!(api.raw_body, "<html>bad gateway</html>");
}

#[tokio::test]
async fn an_undecodable_success_body_is_a_decode_error_and_not_retried() {
    let (server, client) =
        serve(|_req: &RecordedRequest| Reply::bytes(200, "application/json", "{\"id\": 12")).await;
    let error = client.retrieve_message_batch(BATCH_ID).send().await.expect_err("bad JSON");
    let Error::Decode(decode) = &error else { panic!("expected Error::Decode, got {error:?}") };
    assert_eq!(decode.operation, "retrieveMessageBatch");
    assert!(decode.excerpt.contains("{\"id\": 12"), "{decode:?}");
    assert_eq!(server.request_count(), 1);
}
