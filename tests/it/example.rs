//! The example program (`batch-summary`) runs end to end against a local server that plays the
//! API: create, poll until ended, stream results.

use integration_tests::support::fixtures::example;
use integration_tests::support::process;
use integration_tests::support::server::{RecordedRequest, Reply, TestServer};
use serde_json::{json, Value};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

fn batch(id: &str, status: &str, results_url: Option<String>) -> Value {
    let mut batch = example("MessageBatch.ended.json");
    batch["id"] = json!(id);
    batch["processing_status"] = json!(status);
    batch["results_url"] = json!(results_url);
    batch["request_counts"] =
        json!({"processing": 0, "succeeded": 1, "errored": 1, "canceled": 0, "expired": 1});
    batch
}

fn result_line(case: &str, custom_id: &str) -> String {
    let mut line = example(&format!("MessageBatchIndividualResponse.{case}.json"));
    line["custom_id"] = json!(custom_id);
    serde_json::to_string(&line).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn batch_summary_creates_waits_and_prints_every_result() {
    let polls = Arc::new(AtomicUsize::new(0));
    let url = Arc::new(std::sync::OnceLock::<String>::new());
    let (handler_polls, handler_url) = (polls.clone(), url.clone());
    let server = TestServer::start(move |request: &RecordedRequest| {
        let base = handler_url.get().cloned().unwrap_or_default();
        match (request.method.as_str(), request.path.as_str()) {
            ("POST", "/v1/messages/batches") => {
                let body = request.json();
                assert_eq!(body["requests"].as_array().map(Vec::len), Some(3));
                Reply::json(200, &batch("msgbatch_example", "in_progress", None))
            }
            ("GET", "/v1/messages/batches/msgbatch_example") => {
                if handler_polls.fetch_add(1, Ordering::SeqCst) < 2 {
                    Reply::json(200, &batch("msgbatch_example", "in_progress", None))
                } else {
                    let results = format!("{base}/v1/messages/batches/msgbatch_example/results");
                    Reply::json(200, &batch("msgbatch_example", "ended", Some(results)))
                }
            }
            ("GET", "/v1/messages/batches/msgbatch_example/results") => {
                let body = [
                    result_line("expired", "sum-primes"),
                    result_line("succeeded_text", "capital-france"),
                    result_line("errored", "haiku-rust"),
                ]
                .join("\n");
                Reply::bytes(200, "application/binary", body)
            }
            other => Reply::json(404, &json!({"type": "error", "error": {"type": "not_found_error", "message": format!("{other:?}")}})),
        }
    })
    .await;
    url.set(server.url()).unwrap();

    let binary = env!("CARGO_BIN_EXE_batch-summary");
    let base_url = server.url();
    let finished = tokio::task::spawn_blocking(move || {
        let mut command = Command::new(binary);
        command
            .env("ANTHROPIC_API_KEY", "sk-example")
            .env("ANTHROPIC_BASE_URL", base_url)
            .env("BATCH_POLL_MILLIS", "5");
        process::run(process::loopback_only(&mut command), Some(Duration::from_secs(60)))
    })
    .await
    .unwrap()
    .unwrap_or_else(|error| panic!("{error}"));
    assert!(finished.success(), "{}", finished.report());
    let stdout = &finished.stdout;

    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "created msgbatch_example (3 requests)");
    assert_eq!(lines[1], "ended: 1 succeeded, 1 errored, 0 canceled, 1 expired");
    assert!(lines[2].starts_with("capital-france: succeeded (end_turn,"), "{stdout}");
    assert!(lines[3].starts_with("haiku-rust: errored ("), "{stdout}");
    assert_eq!(lines[4], "sum-primes: expired");
    assert_eq!(lines.len(), 5, "{stdout}");

    assert_eq!(polls.load(Ordering::SeqCst), 4, "three polls of the waiter, one retrieve before the results");
    let requests = server.requests();
    assert!(requests.iter().all(|r| r.header("x-api-key") == Some("sk-example")));
    let results = requests.iter().find(|r| r.path.ends_with("/results")).expect("results were fetched");
    assert_eq!(results.header("accept"), Some("application/x-jsonl"));
}
