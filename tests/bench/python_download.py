"""Downloads a batch's results to a file with the official Anthropic Python SDK, one JSON line
per result, for the bench harness (`--only cli`).

    python python_download.py BASE_URL BATCH_ID FILE

Prints `BENCH_RESULT {json}` with the number of lines written. Run by `tests/bench/main.rs`
against its local server; it is not a test of its own.
"""

import json
import sys


def main():
    base_url, batch_id, path = sys.argv[1], sys.argv[2], sys.argv[3]
    import anthropic

    client = anthropic.Anthropic(api_key="x", base_url=base_url)
    lines = 0
    with open(path, "w", encoding="utf-8") as out:
        for item in client.messages.batches.results(batch_id):
            out.write(item.to_json(indent=None))
            out.write("\n")
            lines += 1
    print("BENCH_RESULT " + json.dumps({"lines": lines}))


if __name__ == "__main__":
    main()
