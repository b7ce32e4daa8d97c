//! Every JSON example (from the seed documents and the API facts) decodes into its generated type
//! and encodes back to the same JSON.

use anthropic_batches::types;
use integration_tests::support::fixtures::{example, fixture, fixture_names};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::fs;
use xtask::github::plural;

/// Decodes `json` as `T`, encodes it again, and returns the re-encoded value.
fn round_trip<T: DeserializeOwned + Serialize>(name: &str, json: &Value) -> Value {
    let decoded: T = serde_json::from_value(json.clone())
        .unwrap_or_else(|error| panic!("{name}: does not decode: {error}"));
    serde_json::to_value(&decoded).unwrap_or_else(|error| panic!("{name}: does not encode: {error}"))
}

fn round_trip_as(schema: &str, name: &str, json: &Value) -> Value {
    match schema {
        "CreateMessageBatchParams" => round_trip::<types::CreateMessageBatchParams>(name, json),
        "DeletedMessageBatch" => round_trip::<types::DeletedMessageBatch>(name, json),
        "ErrorResponse" => round_trip::<types::ErrorResponse>(name, json),
        "MessageBatch" => round_trip::<types::MessageBatch>(name, json),
        "MessageBatchIndividualResponse" => round_trip::<types::MessageBatchIndividualResponse>(name, json),
        "MessageBatchList" => round_trip::<types::MessageBatchList>(name, json),
        other => panic!("{name}: no type is mapped for schema `{other}`; add it to round_trip_as"),
    }
}

/// The first content block that `pick` takes, in the message of the succeeded result
/// `examples/<name>` (decoded from the file's text); panics naming `what` when there is none.
fn first_block<T>(name: &str, what: &str, pick: impl Fn(types::ContentBlock) -> Option<T>) -> T {
    let text = fs::read_to_string(fixture(&format!("examples/{name}"))).expect("example");
    let response: types::MessageBatchIndividualResponse = serde_json::from_str(&text).expect("decodes");
    let types::MessageBatchResult::Succeeded(succeeded) = response.result else {
        panic!("{name}: expected a succeeded result, got {:?}", response.result);
    };
    succeeded.message.content.into_iter().find_map(pick).unwrap_or_else(|| panic!("{name}: no {what}"))
}

#[test]
fn every_example_round_trips_to_equal_json() {
    let names = fixture_names("examples", ".json");
    assert!(names.len() >= 30, "expected the full example corpus, found {} files", names.len());
    let mut failures = Vec::new();
    for name in &names {
        let json = example(name);
        let schema = name.split('.').next().unwrap_or_default();
        let encoded = round_trip_as(schema, name, &json);
        if encoded != json {
            failures.push(format!(
                "{name}:\n  expected {}\n  got      {}",
                serde_json::to_string(&json).unwrap_or_default(),
                serde_json::to_string(&encoded).unwrap_or_default()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} changed on a round trip:\n{}",
        plural(failures.len(), "example"),
        failures.join("\n")
    );
}

#[test]
fn seed_batch_decodes_into_typed_fields() {
    let text = fs::read_to_string(fixture("examples/MessageBatch.seed_retrieve.json")).expect("seed example");
    let batch: types::MessageBatch = serde_json::from_str(&text).expect("seed decodes");
    assert_eq!(batch.id, "msgbatch_013Zva2CMHLNnXjNJJKqJ2EF");
    assert_eq!(batch.processing_status, types::MessageBatchProcessingStatus::InProgress);
    assert_eq!(batch.request_counts.processing, 100);
    assert_eq!(batch.request_counts.succeeded, 50);
    assert_eq!(batch.created_at.to_rfc3339(), "2024-08-20T18:37:24.100435+00:00");
    assert_eq!(
        batch.results_url.as_deref(),
        Some("https://api.anthropic.com/v1/messages/batches/msgbatch_013Zva2CMHLNnXjNJJKqJ2EF/results")
    );
}

#[test]
fn unknown_variants_and_enum_values_are_kept() {
    let name = "MessageBatchIndividualResponse.succeeded_unknown_block.json";
    let unknown = first_block(name, "future block kept as Unknown", |block| match block {
        types::ContentBlock::Unknown(raw) => Some(raw),
        _ => None,
    });
    assert_eq!(unknown["type"], "future_block");

    let status: types::MessageBatchProcessingStatus =
        serde_json::from_str("\"archiving\"").expect("open enum");
    assert_eq!(status, types::MessageBatchProcessingStatus::Unknown("archiving".to_owned()));
    assert_eq!(serde_json::to_string(&status).expect("encodes"), "\"archiving\"");
}

#[test]
fn a_known_variant_with_a_bad_field_is_an_error_not_unknown() {
    // A malformed known variant must not silently become `Unknown`: that would lose the error.
    let result =
        serde_json::from_str::<types::ContentBlock>(r#"{"type": "text", "text": 5, "citations": null}"#);
    assert!(result.is_err(), "decoded a malformed text block: {result:?}");
}

#[test]
fn constant_tags_are_written_on_encode() {
    let block =
        types::ContentBlockParam::from(types::TextBlockParam { text: "hi".to_owned(), ..Default::default() });
    let json = serde_json::to_value(&block).expect("encodes");
    assert_eq!(json, serde_json::json!({"type": "text", "text": "hi"}));
}

#[test]
fn a_block_type_added_to_the_spec_decodes_into_its_own_variant() {
    // The realistic regeneration of 0.1.1 added `web_fetch_tool_result`; before it, this line
    // decoded as `ContentBlock::Unknown` (and still round-tripped). Its first steps are those of
    // `unknown_variants_and_enum_values_are_kept` with the other variant picked.
    let name = "MessageBatchIndividualResponse.succeeded_web_fetch.json";
    let fetched = first_block(name, "web fetch result block", |block| match block {
        types::ContentBlock::WebFetchToolResult(block) => Some(block),
        _ => None,
    });
    assert_eq!(fetched.tool_use_id, "srvtoolu_01WebFetch");
    let types::WebFetchToolResultBlockContent::WebFetchResult(page) = fetched.content else {
        panic!("expected a fetched page, got {:?}", fetched.content);
    };
    assert_eq!(page.url, "https://example.com/rust-2024");
}

#[test]
fn a_union_decodes_the_same_whether_its_tag_comes_first_or_last() {
    // Tag first is decoded straight from the input; tag later is buffered first. Same result.
    let first = r#"{"type": "succeeded", "message": {"type": "message", "id": "msg_1", "role": "assistant", "model": "m",
        "content": [{"type": "text", "text": "hi", "citations": null}, {"type": "future_block", "x": 1}],
        "stop_reason": "end_turn", "stop_sequence": null,
        "usage": {"input_tokens": 1, "output_tokens": 2, "cache_creation_input_tokens": null, "cache_read_input_tokens": null,
                  "cache_creation": null, "server_tool_use": null, "service_tier": null}}}"#;
    let last = r#"{"message": {"id": "msg_1", "role": "assistant", "model": "m",
        "content": [{"text": "hi", "citations": null, "type": "text"}, {"x": 1, "type": "future_block"}],
        "stop_reason": "end_turn", "stop_sequence": null, "type": "message",
        "usage": {"input_tokens": 1, "output_tokens": 2, "cache_creation_input_tokens": null, "cache_read_input_tokens": null,
                  "cache_creation": null, "server_tool_use": null, "service_tier": null}}, "type": "succeeded"}"#;
    let from_first: types::MessageBatchResult = serde_json::from_str(first).expect("tag first decodes");
    let from_last: types::MessageBatchResult = serde_json::from_str(last).expect("tag last decodes");
    assert_eq!(from_first, from_last);
    let types::MessageBatchResult::Succeeded(succeeded) = &from_first else { panic!("{from_first:?}") };
    assert!(matches!(&succeeded.message.content[0], types::ContentBlock::Text(text) if text.text == "hi"));
    assert!(
        matches!(&succeeded.message.content[1], types::ContentBlock::Unknown(raw) if raw["x"] == 1 && raw["type"] == "future_block")
    );
    // A known tag with a malformed body is an error on both paths, never `Unknown`.
    assert!(serde_json::from_str::<types::ContentBlock>(r#"{"type": "text", "text": 5}"#).is_err());
    assert!(serde_json::from_str::<types::ContentBlock>(r#"{"text": 5, "type": "text"}"#).is_err());
}
