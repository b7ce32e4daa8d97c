//! The benchmark's data, built in memory from the fixtures: a JSON Lines results body of
//! realistic lines (succeeded, errored, canceled and expired, unique `custom_id`s, succeeded
//! messages padded with long generated prose), the ended batch that points at it, and the
//! pages of a long listing.

use std::collections::HashMap;

use integration_tests::support::fixtures::{fixture, try_example};
use serde_json::Value;

/// The id of the batch whose results are served.
pub const BATCH_ID: &str = "msgbatch_01BenchResults0000000001";

/// How many lines of each kind a body holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub succeeded: u64,
    pub errored: u64,
    pub canceled: u64,
    pub expired: u64,
}

impl Counts {
    pub fn from_json(value: &Value) -> Counts {
        let get = |key: &str| value.get(key).and_then(Value::as_u64).unwrap_or(0);
        Counts {
            succeeded: get("succeeded"),
            errored: get("errored"),
            canceled: get("canceled"),
            expired: get("expired"),
        }
    }

    pub fn to_json(self) -> Value {
        serde_json::json!({
            "succeeded": self.succeeded,
            "errored": self.errored,
            "canceled": self.canceled,
            "expired": self.expired,
        })
    }
}

impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} succeeded, {} errored, {} canceled, {} expired",
            self.succeeded, self.errored, self.canceled, self.expired
        )
    }
}

/// A results body and what it holds.
pub struct Body {
    pub bytes: Vec<u8>,
    pub lines: usize,
    pub counts: Counts,
}

const SUCCEEDED: &[&str] = &[
    "succeeded_text",
    "succeeded_citations",
    "succeeded_thinking",
    "succeeded_tool_use",
    "succeeded_web_search",
    "succeeded_web_fetch",
    "succeeded_context_window_exceeded",
    "succeeded_null_stop_reason",
    "succeeded_unknown_block",
    "succeeded_refusal",
    "succeeded_web_search_error",
];
const ERRORED: &[&str] = &["errored", "errored_api_error"];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Succeeded,
    Errored,
    Canceled,
    Expired,
}

/// Line `i`'s kind: 88 % succeeded, 6 % errored, 3 % canceled, 3 % expired, interleaved
/// (37 is coprime with 100, so every residue comes once per hundred lines).
fn kind_of(i: usize) -> Kind {
    match (i * 37) % 100 {
        0..=87 => Kind::Succeeded,
        88..=93 => Kind::Errored,
        94..=96 => Kind::Canceled,
        _ => Kind::Expired,
    }
}

/// One fixture ready to be stamped, as minified JSON text in the fixture's own key order (as
/// the API writes it: `custom_id` first, `type` before the rest): `head` + custom id + `middle`
/// + padding + `tail` + `\n`. The padding goes inside the last text block's `text` string.
struct Template {
    head: String,
    middle: String,
    tail: String,
    /// Whether the message has a text block to pad.
    paddable: bool,
    /// Length of a line with no padding, newline included.
    base_len: usize,
}

/// JSON text without the whitespace between tokens.
fn minify(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in json.chars() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if !c.is_ascii_whitespace() {
            out.push(c);
            in_string = c == '"';
        }
    }
    out
}

fn template(name: &str, id_width: usize) -> Result<Template, String> {
    let file = format!("MessageBatchIndividualResponse.{name}.json");
    let value = try_example(&file)?;
    let path = fixture(&format!("examples/{file}"));
    let text = minify(&std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?);
    let old_id = value["custom_id"].as_str().ok_or_else(|| format!("{file}: no custom_id"))?;
    let id_key = format!("\"custom_id\":{}", serde_json::to_string(old_id).map_err(|e| e.to_string())?);
    let id_at = text.find(&id_key).ok_or_else(|| format!("{file}: custom_id not found in its text"))?;
    let id_start = id_at + "\"custom_id\":\"".len();
    let id_end = id_at + id_key.len() - 1;

    // The last text block's `text`: the padding goes just before its closing quote.
    let last_text = value
        .pointer("/result/message/content")
        .and_then(Value::as_array)
        .and_then(|blocks| {
            blocks.iter().rev().find(|b| b.get("type").and_then(Value::as_str) == Some("text"))
        })
        .and_then(|block| block.get("text").and_then(Value::as_str));
    let pad_at = match last_text {
        Some(last) => {
            let needle = format!("\"text\":{}", serde_json::to_string(last).map_err(|e| e.to_string())?);
            let at =
                text.rfind(&needle).ok_or_else(|| format!("{file}: text block not found in its text"))?;
            if at < id_end {
                return Err(format!("{file}: custom_id is expected before the content"));
            }
            Some(at + needle.len() - 1)
        }
        None => None,
    };
    let (middle, tail) = match pad_at {
        Some(at) => (text[id_end..at].to_owned(), text[at..].to_owned()),
        None => (text[id_end..].to_owned(), String::new()),
    };
    let head = text[..id_start].to_owned();
    let base_len = head.len() + id_width + 4 + middle.len() + tail.len() + 1;
    Ok(Template { head, middle, tail, paddable: pad_at.is_some(), base_len })
}

fn push_custom_id(out: &mut Vec<u8>, i: usize, width: usize) {
    use std::io::Write as _;
    let _ = write!(out, "req-{i:0width$}");
}

/// Builds a body of `lines` lines of about `total_bytes` bytes in all.
pub fn results_body(lines: usize, total_bytes: usize) -> Result<Body, String> {
    let id_width = lines.saturating_sub(1).max(1).to_string().len().max(6);
    let succeeded: Vec<Template> =
        SUCCEEDED.iter().map(|n| template(n, id_width)).collect::<Result<_, _>>()?;
    let errored: Vec<Template> = ERRORED.iter().map(|n| template(n, id_width)).collect::<Result<_, _>>()?;
    let canceled = template("canceled", id_width)?;
    let expired = template("expired", id_width)?;

    let pick = |i: usize| -> (Kind, &Template) {
        match kind_of(i) {
            Kind::Succeeded => (Kind::Succeeded, &succeeded[(i / 3) % succeeded.len()]),
            Kind::Errored => (Kind::Errored, &errored[i % errored.len()]),
            Kind::Canceled => (Kind::Canceled, &canceled),
            Kind::Expired => (Kind::Expired, &expired),
        }
    };

    // Size every padded line so that the body comes to `total_bytes`.
    let (mut fixed, mut padded) = (0usize, 0usize);
    for i in 0..lines {
        let (_, t) = pick(i);
        if t.paddable {
            padded += 1;
        } else {
            fixed += t.base_len;
        }
    }
    let per_padded = total_bytes.saturating_sub(fixed).checked_div(padded).unwrap_or(0);

    let prose = Prose::new();
    let mut bytes = Vec::with_capacity(total_bytes + total_bytes / 16);
    let mut counts = Counts::default();
    for i in 0..lines {
        let (kind, t) = pick(i);
        match kind {
            Kind::Succeeded => counts.succeeded += 1,
            Kind::Errored => counts.errored += 1,
            Kind::Canceled => counts.canceled += 1,
            Kind::Expired => counts.expired += 1,
        }
        bytes.extend_from_slice(t.head.as_bytes());
        push_custom_id(&mut bytes, i, id_width);
        bytes.extend_from_slice(t.middle.as_bytes());
        if t.paddable {
            // ±15 % around the mean, deterministic, so lines are not all the same length.
            let spread = (per_padded * 3 / 10).max(1);
            let jitter = (i.wrapping_mul(2_654_435_761) % spread) as isize - (spread / 2) as isize;
            let target = (per_padded as isize + jitter).max(t.base_len as isize) as usize;
            prose.push_escaped(&mut bytes, target - t.base_len, i);
        }
        bytes.extend_from_slice(t.tail.as_bytes());
        bytes.push(b'\n');
    }
    Ok(Body { bytes, lines, counts })
}

/// Generated assistant prose: paragraphs of Markdown, lists, code with quotes and backslashes,
/// and non-ASCII text, as a model's long answers have.
struct Prose {
    /// Paragraphs, JSON-escaped (without quotes).
    paragraphs: Vec<String>,
}

const SENTENCES: &[&str] = &[
    "The migration plan keeps the old endpoint alive until every client has moved over.",
    "In short, the batch finished within the expected window and no request was retried.",
    "Note that the tokenizer counts whitespace differently from what one might expect.",
    "Paris, Lyon and Marseille are the three largest cities by population in France.",
    "A careful reader will notice that the second proof relies on the first lemma.",
    "The café on the corner serves crème brûlée — a détail worth mentioning.",
    "Le résumé précédent était trop court ; voici une version plus complète.",
    "東京は日本の首都であり、世界で最も人口の多い都市圏の一つです。",
    "The function returns early when the input is empty, which avoids an allocation.",
    "We measured a median latency of 41 ms, with a tail of 180 ms at the 99th percentile.",
    "She said: \"the results are in\", and then closed the laptop.",
    "Consider the path C:\\Users\\build\\output, which Windows tools print with backslashes.",
    "Temperatures ranged from −4 °C at night to 12 °C in the early afternoon.",
    "Each step of the algorithm halves the search space, so it runs in O(log n) time.",
    "The contract was signed on 3 March, and the first delivery is due in April.",
    "Thanks for the question! 😊 Here is a step-by-step explanation.",
];

const BLOCKS: &[&str] = &[
    "## Summary\n\n- The request was valid.\n- The answer follows below.\n- Sources are cited inline.",
    "```rust\nfn main() {\n    let greeting = \"hello\";\n    println!(\"{greeting}, world\\n\");\n}\n```",
    "| Metric | Value |\n|---|---|\n| p50 | 41 ms |\n| p99 | 180 ms |",
    "1. Read the file.\n2. Split it into lines.\n3. Parse each line as JSON.\n\tIndented with a tab.",
    "> \"Simplicity is prerequisite for reliability.\" — Edsger W. Dijkstra",
];

/// ASCII without characters JSON escapes, to top a padding up to an exact length.
const FILLER: &str =
    "Finally, the remaining items were reviewed one by one and nothing else needed to change. ";

impl Prose {
    fn new() -> Prose {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut paragraphs = Vec::with_capacity(256);
        for _ in 0..256 {
            let mut p = String::new();
            if next() % 4 == 0 {
                p.push_str(BLOCKS[(next() % BLOCKS.len() as u64) as usize]);
            } else {
                let sentences = 3 + next() % 6;
                for k in 0..sentences {
                    if k > 0 {
                        p.push(' ');
                    }
                    p.push_str(SENTENCES[(next() % SENTENCES.len() as u64) as usize]);
                }
            }
            let quoted = serde_json::to_string(&p).unwrap_or_default();
            paragraphs.push(quoted[1..quoted.len() - 1].to_owned());
        }
        Prose { paragraphs }
    }

    /// Appends to `out` the JSON-escaped form of a text, exactly `escaped_len` bytes long,
    /// starting at a paragraph chosen by `seed`.
    fn push_escaped(&self, out: &mut Vec<u8>, escaped_len: usize, seed: usize) {
        let mut left = escaped_len;
        let n = self.paragraphs.len();
        let mut k = seed.wrapping_mul(7919) % n;
        // "\n\n" before each paragraph, escaped.
        const BREAK: &str = "\\n\\n";
        loop {
            let p = &self.paragraphs[k];
            if p.len() + BREAK.len() > left {
                break;
            }
            out.extend_from_slice(BREAK.as_bytes());
            out.extend_from_slice(p.as_bytes());
            left -= p.len() + BREAK.len();
            k = (k + 1) % n;
        }
        while left > 0 {
            let take = left.min(FILLER.len());
            out.extend_from_slice(&FILLER.as_bytes()[..take]);
            left -= take;
        }
    }
}

/// The ended batch as `GET /v1/messages/batches/{id}` returns it, pointing at `results_url`.
pub fn ended_batch(id: &str, results_url: &str, counts: Counts) -> Result<Value, String> {
    let mut batch = try_example("MessageBatch.ended.json")?;
    batch["id"] = Value::from(id);
    batch["results_url"] = Value::from(results_url);
    batch["request_counts"] = serde_json::json!({
        "processing": 0,
        "succeeded": counts.succeeded,
        "errored": counts.errored,
        "canceled": counts.canceled,
        "expired": counts.expired,
    });
    Ok(batch)
}

/// The pages of a listing of `total` batches, `limit` per page, keyed by the `after_id` that
/// asks for them ("" for the first page). Each value is a JSON body.
pub fn list_pages(total: usize, limit: usize) -> Result<HashMap<String, Vec<u8>>, String> {
    let template = try_example("MessageBatch.ended.json")?;
    let ids: Vec<String> = (0..total).map(|i| format!("msgbatch_{i:08}")).collect();
    let mut pages = HashMap::new();
    let mut start = 0;
    let limit = limit.max(1);
    loop {
        let end = (start + limit).min(total);
        let data: Vec<Value> = ids[start..end]
            .iter()
            .map(|id| {
                let mut batch = template.clone();
                batch["id"] = Value::from(id.as_str());
                batch["results_url"] =
                    Value::from(format!("https://api.anthropic.com/v1/messages/batches/{id}/results"));
                batch
            })
            .collect();
        let page = serde_json::json!({
            "data": data,
            "first_id": ids[start..end].first(),
            "last_id": ids[start..end].last(),
            "has_more": end < total,
        });
        let key = if start == 0 { String::new() } else { ids[start - 1].clone() };
        pages.insert(key, serde_json::to_vec(&page).map_err(|e| e.to_string())?);
        if end >= total {
            break;
        }
        start = end;
    }
    Ok(pages)
}

#[cfg(test)]
mod tests {
    use super::*;
    use anthropic_batches::types::MessageBatchIndividualResponse;

    #[test]
    fn body_lines_decode_in_the_fixtures_key_order_and_add_up() {
        let body = results_body(300, 300 * 10 * 1024).expect("body builds");
        let text = std::str::from_utf8(&body.bytes).expect("UTF-8");
        let mut ids = std::collections::HashSet::new();
        let mut counts = Counts::default();
        for line in text.lines() {
            assert!(line.starts_with("{\"custom_id\":\"req-"), "{}", &line[..60.min(line.len())]);
            let item: MessageBatchIndividualResponse = serde_json::from_str(line).expect("line decodes");
            assert!(ids.insert(item.custom_id.clone()), "duplicate {}", item.custom_id);
            assert!(crate::inmemory::count(&mut counts, &item.result));
            if line.contains("\"type\":\"succeeded\"") {
                assert!(line.contains("{\"type\":\"succeeded\",\"message\":{"), "tag first: {}", &line[..80]);
            }
        }
        assert_eq!(ids.len(), 300);
        assert_eq!(counts, body.counts);
        let target = 300.0 * 10.0 * 1024.0;
        let size = body.bytes.len() as f64;
        assert!((size - target).abs() / target < 0.05, "{size} bytes for {target}");
    }
}
