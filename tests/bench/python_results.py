"""Streams a batch's results with the official Anthropic Python SDK, for the bench harness.

    python python_results.py BASE_URL BATCH_ID

Prints one line `BENCH_RESULT {json}` with the time taken by `messages.batches.results(...)`
and its iteration (the SDK first retrieves the batch, as the Rust client does), the number of
results by type, and the process's peak RSS (`VmHWM`). Run by `tests/bench/main.rs` against
its local server; it is not a test of its own.
"""

import json
import sys
import time


def status_kib(field):
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def main():
    base_url, batch_id = sys.argv[1], sys.argv[2]
    t0 = time.perf_counter()
    import anthropic

    import_secs = time.perf_counter() - t0
    rss_start = status_kib("VmRSS")
    client = anthropic.Anthropic(api_key="x", base_url=base_url)

    counts = {"succeeded": 0, "errored": 0, "canceled": 0, "expired": 0}
    lines = 0
    failed = 0
    start = time.perf_counter()
    for item in client.messages.batches.results(batch_id):
        lines += 1
        kind = getattr(item.result, "type", None)
        if kind in counts and item.custom_id:
            counts[kind] += 1
        else:
            failed += 1
    secs = time.perf_counter() - start

    report = {
        "secs": secs,
        "import_secs": import_secs,
        "lines": lines,
        "failed": failed,
        "counts": counts,
        "rss_start_kib": rss_start,
        "peak_rss_kib": status_kib("VmHWM"),
        "sdk_version": anthropic.__version__,
        "python": sys.version.split()[0],
    }
    print("BENCH_RESULT " + json.dumps(report), flush=True)


if __name__ == "__main__":
    main()
