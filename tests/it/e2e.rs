//! End-to-end tests of the generated client `anthropic-batches` against the scripted HTTP server
//! in `tests/support/server.rs`: what goes on the wire for every operation (method, path, query,
//! headers, body), how replies decode, how every kind of failure is reported, and how the JSON
//! Lines results stream copes with chunking, line endings, bad lines and cut-off bodies.
//!
//! Every test starts its own server on 127.0.0.1 and its own client.

use std::time::{Duration, Instant};

use anthropic_batches::types::{
    CreateMessageBatchParams, ErrorResponse, MessageBatchIndividualResponse, MessageBatchProcessingStatus,
    MessageBatchRequest, MessageBatchResult, MessageContent, MessageCreateParams, MessageParam, MessageRole,
};
use anthropic_batches::{Client, ClientBuilder, ConfigError, Error, JsonlStream};
use futures_util::StreamExt;
use integration_tests::support::fixtures::example;
use integration_tests::support::server::{RecordedRequest, Reply, TestServer};
use serde_json::{json, Value};

const API_KEY: &str = "sk-test";
const BATCH_ID: &str = "msgbatch_013Zva2CMHLNnXjNJJKqJ2EF";
const BATCHES: &str = "/v1/messages/batches";

type ApiResult<T> = Result<T, Error<ErrorResponse>>;
type ResultItem = ApiResult<MessageBatchIndividualResponse>;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// A client builder for `base_url` with the test key and no retries: these tests count requests
/// and time failures, so every call is exactly one attempt unless a test asks for more.
fn builder_for(base_url: String) -> ClientBuilder {
    Client::builder().base_url(base_url).api_key(API_KEY).max_retries(0)
}

fn builder(server: &TestServer) -> ClientBuilder {
    builder_for(server.url())
}

fn client(server: &TestServer) -> Client {
    builder(server).build().expect("the client builds")
}

/// The one request the server received.
fn only_request(server: &TestServer) -> RecordedRequest {
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "expected exactly one request, got {requests:#?}");
    requests.into_iter().next().unwrap()
}

/// The one request the server received, checked to be `method` on `target` with the default
/// headers.
fn only_default_request(server: &TestServer, method: &str, target: &str) -> RecordedRequest {
    let req = only_request(server);
    assert_default_request(&req, method, target);
    req
}

/// A server that answers every request with the example `name` (status 200), and that example.
async fn example_server(name: &str) -> (TestServer, Value) {
    let reply = example(name);
    let served = reply.clone();
    (TestServer::start(move |_| Reply::json(200, &served)).await, reply)
}

/// The two-request body of the seed example, built from the typed API.
// `examples/batch_summary.rs` builds its requests the same way: this spells out what a user
// writes, rather than borrowing the example program's code, so that the test pins the typed API.
fn two_request_params() -> CreateMessageBatchParams {
    let request = |custom_id: &str, text: &str| MessageBatchRequest {
        custom_id: custom_id.to_owned(),
        params: MessageCreateParams {
            model: "claude-sonnet-4-5-20250929".to_owned(),
            max_tokens: 1024,
            messages: vec![MessageParam {
                role: MessageRole::User,
                content: MessageContent::String(text.to_owned()),
            }],
            ..Default::default()
        },
    };
    CreateMessageBatchParams {
        requests: vec![
            request("my-first-request", "Hello, world"),
            request("my-second-request", "Hi again, friend"),
        ],
    }
}

/// Headers every request carries, whatever the operation.
fn assert_base_headers(req: &RecordedRequest) {
    assert_eq!(req.header("x-api-key"), Some(API_KEY), "{} {}", req.method, req.target);
    assert_eq!(req.header_all("x-api-key").len(), 1);
    assert!(
        req.header("user-agent").is_some_and(|ua| ua.starts_with("anthropic-batches/")),
        "user-agent: {:?}",
        req.header("user-agent")
    );
}

/// A request sent by a client with no optional configuration.
fn assert_default_headers(req: &RecordedRequest) {
    assert_base_headers(req);
    assert_eq!(req.header_all("anthropic-version"), ["2023-06-01"], "{} {}", req.method, req.target);
    for absent in ["anthropic-beta", "anthropic-workspace-id", "anthropic-user-profile-id"] {
        assert_eq!(req.header(absent), None, "{absent} on {} {}", req.method, req.target);
    }
    assert!(req.query.is_empty(), "no query expected on {} {}", req.method, req.target);
}

/// `req` is `method` on `target` (query included), sent with the default headers.
fn assert_default_request(req: &RecordedRequest, method: &str, target: &str) {
    assert_eq!((req.method.as_str(), req.target.as_str()), (method, target));
    assert_default_headers(req);
}

/// `req` carries the options a client or a call set: `betas` as one `anthropic-beta` header,
/// the workspace and version headers once each, and the `beta` query flag as its only query.
fn assert_options(req: &RecordedRequest, betas: &str, workspace: &str, version: &str, beta: bool) {
    let route = format!("{} {}", req.method, req.target);
    assert_eq!(req.header_all("anthropic-beta"), [betas], "{route}");
    assert_eq!(req.header_all("anthropic-workspace-id"), [workspace], "{route}");
    assert_eq!(req.header_all("anthropic-version"), [version], "{route}");
    assert_eq!(req.query, [("beta".to_owned(), beta.to_string())], "{route}");
}

/// Values of the query parameter `name`, in order.
fn query_all<'r>(req: &'r RecordedRequest, name: &str) -> Vec<&'r str> {
    req.query.iter().filter(|(n, _)| n == name).map(|(_, v)| v.as_str()).collect()
}

/// The method and path of every request `call_every_operation!` makes, in order. The results call
/// is two requests: it looks the batch up for its `results_url`, then fetches that.
fn every_operation_route() -> [(&'static str, String); 7] {
    [
        ("GET", BATCHES.to_owned()),
        ("POST", BATCHES.to_owned()),
        ("GET", format!("{BATCHES}/{BATCH_ID}")),
        ("POST", format!("{BATCHES}/{BATCH_ID}/cancel")),
        ("DELETE", format!("{BATCHES}/{BATCH_ID}")),
        ("GET", format!("{BATCHES}/{BATCH_ID}")),
        ("GET", format!("{BATCHES}/{BATCH_ID}/results")),
    ]
}

/// The seed batch as the server at the request's `host` would report it: ended, with its
/// `results_url` pointing back at that server (the fixture's points at api.anthropic.com).
fn ended_batch_for(req: &RecordedRequest) -> Value {
    let mut batch = example("MessageBatch.seed_retrieve.json");
    let host = req.header("host").expect("a host header");
    batch["processing_status"] = json!("ended");
    batch["results_url"] = json!(format!("http://{host}{}/results", req.path));
    batch
}

/// A server that answers each operation like the API would, from the fixtures.
fn api_router(req: &RecordedRequest) -> Reply {
    let path = req.path.as_str();
    let reply = match req.method.as_str() {
        "GET" if path == BATCHES => Reply::json(200, &example("MessageBatchList.seed_list.json")),
        "POST" if path == BATCHES => Reply::json(200, &example("MessageBatch.in_progress.json")),
        "POST" if path.ends_with("/cancel") => Reply::json(200, &example("MessageBatch.canceling.json")),
        "GET" if path.ends_with("/results") => jsonl_reply(jsonl(&result_lines(3), "\n", true)),
        "GET" => Reply::json(200, &ended_batch_for(req)),
        "DELETE" => Reply::json(200, &example("DeletedMessageBatch.basic.json")),
        _ => Reply::json(404, &example("ErrorResponse.not_found.json")),
    };
    reply.header("request-id", "req_router")
}

/// Calls all six operations on `$client`, each builder passed through `$configure` (which names
/// it `$op`), and checks that each succeeds.
macro_rules! call_every_operation {
    ($client:expr, |$op:ident| $configure:expr) => {{
        let client: &Client = $client;
        let $op = client.list_message_batches();
        $configure.await.expect("list_message_batches");
        let $op = client.create_message_batch(two_request_params());
        $configure.await.expect("create_message_batch");
        let $op = client.retrieve_message_batch(BATCH_ID);
        $configure.await.expect("retrieve_message_batch");
        let $op = client.cancel_message_batch(BATCH_ID);
        $configure.await.expect("cancel_message_batch");
        let $op = client.delete_message_batch(BATCH_ID);
        $configure.await.expect("delete_message_batch");
        let $op = client.retrieve_message_batch_results(BATCH_ID);
        let items = collect($configure.await.expect("retrieve_message_batch_results")).await;
        assert_eq!(items.len(), 3);
        assert!(items.iter().all(Result::is_ok), "{items:?}");
    }};
}

/// Checks the requests of `call_every_operation!` against the expected routes, then `check`s each.
fn assert_every_operation(server: &TestServer, check: impl Fn(&RecordedRequest)) {
    let requests = server.requests();
    let routes = every_operation_route();
    assert_eq!(requests.len(), routes.len(), "{requests:#?}");
    for (req, (method, path)) in requests.iter().zip(routes) {
        assert_eq!((req.method.as_str(), req.path.as_str()), (method, path.as_str()));
        assert_base_headers(req);
        check(req);
    }
}

// --- JSON Lines ---------------------------------------------------------------------------------

const RESULT_EXAMPLES: [&str; 14] = [
    "MessageBatchIndividualResponse.succeeded_text",
    "MessageBatchIndividualResponse.errored",
    "MessageBatchIndividualResponse.canceled",
    "MessageBatchIndividualResponse.expired",
    "MessageBatchIndividualResponse.succeeded_tool_use",
    "MessageBatchIndividualResponse.succeeded_thinking",
    "MessageBatchIndividualResponse.errored_api_error",
    "MessageBatchIndividualResponse.succeeded_citations",
    "MessageBatchIndividualResponse.succeeded_context_window_exceeded",
    "MessageBatchIndividualResponse.succeeded_null_stop_reason",
    "MessageBatchIndividualResponse.succeeded_refusal",
    "MessageBatchIndividualResponse.succeeded_unknown_block",
    "MessageBatchIndividualResponse.succeeded_web_search",
    "MessageBatchIndividualResponse.succeeded_web_search_error",
];

/// `count` result lines cycling through the result fixtures, with `custom_id`s `req-00000`, ….
fn result_lines(count: usize) -> Vec<Value> {
    let templates: Vec<Value> = RESULT_EXAMPLES.iter().map(|name| example(&format!("{name}.json"))).collect();
    (0..count)
        .map(|i| {
            let mut line = templates[i % templates.len()].clone();
            line["custom_id"] = json!(format!("req-{i:05}"));
            line
        })
        .collect()
}

/// A `200` reply with `body` as JSON Lines.
fn jsonl_reply(body: impl Into<Vec<u8>>) -> Reply {
    Reply::bytes(200, "application/x-jsonl", body)
}

/// The lines as a JSON Lines body.
fn jsonl(lines: &[Value], newline: &str, final_newline: bool) -> Vec<u8> {
    let mut body =
        lines.iter().map(|line| serde_json::to_string(line).unwrap()).collect::<Vec<_>>().join(newline);
    if final_newline {
        body.push_str(newline);
    }
    body.into_bytes()
}

async fn collect(stream: JsonlStream<MessageBatchIndividualResponse, ErrorResponse>) -> Vec<ResultItem> {
    stream.collect().await
}

/// Every item decoded, and equal to its line decoded on its own, in order.
fn assert_results_match(items: &[ResultItem], expected: &[Value]) {
    assert_eq!(items.len(), expected.len(), "number of items");
    for (index, (item, line)) in items.iter().zip(expected).enumerate() {
        let item = item.as_ref().unwrap_or_else(|e| panic!("item {index} failed: {e}"));
        let want: MessageBatchIndividualResponse = serde_json::from_value(line.clone()).unwrap();
        assert_eq!(item.custom_id, format!("req-{index:05}"), "item {index} out of order");
        assert_eq!(*item, want, "item {index}");
    }
}

/// A server answering results requests with `results(request)`, and everything else (the batch
/// lookup before them) with `api_router`.
async fn results_server_with(
    results: impl Fn(&RecordedRequest) -> Reply + Send + Sync + 'static,
) -> TestServer {
    TestServer::start(
        move |req: &RecordedRequest| {
            if req.path.ends_with("/results") {
                results(req)
            } else {
                api_router(req)
            }
        },
    )
    .await
}

/// A server answering every results request with `reply` (see `results_server_with`).
async fn results_server(reply: Reply) -> TestServer {
    results_server_with(move |_| reply.clone()).await
}

/// Serves `reply` as the results of `BATCH_ID` and returns the streamed items.
async fn stream_results(reply: Reply) -> (TestServer, Vec<ResultItem>) {
    let server = results_server(reply).await;
    let stream = client(&server).retrieve_message_batch_results(BATCH_ID).await.expect("the stream opens");
    let items = collect(stream).await;
    (server, items)
}

/// The requests for the results body itself (not the batch lookups before them).
fn results_requests(server: &TestServer) -> Vec<RecordedRequest> {
    server.requests().into_iter().filter(|req| req.path.ends_with("/results")).collect()
}

fn decode_error(item: &ResultItem) -> &anthropic_batches::DecodeError {
    match item {
        Err(Error::Decode(error)) => error,
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

// --- Errors -------------------------------------------------------------------------------------

/// A server that answers everything with `status`, `body` and a `request-id` header.
async fn error_server(status: u16, body: &Value, request_id: &'static str) -> TestServer {
    let body = body.clone();
    TestServer::start(move |_| Reply::json(status, &body).header("request-id", request_id)).await
}

/// What every API error must carry: status, request id, the parsed and raw body, and a message
/// naming the operation, the error's message and the request id (never the API key).
fn assert_api_error(
    error: &Error<ErrorResponse>,
    status: u16,
    request_id: &str,
    body: &Value,
    operation: &str,
) {
    assert_eq!(error.status().map(|s| s.as_u16()), Some(status), "{error:?}");
    assert_eq!(error.request_id(), Some(request_id));
    let api = error.api_error().expect("an API error");
    assert_eq!(api.operation, operation);
    assert_eq!(api.status.as_u16(), status);
    assert_eq!(api.request_id.as_deref(), Some(request_id));
    assert_eq!(api.headers.get("request-id").and_then(|v| v.to_str().ok()), Some(request_id));

    let expected_type = body["error"]["type"].as_str().unwrap();
    let expected_message = body["error"]["message"].as_str().unwrap();
    let parsed = api.body.as_ref().expect("the error body is parsed");
    assert_eq!(parsed.error.r#type.as_str(), expected_type);
    assert_eq!(parsed.error.message, expected_message);
    assert_eq!(parsed.request_id.as_deref(), body["request_id"].as_str());
    assert_eq!(serde_json::from_str::<Value>(&api.raw_body).unwrap(), *body, "raw_body");

    let text = error.to_string();
    assert!(text.contains(operation), "{text}");
    assert!(text.contains(&status.to_string()), "{text}");
    assert!(text.contains(expected_message), "{text}");
    assert!(text.contains(request_id), "{text}");
    assert!(!text.contains(API_KEY) && !format!("{error:?}").contains(API_KEY), "the key leaked: {error:?}");
}

// ---------------------------------------------------------------------------------------------
// Operations: what is sent, what is decoded
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn create_posts_params_as_json_with_default_headers_and_decodes_the_batch() {
    let (server, reply) = example_server("MessageBatch.in_progress.json").await;

    let batch = client(&server).create_message_batch(two_request_params()).await.expect("create succeeds");

    let req = only_default_request(&server, "POST", BATCHES);
    assert_eq!(req.header("content-type"), Some("application/json"));
    assert_eq!(req.header("accept"), Some("application/json"));
    assert_eq!(req.json(), example("CreateMessageBatchParams.seed_style_two_requests.json"));

    assert_eq!(batch.id, reply["id"].as_str().unwrap());
    assert_eq!(batch.processing_status, MessageBatchProcessingStatus::InProgress);
    assert_eq!(batch.request_counts.processing, reply["request_counts"]["processing"].as_i64().unwrap());
    assert_eq!(batch.ended_at, None);
    assert_eq!(batch.results_url, None);
    assert_eq!(serde_json::to_value(&batch).unwrap(), reply);
}

#[tokio::test]
async fn create_sends_every_example_body_unchanged() {
    let (server, _) = example_server("MessageBatch.in_progress.json").await;
    let client = client(&server);
    let names = [
        "CreateMessageBatchParams.minimal",
        "CreateMessageBatchParams.seed_style_two_requests",
        "CreateMessageBatchParams.every_block",
        "CreateMessageBatchParams.every_tool",
        "CreateMessageBatchParams.options_tool_choice_thinking",
        "CreateMessageBatchParams.new_params_and_blocks",
    ];
    for name in names {
        let body = example(&format!("{name}.json"));
        let params: CreateMessageBatchParams = serde_json::from_value(body.clone()).expect(name);
        client.create_message_batch(params).await.unwrap_or_else(|e| panic!("{name}: {e}"));
        let sent = server.requests().pop().unwrap();
        assert_eq!(sent.header("content-type"), Some("application/json"), "{name}");
        assert_eq!(sent.json(), body, "{name}: the body on the wire differs from the example");
    }
    assert_eq!(server.request_count(), names.len());
}

#[tokio::test]
async fn create_sends_per_call_headers_user_profile_and_beta_query() {
    let (server, _) = example_server("MessageBatch.in_progress.json").await;

    client(&server)
        .create_message_batch(two_request_params())
        .anthropic_beta(["message-batches-2024-09-24", "prompt-caching-2024-07-31"])
        .anthropic_workspace_id("wrkspc_01call")
        .anthropic_user_profile_id("prof_01user")
        .anthropic_version("2024-01-01")
        .beta(true)
        .send()
        .await
        .expect("create succeeds");

    let req = only_request(&server);
    assert_eq!((req.method.as_str(), req.path.as_str()), ("POST", BATCHES));
    assert_base_headers(&req);
    let betas = "message-batches-2024-09-24,prompt-caching-2024-07-31";
    assert_options(&req, betas, "wrkspc_01call", "2024-01-01", true);
    assert_eq!(req.header_all("anthropic-user-profile-id"), ["prof_01user"]);
    assert_eq!(req.target, format!("{BATCHES}?beta=true"));
    assert_eq!(req.json(), example("CreateMessageBatchParams.seed_style_two_requests.json"));
}

#[tokio::test]
async fn retrieve_gets_the_batch_by_id_and_decodes_every_field() {
    let (server, reply) = example_server("MessageBatch.seed_retrieve.json").await;

    let batch = client(&server).retrieve_message_batch(BATCH_ID).await.expect("retrieve succeeds");

    let req = only_default_request(&server, "GET", &format!("{BATCHES}/{BATCH_ID}"));
    assert_eq!(req.header("accept"), Some("application/json"));
    assert_eq!(req.header("content-type"), None);
    assert!(req.body.is_empty());

    assert_eq!(batch.id, BATCH_ID);
    assert_eq!(batch.processing_status, MessageBatchProcessingStatus::InProgress);
    let counts = &batch.request_counts;
    assert_eq!(
        (counts.processing, counts.succeeded, counts.errored, counts.canceled, counts.expired),
        (100, 50, 30, 10, 10)
    );
    let stamp = "2024-08-20T18:37:24.100435+00:00";
    assert_eq!(batch.created_at.to_rfc3339(), stamp);
    assert_eq!(batch.expires_at.to_rfc3339(), stamp);
    assert_eq!(batch.ended_at.map(|t| t.to_rfc3339()).as_deref(), Some(stamp));
    assert_eq!(batch.cancel_initiated_at.map(|t| t.to_rfc3339()).as_deref(), Some(stamp));
    assert_eq!(batch.archived_at.map(|t| t.to_rfc3339()).as_deref(), Some(stamp));
    assert_eq!(batch.results_url.as_deref(), reply["results_url"].as_str());
    assert_eq!(serde_json::to_value(&batch).unwrap(), reply);
}

#[tokio::test]
async fn list_without_parameters_sends_an_empty_query_and_decodes_the_page() {
    let (server, reply) = example_server("MessageBatchList.seed_list.json").await;

    let page = client(&server).list_message_batches().await.expect("list succeeds");

    let req = only_default_request(&server, "GET", BATCHES);
    assert_eq!(req.header("accept"), Some("application/json"));

    assert_eq!(page.data.len(), 1);
    assert_eq!(page.data[0].id, BATCH_ID);
    assert_eq!(page.first_id.as_deref(), Some("first_id"));
    assert_eq!(page.last_id.as_deref(), Some("last_id"));
    assert!(page.has_more);
    assert_eq!(serde_json::to_value(&page).unwrap(), reply);
}

#[tokio::test]
async fn list_sends_cursors_and_limit_as_query() {
    let (server, reply) = example_server("MessageBatchList.two_pages_first.json").await;

    let page = client(&server)
        .list_message_batches()
        .before_id("msgbatch_before")
        .after_id("msgbatch_after")
        .limit(3)
        .await
        .expect("list succeeds");

    let req = only_request(&server);
    assert_eq!((req.method.as_str(), req.path.as_str()), ("GET", BATCHES));
    let mut query = req.query.clone();
    query.sort();
    assert_eq!(
        query,
        [
            ("after_id".to_owned(), "msgbatch_after".to_owned()),
            ("before_id".to_owned(), "msgbatch_before".to_owned()),
            ("limit".to_owned(), "3".to_owned()),
        ]
    );
    assert_eq!(serde_json::to_value(&page).unwrap(), reply);
    assert_eq!(page.data.len(), reply["data"].as_array().unwrap().len());
    assert_eq!(page.has_more, reply["has_more"].as_bool().unwrap());
    assert_eq!(page.last_id.as_deref(), reply["last_id"].as_str());
}

#[tokio::test]
async fn list_query_values_are_percent_encoded() {
    let (server, _) = example_server("MessageBatchList.empty.json").await;
    let cursor = "a b&limit=9#frag/é+%";

    let page = client(&server).list_message_batches().after_id(cursor).await.expect("list succeeds");

    let req = only_request(&server);
    assert_eq!(req.path, BATCHES);
    assert_eq!(query_all(&req, "after_id"), [cursor], "target: {}", req.target);
    assert_eq!(query_all(&req, "limit"), Vec::<&str>::new(), "target: {}", req.target);
    assert!(!req.target.contains('#') && !req.target.contains(' '), "target: {}", req.target);
    assert!(page.data.is_empty());
    assert!(!page.has_more);
}

#[tokio::test]
async fn cancel_posts_without_body_to_the_cancel_path_and_decodes_the_canceling_batch() {
    let (server, reply) = example_server("MessageBatch.canceling.json").await;
    let id = reply["id"].as_str().unwrap();

    let batch = client(&server).cancel_message_batch(id).await.expect("cancel succeeds");

    let req = only_default_request(&server, "POST", &format!("{BATCHES}/{id}/cancel"));
    assert!(req.body.is_empty(), "cancel sends no body: {:?}", req.text());
    assert_eq!(req.header("content-type"), None);

    assert_eq!(batch.id, id);
    assert_eq!(batch.processing_status, MessageBatchProcessingStatus::Canceling);
    assert_eq!(
        batch.cancel_initiated_at.map(|t| t.to_rfc3339()).as_deref(),
        Some("2025-09-30T09:41:57.613204+00:00")
    );
    assert_eq!(batch.ended_at, None);
    assert_eq!(serde_json::to_value(&batch).unwrap(), reply);
}

// The same steps as the cancel test, for delete: kept apart so that each names what its operation
// sends and decodes.
#[tokio::test]
async fn delete_sends_delete_to_the_batch_path_and_decodes_the_confirmation() {
    let (server, reply) = example_server("DeletedMessageBatch.basic.json").await;
    let id = reply["id"].as_str().unwrap();

    let deleted = client(&server).delete_message_batch(id).await.expect("delete succeeds");

    let req = only_default_request(&server, "DELETE", &format!("{BATCHES}/{id}"));
    assert_eq!(req.header("accept"), Some("application/json"));
    assert!(req.body.is_empty());
    assert_eq!(deleted.id, id);
    assert_eq!(serde_json::to_value(&deleted).unwrap(), reply);
}

#[tokio::test]
async fn results_request_accepts_jsonl_and_streams_1000_lines_in_order() {
    let lines = result_lines(1000);
    let (server, items) = stream_results(jsonl_reply(jsonl(&lines, "\n", true))).await;

    // First the batch, for its results_url; then that URL.
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "{requests:#?}");
    let (lookup, req) = (&requests[0], &requests[1]);
    assert_default_request(lookup, "GET", &format!("{BATCHES}/{BATCH_ID}"));
    assert_eq!(lookup.header("accept"), Some("application/json"));
    assert_default_request(req, "GET", &format!("{BATCHES}/{BATCH_ID}/results"));
    let accept = req.header("accept").expect("an accept header");
    assert!(accept.contains("application/x-jsonl"), "accept: {accept}");

    assert_results_match(&items, &lines);
    let kinds = |f: fn(&MessageBatchResult) -> bool| {
        items.iter().filter(|item| f(&item.as_ref().unwrap().result)).count()
    };
    assert!(kinds(|r| matches!(r, MessageBatchResult::Succeeded(_))) > 500);
    assert!(kinds(|r| matches!(r, MessageBatchResult::Errored(_))) > 100);
    assert!(kinds(|r| matches!(r, MessageBatchResult::Canceled(_))) > 50);
    assert!(kinds(|r| matches!(r, MessageBatchResult::Expired(_))) > 50);
}

// ---------------------------------------------------------------------------------------------
// Client-wide and per-call options on every operation
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn every_operation_sends_key_and_default_version_and_nothing_optional() {
    let server = TestServer::start(api_router).await;
    let client = client(&server);

    call_every_operation!(&client, |op| op);

    assert_every_operation(&server, |req| {
        assert_default_headers(req);
        let expects_body = req.method == "POST" && req.path == BATCHES;
        assert_eq!(req.header("content-type").is_some(), expects_body, "{} {}", req.method, req.path);
    });
}

#[tokio::test]
async fn client_wide_beta_workspace_version_and_query_reach_every_operation() {
    let server = TestServer::start(api_router).await;
    let client = builder(&server)
        .anthropic_beta(["message-batches-2024-09-24", "prompt-caching-2024-07-31"])
        .anthropic_workspace_id("wrkspc_01client")
        .anthropic_version("2099-12-31")
        .beta(true)
        .build()
        .unwrap();

    call_every_operation!(&client, |op| op);

    assert_every_operation(&server, |req| {
        let betas = "message-batches-2024-09-24,prompt-caching-2024-07-31";
        assert_options(req, betas, "wrkspc_01client", "2099-12-31", true);
        assert_eq!(req.header("anthropic-user-profile-id"), None);
    });
}

#[tokio::test]
async fn per_call_values_apply_on_every_operation() {
    let server = TestServer::start(api_router).await;
    let client = client(&server);

    call_every_operation!(&client, |op| op
        .anthropic_beta(["pdfs-2024-09-25"])
        .anthropic_workspace_id("wrkspc_01call")
        .anthropic_version("2024-02-02")
        .beta(true));

    assert_every_operation(&server, |req| {
        assert_options(req, "pdfs-2024-09-25", "wrkspc_01call", "2024-02-02", true)
    });
}

#[tokio::test]
async fn per_call_values_override_client_wide_ones_on_every_operation() {
    let server = TestServer::start(api_router).await;
    let client = builder(&server)
        .anthropic_beta(["message-batches-2024-09-24"])
        .anthropic_workspace_id("wrkspc_01client")
        .anthropic_version("2099-12-31")
        .beta(true)
        .build()
        .unwrap();

    call_every_operation!(&client, |op| op
        .anthropic_beta(["pdfs-2024-09-25", "context-1m-2025-08-07"])
        .anthropic_workspace_id("wrkspc_01call")
        .anthropic_version("2023-06-01")
        .beta(false));

    assert_every_operation(&server, |req| {
        let betas = "pdfs-2024-09-25,context-1m-2025-08-07";
        assert_options(req, betas, "wrkspc_01call", "2023-06-01", false);
    });
}

#[tokio::test]
async fn base_url_path_prefix_is_kept_and_a_trailing_slash_dropped() {
    let (server, _) = example_server("MessageBatch.seed_retrieve.json").await;
    let client = builder_for(format!("{}/proxy/anthropic/", server.url())).build().unwrap();
    assert_eq!(client.base_url(), format!("{}/proxy/anthropic", server.url()));

    client.retrieve_message_batch(BATCH_ID).await.expect("retrieve succeeds");

    assert_eq!(only_request(&server).target, format!("/proxy/anthropic{BATCHES}/{BATCH_ID}"));
}

// ---------------------------------------------------------------------------------------------
// Error statuses, one per kind
// ---------------------------------------------------------------------------------------------

// These tests take the same steps (a server answering with the status, one call, the error kind,
// then `assert_api_error`) with another status, body and operation: kept apart so that a failure
// names the status and the kind it expected.

#[tokio::test]
async fn status_400_is_bad_request_with_parsed_body_and_request_id() {
    let body = example("ErrorResponse.invalid_request.json");
    let server = error_server(400, &body, "req_400").await;
    let error = client(&server).create_message_batch(two_request_params()).await.unwrap_err();
    assert!(matches!(error, Error::BadRequest(_)), "{error:?}");
    assert_api_error(&error, 400, "req_400", &body, "createMessageBatch");
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn status_401_is_authentication_error_and_never_shows_the_key() {
    let body = example("ErrorResponse.authentication.json");
    let server = error_server(401, &body, "req_401").await;
    let error = client(&server).list_message_batches().await.unwrap_err();
    assert!(matches!(error, Error::Authentication(_)), "{error:?}");
    assert_api_error(&error, 401, "req_401", &body, "listMessageBatches");
}

#[tokio::test]
async fn status_403_is_permission_denied() {
    let body = example("ErrorResponse.permission.json");
    let server = error_server(403, &body, "req_403").await;
    let error = client(&server).delete_message_batch(BATCH_ID).await.unwrap_err();
    assert!(matches!(error, Error::PermissionDenied(_)), "{error:?}");
    assert_api_error(&error, 403, "req_403", &body, "deleteMessageBatch");
}

#[tokio::test]
async fn status_404_is_not_found() {
    let body = example("ErrorResponse.not_found.json");
    let server = error_server(404, &body, "req_404").await;
    let error =
        client(&server).retrieve_message_batch("msgbatch_01NoSuchBatch000000000000").await.unwrap_err();
    assert!(matches!(error, Error::NotFound(_)), "{error:?}");
    assert_api_error(&error, 404, "req_404", &body, "retrieveMessageBatch");
}

#[tokio::test]
async fn status_409_is_conflict() {
    let body = json!({
        "type": "error",
        "error": {"type": "invalid_request_error", "message": "Batch msgbatch_x is still in progress and cannot be deleted."},
        "request_id": "req_409"
    });
    let server = error_server(409, &body, "req_409").await;
    let error = client(&server).delete_message_batch(BATCH_ID).await.unwrap_err();
    assert!(matches!(error, Error::Conflict(_)), "{error:?}");
    assert_api_error(&error, 409, "req_409", &body, "deleteMessageBatch");
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn status_413_is_request_too_large_with_request_id_from_the_header() {
    // The body's own request_id is null: the id must come from the `request-id` header.
    let body = example("ErrorResponse.request_too_large.json");
    assert!(body["request_id"].is_null());
    let server = error_server(413, &body, "req_413").await;
    let error = client(&server).create_message_batch(two_request_params()).await.unwrap_err();
    assert!(matches!(error, Error::RequestTooLarge(_)), "{error:?}");
    assert_api_error(&error, 413, "req_413", &body, "createMessageBatch");
}

#[tokio::test]
async fn status_422_is_unprocessable() {
    let body = json!({
        "type": "error",
        "error": {"type": "invalid_request_error", "message": "requests: the same custom_id appears twice"},
        "request_id": "req_422"
    });
    let server = error_server(422, &body, "req_422").await;
    let error = client(&server).create_message_batch(two_request_params()).await.unwrap_err();
    assert!(matches!(error, Error::Unprocessable(_)), "{error:?}");
    assert_api_error(&error, 422, "req_422", &body, "createMessageBatch");
}

#[tokio::test]
async fn status_429_is_rate_limited() {
    let body = example("ErrorResponse.rate_limit.json");
    let server = error_server(429, &body, "req_429").await;
    let error = client(&server).list_message_batches().limit(5).await.unwrap_err();
    assert!(matches!(error, Error::RateLimited(_)), "{error:?}");
    assert_api_error(&error, 429, "req_429", &body, "listMessageBatches");
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn status_500_is_server_error() {
    let body = example("ErrorResponse.api.json");
    let server = error_server(500, &body, "req_500").await;
    let error = client(&server).retrieve_message_batch(BATCH_ID).await.unwrap_err();
    assert!(matches!(error, Error::Server(_)), "{error:?}");
    assert_api_error(&error, 500, "req_500", &body, "retrieveMessageBatch");
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn status_529_is_overloaded_before_any_result_is_streamed() {
    // The batch lookup succeeds; the results request itself is refused.
    let body = example("ErrorResponse.overloaded.json");
    let server = results_server(Reply::json(529, &body).header("request-id", "req_529")).await;
    let error = client(&server).retrieve_message_batch_results(BATCH_ID).await.unwrap_err();
    assert!(matches!(error, Error::Overloaded(_)), "{error:?}");
    assert_api_error(&error, 529, "req_529", &body, "retrieveMessageBatchResults");
    assert_eq!(results_requests(&server).len(), 1);
}

#[tokio::test]
async fn status_402_is_the_catch_all_status_error() {
    let body = example("ErrorResponse.billing.json");
    let server = error_server(402, &body, "req_402").await;
    let error = client(&server).cancel_message_batch(BATCH_ID).await.unwrap_err();
    assert!(matches!(error, Error::Status(_)), "{error:?}");
    assert_api_error(&error, 402, "req_402", &body, "cancelMessageBatch");
}

#[tokio::test]
async fn api_error_message_field_is_the_bodys_error_message() {
    let body = example("ErrorResponse.not_found.json");
    let server = error_server(404, &body, "req_404").await;
    let error = client(&server).retrieve_message_batch(BATCH_ID).await.unwrap_err();
    let api = error.api_error().expect("an API error");
    let message = body["error"]["message"].as_str().unwrap();
    assert_eq!(api.message.as_deref(), Some(message));
    // Display shows the message itself, not the raw JSON body.
    assert_eq!(
        error.to_string(),
        format!("retrieveMessageBatch: HTTP 404 Not Found: {message} (request-id req_404)")
    );
}

#[tokio::test]
async fn html_error_page_is_server_error_with_no_body_and_the_raw_text_kept() {
    let page =
        "<html><head><title>502 Bad Gateway</title></head>\n<body><h1>502 Bad Gateway</h1></body></html>\n";
    let server = TestServer::start(move |_| {
        Reply::bytes(502, "text/html; charset=utf-8", page).header("request-id", "req_502")
    })
    .await;

    let error = client(&server).list_message_batches().await.unwrap_err();

    assert!(matches!(error, Error::Server(_)), "{error:?}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(error.request_id(), Some("req_502"));
    let api = error.api_error().unwrap();
    assert!(api.body.is_none(), "an HTML page is no ErrorResponse: {:?}", api.body);
    assert_eq!(api.raw_body, page);
    assert_eq!(api.message, None);
    let text = error.to_string();
    assert!(text.contains("listMessageBatches") && text.contains("502"), "{text}");
    assert!(text.contains("<h1>502 Bad Gateway</h1>"), "{text}");
    assert!(text.contains("req_502"), "{text}");
}

// ---------------------------------------------------------------------------------------------
// Success statuses whose body is not what the spec promises
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn success_with_invalid_json_is_a_decode_error_naming_the_operation() {
    let server =
        TestServer::start(|_| Reply::bytes(200, "application/json", "{\"id\": \"msgbatch_1\", ")).await;

    let error = client(&server).retrieve_message_batch(BATCH_ID).await.unwrap_err();

    let Error::Decode(decode) = &error else { panic!("expected Error::Decode, got {error:?}") };
    assert_eq!(decode.operation, "retrieveMessageBatch");
    assert_eq!(decode.line, None);
    assert!(decode.excerpt.contains("msgbatch_1"), "{decode:?}");
    let text = error.to_string();
    assert!(text.contains("retrieveMessageBatch"), "{text}");
    assert!(text.contains("does not decode"), "{text}");
    assert_eq!(error.status(), None);
}

#[tokio::test]
async fn success_with_an_html_page_is_a_decode_error_naming_the_operation() {
    let page = "<!DOCTYPE html><html><body>Sign in to continue</body></html>";
    let server = TestServer::start(move |_| Reply::bytes(200, "text/html", page)).await;

    let error = client(&server).list_message_batches().await.unwrap_err();

    let Error::Decode(decode) = &error else { panic!("expected Error::Decode, got {error:?}") };
    assert_eq!(decode.operation, "listMessageBatches");
    assert!(decode.excerpt.contains("Sign in to continue"), "{decode:?}");
    assert!(error.to_string().contains("listMessageBatches"), "{error}");
}

#[tokio::test]
async fn success_with_json_of_the_wrong_shape_is_a_decode_error() {
    // Valid JSON, but a MessageBatch needs `processing_status`, `request_counts`, timestamps, ….
    let server =
        TestServer::start(|_| Reply::json(200, &json!({"id": BATCH_ID, "type": "message_batch"}))).await;

    let error = client(&server).cancel_message_batch(BATCH_ID).await.unwrap_err();

    let Error::Decode(decode) = &error else { panic!("expected Error::Decode, got {error:?}") };
    assert_eq!(decode.operation, "cancelMessageBatch");
    assert!(error.to_string().contains("cancelMessageBatch"), "{error}");
}

#[tokio::test]
async fn success_body_cut_off_is_an_error_not_a_value() {
    let body = serde_json::to_vec(&example("MessageBatch.seed_retrieve.json")).unwrap();
    let cut = body.len() / 2;
    let server =
        TestServer::start(move |_| Reply::bytes(200, "application/json", body.clone()).cut_after(cut)).await;

    let error = client(&server).retrieve_message_batch(BATCH_ID).await.unwrap_err();

    assert!(
        matches!(error, Error::Connection { .. } | Error::Truncated { .. }),
        "a body short of its content-length is a transport failure, got {error:?}"
    );
    assert!(error.to_string().contains("retrieveMessageBatch"), "{error}");
}

// ---------------------------------------------------------------------------------------------
// Path parameters and header values cannot change the request
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn path_ids_with_slashes_dots_and_query_characters_stay_in_one_segment() {
    let server = TestServer::start(api_router).await;
    let client = client(&server);

    client.retrieve_message_batch("../x").await.expect("retrieve ../x");
    client.retrieve_message_batch("a/b?c").await.expect("retrieve a/b?c");
    client.retrieve_message_batch("x#frag y").await.expect("retrieve with # and space");
    client.cancel_message_batch("../../v1/secrets").await.expect("cancel");
    client.delete_message_batch("a/b").await.expect("delete");
    collect(client.retrieve_message_batch_results("%2e%2e").await.expect("results")).await;

    let requests = server.requests();
    let targets: Vec<(&str, &str)> =
        requests.iter().map(|r| (r.method.as_str(), r.target.as_str())).collect();
    assert_eq!(
        targets,
        [
            ("GET", "/v1/messages/batches/..%2Fx"),
            ("GET", "/v1/messages/batches/a%2Fb%3Fc"),
            ("GET", "/v1/messages/batches/x%23frag%20y"),
            ("POST", "/v1/messages/batches/..%2F..%2Fv1%2Fsecrets/cancel"),
            ("DELETE", "/v1/messages/batches/a%2Fb"),
            ("GET", "/v1/messages/batches/%252e%252e"),
            ("GET", "/v1/messages/batches/%252e%252e/results"),
        ]
    );
    assert!(requests.iter().all(|r| r.query.is_empty()));
}

#[tokio::test]
async fn dot_segment_and_empty_ids_fail_with_invalid_parameter_before_any_request() {
    let server = TestServer::start(api_router).await;
    let client = client(&server);

    for id in ["..", ".", ""] {
        let errors: [(&str, Error<ErrorResponse>); 4] = [
            ("retrieveMessageBatch", client.retrieve_message_batch(id).await.unwrap_err()),
            ("cancelMessageBatch", client.cancel_message_batch(id).await.unwrap_err()),
            ("deleteMessageBatch", client.delete_message_batch(id).await.unwrap_err()),
            // The results call first looks the batch up, and that step refuses the id.
            ("retrieveMessageBatch", client.retrieve_message_batch_results(id).await.unwrap_err()),
        ];
        for (operation, error) in errors {
            match &error {
                Error::InvalidParameter { operation: op, reason } => {
                    assert_eq!(*op, operation);
                    assert!(reason.contains("message_batch_id"), "{id:?}: {reason}");
                }
                other => panic!("{operation}({id:?}): expected InvalidParameter, got {other:?}"),
            }
            assert!(error.to_string().contains(operation), "{error}");
        }
    }
    assert_eq!(server.request_count(), 0, "nothing may be sent for an invalid id");
}

#[tokio::test]
async fn header_value_with_a_newline_fails_before_any_request() {
    let server = TestServer::start(api_router).await;
    let client = client(&server);

    let error = client
        .list_message_batches()
        .anthropic_workspace_id("wrkspc_1\r\nx-injected: yes")
        .await
        .unwrap_err();

    assert!(matches!(error, Error::InvalidParameter { operation: "listMessageBatches", .. }), "{error:?}");
    assert!(error.to_string().contains("anthropic-workspace-id"), "{error}");
    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn client_wide_header_with_a_newline_fails_to_build() {
    let result = Client::builder().api_key(API_KEY).anthropic_workspace_id("wrkspc\nx-injected: yes").build();
    match result {
        Err(ConfigError::InvalidHeader { name }) => assert_eq!(name, "anthropic-workspace-id"),
        other => panic!("expected ConfigError::InvalidHeader, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Results: the JSON Lines stream
// ---------------------------------------------------------------------------------------------

/// Serves 1000 result lines, each ended by `newline` but the last when `final_newline` is false,
/// in chunks of `chunk` bytes when given; every line must arrive decoded, in order.
async fn assert_1000_lines_arrive(newline: &str, final_newline: bool, chunk: Option<usize>) {
    let lines = result_lines(1000);
    let reply = jsonl_reply(jsonl(&lines, newline, final_newline));
    let reply = match chunk {
        Some(size) => reply.chunked(size),
        None => reply,
    };
    let (_server, items) = stream_results(reply).await;
    assert_results_match(&items, &lines);
}

#[tokio::test]
async fn results_lines_split_across_7_byte_chunks_arrive_whole_and_in_order() {
    assert_1000_lines_arrive("\n", true, Some(7)).await;
}

#[tokio::test]
async fn results_with_crlf_line_endings_decode_every_line() {
    assert_1000_lines_arrive("\r\n", true, Some(13)).await;
}

#[tokio::test]
async fn results_without_a_final_newline_still_decode_the_last_line() {
    assert_1000_lines_arrive("\n", false, None).await;
    assert_1000_lines_arrive("\r\n", false, Some(7)).await;
}

#[tokio::test]
async fn results_empty_body_is_an_empty_stream() {
    let (_server, items) = stream_results(jsonl_reply("")).await;
    assert!(items.is_empty(), "{items:?}");
}

#[tokio::test]
async fn results_bad_line_is_a_decode_error_with_its_line_number_and_the_stream_goes_on() {
    let good = result_lines(6);
    let text = |i: usize| serde_json::to_string(&good[i]).unwrap();
    // Line 2 is blank (skipped, but counted), line 4 is cut-off JSON, line 7 is JSON of the wrong shape.
    let body = [
        text(0),
        String::new(),
        text(1),
        "{\"custom_id\": \"broken\", \"result\": {\"type\": \"succ".to_owned(),
        text(2),
        text(3),
        "{\"custom_id\": 7}".to_owned(),
        text(4),
        text(5),
    ]
    .join("\n")
        + "\n";
    let (_server, items) = stream_results(jsonl_reply(body).chunked(5)).await;

    assert_eq!(items.len(), 8, "{items:?}");
    let ids: Vec<Option<&str>> =
        items.iter().map(|item| item.as_ref().ok().map(|r| r.custom_id.as_str())).collect();
    assert_eq!(
        ids,
        [
            Some("req-00000"),
            Some("req-00001"),
            None,
            Some("req-00002"),
            Some("req-00003"),
            None,
            Some("req-00004"),
            Some("req-00005")
        ]
    );
    let first = decode_error(&items[2]);
    assert_eq!(first.operation, "retrieveMessageBatchResults");
    assert_eq!(first.line, Some(4));
    assert!(first.excerpt.contains("broken"), "{first:?}");
    let message = items[2].as_ref().unwrap_err().to_string();
    assert!(message.contains("line 4") && message.contains("retrieveMessageBatchResults"), "{message}");
    assert_eq!(decode_error(&items[5]).line, Some(7));
}

#[tokio::test]
async fn results_invalid_utf8_line_is_a_decode_error_and_the_stream_goes_on() {
    let good = result_lines(3);
    let mut body = Vec::new();
    body.extend_from_slice(serde_json::to_string(&good[0]).unwrap().as_bytes());
    body.extend_from_slice(b"\n{\"custom_id\": \"caf\xe9\xff\", \"result\": {\"type\": \"canceled\"}}\n");
    body.extend_from_slice(serde_json::to_string(&good[1]).unwrap().as_bytes());
    body.push(b'\n');
    body.extend_from_slice(serde_json::to_string(&good[2]).unwrap().as_bytes());
    body.push(b'\n');

    let (_server, items) = stream_results(jsonl_reply(body).chunked(7)).await;

    assert_eq!(items.len(), 4, "{items:?}");
    assert_eq!(items[0].as_ref().unwrap().custom_id, "req-00000");
    assert_eq!(decode_error(&items[1]).line, Some(2));
    assert_eq!(items[2].as_ref().unwrap().custom_id, "req-00001");
    assert_eq!(items[3].as_ref().unwrap().custom_id, "req-00002");
}

/// The body of `lines`, and the byte offset just past line `complete` (1-based).
fn body_and_boundary(lines: &[Value], complete: usize) -> (Vec<u8>, usize) {
    let body = jsonl(lines, "\n", true);
    let boundary = jsonl(&lines[..complete], "\n", true).len();
    (body, boundary)
}

fn assert_truncated_after(items: &[ResultItem], lines: &[Value], complete: usize) {
    assert_eq!(items.len(), complete + 1, "{complete} lines then one error expected: {items:?}");
    assert_results_match(&items[..complete], &lines[..complete]);
    match items.last().unwrap() {
        Err(error @ Error::Truncated { operation, .. }) => {
            assert_eq!(*operation, "retrieveMessageBatchResults");
            assert!(error.to_string().contains("cut off"), "{error}");
        }
        other => panic!("expected Error::Truncated last, got {other:?}"),
    }
}

/// Serves 40 result lines as `reply(body, boundary)` shapes them, `boundary` being where line 25
/// ends; the stream must yield those 25 lines, then `Truncated`.
async fn assert_truncated_after_line_25(reply: impl FnOnce(Vec<u8>, usize) -> Reply) {
    let lines = result_lines(40);
    let (body, boundary) = body_and_boundary(&lines, 25);
    let (_server, items) = stream_results(reply(body, boundary)).await;
    assert_truncated_after(&items, &lines, 25);
}

#[tokio::test]
async fn results_body_cut_mid_line_ends_with_truncated_after_the_complete_lines() {
    assert_truncated_after_line_25(|body, boundary| jsonl_reply(body).cut_after(boundary + 40)).await;
}

#[tokio::test]
async fn results_body_cut_at_a_line_boundary_short_of_its_length_ends_with_truncated() {
    assert_truncated_after_line_25(|body, boundary| jsonl_reply(body).cut_after(boundary)).await;
}

#[tokio::test]
async fn results_chunked_body_cut_off_ends_with_truncated() {
    assert_truncated_after_line_25(|body, boundary| jsonl_reply(body).chunked(7).cut_after(boundary + 3))
        .await;
    // Cut exactly after a line: the missing last chunk still makes it a truncation.
    assert_truncated_after_line_25(|body, boundary| jsonl_reply(body).chunked(7).cut_after(boundary)).await;
}

#[tokio::test]
async fn results_of_a_batch_without_results_url_are_not_ready_and_nothing_is_fetched() {
    // An in-progress batch has `results_url: null`.
    let (server, _) = example_server("MessageBatch.in_progress.json").await;

    let error = client(&server).retrieve_message_batch_results(BATCH_ID).await.unwrap_err();

    match &error {
        Error::NotReady { operation, reason } => {
            assert_eq!(*operation, "retrieveMessageBatchResults");
            assert!(reason.contains("results_url"), "{reason}");
        }
        other => panic!("expected Error::NotReady, got {other:?}"),
    }
    let req = only_request(&server);
    assert_eq!(req.target, format!("{BATCHES}/{BATCH_ID}"), "only the batch lookup is sent");
}

#[tokio::test]
async fn not_ready_error_displays_its_operation_and_reason() {
    let (server, _) = example_server("MessageBatch.in_progress.json").await;

    let error = client(&server).retrieve_message_batch_results(BATCH_ID).await.unwrap_err();

    assert!(matches!(error, Error::NotReady { .. }), "{error:?}");
    let text = error.to_string();
    assert!(text.contains("retrieveMessageBatchResults"), "Display: {text:?}");
    assert!(text.contains("results_url"), "Display: {text:?}");
}

#[tokio::test]
async fn results_url_on_another_origin_is_fetched_without_the_api_key() {
    let lines = result_lines(3);
    let body = jsonl(&lines, "\n", true);
    let elsewhere = TestServer::start(move |_| jsonl_reply(body.clone())).await;
    let mut batch = example("MessageBatch.ended.json");
    batch["results_url"] = json!(format!("{}/files/results.jsonl?sig=abc", elsewhere.url()));
    let server = TestServer::start(move |_| Reply::json(200, &batch)).await;

    let stream = client(&server).retrieve_message_batch_results(BATCH_ID).await.expect("the stream opens");
    let items = collect(stream).await;

    let custom_ids: Vec<&str> = items.iter().map(|item| item.as_ref().unwrap().custom_id.as_str()).collect();
    assert_eq!(custom_ids, ["req-00000", "req-00001", "req-00002"]);
    assert_eq!(server.request_count(), 1);
    let req = only_request(&elsewhere);
    assert_eq!(req.path, "/files/results.jsonl");
    assert_eq!(query_all(&req, "sig"), ["abc"], "the URL's own query is kept");
    assert_eq!(req.header("x-api-key"), None, "the key went to a host named in a response");
}

// --- Resuming a broken results body -----------------------------------------------------------

/// A client that may re-request a broken body twice, without waiting long between tries.
fn resuming_client(server: &TestServer) -> Client {
    let tiny = Duration::from_millis(1);
    builder(server).max_retries(2).retry_delays(tiny, tiny, tiny).build().unwrap()
}

/// The results of `BATCH_ID` through `resuming_client`: the stream, read to its end, and its items.
async fn resumed_results(
    server: &TestServer,
) -> (JsonlStream<MessageBatchIndividualResponse, ErrorResponse>, Vec<ResultItem>) {
    let mut stream =
        resuming_client(server).retrieve_message_batch_results(BATCH_ID).await.expect("the stream opens");
    let items = (&mut stream).collect().await;
    (stream, items)
}

#[tokio::test]
async fn results_cut_mid_line_resume_with_a_range_request_and_every_line_arrives_once() {
    let lines = result_lines(40);
    let (body, boundary) = body_and_boundary(&lines, 25);
    let server = results_server_with(move |req| match req.range_start() {
        None => jsonl_reply(body.clone()).cut_after(boundary + 40),
        Some(from) => Reply::partial("application/x-jsonl", &body, from),
    })
    .await;

    let (stream, items) = resumed_results(&server).await;

    assert_results_match(&items, &lines);
    assert_eq!(stream.resumptions(), 1);
    let requests = results_requests(&server);
    assert_eq!(requests.len(), 2, "{requests:#?}");
    assert_eq!(requests[0].header("range"), None);
    assert_eq!(requests[1].header("range"), Some(format!("bytes={boundary}-").as_str()));
    assert_base_headers(&requests[1]);
    assert!(requests[1].header("accept").is_some_and(|a| a.contains("application/x-jsonl")));
}

#[tokio::test]
async fn results_resumed_from_a_server_that_ignores_range_skip_the_lines_already_yielded() {
    let lines = result_lines(40);
    let (body, boundary) = body_and_boundary(&lines, 25);
    let server = results_server_with(move |req| {
        let full = jsonl_reply(body.clone());
        // The first answer breaks off; the second ignores `Range` and sends the whole body again.
        if req.header("range").is_none() {
            full.cut_after(boundary + 40)
        } else {
            full
        }
    })
    .await;

    let (_, items) = resumed_results(&server).await;

    assert_results_match(&items, &lines);
    assert_eq!(results_requests(&server).len(), 2);
}

#[tokio::test]
async fn results_resumed_at_the_wrong_offset_end_with_truncated() {
    let lines = result_lines(40);
    let (body, boundary) = body_and_boundary(&lines, 25);
    let server = results_server_with(move |req| match req.header("range") {
        None => jsonl_reply(body.clone()).cut_after(boundary + 40),
        // Claims to resume, but from byte 0.
        Some(_) => Reply::partial("application/x-jsonl", &body, 0),
    })
    .await;

    let (_, items) = resumed_results(&server).await;

    assert_truncated_after(&items, &lines, 25);
}

#[tokio::test]
async fn results_that_keep_breaking_end_with_truncated_once_resumption_is_exhausted() {
    let lines = result_lines(40);
    let (body, boundary) = body_and_boundary(&lines, 25);
    let server = results_server_with(move |req| {
        // Every answer, range or not, breaks off before sending anything new.
        let from = req.range_start().unwrap_or(0);
        Reply::partial("application/x-jsonl", &body, from).cut_after(boundary + 40 - from.min(boundary))
    })
    .await;

    let (_, items) = resumed_results(&server).await;

    assert_truncated_after(&items, &lines, 25);
    assert_eq!(results_requests(&server).len(), 3, "the first request and two resumptions");
}

// ---------------------------------------------------------------------------------------------
// Configuration and credentials
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn base_url_that_is_not_an_http_url_fails_to_build() {
    for url in ["not a url", "ftp://example.com", "https://api.anthropic.com/?key=1"] {
        match Client::builder().base_url(url).api_key(API_KEY).build() {
            Err(ConfigError::InvalidBaseUrl { url: given, .. }) => {
                assert!(url.starts_with(&given), "{given}")
            }
            other => panic!("{url}: expected InvalidBaseUrl, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn build_without_api_key_fails_with_missing_credential() {
    let error = Client::builder().base_url("http://127.0.0.1:9").build().unwrap_err();
    match &error {
        ConfigError::MissingCredential { setter } => assert_eq!(*setter, "api_key"),
        other => panic!("expected MissingCredential, got {other:?}"),
    }
    assert!(error.to_string().contains("api_key"), "{error}");
}

#[tokio::test]
async fn api_key_never_appears_in_debug_output() {
    let secret = "sk-ant-api03-very-secret-key";
    let builder = Client::builder().base_url("http://127.0.0.1:9").api_key(secret);
    assert!(!format!("{builder:?}").contains(secret), "{builder:?}");
    let client = builder.build().unwrap();
    let debug = format!("{client:?}");
    assert!(!debug.contains(secret), "{debug}");
    assert!(!format!("{client:#?}").contains(secret));

    // Nor in a request builder's (errors are checked in `assert_api_error`).
    let request = client.retrieve_message_batch(BATCH_ID);
    assert!(!format!("{request:?}").contains(secret));
}

#[tokio::test]
async fn api_key_is_not_forwarded_to_another_origin_on_redirect() {
    let (elsewhere, _) = example_server("MessageBatch.seed_retrieve.json").await;
    let location = format!("{}{BATCHES}/{BATCH_ID}", elsewhere.url());
    let server = TestServer::start(move |_| Reply::empty(307).header("location", &location)).await;

    // Following the redirect or refusing it are both fine; sending the key along is not.
    let _ = client(&server).retrieve_message_batch(BATCH_ID).await;

    assert_eq!(server.request_count(), 1);
    for req in elsewhere.requests() {
        assert_eq!(req.header("x-api-key"), None, "the API key reached {}", elsewhere.url());
    }
}

// ---------------------------------------------------------------------------------------------
// Transport failures
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn reply_slower_than_the_timeout_is_a_timeout_error() {
    let server = TestServer::start(|_| {
        Reply::json(200, &example("MessageBatch.seed_retrieve.json")).delay(Duration::from_secs(2))
    })
    .await;
    let client = builder(&server).timeout(Duration::from_millis(200)).build().unwrap();

    let started = Instant::now();
    let error = client.retrieve_message_batch(BATCH_ID).await.unwrap_err();
    let elapsed = started.elapsed();

    assert!(matches!(error, Error::Timeout { operation: "retrieveMessageBatch", .. }), "{error:?}");
    assert!(elapsed < Duration::from_millis(1500), "gave up after {elapsed:?}");
    assert!(error.to_string().contains("retrieveMessageBatch"), "{error}");
    assert_eq!(error.status(), None);
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn server_closing_without_a_response_is_a_connection_error() {
    let server = TestServer::start(|_| Reply::close_without_response()).await;

    let error = client(&server).list_message_batches().await.unwrap_err();

    assert!(matches!(error, Error::Connection { operation: "listMessageBatches", .. }), "{error:?}");
    assert!(error.to_string().contains("listMessageBatches"), "{error}");
    assert_eq!(error.status(), None);
    assert_eq!(error.request_id(), None);
}

#[tokio::test]
async fn nothing_listening_is_a_connection_error() {
    // Take a free port, then close it again.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = builder_for(format!("http://127.0.0.1:{port}")).build().unwrap();

    let error = client.delete_message_batch(BATCH_ID).await.unwrap_err();

    assert!(matches!(error, Error::Connection { operation: "deleteMessageBatch", .. }), "{error:?}");
    assert!(!format!("{error:?}").contains(API_KEY));
}
