//! End-to-end tests of the generated command-line tool (`generated/`, built with its `cli`
//! feature) against the scripted server: paging, a results download stopped and resumed, a
//! waiter, and the exit code of each kind of failure.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use integration_tests::assert_snapshot;
use integration_tests::support::fixtures::{example, examples_of};
use integration_tests::support::process::{run, Finished};
use integration_tests::support::server::{RecordedRequest, Reply, TestServer};
use serde_json::Value;

/// The tool, built once for this test binary into a target folder of its own (its `cli`
/// feature must not change how the rest of the workspace is built).
fn tool() -> &'static Path {
    static TOOL: OnceLock<PathBuf> = OnceLock::new();
    TOOL.get_or_init(|| {
        let root = xtask::root();
        let target = root.join("target").join("cli-tool");
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut build = Command::new(cargo);
        build
            .current_dir(&root)
            .args([
                "build",
                "--quiet",
                "-p",
                "anthropic-batches",
                "--features",
                "cli",
                "--bin",
                "anthropic-batches",
            ])
            .env("CARGO_TARGET_DIR", &target);
        let built = run(&mut build, Some(Duration::from_secs(900))).expect("cargo runs");
        assert!(built.success(), "{}", built.report());
        target.join("debug").join("anthropic-batches")
    })
}

/// Runs the tool against the server at `url` with `args` (the key from the environment), on a
/// blocking thread so that the test's server keeps answering.
async fn tool_run(url: String, args: &[&str]) -> Finished {
    let args: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        let mut command = Command::new(tool());
        command
            .args(["--base-url", &url])
            .args(&args)
            .env("ANTHROPIC_API_KEY", "sk-test")
            .env_remove("ANTHROPIC_BASE_URL");
        run(&mut command, Some(Duration::from_secs(120))).expect("the tool runs")
    })
    .await
    .expect("joined")
}

fn code(finished: &Finished) -> i32 {
    finished.status.code().unwrap_or(-1)
}

/// A scratch file path of this test process.
fn scratch(name: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("cli-e2e-{}-{name}", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path
}

fn batch_json(id: &str, status: &str, results_url: Option<&str>) -> Value {
    let mut batch =
        example(if status == "ended" { "MessageBatch.ended.json" } else { "MessageBatch.in_progress.json" });
    batch["id"] = Value::from(id);
    batch["processing_status"] = Value::from(status);
    batch["results_url"] = results_url.map_or(Value::Null, Value::from);
    batch
}

/// One page of `ids` for a listing request that pages forward with `after_id`.
fn list_page(ids: &[String], req: &RecordedRequest) -> Reply {
    let limit: usize = req.query_param("limit").map_or(20, |l| l.parse().expect("numeric limit"));
    let start = match req.query_param("after_id") {
        Some(after) => ids.iter().position(|id| id == after).expect("known cursor") + 1,
        None => 0,
    };
    let end = (start + limit).min(ids.len());
    let data: Vec<Value> = ids[start..end].iter().map(|id| batch_json(id, "in_progress", None)).collect();
    Reply::json(
        200,
        &serde_json::json!({
            "data": data,
            "first_id": ids[start..end].first(),
            "last_id": ids[start..end].last(),
            "has_more": end < ids.len(),
        }),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_all_writes_2500_batches_in_25_requests_each_id_once() {
    let ids: Arc<Vec<String>> = Arc::new((0..2500).map(|i| format!("msgbatch_{i:05}")).collect());
    let served = Arc::clone(&ids);
    let server = TestServer::start(move |req| list_page(&served, req)).await;
    let finished = tool_run(server.url(), &["list", "--all", "--limit", "100"]).await;
    assert!(finished.success(), "{}", finished.report());
    let got: Vec<String> = finished
        .stdout
        .lines()
        .map(|line| {
            serde_json::from_str::<Value>(line).expect("a JSON line")["id"]
                .as_str()
                .expect("an id")
                .to_owned()
        })
        .collect();
    assert_eq!(got, *ids, "every id once, in order");
    assert_eq!(server.request_count(), 25, "2,500 batches, 100 a page");
}

/// A results body of `lines` lines, each a results line from the examples with its own id.
fn results_body(lines: usize) -> Arc<Vec<u8>> {
    let examples = examples_of("MessageBatchIndividualResponse");
    let mut body = Vec::new();
    for index in 0..lines {
        let mut line = examples[index % examples.len()].1.clone();
        line["custom_id"] = Value::from(format!("request-{index:06}"));
        body.extend(serde_json::to_vec(&line).expect("serializes"));
        body.push(b'\n');
    }
    Arc::new(body)
}

/// A server with one ended batch `b1` whose results are `body`, served slowly, honouring
/// `Range`.
async fn results_server(body: Arc<Vec<u8>>) -> TestServer {
    let url = Arc::new(OnceLock::<String>::new());
    let seen = Arc::clone(&url);
    let server = TestServer::start(move |req| match req.path.as_str() {
        "/v1/messages/batches/b1" => {
            let results = format!("{}/results/b1", seen.get().expect("url known"));
            Reply::json(200, &batch_json("b1", "ended", Some(&results)))
        }
        "/results/b1" => {
            let start = req.range_start().unwrap_or(0);
            let reply = match start {
                0 => Reply::bytes(200, "application/binary", body.to_vec()),
                start => Reply::partial("application/binary", &body, start),
            };
            reply.paced(4096, Duration::from_millis(2))
        }
        other => Reply::json(
            404,
            &serde_json::json!({"type": "error", "error": {"type": "not_found_error", "message": other}}),
        ),
    })
    .await;
    url.set(server.url()).expect("set once");
    server
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_download_stopped_at_a_random_point_and_run_again_is_identical() {
    let body = results_body(3000);
    let server = results_server(Arc::clone(&body)).await;
    let path = scratch("results.jsonl");
    // Stop it once part of the body is written, at a point that differs from run to run.
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.subsec_nanos() as usize);
    let stop_at = body.len() / 10 + nanos % (body.len() * 7 / 10);
    let (url, file) = (server.url(), path.clone());
    let stopped = tokio::task::spawn_blocking(move || {
        let mut child = Command::new(tool())
            .args(["--base-url", &url, "--quiet", "retrieve-results", "b1", "--output"])
            .arg(&file)
            .env("ANTHROPIC_API_KEY", "sk-test")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starts");
        let started = Instant::now();
        loop {
            let written = std::fs::metadata(&file).map_or(0, |meta| meta.len() as usize);
            if written >= stop_at || started.elapsed() > Duration::from_secs(60) {
                break;
            }
            if child.try_wait().expect("waits").is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        child.kill().expect("killed");
        child.wait().expect("reaped");
        std::fs::metadata(&file).map_or(0, |meta| meta.len() as usize)
    })
    .await
    .expect("joined");
    assert!(stopped < body.len(), "stopped before the end ({stopped} of {} bytes)", body.len());
    let requests_before = server.request_count();
    let again =
        tool_run(server.url(), &["retrieve-results", "b1", "--output", &path.to_string_lossy()]).await;
    assert!(again.success(), "{}", again.report());
    let written = std::fs::read(&path).expect("the file");
    assert!(
        written == *body,
        "the resumed file differs from the body ({} vs {} bytes)",
        written.len(),
        body.len()
    );
    // The second run asked only for the rest.
    let resumed = &server.requests()[requests_before..];
    let range = resumed.iter().find(|req| req.path == "/results/b1").and_then(RecordedRequest::range_start);
    assert!(range.is_some_and(|start| start > 0 && start <= stopped), "{:?}", range);
    assert!(again.stderr.contains("done: 3000 lines"), "{}", again.stderr);
    let _ = std::fs::remove_file(&path);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wait_ends_on_ended_and_shows_each_poll_with_counts() {
    let polls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = Arc::clone(&polls);
    let server = TestServer::start(move |_req| {
        let poll = counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let mut batch = batch_json("b1", if poll < 2 { "in_progress" } else { "ended" }, None);
        batch["request_counts"] = serde_json::json!({
            "processing": 10 - 5 * poll.min(2), "succeeded": 5 * poll.min(2), "errored": 0, "canceled": 0, "expired": 0
        });
        Reply::json(200, &batch)
    })
    .await;
    let finished = tool_run(server.url(), &["wait-until-ended", "b1", "--interval", "0.01"]).await;
    assert!(finished.success(), "{}", finished.report());
    let result: Value = serde_json::from_str(&finished.stdout).expect("the final batch as JSON");
    assert_eq!(result["processing_status"], "ended");
    let status: Vec<&str> = finished.stderr.lines().collect();
    assert_eq!(status.len(), 3, "{}", finished.stderr);
    assert!(
        status[0].starts_with("state: in_progress, polls: 1, elapsed: ")
            && status[0].ends_with(", 0 of 10 done"),
        "{}",
        status[0]
    );
    assert!(
        status[1].starts_with("state: in_progress, polls: 2,") && status[1].ends_with(", 5 of 10 done"),
        "{}",
        status[1]
    );
    assert!(
        status[2].starts_with("state: ended, polls: 3,") && status[2].ends_with(", 10 of 10 done"),
        "{}",
        status[2]
    );
    assert_eq!(server.request_count(), 3);
}

/// The exit code and stderr of `retrieve b1` against a server that always answers `reply`.
async fn retrieve_against(reply: Reply, retries: &str) -> Finished {
    let server = TestServer::start(move |_req| reply.clone()).await;
    tool_run(server.url(), &["--max-retries", retries, "retrieve", "b1"]).await
}

fn error_reply(status: u16, file: &str) -> Reply {
    Reply::json(status, &example(file)).header("request-id", "req_42").header("retry-after", "0")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_kind_of_failure_has_its_exit_code_and_a_message_to_act_on() {
    let cases = [
        (error_reply(401, "ErrorResponse.authentication.json"), "0", 3),
        (error_reply(404, "ErrorResponse.not_found.json"), "0", 4),
        (error_reply(429, "ErrorResponse.rate_limit.json"), "2", 5),
        (error_reply(500, "ErrorResponse.api.json"), "2", 6),
        (Reply::bytes(200, "application/json", b"{\"id\": 5".to_vec()), "0", 9),
    ];
    for (reply, retries, expected) in cases {
        let finished = retrieve_against(reply, retries).await;
        assert_eq!(code(&finished), expected, "{}", finished.report());
        assert!(finished.stderr.starts_with("error: "), "{}", finished.report());
        if expected != 9 {
            assert!(finished.stderr.contains("(request-id req_42)"), "{}", finished.report());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_download_cut_off_for_good_exits_10_and_keeps_the_complete_lines() {
    let body = results_body(50);
    let url = Arc::new(OnceLock::<String>::new());
    let seen = Arc::clone(&url);
    let cut = body.len() / 2;
    let served = Arc::clone(&body);
    let server = TestServer::start(move |req| match req.path.as_str() {
        "/v1/messages/batches/b1" => {
            let results = format!("{}/results/b1", seen.get().expect("url known"));
            Reply::json(200, &batch_json("b1", "ended", Some(&results)))
        }
        _ => Reply::bytes(200, "application/binary", served.to_vec()).cut_after(cut),
    })
    .await;
    url.set(server.url()).expect("set once");
    let path = scratch("cut.jsonl");
    let file = path.to_string_lossy();
    let finished =
        tool_run(server.url(), &["--max-retries", "1", "retrieve-results", "b1", "--output", &file]).await;
    assert_eq!(code(&finished), 10, "{}", finished.report());
    assert!(finished.stderr.contains("run the same command again to continue"), "{}", finished.report());
    let kept = std::fs::read(&path).expect("the file");
    let complete = body[..cut].iter().rposition(|byte| *byte == b'\n').map_or(0, |end| end + 1);
    assert_eq!(kept.len(), complete, "only complete lines are kept");
    assert!(kept[..] == body[..complete]);
    let _ = std::fs::remove_file(&path);
}

#[test]
fn help_of_the_tool_and_of_a_command() {
    let help = |args: &[&str]| {
        let mut command = Command::new(tool());
        command.args(args);
        let finished = run(&mut command, Some(Duration::from_secs(60))).expect("runs");
        assert!(finished.success(), "{}", finished.report());
        finished.stdout
    };
    assert_snapshot!("cli_help", help(&["--help"]));
    assert_snapshot!("cli_help_list", help(&["list-message-batches", "--help"]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_does_not_fit_its_type_is_refused_before_sending_with_its_path() {
    let server = TestServer::start(|_req| Reply::json(200, &batch_json("b1", "in_progress", None))).await;
    let body = scratch("body.json");
    std::fs::write(&body, r#"{"requests": [{"custom_id": "a", "params": {"model": "m", "max_tokens": "many", "messages": []}}]}"#)
        .expect("written");
    let refused = tool_run(server.url(), &["create", "--body", &body.to_string_lossy()]).await;
    let requests = server.request_count();
    assert_eq!(code(&refused), 2, "{}", refused.report());
    assert!(refused.stderr.contains("at `requests[0].params.max_tokens`"), "{}", refused.report());
    assert_eq!(requests, 0, "nothing was sent");
    let _ = std::fs::remove_file(&body);
}

#[test]
fn without_the_key_in_the_environment_it_says_which_variable_to_set() {
    let mut command = Command::new(tool());
    command.args(["--base-url", "http://127.0.0.1:9", "retrieve", "b1"]).env_remove("ANTHROPIC_API_KEY");
    let finished = run(&mut command, Some(Duration::from_secs(60))).expect("runs");
    assert_eq!(code(&finished), 3, "{}", finished.report());
    assert!(finished.stderr.contains("set `ANTHROPIC_API_KEY`"), "{}", finished.report());
}
