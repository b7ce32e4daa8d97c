//! End-to-end tests of the generated client's streams against the scripted server: listing
//! auto-pagination, the JSON Lines results stream (big bodies, odd chunking, line endings, bad
//! lines, broken connections with and without `Range` support) and the `wait_until_ended` waiter.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use anthropic_batches::types::{MessageBatch, MessageBatchIndividualResponse};
use anthropic_batches::{Client, Error};
use futures_util::{Stream, StreamExt};
use integration_tests::support::fixtures::{example, examples_of};
use integration_tests::support::server::{RecordedRequest, Reply, TestServer};
use serde_json::Value;

type ApiErr = Error<anthropic_batches::types::ErrorResponse>;
type Item = Result<MessageBatchIndividualResponse, ApiErr>;
type ResultsStream =
    anthropic_batches::JsonlStream<MessageBatchIndividualResponse, anthropic_batches::types::ErrorResponse>;

/// Upper bound for any single test's stream, so a client that loops forever fails instead of hanging.
const GUARD: Duration = Duration::from_secs(30);

fn client(server: &TestServer) -> Client {
    Client::builder()
        .base_url(server.url())
        .api_key("sk-test")
        .retry_delays(Duration::from_millis(5), Duration::from_millis(20), Duration::from_secs(1))
        .build()
        .expect("client builds")
}

/// A `MessageBatch` JSON value (from the fixtures) with the given id, status and results URL.
fn batch_json(id: &str, status: &str, results_url: Option<&str>) -> Value {
    static FIXTURES: OnceLock<(Value, Value)> = OnceLock::new();
    let (ended, in_progress) = FIXTURES
        .get_or_init(|| (example("MessageBatch.ended.json"), example("MessageBatch.in_progress.json")));
    let mut batch = if status == "ended" { ended.clone() } else { in_progress.clone() };
    batch["id"] = Value::from(id);
    batch["processing_status"] = Value::from(status);
    batch["results_url"] = results_url.map_or(Value::Null, Value::from);
    batch
}

fn not_found() -> Reply {
    Reply::json(404, &example("ErrorResponse.not_found.json")).header("request-id", "req_404")
}

async fn with_guard<T>(what: &str, future: impl std::future::IntoFuture<Output = T>) -> T {
    tokio::time::timeout(GUARD, future)
        .await
        .unwrap_or_else(|_| panic!("{what}: did not finish within {GUARD:?}"))
}

// ---------------------------------------------------------------------------------------------
// Paging
// ---------------------------------------------------------------------------------------------

fn batch_ids(n: usize) -> Arc<Vec<String>> {
    Arc::new((0..n).map(|i| format!("msgbatch_{i:06}")).collect())
}

/// `n` batch ids, a server that pages through them with `list_page`, and a client on it.
async fn paging_server(n: usize) -> (Arc<Vec<String>>, TestServer, Client) {
    let ids = batch_ids(n);
    let served = Arc::clone(&ids);
    let server = TestServer::start(move |req| list_page(&served, req)).await;
    let client = client(&server);
    (ids, server, client)
}

/// One page of `ids` as the API would serve it for this request: `after_id` pages forward,
/// `before_id` returns the page that ends just before that id.
fn list_page(ids: &[String], req: &RecordedRequest) -> Reply {
    assert_eq!(req.method, "GET");
    assert_eq!(req.path, "/v1/messages/batches");
    let limit: usize = req.query_param("limit").map_or(20, |l| l.parse().expect("numeric limit"));
    let position =
        |id: &str| ids.iter().position(|x| x == id).unwrap_or_else(|| panic!("unknown cursor {id}"));
    let (start, end, has_more) = match (req.query_param("after_id"), req.query_param("before_id")) {
        (Some(_), Some(_)) => panic!("both cursors sent: {}", req.target),
        (Some(after), None) => {
            let start = position(after) + 1;
            let end = (start + limit).min(ids.len());
            (start, end, end < ids.len())
        }
        (None, Some(before)) => {
            let end = position(before);
            let start = end.saturating_sub(limit);
            (start, end, start > 0)
        }
        (None, None) => {
            let end = limit.min(ids.len());
            (0, end, end < ids.len())
        }
    };
    let data: Vec<Value> = ids[start..end].iter().map(|id| batch_json(id, "in_progress", None)).collect();
    let body = serde_json::json!({
        "data": data,
        "first_id": ids[start..end].first(),
        "last_id": ids[start..end].last(),
        "has_more": has_more,
    });
    Reply::json(200, &body)
}

async fn collect_batches<S>(stream: S) -> Vec<Result<MessageBatch, ApiErr>>
where
    S: Stream<Item = Result<MessageBatch, ApiErr>>,
{
    with_guard("listing", stream.collect::<Vec<_>>()).await
}

fn ok_ids(items: &[Result<MessageBatch, ApiErr>]) -> Vec<String> {
    items
        .iter()
        .map(|item| match item {
            Ok(batch) => batch.id.clone(),
            Err(error) => panic!("unexpected error item: {error}"),
        })
        .collect()
}

#[tokio::test]
async fn paging_forward_over_10000_batches_takes_10_requests_with_exact_cursors() {
    let (ids, server, client) = paging_server(10_000).await;

    let mut stream = client.list_message_batches().limit(1000).items();
    let got = ok_ids(&collect_batches(&mut stream).await);

    assert_eq!(got.len(), 10_000);
    assert!(got == *ids, "every id once, in order");
    assert_eq!(stream.pages_fetched(), 10);
    let requests = server.requests();
    assert_eq!(requests.len(), 10, "ceil(10000 / 1000) requests");
    for (k, req) in requests.iter().enumerate() {
        assert_eq!(req.query_param("limit"), Some("1000"), "request {k}: {}", req.target);
        assert_eq!(req.query_param("before_id"), None, "request {k}: {}", req.target);
        let expected_after = (k > 0).then(|| ids[k * 1000 - 1].as_str());
        assert_eq!(req.query_param("after_id"), expected_after, "request {k}: {}", req.target);
        assert_eq!(req.header("x-api-key"), Some("sk-test"));
    }
}

#[tokio::test]
async fn paging_2500_batches_with_limit_1000_takes_3_requests() {
    let (ids, server, client) = paging_server(2_500).await;

    let items = collect_batches(client.list_message_batches().limit(1000).items()).await;
    assert!(ok_ids(&items) == *ids, "every id once, in order");
    let cursors: Vec<Option<String>> =
        server.requests().iter().map(|r| r.query_param("after_id").map(str::to_owned)).collect();
    assert_eq!(cursors, vec![None, Some(ids[999].clone()), Some(ids[1999].clone())]);
}

#[tokio::test]
async fn paging_forward_starts_after_the_given_after_id() {
    let (ids, server, client) = paging_server(50).await;

    let mut stream = client.list_message_batches().limit(15).after_id(ids[9].clone()).items();
    let items = collect_batches(&mut stream).await;
    assert_eq!(ok_ids(&items), ids[10..].to_vec());
    assert_eq!(stream.pages_fetched(), 3);
    let requests = server.requests();
    let cursors: Vec<Option<&str>> = requests.iter().map(|r| r.query_param("after_id")).collect();
    assert_eq!(cursors, vec![Some(ids[9].as_str()), Some(ids[24].as_str()), Some(ids[39].as_str())]);
    assert!(requests
        .iter()
        .all(|r| r.query_param("before_id").is_none() && r.query_param("limit") == Some("15")));
}

#[tokio::test]
async fn paging_backward_from_before_id_uses_each_pages_first_id() {
    let (ids, server, client) = paging_server(100).await;

    let items =
        collect_batches(client.list_message_batches().limit(20).before_id(ids[95].clone()).items()).await;
    // Pages come newest-page-last: [75, 95), [55, 75), [35, 55), [15, 35), [0, 15).
    let expected: Vec<String> =
        [75..95, 55..75, 35..55, 15..35, 0..15].into_iter().flat_map(|range| ids[range].to_vec()).collect();
    assert_eq!(ok_ids(&items), expected);
    let requests = server.requests();
    let cursors: Vec<Option<&str>> = requests.iter().map(|r| r.query_param("before_id")).collect();
    let expected_cursors: Vec<Option<&str>> =
        [95, 75, 55, 35, 15].iter().map(|&i| Some(ids[i].as_str())).collect();
    assert_eq!(cursors, expected_cursors);
    assert!(requests.iter().all(|r| r.query_param("after_id").is_none()), "no after_id when paging backward");
}

#[tokio::test]
async fn paging_error_on_page_3_comes_after_pages_1_and_2_and_ends_the_stream() {
    let ids = batch_ids(50);
    let served = Arc::clone(&ids);
    let server = TestServer::start(move |req| {
        if req.query_param("after_id") == Some(served[19].as_str()) {
            not_found()
        } else {
            list_page(&served, req)
        }
    })
    .await;
    let client = client(&server);

    let mut stream = client.list_message_batches().limit(10).items();
    let items = collect_batches(&mut stream).await;
    assert_eq!(items.len(), 21, "20 batches, then the error: {:?}", items.last());
    assert_eq!(ok_ids(&items[..20]), ids[..20].to_vec());
    match &items[20] {
        Err(Error::NotFound(api)) => {
            assert_eq!(api.status.as_u16(), 404);
            assert_eq!(api.request_id.as_deref(), Some("req_404"));
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
    // Polling again after the end stays at the end and sends nothing.
    assert!(stream.next().await.is_none());
    assert_eq!(server.request_count(), 3, "a 404 is not retried and nothing follows it");
}

#[tokio::test]
async fn paging_stops_on_an_empty_page_even_if_has_more_is_true() {
    let ids = batch_ids(5);
    let served = Arc::clone(&ids);
    let server = TestServer::start(move |req| match req.query_param("after_id") {
        None => list_page(&served, req),
        // A misbehaving server: nothing here, yet "more" and even a cursor.
        Some(_) => Reply::json(
            200,
            &serde_json::json!({"data": [], "first_id": null, "last_id": served[4], "has_more": true}),
        ),
    })
    .await;
    let client = client(&server);

    let mut stream = client.list_message_batches().limit(3).items();
    let items = collect_batches(&mut stream).await;
    assert_eq!(ok_ids(&items), ids[..3].to_vec(), "the empty second page adds nothing");
    assert!(stream.next().await.is_none());
    assert_eq!(server.request_count(), 2, "one full page, one empty page, then stop");
    assert_eq!(server.requests()[1].query_param("after_id"), Some(ids[2].as_str()));
}

// ---------------------------------------------------------------------------------------------
// Results (JSON Lines)
// ---------------------------------------------------------------------------------------------

/// The `MessageBatchIndividualResponse` fixtures as compact JSON, each with a `custom_id`
/// placeholder, so lines can be made quickly.
fn line_templates() -> &'static Vec<(String, String)> {
    static TEMPLATES: OnceLock<Vec<(String, String)>> = OnceLock::new();
    TEMPLATES.get_or_init(|| {
        let examples = examples_of("MessageBatchIndividualResponse");
        let cases: Vec<&str> = examples.iter().map(|(case, _)| case.as_str()).collect();
        assert!(
            examples.len() >= 10,
            "expected the MessageBatchIndividualResponse fixtures, found {cases:?}"
        );
        examples
            .into_iter()
            .map(|(_, mut value)| {
                value["custom_id"] = Value::from("@@CUSTOM_ID@@");
                let text = serde_json::to_string(&value).expect("serializes");
                let (before, after) = text.split_once("@@CUSTOM_ID@@").expect("placeholder present once");
                (before.to_owned(), after.to_owned())
            })
            .collect()
    })
}

/// Line `i` (0-based, without line ending): a fixture, cycled, with `custom_id` `req-{i}`.
fn result_line(i: usize) -> String {
    let templates = line_templates();
    let (before, after) = &templates[i % templates.len()];
    format!("{before}req-{i}{after}")
}

/// A JSON Lines body of `lines`, each followed by `eol` except maybe the last.
fn jsonl_body(lines: &[Vec<u8>], eol: &str, final_newline: bool) -> Vec<u8> {
    let mut body = Vec::with_capacity(lines.iter().map(|l| l.len() + 2).sum());
    for (i, line) in lines.iter().enumerate() {
        body.extend_from_slice(line);
        if i + 1 < lines.len() || final_newline {
            body.extend_from_slice(eol.as_bytes());
        }
    }
    body
}

fn standard_lines(n: usize) -> Vec<Vec<u8>> {
    (0..n).map(|i| result_line(i).into_bytes()).collect()
}

/// The body of `standard_lines(n)`, each ended by `\n`.
fn standard_body(n: usize) -> Arc<Vec<u8>> {
    Arc::new(jsonl_body(&standard_lines(n), "\n", true))
}

/// Body offset where each line starts, plus the body length at the end.
fn line_starts(body: &[u8]) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(body.iter().enumerate().filter(|(_, b)| **b == b'\n').map(|(i, _)| i + 1));
    if *starts.last().unwrap() != body.len() {
        starts.push(body.len());
    }
    starts
}

const BATCH_ID: &str = "msgbatch_results";

/// A server that answers the retrieve call with an ended batch pointing at its own results URL,
/// and the results call with `results(request, n)` where n counts results requests from 0.
async fn results_server<F>(results: F) -> TestServer
where
    F: Fn(&RecordedRequest, usize) -> Reply + Send + Sync + 'static,
{
    let count = AtomicUsize::new(0);
    TestServer::start(move |req| {
        let retrieve = format!("/v1/messages/batches/{BATCH_ID}");
        if req.path == retrieve {
            let host = req.header("host").expect("host header");
            let url = format!("http://{host}{retrieve}/results");
            Reply::json(200, &batch_json(BATCH_ID, "ended", Some(&url)))
        } else if req.path == format!("{retrieve}/results") {
            assert_eq!(req.method, "GET");
            results(req, count.fetch_add(1, Ordering::SeqCst))
        } else {
            not_found()
        }
    })
    .await
}

/// Serves `body` in full (or honours `range: bytes=N-` with a 206 when `ranges` is set).
fn serve_body(body: &[u8], req: &RecordedRequest, ranges: bool) -> Reply {
    match (ranges, req.range_start()) {
        (true, Some(start)) => partial(body, start),
        _ => Reply::bytes(200, "application/x-jsonl", body.to_vec()),
    }
}

/// A 206 with `body` from byte `start` on, as JSON Lines.
fn partial(body: &[u8], start: usize) -> Reply {
    Reply::partial("application/x-jsonl", body, start)
}

fn results_requests(server: &TestServer) -> Vec<RecordedRequest> {
    server.requests().into_iter().filter(|r| r.path.ends_with("/results")).collect()
}

async fn open_results(client: &Client) -> ResultsStream {
    with_guard("open results", client.retrieve_message_batch_results(BATCH_ID).send())
        .await
        .expect("results open")
}

/// The results of `BATCH_ID` on `server`, read to the end: the stream (for its counters) and its
/// items.
async fn read_results(server: &TestServer) -> (ResultsStream, Vec<Item>) {
    let mut stream = open_results(&client(server)).await;
    let items = collect_items(&mut stream).await;
    (stream, items)
}

async fn collect_items<S: Stream<Item = Item> + Unpin>(stream: &mut S) -> Vec<Item> {
    with_guard("results stream", async {
        let mut items = Vec::new();
        while let Some(item) = stream.next().await {
            items.push(item);
        }
        items
    })
    .await
}

/// Asserts the items are exactly `Ok(req-0) .. Ok(req-{n-1})`, in order.
fn assert_all_lines_once(items: &[Item], n: usize) {
    for (i, item) in items.iter().enumerate() {
        match item {
            Ok(response) => {
                assert_eq!(response.custom_id, format!("req-{i}"), "item {i} (of {})", items.len())
            }
            Err(error) => panic!("item {i}: unexpected error: {error}"),
        }
    }
    assert_eq!(items.len(), n, "every line exactly once");
}

#[tokio::test]
async fn results_100000_lines_arrive_once_each_in_order() {
    const N: usize = 100_000;
    let started = Instant::now();
    let body = Arc::new(jsonl_body(&standard_lines(N), "\n", true));
    let body_len = body.len();
    let server = results_server(move |req, _| serve_body(&body, req, false)).await;
    let client = client(&server);
    let built = started.elapsed();

    let (response, took) = with_guard("open results", async {
        let start = Instant::now();
        let response =
            client.retrieve_message_batch_results(BATCH_ID).send_with_response().await.expect("results open");
        (response, start)
    })
    .await;
    assert_eq!(response.status.as_u16(), 200);
    let mut stream = response.value;
    let mut count = 0usize;
    let mut kinds = std::collections::BTreeSet::new();
    with_guard("100,000-line stream", async {
        while let Some(item) = stream.next().await {
            let item = item.unwrap_or_else(|e| panic!("line {}: {e}", count + 1));
            if item.custom_id != format!("req-{count}") {
                panic!("line {}: expected req-{count}, got {}", count + 1, item.custom_id);
            }
            kinds.insert(format!("{:?}", std::mem::discriminant(&item.result)));
            count += 1;
        }
    })
    .await;
    let streamed = took.elapsed();
    eprintln!(
        "100,000 lines, {:.1} MB: body built in {built:?}, streamed and decoded in {streamed:?}",
        body_len as f64 / 1e6
    );
    assert_eq!(count, N);
    assert_eq!(stream.lines_read(), N as u64);
    assert_eq!(stream.resumptions(), 0);
    assert!(kinds.len() >= 3, "the cycled fixtures cover several result kinds: {kinds:?}");
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "one retrieve, one results request");
    assert_eq!(requests[0].path, format!("/v1/messages/batches/{BATCH_ID}"));
    assert_eq!(requests[1].header("accept"), Some("application/x-jsonl"));
    assert_eq!(requests[1].header("x-api-key"), Some("sk-test"), "same origin: the key is sent");
    assert_eq!(requests[1].header("range"), None);
}

/// Serves `n` lines with the given ending and framing and checks each decodes to what it says.
async fn check_body_shape(n: usize, eol: &str, final_newline: bool, chunk: Option<usize>) {
    let lines = standard_lines(n);
    let body = Arc::new(jsonl_body(&lines, eol, final_newline));
    let server = results_server(move |_, _| {
        let reply = Reply::bytes(200, "application/x-jsonl", body.to_vec());
        match chunk {
            Some(n) => reply.chunked(n),
            None => reply,
        }
    })
    .await;
    let (stream, items) = read_results(&server).await;
    let case = format!("{n} lines, eol {eol:?}, final newline {final_newline}, chunk {chunk:?}");
    assert_eq!(items.len(), n, "{case}");
    for (i, (item, line)) in items.iter().zip(&lines).enumerate() {
        let expected: MessageBatchIndividualResponse =
            serde_json::from_slice(line).expect("fixture line decodes");
        match item {
            Ok(got) => assert_eq!(got, &expected, "{case}: line {}", i + 1),
            Err(error) => panic!("{case}: line {}: {error}", i + 1),
        }
    }
    assert_eq!(stream.lines_read(), n as u64, "{case}");
    assert_eq!(stream.resumptions(), 0, "{case}");
    assert_eq!(results_requests(&server).len(), 1, "{case}");
}

// Tiny chunks are costly in a debug build (about 12 µs each), so the smallest ones get smaller
// bodies; every fixture kind is still covered (14 kinds, the smallest body has 50 lines).

#[tokio::test]
async fn results_chunked_in_7_byte_chunks() {
    check_body_shape(2_000, "\n", true, Some(7)).await;
    check_body_shape(50, "\n", true, Some(1)).await;
}

#[tokio::test]
async fn results_with_crlf_line_endings() {
    check_body_shape(2_000, "\r\n", true, None).await;
    check_body_shape(500, "\r\n", true, Some(7)).await;
    // Two-byte chunks split many CRLF pairs between chunks.
    check_body_shape(100, "\r\n", true, Some(2)).await;
}

#[tokio::test]
async fn results_without_final_newline() {
    check_body_shape(2_000, "\n", false, None).await;
    check_body_shape(500, "\n", false, Some(7)).await;
    check_body_shape(2_000, "\r\n", false, None).await;
    check_body_shape(500, "\r\n", false, Some(13)).await;
}

#[tokio::test]
async fn results_bad_line_and_invalid_utf8_are_decode_errors_with_line_numbers() {
    const N: usize = 2_000;
    let mut lines = standard_lines(N);
    // Line 700 (1-based): JSON cut short. Line 1500: invalid UTF-8 inside a string.
    lines[699] = br#"{"custom_id":"req-699","result":{"type":"succeeded","message":{"id":"msg_"#.to_vec();
    lines[1499] = b"{\"custom_id\":\"req-\xff\xfe1499\",\"result\":{\"type\":\"canceled\"}}".to_vec();
    let body = jsonl_body(&lines, "\n", true);
    for chunk in [None, Some(61)] {
        let served = body.clone();
        let server = results_server(move |_, _| {
            let reply = Reply::bytes(200, "application/x-jsonl", served.clone());
            if let Some(n) = chunk {
                reply.chunked(n)
            } else {
                reply
            }
        })
        .await;
        let client = client(&server);
        let mut stream = open_results(&client).await;
        let items = collect_items(&mut stream).await;
        assert_eq!(items.len(), N, "one item per line, chunk {chunk:?}");
        for (i, item) in items.iter().enumerate() {
            let line = i as u64 + 1;
            match (line, item) {
                (700 | 1500, Err(Error::Decode(decode))) => {
                    assert_eq!(decode.line, Some(line), "chunk {chunk:?}: {decode}");
                    assert_eq!(decode.operation, "retrieveMessageBatchResults");
                }
                (700 | 1500, other) => {
                    panic!("chunk {chunk:?}: line {line}: expected a decode error, got {other:?}")
                }
                (_, Ok(response)) => assert_eq!(response.custom_id, format!("req-{i}"), "chunk {chunk:?}"),
                (_, Err(error)) => panic!("chunk {chunk:?}: line {line}: {error}"),
            }
        }
        assert_eq!(stream.lines_read(), N as u64);
    }
}

#[tokio::test]
async fn results_html_error_page_with_status_200_gives_decode_errors() {
    let html = "<!DOCTYPE html>\n<html>\n<head><title>502 Bad Gateway</title></head>\n\n<body>\n\
                <h1>Bad Gateway</h1>\n</body>\n</html>\n";
    let server = results_server(move |_, _| Reply::bytes(200, "text/html; charset=utf-8", html)).await;
    let (_, items) = read_results(&server).await;
    let non_blank_lines: Vec<u64> =
        html.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()).map(|(i, _)| i as u64 + 1).collect();
    assert!(!items.is_empty(), "an HTML body must not look like an empty, successful result set");
    let lines: Vec<u64> = items
        .iter()
        .map(|item| match item {
            Err(Error::Decode(decode)) => decode.line.expect("stream decode errors carry a line"),
            other => panic!("expected only decode errors, got {other:?}"),
        })
        .collect();
    assert_eq!(lines, non_blank_lines);
}

#[tokio::test]
async fn results_of_a_batch_without_results_url_is_not_ready() {
    let server = TestServer::start(|req| {
        if req.path == format!("/v1/messages/batches/{BATCH_ID}") {
            Reply::json(200, &batch_json(BATCH_ID, "in_progress", None))
        } else {
            Reply::bytes(200, "application/x-jsonl", result_line(0))
        }
    })
    .await;
    let client = client(&server);
    let result = with_guard("open results", client.retrieve_message_batch_results(BATCH_ID).send()).await;
    match result {
        Err(Error::NotReady { operation, reason }) => {
            assert_eq!(operation, "retrieveMessageBatchResults");
            assert!(reason.contains("results_url"), "{reason}");
        }
        other => panic!("expected NotReady, got {:?}", other.map(|_| "a stream")),
    }
    assert_eq!(server.request_count(), 1, "only the retrieve call; no results request");
}

/// A body of 2,000 lines and a cut point in the middle of line 700 (1-based): returns the
/// body, the cut (bytes sent), and the offset where line 700 starts.
fn body_with_mid_line_cut() -> (Arc<Vec<u8>>, usize, usize) {
    let body = jsonl_body(&standard_lines(2_000), "\n", true);
    let starts = line_starts(&body);
    let line_700 = starts[699];
    let cut = line_700 + (starts[700] - line_700) / 2;
    assert!(cut > line_700 && cut < starts[700] - 1);
    (Arc::new(body), cut, line_700)
}

/// Serves the body of `body_with_mid_line_cut` as `reply(body, request)` makes it, the first
/// reply cut in the middle of line 700. The client must resume once, asking for the body from
/// line 700 on (just past the last complete line, not where it was cut), and get every line
/// once. Returns the results requests.
async fn assert_resumes_once_after_a_mid_line_cut(
    reply: impl Fn(&[u8], &RecordedRequest) -> Reply + Send + Sync + 'static,
) -> Vec<RecordedRequest> {
    let (body, cut, line_700) = body_with_mid_line_cut();
    let server = results_server(move |req, n| match n {
        0 => {
            assert_eq!(req.header("range"), None, "the first request asks for the whole body");
            reply(&body, req).cut_after(cut)
        }
        _ => reply(&body, req),
    })
    .await;
    let (stream, items) = read_results(&server).await;
    assert_all_lines_once(&items, 2_000);
    assert_eq!(stream.resumptions(), 1);
    assert_eq!(stream.lines_read(), 2_000);
    let requests = results_requests(&server);
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[1].header("range"),
        Some(format!("bytes={line_700}-").as_str()),
        "resumes just past the last complete line (699 lines, {line_700} bytes), not at the cut ({cut})"
    );
    requests
}

#[tokio::test]
async fn results_connection_dropped_mid_body_resumes_with_range() {
    let requests = assert_resumes_once_after_a_mid_line_cut(|body, req| serve_body(body, req, true)).await;
    assert_eq!(requests[1].header("accept"), Some("application/x-jsonl"));
    assert_eq!(requests[1].header("x-api-key"), Some("sk-test"));
}

#[tokio::test]
async fn results_chunked_body_dropped_mid_line_resumes_with_range() {
    assert_resumes_once_after_a_mid_line_cut(|body, req| serve_body(body, req, true).chunked(61)).await;
}

#[tokio::test]
async fn results_connection_dropped_mid_body_without_range_support_skips_lines_already_yielded() {
    assert_resumes_once_after_a_mid_line_cut(|body, req| serve_body(body, req, false)).await;
}

#[tokio::test]
async fn results_resumed_at_the_wrong_offset_ends_with_truncated() {
    let (body, cut, _) = body_with_mid_line_cut();
    // The server claims to honour Range but sends the body from byte 0 as a 206.
    let server = results_server(move |req, n| match n {
        0 => serve_body(&body, req, true).cut_after(cut),
        _ => partial(&body, 0),
    })
    .await;
    let (_, items) = read_results(&server).await;
    assert_truncated_after_prefix(&items, 699, 2_000);
    assert_eq!(results_requests(&server).len(), 2, "a wrong resume is not retried blindly");
}

/// A server without Range support whose first reply breaks after line ~1400, and whose second
/// reply (the full body again) breaks earlier, after line ~300, before reaching the lines the
/// client already has. The third reply is complete.
#[tokio::test]
async fn results_second_break_during_the_replay_of_a_full_body_still_yields_each_line_once() {
    let body = standard_body(2_000);
    let starts = line_starts(&body);
    let (first_cut, second_cut) = (starts[1400] + 10, starts[300] + 10);
    let server = results_server(move |req, n| match n {
        0 => serve_body(&body, req, false).cut_after(first_cut),
        1 => serve_body(&body, req, false).cut_after(second_cut),
        _ => serve_body(&body, req, false),
    })
    .await;
    let (stream, items) = read_results(&server).await;
    assert_eq!(results_requests(&server).len(), 3);
    assert_eq!(stream.resumptions(), 2);
    assert_all_lines_once(&items, 2_000);
}

/// The complete lines of `body` that a client which resumes at line boundaries receives when
/// every reply carries at most `cut` body bytes and it may ask `attempts` times in all (Range
/// honoured): the resume offsets asked for, and the number of complete lines.
fn expected_under_repeated_cuts(body: &[u8], cut: usize, attempts: usize) -> (Vec<usize>, usize) {
    let starts = line_starts(body);
    let mut offset = 0;
    let mut offsets = Vec::new();
    for _ in 0..attempts {
        offsets.push(offset);
        let reach = offset + cut;
        offset = *starts.iter().rev().find(|&&s| s <= reach).expect("line 1 starts at 0");
    }
    let lines = starts.iter().filter(|&&s| s > 0 && s <= offset).count();
    (offsets, lines)
}

fn assert_truncated_after_prefix(items: &[Item], complete: usize, total: usize) {
    assert!(complete < total, "the test must actually lose lines");
    assert_eq!(items.len(), complete + 1, "the complete lines, then one Truncated item");
    assert_all_lines_once(&items[..complete], complete);
    match &items[complete] {
        Err(Error::Truncated { operation, detail }) => {
            assert_eq!(*operation, "retrieveMessageBatchResults");
            assert!(!detail.is_empty());
        }
        other => panic!("expected Truncated as the last item, got {other:?}"),
    }
}

/// Serves `standard_body(lines)` as `reply(body, request)` makes it, every reply cut after `cut`
/// bytes, to a client with the default budget (three attempts). The stream must end with
/// `Truncated` after the complete lines of the first `useful` attempts (3 when Range is honoured,
/// 1 when every reply starts again at byte 0). Returns the stream, the server and the offsets
/// each attempt asks from.
async fn assert_truncated_after_repeated_cuts(
    lines: usize,
    cut: usize,
    useful: usize,
    reply: impl Fn(&[u8], &RecordedRequest) -> Reply + Send + Sync + 'static,
) -> (ResultsStream, TestServer, Vec<usize>) {
    let body = standard_body(lines);
    let (offsets, complete) = expected_under_repeated_cuts(&body, cut, useful);
    let server = results_server(move |req, _| reply(&body, req).cut_after(cut)).await;
    let (stream, items) = read_results(&server).await;
    assert_truncated_after_prefix(&items, complete, lines);
    (stream, server, offsets)
}

#[tokio::test]
async fn results_dropped_every_time_with_range_ends_with_truncated() {
    let (mut stream, server, offsets) =
        assert_truncated_after_repeated_cuts(2_000, 50_000, 3, |body, req| serve_body(body, req, true)).await;
    assert!(stream.next().await.is_none(), "nothing after Truncated");
    assert_eq!(stream.resumptions(), 2, "the default budget: two retries");
    let asked: Vec<Option<usize>> =
        results_requests(&server).iter().map(RecordedRequest::range_start).collect();
    let expected: Vec<Option<usize>> =
        offsets.iter().enumerate().map(|(i, &o)| (i > 0).then_some(o)).collect();
    assert_eq!(asked, expected, "each resume asks from the end of the last complete line");
}

#[tokio::test]
async fn results_dropped_every_time_without_range_ends_with_truncated() {
    let (_, server, _) =
        assert_truncated_after_repeated_cuts(2_000, 50_000, 1, |body, req| serve_body(body, req, false))
            .await;
    assert_eq!(results_requests(&server).len(), 3);
}

#[tokio::test]
async fn results_chunked_body_cut_off_every_time_ends_with_truncated() {
    // No Range support, so every reply carries the same first 20,011 bytes and no new line.
    let (_, server, _) = assert_truncated_after_repeated_cuts(500, 20_011, 1, |body, req| {
        serve_body(body, req, false).chunked(64)
    })
    .await;
    assert_eq!(results_requests(&server).len(), 3);
}

#[tokio::test]
async fn results_single_attempt_budget_cut_ends_with_truncated_without_retrying() {
    let (body, cut, _) = body_with_mid_line_cut();
    let server = results_server(move |req, _| serve_body(&body, req, true).cut_after(cut)).await;
    let client = client(&server);
    let mut stream =
        with_guard("open", client.retrieve_message_batch_results(BATCH_ID).max_retries(0).send())
            .await
            .expect("results open");
    let items = collect_items(&mut stream).await;
    assert_truncated_after_prefix(&items, 699, 2_000);
    assert_eq!(stream.resumptions(), 0);
    assert_eq!(results_requests(&server).len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Waiter
// ---------------------------------------------------------------------------------------------

const WAIT_ID: &str = "msgbatch_waiting";

#[tokio::test]
async fn waiter_returns_the_ended_batch_after_3_in_progress_polls() {
    let polls = AtomicUsize::new(0);
    let server = TestServer::start(move |req| {
        assert_eq!(req.path, format!("/v1/messages/batches/{WAIT_ID}"));
        let n = polls.fetch_add(1, Ordering::SeqCst);
        let status = if n < 3 { "in_progress" } else { "ended" };
        Reply::json(200, &batch_json(WAIT_ID, status, (n >= 3).then_some("https://example.test/results")))
    })
    .await;
    let client = client(&server);
    let batch = with_guard(
        "waiter",
        client.wait_until_ended(WAIT_ID).poll_interval(Duration::from_millis(10)).backoff(1.0),
    )
    .await
    .expect("the batch ends");
    assert_eq!(batch.id, WAIT_ID);
    assert_eq!(batch.processing_status.as_str(), "ended");
    assert_eq!(batch.results_url.as_deref(), Some("https://example.test/results"));
    assert_eq!(server.request_count(), 4, "3 in_progress polls, then the ended one, then stop");
}

#[tokio::test]
async fn waiter_gives_up_at_the_deadline() {
    let server = TestServer::start(|_| Reply::json(200, &batch_json(WAIT_ID, "in_progress", None))).await;
    let client = client(&server);
    let started = Instant::now();
    let result = with_guard(
        "waiter",
        client
            .wait_until_ended(WAIT_ID)
            .poll_interval(Duration::from_millis(10))
            .max_interval(Duration::from_millis(20))
            .deadline(Duration::from_millis(100)),
    )
    .await;
    let elapsed = started.elapsed();
    match result {
        Err(Error::WaitTimeout { operation, waited }) => {
            assert_eq!(operation, "wait_until_ended");
            assert!(waited >= Duration::from_millis(100), "{waited:?}");
        }
        other => panic!("expected WaitTimeout, got {other:?}"),
    }
    assert!(elapsed >= Duration::from_millis(100), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(3), "gave up promptly: {elapsed:?}");
    assert!(server.request_count() >= 3, "it kept polling: {}", server.request_count());
}

#[tokio::test]
async fn waiter_returns_a_404_met_while_polling() {
    let polls = AtomicUsize::new(0);
    let server = TestServer::start(move |_| {
        if polls.fetch_add(1, Ordering::SeqCst) < 2 {
            Reply::json(200, &batch_json(WAIT_ID, "in_progress", None))
        } else {
            not_found()
        }
    })
    .await;
    let client = client(&server);
    let result =
        with_guard("waiter", client.wait_until_ended(WAIT_ID).poll_interval(Duration::from_millis(10))).await;
    match result {
        Err(Error::NotFound(api)) => {
            assert_eq!(api.status.as_u16(), 404);
            assert_eq!(api.request_id.as_deref(), Some("req_404"));
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
    assert_eq!(server.request_count(), 3, "two polls, then the 404 (not retried), then stop");
}

#[tokio::test]
async fn waiter_rides_out_a_retryable_503_between_polls() {
    let polls = AtomicUsize::new(0);
    let server = TestServer::start(move |_| match polls.fetch_add(1, Ordering::SeqCst) {
        0 => Reply::json(200, &batch_json(WAIT_ID, "in_progress", None)),
        1 => Reply::json(503, &example("ErrorResponse.overloaded.json")),
        _ => Reply::json(200, &batch_json(WAIT_ID, "ended", None)),
    })
    .await;
    let client = client(&server);
    let batch =
        with_guard("waiter", client.wait_until_ended(WAIT_ID).poll_interval(Duration::from_millis(10)))
            .await
            .expect("the 503 is retried inside the poll");
    assert_eq!(batch.processing_status.as_str(), "ended");
    assert_eq!(server.request_count(), 3);
}
