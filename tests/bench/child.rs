//! The client side of the results benchmark, run in a child process (the bench binary invoked
//! again with a hidden mode) so that its peak RSS is the client's alone, not the server's
//! buffer. Each mode prints one `BENCH_RESULT {json}` line on stdout.

use std::time::Instant;

use anthropic_batches::Client;

use crate::data::Counts;
use crate::inmemory::count;

/// The prefix of the line a child prints its measurements on.
pub const RESULT_PREFIX: &str = "BENCH_RESULT ";

/// A field of `/proc/self/status` in KiB (`VmHWM` is the peak resident set size).
pub fn proc_status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field) && l[field.len()..].starts_with(':'))?;
    line[field.len() + 1..].trim().trim_end_matches("kB").trim().parse().ok()
}

/// CPU time (user + system) used so far by this process (`"self"`) or thread (`"thread-self"`),
/// from `/proc/<which>/stat` (clock ticks of 1/100 s).
pub fn cpu_secs(which: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{which}/stat")).ok()?;
    let (_, after_name) = stat.rsplit_once(')')?;
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    // What `#[tokio::main]` builds.
    tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| e.to_string())
}

/// `--client-results BASE_URL BATCH_ID`: the generated client streams every result; with
/// `keep_text` (`--client-results-text`), through `next_with_raw`, each line's JSON text kept
/// beside its value (and its length counted, so that it is used).
pub fn results(base_url: &str, batch_id: &str, keep_text: bool) -> Result<(), String> {
    let rss_start = proc_status_kib("VmRSS");
    let rt = runtime()?;
    let report = rt.block_on(async {
        let client = Client::builder().base_url(base_url).api_key("x").build().map_err(|e| e.to_string())?;
        let start = Instant::now();
        let mut stream = client.retrieve_message_batch_results(batch_id).await.map_err(|e| e.to_string())?;
        let first_byte = start.elapsed();
        let (mut lines, mut failed, mut counts) = (0u64, 0u64, Counts::default());
        let mut first_error = None;
        let mut text_bytes = 0u64;
        loop {
            let line = if keep_text {
                stream.next_with_raw().await.map(|line| {
                    line.map(|kept| {
                        text_bytes += kept.json().len() as u64;
                        kept.value
                    })
                })
            } else {
                stream.next().await
            };
            let Some(line) = line else { break };
            lines += 1;
            match line {
                Ok(item) => {
                    if !count(&mut counts, &item.result) {
                        failed += 1;
                        first_error.get_or_insert_with(|| format!("line {lines}: unknown result type"));
                    }
                }
                Err(error) => {
                    failed += 1;
                    first_error.get_or_insert_with(|| format!("line {lines}: {error}"));
                }
            }
        }
        let elapsed = start.elapsed();
        Ok::<_, String>(serde_json::json!({
            "secs": elapsed.as_secs_f64(),
            "first_response_secs": first_byte.as_secs_f64(),
            "lines": lines,
            "failed": failed,
            "first_error": first_error,
            "resumptions": stream.resumptions(),
            "text_bytes": text_bytes,
            "counts": counts.to_json(),
        }))
    })?;
    drop(rt);
    print_report(report, rss_start);
    Ok(())
}

/// `--client-raw RESULTS_URL`: the body read with plain reqwest and thrown away (the network
/// and HTTP floor: no line splitting, no decoding).
pub fn raw(url: &str) -> Result<(), String> {
    let rss_start = proc_status_kib("VmRSS");
    let rt = runtime()?;
    let report = rt.block_on(async {
        let http = reqwest::Client::builder().no_proxy().build().map_err(|e| e.to_string())?;
        let start = Instant::now();
        let mut response = http.get(url).send().await.map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!("status {}", response.status()));
        }
        let mut bytes = 0u64;
        let mut chunks = 0u64;
        while let Some(chunk) = response.chunk().await.map_err(|e| e.to_string())? {
            bytes += chunk.len() as u64;
            chunks += 1;
        }
        let elapsed = start.elapsed();
        Ok(serde_json::json!({
            "secs": elapsed.as_secs_f64(),
            "bytes": bytes,
            "chunks": chunks,
        }))
    })?;
    drop(rt);
    print_report(report, rss_start);
    Ok(())
}

fn print_report(mut report: serde_json::Value, rss_start: Option<u64>) {
    report["rss_start_kib"] = serde_json::json!(rss_start);
    report["peak_rss_kib"] = serde_json::json!(proc_status_kib("VmHWM"));
    report["cpu_secs"] = serde_json::json!(cpu_secs("self"));
    println!("{RESULT_PREFIX}{report}");
}
