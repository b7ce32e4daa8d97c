//! Creates a batch of a few questions, waits until it ends, streams the results and prints one
//! line per request.
//!
//! ```sh
//! ANTHROPIC_API_KEY=sk-ant-... cargo run -p integration-tests --bin batch-summary
//! ```
//!
//! `ANTHROPIC_BASE_URL` points it elsewhere (the tests use a local server);
//! `BATCH_POLL_MILLIS` sets the first poll interval (default 10 s).

use anthropic_batches::types::{
    ContentBlock, CreateMessageBatchParams, MessageBatchRequest, MessageBatchResult, MessageContent,
    MessageCreateParams, MessageParam, MessageRole,
};
use anthropic_batches::Client;
use std::time::Duration;

const QUESTIONS: [(&str, &str); 3] = [
    ("capital-france", "What is the capital of France? One word."),
    ("haiku-rust", "Write a haiku about the borrow checker."),
    ("sum-primes", "What is the sum of the first ten primes? Only the number."),
];

fn request(custom_id: &str, question: &str) -> MessageBatchRequest {
    MessageBatchRequest {
        custom_id: custom_id.to_owned(),
        params: MessageCreateParams {
            model: "claude-sonnet-4-5".to_owned(),
            max_tokens: 256,
            messages: vec![MessageParam {
                role: MessageRole::User,
                content: MessageContent::from(question.to_owned()),
            }],
            ..Default::default()
        },
    }
}

fn summary(result: &MessageBatchResult) -> String {
    match result {
        MessageBatchResult::Succeeded(succeeded) => {
            let message = &succeeded.message;
            let text: String = message
                .content
                .iter()
                .filter_map(|block| match block {
                    ContentBlock::Text(text) => Some(text.text.as_str()),
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join(" ");
            let text: String =
                text.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(60).collect();
            let stop = message.stop_reason.as_ref().map_or("none", |reason| reason.as_str());
            format!(
                "succeeded ({stop}, {} in / {} out tokens): {text}",
                message.usage.input_tokens, message.usage.output_tokens
            )
        }
        MessageBatchResult::Errored(errored) => {
            format!("errored ({}): {}", errored.error.error.r#type, errored.error.error.message)
        }
        MessageBatchResult::Canceled(_) => "canceled".to_owned(),
        MessageBatchResult::Expired(_) => "expired".to_owned(),
        other => format!("a result type this client does not know: {other:?}"),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let poll = std::env::var("BATCH_POLL_MILLIS").ok().and_then(|text| text.parse().ok()).unwrap_or(10_000);

    let requests = QUESTIONS.iter().map(|(id, question)| request(id, question)).collect();
    let batch = client.create_message_batch(CreateMessageBatchParams { requests }).await?;
    println!("created {} ({} requests)", batch.id, QUESTIONS.len());

    let batch = client.wait_until_ended(&batch.id).poll_interval(Duration::from_millis(poll)).await?;
    let counts = &batch.request_counts;
    println!(
        "ended: {} succeeded, {} errored, {} canceled, {} expired",
        counts.succeeded, counts.errored, counts.canceled, counts.expired
    );

    let mut results = client.retrieve_message_batch_results(&batch.id).await?;
    let mut lines = Vec::new();
    while let Some(line) = results.next().await {
        let line = line?;
        lines.push(format!("{}: {}", line.custom_id, summary(&line.result)));
    }
    // Results come in no particular order; print them in request order.
    lines.sort();
    for line in lines {
        println!("{line}");
    }
    Ok(())
}
