//! Nothing the server sends is lost, and anything can be sent: the bundled client against the
//! scripted server, with fields and block types that `spec/openapi.yaml` does not name.
//!
//! - A results line keeps its JSON text beside the typed value (`next_with_raw`): an unknown
//!   content block is `ContentBlock::Unknown`, and a field the spec does not name is listed by
//!   `Raw::unknown_fields` with its JSON pointer.
//! - A request can carry a field the spec does not name at any depth (`extra_body_at`), for
//!   example inside each batch request's `params`; the wire shows it where it was put.

use anthropic_batches::types::{
    ContentBlock, CreateMessageBatchParams, MessageBatchIndividualResponse, MessageBatchResult,
};
use anthropic_batches::{Client, Error};
use integration_tests::support::fixtures::example;
use integration_tests::support::server::{RecordedRequest, Reply, TestServer};
use serde_json::{json, Value};

const BATCH_ID: &str = "msgbatch_01UnknownFields";

fn client(server: &TestServer) -> Client {
    Client::builder().base_url(server.url()).api_key("sk-test").max_retries(0).build().expect("builds")
}

/// A succeeded result line with what a later API version might add: a field on the message, a
/// field on its usage, and a content block of a type the spec does not list.
fn line_from_the_future() -> Value {
    let mut line = example("MessageBatchIndividualResponse.succeeded_text.json");
    let message = &mut line["result"]["message"];
    message["safety_report"] = json!({"level": "low", "checked": ["bio", "cyber"]});
    message["usage"]["carbon_grams"] = json!(0.42);
    message["content"].as_array_mut().expect("content").push(json!({"type": "hologram", "frames": 24}));
    line
}

/// Answers the batch lookup with an ended batch whose `results_url` points back here, and the
/// results with `lines`, written `chunk` bytes at a time when given (so that lines straddle
/// network chunks).
async fn results_server(lines: Vec<Value>, chunk: Option<usize>) -> TestServer {
    let body: String = lines.iter().map(|line| format!("{line}\n")).collect();
    TestServer::start(move |req: &RecordedRequest| {
        if req.path.ends_with("/results") {
            let reply = Reply::bytes(200, "application/x-jsonl", body.clone());
            return match chunk {
                Some(size) => reply.chunked(size),
                None => reply,
            };
        }
        let mut batch = example("MessageBatch.ended.json");
        let host = req.header("host").expect("a host header");
        batch["results_url"] = json!(format!("http://{host}{}/results", req.path));
        Reply::json(200, &batch)
    })
    .await
}

#[tokio::test]
async fn a_results_line_keeps_unknown_fields_and_block_types_reachable() {
    let known = example("MessageBatchIndividualResponse.succeeded_web_fetch.json");
    let server = results_server(vec![line_from_the_future(), known], None).await;
    let mut stream =
        client(&server).retrieve_message_batch_results(BATCH_ID).await.expect("the stream opens");

    let first = stream.next_with_raw().await.expect("a first line").expect("it decodes");
    // The typed value: known fields as usual, the new block kept whole as `Unknown`.
    let MessageBatchResult::Succeeded(succeeded) = &first.result else { panic!("{:?}", first.result) };
    let blocks = &succeeded.message.content;
    assert!(matches!(&blocks[0], ContentBlock::Text(text) if !text.text.is_empty()), "{blocks:?}");
    assert!(
        matches!(&blocks[1], ContentBlock::Unknown(raw) if raw["type"] == "hologram" && raw["frames"] == 24),
        "{blocks:?}"
    );
    // The fields no type names: listed with where they were, and the line's text is all there.
    assert_eq!(
        first.unknown_fields(),
        [
            (
                "/result/message/safety_report".to_owned(),
                json!({"level": "low", "checked": ["bio", "cyber"]})
            ),
            ("/result/message/usage/carbon_grams".to_owned(), json!(0.42)),
        ]
    );
    let text: Value = serde_json::from_slice(first.json()).expect("the kept text is the line's JSON");
    assert_eq!(text, line_from_the_future());

    // A line the types cover has nothing left over; plain `next()` still yields the value alone.
    let second = stream.next_with_raw().await.expect("a second line").expect("it decodes");
    assert_eq!(second.unknown_fields(), []);
    assert_eq!(second.custom_id, "request-web-fetch");
    assert!(stream.next().await.is_none(), "two lines in all");
}

#[tokio::test]
async fn next_and_next_with_raw_decode_the_same_values_when_lines_straddle_chunks() {
    let lines =
        vec![line_from_the_future(), example("MessageBatchIndividualResponse.succeeded_code_execution.json")];
    let server = results_server(lines.clone(), Some(97)).await;
    let client = client(&server);

    let mut plain = client.retrieve_message_batch_results(BATCH_ID).await.expect("opens");
    let mut with_raw = client.retrieve_message_batch_results(BATCH_ID).await.expect("opens");
    for line in &lines {
        let expected: MessageBatchIndividualResponse = serde_json::from_value(line.clone()).expect("decodes");
        let value = plain.next().await.expect("a line").expect("decodes");
        let raw = with_raw.next_with_raw().await.expect("a line").expect("decodes");
        assert_eq!(value, expected);
        assert_eq!(raw.value, expected);
        assert_eq!(serde_json::from_slice::<Value>(raw.json()).expect("JSON"), *line);
    }
}

/// Answers a create call with an in-progress batch.
async fn create_server() -> TestServer {
    TestServer::start(|_: &RecordedRequest| Reply::json(200, &example("MessageBatch.in_progress.json"))).await
}

#[tokio::test]
async fn an_unknown_field_inside_each_requests_params_reaches_the_wire() {
    let server = create_server().await;
    let body = example("CreateMessageBatchParams.seed_style_two_requests.json");
    let params: CreateMessageBatchParams = serde_json::from_value(body.clone()).expect("decodes");
    let count = params.requests.len();
    let client = client(&server);
    let mut call = client.create_message_batch(params);
    for index in 0..count {
        call = call.extra_body_at(
            format!("/requests/{index}/params/speculative_decoding"),
            json!({"draft": "fast"}),
        );
    }
    call = call.extra_body_at("/requests/0/params/metadata/tenant", json!("t-7"));
    call.await.expect("create succeeds");

    let sent = server.requests().pop().expect("one request").json();
    let mut expected = body;
    for index in 0..count {
        expected["requests"][index]["params"]["speculative_decoding"] = json!({"draft": "fast"});
    }
    // Objects missing on the way are created.
    expected["requests"][0]["params"]["metadata"] = json!({"tenant": "t-7"});
    assert_eq!(sent, expected, "the body on the wire");
}

#[tokio::test]
async fn a_pointer_that_does_not_fit_the_body_fails_before_anything_is_sent() {
    let server = create_server().await;
    let params: CreateMessageBatchParams =
        serde_json::from_value(example("CreateMessageBatchParams.minimal.json")).expect("decodes");
    let error = client(&server)
        .create_message_batch(params)
        .extra_body_at("/requests/9/params/x", json!(1))
        .await
        .expect_err("no request 9");
    assert!(
        matches!(&error, Error::InvalidParameter { reason, .. } if reason.contains("/requests/9/params/x")),
        "{error:?}"
    );
    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn a_json_response_keeps_its_body_and_lists_what_the_types_do_not_name() {
    let mut batch = example("MessageBatch.ended.json");
    batch["priority"] = json!("high");
    batch["request_counts"]["retried"] = json!(3);
    let reply = batch.clone();
    let server = TestServer::start(move |_: &RecordedRequest| Reply::json(200, &reply)).await;

    let response = client(&server)
        .retrieve_message_batch(BATCH_ID)
        .send_with_response()
        .await
        .expect("retrieve succeeds");
    assert_eq!(response.value.id, batch["id"].as_str().expect("an id"));
    assert_eq!(
        response.unknown_fields(),
        [("/priority".to_owned(), json!("high")), ("/request_counts/retried".to_owned(), json!(3))]
    );
    assert_eq!(serde_json::from_slice::<Value>(&response.body).expect("the body is JSON"), batch);
}
